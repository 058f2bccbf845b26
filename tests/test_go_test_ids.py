"""One id per failed go test, in every format, kept across runs, told apart by its name.

A bot reading `-f json` files a failed test under its report's fingerprint; a CI
job reading SARIF (partialFingerprints), code quality (fingerprint), JUnit or a
GitHub annotation (`fingerprint: …`) must see the same id for the same failure
(they hashed the package and the name apart, another id space). The id is hashed
from the report's title, `test failed: TestX in pkg`, whose test name keeps the
author's numbers (`TestBlocks/size-10` and `size-20` are two failures: they shared
`size-<N>`) and leaves out only what the run chose (a random number, a UUID, the
time: `TestRunNamed/uuid/<UUID>`), so a run-named test keeps its id run after run.

The captures are real: samples/programs/gotests' names package tested by every Go
toolchain here, plain twice (two runs, each naming its run-named tests anew) and
-json (tests/data/gotest_names/make.sh); and every toolchain's go test captures
under samples/ and tests/data/gotest_forms.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ROOT
from test_malicious import runner_commands

from stackdemux import analyze
from stackdemux.model import ReportKind
from stackdemux.render import RenderOptions, render
from stackdemux.render.failures import failure_views

NAMES = ROOT / "tests" / "data" / "gotest_names"
FORMS = ROOT / "tests" / "data" / "gotest_forms"
GO_TESTS = sorted(
    [*ROOT.glob("samples/*/test_*.txt"), *FORMS.glob("go*.txt"), *NAMES.glob("go*.txt")])
VERSIONS = sorted(p.name.removesuffix("-json.txt") for p in NAMES.glob("go*-json.txt"))
PACKAGE = "example.com/gotests/names"

# Each failure of the names package as its report titles it (less `test failed: `
# and ` in pkg`), whatever run and form it was read from.
TITLED = [
    "TestBlocks/size-10", "TestBlocks/size-20",  # a table's cases, numbered after `-`
    "TestUnnamed/#00", "TestUnnamed/#01",  # cases run with no name: testing numbers them
    "TestRunNamed/nanos/<ID>",  # fmt.Sprint(time.Now().UnixNano())
    "TestRunNamed/random/<ID>",  # strconv.Itoa(rand.Int())
    "TestRunNamed/time/<TIME>",  # time.Now().String(), its spaces written `_`
    "TestRunNamed/uuid/<UUID>",  # a random UUID
]


def _ids(path: Path) -> dict[str, str]:
    """Each failed test's report fingerprint, by its title's test name."""
    out = {}
    for r in analyze(path).reports:
        assert r.kind is ReportKind.TEST_FAILURE and r.complete, (path.name, r.title)
        name = r.title.removeprefix("test failed: ").removesuffix(f" in {PACKAGE}")
        assert name not in out, (path.name, name)
        out[name] = r.fingerprint
    return out


def test_every_installed_go_is_captured():
    assert len(VERSIONS) >= 8, VERSIONS  # 1.19 and 1.21 to 1.27


@pytest.mark.parametrize("go", VERSIONS)
def test_each_numbered_case_is_a_failure_of_its_own(go):
    ids = _ids(NAMES / f"{go}-plain-run1.txt")
    assert sorted(ids) == sorted(TITLED)
    assert len(set(ids.values())) == len(TITLED)  # size-10 and size-20 were one id


@pytest.mark.parametrize("go", VERSIONS)
def test_a_run_named_test_keeps_its_id_from_run_to_run_and_form_to_form(go):
    one, two = (NAMES / f"{go}-plain-run{n}.txt" for n in (1, 2))
    assert one.read_text() != two.read_text()  # the runs named their tests otherwise
    assert _ids(one) == _ids(two) == _ids(NAMES / f"{go}-json.txt")


def test_every_go_version_gives_the_same_ids():
    ids = {go: _ids(NAMES / f"{go}-json.txt") for go in VERSIONS}
    assert len({tuple(sorted(v.items())) for v in ids.values()}) == 1, ids


def _said(text: str) -> str:
    return text.rsplit("fingerprint: ", 1)[1].split("\n", 1)[0]


def _per_format(path: Path) -> dict[str, dict[str, str]]:
    """Each format's id of each failed test it shows, by test name."""
    analysis = analyze(path)
    opts = RenderOptions()
    out: dict[str, dict[str, str]] = {}
    sarif = json.loads(render(analysis, "sarif", opts))
    out["sarif"] = {r["message"]["text"].split(" failed: ", 1)[0]:
                    r["partialFingerprints"]["stackdemux/test/v1"]
                    for r in sarif["runs"][0]["results"] if r["ruleId"] == "go-test/failure"}
    out["codequality"] = {i["description"].split(" failed: ", 1)[0]: i["fingerprint"]
                          for i in json.loads(render(analysis, "codequality", opts))
                          if i["check_name"] == "stackdemux/test-failure"}
    root = ET.fromstring(render(analysis, "junit", opts))
    out["junit"] = {c.get("name"): _said(c.find("failure").text) for c in root.iter("testcase")
                    if c.find("failure") is not None
                    and c.find("failure").get("type") == "test failure"}
    github = {}
    for name, line in runner_commands(render(analysis, "github", opts)):
        if name != "error":
            continue
        props, _, message = line[len("::error "):].partition("::")
        title = dict(p.split("=", 1) for p in props.split(",")).get("title", "")
        test = title.split(" failed%3A ", 1)[0]  # (a property's `:` and `,` escaped)
        test = test.replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
        text = message.replace("%0A", "\n")
        if f"\ntest: {test} in " in text:  # (a failed test's, not a crash's)
            github[test] = _said(text)
    out["github"] = github
    return out


@pytest.mark.parametrize("path", GO_TESTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_ci_format_files_a_failure_under_its_json_id(path):
    analysis = analyze(path)
    views = failure_views(analysis)
    for view in views:
        # the report that is the failure: its own (a parent it failed alone is its)
        own = [r for r in analysis.reports if r.kind is ReportKind.TEST_FAILURE
               and r.test_package == view.package and view.failed.test in r.tests]
        assert [r.fingerprint for r in own] == [view.fingerprint], (view.failed.test, own)
    document = json.loads(render(analysis, "json", RenderOptions()))
    json_ids = {(r["test_package"], t): r["fingerprint"] for r in document["reports"]
                if r["kind"] == "test failure" for t in r["tests"]}
    want = {v.failed.test: json_ids[(v.package, v.failed.test)] for v in views}
    for fmt, ids in _per_format(path).items():
        assert ids == want, (fmt, path.name)
