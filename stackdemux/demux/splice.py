"""Cut lines spliced mid-way apart, and join the fragments back to whole lines.

A collector reading several pipes writes whole read() chunks one after the
other; a chunk that ends mid-line leaves its process's line unterminated, and
the next chunk (another process's) continues on the same input line:

    main.(*Hub).acceptLoop(0xc000084000shutdown timeout: 56 of 60
    \t/app/main.go:61goroutine 7 [running]:

That process's line is finished later, where its next chunk starts, by a
fragment that is itself no whole line (`0xc000084000)`).

The model: each chunk boundary cuts at most one line, and each process has at
most one open (unfinished) line at a time. So an input line is whole, or the
rest of one open fragment, or a head (left open) followed by a rest that is a
whole line or completes an open fragment. Which fragment a rest completes is
decided over a window, not line by line: a beam of hypotheses (sets of open
fragments) is carried along the log, each scored by how much its joined lines
look like lines Go printed (splice_score.py: the grammar's reading, names and
positions seen intact elsewhere, plausible values), by the order in which kinds
of lines follow each other in one chunk (kind_order.py: a call line's chunk
goes on with its file line), by what the lines around a cut show of their
process (a head's chunk and the chunk its rest starts are one process's: they
show one toolchain's runtime files, and its files printed one way, whole or
-trimpath), and by a collector's habit of reading its
pipes in turn (the oldest open fragment is the likeliest to be continued). Hypotheses
with the same open fragments are merged, so the search stays a narrow band;
they are ranked with half of each open fragment's charge paid back ahead, so
that fragments waiting long for their rests are not pushed out by hypotheses
that finished theirs early and no better.
Where exactly a head was cut (`…fp=0x1f1fed9d0` or `…fp=0x`: both leave a rest
that reads) is not a hypothesis of its own: a fragment keeps its few best cut
places as variants, and its own rest, found later, picks one (and with it the
rest it left). A whole input line may be a head too, when its line break is
another process's: that process's chunk had ended just before its newline; an
empty input line may be only that line break. A chunk shorter than the rest
of a line puts three pieces on one input line: a line, another process's short
chunk (a head of its own) and the line's rest.

A fragment may grow by a chunk that ends before its line does, where a rest
follows it on the same input line (three processes' pieces on one line: a
head, the middle of an open line, the rest of another), when what it grew to
reads as a whole line with its names printed elsewhere (its chunk ended where
its process's write did: `…sp=0xc000078e90` before ` pc=0x497045`), and the
rest after it reads with a name printed exactly. Not modelled: a fragment
that grows by a chunk that reads as no line yet.

The chunks themselves say which texts are one process's (chunk_groups): the
lines between two cuts are one read() chunk, and a line rejoined from two
chunks makes them one process's. `Spliced.groups` lists them for the separator.

The parts: splice_starts.py (where a line may start inside a text: the cut
candidates), splice_fragments.py (fragments, variants, hypotheses, pruning),
splice_weigh.py (how a head and a rest join: scores, memoised),
splice_search.py (the beam search), splice_ahead.py (whether anything can
finish a fragment before the search would give it up: one nothing can is
given up where it is cut), splice_groups.py (read() chunks as
groups of texts); splice_score.py reads a joined text, splice_joins.py
tells which cuts can make a line with a head.

Cost: while nothing is open, a line the grammar reads whole costs its one
match (none when the caller passes its matches); an ordinary log line costs
one bulk search for where a traceback line could start inside it. Only lines
that are no whole line, or doubtful ones while fragments are open (a call
line whose function's name has a part printed nowhere else: `runtime.` +
`untime.gcenable.func2()`), are tried at every cut point against every open
fragment and each of its cut places (up to 10 when a cut in a hex number reads
alike anywhere; such call lines only while a fragment cut inside a function's
name is open). Which cuts can complete a head at all is read off an automaton
of the grammar's regex (splice_joins.Joins: the line's rests once, right to
left; each head once, left to right), so only cuts that make a line are
matched and weighed; a fragment's reading as a whole line (is it finished by
a line break?) is worked out once, not on every line it waits through. The
bench's 8 processes merged by 64-1024-byte reads cost ~100 G instructions per
MB (cachegrind: 24 G for its 0.25 MB log, 31 G before that memo), ~20-25 s/MB
of CPU on this shared machine (~50 s/MB matching every cut).

Provenance: every text made of fragments lists its input columns in
`Stream.pieces`; a fragment never completed stays a text of its own, and is
reported as a Diagnostic with its line number.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from heapq import merge

from ..model import Diagnostic, Stream
from .splice_fragments import Hypothesis, Key, Piece
from .splice_groups import chunk_groups
from .splice_score import marks, read_all, valid
from .splice_search import Search

__all__ = ["Spliced", "chunk_groups", "unsplice"]


@dataclass(slots=True)
class Spliced:
    """What unsplice read: the stream with its spliced texts cut apart and
    rejoined, and how many cuts and joins that took."""

    stream: Stream
    cut: int  # input texts cut apart
    joined: int  # whole lines rejoined from fragments
    diagnostics: list[Diagnostic]
    # Texts (indices into stream.texts) that read() chunks and the lines cut
    # between them show to be one process's: see chunk_groups. Two texts or more.
    groups: list[list[int]] = field(default_factory=list)


def unsplice(stream: Stream, matches: Sequence[re.Match[str] | None] | None = None
             ) -> Spliced | None:
    """The stream with spliced texts cut apart and rejoined; None when nothing changed.
    `matches`: line_grammar().match of each text, when the caller has them (the
    separator reads every line too): then a line read whole costs no match here."""
    search = Search(stream, read_all(stream.texts, stream.pieces, matches))
    best = search.run()
    if best is None or not best.joins:
        return None  # cuts whose heads nothing completes are no evidence of chunks
    return _rebuild(stream, best, search)


class _Spans(Sequence[tuple[Piece, ...]]):
    """Each rebuilt text's pieces of the stream's own texts: a whole text's one
    piece made when asked, not kept (50 MB of 8 services by read() chunks:
    343 462 texts, a tuple in a tuple each, ~50 MB at the splicer's peak)."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts
        self.source = array("l")  # each text's stream text, -1 where made of pieces
        self.pieces: dict[int, tuple[Piece, ...]] = {}

    def whole(self, i: int) -> None:
        self.source.append(i)

    def pieced(self, ps: tuple[Piece, ...]) -> None:
        self.pieces[len(self.source)] = ps
        self.source.append(-1)

    def __len__(self) -> int:
        return len(self.source)

    def __getitem__(self, j):  # type: ignore[override]
        if isinstance(j, slice):
            return [self[k] for k in range(*j.indices(len(self)))]
        i = self.source[j]
        if i < 0:
            return self.pieces[j if j >= 0 else j + len(self)]
        return ((i, 0, len(self.texts[i])),)


def _rebuild(stream: Stream, best: Hypothesis, search: Search) -> Spliced:
    """The stream the best hypothesis reads: texts in input order, each made of
    pieces of input lines where it was cut or joined."""
    diagnostics, matches = search.diagnostics, search.matches
    entries: dict[Key, tuple[str, tuple[Piece, ...], bool]] = {}
    log = best.log
    while log is not None:
        chain, log = log
        while chain is not None:
            (key, text, ps, finished), chain = chain
            entries.setdefault(key, (text, ps, finished))  # the latest decision for a key wins
    consumed = {j for _, ps, _ in entries.values() for j, _, _ in ps}
    numbers: list[int] = []
    texts: list[str] = []
    pieces: dict[int, list[tuple[int, int, int]]] = {}
    lengths: list[int] = []
    spans = _Spans(stream.texts)  # each text's pieces of the stream's own texts
    plen = stream.prefix_lengths
    # (texts in input order: the few made of pieces merged into the many whole
    # ones as they come, not a set and a sort of a key for every text)
    order = merge(sorted(entries), ((i, 0) for i in range(len(stream.texts)) if i not in consumed))
    for key in order:
        j = len(texts)
        if key in entries:
            text, ps, finished = entries[key]
            texts.append(text)
            cols = [(stream.numbers[i], a + (plen[i] if plen else 0), b + (plen[i] if plen else 0))
                    for i, a, b in ps]
            numbers.append(cols[0][0])
            lengths.append(0)
            pieces[j] = cols
            spans.pieced(ps)
            if not finished:
                diagnostics.append(Diagnostic(
                    "a fragment of a line cut mid-way (a collector's read() chunk) whose rest "
                    "was not found", sorted({(n, n) for n, _, _ in cols})))
            continue
        i = key[0]
        texts.append(stream.texts[i])
        spans.whole(i)
        numbers.append(stream.numbers[i])
        lengths.append(plen[i] if plen else 0)
        if i in stream.pieces:
            pieces[j] = stream.pieces[i]
    out = Stream(id=stream.id, label=stream.label, numbers=numbers, texts=texts,
                 pieces=pieces, prefix_lengths=lengths if any(lengths) else ())
    # Each text's reading is let go once read: a match of the line grammar holds
    # every group's span (~2.8 KB), and a list of them for every text was the
    # splicer's largest holder (12 MB of 8 services by read() chunks: 3 743
    # readings, ~10 MB, beside Readings' own cache; 4 times that at 50 MB).
    kinds: list[str | None] = []
    roots: list[str | None] = []
    sure: list[bool] = []
    for j, (t, ps) in enumerate(zip(texts, spans, strict=True)):
        m = matches[ps[0][0]] if j not in pieces else valid(t)
        kinds.append("blank" if not t else m.lastgroup if m is not None and (
            len(ps) > 1 or search.whole(m)) else None)
        roots.append(marks(m)[0] if m is not None else None)
        sure.append(len(ps) > 1 and search.sure(ps, m))
    groups = chunk_groups(spans, kinds, roots, sure)
    return Spliced(out, best.cuts, best.joins, diagnostics, groups)
