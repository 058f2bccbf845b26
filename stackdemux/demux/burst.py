"""How bursty a merge of processes' outputs is, measured on the whole log.

Logs interleave whole outputs or long runs of one process's lines (bursts),
or single lines in random order. In a burst the line before is the same
process's, and the beam rewards a line for the stream of the line before;
in random order that reward would only add noise, and a goroutine header
waits for its first frame instead of being decided as it comes.

A process prints a file line right after its call line, so the share of
file lines that follow a call line, above the share of call lines, says how
often the line before is the same process's. Measured on the log, not per
hypothesis, which would reward its own guesses; random order shows within
the first file lines (a log-likelihood ratio of file lines that do or do not
follow a call line).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import log

from .hypothesis import CALLS, FILES

# Above this share of lines printed by the stream of the line before (0 as
# by chance, 1 always), the merge is bursty (see Merge.bursty).
BURSTY = 0.5
# At or below this share of lines printed by the stream of the line before
# (above chance), once the log has shown enough, the share is what processes
# of unequal sizes give in a random merge: no bonus, which would only add
# noise to the scores.
QUIET = 0.25
# File lines seen before a log is judged random (until then, bursty).
_SEEN = 24
# Or sooner: the log-likelihood ratio of "random line order" over "bursts"
# once the file lines seen make random this much likelier (e^4 : 1).
RANDOM_LLR = 4.0
# In a bursty merge a file line follows its own call line but at a burst's edge.
_P_BURSTY = 0.95


@dataclass(slots=True)
class Merge:
    """What the log has shown of how its processes' lines are merged, with a
    prior that says nothing (counts of traceback lines, call lines, file lines,
    and file lines right after a call line)."""

    lines: float = 2.0
    calls: float = 0.9
    files: float = 2.0
    after_call: float = 1.1
    llr: float = 0.0  # log odds of random line order over bursts (see observe())
    last_token: str = ""

    def observe(self, token: str, streams: int) -> None:
        """One traceback line's token, with `streams` streams open."""
        self.lines += 1
        if token in CALLS:
            self.calls += 1
        elif token in FILES:
            self.files += 1
            # a file line after a call line: each process prints one then the
            # other; in random order the line before is its own by chance or
            # another's call line as often as calls come
            chance = 1.0 / max(2, streams)
            p = chance + (1.0 - chance) * self.calls / self.lines
            if self.last_token in CALLS:
                self.after_call += 1
                self.llr += log(p / _P_BURSTY)
            else:
                self.llr += log((1.0 - p) / (1.0 - _P_BURSTY))
        self.last_token = token

    def same(self) -> float:
        """How often a line is the same process's as the line before, as the
        log shows it."""
        c = self.calls / self.lines
        q = self.after_call / self.files
        return (q - c) / (1.0 - c)

    def bonus(self, streams: int) -> float:
        """The bonus for a line printed by the stream that printed the line
        before, among `streams` streams: above chance, how often it is."""
        same = self.same()
        chance = 1.0 / max(2, streams)
        share = (same - chance) / (1.0 - chance)
        if share <= QUIET and (self.files >= _SEEN or self.llr > RANDOM_LLR):
            return 0.0
        return 3.0 * max(0.0, min(1.0, share))

    def random(self) -> bool:
        """The log has shown random line order, surely."""
        return self.llr > RANDOM_LLR

    def bursty(self, streams: int) -> bool:
        """Whole outputs or long runs of lines one after another (until the
        log has shown enough to tell, a merge is taken to be bursty)."""
        if self.llr > RANDOM_LLR:
            return False
        if self.llr < -RANDOM_LLR:
            return True
        return self.files < _SEEN or self.bonus(streams) > BURSTY * 3.0
