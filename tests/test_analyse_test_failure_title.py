"""A failed go test with no panic is titled `test failed: TestX`, said once.

The parser's message for a `--- FAIL: TestX` with no crash under it is already
`test failed: TestX, …`; the title put the kind's word before it again, so every
format read `test failure: test failed: TestX` (the JUnit case's name, the SARIF
rule's description, the GitHub annotation's title). Fingerprint scheme 3 made the
change (the titles' fingerprints changed once). Real inputs: Go 1.27's race test,
its `--- FAIL` after the race (test_race.txt), and gotestsum#337's subtest named
with parentheses. Since scheme 7 a report is one failed test (test_reports.py: a
parent that failed by its subtest alone goes with it, unnamed in the message), and
its title names the test's package, where the log names it (`FAIL\tpkg`)."""

from __future__ import annotations

from pathlib import Path

import pytest

import stackdemux
from stackdemux.model import ReportKind
from stackdemux.render import RenderOptions, render

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
CASES = {
    SAMPLES / "go1.27" / "test_race.txt": (
        "test failed: TestRace", "test failed: TestRace in example.com/gotests/store"),
    SAMPLES / "wild" / "gotestsum337_subtest_name_parentheses.txt": (
        "test failed: TestWithSubs/should_(fail)",
        "test failed: TestWithSubs/should_(fail) in ourpackagesgoeshere",
    ),
}


@pytest.mark.parametrize("path", sorted(CASES), ids=lambda p: p.name)
def test_the_title_says_the_test_failed_once(path):
    analysis = stackdemux.analyze(path)
    [report] = [r for r in analysis.reports if r.kind is ReportKind.TEST_FAILURE]
    message, title = CASES[path]
    assert (report.message, report.title) == (message, title)
    [group] = [g for g in analysis.groups if report.id in g.reports]
    assert group.title == title
    for fmt in ("text", "markdown", "html", "github", "junit", "sarif", "codequality", "json"):
        out = render(analysis, fmt, RenderOptions(color=False, width=200))
        assert "test failure: test failed" not in out, fmt
