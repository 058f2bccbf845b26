"""Checkers for what a hostile log could make our output do, each written from
the target system's own rules (not from our escaping):

- the GitHub Actions runner's reading of a job's output lines (actions/runner,
  ActionCommand.TryParseV2 and the legacy TryParse, ActionCommandManager's
  stop-commands), as `runner_commands`;
- a terminal: which bytes act on it (ECMA-48 controls, bidi and invisible
  format characters), as `terminal_problems`;
- GitHub's Markdown: cmark-gfm itself (cmarkgfm, GitHub's fork of cmark), with
  raw HTML let through so that a leak shows, then GitHub's own text filters
  (mentions, issue references), as `markdown_problems`;
- HTML through html.parser, XML through expat, JSON through json.
"""

from __future__ import annotations

import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from xml.dom import minidom

# ------------------------------------------------------------------ terminal ---

_SGR = re.compile(r"\x1b\[[0-9;]*m")


def character_problems(text: str) -> list[str]:
    """Characters in `text` that act on a terminal (controls: ECMA-48 escapes, CR,
    backspace), reorder or hide text (bidi, format characters, default-ignorables),
    or that no UTF-8 output can hold (lone surrogates)."""
    problems = []
    for ch in set(text):
        if ch == "\n":
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or _IGNORABLE.match(ch):
            problems.append(f"{cat} character {ch!r}")
    return problems


def terminal_problems(text: str, *, color: bool = False) -> list[str]:
    """What in `text` would act on a terminal or hide from its reader, or be a
    workflow command to a CI runner printing it. Only colour (SGR) is ours."""
    problems = character_problems(_SGR.sub("", text) if color else text)
    problems += [f"runner command: {c}" for c in runner_commands(text, strict=False)]
    return problems


# -------------------------------------------------------------------- GitHub ---

# The runner's registered commands (actions/runner ActionCommandManager and its
# extensions): a line naming another is not a command.
RUNNER_COMMANDS = frozenset({
    "add-mask", "add-matcher", "remove-matcher", "add-path", "set-env", "set-output",
    "save-state", "debug", "notice", "warning", "error", "group", "endgroup", "echo",
    "stop-commands", "internal-set-repo-path",
})
# .NET Char.IsWhiteSpace, which string.TrimStart trims.
_NET_SPACE = "".join(chr(c) for c in (*range(9, 14), 0x20, 0x85, 0xA0, 0x1680,
                                       *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F,
                                       0x205F, 0x3000))


# Characters that .NET's culture-sensitive string search (ICU collation) skips:
# StartsWith("::") and IndexOf("##[") are such searches, so `#\u200b#[` is found.
_IGNORABLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u034f\u061c"
                        "\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
                        "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]")


def _parse_v2(line: str, registered: set[str]) -> tuple[str, dict, str] | None:
    """ActionCommand.TryParseV2: `::name k=v,k=v::data` after leading whitespace."""
    msg = _IGNORABLE.sub("", line).lstrip(_NET_SPACE)
    if not msg.startswith("::"):
        return None
    end = msg.find("::", 2)
    if end < 0:
        return None
    info = msg[2:end]
    name = info.split(" ", 1)[0]
    if name.lower() not in registered:
        return None
    props = {}
    if " " in info:
        for prop in filter(None, info.split(" ", 1)[1].strip().split(",")):
            pair = [p for p in prop.split("=", 1) if p]
            if len(pair) == 2:
                props[pair[0]] = pair[1]
    return name.lower(), props, msg[end + 2:]


def _parse_legacy(line: str, registered: set[str]) -> tuple[str, dict, str] | None:
    """ActionCommand.TryParse: `##[name k=v;k=v]data` anywhere in the line."""
    line = _IGNORABLE.sub("", line)
    at = line.find("##[")
    if at < 0:
        return None
    rb = line.find("]", at)
    if rb < 0:
        return None
    name = line[at + 3:rb].split(" ", 1)[0]
    return (name.lower(), {}, line[rb + 1:]) if name.lower() in registered else None


