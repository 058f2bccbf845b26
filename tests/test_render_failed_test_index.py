"""A go test that failed with no crash, as the reports for people show it: the
index of Markdown and HTML names where its log says it failed (its culprit cell
was empty: the step summary's table said nothing of what failed), and no report
lists its made-up message (`test failed: TestAdd`, no text Go printed) under a
title that already says it (`test failed: TestAdd in example.com/gotests/calc`)."""

from __future__ import annotations

import re

import pytest
from conftest import sample_path

from stackdemux import analyze
from stackdemux.render import RenderOptions, render

FAILED_AT = {  # the entry of each failed test's log the CI formats point at
    "TestAdd": "calc_test.go:11", "TestSub/case_2": "calc_test.go:27",
    "TestReport": "calc_test.go:39", "TestNested/outer/inner": "calc_test.go:47",
    "TestHello": "greet_test.go:11",
}


@pytest.mark.parametrize("scenario", ["test_fail_plain", "test_fail_verbose", "test_fail_json"])
def test_the_markdown_index_says_where_each_failed_test_failed(scenario):
    md = render(analyze(sample_path(scenario, "1.27")), "markdown", RenderOptions())
    rows = {m.group(1): m.group(2) for m in re.finditer(
        r"^\| \d+ \| `test failed: (\S+) in [^`]+` \| 1 \| ([^|]*) \|", md, re.M)}
    for test, place in FAILED_AT.items():
        assert rows[test].strip() == f"*failed at* `{place}`"


def test_the_html_index_says_it_too():
    page = render(analyze(sample_path("test_fail_plain", "1.27")), "html", RenderOptions())
    cells = re.findall(r'<span class="muted">failed at</span> <code>([^<]*)</code>', page)
    assert cells[:3] == ["calc_test.go:11", "calc_test.go:27", "calc_test.go:39"]


def test_a_crash_keeps_its_culprit_in_the_index():
    md = render(analyze(sample_path("test_panic", "1.27")), "markdown", RenderOptions())
    assert "| `store.(*Store).Put` `store/store.go:16` |" in md
    assert "failed at" not in md


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_no_report_lists_the_message_its_title_already_says(fmt):
    out = render(analyze(sample_path("test_fail_plain", "1.27")), fmt, RenderOptions())
    assert "test failed: TestAdd in example.com/gotests/calc" in out
    assert not re.search(r"test failed: TestAdd(?! in )", out)


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_a_report_reads_the_failed_tests_once_not_once_a_group(fmt, monkeypatch):
    # each group scanned every failed test: a real go test of 3 000 failing subtests
    # took 24 s of CPU for the text report, 40 s for Markdown (0.5 s now)
    from stackdemux.render import failures

    calls = []
    real = failures.failure_views
    monkeypatch.setattr(failures, "failure_views", lambda a: calls.append(1) or real(a))
    analysis = analyze(sample_path("test_fail_plain", "1.27"))  # (7 groups)
    render(analysis, fmt, RenderOptions())
    assert len(calls) == 1
