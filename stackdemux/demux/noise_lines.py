"""The input lines no stream claims, gathered as the demultiplexer sets them aside.

Most of a long log is noise: ordinary lines between tracebacks, set aside a
line at a time by the stages that read it (the separator, the regions' gaps,
a paste's dropped lines). Held as a list of line numbers, they were an int
object and a slot a line, 10 MB for the 280 838 noise lines of a 50 MB log of
8 services, and their spans were made of a set of them and a sorted copy (10
MB more), the demultiplexer's peak. Here they are held as runs of consecutive
numbers (two 8-byte numbers a run), in the order they come: a run grows while
each number is the one after its end, so noise set aside in line order takes
a run a stretch of ordinary lines.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

from ..model import Span


class NoiseLines:
    """Input line numbers (1-based), any order, any number of times: the noise
    spans they make (spans()). Takes what a list of them takes (append, extend)."""

    __slots__ = ("_end", "_ends", "_start", "_starts")

    def __init__(self) -> None:
        self._starts = array("q")  # the runs closed so far
        self._ends = array("q")
        # the open run: start..end, empty while end < start
        self._start, self._end = 1, 0

    def append(self, n: int) -> None:
        self.extend((n,))

    def extend(self, numbers: Iterable[int]) -> None:
        start, end = self._start, self._end
        starts, ends = self._starts, self._ends
        for n in numbers:
            if n == end + 1:
                end = n  # (an empty run 1..0 opens at 1 so: no line 0)
            elif n > end or n < start:
                if end >= start:
                    starts.append(start)
                    ends.append(end)
                start = end = n
            # (else: a number of the open run, said again)
        self._start, self._end = start, end

    def spans(self) -> list[Span]:
        """Spans of the numbers taken, sorted and merged: those of their set."""
        runs = sorted(zip(self._starts, self._ends, strict=True))
        if self._end >= self._start:
            runs.append((self._start, self._end))
            runs.sort()
        out: list[Span] = []
        for a, b in runs:
            if out and a <= out[-1][1] + 1:
                if b > out[-1][1]:
                    out[-1] = (out[-1][0], b)
            else:
                out.append((a, b))
        return out


# What the demultiplexer's stages set noise aside in: the log's NoiseLines, or a
# caller's own list (a region read apart, whose noise it reads: foreign.py).
Noise = list[int] | NoiseLines
