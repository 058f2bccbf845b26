"""gotestsum's summary names the failed test a crash happened in.

gotestsum (gotest.tools/gotestsum, testjson/summary.go) ends a run with `=== Failed`
and, for each failed test, `=== FAIL: <package> <test>[ (re-run N)] (<seconds>s)`, the
time `unknown` where the test never ended (its binary crashed), then the test's output:
so the line comes before the test's panic, as go test's `--- FAIL:` does, and a blank
line ends the case. A package that failed outside any test (TestMain, init, a timeout's
panic) is listed with no test name: `=== FAIL: <package>  (0.00s)`. The package is
relative to the module (`.` for its root), as gotestsum prints it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import stackdemux
from stackdemux.grammar import line_grammar
from stackdemux.render import RenderOptions, render

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
AZURE = SAMPLES / "wild" / "azuredev3437_gotestsum_fail_windows_agent_map_read_write.txt"
GOTESTSUM337 = SAMPLES / "wild" / "gotestsum337_subtest_name_parentheses.txt"
TEST = "Test_TemplateSource_ListTemplates/WithSingleDefaultValue"
PACKAGE = "cli/azd/pkg/devcenter"


def _json(source) -> dict:
    return json.loads(render(stackdemux.analyze(source), "json", RenderOptions(color=False)))


def _read(line: str) -> tuple[str | None, dict]:
    kind, m = line_grammar().classify(line)
    if m is None or kind != "test_summary_fail":
        return kind, {}
    return kind, {k.split("__", 1)[1]: v for k, v in m.groupdict().items()
                  if k.startswith("test_summary_fail__") and v is not None}


def test_the_real_line_is_read_with_its_package_and_test():
    line = AZURE.read_text(encoding="utf-8").splitlines()[1]
    assert _read(line) == ("test_summary_fail", {
        "package": PACKAGE, "test": TEST, "elapsed_unknown": "unknown"})


@pytest.mark.parametrize("line, fields", [
    # gotestsum#337's summary, as pasted
    ("=== FAIL: ourpackagesgoeshere TestWithSubs/should_(fail) (0.00s)",
     {"package": "ourpackagesgoeshere", "test": "TestWithSubs/should_(fail)", "duration": "0.00s"}),
    # summary.go's other shapes: a re-run (`formatRunID`), the module's root
    # package, a package's failure outside any test (an empty test name)
    ("=== FAIL: . TestX (re-run 1) (0.12s)",
     {"package": ".", "test": "TestX", "rerun": "1", "duration": "0.12s"}),
    ("=== FAIL: cli/azd/pkg/devcenter  (0.00s)", {"package": PACKAGE, "duration": "0.00s"}),
])
def test_gotestsums_shapes_are_read(line, fields):
    assert _read(line) == ("test_summary_fail", fields)


# In CI gotestsum forces colour (its defaultNoColor: CI set with GITHUB_ACTIONS,
# GITLAB_CI, BUILDKITE…), and summary.go's prefix is fatih/color's RedString("FAIL"):
# the word between `\x1b[31m` and its reset `\x1b[0m`, as a GitHub Actions log keeps it.
RED_FAIL = "=== \x1b[31mFAIL\x1b[0m: "


def test_the_coloured_line_gotestsum_prints_in_ci_is_read_as_the_plain_one():
    line = AZURE.read_text(encoding="utf-8").splitlines()[1]
    assert _read(line.replace("=== FAIL: ", RED_FAIL)) == _read(line)
    assert _read(RED_FAIL + "cli/azd/pkg/devcenter  (0.00s)") == (
        "test_summary_fail", {"package": PACKAGE, "duration": "0.00s"})


def test_a_crash_after_the_coloured_line_names_its_test():
    coloured = AZURE.read_text(encoding="utf-8").replace("=== FAIL: ", RED_FAIL, 1)
    d = _json(coloured)
    [report] = d["reports"]
    assert (report["tests"], report["test_package"]) == ([TEST], PACKAGE)
    assert report["lines"] == [[2, 15]]


@pytest.mark.parametrize("other", [
    "=== \x1b[33mSKIP\x1b[0m: cli/azd/pkg/devcenter TestX (0.00s)",  # its skipped tests
    "=== \x1b[31mFailed\x1b[0m",  # the section's header
    "=== \x1b[31mFAIL: cli/azd/pkg/devcenter TestX (0.00s)",  # no reset: not its shape
])
def test_gotestsum_s_other_coloured_lines_are_no_failed_test(other):
    assert _read(other)[0] != "test_summary_fail"


# Lines that say `=== FAIL: ` in public projects' code and are not gotestsum's: a
# Makefile's awk coverage gate, shell and Python scripts' own verdicts.
DECOYS = [
    "=== FAIL: Coverage failed at 61.20%",
    "=== FAIL: Round-trip is NOT idempotent ===",
    "=== FAIL: see above ===",
    "=== FAIL: plan-dependency-prose-regression ===",
    "=== FAIL: There are 3 mismatched elements!",
]


@pytest.mark.parametrize("decoy", DECOYS)
def test_other_programs_fail_lines_are_not_read_as_gotestsums(decoy):
    assert _read(decoy)[0] != "test_summary_fail"


@pytest.mark.parametrize("decoy", DECOYS)
def test_a_decoy_before_a_crash_names_no_test(decoy):
    crash = AZURE.read_text(encoding="utf-8").split("\n", 2)[2]  # the fatal error on
    d = _json(f"{decoy}\n{crash}")
    assert [r["tests"] for r in d["reports"]] == [[]]
    assert d["reports"][0]["test_package"] is None


def test_the_crash_names_the_test_its_summary_line_names():
    d = _json(AZURE)
    [report] = d["reports"]
    assert report["kind"] == "fatal error"
    assert report["tests"] == [TEST]
    assert report["test_package"] == PACKAGE
    assert report["lines"] == [[2, 15]]  # the `=== FAIL:` line is the report's, not noise
    assert d["noise"] == [[1, 1]]  # (the paste's fence)


@pytest.mark.parametrize("fmt, said", [
    ("text", f"{TEST} in\n              {PACKAGE}"),
    ("markdown", f"**Test:** `{TEST} in {PACKAGE}`"),
    ("github", f"%0Atest: {TEST} in {PACKAGE}%0A"),
])
def test_every_format_names_the_test(fmt, said):
    assert said in render(stackdemux.analyze(AZURE), fmt, RenderOptions(color=False))


def test_junit_names_the_test():
    xml = render(stackdemux.analyze(AZURE), "junit", RenderOptions(color=False))
    [case] = ET.fromstring(xml).iter("testcase")
    [failure] = case.iter("failure")
    assert f"test: {TEST} in {PACKAGE}" in failure.text.splitlines()


def test_a_summary_of_failures_without_a_crash_opens_no_report():
    # gotestsum#337: the summary lists the two failed tests after the run; the only
    # report is go test's own failure (`--- FAIL` … `FAIL\tpkg`) above it: the
    # subtest's, with the parent that failed by it (names sorted, parents first)
    d = _json(GOTESTSUM337)
    assert [(r["kind"], r["tests"], r["test_package"]) for r in d["reports"]] == [
        ("test failure", ["TestWithSubs", "TestWithSubs/should_(fail)"], "ourpackagesgoeshere")]
    summary = [n for n, t in enumerate(GOTESTSUM337.read_text().splitlines(), 1)
               if t.startswith("=== FAIL: ")]
    assert summary and all(any(a <= n <= b for a, b in d["noise"]) for n in summary)


def test_a_blank_line_ends_the_tests_output():
    # a case whose output had no crash, then (after gotestsum's blank line) a crash
    # that no summary line names: the test is not given to it
    summary = GOTESTSUM337.read_text(encoding="utf-8").split("=== Failed\n", 1)[1]
    first_case = summary.split("\n\n", 1)[0]
    crash = AZURE.read_text(encoding="utf-8").split("\n", 2)[2]
    d = _json(f"{first_case}\n\n{crash}")
    assert [r["tests"] for r in d["reports"]] == [[]]


def test_the_next_summary_line_names_the_next_crash_alone():
    # two cases back to back (gotestsum --hide-summary=output prints no blank line):
    # the second's crash is the second's
    summary = GOTESTSUM337.read_text(encoding="utf-8").split("=== Failed\n", 1)[1]
    first_case = summary.split("\n\n", 1)[0]
    d = _json(f"{first_case}\n" + AZURE.read_text(encoding="utf-8").split("\n", 1)[1])
    assert [r["tests"] for r in d["reports"]] == [[TEST]]
