"""Per-line log prefixes (compose, kubectl, CRI, CI runners, syslog, ...) → stream keys.

The syntax lives in grammars/prefixes.lark. Parsing millions of lines with lark
would be far too slow, so each style's rule is turned into one anchored regex
once, from the grammar's own rule expansions and terminal patterns: the grammar
stays the single source of truth (a test checks both agree), the hot path is
one `re.match` per line and style.

Prefixes stack (a compose prefix inside a GitHub Actions timestamp): detection
peels them layer by layer, outermost first.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lark import Lark
from lark.grammar import NonTerminal, Rule, Symbol

from ..model import Stream

# Lines looked at to decide which styles a log carries.
SAMPLE_LINES = 2000
# Prefix layers peeled at most (e.g. GitHub timestamp → compose → nothing).
MAX_LAYERS = 3

# Share of the sampled non-empty lines a style must cover to count. Most styles
# are specific enough that a few lines prove them (a log where only one of
# several processes is prefixed must still be split). GNU parallel's `arg<TAB>`
# looks like any line holding a tab, so it must cover most lines.
_MIN_SHARE = {"parallel": 0.6}
_DEFAULT_MIN_SHARE = 0.05
_MIN_LINES = 3

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


@dataclass(slots=True)
class PrefixSplit:
    """Per input line: the stream key (None: no key), prefix length, text, join marker."""

    keys: list[str | None]
    lengths: array  # chars of prefix stripped from each line
    texts: list[str]
    joins: bytearray  # JOIN_NONE | JOIN_NEXT (CRI `P`) | JOIN_PREVIOUS (GitLab `+`)
    styles: list[PrefixStyle] = field(default_factory=list)


# ------------------------------------------------------------ the grammar ---


def grammar_path() -> Path:
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "grammars", here / "grammars"):  # source tree, wheel
        if (candidate / "prefixes.lark").is_file():
            return candidate / "prefixes.lark"
    raise FileNotFoundError("grammars/prefixes.lark not found")


@cache
def grammar() -> Lark:
    """The prefix grammar, loaded once (Earley: styles share terminals)."""
    names = style_names_from_text(grammar_path().read_text())
    return Lark(grammar_path().read_text(), start=["prefix", *names], parser="earley",
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


class _RegexBuilder:
    """Turns lark's BNF rules (after EBNF expansion) back into one regex per rule.

    lark expands `x?` and `x*` into alternatives (`a x b | a b`); they are folded
    back (`a x? b`), so that the regex stays small, each role sub-rule (key, ...)
    yields one group where the grammar names it once, and matching does no work twice.
    """

    def __init__(self, lark: Lark):
        self.rules: dict[str, list[Rule]] = {}
        for rule in lark.rules:
            self.rules.setdefault(rule.origin.name, []).append(rule)
        self.terminals = {t.name: _uncapture(t.pattern.to_regexp()) for t in lark.terminals}
        self.groups: dict[str, list[str]] = {role: [] for role in _ROLES}

    def symbol(self, sym: Symbol, style: str) -> str:
        if isinstance(sym, NonTerminal):
            return self.rule(sym.name, style)
        return f"(?:{self.terminals[sym.name]})"

    def rule(self, name: str, style: str) -> str:
        expansions = [tuple(r.expansion) for r in self.rules[name]]
        # `x*` / `x+` become left-recursive helper rules: R: a | R b  →  a b*
        recursive = [e[1:] for e in expansions if e and e[0].name == name]
        base = [e for e in expansions if not (e and e[0].name == name)]
        body = self.alternatives(base, style)
        if recursive:
            if _names(recursive) == _names(base):
                body = f"(?:{body})+"
            else:
                body = f"(?:{body})(?:{self.alternatives(recursive, style)})*"
        for role in _ROLES:
            if name == f"{style}_{role}":
                group = f"{role}{len(self.groups[role])}"
                self.groups[role].append(group)
                return f"(?P<{group}>{body})"
        return body

    def alternatives(self, seqs: list[tuple[Symbol, ...]], style: str) -> str:
        """Alternatives factored on their first symbol (no repeated work when matching)."""
        optional = any(not s for s in seqs)
        firsts: dict[str, tuple[Symbol, list[tuple[Symbol, ...]]]] = {}
        for s in seqs:
            if s:
                firsts.setdefault(s[0].name, (s[0], []))[1].append(s[1:])
        # `x? rest`: the sequences without a leading x are exactly those after it.
        for name, (sym, rests) in firsts.items():
            others = [s for s in seqs if not s or s[0].name != name]
            if _names(others) == _names(rests):
                return f"(?:{self.symbol(sym, style)})?" + self.alternatives(rests, style)
        # `(a | b) rest`: first symbols followed by the same rests share them.
        by_rests: dict[frozenset, list[Symbol]] = {}
        rests_of: dict[frozenset, list[tuple[Symbol, ...]]] = {}
        for sym, rests in firsts.values():
            key = _names(rests)
            by_rests.setdefault(key, []).append(sym)
            rests_of[key] = rests
        parts = []
        for key, syms in by_rests.items():
            head = "|".join(self.symbol(sym, style) for sym in syms)
            if len(syms) > 1:
                head = f"(?:{head})"
            parts.append(head + self.alternatives(rests_of[key], style))
        if not parts:
            return ""
        if len(parts) == 1 and not optional:
            return parts[0]
        # Greedy: an empty alternative is tried last.
        return "(?:" + "|".join(parts) + ")" + ("?" if optional else "")


def _names(seqs: list[tuple[Symbol, ...]]) -> frozenset:
    return frozenset(tuple(sym.name for sym in s) for s in seqs)


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
    """Every style of the grammar as a PrefixStyle (layer 0), derived once."""
    lark = grammar()
    out = {}
    for name in style_names():
        builder = _RegexBuilder(lark)
        pattern = re.compile(builder.rule(name, name))
        index = pattern.groupindex
        out[name] = PrefixStyle(
            name=name, regex=pattern,
            key_groups=tuple(index[g] for g in builder.groups["key"]),
            partial_groups=tuple(index[g] for g in builder.groups["partial"]),
            continued_groups=tuple(index[g] for g in builder.groups["continued"]),
        )
    return out


def user_style(regex: str) -> PrefixStyle:
    """A `--prefix REGEX` style: anchored at the line start, the group `key` names the stream."""
    try:
        pattern = re.compile(regex)
    except re.error as e:
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


# ------------------------------------------------------------- detection ---


def detect(lines: Sequence[str], sample: int = SAMPLE_LINES) -> list[PrefixStyle]:
    """The prefix styles the first `sample` lines carry, outermost layer first."""
    texts = [ln for ln in lines[:sample] if ln.strip()]
    styles = compiled_styles()
    found: list[PrefixStyle] = []
    for layer in range(MAX_LAYERS):
        if not texts:
            break
        counts: dict[str, int] = {}
        keys: dict[str, set[str | None]] = {}
        rests: dict[str, list[str]] = {}
        for text in texts:
            for name, style in styles.items():
                hit = match_prefix(text, style)
                if hit is not None:
                    counts[name] = counts.get(name, 0) + 1
                    keys.setdefault(name, set()).add(hit[1])
                    rests.setdefault(name, []).append(text[hit[0]:])
                    break  # a line counts for its most specific style only
        chosen = []
        for name, n in counts.items():
            share = n / len(texts)
            if n < _MIN_LINES or share < _MIN_SHARE.get(name, _DEFAULT_MIN_SHARE):
                continue
            if name == "parallel" and (len(keys[name]) * 2 > n or _tabular(rests[name])):
                continue  # tags repeat (one per job, many lines each); a table is no tag
            chosen.append(name)
        if not chosen:
            break
        order = style_names()
        chosen.sort(key=order.index)
        for name in chosen:
            s = styles[name]
            found.append(PrefixStyle(s.name, s.regex, layer, s.key_groups, s.partial_groups,
                                     s.continued_groups, counts[name] / len(texts)))
        texts = [t for name in chosen for t in rests[name] if t.strip()]
    return found


def _tabular(rests: list[str]) -> bool:
    """Tab-separated columns (pprof debug=1's `#\t0x…\tfunc\tfile`): tabs inside the text."""
    inner = sum(1 for r in rests if "\t" in r.lstrip("\t"))
    return inner > 0.3 * len(rests)


# ------------------------------------------------------------- splitting ---


def split_prefixed(lines: Sequence[str], styles: Sequence[PrefixStyle],
                   user_regex: str | PrefixStyle | None = None) -> PrefixSplit:
    """Strip the prefixes of every line: layer by layer, a line may lack any layer."""
    layers: list[list[PrefixStyle]] = []
    if user_regex is not None:
        user = user_regex if isinstance(user_regex, PrefixStyle) else user_style(user_regex)
        layers.append([user])
    shift = len(layers)  # the user's prefix is the outermost
    for style in styles:
        while len(layers) <= style.layer + shift:
            layers.append([])
        layers[style.layer + shift].append(style)
    layers = [layer for layer in layers if layer]

    n = len(lines)
    keys: list[str | None] = [None] * n
    lengths = array("I", bytes(4 * n))
    joins = bytearray(n)
    if not layers:
        return PrefixSplit(keys, lengths, list(lines), joins, list(styles))
    texts = list(lines)

    for layer in layers:
        if len(layer) == 1 and not layer[0].partial_groups and not layer[0].continued_groups:
            _strip_simple(layer[0], texts, keys, lengths)
            continue
        for i, text in enumerate(texts):
            for style in layer:
                hit = match_prefix(text, style)
                if hit is None:
                    continue
                end, key, join = hit
                texts[i] = text[end:]
                lengths[i] += end
                if key is not None:
                    keys[i] = key if keys[i] is None else f"{keys[i]} {key}"
                if join:
                    joins[i] = join
                break
    return PrefixSplit(keys, lengths, texts, joins, list(styles))


def _strip_simple(style: PrefixStyle, texts: list[str], keys: list[str | None],
                  lengths: array) -> None:
    """The hot path for the common case, one style at this layer and no joins: in bulk,
    with comprehensions (several times faster than an indexed loop in CPython)."""
    matches = list(map(style.regex.match, texts))
    ends = [m.end() if m else 0 for m in matches]
    texts[:] = [t[e:] if e else t for t, e in zip(texts, ends, strict=True)]
    if any(lengths):
        lengths[:] = array("I", map(int.__add__, lengths, ends))
    else:
        lengths[:] = array("I", ends)
    kgroups = style.key_groups
    if not kgroups:
        return
    if len(kgroups) == 1:
        g = kgroups[0]
        found = [m.group(g) if m else None for m in matches]
    else:
        found = [_first(m, kgroups) if m else None for m in matches]
    if all(k is None for k in keys):
        keys[:] = found
    else:
        keys[:] = [k if new is None else new if k is None else f"{k} {new}"
                   for k, new in zip(keys, found, strict=True)]


# -------------------------------------------------------------- streams ---


def to_streams(lines: Sequence[str], split: PrefixSplit | None = None,
               styles: Sequence[PrefixStyle] | None = None, user_regex: str | None = None,
               first_line: int = 1) -> list[Stream]:
    """One Stream per key, in order of first appearance; unkeyed lines form one stream.

    Every input line ends up in exactly one stream text: whole, or joined to its
    neighbours of the same key (CRI `P`, GitLab `+`). `pieces` records the input
    columns each prefixed or joined text came from, so that the stripped prefix
    bytes can be accounted for.
    """
    if split is None:
        if styles is None:
            styles = detect(lines)
        split = split_prefixed(lines, styles, user_regex)

    order: dict[str | None, int] = {}
    numbers: list[array] = []
    texts: list[list[str]] = []
    pieces: list[dict[int, list[tuple[int, int, int]]]] = []
    open_partial: dict[str | None, bool] = {}  # key → its last text awaits more (CRI P)

    for i, key in enumerate(split.keys):
        s = order.get(key)
        if s is None:
            s = order[key] = len(order)
            numbers.append(array("I"))
            texts.append([])
            pieces.append({})
        number = first_line + i
        start = split.lengths[i]
        piece = (number, start, len(lines[i]))
        join = split.joins[i]
        t = texts[s]
        if t and (open_partial.get(key) or join == JOIN_PREVIOUS):
            j = len(t) - 1
            t[j] += split.texts[i]
            first = _whole_piece(numbers[s][j], split, lines, first_line)
            pieces[s].setdefault(j, [first]).append(piece)
        else:
            t.append(split.texts[i])
            numbers[s].append(number)
            if start:
                pieces[s][len(t) - 1] = [piece]
        open_partial[key] = join == JOIN_NEXT

    streams = []
    for key, s in order.items():
        streams.append(Stream(id=f"s{s + 1}", label=key, numbers=numbers[s], texts=texts[s],
                              pieces=pieces[s]))
    return streams


def _whole_piece(number: int, split: PrefixSplit, lines: Sequence[str],
                 first_line: int) -> tuple[int, int, int]:
    i = number - first_line
    return (number, split.lengths[i], len(lines[i]))
