"""Random line order: repair the beam's reading two streams at a time.

The beam decides each line among near-ties and keeps few hypotheses; in
random line order the truth's reading often outscores the beam's at the end
and yet left the beam early, its evidence (values passed down a goroutine,
ids in order, a call's file line) coming late (tests/corpus/beam_truth.py
--classify: search failures). Where it went wrong, two of its streams
mostly hold each other's lines: a goroutine's frames past a point went to
the other stream (mixed-lines-random's two Go 1.27 programs).

So the reading is repaired two streams at a time: the lines of two of its
streams, and only those, are read again by a beam of their own, which keeps
many hypotheses for two streams at little cost, and by the beam held to the
reading (peel.Held); where the free beam's reading scores more than GAIN
above the held one, its streams replace the two. Both beams see the lines
as in the log: each line's place among all traceback lines (a stream's
pace, scores.silence), the log's merge (burst.py) and what the reading's
frames showed of the programs' code (peel.learn). The pairs are tried
again from the next one until a round of them gains nothing or the log's
allowance (budget.REPAIR) is spent; the reading repaired is then scored by
the beam held to it over the whole log, and beam.separate keeps it where
that beats the beam's own reading clearly. A round reads each line once
per other stream: MOST streams at most, time stays linear.
"""

from __future__ import annotations

from itertools import combinations

from .budget import Budget
from .evidence import Evidence
from .hypothesis import Hypothesis
from .peel import Held, Lines, feed

# A pair's reading replaces the one repaired only when it scores this much
# better (as beam.RERUN_GAIN: copies of one binary score within a point or
# two however they are split).
GAIN = 2.0
# Streams a reading may open for its pairs to be tried (they grow as the
# square: twelve-lines-random's 66 pairs, read with all lines, took 25 s).
MOST = 6


class Freed(Held):
    """The beam held to a reading but for two streams, whose lines (no
    label) go to streams of their own: only those weigh them, so the beam
    keeps hypotheses for them as for a log of two streams."""

    def __init__(self, labels: dict[int, int], budget: Budget | None = None) -> None:
        super().__init__(labels, budget)
        self.at = -1  # the line being read

    def line(self, i: int, ev: Evidence, sig: int) -> None:
        self.at = i
        super().line(i, ev, sig)

    def busy(self, h: Hypothesis, ev: Evidence) -> int:
        if self.at in self.labels:
            return 1
        return len([t for t in h.tracks if t.peeled is None])


def repaired(lines: Lines, budget: Budget, known: Hypothesis, every: int = 64
             ) -> Hypothesis | None:
    """A better reading of `lines` than `known` (None: none found), while
    the log's REPAIR allowance lasts."""
    own = _reading(known)
    if not 2 <= len(set(own.values())) <= MOST:
        return None
    best: Hypothesis | None = None
    score = known.score
    pairs = list(combinations(sorted(set(own.values())), 2))
    k = since = cost = 0
    while since < len(pairs) and budget.may_repair(cost):
        a, b = pairs[k % len(pairs)]
        k += 1
        since += 1
        freed = Freed({i: o for i, o in own.items() if o != a and o != b}, Budget())
        h = feed(freed, lines, every)
        budget.repair += freed.work
        cost = max(cost, freed.work)
        if freed.narrowed_at >= 0 or h.score <= score + GAIN:
            continue
        best, score = h, h.score
        own = _reading(h)  # (its streams are numbered anew: the pairs too)
        pairs = list(combinations(sorted(set(own.values())), 2))
        if not pairs:
            break
        since = 0
    return best


def _reading(h: Hypothesis) -> dict[int, int]:
    """Each line h gave a stream, and that stream (Track.order)."""
    own: dict[int, int] = {}
    step = h.history
    while step is not None:
        if step.track >= 0:
            own[step.index] = step.track
        step = step.parent
    return own
