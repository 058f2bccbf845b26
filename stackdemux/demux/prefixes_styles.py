"""The prefix styles: grammars/prefixes.lark's rules as anchored regexes.

The syntax lives in grammars/prefixes.lark. Parsing millions of lines with lark
would be far too slow, so each style's rule is turned into one anchored regex
once, by grammar.py's rule compiler (the one the line grammar uses): the grammar
stays the single source of truth (a test checks both agree). Each regex
captures only the style's role sub-rules (its stream key, the markers of a
line continued), so that a bulk match gives one value per role
(prefixes_strip.py); `match_prefix` reads one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

# grammar.py's rule compiler and its reading of a grammar: one compiler for every grammar
from .. import rx
from ..firstchars import first_chars
from ..grammar import RegexCompiler, cached_compile, load_rules
from ..grammar import grammar_path as _grammar_path
from ..grammar import unnamed_groups as unnamed

if TYPE_CHECKING:  # lark is imported only when the styles are derived anew
    from lark import Lark, Tree

__all__ = ["JOIN_NEXT", "JOIN_NONE", "JOIN_PREVIOUS", "PINNED", "PROCESS_KEYS",
           "RECORD_HEADERS", "PrefixError", "PrefixStyle", "compiled_styles", "grammar",
           "grammar_path", "match_prefix", "pinned_rule", "pinned_style", "record_header",
           "style_names", "unnamed", "user_style"]

# Styles whose key names one container or process: its reports follow one
# another (a restarted container's crash after crash), so a stream of them
# is checked for that before the separator weighs its lines. cri's key is
# stdout/stderr, buildkit's a build step (`make -j` runs many processes in
# one), gitlab's a pipe, github's prefix no key at all.
PROCESS_KEYS = frozenset({"compose", "kubectl", "syslog", "syslogtag", "logcat", "parallel",
                          "bracket", "turbo", "pnpm", "stern", "heroku", "awslogs", "hclog",
                          "kodi", "tauri", "goplugin", "container", "progname", "user"})

# Rules of the grammar that are no style: a record's header on a line of its
# own, which names the lines after it (`<style>_record`, its key the style's).
RECORD_HEADERS = ("logcat_record",)

# Rules of the grammar that are no style of the `prefix` rule either: a style whose
# key is pinned to one value found in the log (a container's name alone), as its
# bare rule would read any line's first word (pinned_style).
PINNED = ("container", "progname")
# What follows a pinned key where it stands whole (`spinalcord`, not `spinalcord-0`;
# `caddy:`, not `caddy-proxy:`): the rule's separator, or its end.
_PINNED_END = {"container": r"(?!\S)", "progname": ":"}

# Sub-rule name suffixes with a meaning (see the grammar's header).
_ROLES = ("key", "partial", "continued")


class PrefixError(ValueError):
    """A user-given prefix regex that cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class PrefixStyle:
    """One prefix syntax: a grammar rule compiled to an anchored regex."""

    name: str
    regex: re.Pattern[str]
    layer: int = 0  # 0: outermost prefix of the line
    # Group numbers of the key / partial / continued sub-rules (a rule used in
    # several alternatives yields several groups; at most one of them matches).
    key_groups: tuple[int, ...] = ()
    partial_groups: tuple[int, ...] = ()
    continued_groups: tuple[int, ...] = ()
    coverage: float = 0.0  # share of sampled lines it matched at detection


# Join markers per line in a PrefixSplit.
JOIN_NONE, JOIN_NEXT, JOIN_PREVIOUS = 0, 1, 2


# ------------------------------------------------------------ the grammar ---


def grammar_path() -> Path:
    return _grammar_path("prefixes.lark")


@cache
def grammar() -> Lark:
    """The prefix grammar, loaded once (Earley: styles share terminals)."""
    from lark import Lark

    names = style_names_from_text(grammar_path().read_text())
    return Lark(grammar_path().read_text(), start=["prefix", *names, *RECORD_HEADERS, *PINNED],
                parser="earley",
                keep_all_tokens=True)


def style_names_from_text(text: str) -> list[str]:
    m = re.search(r"^prefix:(.*)$", text, re.M)
    if not m:
        raise ValueError("prefixes.lark has no `prefix` rule")
    return [n.strip() for n in m.group(1).split("|")]


