"""The Markdown and HTML reports' tables (a GitHub step summary's first lines) name each
crash's hint: the answer a reader came for, `Corrupted containers/image blob-info
cache` for skopeo's bbolt panic, was only in the group's section below the table,
past every other crash's row."""

from __future__ import annotations

import re

import cmarkgfm
from conftest import SAMPLES

import stackdemux
from stackdemux.render import RenderOptions, render

LOGS = [SAMPLES / "go1.27" / name for name in ("skopeo_vendor.txt", "nil_pointer.txt",
                                               "pprof_debug2.txt")]


def _rows() -> list[list[str]]:
    """The table's rows as GitHub reads them: cells' text, header first."""
    md = render(stackdemux.analyze_many(LOGS), "markdown", RenderOptions())
    page = cmarkgfm.github_flavored_markdown_to_html(md)
    table = page.split("<table>", 1)[1].split("</table>", 1)[0]
    return [[re.sub(r"<[^>]*>", "", cell).strip()
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]


def test_each_crash_row_names_its_hints_the_one_that_names_the_program_first():
    header, *rows = _rows()
    assert header == ["#", "Crash", "Count", "Culprit", "Hint", "Where"]
    hint = {row[1]: row[4] for row in rows}
    assert hint["panic: invalid page type: &lt;N&gt;: &lt;N&gt;"] == (
        "Corrupted containers/image blob-info cache; Corrupted bolt database file")
    assert hint["panic: runtime error: invalid memory address or nil pointer dereference"] == (
        "Nil pointer dereference")


def test_a_crash_no_rule_explains_has_an_empty_hint_cell():
    _header, *rows = _rows()
    (dump,) = [row for row in rows if row[1] == "goroutine dump"]
    assert dump[4] == "" and dump[5].endswith("/pprof_debug2.txt:1–137")


def test_the_html_reports_table_names_the_hints_too():
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.rows: list[list[str]] = []
            self.table = self.cell = False

        def handle_starttag(self, tag, attrs):
            if tag == "table" and not self.rows:
                self.table = True
            elif self.table and tag == "tr":
                self.rows.append([])
            elif self.table and tag in ("td", "th"):
                self.cell = True
                self.rows[-1].append("")

        def handle_endtag(self, tag):
            if tag == "table":
                self.table = False
            elif tag in ("td", "th"):
                self.cell = False

        def handle_data(self, data):
            if self.table and self.cell:
                self.rows[-1][-1] += data

    page = Cells()
    page.feed(render(stackdemux.analyze_many(LOGS), "html", RenderOptions()))
    header, *rows = page.rows
    assert header == ["#", "crash", "count", "culprit", "hint"]
    assert [row[4] for row in rows] == [
        "Corrupted containers/image blob-info cache; Corrupted bolt database file",
        "Nil pointer dereference", ""]
