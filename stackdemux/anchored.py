"""Lines of a block that hold a needle, found by the rarest byte the log has.

`bytes.find` of a needle of several bytes runs at ~0.7 ns a byte whatever the
needle (CPython's search loop); of one byte it is memchr, ~0.1 ns a byte. The
sieve searches 1 GB of build output for a handful of needles (`goroutine `,
` +0x` …): a pass each at the first speed was most of its time. So a needle's
lines are found by memchr of one byte: one of the needle's own, or one that
every line the caller wants holds besides (the `[` of a goroutine header the
needle begins), whichever is rarest in this log, and each line it is in is
tried. A log can hold that byte everywhere (a `+` in every line of a C++
build): the hits are counted, and past the cost of the plain search the rest
of the block is searched the plain way, as are the next blocks, until a
sample of the log says the byte has become rare again.

Needles with a common end (`panic: `, `fatal error: `) are searched together:
by a byte they all hold, or the plain way in one pass of `re` for the end
they share, behind which each is looked for (one pass, not one a needle).

The lines found are the plain search's: every line that holds a needle, with
the needle's first place in it, or (a byte the caller wants, not the
needle's) every such line that also holds that byte.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# What a hit costs on a byte of the needles (finds and comparisons in Python,
# ~0.3 µs), on a byte besides them (the line's ends found, the needles looked
# for in it: ~0.45 µs), and the plain search a byte (~0.7 ns), in one unit.
_HIT = 400
_LINE_HIT = 600
_PLAIN_BYTE = 1
# Bytes counted to pick the anchor at each of _SAMPLES places in a block (a
# log's rare bytes come in clumps: a test's output among build lines).
_SAMPLE = 8 << 10
_SAMPLES = 8
_SMALL = 64 << 10  # a block smaller than this (a line cut by a read) is searched the plain way
_PROBE_EVERY = 64  # blocks searched before the anchor is picked again

Hit = tuple[bytes, int, int, int]  # (needle, start of its line, its first place there, line end)


class NeedleLines:
    """Where lines holding one of `needles` are in blocks of whole lines:
    `lines(block)` yields (the needle, start of the line, the needle's first
    place in it, the line's end: its newline's place), in order of lines for
    each needle. `besides`: bytes that a line the caller wants holds too; a
    line without the anchor is then left out when the anchor is one of them."""

    def __init__(self, *needles: bytes, besides: bytes = b"") -> None:
        if not needles or any(not n or b"\n" in n for n in needles):
            raise ValueError("a needle is part of one line")
        self.needles = needles
        common = set.intersection(*(set(n) for n in needles))
        # (byte, each needle's places of it: none for a byte besides them)
        self._candidates = [
            (bytes([c]), tuple(tuple(i for i, x in enumerate(n) if x == c) for n in needles)
             if c in common else ())
            for c in sorted(common | (set(besides) - {10}))]
        self._anchor: tuple[bytes, tuple[tuple[int, ...], ...]] | None = None
        self._together = _shared_end(needles)
        self._probe_in = 0  # blocks until the anchor is picked again
        self.blocks = 0  # blocks searched (not counting small ones)
        self.plain_blocks = 0  # of them, searched the plain way (from the start or a switch)

    def lines(self, block: bytes) -> Iterator[Hit]:
        if len(block) < _SMALL:  # too small to tell how common a byte is
            return self._plain(block, 0)
        self.blocks += 1
        if self._probe_in <= 0:
            self._pick(block)
        self._probe_in -= 1
        if self._anchor is None:
            self.plain_blocks += 1
            return self._plain(block, 0)
        return self._anchored(block, *self._anchor)

    def _pick(self, block: bytes) -> None:
        """The anchor: the candidate byte cheapest to search by in a sample of
        the block, if that is cheaper than the plain search (with a margin)."""
        step = len(block) // _SAMPLES
        sample = b"".join(block[k:k + _SAMPLE] for k in range(0, step * _SAMPLES, step))
        best, cost = None, len(sample) * _PLAIN_BYTE // 2
        for candidate in self._candidates:
            byte, places = candidate
            c = sample.count(byte) * (_HIT * len(places) if places else _LINE_HIT)
            if c < cost:
                best, cost = candidate, c
        self._anchor = best
        self._probe_in = _PROBE_EVERY

    def _plain(self, block: bytes, pos: int) -> Iterator[Hit]:
        if self._together is not None:
            yield from self._plain_together(block, pos, self._together)
            return
        find, rfind = block.find, block.rfind
        for needle in self.needles:
            i = find(needle, pos)
            while i >= 0:
                start = rfind(b"\n", 0, i) + 1
                end = find(b"\n", i)
                yield needle, start, i, end
                if end < 0:
                    break
                i = find(needle, end)

    def _plain_together(self, block: bytes, pos: int, shared: re.Pattern[bytes]
                        ) -> Iterator[Hit]:
        """One pass for the end the needles share; each needle's first place in a line."""
        find, rfind, startswith = block.find, block.rfind, block.startswith
        done = dict.fromkeys(self.needles, pos - 1)  # a needle's lines up to here are done
        for m in shared.finditer(block, pos):
            after = m.end()
            for needle in self.needles:
                i = after - len(needle)
                if i > done[needle] and startswith(needle, i):
                    start = rfind(b"\n", 0, i) + 1
                    end = find(b"\n", i)
                    yield needle, start, i, end
                    done[needle] = end if end >= 0 else len(block)

    def _anchored(self, block: bytes, byte: bytes, places: tuple[tuple[int, ...], ...]
                  ) -> Iterator[Hit]:
        needles = self.needles
        find, rfind, startswith = block.find, block.rfind, block.startswith
        # past this many hits the plain search costs less
        hits_left = len(block) * _PLAIN_BYTE // (_HIT * len(places) if places else _LINE_HIT)
        # one needle holding the byte once (the usual case): is the needle there?
        one = places[0][0] if len(places) == 1 and len(places[0]) == 1 else -1
        needle0 = needles[0]
        pos = 0  # the lines before are done
        j = find(byte)
        while j >= 0:
            hits_left -= 1
            if hits_left < 0:  # the byte is common here: the plain way from here on
                self._anchor, self._probe_in = None, _PROBE_EVERY
                self.plain_blocks += 1
                yield from self._plain(block, pos)
                return
            if one >= 0:
                if j < one or not startswith(needle0, j - one):
                    j = find(byte, j + 1)
                    continue
            elif places and not any(k <= j and startswith(n, j - k)
                                    for n, ks in zip(needles, places, strict=True) for k in ks):
                j = find(byte, j + 1)
                continue
            start = rfind(b"\n", 0, j) + 1
            end = find(b"\n", j)
            stop = end if end >= 0 else len(block)
            for needle in needles:
                i = find(needle, start, stop)
                if i >= 0:
                    yield needle, start, i, end
            if end < 0:
                return
            pos = end
            j = find(byte, end + 1)


def _shared_end(needles: tuple[bytes, ...]) -> re.Pattern[bytes] | None:
    """For several needles, `re` searching the end they share (its every place:
    one that cannot overlap itself) and behind it any of them; else None."""
    if len(needles) < 2:
        return None
    end = needles[0]
    for n in needles[1:]:
        while not n.endswith(end):
            end = end[1:]
    if not end or any(end[k:] == end[:len(end) - k] for k in range(1, len(end))):
        return None
    behind = "|".join(f"(?<={re.escape(n.decode('latin-1'))})" for n in needles)
    return re.compile((re.escape(end.decode("latin-1")) + f"(?:{behind})").encode("latin-1"))
