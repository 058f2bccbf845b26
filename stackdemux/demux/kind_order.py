"""Which kind of traceback line may directly follow which in ONE process's output.

Derived from grammars/report.lark (the order in which kinds of lines make up a
process's output): a pair (a, b) is allowed when some sentence of the grammar
has b right after a. The splicer uses it to judge a join: the lines of one
read() chunk are consecutive lines of one process, so a fragment rejoined into
a call line must be followed, in the chunk it came from, by a file line.

Worked out once by walking lark's LALR table over the stacks reachable from
the start (report.lark nests shallowly, so there are few).
"""

from __future__ import annotations

from functools import cache

from ..grammar import cached_compile, grammar_text

__all__ = ["may_follow"]

# Stacks deeper than this are not explored: report.lark nests a few rules deep.
_MAX_DEPTH = 24


@cache
def _pairs() -> frozenset[tuple[str, str]]:
    """Worked out once per machine (cached on disk, keyed by report.lark's text)."""
    text = grammar_text("report.lark")
    pairs = cached_compile("kind-order", text + _VERSION, lambda: sorted(_walk()))
    return frozenset((a, b) for a, b in pairs)


_VERSION = "1"


def _walk() -> set[tuple[str, str]]:
    from .automaton import automaton  # lark's LALR table for report.lark, stepped

    auto = automaton()
    tokens = sorted({t for s in auto.states.values() for t in s if t.isupper() and t != "$END"})
    step = auto.step
    start = auto.start
    seen = {start}
    todo = [start]
    pairs: set[tuple[str, str]] = set()
    while todo:
        stack = todo.pop()
        for a in tokens:
            after = step(stack, a)
            if after is None or len(after) > _MAX_DEPTH:
                continue
            for b in tokens:
                if step(after, b) is not None:
                    pairs.add((a.lower(), b.lower()))
            if after not in seen:
                seen.add(after)
                todo.append(after)
    return pairs


def may_follow(a: str, b: str) -> bool:
    """True when a line of kind b may come right after one of kind a in one
    process's output (blank lines and ordinary log lines aside)."""
    return (a, b) in _pairs()
