"""Paste repair as a layer of the demultiplexer: a cheap gate, the repair, and
the map from repaired lines back to the input lines they came from.

`paste.repair` does the repairs (pure, per line); this module decides when
to run it (it costs ~20 µs a line, so a clean log must not pay for it) and
keeps conservation: every input line ends in exactly one repaired line, or
in several with their columns divided between them (a line split apart), or
in the noise (a collapsed gutter, which is only paste debris).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from .. import line_chunks, rx
from ..model import Diagnostic, Span, Stream
from .paste import _LONE_FENCE, MARKDOWN_STAR, ROW_TIME_IN_TEXT, glued_panic_at, kind, repair
from .paste_flat import GLUED
from .paste_logfmt import FILE_LINE_IN_VALUE, HEADER_IN_VALUE, LEAD
from .write_records import holds_write_records

if TYPE_CHECKING:
    from .prefixes_styles import PrefixStyle

__all__ = ["PasteLayer", "looks_pasted", "rejoin_record_texts", "rejoin_unprefixed_opener",
           "undo_paste"]

Piece = tuple[int, int, int]  # (input line, start column, end column)

# Signs of paste damage, searched in bulk over the whole text. Each is text a
# Go runtime never prints where it stands here; a clean log matches none, so
# the repair runs only on logs that show some damage. The search must cost
# next to nothing on a long build log, so: substrings first (C-speed find),
# then patterns that start with a literal, and the line-start patterns only at
# line starts that begin with one of their first characters.
_SIGN_SUBSTRINGS = ("\u00a0", "\u202f", "#011", "\r")  # nbsp, rsyslog tab, CR
# A space inside a file's path (`main.go :12`, `main .go:12`: a page's text
# reflowed), in one pass led by the literal `.go` (the substrings `.go :` and
# ` .go` looked for apart took 33 ms over a 22 MB dump, this 14), then confirmed.
_PATH_SPACED = rx.compile(r"\.go(?: :|(?<= \.go))")
_PATH_SPACED_CONFIRMED = rx.compile(r"\.go :\d|\S \.go ?:\d")
# each beside a character it holds, looked for first (memchr speed): a log
# without it is not searched at all; or beside None, where the pattern's own
# leading literal is found faster than a test for it: sre scans for a first
# character at ~0.4 ns a byte, where `in` with a needle of 2-5 characters takes
# twice that (`"\t\n" in text` 19 ms over a 22 MB dump, the regex 9)
_SIGNS = (
    ("&", rx.compile(r"&(?:lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});")),  # HTML escapes
    ("\\", rx.compile(r"\\n(?:\\n)?goroutine \d+ \[")),  # a dump escaped inside one record
    # (Echo's, its header glued after the value, has no sign of its own: its escaped
    # file lines are the sign below, and a pass over the whole text for its label
    # cost ~20 ms a 100 MB build log)
    # a stack logged a line a record, each a quoted value (its lead holds a
    # backslash: `LEAD in text` took 16 ms over a 22 MB dump, 49 a 60 MB compose log)
    (LEAD[1], FILE_LINE_IN_VALUE),
    ('"', HEADER_IN_VALUE),  # (or a goroutine's header: a plugin's stderr that dockerd logs)
    # (a log viewer's row times, each alone on its line: _tab_led)
    # a dump double-spaced (a blank line after every line, as a console copy
    # leaves them): a goroutine header, a blank, a call line, a blank, its file
    # line; Go prints no blank line after a header
    (None, rx.compile(r"\]:\n\n[^\s(][^\s(]*\([^\n]*\)\n\n\t")),
    # a browser console's source after a message (Firefox: `… wasm_exec.js:97:29`);
    # the file's name looked for first: str's search skips ahead by a long needle's
    # length (a 22 MB dump: 16 M instructions, the regex's own scan for it 110 M)
    ("wasm_exec.js:", rx.compile(r"wasm_exec\.js:\d{1,9}:\d{1,9}$", re.M)),
    # a terminal's colour code before a report's first line or a goroutine header
    # (colour elsewhere, in a build log's own output, is no damage to repair)
    ("\x1b", rx.compile(r"\x1b\[[0-9;]{0,32}m(?:panic: |fatal error: |goroutine \d+ \[)")),
    # a file's hole (NULs where logrotate's copytruncate cut it) before a report
    ("\x00", rx.compile(r"\x00(?:panic: |fatal error: |goroutine \d+ \[|SIG[A-Z]{2,10}: )")),
)
# Signs only a paste shows, looked for in the head of the log (see _PASTE_HEAD):
# a long log pays nothing for them.
_HEAD_SIGNS = (
    # a Markdown fence glued to a traceback line (a page flattened to running text)
    # (two patterns, each led by a literal: an alternation led by `:` was tried at
    # every position of a log with backticks in it)
    ("```", rx.compile(r"```[\w+-]* +(?:panic: |fatal error: |goroutine \d+ \[)")),
    ("```", rx.compile(r"\+0x[0-9a-f]+ *```")),
    # Markdown's inline code backtick before a report's first line (`` `fatal error: … ``,
    # `` `runtime: goroutine stack exceeds … ``: the runtime's note before a fatal error)
    # (and `` `PANIC: … ``: negroni's, Gitea's recovered panic)
    ("`", rx.compile(r"\n`(?:panic: |PANIC: |fatal error: |goroutine \d+ \[|runtime: "
                     r"|unexpected fault )")),
    # a pointer receiver's `*` an underscore (a page's Markdown emphasis written back as `_`)
    (".(_", MARKDOWN_STAR),
    # a goroutine header after a log line's text (a logger's message ending in debug.Stack(),
    # or its level's letter alone before it: `F goroutine 42778 [running]:`, firestack#231)
    # (led by the literal, what stands before it looked behind at: led by `\S`, it was
    # tried at every position, 10 ms over a 1 MiB head of a dump; this 0.5)
    (" goroutine ", rx.compile(r"goroutine (?<=\S goroutine )\d+ \[[^\]\n]{1,200}\]:\n")),
    # a file line's offset or a call line run into the next text (a page's text
    # lost the break after a code block): `main.go:8 +0x50Or variations:`
    ("+0x", rx.compile(r"\+0x[0-9a-f]+[g-zA-Z]")),
    # (led by the literal `(`, the character before it looked behind at: a class
    # first, `[\w.]`, was tried at every position of the head, 25-30 ms a MiB;
    # its end, `)` before a capital and a small letter, looked for first: a dump's
    # every call line holds a `(` the sign tried, 32 M instructions a MiB, 6 this)
    (rx.compile(r"\)[A-Z][a-z]"), rx.compile(r"\((?<=[\w.]\()[^()\n]{0,200}\)[A-Z][a-z]")),
    # a signal dump's first line after other text on its line, its PC= line below
    ("\nPC=0x", rx.compile(r"[^\s] +SIG[A-Z]{2,10}: [a-z][a-z0-9 /-]{0,64}\nPC=0x")),
    ("\nPC=0x", rx.compile(r"[^\s] +Exception 0x[0-9a-f]+ 0x[0-9a-f]+ 0x[0-9a-f]+ [^\n]*\nPC=0x")),
    # a terminal's echo of Ctrl-\ (or Ctrl-C) before the runtime's first line
    ("^", rx.compile(r"\^[\\C](?:SIG[A-Z]{2,10}: |panic: |fatal error: |goroutine \d+ \[)")),
)
# A panic's first line after other text on its line (a program's unfinished line),
# the runtime's signal line or a blank line and a goroutine header below; each
# found is confirmed by paste.glued_panic_at (led by a literal: memchr speed).
_GLUED_PANIC = rx.compile(r"panic: (?:(?<=\Spanic: )|(?<=\S: panic: )|(?<=\S : panic: ))"
                          r"[^\n]{0,4096}\n(?:\[signal |\ngoroutine \d+ \[)")
# A dump indented by tabs: its goroutine headers, which Go prints at the line
# start. Searched for by what follows the tabs (a literal: memchr speed; every
# frame's file line starts with a tab, so a pattern led by `\n\t` would be
# tried at each of them, and one led by `(?:^|\n)` at every character), then
# the line is checked to hold only tabs before it.
_TABBED_HEADER = rx.compile(r"\tgoroutine \d+ \[")
# It and a log viewer's row times (paste.ROW_TIME_IN_TEXT), both led by a tab, in
# one pass, the tab written once (an alternation of the two patterns as they are
# is tried at every character: 4.3 G instructions over a 22 MB dump; this 159 M,
# the two passes 228 M)
if not (ROW_TIME_IN_TEXT.pattern.startswith("\\t") and _TABBED_HEADER.pattern.startswith("\\t")):
    raise ImportError("_TAB_LED writes both patterns' leading tab once: update it")
_TAB_LED = rx.compile(r"\t(?:" + ROW_TIME_IN_TEXT.pattern[2:]
                      + "|(?P<tabbed>" + _TABBED_HEADER.pattern[2:] + "))")
_LINE_START = rx.compile(r"\n[ >0-9(]")
# Damage that needs a look at each line is looked for in the head of the log
# only: a paste is small, and a long log pays nothing for it.
_PASTE_HEAD = 1 << 20
_LINE_SIGNS = rx.compile(
    "|".join((
        r" *1[ \t]+2[ \t]+3(?:[ \t]+\d+)*[ \t]*$",  # a collapsed gutter
        # a gutter glued to traceback lines: `12goroutine 1 [running]:`
        r" {0,4}\d{1,6}[ |:\u2502\t]{0,3}(?:goroutine \d+ \[|panic: |fatal error: |created by )",
        r" +[^\s:]+\.\w{1,4}:\d+$",  # a file line indented by spaces, no offset
        r" +(?:goroutine \d+ \[|panic: |fatal error: )",  # an indented dump
        r"> ?(?:goroutine \d+ \[|panic: |fatal error: |created by |\t)",  # quoting
        r"\((?:0x[0-9a-f]+|\.\.\.)[^\n]*\)$",  # a call's arguments wrapped onto their own line
    )),
    re.M,
)
# A file line's position and offset; where it stands on its line tells whether
# the line was damaged (checked per hit, in Python: hits are few in a build log).
_FILE_TAIL = rx.compile(r":\d+ \+0x[0-9a-fA-F]+")
_CLEAN_FILE_LINE = rx.compile(
    r"(?:\t| {6}(?=\S))[^\n]*:\d+ \+0x[0-9a-fA-F]+"
    r"(?: fp=0x[0-9a-fA-F]+ sp=0x[0-9a-fA-F]+(?: pc=0x[0-9a-fA-F]+)?)?$")
# The same after a newline, found in one pass (led by a literal: memchr speed)
# to be counted against the tails.
_CLEAN_FILE_LINES = rx.compile("\n" + _CLEAN_FILE_LINE.pattern, re.MULTILINE)
# A file line indented by six spaces, and one under a two-space call line (the
# race detector's layout). Led by literals; `[^\n]*` stops at the line's end.
_SIX_SPACED_FILE_LINES = rx.compile(r"\n {6}(?=\S)[^\n]*:\d+ \+0x")
_RACE_FILE_LINES = rx.compile(r"\n  (?=\S)[^\n]*\n {6}(?=\S)[^\n]*:\d+ \+0x")
# Lines looked at for hard wraps: a wrapped paste shows them from its first
# screen on, and one long line further down would hide the width anyway.
_WRAP_HEAD = 8192
_USUAL_WIDTHS = frozenset({72, 76, 78, 79, 80, 100, 120, 132})
# An offset run into the next frame's name (`+0x5emain.f(`): a flattened stack.
_FLAT_OFFSET = rx.compile(r" \+0x[0-9a-f]{1,16}[g-zA-Z]")


def looks_pasted(lines: Sequence[str], text: str | None = None,
                 where: line_chunks.Layout | None = None) -> bool:
    """True when the log shows a sign of paste damage (bulk search, ~no cost).
    `text`: the lines joined, when at hand; else a log longer than a chunk is
    searched a chunk at a time (line_chunks.py; `where`: its chunks' layout)."""
    if not lines:
        return False
    if text is None:
        where = where or line_chunks.layout(lines)
        if where.whole:
            text = "\n".join(lines)
    how = _whole_reach()
    if text is None and how is None:
        text = "\n".join(lines)  # (a sign that reads unboundedly far: not so far)
    head = None if text is None else text[:_PASTE_HEAD]
    # the signs looked for in the whole text, a chunk at a time; of the pair
    # that must both show, which one has so far (the offset looked for only once
    # a glued frame has shown: a dump's every file line tries it), and the chunk
    # the glued frame showed in
    glued = flat = False
    glued_at = 0
    for k, chunk in enumerate(line_chunks.chunks(lines, how or line_chunks.Reach(0, 0), text,
                                                 where)):
        chunk_text = chunk.text
        if any(_holds(chunk_text, sub) for sub in _SIGN_SUBSTRINGS):
            return True
        # (a confirmed space in a path is one the fast search finds, where it stands)
        if _found(_PATH_SPACED, chunk) and _found(_PATH_SPACED_CONFIRMED, chunk):
            return True
        if any((lead is None or lead in chunk_text) and _found(sign, chunk)
               for lead, sign in _SIGNS):
            return True
        if _tab_led(chunk_text, chunk.start, chunk.stop):
            return True
        # (a stack a logger flattened: looked for last, as over the whole text)
        if not glued:
            glued, glued_at = _found(GLUED, chunk), k
        flat = flat or (glued and _found(_FLAT_OFFSET, chunk))
    if head is None:
        # (made now, not sliced off the first chunk and kept: 1 Mi characters more
        # beside two chunks at a join made the 12 MB merges' peak 2 MB higher)
        head = _head(lines)
    held: dict[str | re.Pattern[str], bool] = {}  # (two signs share a lead: looked for once)
    for lead, sign in _HEAD_SIGNS:
        found = held.get(lead)
        if found is None:
            found = held[lead] = (_holds(head, lead) if isinstance(lead, str)
                                  else lead.search(head) is not None)
        if found and sign.search("\n" + head if lead == "`" else head):
            return True
    if _damaged_line_start(head) or _damaged_file_line(head) or _glued_panic(head):
        return True
    if _hard_wrapped(lines[:_WRAP_HEAD]):
        return True
    # A stack a logger flattened into one record can sit anywhere in a long log:
    # looked for in the whole text (~0.1 s a 60 MB log of dumps, where every file
    # line's offset is a hit; nothing on a build log). Both must be found: the
    # glued frame first, which a dump's lines offer fewer tries (a 22 MB dump:
    # 232 M instructions, the offset's pattern 265 M).
    if glued and not flat and where is not None:  # (the chunks before the glued frame's)
        flat = any(_found(_FLAT_OFFSET, line_chunks.chunk_at(lines, how or line_chunks.Reach(0, 0),
                                                             where, j)) for j in range(glued_at))
    return glued and flat


def _found(pattern: re.Pattern[str], chunk: line_chunks.Chunk) -> bool:
    """Whether a match of `pattern` starts in the chunk's own part."""
    m = pattern.search(chunk.text, chunk.start)
    return m is not None and m.start() < chunk.stop


@cache
def _whole_reach() -> line_chunks.Reach | None:
    """How far the signs looked for in the whole text read (line_chunks.reach)."""
    reaches = [line_chunks.reach(p) for p in (_PATH_SPACED, _PATH_SPACED_CONFIRMED, _TAB_LED,
                                               GLUED, _FLAT_OFFSET, *(s for _, s in _SIGNS))]
    if any(r is None for r in reaches):
        return None
    return line_chunks.Reach(max(r.newlines for r in reaches),  # type: ignore[union-attr]
                             max(r.behind for r in reaches))  # type: ignore[union-attr]


def _head(lines: Sequence[str]) -> str:
    """The lines joined, to their first _PASTE_HEAD characters: as many lines as
    reach it, summed a block at a time (one sum in C), line by line only in the
    block it ends in (a dump's 25 000 lines: ~20 ms a line at a time)."""
    k, size = 0, -1
    while k < len(lines) and size < _PASTE_HEAD:
        block = lines[k:k + 1024]
        more = sum(map(len, block)) + len(block)
        if size + more < _PASTE_HEAD:
            size, k = size + more, k + len(block)
            continue
        for t in block:
            size, k = size + len(t) + 1, k + 1
            if size >= _PASTE_HEAD:
                break
    return "\n".join(lines[:k])[:_PASTE_HEAD]


def _holds(text: str, sub: str) -> bool:
    """`sub in text`, its first character looked for first: one character is
    found at memchr speed (0.1 ms a 20 MB dump, where `#011` took 29 ms, and the
    signs' regexes led by `&`, a backslash or ESC as long), and a clean log
    holds none of `#&\\` or ESC."""
    return sub[0] in text and (len(sub) == 1 or sub in text)


def _glued_panic(text: str) -> bool:
    for hit in _GLUED_PANIC.finditer(text) if "panic: " in text else ():
        start = text.rfind("\n", 0, hit.start()) + 1
        if glued_panic_at(text[start:text.index("\n", hit.start())]) is not None:
            return True
    return False


def _tab_led(text: str, start: int = 0, stop: int | None = None) -> bool:
    """A log viewer's row time alone on its line, or a goroutine header after
    nothing but tabs on its line (a hit that starts in text[start:stop]). (The
    regex, led by its literal, scans a 22 MB dump in ~10 ms: no substring test
    before it, 15.)"""
    stop = len(text) if stop is None else stop
    for hit in _TAB_LED.finditer(text, start):
        if hit.start() >= stop:
            return False
        if hit.lastgroup != "tabbed":
            return True  # a row time
        at = hit.start()
        if not text[text.rfind("\n", 0, at) + 1:at].strip("\t"):
            return True
    return False


def _damaged_line_start(text: str) -> bool:
    match = _LINE_SIGNS.match
    if match(text, 0):
        return True
    for start in _LINE_START.finditer(text):
        pos = start.end() - 1
        if match(text, pos):
            return True
    return False


def _damaged_file_line(text: str) -> bool:
    """A file line that lost its tab, is indented by spaces (not the race
    detector's six), or has something joined after it."""
    # Each clean file line holds a tail: as many clean lines as tails (two
    # C-speed passes) leaves no tail on a damaged line. Else look line by line.
    if len(_FILE_TAIL.findall(text)) == len(_CLEAN_FILE_LINES.findall("\n" + text)):
        # The race detector's six spaces come under its two-space call lines; under
        # a call line at the start of a line they were a paste's tab.
        return (len(_SIX_SPACED_FILE_LINES.findall("\n" + text))
                > len(_RACE_FILE_LINES.findall("\n" + text)))
    rests = 0
    for hit in _FILE_TAIL.finditer(text):
        start = text.rfind("\n", 0, hit.start()) + 1
        end = text.find("\n", hit.end())
        if not _CLEAN_FILE_LINE.fullmatch(text, start, len(text) if end < 0 else end):
            rests += 1
            if rests > _MAX_CUT_RESTS or not _cut_rest(text, start, hit.start()):
                return True
    return False


# A read()'s rest looked for at most so many times (each a search of a window).
_MAX_CUT_RESTS = 64
# How far from the rest the path it was cut from is looked for: one dump's span.
_CUT_WINDOW = 1 << 16
# A rest's path: no space in it, nor a tab or a slash first (a lost tab leaves
# the path whole, `/app/main.go:12 +0x1d`; a paste's joined line holds a space).
_REST_PATH = rx.compile(r"[^\s/\\][^\s]*")


def _cut_rest(text: str, start: int, tail: int) -> bool:
    """Whether the file line at `start`, cut from its tab (`s/main.go:269 +0x47`,
    `ain.go:253 +0x4`), is the rest of a line a collector's read() cut: its path
    is the end of a path the log prints nearby, cut inside an element
    (`…/programs/main.go:257`), which no paste does (a lost tab leaves the
    path whole). splice.py joins such a rest back to its head."""
    if not _REST_PATH.fullmatch(text, start, tail):
        return False
    path = text[start:tail] + ":"
    lo, hi = max(0, start - _CUT_WINDOW), min(len(text), tail + _CUT_WINDOW)
    at = text.find(path, lo, hi)
    while at >= 0:
        if at > 0 and not text[at - 1].isspace() and text[at - 1] not in "/\\":
            return True
        at = text.find(path, at + 1, hi)
    return False


def _hard_wrapped(lines: Sequence[str]) -> bool:
    """Lines cut at one width, whose continuation only makes a traceback line whole."""
    lengths = list(map(len, lines))
    width = max(lengths)
    if width < 40 or (width not in _USUAL_WIDTHS and lengths.count(width) < 2):
        return False
    i = -1
    for _ in range(32):  # a few samples decide
        try:
            i = lengths.index(width, i + 1)
        except ValueError:
            return False
        if i + 1 < len(lines) and kind(lines[i + 1]) is None and kind(lines[i] + lines[i + 1]):
            return True
    return False


@dataclass(slots=True)
class PasteLayer:
    """A stream's repaired texts, mapped to the input lines they came from."""

    stream: Stream  # the repaired stream, numbers and pieces about input lines
    dropped: list[int] = field(default_factory=list)  # input lines that were only paste debris
    applied: dict[str, int] = field(default_factory=dict)
    # input lines joined into one repaired line (a hard wrap's, a call line broken
    # before its arguments), first and last: where the repair changed how lines divide
    joined: list[Span] = field(default_factory=list)
    # input lines of rows a terminal program's pane cut at its width (paste_panel.py)
    cut: list[int] = field(default_factory=list)

    def diagnostic(self) -> Diagnostic:
        what = ", ".join(f"{name} \u00d7{n}" for name, n in self.applied.items())
        spans = sorted([(n, n) for n in self.dropped] + self.joined)
        return Diagnostic(f"repaired paste damage: {what}", spans, severity="info")

    def cut_diagnostic(self) -> Diagnostic | None:
        """Which rows the pane cut, when it cut any: their values are lost."""
        if not self.cut:
            return None
        return Diagnostic(PANE_CUT, [(n, n) for n in sorted(set(self.cut))], severity="info")


# Said of the rows a pane cut (PasteLayer.cut_diagnostic).
PANE_CUT = ("rows a terminal program's pane cut at its width: the rest of each line is "
            "lost (a frame's file line there keeps its frame, its file and line cut)")


def undo_paste(stream: Stream, text: str | None = None) -> PasteLayer | None:
    """Repair a stream that looks pasted; None when it does not, or nothing changed.

    The repaired stream's texts are the repaired lines. A repaired line made
    from one whole text keeps its input line (and prefix length); one made of
    several, or of part of one (a line split apart), lists input columns in
    `pieces`, the columns of each input line divided between its parts.
    """
    gutter, what = _numbered_gutter(stream) or _gutter_before_prefixes(stream), "numbered gutter"
    if gutter is None:
        gutter, what = _quote_before_prefixes(stream), "quoting"
    if gutter is None:
        gutter, what = _glued_records(stream), "glued records"
    if gutter is not None:
        # A gutter before quoting (`12> goroutine 1 [running]:`) hides the quote
        # from the repair, and a gutter or quoting hides a collector's prefixes
        # from detection: taken off first, as prefixes (their columns are kept).
        stream, text = gutter, None
    texts = stream.texts
    # (a gutter is paste damage itself: the lines behind it may show no other)
    if gutter is None and not looks_pasted(texts, text if text is not None
                                           else stream.small_joined(), stream.layout()):
        return None
    got = repair(texts)
    if gutter is not None:
        got.applied = {what: len(texts), **got.applied}
    if not got.applied:
        return None
    shares: dict[int, list[int]] = {}  # stream text (1-based) → repaired lines, in order
    for i, origin in enumerate(got.origins):
        for j in origin:
            shares.setdefault(j, []).append(i)
    parts: dict[int, list[Piece]] = {}  # repaired line → (stream text, start, end)
    for j, repaired in shares.items():
        if len(repaired) == 1:
            parts.setdefault(repaired[0], []).append((j, 0, len(texts[j - 1])))
            continue
        cuts = _cuts(texts[j - 1], [got.lines[i] for i in repaired])
        for i, a, b in zip(repaired, cuts, cuts[1:], strict=False):
            parts.setdefault(i, []).append((j, a, b))

    prefixes = stream.prefix_lengths
    numbers: list[int] = []
    lengths: list[int] = []
    pieces: dict[int, list[Piece]] = {}
    for i in range(len(got.lines)):
        ps = parts[i]
        j = ps[0][0]
        if len(ps) == 1 and len(shares[j]) == 1 and j - 1 not in stream.pieces:
            numbers.append(stream.numbers[j - 1])  # one whole text: as it was
            lengths.append(prefixes[j - 1] if prefixes else 0)
            if got.lines[i] != texts[j - 1]:
                # Rewritten (a tab restored, an escape undone): its columns are no
                # longer the input's, so it is claimed whole, by its columns, and
                # a later stage that cuts texts by column (splice.py) leaves it be.
                shift = prefixes[j - 1] if prefixes else 0
                pieces[i] = [(stream.numbers[j - 1], shift, shift + len(texts[j - 1]))]
            continue
        mapped = [p for q in ps for p in _to_input(stream, *q)]
        numbers.append(mapped[0][0])
        lengths.append(0)
        pieces[i] = mapped
    out = Stream(id=stream.id, label=stream.label, numbers=numbers, texts=got.lines,
                 pieces=pieces, prefix_lengths=lengths if any(lengths) else ())
    # a dropped text joined from several input lines (a wrapper's record cut by
    # the journal's LineMax and ended by the next record) drops them all: its
    # first line alone left the others in no stream and not in the noise
    dropped = [n for j in got.dropped
               for n in ([p[0] for p in stream.pieces[j - 1]] if j - 1 in stream.pieces
                         else [stream.numbers[j - 1]])]
    joined = sorted({(min(ns), max(ns)) for ps in pieces.values()
                     if len(ns := {n for n, _, _ in ps}) > 1})
    cut = [stream.numbers[j - 1] for o in got.cut for j in o]
    return PasteLayer(out, dropped, got.applied, joined, cut)


# Report openers whose stack follows them in the same process's output.
_OPENERS = frozenset({"panic", "http_panic", "fatal_error"})


def rejoin_unprefixed_opener(streams: list[Stream]) -> list[Stream]:
    """A paste whose selection began after its first line's prefix (syslog's
    `Jul 18 08:26:30 host app[12682]: `): that line, a report's opener alone in
    the unprefixed stream (after a Markdown fence or blank lines at most), is
    the first text of the one prefixed stream, whose goroutine header follows
    it on the next input line; or whose texts are the runtime's writes, each a
    record (write_records.py), the opener's write alone (`panic: `) and its
    value in the next record. Else the streams as given."""
    if len(streams) != 2 or streams[0].label is not None:
        return streams
    bare, keyed = streams
    texts = bare.texts
    if (keyed.label is None or not keyed.numbers or bare.pieces or not texts
            or keyed.numbers[0] != bare.numbers[-1] + 1
            or list(bare.numbers) != list(range(1, len(texts) + 1))
            or not all(_LONE_FENCE.fullmatch(t) or not t.strip() for t in texts[:-1])
            or kind(texts[-1]) not in _OPENERS):
        return streams
    opener = texts[-1]
    if keyed.texts[0][:10] == "goroutine ":
        if kind(keyed.texts[0]) != "goroutine_header":
            return streams
    elif not (opener.endswith(": ") and opener.count(":") == 1
              and holds_write_records(keyed)):
        return streams
    lengths = keyed.prefix_lengths
    before = len(texts)
    return [Stream(id=bare.id, label=keyed.label, numbers=[*bare.numbers, *keyed.numbers],
                   texts=[*texts, *keyed.texts],
                   pieces={i + before: p for i, p in keyed.pieces.items()},
                   prefix_lengths=[0] * before + list(lengths) if lengths else ())]


# Android Studio's indentation of a record's text under its header line.
_RECORD_INDENT = "    "


def rejoin_record_texts(streams: list[Stream], lines: Sequence[str],
                        header: PrefixStyle) -> list[Stream]:
    """Records of a log shown as a header line each (`adb logcat -v long`'s
    `[ 08-05 12:05:18.894  7661: 7661 E/Go       ]`, grammars/prefixes.lark)
    inside the text of another record: Android Studio of 2015 showed so each
    record after an empty one (Go's blank line before a goroutine header), the
    record's text on the next lines with no prefix, indented by 4 spaces. The
    header, whose key names the prefixed stream it stands in, takes the place
    of the empty line (its whole line a prefix), and its text's lines join that
    stream after it, their indentation a prefix too. Else the streams as given."""
    from .prefixes_styles import match_prefix

    bare = next((s for s in streams if s.label is None), None)
    if bare is None or bare.pieces:
        return streams
    unprefixed = set(bare.numbers)
    owner: dict[int, str] = {}  # an unprefixed line → the key of the header above it
    headers: set[int] = set()
    for s in streams:
        if s.label is None or s.pieces:
            continue
        for n, text in zip(s.numbers, s.texts, strict=True):
            if text[:2] != "[ ":
                continue
            hit = match_prefix(text, header)
            if hit is None or hit[1] != s.label:
                continue
            m = n + 1  # its text: the unprefixed, indented lines right below it
            while m in unprefixed and m not in owner and lines[m - 1].strip() \
                    and lines[m - 1].startswith(_RECORD_INDENT):
                owner[m] = s.label
                m += 1
            if m > n + 1:
                headers.add(n)
    moved = set(owner)
    if not moved:
        return streams
    # (each stream's lines picked out of all moved lines was quadratic: 8 000
    # processes' records, a header each, 64 s)
    by_key: dict[str, list[int]] = {}
    for n in sorted(moved):
        by_key.setdefault(owner[n], []).append(n)
    out = []
    for s in streams:
        taken = by_key.get(s.label, []) if s.label is not None else []
        if s is not bare and not taken:
            out.append(s)
            continue
        lengths = s.prefix_lengths or [0] * len(s.texts)
        kept = [(n, t, w) if n not in headers else (n, "", len(lines[n - 1]))
                for n, t, w in zip(s.numbers, s.texts, lengths, strict=True) if n not in moved]
        kept += [(n, lines[n - 1][len(_RECORD_INDENT):], len(_RECORD_INDENT)) for n in taken]
        kept.sort()
        if kept:
            lengths = [k[2] for k in kept]
            out.append(Stream(id=s.id, label=s.label, numbers=[k[0] for k in kept],
                              texts=[k[1] for k in kept],
                              prefix_lengths=lengths if any(lengths) else ()))
    return out


# A line number glued before a quote marker, as chat and issue viewers copy it.
_GUTTER = rx.compile(r"[0-9]{1,7}(?=>)")


def _numbered_gutter(stream: Stream) -> Stream | None:
    """The stream without a gutter of line numbers counting up by one before
    `>`, kept as prefix lengths; None unless nearly every line has it."""
    texts = stream.texts
    if len(texts) < 3 or not _GUTTER.match(texts[0]):
        return None
    widths: list[int] = []
    expect = None
    for t in texts:
        m = _GUTTER.match(t)
        if m is None or (expect is not None and int(m.group()) != expect):
            if t or len(widths) < len(texts) - 1:  # a last empty line has no number
                return None
            widths.append(0)
            continue
        expect = int(m.group()) + 1
        widths.append(m.end())
    old = stream.prefix_lengths
    return Stream(id=stream.id, label=stream.label, numbers=stream.numbers,
                  texts=[t[w:] for t, w in zip(texts, widths, strict=True)],
                  pieces=stream.pieces,
                  prefix_lengths=[w + (old[i] if old else 0) for i, w in enumerate(widths)])


# A viewer's line numbers before each line, then a space: GitHub's copy of a
# CI log (`618283 2021-09-15T07:40:15.1455272Z goroutine 177 [...]`).
_SPACED_GUTTER = rx.compile(r" {0,6}([0-9]{1,7}) ")


def _gutter_before_prefixes(stream: Stream) -> Stream | None:
    """The stream without a gutter of line numbers counting up by one that hides
    a collector's prefixes (read before paste repair, on the raw lines, they were
    not seen), and without those prefixes: both kept as prefix lengths. None
    unless nearly every line has the gutter and the lines after it carry
    prefixes of one key (several would be several streams: not a paste's)."""
    texts = stream.texts
    if len(texts) < 3 or stream.pieces or not _SPACED_GUTTER.match(texts[0]):
        return None
    widths: list[int] = []
    expect = None
    for t in texts:
        m = _SPACED_GUTTER.match(t)
        if m is None or (expect is not None and int(m.group(1)) != expect):
            if t.strip() or len(widths) < len(texts) - 1:  # a last empty line has no number
                return None
            widths.append(0)
            continue
        expect = int(m.group(1)) + 1
        widths.append(m.end())
    return _without_prefixes(stream, widths)


# Quoting as paste.py's repair reads it: `> ` or a bare `>` before an empty line.
_QUOTE_MARK = rx.compile(r">(?: |$)")


def _quote_before_prefixes(stream: Stream) -> Stream | None:
    """The stream without one level of `> ` quoting that hides a collector's
    prefixes (read before paste repair, on the raw lines, they were not seen:
    a quoted `git push` whose `remote: ` lines hold a hook's crash), and
    without those prefixes: both kept as prefix lengths. None unless most
    non-empty lines are quoted (as paste.py's repair requires) and the lines
    inside carry prefixes of one key at most."""
    texts = stream.texts
    if len(texts) < 3 or stream.pieces or stream.prefix_lengths or not texts[0].startswith(">"):
        return None
    widths = [m.end() if (m := _QUOTE_MARK.match(t)) else 0 for t in texts]
    filled = [t for t in texts if t.strip()]
    if sum(1 for t, w in zip(texts, widths, strict=True) if w and t.strip()) < 0.6 * len(filled):
        return None
    return _without_prefixes(stream, widths)


def _without_prefixes(stream: Stream, widths: list[int]) -> Stream | None:
    """The stream with `widths` cut off each line and then the prefixes of one
    key found behind them, both added to its prefix lengths; None where no
    prefix is found or they name more than one stream."""
    bare = [t[w:] for t, w in zip(stream.texts, widths, strict=True)]
    from .prefixes import detect, split_prefixed

    styles = detect(bare)
    if not styles:
        return None
    split = split_prefixed(bare, styles)
    if len(set(split.keys)) > 1 or any(split.joins):
        return None
    old = stream.prefix_lengths
    return Stream(id=stream.id, label=stream.label, numbers=stream.numbers, texts=split.texts,
                  pieces=stream.pieces,
                  prefix_lengths=[w + n + (old[i] if old else 0)
                                  for i, (w, n) in enumerate(zip(widths, split.lengths,
                                                                  strict=True))])


def _first_group(m: re.Match[str], groups: tuple[int, ...]) -> str | None:
    return next((v for g in groups if (v := m.group(g)) is not None), None)


def _glued_records(stream: Stream) -> Stream | None:
    """The stream with each record that runs on inside a text (a copy that lost
    line breaks: `…pc=0x21d1d15]May 06 23:56:59 nomad[3795872]: goroutine 1022
    [running]:`) cut out as a text of its own, its prefix dropped; None when no
    text holds one. A record is known by the stream's own key, inside a prefix
    of a style that names a process (a time or a level names none): the text
    before it is the record before's."""
    label = stream.label
    if not label or stream.pieces or not any(label in t for t in stream.texts):
        return None
    from .prefixes import PROCESS_KEYS
    from .prefixes_styles import compiled_styles

    styles = [s for name, s in compiled_styles().items() if name in PROCESS_KEYS]
    lengths = stream.prefix_lengths or [0] * len(stream.texts)
    numbers: list[int] = []
    texts: list[str] = []
    prefixes: list[int] = []
    pieces: dict[int, list[Piece]] = {}
    misses = 0
    for n, t, shift in zip(stream.numbers, stream.texts, lengths, strict=True):
        cuts: list[tuple[int, int]] = []  # each glued prefix's columns
        at = t.find(label, 1) if misses < _MAX_MISSES else -1
        while at > 0:
            hit = _record_at(t, at, label, styles)
            if hit is None:
                misses += 1
                at = t.find(label, at + 1) if misses < _MAX_MISSES else -1
                continue
            style, start, end = hit
            styles = [style]  # (one stream, one style)
            if start > 0:
                cuts.append((start, end))
            at = t.find(label, end)
        if not cuts:
            numbers.append(n)
            texts.append(t)
            prefixes.append(shift)
            continue
        ends = [0, *(c for cut in cuts for c in cut), len(t)]
        for a, b in zip(ends[::2], ends[1::2], strict=True):
            pieces[len(texts)] = [(n, shift + a, shift + b)]
            numbers.append(n)
            texts.append(t[a:b])
            prefixes.append(0)
    if not pieces:
        return None
    return Stream(id=stream.id, label=label, numbers=numbers, texts=texts, pieces=pieces,
                  prefix_lengths=prefixes if any(prefixes) else ())


# How far before its key a record's prefix may begin (a time, a host), and how
# many mentions of the key in no prefix are looked at before giving up (a
# program may print its own name and pid on every line: the search stays linear).
_PREFIX_LEAD = 64
_MAX_MISSES = 64


def _record_at(t: str, at: int, label: str, styles: list[PrefixStyle]
               ) -> tuple[PrefixStyle, int, int] | None:
    """The style and columns of a prefix naming `label` whose key is at `at`."""
    lo, hi = max(0, at - _PREFIX_LEAD), at + len(label) + 2
    for style in styles:
        pos = lo
        while (m := style.regex.search(t, pos, hi)) is not None and m.start() < at:
            if m.end() > at and _first_group(m, style.key_groups) == label:
                return style, m.start(), m.end()
            pos = m.start() + 1
    return None


def _to_input(stream: Stream, j: int, a: int, b: int) -> list[Piece]:
    """Columns a..b of a stream's text j (1-based), as input columns."""
    if j - 1 in stream.pieces:  # a text joined from several input lines: all of them
        return list(stream.pieces[j - 1])
    shift = stream.prefix_lengths[j - 1] if stream.prefix_lengths else 0
    return [(stream.numbers[j - 1], a + shift, b + shift)]


def _cuts(line: str, parts: list[str]) -> list[int]:
    """Column boundaries dividing a line between the repaired parts made from
    it: each part starts where its text (without indentation) is found, after
    the previous one; where a repair changed the text, by length."""
    cuts = [0]
    pos = 0
    total = sum(len(p) for p in parts) or 1
    for k, part in enumerate(parts[1:], 1):
        core = part.strip()[:24]
        at = line.find(core, pos) if core else -1
        if at < 0:
            at = max(pos, min(len(line), round(len(line) * sum(map(len, parts[:k])) / total)))
        cuts.append(at)
        pos = at
    cuts.append(len(line))
    return cuts
