"""Lines put back together where a collector made each write() a record.

The Go runtime prints a traceback in many small writes, one a value:
`print("goroutine ", gp.goid, " [", status, "]:\\n")` is five write() calls
(strace of a Go 1.12 frame: `'main.(*Hub).lockHolder' '(' '0xc000070000'
')\\n' '\\t' '/app/main.go' ':' '61' ' +' '0x5b' '\\n'`). A collector that
reads a pipe as data arrives and makes each read a record (a Procfile runner
under docker-compose, golang/go#32002) prints each write on a line of its own,
a write's own newline ending that record:

    api_1  | 15:58:21 app         | goroutine
    api_1  | 15:58:21 app         | 32
    api_1  | 15:58:21 app         |  [
    api_1  | 15:58:21 app         | running
    api_1  | 15:58:21 app         | ]:

No line is whole, so nothing reads as a traceback. The texts are the
process's writes in order, with only the newlines lost: an empty text is a
write of "\\n" alone (the runtime ends a frame's file line, a panic's line and
a goroutine so), and a record that ends a line is one whose write ended in
"\\n" (`]:`, `)`). Where the lines go back is read by the grammar: the texts
are cut into runs, each ended by an empty text or by a text whose next is not
empty, and the runs that read as traceback lines, taking the most texts, win.

Safe in ordinary logs: only a stream that shows the writes of a goroutine
header (`goroutine `, its id, ` [` on lines of their own) or of a frame's
file line (a tab alone, the path, `:`, the line number) is looked at, and only
the texts near such writes; a text joined must make, with its neighbours, a
line the grammar reads as a traceback's, which two ordinary log lines never do.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import accumulate

from .. import line_chunks, rx
from ..grammar import MAX_LINE
from ..model import Diagnostic, Stream
from ..parse import _spans, classify

__all__ = ["WRITE_RECORDS", "holds_write_records", "rejoin_write_records"]

WRITE_RECORDS = "lines put back together from a collector's record of each write"

# The writes of a goroutine header (`goroutine `, the id, then ` [` or, since
# Go 1.22 under GOTRACEBACK=system, ` gp=`) or of a frame's file line (a tab,
# the path, `:`, the line number), each a text of its own: no program prints
# its lines so, and a collector that records lines never cuts them so.
_SIGNATURE = rx.compile(
    r"(?:^|\n)(?:goroutine \n[0-9]{1,20}\n(?: \[| gp=)\n"
    r"|\t\n[^\n\t]{1,4096}\.go\n:\n[0-9]{1,9}\n)")

# A log whose lines are this long on average (characters) is no record of
# writes, most of them a value or a word; such a log is searched only when it
# is small (a search costs ~0.6 ms a MB: a 22 MB dump must not pay it).
_WORDY = 16
_ALWAYS_SEARCHED = 1 << 20

# Texts around a signature's write that are put back together: a report's
# opener and its chain of panics come some texts before the first goroutine.
MARGIN = 64
# Writes that one traceback line is printed in, at most (a frame's file line
# with fp=, sp=, pc= is 12; a header with its wait and a label ~16), and the
# length of a line put together: each text is read as the head of a line at
# most MAX_RECORDS times, on at most MAX_JOINED characters, so a log written
# to look so costs a bounded work a text. A longer panic value printed write
# by write stays as it is.
MAX_RECORDS = 32
MAX_JOINED = 4096


def holds_write_records(stream: Stream) -> bool:
    """Whether the stream shows a runtime's writes as records of their own
    (searched a chunk of its lines at a time: line_chunks.py)."""
    texts, where = stream.texts, stream.layout()
    if where.size > _ALWAYS_SEARCHED and where.size >= _WORDY * len(texts):
        return False
    return line_chunks.search(_SIGNATURE, texts, stream.small_joined(), where) is not None


def rejoin_write_records(stream: Stream, lines: Sequence[str]) -> tuple[Stream, Diagnostic | None]:
    """`stream` with the writes of each traceback line joined into that line;
    `lines` are the input lines (a joined text lists its pieces' columns)."""
    texts = stream.texts
    if not holds_write_records(stream):
        return stream, None
    runs: list[tuple[int, int]] = []
    for a, b in _regions(stream):
        runs.extend(_lines_of(texts, a, b, stream.pieces))
    if not runs:
        return stream, None
    return _joined(stream, runs, lines), Diagnostic(
        f"{WRITE_RECORDS} ×{len(runs)}",
        _spans(sorted({stream.numbers[i] for a, b in runs for i in range(a, b)})),
        severity="info")


def _regions(stream: Stream) -> list[tuple[int, int]]:
    """[start, end) text runs around the signature's writes, merged."""
    regions: list[tuple[int, int]] = []
    count = len(stream.texts)
    lines = line_chunks.LineCounter()
    for chunk, m in line_chunks.finditer(_SIGNATURE, stream.texts, stream.small_joined(),
                                         stream.layout()):
        line = lines.line(chunk, m.start() + (chunk.text[m.start()] == "\n"))
        a, b = max(0, line - MARGIN), min(count, line + MARGIN)
        if regions and a <= regions[-1][1]:
            regions[-1] = (regions[-1][0], b)
        else:
            regions.append((a, b))
    return regions


def _lines_of(texts: Sequence[str], a: int, b: int,
              pieces: dict) -> list[tuple[int, int]]:
    """The runs [i, j) of texts in [a, b) that are one line's writes (a run
    holds the empty text that ended it, if one did). Chosen from the end
    backwards: the reading that puts the most texts in traceback lines, and
    of those the one that joins fewest."""
    alone: dict[str, int] = {}  # a text's reading alone (the runtime's literals recur)

    def read(line: str) -> bool:
        m = classify(line) if len(line) <= MAX_LINE else None  # (a text alone may be longer)
        return m is not None and m.lastgroup not in _WEAK

    # Where a line that starts at i may end: at the first empty text after it
    # (the write of its newline, which the run then holds), or before it after
    # a text that ends as the runtime's writes that hold a newline end
    # (_LINE_ENDS); never past a text made of pieces, MAX_RECORDS texts or
    # MAX_JOINED characters.
    span = texts[a:b]
    n = b - a
    stop = [n] * (n + 1)  # the first empty or pieced text after each
    for k in range(n - 1, -1, -1):
        stop[k] = k if not span[k] or (k + a) in pieces else stop[k + 1]
    ends = [k for k in range(n - 1) if span[k] and span[k + 1] and span[k].endswith(_LINE_ENDS)]
    total = list(accumulate((len(t) for t in span), initial=0))

    # best[i]: (texts read, -texts joined) of span[i:]; step[i]: where the
    # line that starts at i ends (i + 1: the text stays as it is)
    best: list[tuple[int, int]] = [(0, 0)] * (n + 1)
    step = list(range(1, n + 2))
    for i in range(n - 1, -1, -1):
        head = span[i]
        after = best[i + 1]
        if not head:
            best[i] = after
            continue
        score = alone.get(head)
        if score is None:
            score = alone[head] = int(read(head))
        choice = (after[0] + score, after[1])
        if (i + a) in pieces:
            best[i] = choice
            continue
        last = min(stop[i + 1], i + MAX_RECORDS, bisect_right(total, total[i] + MAX_JOINED) - 1)
        # (the texts it holds, the index after it): ended after a text as a
        # runtime's write that held a newline ends, or at the region's end,
        # or by the empty text of its newline's write, which it takes along
        near = ends[bisect_left(ends, i + 1):bisect_left(ends, last)]
        candidates = [(k + 1, k + 1) for k in near]
        if last == n and n > i + 1:
            candidates.append((n, n))
        elif last < n and last > i + 1 and last == stop[i + 1] and not span[last]:
            candidates.append((last, last + 1))
        for k, e in candidates:
            if read("".join(span[i:k])):
                after = best[e]
                got = (after[0] + (k - i), after[1] - (e - i - 1))
                if got > choice:
                    choice, step[i] = got, e
        best[i] = choice
    runs = []
    i = 0
    while i < n:
        end = step[i]
        if end > i + 1:
            runs.append((i + a, end + a))
        i = end
    return runs


def _joined(stream: Stream, runs: list[tuple[int, int]], lines: Sequence[str]) -> Stream:
    texts, numbers = stream.texts, stream.numbers
    lengths = stream.prefix_lengths or array("I", bytes(4 * len(texts)))
    out_n, out_t, out_l = array("I"), [], array("I")
    pieces: dict[int, list[tuple[int, int, int]]] = {}

    def keep(i: int) -> None:
        if i in stream.pieces:
            pieces[len(out_t)] = stream.pieces[i]
        out_n.append(numbers[i])
        out_t.append(texts[i])
        out_l.append(lengths[i])

    done = 0
    for start, end in runs:
        for i in range(done, start):
            keep(i)
        pieces[len(out_t)] = [(numbers[i], lengths[i], len(lines[numbers[i] - 1]))
                              for i in range(start, end)]
        out_n.append(numbers[start])
        out_t.append("".join(texts[start:end]))
        out_l.append(lengths[start])
        done = end
    for i in range(done, len(texts)):
        keep(i)
    return Stream(id=stream.id, label=stream.label, numbers=out_n, texts=out_t, pieces=pieces,
                  prefix_lengths=out_l if stream.prefix_lengths else ())


# How the runtime's writes that end a line and are not a newline alone end:
# `)\n` (a call's arguments), `]:\n` and `:\n` (a goroutine header, before and
# since Go 1.21), `]\n` (a signal's line), `(...)\n` and `...additional frames
# elided...\n`, `\tgoroutine running on other thread; stack unavailable\n`
# (runtime/traceback.go, panic.go). A value (a name, a number, a path) is
# printed in a write of its own and its newline in the next.
_LINE_ENDS = (")", "]", ":", ".", "unavailable")
# What the classifier says of a line it reads as nothing in particular (a runtime
# error's text alone is a panic's value only where the parser finds proof below it).
_WEAK = frozenset({"blank", "indented", "bare_value"})
