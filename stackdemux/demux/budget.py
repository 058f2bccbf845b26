"""The work one log's line-level beams may cost, shared by all of them.

A beam (beam.py) weighs each traceback line against its open streams and
hypotheses. On a real merge that costs little in all (the corpus's dearest,
and its draws merged again, cost at most 83k units of work); on lines
written to be slow (traceback-shaped lines of every kind in random order) it
costs hundreds of units a line, about 4 µs each. So the beams of a log share
one budget: START, then LINE for every traceback line they weigh; past it a
beam narrows for good (beam.Beam.over_budget), and a beam started past it
starts narrow. Shared, because a log of many prefixed streams runs one beam
a stream: a budget per beam would pay START once a prefix.

The unit follows the time the beam takes (measured on the corpus, its
remerged draws and the adversarial bench: 3 to 6 µs a unit, both kinds of
log): a scoring (a line or a frame weighed against a stream) is one, a
hypothesis forked FORK. The credit a line earns is per traceback line (an
ordinary or blank line earns nothing: padding a log buys no time).

A beam over lines in random line order may run again (beam.RESTARTS): those
runs are paid from RESTART units a log, apart, so that they never narrow
another beam of the log; a run starts only while what it is likely to cost
(its first run's work) fits in what is left. Peeling a log of many streams
(peel.py) is paid from PEEL units a log, on the same terms.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

__all__ = ["FORK", "LINE", "PEEL", "POLISH", "REPAIR", "RESTART", "START", "WIDEN", "Budget",
           "log_budget", "one_budget"]

# A real merge's work less LINE a line stays under 71k (sigquit-lines-random
# merged again, seed 1); START leaves it almost twice that.
START = 1 << 17
LINE = 16
# A fork (and the move applied to it, its signature and state hashed) costs
# about 8 scorings (fitted over the corpus and the adversarial inputs).
FORK = 8
# The work a log's beams may spend running again (the corpus's random-order
# merges cost 4k-64k units a run: up to three runs each).
RESTART = 1 << 17
# The work a log's beams may spend peeling many streams (peel.py): a pass
# (a peeling beam and the beam held to it) costs 70k-80k units on the
# corpus's merge of 12 processes (0.3-0.4 s), and two passes fit; as many again
# peel from the wider beam's reading where it is kept (beam.Wide).
PEEL = 160_000
# The work a log's beams may spend repairing a random-order reading two
# streams at a time (repair.py): the corpus's merges of 3-5 processes drawn
# again 24 ways cost 6k-267k units (medians: crash 8k, mixed 47k, sigquit
# 153k, 3-4 µs a unit); none reaches it.
REPAIR = 1 << 19
# The work a log's beams may spend polishing a random-order reading (polish.py):
# mixed-lines-random drawn again, seed 6, reads 4 lines misplaced (17 before)
# at 269k units; sigquit-lines-random spends all it is given for nothing
# (at 1 << 19, 730k units: 6.2 s where the separator took 1.3 s; at 1 << 18,
# 352k: 3.9 s; a round overruns the allowance by the pairs it has begun).
# Since a pair likely to overrun what is left is not begun (polish.PAIR_COST),
# sigquit's first round ends at 106k units (0.9 s of polish) and weighs nothing
# better.
POLISH = 1 << 18
# The work a log's beams may spend reading a random-order log of many streams
# again with a wider beam (beam.Wide): twelve-lines-random's draws cost
# 266k-311k units (9-12 times their first beam's).
WIDEN = 1 << 19


@dataclass(slots=True)
class Budget:
    """The work the log's finished beams cost, and the traceback lines they weighed."""

    spent: int = 0
    lines: int = 0
    rerun: int = 0  # the work runs again cost (RESTART)
    peel: int = 0  # the work peeling cost (PEEL)
    repair: int = 0  # the work repairing cost (REPAIR)
    polish: int = 0  # the work polishing cost (POLISH)
    widen: int = 0  # the work the wider beam cost (WIDEN)

    def over(self, work: int, lines: int) -> bool:
        """Is a beam that has cost `work` over `lines` lines past the log's budget?"""
        return self.spent + work > START + LINE * (self.lines + lines)

    def may_rerun(self, work: int) -> bool:
        """May a beam run again that will cost about `work`?"""
        return self.rerun + work <= RESTART

    def may_peel(self, work: int, most: int = PEEL) -> bool:
        """May a peeling pass run that will cost about `work` (peeling at most `most` in all)?"""
        return self.peel + work <= most

    def may_repair(self, work: int) -> bool:
        """May a repairing pass run that will cost about `work`?"""
        return self.repair + work <= REPAIR

    def may_widen(self, work: int) -> bool:
        """May a wider beam run that will cost about `work`?"""
        return self.widen + work <= WIDEN

    @staticmethod
    def allowance(work: int) -> Budget:
        """A budget of its own: a beam narrows past `work` (and LINE a line)."""
        return Budget(spent=START - work)

    def polish_left(self) -> int:
        """The work polishing may still spend (a round may overrun it by a pair's)."""
        return POLISH - self.polish

    def close(self, work: int, lines: int) -> None:
        """A beam is done: its work and lines count for the next one's."""
        self.spent += work
        self.lines += lines


_LOG: ContextVar[Budget | None] = ContextVar("stackdemux_beam_budget", default=None)


@contextmanager
def one_budget() -> Iterator[Budget]:
    """The beams run inside share one budget (demux.demultiplex_detail: one log)."""
    token = _LOG.set(Budget())
    try:
        yield _LOG.get()  # type: ignore[misc]
    finally:
        _LOG.reset(token)


def log_budget() -> Budget:
    """The current log's budget; outside one (a beam run on its own), a fresh one."""
    return _LOG.get() or Budget()
