"""lark's LALR table for grammars/report.lark, stepped over immutable stacks.

report.lark says in which order kinds of lines follow each other in one
process's output. The separator keeps one parse per stream; the splicer and
the write decoder ask the same table. A memoised function over small tuples
makes the same decisions as lark's InteractiveParser (`accepts()` /
`feed_token()`), at a dict lookup per line instead of ~10 µs, and a stack
that hypotheses share for free.

The table is worked out once per machine (grammar.cached_compile, keyed by
report.lark's text): building it with lark took ~50 ms of
each run that separates lines (lark's import and its LALR analysis), 4 % of
8 services' 2 MB line merge.
"""

from __future__ import annotations

from functools import cache

from ..grammar import cached_compile, grammar_text

_UNSEEN = object()  # a step not worked out yet

# An action: a shift to a state, or a reduce by a rule of so many symbols to a
# nonterminal (lark's Shift/Reduce, the rule read for what a step uses of it).
Action = tuple[int, int] | tuple[int, int, str]
SHIFT, REDUCE = 0, 1
# Bump when what the cached table holds changes.
_VERSION = "1"


def _lark(text: str):  # type: ignore[no-untyped-def]
    from lark import Lark

    return Lark(text, parser="lalr", lexer="basic")


def _table(text: str) -> dict:
    """report.lark's LALR table as JSON: each state's action per token."""
    from lark.parsers.lalr_analysis import Shift

    table = _lark(text).parser.parser.parser.parse_table
    states = {str(state): {token: ([SHIFT, arg] if kind is Shift
                                   else [REDUCE, len(arg.expansion), arg.origin.name])
                           for token, (kind, arg) in actions.items()}
              for state, actions in table.states.items()}
    return {"states": states, "start": table.start_states["start"],
            "end": table.end_states["start"]}


class Automaton:
    """lark's LALR table for report.lark, stepped over immutable stacks."""

    def __init__(self) -> None:
        text = grammar_text("report.lark")
        # (keyed by the grammar alone: any lark's table for it takes the same
        # sentences, and a table's own state numbers are all that steps it)
        got = cached_compile("report-lalr", f"{text}\0{_VERSION}", lambda: _table(text))
        self.states: dict[int, dict[str, Action]] = {
            int(state): {token: tuple(action) for token, action in actions.items()}
            for state, actions in got["states"].items()}
        self.start: tuple[int, ...] = (got["start"],)
        self.end: int = got["end"]
        self._memo: dict[tuple[tuple[int, ...], str], object] = {}
        self._text = text

    @property
    def lark(self):  # type: ignore[no-untyped-def]
        """lark's own parser of report.lark (the tests compare the two)."""
        return _lark(self._text)

    def step(self, stack: tuple[int, ...], token: str) -> tuple[int, ...] | None:
        """The stack after shifting `token`, or None when the grammar refuses it."""
        key = (stack, token)
        out = self._memo.get(key, _UNSEEN)  # (one look-up: a stack's hash is not cached)
        if out is _UNSEEN:
            out = self._memo[key] = self._step(stack, token)
        return out

    def _step(self, stack: tuple[int, ...], token: str) -> tuple[int, ...] | None:
        st = list(stack)
        while True:
            action = self.states[st[-1]].get(token)
            if action is None:
                return None
            if action[0] == SHIFT:
                st.append(action[1])
                return tuple(st)
            _, size, origin = action  # type: ignore[misc]
            if size:
                del st[-size:]
            goto = self.states[st[-1]].get(origin)
            if goto is None:
                return None
            st.append(goto[1])

    def accepts(self, stack: tuple[int, ...], token: str) -> bool:
        return self.step(stack, token) is not None

    def can_end(self, stack: tuple[int, ...]) -> bool:
        """True when the stream's output could stop here (no half-printed frame):
        on $END the parser reduces until it reaches the end state, as lark does."""
        st = list(stack)
        while st[-1] != self.end:
            action = self.states[st[-1]].get("$END")
            if action is None or action[0] == SHIFT:
                return False
            _, size, origin = action  # type: ignore[misc]
            if size:
                del st[-size:]
            goto = self.states[st[-1]].get(origin)
            if goto is None:
                return False
            st.append(goto[1])
        return True


@cache
def automaton() -> Automaton:
    return Automaton()


def token_of(kind: str) -> str:
    return kind.upper()
