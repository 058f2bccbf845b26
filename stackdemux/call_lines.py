"""A frame's call line read at its last `(`, by the shape the grammar gives it.

traceback.lark reads a call line as `FUNC "(" [ARGS] ")"`, and ARGS is a
negated class that holds no parenthesis. So the `(` that opens the arguments is
the line's last one: a line is a call line exactly when it ends with `)`, the
text between its last `(` and that `)` holds none of the characters ARGS
excludes, and what comes before is a FUNC. Function names repeat (a dump's
goroutines park in a few call paths) where arguments do not (they print
pointers): the verdict on a name is kept, and a line costs a few string
operations instead of the kind's regex and its groups (a 20 000-goroutine
dump: 208 000 call lines, 0.9 -> 0.3 µs each).

The shape is read from the kind's compiled regex (its parse by `re`), so a
grammar that reads call lines otherwise turns this reading off (`split_call`
is None) and the regex reads every line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from sys import intern

from . import rx
from .sre import constants as _c
from .sre import parser as _p


@dataclass(frozen=True, slots=True)
class CallShape:
    """What the reading needs of a kind shaped `NAME open [TAIL] close`."""

    open: str  # the character that opens the tail: `(`
    close: str  # the character the line ends with: `)`
    excluded: tuple[str, ...]  # characters the tail may not hold (besides `open`)
    name_group: int  # the kind's regex's group of NAME
    regex: re.Pattern[str]  # the kind's regex: reads a name once


def split_call(regex: re.Pattern[str]) -> CallShape | None:
    """The shape of a kind's regex when it is one group of NAME, a literal
    `open`, an optional group of a repeat (at least once) of a class that
    excludes `open` and `close`, and a literal `close`; else None. (Read of the
    pattern once per machine: rx.derived.)"""
    shape = rx.derived(_call_shape, regex.pattern)
    return None if shape is None else CallShape(*shape, regex)


def _call_shape(pattern: str) -> tuple[str, str, tuple[str, ...], int] | None:
    """split_call's shape but the regex: open, close, excluded, name_group."""
    try:
        (kind,) = _p.parse(pattern)
        items = _group(kind)
        if items is None or len(items) != 4:
            return None
        name, opener, tail, closer = items
        if opener[0] is not _c.LITERAL or closer[0] is not _c.LITERAL or _group(name) is None:
            return None
        open_, close = chr(opener[1]), chr(closer[1])
        optional = _optional_part(tail)
        if optional is None or len(optional) != 1 or _group(optional[0]) is None:
            return None
        (repeat,) = _group(optional[0])  # type: ignore[misc]
        if repeat[0] is not _c.MAX_REPEAT or repeat[1][0] != 1 or len(repeat[1][2]) != 1:
            return None
        (cls,) = repeat[1][2]
        excluded = _negated_literals(cls)
        if excluded is None or open_ not in excluded or close not in excluded:
            return None
    except Exception:  # an unexpected parse tree only costs the speed-up
        return None
    return open_, close, tuple(sorted(excluded - {open_})), name[1][0]


def _optional_part(item) -> list | None:
    """The items of `(?:X)?` or `(?:X|)` (grammar.py writes an optional part so), or None."""
    op, av = item
    if op is _c.MAX_REPEAT and av[:2] == (0, 1):
        return list(av[2])
    if op is _c.BRANCH and len(av[1]) == 2 and not av[1][1]:
        return list(av[1][0])
    return None


def _group(item) -> list | None:
    """The items of a capturing group, or None when `item` is none."""
    op, av = item
    if op is not _c.SUBPATTERN or av[0] is None or av[1] or av[2]:
        return None
    return list(av[3])


def _negated_literals(item) -> set[str] | None:
    """The characters a class `[^…]` of literals only excludes, or None."""
    op, av = item
    if op is _c.NOT_LITERAL:
        return {chr(av)}
    if op is not _c.IN or not av or av[0][0] is not _c.NEGATE:
        return None
    if any(o is not _c.LITERAL for o, _ in av[1:]):
        return None
    return {chr(a) for _, a in av[1:]}


def read_name(shape: CallShape, name: str) -> str | None:
    """`name` interned when the kind reads it as its NAME, else None: the line
    `name` + open + close is read by the kind's regex, whose NAME must be it."""
    m = shape.regex.fullmatch(name + shape.open + shape.close)
    if m is None or m.group(shape.name_group) != name:
        return None
    return intern(name)
