"""Which cuts of a text can complete a fragment's head: an automaton of the grammar.

Most joins the splicer tries read as no line at all: a fragment's head run
into a text cut at a place no line of its kind could go on from. Which of a
text's cuts can complete a head is read off two runs of an automaton of
narrow()'s regex (splice_score.py), instead of one regex match per cut: the
text's suffixes once, right to left, and each head once, left to right. Only
the cuts where the two meet are matched with the regex (for the reading's
fields). The automaton accepts everything the regex does (look-behinds and
anchors are passed over), so it refuses only joins the regex would refuse too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from .. import rx
from ..grammar import unrolled_repeat
from ..sre import constants as _c
from .splice_score import narrow

__all__ = ["Joins", "joins"]

# A part of the automaton: its first positions, its last, and whether it may
# match nothing.
Part = tuple[set[int], set[int], bool]


class _Positions:
    """The Glushkov automaton of a regex: one position per character test in
    it, which positions may come first, last, and after each position."""

    def __init__(self, pattern: str) -> None:
        # (worked out once per machine: rx.derived keeps it beside the patterns'
        # code, under this module's source; 12-18 automata of 1 000-3 000
        # positions cost a log's run ~0.3 s of CPU to build. Read back as kept,
        # tuples, each test decoded when first asked: turning 12 of them into
        # sets and tests again took a run ~25 ms)
        tests, follow, before, first, last = rx.derived(_built, pattern, "stackdemux.grammar",
                                                        "stackdemux.sre")
        self.tests = _Tests(tests)
        self.first = frozenset(first)
        self.last = frozenset(last)
        self.follow: tuple[tuple[int, ...], ...] = follow
        self.frozen = follow  # (the name splice_ahead reads them by)
        self.before: tuple[tuple[int, ...], ...] = before
        self._memo: dict[tuple[int, str], bool] = {}

    def accepts(self, p: int, ch: str) -> bool:
        key = (p, ch)
        got = self._memo.get(key)
        if got is None:
            got = self._memo[key] = _accepts(self.tests[p], ch)
        return got


class _Tests:
    """The positions' tests, each led by its sre op (as re's parser leads it:
    splice_ahead reads a literal's character as `tests[p][0] is LITERAL`,
    `tests[p][1]`), decoded from the kept form when first asked."""

    def __init__(self, kept: tuple[Test, ...]) -> None:
        self._kept = kept
        self._got: list[Test | None] = [None] * len(kept)

    def __len__(self) -> int:
        return len(self._kept)

    def __getitem__(self, p: int) -> Test:
        got = self._got[p]
        if got is None:
            t = self._kept[p]
            got = self._got[p] = (_OPS[t[0]], *t[1:])
        return got


Ints = tuple[int, ...]


def _built(pattern: str) -> tuple[tuple[Test, ...], tuple[Ints, ...], tuple[Ints, ...],
                                  Ints, Ints]:
    """The automaton of `pattern`, as values marshal writes: each position's
    character test, the positions that may follow each, those each may follow,
    the first positions and the last."""
    from ..sre import parser as _parser

    b = _Builder()
    first, last, _ = b._seq(list(_parser.parse(pattern)))
    before: list[set[int]] = [set() for _ in b.tests]
    for p, qs in enumerate(b.follow):
        for q in qs:
            before[q].add(p)
    return (tuple(b.tests), tuple(tuple(sorted(f)) for f in b.follow),
            tuple(tuple(sorted(x)) for x in before), tuple(sorted(first)), tuple(sorted(last)))


# A position's character test, as kept: ("=", code) a character, ("!", code)
# any other, (".", all) any but a newline (all: any), or ("[", negate, ranges,
# categories, unread) a class (unread: it holds a test not read here, so it
# takes anything: more, never less). _Positions leads each by its sre op instead.
Test = tuple
_OPS = {"=": _c.LITERAL, "!": _c.NOT_LITERAL, ".": _c.ANY, "[": _c.IN}


def _test(node: tuple) -> Test:
    """An sre node's character test, encoded."""
    from ..sre import constants as c

    op, av = node
    if op is c.LITERAL:
        return ("=", av)
    if op is c.NOT_LITERAL:
        return ("!", av)
    if op is c.ANY:
        return (".", av == "all")
    negate = False
    ranges: list[tuple[int, int]] = []
    categories: list[str] = []
    unread = False
    for iop, iav in av:
        if iop is c.NEGATE:
            negate = True
        elif iop is c.LITERAL:
            ranges.append((iav, iav))
        elif iop is c.RANGE:
            ranges.append((iav[0], iav[1]))
        elif iop is c.CATEGORY:
            categories.append(str(iav))
        else:
            unread = True
    return ("[", negate, tuple(ranges), tuple(categories), unread)


