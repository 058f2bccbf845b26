"""Lines of a block where an AWS Lambda error JSON may open, found by memchr of `{`.

An error JSON (lambda_error.py) opens with `{"errorMessage":` on one line, or
pretty-printed with a line that `{` ends and the key on the next. Its key's rarest
byte in build output, `M`, is still common enough that finding its lines cost 12 %
of the sieve (~0.3 ms a MB: a Python step a hit); `{` is rarer there by ten times
(anchored.py's reasoning). Where `{` is common (a log of JSON records) the hits are
counted, and past the cost of the plain search of the key the rest of the block
and the next blocks are searched for the key itself, until a probe finds `{` rare
again. Either way each line found holds the key, or is a block's last line that
`{` ends (its next line is in the next block): the sieve confirms the first
(lambda_error.opens_record) and keeps a window around both.
"""

from __future__ import annotations

from collections.abc import Iterator

KEY = b'"errorMessage"'
# A hit costs a few finds and comparisons in Python (~0.3 µs), the plain search of
# the key ~0.35 ns a byte: a hit is worth this many bytes searched.
_HIT = 800
_PROBE_EVERY = 64  # blocks searched the plain way before `{` is tried again
_BLANK = b" \t\r"  # what may stand between `{` and its line's end (a CRLF, trailing blanks)
_NEXT = frozenset(b'"\n' + _BLANK)  # what follows `{` where a record may open

Line = tuple[int, int, bool]  # (start, end: the newline's place or -1, whether to confirm)


class RecordOpenings:
    """`lines(block)` yields the lines of a block of whole lines that may open an error
    JSON, in order: (start, end, whether the line holds the key and wants confirming)."""

    def __init__(self) -> None:
        self._plain_for = 0  # blocks left to search the plain way
        self.plain_blocks = 0

    def lines(self, block: bytes) -> Iterator[Line]:
        if self._plain_for > 0:
            self._plain_for -= 1
            self.plain_blocks += 1
            return self._plain(block, 0)
        return self._anchored(block)

    def _anchored(self, block: bytes) -> Iterator[Line]:
        find, rfind, startswith = block.find, block.rfind, block.startswith
        hits_left = len(block) // _HIT
        size = len(block)
        j = find(b"{")
        while j >= 0:
            hits_left -= 1
            if hits_left < 0:  # `{` is common here: the key's own search from here on
                self._plain_for = _PROBE_EVERY
                self.plain_blocks += 1
                yield from self._plain(block, rfind(b"\n", 0, j) + 1)
                return
            # (the byte after `{`: the one test most hits need, an int compared)
            after = block[j + 1] if j + 1 < size else 10
            if after not in _NEXT:
                j = find(b"{", j + 1)
                continue
            if after == 34:
                if not startswith(KEY, j + 1):
                    j = find(b"{", j + 1)
                    continue
                end = find(b"\n", j)  # one line: the record's own line
                yield rfind(b"\n", 0, j) + 1, end, True
            else:
                end = find(b"\n", j)
                if end < 0 or block[j + 1:end].strip(_BLANK):  # `{` does not end its line
                    j = find(b"{", j + 1)
                    continue
                if end + 1 >= size:  # the next line, with the key, is unseen
                    yield rfind(b"\n", 0, j) + 1, end, False
                    return
                start, end = end + 1, find(b"\n", end + 1)  # pretty: the key's line
                yield start, end, True
            if end < 0:
                return
            j = find(b"{", end)

    def _plain(self, block: bytes, pos: int) -> Iterator[Line]:
        find, rfind = block.find, block.rfind
        i = find(KEY, pos)
        while i >= 0:
            end = find(b"\n", i)
            yield rfind(b"\n", 0, i) + 1, end, True
            if end < 0:
                return
            i = find(KEY, end)
