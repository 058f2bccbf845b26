"""A stream's lines searched in bulk a chunk at a time, never joined whole.

The demultiplexer's first stages and the parser's idle skip search a stream's
lines with regexes at C speed over the lines joined by newlines. Joined whole,
that text was the run's peak memory: 80 MB for a 50 MB log once one character
past U+00FF (a gcc ‘quote’) made it 2 bytes a character. Here the lines are
joined CHUNK characters at a time, and each search answers as it would over
the whole text:

* a chunk *owns* its lines and the newline before its first line: every
  position of the whole text is owned by exactly one chunk;
* it also holds the lines after its own that a match starting in its own part
  may read (`Reach.newlines`: the most newlines a match, lookaheads included,
  reads, worked out from the pattern), and before them enough characters for
  the pattern's lookbehinds (`Reach.behind`), so a match that starts in its own
  part is found there as in the whole text, and a match found there is one of
  the whole text's (a chunk begins and ends at a line's start and end: `$` and
  `\\b` read its ends as they read a line's);
* a pattern whose matches may read unboundedly many newlines (`\\s*`), or that
  tells the text's end from a line's end (`$` without re.M, `\\Z`), has no
  reach: it is searched over the text joined whole, as before.

Where the chunks begin (Layout) is worked out once a stream, from its joined
text's length and newlines when the source's text is at hand, else from its
lines' lengths, and shared by every stage (Stream.layout); so is its size. A
stream no longer than one chunk is one chunk: its text is joined once and kept
(Stream.joined), as every stage shares it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import add

from . import rx
from .sre import constants as _c
from .sre import parser as _p

__all__ = ["CHUNK", "Chunk", "Layout", "LineCounter", "Reach", "chunk_at", "chunks",
           "finditer", "layout", "layout_of_text", "match_first", "reach", "search", "whole_chunk"]

# Characters of lines joined at a time (2 bytes a character at most, for the
# lines seen: 8 MiB beside the lines).
CHUNK = 1 << 22


@dataclass(frozen=True, slots=True)
class Reach:
    newlines: int  # the most newlines a match reads past its start (lookaheads too)
    behind: int  # the most characters a lookbehind reads before a match's start


@dataclass(frozen=True, slots=True)
class Chunk:
    text: str  # lines line0.. joined by newlines
    line0: int  # the index of the line `text` begins with
    offset: int  # where `text` begins in the whole text
    start: int  # its own part, [start, stop) in `text`: the newline before its
    stop: int  # first own line (none for the stream's first), to its last own line's end

    def line_at(self, pos: int) -> int:
        """The index of the line that holds `text[pos]` (a newline: the line it ends)."""
        return self.line0 + self.text.count("\n", 0, pos)


def reach(pattern: re.Pattern[str]) -> Reach | None:
    """How far a match of `pattern` reads (see Reach); None: no bound, or it
    tells the text's ends from a line's."""
    got = rx.derived(_reach_of, f"{int(pattern.flags)}:{pattern.pattern}", "stackdemux.sre")
    return None if got is None else Reach(*got)


def _reach_of(key: str) -> tuple[int, int] | None:
    flags, pattern = key.split(":", 1)
    try:
        parsed = _p.parse(pattern, int(flags) & ~re.UNICODE)
    except Exception:  # an unexpected pattern is searched whole: never wrongly
        return None
    return _walk(parsed, parsed.state.flags)


_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT))
_ENDS = (_c.AT_END, _c.AT_END_STRING)
_HOLD_NEWLINE = frozenset({_c.CATEGORY_SPACE, _c.CATEGORY_NOT_DIGIT, _c.CATEGORY_NOT_WORD,
                           _c.CATEGORY_LINEBREAK})
_HOLD_NO_NEWLINE = frozenset({_c.CATEGORY_NOT_SPACE, _c.CATEGORY_DIGIT, _c.CATEGORY_WORD,
                              _c.CATEGORY_NOT_LINEBREAK})


def _walk(items, flags: int) -> tuple[int, int] | None:
    """(newlines read at most, characters looked behind at most) of a parsed
    sequence; None where unbounded or unknown."""
    newlines = behind = 0
    for op, av in items:
        if op is _c.LITERAL:
            newlines += av == 10
        elif op is _c.NOT_LITERAL:
            newlines += av != 10
        elif op is _c.ANY:
            newlines += bool(flags & re.DOTALL)
        elif op is _c.IN:
            held = _in_holds_newline(av)
            if held is None:
                return None
            newlines += held
        elif op is _c.AT:
            if av in _ENDS and not flags & re.MULTILINE:
                return None  # `$`: the text's end, which a chunk's end is not
        elif op is _c.BRANCH:
            subs = [_walk(s, flags) for s in av[1]]
            if any(s is None for s in subs):
                return None
            newlines += max(s[0] for s in subs)  # type: ignore[index]
            behind = max(behind, *(s[1] for s in subs))  # type: ignore[index]
        elif op is _c.SUBPATTERN:
            sub = _walk(av[3], (flags | av[1]) & ~av[2])
            if sub is None:
                return None
            newlines, behind = newlines + sub[0], max(behind, sub[1])
        elif op in _REPEATS:
            _, hi, p = av
            sub = _walk(p, flags)
            if sub is None or (sub[0] and hi == _c.MAXREPEAT):
                return None
            newlines, behind = newlines + sub[0] * hi, max(behind, sub[1])
        elif op is _c.ASSERT or op is _c.ASSERT_NOT:
            direction, p = av
            sub = _walk(p, flags)
            if sub is None:
                return None
            if direction < 0:  # read before: characters, whatever they are
                behind = max(behind, p.getwidth()[1] + sub[1])
            else:
                newlines, behind = newlines + sub[0], max(behind, sub[1])
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            sub = _walk(av, flags)
            if sub is None:
                return None
            newlines, behind = newlines + sub[0], max(behind, sub[1])
        else:  # a back reference, a conditional group: not worked out
            return None
    # (a lookbehind inside a match reads back from a later place: counted as if
    # from its start, and the match's own characters before it bound it too)
    return newlines, behind


def _in_holds_newline(items) -> bool | None:
    negate = bool(items) and items[0][0] is _c.NEGATE
    held = False
    for op, av in items[negate:]:
        if op is _c.LITERAL:
            held = held or av == 10
        elif op is _c.RANGE:
            held = held or av[0] <= 10 <= av[1]
        elif op is _c.CATEGORY:
            if av in _HOLD_NEWLINE:
                held = True
            elif av not in _HOLD_NO_NEWLINE:
                return None
        else:
            return None
    return held != negate


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a stream's chunks begin: worked out once per stream (Stream.layout)
    and shared by every stage that searches it in bulk."""

    size: int  # characters of the texts joined by newlines
    firsts: list[int]  # the first line of each chunk, and len(texts)
    starts: list[int]  # where each chunk's first line begins in the joined text, and size + 1

    @property
    def whole(self) -> bool:
        """One chunk: the texts are searched joined whole."""
        return len(self.firsts) <= 2


