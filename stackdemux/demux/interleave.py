"""Separate unprefixed, line-interleaved tracebacks of several processes.

Each open stream keeps one LALR parse of grammars/report.lark (the order in
which kinds of lines follow each other in one process's output). A line is
offered to the streams whose parse accepts its kind; where several accept
it, evidence the runtime printed decides:

* goroutine ids are unique per process (a repeated id cannot join a stream),
  and after the crashing goroutine a dump lists them in allg order: mostly
  the next id, rarely a lower one;
* values differ per process: heap and stack addresses share a range per
  process (since Go 1.27 the heap base is randomized: 0x3ad4dd81cb0 vs
  0xc000012345), exact receiver/argument values repeat within a process
  when passed to another frame (copies of one binary print text addresses,
  and before Go 1.27 often heap ones, alike at the same frame);
* a frame's pc calls one function; a goroutine ends with `created by` (or
  main.main, goexit), and its entry is rarely a function seen called; the
  frame a signal struck (its pc printed with no offset) is a goroutine's first;
* paths differ per toolchain (GOROOT), and the same frame (func, file, line)
  has the same pc offset only within one binary;
* call edges (callee → caller) seen in a stream tell which call line follows;
* a package lives in one directory of one build; an inlined call prints
  `(...)` and its file line no pc offset; a panic's first frame is never a
  throw, a fatal error's is;
* one binary prints its paths one way (-trimpath or absolute); a goroutine's
  first frame shows what its header waits for; `[signal …]` follows only a
  fault's message; a `[recovered]` panic is followed by its chained panic.

In random line order the openers say nothing of which stacks follow them:
once separated, heads are matched to the stacks their messages fit.
Only lines of traceback kinds are stepped; ordinary log lines never are.

One concept a module:

* automaton.py: lark's LALR table for report.lark, stepped over immutable stacks;
* evidence.py: what one line says (Evidence);
* track.py: one stream and what it printed (Track);
* scores.py: how well a line or a frame fits a stream;
* hypothesis.py: one whole assignment so far, and the lines waiting in it;
* beam.py: the search over hypotheses (burst.py: how bursty the merge is);
* heads.py: heads matched to the stacks their messages fit.

This module is the entry point and its result; the names other modules and
tests import from here stay importable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .automaton import Automaton, automaton, token_of
from .evidence import OPENERS, Evidence, evidence, goroot
from .scores import MISFIT, fit, pair_score, score
from .track import Track

__all__ = [
    "MISFIT", "OPENERS", "Automaton", "Evidence", "Separation", "Track", "automaton",
    "evidence", "fit", "goroot", "pair_score", "score", "separate", "token_of",
]


@dataclass(slots=True)
class Separation:
    """Parent-stream indices per recovered process, and what fits no process."""

    tracks: list[list[int]]
    # indices of ordinary lines and unclaimed blanks, ascending (an array of them:
    # most of a long log's lines)
    noise: Sequence[int]
    orphans: list[int]  # traceback lines no stream could take (diagnosed)
    # the line past which the beam read on narrowed (the log's work budget spent: budget.py)
    narrowed_at: int | None = None


def separate(texts: Sequence[str], groups: Sequence[Sequence[int]] = ()) -> Separation:
    """Assign each traceback line of `texts` to one process by structure and
    evidence; `groups`: lines known to be one process's each (splice.py)."""
    from .beam import separate as beam_separate  # beam.py imports Separation from here

    return beam_separate(texts, groups)
