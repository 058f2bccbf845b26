"""Whether anything can finish a fragment before the splicer gives it up.

A head cut out of an ordinary log line before a lead inside it (pytest's
`=====… short test s` before `==================`, a decoy's
`2026/11/25 19:21:32 ` before `panic: false, …`) waits MAX_AGE lines for a
rest, and while it waits the search keeps a hypothesis that holds it, so
every line after it is expanded under two readings or more (8 unprefixed
services: 12 466 of 13 840 lines). Most such heads can never be finished:
no line of the grammar's kinds starts as the head (the join automaton is
dead after it), or it does but no text within the fragment's reach ends it.
`Ahead` tells, looking ahead, whether one can: the lines a fragment may take
a rest from until the search gives it up (splice_search._retire), each
tried as the join automaton and then the regex try a rest (splice_weigh.
joins_of, without its finer refusals: it may say yes where joins_of says
no, never the reverse). A fragment that is no whole line either (a line
break cannot finish it) is doomed.

Not looked ahead for: a fragment grown by a middle chunk of a third
process's (splice_weigh.grown), which needs a rest of another fragment's in
that line read with a name printed exactly.

Cost: each line is read once per distinct head looked ahead from (a head
that repeats, a decoy logged again and again, shares its scan), and the
scans together read at most AHEAD_PER_LINE lines per line of the stream
besides AHEAD_START: past that budget a fragment is held open as before (a
log of distinct heads pays nothing more than it did). Where a fragment's
reach ends is found by reading past MAX_AGE to a line the search would give
it up at, which the budget does not count: fragments asked for one after
another share that reading (reach), so it reads each line about once.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence

from .splice_fragments import MAX_AGE, MAX_CUTS
from .splice_joins import Joins
from .splice_score import LENIENT, MAX_SPLICED, narrow
from .splice_starts import lines_holding

__all__ = ["Ahead", "holds_needle", "holds_rest_path", "needles"]

AHEAD_PER_LINE = 4  # lines looked ahead, per line of the stream, for all heads
AHEAD_START = 2 * MAX_AGE  # ... and this many besides (a first head's whole reach)
SCAN = 512  # lines searched for a head's needles at once


class Ahead:
    """Looks ahead in one stream for the rests of fragments' heads."""

    def __init__(self, texts: Sequence[str], matches: Sequence[re.Match[str] | None],
                 pieces: dict, whole: Callable[[re.Match[str]], bool]) -> None:
        self.texts, self.matches, self.pieces = texts, matches, pieces
        self.whole = whole  # Weigher.whole: a line read whole that surely is one process's
        # head → [first line scanned, last line scanned, lines found a rest in]
        self._scans: dict[str, list] = {}
        self._rests: dict[tuple[int, int], dict[int, list[int]]] = {}  # (line, automaton)
        self._spent = 0
        self._needle_memo: dict[tuple[int, int], tuple[str, ...] | None] = {}
        self._reached = (0, -1)  # (the last reach scan's first line, the line it stopped at)
        self.read = 0  # lines the reach scans read (a work counter, for the tests)

    def reach(self, i: int) -> int:
        """The last line a fragment opened at line i may take a rest from: the
        search gives it up at the first line past MAX_AGE that it expands or
        that is blank (one read whole passes it by), after that line's reading.

        Every start between the last scan's start and the line it stopped at
        stops there too: fragments opened one after another before a long run
        of lines read whole (a dump pasted without its blank lines) read the
        run once, not once each (the search asks in line order)."""
        start = i + MAX_AGE + 1
        began, stop = self._reached
        if began <= start <= stop:
            return stop
        texts, matches, pieces = self.texts, self.matches, self.pieces
        j = start
        while j < len(texts):
            t, m = texts[j], matches[j]
            self.read += 1
            if j not in pieces and (not t or (len(t) <= MAX_SPLICED and (
                    m is None or m.lastgroup in LENIENT))):
                break
            j += 1
        else:
            j = len(texts) - 1
        self._reached = start, j
        return j

    def may_rest(self, auto: Joins, state: int, head: str, i: int) -> bool:
        """Whether a text of a line after line i, within the reach of a fragment
        opened there, may complete head (auto's state after it: state)."""
        lo, hi = i + 1, self.reach(i)
        self._forget(lo)
        scan = self._scans.get(head)
        if scan is None or scan[0] > lo or scan[1] < lo - 1:
            scan = self._scans[head] = [lo, lo - 1, []]
        hits = scan[2]
        k = bisect_left(hits, lo)
        if k < len(hits) and hits[k] <= hi:
            return True
        j = scan[1] + 1
        budget = AHEAD_START + AHEAD_PER_LINE * i - self._spent
        if hi - j + 1 > budget:
            return True  # (the budget spent: held open, as it would be without looking)
        self._spent += max(0, hi - j + 1)
        needles = self._needles(auto, state)
        while j <= hi:
            # (the lines that hold a needle, found SCAN lines at a time: most
            # hold none, and each is then asked nothing at all)
            end = min(hi + 1, j + SCAN)
            for k in range(j, end) if needles is None else lines_holding(self.texts, j, end,
                                                                           needles):
                if self._rest_in(auto, state, head, k):
                    hits.append(k)
                    scan[1] = k
                    return True
            j = end
        scan[1] = max(scan[1], hi)
        return False

    def _forget(self, lo: int) -> None:
        """Drop the rests of lines before lo: the search has passed them, and
        every later fragment looks ahead from past them (kept in the order
        the scans read them: each scan reads forward)."""
        rests = self._rests
        while rests:
            key = next(iter(rests))
            if key[0] >= lo:
                break
            del rests[key]

    def _needles(self, auto: Joins, state: int) -> tuple[str, ...] | None:
        """Texts one of which every rest that completes a head in `state`
        holds (None: none found): each path of the automaton from the state
        to a line's end passes a literal position, and goes on from it along
        literal positions (`http: panic serving ` or `http2: panic serving `
        after a log stamp, `.go:` of a file's name). Once per state."""
        key = (id(auto), state)
        if key in self._needle_memo:
            return self._needle_memo[key]
        got = self._needle_memo[key] = _needles(auto, state)
        return got

    def _rest_in(self, auto: Joins, state: int, head: str, j: int) -> bool:
        """Whether head + a text of line j's end reads as a line (joins_of's
        cuts, before its refusals)."""
        t = self.texts[j]
        if not t or j in self.pieces or len(t) > MAX_SPLICED:
            return False
        if not holds_rest_path(auto, state, t):
            # (asked before the line's reading: most lines end here. A needle
            # alone let through ~9 % of 8 services' lines, each holding a `[`
            # that a log stamp's head may go on with: `[running]:`, `[100%]`)
            return False
        m = self.matches[j]
        if m is not None and m.lastgroup not in LENIENT and self.whole(m):
            # A line read whole as it stands gives no rest (splice_search.run):
            # asked before its rests are read off the automaton and matched,
            # not after (`.go:` of a log stamp's head let the log package's
            # `… main.go:39: http: panic serving …` lines through: 175 of 8
            # services' 2 MB lines merged by read() chunks, ~40 µs each, none
            # a rest). (whole() learns the stream's names, as a reading does:
            # a search that asks ahead has read a head already.)
            return False
        lo = max(0, len(head) + len(t) - MAX_SPLICED)
        n = min(len(t), MAX_CUTS)
        key = (j, id(auto))
        rests = self._rests.get(key)
        if rests is None:
            if len(self._rests) >= 4 * MAX_AGE:
                self._rests.clear()
            rests = self._rests[key] = {}
            for c, rest in enumerate(auto.rests(t)):
                if rest != auto.dead:
                    rests.setdefault(rest, []).append(c)
        fullmatch, meet = narrow(head[0]).fullmatch, auto.meet
        for rest, cuts in rests.items():
            if meet(state, rest):
                for c in cuts:
                    if lo <= c < n and fullmatch(head + t[c:]) is not None:
                        return True
        return False


