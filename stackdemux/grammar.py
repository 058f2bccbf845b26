"""Load grammars/ and compile what the hot path needs, once.

grammars/traceback.lark is the single source of truth for the syntax of a
traceback line. It is used two ways:

* `LineGrammar.parse(text)`: lark (Earley, complete dynamic lexer) reads one
  line with the grammar: the authoritative reading, ~5 ms a line.
* `LineGrammar.match(text)`: the same rules compiled once into one regular
  expression, each named terminal a named group, matched by `re` in C:
  ~1 µs a line. This is what reads a 100 MB dump.

The compiler below walks lark's own reading of the grammar file (its EBNF
tree, before lark expands `?`, `[]` and `*` into many rules), so optional
parts stay optional parts of one regex instead of an alternation of every
combination, and each terminal keeps one group.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import kept_file, rx

if TYPE_CHECKING:  # lark is imported only when a grammar must be compiled or parsed with it
    from lark import Lark, Tree

#: Lines longer than this are never run through the classifier: no Go
#: traceback line is this long, and it keeps time linear on a 100 MB line.
MAX_LINE = 64 * 1024


def grammar_path(name: str) -> Path:
    """Find a grammar: inside the installed package, else in the checkout. The
    package's directory is this file's (importlib.resources would say the same
    of a package on disk, but importing it, with the zipfile, tempfile and
    shutil it brings, cost every run ~4 ms)."""
    here = Path(__file__).resolve().parent
    for place in (here / "grammars" / name, here.parent / "grammars" / name):
        if place.is_file():
            return place
    raise FileNotFoundError(f"grammar {name!r} is missing from this installation")


def grammar_text(name: str) -> str:
    return grammar_path(name).read_text(encoding="utf-8")


class GrammarCompileError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Kind:
    """One line kind: a rule of the grammar, and its groups in the compiled regex."""

    name: str
    group: int  # the group index of the whole kind in the combined regex
    fields: dict[str, int]  # field (terminal or captured rule, lower case) → group index


class RegexCompiler:
    """Turn EBNF rule trees into regex source, one named group per terminal."""

    def __init__(self, rule_trees: dict[str, Tree], patterns: dict[str, str]) -> None:
        self.rules = rule_trees
        self.patterns = patterns
        self.group_names: list[str] = []  # names of groups in order, group i+1

    def terminal(self, name: str) -> str:
        return self.patterns[name]

    def compile_kind(self, kind: str) -> tuple[str, dict[str, int]]:
        self.group_names.append(kind)
        fields: dict[str, int] = {}
        body = self._tree(self.rules[kind], kind, fields, capture=True)
        return f"(?P<{kind}>{body})", fields

    def lead(self, t: Any) -> str | None:
        """Regex for how a rule's text starts: its optional leading parts and its
        first required symbol (a literal or a terminal). None: it may be empty."""
        from lark import Token, Tree
        from lark.grammar import NonTerminal

        if isinstance(t, NonTerminal):
            return self.lead(self.rules[t.name])
        if not isinstance(t, Tree) or t.data in ("literal",):
            return self._tree(t, "", {}, capture=False)
        if t.data == "expansions":
            alts = [self.lead(c) for c in t.children]
            if any(a is None for a in alts):
                return None
            return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"  # type: ignore[arg-type]
        if t.data == "expansion":
            out = ""
            for c in t.children:
                optional = (isinstance(c, Tree) and (c.data == "maybe" or (
                    c.data == "expr" and c.children[1].value in ("?", "*"))))
                if optional:
                    out += self._tree(c, "", {}, capture=False)
                    continue
                first = self.lead(c)
                return None if first is None else out + first
            return None
        if t.data == "value":
            (child,) = t.children
            if isinstance(child, Token):
                return self._tree(t, "", {}, capture=False)
            return self.lead(child)
        return self._tree(t, "", {}, capture=False)

    def _new_group(self, kind: str, field: str, fields: dict[str, int]) -> str:
        if field in fields:
            raise GrammarCompileError(f"{kind}: {field} appears twice in one kind")
        self.group_names.append(f"{kind}__{field}")
        fields[field] = len(self.group_names)
        return f"(?P<{kind}__{field}>"

    def _tree(self, t: Any, kind: str, fields: dict[str, int], capture: bool) -> str:
        from lark import Token
        from lark.grammar import NonTerminal, Terminal

        if isinstance(t, Terminal):
            rx = self.terminal(t.name)
            if capture:
                return self._new_group(kind, t.name.lower(), fields) + rx + ")"
            return f"(?:{rx})"
        if isinstance(t, NonTerminal):
            sub = self.rules[t.name]
            if capture and _has_repetition(sub):
                # A repeated sub-rule cannot keep per-terminal groups: capture its
                # text whole; lark reads it on demand (see LineGrammar.parse_rule).
                inner = self._tree(sub, kind, fields, capture=False)
                return self._new_group(kind, t.name.lower(), fields) + inner + ")"
            return self._tree(sub, kind, fields, capture)
        if isinstance(t, Token):
            if t.type == "STRING":
                return re.escape(ast.literal_eval(t.value))
            if t.type == "REGEXP":
                body = t.value[1 : t.value.rindex("/")]
                return f"(?:{body})"
            raise GrammarCompileError(f"{kind}: unexpected token {t!r}")
        data = t.data
        if data == "expansions":
            alts = [self._tree(c, kind, fields, capture) for c in t.children]
            return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if data == "expansion":
            return "".join(self._tree(c, kind, fields, capture) for c in t.children)
        if data in ("value", "literal"):
            return "".join(self._tree(c, kind, fields, capture) for c in t.children)
        if data == "maybe":
            return _optional(self._tree(t.children[0], kind, fields, capture))
        if data == "expr":
            inner, op = t.children[0], t.children[1]
            if op.value in ("*", "+") and capture and _captures(inner):
                raise GrammarCompileError(f"{kind}: a repeated part captures a terminal")
            if op.value == "?":
                return _optional(self._tree(inner, kind, fields, capture))
            return "(?:" + self._tree(inner, kind, fields, capture) + ")" + op.value
        raise GrammarCompileError(f"{kind}: unsupported grammar construct {data!r}")


def _optional(body: str) -> str:
    """`[x]` and `x?`: the part, else nothing, written as an alternation with an
    empty branch. It matches as `(?:x)?` does (the part first, greedy), but re
    runs `?` of anything longer than one character with its general repeat, which
    allocates a context each time it is tried: a Go 1.27 goroutine header, whose
    grammar has nine optional parts, read in 1.7 µs that way, 1.2 µs this."""
    return "(?:" + body + "|)"


def _has_repetition(t: object) -> bool:
    from lark import Tree

    if isinstance(t, Tree):
        if t.data == "expr" and t.children[1].value in ("*", "+"):
            return True
        return any(_has_repetition(c) for c in t.children)
    return False


def _captures(t: object) -> bool:
    from lark import Tree
    from lark.grammar import Terminal

    if isinstance(t, Terminal):
        return True
    if isinstance(t, Tree):
        return any(_captures(c) for c in t.children)
    return False


class LineGrammar:
    """The traceback line grammar: the compiled classifier, and lark's parser on demand."""

    def __init__(self, text: str, compiled: dict | None = None) -> None:
        self.text = text
        if compiled is None:
            compiled = compile_line_grammar(text)
        self.kinds_in_order: list[str] = compiled["kinds_in_order"]
        self.kinds: dict[str, Kind] = {
            k: Kind(k, v["group"], v["fields"]) for k, v in compiled["kinds"].items()
        }
        self.source: str = compiled["source"]
        self.sources: dict[str, str] = compiled["sources"]
        # how each kind's line starts (None: it may start with anything)
        self.leads: dict[str, str | None] = compiled["leads"]
        # the fixed pieces of text of the grammar, longest first (string_literals)
        self.literals: list[str] = compiled["literals"]
        self.regex = rx.compile(self.source)
        self.match = self.regex.fullmatch

    def kind_regex(self, kind: str) -> re.Pattern[str]:
        """One kind's regex alone: what the parser tries first where the
        structure predicts that kind (a file line after a call line)."""
        return rx.compile(self.sources[kind])

    @property
    def lark(self) -> Lark:
        """lark's Earley parser for the grammar (built on first use: ~0.3 s)."""
        return _earley(self.text, tuple(self.kinds_in_order))

    def classify(self, text: str) -> tuple[str | None, re.Match[str] | None]:
        """The kind of a line and its match, or (None, None) for a line that is no traceback."""
        if len(text) > MAX_LINE:
            return None, None
        m = self.match(text)
        if m is None:
            return None, None
        return m.lastgroup, m

    def fields(self, text: str) -> tuple[str | None, dict[str, str]]:
        """Kind and fields of a line, by the compiled classifier."""
        kind, m = self.classify(text)
        if kind is None or m is None:
            return None, {}
        groups = self.kinds[kind].fields.items()
        return kind, {f: v for f, g in groups if (v := m.group(g)) is not None}

    def parse(self, text: str) -> tuple[str | None, dict[str, str]]:
        """Kind and fields of a line, by lark's parser: the authoritative reading."""
        from lark.exceptions import LarkError

        for kind in self.kinds_in_order:
            try:
                tree = self.lark.parse(text, start=kind)
            except LarkError:
                continue
            return kind, _tree_fields(tree, text, self.kinds[kind].fields)
        return None, {}

    def parse_rule(self, rule: str, text: str) -> Tree:
        """Read text captured whole for a repeated sub-rule (e.g. `labels`)."""
        return _earley(self.text, (rule,)).parse(text, start=rule)


