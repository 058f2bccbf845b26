"""Write()-level interleaving (issue 3): the whole lines after a region's last
broken one. Processes that finished leave the last one printing alone: a big
dump's tail, a signal dump per thread. Only there is a line of the grammar one
process's line; before it, the line-level separator reads mixtures of writes
(slowly: its splicer costs seconds per KB there) and none of it is kept.
Cases come from tests/corpus/cases (real Go output, strace'd writes).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import stackdemux
from stackdemux.demux.writes_gate import is_broken
from stackdemux.demux.writes_tail import headless_dump, whole_tail
from stackdemux.model import Stream

CASES = Path(__file__).parent / "corpus" / "cases"


def _input(name: str) -> str:
    d = CASES / name
    t = d / "truth.json"
    truth = json.loads(t.read_text() if t.exists() else gzip.decompress(
        (d / "truth.json.gz").read_bytes()))
    raw = (d / truth["input"]).read_bytes()
    return (gzip.decompress(raw) if truth["input"].endswith(".gz") else raw).decode()


def _stream(text: str) -> Stream:
    lines = text.split("\n")
    return Stream(id="s", numbers=range(1, len(lines) + 1), texts=lines)


def test_the_tail_starts_after_the_last_broken_line():
    s = _stream(_input("sigquit-writes-time"))
    tail = whole_tail(s)
    assert tail is not None
    first = tail.numbers[0]
    assert is_broken(s.texts[first - 2]) and not any(is_broken(t) for t in tail.texts)
    assert sum(t == "SIGQUIT: quit" for t in tail.texts) == 3  # three threads' dumps


def test_a_shuffle_broken_to_its_end_has_no_tail_to_read_line_by_line():
    assert whole_tail(_stream(_input("bolt-writes-shuffle"))) is None


def test_the_threads_sections_printed_alone_at_the_end_are_no_crashes():
    """GOTRACEBACK=crash: the three sections at the end are idle-4's other
    threads (`-----` before each), whose crash is lost in the writes above:
    no report of their own; one report a process."""
    reports = stackdemux.analyze(_input("sigquit-writes-time")).reports
    assert [r.message for r in reports] == ["SIGQUIT: quit"] * 4
    assert not [r for r in reports if len(r.goroutines) == 1]


def _line_level_reads(name: str) -> list[list[int]]:
    """The input lines the write layer gives the line-level separator."""
    from stackdemux.demux.writes import separate_region

    given: list[list[int]] = []

    def line_level(stream, noise, diagnostics):
        given.append(list(stream.numbers))
        return [Stream(id="", numbers=stream.numbers, texts=stream.texts, unplaced=True)]

    separate_region(_stream(_input(name)), line_level, [], [])
    return given


def test_a_region_broken_to_its_end_is_not_read_line_by_line():
    # twelve processes' writes shuffled: no line after the last broken one
    assert _line_level_reads("twelve-writes-shuffle") == []


def test_only_the_whole_tail_is_read_line_by_line():
    given = _line_level_reads("sigquit-writes-time")
    assert len(given) == 1 and given[0][0] > 600 and given[0][-1] == 827


def test_whole_tracebacks_among_grep_lines_are_read_whole():
    # build output that quotes code (`main.go:55:  panic(…)`) breaks a few lines
    # around a real crash printed whole: the line level reads all of it
    s = _stream(_input("crash-noise"))
    assert whole_tail(s) is s


def test_a_big_dumps_headless_tail_sends_the_region_to_be_read_whole():
    # 5000 goroutines printed alone after the writes mixed: which stream runs
    # on into them only a read of the whole region tells (its head is broken)
    tail = whole_tail(_stream(_input("big-writes-time")))
    assert tail is not None and headless_dump(tail)
    # signal dumps printed alone each open with their own `SIGQUIT: quit`
    assert not headless_dump(whole_tail(_stream(_input("sigquit-writes-time"))))
