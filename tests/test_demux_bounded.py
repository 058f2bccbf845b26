"""A log written to be slow stays cheap to separate.

The separator weighs every traceback line against every stream it holds
open. A report opener that no stack follows (`panic: …` quoted by a log
line, a service logging every panic it recovered, or a log written to be
slow) opens a stream that waits for its first goroutine; thousands of them
held open made each line cost thousands of checks, and a 400 KB log of
such lines ran for over ten minutes. The separator now keeps at most
MAX_TRACKS (+ TRACKS_SLACK) streams open, and a real crash among the
decoys is still recovered whole.
"""

from __future__ import annotations

import pytest
from conftest import parse_file, sample_path

from stackdemux.api import analyze
from stackdemux.demux import beam, needs_separation

DECOYS = 1000


@pytest.fixture
def open_streams(monkeypatch) -> list[int]:
    """The most streams any hypothesis held open, line after line."""
    seen: list[int] = []
    line = beam.Beam.line

    def counted(self, *args):
        line(self, *args)
        seen.append(max(len(h.tracks) for h in self.beam))

    monkeypatch.setattr(beam.Beam, "line", counted)
    return seen


def _crash_among_decoys(dealt: bool) -> str:
    """A real crash amid `panic: …` log lines: its lines dealt one by one
    between them, or whole between the first half of them and the second."""
    crash = sample_path("nil_map").read_text(encoding="utf-8").splitlines()
    lines = [f"panic: request {i} recovered, retrying" for i in range(DECOYS)]
    middle = DECOYS // 2
    if dealt:
        for k, line in enumerate(crash):
            lines.insert(middle + 2 * k + 1, line)
    else:
        lines[middle:middle] = crash
    return "\n".join(lines) + "\n"


def test_stackless_openers_keep_few_streams_open(open_streams):
    text = _crash_among_decoys(dealt=True)
    analyze(text.encode())
    assert open_streams, "the separator read the log"
    assert max(open_streams) <= beam.MAX_TRACKS + beam.TRACKS_SLACK


def test_a_crash_among_thousands_of_decoys_is_recovered_whole():
    # (dealt line by line, which of two openers a goroutine follows is anyone's guess)
    text = _crash_among_decoys(dealt=False)
    analysis = analyze(text.encode())
    # a lone `panic: …` line is a report of its own (GOTRACEBACK=none prints
    # no stack), so the decoys stay stackless reports; the crash is the one with stacks
    stacked = [r for r in analysis.reports if r.goroutines]
    _, alone = parse_file(sample_path("nil_map"))
    assert len(stacked) == 1
    (found,), (truth,) = stacked, alone.reports
    assert found.message == truth.message
    assert [(g.id, g.state, [(f.func, f.file, f.line) for f in g.frames])
            for g in found.goroutines] == \
        [(g.id, g.state, [(f.func, f.file, f.line) for f in g.frames])
         for g in truth.goroutines]
    assert len(analysis.reports) == DECOYS + 1


def test_openers_that_no_stack_follows_need_no_separation():
    # each is a report of its own however the lines are dealt: nothing to share out
    decoys = [f"panic: request {i} recovered, retrying" for i in range(DECOYS)]
    assert not needs_separation(decoys)
    crash = sample_path("nil_map").read_text(encoding="utf-8").splitlines()
    # one stack among them, or one headerless frame, and who printed it matters
    assert needs_separation(decoys[:10] + crash + decoys[10:])
    frame = [line for line in crash if line.startswith("\t")][:1]
    assert frame and needs_separation(decoys[:10] + frame + decoys[10:])