def load_rules(text: str, name: str, keep_terminals: set[str] | None = None
          ) -> tuple[dict[str, Any], dict[str, str]]:
    """lark's reading of a grammar: EBNF rule trees, and each terminal's regex."""
    from lark.load_grammar import GrammarBuilder

    builder = GrammarBuilder()
    builder.load_grammar(text, name)
    built = builder.build()
    rule_trees = {str(rd[0]): rd[2] for rd in built.rule_defs}
    terminals, _, _ = built.compile(["line"] if "line" in rule_trees else [next(iter(rule_trees))],
                                    keep_terminals or set())
    return rule_trees, {t.name: t.pattern.to_regexp() for t in terminals}


def _fields_by_name(regex: re.Pattern[str], kind: str) -> dict[str, int]:
    """Field → group index, read back from the compiled regex: a terminal whose own
    regex holds a plain capturing group cannot shift the numbering unseen."""
    prefix = f"{kind}__"
    return {name[len(prefix):]: index for name, index in regex.groupindex.items()
            if name.startswith(prefix)}


def compile_rule(text: str, rule: str, name: str = "<grammar>",
                 keep_terminals: set[str] | None = None) -> tuple[str, dict[str, int]]:
    """One rule of a grammar as regex source with a named group per terminal,
    and the field → group index map of that regex compiled alone."""
    rule_trees, patterns = load_rules(text, name, keep_terminals)
    source, _ = RegexCompiler(rule_trees, patterns).compile_kind(rule)
    return source, _fields_by_name(re.compile(source), rule)


