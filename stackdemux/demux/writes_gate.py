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
from itertools import accumulate

from .. import rx
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


def looks_write_interleaved(texts: Sequence[str]) -> bool:
    """True when some run of 64 lines is mostly traceback lines broken apart:
    whole lines interleave (lines, chunks) and leave them whole; writes do not.
    The lines that hold a traceback value are found first (the broken lines
    are among them), and the grammar's readings are asked only in the runs
    where they alone are as many as that: in 8 services' log, 541 of the 2 777
    lines that hold one, the rest a service's own lines scattered among others."""
    search = _TRACE_TOKEN.search
    held = [len(t) <= MAX_LINE and search(t) is not None for t in texts]
    dense = _dense_runs(held)
    if dense is None:
        return False
    return _mostly([h and d and _unread(t) for h, d, t in zip(held, dense, texts, strict=True)])


def _window(n: int) -> tuple[int, int]:
    """The run of lines looked at (all, when fewer), and how many of it must be set."""
    window = min(_WINDOW, n)
    return window, -(-window * 2 // 5)


def _dense_runs(flags: list[bool]) -> list[bool] | None:
    """For each line, whether a run of lines around it passes _mostly's test
    (None: no run does). A set line outside all of them is in no run that can."""
    n = len(flags)
    if sum(flags) < 12:
        return None
    window, need = _window(n)
    cover = [0] * (n + 1)
    run = sum(flags[:window])
    found = False
    for s in range(n - window + 1):
        if s:
            run += flags[s + window - 1] - flags[s - 1]
        if run >= need:
            cover[s] += 1
            cover[s + window] -= 1
            found = True
    if not found:
        return None
    return [c > 0 for c in accumulate(cover[:n])]


def _mostly(flags: list[bool]) -> bool:
    """At least 12 set, and 2 of 5 in some run of 64 (of all, when fewer)."""
    if sum(flags) < 12:
        return False
    window, need = _window(len(flags))
    run = sum(flags[:window])
    best = run
    for i in range(window, len(flags)):
        run += flags[i] - flags[i - window]
        best = max(best, run)
    return best >= need


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
