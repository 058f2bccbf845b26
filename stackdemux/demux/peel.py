"""Many processes in random line order: read them one stream at a time.

With a dozen streams open the beam keeps few hypotheses a line (beam.WORK)
and loses the truth among near-ties within a hundred lines; wider beams do
not find it again (tests/corpus/beam_truth.py: twelve-lines-random's truth
outscores the beam's reading by 1500 points). Peeling decides one stream
at a time instead: a beam whose hypotheses hold ONE stream picks, from the
lines left, the subsequence that stream reads best (every line it does not
take earns SKIP, what a line is worth to the stream that printed it, so it
takes a line only where it fits better than that); its lines are set aside
and the next stream is peeled from the rest. The first streams peeled are
the biggest, the most certain (a process of 160 lines comes out with 8
lines wrong, where the beam's best stream of it holds 94 of them).

Each reading (the first k streams peeled, the rest left to the beam) is
scored by the beam itself held to it (Held: a peeled line goes only to its
stream), so that the beam's reading and the peeled ones are weighed by one
model; beam.separate keeps the peeled one only when it scores clearly
better. Each pass is a beam over the log's lines: PEELS passes stay linear.
"""

from __future__ import annotations

from collections.abc import Sequence

from .beam import LOST, WORK, Beam, Move
from .budget import PEEL, Budget
from .evidence import Evidence
from .hypothesis import NOISE, Call, Hypothesis

# What a line is worth to the stream that printed it, when another leaves it:
# a frame scores 5-8 points in its own process's stream, a foreign one that
# fits its package and toolchain about 5 where it fits at all (twelve-lines-
# random, its hang process of 160 lines peeled first: 0 points take 42 lines
# of others, 2 take 8 and leave 8 of its own, 4 leave 31). Its 12 processes
# merged again 12 ways: 1.5, 191 of 660 goroutines exact; 2, 186 (one pass).
SKIP = 1.5
# Streams peeled at most (each pass is a beam over the log, and a held beam
# to score it): 1, 191 goroutines exact (above); 2, 221; 3, 222.
PEELS = 2
# Hypotheses a peeling beam keeps a line: it holds one stream, so it would
# keep the beam's widest (beam.WIDE), at many times the cost (8: 185
# goroutines exact, 16: 191, above).
PEEL_WIDTH = 16
_SKIPPED = 3  # (a move's kind: the line left to other streams)

# (a beam's traceback lines: index, evidence, hash of its text)
Lines = Sequence[tuple[int, Evidence, int]]


class Peel(Beam):
    """A beam whose hypotheses hold one stream: each line is taken by it or
    left (SKIP) to the streams peeled later."""

    def moves(self, h: Hypothesis, i: int, ev: Evidence, token: str) -> list[Move]:
        out = [m for m in super().moves(h, i, ev, token)
               if m[1] != LOST and (m[2] >= 0 or h.opened == 0)]
        out.append((SKIP, _SKIPPED, -1, -1, -1, ()))
        return out

    def apply(self, h: Hypothesis, move: Move, i: int, ev: Evidence, sig: int,
              in_place: bool) -> None:
        if move[1] == _SKIPPED:
            h.score += move[0]
            h.record(i, NOISE)
        else:
            super().apply(h, move, i, ev, sig, in_place)

    def unbound(self, h: Hypothesis, c: Call) -> None:
        h.record(c.index, NOISE)  # (another stream's)

    def __init__(self, budget: Budget | None = None) -> None:
        super().__init__(budget)
        self.spare = float("-inf")  # (PEEL_WIDTH hypotheses, never beam.WIDE)

    def busy(self, h: Hypothesis, ev: Evidence) -> int:
        return max(1, WORK // PEEL_WIDTH)


class Held(Beam):
    """The beam held to peeled streams: a line of one (labels) goes only to a
    stream of its own, and the other lines only to streams of none."""

    def __init__(self, labels: dict[int, int], budget: Budget | None = None) -> None:
        super().__init__(budget)
        self.labels = labels

    def moves(self, h: Hypothesis, i: int, ev: Evidence, token: str) -> list[Move]:
        get = self.labels.get
        floats = h.floats
        out: list[Move] = []
        lost: Move | None = None
        for m in super().moves(h, i, ev, token):
            if m[1] == LOST:
                lost = m
                if get(i) is None:
                    out.append(m)
                continue
            mine = get(i)
            if any(get(floats[x].index) != mine for x in (m[3], m[4]) if x >= 0):
                continue
            if m[2] >= 0 and h.tracks[m[2]].peeled != mine:
                continue
            out.append(m)
        return out or [lost if lost is not None else (-10.0, LOST, -1, -1, -1, ())]

    def apply(self, h: Hypothesis, move: Move, i: int, ev: Evidence, sig: int,
              in_place: bool) -> None:
        super().apply(h, move, i, ev, sig, in_place)
        if move[1] != LOST and move[2] < 0:
            h.tracks[-1].peeled = self.labels.get(i)


def peeled(lines: Lines, budget: Budget, known: Hypothesis, cost: int, every: int = 64,
           most: int = PEEL) -> list[Hypothesis]:
    """The readings of `lines` with the first 1..PEELS streams peeled, each
    the beam held to them (its score the model's), while the log's PEEL
    allowance lasts (`cost`: what a pass is likely to cost; `most`: what
    peeling may have cost in all, this log's). `known`: the
    best reading so far, whose frames tell each peeling beam what the
    programs' code is (which function lies at a file's line, calls which):
    one stream's own frames tell it little (twelve-lines-random merged 12
    ways: 174 goroutines exact without, 191 with)."""
    labels: dict[int, int] = {}
    left = list(lines)
    out: list[Hypothesis] = []
    for k in range(PEELS):
        if not budget.may_peel(cost, most):
            break
        one = Peel(Budget())
        learn(one.beam[0], known)
        took = [i for i, t in steps(feed(one, left, every)) if t >= 0]
        budget.peel += one.work
        if not took or one.narrowed_at >= 0:
            break
        labels.update((i, k) for i in took)
        gone = set(took)
        left = [x for x in left if x[0] not in gone]
        held = Held(labels, Budget())
        h = feed(held, lines, every)
        budget.peel += held.work
        cost = one.work + held.work
        if held.narrowed_at >= 0:
            break
        out.append(h)
        if h.score > known.score:
            known = h
    return out


def learn(h: Hypothesis, known: Hypothesis) -> None:
    """What `known`'s frames showed of the programs' code, for h (persistent maps: shared)."""
    h.sites, h.homes, h.callers, h.callees = known.sites, known.homes, known.callers, known.callees
    h.calls, h.entries, h.bodies, h.spans = known.calls, known.entries, known.bodies, known.spans
    h.seen_at = known.seen_at


def feed(beam: Beam, lines: Lines, every: int) -> Hypothesis:
    """The beam's best reading of the lines (retiring as beam.separate does)."""
    block = 0
    for i, ev, sig in lines:
        if i // every != block or len(beam.beam[0].tracks) >= beam.max_tracks + beam.slack:
            block = i // every
            beam.retire(i)
        beam.over_budget(i)
        beam.line(i, ev, sig)
    return beam.finish()


def steps(h: Hypothesis) -> list[tuple[int, int]]:
    """Each line h placed, newest first: (line, its stream, or NOISE/ORPHANED)."""
    out = []
    step = h.history
    while step is not None:
        out.append((step.index, step.track))
        step = step.parent
    return out
