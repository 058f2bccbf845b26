"""go test's race detector, -timeout alarm and t.Cleanup panics, read end to end.

tests/data/gotest_hazards (make.sh): samples/programs/gotests' hazards package by
Go 1.19, 1.21.13 and 1.27.3, plain and -json. TestRace's goroutine adds to a ledger
while the test does (`go test -race`): the race detector prints its report in the
test's output as the race happens, and testing fails the test when it ends (`race
detected during execution of test`). TestHang outlives `-timeout=2s`: testing's
alarm panics `test timed out after 2s` (Go 1.21+ lists the tests running) and
prints every goroutine. TestCleanupPanic's t.Cleanup function panics. What a person
and a bot read: which test, the race's two stacks or the panic's culprit, and an id
that stays the same run after run, in every form and toolchain.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import stackdemux
from stackdemux.model import ReportKind
from stackdemux.render import RenderOptions, render

DATA = Path(__file__).resolve().parent / "data" / "gotest_hazards"
VERSIONS = ("1.19.8", "1.21.13", "1.27.3")
FORMS = ("", "-json")
PACKAGE = "example.com/gotests/hazards"
PKG = PACKAGE + "."


def reports(name: str):
    return stackdemux.analyze(DATA / name).reports


def junit_cases(name: str) -> list[tuple[str, str]]:
    xml = render(stackdemux.analyze(DATA / name), "junit", RenderOptions(color=False))
    return re.findall(r'<testcase classname="([^"]*)" name="([^"]*)"', xml)


@pytest.mark.parametrize("v", VERSIONS)
@pytest.mark.parametrize("form", FORMS)
def test_a_race_in_a_test_is_one_report_of_that_test_with_both_stacks(v, form):
    race, failed = reports(f"go{v}-race{form}.txt")
    assert race.kind is ReportKind.RACE and race.complete
    # (plain output names no test in the race's lines: the test that testing failed
    # for it, below, is its; -json's events name it)
    assert (race.tests, race.test_package) == (["TestRace"], PACKAGE)
    read, write = race.race.accesses
    assert (read.operation, [f.func for f in read.frames]) == (
        "Read", [PKG + "(*ledger).add", PKG + "TestRace.func1"])
    assert (write.operation, [f.func for f in write.frames][:2]) == (
        "Previous write", [PKG + "(*ledger).add", PKG + "TestRace"])
    assert (race.culprit.func, race.culprit.line) == (PKG + "(*ledger).add", 14)
    # the test's own failure: its log, testing's verdict on the race said once (Go
    # 1.19-1.21's -json says it again after the tests, as the package's output)
    assert failed.kind is ReportKind.TEST_FAILURE and failed.tests == ["TestRace"]
    [test] = failed.failed_tests
    assert [e.text for e in test.log] == [
        "entries: 2", "race detected during execution of test"]


def test_a_race_keeps_its_id_in_every_form_toolchain_and_run():
    # (addresses, goroutine ids, offsets and testing's line numbers differ)
    ids = {tuple(r.fingerprint for r in reports(f"go{v}-race{form}.txt"))
           for v in VERSIONS for form in (*FORMS, "-json-2")}
    assert len(ids) == 1


@pytest.mark.parametrize("v", VERSIONS)
@pytest.mark.parametrize("form", FORMS)
def test_the_race_is_filed_in_junit_under_its_package(v, form):
    [(race_class, race_name), (test_class, test_name)] = junit_cases(f"go{v}-race{form}.txt")
    assert race_name.startswith("DATA RACE: read by " + PKG + "(*ledger).add")
    assert (race_class, test_class, test_name) == (PACKAGE, PACKAGE, "TestRace")


@pytest.mark.parametrize("v", VERSIONS)
@pytest.mark.parametrize("form", FORMS)
def test_a_test_past_its_timeout_is_the_alarm_s_panic_blaming_the_test(v, form):
    [r] = reports(f"go{v}-timeout{form}.txt")
    assert (r.kind, r.message, r.complete) == (ReportKind.PANIC, "test timed out after 2s", True)
    assert (r.culprit.func, r.culprit.line) == (PKG + "TestHang", 32)
    assert r.test_package == PACKAGE
    # Go 1.21+ lists the tests running (`running tests:`, `TestHang (2s)`) and -json's
    # events name it; Go 1.19's plain output says no test's name
    assert r.tests == ([] if (v, form) == ("1.19.8", "") else ["TestHang"])
    assert junit_cases(f"go{v}-timeout{form}.txt") == [
        (PACKAGE, "panic: test timed out after &lt;DUR&gt;")]


def test_a_timeout_keeps_its_id_whatever_the_toolchain_and_form():
    ids = {r.fingerprint for v in VERSIONS for form in FORMS
           for r in reports(f"go{v}-timeout{form}.txt")}
    assert len(ids) == 1


@pytest.mark.parametrize("v", VERSIONS)
@pytest.mark.parametrize("form", FORMS)
def test_a_panic_in_a_cleanup_function_is_a_crash_of_its_test(v, form):
    [r] = reports(f"go{v}-cleanup{form}.txt")
    assert (r.kind, r.message, r.complete) == (ReportKind.PANIC, "lease released twice", True)
    assert (r.tests, r.test_package) == (["TestCleanupPanic"], PACKAGE)
    assert (r.culprit.func, r.culprit.line) == (PKG + "(*lease).release", 43)
    [test] = r.failed_tests
    assert [e.text for e in test.log] == ["released"]  # (its t.Log before the cleanup)
    assert junit_cases(f"go{v}-cleanup{form}.txt") == [
        (PACKAGE, "panic: lease released twice")]


def test_a_cleanup_panic_keeps_its_id_whatever_the_toolchain_and_form():
    ids = {r.fingerprint for v in VERSIONS for form in FORMS
           for r in reports(f"go{v}-cleanup{form}.txt")}
    assert len(ids) == 1
