"""lark's LALR table for grammars/report.lark, stepped over immutable stacks.

report.lark says in which order kinds of lines follow each other in one
process's output. The separator keeps one parse per stream; the splicer and
the write decoder ask the same table. A memoised function over small tuples
makes the same decisions as lark's InteractiveParser (`accepts()` /
`feed_token()`), at a dict lookup per line instead of ~10 µs, and a stack
that hypotheses share for free.
"""

from __future__ import annotations

from functools import cache

from ..grammar import grammar_path

_UNSEEN = object()  # a step not worked out yet


class Automaton:
    """lark's LALR table for report.lark, stepped over immutable stacks."""

    def __init__(self) -> None:
        from lark import Lark

        text = grammar_path("report.lark").read_text(encoding="utf-8")
        lark = Lark(text, parser="lalr", lexer="basic")
        table = lark.parser.parser.parser.parse_table
        self.states = table.states
        self.start: tuple[int, ...] = (table.start_states["start"],)
        self.end = table.end_states["start"]
        self._memo: dict[tuple[tuple[int, ...], str], object] = {}
        self.lark = lark

    def step(self, stack: tuple[int, ...], token: str) -> tuple[int, ...] | None:
        """The stack after shifting `token`, or None when the grammar refuses it."""
        key = (stack, token)
        out = self._memo.get(key, _UNSEEN)  # (one look-up: a stack's hash is not cached)
        if out is _UNSEEN:
            out = self._memo[key] = self._step(stack, token)
        return out

    def _step(self, stack: tuple[int, ...], token: str) -> tuple[int, ...] | None:
        from lark.parsers.lalr_analysis import Shift

        st = list(stack)
        while True:
            action = self.states[st[-1]].get(token)
            if action is None:
                return None
            kind, arg = action
            if kind is Shift:
                st.append(arg)
                return tuple(st)
            size = len(arg.expansion)
            if size:
                del st[-size:]
            goto = self.states[st[-1]].get(arg.origin.name)
            if goto is None:
                return None
            st.append(goto[1])

    def accepts(self, stack: tuple[int, ...], token: str) -> bool:
        return self.step(stack, token) is not None

    def can_end(self, stack: tuple[int, ...]) -> bool:
        """True when the stream's output could stop here (no half-printed frame):
        on $END the parser reduces until it reaches the end state, as lark does."""
        from lark.parsers.lalr_analysis import Shift

        st = list(stack)
        while st[-1] != self.end:
            action = self.states[st[-1]].get("$END")
            if action is None or action[0] is Shift:
                return False
            rule = action[1]
            if rule.expansion:
                del st[-len(rule.expansion):]
            goto = self.states[st[-1]].get(rule.origin.name)
            if goto is None:
                return False
            st.append(goto[1])
        return True


@cache
def automaton() -> Automaton:
    return Automaton()


def token_of(kind: str) -> str:
    return kind.upper()
