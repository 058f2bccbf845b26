"""go test's flags that change what it prints, read end to end on real captures.

tests/data/gotest_flags (make.sh): samples/programs/gotests' suite package, by Go 1.19
and 1.27.3: subtests named with `/` (a deeper name: `TestKeys/unix/path`) and with a
space (testing writes `TestKeys/with_space`), one skipped by t.Skip, one stopped by
t.Fatalf, a panic in a subtest (TestTrim/no_slash), a later failing test (TestLater);
-v and -json of all of it, -failfast, -count=3, and -run by a name with a space and
with `/`. A failure keeps its id (Report.fingerprint) in every form, every toolchain
and every run of -count: a bot files it once.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import stackdemux
from stackdemux.model import ReportKind
from stackdemux.render import RenderOptions, render

DATA = Path(__file__).resolve().parent / "data" / "gotest_flags"
VERSIONS = ("1.19.8", "1.27.3")
PACKAGE = "example.com/gotests/suite"
# each failure's id, as the full run reads it (Go 1.27.3 -v)
IDS = {"TestKeys/unix/path": "81ead97b81c4cb58", "TestKeys/with_space": "d5d5ab3565e8a250",
       "TestTrim/no_slash": "8ed0265c66e09d3d", "TestLater": "48fbbe7ac0d2eae0"}


def failures(path: Path) -> dict[str, str]:
    """Each report's own failed test (a crash's: its deepest test) → its id."""
    out = {}
    for r in stackdemux.analyze(path).reports:
        assert r.test_package == PACKAGE and r.complete, (path.name, r.id)
        test = r.message.removeprefix("test failed: ") if r.kind is ReportKind.TEST_FAILURE \
            else max(r.tests, key=lambda t: (t.count("/"), t))
        out[test] = r.fingerprint
    return out


@pytest.mark.parametrize("v", VERSIONS)
def test_the_whole_run_reads_alike_with_v_and_json(v):
    # (the panic ends the test binary: TestLater never runs)
    whole = {t: IDS[t] for t in ("TestKeys/unix/path", "TestKeys/with_space",
                                 "TestTrim/no_slash")}
    assert failures(DATA / f"go{v}-verbose.txt") == whole
    assert failures(DATA / f"go{v}-json.txt") == whole


@pytest.mark.parametrize("v", VERSIONS)
@pytest.mark.parametrize("form", ["failfast", "failfast-json"])
def test_failfast_reads_the_one_failure_that_ran(v, form):
    assert failures(DATA / f"go{v}-{form}.txt") == {"TestKeys/unix/path": IDS["TestKeys/unix/path"]}


@pytest.mark.parametrize("v", VERSIONS)
@pytest.mark.parametrize("form", ["count3", "count3-json"])
def test_count_reruns_are_one_report_a_failure_with_each_run_s_log(v, form):
    path = DATA / f"go{v}-{form}.txt"
    assert failures(path) == {t: IDS[t] for t in ("TestKeys/unix/path", "TestKeys/with_space",
                                                  "TestLater")}
    lines = path.read_text().splitlines()
    for r in stackdemux.analyze(path).reports:
        [own] = [f for f in r.failed_tests if f.log]
        assert len(own.log) == 3 and len({e.text for e in own.log}) == 1  # (a run each)
        # every run's `--- FAIL` of the test is its report's (the later runs' went
        # with the package's last failure)
        verdicts = [n for n, text in enumerate(lines, 1)
                    if f"--- FAIL: {own.test} (" in text]
        assert len(verdicts) == 3
        held = {n for a, b in r.lines for n in range(a, b + 1)}
        assert set(verdicts) <= held, (own.test, verdicts, r.lines)


@pytest.mark.parametrize("v", VERSIONS)
def test_run_by_a_name_with_a_space_or_a_slash_keeps_the_id(v):
    assert failures(DATA / f"go{v}-run-space.txt") == {
        "TestKeys/with_space": IDS["TestKeys/with_space"]}
    assert failures(DATA / f"go{v}-run-slash-json.txt") == {
        "TestKeys/unix/path": IDS["TestKeys/unix/path"]}


@pytest.mark.parametrize("v", VERSIONS)
def test_skip_and_fatal_in_subtests(v):
    a = stackdemux.analyze(DATA / f"go{v}-verbose.txt")
    named = {t for r in a.reports for t in r.tests}
    assert not any("skipped" in t or "passes" in t for t in named)  # (skipped, passed: no failure)
    [fatal] = [f for r in a.reports for f in r.failed_tests if f.test == "TestKeys/with_space"]
    # t.Fatalf stops the subtest: its log is the message, not the t.Log after it
    assert [(e.file, e.line, e.text) for e in fatal.log] == [
        ("suite_test.go", 16, 'Key(x) = "x", want empty')]


@pytest.mark.parametrize("v", VERSIONS)
def test_json_and_junit_name_the_failed_tests(v):
    a = stackdemux.analyze(DATA / f"go{v}-json.txt")
    options = RenderOptions(color=False)
    doc = json.loads(render(a, "json", options))
    crash = next(r for r in doc["reports"] if r["kind"] == "panic")
    assert "TestTrim/no_slash" in crash["tests"] and crash["test_package"] == PACKAGE
    plain = [r for r in doc["reports"] if r["kind"] == "test failure"]
    assert [r["failed_tests"][-1]["test"] for r in plain] == ["TestKeys/unix/path",
                                                                "TestKeys/with_space"]
    assert plain[0]["failed_tests"][-1]["log"][0]["file"] == "suite_test.go"
    junit = ET.fromstring(render(a, "junit", options))
    names = [case.get("name") for case in junit.iter("testcase")]
    assert {"TestKeys/unix/path", "TestKeys/with_space"} <= set(names)
    assert all(case.get("classname") == PACKAGE for case in junit.iter("testcase"))
