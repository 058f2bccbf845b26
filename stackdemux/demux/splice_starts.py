"""Where a traceback line may start inside a text: the cut finder's candidates.

A read() chunk that ends mid-line leaves the next chunk (another process's)
on the same input line; that chunk starts with a traceback line of its own
more often than not, led by a literal the grammar gives (`goroutine `,
`panic: `, a tab, `created by `...). Only texts where such a lead shows
inside are tried for cuts while nothing is open (splice.py's cost note).
"""

from __future__ import annotations

import re
from functools import cache

from ..firstchars import quick_alternation
from ..grammar import line_grammar

__all__ = ["free_after", "inner_start", "line_leads"]


@cache
def line_leads() -> re.Pattern[str]:
    """Where a traceback line of a kind with a specific lead (`goroutine `,
    `panic: `, a tab, `created by `...) may start inside a text: the leads of
    traceback.lark's kinds. Kinds whose lead is any word (a call line) are
    left out: a fresh call line right after a cut is the rare case; so is a
    runtime error's text alone (bare_value), which Go prints only after `panic: `
    on its own line: inside `panic: runtime error: …` it is no cut's start."""
    g = line_grammar()
    leads = []
    for kind in g.kinds_in_order:
        lead = g.leads.get(kind)
        if lead and kind not in ("frame_call", "register", "race_access", "bare_value"):
            leads.append(lead)
    # (ordered so that re turns a position away quickly: the same positions, in
    # half the time over ordinary log lines, where every line is searched)
    return re.compile("(?=" + quick_alternation(leads) + ")")


def free_after(t: str) -> int:
    """Where the rests of t that may end a free text (a panic's message) start:
    past the last place a traceback line may start in t, and past its last tab
    (Go prints a message's own line breaks as `\n\t`: one line of it has none)."""
    last = t.rfind("\t")
    for s in line_leads().finditer(t):
        last = max(last, s.start())
    return last + 1


def _free_from(m: re.Match[str] | None) -> int:
    """Where a reading's fields start (past its own lead: `\tpanic: `); 0 for none."""
    if m is None:
        return 0
    groups = line_grammar().kinds[m.lastgroup].fields.values()
    return min((m.start(g) for g in groups if m.start(g) >= 0), default=len(m.string))


def inner_start(t: str, m: re.Match[str] | None) -> bool:
    """A traceback line's start shows inside t (past a lenient reading's own lead)."""
    return line_leads().search(t, _free_from(m) + 1) is not None
