"""Per-line log prefixes (compose, kubectl, CRI, CI runners, syslog, ...) → stream keys.

The syntax lives in grammars/prefixes.lark. Parsing millions of lines with lark
would be far too slow, so each style's rule is turned into one anchored regex
once, by grammar.py's rule compiler (the one the line grammar uses): the grammar
stays the single source of truth (a test checks both agree). The hot path runs
each layer's regexes once over many lines joined (re.findall) and splits the
results with C-level passes (map, itemgetter): no Python work per line but one
append per line and stream.

Prefixes stack (a compose prefix inside a GitHub Actions timestamp): detection
peels them layer by layer, outermost first. A collector's output may be a small
region of a long log (build output, then `docker compose up` with the crash):
detection also reads the lines around goroutine headers found behind a prefix.
"""

from __future__ import annotations

import gc
import re
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import compress, count, repeat
from operator import contains, itemgetter, or_
from pathlib import Path
from typing import TYPE_CHECKING, Any

# grammar.py's rule compiler and its reading of a grammar: one compiler for every grammar
from ..grammar import RegexCompiler, cached_compile, load_rules
from ..grammar import grammar_path as _grammar_path
from ..model import Stream

if TYPE_CHECKING:  # lark is imported only when the styles are derived anew
    from lark import Lark, Tree

# Lines looked at to decide which styles a log carries.
SAMPLE_LINES = 2000
# Styles whose key names one container or process: its reports follow one
# another (a restarted container's crash after crash), so a stream of them
# is checked for that before the separator weighs its lines. cri's key is
# stdout/stderr, buildkit's a build step (`make -j` runs many processes in
# one), gitlab's a pipe, github's prefix no key at all.
PROCESS_KEYS = frozenset({"compose", "kubectl", "syslog", "parallel", "user"})
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
    return _grammar_path("prefixes.lark")


@cache
def grammar() -> Lark:
    """The prefix grammar, loaded once (Earley: styles share terminals)."""
    from lark import Lark

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
        from lark.grammar import NonTerminal

        if isinstance(t, NonTerminal) and t.name.startswith(f"{self.style}_"):
            role = t.name[len(self.style) + 1:]
            if role in self.groups:
                group = f"{role}{len(self.groups[role])}"
                self.groups[role].append(group)
                body = super()._tree(self.rules[t.name], kind, fields, False)
                return f"(?P<{group}>{body})"
        return super()._tree(t, kind, fields, False)


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
        pattern = re.compile(source)
        index = pattern.groupindex
        out[name] = PrefixStyle(
            name=name, regex=pattern,
            key_groups=tuple(index[g] for g in key),
            partial_groups=tuple(index[g] for g in partial),
            continued_groups=tuple(index[g] for g in continued),
        )
    return out


# Bump when the derivation's output changes for the same grammar text.
_DERIVATION_VERSION = "2"


def _derive_styles() -> dict[str, tuple[str, list[str], list[str], list[str]]]:
    rule_trees, patterns = load_rules(grammar_path().read_text(), "prefixes.lark")
    out = {}
    for name in style_names():
        compiler = _RoleCompiler(rule_trees, patterns, name)
        source = compiler._tree(rule_trees[name], name, {}, False)
        groups = compiler.groups
        out[name] = (source, groups["key"], groups["partial"], groups["continued"])
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


