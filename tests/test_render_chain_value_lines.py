"""A later panic of a chain whose value runs over lines (`panic: A [recovered]`,
then `panic: ` and a wrapped error's three lines) reads in its lines in every
format for people, as the first panic's value does (view.value_lines), and on one
line in the CI formats, escaped for their system: no format shows `\\n`.

The captures are real: tests/data/chain_value_lines/ (its make.sh builds prog/ and
links/ with each installed Go and keeps their crashes). Go 1.23 and later tab the
value's later lines; Go 1.19-1.22 print them raw, and Go's blank line before the
first goroutine vouches for them as it does for a lone panic's (raw_chain.py): every
release reads the same chain, a nested panic with no recover (`panic: first`, then
`\tpanic: ` and its lines) and a chain of three whose later two run on too."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import cmarkgfm
import pytest
from test_escape_checks import runner_commands, unescape_property, xml_root

import stackdemux
from stackdemux.render import RenderOptions, render

DATA = Path(__file__).resolve().parent / "data" / "chain_value_lines"
VERSIONS = ["go1.19.8", "go1.22.10", "go1.23.9", "go1.27.3"]
FIRST = "connection reset by peer [recovered]"
LINES = ["validation failed:", "  field a: required", "  field b: too long"]
ONE_LINE = "validation failed: field a: required field b: too long"


def _render(version: str, fmt: str) -> str:
    path = DATA / f"recovered-{version}.txt"
    return render(stackdemux.analyze(path), fmt, RenderOptions(color=False))


@pytest.mark.parametrize("version", VERSIONS)
def test_the_parser_reads_the_later_panics_lines(version):
    [report] = stackdemux.analyze(DATA / f"recovered-{version}.txt").reports
    assert [(link.message, link.annotation) for link in report.chain] == [
        ("connection reset by peer", "recovered"), ("\n".join(LINES), None)]


@pytest.mark.parametrize("version", VERSIONS)
def test_the_terminal_shows_the_later_panic_in_its_lines_under_its_arrow(version):
    text = _render(version, "text")
    assert "\\n" not in text
    at = text.index("panics    ")
    shown = text[at:].splitlines()[:4]
    assert shown[0].endswith(FIRST)
    assert [line.strip() for line in shown[1:]] == ["→ validation failed:", *(
        line.strip() for line in LINES[1:])]
    # its lines keep their own indentation, under the value's first line
    assert shown[2].index("field a") - shown[1].index("validation") == 2


@pytest.mark.parametrize("version", VERSIONS)
def test_markdown_shows_it_as_a_block_github_renders_in_the_list_item(version):
    md = _render(version, "markdown")
    assert "\\n" not in md
    page = cmarkgfm.github_flavored_markdown_to_html(md)
    items = re.search(r"<ol>\n<li><code>(.*?)</code></li>\n<li>\n<pre><code>(.*?)</code></pre>"
                      r"\n</li>\n</ol>", page, re.S)
    assert items is not None, page
    assert html.unescape(items.group(1)) == FIRST
    assert html.unescape(items.group(2)).rstrip("\n").split("\n") == LINES


@pytest.mark.parametrize("version", VERSIONS)
def test_html_shows_it_in_a_pre(version):
    page = _render(version, "html")
    assert "\\n" not in page
    items = re.search(r'<dt>panics</dt><dd><ol class="chain"><li><code>(.*?)</code></li>'
                      r"<li><pre>(.*?)</pre></li></ol>", page, re.S)
    assert items is not None
    assert html.unescape(items.group(2)).split("\n") == LINES


@pytest.mark.parametrize("version", VERSIONS)
def test_ci_formats_say_it_on_one_line_escaped_for_their_system(version):
    (name, _, message), *_ = runner_commands(_render(version, "github"))
    said = unescape_property(message).split("\n")  # (the runner's reading)
    assert name == "error" and said[1:3] == [f"panics: {FIRST}", f"  → {ONE_LINE}"]
    failure = xml_root(_render(version, "junit")).find(".//failure")
    assert failure is not None and f"  → {ONE_LINE}" in (failure.text or "").split("\n")
    sarif = json.loads(_render(version, "sarif"))
    text = sarif["runs"][0]["results"][0]["message"]["text"]
    assert f"  → {ONE_LINE}" in text.split("\n") and "\\n" not in text


# links/: `nested` (a deferred call panics anew with no recover) and `three` (two
# recovered panics, the last two values running over lines)
LINKS = {
    "nested": [("first", None), ("cleanup failed:\n  close db: broken pipe\n"
                                 "  remove lock: permission denied", None)],
    "three": [("connection reset by peer", "recovered"),
              ("rollback failed:\n  step 1: connection reset by peer\n  step 2: disk full",
               "recovered"),
              ("retry failed:\n  attempt 1: rollback failed:\n  step 1: connection reset by peer"
               "\n  step 2: disk full\n  attempt 2: timeout", None)],
}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("mode", sorted(LINKS))
def test_every_release_reads_a_later_link_s_lines_into_it(mode, version):
    # (before, Go 1.19-1.22's nested panic read as two reports, its value's lines as
    # noise, and the chain of three lost its second link's annotation)
    analysis = stackdemux.analyze(DATA / f"{mode}-{version}.txt")
    [report] = analysis.reports
    assert [(link.message, link.annotation) for link in report.chain] == LINKS[mode]
    assert analysis.noise == []
    assert report.message == LINKS[mode][0][0]