@cache
def style_names() -> tuple[str, ...]:
    """Styles in the order of the `prefix` rule: more specific first."""
    return tuple(style_names_from_text(grammar_path().read_text()))


class _RoleCompiler(RegexCompiler):
    """grammar.py's rule compiler, capturing only a style's role sub-rules.

    The hot path reads every capture of a bulk match as a role (key, partial,
    continued), so terminals capture nothing (their own plain groups are made
    non-capturing too) and each role sub-rule is one named group, its whole text.
    """

    def __init__(self, rule_trees: dict[str, Tree], patterns: dict[str, str], style: str):
        super().__init__(rule_trees, {n: _uncapture(p) for n, p in patterns.items()})
        self.style = style
        self.groups: dict[str, list[str]] = {role: [] for role in _ROLES}

    def _tree(self, t: Any, kind: str, fields: dict[str, int], capture: bool) -> str:
        from lark import Tree
        from lark.grammar import NonTerminal

        if isinstance(t, Tree) and t.data == "expr" and t.children[1].value == "*":
            return _guarded(super()._tree(t, kind, fields, False))
        if isinstance(t, Tree) and (t.data == "maybe" or (
                t.data == "expr" and t.children[1].value == "?")):
            # `(?:X|)`, not `(?:X)?`: the same matches in the same order (X first),
            # without re's repeat machinery (compose's bulk split: -390 instructions a line)
            return f"(?:{self._tree(t.children[0], kind, fields, False)}|)"
        if isinstance(t, NonTerminal) and t.name.startswith(f"{self.style}_"):
            role = t.name[len(self.style) + 1:]
            if role in self.groups:
                group = f"{role}{len(self.groups[role])}"
                self.groups[role].append(group)
                body = super()._tree(self.rules[t.name], kind, fields, False)
                return f"(?P<{group}>{body})"
        return super()._tree(t, kind, fields, False)


def _guarded(repeat: str) -> str:
    """`(?:X)*` as `(?:(?!F)|(?:X)*)`, F the characters X can begin with: the same
    matches, in the same order. re runs a repeat of a group through its general
    repeat machinery even where it matches nothing, as a colour code (`ANSI*`)
    does on nearly every line; the guard's one class test turns most lines away
    (compose's bulk split: 3 800 → 3 300 instructions a line)."""
    first = first_chars(repeat[:-1])  # None: X may match empty, or its first chars are unknown
    return repeat if first is None else f"(?:(?!{first})|{repeat})"