def sample_lines(lines: Sequence[str], sample: int = SAMPLE_LINES) -> list[str]:
    """The lines detection looks at: all of a short log; of a long one its head, its
    tail and lines at an even stride between (a collector may start mid-log)."""
    n = len(lines)
    if n <= sample:
        return list(lines)
    head, tail = sample // 2, sample // 8
    middle = sample - head - tail
    step = max(1, (n - head - tail) // middle)
    return [*lines[:head], *lines[head:n - tail:step][:middle], *lines[n - tail:]]


@cache
def _any_style() -> re.Pattern[str]:
    """Every style in one regex: most sampled lines of a log carry no prefix, and
    one failed match rejects them instead of one per style."""
    alts = "|".join(f"(?:{_unnamed(s.regex.pattern, '(?:')})" for s in compiled_styles().values())
    return re.compile(alts)


def _unnamed(pattern: str, opening: str) -> str:
    """A derived pattern with its named role groups opened by `opening` instead."""
    return re.sub(r"\(\?P<\w+>", lambda _: opening, pattern)


def detect(lines: Sequence[str], sample: int = SAMPLE_LINES) -> list[PrefixStyle]:
    """The prefix styles the log carries, outermost layer first: those a sample of
    its lines shows (see sample_lines), and those that prefix the tracebacks of a
    region of it (see _regions), such as a `docker compose up` run amid build
    output. Costs the same for a log of any size."""
    texts = [ln for ln in sample_lines(lines, sample) if ln.strip()]
    regions = _regions(lines)
    styles = compiled_styles()
    order = style_names()
    found: list[PrefixStyle] = []
    layers: list[set[str]] = []  # the styles chosen at each layer so far
    for layer in range(MAX_LAYERS):
        if not texts and not regions:
            break
        whole = _tally(texts)
        chosen = {name for name in whole.counts if _holds(whole, name)}
        for region in regions:
            name = _outermost(region.seed)
            if name is None or name in chosen:
                continue  # nothing to learn from its lines (most logs: prefixed throughout)
            for done in layers[region.depth:]:  # its lines are peeled only when read
                region.texts = _rests(_tally(region.texts), done)
            region.depth = layer
            if _holds(_tally(region.texts), name):
                chosen.add(name)
        if not chosen:
            break
        for name in sorted(chosen, key=order.index):
            s = styles[name]
            share = whole.counts.get(name, 0) / max(1, whole.total)
            found.append(PrefixStyle(s.name, s.regex, layer, s.key_groups, s.partial_groups,
                                     s.continued_groups, share))
        layers.append(chosen)
        texts = _rests(whole, chosen)
        for region in regions:
            region.seed = _peel(region.seed, chosen)
        regions = [r for r in regions if r.seed is not None]
    return found


@dataclass(slots=True)
class _Tally:
    """How the non-empty lines of a sample match the styles at one layer: each
    line counts for its most specific style only."""

    total: int
    counts: dict[str, int] = field(default_factory=dict)
    keys: dict[str, set[str | None]] = field(default_factory=dict)
    rests: dict[str, list[str]] = field(default_factory=dict)  # the text after the prefix


def _tally(texts: list[str]) -> _Tally:
    out = _Tally(len(texts))
    styles = compiled_styles()
    for text in filter(_any_style().match, texts):
        for name, style in styles.items():
            hit = match_prefix(text, style)
            if hit is not None:
                out.counts[name] = out.counts.get(name, 0) + 1
                out.keys.setdefault(name, set()).add(hit[1])
                out.rests.setdefault(name, []).append(text[hit[0]:])
                break
    return out


def _holds(tally: _Tally, name: str) -> bool:
    """Whether the lines of a sample prove the style `name`."""
    n = tally.counts.get(name, 0)
    if n < _MIN_LINES or n < tally.total * _MIN_SHARE.get(name, _DEFAULT_MIN_SHARE):
        return False
    # parallel: tags repeat (one per job, many lines each); a table is no tag
    return name != "parallel" or not (len(tally.keys[name]) * 2 > n
                                      or _tabular(tally.rests[name]))


def _rests(tally: _Tally, chosen: set[str]) -> list[str]:
    """The non-empty texts after the chosen styles' prefixes: the next layer's sample."""
    return [t for name in chosen for t in tally.rests.get(name, ()) if t.strip()]


def _outermost(line: str | None) -> str | None:
    """The most specific style prefixing `line`, as _tally counts it."""
    if line is None or not _any_style().match(line):
        return None
    for name, style in compiled_styles().items():
        if match_prefix(line, style) is not None:
            return name
    return None


def _peel(line: str | None, chosen: set[str]) -> str | None:
    """`line` without its outermost prefix, when a chosen style makes it; else None."""
    name = _outermost(line)
    if line is None or name not in chosen:
        return None
    hit = match_prefix(line, compiled_styles()[name])
    return None if hit is None else line[hit[0]:]


# ---------------------------------------------------------- regions ---
#
# A collector's output may be a small part of a long log (a CI job's build
# output, then `docker compose up` with the crash, then more build output): no
# share of a sample of the whole log shows its prefix. Its tracebacks do: a
# goroutine header behind a prefix. The lines around such headers are a sample
# of their own, where the style prefixing the header must hold as in a log of
# its own.

# Lines searched for goroutine headers behind a prefix: all of a log this long,
# evenly spaced blocks of SCAN_BLOCK lines of a longer one (a bulk search at C
# speed: ~20 ms for 128Ki lines). A sieved big log arrives here window by window anyway.
SCAN_LINES = 1 << 17
SCAN_BLOCK = 1 << 12
# Lines read around each header found (a dump runs on after its first header),
# and regions read at most.
REGION_BEFORE, REGION_AFTER = 8, 120
MAX_REGIONS = 16
# The line grammar's header regex costs per char of a long near-header, so text
# from the lead longer than this is no header here, and after this many misses
# that looked like one (`goroutine 1 [running]: (see runbook)`, or input made to
# be slow) the search stops.
HEADER_MAX = 512
MAX_MISSES = 256


@dataclass(slots=True)
class _Region:
    texts: list[str]  # its non-empty lines, without the first `depth` layers
    seed: str | None  # the goroutine header line found behind a prefix, without
    # the layers chosen so far (None: no chosen style prefixes it)
    depth: int = 0


def _regions(lines: Sequence[str]) -> list[_Region]:
    seeds = _seed_lines(lines)
    if len(seeds) > MAX_REGIONS:  # evenly spread over the log
        seeds = [seeds[i * len(seeds) // MAX_REGIONS] for i in range(MAX_REGIONS)]
    n = len(lines)
    out = []
    for s in seeds:
        a = max(0, s - REGION_BEFORE)
        window = lines[a:min(n, s + REGION_AFTER)]
        if s - a < len(window):
            out.append(_Region([t for t in window if t.strip()], window[s - a]))
    return out


def _scan_blocks(n: int) -> list[tuple[int, int]]:
    if n <= SCAN_LINES:
        return [(0, n)]
    k = SCAN_LINES // SCAN_BLOCK
    return [(a, a + SCAN_BLOCK) for a in (i * (n - SCAN_BLOCK) // (k - 1) for i in range(k))]


@cache
def _header_search() -> tuple[str, Any]:
    """The literal a goroutine header starts with (str.find runs far faster than a
    regex search), and the whole header: from the line grammar."""
    from ..grammar import line_grammar

    g = line_grammar()
    lead = g.leads["goroutine_header"] or ""
    literal = re.sub(r"\\(.)", r"\1", lead)
    if not literal or re.search(r"[][.^$*+?{}|()]", re.sub(r"\\.", "", lead)):
        raise ValueError(f"goroutine_header no longer starts with a literal: {lead!r}")
    return literal, g.kind_regex("goroutine_header").fullmatch


def _seed_lines(lines: Sequence[str]) -> list[int]:
    """Indices of the scanned lines where a goroutine header follows a prefix (not
    mere indentation), at most one per REGION_AFTER lines."""
    lead, header = _header_search()
    seeds: list[int] = []
    misses = 0
    for a, b in _scan_blocks(len(lines)):
        block = lines[a:b]
        # the lines holding the lead, found at C speed: in a prefixed log every
        # goroutine's header and `created by` line, in build output almost none
        for j in compress(count(a), map(contains, block, repeat(lead))):
            if seeds and j < seeds[-1] + REGION_AFTER:
                continue
            text = block[j - a]
            first = len(text) - len(text.lstrip())  # a header past it follows a prefix
            i = text.find(lead, first + 1)
            if i < 0 or len(text) - i > HEADER_MAX:
                continue
            if header(text, i) is not None:
                seeds.append(j)
            elif "[" in text[i:i + 32]:  # `created by … in goroutine 7` fails at once
                misses += 1
                if misses > MAX_MISSES:
                    return seeds
    return seeds


def _tabular(rests: list[str]) -> bool:
    """Tab-separated columns (pprof debug=1's `#\t0x…\tfunc\tfile`): tabs inside the text."""
    inner = sum(1 for r in rests if "\t" in r.lstrip("\t"))
    return inner > 0.3 * len(rests)


# ------------------------------------------------------------- splitting ---

# Lines stripped per bulk regex run: bounds the joined text and the match tuples.
CHUNK_LINES = 1 << 15

Layer = tuple[PrefixStyle, ...]  # styles that may stand at one depth, most specific first


@dataclass(frozen=True, slots=True)
class _Bulk:
    """Every layer's styles as one regex run over many lines joined by `\n`:
    `\n(?:(layer 1 style 1)|(layer 1 style 2)|)(?:(layer 2 style 1)|)…` matches
    once per line (an empty group where a layer is missing, as when peeling layer
    by layer), and findall hands back, per line, a tuple of the groups at the
    indexes below."""

    regex: re.Pattern[str]
    whole: tuple[int, ...]  # each style's whole prefix
    keys: tuple[tuple[int, ...], ...]  # per layer that names streams: its key groups
    joins: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]  # per layer: partial, continued


@dataclass(slots=True)
class _Stripped:
    texts: list[str]
    ends: array  # prefix length per line (0: none)
    keys: list[str | None] | None  # None: no layer names a stream
    joins: bytearray | None  # None: no style asks for joins


# A user regex that cannot run in bulk: anchors at the string's ends, global flags.
_LINE_BOUND = re.compile(r"\\[AZ]|^\(\?[aiLmsux]+\)")


def _bulk(layers: tuple[Layer, ...]) -> _Bulk | None:
    # Compiled once per set of patterns (detect makes new PrefixStyles for every log).
    return _bulk_of(tuple(tuple((s.name == "user", s.regex.pattern, s.regex.groups, s.key_groups,
                                 s.partial_groups, s.continued_groups) for s in layer)
                          for layer in layers))


@lru_cache(maxsize=64)
def _bulk_of(layers: tuple[tuple[tuple, ...], ...]) -> _Bulk | None:
    pattern, whole, keys, joins = [r"\n"], [], [], []
    group = 0  # groups so far: a style's group g is number group + 1 + g in the whole
    for layer in layers:
        parts, key, partial, continued = [], [], [], []
        for user, body, groups, key_groups, partial_groups, continued_groups in layer:
            if user:
                if _LINE_BOUND.search(body):
                    return None
            else:
                body = _unnamed(body, "(")  # names repeat across styles; numbers stay
            parts.append(f"({body})")
            whole.append(group)  # findall's tuple index: group number - 1
            key += [group + g for g in key_groups]
            partial += [group + g for g in partial_groups]
            continued += [group + g for g in continued_groups]
            group += 1 + groups
        pattern.append(f"(?:{'|'.join(parts)}|)")
        if key:
            keys.append(tuple(key))
        if partial or continued:
            joins.append((tuple(partial), tuple(continued)))
    try:
        regex = re.compile("".join(pattern), re.MULTILINE)
    except re.error:  # a user regex that cannot be embedded
        return None
    if regex.groups != group:
        return None
    return _Bulk(regex, tuple(whole), tuple(keys), tuple(joins))


def _column(found: list, indexes: tuple[int, ...]):
    """Per line, the one non-empty value among the groups at `indexes` ('' for none)."""
    if len(indexes) == 1:
        return map(itemgetter(indexes[0]), found)
    return map("".join, map(itemgetter(*indexes), found))


def _strip_bulk(bulk: _Bulk, lines: list[str],
                interned: dict[str, str | None]) -> _Stripped | None:
    """Strip a chunk of lines in a few passes at C speed; None when a line breaks the
    bulk form (a `\n` inside a line, a user regex matching across lines)."""
    text = "\n".join(lines)
    if text.count("\n") != len(lines) - 1:
        return None
    first = lines[0]
    found = bulk.regex.findall("\n" + first)
    found += bulk.regex.findall(text, len(first))
    if len(found) != len(lines):  # some match swallowed a line end
        return None
    wholes = found if bulk.regex.groups == 1 else _column(found, bulk.whole)
    ends = array("I", map(len, wholes))
    texts = [t[e:] for t, e in zip(lines, ends, strict=True)]  # faster than map+slice()
    keys = None
    if bulk.keys:
        if len(bulk.keys) == 1:
            column = list(_column(found, bulk.keys[0]))
        else:  # keys of stacked layers, outermost first
            columns = [list(_column(found, k)) for k in bulk.keys]
            column = [" ".join(filter(None, ks)) for ks in zip(*columns, strict=True)]
        # One str object per distinct key ('' for none: None), not one per line: a
        # fraction of the memory, and hashed once when grouping.
        keys = list(map(interned.setdefault, column, column))
    joins = None
    for partial, continued in bulk.joins:
        layer = bytearray(len(lines))
        if partial:
            layer = bytearray(map(bool, _column(found, partial)))  # 1: JOIN_NEXT
        if continued:
            more = bytearray(map(bool, _column(found, continued))).translate(_TO_PREVIOUS)
            layer = bytearray(map(or_, layer, more))
        # an inner layer's marker wins, as when peeling layer by layer
        joins = layer if joins is None else bytearray(
            new or old for old, new in zip(joins, layer, strict=True))
    return _Stripped(texts, ends, keys, joins)


_TO_PREVIOUS = bytes([JOIN_NONE, JOIN_PREVIOUS]) + bytes(range(2, 256))


def _strip_lines(layers: tuple[Layer, ...], lines: list[str]) -> _Stripped:
    """The same as _strip_bulk, one line, layer and style at a time."""
    n = len(lines)
    texts = list(lines)
    ends = array("I", bytes(4 * n))
    keys: list[str | None] = [None] * n
    joins = bytearray(n)
    for layer in layers:
        for i, text in enumerate(texts):
            for style in layer:
                hit = match_prefix(text, style)
                if hit is None:
                    continue
                end, key, join = hit
                texts[i] = text[end:]
                ends[i] += end
                if key is not None:
                    keys[i] = key if keys[i] is None else f"{keys[i]} {key}"
                if join:
                    joins[i] = join
                break
    keyed = any(s.key_groups for layer in layers for s in layer)
    joined = any(s.partial_groups or s.continued_groups for layer in layers for s in layer)
    return _Stripped(texts, ends, keys if keyed else None, joins if joined else None)


def _layers(styles: Sequence[PrefixStyle],
            user_regex: str | PrefixStyle | None) -> tuple[Layer, ...]:
    layers: list[list[PrefixStyle]] = []
    if user_regex is not None:
        user = user_regex if isinstance(user_regex, PrefixStyle) else user_style(user_regex)
        layers.append([user])
    shift = len(layers)  # the user's prefix is the outermost
    for style in styles:
        while len(layers) <= style.layer + shift:
            layers.append([])
        layers[style.layer + shift].append(style)
    return tuple(tuple(layer) for layer in layers if layer)


def split_prefixed(lines: Sequence[str], styles: Sequence[PrefixStyle],
                   user_regex: str | PrefixStyle | None = None) -> PrefixSplit:
    """Strip the prefixes of every line: layer by layer, a line may lack any layer.

    All layers run in bulk (see _Bulk): a handful of passes at C speed per chunk
    of lines instead of Python work per line; a chunk the bulk form cannot read
    is stripped line by line instead."""
    layers = _layers(styles, user_regex)
    n = len(lines)
    if not layers:
        return PrefixSplit([None] * n, array("I", bytes(4 * n)), list(lines), bytearray(n),
                           list(styles))
    with _no_cyclic_gc():
        return _split(lines, styles, layers)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Stripping allocates millions of objects (match tuples, texts) and makes no
    cycles: the cyclic GC would rescan them over and over (as in parse.py)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _split(lines: Sequence[str], styles: Sequence[PrefixStyle],
           layers: tuple[Layer, ...]) -> PrefixSplit:
    n = len(lines)
    bulk = _bulk(layers)
    interned: dict[str, str | None] = {"": None}
    out = _Stripped([], array("I"), None, None)
    for start in range(0, n, CHUNK_LINES):
        chunk = lines[start:start + CHUNK_LINES]
        if not isinstance(chunk, list):
            chunk = list(chunk)
        got = _strip_bulk(bulk, chunk, interned) if bulk is not None else None
        if got is None:
            got = _strip_lines(layers, chunk)
        out.texts += got.texts
        out.ends += got.ends
        if got.keys is not None:
            if out.keys is None:
                out.keys = [None] * start
            out.keys += got.keys
        elif out.keys is not None:
            out.keys += [None] * len(chunk)
        if got.joins is not None:
            if out.joins is None:
                out.joins = bytearray(start)
            out.joins += got.joins
        elif out.joins is not None:
            out.joins += bytes(len(chunk))
    return PrefixSplit(
        keys=[None] * n if out.keys is None else out.keys,
        lengths=out.ends,
        texts=out.texts,
        joins=bytearray(n) if out.joins is None else out.joins,
        styles=list(styles),
    )


# -------------------------------------------------------------- streams ---


def to_streams(lines: Sequence[str], split: PrefixSplit | None = None,
               styles: Sequence[PrefixStyle] | None = None, user_regex: str | None = None,
               first_line: int = 1) -> list[Stream]:
    """One Stream per key, in order of first appearance; unkeyed lines form one stream.

    Every input line ends up in exactly one stream text: whole, or joined to its
    neighbours of the same key (CRI `P`, GitLab `+`). `prefix_lengths` says how
    many chars of prefix were stripped before each text; a joined text also lists
    in `pieces` the input columns it came from.
    """
    if split is None:
        if styles is None:
            styles = detect(lines)
        split = split_prefixed(lines, styles, user_regex)

    with _no_cyclic_gc():
        return _streams(lines, split, first_line)


def _streams(lines: Sequence[str], split: PrefixSplit, first_line: int) -> list[Stream]:
    keys, texts, lengths = split.keys, split.texts, split.lengths
    n = len(keys)
    order = dict.fromkeys(keys)  # keys in order of first appearance
    parts: dict[str | None, tuple[Sequence[int], list[str], array]] = {}
    if len(order) <= 1:
        for key in order:
            parts[key] = (range(first_line, first_line + n), texts, lengths)
    else:
        for key in order:
            parts[key] = (array("I"), [], array("I"))
        # One pass, three appends per line: in CPython faster than gathering by index
        # or than itertools.compress with a mask per stream (measured, 8 streams).
        adds = {k: (p[0].append, p[1].append, p[2].append) for k, p in parts.items()}
        for number, key, text, length in zip(count(first_line), keys, texts, lengths):
            add_number, add_text, add_length = adds[key]
            add_number(number)
            add_text(text)
            add_length(length)

    attach = _attachments(split, parts, first_line)
    streams = []
    for s, (key, (numbers, stexts, slengths)) in enumerate(parts.items()):
        pieces: dict[int, list[tuple[int, int, int]]] = {}
        if attach.get(key):
            numbers, stexts, slengths, pieces = _join(
                numbers, stexts, slengths, sorted(attach[key]), lines, first_line)
        has_prefix = slengths.count(0) != len(slengths)
        streams.append(Stream(id=f"s{s + 1}", label=key, numbers=numbers, texts=stexts,
                              pieces=pieces, prefix_lengths=slengths if has_prefix else ()))
    return streams


_JOINED = re.compile(rb"[^\x00]")


def _attachments(split: PrefixSplit, parts: dict, first_line: int) -> dict[str | None, set[int]]:
    """Per key, the positions in its stream of texts that continue the text before
    them: after a CRI `P` line, or a GitLab `+` line itself. Work per marked line only."""
    attach: dict[str | None, set[int]] = {}
    for m in _JOINED.finditer(split.joins):
        i = m.start()
        key = split.keys[i]
        numbers = parts[key][0]
        j = bisect_left(numbers, first_line + i)  # numbers ascend
        if split.joins[i] == JOIN_NEXT:
            if j + 1 < len(numbers):
                attach.setdefault(key, set()).add(j + 1)
        elif j > 0:  # JOIN_PREVIOUS: nothing before it in its stream → stays whole
            attach.setdefault(key, set()).add(j)
    return attach


def _join(numbers: Sequence[int], texts: list[str], lengths: array, attach: list[int],
          lines: Sequence[str], first_line: int):
    """Join each run of attached texts to the text before it; the joined text lists
    its pieces (input line, start column, end column)."""
    out_n, out_t, out_l = array("I"), [], array("I")
    pieces: dict[int, list[tuple[int, int, int]]] = {}
    done = 0  # texts before this index are copied
    k = 0
    while k < len(attach):
        start, end = attach[k] - 1, attach[k] + 1
        k += 1
        while k < len(attach) and attach[k] == end:
            end += 1
            k += 1
        out_n.extend(numbers[done:start])
        out_t.extend(texts[done:start])
        out_l.extend(lengths[done:start])
        pieces[len(out_t)] = [(numbers[j], lengths[j], len(lines[numbers[j] - first_line]))
                              for j in range(start, end)]
        out_n.append(numbers[start])
        out_t.append("".join(texts[start:end]))
        out_l.append(lengths[start])
        done = end
    out_n.extend(numbers[done:])
    out_t.extend(texts[done:])
    out_l.extend(lengths[done:])
    return out_n, out_t, out_l, pieces