class _Builder:
    """Builds the Glushkov automaton of a regex: one position per character
    test in it, and the positions that may follow each."""

    def __init__(self) -> None:
        self.tests: list[Test] = []
        self.follow: list[set[int]] = []

    def _new(self, test: tuple) -> Part:
        self.tests.append(_test(test))
        self.follow.append(set())
        p = len(self.tests) - 1
        return {p}, {p}, False

    def _seq(self, items: list) -> Part:
        return self._chain(self._node(op, av) for op, av in items)

    def _chain(self, parts: Iterable[Part]) -> Part:
        """Parts one after the other (each built as the one before is
        chained): a part's first positions follow the last positions before
        it, back past any part that may match nothing."""
        first: set[int] = set()
        last: set[int] = set()
        nullable = True
        for fs, ls, n in parts:
            for p in last:
                self.follow[p] |= fs
            if nullable:
                first |= fs
            last = (last | ls) if n else ls
            nullable = nullable and n
        return first, last, nullable

    def _node(self, op: object, av: object) -> Part:
        from ..sre import constants as c

        if op in (c.LITERAL, c.NOT_LITERAL, c.IN, c.ANY):
            return self._new((op, av))
        if op is c.SUBPATTERN:
            return self._seq(list(av[-1]))
        if op is c.BRANCH:
            first: set[int] = set()
            last: set[int] = set()
            nullable = False
            for alt in av[1]:
                fs, ls, n = self._seq(list(alt))
                first |= fs
                last |= ls
                nullable = nullable or n
            return first, last, nullable
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = av
            # `{1,1024}`: as `+`, not 1 024 copies whose follow sets grow with its square
            lo, hi = unrolled_repeat(lo, hi, c.MAXREPEAT)
            parts = [(list(sub), False)] * lo
            if hi is c.MAXREPEAT:
                parts.append((list(sub), True))
            else:
                parts += [(list(sub), None)] * (hi - lo)
            return self._repeat(parts)
        if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
            return set(), set(), True  # passed over: the automaton may accept more, never less
        # anything else: any text at all (again more, never less)
        fs, ls, _ = self._new((c.ANY, "all"))
        (p,) = fs
        self.follow[p].add(p)
        return fs, ls, True

    def _repeat(self, parts: list[tuple[list, bool | None]]) -> Part:
        """A sequence of copies of a regex: each required (False), optional
        (None: `{0,n}`'s optional copies, each only after the one before) or
        repeated any number of times (True)."""
        return self._chain(self._copy(items, kind) for items, kind in parts)

    def _copy(self, items: list, kind: bool | None) -> Part:
        fs, ls, n = self._seq(items)
        if kind is True:
            for p in ls:
                self.follow[p] |= fs
        return fs, ls, n or kind is not False


_CATEGORIES: dict[str, re.Pattern[str]] = {}


def _accepts(test: Test, ch: str) -> bool:
    """Whether a position's test (led by its sre op) takes one character, as re does."""
    op = test[0]
    if op is _c.LITERAL:
        return ord(ch) == test[1]
    if op is _c.NOT_LITERAL:
        return ord(ch) != test[1]
    if op is _c.ANY:
        return test[1] or ch != "\n"
    _, negate, ranges, categories, unread = test
    if unread:
        return True
    o = ord(ch)
    hit = any(lo <= o <= hi for lo, hi in ranges)
    for name in categories:
        if hit:
            break
        cat = _CATEGORIES.get(name)
        if cat is None:
            cat = _CATEGORIES[name] = re.compile(_CATEGORY_SOURCES.get(name, "(?s:.)"))
        hit = cat.fullmatch(ch) is not None
    return hit != negate


_CATEGORY_SOURCES = {"CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D",
                     "CATEGORY_SPACE": r"\s", "CATEGORY_NOT_SPACE": r"\S",
                     "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W"}


