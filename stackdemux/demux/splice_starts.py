"""Where a traceback line may start inside a text: the cut finder's candidates.

A read() chunk that ends mid-line leaves the next chunk (another process's)
on the same input line; that chunk starts with a traceback line of its own
more often than not, led by a literal the grammar gives (`goroutine `,
`panic: `, a tab, `created by `...). Only texts where such a lead shows
inside are tried for cuts while nothing is open (splice.py's cost note).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import cache
from itertools import accumulate

from .. import rx
from ..firstchars import (
    first_chars,
    led_by_literal,
    literal_text,
    quick_alternation,
    required_literals,
)
from ..grammar import line_grammar

__all__ = ["LeadLines", "free_after", "inner_start", "lead_lines", "lead_search", "line_leads",
           "lines_holding"]


def _lead_sources() -> list[str]:
    """The leads of traceback.lark's kinds a cut may start (see line_leads)."""
    g = line_grammar()
    leads = []
    for kind in g.kinds_in_order:
        lead = g.leads.get(kind)
        if lead and kind not in ("frame_call", "register", "race_access", "bare_value"):
            leads.append(lead)
    return leads


@cache
def line_leads() -> re.Pattern[str]:
    """Where a traceback line of a kind with a specific lead (`goroutine `,
    `panic: `, a tab, `created by `...) may start inside a text: the leads of
    traceback.lark's kinds. Kinds whose lead is any word (a call line) are
    left out: a fresh call line right after a cut is the rare case; so is a
    runtime error's text alone (bare_value), which Go prints only after `panic: `
    on its own line: inside `panic: runtime error: …` it is no cut's start."""
    # (ordered so that re turns a position away quickly: the same positions, in
    # half the time over ordinary log lines, where every line is searched)
    return _at_leads(quick_alternation(_lead_sources()))


def _at_leads(alternation: str) -> re.Pattern[str]:
    """A zero-width match at each place one of the alternatives matches. Led
    by a class of their first characters where one is known: re then skips
    the other places in C instead of trying the alternatives at each (the
    lookbehind steps back over the character the class took)."""
    first = first_chars(alternation)
    if first is None:
        return rx.compile("(?=" + alternation + ")")
    return rx.compile(first + r"(?<=(?=" + alternation + r")[\s\S])")


@cache
def _quick() -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """line_leads() without the leads that start with no literal (a log stamp
    or other optional parts before `http: panic serving `, `SIG…`): most of its
    cost on ordinary log lines, where every digit may start a stamp. With it,
    the texts one of which each such lead holds (firstchars.required_literals).
    None when some lead holds no text known."""
    quick, slow = [], []
    for lead in _lead_sources():
        (quick if led_by_literal(lead) else slow).append(lead)
    needles: set[str] = set()
    for lead in slow:
        got = required_literals(lead)
        if got is None:
            return None
        needles |= got
    if not needles:
        return None
    return (_at_leads(quick_alternation(quick)),
            rx.compile("|".join(re.escape(n) for n in sorted(needles))))


def lead_search(t: str, pos: int = 0, endpos: int | None = None) -> re.Pattern[str]:
    """line_leads(), or a pattern that finds the same places in t[pos:endpos]
    in a fraction of the time: the leads led by a literal alone, where no text
    that each other lead holds shows there (so none of them can match there)."""
    quick = _quick()
    if quick is None:
        return line_leads()
    end = len(t) if endpos is None else endpos
    return line_leads() if quick[1].search(t, pos, end) is not None else quick[0]


