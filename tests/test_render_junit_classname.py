"""JUnit files each case under a package, as a test tab groups them: the culprit's,
else, where a crash names no culprit, the failed go test's package (`FAIL\tpkg`),
else `go`."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import stackdemux
from stackdemux.render import RenderOptions, render

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _cases(path: Path) -> list[tuple[str, str]]:
    xml = render(stackdemux.analyze(path), "junit", RenderOptions(color=False))
    return [(case.get("name"), case.get("classname"))
            for case in ET.fromstring(xml).iter("testcase")]


def _classnames(path: Path) -> list[str]:
    return [classname for _, classname in _cases(path)]


def test_a_failed_test_with_no_culprit_is_filed_under_its_package():
    # go test -race: the race is blamed on the store's code; the test it failed, `---
    # FAIL: TestRace`, names no culprit, and is filed under `FAIL\texample.com/gotests/store`
    # (a case of its own, named by the test: render/failures.py)
    cases = dict(_cases(SAMPLES / "go1.27" / "test_race.txt"))
    assert cases["TestRace"] == "example.com/gotests/store"


def test_a_pasted_go_test_failure_is_filed_under_the_package_its_fail_line_names():
    # gotestsum#337: `FAIL\tourpackagesgoeshere\t0.015s` below the subtest's failure
    path = SAMPLES / "wild" / "gotestsum337_subtest_name_parentheses.txt"
    assert _classnames(path) == ["ourpackagesgoeshere"]


def test_a_crash_with_a_culprit_is_filed_under_the_culprits_package():
    assert _classnames(SAMPLES / "go1.27" / "nil_map.txt") == ["main"]


def test_a_crash_with_neither_is_filed_under_go():
    path = SAMPLES / "wild" / "zetachain3573_multiline_value_recovered_go123.txt"
    assert _classnames(path) == ["go"]
