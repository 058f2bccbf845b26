"""Random line order: repair the beam's reading two streams at a time.

The beam decides each line among near-ties and keeps few hypotheses; in
random line order the truth's reading often outscores the beam's at the end
and yet left the beam early, its evidence (values passed down a goroutine,
ids in order, a call's file line) coming late (tests/corpus/beam_truth.py
--classify: search failures). Where it went wrong, two of its streams
often hold each other's lines: a goroutine's frames past a point went to
the other stream (mixed-lines-random: the beam's streams of its Go 1.21,
1.22 and 1.26 processes held each other's lines; repaired, 14 lines
misplaced -> 4).

So the reading is repaired two streams at a time: the beam held to the
reading (peel.Held) for every other stream re-reads the whole log, the two
streams' lines free to go to streams of their own (Freed): only those weigh
them, so the beam keeps hypotheses for them as for a log of two streams.
Where the whole reading then scores more than GAIN better by the beam's own
score it replaces the reading, and the pairs are tried again from the next
one until a round of them gains nothing or the log's allowance
(budget.REPAIR) is spent. Each pass is a beam over the log: MOST streams
at most (a round is MOST·(MOST-1)/2 passes), time stays linear.

Measured on the corpus's random-order merges drawn again (beam_truth.py
--remerge 24): mixed 37 -> 53 of 120 reports exact, the other cases
unchanged. Tried and dropped: re-reading the two streams' lines alone,
started from what the whole reading learned of the programs' code (cheap,
but the free beam found the reading it was given: that knowledge holds its
errors), or from nothing (it lacks the other streams'); freeing the two
streams' lines to go to held streams too, one stream's, or three: no draw
gained more; swapping two streams' suffixes at each line: none gained; the
restarts' readings repaired too: 58 of 120, but at three times the work
(sigquit-lines-random spends the whole allowance for nothing) and one draw
losing 2 reports to a reading the model prefers by 0.7 points. Where no pair
gains, the truth is often not the model's best (the draws' failures in
gotest, crash, sigquit and bolt: evidence, not search), or it lies beyond
any change of two streams (mixed draws 2, 6, 14, 20: 12-105 points).

A set of held streams is read once: a pass is a function of them, so the
pair that gained, tried again on its own reading, is not read again
(mixed-lines-random: 20 passes -> 19, 80.9k -> 77.6k units; readings
unchanged). No cheaper test tells a pair that will gain from one that will
not (remerge 24's 813 passes, 28 gaining): pairs of two toolchains gained
7 times (a line may go to a new stream), sigquit's 1 of 24 draws; and
`created by … in goroutine N` does not tell which process a header is of:
of the random cases' 100 such lines, 89 name a goroutine both their own
process and another print, 9 one only another prints (their creator had
exited), 2 one only their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

from .budget import Budget
from .evidence import Evidence
from .hypothesis import Hypothesis
from .peel import Held, Lines, feed
from .track import Track

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

    def pairing(self, h: Hypothesis) -> Iterable[tuple[int, Track]]:
        # (Held.moves keeps only the frames of the line's own stream: the
        # others are not weighed at all)
        mine = self.labels.get(self.at)
        return [(pos, t) for pos, t in enumerate(h.tracks) if t.peeled == mine]

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
    read: set[frozenset[tuple[int, ...]]] = set()
    while since < len(pairs) and budget.may_repair(cost):
        a, b = pairs[k % len(pairs)]
        k += 1
        since += 1
        held = {i: o for i, o in own.items() if o != a and o != b}
        # A pass is a function of the held streams' lines (the rest is free):
        # the same streams held again read the same, so it is read once (the
        # pair that gained, tried again on its own reading, says nothing new)
        streams = _streams(held)
        if streams in read:
            continue
        read.add(streams)
        freed = Freed(held, Budget())
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


def _streams(labels: dict[int, int]) -> frozenset[tuple[int, ...]]:
    """The held streams' lines, whatever their numbers (a pass weighs a
    label only as equal to another or not)."""
    lines: dict[int, list[int]] = {}
    for i in sorted(labels):
        lines.setdefault(labels[i], []).append(i)
    return frozenset(map(tuple, lines.values()))


def _reading(h: Hypothesis) -> dict[int, int]:
    """Each line h gave a stream, and that stream (Track.order)."""
    own: dict[int, int] = {}
    step = h.history
    while step is not None:
        if step.track >= 0:
            own[step.index] = step.track
        step = step.parent
    return own