def _uncapture(regex: str) -> str:
    """A terminal's regex with its plain groups made non-capturing: the derived
    regexes capture only the role sub-rules, so bulk matching gets one value each."""
    out = []
    i, in_class = 0, False
    while i < len(regex):
        c = regex[i]
        if c == "\\":
            out.append(regex[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]" or regex[i - 1] == "["
        elif c == "[":
            in_class = True
            if regex[i + 1:i + 2] == "^":
                out.append("[^")
                i += 2
                if regex[i:i + 1] == "]":  # `[^]...]`: a literal `]`
                    out.append("]")
                    i += 1
                continue
        elif c == "(" and regex[i + 1:i + 2] != "?":
            out.append("(?:")
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


@cache
def compiled_styles() -> dict[str, PrefixStyle]:
    """Every style of the grammar as a PrefixStyle (layer 0), derived once per
    machine: reading the grammar with lark to derive them costs ~0.1 s a run."""
    text = grammar_path().read_text()
    derived = cached_compile("prefixes", text + _DERIVATION_VERSION, _derive_styles)
    out = {}
    for name, (source, key, partial, continued) in derived.items():
        pattern = rx.compile(source)
        index = pattern.groupindex
        out[name] = PrefixStyle(
            name=name, regex=pattern,
            key_groups=tuple(index[g] for g in key),
            partial_groups=tuple(index[g] for g in partial),
            continued_groups=tuple(index[g] for g in continued),
        )
    return out


# Bump when the derivation's output changes for the same grammar text.
_DERIVATION_VERSION = "4"


def _derive_styles() -> dict[str, tuple[str, list[str], list[str], list[str]]]:
    rule_trees, patterns = load_rules(grammar_path().read_text(), "prefixes.lark")
    out = {}
    for name in style_names():
        compiler = _RoleCompiler(rule_trees, patterns, name)
        source = compiler._tree(rule_trees[name], name, {}, False)
        groups = compiler.groups
        out[name] = (source, groups["key"], groups["partial"], groups["continued"])
    return out


@cache
def record_header(rule: str) -> PrefixStyle:
    """A RECORD_HEADERS rule as a PrefixStyle whose regex reads the whole header
    line (anchored at both ends), its key group the style's key."""
    style = rule.rsplit("_", 1)[0]

    def derive() -> tuple[str, list[str]]:
        rule_trees, patterns = load_rules(grammar_path().read_text(), "prefixes.lark")
        compiler = _RoleCompiler(rule_trees, patterns, style)
        return compiler._tree(rule_trees[rule], rule, {}, False), compiler.groups["key"]

    source, key = cached_compile("prefix-records", grammar_path().read_text() + rule
                                 + _DERIVATION_VERSION, derive)
    pattern = re.compile(f"(?:{source})\\Z")
    keys = tuple(pattern.groupindex[g] for g in key)
    return PrefixStyle(name=rule, regex=pattern, key_groups=keys)


def pinned_style(rule: str, key: str) -> PrefixStyle:
    """A PINNED rule as a PrefixStyle that reads only lines whose key is `key`: the
    rule's regex behind a lookahead for `key` whole (not the start of a longer word)."""
    source, groups = _pinned_source(rule)
    # (a blank or the line's end after it: `spinalcord`, not `spinalcord-0`)
    pattern = re.compile(f"(?={re.escape(key)}{_PINNED_END[rule]})(?:{source})")
    return PrefixStyle(name=rule, regex=pattern,
                       key_groups=tuple(pattern.groupindex[g] for g in groups))


@cache
def pinned_rule(rule: str) -> PrefixStyle:
    """A PINNED rule as it stands in the grammar, its key any value: to find the key."""
    source, groups = _pinned_source(rule)
    pattern = rx.compile(source)
    return PrefixStyle(name=rule, regex=pattern,
                       key_groups=tuple(pattern.groupindex[g] for g in groups))


@cache
def _pinned_source(rule: str) -> tuple[str, list[str]]:
    def derive() -> tuple[str, list[str]]:
        rule_trees, patterns = load_rules(grammar_path().read_text(), "prefixes.lark")
        compiler = _RoleCompiler(rule_trees, patterns, rule)
        return compiler._tree(rule_trees[rule], rule, {}, False), compiler.groups["key"]

    return tuple(cached_compile("prefix-pinned", grammar_path().read_text() + rule
                                + _DERIVATION_VERSION, derive))


def user_style(regex: str) -> PrefixStyle:
    """A `--prefix REGEX` style: anchored at the line start, the group `key` names the stream."""
    try:
        pattern = re.compile(regex)
    except rx.REFUSED as e:
        raise PrefixError(f"--prefix {regex!r}: not a valid regular expression: {e}") from None
    if "key" not in pattern.groupindex:
        raise PrefixError(
            f"--prefix {regex!r}: needs a named group (?P<key>...) for the stream key")
    return PrefixStyle(name="user", regex=pattern, key_groups=(pattern.groupindex["key"],))


# -------------------------------------------------------------- matching ---


def _first(m: re.Match[str], groups: tuple[int, ...]) -> str | None:
    for g in groups:
        v = m.group(g)
        if v is not None:
            return v
    return None


def match_prefix(line: str, style: PrefixStyle) -> tuple[int, str | None, int] | None:
    """(prefix length, key, join marker) of `line` under `style`, or None."""
    m = style.regex.match(line)
    if m is None or m.end() == 0:
        return None
    join = JOIN_NONE
    if style.partial_groups and _first(m, style.partial_groups) is not None:
        join = JOIN_NEXT
    elif style.continued_groups and _first(m, style.continued_groups) is not None:
        join = JOIN_PREVIOUS
    key = _first(m, style.key_groups) if style.key_groups else None
    return m.end(), key, join


