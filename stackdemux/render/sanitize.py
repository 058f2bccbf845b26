"""Neutralise text that came from the log before it reaches a terminal or a file format.

A log can be written by an attacker: its ANSI escapes can move the cursor or
rewrite the screen, bidi overrides can reorder what a reader sees, and control
characters are invalid in XML 1.0. Every renderer passes log text through here.
"""

from __future__ import annotations

import re
import unicodedata

from .. import rx

# ECMA-48 escape sequences. Each alternative is a fixed prefix followed by
# disjoint character classes, so matching is linear (no backtracking blow-up):
# a string sequence's scan stops at the next ESC. One never terminated is not
# removed whole (it would take the rest of the line with it: a log could hide
# the text after it): only its introducer is, as a two-byte escape.
_ANSI = rx.compile(
    r"""
    (?:\x1b\[|\x9b) [0-?]* [ -/]* [@-~]       # CSI: colours, cursor moves, erase
  | (?:\x1b\]|\x9d) [^\x07\x1b\x9c]* (?:\x07|\x1b\\|\x9c)   # OSC: titles, hyperlinks
  | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f]) [^\x1b\x9c]* (?:\x1b\\|\x9c)  # DCS/SOS/PM/APC strings
  | \x1b [ -/]* [0-~]                          # other two-byte escapes (ESC c resets the tty)
    """,
    re.VERBOSE,
)

# Characters that change how text around them is displayed, or are not
# displayed at all: bidi controls (Trojan Source), line/paragraph separators
# some viewers break on, and Unicode's Default_Ignorable_Code_Point (zero-width
# characters, variation selectors, fillers, tag characters that smuggle hidden
# text). Comparisons that follow Unicode collation skip the latter, as the
# GitHub Actions runner's search for `##[` does: `#\u200b#[` is found there.
_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u2028\u2029\u3164\ufeff\uffa0"
    + "".join(map(chr, (*range(0x180B, 0x1810), *range(0x200B, 0x2010),
                        *range(0x202A, 0x202F), *range(0x2060, 0x2070),
                        *range(0xFE00, 0xFE10), *range(0xFFF0, 0xFFF9),
                        *range(0x1BCA0, 0x1BCA4), *range(0x1D173, 0x1D17B),
                        *range(0xE0000, 0xE1000))))
)

# Everything that is not a character in XML 1.0 (Char production).
_XML_INVALID = rx.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def strip_ansi(text: str) -> str:
    """Remove escape sequences (colours from a coloured log are noise in a report)."""
    if "\x1b" not in text and not _has_c1(text):
        return text
    return _ANSI.sub("", text)


def _has_c1(text: str) -> bool:
    return any("\x80" <= ch <= "\x9f" for ch in text) if not text.isascii() else False


def _visible(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"  # (as Python writes them)


def clean(text: str, *, keep_newlines: bool = False, tabs: str | None = "    ") -> str:
    """Log text made safe to show: escapes removed, control characters made visible.

    Tabs become `tabs` (None keeps them); newlines are kept only when asked,
    otherwise shown as `\\n` so that one log value stays one output line.
    """
    text = strip_ansi(text)
    if text.isascii() and text.isprintable():
        return text
    out: list[str] = []
    for ch in text:
        if ch == "\t" and tabs is not None:
            out.append(tabs)
        elif ch == "\t" or (ch == "\n" and keep_newlines):
            out.append(ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch in _INVISIBLE or unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"):
            out.append(_visible(ch))
        else:
            out.append(ch)
    return "".join(out)


def xml_safe(text: str) -> str:
    """Text that every XML 1.0 parser accepts (escaping of < & is the writer's job)."""
    return _XML_INVALID.sub(
        lambda m: _visible(m.group()), clean(text, keep_newlines=True, tabs=None)
    )


def cell_width(text: str) -> int:
    """Columns `text` takes on a terminal (wide East Asian characters take two)."""
    if text.isascii():
        return len(text)
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def flat(text: str) -> str:
    """Prose on one line: rules files wrap their explanations, a report reflows them."""
    return " ".join(clean(text, keep_newlines=True).split())


def no_legacy_command(text: str) -> str:
    """`##[` shown as `##\\[`: the GitHub Actions runner obeys its legacy
    command form, `##[name]data`, anywhere in a line (see inert_line)."""
    return text.replace("##[", "##\\[") if "##[" in text else text


def inert_line(line: str) -> str:
    """A line of a plain-text report that a CI runner will not take for a command.

    The GitHub Actions runner acts on any line whose first non-blank characters
    are `::`, so a log value that starts a line of a report (wrapped onto a line
    of its own, or a request's URI) would be obeyed wherever the report is
    printed in a job (`::add-mask::…`, `::stop-commands::…`). Such a line is
    marked as a continuation instead. The runner also obeys its legacy form,
    `##[command]`, anywhere in a line (actions/runner ActionCommand.TryParse):
    its bracket is shown escaped, `##\\[`."""
    line = no_legacy_command(line)
    body = line.lstrip()  # as the runner trims
    if not body.startswith("::"):
        return line
    pad = len(line) - len(body)
    return line[: pad - 2] + "… " + body if pad >= 2 else "… " + body


def inert_lines(text: str) -> str:
    """inert_line for each line of `text`."""
    if "::" not in text and "##[" not in text:
        return text
    return "\n".join(inert_line(line) for line in text.split("\n"))


# A line's first non-blank characters as the runner trims (.NET Char.IsWhiteSpace,
# less the line ends: a run of them is not scanned again from each line's start).
# After a newline, not at `^` in MULTILINE: a literal first character is searched
# for fast (25 MB of HTML: 40 ms, against 120).
_LINE_COLON = rx.compile(
    "(\n[\t\x0b\x0c \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*):")


def inert_markup(document: str) -> str:
    """An XML or HTML document that a CI runner printing it obeys in no line:
    a `:` starting a line's text and the `[` of `##[` become character
    references, which every reader of the document reads as the same text."""
    if "#" in document and "##[" in document:  # (a one-character search is fastest)
        document = document.replace("##[", "##&#91;")
    return _LINE_COLON.sub(r"\1&#58;", "\n" + document)[1:]


def inert_json(document: str) -> str:
    """JSON that a CI runner printing it obeys in no line: `##[` can only be in
    a string, where `##\\u005b` is the same value. (No line of JSON starts
    with `:`.)"""
    if "#" not in document or "##[" not in document:  # (a one-character search is fastest)
        return document
    return document.replace("##[", "##\\u005b")