@cache
def _lead_texts() -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The texts one of which each lead's match holds (required_literals),
    the fewest: those that are a whole lead themselves (`\t`, two blanks,
    `panic: `: where one shows past a text's first character, a line may
    start), and the others (where one shows, one may). None when some lead
    holds no text known."""
    exact: set[str] = set()
    other: set[str] = set()
    for lead in _lead_sources():
        text = literal_text(lead)
        if text is not None:
            exact.add(text)
            continue
        got = required_literals(lead)
        if got is None:
            return None
        other |= got

    def fewest(texts: set[str]) -> tuple[str, ...]:  # (a text that holds another adds nothing)
        return tuple(sorted(x for x in texts if not any(y != x and y in x for y in texts)))

    # (nor one that holds a whole lead past its first character: `--- FAIL: `)
    return fewest(exact), fewest({x for x in other if not any(y in x[1:] for y in exact)})


def lead_lines(texts: Sequence[str], lo: int, hi: int) -> list[int]:
    """The lines of texts[lo:hi] where a traceback line may start past the
    first character (lead_search(t, 1) finds a place), in order. Found by a
    search of each lead's text through the lines joined (str.find's speed),
    not by the leads' regex over every line: where every blank and every
    `e` of a log's words may begin a lead, that regex costs ~25 ns a
    character. A line where only a text of a lead led by optional parts
    shows is asked as before."""
    got = _lead_texts()
    block = texts[lo:hi]
    if got is None:
        return [lo + k for k, t in enumerate(block) if t and lead_search(t, 1).search(t, 1)]
    exact, other = got
    joined = "\n".join(block)
    starts = [0, *accumulate(len(t) + 1 for t in block)]
    sure: set[int] = set()
    for text in exact:
        _lines_holding(joined, text, starts, sure, 1)
    maybe: set[int] = set()
    for text in other:
        _lines_holding(joined, text, starts, maybe, 0)
    for k in maybe - sure:
        t = block[k]
        if lead_search(t, 1).search(t, 1) is not None:
            sure.add(k)
    return [lo + k for k in sorted(sure)]


def lines_holding(texts: Sequence[str], lo: int, hi: int, needles: Sequence[str]) -> list[int]:
    """The lines of texts[lo:hi] that hold one of the needles, in order (one
    search of each through the lines joined)."""
    block = texts[lo:hi]
    joined = "\n".join(block)
    starts = [0, *accumulate(len(t) + 1 for t in block)]
    got: set[int] = set()
    for needle in needles:
        _lines_holding(joined, needle, starts, got, 0)
    return [lo + k for k in sorted(got)]


class LeadLines:
    """lead_lines() of a stream's texts, worked out BLOCK lines at a time as
    a search going forward asks for them (a search with fragments open most
    of the time asks for few)."""

    BLOCK = 4096

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts
        self._lo = self._hi = 0  # the block worked out
        self._lines: list[int] = []

    def next(self, i: int) -> int:
        """The first line at or after line i where a traceback line may start
        past the first character (len(texts): none)."""
        n = len(self.texts)
        while i < n:
            if self._lo <= i < self._hi:
                k = bisect_left(self._lines, i)
                if k < len(self._lines):
                    return self._lines[k]
                i = self._hi
                continue
            self._lo, self._hi = i, min(n, i + self.BLOCK)
            self._lines = lead_lines(self.texts, self._lo, self._hi)
        return n


def _lines_holding(joined: str, text: str, starts: list[int], out: set[int], past: int) -> None:
    """Add to out each line (by its start in joined) where text shows `past`
    characters or more after the line's start: one search a line at most."""
    find = joined.find
    at = find(text)
    while at >= 0:
        k = bisect_right(starts, at) - 1
        if at - starts[k] >= past:
            out.add(k)
            at = find(text, starts[k + 1])
        else:
            at = find(text, at + 1)


def free_after(t: str) -> int:
    """Where the rests of t that may end a free text (a panic's message) start:
    past the last place a traceback line may start in t, and past its last tab
    (Go prints a message's own line breaks as `\n\t`: one line of it has none)."""
    last = t.rfind("\t")
    for s in lead_search(t).finditer(t):
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
    pos = _free_from(m) + 1
    return lead_search(t, pos).search(t, pos) is not None