# Lines summed at a time (one `sum` in C): only a block a chunk ends in is
# summed line by line
_BLOCK = 4096


def layout(texts: Sequence[str], size: int | None = None) -> Layout:
    """The chunks of `texts`: each chunk's lines joined are `size` characters
    or fewer (CHUNK), or one line. One pass over the lengths, a block of lines
    at a time."""
    size = CHUNK if size is None else size
    n = len(texts)
    firsts, starts = [0], [0]
    limit = size + 1  # a line whose newline ends at or before it is in the chunk
    at = 0  # where texts[i] begins
    for i in range(0, n, _BLOCK):
        block = texts[i:i + _BLOCK]
        end = at + sum(map(len, block)) + len(block)
        ends: list[int] = []  # where each of the block's lines begins, and `end`
        while end > limit:  # a chunk ends in this block
            ends = ends or list(accumulate(map(add, map(len, block), repeat(1)), initial=at))
            k = bisect_right(ends, limit) - 1  # of the block's lines, those that fit
            first = i + max(k, firsts[-1] - i + 1)  # (a line longer than a chunk: alone)
            if first >= n:
                break
            firsts.append(first)
            starts.append(ends[first - i])
            limit = starts[-1] + size + 1
        at = end
    total = max(at - 1, 0)  # (no newline after the last line; none without lines)
    firsts.append(n)
    starts.append(total + 1)
    return Layout(total, firsts, starts)


