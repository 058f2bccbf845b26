"""Lines a collector cut between two reads, joined back.

`concurrently` reads each command's pipe as data arrives, and the Go runtime
writes a traceback line in many small pieces: a read can end inside a line. When
another command prints before the rest arrives, concurrently ends the line
itself and puts the label again before the rest (measured, tests/corpus/
concurrently.py):

    [store-1] \t/app/main.go:318 +0x65 fp=0xc00003e7c0 sp=0xc00003e788 pc=
    [proxy-1] created by runtime.createfing in goroutine 1
    [store-1] 0x4990ac

In its stream the rest is the next text. It is joined back when the two read
as one traceback line and apart as none: the grammar's line classifier decides.
Only texts near a line a traceback may start (the parser's bulk search for
them) are looked at: hours of a dev server's ordinary output cost one search,
not sixteen classifications a line.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Sequence

from ..grammar import MAX_LINE, line_grammar
from ..model import Diagnostic, Stream
from ..parse import _spans, idle_leads

__all__ = ["CUT_LINES", "rejoin_cut_lines"]

CUT_LINES = "joined lines the collector cut between two reads"


def rejoin_cut_lines(stream: Stream, lines: Sequence[str]) -> tuple[Stream, Diagnostic | None]:
    """`stream` with each cut line joined to its rest; `lines` are the input lines
    (a joined text lists the input columns of its pieces, after the prefix)."""
    texts, numbers = stream.texts, stream.numbers
    runs = _cut_runs(texts, stream.pieces, idle_leads(stream))
    if not runs:
        return stream, None
    lengths = stream.prefix_lengths or array("I", bytes(4 * len(texts)))
    out_n, out_t, out_l = array("I"), [], array("I")
    pieces: dict[int, list[tuple[int, int, int]]] = {}
    done = 0
    for start, end in runs:
        for i in range(done, start):
            if i in stream.pieces:
                pieces[len(out_t)] = stream.pieces[i]
            out_n.append(numbers[i])
            out_t.append(texts[i])
            out_l.append(lengths[i])
        pieces[len(out_t)] = [_piece(numbers, lengths, lines, i) for i in range(start, end)]
        out_n.append(numbers[start])
        out_t.append("".join(texts[start:end]))
        out_l.append(lengths[start])
        done = end
    for i in range(done, len(texts)):
        if i in stream.pieces:
            pieces[len(out_t)] = stream.pieces[i]
        out_n.append(numbers[i])
        out_t.append(texts[i])
        out_l.append(lengths[i])
    joined = Stream(id=stream.id, label=stream.label, numbers=out_n, texts=out_t, pieces=pieces,
                    prefix_lengths=out_l if stream.prefix_lengths else ())
    # the lines of the pieces, not the lines between them: a rest can arrive a
    # hundred lines of the other commands later (mixed-prefix-concurrently-index)
    spans = _spans(sorted({numbers[i] for a, b in runs for i in range(a, b)}))
    return joined, Diagnostic(f"{CUT_LINES} ×{sum(b - a - 1 for a, b in runs)}", spans,
                              severity="info")


# A line is cut into a few pieces at most (each read ends one); a longer run
# of pieces is no cut line.
MAX_PIECES = 16


# Texts from a line a traceback may start within which a cut line is looked
# for: the cut lines of the corpus's captures lie within 4 texts of one.
NEAR_TRACEBACK = 2 * MAX_PIECES


def _cut_runs(texts: Sequence[str], joined: dict, leads: list[int]) -> list[tuple[int, int]]:
    """Runs [start, end) of texts that are the pieces of one cut line; `leads`:
    the texts a traceback line may start (sorted)."""
    kinds = _Kinds(texts)
    runs: list[tuple[int, int]] = []
    n = len(texts)
    i = 0
    while i < n - 1:
        near = bisect_left(leads, i - NEAR_TRACEBACK)
        if near == len(leads) or leads[near] > i + NEAR_TRACEBACK:
            i += 1  # no traceback about
            continue
        end = _read_from(texts, i, kinds, joined, True)[0]
        if end > i + 1:
            runs.append((i, end))
            i = end
        else:
            i += 1
    return runs


class _Kinds:
    """Each text's kind, classified once: a text is looked at as a line's head
    and as the piece after another."""

    __slots__ = ("kinds", "match", "texts")

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts
        self.match = line_grammar().match
        self.kinds: list[str | bool | None] = [False] * len(texts)  # False: not yet

    def __getitem__(self, i: int) -> str | None:
        k = self.kinds[i]
        if k is False:
            k = self.kinds[i] = self.of(self.texts[i])
        return k  # type: ignore[return-value]

    def of(self, text: str) -> str | None:
        """The kind of a line, None for what the classifier reads as nothing in
        particular."""
        m = self.match(text) if len(text) <= MAX_LINE else None
        return None if m is None or m.lastgroup in _WEAK else m.lastgroup


def _read_from(texts: Sequence[str], i: int, kinds: _Kinds, joined: dict,
               look_after: bool) -> tuple[int, str | None]:
    """The end of the run of pieces that begins with texts[i] (i + 1: none) and
    the kind of the line they make."""
    head = texts[i]
    if not head or i in joined:
        return i + 1, None
    acc, kind = head, kinds[i]
    best, best_kind = i + 1, kind
    for k in range(i + 1, min(len(texts), i + MAX_PIECES)):
        rest = texts[k]
        if not rest:
            # cut just before its newline: the rest is that newline alone, an
            # empty line where no traceback prints one (before a frame's line,
            # or before the blank that really follows)
            if look_after and k + 1 < len(texts) and (not texts[k + 1] or _read_from(
                    texts, k + 1, kinds, joined, False)[1] in _NO_BLANK_BEFORE):
                best = k + 1
            break
        if kind is not None and not (acc.endswith(" ") or rest.startswith(" ")):
            break  # the line read whole already; Go ends none with a space
        if k in joined or len(acc) + len(rest) > MAX_LINE:
            break
        if kinds[k] is not None:
            break  # a line of its own
        acc += rest
        kind = kinds.of(acc)
        if kind is not None:
            best, best_kind = k + 1, kind
    return best, best_kind


def _piece(numbers: Sequence[int], lengths: Sequence[int], lines: Sequence[str],
           i: int) -> tuple[int, int, int]:
    n = numbers[i]
    return (n, lengths[i], len(lines[n - 1]))


# What the classifier says of a line it reads as nothing in particular: a
# tab-led line of any text.
_WEAK = frozenset({"blank", "indented"})
# Lines a blank line never precedes in a traceback: a goroutine's own lines.
_NO_BLANK_BEFORE = frozenset({"frame_call", "frame_file", "created_by", "frames_elided",
                              "additional_frames_elided", "ancestor_header"})
