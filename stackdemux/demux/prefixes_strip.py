"""Strip every line's prefixes in bulk: a few passes at C speed per chunk of lines.

The hot path runs each layer's regexes once over many lines joined
(re.findall) and splits the results with C-level passes (map, itemgetter): no
Python work per line but one append per line and stream. A chunk the bulk
form cannot read (a `\\n` inside a line, a user regex that spans lines) is
stripped line by line instead, with the same result.
"""

from __future__ import annotations

import gc
import re
from array import array
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter, or_

from .prefixes_styles import (
    JOIN_NONE,
    JOIN_PREVIOUS,
    PrefixStyle,
    match_prefix,
    unnamed,
    user_style,
)

__all__ = ["Layer", "PrefixSplit", "no_cyclic_gc", "split_prefixed"]


@dataclass(slots=True)
class PrefixSplit:
    """Per input line: the stream key (None: no key), prefix length, text, join marker."""

    keys: list[str | None]
    lengths: array  # chars of prefix stripped from each line
    texts: list[str]
    joins: bytearray  # JOIN_NONE | JOIN_NEXT (CRI `P`) | JOIN_PREVIOUS (GitLab `+`)
    styles: list[PrefixStyle] = field(default_factory=list)


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
                body = unnamed(body, "(")  # names repeat across styles; numbers stay
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
    with no_cyclic_gc():
        return _split(lines, styles, layers)


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
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