def needles(auto: Joins, state: int) -> tuple[str, ...] | None:
    """Texts one of which every rest that completes a head in `state` holds
    (None: none found): see Ahead._needles. Once per automaton and state."""
    key = (auto, state)
    got = _NEEDLE_MEMO.get(key, False)
    if got is False:
        got = _NEEDLE_MEMO[key] = _needles(auto, state)
    return got


_NEEDLE_MEMO: dict[tuple[Joins, int], tuple[str, ...] | None] = {}


def holds_needle(auto: Joins, state: int, t: str) -> bool:
    """Whether text t may hold a rest that completes a head in `state`: it
    holds one of needles(auto, state), or none is known."""
    got = needles(auto, state)
    return got is None or any(x in t for x in got)


def holds_rest_path(auto: Joins, state: int, t: str) -> bool:
    """Whether text t may hold a rest that completes a head in `state`: it
    holds one of needles(auto, state) where the automaton, past the needle,
    reads on to a line's end (or no needle is known). A rest passes a needle
    so; the automaton takes all the regex takes, so this never says no where
    a rest reads (it may say yes where none does: the text before the
    needle is not read)."""
    key = (auto, state)
    paths = _PATH_MEMO.get(key, False)
    if paths is False:
        paths = _PATH_MEMO[key] = _paths(auto, state)
    if paths is None:
        return True
    for needle, after in paths:
        at = t.find(needle)
        while at >= 0:
            if auto.reads_on(after, t, at + len(needle)):
                return True
            at = t.find(needle, at + 1)
    return False


