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

Cost: while nothing is open, a line the grammar reads whole costs its one
match (none when the caller passes its matches); an ordinary log line costs
one bulk search for where a traceback line could start inside it. Only lines
that are no whole line, or doubtful ones while fragments are open (a call
line whose function's name has a part printed nowhere else: `runtime.` +
`untime.gcenable.func2()`), are tried at every cut point against every open
fragment and each of its cut places (up to 10 when a cut in a hex number reads
alike anywhere; such call lines only while a fragment cut inside a function's
name is open). Which cuts can complete a head at all is read off an automaton
of the grammar's regex (splice_score.Joins: the line's rests once, right to
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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache

from ..grammar import line_grammar
from ..model import Diagnostic, Stream
from .kind_order import may_follow
from .splice_score import (
    LENIENT,
    MAX_SPLICED,
    MEMO_MAX,
    Joins,
    Vocabulary,
    accepted,
    joined,
    joins,
    marks,
    narrow,
    own_names,
    path_style,
    plausible,
    read_all,
    valid,
)

__all__ = ["Spliced", "chunk_groups", "unsplice"]

Piece = tuple[int, int, int]  # (stream index while searching / input line after, start, end)
Key = tuple[int, int]  # where a text goes: (stream index, column its first piece starts at)

# Scores, in units of one known name in a reading.
_CUT = 1.0  # a chunk boundary inside a line: rarer than none
_OPEN = 1.0  # a fragment never finished: charged when opened, paid back when completed
_UNFINISHED = 4.0  # ... and this more once given up
_ORDER = 0.5  # per open fragment older than the one completed (pipes are read in turn)
_TURN = 3.0  # a line that cannot follow the line before it in its chunk
_STRANGER = 4.0  # a join whose two chunks show two toolchains
_SURE_PIECE = 3  # chars of the shortest piece of a join that groups chunks
_SURE_QUALITY = 2.0  # a join's reading at least this good (a name printed exactly)
_CONTEXT = 8  # whole lines read around a cut for what its chunk shows of its process
_BROKEN = 1.0  # a text that stays no line at all, where a reading could make it one
_BEAM = 24  # hypotheses kept
_MARGIN = 12.0  # hypotheses this far below the best are dropped
_MAX_OPEN = 16  # open fragments per hypothesis
_MAX_AGE = 3000  # lines a fragment waits for its rest at most
_MAX_CUTS = 512  # cut points tried per line
_VARIANTS = 4  # places kept for one fragment's cut
_VARIANT_MARGIN = 1.5  # ... this far below the best place at most
_TIED = 10  # places kept when that many read as well as the best (a cut in a hex number)


