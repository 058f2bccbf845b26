"""Random line order: polish a complete reading, a few lines at a time.

The beam loses the truth among near-ties (tests/corpus/beam_crowd.py): with
many streams open, hundreds of candidates within a few points outrank it,
combinations of small independent choices. A complete reading can be
searched another way, two streams at a time: their lines read again by a
free beam (Apart), then one frame (its call and file line, with the
goroutine header it opened) or a goroutine's frames from one on moved from
one to the other, each kept where the two streams score better.

A stream is scored alone (Alone): the beam over its lines only, each line
at its place in the log (the traceback lines before it, the line before it,
for the paces and the bonus of the stream that printed the line before) and
the merge as the whole log showed it; what the other streams show of the
programs' code (callers, callees, sites, builds: Hypothesis) is learned
first, by the beam held to them (learned from the whole reading, the two
streams' own frames would confirm where they are; learned from nothing, the
moves of a program's frames between copies weighed 10-25 points otherwise
than the whole reading did). So a move's gain is worked out from the two
streams it touches. After each round the whole reading is read by the beam
held to it (peel.Held), the model's own score, which decides whether it
replaces the one polished.

Measured (tests/corpus/polish_walk.py): mixed-lines-random drawn again,
seed 6, from 337.2 (17 lines misplaced) to 356.6 (4; the truth 356.7).
twelve-lines-random's best reading gains 93 points a round (0.3M units),
1288 after 13.8M units (misplaced 208 -> 160; the truth 2215.5), and the
truth itself polished went to 2219.4 with 6 lines misplaced, 2 of them for a
heap arena every Go process maps (scores.HINT_ARENA, since earning nothing:
tests/corpus/polish_truth.py). Now the truth (2145.5) polished moves alike
lines only, but the best reading (937.5, 180 misplaced) polished for 6.0M
units reaches 1124.2 (174): readings of more than MOST streams are not
polished.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import combinations

from .beam import LOST, ORPHAN, WORK, Beam, Move
from .budget import Budget
from .burst import Merge
from .evidence import Evidence
from .hypothesis import CALLS, Hypothesis
from .peel import Held, Lines, feed, learn

HEADER = "GOROUTINE_HEADER"
# Hypotheses a stream read alone keeps a line (its lines are few and most
# decided: which waiting call a file line completes).
ALONE_WIDTH = 4
# The spare work (beam.SPARE_START) a pair's lines read again get for a wider beam.
PAIR_WIDE: int | None = None
# A line fed to a beam of its own costs about this many units besides its
# scorings (measured on mixed-lines-random drawn again, seed 6: 96k units and
# 41k lines fed cost 1.6 s where the beam's 53k units cost 0.6 s).
FED = 2
# Streams a reading may open to be polished (as repair.MOST: its pairs grow as
# the square; twelve-lines-random's 66 cost 0.3-0.6M units a round, and its
# best reading polished gains 93 points a round, its reports none).
MOST = 6
# A move is kept only where it gains this much (the two streams re-read).
EPSILON = 0.05
# A pair's work is about this many units for each candidate move and line of
# the two streams (each candidate re-reads both streams alone): measured on
# the corpus's random-order merges, 1.8-5 for pairs of 40-110 lines (a small
# pair pays more for what the others show), 0.5 for crash-lines-random's.
PAIR_COST = 3.0


class Frozen(Merge):
    """The merge as the whole log showed it (a stream read alone would show it bursty)."""

    def observe(self, token: str, streams: int) -> None:
        pass


def frozen(merge: Merge) -> Frozen:
    return Frozen(merge.lines, merge.calls, merge.files, merge.after_call, merge.llr,
                  merge.last_token)


class Alone(Held):
    """One stream's lines read alone, each where the whole log has it."""

    def __init__(self, labels: dict[int, int], place: dict[int, tuple[int, int]],
                 merge: Merge, budget: Budget | None = None) -> None:
        super().__init__(labels, budget)
        self.place = place
        self.merge = merge
        self.spare = float("-inf")  # (ALONE_WIDTH hypotheses, never beam.WIDE)

    def moves(self, h: Hypothesis, i: int, ev: Evidence, token: str) -> list[Move]:
        # one stream: the whole log's beam opens a stream only where no other
        # stream can take the line (Beam.single_moves, new_frames), so a second
        # one here would be its orphan (as peel.Peel)
        out = super().moves(h, i, ev, token)
        kept = [m for m in out if m[2] >= 0 or h.opened == 0 or m[1] == LOST]
        return kept or [(ORPHAN, LOST, -1, -1, -1, ())]

    def line(self, i: int, ev: Evidence, sig: int) -> None:
        _placed(self, i)
        super().line(i, ev, sig)

    def busy(self, h: Hypothesis, ev: Evidence) -> int:
        return max(1, WORK // ALONE_WIDTH)


class Others(Held):
    """The beam held to all streams but two: what they show of the programs' code."""


class Whole(Held):
    """The beam held to a whole polished reading: its score, the model's."""


class Apart(Beam):
    """Some streams' lines read again free, each where the whole log has it."""

    def __init__(self, place: dict[int, tuple[int, int]], merge: Merge,
                 budget: Budget | None = None) -> None:
        super().__init__(budget)
        self.place = place
        self.merge = merge
        self.spare = float("-inf") if PAIR_WIDE is None else float(PAIR_WIDE)

    def line(self, i: int, ev: Evidence, sig: int) -> None:
        _placed(self, i)
        super().line(i, ev, sig)


def _placed(beam: Alone | Apart, i: int) -> None:
    """The beam where the whole log is at line i: the traceback lines before it, the one before."""
    seq, prev = beam.place[i]
    beam.seq, beam.prev = seq, prev  # (observe() counts line i)
    for h in beam.beam:
        h.prev = prev


class Polisher:
    """Scores streams alone (each set of lines once for what the others
    show) and moves units between two streams at a time."""

    def __init__(self, lines: Lines, merge: Merge, reread: bool = True, move: bool = True
                 ) -> None:
        self.lines = lines
        self.rereads, self.moves = reread, move
        self.rounds = 0
        self.ev = {i: ev for i, ev, _ in lines}
        self.place: dict[int, tuple[int, int]] = {}
        prev = -1
        for seq, (i, _, _) in enumerate(lines):
            self.place[i] = (seq, prev)
            prev = i
        self.merge = frozen(merge)
        self.scored: dict[tuple[int, frozenset[int]], float] = {}
        self.work = 0
        self.most = 0  # (polish(): the work it may spend)
        self.known: Hypothesis | None = None  # what the other streams show (learn())
        self.known_id = 0

    def others(self, streams: dict[int, frozenset[int]], a: int, b: int) -> None:
        """What the streams but a and b show of the programs' code, for their readings."""
        labels = {i: s for s, mine in streams.items() if s not in (a, b) for i in mine}
        beam = Others(labels, Budget())
        mine = [x for x in self.lines if x[0] in labels]
        self.known = feed(beam, mine, 64)
        self.work += beam.work + FED * len(mine)
        self.known_id += 1

    def score(self, mine: frozenset[int]) -> float:
        key = (self.known_id, mine)
        got = self.scored.get(key)
        if got is None:
            if not mine:
                got = 0.0
            else:
                beam = Alone(dict.fromkeys(mine, 0), self.place, self.merge, Budget())
                if self.known is not None:
                    learn(beam.beam[0], self.known)
                fed = [x for x in self.lines if x[0] in mine]
                got = feed(beam, fed, 64).score
                self.work += beam.work + FED * len(fed)
            self.scored[key] = got
        return got

    def roots(self, mine: Iterable[int]) -> frozenset[str]:
        return frozenset(r for i in mine if (r := self.ev[i].root) is not None)

    def candidates(self, units: list[tuple[int, ...]]) -> list[frozenset[int]]:
        """What may move out of a stream: each unit, and each goroutine's
        units from one on (a goroutine's frames past a point, given to
        another process's goroutine)."""
        out = [frozenset(u) for u in units]
        starts = [k for k, u in enumerate(units) if any(self.ev[i].kind == "goroutine_header"
                                                        for i in u)]
        ends = [*starts[1:], len(units)] if starts else []
        for s, e in zip(starts, ends, strict=True):
            for k in range(s, e - 1):
                out.append(frozenset(i for u in units[k:e] for i in u))
        return out

    def best_move(self, streams: dict[int, frozenset[int]], units: dict[int, list[tuple[int, ...]]],
                  a: int, b: int) -> tuple[float, frozenset[int] | None]:
        """The move of lines from stream a to b that gains most (None: none gains)."""
        best: tuple[float, frozenset[int] | None] = (EPSILON, None)
        mine, theirs = streams[a], streams[b]
        want_b = self.roots(theirs)
        opens = min(mine)
        here = self.score(mine) + self.score(theirs)
        for u in self.candidates(_ordered(units, mine)):
            if self.work > self.most:
                break  # (past the allowance no round ends: see polish())
            if opens in u or min(u) < min(theirs):
                continue  # (a stream opens where the whole log let it)
            want = self.roots(u)
            if want and want_b and not want <= want_b:
                continue  # (one process, one toolchain)
            gain = self.score(mine - u) + self.score(theirs | u) - here
            if gain > best[0]:
                best = (gain, u)
        return best

    def reread(self, streams: dict[int, frozenset[int]], a: int, b: int
               ) -> tuple[float, Hypothesis | None]:
        """The two streams' lines read again by a free beam (what the others show known)."""
        mine = streams[a] | streams[b]
        beam = Apart(self.place, self.merge, Budget())
        if self.known is not None:
            learn(beam.beam[0], self.known)
        fed = [x for x in self.lines if x[0] in mine]
        h = feed(beam, fed, 64)
        self.work += beam.work + FED * len(fed)
        got: dict[int, set[int]] = {}
        step = h.history
        while step is not None:
            got.setdefault(step.track, set()).add(step.index)
            step = step.parent
        if any(t < 0 for t in got):
            return 0.0, None  # (a line left out: not a reading of the same lines)
        gain = sum(self.score(frozenset(x)) for x in got.values()) \
            - self.score(streams[a]) - self.score(streams[b])
        return gain, h

    def cost(self, streams: dict[int, frozenset[int]], units: dict[int, list[tuple[int, ...]]],
             a: int, b: int) -> float:
        """What weighing the moves between streams a and b is likely to cost."""
        lines = len(streams[a]) + len(streams[b])
        moves = sum(len(self.candidates(_ordered(units, streams[s]))) for s in (a, b))
        return PAIR_COST * lines * moves

    def polish(self, streams: dict[int, frozenset[int]], units: dict[int, list[tuple[int, ...]]],
               most: int, moves: int = -1,
               each: Callable[[dict[int, frozenset[int]], int], bool | None] | None = None
               ) -> tuple[dict[int, frozenset[int]], int]:
        """Moves that gain, kept one at a time, two streams at a time, until
        none does, `each` (called after each round) returns False or `most`
        work is spent. Only a round's end is weighed (`each`): a pair whose
        work is likely to overrun what is left is not begun, and one begun
        stops weighing moves once it is spent (sigquit-lines-random's first
        pair, 317 and 148 lines, cost 352k units where 262k were left, all of
        them for no reading weighed)."""
        self.most = most
        streams = dict(streams)
        moved = 0
        changed = {s: 0 for s in streams}  # (moves since each stream last changed)
        done: dict[tuple[int, int], tuple[int, int]] = {}
        # (each pair's gains are weighed by what the others show, so moves
        # may go round in a cycle: a reading is never gone back to)
        seen = {frozenset(streams.values())}
        while True:
            gained = False
            for a, b in combinations(sorted(streams), 2):
                if a not in streams or b not in streams:
                    continue
                if done.get((a, b)) == (changed[a], changed[b]):
                    continue
                if self.work > most:
                    return streams, moved
                if self.work + self.cost(streams, units, a, b) > most:
                    continue  # (its moves would be weighed by no round's end)
                self.others(streams, a, b)
                if self.rereads:
                    gain, h = self.reread(streams, a, b)
                    fresh = units_of(h, self.ev) if h is not None and gain > EPSILON else {}
                    now = frozenset(frozenset(i for u in us for i in u) for us in fresh.values())
                    new = frozenset(x for k, x in streams.items() if k not in (a, b)) | now
                    if fresh and new not in seen:
                        seen.add(new)
                        mine = streams.pop(a) | streams.pop(b)
                        for k in units:
                            units[k] = [u for u in units[k] if u[0] not in mine]
                        top = max([*streams, *units, a, b]) + 1
                        for t, us in fresh.items():
                            streams[top + t] = frozenset(i for u in us for i in u)
                            units[top + t] = us
                            changed[top + t] = moved + 1
                        moved += 1
                        gained = True
                        continue
                while self.moves:
                    g1, u1 = self.best_move(streams, units, a, b)
                    g2, u2 = self.best_move(streams, units, b, a)
                    if u1 is None and u2 is None:
                        break
                    src, dst, u = (a, b, u1) if g1 >= g2 else (b, a, u2)
                    assert u is not None
                    new = frozenset(x for k, x in streams.items() if k not in (src, dst)) \
                        | {streams[src] - u, streams[dst] | u}
                    if new in seen:
                        break
                    seen.add(new)
                    streams[src] = streams[src] - u
                    streams[dst] = streams[dst] | u
                    moved += 1
                    gained = True
                    changed[a] = changed[b] = moved
                    if moved == moves:
                        return streams, moved
                done[a, b] = (changed[a], changed[b])
            self.rounds += 1
            if each is not None and each(streams, moved) is False:
                return streams, moved
            if not gained:
                return streams, moved


def _ordered(units: dict[int, list[tuple[int, ...]]], mine: frozenset[int]
             ) -> list[tuple[int, ...]]:
    """The units of a stream's lines, in the order the stream printed their last lines."""
    got = [u for us in units.values() for u in us if u[0] in mine]
    return sorted(got, key=lambda u: u[-1])


def units_of(h: Hypothesis, ev: dict[int, Evidence]) -> dict[int, list[tuple[int, ...]]]:
    """The lines each stream of h took together (a header, a call, its file
    line), by stream, in order."""
    steps = []
    step = h.history
    while step is not None:
        steps.append((step.index, step.track))
        step = step.parent
    steps.reverse()
    out: dict[int, list[tuple[int, ...]]] = {}
    run: list[int] = []
    track = None
    for i, t in steps:
        if t < 0:
            continue
        if run and t != track:
            out.setdefault(track, []).append(tuple(run))  # type: ignore[arg-type]
            run = []
        run.append(i)
        track = t
        kind = ev[i].kind.upper() if i in ev else ""
        if kind not in CALLS and kind != HEADER:
            out.setdefault(t, []).append(tuple(run))
            run = []
    if run:
        out.setdefault(track, []).append(tuple(run))  # type: ignore[arg-type]
    return out


def held_reading(lines: Lines, streams: dict[int, frozenset[int]]) -> tuple[Hypothesis, int]:
    """The whole reading, as the beam held to it reads it (the model's score)."""
    labels = {i: s for s, mine in streams.items() for i in mine}
    beam = Whole(labels, Budget())
    return feed(beam, lines, 64), beam.work


def streams_of(h: Hypothesis) -> dict[int, frozenset[int]]:
    """Each stream's lines in h (Track.order → line indices)."""
    got: dict[int, set[int]] = {}
    step = h.history
    while step is not None:
        if step.track >= 0:
            got.setdefault(step.track, set()).add(step.index)
        step = step.parent
    return {t: frozenset(s) for t, s in got.items()}


def polished(lines: Lines, budget: Budget, known: Hypothesis, merge: Merge
             ) -> Hypothesis | None:
    """The best reading the polish reaches from `known`, as the beam held to
    it scores it, each round's (None: no round's scores above `known`),
    while the log's POLISH allowance lasts."""
    streams = streams_of(known)
    if not 2 <= len(streams) <= MOST:
        return None
    ev = {i: e for i, e, _ in lines}
    pol = Polisher(lines, merge)
    best: list[Hypothesis] = []
    last = [float("-inf")]

    def each(streams: dict[int, frozenset[int]], moved: int) -> bool:
        """Does the round's reading score above the last round's? If not,
        the rounds stop. (A first round may score below `known`, its moves
        weighed by two streams each, and the next ones above: mixed-lines-
        random drawn again, seed 6, its first beam's reading 269.5, rounds
        263.5, 265.6, 272.5, 272.5. A round no higher than the last is taken
        for the search's end: on the draws measured it repeated the last's
        score, bolt-lines-random 353.8 twice (then a third round cut short by
        the allowance), mixed seed 8 from its first beam's reading 373.0,
        384.8, 385.5, 385.5.)"""
        h, work = held_reading(lines, streams)
        pol.work += work + FED * len(lines)
        if h.score > (best[0] if best else known).score:
            best[:] = [h]
        rises = h.score > last[0]
        last[0] = h.score
        return rises

    pol.polish(streams, units_of(known, ev), budget.polish_left(), each=each)
    budget.polish += pol.work
    return best[0] if best else None
