"""A stack a logger wrote one line a record, each line a Go-quoted logfmt value.

convox/logger's Error (github.com/convox/logger, logger.go) scans runtime.Stack's
text and logs each line as a record of its own, `state=error id=N line=K trace=%q`
after the logger's namespace (convox's `ns=kernel at=panic`; the platform's log
puts its time and `service/web:…` before it). fmt's %q is strconv.Quote: a tab is
`\\t`, `"` and `\\` are escaped, bytes that are not printable UTF-8 are `\\xNN`,
`\\uNNNN` (the ESCAPE terminal of grammars/records.lark, whose `pair` and QUOTED
are the record's syntax). slog's TextHandler and logrus's TextFormatter quote so
too. So a frame's file line reads `trace="\\t/go/src/…/negroni.go:96 +0xf5"`.

Read back where the log proves it: a key whose quoted value is, unquoted, a
frame's file line in some record (a tab escaped at a quoted value's start, then
a path and a line number: no message holds that by chance). Every record holding
that key whose value is a traceback line is then read as that line; the rest of
the record (its time, namespace, `id=`, `line=`) is the logger's, and the record's
input line is the line's origin, as for any repaired line. A value that is no
traceback line (a value's last record of NULs, a message) leaves its record as
it was.

A log collector that could not parse a line quotes it whole at its record's end:
fluentd's `2016-02-23 23:44:02 +0000 [warn]: pattern not match: "\\t/go/src/…/log.go:214
+0xa6"` (Ruby's String#inspect, which escapes a tab, a quote and a backslash as
strconv.Quote does). Such a string, the record's last word, is read the same way;
what stands for its key is the shape of the record's text before it, its digits
masked (every record of that warning has it, whatever its time).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache

from .. import rx

# Where a quoted value holds a frame's file line: an escaped tab at its start, then
# a position (led by a literal: the gate costs a substring search on a clean log).
LEAD = '"\\t'
FILE_LINE_IN_VALUE = rx.compile(r'"\\t[^"\n]{1,4096}?:\d+')
# A quoted value that is a goroutine's header proves its key as well: dockerd
# logs a managed plugin's stderr a line a record (`level=error msg="goroutine 166
# [running]:" plugin=…`), and a paste cut below the header holds no file line.
HEADER_IN_VALUE = rx.compile(r'"goroutine \d{1,20} \[[^"\n]{1,200}\]:"')


def holds_quoted_lines(text: str) -> bool:
    """Whether some quoted value in `text` may be a frame's file line or a header."""
    return (FILE_LINE_IN_VALUE.search(text) is not None
            or HEADER_IN_VALUE.search(text) is not None)
_DIGITS = rx.compile(r"[0-9]+")
# A quoted string's opening quote and what follows it up to its closing quote, or
# to where it cannot go on (the text's end, a backslash before a line break).
_OPENED = rx.compile(r'"[^"\\]*(?:\\.[^"\\]*)*')
_SIMPLE = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11,
           "\\": 92, "'": 39, '"': 34}


# records.lark's KEY as the compiler writes it: a bounded class (`[^\\s="]{1,256}`).
_BOUNDED_KEY = rx.compile(r"\(\?P<pair__key>(\[(?:[^\]\\]|\\.)+\])\{1,(\d+)\}\)")


@cache
def _syntax() -> tuple[re.Pattern[str], dict[str, int], re.Pattern[str], int]:
    """records.lark's `pair` as a scan (its groups by field), ESCAPE, and KEY's
    longest length, compiled once per machine.

    The grammar's pair, sought with finditer, tries a key at every character:
    `[^\\s="]{1,256}` reads up to 256 characters and gives them back one by one
    looking for the `=`, ~3 s a megabyte of a line of words. A key (a run of key
    characters before `=`) starts a run or, in a run longer than KEY's bound, its
    last `bound` characters; and where one pair ends the next search starts
    beside no key character (after a `"`, a `=`, or a bare value, which ends
    before a space or a `"`). So the scan reads each run once from its start
    (a lookbehind refuses every other start, at C speed), whole; `_words` cuts
    a run longer than the bound to its last `bound` characters, as the pair's
    finditer reads it."""
    from ..grammar import (
        COMPILER_VERSION,
        GrammarCompileError,
        cached_compile,
        compile_rule,
        grammar_text,
        load_rules,
    )

    text = grammar_text("records.lark")

    def compile_() -> list:
        source, fields = compile_rule(text, "pair", "records.lark")
        _, terminals = load_rules(text, "records.lark", {"ESCAPE"})
        return [source, fields, terminals["ESCAPE"]]

    source, fields, escape = cached_compile("logfmt_pair", text + COMPILER_VERSION, compile_)
    key = _BOUNDED_KEY.search(source)
    if key is None:
        raise GrammarCompileError("records.lark: KEY is no bounded class of characters")
    chars, bound = key.group(1), int(key.group(2))
    scan = (source[:key.start()] + f"(?<!{chars})(?P<pair__key>{chars}+)"
            + source[key.end():])
    return rx.compile(scan), fields, rx.compile(escape), bound


