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


@pytest.mark.xfail(strict=True, reason="gap (tests23): `Failing input written to "
                   "testdata/fuzz/FuzzX/<hash>` is in no grammar rule; the report does not "
                   "say which input file failed (its lines are noise)")
@pytest.mark.parametrize("v", VERSIONS)
def test_the_failing_input_s_file_is_read(v):
    path = DATA / f"go{v}-fuzz-upper.txt"
    written = next(line.split("written to ", 1)[1] for line in path.read_text().splitlines()
                   if "Failing input written to" in line)
    doc = render(stackdemux.analyze(path), "json", RenderOptions(color=False))
    assert written in doc
