"""The characters a regex's match can begin with, as a character class.

A bulk search for `\\n(?:lead1|lead2|…)` over a 1 GB log tries every
alternative at every newline; a lookahead `\\n(?=[first chars])` rejects most
lines with one class test, which runs the search two to three times faster.
The class is computed from the regex itself (its parse by the `re` module),
so it follows the grammar the leads are derived from.
"""

from __future__ import annotations

from . import rx
from .sre import constants as _c
from .sre import parser as _p

_Firsts = tuple[frozenset[int] | None, bool]  # (chars, or None for any; can match empty)


def first_chars(pattern: str) -> str | None:
    """A character class (`[…]`) holding every character a match of `pattern`
    can begin with, or None when that is any character (or not known). Worked
    out once per machine (rx.derived): the parse of a grammar's kind costs ~0.15 ms."""
    return rx.derived(_first_chars, pattern)


def _first_chars(pattern: str) -> str | None:
    try:
        parsed = _p.parse(pattern)
        if parsed.state.flags & _c.SRE_FLAG_IGNORECASE:
            return None
        chars, nullable = _seq(parsed)
    except Exception:  # an unexpected parse tree only costs the speed-up
        return None
    if chars is None or nullable or not chars or max(chars) > 0x7F:
        return None
    return "[" + "".join(_escape(c) for c in sorted(chars)) + "]"


def _escape(c: int) -> str:
    return f"\\x{c:02x}"


def _seq(items) -> _Firsts:
    out: set[int] = set()
    for op, av in items:
        chars, nullable = _item(op, av)
        if chars is None:
            return None, False
        out |= chars
        if not nullable:
            return frozenset(out), False
    return frozenset(out), True


def _item(op, av) -> _Firsts:
    if op is _c.LITERAL:
        return frozenset({av}), False
    if op is _c.IN:
        chars: set[int] = set()
        for kind, arg in av:
            if kind is _c.LITERAL:
                chars.add(arg)
            elif kind is _c.RANGE:
                chars.update(range(arg[0], arg[1] + 1))
            else:  # NEGATE, CATEGORY (\d, \w …): not worth enumerating
                return None, False
        return frozenset(chars), False
    if op is _c.BRANCH:
        out: set[int] = set()
        empty = False
        for alternative in av[1]:
            chars_, nullable = _seq(alternative)
            if chars_ is None:
                return None, False
            out |= chars_
            empty = empty or nullable
        return frozenset(out), empty
    if op is _c.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        if add_flags:  # (?i) and friends change what a literal matches
            return None, False
        return _seq(sub)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        low, _high, sub = av
        chars_, nullable = _seq(sub)
        return chars_, nullable or low == 0
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return frozenset(), True  # zero width: the next item decides
    return None, False  # ANY, NOT_LITERAL, GROUPREF …: any character


def quick_alternation(alternatives: list[str]) -> str:
    """`(?:a|b|…)` matching what the alternatives match, ordered so that re turns
    a line away quickly: re skips an alternative led by a literal character
    without entering it when the character differs, so those come first; the
    others (led by an optional timestamp, a class) come last, in one group
    behind a lookahead of the characters they can begin with. Which alternative
    matches may change, not where a match begins. (1 GB of build output: the
    parser's search for where a report can begin 1.55 -> 1.0 s.)"""
    literal: list[str] = []
    other: list[str] = []
    for alternative in alternatives:
        (literal if led_by_literal(alternative) else other).append(alternative)
    if other:
        rest = "(?:" + "|".join(other) + ")"
        first = first_chars(rest)
        literal.append(f"(?={first}){rest}" if first is not None else rest)
    return "(?:" + "|".join(literal) + ")"


def led_by_literal(pattern: str) -> bool:
    """Whether every match of pattern begins with one literal character."""
    return rx.derived(_parsed_led_by_literal, pattern)


def _parsed_led_by_literal(pattern: str) -> bool:
    try:
        parsed = _p.parse(pattern)
    except Exception:  # an unexpected pattern is only not reordered
        return False
    return (not parsed.state.flags & _c.SRE_FLAG_IGNORECASE and len(parsed) > 0
            and parsed[0][0] is _c.LITERAL)


def required_chars(pattern: str) -> frozenset[int]:
    """ASCII characters that every match of `pattern` holds (a literal outside
    any optional part, alternation or lookaround); empty when none is known."""
    try:
        parsed = _p.parse(pattern)
        if parsed.state.flags & _c.SRE_FLAG_IGNORECASE:
            return frozenset()
        return frozenset(c for c in _required(parsed) if c <= 0x7F)
    except Exception:  # an unexpected parse tree only costs the speed-up
        return frozenset()