def compile_line_grammar(text: str, name: str = "traceback.lark") -> dict[str, Any]:
    """Compile the `line` rule's kinds into one regex (JSON-able, so it can be cached)."""
    rule_trees, patterns = load_rules(text, name)
    kinds_in_order = [_only_nonterminal(e) for e in rule_trees["line"].children]
    compiler = RegexCompiler(rule_trees, patterns)
    parts = [compiler.compile_kind(kind)[0] for kind in kinds_in_order]
    source = "(?:" + "|".join(parts) + ")"
    regex = re.compile(source)
    kinds = {kind: {"group": regex.groupindex[kind], "fields": _fields_by_name(regex, kind)}
             for kind in kinds_in_order}
    leads = {kind: compiler.lead(rule_trees[kind]) for kind in kinds_in_order}
    return {"kinds_in_order": kinds_in_order, "kinds": kinds, "source": source,
            "sources": dict(zip(kinds_in_order, parts, strict=True)), "leads": leads,
            "literals": string_literals(text, name)}


def string_literals(text: str, name: str = "<grammar>") -> list[str]:
    """The grammar's fixed pieces of text, longest first: every string literal
    of its rules (`"goroutine "`, `" in goroutine "`) and every alternative of a
    terminal that is a string literal alone (`LEAKED: " (leaked)"`, the `"nil"`
    of `M: INT | "nil"`). What a program prints as it is, where a terminal's
    regex spells values: a regex's literal characters (`.go:` in a log line's
    file, `rite` in `[Rr]ead|[Ww]rite`) are parts of one value, none of them."""
    from lark import Token, Tree
    from lark.load_grammar import GrammarBuilder

    builder = GrammarBuilder()
    builder.load_grammar(text, name)
    built = builder.build()
    found: set[str] = set()

    def strings(t: object) -> None:
        if isinstance(t, Token) and t.type == "STRING":
            found.add(_string(t.value))
        elif isinstance(t, Tree):
            for c in t.children:
                strings(c)

    def alone(t: object) -> str | None:
        """The string literal a terminal's alternative is, when it is one alone."""
        while isinstance(t, Tree) and len(t.children) == 1:
            t = t.children[0]
        if isinstance(t, Token) and t.type == "STRING":
            return _string(t.value)
        return None

    for rule in built.rule_defs:
        strings(rule[2])
    for _, (tree, _) in built.term_defs:
        if tree is not None:  # None: a terminal only declared (%declare)
            found.update(s for alt in tree.children if (s := alone(alt)) is not None)
    return sorted(found, key=lambda s: (-len(s), s))