def runner_commands(output: str, *, strict: bool = True) -> list[tuple[str, dict, str]]:
    """The workflow commands the Actions runner acts on when `output` is printed
    in a job, in order: (name, raw properties, raw data). Lines are what .NET's
    ReadLine splits at (LF, CR, CRLF). With `strict`, stop-commands is followed
    as the runner follows it, and must be resumed by the end."""
    acted = []
    registered = set(RUNNER_COMMANDS)
    stop: str | None = None
    for line in re.split(r"\r\n|\r|\n", output):
        got = _parse_v2(line, registered) or _parse_legacy(line, registered)
        if got is None:
            continue
        name = got[0]
        if stop is not None:
            if name == stop:
                registered.discard(stop)
                stop = None
                acted.append(("resume", {}, ""))
            continue
        acted.append(got)
        if name == "stop-commands" and strict:
            stop = got[2].lower()
            registered.add(stop)
    if strict:
        assert stop is None, "commands stay stopped after our output"
    return acted


def unescape_property(value: str) -> str:
    """The runner's UnescapeProperty (its replacements, in its order)."""
    for token, code in (("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C"), ("%", "%25")):
        value = value.replace(code, token)
    return value


def github_problems(output: str, groups: int, max_errors: int = 10,
                    unread: int = 0) -> list[str]:
    """What the runner would do with our `github` output beyond our annotations
    and the stopped log text: any other command, a property we did not set, a
    line number that is not one, or a count of annotations that is not ours
    (`unread`: the crashes seen but not read, a `::warning` each)."""
    problems = []
    acted = runner_commands(output)
    names = [name for name, _, _ in acted]
    for name, props, _ in acted:
        if name not in ("error", "warning", "notice", "group", "endgroup", "stop-commands",
                        "resume"):
            problems.append(f"command {name}")
        if not set(props) <= {"file", "line", "title"}:
            problems.append(f"properties {sorted(props)} of {name}")
        if "line" in props and not unescape_property(props["line"]).isdigit():
            problems.append(f"line={props['line']!r}")
    if names.count("stop-commands") != 1 or names.count("resume") != 1:
        problems.append(f"stop/resume {names}")
    # GitHub shows at most max_errors errors and as many notices a step: every
    # group gets its annotation, or those left out are said in one notice of ours
    errors, notices = names.count("error"), names.count("notice")
    if errors > max_errors or notices > max_errors:
        problems.append(f"{errors} errors and {notices} notices: GitHub shows {max_errors} each")
    summary = sum(name == "notice" and props.get("title") == "stackdemux"
                  for name, props, _ in acted)
    annotations = errors + notices - summary
    if annotations != groups and not (summary == 1 and annotations < groups and max_errors in (
            errors, notices)):
        problems.append(f"{annotations} annotations for {groups} groups")
    if names.count("warning") != unread:
        problems.append(f"{names.count('warning')} warnings for {unread} unread crashes")
    return problems


# ------------------------------------------------------------------ Markdown ---


