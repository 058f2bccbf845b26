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

The lines found are the plain search's, in the same order: every line that
holds the needle, with the needle's first place in it, or (a byte the caller
wants, not the needle's) every such line that also holds that byte.
"""

from __future__ import annotations

from collections.abc import Iterator

# What a hit costs on a byte of the needle (a find and a comparison in Python,
# ~0.3 µs), on a byte besides it (the line's ends found, the needle looked
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


class NeedleLines:
    """Where lines holding `needle` are in blocks of whole lines: `lines(block)`
    yields (start of the line, first place of the needle in it, its end: the
    newline's place) in order. `besides`: bytes that a line the caller wants
    holds too; a line without the anchor is then left out when the anchor is
    one of them."""

    def __init__(self, needle: bytes, besides: bytes = b"") -> None:
        if not needle or b"\n" in needle:
            raise ValueError("a needle is part of one line")
        self.needle = needle
        own = set(needle)
        # (byte, places in the needle: none for a byte besides it)
        self._candidates = [(bytes([c]), tuple(i for i, x in enumerate(needle) if x == c))
                            for c in sorted(own | (set(besides) - {10}))]
        self._anchor: tuple[bytes, tuple[int, ...]] | None = None
        self._probe_in = 0  # blocks until the anchor is picked again
        self.blocks = 0  # blocks searched (not counting small ones)
        self.plain_blocks = 0  # of them, searched the plain way (from the start or a switch)

    def lines(self, block: bytes) -> Iterator[tuple[int, int, int]]:
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

    def _plain(self, block: bytes, pos: int) -> Iterator[tuple[int, int, int]]:
        needle = self.needle
        find, rfind = block.find, block.rfind
        i = find(needle, pos)
        while i >= 0:
            start = rfind(b"\n", 0, i) + 1
            end = find(b"\n", i)
            yield start, i, end
            if end < 0:
                return
            i = find(needle, end)

    def _anchored(self, block: bytes, byte: bytes, places: tuple[int, ...]
                  ) -> Iterator[tuple[int, int, int]]:
        needle = self.needle
        find, rfind, startswith = block.find, block.rfind, block.startswith
        # past this many hits the plain search costs less
        hits_left = len(block) * _PLAIN_BYTE // (_HIT * len(places) if places else _LINE_HIT)
        k = places[0] if len(places) == 1 else -1
        pos = 0  # the lines before are done
        j = find(byte)
        while j >= 0:
            hits_left -= 1
            if hits_left < 0:  # the byte is common here: the plain way from here on
                self._anchor, self._probe_in = None, _PROBE_EVERY
                self.plain_blocks += 1
                yield from self._plain(block, pos)
                return
            if k >= 0:  # the needle holds the byte once: is it there?
                if j < k or not startswith(needle, j - k):
                    j = find(byte, j + 1)
                    continue
            elif places and not any(p <= j and startswith(needle, j - p) for p in places):
                j = find(byte, j + 1)
                continue
            start = rfind(b"\n", 0, j) + 1
            end = find(b"\n", j)
            i = find(needle, start, end if end >= 0 else len(block))
            if i >= 0:
                yield start, i, end
            if end < 0:
                return
            pos = end
            j = find(byte, end + 1)
