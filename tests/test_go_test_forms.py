"""One failed go test, one report and one id, whatever form go test printed it in.

A CI job may log `go test` plain one day, `-v` or `-json` the next: a triage bot
must file the same failures under the same ids. The captures are real: the
calc and greet packages of samples/programs/gotests (t.Errorf, t.Fatalf in a
table subtest, t.Logf before a multi-line t.Errorf, a failure two subtests deep,
parallel subtests) tested by every Go toolchain installed here, 1.19 to 1.27,
three ways each (tests/data/gotest_forms/make.sh).

Plain output read as one report per package and `-json` as one per test (each
test's events a stream) gave the same failures other ids: now a package's
output (its -json events in order are its -v output) is split into one report
per failed test that is a failure of its own (test_reports.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from stackdemux import analyze
from stackdemux.model import ReportKind
from stackdemux.render.failures import failure_views

FORMS = Path(__file__).resolve().parent / "data" / "gotest_forms"
VERSIONS = sorted(p.name.removesuffix("-plain.txt") for p in FORMS.glob("go*-plain.txt"))
CALC, GREET = "example.com/gotests/calc", "example.com/gotests/greet"

# The failures of their own, each with the parents that failed by it alone.
FAILURES = {
    (CALC, "TestAdd"): ["TestAdd"],
    (CALC, "TestSub/case_2"): ["TestSub", "TestSub/case_2"],
    (CALC, "TestReport"): ["TestReport"],
    (CALC, "TestNested/outer/inner"): ["TestNested", "TestNested/outer", "TestNested/outer/inner"],
    (GREET, "TestHello"): ["TestHello"],
    (GREET, "TestGreetings/Ann"): ["TestGreetings", "TestGreetings/Ann"],
    (GREET, "TestGreetings/Bob"): ["TestGreetings/Bob"],
}


def read(path: Path) -> dict:
    """Each report as a bot files it: by package and test, its id, title and log."""
    out = {}
    for r in analyze(path).reports:
        assert r.kind is ReportKind.TEST_FAILURE and r.complete, (path.name, r.id)
        test = r.message.removeprefix("test failed: ")
        out[(r.test_package, test)] = (
            r.fingerprint, r.title, r.tests,
            [(f.test, [(e.file, e.line, e.text) for e in f.log]) for f in r.failed_tests])
    return out


def test_every_installed_go_is_captured():
    assert len(VERSIONS) >= 8, VERSIONS  # 1.19 and 1.21 to 1.27


@pytest.mark.parametrize("go", VERSIONS)
def test_plain_verbose_and_json_read_as_the_same_reports(go):
    plain = read(FORMS / f"{go}-plain.txt")
    assert {k: v[2] for k, v in plain.items()} == FAILURES
    assert read(FORMS / f"{go}-verbose.txt") == plain
    assert read(FORMS / f"{go}-json.txt") == plain


@pytest.mark.parametrize("go", VERSIONS)
def test_each_report_is_one_failed_test_of_its_package(go):
    for (package, test), (_, title, _, _) in read(FORMS / f"{go}-plain.txt").items():
        assert title == f"test failed: {test} in {package}"


def test_every_go_version_gives_the_same_ids():
    ids = {go: {k: v[0] for k, v in read(FORMS / f"{go}-json.txt").items()}
           for go in VERSIONS}
    assert len({tuple(sorted(v.items())) for v in ids.values()}) == 1, ids
    assert len(set(ids[VERSIONS[0]].values())) == len(FAILURES)  # no two failures share one


@pytest.mark.parametrize("go", VERSIONS)
def test_the_ci_entries_agree_across_the_forms(go):
    def entries(form):
        return sorted((v.package, v.failed.test, v.fingerprint, v.summary)
                      for v in failure_views(analyze(FORMS / f"{go}-{form}.txt")))

    plain = entries("plain")
    assert [(p, t) for p, t, _, _ in plain] == sorted(FAILURES)
    assert entries("verbose") == plain and entries("json") == plain


def test_a_test_of_one_name_in_two_packages_is_two_failures():
    # greet's block of the real plain log (`--- FAIL: TestHello` … `FAIL\tpkg`) twice,
    # the second as another package's: the title and the id name the package (a bot
    # must not file TestHello of two packages as one failure)
    lines = (FORMS / f"{VERSIONS[-1]}-plain.txt").read_text().splitlines(keepends=True)
    start = next(i for i, ln in enumerate(lines) if ln.startswith("--- FAIL: TestHello "))
    end = next(i for i, ln in enumerate(lines) if ln.startswith(f"FAIL\t{GREET}\t"))
    block = "".join(lines[start:end + 1])
    a = analyze(block + block.replace(GREET, "example.com/gotests/other"))
    hello = [r for r in a.reports if r.message == "test failed: TestHello"]
    assert [r.test_package for r in hello] == [GREET, "example.com/gotests/other"]
    assert len({r.fingerprint for r in hello}) == 2 and len(a.groups) == len(a.reports)
