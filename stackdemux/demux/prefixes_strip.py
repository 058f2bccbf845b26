"""Strip every line's prefixes in bulk: a few passes at C speed per chunk of lines.

The hot path runs each layer's regexes once over many lines joined
(re.split: the texts after the prefixes and the prefixes' groups come out
as one list) and takes them apart with C-level passes (slices, map): no
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
from itertools import repeat
from operator import or_, sub

from .. import rx
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
# Distinct stripped texts remembered to share one str object between equal
# texts: a crashing container prints the same stack crash after crash, and every
# text is held until the parse (60 MB of compose crashes: 111 MB of texts, 376
# distinct). Bounded, so that a log that never repeats a line costs one dict
# insert a line and no dict of the whole log.
SHARED_TEXTS = 1 << 16

# Lines of a chunk read to tell whether its lines repeat (see _strip_chunk).
REPEATS_SAMPLE = 1 << 12

Layer = tuple[PrefixStyle, ...]  # styles that may stand at one depth, most specific first


@dataclass(frozen=True, slots=True)
class _Bulk:
    """Every layer's styles as one regex run over many lines joined by `\n`:
    `\n(?:(?:layer 1 style 1)|(?:layer 1 style 2)|)(?:(?:layer 2 style 1)|)…`
    matches once per line (empty where a layer is missing, as when peeling
    layer by layer). re.split hands back, per line, the groups numbered below
    (None: not matched) and then the line's text after its prefixes."""

    regex: re.Pattern[str]
    keys: tuple[tuple[int, ...], ...]  # per layer that names streams: its key groups
    joins: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]  # per layer: partial, continued


@dataclass(slots=True)
class _Stripped:
    texts: list[str]
    ends: array  # prefix length per line (0: none)
    keys: list[str | None] | None  # None: no layer names a stream
    joins: bytearray | None  # None: no style asks for joins


# A user regex that cannot run in bulk: anchors at the string's ends, global flags.
_LINE_BOUND = rx.compile(r"\\[AZ]|^\(\?[aiLmsux]+\)")


def _bulk(layers: tuple[Layer, ...]) -> _Bulk | None:
    # Compiled once per set of patterns (detect makes new PrefixStyles for every log).
    return _bulk_of(tuple(tuple((s.name == "user", s.regex.pattern, s.regex.groups, s.key_groups,
                                 s.partial_groups, s.continued_groups) for s in layer)
                          for layer in layers))


@lru_cache(maxsize=64)
def _bulk_of(layers: tuple[tuple[tuple, ...], ...]) -> _Bulk | None:
    pattern, keys, joins = [r"\n"], [], []
    group = 0  # groups so far: a style's group g is number group + g in the whole
    for layer in layers:
        parts, key, partial, continued = [], [], [], []
        for user, body, groups, key_groups, partial_groups, continued_groups in layer:
            if user:
                if _LINE_BOUND.search(body):
                    return None
            else:
                body = unnamed(body, "(")  # names repeat across styles; numbers stay
            # not captured: a prefix's length is its line's less the text after it
            parts.append(f"(?:{body})")
            key += [group + g for g in key_groups]
            partial += [group + g for g in partial_groups]
            continued += [group + g for g in continued_groups]
            group += groups
        pattern.append(f"(?:{'|'.join(parts)}|)")
        if key:
            keys.append(tuple(key))
        if partial or continued:
            joins.append((tuple(partial), tuple(continued)))
    try:
        regex = re.compile("".join(pattern), re.MULTILINE)
    except rx.REFUSED:  # a user regex that cannot be embedded
        return None
    if regex.groups != group:
        return None
    return _Bulk(regex, tuple(keys), tuple(joins))


