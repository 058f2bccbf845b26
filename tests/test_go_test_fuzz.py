"""Native fuzzing (`go test -fuzz`, Go 1.18+) read on real captures.

tests/data/gotest_fuzz (make.sh): samples/programs/gotests' fuzzed package, by Go
1.19 and 1.27.3. FuzzUpper's target fails by t.Errorf on an input the fuzzer finds;
FuzzRecord's panics (a slice past its end). testing prints a fuzz target's failure
as `--- FAIL: FuzzX` with a `--- FAIL: FuzzX` under it (the same name), the failure's
log (a panic's: `testing.go:N: panic: …` and the stack, in the log), then `Failing
input written to testdata/fuzz/FuzzX/<hash>`, `To re-run:`, `go test -run=FuzzX/<hash>`.
Plain `go test` afterwards runs each input found as a subtest, `FuzzX/<hash>`, and a
panic as a test's crash. What a person reads: which test, which input, the panic.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import stackdemux
from stackdemux.model import ReportKind
from stackdemux.render import RenderOptions, render

DATA = Path(__file__).resolve().parent / "data" / "gotest_fuzz"
VERSIONS = ("1.19.8", "1.27.3")
FORMS = ("", "-json")
PANIC = "runtime error: slice bounds out of range [:49] with capacity "


def one(path: Path):
    [report] = stackdemux.analyze(path).reports
    return report


@pytest.mark.parametrize("v", VERSIONS)
@pytest.mark.parametrize("form", FORMS)
def test_a_failing_input_the_fuzzer_found_is_its_target_s_failure(v, form):
    r = one(DATA / f"go{v}-fuzz-upper{form}.txt")
    assert (r.kind, r.message, r.tests, r.complete) == (
        ReportKind.TEST_FAILURE, "test failed: FuzzUpper", ["FuzzUpper"], True)
    [failed] = r.failed_tests
    [entry] = failed.log  # (t.Errorf's, with the input the fuzzer found)
    assert (entry.file, entry.line) == ("fuzzed_test.go", 13)
    assert entry.text.startswith("Upper(") and '= "' in entry.text
    assert r.fingerprint == one(DATA / "go1.27.3-fuzz-upper.txt").fingerprint


@pytest.mark.parametrize("v", VERSIONS)
@pytest.mark.parametrize("form", FORMS)
def test_a_panic_inside_the_fuzz_target_is_a_crash_of_its_test(v, form):
    # testing recovers it in the fuzz worker and prints it as the failure's log
    # (`testing.go:N: panic: …`, the stack 12 spaces in): read as the panic it is
    r = one(DATA / f"go{v}-fuzz-record{form}.txt")
    assert r.kind is ReportKind.PANIC and r.message.startswith(PANIC) and r.complete
    assert r.tests == ["FuzzRecord"]
    assert (r.culprit.func, r.culprit.file.rsplit("/", 1)[-1], r.culprit.line) == (
        "example.com/gotests/fuzzed.Record", "fuzzed.go", 10)
    if form:  # (the -json events name the package; plain fuzz output's `FAIL\tpkg`
        # follows the `Failing input` lines, which end the report first)
        assert r.test_package == "example.com/gotests/fuzzed"


@pytest.mark.parametrize("v", VERSIONS)
@pytest.mark.parametrize("form", FORMS)
def test_the_input_rerun_as_a_subtest_is_the_same_crash(v, form):
    # plain `go test` runs the input found as `FuzzRecord/<hash>`: the panic keeps
    # the id it had as the fuzzer found it; FuzzUpper's input is a failure of its own
    reports = stackdemux.analyze(DATA / f"go{v}-rerun{form}.txt").reports
    upper, crash = reports
    assert upper.kind is ReportKind.TEST_FAILURE and upper.message.startswith(
        "test failed: FuzzUpper/")
    assert crash.kind is ReportKind.PANIC and crash.message.startswith(PANIC)
    assert any(t.startswith("FuzzRecord/") for t in crash.tests)
    assert crash.fingerprint == one(DATA / f"go{v}-fuzz-record{form}.txt").fingerprint


def test_the_rerun_s_id_is_the_same_whatever_the_input_s_hash():
    # (Go 1.19 names an input by 64 hex digits, 1.27 by 16; each run finds another)
    ids = {stackdemux.analyze(DATA / f"go{v}-rerun{form}.txt").reports[0].fingerprint
           for v in VERSIONS for form in FORMS}
    assert len(ids) == 1


@pytest.mark.parametrize("v", VERSIONS)
def test_the_ci_formats_name_the_fuzz_target(v):
    a = stackdemux.analyze(DATA / f"go{v}-fuzz-upper.txt")
    sarif = json.loads(render(a, "sarif", RenderOptions(color=False)))
    [result] = sarif["runs"][0]["results"]
    assert "FuzzUpper" in result["message"]["text"]


def _written(path: Path) -> str:
    """The file testing said it wrote the failing input to (`testdata/fuzz/FuzzX/<hash>`)."""
    text = path.read_text()
    if path.name.endswith("-json.txt"):
        text = "".join(json.loads(line).get("Output", "") for line in text.splitlines())
    return next(line.split("written to ", 1)[1] for line in text.splitlines()
                if "Failing input written to" in line)


@pytest.mark.parametrize("v", VERSIONS)
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("target", ("upper", "record"))
def test_the_failing_input_s_file_is_read(v, form, target):
    # `Failing input written to testdata/fuzz/FuzzX/<hash>`, `To re-run:` and the
    # command below the failure (a t.Errorf's log, a panic's stack) are its report's
    path = DATA / f"go{v}-fuzz-{target}{form}.txt"
    written = _written(path)
    analysis = stackdemux.analyze(path)
    [r] = analysis.reports
    [failed] = [f for f in r.failed_tests if f.fuzz_input]
    assert failed.test == "Fuzz" + target.title() and failed.fuzz_input == written
    doc = json.loads(render(analysis, "json", RenderOptions(color=False)))
    [said] = [f["fuzz_input"] for rep in doc["reports"] for f in rep["failed_tests"]]
    assert said == written
    lines = path.read_text().splitlines()
    at = next(n for n, line in enumerate(lines, 1) if "written to" in line)
    covered = {n for a, b in r.lines for n in range(a, b + 1)}
    assert {at, at + 1, at + 2} <= covered  # (their lines are no noise)
    text = render(analysis, "text", RenderOptions(color=False))
    assert f"input{written}" in "".join(text.split())  # (a long one wraps)


@pytest.mark.parametrize("v", VERSIONS)
def test_a_plain_fuzz_run_s_crash_names_its_package(v):
    # go test's `FAIL`, `exit status 1` and `FAIL\tpkg` follow the failing input's lines:
    # they are the crash's, as they are below a test's panic with no fuzzing
    r = one(DATA / f"go{v}-fuzz-record.txt")
    assert (r.test_package, r.exit_status) == ("example.com/gotests/fuzzed", 1)
    assert r.fingerprint == one(DATA / f"go{v}-fuzz-record-json.txt").fingerprint


@pytest.mark.parametrize("v", VERSIONS)
@pytest.mark.parametrize("form", FORMS)
def test_the_rerun_of_a_found_input_is_its_target_s_failure(v, form):
    # plain `go test` runs testdata/fuzz/FuzzUpper/<hash> as the subtest
    # FuzzUpper/<hash>: the same failure as `go test -fuzz` found, one id, and the
    # same input file
    upper, crash = stackdemux.analyze(DATA / f"go{v}-rerun{form}.txt").reports
    found = one(DATA / f"go{v}-fuzz-upper.txt")
    assert upper.fingerprint == found.fingerprint
    [own] = [f for f in upper.failed_tests if f.fuzz_input]
    assert own.fuzz_input == "testdata/fuzz/" + own.test
    [ran] = [f for f in crash.failed_tests if f.fuzz_input]
    assert ran.fuzz_input == "testdata/fuzz/" + ran.test


@pytest.mark.parametrize("v", VERSIONS)
def test_a_found_input_s_rerun_is_filed_under_its_target_s_id_in_ci(v):
    # the CI formats file a failed test under its report's id: the same for the
    # -fuzz run and the rerun (SARIF's partialFingerprints)
    def ids(path: Path) -> set[str]:
        sarif = json.loads(render(stackdemux.analyze(path), "sarif",
                                  RenderOptions(color=False)))
        return {str(res.get("partialFingerprints")) for res in sarif["runs"][0]["results"]
                if res["ruleId"] == "go-test/failure"}
    assert ids(DATA / f"go{v}-rerun.txt") == ids(DATA / f"go{v}-fuzz-upper.txt")


@pytest.mark.parametrize("v", VERSIONS)
@pytest.mark.parametrize("form", FORMS)
def test_a_target_failed_by_its_rerun_input_alone_is_that_failure_s_not_the_crash_s(v, form):
    # plain `go test` prints `--- FAIL: FuzzUpper` over its input's rerun
    # FuzzUpper/<hash> (t.Errorf), then FuzzRecord's over the one that panics: the
    # crash listed FuzzUpper among its failed tests (a parent failed by its subtest
    # alone stayed with the next crash); it is FuzzUpper/<hash>'s, as a package's
    # plain failures' parents are (test_reports.owner)
    upper, crash = stackdemux.analyze(DATA / f"go{v}-rerun{form}.txt").reports
    assert upper.tests[0] == "FuzzUpper" and upper.tests[1].startswith("FuzzUpper/")
    assert [f.test for f in upper.failed_tests] == upper.tests
    assert sorted(crash.tests)[0] == "FuzzRecord" and len(crash.tests) == 2
    assert all(t.startswith("FuzzRecord") for t in crash.tests)
