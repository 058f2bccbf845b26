"""A big dump's mixed start, read by its templates (issue 3).

In big-writes-time a pool prints 5000 parked goroutines into the pipe a small
fleet program crashes into, write() by write() (strace's order). After the
last broken line the text is the pool's alone, and it repeats five templates;
before it, the pool's writes are its templates' (demux/writes_templates.py),
and what they leave (the fleet's whole output, the pool's head and goroutine 1
among its first lines) the write decoder reads with the heads, the pool's
files and the fleet's whole lines held. tests/corpus/writes_templates.py
measures how far the templates alone read.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "corpus"))

import score
from writes_templates import Measured, load, measure, mixed_end

from stackdemux.api import analyze
from stackdemux.demux.writes_templates import _line_writes, learn, read_by_templates

CASE = "big-writes-time"


@pytest.fixture(scope="module")
def big() -> Measured:
    return measure(CASE)


Merged = tuple[str, list[int], list[str]]  # the text, who wrote each byte, each one's output


@pytest.fixture(scope="module")
def merged() -> Merged:
    return load(CASE)


def _texts(line: str) -> list[tuple[str, str]]:
    got = _line_writes(line)
    assert got is not None
    return [(w.text, w.role) for w in got]


def test_a_line_is_cut_where_the_runtime_may_have_written_apart() -> None:
    # Go 1.27 writes a header's `]` and `:\n` apart (8 of the pool's 17 in the
    # mixed start): each a write of its own; the id the one value that differs
    assert _texts("goroutine 18 [sync.Mutex.Lock]:") == [
        ("goroutine ", ""), ("18", "id"), (" ", ""), ("[", ""), ("sync.Mutex.Lock", ""),
        ("]", ""), (":\n", "")]
    assert _texts("main.parkOnSelect(0x0?, 0x0?)") == [
        ("main.parkOnSelect", ""), ("(", ""), ("0x0", "hex"), ("?", ""), (", ", ""),
        ("0x0", "hex"), ("?", ""), (")\n", "")]
    assert _texts("\t/opt/gobin/1.27.3/go/src/runtime/sema.go:95 +0x25") == [
        ("\t", ""), ("/opt/gobin/1.27.3/go/src/runtime/sema.go", ""), (":", ""), ("95", ""),
        (" ", ""), ("+", ""), ("0x25", ""), ("\n", "")]
    assert _line_writes("main.(*Hub).Shutdown0xc0000102d0") is None  # no line of the grammar


def test_the_tail_teaches_the_dumps_templates(merged: Merged) -> None:
    text = merged[0]
    templates = learn(text[mixed_end(text):])
    states = sorted(w.text for t in templates for w in t.writes[4:5])
    assert states == ["chan receive", "select", "sleep", "sync.Cond.Wait", "sync.Mutex.Lock"]
    values = {(w.text, w.role) for t in templates for w in t.writes if w.role == "hex"}
    # Cond's ticket differs in every block: a value with no usual text; the
    # rest print the same in the blocks it learns from (SemacquireMutex's `0x0?`)
    assert values == {("", "hex")}


def test_templates_read_the_pools_writes_in_the_mixed_start_exactly(big: Measured) -> None:
    assert (big.templates, big.goroutines, big.fits) == (5, 17, 16)
    assert big.taken == big.held
    # what they leave: the fleet's whole output with the pool's head among its first lines
    assert big.rest == big.held_rest and len(big.rest) == big.others + 205
    assert "pool exhausted: 5000 workers parked (seed 1)" in big.rest[:big.mixed_rest]


def test_the_remainder_reads_as_both_processes(merged: Merged) -> None:
    text, _, outs = merged
    got = read_by_templates(text, mixed_end(text))
    assert got is not None
    dump, fleet = ("\n".join("".join(text[a:b] for a, b in segs) for segs in lines) + "\n"
                   for lines in got.processes)
    assert fleet == outs[1]
    # the blank line after the pool's goroutine 1 is the noise's: the decoder
    # gave it no process (the report reads the same without it)
    assert dump == outs[0].replace("+0x17a\n\n", "+0x17a\n", 1)
    assert [text[a:b] for a, b in got.noise] == ["\n", "\n"]


def test_one_process_alone_is_left_to_the_line_level(merged: Merged) -> None:
    # the pool's own output: its templates take all its blocks, and one head is left
    pool = merged[2][0]
    assert read_by_templates(pool, pool.index("goroutine 40 [")) is None


def test_both_reports_of_big_writes_time_read_exactly() -> None:
    case = next(iter(score.load_cases(case=CASE)))
    analysis = analyze(case.input())
    assert sorted(score.report_key(r) for r in analysis.reports) == sorted(score.truth_keys(case))
    # every piece placed: the reports are vouched for (nothing said incomplete)
    assert not any(s.unplaced for s in analysis.streams)
    assert [r.complete for r in analysis.reports] == [True, True]
