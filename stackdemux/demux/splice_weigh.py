"""How well a fragment's head and a line's rest join: the splicer's scoring.

A text made of fragments is weighed by what it reads as (splice_score.py:
the grammar's reading, names and positions seen intact elsewhere in the log,
plausible values), by the order in which kinds of lines follow each other in
one chunk (kind_order.py), and by what the whole lines around a cut show of
their process (its toolchain's GOROOT, its files printed whole or
-trimpath). Which cuts can complete a head at all is read off an automaton of
the grammar's regex (splice_joins.Joins), and every reading is worked out
once per head and line, however many hypotheses hold that head: `Weigher`
keeps those memos for the search (splice_search.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import Diagnostic, Stream
from .kind_order import may_follow
from .splice_ahead import holds_rest_path, needles
from .splice_fragments import (
    CONTEXT,
    STRANGER,
    SURE_PIECE,
    SURE_QUALITY,
    TIED,
    TURN,
    VARIANTS,
    Fragment,
    Marks,
    Piece,
    Variant,
)
from .splice_joins import Joins, joins
from .splice_score import (
    LENIENT,
    MAX_SPLICED,
    MEMO_MAX,
    Vocabulary,
    accepted,
    joined,
    marks,
    narrow,
    own_names,
    path_style,
    plausible,
)
from .splice_starts import free_after

__all__ = ["Weigher"]


class Weigher:
    """The readings of a stream's texts joined from fragments, memoised for
    one search over the stream."""

    def __init__(self, stream: Stream, matches: Sequence[re.Match[str] | None]) -> None:
        self.stream = stream
        self.texts = stream.texts
        self.matches = matches
        self.diagnostics: list[Diagnostic] = []
        self._vocab: Vocabulary | None = None
        self._joins: dict[tuple[int, int, int], list[tuple[int, float, str]]] = {}
        self._joins_alike: dict[tuple[str, tuple, int], list[tuple[int, float, str]]] = {}
        self._mine: dict[tuple[int, ...], tuple] = {}
        self._toolchains: dict[tuple[int, int], Marks] = {}
        self._heads: dict[tuple[tuple[Piece, ...], str], int] = {}  # see head_state
        self._grown: dict[tuple[int, int], tuple[int, Fragment] | None] = {}  # see grown
        # id(f) -> (f, its best whole reading, the line last asked at, its reading there)
        self._whole: dict[int, tuple[Fragment, tuple[float, Variant, str] | None, int,
                                     tuple[float, Variant, str] | None]] = {}
        self._chunks: dict[tuple[int, int], dict[int, list[int]]] = {}  # see chunk_states
        self._dead: dict[int, tuple[Fragment, bool]] = {}  # see dead
        # see may_finish: each fragment's heads' states, and the line expanded's answers
        self._needles: dict[int, tuple[Fragment, tuple[tuple[Joins, int], ...] | None]] = {}
        self._held: dict[tuple[tuple[Joins, int], ...], bool] = {}
        self._starts: list[bool] | None = None  # see line_starts
        self._line = -1  # the line expanded (next_line)
        self._states: list[int] | None = None  # see line_states
        self._free: int | None = None  # free_after of the line expanded
        self._rests: dict[int, dict[int, list[int]]] = {}  # the line expanded's: rest_states

    @property
    def vocab(self) -> Vocabulary:
        """Names printed intact in the whole stream: learned only once a
        reading that names something needs weighing (a log without splices
        never does, nor one whose lines' cuts read as free text alone)."""
        if self._vocab is None:
            self._vocab = Vocabulary(self.matches)
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

    def toolchains(self, i: int, step: int) -> Marks:
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
            for _ in range(CONTEXT):
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

    def stranger(self, f: Fragment, i: int) -> float:
        """STRANGER when fragment f's chunk (the lines before its head) and the
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
        return STRANGER if any(b and a and b.isdisjoint(a)
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
                (b - a for _, a, b in ps if b > a), default=0) < SURE_PIECE:
            return False
        sources = tuple(sorted({i for i, _, _ in ps}))
        r = self.weigh(m, sources)
        if r is None:
            return False
        q, unknown = self.vocab.quality_mine(m, self._own(sources))
        return not unknown and q >= SURE_QUALITY

    def rests(self, f: Fragment, i: int, t: str, n: int
              ) -> dict[int, tuple[float, Variant, str]]:
        """cut → (score, variant of f, kind) of the best way t's end after the
        cut completes fragment f: the whole text (cut 0) and the few best cuts
        (a head keeps no more variants than that)."""
        out: dict[int, tuple[float, Variant, str]] = {}
        if self.dead(f):
            return out
        apart = self.stranger(f, i)
        turn: dict[str, float] = {}  # kind → what following f.prev costs (few kinds, many cuts)
        for v in f.variants:
            base = v.delta - apart
            for c, q, k in self.joins_of(f.head(v), f.pieces(v), i, t, n):
                cost = turn.get(k)
                if cost is None:
                    cost = turn[k] = (TURN if f.prev is not None and not may_follow(f.prev, k)
                                      else 0.0)
                q += base - cost
                had = out.get(c)
                if had is None or q > had[0]:
                    out[c] = (q, v, k)
        if len(out) > VARIANTS + 1:
            ranked = sorted((c for c in out if c), key=lambda c: -out[c][0])
            top = out[ranked[0]][0]
            # and every place tied with the best (a cut anywhere in a hex number
            # or a message reads the same): the fragment's own rest decides
            best = ranked[:VARIANTS] + [c for c in ranked[VARIANTS:TIED] if out[c][0] == top]
            out = {c: out[c] for c in (0, *best) if c in out}
        return out

    def dead(self, f: Fragment) -> bool:
        """No line of the grammar's kinds starts as any of f's heads: no rest
        completes it (joins_of finds none), on any line. Once per fragment: a
        head cut out of an ordinary line is carried along for MAX_AGE lines."""
        got = self._dead.get(id(f))
        if got is None or got[0] is not f:
            heads = [(f.head(v), f.pieces(v)) for v in f.variants]
            got = f, all(self.head_state(joins(h[0]), ps, h) == joins(h[0]).dead
                          for h, ps in heads)
            if len(self._dead) >= MEMO_MAX:
                self._dead.clear()
            self._dead[id(f)] = got
        return got[1]

    def may_finish(self, f: Fragment, t: str) -> bool:
        """Whether some cut of text t may complete fragment f (else rests()
        finds none): f is not dead, and t holds, for one of its heads, a text
        every rest of it holds, from where a line may go on to t's end
        (splice_ahead.holds_rest_path). Its heads' states once per fragment: a
        fragment waits through many lines."""
        got = self._needles.get(id(f))
        if got is None or got[0] is not f:
            heads: dict[tuple[Joins, int], None] | None = {}
            if not self.dead(f):
                for v in f.variants:
                    head = f.head(v)
                    auto = joins(head[0])
                    state = self.head_state(auto, f.pieces(v), head)
                    if state == auto.dead:
                        continue
                    if needles(auto, state) is None:
                        heads = None
                        break
                    heads[auto, state] = None
            got = f, None if heads is None else tuple(heads)
            if len(self._needles) >= MEMO_MAX:
                self._needles.clear()
            self._needles[id(f)] = got
        states = got[1]
        if states is None:
            return True
        held = self._held.get(states)  # (heads alike share their states: asked once a line)
        if held is None:
            held = self._held[states] = any(holds_rest_path(a, s, t) for a, s in states)
        return held

    def joins_of(self, head: str, pieces: tuple[Piece, ...], i: int, t: str, n: int
                 ) -> list[tuple[int, float, str]]:
        """(cut, quality, kind) of every reading of head + t[cut:]: worked out once
        per head and line, however many hypotheses hold that head."""
        key = (pieces, i)
        got = self._joins.get(key)
        if got is None:
            sources = (*sorted({j for j, _, _ in pieces}), i)
            mine = self._own(sources)
            # (heads alike cut from lines alike: a decoy logged again and again
            # leaves the same head at many lines, each read the same)
            alike = (head, mine, i)
            got = self._joins_alike.get(alike)
            if got is not None:
                self._joins[key] = got
                return got
            got = self._joins_alike[alike] = []
            self._joins[key] = got
            m = self.matches[i]
            # a line read whole is no free text's rest (a panic's message run on);
            # of another, where its last line start is: asked only of a free text's
            # reading (once per line: a search of every lead through the line)
            free = len(t) if m is not None and m.lastgroup not in LENIENT else None
            lo = max(0, len(head) + len(t) - MAX_SPLICED)
            # every text starts with head (never empty: a fragment's every cut
            # lies past its start): the one narrow regex joined() would pick,
            # and only where its automaton says head and the cut's rest can be
            # one line (most cuts cannot)
            auto = joins(head[0])
            state = self.head_state(auto, pieces, head)
            if state == auto.dead or not holds_rest_path(auto, state, t):
                # no line of these kinds starts as head: no rest completes it, and
                # the rest's states (a pass over t) are not worked out for it (a
                # head cut out of an ordinary log line waits MAX_AGE lines so);
                # nor where t holds none of the texts every rest of head holds
                return got
            meet, fullmatch = auto.meet, narrow(head[0]).fullmatch
            cuts = sorted(c for rest, cs in self.rest_states(auto, i, t).items()
                          if meet(state, rest) for c in cs if lo <= c < n)
            # weigh()'s work, its names of the sources looked up once for all cuts
            quality = self.vocab.quality_mine
            for c in cuts:
                if (m := fullmatch(head + t[c:])) is None:
                    continue
                kind = m.lastgroup
                if kind in LENIENT:
                    if free is None:
                        free = self._free if self._free is not None else free_after(t)
                        self._free = free
                    if c < free:
                        continue  # a free text's rest cut before its last line start
                if (kind == "frame_call" and accepted(m) is None) or (
                        kind == "goroutine_header" and not plausible(m)):
                    continue
                got.append((c, quality(m, mine)[0], kind))
        return got

    def head_state(self, auto: Joins, pieces: tuple[Piece, ...], head: str) -> int:
        """auto's state after a fragment's head: once per head (a head cut out of
        the line expanded, from its start: read off the line's one pass)."""
        if len(pieces) == 1:
            line, start, cut = pieces[0]
            if line == self._line and not start:
                return self.line_states()[cut]
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

    def grown(self, f: Fragment, i: int, t: str, c: int) -> tuple[int, Fragment] | None:
        """Fragment f grown by text i's next chunk of its process, which ended
        before f's line did and before the rest that starts at cut c: t[a:c]
        (after a third process's head t[:a], or none). Taken only where f's head
        and that chunk read as a whole line with names printed elsewhere (the
        chunk ended where its process's write did, before ` pc=`), which also
        says where a is. (a, f grown) or None; once per fragment and cut."""
        key = (id(f), c)
        if key in self._grown:
            return self._grown[key]
        best: tuple[float, int, Variant] | None = None
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
            grown = Variant(v.cut, v.delta, v.kind, v.chain)  # the cut it stands for now
            got = a, Fragment(f.line, f.text, f.prev, (grown,), f.start, f.fresh,
                              (*f.more, (i, a, c)), f.more_text + t[a:c])
        self._grown[key] = got
        return got

    def line_states(self) -> list[int]:
        """The state of joins(t[0]) after t[:a], for each cut a of the line
        expanded (t): once per line."""
        if self._states is None:
            t = self.texts[self._line]
            self._states = joins(t[0]).states(t)
        return self._states

    def line_starts(self, t: str) -> list[bool]:
        """Whether a line may start as t[:a], for each a of the line expanded
        (t): once per line."""
        if self._starts is None:
            dead = joins(t[0]).dead
            self._starts = [s != dead for s in self.line_states()]
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

    def next_line(self, i: int) -> None:
        """Line i is expanded next: forget what was worked out for the line
        expanded before (those memos hold for one line)."""
        self._line = i
        self._states = None
        self._joins.clear()
        self._joins_alike.clear()
        self._held.clear()
        self._rests.clear()
        self._grown.clear()
        self._chunks.clear()
        self._starts = None
        self._free = None

    def _own(self, sources: tuple[int, ...]) -> tuple:
        """The names of the input lines a reading is made of (they do not vouch for it)."""
        mine = self._mine.get(sources)
        if mine is None:
            mine = own_names([x for j in sources if (x := self.matches[j]) is not None])
            if len(self._mine) >= MEMO_MAX:
                self._mine.clear()  # caches, bounded: memory follows the open fragments
            self._mine[sources] = mine
        return mine

    def reads_whole(self, f: Fragment, i: int) -> tuple[float, Variant, str] | None:
        """(score, variant, kind) of fragment f's best variant that reads as a
        whole line, finished by input line i's line break; None if none does."""
        got = self._whole.get(id(f))
        if got is not None and got[0] is f:
            if got[2] == i:  # (asked for each hypothesis holding f, on each line)
                return got[3]
            best = got[1]
            if best is None:  # (most: a head that reads as no line, on any line)
                return None
        else:  # once per fragment: it is asked again on every line it waits through
            best = None
            for v in f.variants:
                r = self.reading(f.head(v), f.sources())
                if r is None:
                    continue
                q = r[0] + v.delta
                if f.prev is not None and not may_follow(f.prev, r[1]):
                    q -= TURN
                if best is None or q > best[0]:
                    best = (q, v, r[1])
            if len(self._whole) >= MEMO_MAX:
                self._whole.clear()
        got_i = None
        if best is not None:
            q, v, k = best
            got_i = q - self.stranger(f, i), v, k
        self._whole[id(f)] = f, best, i, got_i  # (f kept: its id is not reused meanwhile)
        return got_i
