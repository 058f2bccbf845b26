"""A go test that fails without crashing (t.Errorf, t.Fatalf) is shown by every CI
format at the line of its test file its log names: a GitHub `::error file=…,line=…`,
a JUnit failed case per test, a SARIF result and a code quality issue
(render/failures.py), on real `go test` output (samples/programs/gotests, Go
1.19-1.27, plain, -v and -json) with the test programs' sources as the checkout.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ROOT, sample_path
from test_escape_checks import github_problems
from test_malicious import runner_commands

from stackdemux import analyze, analyze_many
from stackdemux.render import RenderOptions, render

PROGRAMS = ROOT / "samples" / "programs" / "gotests"

# (test, checkout path, line) of each failed test shown: a parent test that failed by
# its subtest alone is said by the subtest; a test with a log points at its last entry
SHOWN = [
    ("TestAdd", "calc/calc_test.go", 11),
    ("TestSub/case_2", "calc/calc_test.go", 27),
    ("TestReport", "calc/calc_test.go", 39),
    ("TestNested/outer/inner", "calc/calc_test.go", 47),
    ("TestHello", "greet/greet_test.go", 11),
    ("TestGreetings/Ann", "greet/greet_test.go", 24),
    ("TestGreetings/Bob", "greet/greet_test.go", 24),
]
LOGS = [("test_fail_plain", "1.19"), ("test_fail_plain", "1.27"), ("test_fail_verbose", "1.21"),
        ("test_fail_verbose", "1.27"), ("test_fail_json", "1.21"), ("test_fail_json", "1.27")]


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """The test programs' module as a CI job checks it out."""
    shutil.copytree(PROGRAMS, tmp_path / "repo")
    return tmp_path / "repo"


def _github(path: Path, root: Path | None) -> list[tuple[str, str | None, int | None]]:
    out = render(analyze(path), "github", RenderOptions(repo_root=str(root) if root else None))
    found = []
    for name, line in runner_commands(out):
        if name != "error":
            continue
        props = dict(p.split("=", 1) for p in line[len("::error "):].split("::", 1)[0].split(","))
        test = props["title"].split(" failed%3A ", 1)[0]
        found.append((test, props.get("file"), int(props["line"]) if "line" in props else None))
    return found


@pytest.mark.parametrize(("scenario", "go"), LOGS)
def test_github_annotates_each_failed_test_at_its_file_s_line(scenario, go, checkout):
    found = _github(sample_path(scenario, go), checkout)
    assert sorted(found) == sorted(SHOWN)


def test_without_a_checkout_no_file_is_named(tmp_path):
    # GitHub resolves `file` in the workspace: a name it cannot find is no annotation there
    found = _github(sample_path("test_fail_plain", "1.27"), tmp_path)
    assert sorted(found) == sorted((test, None, None) for test, _, _ in SHOWN)


def test_a_module_in_a_subdirectory_is_found_by_its_go_mod(tmp_path):
    shutil.copytree(PROGRAMS, tmp_path / "services" / "gotests")
    found = _github(sample_path("test_fail_plain", "1.27"), tmp_path)
    assert sorted(found) == sorted((t, f"services/gotests/{p}", n) for t, p, n in SHOWN)


def test_the_annotation_says_the_log_as_testing_printed_it(checkout):
    analysis = analyze(sample_path("test_fail_plain", "1.27"))
    out = render(analysis, "github", RenderOptions(repo_root=str(checkout)))
    [failed] = [r for r in analysis.reports if r.tests == ["TestReport"]]
    [report] = [ln for ln in out.splitlines() if "title=TestReport failed" in ln]
    assert report.startswith("::error file=calc/calc_test.go,line=39,"
                             "title=TestReport failed%3A Report() mismatch%3A::")
    assert report.split("::")[2].split("%0A") == [
        "calc_test.go:36: report has 2 lines", "calc_test.go:39: Report() mismatch:",
        "    got:", "    items: 2", "    total: 3", "    want:", "    items: 2", "    total: 3",
        "test: TestReport in example.com/gotests/calc",
        f"in {sample_path('test_fail_plain', '1.27')}: line 8",  # (which log, as a crash's)
        f"fingerprint: {failed.fingerprint}"]  # (its report's in the JSON: one id)
    # the group that named the tests with no place is not annotated besides them
    assert "test failed: TestAdd" not in out.split("::group::")[0]