@dataclass(slots=True)
class Spliced:
    stream: Stream
    cut: int  # input texts cut apart
    joined: int  # whole lines rejoined from fragments
    diagnostics: list[Diagnostic]
    # Texts (indices into stream.texts) that read() chunks and the lines cut
    # between them show to be one process's: see chunk_groups. Two texts or more.
    groups: list[list[int]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Variant:
    """One place the cut that opened a fragment may be: the fragment's text up
    to there, and what that choice scored (the rest it left after it)."""

    cut: int
    delta: float
    kind: str | None  # kind of the rest's line
    chain: _Log  # the decisions this choice stands for


@dataclass(frozen=True, slots=True)
class _Open:
    """The start of a line whose rest comes in a later chunk. Where exactly the
    cut was is decided when the rest is found: each variant is kept until then."""

    line: int  # stream index of the line it starts
    text: str  # the whole input text it is a head of
    prev: str | None  # kind of the line before it in its chunk
    variants: tuple[_Variant, ...]  # best first
    start: int = 0  # where in text it starts: past a line joined around it
    fresh: bool = False  # cut where another line starts (not where a rest ends)
    # pieces of later input lines it grew by (its process's next chunks, each
    # ended before its line did), and their text: past the head's own cut
    more: tuple[Piece, ...] = ()
    more_text: str = ""

    @property
    def best(self) -> float:
        return self.variants[0].delta

    @property
    def key(self) -> Key:
        return self.line, self.start

    def head(self, v: _Variant) -> str:
        return self.text[self.start:v.cut] + self.more_text

    def pieces(self, v: _Variant) -> tuple[Piece, ...]:
        return ((self.line, self.start, v.cut), *self.more)

    def sources(self) -> tuple[int, ...]:
        return (self.line, *(j for j, _, _ in self.more))


# What a chunk's whole lines show of their process: GOROOTs, path styles.
_Marks = tuple[frozenset[str], frozenset[str]]

# Decisions, as shared linked lists: an entry is (key, text, pieces, finished), a
# chain is (entry, chain) or None, a log is (chain, log) or None.
_Log = tuple | None


@dataclass(slots=True)
class _Hyp:
    score: float  # decided readings, plus the best variant of each open fragment
    open: tuple[_Open, ...]  # oldest first
    kind: str | None  # kind of the last line read in the current chunk
    log: _Log = None
    cuts: int = 0
    joins: int = 0

    def state(self) -> tuple:
        return tuple((f.line, len(f.more)) for f in self.open), self.kind


@cache
def _starts() -> re.Pattern[str]:
    """Where a traceback line of a kind with a specific lead (`goroutine `,
    `panic: `, a tab, `created by `...) may start inside a text: the leads of
    traceback.lark's kinds. Kinds whose lead is any word (a call line) are
    left out: a fresh call line right after a cut is the rare case."""
    g = line_grammar()
    leads = []
    for kind in g.kinds_in_order:
        lead = g.leads.get(kind)
        if lead and kind not in ("frame_call", "register", "race_access"):
            leads.append(lead)
    return re.compile("(?=" + "|".join(f"(?:{x})" for x in leads) + ")")


def unsplice(stream: Stream, matches: Sequence[re.Match[str] | None] | None = None
             ) -> Spliced | None:
    """The stream with spliced texts cut apart and rejoined; None when nothing changed.
    `matches`: line_grammar().match of each text, when the caller has them (the
    separator reads every line too): then a line read whole costs no match here."""
    search = _Search(stream, read_all(stream.texts, stream.pieces, matches))
    best = search.run()
    if best is None or not best.joins:
        return None  # cuts whose heads nothing completes are no evidence of chunks
    return _rebuild(stream, best, search)


class _Search:
    def __init__(self, stream: Stream, matches: Sequence[re.Match[str] | None]) -> None:
        self.stream = stream
        self.texts = stream.texts
        self.matches = matches
        self.diagnostics: list[Diagnostic] = []
        self._vocab: Vocabulary | None = None
        self._joins: dict[tuple[int, int, int], list[tuple[int, float, str]]] = {}
        self._mine: dict[tuple[int, ...], tuple] = {}
        self._toolchains: dict[tuple[int, int], _Marks] = {}
        self._heads: dict[tuple[tuple[Piece, ...], str], int] = {}  # see head_state
        self._grown: dict[tuple[int, int], tuple[int, _Open] | None] = {}  # see grown
        self._whole: dict[int, tuple[_Open, tuple[float, _Variant, str] | None]] = {}
        self._chunks: dict[tuple[int, int], dict[int, list[int]]] = {}  # see chunk_states
        self._starts: list[bool] | None = None  # see line_starts
        self._free: int | None = None  # _free_after of the line expanded
        self._rests: dict[int, dict[int, list[int]]] = {}  # the line expanded's: rest_states

    @property
    def vocab(self) -> Vocabulary:
        """Names printed intact in the whole stream: learned only once a line
        needs weighing (a log without splices never does)."""
        if self._vocab is None:
            self._vocab = Vocabulary()
            for m in self.matches:
                if m is not None and m.lastgroup not in LENIENT:
                    self._vocab.learn(m)
        return self._vocab

    # ------------------------------------------------------------ scoring ---

    def reading(self, text: str, sources: tuple[int, ...]) -> tuple[float, str] | None:
        """(quality, kind) of a text made of fragments, None when it reads as no line.
        The input lines it is made of do not vouch for its names."""
        return self.weigh(joined(text), sources)

    def weigh(self, m: re.Match[str] | None, sources: tuple[int, ...]
              ) -> tuple[float, str] | None:
        """reading() of a text already matched."""
        if m is None or (m.lastgroup == "goroutine_header" and not plausible(m)):
            return None  # a wait reason with another process's call line in it
        return self.vocab.quality_mine(m, self._own(sources))[0], m.lastgroup

    def toolchains(self, i: int, step: int) -> _Marks:
        """The GOROOTs and the path styles (absolute or -trimpath) the whole
        lines right before (step -1) or after (step 1) input line i show: the
        rest of the read() chunk a head ends or a rest starts, up to the first
        line that may be cut itself. (Stacks' arenas say less: a process's
        system stacks lie apart from its goroutines'.)"""
        key = (i, step)
        got = self._toolchains.get(key)
        if got is None:
            roots: set[str] = set()
            styles: set[str] = set()
            texts, matches, pieces = self.texts, self.matches, self.stream.pieces
            j = i + step
            for _ in range(_CONTEXT):
                if not 0 <= j < len(texts) or j in pieces:
                    break
                if texts[j]:
                    m = matches[j]
                    if m is None or m.lastgroup in LENIENT:
                        break
                    q, unknown = self.vocab.quality(m, (m,))
                    if unknown or q <= 0:
                        break  # maybe two processes' pieces that read as one line
                    root = marks(m)[0]
                    if root is not None:
                        roots.add(root)
                    style = path_style(m)
                    if style is not None:
                        styles.add(style)
                j += step
            got = frozenset(roots), frozenset(styles)
            if len(self._toolchains) >= MEMO_MAX:
                self._toolchains.clear()
            self._toolchains[key] = got
        return got

    def stranger(self, f: _Open, i: int) -> float:
        """_STRANGER when fragment f's chunk (the lines before its head) and the
        chunk input line i's end starts (the lines after it) show two processes:
        two toolchains' runtime files, or one's files printed whole and the
        other's with -trimpath (`/app/main.go` before `main`, `runtime/panic.go`
        after `internal/runtime/maps.fatal(…)`)."""
        if f.start:
            return 0.0  # a short chunk in the middle of a line: no lines of its own
        before = self.toolchains(f.line, -1)
        if not (before[0] or before[1]):
            return 0.0
        after = self.toolchains(i, 1)
        return _STRANGER if any(b and a and b.isdisjoint(a)
                                for b, a in zip(before, after, strict=True)) else 0.0

    def whole(self, m: re.Match[str], got: tuple[float, int] | None = None) -> bool:
        """A line read whole that surely is one process's: names printed
        elsewhere (a function's, each part of it), values Go prints together.
        `got`: its vocab.quality, when worked out already."""
        if m.lastgroup in LENIENT:
            return True
        q, unknown = got or self.vocab.quality(m, (m,))
        return not unknown and q > 0 and (
            self.vocab.familiar(m) if m.lastgroup == "frame_call"
            else not self.vocab.cut_before_parent(m))

    def sure(self, ps: Sequence[Piece], m: re.Match[str] | None) -> bool:
        """A text rejoined from pieces ps that surely is one process's line: it
        reads as a traceback line whose names are all printed elsewhere, one of
        them exactly, and no piece is so short (`)`, `0x`) that it would read as
        well in another process's line."""
        if m is None or m.lastgroup in LENIENT or min(
                (b - a for _, a, b in ps if b > a), default=0) < _SURE_PIECE:
            return False
        sources = tuple(sorted({i for i, _, _ in ps}))
        r = self.weigh(m, sources)
        if r is None:
            return False
        q, unknown = self.vocab.quality_mine(m, self._own(sources))
        return not unknown and q >= _SURE_QUALITY

    def rests(self, f: _Open, i: int, t: str, n: int
              ) -> dict[int, tuple[float, _Variant, str]]:
        """cut → (score, variant of f, kind) of the best way t's end after the
        cut completes fragment f: the whole text (cut 0) and the few best cuts
        (a head keeps no more variants than that)."""
        out: dict[int, tuple[float, _Variant, str]] = {}
        apart = self.stranger(f, i)
        turn: dict[str, float] = {}  # kind → what following f.prev costs (few kinds, many cuts)
        for v in f.variants:
            base = v.delta - apart
            for c, q, k in self.joins_of(f.head(v), f.pieces(v), i, t, n):
                cost = turn.get(k)
                if cost is None:
                    cost = turn[k] = (_TURN if f.prev is not None and not may_follow(f.prev, k)
                                      else 0.0)
                q += base - cost
                had = out.get(c)
                if had is None or q > had[0]:
                    out[c] = (q, v, k)
        if len(out) > _VARIANTS + 1:
            ranked = sorted((c for c in out if c), key=lambda c: -out[c][0])
            top = out[ranked[0]][0]
            # and every place tied with the best (a cut anywhere in a hex number
            # or a message reads the same): the fragment's own rest decides
            best = ranked[:_VARIANTS] + [c for c in ranked[_VARIANTS:_TIED] if out[c][0] == top]
            out = {c: out[c] for c in (0, *best) if c in out}
        return out

    def joins_of(self, head: str, pieces: tuple[Piece, ...], i: int, t: str, n: int
                 ) -> list[tuple[int, float, str]]:
        """(cut, quality, kind) of every reading of head + t[cut:]: worked out once
        per head and line, however many hypotheses hold that head."""
        key = (pieces, i)
        got = self._joins.get(key)
        if got is None:
            got = []
            sources = (*sorted({j for j, _, _ in pieces}), i)
            m = self.matches[i]
            # a line read whole is no free text's rest (a panic's message run on)
            if m is not None and m.lastgroup not in LENIENT:
                free = len(t)
            else:  # (once per line)
                free = self._free if self._free is not None else _free_after(t)
                self._free = free
            lo = max(0, len(head) + len(t) - MAX_SPLICED)
            if not head:
                for c in range(lo, n):
                    r = self.reading(t[c:], sources)
                    if r is not None and (r[1] not in LENIENT or c >= free):
                        got.append((c, r[0], r[1]))
            else:
                # every text starts with head: the one narrow regex joined()
                # would pick, and only where its automaton says head and the
                # cut's rest can be one line (most cuts cannot)
                auto = joins(head[0])
                state = self.head_state(auto, pieces, head)
                meet, fullmatch = auto.meet, narrow(head[0]).fullmatch
                cuts = sorted(c for rest, cs in self.rest_states(auto, i, t).items()
                              if meet(state, rest) for c in cs if lo <= c < n)
                # weigh()'s work, its names of the sources looked up once for all cuts
                quality, mine = self.vocab.quality_mine, self._own(sources)
                for c in cuts:
                    if (m := fullmatch(head + t[c:])) is None:
                        continue
                    kind = m.lastgroup
                    if kind in LENIENT and c < free:
                        continue  # a free text's rest cut before its last line start
                    if (kind == "frame_call" and accepted(m) is None) or (
                            kind == "goroutine_header" and not plausible(m)):
                        continue
                    got.append((c, quality(m, mine)[0], kind))
            self._joins[key] = got
        return got

    def head_state(self, auto: Joins, pieces: tuple[Piece, ...], head: str) -> int:
        """auto's state after a fragment's head: once per head."""
        key = (pieces, head[0])
        got = self._heads.get(key)
        if got is None:
            if len(self._heads) >= MEMO_MAX:
                self._heads.clear()
            got = self._heads[key] = auto.head(head)
        return got

    def rest_states(self, auto: Joins, i: int, t: str) -> dict[int, list[int]]:
        """The cuts of text i (t) by auto's state of the rest they leave (none
        whose rest no line ends with): once per line and automaton, so that a
        head is met with each state once, not with each cut."""
        got = self._rests.get(id(auto))
        if got is None:
            got = {}
            for c, rest in enumerate(auto.rests(t)):
                if rest != auto.dead:
                    got.setdefault(rest, []).append(c)
            self._rests[id(auto)] = got
        return got

    def grown(self, f: _Open, i: int, t: str, c: int) -> tuple[int, _Open] | None:
        """Fragment f grown by text i's next chunk of its process, which ended
        before f's line did and before the rest that starts at cut c: t[a:c]
        (after a third process's head t[:a], or none). Taken only where f's head
        and that chunk read as a whole line with names printed elsewhere (the
        chunk ended where its process's write did, before ` pc=`), which also
        says where a is. (a, f grown) or None; once per fragment and cut."""
        key = (id(f), c)
        if key in self._grown:
            return self._grown[key]
        best: tuple[float, int, _Variant] | None = None
        for v in f.variants:
            head = f.head(v)
            if not head or len(head) + c > MAX_SPLICED:
                continue
            auto = joins(head[0])
            state = self.head_state(auto, f.pieces(v), head)
            if state == auto.dead:
                continue
            fullmatch, meet = narrow(head[0]).fullmatch, auto.meet
            sources = (*f.sources(), i)
            starts = self.line_starts(t)
            chunks = self.chunk_states(auto, t, c)
            for a in sorted(a for rest, cuts in chunks.items() if meet(state, rest) for a in cuts):
                if not starts[a]:
                    continue  # no line starts as t[:a]
                if (m := fullmatch(head + t[a:c])) is None:
                    continue
                m = accepted(m)
                if m is None or m.lastgroup in LENIENT:
                    continue  # free text grows by anything
                q, unknown = self.vocab.quality_mine(m, self._own(sources))
                if unknown or q <= 0:
                    continue
                if best is None or q > best[0]:
                    best = q, a, v
        got = None
        if best is not None:
            _, a, v = best
            grown = _Variant(v.cut, v.delta, v.kind, v.chain)  # the cut it stands for now
            got = a, _Open(f.line, f.text, f.prev, (grown,), f.start, f.fresh,
                           (*f.more, (i, a, c)), f.more_text + t[a:c])
        self._grown[key] = got
        return got

    def line_starts(self, t: str) -> list[bool]:
        """Whether a line may start as t[:a], for each a: once per line."""
        if self._starts is None:
            self._starts = joins(t[0]).starts(t)
        return self._starts

    def chunk_states(self, auto: Joins, t: str, c: int) -> dict[int, list[int]]:
        """The cuts a < c by auto's state of t[a:c] read from its end (none dead):
        once per line, automaton and c."""
        key = c, id(auto)
        got = self._chunks.get(key)
        if got is None:
            got = {}
            for a, rest in enumerate(auto.rests(t[:c])):
                if rest != auto.dead:
                    got.setdefault(rest, []).append(a)
            self._chunks[key] = got
        return got

    def _own(self, sources: tuple[int, ...]) -> tuple:
        """The names of the input lines a reading is made of (they do not vouch for it)."""
        mine = self._mine.get(sources)
        if mine is None:
            mine = own_names([x for j in sources if (x := self.matches[j]) is not None])
            if len(self._mine) >= MEMO_MAX:
                self._mine.clear()  # caches, bounded: memory follows the open fragments
            self._mine[sources] = mine
        return mine

    # ------------------------------------------------------------- search ---

    def run(self) -> _Hyp | None:
        beam = [_Hyp(0.0, (), None)]
        texts, matches, pieces = self.texts, self.matches, self.stream.pieces
        idle = beam[0]  # the one hypothesis, while nothing is open
        for i, t in enumerate(texts):
            m = matches[i]
            if idle is None and not any(h.open for h in beam):
                # every hypothesis has finished its fragments: the best one goes on
                idle = max(beam, key=lambda h: h.score)
                beam = [idle]
            if idle is not None:
                # Nothing open: a line read whole stays whole (its one match is
                # all it costs); any other line only where a line starts inside it.
                if m is not None and m.lastgroup not in LENIENT:
                    idle.kind = m.lastgroup
                    continue
                if not t or len(t) > MAX_SPLICED or i in pieces or not _inner_start(t, m):
                    if t:  # a blank line keeps the chunk's last kind
                        idle.kind = m.lastgroup if m is not None else None
                    continue
                any_open = False
            else:
                any_open = any(h.open for h in beam)
            if not t and any_open and i not in pieces:
                beam = self._retire(self._blank(beam, i), i)
                idle = beam[0] if len(beam) == 1 and not beam[0].open else None
                continue
            if i in pieces or not t or len(t) > MAX_SPLICED:
                if t:
                    self._advance_whole(beam, m.lastgroup if m is not None else None, 0.0)
                continue
            if m is not None:
                kind = m.lastgroup
                whole, unknown = self.vocab.quality(m, (m,))
                lenient = kind in LENIENT
                if not lenient and (self.whole(m, (whole, unknown)) or (
                        kind == "frame_call" and not unknown and whole > 0
                        and not _names_open(beam))):
                    # A line read whole with names seen elsewhere: kept (a call
                    # line with a part of its name printed nowhere else, only
                    # while a fragment is open that a function's name may finish).
                    self._advance_whole(beam, kind, whole)
                    continue
                if not any_open and not (lenient and _inner_start(t, m)):
                    self._advance_whole(beam, kind, whole)
                    continue
            else:
                kind, whole = None, -_BROKEN
                if not any_open and not _inner_start(t, None):
                    self._advance_whole(beam, None, 0.0)
                    continue
            beam = self._expand(beam, i, t, kind, whole)
            if any_open:
                beam = self._retire(beam, i)
            idle = beam[0] if len(beam) == 1 and not beam[0].open else None
        for h in beam:
            self._finish(h)
        return max(beam, key=lambda h: h.score, default=None)

    def _advance_whole(self, beam: list[_Hyp], kind: str | None, q: float) -> None:
        if len(beam) == 1:  # one hypothesis: nothing to compare, nothing to score
            beam[0].kind = kind
            return
        for h in beam:
            if kind is not None and h.kind is not None and not may_follow(h.kind, kind):
                h.score -= _TURN
            h.score += q
            h.kind = kind

    def _expand(self, beam: list[_Hyp], i: int, t: str, kind: str | None,
                whole: float) -> list[_Hyp]:
        """Every reading of text i under every hypothesis: whole, the rest of an
        open fragment, or a head left open before a whole line or a rest."""
        cands: list[_Hyp] = []
        self._joins.clear()
        self._rests.clear()
        self._grown.clear()
        self._chunks.clear()
        self._starts = None
        self._free = None
        n = min(len(t), _MAX_CUTS)
        # whole lines after a cut: only where a line may start
        fresh: list[_Variant] = []
        for s in _starts().finditer(t, 1, n):
            c = s.start()
            r = self.reading(t[c:], (i,))
            if r is not None:
                chain = ((i, c), t[c:], ((i, c, len(t)),), True), None
                fresh.append(_Variant(c, r[0] - _CUT - _OPEN, r[1], chain))
        fresh_head = _variants(fresh)
        mids = self._mid_heads(i, t, n) if kind is None else []
        # the rests of the open fragments: worked out once per fragment, not per hypothesis
        rests: dict[int, dict[int, tuple[float, _Variant, str]]] = {}
        for h in beam:
            for f in h.open:
                if id(f) not in rests:
                    rests[id(f)] = self.rests(f, i, t, n)
        # a text whose line break may be another's (see _ended_by_break)
        breaks = kind is None or kind in LENIENT or kind == "created_by"
        for h in beam:
            # whole
            g = _Hyp(h.score + whole, h.open, kind, h.log, h.cuts, h.joins)
            if kind is not None and h.kind is not None and not may_follow(h.kind, kind):
                g.score -= _TURN
            cands.append(g)
            # a head before a fresh line
            if fresh_head:
                head = _Open(i, t, h.kind, fresh_head, fresh=True)
                cands.append(_Hyp(h.score + head.best, (*h.open, head), fresh_head[0].kind,
                                  h.log, h.cuts + 1, h.joins))
            # a line joined around another process's short chunk, left open
            for head in mids:
                cands.append(_Hyp(h.score + head.best, (*h.open, head), head.variants[0].kind,
                                  h.log, h.cuts + 2, h.joins + 1))
            # the rest of an open fragment: the whole text, or after a head
            for age, f in enumerate(h.open):  # 0: the oldest
                got = rests[id(f)]
                if not got:
                    continue
                others = tuple(x for x in h.open if x is not f)
                base = h.score - f.best + _OPEN - _ORDER * age
                if 0 in got:
                    q, v, k = got[0]
                    entry = (f.key, f.head(v) + t, (*f.pieces(v), (i, 0, len(t))), True)
                    log = (entry, v.chain), h.log
                    cands.append(_Hyp(base + q, others, k, log, h.cuts, h.joins + 1))
                variants = []
                top = max((q for c, (q, _, _) in got.items() if c), default=None)
                for c, (q, v, k) in got.items():
                    if c == 0:
                        continue
                    entry = (f.key, f.head(v) + t[c:], (*f.pieces(v), (i, c, len(t))), True)
                    variants.append(_Variant(c, q - _CUT - _OPEN, k, (entry, v.chain)))
                    # or what comes before the rest is another open line's next
                    # chunk, itself ended before its line did (after a head of a
                    # third process's, or none): tried after the rest's best cuts,
                    # where it reads with a name printed exactly
                    for x in others if q == top and q - v.delta >= _SURE_QUALITY else ():
                        grown = self.grown(x, i, t, c)
                        if grown is None:
                            continue
                        fresh_cut, g = grown
                        rest = (entry, v.chain), h.log
                        opened: tuple[_Open, ...] = (g,)
                        score = base + q - _CUT - x.best + g.best
                        if fresh_cut:
                            new = _Open(i, t, h.kind, (_Variant(fresh_cut, -_CUT - _OPEN, None,
                                                                None),))
                            opened = (new, g)
                            score += new.best
                        cands.append(_Hyp(score, (*(y for y in others if y is not x), *opened),
                                          k, rest, h.cuts + 1 + (fresh_cut > 0), h.joins + 1))
                if got and breaks and (ended := self._reads_whole(f, i)) is not None:
                    # or all of t a head, and its line break f's (see _ended_by_break):
                    # a place of the same head, so that the rest t's line gets decides
                    # (`created by main.startIdl` + `e`, or the whole of it + a newline)
                    q, v, k = ended
                    entry = (f.key, f.head(v), (*f.pieces(v), (i, len(t), len(t))), True)
                    variants.append(_Variant(len(t), q - _CUT - _OPEN, k, (entry, v.chain)))
                vs = _variants(variants)
                if vs:
                    head = _Open(i, t, h.kind, vs)
                    cands.append(_Hyp(base + head.best, (*others, head), vs[0].kind, h.log,
                                      h.cuts + 1, h.joins + 1))
            if breaks:  # (a `created by` line doubted: maybe cut before its goroutine)
                cands.extend(self._ended_by_break(h, i, t))
        return _prune(cands)

    def _mid_heads(self, i: int, t: str, n: int) -> list[_Open]:
        """A chunk shorter than the rest of a line: one process's line cut, a
        second process's chunk (a head of its own, left open), then the first
        one's rest (`…(*Account).Withdraw` `panic: ` `(...)`). The short chunk
        starts where a traceback line may start; the line around it must read
        as a line that is no free text."""
        out = []
        auto = joins(t[0])
        rests = self.rest_states(auto, i, t)
        for s in _starts().finditer(t, 1, n):
            a = s.start()
            vs = []
            state = auto.head(t[:a])
            # only where t[:a] + t[b:] may be a line at all
            for b in sorted(b for rest, bs in rests.items() if auto.meet(state, rest)
                            for b in bs if b > a):
                text = t[:a] + t[b:]
                r = self.reading(text, (i,))
                if r is None or r[1] in LENIENT:
                    continue
                entry = (i, 0), text, ((i, 0, a), (i, b, len(t))), True
                vs.append(_Variant(b, r[0] - 2 * _CUT - _OPEN, r[1], (entry, None)))
            if vs:
                out.append(_Open(i, t, None, _variants(vs), a))
        return out

    def _ended_by_break(self, h: _Hyp, i: int, t: str) -> list[_Hyp]:
        """The whole text a head, and the line break after it another process's:
        the one whose open fragment already reads as a whole line (its read()
        chunk ended just before its newline, its next one starts with it)."""
        out = []
        head = _Open(i, t, h.kind, (_Variant(len(t), -_CUT - _OPEN, None, None),))
        for f, q, v, _ in self._whole_heads(h, i):
            # its line break, an empty piece: where f's process's next chunk begins
            entry = f.key, f.head(v), (*f.pieces(v), (i, len(t), len(t))), True
            others = tuple(x for x in h.open if x is not f)
            out.append(_Hyp(q + head.best, (*others, head), None, ((entry, v.chain), h.log),
                            h.cuts + 1, h.joins + 1))
        return out

    def _blank(self, beam: list[_Hyp], i: int) -> list[_Hyp]:
        """An empty input line while fragments are open: a blank line, or the
        line break of an open fragment that reads whole (its process's next
        read() chunk began with its newline)."""
        cands = []
        for h in beam:
            cands.append(_Hyp(h.score, h.open, h.kind, h.log, h.cuts, h.joins))
            for f, q, v, k in self._whole_heads(h, i):
                if not f.fresh:
                    continue  # a head left by a rest: where it ends is a guess already
                if k not in LENIENT and not self.vocab.known(joined(f.head(v))):
                    continue  # a name cut short reads as a line too: `created by main.deadloc`
                entry = f.key, f.head(v), (*f.pieces(v), (i, 0, 0)), True
                others = tuple(x for x in h.open if x is not f)
                cands.append(_Hyp(q, others, k, ((entry, v.chain), h.log), h.cuts, h.joins + 1))
        return _prune(cands)

    def _whole_heads(self, h: _Hyp, i: int) -> Iterator[tuple[_Open, float, _Variant, str]]:
        """Each open fragment of h that reads as a whole line, finished by the
        line break of input line i: with h's score once it is finished there, its
        best variant and the kind it reads as."""
        for age, f in enumerate(h.open):
            best = self._reads_whole(f, i)
            if best is not None:
                q, v, k = best
                yield f, h.score - f.best + q + _OPEN - _ORDER * age, v, k

    def _reads_whole(self, f: _Open, i: int) -> tuple[float, _Variant, str] | None:
        """(score, variant, kind) of fragment f's best variant that reads as a
        whole line, finished by input line i's line break; None if none does."""
        got = self._whole.get(id(f))
        if got is not None and got[0] is f:
            best = got[1]
        else:  # once per fragment: it is asked again on every line it waits through
            best = None
            for v in f.variants:
                r = self.reading(f.head(v), f.sources())
                if r is None:
                    continue
                q = r[0] + v.delta
                if f.prev is not None and not may_follow(f.prev, r[1]):
                    q -= _TURN
                if best is None or q > best[0]:
                    best = (q, v, r[1])
            if len(self._whole) >= MEMO_MAX:
                self._whole.clear()
            self._whole[id(f)] = f, best  # (f kept: its id is not reused meanwhile)
        if best is None:
            return None
        q, v, k = best
        return q - self.stranger(f, i), v, k

    def _retire(self, beam: list[_Hyp], i: int) -> list[_Hyp]:
        """Fragments waiting longer than any collector waits are given up."""
        for h in beam:
            if len(h.open) > _MAX_OPEN or (h.open and h.open[0].line < i - _MAX_AGE):
                keep = tuple(f for f in h.open[-_MAX_OPEN:] if f.line >= i - _MAX_AGE)
                for f in h.open:
                    if f not in keep:
                        h.log = _given_up(f), h.log
                        h.score -= _UNFINISHED
                h.open = keep
        return _prune(beam) if len(beam) > 1 else beam

    def _finish(self, h: _Hyp) -> _Hyp:
        for f in h.open:
            h.log = _given_up(f), h.log
            h.score -= _UNFINISHED
        return h


def _names_open(beam: list[_Hyp]) -> bool:
    """Some hypothesis holds a fragment cut inside a call line's function name
    (`runtime.`, `r`): no tab before it, no parenthesis yet."""
    return any(not (head := f.head(f.variants[0])).startswith("\t") and "(" not in head
               for h in beam for f in h.open)


def _given_up(f: _Open) -> _Log:
    """A fragment whose rest never came: its best variant's text stands alone."""
    v = f.variants[0]
    return (f.key, f.head(v), f.pieces(v), False), v.chain


def _variants(vs: list[_Variant]) -> tuple[_Variant, ...]:
    vs.sort(key=lambda v: -v.delta)
    if not vs:
        return ()
    top = vs[0].delta
    kept = [v for v in vs[:_VARIANTS] if v.delta >= top - _VARIANT_MARGIN]
    return (*kept, *(v for v in vs[_VARIANTS:_TIED] if v.delta == top))  # ties, as in rests()


def _prune(cands: list[_Hyp]) -> list[_Hyp]:
    best: dict[tuple, _Hyp] = {}
    for h in cands:
        s = h.state()
        b = best.get(s)
        if b is None or h.score > b.score:
            best[s] = h
    # ranked as if each open fragment will be finished as likely as not (half
    # its _OPEN paid back): a hypothesis that waits for its fragments' real rests
    # (mixed-chunks-slow: four open over 50 lines) would else lose its place to
    # ones that finished theirs early with rests that read no better than whole
    # lines. (The whole _OPEN: the same on the chunks cases, but in
    # big-writes-time's region of writes, cut anywhere, one more fragment stays
    # open among its broken lines, and the separator then loses its dump.)
    out = sorted(best.values(), key=_rank, reverse=True)
    top = _rank(out[0])
    return [h for h in out[:_BEAM] if _rank(h) >= top - _MARGIN]


def _rank(h: _Hyp) -> float:
    return h.score + _OPEN / 2 * len(h.open)


def _free_after(t: str) -> int:
    """Where the rests of t that may end a free text (a panic's message) start:
    past the last place a traceback line may start in t, and past its last tab
    (Go prints a message's own line breaks as `\n\t`: one line of it has none)."""
    last = t.rfind("\t")
    for s in _starts().finditer(t):
        last = max(last, s.start())
    return last + 1


def _free_from(m: re.Match[str] | None) -> int:
    """Where a reading's fields start (past its own lead: `\tpanic: `); 0 for none."""
    if m is None:
        return 0
    groups = line_grammar().kinds[m.lastgroup].fields.values()
    return min((m.start(g) for g in groups if m.start(g) >= 0), default=len(m.string))


def _inner_start(t: str, m: re.Match[str] | None) -> bool:
    """A traceback line's start shows inside t (past a lenient reading's own lead)."""
    return _starts().search(t, _free_from(m) + 1) is not None


def _rebuild(stream: Stream, best: _Hyp, search: _Search) -> Spliced:
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
    spans: list[tuple[Piece, ...]] = []  # each text's pieces of the stream's own texts
    plen = stream.prefix_lengths
    order = sorted(set(entries) | {(i, 0) for i in range(len(stream.texts)) if i not in consumed})
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
            spans.append(ps)
            if not finished:
                diagnostics.append(Diagnostic(
                    "a fragment of a line cut mid-way (a collector's read() chunk) whose rest "
                    "was not found", sorted({(n, n) for n, _, _ in cols})))
            continue
        i = key[0]
        texts.append(stream.texts[i])
        spans.append(((i, 0, len(stream.texts[i])),))
        numbers.append(stream.numbers[i])
        lengths.append(plen[i] if plen else 0)
        if i in stream.pieces:
            pieces[j] = stream.pieces[i]
    out = Stream(id=stream.id, label=stream.label, numbers=numbers, texts=texts,
                 pieces=pieces, prefix_lengths=lengths if any(lengths) else ())
    readings = [matches[ps[0][0]] if j not in pieces else valid(texts[j])
                for j, ps in enumerate(spans)]
    kinds = ["blank" if not t else m.lastgroup if m is not None and (
                 len(ps) > 1 or search.whole(m)) else None
             for t, m, ps in zip(texts, readings, spans, strict=True)]
    roots = [marks(m)[0] if m is not None else None for m in readings]
    sure = [len(ps) > 1 and search.sure(ps, m) for ps, m in zip(spans, readings, strict=True)]
    groups = chunk_groups(spans, kinds, roots, sure)
    return Spliced(out, best.cuts, best.joins, diagnostics, groups)


# ------------------------------------------------------------ chunk groups ---

# Lines a process's output does not go on with inside one read() chunk as a
# rule: where a process's output starts (its first lines are often written,
# and read, one by one) or a test runner's line.
_STARTS = frozenset({"panic", "fatal_error", "sigdump", "race_begin", "http_panic",
                     "running_tests", "running_test", "test_fail", "test_fail_bare",
                     "test_package_fail", "exit_status"})


def chunk_groups(spans: Sequence[Sequence[Piece]], kinds: Sequence[str | None],
                 roots: Sequence[str | None], sure: Sequence[bool]) -> list[list[int]]:
    """Texts that one process's read() chunks hold, as far as the cuts show it.

    Between two cuts the input is one chunk, one process's bytes: a chunk ends
    where a line is cut, where a head's line break is another's, or where a
    rest starts an input line. A text made of pieces of two chunks joins them
    into one process's. A chunk may also end at a line break unseen; it is
    assumed to where the lines do not go on as one process's would (kind
    order), around lines no grammar reads or read doubtfully, and before the
    lines a process's output starts with. Only sure joins join chunks, and
    none whose chunks show two toolchains' runtime files: one wrong join would
    make two processes one.

    `spans`: each text's pieces ((input text, start, end), input order within
    a text); `kinds`: each text's line kind (blank; None: no traceback line,
    or one that may be two processes' pieces); `roots`: the GOROOT each text's
    runtime file shows (splice_score.marks); `sure`: the joins to follow.
    Register lines, blank and unread ones are in no group."""
    on_line: dict[int, list[tuple[int, int, bool, bool]]] = {}
    for j, ps in enumerate(spans):
        for k, (i, a, _) in enumerate(ps):
            on_line.setdefault(i, []).append((a, j, k == 0, k == len(ps) - 1))
    chunk = 0
    prev: tuple[int, bool] | None = None  # the last piece's text, and whether it ended it
    chunks_of: dict[int, list[int]] = {}
    for i in sorted(on_line):
        for col, (_, j, first, last) in enumerate(sorted(on_line[i])):
            if prev is not None and (col or not first or not prev[1]
                                     or _unseen_end(kinds[prev[0]], kinds[j])):
                chunk += 1
            chunks_of.setdefault(j, []).append(chunk)
            prev = j, last
    # union of chunks, refused where two toolchains would meet
    parent = list(range(chunk + 1))
    toolchains: list[set[str]] = [set() for _ in parent]

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for j, cs in chunks_of.items():
        if len(cs) == 1 and (root := roots[j]):
            toolchains[cs[0]].add(root)
    for j, cs in chunks_of.items():
        if not sure[j]:
            continue
        for c in cs[1:]:
            a, b = find(cs[0]), find(c)
            ta, tb = toolchains[a], toolchains[b]
            if a != b and not (ta and tb and ta.isdisjoint(tb)):
                parent[b] = a
                ta |= tb
    members: dict[int, list[int]] = {}
    for j in range(len(spans)):
        if kinds[j] not in _UNGROUPED:
            members.setdefault(find(chunks_of[j][0]), []).append(j)
    return [g for g in members.values() if len(g) > 1]


# Lines a separator may place by other means than their chunk: a register dump
# reads alike in every process (its lines go where its report's separator puts them).
_UNGROUPED = frozenset({None, "blank", "register"})


def _unseen_end(before: str | None, after: str | None) -> bool:
    """A read() chunk assumed to end between two whole lines."""
    if before is None or after is None or after in _STARTS:
        return True
    if before == "blank" or after == "blank":
        return False
    return not may_follow(before, after)
