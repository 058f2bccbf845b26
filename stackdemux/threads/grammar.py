"""grammars/records.lark, compiled once into the regexes the hot path runs.

The record formats (`line`) become one regex with a named group per terminal,
by stackdemux.grammar's compiler (the one the traceback grammar uses); a
logfmt `pair` becomes its own regex, run with `findall` over a line the `line`
regex has already accepted; single terminals (escapes, times, durations) are
taken as lark compiled them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .. import rx
from ..grammar import (
    COMPILER_VERSION,
    cached_compile,
    compile_line_grammar,
    compile_rule,
    grammar_text,
)

GRAMMAR = "records.lark"


@dataclass(frozen=True, slots=True)
class RecordGrammar:
    line: re.Pattern[str]  # fullmatch: which format, and its fields
    kinds: dict[str, int]  # format → group of the whole format
    fields: dict[str, dict[str, int]]  # format → field (terminal, lower case) → group
    pair: re.Pattern[str]  # findall: (pair, KEY, QUOTED, BARE)
    escape: re.Pattern[str]
    rfc3339: re.Pattern[str]
    go_duration: re.Pattern[str]


# Terminals no rule uses, compiled on their own (lark drops unused ones unless kept).
_STANDALONE = {"ESCAPE", "RFC3339", "GO_DURATION"}


def _compile(text: str) -> tuple[dict, dict[str, str]]:
    """lark's reading of the grammar: EBNF rule trees and every terminal's regex."""
    from lark.load_grammar import GrammarBuilder

    builder = GrammarBuilder()
    builder.load_grammar(text, GRAMMAR)
    built = builder.build()
    trees = {str(rd[0]): rd[2] for rd in built.rule_defs}
    terminals, _, _ = built.compile(["line"], set(_STANDALONE))
    return trees, {t.name: t.pattern.to_regexp() for t in terminals}


def _rule_regex(text: str, rule: str) -> str:
    """One rule as a regex, a group per terminal, by the house compiler (stackdemux.grammar
    compiles the kinds of `line` with it; a logfmt pair is one rule on its own)."""
    source, _ = compile_rule(text, rule, GRAMMAR)
    return source


@cache
def _lark():
    """lark's own parser for the grammar (the tests' authority; never on the hot path)."""
    from lark import Lark

    return Lark(grammar_text(GRAMMAR), start=["line", "pair"], parser="earley",
                lexer="dynamic_complete", propagate_positions=True)


def _compile_all(text: str) -> dict:
    compiled = compile_line_grammar(text, GRAMMAR)
    _, patterns = _compile(text)
    compiled["pair"] = _rule_regex(text, "pair")
    compiled["standalone"] = {name: patterns[name] for name in _STANDALONE}
    return compiled


@cache
def record_grammar() -> RecordGrammar:
    """Compiled once per machine (grammar.cached_compile): deriving it costs ~0.3 s."""
    text = grammar_text(GRAMMAR)
    compiled = cached_compile("records", text + COMPILER_VERSION, lambda: _compile_all(text))
    standalone = compiled["standalone"]
    return RecordGrammar(
        line=rx.compile(compiled["source"]),
        kinds={k: v["group"] for k, v in compiled["kinds"].items()},
        fields={k: v["fields"] for k, v in compiled["kinds"].items()},
        pair=rx.compile(compiled["pair"]),
        escape=rx.compile(standalone["ESCAPE"]),
        rfc3339=rx.compile(standalone["RFC3339"]),
        go_duration=rx.compile(standalone["GO_DURATION"]),
    )


def lark_parser():
    return _lark()