def unquote(quoted: str) -> str | None:
    """A Go-quoted string's text (strconv.Unquote of what strconv.Quote writes), or
    None when it is not one: a backslash no escape reads, a code point past Unicode."""
    inner = quoted[1:-1]
    if "\\" not in inner:
        return inner
    _, _, escape, _ = _syntax()
    out = bytearray()
    at = 0
    for m in escape.finditer(inner):
        between = inner[at:m.start()]
        if "\\" in between:
            return None
        out += between.encode("utf-8", "surrogatepass")
        e = m.group(0)[1:]
        if e[0] in "xuU":
            code = int(e[1:], 16)
            if e[0] == "x":
                out.append(code)
            elif code > 0x10FFFF or 0xD800 <= code < 0xE000:
                return None
            else:
                out += chr(code).encode("utf-8")
        elif e[0] in "01234567":
            code = int(e, 8)
            if code > 255:
                return None
            out.append(code)
        else:
            out.append(_SIMPLE[e])
        at = m.end()
    if "\\" in inner[at:]:
        return None
    out += inner[at:].encode("utf-8", "surrogatepass")
    # (the \xNN bytes make UTF-8 together; what does not is shown, not dropped)
    return out.decode("utf-8", "replace")


def quoted_values(text: str) -> list[tuple[str, str]]:
    """The record's quoted values, `(key, quoted value)`: each logfmt pair's, a whole
    word of the line, and a quoted string that ends the record after a space, its key
    the shape of the text before it (`0-0-0 0:0:0 +0 [warn]: pattern not match: `)."""
    got = [(key, value) for key, value in _words(text) if value is not None]
    end = text.rstrip()
    if not got and end.endswith('"'):
        last = _last_string(end)
        if last is not None and last[1] == len(end) and end[:last[0]].endswith(" "):
            got.append((_DIGITS.sub("0", end[:last[0]]), end[last[0]:last[1]]))
    return got


def _last_string(text: str) -> tuple[int, int] | None:
    """The [start, end) of the last of `text`'s quoted strings, paired left to right.

    Linear: a string left open is not sought again from each quote inside it.
    Each of those is an escaped one (`\\"`), after which the text reads as it did
    from the first, so it stays open too; searched from each (`"[^"\\]*…"`), a
    line of a megabyte of `\\"` took hours (40 KB: 5 s)."""
    last = None
    pos = text.find('"')
    while pos >= 0:
        end = _OPENED.match(text, pos).end()  # type: ignore[union-attr]
        if end < len(text) and text[end] == '"':
            last = (pos, end + 1)
        pos = text.find('"', end + 1)
    return last


def trace_keys(texts: list[str], kind: Callable[[str], str | None],
               file_kinds: frozenset[str]) -> set[str]:
    """The keys whose value, in some record, is a frame's file line or a goroutine's
    header."""
    keys: set[str] = set()
    for text in texts:
        if not ((LEAD in text and FILE_LINE_IN_VALUE.search(text))
                or ('"goroutine ' in text and HEADER_IN_VALUE.search(text))):
            continue
        for key, value in quoted_values(text):
            if key in keys or not value.startswith(('"\\t', '"goroutine ')):
                continue
            line = unquote(value)
            if line is not None and (kind(line) in file_kinds or (
                    line[:10] == "goroutine " and kind(line) == "goroutine_header")):
                keys.add(key)
    return keys


def traceback_line(text: str, keys: set[str], kind: Callable[[str], str | None]) -> str | None:
    """The traceback line a record's value under one of `keys` holds, or None."""
    if '"' not in text:
        return None
    for key, value in quoted_values(text):
        if key in keys:
            line = unquote(value)
            if line is not None and kind(line) is not None:
                return line
    return None


def pair_keys(text: str) -> frozenset[str]:
    """The keys of a logfmt record's pairs, each a whole word of the line."""
    return frozenset(key for key, _ in _words(text))


def _words(text: str) -> Iterator[tuple[str, str | None]]:
    """The logfmt pairs of `text` that are whole words of it, as records.lark's
    `pair` sought left to right reads them: (key, quoted value or None)."""
    scan, fields, _, bound = _syntax()
    key, quoted = fields["key"], fields["quoted"]
    n = len(text)
    for m in scan.finditer(text):
        start = m.start()
        if m.end(key) - start > bound:
            continue  # the pair's key is the run's last `bound` characters: inside a word
        if start and not text[start - 1].isspace():
            continue
        if m.end() < n and not text[m.end()].isspace():
            continue
        yield m.group(key), m.group(quoted)
