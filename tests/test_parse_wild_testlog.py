"""A failed test's block pasted alone: `--- FAIL: TestX (…)` and the test's log,
indented by testing, with no `FAIL` line after it (samples/wild/, go#52963).

`go test` prints `FAIL` and the package's `FAIL\tpkg\t…` after a failed test's
block; a paste (or a log cut short) may end before them. A person still reads a
test failure; it is marked incomplete, with why. Any other line after the block
(not indented under it) leaves the `--- FAIL` lines noise, as before.
"""

from __future__ import annotations

from conftest import ROOT

from stackdemux import analyze
from stackdemux.model import ReportKind

RACE = ROOT / "samples" / "go1.27" / "test_race.txt"  # `--- FAIL: TestRace` at line 41


def _lines(first: int, last: int) -> str:
    return "\n".join(RACE.read_text().splitlines()[first - 1:last]) + "\n"


def test_a_fail_block_cut_before_go_test_s_fail_line_is_a_test_failure():
    a = analyze(_lines(41, 42))  # `--- FAIL: TestRace (0.01s)`, `    testing.go:1867: race …`
    [r] = a.reports
    assert (r.kind, r.tests, r.complete) == (ReportKind.TEST_FAILURE, ["TestRace"], False)
    # the test's log line is its log (it was noise before the logs were read)
    assert r.lines == [(1, 2)] and a.noise == []
    [failed] = r.failed_tests
    assert [(e.file, e.text, e.input_lines) for e in failed.log] == [
        ("testing.go", "race detected during execution of test", (2, 2))]


def test_with_its_fail_line_the_same_block_is_complete():
    [r] = analyze(_lines(41, 45)).reports
    assert (r.kind, r.tests, r.complete) == (ReportKind.TEST_FAILURE, ["TestRace"], True)


def test_a_fail_block_followed_by_other_output_opens_nothing():
    # `--- FAIL` and its log, then the race report's rule: not the test's output
    assert analyze(_lines(41, 42) + _lines(40, 40)).reports == []


# `go test -fuzz`: testing logs a fuzz target's panic in the failed test's output,
# `testing.go:1356: panic: <value>` and debug.Stack()'s goroutine indented under it.
FUZZ = ROOT / "samples" / "wild" / "dcrdex1766_fuzz_engine_panic_in_test_log_go119.txt"


def test_the_fuzzing_engine_s_panic_is_read_from_the_failed_test_s_log():
    [r] = analyze(FUZZ).reports
    assert (r.kind, r.message) == (ReportKind.PANIC, "runtime error: makeslice: len out of range")
    # (its `--- FAIL: FuzzDecrypt` twice: the target, then the input's run; one test)
    assert r.tests == ["FuzzDecrypt"] and r.lines == [(7, 13)]
    [g] = r.goroutines
    assert (g.id, g.state) == (513, "running")
    f, cut = g.frames
    assert (f.func, f.file, f.line, f.offset) == (
        "runtime/debug.Stack", "/home/jon/go119/src/runtime/debug/stack.go", 24, "0xdb")
    # the paste ends on the next call line, its file line cut off: that frame is
    # the report's, cut short, and the report says it is incomplete and why (the
    # line went to the noise while the report said complete)
    assert (cut.func, cut.file, cut.line) == ("testing.tRunner.func1", None, None)
    assert (r.complete, r.incomplete_reason) == (False, "a frame without its file line")


def test_a_quoted_stack_cut_inside_a_frame_loses_no_line_and_says_so():
    a = analyze(FUZZ)
    assert a.noise == [(1, 6)]  # the fuzzing engine's progress lines only
    [d] = a.diagnostics
    assert (d.message, d.lines) == ("frame testing.tRunner.func1 has no file line", [(13, 13)])
    # as the same stack cut so outside a test's log reads
    value, *stack = FUZZ.read_text().splitlines()[8:]
    plain = [value.strip().replace("testing.go:1356: ", ""), *(t[12:] for t in stack)]
    [r] = analyze("\n".join(plain) + "\n").reports
    assert (r.complete, r.incomplete_reason) == (False, "a frame without its file line")


def test_a_test_s_log_line_that_says_panic_with_no_stack_under_it_stays_its_log():
    lines = FUZZ.read_text().splitlines()
    # the stack not indented under the log line, or no stack: testing's log, no panic
    for tail in (["goroutine 513 [running]:"], ["            some other text"]):
        text = "\n".join(lines[:9] + tail) + "\n"
        assert all(r.kind is not ReportKind.PANIC for r in analyze(text).reports), tail
