"""Bubble Tea's recovery prints a page of its own around a panic's value, then
debug.PrintStack()'s goroutine (tea.go: `Caught panic:\\n\\n%s\\n\\nRestoring
terminal...\\n\\n`; v2 writes `\\r\\n`): the page opens a panic report with that value
as its message, as Go's own `panic: ` line would, and only the page whole does."""

from __future__ import annotations

from conftest import ROOT

from stackdemux import analyze
from stackdemux.model import ReportKind

CRUSH = ROOT / "samples/wild/crush629_bubbletea_caught_panic_debug_stack_go124.txt"
VALUE = "runtime error: index out of range [0] with length 0"


def test_the_page_opens_a_panic_with_its_value_and_the_stack_below_it():
    a = analyze(CRUSH)
    [r] = a.reports
    assert (r.kind, r.message, len(r.goroutines)) == (ReportKind.PANIC, VALUE, 1)
    assert [link.message for link in r.chain] == [VALUE]
    assert r.lines == [(1, 19)] and not a.noise  # the page's lines are the report's
    # the recovering machinery above panic() is not blamed
    culprit = a.groups[0].culprit
    assert (culprit.func, culprit.line) == ("github.com/charmbracelet/crush/internal/fsext.DirTrim",
                                            207)


def test_v2_s_carriage_returns_read_the_same():
    text = CRUSH.read_text()
    [r] = analyze(text.replace("\n", "\r\n")).reports
    assert (r.kind, r.message, len(r.goroutines)) == (ReportKind.PANIC, VALUE, 1)


def test_a_value_of_several_lines_is_the_message_whole():
    # %s prints an error's every line: the value runs to the empty line before
    # `Restoring terminal...`, empty lines of its own included
    lines = CRUSH.read_text().split("\n")
    lines[2:3] = [VALUE, "", "while rendering files"]
    [r] = analyze("\n".join(lines)).reports
    assert r.message == VALUE + "\n\nwhile rendering files"
    assert not analyze("\n".join(lines)).noise


def test_without_its_closing_line_the_page_is_no_report_s_opener():
    # a log that says `Caught panic:` is not the page: the stack is read as a dump
    lines = CRUSH.read_text().split("\n")
    del lines[4]  # `Restoring terminal...`
    a = analyze("\n".join(lines))
    [r] = a.reports
    assert r.kind is ReportKind.GOROUTINE_DUMP
    assert a.noise[0][0] == 1  # `Caught panic:` and the value stay noise
