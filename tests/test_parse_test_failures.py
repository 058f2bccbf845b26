"""A plain go test failure (no crash, no stack) is read with its log: each failed
test (`Report.failed_tests`) and the `file.go:12: message` entries testing printed
for it, so that the CI formats can point at the test's line.

Real output of `go test` (samples/programs/gotests/calc and greet, Go 1.19-1.27,
plain, -v and -json) and real pastes of testify's failures.
"""

from __future__ import annotations

import re

import pytest
from conftest import SAMPLES, sample_path, sample_versions

from stackdemux import analyze
from stackdemux.model import ReportKind


def _read(report):
    return {f.test: [(e.file, e.line, e.text) for e in f.log] for f in report.failed_tests}


def _by_package(analysis):
    """Each package's failed tests with their logs, over its reports (one a failed test)."""
    read: dict[str, dict] = {}
    for r in analysis.reports:
        read.setdefault(r.test_package, {}).update(_read(r))
    return read


CALC = {
    "TestAdd": [("calc_test.go", 11, "Add(1, 2) = 4, want 3")],
    "TestSub": [],
    "TestSub/case_2": [("calc_test.go", 27, "Sub(3, -1) = -4, want 4")],
    "TestReport": [("calc_test.go", 36, "report has 2 lines"),
                   ("calc_test.go", 39, "Report() mismatch:\ngot:\nitems: 2\ntotal: 3\n"
                                        "want:\nitems: 2\ntotal: 3")],
    "TestNested": [],
    "TestNested/outer": [],
    "TestNested/outer/inner": [("calc_test.go", 47, "want a positive number, got -1")],
}
GREET = {
    "TestHello": [("greet_test.go", 11, 'Hello("Gopher") = "Hello Gopher", want "Hello, Gopher"')],
    "TestGreetings": [],
    "TestGreetings/Ann": [("greet_test.go", 22, "greeting Ann"),
                          ("greet_test.go", 24, 'Hello("Ann") = "Hello Ann", want a comma')],
    "TestGreetings/Bob": [("greet_test.go", 22, "greeting Bob"),
                          ("greet_test.go", 24, 'Hello("Bob") = "Hello Bob", want a comma')],
}


@pytest.mark.parametrize("go", sample_versions("test_fail_plain") or ["-"])
def test_each_failed_test_has_its_log_under_its_fail_line(go):
    # without -v: the log follows each `--- FAIL`, 4 spaces deeper a level
    a = analyze(sample_path("test_fail_plain", go[:4]))
    assert {r.kind for r in a.reports} == {ReportKind.TEST_FAILURE}
    assert _by_package(a) == {"example.com/gotests/calc": CALC, "example.com/gotests/greet": GREET}
    assert all(re.fullmatch(r"0\.[0-9]{2}s", f.elapsed) for r in a.reports for f in r.failed_tests)
    assert a.noise == []  # every line is a report's: the `--- FAIL`s, their logs, the FAILs


@pytest.mark.parametrize("go", ["1.21", "1.27"])
def test_with_v_the_log_above_each_fail_line_is_its_test_s(go):
    # -v: the log is printed as written, after `=== RUN`/`=== CONT` naming its test;
    # the parallel subtests' logs are told apart by their `=== CONT` lines (and,
    # where one's output goes on after another's, by `=== NAME`: 1.21's run)
    a = analyze(sample_path("test_fail_verbose", go))
    assert _by_package(a) == {"example.com/gotests/calc": CALC, "example.com/gotests/greet": GREET}
    lines = (SAMPLES / f"go{go}" / "test_fail_verbose.txt").read_text().splitlines()
    [ann] = [f.log[1] for r in a.reports for f in r.failed_tests if f.test == "TestGreetings/Ann"]
    assert lines[ann.input_lines[0] - 1] == (
        '    greet_test.go:24: Hello("Ann") = "Hello Ann", want a comma')
    # the `=== RUN` lines and the passing tests' are no failure's: noise
    assert all(lines[n - 1].lstrip().startswith(("=== ", "--- PASS")) for a_, b in a.noise
               for n in range(a_, b + 1))