class _Elements(HTMLParser):
    """Every element of an HTML page, each text node with the elements it is in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.open: list[str] = []
        self.texts: list[tuple[tuple[str, ...], str]] = []
        self.other: list[str] = []  # comments, processing instructions, declarations

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        if tag not in _VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data):
        self.texts.append((tuple(self.open), data))

    def handle_comment(self, data):
        self.other.append(f"<!--{data}-->")

    def handle_pi(self, data):
        self.other.append(f"<?{data}>")

    def handle_decl(self, decl):
        if decl.lower() != "doctype html":
            self.other.append(f"<!{decl}>")

    def unknown_decl(self, data):
        self.other.append(f"<![{data}]>")


_VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "embed",
         "source", "track", "wbr"}


def elements(page: str) -> _Elements:
    parser = _Elements()
    parser.feed(page)
    parser.close()
    return parser


def _in_code(path: tuple[str, ...]) -> bool:
    return "code" in path or "pre" in path


# GitHub's filters that run on the rendered text outside code: @mentions,
# #123 / owner/repo#123 / GH-123 issue references.
_MENTION = re.compile(r"(?<![\w`])@[A-Za-z0-9]")
_ISSUE = re.compile(r"(?<![\w])(?:#|GH-)\d", re.IGNORECASE)


def markdown_problems(md: str, sections: int, details: int) -> list[str]:
    """What GitHub would make of `md` beyond our own structure: a link, an image,
    raw HTML, a heading or a collapsible block we did not write, a table row of
    the wrong width, a mention or an issue reference."""
    import cmarkgfm
    from cmarkgfm.cmark import Options

    # UNSAFE: raw HTML is passed through instead of omitted, so a leak shows.
    page = cmarkgfm.github_flavored_markdown_to_html(md, options=Options.CMARK_OPT_UNSAFE)
    parsed = elements(page)
    problems = [f"markup {o!r}" for o in parsed.other]
    ours = {"h2", "h3", "p", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
            "table", "thead", "tbody", "tr", "th", "td", "details", "summary", "sub"}
    names = [t for t, _ in parsed.tags]
    problems += [f"element <{t}>" for t in set(names) - ours]
    for tag, attrs in parsed.tags:
        allowed = {"align"} if tag in ("th", "td") else set()
        problems += [f"attribute {k} of <{tag}>" for k, _ in attrs if k not in allowed]
    if names.count("h2") != 1 or names.count("h3") != sections:
        problems.append(f"headings: {names.count('h2')} h2, {names.count('h3')} h3")
    if names.count("details") != details:
        problems.append(f"{names.count('details')} <details>, {details} written")
    # cmark-gfm drops a row's cells past the header's: a `|` from the log shows
    # as the number and count columns holding other text
    header = re.findall(r"<th[\s>]", page.split("<tbody>", 1)[0])  # (not <thead>)
    for row in re.findall(r"<tr>(.*?)</tr>", page.split("<tbody>", 1)[-1], re.S):
        cells = [re.sub(r"<[^>]*>", "", c).strip()
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if len(cells) != len(header) or not cells[0].isdigit() or not cells[2].isdigit():
            problems.append(f"a table row {cells}")
    for path, text in parsed.texts:
        if _in_code(path):
            continue
        if _MENTION.search(text):
            problems.append(f"mention in {text!r}")
        if _ISSUE.search(text):
            problems.append(f"issue reference in {text!r}")
    return problems


# ---------------------------------------------------------------------- HTML ---

_HTML_OURS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "table", "thead",
    "tbody", "tr", "th", "td", "a", "code", "section", "span", "dl", "dt", "dd", "ul", "ol",
    "li", "div", "strong", "details", "summary", "pre", "footer",
}
_CLASSES = {"muted", "n", "count", "ours", "chain", "hint", "culprit", "runtime", "note",
            "header", "diag", ""}


def html_problems(page: str) -> list[str]:
    """Elements, attributes or links in the page that we did not write."""
    parsed = elements(page)
    problems = [f"markup {o!r}" for o in parsed.other]
    for tag, attrs in parsed.tags:
        if tag not in _HTML_OURS:
            problems.append(f"element <{tag}>")
        for key, value in attrs:
            value = value or ""
            if key == "href" and not re.fullmatch(r"#group-\d+", value):
                problems.append(f"href={value!r}")
            elif key == "id" and not re.fullmatch(r"group-\d+", value):
                problems.append(f"id={value!r}")
            elif key == "class" and not set(value.split(" ")) <= _CLASSES:
                problems.append(f"class={value!r}")
            elif key not in ("href", "id", "class", "lang", "charset", "http-equiv",
                             "content", "name", "open"):
                problems.append(f"attribute {key}")
    names = [t for t, _ in parsed.tags]
    if names.count("style") != 1 or names.count("meta") != 3:
        problems.append("head elements")
    if parsed.open:
        problems.append(f"unclosed {parsed.open}")
    problems += [f"{cat} character {ch!r}" for ch in set(page)
                 if (cat := unicodedata.category(ch)) in ("Cc", "Cs", "Cf") and ch != "\n"]
    return problems


# ------------------------------------------------------------ XML and JSON ---


def xml_root(text: str) -> ET.Element:
    """The document, read by expat (strict about XML 1.0's characters) twice:
    ElementTree and minidom, as JUnit consumers read it."""
    data = text.encode("utf-8")  # strict: a lone surrogate fails here
    minidom.parseString(data)
    return ET.fromstring(data)


def json_document(text: str):
    """The document as a JSON reader with strict UTF-8 reads it."""
    return json.loads(text.encode("utf-8"))


def sarif_link_problems(text: str) -> list[str]:
    """SARIF 2.1.0 §3.11.6: `[text](target)` in a plain-text message is a link;
    a literal bracket is written `\\[`. Any bracket left unescaped is reported."""
    problems, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in "[]\\":
            i += 2
            continue
        if ch in "[]":
            problems.append(f"unescaped {ch!r} at {i} in {text[max(0, i - 20):i + 20]!r}")
        i += 1
    return problems


def strings(doc) -> list[str]:
    """Every string value in a JSON document."""
    if isinstance(doc, str):
        return [doc]
    if isinstance(doc, dict):
        return [s for v in doc.values() for s in strings(v)]
    if isinstance(doc, list):
        return [s for v in doc for s in strings(v)]
    return []


# ---------------------------------------------------- the checkers themselves ---
# Each checker must see what it is there to see, or the properties prove nothing.


def test_the_runner_obeys_both_command_forms_as_actions_runner_parses_them():
    out = "x\n  ::add-mask::a\nsome text ##[set-output name=ok;]true\n::bogus::no\n##[error]e\n"
    assert [c[0] for c in runner_commands(out, strict=False)] == ["add-mask", "set-output",
                                                                 "error"]


def test_the_runner_skips_what_its_culture_sensitive_search_skips():
    assert runner_commands("#\u200b#[add-mask]a\n\u00ad::add-mask::b", strict=False)


def test_the_runner_stops_and_resumes_on_the_token_only():
    out = "::stop-commands::t0k\n::add-mask::a\n##[error]e\n::other::\n::t0k::\n::error::x\n"
    assert [c[0] for c in runner_commands(out)] == ["stop-commands", "resume", "error"]
    try:
        runner_commands("::stop-commands::t0k\n")
    except AssertionError:
        pass
    else:
        raise AssertionError("an output that leaves commands stopped is refused")


def test_github_problems_names_an_injected_property_and_a_foreign_command():
    out = ("::error file=a.go,line=1,col=3::m\n::stop-commands::t\n::t::\n"
           "::add-mask::x\n")
    found = github_problems(out, groups=1)
    assert any("col" in p for p in found) and any("add-mask" in p for p in found)
    # (a warning is ours only for a crash seen but not read)
    warned = "::error::m\n::warning::w\n::stop-commands::t\n::t::\n"
    assert github_problems(warned, groups=1) == ["1 warnings for 0 unread crashes"]
    assert github_problems(warned, groups=1, unread=1) == []


def test_github_problems_takes_groups_past_the_limit_said_in_one_notice_only():
    frame = "::stop-commands::t\n::t::\n"
    said = "::notice title=stackdemux::2 more goroutine dumps not annotated\n"
    full = "::error::m\n" * 3 + "::notice::d\n" * 9
    assert github_problems(full + said + frame, groups=14) == []
    assert github_problems(full + frame, groups=14) == ["12 annotations for 14 groups"]
    assert github_problems("::error::m\n" + said + frame, groups=3) != []  # (not over)
    assert github_problems("::notice::d\n" * 11 + frame, groups=11) != []


def test_terminal_problems_sees_escapes_bidi_invisibles_and_commands():
    for bad in ("\x1b]8;;https://e.x\x07a", "\x9b2J", "a\rb", "\u202egnp.exe", "\U000e0041",
                "##[add-mask]x", " ::error::x"):
        assert terminal_problems(bad), bad
    assert not terminal_problems("\x1b[1;31mred\x1b[0m", color=True)
    assert terminal_problems("\x1b[1;31mred\x1b[0m", color=False)


def test_markdown_problems_sees_links_images_html_mentions_references_and_layout():
    table = "| # | Crash | Count | Culprit | Hint | Where |\n|--:|---|--:|---|---|---|\n"
    base = "## stackdemux\n\n" + table + "| 1 | `x` | 1 | a | h | b |\n\n### 1. `x`\n\n"
    assert not markdown_problems(base, sections=1, details=0)
    for bad in ("[a](https://e.x)", "![i](https://e.x/p.png)", "https://e.x", "<img src=x>",
                "@octocat", "see #12", "GH-3", "\n### two\n", "<details>"):
        assert markdown_problems(base + bad + "\n", sections=1, details=0), bad
    assert markdown_problems(base.replace("`x`", "`x | y`", 1), sections=1, details=0)


def test_html_problems_sees_foreign_elements_attributes_and_links():
    page = ('<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" '
            'content="x"><meta http-equiv="x" content="y"><title>t</title><style></style>'
            '</head><body><a href="#group-1">x</a></body></html>')
    assert not html_problems(page)
    for bad in ('<a href="javascript:alert(1)">x</a>', '<b onclick="x">x</b>',
                "<img src=x>", "<!-- c -->"):
        assert html_problems(page.replace("</body>", bad + "</body>")), bad


def test_sarif_link_problems_sees_an_unescaped_bracket():
    assert sarif_link_problems("see [here](https://e.x)")
    assert not sarif_link_problems("goroutine 1 \\[running\\] \\\\\\[x\\]")
