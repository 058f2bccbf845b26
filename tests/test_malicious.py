"""A log is untrusted input: a hostile one passes through every output format without effect.

The payload (tests/render_model.PAYLOAD) carries workflow-command injection
(`::set-env`, `::add-mask::`, `%0A`), HTML and script tags, Markdown links,
images and mentions, XML-invalid bytes, cursor-moving ANSI escapes and a bidi
override; it is planted in panic messages, function names, file paths,
goroutine states and labels, stream labels, hints, diagnostics and input names.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from xml.dom import minidom

import pytest
from render_model import PAYLOAD, malicious_analysis

from stackdemux.render import RENDERERS, RenderOptions, render
from stackdemux.render.view import group_views as _views

ESC = "\x1b"
BIDI = "\u202e"


@pytest.fixture(scope="module")
def analysis():
    return malicious_analysis()


def test_the_payload_reaches_every_renderer(analysis):
    # Otherwise the tests below would pass vacuously.
    for fmt in RENDERERS:
        out = render(analysis, fmt, RenderOptions(verbose=True))
        assert "PWNED" in out, fmt
        assert "octocat" in out, fmt


@pytest.mark.parametrize("fmt", sorted(set(RENDERERS) - {"json"}))
@pytest.mark.parametrize("verbose", [False, True])
def test_no_format_passes_escapes_or_control_characters_through(analysis, fmt, verbose):
    out = render(analysis, fmt, RenderOptions(verbose=verbose))
    assert ESC not in out
    assert BIDI not in out
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", out)


# ------------------------------------------------------------------ terminal ---


def test_terminal_colours_are_only_ours_and_never_move_the_cursor(analysis):
    out = render(analysis, "text", RenderOptions(color=True, verbose=True))
    sequences = re.findall(r"\x1b\[[0-?]*[ -/]*[@-~]", out)
    assert sequences, "colour was asked for"
    assert all(s.endswith("m") for s in sequences), "only SGR (colour) sequences"
    assert out.count(ESC) == len(sequences), "no other escape (OSC, ESC c, ...)"
    assert "\r" not in out


# -------------------------------------------------------------------- GitHub ---


def runner_commands(output: str) -> list[tuple[str, str]]:
    """The workflow commands the Actions runner would act on, as it parses stdout.

    Like the runner: a line (whitespace trimmed) starting with `::` is a command;
    after `::stop-commands::TOKEN` nothing is, until a line `::TOKEN::`.
    """
    acted: list[tuple[str, str]] = []
    stop_token = None
    for raw in output.split("\n"):
        line = raw.strip()
        if stop_token is not None:
            if line == f"::{stop_token}::":
                stop_token = None
                acted.append(("resume", line))
            continue
        if not line.startswith("::"):
            continue
        end = line.find("::", 2)
        assert end > 0, f"a line the runner would mis-parse: {line!r}"
        name = line[2:end].split(" ", 1)[0]
        acted.append((name, line))
        if name == "stop-commands":
            stop_token = line[end + 2 :]
    assert stop_token is None, "commands stay stopped after our output"
    return acted


def test_github_output_issues_no_command_but_ours(analysis):
    out = render(analysis, "github", RenderOptions(verbose=True))
    names = [name for name, _ in runner_commands(out)]
    assert set(names) <= {"error", "notice", "group", "endgroup", "stop-commands", "resume"}
    assert names.count("stop-commands") == names.count("resume") == 1
    assert names.count("error") == len(analysis.groups)


def test_github_values_cannot_end_their_line_or_property(analysis):
    out = render(analysis, "github", RenderOptions())
    for name, line in runner_commands(out):
        if name != "error":
            continue
        head, _, data = line[2:].partition("::")
        props = head.split(" ", 1)[1]
        # Every ',' separates properties and every '=' follows a known key: no injected property.
        keys = [p.split("=", 1)[0] for p in props.split(",")]
        assert set(keys) <= {"file", "line", "title"}
        assert "\n" not in data and "\r" not in data
        assert "%0A" in data  # the log's own "%0A" and our newlines, both encoded
        assert "%250A" in data  # the log's literal "%0A" shows as text, not as a newline


def test_github_stop_token_is_fresh_for_every_run(analysis):
    tokens = set()
    for _ in range(3):
        out = render(analysis, "github", RenderOptions())
        tokens |= {line.split("::")[2] for line in out.splitlines() if line.startswith("::stop-")}
    assert len(tokens) == 3


# ------------------------------------------------------------------ Markdown ---


def outside_code(md: str) -> str:
    """The Markdown text that is not inside a fence or a code span (CommonMark rules)."""
    prose, fence = [], None
    for line in md.split("\n"):
        stripped = line.lstrip(" ")
        if fence is not None:
            run = len(stripped) - len(stripped.lstrip("`"))
            if run >= fence and not stripped.strip("`").strip():
                fence = None
            continue
        run = len(stripped) - len(stripped.lstrip("`"))
        if run >= 3:
            fence = run
            continue
        prose.append(line)
    text = "\n".join(prose)
    out, i = [], 0
    while i < len(text):
        if text[i] == "`" and (i == 0 or text[i - 1] != "\\"):
            j = i
            while j < len(text) and text[j] == "`":
                j += 1
            ticks = text[i:j]
            close = re.compile(rf"(?<!`){ticks}(?!`)").search(text, j)
            if close:
                i = close.end()
                continue
            out.append(ticks)
            i = j
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def test_markdown_code_fences_and_spans_are_never_closed_by_the_log(analysis):
    md = render(analysis, "markdown", RenderOptions(verbose=True))
    prose = outside_code(md)
    # The log's own "</details>" and backtick runs stayed inside code: our
    # collapsible blocks open and close exactly where we put them.
    ours = sum(1 + bool(v.buckets[1:]) for v in _views(analysis))
    ours += bool(analysis.diagnostics)  # (the diagnostics, collapsed after the crashes)
    assert prose.count("<details>") == prose.count("</details>") == ours
    assert "PWNED" in md


def test_markdown_has_no_live_mention_link_image_or_tag_from_the_log(analysis):
    md = render(analysis, "markdown", RenderOptions(verbose=True))
    prose = outside_code(md)
    assert not re.search(r"(?<![\w\\])@[A-Za-z0-9]", prose), "no @mention"
    assert not re.search(r"(?<!\\)\]\(", prose), "no [text](url)"
    assert "https://" not in prose, "no bare URL autolink"
    tags = set(re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", prose))
    assert tags <= {"details", "summary", "sub"}, tags


def test_markdown_keeps_log_text_readable_inside_code(analysis):
    md = render(analysis, "markdown", RenderOptions())
    assert "<script>alert(1)</script>" in md  # verbatim, in a code span or fence
    assert "@octocat" in md


# ---------------------------------------------------------------------- HTML ---


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def test_html_holds_only_our_elements_and_attributes(analysis):
    page = render(analysis, "html", RenderOptions(verbose=True))
    parser = _Tags()
    parser.feed(page)
    names = {t for t, _ in parser.tags}
    assert "script" not in names and "img" not in names and "iframe" not in names
    for tag, attrs in parser.tags:
        for key, value in attrs:
            assert not key.startswith("on"), (tag, key)
            if key == "href":
                assert re.fullmatch(r"#group-\d+", value or ""), value
    assert "<script" not in page.lower()


def test_html_forbids_scripts_and_network_loads_by_policy(analysis):
    page = render(analysis, "html", RenderOptions())
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


# ----------------------------------------------------------- JUnit / SARIF / GitLab ---


def test_junit_is_well_formed_xml_1_0(analysis):
    xml = render(analysis, "junit", RenderOptions(verbose=True))
    root = ET.fromstring(xml.encode())
    minidom.parseString(xml.encode())  # expat, strict about XML 1.0 characters
    failures = root.findall(".//failure")
    assert len(failures) == len(analysis.groups)
    assert all("PWNED" in (f.text or "") for f in failures)


@pytest.mark.parametrize("fmt", ["sarif", "codequality"])
def test_json_formats_parse_and_carry_the_text_inert(analysis, fmt):
    doc = json.loads(render(analysis, fmt, RenderOptions()))
    text = json.dumps(doc, ensure_ascii=False)
    assert "PWNED" in text
    assert ESC not in text


def test_payload_is_the_one_documented():
    # A guard against someone softening the payload.
    for needle in (
        "::set-env",
        "::add-mask::",
        "%0A",
        "<script>",
        "](",
        "@octocat",
        "\x00",
        "\x1b[2J",
        "\x1b]0;",
        BIDI,
        "````",
    ):
        assert needle in PAYLOAD


def test_json_keeps_the_log_text_exact_and_escaped(analysis):
    # JSON is data for programs: values stay exactly what the log said (a
    # consumer decides how to show them), and the encoding escapes controls.
    out = render(analysis, "json", RenderOptions())
    assert not re.search(r"[\x00-\x1f]", out.rstrip("\n"))
    doc = json.loads(out)
    assert doc["reports"][0]["message"].startswith(PAYLOAD)