@pytest.mark.parametrize(("scenario", "go"), LOGS)
def test_junit_has_a_failed_case_per_test_under_its_package(scenario, go, checkout):
    xml = render(analyze(sample_path(scenario, go)), "junit",
                 RenderOptions(repo_root=str(checkout)))
    root = ET.fromstring(xml)
    cases = [(c.get("name"), c.get("file")) for c in root.iter("testcase")]
    assert sorted(cases) == sorted((t, p) for t, p, _ in SHOWN)
    assert root.get("tests") == root.get("failures") == str(len(SHOWN))
    hello = next(c for c in root.iter("testcase") if c.get("name") == "TestHello")
    assert hello.get("classname") == "example.com/gotests/greet"
    assert re.fullmatch(r"0\.[0-9]{2}", hello.get("time"))
    failure = hello.find("failure")
    assert failure.get("message") == 'Hello("Gopher") = "Hello Gopher", want "Hello, Gopher"'
    assert failure.text.startswith('greet_test.go:11: Hello("Gopher")')


@pytest.mark.parametrize(("scenario", "go"), LOGS)
def test_sarif_has_a_result_per_test_at_its_line(scenario, go, checkout):
    doc = json.loads(render(analyze(sample_path(scenario, go)), "sarif",
                            RenderOptions(repo_root=str(checkout))))
    [run] = doc["runs"]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["go-test/failure"]
    found = []
    for result in run["results"]:
        assert result["ruleId"] == "go-test/failure" and result["level"] == "error"
        loc = result["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        test = result["message"]["text"].split(" failed: ", 1)[0]
        found.append((test, loc["artifactLocation"]["uri"], loc["region"]["startLine"]))
    assert sorted(found) == sorted(SHOWN)
    fingerprints = [r["partialFingerprints"]["stackdemux/test/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(SHOWN)


def test_a_failure_s_fingerprint_is_the_same_in_every_run_and_format():
    # of the package and the test: the -v and -json runs, and Go 1.19's, say the same
    def prints(scenario, go):
        doc = json.loads(render(analyze(sample_path(scenario, go)), "codequality",
                                RenderOptions()))
        return sorted(issue["fingerprint"] for issue in doc)

    assert prints("test_fail_plain", "1.19") == prints("test_fail_verbose", "1.27") == prints(
        "test_fail_json", "1.21")


@pytest.mark.parametrize(("scenario", "go"), LOGS)
def test_code_quality_has_an_issue_per_test_in_the_checkout(scenario, go, checkout):
    issues = json.loads(render(analyze(sample_path(scenario, go)), "codequality",
                               RenderOptions(repo_root=str(checkout))))
    found = [(i["description"].split(" failed: ", 1)[0], i["location"]["path"],
              i["location"]["lines"]["begin"]) for i in issues]
    assert sorted(found) == sorted(SHOWN)
    assert {i["check_name"] for i in issues} == {"stackdemux/test-failure"}


def test_outside_a_checkout_sarif_and_code_quality_point_at_the_log_s_line(tmp_path):
    path = sample_path("test_fail_plain", "1.27")
    lines = path.read_text().splitlines()
    options = RenderOptions(repo_root=str(tmp_path))
    issues = json.loads(render(analyze(path), "codequality", options))
    add = next(i for i in issues if i["description"].startswith("TestAdd failed"))
    assert lines[add["location"]["lines"]["begin"] - 1] == (
        "    calc_test.go:11: Add(1, 2) = 4, want 3")


def test_a_crash_s_report_shows_the_tests_that_failed_before_it_not_the_crashed_one(checkout):
    # go test -race: TestRace's `--- FAIL` and testing's log line after the race report
    # are a failure of their own; the race is the crash group's
    out = render(analyze(sample_path("test_race", "1.27")), "github",
                 RenderOptions(repo_root=str(checkout)))
    errors = [line for name, line in runner_commands(out) if name == "error"]
    assert len(errors) == 2 and errors[0].startswith(
        "::error file=store/store.go,line=25,title=DATA RACE")
    assert errors[1].startswith("::error title=TestRace failed%3A race detected during "
                                "execution of test::testing.go:")


# --------------------------------------------------------------- hostile logs ---

# A test's name and its log are the test's own text, and a log may be an attacker's:
# each format's reader must take them as text (real plain output, the name and the
# message replaced).
HOSTILE_NAME = "Test::set-env_name=PWNED::1%0A::error::x<script>]]>"
HOSTILE_TEXT = ("::add-mask::hunter2 %0A::error file=x::injected ##[error]pwned <img src=x "
                "onerror=alert(1)> [click](https://evil.example/) \x1b[2J\u202egnp.exe")


def _hostile() -> str:
    text = sample_path("test_fail_plain", "1.27").read_text()
    return text.replace("TestAdd", HOSTILE_NAME).replace("Add(1, 2) = 4, want 3", HOSTILE_TEXT)


def test_hostile_names_and_messages_stay_text_in_every_ci_format(checkout):
    a = analyze(_hostile())
    assert a.reports[0].failed_tests[0].test == HOSTILE_NAME
    options = RenderOptions(repo_root=str(checkout))
    github = render(a, "github", options)
    # (read as the runner reads it: a `::error` line is one command, `##[` in it none)
    assert not github_problems(github, len(SHOWN)), github_problems(github, len(SHOWN))
    assert "\x1b" not in github and "\u202e" not in github and "PWNED" in github
    junit = render(a, "junit", options)
    root = ET.fromstring(junit.encode())
    assert any(c.get("name") == HOSTILE_NAME.replace("<", "<") for c in root.iter("testcase"))
    assert "<script>" not in junit and "\x1b" not in junit
    for fmt in ("sarif", "codequality"):
        out = render(a, fmt, options)
        doc = json.dumps(json.loads(out), ensure_ascii=False)
        assert "PWNED" in doc and "\x1b" not in doc and "\u202e" not in doc
    sarif = json.loads(render(a, "sarif", options))
    texts = [r["message"]["text"] for r in sarif["runs"][0]["results"]]
    assert any("\\[click\\](https://evil.example/)" in t for t in texts)  # no live link


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_the_reports_for_people_show_each_failed_test_s_log(fmt):
    out = render(analyze(sample_path("test_fail_verbose", "1.27")), fmt, RenderOptions())
    for test, _, _ in SHOWN:
        assert test in out
    for line in ("calc_test.go:39: Report() mismatch:", "calc_test.go:36: report has 2 lines",
                 "greet_test.go:22: greeting Bob"):
        assert line in out, line
    assert "TestSub/case_1" not in out  # (it passed)


def test_a_test_that_failed_with_no_word_before_a_crash_is_the_crash_s():
    # a blog's paste: `--- FAIL: Test`, `--- FAIL: TestDeadlock`, then the bubble's panic;
    # `Test` printed no log: nothing to point at but what the crash says
    path = (ROOT / "samples" / "wild"
            / "goblog_testing_time_synctest_deadlock_stacks_elided_go125.txt")
    out = render(analyze(path), "github", RenderOptions())
    errors = [line for name, line in runner_commands(out) if name == "error"]
    assert len(errors) == 1 and errors[0].startswith("::error title=panic%3A deadlock")


def test_each_ci_text_names_the_log_and_line_of_a_failed_test(checkout, tmp_path):
    # two logs read as one analysis: `line 8 of the log` said neither which
    plain = sample_path("test_fail_plain", "1.27")
    other = tmp_path / "other.log"
    other.write_bytes(sample_path("nil_map").read_bytes())
    analysis = analyze_many([str(plain), str(other)])
    options = RenderOptions(repo_root=str(checkout))
    said = f"in {plain}: line 8"
    github = render(analysis, "github", options)
    [annotation] = [ln for ln in github.splitlines() if "title=TestReport failed" in ln]
    assert said in annotation.split("::")[2].split("%0A")
    junit = ET.fromstring(render(analysis, "junit", options))
    [case] = [c for c in junit.iter("testcase") if c.get("name") == "TestReport"]
    assert said in case.find("failure").text.splitlines()
    sarif = json.loads(render(analysis, "sarif", options))
    [result] = [r for r in sarif["runs"][0]["results"]
                if r["message"]["text"].startswith("TestReport failed")]
    assert result["message"]["text"].splitlines()[-1] == said
