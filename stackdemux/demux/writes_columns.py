"""Where each character of a write-mixed region's text came from.

The write layer works on a region's lines joined by newlines and cuts that
text anywhere; every piece it gives a stream must name the input line and
columns it came from (Stream.pieces), through the region's own pieces and
stripped prefixes: conservation is checked on those columns.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from ..model import Stream

__all__ = ["Columns", "Piece"]

Piece = tuple[int, int, int]  # (input line, start column, end column)


class Columns:
    """Where each character of a region's joined text (lines + newlines) came
    from: an input line and column, through the region's pieces and stripped
    prefixes; and back. A line whose pieces do not add up to its text (a paste
    repair rewrote it) cannot be cut: `cuttable` says so."""

    def __init__(self, stream: Stream) -> None:
        self.stream = stream
        self.starts = [0]
        for t in stream.texts:
            self.starts.append(self.starts[-1] + len(t) + 1)
        # A JSON record of several lines (a journal MESSAGE with newlines) is
        # several whole texts of one number: each is given the columns of its
        # place in the record's text, so that a cut piece says which it is from;
        # and a stream that holds one of them whole claims that one alone.
        self.record_at: dict[int, int] = {}  # region line → its column in its record
        self.shared: dict[tuple[int, str], list[int]] = {}  # (record, text) → region lines
        after: dict[int, int] = {}
        for i, (n, t) in enumerate(zip(stream.numbers, stream.texts, strict=True)):
            if i in stream.pieces:
                continue
            if n in after:
                self.record_at[i] = after[n]
            after[n] = after.get(n, 0) + len(t) + 1
        if self.record_at:
            repeated = {n for i, n in enumerate(stream.numbers) if i in self.record_at}
            for i, (n, t) in enumerate(zip(stream.numbers, stream.texts, strict=True)):
                if n in repeated and i not in stream.pieces:
                    self.shared.setdefault((n, t), []).append(i)
        # input line → [(start column, end column, region line, text offset)]
        self.back: dict[int, list[tuple[int, int, int, int]]] = {}
        for i in range(len(stream.texts)):
            for n, x, y, off in self._runs(i):
                self.back.setdefault(n, []).append((x, y, i, off))

    def _runs(self, i: int) -> list[tuple[int, int, int, int]]:
        s, t = self.stream, self.stream.texts[i]
        p = s.pieces.get(i)
        if p is None:
            shift = s.prefix_lengths[i] if s.prefix_lengths else 0
            shift += self.record_at.get(i, 0)
            return [(s.numbers[i], shift, shift + len(t), self.starts[i])]
        if not self.cuttable(i):
            return [(n, x, y, self.starts[i]) for n, x, y in p]
        out, off = [], self.starts[i]
        for n, x, y in p:
            out.append((n, x, y, off))
            off += y - x
        return out

    def _end(self, i: int) -> int:
        """Where line i's text ends in the region's text: its newline."""
        return self.starts[i + 1] - 1

    def line(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1

    def cuttable(self, i: int) -> bool:
        p = self.stream.pieces.get(i)
        return p is None or sum(b - a for _, a, b in p) == len(self.stream.texts[i])

    def span_pieces(self, a: int, b: int) -> list[Piece]:
        """The input columns of text [a, b) (within one cuttable line)."""
        out: list[Piece] = []
        for n, x, y, off in self._runs(self.line(a)):
            lo, hi = max(a, off), min(b, off + y - x)
            if lo < hi:
                out.append((n, x + lo - off, x + hi - off))
        return out

    def offsets(self, s: Stream) -> list[tuple[int, int]]:
        """The text spans that a stream made of this region's lines holds (a
        line that cannot be cut, whole)."""
        out: list[tuple[int, int]] = []
        for j, n in enumerate(s.numbers):
            same = self.shared.get((n, s.texts[j])) if j not in s.pieces else None
            if same:  # one line of a record of several, whole: that line (and its newline)
                i = same.pop(0)
                out.append((self.starts[i], self.starts[i + 1]))
                continue
            for m, a, b in s.pieces.get(j) or [(n, 0, 1 << 62)]:
                for x, y, i, off in self.back.get(m, ()):
                    if not self.cuttable(i):
                        if max(a, x) < min(b, y) or x == y:
                            out.append((self.starts[i], self.starts[i + 1] - 1))
                    elif max(a, x) < min(b, y):
                        out.append((off + max(a, x) - x, off + min(b, y) - x))
                    elif x == y and a <= x <= b:
                        # an empty line: its newline stands for it; an empty record
                        # inside a joined line (a CRI `F` with no text) claims nothing
                        if not self.stream.texts[i]:
                            out.append((off, off + 1))
                    elif a == b == y and off + y - x == self._end(i):
                        # a piece of no width at a line's end: its newline
                        out.append((off + y - x, off + y - x + 1))
        return out

    def unclaimed(self, claimed: bytearray, taken: Sequence[Stream] = ()) -> Stream | None:
        """What no stream claimed, one line of pieces per region line, as a
        stream that is never parsed (None when nothing is left). `taken`: the
        streams that claimed the rest; an empty record joined inside a line
        (a CRI `F` with no text: a piece of no width) that none of them holds
        is kept here, so that its input line is somewhere."""
        s = self.stream
        held = {(n, a) for t in taken for ps in t.pieces.values() for n, a, b in ps if a == b}
        numbers: list[int] = []
        texts: list[str] = []
        pieces: dict[int, list[Piece]] = {}
        for i, t in enumerate(s.texts):
            a0 = self.starts[i]
            if not self.cuttable(i):
                if not any(claimed[a0:a0 + len(t)]):
                    numbers.append(s.numbers[i])
                    texts.append(t)
                    pieces[len(texts) - 1] = s.pieces[i]
                continue
            # untouched, its newline too (a stream's piece of no width there
            # claims the line's end): the whole line
            if i not in s.pieces and not s.prefix_lengths and \
                    claimed.find(1, a0, a0 + len(t) + 1) < 0:
                numbers.append(s.numbers[i])
                texts.append(t)
                continue
            spans: list[tuple[int, int]] = []
            k = 0
            while k < len(t):
                x = claimed.find(0, a0 + k, a0 + len(t))
                if x < 0:
                    break
                y = claimed.find(1, x, a0 + len(t))
                y = a0 + len(t) if y < 0 else y
                spans.append((x - a0, y - a0))
                k = y - a0
            if not t:  # an empty line: pieces of no width keep its numbers claimed
                if claimed[a0]:
                    continue
                ps = [(n, x, x) for n, x, _, _ in self._runs(i)]
            else:
                ps = [p for a, b in spans for p in self.span_pieces(a0 + a, a0 + b)]
                ps += [(n, x, x) for n, x, y, _ in self._runs(i) if x == y and (n, x) not in held]
                if not ps:
                    continue
            numbers.append(ps[0][0])
            texts.append("".join(t[a:b] for a, b in spans))
            pieces[len(texts) - 1] = ps
        if not texts:
            return None
        return Stream(id="", label=s.label, numbers=numbers, texts=texts, pieces=pieces,
                      unplaced=True)
