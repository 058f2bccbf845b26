"""The splicer's beam search over a stream: which fragment each rest completes.

Lines are read in order; a line read whole stays whole while nothing is
open. Any other line (and a doubtful one while fragments are open) is read
under every hypothesis as whole, as the rest of an open fragment, or as a
head left open before a whole line or a rest (splice.py tells the model);
hypotheses with the same open fragments are merged (splice_fragments.prune)
and fragments waiting longer than any collector waits are given up.
"""

from __future__ import annotations

from collections.abc import Iterator

from .kind_order import may_follow
from .splice_ahead import Ahead
from .splice_fragments import (
    BROKEN,
    CUT,
    MAX_AGE,
    MAX_CUTS,
    MAX_OPEN,
    OPEN,
    ORDER,
    SURE_QUALITY,
    TURN,
    UNFINISHED,
    Fragment,
    Hypothesis,
    Variant,
    best_variants,
    given_up,
    names_open,
    prune,
)
from .splice_idle import PASSED, LineHeads, Memo, line_heads, stays_whole
from .splice_joins import joins
from .splice_score import LENIENT, MAX_SPLICED, joined
from .splice_starts import LeadLines, inner_start, lead_search
from .splice_weigh import Weigher

__all__ = ["Search"]


class Search(Weigher):
    """One search over a stream: `run` gives the best hypothesis at its end."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._idle = Memo()  # splice_idle.LineHeads by text

    def run(self) -> Hypothesis | None:
        beam = [Hypothesis(0.0, (), None)]
        texts, matches, pieces = self.texts, self.matches, self.stream.pieces
        idle = beam[0]  # the one hypothesis, while nothing is open
        passed = None  # the last line idle passed by: its kind is idle's (see below)
        leads = LeadLines(texts)
        lead_at = skip = -1  # the next line with a lead inside; lines before skip: passed by
        for i, t in enumerate(texts):
            if i < skip:
                if t:
                    passed = i
                continue
            if idle is None and not any(h.open for h in beam):
                # every hypothesis has finished its fragments: the best one goes on
                idle = max(beam, key=lambda h: h.score)
                beam = [idle]
            if idle is not None:
                # Nothing open: a line read whole stays whole (its one match is
                # all it costs); any other line only where a line starts inside
                # it. A line where none starts past its first character is
                # passed by unread (most of an ordinary log): whole or not, it
                # stays as it is. Its kind, the chunk's last (a blank line keeps
                # it), is read only where a line after it is expanded.
                if not t:
                    continue
                if i != lead_at:
                    # (where lines hold a lead inside is found for many lines at
                    # once: those before the next one are passed by in bulk)
                    lead_at = leads.next(i)
                    if lead_at > i:
                        passed, skip = i, lead_at
                        continue
                if len(t) > MAX_SPLICED or i in pieces:
                    passed = i
                    continue
                # (what the same text read as before tells without its reading)
                known = self._idle.get(t)
                if known is None:
                    m = matches[i]
                    if (m is not None and m.lastgroup not in LENIENT) or not inner_start(t, m):
                        self._idle.put(t, PASSED)
                        passed = i
                        continue
                elif known is PASSED:
                    passed = i
                    continue
                if passed is not None:
                    before = matches[passed]
                    idle.kind = before.lastgroup if before is not None else None
                    passed = None
                if known is not None:
                    if self._idle_read(idle, i, known):
                        continue
                    m = matches[i]
                any_open = False
            else:
                m = matches[i]
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
                        and not names_open(beam))):
                    # A line read whole with names seen elsewhere: kept (a call
                    # line with a part of its name printed nowhere else, only
                    # while a fragment is open that a function's name may finish).
                    self._advance_whole(beam, kind, whole)
                    continue
            else:
                kind, whole = None, -BROKEN
            # (with nothing open, only a lenient or unread line that a line
            # starts inside comes here: the idle branch let no other through)
            cut = None
            if idle is not None:
                read, cut = self._idle_line(idle, i, t, kind, whole)
                if read:
                    continue
            beam = self._expand(beam, i, t, kind, whole, cut)
            if any_open:
                beam = self._retire(beam, i)
            idle = beam[0] if len(beam) == 1 and not beam[0].open else None
        for h in beam:
            self._finish(h)
        return max(beam, key=lambda h: h.score, default=None)

    def _advance_whole(self, beam: list[Hypothesis], kind: str | None, q: float) -> None:
        if len(beam) == 1:  # one hypothesis: nothing to compare, nothing to score
            beam[0].kind = kind
            return
        for h in beam:
            if kind is not None and h.kind is not None and not may_follow(h.kind, kind):
                h.score -= TURN
            h.score += q
            h.kind = kind

    def _idle_line(self, h: Hypothesis, i: int, t: str, kind: str | None, whole: float
                   ) -> tuple[bool, tuple[tuple[Variant, ...], list[Fragment]] | None]:
        """Line i while nothing is open (h, the one hypothesis): read whole
        without expanding it where an expansion could only read it whole
        (splice_idle.py), as _expand would read it (True); else (False, the
        heads its cuts leave, when worked out already)."""
        known = self._idle.get(t)
        cut = None
        if known is None:
            cut = self._cut_heads(i, t, kind, idle=True)
            if cut is None:
                known = LineHeads((), None, False, kind, whole)
            else:
                fresh_head, mids = cut
                fresh = [Fragment(i, t, None, fresh_head, fresh=True)] if fresh_head else []
                known = line_heads(self, i, [*fresh, *mids], kind, whole)
            self._idle.put(t, known)
        return self._idle_read(h, i, known), cut

    def _idle_read(self, h: Hypothesis, i: int, known: LineHeads) -> bool:
        """Line i read whole under h, as _expand would read it, where known
        (its text's heads) says an expansion could read it only so."""
        score = h.score + known.whole
        if known.kind is not None and h.kind is not None and not may_follow(h.kind, known.kind):
            score -= TURN
        if stays_whole(known, self.ahead, i, h.score, score):
            h.score, h.kind = score, known.kind
            return True
        return False

    def _cut_heads(self, i: int, t: str, kind: str | None, idle: bool = False
                   ) -> tuple[tuple[Variant, ...], list[Fragment]] | None:
        """The heads cuts in text i leave: the best places of a head before a
        fresh line, and the heads around a short chunk (_mid_heads). Line i is
        the one expanded from here on. `idle`: nothing is open, and None is
        said where no line starts as the text before any lead (every head
        dead: see splice_idle.py)."""
        self.next_line(i)
        n = min(len(t), MAX_CUTS)
        # whole lines after a cut: only where a line may start
        fresh: list[Variant] = []
        leads = [s.start() for s in lead_search(t, 1, n).finditer(t, 1, n)]
        if idle:
            states, dead = self.line_states(), joins(t[0]).dead
            if all(states[c] == dead for c in leads):
                return None
        for c in leads:
            r = self.reading(t[c:], (i,))
            if r is not None:
                chain = ((i, c), t[c:], ((i, c, len(t)),), True), None
                fresh.append(Variant(c, r[0] - CUT - OPEN, r[1], chain))
        fresh_head = best_variants(fresh)
        mids = self._mid_heads(i, t, leads) if kind is None and leads else []
        return fresh_head, mids

    def _expand(self, beam: list[Hypothesis], i: int, t: str, kind: str | None,
                whole: float, cut: tuple[tuple[Variant, ...], list[Fragment]] | None = None
                ) -> list[Hypothesis]:
        """Every reading of text i under every hypothesis: whole, the rest of an
        open fragment, or a head left open before a whole line or a rest.
        `cut`: _cut_heads(i, …), when worked out already."""
        cands: list[Hypothesis] = []
        fresh_head, mids = cut if cut is not None else self._cut_heads(i, t, kind)
        n = min(len(t), MAX_CUTS)
        # the rests of the open fragments: worked out once per fragment, not per hypothesis
        frags = self._distinct(beam)
        # (only those that some cut of t may complete: most wait through most lines)
        rests = {id(f): got for f in frags if self.may_finish(f, t)
                 and (got := self.rests(f, i, t, n))}
        # a text whose line break may be another's (see _ended_by_break): only
        # where an open fragment reads as a whole line (asked once per fragment)
        breaks = (kind is None or kind in LENIENT or kind == "created_by") and any(
            self.reads_whole(f, i) is not None for f in frags)
        dead: dict[int, bool] = {}  # see _dead_head, by cut
        for h in beam:
            # whole
            g = Hypothesis(h.score + whole, h.open, kind, h.log, h.cuts, h.joins)
            if kind is not None and h.kind is not None and not may_follow(h.kind, kind):
                g.score -= TURN
            cands.append(g)
            # a head before a fresh line
            if fresh_head:
                head = Fragment(i, t, h.kind, fresh_head, fresh=True)
                cands.append(Hypothesis(h.score + head.best, (*h.open, head),
                                        fresh_head[0].kind, h.log, h.cuts + 1, h.joins))
            # a line joined around another process's short chunk, left open
            for head in mids:
                cands.append(Hypothesis(h.score + head.best, (*h.open, head),
                                        head.variants[0].kind, h.log, h.cuts + 2, h.joins + 1))
            # the rest of an open fragment: the whole text, or after a head
            for age, f in enumerate(h.open if rests else ()):  # 0: the oldest
                got = rests.get(id(f))
                if not got:
                    continue
                others = tuple(x for x in h.open if x is not f)
                base = h.score - f.best + OPEN - ORDER * age
                if 0 in got:
                    q, v, k = got[0]
                    entry = (f.key, f.head(v) + t, (*f.pieces(v), (i, 0, len(t))), True)
                    log = (entry, v.chain), h.log
                    cands.append(Hypothesis(base + q, others, k, log, h.cuts, h.joins + 1))
                variants = []
                top = max((q for c, (q, _, _) in got.items() if c), default=None)
                for c, (q, v, k) in got.items():
                    if c == 0 or (c == len(before := f.head(v)) and t.startswith(before)):
                        # (t[:c] is f's head again: f finished by t's rest and the
                        # same head opened reads the texts t whole, f open, reads,
                        # but kept besides it a line repeated (a decoy's
                        # `panic("boom")`: `p` + `anic("boom")`) passed the head on
                        # and on, and the beam never went idle again)
                        continue
                    if self._dead_head(i, t, c, dead):
                        continue  # (no process would finish what precedes this rest)
                    entry = (f.key, f.head(v) + t[c:], (*f.pieces(v), (i, c, len(t))), True)
                    variants.append(Variant(c, q - CUT - OPEN, k, (entry, v.chain)))
                    # or what comes before the rest is another open line's next
                    # chunk, itself ended before its line did (after a head of a
                    # third process's, or none): tried after the rest's best cuts,
                    # where it reads with a name printed exactly
                    for x in others if q == top and q - v.delta >= SURE_QUALITY else ():
                        grown = self.grown(x, i, t, c)
                        if grown is None:
                            continue
                        fresh_cut, g = grown
                        rest = (entry, v.chain), h.log
                        opened: tuple[Fragment, ...] = (g,)
                        score = base + q - CUT - x.best + g.best
                        if fresh_cut:
                            new = Fragment(i, t, h.kind,
                                           (Variant(fresh_cut, -CUT - OPEN, None, None),))
                            opened = (new, g)
                            score += new.best
                        cands.append(Hypothesis(
                            score, (*(y for y in others if y is not x), *opened), k, rest,
                            h.cuts + 1 + (fresh_cut > 0), h.joins + 1))
                if got and breaks and (ended := self.reads_whole(f, i)) is not None:
                    # or all of t a head, and its line break f's (see _ended_by_break):
                    # a place of the same head, so that the rest t's line gets decides
                    # (`created by main.startIdl` + `e`, or the whole of it + a newline)
                    q, v, k = ended
                    entry = (f.key, f.head(v), (*f.pieces(v), (i, len(t), len(t))), True)
                    variants.append(Variant(len(t), q - CUT - OPEN, k, (entry, v.chain)))
                vs = best_variants(variants)
                if vs:
                    head = Fragment(i, t, h.kind, vs)
                    cands.append(Hypothesis(base + head.best, (*others, head), vs[0].kind,
                                            h.log, h.cuts + 1, h.joins + 1))
            if breaks:  # (a `created by` line doubted: maybe cut before its goroutine)
                cands.extend(self._ended_by_break(h, i, t))
        # (settled where fragments are open too: a head that nothing can finish
        # held open, with its hypothesis kept within the beam's margin, kept
        # the beam from going idle again, and every line after it expanded: 8
        # services' 12 MB chunks merge expanded 91 % of its lines. It needs
        # fragments told apart by where they start (Fragment.slot): else a
        # dead head given up unshadows another fragment of its line)
        return prune(self._settle(cands, i))

    @staticmethod
    def _distinct(beam: list[Hypothesis]) -> list[Fragment]:
        """The beam's open fragments, each once (hypotheses share most of them),
        in the order the beam holds them first."""
        return list({id(f): f for h in beam for f in h.open}.values())

    def _settle(self, cands: list[Hypothesis], i: int) -> list[Hypothesis]:
        """Fragments opened at text i that nothing can finish before they would
        be given up (splice_ahead.py) are given up at once, as _retire would
        give them up later: held open, each kept a hypothesis of its own, and
        every line after it was expanded."""
        doom: dict[tuple[int, tuple[int, ...]], bool] = {}  # (a head is asked per hypothesis)
        known: dict[int, bool] = {}  # ... and a fragment once, by itself (hypotheses share them)

        def doomed(f: Fragment) -> bool:
            got = known.get(id(f))
            if got is None:
                got = known[id(f)] = self._doomed(f, i, doom)
            return got

        for h in cands:
            # (a fragment opened here is the last one, or the one before a grown
            # one: most candidates hold none, told without a call)
            op = h.open
            if not op or (op[-1].line != i and (len(op) < 2 or op[-2].line != i)) or not any(
                    f.line == i and doomed(f) for f in op[-2:]):
                continue
            keep = []
            for f in op:
                if f.line == i and doomed(f):
                    h.log = given_up(f), h.log
                    h.score -= UNFINISHED
                else:
                    keep.append(f)
            h.open = tuple(keep)
        return cands

    def _dead_head(self, i: int, t: str, c: int, dead: dict[int, bool]) -> bool:
        """t[:c], left before a rest that starts at c, is a head that nothing
        can finish (as _doomed asks): then no rest starts there. Another
        process's chunk ended there mid-line, and its line would never be
        finished: the text is read otherwise. (8 services' 12 MB chunks merge:
        a dribbled `p` at input line 8156 took `anic: foo"` out of a logged
        `time=… msg="recovered from panic: foo"`, 2 991 lines on, and gave up
        the `time=… from p` left before it in its place: the one join of the
        search, so the separator was handed chunk groups, and two goroutines
        of a `concurrent map writes` dump went to the report before it.)"""
        got = dead.get(c)
        if got is None:
            head = t[:c]
            got = False
            if self.reading(head, (i,)) is None:  # (else a line break may finish it)
                auto = joins(head[0])
                state = self.head_state(auto, ((i, 0, c),), head)
                got = state == auto.dead or not self.ahead.may_rest(auto, state, head, i)
            dead[c] = got
        return got

    def _doomed(self, f: Fragment, i: int, doom: dict[tuple[int, tuple[int, ...]], bool]
                ) -> bool:
        """No rest can finish fragment f within its reach, nor a line break:
        no variant's head reads as a whole line, and no line of the kinds
        starts as it (the join automaton is dead after it) or none ends it."""
        key = f.start, tuple(v.cut for v in f.variants)
        got = doom.get(key)
        if got is None:
            got = True
            for v in f.variants:
                head = f.head(v)
                if self.reading(head, f.sources()) is not None:
                    got = False  # a line break may finish it
                    break
                auto = joins(head[0])
                state = self.head_state(auto, f.pieces(v), head)
                if state != auto.dead and self.ahead.may_rest(auto, state, head, i):
                    got = False
                    break
            doom[key] = got
        return got

    @property
    def ahead(self) -> Ahead:
        got = self.__dict__.get("_ahead")
        if got is None:
            got = self.__dict__["_ahead"] = Ahead(self.texts, self.matches, self.stream.pieces,
                                                     self.whole)
        return got

    def _mid_heads(self, i: int, t: str, leads: list[int]) -> list[Fragment]:
        """A chunk shorter than the rest of a line: one process's line cut, a
        second process's chunk (a head of its own, left open), then the first
        one's rest (`…(*Account).Withdraw` `panic: ` `(...)`). The short chunk
        starts where a traceback line may start; the line around it must read
        as a line that is no free text. `leads`: where a line may start in t."""
        out = []
        auto = joins(t[0])
        starts = self.line_starts(t)
        rests: dict[int, list[int]] | None = None  # (at a first live start: most texts have none)
        for a in leads:
            if not starts[a]:
                continue  # no line starts as t[:a]: no rest meets it
            if rests is None:
                rests = self.rest_states(auto, i, t)
            vs = []
            state = self.line_states()[a]
            # only where t[:a] + t[b:] may be a line at all
            for b in sorted(b for rest, bs in rests.items() if auto.meet(state, rest)
                            for b in bs if b > a):
                text = t[:a] + t[b:]
                r = self.reading(text, (i,))
                if r is None or r[1] in LENIENT:
                    continue
                entry = (i, 0), text, ((i, 0, a), (i, b, len(t))), True
                vs.append(Variant(b, r[0] - 2 * CUT - OPEN, r[1], (entry, None)))
            if vs:
                out.append(Fragment(i, t, None, best_variants(vs), a))
        return out

    def _ended_by_break(self, h: Hypothesis, i: int, t: str) -> list[Hypothesis]:
        """The whole text a head, and the line break after it another process's:
        the one whose open fragment already reads as a whole line (its read()
        chunk ended just before its newline, its next one starts with it)."""
        out = []
        head = None  # (made once one is: most hypotheses have no fragment that reads whole)
        for f, q, v, _ in self._whole_heads(h, i):
            if head is None:
                head = Fragment(i, t, h.kind, (Variant(len(t), -CUT - OPEN, None, None),))
            # its line break, an empty piece: where f's process's next chunk begins
            entry = f.key, f.head(v), (*f.pieces(v), (i, len(t), len(t))), True
            others = tuple(x for x in h.open if x is not f)
            out.append(Hypothesis(q + head.best, (*others, head), None,
                                  ((entry, v.chain), h.log), h.cuts + 1, h.joins + 1))
        return out

    def _blank(self, beam: list[Hypothesis], i: int) -> list[Hypothesis]:
        """An empty input line while fragments are open: a blank line, or the
        line break of an open fragment that reads whole (its process's next
        read() chunk began with its newline)."""
        cands = []
        for h in beam:
            cands.append(Hypothesis(h.score, h.open, h.kind, h.log, h.cuts, h.joins))
            for f, q, v, k in self._whole_heads(h, i):
                if not f.fresh:
                    continue  # a head left by a rest: where it ends is a guess already
                if k not in LENIENT and not self.vocab.known(joined(f.head(v))):
                    continue  # a name cut short reads as a line too: `created by main.deadloc`
                entry = f.key, f.head(v), (*f.pieces(v), (i, 0, 0)), True
                others = tuple(x for x in h.open if x is not f)
                cands.append(Hypothesis(q, others, k, ((entry, v.chain), h.log), h.cuts,
                                        h.joins + 1))
        return prune(cands)

    def _whole_heads(self, h: Hypothesis, i: int) -> Iterator[tuple[Fragment, float, Variant, str]]:
        """Each open fragment of h that reads as a whole line, finished by the
        line break of input line i: with h's score once it is finished there, its
        best variant and the kind it reads as."""
        for age, f in enumerate(h.open):
            best = self.reads_whole(f, i)
            if best is not None:
                q, v, k = best
                yield f, h.score - f.best + q + OPEN - ORDER * age, v, k

    def _retire(self, beam: list[Hypothesis], i: int) -> list[Hypothesis]:
        """Fragments waiting longer than any collector waits are given up.
        `beam`: pruned (prune's beam is its own: pruned again only if changed)."""
        changed = False
        for h in beam:
            if len(h.open) > MAX_OPEN or (h.open and h.open[0].line < i - MAX_AGE):
                changed = True
                # (which by its place: a fragment's fields compared with every
                # kept one's cost more than the rest of the search's step)
                first = len(h.open) - MAX_OPEN
                keep = []
                for k, f in enumerate(h.open):
                    if k >= first and f.line >= i - MAX_AGE:
                        keep.append(f)
                    else:
                        h.log = given_up(f), h.log
                        h.score -= UNFINISHED
                h.open = tuple(keep)
        return prune(beam) if changed and len(beam) > 1 else beam

    def _finish(self, h: Hypothesis) -> Hypothesis:
        for f in h.open:
            h.log = given_up(f), h.log
            h.score -= UNFINISHED
        return h
