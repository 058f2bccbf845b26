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
    assert r.lines == [(1, 1)] and a.noise == [(2, 2)]


def test_with_its_fail_line_the_same_block_is_complete():
    [r] = analyze(_lines(41, 45)).reports
    assert (r.kind, r.tests, r.complete) == (ReportKind.TEST_FAILURE, ["TestRace"], True)


def test_a_fail_block_followed_by_other_output_opens_nothing():
    # `--- FAIL` and its log, then the race report's rule: not the test's output
    assert analyze(_lines(41, 42) + _lines(40, 40)).reports == []