def _required(items) -> set[int]:
    out: set[int] = set()
    for op, av in items:
        if op is _c.LITERAL:
            out.add(av)
        elif op is _c.IN and len(av) == 1 and av[0][0] is _c.LITERAL:
            out.add(av[0][1])
        elif op is _c.SUBPATTERN:
            if not av[1]:  # (?i) and friends change what a literal matches
                out |= _required(av[3])
        elif op is _c.BRANCH:
            common: set[int] | None = None
            for alternative in av[1]:
                chars = _required(alternative)
                common = chars if common is None else common & chars
            out |= common or set()
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            if av[0] >= 1:
                out |= _required(av[2])
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            out |= _required(av)
    return out


def literal_text(pattern: str) -> str | None:
    """The one text `pattern` matches when it is a run of literal characters
    (`\\ \\ `, `goroutine\\ `), else None."""
    return rx.derived(_literal_text, pattern)


def _literal_text(pattern: str) -> str | None:
    try:
        parsed = _p.parse(pattern)
    except Exception:  # an unexpected pattern is only no literal
        return None
    if parsed.state.flags & _c.SRE_FLAG_IGNORECASE or not len(parsed):
        return None
    if any(op is not _c.LITERAL for op, _ in parsed):
        return None
    return "".join(chr(av) for _, av in parsed)


def required_literals(pattern: str) -> frozenset[str] | None:
    """Texts one of which every match of `pattern` holds (its longest required
    literal, or one of each alternative's), or None when none is known. A search
    for them (str.find's speed) tells where a regex led by optional parts, a
    log stamp before `http: panic serving `, cannot match at all. Worked out
    once per machine (rx.derived)."""
    return rx.derived(_required_literals, pattern)


def _required_literals(pattern: str) -> frozenset[str] | None:
    try:
        parsed = _p.parse(pattern)
        if parsed.state.flags & _c.SRE_FLAG_IGNORECASE:
            return None
        got = _needles(list(parsed))
    except Exception:  # an unexpected parse tree only costs the speed-up
        return None
    return frozenset(got) if got else None


def _needles(items) -> set[str] | None:
    """Of a sequence: the best of its items' needle sets, a run of fixed texts
    counting as one (zero-width tests inside it consume nothing; re's parser
    takes `http: …|http2: …` apart as `http` and a choice of two texts)."""
    best: set[str] | None = None
    runs = {""}

    def better(got: set[str] | None) -> None:
        nonlocal best
        if got and "" not in got:
            got = {n for n in got if not any(m != n and m in n for m in got)}  # (`bc` holds)
            if best is None or _rank(got) > _rank(best):
                best = got

    for op, av in items:
        texts = _fixed(op, av)
        if texts is not None and len(runs) * len(texts) <= _MOST_RUNS:
            runs = {r + t for r in runs for t in texts}
            continue
        better(runs)
        runs = {""}
        better(_node_needles(op, av))
    better(runs)
    return best


# Texts a run of fixed choices may stand for before it is taken as it is.
_MOST_RUNS = 16


def _rank(needles: set[str]) -> tuple[int, int]:
    """Longer needles first (rarer in a text), then fewer of them."""
    return min(map(len, needles)), -len(needles)


def _fixed(op, av) -> set[str] | None:
    """The texts an item always matches one of, when it is a choice of fixed
    texts ({''} for zero width); None otherwise."""
    if op is _c.LITERAL:
        return {chr(av)}
    if op is _c.IN and len(av) == 1 and av[0][0] is _c.LITERAL:
        return {chr(av[0][1])}
    if op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT):
        return {""}
    if op is _c.SUBPATTERN and not av[1]:
        return _fixed_seq(av[3])
    if op is _c.BRANCH:
        out: set[str] = set()
        for alternative in av[1]:
            texts = _fixed_seq(alternative)
            if texts is None:
                return None
            out |= texts
        return out
    return None


def _fixed_seq(items) -> set[str] | None:
    out = {""}
    for op, av in items:
        texts = _fixed(op, av)
        if texts is None or len(out) * len(texts) > _MOST_RUNS:
            return None
        out = {r + t for r in out for t in texts}
    return out


def _node_needles(op, av) -> set[str] | None:
    if op is _c.SUBPATTERN:
        return None if av[1] else _needles(list(av[3]))
    if op is _c.BRANCH:
        out: set[str] = set()
        for alternative in av[1]:
            got = _needles(list(alternative))
            if not got:
                return None  # an alternative holding no known text
            out |= got
        return out
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        return _needles(list(av[2])) if av[0] >= 1 else None
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _needles(list(av))
    return None