def layout_of_text(text: str, count: int, size: int | None = None) -> Layout:
    """layout() of `count` texts joined in `text`, read off the text (its
    length, and a search for the newline that ends each chunk: C speed)."""
    size = CHUNK if size is None else size
    firsts, starts = [0], [0]
    at, line = 0, 0  # where the chunk's first line begins, its index
    while at + size < len(text):  # (the rest is more than a chunk)
        end = text.rfind("\n", at, at + size + 1)  # the chunk's last line's newline
        if end < 0:  # a line longer than a chunk: alone
            end = text.find("\n", at)
            if end < 0:
                break
        line += text.count("\n", at, end + 1)
        at = end + 1
        firsts.append(line)
        starts.append(at)
    firsts.append(count)
    starts.append(len(text) + 1)
    return Layout(len(text), firsts, starts)


def chunks(texts: Sequence[str], how: Reach, whole: str | None = None,
           where: Layout | None = None, size: int | None = None) -> Iterator[Chunk]:
    """The stream's chunks for a pattern that reads `how` far (see the module's
    doc), joined one at a time as they are read; `whole`: the texts joined,
    when at hand (one chunk then); `where`: layout(texts), when at hand."""
    if whole is not None:
        yield whole_chunk(whole)
        return
    if where is None:
        where = layout(texts, size)
    for k in range(len(where.firsts) - 1):
        yield chunk_at(texts, how, where, k)


def whole_chunk(whole: str) -> Chunk:
    """The texts joined whole, as one chunk."""
    return Chunk(whole, 0, 0, 0, len(whole))


def chunk_at(texts: Sequence[str], how: Reach, where: Layout, k: int) -> Chunk:
    """The k-th of the chunks `where` lays out, for a pattern that reads `how` far."""
    firsts = where.firsts
    a, b = firsts[k], firsts[k + 1]
    # before: the line before (its newline is owned) and what lookbehinds read,
    # with one character more, so that the text's own start (`^`) is never in a
    # later chunk's own part
    lo, chars = a, 0
    while lo > 0 and (lo == a or chars <= max(how.behind, 1)):
        lo -= 1
        chars += len(texts[lo]) + 1
    hi = min(len(texts), b + how.newlines)
    start = chars - 1 if a else 0
    stop = chars + where.starts[k + 1] - 1 - where.starts[k]
    return Chunk("\n".join(texts[lo:hi]), lo, where.starts[k] - chars, start, stop)


def match_first(pattern: re.Pattern[str], texts: Sequence[str],
                whole: str | None = None) -> re.Match[str] | None:
    """pattern.match at the start of the texts joined (the lines a match there may read)."""
    how = reach(pattern)
    if whole is None:
        # (a match at the start reads its first line and `how.newlines` more)
        whole = "\n".join(texts if how is None else texts[:1 + how.newlines])
    return pattern.match(whole)


def search(pattern: re.Pattern[str], texts: Sequence[str], whole: str | None = None,
           where: Layout | None = None) -> re.Match[str] | None:
    """The first match of `pattern` in the texts joined (in its chunk's text:
    Chunk.offset says where that begins); None when there is none."""
    for _, m in finditer(pattern, texts, whole, where, first=True):
        return m
    return None


class LineCounter:
    """The line of each match, counted on from the last one asked in its chunk
    (matches come in order: the chunk's newlines are counted once)."""

    __slots__ = ("_chunk", "_line", "_pos")

    def __init__(self) -> None:
        self._chunk: Chunk | None = None
        self._pos = self._line = 0

    def line(self, chunk: Chunk, pos: int) -> int:
        """The index of the line that holds chunk.text[pos]."""
        if chunk is not self._chunk:
            self._chunk, self._pos, self._line = chunk, 0, chunk.line0
        self._line += chunk.text.count("\n", self._pos, pos)
        self._pos = pos
        return self._line


def finditer(pattern: re.Pattern[str], texts: Sequence[str], whole: str | None = None,
             where: Layout | None = None, first: bool = False,
             size: int | None = None) -> Iterator[tuple[Chunk, re.Match[str]]]:
    """pattern.finditer over the texts joined, each match with the chunk it
    was found in (its positions are the chunk text's). The same matches, in
    order: each search starts where the whole text's would (past the last
    match, which may run into the next chunk). `pattern` must match no empty
    text. `first`: only the first match is wanted."""
    how = reach(pattern)
    if how is None and whole is None:
        whole = "\n".join(texts)
    at = 0  # where the whole text's next search starts
    for chunk in chunks(texts, how or Reach(0, 0), whole, where, size):
        base = chunk.offset
        pos = max(chunk.start, at - base)
        for m in pattern.finditer(chunk.text, pos):
            if m.start() >= chunk.stop:
                break
            yield chunk, m
            if first:
                return
            at = base + m.end()
