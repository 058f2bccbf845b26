"""Is a region write-mixed? The gate that sends it to the write layer.

Processes that share one descriptor interleave their write() calls anywhere
inside a line (demux/writes.py). Whole lines interleaved (line-buffered
collectors, read() chunks) leave traceback lines whole; writes leave them
broken: a line that holds a value the runtime prints inside a traceback line
(an address, a `.go` file, a call's parenthesis) and is no line of the grammar.
A run of such lines, or two report openers run together (`panic: ` +
`panic: `), tells the pipeline that a region's processes mixed their writes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from .. import line_chunks, rx
from ..grammar import MAX_LINE, line_grammar

__all__ = ["is_broken", "looks_write_interleaved", "openers_run_together", "process_budget"]

# A value the runtime prints inside a traceback line: a line holding one that
# is not a line of the grammar was cut and glued by someone's write(). (A call's
# parenthesis is looked for at the `(`, the word character before it looked
# behind at: every alternative led by a few characters, which sre skips to;
# led by `\w`, every position was tried, 4 times the time over a service's log.)
_TRACE_TOKEN = rx.compile(r"0x[0-9a-f]|\.go\b|goroutine \d|\((?<=\w\()")
_WINDOW = 64


def is_broken(line: str) -> bool:
    """A line holding a traceback value that is no line of the grammar."""
    if len(line) > MAX_LINE or not line:
        return False
    if _TRACE_TOKEN.search(line) is None:
        return False  # (asked first: most log lines hold no such value, and read no grammar)
    return _unread(line)


def _unread(line: str) -> bool:
    m = line_grammar().match(line)
    return m is None or m.lastgroup == "indented"


def looks_write_interleaved(texts: Sequence[str], text: str | None = None,
                            where: line_chunks.Layout | None = None) -> bool:
    """True when some run of 64 lines is mostly traceback lines broken apart:
    whole lines interleave (lines, chunks) and leave them whole; writes do not.
    The lines that hold a traceback value are found first (the broken lines
    are among them), and the grammar's readings are asked only in the runs
    where they alone are as many as that: in 8 services' log, 541 of the 2 777
    lines that hold one, the rest a service's own lines scattered among others.
    `text`: the lines joined, when at hand; else they are searched a chunk at a
    time (line_chunks.py; `where`: their chunks' layout, when at hand)."""
    held = _holding(texts, text, where)
    if len(held) < 12:
        return False
    window, need = _window(len(texts))
    dense = _dense_spans(held, window, need, len(texts))
    broken = [x for x in _within(held, dense) if _unread(texts[x])]
    return len(broken) >= 12 and bool(_dense_spans(broken, window, need, len(texts)))


def _holding(texts: Sequence[str], text: str | None,
             where: line_chunks.Layout | None) -> list[int]:
    """The lines (no longer than MAX_LINE) that hold a traceback value, in order:
    one bulk search over the lines joined, a search a line that holds one (on
    from its end), none for the lines between (8 services' 12 MB log: 2 777 of
    82 542 lines hold one; a search a line took 73 ms)."""
    search = _TRACE_TOKEN.search
    how = line_chunks.reach(_TRACE_TOKEN)
    if how is None or how.newlines:  # (a match may read past its line: each line alone)
        return [i for i, t in enumerate(texts) if len(t) <= MAX_LINE and search(t) is not None]
    out: list[int] = []
    for chunk in line_chunks.chunks(texts, how, text, where):
        joined, stop = chunk.text, chunk.stop
        line, at = chunk.line0, 0  # (the line holding `at`)
        pos = chunk.start
        while (m := search(joined, pos)) is not None and (hit := m.start()) < stop:
            line += joined.count("\n", at, hit)
            at = hit
            if len(texts[line]) <= MAX_LINE:
                out.append(line)
            pos = joined.find("\n", hit)  # (the next line's search starts at its newline)
            if pos < 0:
                break
    return out


def _window(n: int) -> tuple[int, int]:
    """The run of lines looked at (all, when fewer), and how many of it must be set."""
    window = min(_WINDOW, n)
    return window, -(-window * 2 // 5)


def _dense_spans(lines: list[int], window: int, need: int, n: int) -> list[tuple[int, int]]:
    """The [start, end) spans of the n lines covered by the runs of `window` lines
    (all within the n) that hold `need` of `lines` (ascending) or more, merged;
    [] when no run does. A run holds `need` of them exactly when it holds some
    `need` of them in a row: those no more than window - 1 apart, which every run
    from the window's reach back of the last of them to the first holds."""
    spans: list[tuple[int, int]] = []
    last = n - window  # the last run's first line
    for j in range(len(lines) - need + 1):
        first, nth = lines[j], lines[j + need - 1]
        if nth - first < window:
            lo, hi = max(0, nth - window + 1), min(first, last) + window
            if spans and lo <= spans[-1][1]:  # (lo grows with j: merged in order)
                spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
            else:
                spans.append((lo, hi))
    return spans


def _within(lines: list[int], spans: list[tuple[int, int]]) -> list[int]:
    """Of `lines` (ascending), those inside one of `spans` (ascending, apart)."""
    out: list[int] = []
    k = 0
    for x in lines:
        while k < len(spans) and spans[k][1] <= x:
            k += 1
        if k == len(spans):
            break
        if x >= spans[k][0]:
            out.append(x)
    return out


@cache
def _opener_regex() -> re.Pattern[str]:
    """How a report starts (`panic: `, `fatal error: `, `SIGQUIT: `), from the
    grammar's leads: each is one write, so it stands whole in the shuffle."""
    leads = line_grammar().leads
    alts = [leads[k] for k in ("panic", "fatal_error", "sigdump", "race_begin") if leads.get(k)]
    return rx.compile("|".join(f"(?:{a})" for a in alts))


def openers_run_together(text: str) -> bool:
    """True when two report openers stand with nothing between them (`panic: `
    + `panic: ` + `fatal error: `): processes crashing at once into one
    descriptor write theirs together, so the one-process test (one opener at
    a line start) passes while several processes' writes are mixed. A build
    log quoting `panic:` quotes it once a line, with text around it."""
    if _opener_after_colon().search(text) is None:
        return False  # the first of two openers ends in ": ", the second follows it
    last = -1
    for m in _opener_regex().finditer(text):
        if m.start() == last and m.group().endswith(": "):
            return True
        last = m.end() if m.group().endswith(": ") else -1
    return False


@cache
def _opener_after_colon() -> re.Pattern[str]:
    """An opener right after ": ": led by a literal, so `re` finds its
    candidates at memchr speed (the bare alternation tries every position)."""
    return rx.compile(": (?:" + _opener_regex().pattern + ")")


def process_budget(text: str) -> int:
    """How many processes the text holds at most: each opens its report once
    (a chained panic or a signal line may count twice: a little slack)."""
    return max(1, sum(1 for _ in _opener_regex().finditer(text)))
