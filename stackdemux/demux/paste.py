"""Repair the damage that pasting a log into a chat, blog or issue does to it.

Each repair is a small pure function over the lines, every line carrying the
input lines it came from (so line numbers stay true and nothing is lost), and
is conservative: it fires only where the damaged text is not a traceback line
and the repaired text is one, as the traceback line classifier reads them. A
clean traceback passes through unchanged.

Repairs, in the order they run: CR LF; a terminal's echo of the key that
sent the signal (`^\\SIGQUIT: quit`); a dump escaped inside one log record
(`msg="panic: …\\ngoroutine 1 …"`, logfmt or JSON); HTML escapes; nbsp;
`> ` quoting; rsyslog escapes (`#011` for a tab); a line-number gutter
collapsed onto one line or glued to the text; hard wraps; a Markdown fence glued to
the text; a stack whose line breaks and tabs were stripped (a logger that keeps a
record on one line); a goroutine header glued after a log line's text; a line with the
next one's text run on after it (a page lost the break after a code block); a
signal dump's first line after a program's unfinished line; a call line
broken before its arguments; blank lines after a goroutine header; two lines joined on
one (a frame's call and file line, or random lines joined with a space);
the space a joined empty line leaves at a line's end; spaces around
punctuation; lost tabs.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

import orjson

from .paste_flat import GLUED, unflatten

# Line kinds the classifier gives that a repair may aim at.
_FILE_KINDS = frozenset({"frame_file", "race_frame_file", "cgo_file"})
# Kinds specific enough that a line split off another must be one of them.
_STRONG_KINDS = frozenset({
    "goroutine_header", "frame_call", "frame_file", "created_by", "panic", "fatal_error",
    "signal", "exit_status", "race_begin", "race_access", "race_frame_call", "race_frame_file",
    "chained_panic", "frames_elided", "additional_frames_elided", "test_fail",
    "test_package_fail", "runtime_stack", "sigpc",
})


@cache
def _classifier() -> Callable[[str], str | None]:
    """The traceback line classifier from stackdemux.grammar: one swap point."""
    from ..grammar import line_grammar

    classify = line_grammar().classify
    return lambda text: classify(text)[0]


def kind(text: str) -> str | None:
    """The traceback line kind of `text` (None: not a traceback line)."""
    return _classifier()(text)


@dataclass(slots=True)
class Repaired:
    """Repaired lines and, for each, the 1-based input lines it came from."""

    lines: list[str]
    origins: list[tuple[int, ...]]
    applied: dict[str, int] = field(default_factory=dict)  # repair → lines it changed
    dropped: list[int] = field(default_factory=list)  # input lines that were only paste debris


Line = tuple[str, tuple[int, ...]]  # (text, input lines it came from)


def repair(lines: Sequence[str], first_line: int = 1, text: str | None = None) -> Repaired:
    """Undo paste damage, conservatively; see the module docstring.

    Each repair first asks a bulk search over the whole text whether any line
    could need it (see _STEPS): clean output pays a few searches, not the
    classifier on every line. `text`: the lines already joined by newlines
    (Stream.joined()), when the caller has it."""
    items: list[Line] = [(t, (first_line + i,)) for i, t in enumerate(lines)]
    out = Repaired([], [])
    if text is None:
        text = "\n".join(lines)
    for name, step, gate in _STEPS:
        if gate is not None and not gate(text):
            continue
        items, changed = step(items, out)
        if changed:
            out.applied[name] = out.applied.get(name, 0) + changed
            text = "\n".join(t for t, _ in items)
    out.lines = [t for t, _ in items]
    out.origins = [o for _, o in items]
    return out


def _is_go(text: str) -> bool:
    return kind(text) is not None


def _count_changed(before: list[Line], after: list[Line]) -> int:
    return sum(1 for a, b in zip(before, after, strict=True) if a[0] != b[0])


# ------------------------------------------------------- whole-document fixes ---


def _crlf(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    after = [(t.removesuffix("\r"), o) for t, o in items]
    return after, _count_changed(items, after)


# A quoted string (JSON or logfmt) holding an escaped newline then a goroutine header.
_QUOTED = re.compile(r'"((?:[^"\\]|\\.){0,1048576})"')
_ESCAPED_DUMP = re.compile(r"\\n(?:\\n)?goroutine \d+ \[")


def _escaped_dump(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    out: list[Line] = []
    changed = 0
    for text, origin in items:
        if "\\n" not in text or not _ESCAPED_DUMP.search(text):
            out.append((text, origin))
            continue
        pieces = _unescape_record(text)
        if pieces is None:
            out.append((text, origin))
            continue
        changed += 1
        out.extend((p, origin) for p in pieces)
    return out, changed


def _unescape_record(text: str) -> list[str] | None:
    """The record's text before the dump, the dump's lines, the text after it."""
    for m in _QUOTED.finditer(text):
        if not _ESCAPED_DUMP.search(m.group(1)):
            continue
        try:
            value = orjson.loads(m.group(0))
        except orjson.JSONDecodeError:
            value = re.sub(r"\\(.)", lambda e: {"n": "\n", "t": "\t"}.get(e.group(1), e.group(1)),
                           m.group(1))
        if not isinstance(value, str):
            continue
        lines = value.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        before, after = text[:m.start()], text[m.end():]
        return [x for x in (before,) if x.strip()] + lines + [x for x in (after,) if x.strip()]
    return None


_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});")


def _html(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    # An HTML-escaped page has no raw < or >: a log that has them was not escaped.
    if not any(_ENTITY.search(t) for t, _ in items) or any("<" in t or ">" in t for t, _ in items):
        return items, 0
    after = [(html.unescape(t) if "&" in t else t, o) for t, o in items]
    return after, _count_changed(items, after)


_LEADING_NBSP = re.compile(r"^[\u00a0\u202f ]*[\u00a0\u202f][\u00a0\u202f ]*")


def _nbsp(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    """Non-breaking spaces back to spaces; leading ones before a file line were its tab."""
    out: list[Line] = []
    changed = 0
    for t, o in items:
        if "\u00a0" not in t and "\u202f" not in t:
            out.append((t, o))
            continue
        m = _LEADING_NBSP.match(t)
        fixed = t.replace("\u00a0", " ").replace("\u202f", " ")
        if m and m.end() >= 2 and kind("\t" + t[m.end():]) in _FILE_KINDS:
            fixed = "\t" + fixed[m.end():]
        out.append((fixed, o))
        changed += 1
    return out, changed


_QUOTE = re.compile(r"^>(?: |$)")


def _quoting(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    """Strip markdown/e-mail `> ` quoting, as many levels as most lines carry."""
    changed = 0
    for _ in range(8):
        texts = [t for t, _ in items if t.strip()]
        quoted = sum(1 for t in texts if _QUOTE.match(t) or t.startswith(">>"))
        if not texts or quoted < 0.6 * len(texts):
            break
        after = []
        for t, o in items:
            if t.startswith(">"):
                t = t[2:] if t.startswith("> ") else t[1:]  # `>> x`: one level per pass
                changed += 1
            after.append((t, o))
        items = after
    return items, changed


# A report's first line or a goroutine header behind an indentation: code
# blocks in Markdown (four spaces), Stack Overflow, a tab or two spaces in mail.
# (A tab before `panic: ` is Go's own: a panic raised while another one ran.)
_INDENTED_START = re.compile(
    r"( +)(?:panic: |fatal error: |goroutine \d+ \[|SIG[A-Z]+: )|(\t+)goroutine \d+ \[")


def _indented_dumps(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    """Take off the indentation of a dump pasted as an indented block: from an
    indented opener or goroutine header, as long as lines keep its indentation
    (or are blank). Go prints them at the start of a line; a test's own log
    lines, indented by Go, hold none of them."""
    out: list[Line] = []
    changed = 0
    indent = ""
    for t, o in items:
        if indent and (t.startswith(indent) or not t.strip()):
            out.append((t[len(indent):] if t.strip() else t.strip(" \t"), o))
            changed += bool(t.strip())
            continue
        m = _INDENTED_START.match(t)
        indent = (m.group(1) or m.group(2)) if m is not None else ""
        if indent and m is not None and m.group(1) and _chains_on(out, t[len(indent):]):
            indent = ""  # Go's tab before a chained panic, turned to spaces: lost tabs restores it
        if indent:
            if m is not None and m.group(2):
                changed += _dedent_head(out, indent)
            out.append((t[len(indent):], o))
            changed += 1
        else:
            out.append((t, o))
    return out, changed


def _chains_on(out: list[Line], text: str) -> bool:
    """`text` is a panic raised while the one on the last line ran: Go prints it
    under that one's `panic: ` line, after a tab (`panic: a`, then a tab and
    `panic: b [recovered]`)."""
    if not text.startswith("panic: "):
        return False
    last = next((t for t, _ in reversed(out) if t.strip()), "")
    return last.lstrip(" \t").startswith("panic: ")


def _dedent_head(out: list[Line], indent: str) -> int:
    """A dump indented by tabs: its first lines before the first goroutine
    header (`\tpanic: …`, a chained panic's shape) are taken back with it,
    unless a panic at the start of a line leads them (Go's own chain)."""
    k = len(out)
    while k > 0 and (out[k - 1][0].startswith(indent) or not out[k - 1][0].strip()):
        k -= 1
    if k > 0 and out[k - 1][0].startswith("panic: "):
        return 0
    head = [i for i in range(k, len(out)) if out[i][0].strip()]
    if not any(_INDENTED_OPENER.match(out[i][0][len(indent):]) for i in head):
        return 0
    for i in head:
        out[i] = (out[i][0][len(indent):], out[i][1])
    return len(head)


_INDENTED_OPENER = re.compile(r"panic: |fatal error: |SIG[A-Z]+: ")


# A terminal's colour and style codes (SGR: `ESC[31m` … `ESC[0m`), kept by a
# log copied from a terminal or by a tool that colours whole lines.
_SGR = re.compile(r"\x1b\[[0-9;]{0,32}m")


def _file_hole(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    """NULs before a traceback line: a hole in the file (logrotate's copytruncate
    cut it while its writer kept its offset; a file system's crash lost blocks)
    that runs into the first line written after it. The line is read without
    them; one that is no traceback line without them keeps them."""
    out: list[Line] = []
    changed = 0
    for t, o in items:
        if t.startswith("\x00"):
            bare = t.lstrip("\x00")
            if _is_go(bare):
                changed += 1
                t = bare
        out.append((t, o))
    return out, changed


def _colour_codes(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    out: list[Line] = []
    changed = 0
    for t, o in items:
        if "\x1b[" in t:
            bare = _SGR.sub("", t)
            changed += bare != t
            t = bare
        out.append((t, o))
    return out, changed


# A terminal echoes the key that sent the signal (`^\` is Ctrl-\, SIGQUIT) before
# the runtime's first line: copied from the terminal, the echo leads that line.
_ECHO = re.compile(r"\^[\\C](?=SIG[A-Z]{2,10}: |panic: |fatal error: |goroutine \d+ \[)")


def _terminal_echo(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    out: list[Line] = []
    changed = 0
    for t, o in items:
        if t.startswith("^") and (m := _ECHO.match(t)) and _is_go(t[m.end():]):
            t = t[m.end():]
            changed += 1
        out.append((t, o))
    return out, changed


_SYSLOG_ESCAPE = re.compile(r"#(0[0-3][0-7])")


def _syslog_escapes(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    """rsyslog writes control characters as `#` + 3 octal digits: a tab is `#011`."""
    if not any(t.startswith("#011") for t, _ in items):
        return items, 0
    out: list[Line] = []
    changed = 0
    for t, o in items:
        if "#0" not in t:
            out.append((t, o))
            continue
        new = _SYSLOG_ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), t)
        changed += new != t
        out.extend((part, o) for part in new.split("\n"))  # `#012`: a newline
    return out, changed


# --------------------------------------------------------------- gutters ---

_COLLAPSED = re.compile(r"^\s*1(?:\s+\d+){2,}\s*$")


def _collapsed_gutter(items: list[Line], out: Repaired) -> tuple[list[Line], int]:
    """A gutter pasted as one line `1 2 3 … N`: debris, recorded as dropped."""
    kept: list[Line] = []
    changed = 0
    for t, o in items:
        if _COLLAPSED.match(t):
            numbers = [int(x) for x in t.split()]
            if numbers == list(range(1, len(numbers) + 1)):
                out.dropped.extend(o)
                changed += 1
                continue
        kept.append((t, o))
    return kept, changed


# `cat -n` and `nl` right-align six digits; `grep -n` puts `:` after a matching
# line's number and `-` after a context line's.
_DIGITS = re.compile(r"^\s{0,6}(\d{1,6})")
_GUTTER_SEP = re.compile(r"^(?: ?[|:│] ?| |\t|-)")


def _glued_gutter(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    """Line numbers glued to the text (`12goroutine 1 [running]:`): runs of ≥ 3 lines
    numbered n, n+1, n+2, … whose texts, without the number, read as traceback lines."""
    texts = [t for t, _ in items]
    out = list(items)
    changed = 0
    readable: dict[tuple[int, int], bool] = {}
    i = 0
    while i < len(texts):
        m = _DIGITS.match(texts[i])
        run = None
        if m:
            digits = m.group(1)
            for width in range(len(digits), 0, -1):  # `12goroutine` is 12, not 1 + `2goroutine`
                run = _gutter_run(texts, i, int(digits[:width]), readable)
                if run:
                    break
        if not run:
            i += 1
            continue
        stripped = [texts[j].lstrip()[len(str(n)):] for j, n in run]
        # One separator (space, `|`, `:`) when every numbered line has it.
        seps = [_GUTTER_SEP.match(s) for s in stripped]
        if all(seps) and all(s for s in stripped):
            stripped = [s[m.end():] for s, m in zip(stripped, seps, strict=True)]
        for (j, _n), s in zip(run, stripped, strict=True):
            out[j] = (s, items[j][1])
            changed += 1
        i = run[-1][0] + 1
    return out, changed


def _gutter_run(texts: list[str], i: int, n: int,
                readable: dict[tuple[int, int], bool]) -> list[tuple[int, int]] | None:
    run = []
    j = i
    while j < len(texts) and texts[j].lstrip().startswith(str(n)):
        run.append((j, n))
        j += 1
        n += 1
    if len(run) < 3:
        return None
    good = 0
    for j, k in run:  # `readable` is kept across tries: each line is read once per number
        if (j, k) not in readable:
            readable[j, k] = _reads_after_gutter(texts[j].lstrip()[len(str(k)):])
        good += readable[j, k]
    return run if good >= 0.6 * len(run) else None


def _reads_after_gutter(rest: str) -> bool:
    """The text after a line number reads as traceback lines: one, or (a paste
    damaged twice) several joined on one line."""
    if not rest.strip() or _is_go(rest) or _is_go(rest.lstrip(" |:│")):
        return True
    sep = _GUTTER_SEP.match(rest)  # one separator: `\t` (cat -n), `-` (grep's context lines)
    if sep is not None and (not rest[sep.end():].strip() or _is_go(rest[sep.end():])):
        return True
    return may_be_joined(rest) and _split_joined(rest) is not None


# ------------------------------------------------------------ line shapes ---


_USUAL_WIDTHS = frozenset({72, 76, 78, 79, 80, 100, 120, 132})
# A file line's position and offset: one per line.
_POSITION = re.compile(r":\d+ \+0x[0-9a-f]+")


def _hard_wraps(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    """Join a line cut at the paste's width with its continuation, when only the
    joined text reads as a traceback line."""
    lengths = [len(t) for t, _ in items]
    if not lengths:
        return items, 0
    width = max(lengths)
    # The paste's width: the longest line, seen twice, or a usual terminal/editor width.
    if width < 40 or (lengths.count(width) < 2 and width not in _USUAL_WIDTHS):
        return items, 0
    out: list[Line] = []
    changed = 0
    joining = False  # the last line is itself made of wrapped pieces
    for t, o in items:
        # Only a line after one near the width can continue it: test that before the
        # classifier (most lines are far shorter than the longest).
        if out and len(out[-1][0]) >= width - 20 and t.strip() and not _is_go(t):
            prev, po = out[-1]
            for glue in ("", " "):
                if glue == "" and len(prev) % width:
                    continue
                joined = prev + glue + t
                if len(_POSITION.findall(joined)) > 1:
                    continue  # two lines' positions: a read() splice's pieces, not a wrap
                # Cut at exactly the width, a non-line continues it; a word wrap at a
                # space must also turn a non-line (or another kind) into the line.
                if _is_go(joined) and (glue == "" or joining or not _is_go(prev)
                                       or kind(joined) != kind(prev)):
                    out[-1] = (joined, po + o)
                    changed += 1
                    joining = True
                    break
            else:
                out.append((t, o))
                joining = False
            continue
        out.append((t, o))
        joining = False
    return out, changed


# A Markdown code fence glued to the text it fences (`` ``` panic: … ``, `` … +0x85 ``` ``),
# as a page flattened to running text keeps it.
# Markdown's inline code backtick opened before a report's first line (`` `fatal error: … ``).
_GLUED_FENCE = re.compile(r"^(?:```|~~~)[\w+-]* +|(?<=\S) +(?:```|~~~)$"
                          r"|^`(?=panic: |fatal error: |goroutine \d+ \[)")


def _split_lines(items: list[Line], split: Callable[[int, str], Sequence[str] | None]
                 ) -> tuple[list[Line], int]:
    """Each line that `split(i, text)` cuts (or rewrites) replaced by its parts, which
    keep the line's input lines; the count of lines cut."""
    out: list[Line] = []
    changed = 0
    for i, (t, o) in enumerate(items):
        parts = split(i, t)
        if parts is None:
            out.append((t, o))
            continue
        out.extend((p, o) for p in parts)
        changed += 1
    return out, changed


def _flattened_stacks(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    """A stack a logger flattened onto one line, cut back into its lines (paste_flat)."""
    return _split_lines(items, lambda _i, t: unflatten(t) if ")" in t else None)


def _glued_fences(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    def bare(_i: int, t: str) -> Sequence[str] | None:
        if ("```" in t or "~~~" in t or t[:1] == "`") and _GLUED_FENCE.search(t):
            b = _GLUED_FENCE.sub("", t)
            if b != t and (_is_go(b) or (may_be_joined(b) and _split_joined(b))):
                return (b,)
        return None

    return _split_lines(items, bare)


# A goroutine header at the end of a log line: a logger's message that ends with
# debug.Stack()'s text (`Panic: …: goroutine 11990 [running]:`), the frames below.
_GLUED_HEADER = re.compile(r"(?<=\S) +(goroutine \d+ \[[^\]\n]{1,200}\]:)$")


def _glued_headers(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    def cut(i: int, t: str) -> Sequence[str] | None:
        m = _GLUED_HEADER.search(t) if t.endswith("]:") else None
        if (m is not None and i + 1 < len(items) and kind(m.group(1)) == "goroutine_header"
                and kind(items[i + 1][0]) == "frame_call"
                # (a logged panic's value, its stack glued on: golangci-lint's runner)
                and kind(t) in (None, "http_panic")):
            return t[:m.start()], m.group(1)
        return None

    return _split_lines(items, cut)


# A file line's position and offset run into the next text, as a page's text
# loses the line break after a code block: `main.go:8 +0x50Or variations:`,
# `main.go:10 +0x68fatal error: …` (the offset's hex digits run into `fa…`).
# (What follows must be no hex digit: a shorter run of the digits, followed by
# the next digit, is no run-on.)
_OFFSET_RUN_ON = re.compile(r":\d+ \+0x[0-9a-f]+(?=[g-zA-Z])")
_POSITION_START = re.compile(r":\d+ \+0x")
# A call line run into a capitalised word: `sync.runtime_Semacquire(...)Every goroutine …`.
_CALL_RUN_ON = re.compile(r"\)(?=[A-Z][a-z])")


def _run_on(text: str) -> tuple[str, str] | None:
    """A traceback line and the text that runs on after it, or None."""
    m = _OFFSET_RUN_ON.search(text)
    if m is not None:
        end = m.end()
        digits = _POSITION_START.match(text, m.start()).end()  # where the hex digits start
        # the next line may start with hex letters, no more of them than a pc has
        # digits (a longer run, tried letter by letter, cost its length squared)
        for cut in range(end, max(digits, end - 16), -1):
            head, rest = text[:cut], text[cut:]
            if kind(rest) in _STRONG_KINDS - _FILE_KINDS and _restore_tab(head) is not None:
                return head, rest
        rest = text[end:]
        if rest[:1].isupper() and not text[end - 1:end].isupper() \
                and _restore_tab(text[:end]) is not None:
            return text[:end], rest  # prose after it: its own line (noise)
        return None
    m = _CALL_RUN_ON.search(text)
    if m is not None and kind(text[:m.end()]) == "frame_call":
        return text[:m.end()], text[m.end():]
    return None


def _run_on_lines(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    """A traceback line with the next line's text run on after it: cut apart."""
    return _split_lines(items, lambda _i, t: _run_on(t) if (")" in t or "+0x" in t)
                        and not _is_go(t) else None)


# A signal dump's first line after a program's unfinished line (a progress line
# printed with `\r` and no newline): `… Total: 53.4 MH/s  SIGABRT: abort`, its
# `PC=0x… m=N` line below.
_GLUED_SIGNAL = re.compile(r"(?<=\S) +(SIG[A-Z]{2,10}: [a-z][a-z0-9 /-]{0,64})$")


def _glued_signal_dumps(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    def cut(i: int, t: str) -> Sequence[str] | None:
        following = items[i + 1][0] if i + 1 < len(items) else ""
        m = _GLUED_SIGNAL.search(t) if following.startswith("PC=0x") and "SIG" in t else None
        if (m is not None and kind(following) == "sigpc" and kind(m.group(1)) == "sigdump"
                and not _is_go(t)):
            return t[:m.start()], m.group(1)
        return None

    return _split_lines(items, cut)


# A panic's first line after a program's unfinished line (a progress bar drawn
# with no newline): `… 2.98 KiB/s 00m22spanic: runtime error: …`, the runtime's
# `[signal …]` line, or a blank line and a goroutine header, below it.
_GLUED_PANIC = re.compile(r"panic: (?<=\Spanic: )")


def glued_panic_at(text: str) -> int | None:
    """Where a panic's first line begins after a program's unfinished line, or None.
    What comes before it must be no start of a traceback line: where processes'
    output is cut mid-line and spliced (`sync.runtime_Semapanic: …`), that is a
    piece of another process's line, for the splice layer to join."""
    m = _GLUED_PANIC.search(text) if "panic: " in text else None
    if m is None or _is_go(text) or kind(text[m.start():]) != "panic":
        return None
    from .writes_dfa import viable

    return None if viable(text[:m.start()]) else m.start()


def _glued_panics(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    def cut(i: int, t: str) -> Sequence[str] | None:
        at = glued_panic_at(t)
        if at is None:
            return None
        below = [items[j][0] for j in (i + 1, i + 2) if j < len(items)]
        if (below[:1] and kind(below[0]) == "signal") or (
                len(below) == 2 and not below[0] and kind(below[1]) == "goroutine_header"):
            return t[:at], t[at:]
        return None

    return _split_lines(items, cut)


def _blank_after_header(items: list[Line], out: Repaired) -> tuple[list[Line], int]:
    """Blank lines between a goroutine header and its first frame, which Go never
    prints (a paste's double spacing): debris, recorded as dropped."""
    kept: list[Line] = []
    changed = 0
    header = False  # the last kept line is a goroutine header
    pending: list[Line] = []  # blank lines after it
    for i, (t, o) in enumerate(items):
        if header and not t.strip():
            pending.append((t, o))
            continue
        if pending:
            following = items[i + 1][0] if i + 1 < len(items) else ""
            if kind(t) == "frame_call" and _FILE_END.search(following):
                for _, po in pending:
                    out.dropped.extend(po)
                changed += len(pending)
            else:
                kept.extend(pending)
            pending = []
        kept.append((t, o))
        header = t.startswith("goroutine ") and kind(t) == "goroutine_header"
    kept.extend(pending)
    return kept, changed


def _bare_symbol(text: str) -> bool:
    """A function's name alone on its line, as a wrap leaves it: a package path,
    a dot, no space. Not led by a digit (`0x11csync.(*Mutex).lockSlow` is a
    write-level interleave's hex glued to a name, not a name)."""
    return (len(text) < 1024 and (text[:1].isalpha() or text[:1] == "_") and "." in text
            and not any(c.isspace() for c in text))


def _wrapped_calls(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    """A call line broken before its arguments (`pkg.run.func5` / `(0xc0430b1e20, …)`),
    as a narrow window or an editor wraps a long name: joined when only the
    two together read as a frame's call, and its file line follows. (A log of
    processes interleaved write by write splits calls there too, since Go
    writes the name and the arguments apart; what follows is then another
    process's piece, not the call's file line.)"""
    out: list[Line] = []
    changed = 0
    for i, (t, o) in enumerate(items):
        if (t.startswith("(") and t.endswith(")") and out and out[-1][0][-1:] not in ("", " ", ")")
                and i + 1 < len(items) and items[i + 1][0][:1] in ("\t", " ")
                and _FILE_END.search(items[i + 1][0])):
            prev, po = out[-1]
            if (_bare_symbol(prev) and kind(prev + t) == "frame_call"
                    and not _is_go(prev) and not _is_go(t)):
                out[-1] = (prev + t, po + o)
                changed += 1
                continue
        out.append((t, o))
    return out, changed


# What a file line ends with: `file.go:12`, then ` +0x1d` (group 1) unless inlined.
_FILE_END = re.compile(
    r"(?:\.\w{1,4}|\?\?):\d+( \+0x[0-9a-f]+)?(?: fp=0x[0-9a-f]+ sp=0x[0-9a-f]+ pc=0x[0-9a-f]+)?$")
# The files an inlined frame (no offset) names: Go and assembly sources Go compiles.
_GO_SOURCES = (".go:", ".s:", "??:")


def _restore_tab(text: str, paths: PrintedPaths | None = None) -> str | None:
    """`/app/main.go:12 +0x1d` without its leading tab (or with spaces for it).

    Lines indented by one space are left alone: that is how some tools print
    their own tables, and a tab lost to a paste leaves no space or several.
    `paths`, given: the paths the text prints, so that a line cut by a
    collector's read() (the head of one line, `runtime.forcegchelpe`, then the
    tail of another's path, `/corpus/programs/main.go:257 +0x98`) is left for
    splice.py to cut (see PrintedPaths.cut)."""
    body = text.lstrip(" \t")
    indent = text[:len(text) - len(body)]
    if indent == " " or "\t" in indent or ") " in body or not (end := _FILE_END.search(body)):
        return None
    if end.group(1) is None and not end.group(0).startswith(_GO_SOURCES):
        return None  # `/tmp/x/build.js:2`: no pc offset (an inlined call's), and no Go source
    if paths is not None and paths.cut(body[:body.index(":", end.start())]):
        return None
    candidate = "\t" + body
    return candidate if kind(candidate) in _FILE_KINDS else None


_PATH_START = re.compile(r"[^\s()]+:\d+")
# Paths trusted without a look at the others: absolute ones, and the names Go
# gives generated code (`_cgo_gotypes.go:55`, `_testmain.go:53`, `<autogenerated>:1`).
_TRUSTED_PATH = re.compile(r"/|[A-Za-z]:[/\\]|_\w+\.go$|<autogenerated>$|\?\?$")
# A path printed in a line: a token ending in `:line`.
_PATH_IN_TEXT = re.compile(r"(?<!\S)([^\s:]+):\d")
# What follows a file line's position on its own line: never the start of another line.
_FILE_LINE_REST = ("+", "fp=", "sp=", "pc=")


# Longer or deeper tokens are no path Go prints (a module cache path is ~150
# characters, ~12 elements).
_LONGEST_PATH = 1024
_DEEPEST_PATH = 64


class PrintedPaths:
    """The source paths a text prints, to tell a path that lost its tab from a
    path cut by a collector's read() and glued after another line's head."""

    def __init__(self, items: list[Line]) -> None:
        self.roots: Counter[str] = Counter()  # first elements: `example.com`, `runtime`
        self.tails: dict[str, str] = {}  # each `/…` tail of a path → a path that ends so
        self.multi: set[str] = set()  # tails that end more than one path
        self.names: set[str] = set()  # file names of the paths with a directory
        for t, _ in items:
            if ":" not in t:
                continue
            for m in _PATH_IN_TEXT.finditer(t):
                path = m.group(1)
                if len(path) > _LONGEST_PATH or path.count("/") > _DEEPEST_PATH:
                    continue  # no source path: its tails would cost its length squared
                self.roots[path.split("/", 1)[0]] += 1
                i = path.find("/")
                if i >= 0:
                    self.names.add(path.rpartition("/")[2])
                while i >= 0:
                    tail = path[i:]
                    if self.tails.setdefault(tail, path) != path:
                        self.multi.add(tail)
                    i = path.find("/", i + 1)

    def cut(self, path: str) -> bool:
        """True when `path` reads as a cut one, the head of a line then the tail
        of another path printed in the text: `sting/testing.go`, `fams/main.go`,
        `runtime.forcegchelpe/corpus/programs/main.go` (what follows a first
        element printed only here ends another path), or
        `github.com/x/cmd/pa/src/x/cmd/main.go` (its last three elements end
        another path). A path that lost its tab starts as the others in its
        dump do, and shares no more than two elements with another."""
        if _TRUSTED_PATH.match(path):
            return False
        root, slash, _ = path.partition("/")
        if not slash:  # `main.go`, `.go`: the end of a file name printed elsewhere
            return any(name.endswith(path) for name in self.names)
        if self.roots[root] <= 1 and self._elsewhere(path[len(root):], path):
            return True
        i = len(path)
        for _ in range(3):
            i = path.rfind("/", 0, i)
            if i <= len(root):
                return False
        return self._elsewhere(path[i:], path)

    def _elsewhere(self, tail: str, path: str) -> bool:
        """`tail` ends a path printed in the text other than `path`."""
        other = self.tails.get(tail)
        return other is not None and (other != path or tail in self.multi)


def _split_joined(text: str, paths: PrintedPaths | None = None) -> list[str] | None:
    """Two or more lines joined with spaces, each part a traceback line.

    Peels parts off the right, each time the longest right part that is a strong
    line kind (bounded tries: linear in the line's length)."""
    if len(text) > 2048:
        return None
    parts: list[str] = []
    rest = text
    for _ in range(8):
        for tries, m in enumerate(re.finditer(r" +", rest)):
            if tries >= 64:
                return None
            left, right = rest[:m.start()], rest[m.end():]
            if not left.strip() or not right:
                continue
            if right.startswith(_FILE_LINE_REST):
                continue  # the rest of a file line (` +0x1d`, ` fp=`), as a cut one reads
            rk = kind(right)
            if rk in _FILE_KINDS and right[0] == "\t":
                pass  # the newline before a file line became a space, its tab kept
            elif rk not in _STRONG_KINDS or rk in _FILE_KINDS:
                # A file line lost its tab when the lines were joined.
                if not _PATH_START.match(right) or (tab := _restore_tab(right, paths)) is None:
                    continue
                right = tab
            parts.insert(0, right)
            rest = left
            break
        else:
            break
        if _is_go(rest):
            return [rest, *parts]
        if (tab := _restore_tab(rest, paths)) is not None:
            return [tab, *parts]
    return None


# Kinds a joined line can be read as: the lenient ones of the classifier.
_SPLITTABLE = frozenset({"panic", "fatal_error", "indented"}) | _FILE_KINDS


# How the right part of a joined line starts (after a run of spaces, so not with a
# space): a strong kind's first words, or a path `x.go:12`; a call ends the line
# with `)`. _split_joined classifies every right part: lines without one are
# skipped first. tests/test_demux_paste.py checks this against every real line.
_JOIN_CANDIDATE = re.compile(
    r" (?:\.\.\.|\t|created by |exit status |fatal error: |goroutine |panic: |Previous "
    r"|[Aa]tomic |[Rr]ead|[Ww]rite|WARNING: DATA RACE|runtime stack:|\[signal |PC=|---"
    r"|FAIL\t|[^\s()]+:\d)")


# What ends a panic message for sure when joined after it: a goroutine header, or
# the whole `[signal SIGSEGV: … pc=0x…]` line Go prints right after a runtime error.
_ENDS_A_MESSAGE = frozenset({"goroutine_header", "signal"})


def may_be_joined(text: str) -> bool:
    """False when no part after a space could be a traceback line _split_joined wants."""
    return text.endswith(")") or _JOIN_CANDIDATE.search(text) is not None


def _joined_lines(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    out: list[Line] = []
    changed = 0
    paths = PrintedPaths(items)
    for t, o in items:
        if not may_be_joined(t):  # nothing to split off: no need to classify
            out.append((t, o))
            continue
        k = kind(t)
        if k is None or k in _SPLITTABLE:
            parts = _split_joined(t, paths)
            # A panic message may hold anything: only a goroutine header ends it for sure.
            # A file line (or a lenient reading of one) must come back as a file line.
            if parts and (k is None or (k != "panic" and k != "fatal_error"
                                        and kind(parts[0]) in _FILE_KINDS)
                          or kind(parts[-1]) in _ENDS_A_MESSAGE):
                out.extend((p, o) for p in parts)
                changed += 1
                continue
        out.append((t, o))
    return out, changed


def _edge_spaces(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    """A space left where a newline was, when a line was joined to an empty one:
    ` goroutine 1 [running]:` after a blank line, a file line with a space after it.
    The join leaves one space: a line indented by more (a tool's own layout) is
    left as it is, and so is anything but a strong kind the line was not."""
    out: list[Line] = []
    changed = 0
    for t, o in items:
        if t[:1] != " " and t[-1:] != " ":
            out.append((t, o))
            continue
        lead = t[:1] == " " and not t[1:2].isspace()
        trail = t[-1:] == " " and not t[-2:-1].isspace()
        fixed = t[lead:len(t) - trail]
        if (fixed and fixed != t and kind(t) in (None, "indented")
                and kind(fixed) in _STRONG_KINDS):
            out.append((fixed, o))
            changed += 1
            continue
        out.append((t, o))
    return out, changed


# (A run of spaces is tried from its start only: tried at each of its spaces, a
# run that no punctuation follows cost its length squared.)
_PUNCT_SPACES = re.compile(r"(?<!\s)\s+(?=[/.:)(,])|(?<=[/.(])\s+")
# A space inside a path or name token: `copy /copy`, `copy .go`, `go :1337`, `v5/ copy`.
_PUNCT_DAMAGE = re.compile(r"[\w.\-*)] +[/.:(]|[/.] +\w")
_PUNCT_TARGETS = _FILE_KINDS | {"frame_call", "created_by"}
_LINE_NUMBER = re.compile(r":\d")
# What a target line holds once spaces are gone (the fix removes nothing else): a call's
# `(`, a file line's `:12`, cgo's `pc=`, `created by`. Tested before the classifier.
_PUNCT_FIXABLE = re.compile(r"\(|:\s*\d|pc=|created by")


def _punctuation_spaces(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    """`…/v5/copy /copy .go :1337` → `…/v5/copy/copy.go:1337`, keeping ` +0x…`."""
    out: list[Line] = []
    changed = 0
    for t, o in items:
        body = t.strip()
        # A lenient reading may take a damaged file line for a file line: look at the damage.
        # Two positions (`main.go:287 .go:119`): a read() splice's pieces, for splice.py.
        if ("\t" in body or not _PUNCT_DAMAGE.search(body) or not _PUNCT_FIXABLE.search(body)
                or len(_LINE_NUMBER.findall(body)) > 1
                or kind(t) not in _PUNCT_TARGETS | {None}):
            out.append((t, o))
            continue
        head, sep, offset = body.rpartition(" +0x")
        fixed = _PUNCT_SPACES.sub("", head if sep else body) + (sep + offset if sep else "")
        for candidate in (fixed, "\t" + fixed):
            if candidate != t and kind(candidate) in _PUNCT_TARGETS and (
                    candidate[0] != "\t" or _FILE_END.search(candidate)):
                out.append((candidate, o))
                changed += 1
                break
        else:
            out.append((t, o))
    return out, changed


# Lines the runtime leads with a tab, other than file lines, that say what they
# are in their words: indented by spaces instead (journalctl prints a tab as
# eight), they are taken back. (`indented`, any text after a tab, is not.)
_TAB_LED_KINDS = frozenset({"stack_unavailable", "chained_panic", "running_test"})


# Lines whose next line is their file line, tab-led.
_CALL_KINDS = frozenset({"frame_call", "created_by"})


def _lost_tabs(items: list[Line], _out: Repaired) -> tuple[list[Line], int]:
    out: list[Line] = []
    changed = 0
    paths = PrintedPaths(items)
    after_call = False  # the line before is a frame's call line
    for t, o in items:
        if t[:1] == " " and not after_call and out and _gccgo_unknown(out, t):
            out.append(("\t" + t.lstrip(" "), o))  # an unknown caller's `:0`
            changed += 1
            continue
        if after_call and t[:1] == " " and _FILE_END.search(t.rstrip(" ")):
            # After a call line (or `created by`) Go prints its file line, tab-led:
            # one space or the race detector's six in its place were the paste's
            # (and spaces after it, a terminal's copy of its screen's line)
            fixed = "\t" + t.strip(" ")
            if kind(fixed) == "frame_file":
                out.append((fixed, o))
                changed += 1
                after_call = False
                continue
        after_call = ((t.endswith(")") or t.startswith("created by "))
                      and t[:1] not in ("\t", " ") and kind(t) in _CALL_KINDS
                      ) or _gccgo_name(out, t)
        # _restore_tab needs a file line's end: test that before the classifier. (The
        # line before need not be its call: pastes of interleaved logs are repaired too.)
        if t.strip() and _FILE_END.search(t) and not _is_go(t):
            fixed = _restore_tab(t, paths)
            if fixed is not None:
                out.append((fixed, o))
                changed += 1
                continue
        elif t.startswith("  ") and not _is_go(t):
            fixed = "\t" + t.lstrip(" ")
            if kind(fixed) in _TAB_LED_KINDS:
                out.append((fixed, o))
                changed += 1
                continue
        out.append((t, o))
    return out, changed


def _gccgo_name(out: list[Line], text: str) -> bool:
    """gccgo's frame name, bare (traceback.lark's gccgo_frame_name), where a stack
    expects a frame: after a goroutine header or a file line."""
    from ..parse import gccgo_lines

    if not out or text[:1] in ("\t", " ", "") or kind(text) is not None:
        return False
    return (kind(out[-1][0]) in ("goroutine_header", "frame_file")
            and gccgo_lines()[0].fullmatch(text) is not None)


def _gccgo_unknown(out: list[Line], text: str) -> bool:
    """gccgo's unknown caller, its empty name a blank line after a frame's file
    line: `:0` that lost its tab."""
    from ..parse import gccgo_lines

    unknown = gccgo_lines()[1]
    return (len(out) >= 2 and not out[-1][0] and unknown.fullmatch("\t" + text.lstrip(" "))
            is not None and (kind(out[-2][0]) == "frame_file"
                             or unknown.fullmatch(out[-2][0]) is not None))


# Bulk searches over the whole text (lines joined by `\n`) that find every line a
# repair could change, and maybe more: a repair whose search finds nothing is
# skipped. None: the repair checks cheaply itself. `[^\S\n]` is `\s` within a line.
_FILE_END_IN_TEXT = re.compile(_FILE_END.pattern, re.M)
_COLLAPSED_IN_TEXT = re.compile(r"^[^\S\n]*1(?:[^\S\n]+\d+){2,}[^\S\n]*$", re.M)
# three lines in a row starting with digits (a gutter run is at least three lines)
_GUTTER_IN_TEXT = re.compile(
    r"^[^\S\n]{0,4}\d[^\n]*\n[^\S\n]*\d[^\n]*\n[^\S\n]*\d", re.M)
_EDGE_SPACE_IN_TEXT = re.compile(r"^ | $", re.M)
Gate = Callable[[str], object] | None


def _has(*needles: str) -> Callable[[str], bool]:
    return lambda text: any(n in text for n in needles)


def _starts_a_line(needle: str) -> Callable[[str], bool]:
    return lambda text: text.startswith(needle) or "\n" + needle in text


# (each led by a literal: searched at memchr speed, where `^…` with re.M or an
# alternation was tried at every line or character, 0.3 s on a 22 MB dump)
_BLANK_AFTER_HEADER = re.compile(r"\]:\n[ \t]*\n")
_GLUED_HEADER_IN_TEXT = re.compile(r" goroutine \d+ \[[^\]\n]{1,200}\]:$", re.M)
_OFFSET_RUN_ON_IN_TEXT = re.compile(r"\+0x[0-9a-f]+[g-zA-Z]")
_CALL_RUN_ON_IN_TEXT = re.compile(r"\)[A-Z][a-z]")
_GLUED_PANIC_IN_TEXT = re.compile(r"panic: (?<=\Spanic: )[^\n]*\n(?:\[signal |\ngoroutine )")


def _run_on_in_text(text: str) -> bool:
    return bool(_OFFSET_RUN_ON_IN_TEXT.search(text) or _CALL_RUN_ON_IN_TEXT.search(text))


_STEPS: list[tuple[str, Callable[[list[Line], Repaired], tuple[list[Line], int]], Gate]] = [
    ("file hole", _file_hole, _starts_a_line("\x00")),  # bytes lost, not written
    ("crlf", _crlf, _has("\r")),
    ("colour codes", _colour_codes, _has("\x1b[")),
    ("terminal echo", _terminal_echo, _starts_a_line("^")),
    ("escaped dump", _escaped_dump, _ESCAPED_DUMP.search),
    ("quoting", _quoting, _starts_a_line(">")),  # outermost: added after the page was rendered
    # (at line starts, where the repair looks: searched anywhere, `( +)` was tried
    # at every space of a run, its length squared)
    ("indented block", _indented_dumps, re.compile(f"^(?:{_INDENTED_START.pattern})", re.M).search),
    ("html escapes", _html, _ENTITY.search),
    ("nbsp", _nbsp, _has("\u00a0", "\u202f")),
    ("syslog escapes", _syslog_escapes, _starts_a_line("#011")),
    ("collapsed gutter", _collapsed_gutter, _COLLAPSED_IN_TEXT.search),
    ("glued gutter", _glued_gutter, _GUTTER_IN_TEXT.search),
    ("hard wraps", _hard_wraps, None),
    ("glued fences", _glued_fences, _has("```", "~~~", "`")),
    ("flattened stacks", _flattened_stacks, GLUED.search),
    ("glued headers", _glued_headers, _GLUED_HEADER_IN_TEXT.search),
    ("run-on lines", _run_on_lines, _run_on_in_text),
    ("glued signal dumps", _glued_signal_dumps, _has("\nPC=0x")),
    ("glued panics", _glued_panics, _GLUED_PANIC_IN_TEXT.search),
    ("wrapped calls", _wrapped_calls, _starts_a_line("(")),
    ("blank after a header", _blank_after_header, _BLANK_AFTER_HEADER.search),
    ("joined lines", _joined_lines, None),
    ("spaces at the ends", _edge_spaces, _EDGE_SPACE_IN_TEXT.search),
    ("spaces around punctuation", _punctuation_spaces, _PUNCT_DAMAGE.search),
    ("lost tabs", _lost_tabs, _FILE_END_IN_TEXT.search),
]