@pytest.mark.parametrize("go", ["1.21", "1.27"])
def test_with_json_each_test_s_events_are_its_failure_and_log(go):
    # test2json: a package's events are its stream (its -v output), read as -v is
    a = analyze(sample_path("test_fail_json", go))
    assert _by_package(a) == {"example.com/gotests/calc": CALC, "example.com/gotests/greet": GREET}
    assert all(r.complete for r in a.reports)  # (each test's events read apart looked cut)


def test_a_multi_line_message_spans_its_lines():
    a = analyze(sample_path("test_fail_plain", "1.27"))
    [report] = [f for r in a.reports for f in r.failed_tests if f.test == "TestReport"]
    assert [e.input_lines for e in report.log] == [(7, 7), (8, 14)]
    assert report.input_line == 6


# astralkn/gophercises#5 (2020-03-04), a bot's issue quoting `go test -v`: testify's
# assert.Equal, its message on the lines below the entry (https://github.com/astralkn/gophercises/issues/5)
TESTIFY = (
    "=== RUN   Test_gitInspector_t2\n"
    "--- FAIL: Test_gitInspector_t2 (0.00s)\n"
    "    inspector_test.go:12: \n"
    "        \tError Trace:\tinspector_test.go:12\n"
    "        \tError:      \tNot equal: \n"
    "        \t            \texpected: \"a\"\n"
    "        \t            \tactual  : \"b\"\n"
    "        \t            \t\n"
    "        \t            \tDiff:\n"
    "        \t            \t--- Expected\n"
    "        \t            \t+++ Actual\n"
    "        \t            \t@@ -1 +1 @@\n"
    "        \t            \t-a\n"
    "        \t            \t+b\n"
    "        \tTest:       \tTest_gitInspector_t2\n"
    "        \tMessages:   \tArguments not matching\n"
)


def test_testify_s_block_is_the_entry_s_message():
    [r] = analyze(TESTIFY).reports
    assert (r.kind, r.complete) == (ReportKind.TEST_FAILURE, False)  # (no FAIL line: cut)
    [failed] = r.failed_tests
    [entry] = failed.log
    assert (entry.file, entry.line, entry.input_lines) == ("inspector_test.go", 12, (3, 16))
    assert entry.text.splitlines()[:3] == ["", "\tError Trace:\tinspector_test.go:12",
                                           "\tError:      \tNot equal: "]


# scgolang/sc#13 (`go test -v` of Go 1.5-era testing, 8 spaces before each entry as
# pasted): https://github.com/scgolang/sc/issues/13
OLD_INDENT = (
    "--- FAIL: TestSpring (0.00s)\n"
    "        caw_test.go:27: ugen 7 has 1 output(s), ugen 7 has 0 output(s)\n"
    "=== RUN   TestStackPushPop\n"
    "--- PASS: TestStackPushPop (0.00s)\n"
    "=== RUN   TestSyncSaw\n"
    "--- FAIL: TestSyncSaw (0.00s)\n"
    "        caw_test.go:27: ugen 2 has 1 output(s), ugen 2 has 0 output(s)\n"
    "FAIL\n"
)


def test_an_entry_at_another_depth_than_testing_s_is_no_entry():
    # 8 spaces under a top-level test's `--- FAIL` is no depth testing prints today
    # (it would be a subtest's): such lines are not read as any test's log
    a = analyze(OLD_INDENT)
    assert [(f.test, f.log) for r in a.reports for f in r.failed_tests] == [
        ("TestSpring", []), ("TestSyncSaw", [])]


def test_a_line_that_only_looks_like_an_entry_outside_a_failed_test_is_noise():
    text = "    main_test.go:12: looks like a log line\nok  \texample.com/x\t0.01s\n"
    a = analyze(text)
    assert a.reports == [] and a.noise == [(1, 2)]
