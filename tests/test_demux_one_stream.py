"""One process's traceback, proven so by the parser's reading (demux/one_stream.py).

The parse reads such a stream first, and its reading is kept for the parse
stage; where it proves that the separation would keep the stream whole and set
nothing aside, the bulk searches that separation starts with are not run. It is
a shortcut only: on every real capture the demultiplexing and the parse come
out as they do without it.
"""

from __future__ import annotations

import pytest
from conftest import ROOT, SAMPLES

from stackdemux import demux, parse
from stackdemux.demux import demultiplex_detail, one_stream
from stackdemux.ingest import ingest
from stackdemux.model import Stream
from stackdemux.parse import parse_stream, report_ids

WILD = SAMPLES / "wild"
NOISE = ROOT / "tests" / "corpus" / "noise"
CAPTURES = sorted(p for p in SAMPLES.rglob("*.txt") if WILD not in p.parents) + sorted(
    p for p in WILD.iterdir() if p.is_file() and p.suffix in (".txt", ".log"))


def _demuxed(data: bytes) -> tuple:
    """Everything the demultiplexer and the parse make of a log, as plain values."""
    d = demultiplex_detail(ingest(data, "x.log"))
    ids = report_ids()
    parsed = []
    for s in d.streams:
        r = parse_stream(s, ids)
        parsed.append((repr(r.reports), r.noise, repr(r.diagnostics)))
    return ([(s.id, s.label, list(s.numbers), list(s.texts), s.pieces, s.unplaced)
             for s in d.streams], d.noise, repr(d.diagnostics), d.layers, parsed)


def test_every_capture_demultiplexes_and_parses_as_without_the_proof(monkeypatch):
    proven = 0
    real = one_stream.reads_as_one
    fired: list[bool] = []

    def counted(stream):
        fired.append(real(stream))
        return fired[-1]

    for path in CAPTURES:
        data = path.read_bytes()
        fired.clear()
        monkeypatch.setattr(one_stream, "reads_as_one", counted)
        with_proof = _demuxed(data)
        monkeypatch.setattr(one_stream, "reads_as_one", lambda s: False)
        assert with_proof == _demuxed(data), path
        proven += any(fired) and WILD not in path.parents
    # (most captures of samples/ are one process's crash; wild pastes are often
    # damaged, and the more of them are held the fewer of all captures are proven)
    captured = sum(1 for p in CAPTURES if WILD not in p.parents)
    assert proven >= captured // 2, (proven, captured)


def test_a_dump_is_read_once_and_not_searched_whole(monkeypatch):
    runs, searched = [], []
    real_run = parse._Parser.run
    monkeypatch.setattr(parse._Parser, "run", lambda self: runs.append(1) or real_run(self))
    monkeypatch.setattr(demux, "needs_separation", lambda *a: searched.append(a) or False)
    data = (SAMPLES / "go1.27" / "deadlock.txt").read_bytes()
    d = demultiplex_detail(ingest(data, "x.log"))
    (stream,) = d.streams
    result = parse_stream(stream, report_ids())
    assert len(runs) == 1 and not searched
    assert len(result.reports) == 1 and not result.noise and not d.noise


def _lines(name: str) -> list[str]:
    return (SAMPLES / name).read_text(encoding="utf-8").splitlines()


def _proven(lines: list[str]) -> bool:
    return one_stream.reads_as_one(Stream(id="s1", numbers=range(1, len(lines) + 1), texts=lines))


def test_a_clean_crash_is_proven():
    assert _proven(_lines("go1.27/deadlock.txt"))
    assert _proven(_lines("go1.21/panic_in_goroutine.txt"))


@pytest.mark.parametrize("at", [3, 4, 5, 8])
def test_a_build_tool_s_line_among_the_frames_is_no_proof(at):
    # (a real tool's line, between frames, after a call line, after a header)
    lines = _lines("go1.27/deadlock.txt")
    tool = (NOISE / "make-gcc.log").read_text(encoding="utf-8").splitlines()[0]
    assert _proven(lines)
    assert not _proven([*lines[:at], tool, *lines[at:]])


def test_a_blank_line_among_the_frames_is_no_proof():
    lines = _lines("go1.27/deadlock.txt")
    frame = next(i for i, t in enumerate(lines) if t.startswith("\t"))
    assert not _proven([*lines[:frame + 1], "", *lines[frame + 1:]])


def test_two_processes_dumps_one_after_the_other_are_no_proof():
    # goroutine 1 printed twice, and two openers
    lines = _lines("go1.27/deadlock.txt")
    assert not _proven(lines + lines)


def test_a_call_line_led_as_a_signal_dump_is_an_opener():
    # needs_separation counts `SIG[A-Z0-9]+` at a line's start as a signal dump's
    assert one_stream._sig_led("SIGQUIT") and one_stream._sig_led("SIG1")
    assert not one_stream._sig_led("SIG") and not one_stream._sig_led("SIGs.f")
    assert not one_stream._sig_led("main.SIGQUIT")