def _string(token: str) -> str:
    """A lark string literal's text (`"goroutine "`, flags such as `i` after it dropped)."""
    return ast.literal_eval(token[: token.rindex('"') + 1])


@cache
def _earley(text: str, starts: tuple[str, ...]) -> Lark:
    from lark import Lark

    return Lark(text, start=list(starts), parser="earley", lexer="dynamic_complete",
                propagate_positions=True)


def _only_nonterminal(expansion: Tree) -> str:
    from lark.grammar import NonTerminal

    syms = [s for s in expansion.scan_values(lambda v: isinstance(v, NonTerminal))]
    if len(syms) != 1:
        raise GrammarCompileError("each alternative of `line` must be one rule")
    return syms[0].name


def _tree_fields(tree: Tree, text: str, wanted: dict[str, int]) -> dict[str, str]:
    from lark import Token, Tree

    out: dict[str, str] = {}

    def walk(t: Tree) -> None:
        for c in t.children:
            if isinstance(c, Token):
                if c.type.lower() in wanted:
                    out[c.type.lower()] = str(c)
            elif isinstance(c, Tree):
                name = str(c.data).lower()
                if name in wanted:
                    out[name] = text[c.meta.start_pos : c.meta.end_pos]
                else:
                    walk(c)

    walk(tree)
    return out


#: Automata derived from the grammar's regexes, a state per character test
#: (demux/writes_dfa.py, demux/splice_joins.py), unroll a bounded repeat into a
#: copy per count: `{1,1024}` was 1 024 copies, and sets of them growing with
#: its square (a line-level merge's peak memory 86 -> 204 MB). Past this many
#: copies they read the repeat as unbounded: the automaton then accepts more
#: than the regex, never less, which a test of what may still follow allows.
MAX_UNROLLED = 16


def unrolled_repeat(lo: int, hi: int, unbounded: int) -> tuple[int, int]:
    """The counts an automaton derived from the grammar gives a repeat `{lo,hi}`
    (`unbounded`: re's MAXREPEAT): itself when short, else `{lo,}` with at most
    MAX_UNROLLED required copies."""
    if lo > MAX_UNROLLED:
        return MAX_UNROLLED, unbounded
    if hi != unbounded and hi - lo > MAX_UNROLLED:
        return lo, unbounded
    return lo, hi


def unnamed_groups(pattern: str, opening: str = "(?:") -> str:
    """A derived pattern with its named groups opened by `opening` instead: to
    embed it in another regex, where the names may repeat."""
    return re.sub(r"\(\?P<\w+>", lambda _: opening, pattern)


@cache
def line_grammar() -> LineGrammar:
    """The traceback line grammar, loaded and compiled once per process.

    Compiling walks lark's reading of the grammar (~0.3 s, most of it lark
    loading its own meta-grammar), so the result is cached on disk, keyed by
    the grammar's text: an edited grammar is always recompiled.
    """
    text = grammar_text("traceback.lark")
    return LineGrammar(text, cached_compile("traceback", text + COMPILER_VERSION,
                                            lambda: compile_line_grammar(text)))


def cached_compile(name: str, key_text: str, compile_: Callable[[], Any]) -> Any:
    """`compile_()`'s JSON-able result, cached on disk under a hash of
    `key_text` (the grammar's text and the compiler's version): what a
    grammar compiles to is worked out once per machine, not once per run."""
    key = hashlib.sha256(f"{key_text}\0{kept_file.FORMAT}".encode()).hexdigest()[:20]
    cache_file = _cache_dir() / f"{name}-{key}.json"
    kept = kept_file.read(cache_file)  # (None when absent or damaged: compiled again)
    if kept is not None:
        with contextlib.suppress(ValueError):
            return json.loads(kept)
    compiled = compile_()
    try:
        kept_file.write(cache_file, json.dumps(compiled).encode())
        _forget_old(cache_file.parent, name)
    except OSError:
        pass  # a read-only home only costs the compile time
    return compiled


# Files of one name kept: each grammar text (each upgrade of stackdemux, each
# edit of a developer's) writes another, which no run reads again once it is
# replaced; a few installs side by side still find theirs.
KEPT_VERSIONS = 8


def _forget_old(directory: Path, name: str) -> None:
    """Remove all but the KEPT_VERSIONS newest of `name`'s cache files (a miss
    writes one: never on a run that finds its own)."""
    try:
        files = sorted(directory.glob(f"{name}-*.json"), key=lambda f: f.stat().st_mtime)
        for old in files[:-KEPT_VERSIONS]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # another run removed it first


# Bump when the compiler's output changes for the same grammar text.
COMPILER_VERSION = "6"


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "stackdemux"
