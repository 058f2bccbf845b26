"""Whether a line read while nothing is open can be read as anything but whole.

While no fragment is open, a line with a traceback line's lead inside (a
service's `msg="recovered from panic: …"`, aligned columns' double space, a
rule of `=`) is expanded (splice_search._expand): cut before each lead (a
head left open before a fresh line) and around a short chunk (_mid_heads).
Heads that nothing within reach can finish are given up at once (_settle),
and a cut whose head is given up reads worse than the line whole (its rest
scores best_quality() at most), so such an expansion ends with the line read
whole, as it stood: in a log of 8 services, every one of its 4 052. This
tells so beforehand, for a fraction of what the expansion costs:

* no line of the grammar's kinds starts as the text before any lead (the
  join automaton of the line's first character dies before its first lead):
  every head a cut leaves is dead, and no short chunk lies between a line's
  start and its rest (_mid_heads takes only live starts): nothing is read;
* else the heads are worked out as _expand works them out, and kept for the
  text: they depend on the text alone (the stream's vocabulary, the line's
  own names), so the same line logged again only asks again whether
  anything ahead of it can finish them (splice_ahead, from that line).

Either way the look-ahead is asked exactly what _settle would ask, in its
order, so a line expanded after all finds it as it would have.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .splice_ahead import Ahead
from .splice_fragments import CUT, OPEN, UNFINISHED, Fragment
from .splice_joins import Joins, joins
from .splice_score import best_quality

__all__ = ["PASSED", "LineHeads", "Memo", "line_heads", "stays_whole"]

# Texts whose heads are kept, and their characters (a line may be 4 KB).
MEMO_TEXTS = 4096
MEMO_CHARS = 1 << 20


@dataclass(frozen=True, slots=True)
class LineHeads:
    """What cuts in a text leave while nothing is open: for each fragment
    _expand would open, the live variants' heads the look-ahead is asked
    about (the automaton, its state after the head, the head), in _settle's
    order; the best score a cut opens with (None: not worked out, bounded
    by best_quality); whether some head reads as a whole line itself (a line
    break may finish it: never given up at once)."""

    ahead: tuple[tuple[tuple[Joins, int, str], ...], ...]
    best: float | None
    ends: bool
    kind: str | None = None  # the text's own reading, whole (lenient or none)
    whole: float = 0.0  # ... and its score


# A text no line starts inside past its first character, or one read whole
# as a line of a kind that is no free text: passed by (splice_search.run).
PASSED = LineHeads((), None, False)


def line_heads(search, i: int, fragments: Sequence[Fragment], kind: str | None, whole: float
               ) -> LineHeads:
    """The heads of the fragments a cut in line i opens (splice_search's
    fresh head and mid heads), as _doomed reads them; the line's own kind
    and score whole."""
    ahead = []
    for f in fragments:
        live = []
        for v in f.variants:
            head = f.head(v)
            if search.reading(head, f.sources()) is not None:
                return LineHeads((), None, True, kind, whole)
            auto = joins(head[0])
            state = search.head_state(auto, f.pieces(v), head)
            if state != auto.dead:
                live.append((auto, state, head))
        ahead.append(tuple(live))
    return LineHeads(tuple(ahead), max((f.best for f in fragments), default=None), False,
                     kind, whole)


def stays_whole(heads: LineHeads, ahead: Ahead, i: int, score: float, whole: float) -> bool:
    """Whether expanding line i, under the one hypothesis (its score: score)
    whose reading of it whole scores `whole`, reads it whole: every fragment
    is given up at once and none outscores the line whole (ties go to the
    whole line: _expand puts it first)."""
    if heads.ends:
        return False
    for live in heads.ahead:
        for auto, state, head in live:
            if ahead.may_rest(auto, state, head, i):
                return False
    # (not worked out: a fresh head's rest reads best_quality() at most; a mid
    # head's costs another CUT)
    best = best_quality() - CUT - OPEN if heads.best is None else heads.best
    return score + best - UNFINISHED <= whole


class Memo:
    """LineHeads by text, bounded (cleared when full, as the splicer's other memos)."""

    def __init__(self) -> None:
        self._got: dict[str, LineHeads] = {}
        self._chars = 0

    def get(self, t: str) -> LineHeads | None:
        return self._got.get(t)

    def put(self, t: str, heads: LineHeads) -> None:
        if len(self._got) >= MEMO_TEXTS or self._chars + len(t) > MEMO_CHARS:
            self._got.clear()
            self._chars = 0
        self._got[t] = heads
        self._chars += len(t)
