"""A panic value of several lines (a wrapped error, Ginkgo's advice) reads in
its lines in every format for people, as Go printed it; the CI formats, whose
titles are one line, keep it readable on that line and escaped for their
system. Each case is a real capture (samples/go1.27, samples/wild)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import cmarkgfm
from test_escape_checks import runner_commands, unescape_property, xml_root

from stackdemux.api import analyze_many
from stackdemux.render import RenderOptions, render

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
ERROR = "go1.27/panic_multiline_error.txt"  # panic(errors.New("validation failed:\n\t  …"))
GINKGO = "wild/kubernetes7464_ginkgo_fail_in_goroutine_value_lines_go14.txt"

# The value as Go printed it (the runtime tabs each line after the first, and
# the tab is no part of the value since Go 1.18; Go 1.4's Ginkgo value has none)
ERROR_LINES = ["validation failed:", "  field a: required", "  field b: too long"]
GINKGO_LINES = [
    "Your test failed.",
    "Ginkgo panics to prevent subsequent assertions from running.",
    "Normally Ginkgo rescues this panic so you shouldn't see it.",
    "",
    "But, if you make an assertion in a goroutine, Ginkgo can't capture the panic.",
    "To circumvent this, you should call",
    "",
    "        defer GinkgoRecover()",
    "",
    "at the top of the goroutine that caused this panic.",
]
ONE_LINE = "panic: validation failed: field a: required field b: too long"


def _render(name: str, fmt: str) -> str:
    return render(analyze_many([str(SAMPLES / name)]), fmt, RenderOptions())


def test_markdown_shows_a_wrapped_error_s_lines_as_a_block_github_renders_as_them() -> None:
    # (a code span holds no line break: the value read `validation failed:\n  field…`)
    md = _render(ERROR, "markdown")
    assert "\\n" not in md
    page = cmarkgfm.github_flavored_markdown_to_html(md)
    block = re.search(r"<li>×1\n<pre><code>(.*?)</code></pre>", page, re.S)
    assert block is not None, page
    assert html.unescape(block.group(1)).rstrip("\n").split("\n") == ERROR_LINES


def test_markdown_keeps_ginkgo_s_empty_lines_inside_the_value_s_block() -> None:
    # an empty line in a list item's fenced block does not end the item or the block
    page = cmarkgfm.github_flavored_markdown_to_html(_render(GINKGO, "markdown"))
    block = re.search(r"<li>×1\n<pre><code>(.*?)</code></pre>\n</li>", page, re.S)
    assert block is not None, page
    assert html.unescape(block.group(1)).rstrip("\n").split("\n") == GINKGO_LINES


def test_html_shows_a_multi_line_value_in_a_pre_in_its_lines() -> None:
    page = _render(GINKGO, "html")
    block = re.search(r"<dt>messages</dt><dd><ul><li>×1<pre>(.*?)</pre></li>", page, re.S)
    assert block is not None
    assert html.unescape(block.group(1)).split("\n") == GINKGO_LINES
    assert "\\n" not in page


def test_a_value_of_one_line_stays_a_code_span_in_markdown_and_html() -> None:
    # bbolt's `invalid page type` value is listed under the normalised title
    log = "interleaved/compose-bbolt.log"
    md = render(analyze_many([str(SAMPLES / log)]), "markdown", RenderOptions())
    assert re.search(r"^- `invalid page type: \d+: \d+` ×1$", md, re.M)
    page = render(analyze_many([str(SAMPLES / log)]), "html", RenderOptions())
    assert re.search(r"<li><code>invalid page type: \d+: \d+</code> ×1</li>", page)


def test_more_than_twelve_lines_end_with_how_many_more_in_every_format_for_people() -> None:
    from stackdemux.render.view import value_lines

    lines = value_lines("\n".join(f"line {i}" for i in range(1, 21)))
    assert lines == [f"line {i}" for i in range(1, 12)] + ["… 9 more lines"]


def test_ci_formats_title_the_value_on_one_readable_line_escaped_for_their_system() -> None:
    # the runner reads the title property back to the value's words, no `%0A` left
    (name, props, _), *_ = runner_commands(_render(ERROR, "github"))
    assert name == "error" and unescape_property(props["title"]) == ONE_LINE
    case = xml_root(_render(ERROR, "junit")).find(".//testcase")
    assert case is not None and case.get("name") == ONE_LINE
    sarif = json.loads(_render(ERROR, "sarif"))
    rule = sarif["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["shortDescription"]["text"] == ONE_LINE


def test_the_terminal_leaves_a_value_s_empty_lines_empty():
    # (Ginkgo's advice holds empty lines: the column's 14 spaces stood on each,
    # trailing whitespace a terminal shows as nothing and a diff as a change)
    for name in (GINKGO, "wild/hm9000issue10_ginkgo_recovered_value_lines_go13_panic_c.txt"):
        text = render(analyze_many([str(SAMPLES / name)]), "text", RenderOptions(color=False))
        assert "Normally Ginkgo rescues" in text
        assert [line for line in text.splitlines() if line != line.rstrip()] == []