def _strip_bulk(bulk: _Bulk, lines: list[str],
                interned: dict[str | None, str | None]) -> _Stripped | None:
    """Strip a chunk of lines in a few passes at C speed; None when a line breaks the
    bulk form (a `\n` inside a line, a user regex matching across lines).

    re.split cuts the text at each line's prefixes: between the cuts lie the
    texts the lines keep, and beside each cut the groups of its prefix."""
    text = "\n".join(lines)
    if text.count("\n") != len(lines) - 1:
        return None
    stride = bulk.regex.groups + 1  # per line: its groups, then its text
    parts = bulk.regex.split("\n" + text)
    if len(parts) != 1 + stride * len(lines) or parts[0]:  # some match swallowed a line end
        return None
    texts = parts[stride::stride]
    ends = array("I", map(sub, map(len, lines), map(len, texts)))

    def column(indexes: tuple[int, ...]):
        """Per line, the one value among the groups numbered `indexes` (None or '': none)."""
        if len(indexes) == 1:
            return parts[indexes[0]::stride]
        columns = zip(*(parts[i::stride] for i in indexes), strict=True)
        return map("".join, map(filter, repeat(None), columns))

    keys = None
    if bulk.keys:
        if len(bulk.keys) == 1:
            values = list(column(bulk.keys[0]))
        else:  # keys of stacked layers, outermost first
            columns = [list(column(k)) for k in bulk.keys]
            values = [" ".join(filter(None, ks)) for ks in zip(*columns, strict=True)]
        # One str object per distinct key ('' or None for none: None), not one per
        # line: a fraction of the memory, and hashed once when grouping.
        keys = list(map(interned.setdefault, values, values))
    joins = None
    for partial, continued in bulk.joins:
        layer = bytearray(len(lines))
        if partial:
            layer = bytearray(map(bool, column(partial)))  # 1: JOIN_NEXT
        if continued:
            more = bytearray(map(bool, column(continued))).translate(_TO_PREVIOUS)
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


def _strip_chunk(bulk: _Bulk | None, layers: tuple[Layer, ...], chunk: list[str],
                 interned: dict[str | None, str | None], shared: dict[str, str]) -> _Stripped:
    """A chunk's lines stripped, equal texts one str (see SHARED_TEXTS).

    A service restarted in a loop prints the same lines crash after crash, its
    prefix the same on each when no time is in it (compose, kubectl --prefix):
    a chunk whose lines mostly repeat has each distinct line stripped once, and
    every line given its line's result (60 MB of compose crashes: 2.6 k distinct
    lines of 1.26 M, stripped in 0.2 s instead of 1.3 s). A line is stripped
    alone, whatever lines are around it, so the result is the same."""
    sample = chunk[:REPEATS_SAMPLE]
    if len(set(sample)) * 2 > len(sample):  # mostly distinct lines (a time in each, say)
        got = _strip(bulk, layers, chunk, interned)
        got.texts = list(map(shared.setdefault, got.texts, got.texts))
        return got
    distinct = list(dict.fromkeys(chunk))
    got = _strip(bulk, layers, distinct, interned)
    texts = map(shared.setdefault, got.texts, got.texts)
    return _Stripped(
        list(map(dict(zip(distinct, texts, strict=True)).__getitem__, chunk)),
        array("I", map(dict(zip(distinct, got.ends, strict=True)).__getitem__, chunk)),
        None if got.keys is None else
        list(map(dict(zip(distinct, got.keys, strict=True)).__getitem__, chunk)),
        None if got.joins is None else
        bytearray(map(dict(zip(distinct, got.joins, strict=True)).__getitem__, chunk)))


def _strip(bulk: _Bulk | None, layers: tuple[Layer, ...], lines: list[str],
           interned: dict[str | None, str | None]) -> _Stripped:
    got = _strip_bulk(bulk, lines, interned) if bulk is not None else None
    return got if got is not None else _strip_lines(layers, lines)


def _split(lines: Sequence[str], styles: Sequence[PrefixStyle],
           layers: tuple[Layer, ...]) -> PrefixSplit:
    n = len(lines)
    bulk = _bulk(layers)
    interned: dict[str | None, str | None] = {"": None, None: None}
    shared: dict[str, str] = {}  # see SHARED_TEXTS
    out = _Stripped([], array("I"), None, None)
    for start in range(0, n, CHUNK_LINES):
        chunk = lines[start:start + CHUNK_LINES]
        if not isinstance(chunk, list):
            chunk = list(chunk)
        if len(shared) > SHARED_TEXTS:
            shared.clear()
        got = _strip_chunk(bulk, layers, chunk, interned, shared)
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