class Joins:
    """Which texts head + rest the regex narrow(first) can match, decided by
    the automaton's states: the head's after it is read left to right, the
    rest's after it is read right to left (lazily built: a state is a set of
    positions, each step is worked out once and then looked up)."""

    def __init__(self, first: str) -> None:
        self.auto = _Positions(narrow(first).pattern)
        self._ids: dict[frozenset[int], int] = {}
        self._sets: list[frozenset[int]] = []
        # each state's steps, by the character read (a list by state: a look-up
        # a character, no key tuple made; rests() and states() read every
        # character of the lines they are asked)
        self._fwd: list[dict[str, int]] = []
        self._back: list[dict[str, tuple[int, int]]] = []
        self._meet: dict[tuple[int, int], bool] = {}
        self.start = self._id(self.auto.first)
        self.end = self._id(self.auto.last)
        self.dead = self._id(frozenset())

    def _id(self, s: frozenset[int]) -> int:
        got = self._ids.get(s)
        if got is None:
            got = self._ids[s] = len(self._sets)
            self._sets.append(s)
            self._fwd.append({})
            self._back.append({})
        return got

    def head(self, text: str) -> int:
        """The state after text read from the start: the positions that may
        take the next character (dead: no line of these kinds starts so)."""
        return self._read(text)[0]

    def states(self, text: str) -> list[int]:
        """For each cut a of text, the state after text[:a] (dead from where
        the automaton died on): one pass for every head a line's cuts leave."""
        s, fwd, dead = self.start, self._fwd, self.dead
        out = [s]
        row = fwd[s]
        for ch in text:
            nxt = row.get(ch)
            if nxt is None:
                nxt = self._step(s, ch)
            s = nxt
            out.append(s)
            if s == dead:
                break
            row = fwd[s]
        out += [dead] * (len(text) + 1 - len(out))
        return out

    def starts(self, text: str) -> list[bool]:
        """For each cut a of text, whether a line of these kinds may start as text[:a]."""
        alive = self._read(text)[1]
        return [True] * (alive + 1) + [False] * (len(text) - alive)

    def _read(self, text: str) -> tuple[int, int]:
        """The state after text read from the start, and how many of its
        characters were read before the state went dead (all: it did not)."""
        s, fwd, dead = self.start, self._fwd, self.dead
        alive = 0
        row = fwd[s]
        for ch in text:
            nxt = row.get(ch)
            if nxt is None:
                nxt = self._step(s, ch)
            s = nxt
            if s == dead:
                break
            alive += 1
            row = fwd[s]
        return s, alive

    def _step(self, s: int, ch: str) -> int:
        auto = self.auto
        got: set[int] = set()
        for p in self._sets[s]:
            if auto.accepts(p, ch):
                got.update(auto.follow[p])
        nxt = self._id(frozenset(got))
        self._fwd[s][ch] = nxt
        return nxt

    def rests(self, text: str, lo: int = 0) -> list[int]:
        """For each cut c of text (from lo), the state of text[c:] read from
        its end: the positions that may take its first character, with the
        rest reading to a line's end. Dead below the first cut that can rest."""
        n = len(text)
        out = [self.dead] * (n - lo)
        cand, back, dead = self.end, self._back, self.dead
        row = back[cand]
        for c in range(n - 1, lo - 1, -1):
            ch = text[c]
            got = row.get(ch)
            if got is None:
                got = self._step_back(cand, ch)
            took_id, cand = got
            if took_id == dead:
                break
            out[c - lo] = took_id
            row = back[cand]
        return out

    def _step_back(self, cand: int, ch: str) -> tuple[int, int]:
        auto = self.auto
        took = frozenset(p for p in self._sets[cand] if auto.accepts(p, ch))
        before: set[int] = set()
        for p in took:
            before.update(auto.before[p])
        got = (self._id(took), self._id(frozenset(before)))
        self._back[cand][ch] = got
        return got

    def state_of(self, positions: Iterable[int]) -> int:
        """The state of the positions that may take the next character."""
        return self._id(frozenset(positions))

    def reads_on(self, s: int, text: str, start: int) -> bool:
        """Whether the automaton in state s reads text[start:] to its end,
        where a line may end (an empty text: it may)."""
        fwd, dead = self._fwd, self.dead
        n = len(text)
        for k in range(start, n - 1):
            if s == dead:
                return False
            ch = text[k]
            nxt = fwd[s].get(ch)
            s = nxt if nxt is not None else self._step(s, ch)
        if start >= n:
            return True
        # the last character: taken by a position a line may end at
        auto, ch = self.auto, text[-1]
        return any(p in auto.last and auto.accepts(p, ch) for p in self._sets[s])

    def positions(self, state: int) -> frozenset[int]:
        """The automaton's positions a state stands for."""
        return self._sets[state]

    def meet(self, head: int, rest: int) -> bool:
        """Whether a head's state and a rest's can be one match."""
        key = (head, rest)
        got = self._meet.get(key)
        if got is None:
            got = self._meet[key] = not self._sets[head].isdisjoint(self._sets[rest])
        return got


@cache
def joins(first: str) -> Joins:
    """The automaton of narrow(first)'s regex (built on first use)."""
    return Joins(first)
