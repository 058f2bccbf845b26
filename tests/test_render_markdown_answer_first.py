"""A Markdown summary (a step summary, an issue comment) gives the answer first:
the table, then each crash with its culprit, chain and hint. How the log was
read (repairs, lines set aside) follows the crashes, collapsed under one line
that counts it. On the real `concurrently` log three `joined lines the
collector cut` warnings stood between the table and the first crash."""

from __future__ import annotations

from pathlib import Path

from stackdemux import analyze
from stackdemux.api import Options, analyze_many
from stackdemux.render import RenderOptions, render

ROOT = Path(__file__).resolve().parent.parent
CONCURRENTLY = ROOT / "samples" / "interleaved" / "concurrently-crash.log"


def test_the_crashes_come_before_how_the_log_was_read():
    md = render(analyze(CONCURRENTLY), "markdown", RenderOptions())
    first_crash = md.index("### 1. ")
    culprit = md.index("**Culprit:**")
    said = md.index("joined lines the collector cut")
    assert first_crash < culprit < said
    assert md.rindex("### 3. ") < said


def test_how_the_log_was_read_is_collapsed_under_a_count_of_what_it_says():
    analysis = analyze(CONCURRENTLY)
    md = render(analysis, "markdown", RenderOptions())
    block = md[md.index("<details><summary>How the log was read"):]
    summary, items = block.split("</summary>", 1)
    assert summary.endswith(": 3 notes")  # (they are infos: repairs made)
    assert [severity for severity in ("info", "warning")
            if any(d.severity == severity for d in analysis.diagnostics)] == ["info"]
    listed = [ln for ln in items.splitlines() if ln.startswith("- ")]
    assert len(listed) == len(analysis.diagnostics) == 3
    assert all(ln.startswith("- ℹ️ joined lines the collector cut") for ln in listed)
    assert block.rstrip().endswith("</details>")


def test_a_summary_cut_to_fit_still_says_how_its_log_was_read():
    analysis = analyze(CONCURRENTLY)
    whole = render(analysis, "markdown", RenderOptions())
    small = render(analysis, "markdown", RenderOptions(max_bytes=len(whole) // 2))
    assert "not shown: the summary would exceed" in small
    assert small.index("not shown") < small.index("<details><summary>How the log was read")
    assert len(small.encode()) <= len(whole) // 2


def test_with_no_crash_read_the_diagnostics_are_the_answer_and_are_shown_open():
    # a real paste behind Buildkite's web log bar, read as one process's output
    # (--no-demux strips no prefix): no report, a crash seen and said
    paste = ROOT / "samples" / "wild" / "ray17561_buildkite_web_log_gutter_bar_no_indent.txt"
    analysis = analyze_many([str(paste)], Options(demux=False))
    assert not analysis.reports
    md = render(analysis, "markdown", RenderOptions())
    assert "<details>" not in md
    assert "- ⚠️ a Go crash stands behind a prefix" in md and "index out of range" in md