_PATH_MEMO: dict[tuple[Joins, int], tuple[tuple[str, int], ...] | None] = {}


def _paths(auto: Joins, state: int) -> tuple[tuple[str, int], ...] | None:
    """Each of needles(auto, state) with the automaton's state past it: the
    positions that may take the character after it on a path that passes it."""
    got = _ends(auto, state)
    if got is None:
        return None
    follow = auto.auto.frozen
    return tuple(sorted((x, auto.state_of(q for p in ends for q in follow[p]))
                        for x, ends in got.items()))


NEEDLES = 8  # texts looked for at most, for one literal position a path passes
NEEDLE_LEN = 24  # characters of one at most


def _needles(auto: Joins, state: int) -> tuple[str, ...] | None:
    """See Ahead._needles."""
    got = _ends(auto, state)
    return None if got is None else tuple(sorted(got))


def _ends(auto: Joins, state: int) -> dict[str, set[int]] | None:
    """The needles of a state (see Ahead._needles), each with the positions
    its paths take its last character at."""
    from ..sre import constants as c

    pos = auto.auto
    tests, follow, last = pos.tests, pos.frozen, pos.last

    def literal(p: int) -> bool:
        return tests[p][0] is c.LITERAL  # type: ignore[index]

    # the first literal position of every path (none: a path without one ends a line)
    seen: set[int] = set()
    todo = list(auto.positions(state))
    firsts: set[int] = set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        if literal(p):
            firsts.add(p)
        elif p in last:
            return None
        else:
            todo.extend(follow[p])
    out: dict[str, set[int]] = {}
    for x in firsts:
        for s, p in _runs(x, tests, follow, last, literal):
            out.setdefault(s, set()).add(p)
    return out or None


def _runs(x: int, tests: list, follow: list, last: frozenset[int],
          literal: Callable[[int], bool]) -> list[tuple[str, int]]:
    """The literal texts a path goes through from position x on: up to a
    position that is no literal or may end the line (few of them, or the
    text all of them start with), each with the position of its last
    character."""
    done: list[tuple[str, int]] = []
    stack = [(x, chr(tests[x][1]))]
    while stack:
        p, s = stack.pop()
        nxt = follow[p]
        if p in last or len(s) >= NEEDLE_LEN or not nxt or not all(literal(q) for q in nxt):
            done.append((s, p))
        else:
            stack.extend((q, s + chr(tests[q][1])) for q in nxt)
        if len(done) + len(stack) > NEEDLES:
            # too many: the text every one of them starts with
            s, p = chr(tests[x][1]), x
            while p not in last and len(follow[p]) == 1 and len(s) < NEEDLE_LEN:
                (q,) = follow[p]
                if not literal(q):
                    break
                p = q
                s += chr(tests[p][1])
            return [(s, p)]
    return done
