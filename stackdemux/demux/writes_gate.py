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

from .. import rx
from ..grammar import MAX_LINE, line_grammar

__all__ = ["is_broken", "looks_write_interleaved", "openers_run_together", "process_budget"]

# A value the runtime prints inside a traceback line: a line holding one that
# is not a line of the grammar was cut and glued by someone's write().
_TRACE_TOKEN = rx.compile(r"0x[0-9a-f]|\.go\b|goroutine \d|\w\(")
_WINDOW = 64


def is_broken(line: str) -> bool:
    """A line holding a traceback value that is no line of the grammar."""
    if len(line) > MAX_LINE or not line:
        return False
    if _TRACE_TOKEN.search(line) is None:
        return False  # (asked first: most log lines hold no such value, and read no grammar)
    m = line_grammar().match(line)
    return m is None or m.lastgroup == "indented"


def looks_write_interleaved(texts: Sequence[str]) -> bool:
    """True when some run of 64 lines is mostly traceback lines broken apart:
    whole lines interleave (lines, chunks) and leave them whole; writes do not."""
    broken = [is_broken(t) for t in texts]
    if sum(broken) < 12:
        return False
    window = min(_WINDOW, len(texts))
    run = sum(broken[:window])
    best = run
    for i in range(window, len(texts)):
        run += broken[i] - broken[i - window]
        best = max(best, run)
    return best * 5 >= window * 2


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
