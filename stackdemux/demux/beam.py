"""A beam over assignments of interleaved traceback lines to processes.

Where a line fits several streams, the greedy choice is often wrong only
in hindsight: a call line fits every stream between frames, a goroutine
header every stream between goroutines, and only the lines after them
(a file line naming one toolchain's GOROOT, an sp that chains to one
stream's fp, an address in one process's heap) tell which stream printed
them. So each hypothesis (a whole assignment so far) is kept while it
scores within MARGIN of the best, at most WIDTH of them, and later lines
settle them.

* Hard constraints: the LALR automaton of grammars/report.lark per stream,
  goroutine ids unique per process, one GOROOT per process (scores -inf).
* A call line waits (unassigned) for the file line that completes its
  frame, and is decided with it: the file line names the toolchain, the
  stack's addresses, the package's directory. In random line order a
  goroutine header waits for its first frame too; in a bursty merge the
  line before it says more.
* Hypotheses whose streams hold the same texts are one (processes running
  the same program print identical lines: swapping them changes nothing),
  and so are hypotheses that agree on every stream's recent state.
* Fast path: a line only one stream of the only hypothesis can take (or
  one move beats all others by MARGIN) is applied in place, copying nothing;
  moves are scored once per line for the streams hypotheses share.
* The bonus for "the same stream as the line before" is measured on the
  log (bursts of whole outputs, or random line order), not per hypothesis;
  random order shows within the first file lines (a log-likelihood ratio of
  file lines that do or do not follow a call line; burst.py).
* In random line order the openers come first and say nothing of which
  stacks follow: hypotheses that differ only in which head took which
  stacks are one, and once separated each head goes to the stacks its
  message fits (heads.py, matched as a whole).
* In random line order the beam runs again (RESTARTS), its moves ranked by a
  jittered score, and a reading its own score prefers clearly replaces the
  first: the truth's often outscores the beam's and leaves it early, its
  evidence coming late. Paid from their own allowance (budget.RESTART).
* Where a random-order reading opens many streams (MANY), readings with its
  biggest streams peeled one at a time (peel.py) are weighed too, by the
  beam held to them, and one kept where it scores clearly better (budget.PEEL);
  then the log is read again by a beam that keeps more hypotheses a line
  (Wide, budget.WIDEN), its reading kept, and peeled, where it scores clearly
  better.
* Where a random-order reading opens a few streams (repair.MOST), it is
  repaired two streams at a time: the beam held to the others re-reads
  their lines, and a reading that scores clearly better is kept
  (repair.py, budget.REPAIR).
* Then that reading is searched locally (polish.py): frames and goroutines
  moved between two streams, pairs of streams read again, each stream
  scored alone, and the reading reached kept where the beam held to it
  scores clearly better (budget.POLISH).
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import count, pairwise
from math import log1p
from operator import attrgetter
from random import Random

from ..grammar import MAX_LINE, line_grammar
from .automaton import automaton
from .budget import FORK, PEEL, WIDEN, Budget, log_budget
from .burst import Merge
from .evidence import OPENERS, PRELUDE, Evidence, evidence
from .gccgo_calls import bare_calls
from .heads import rematch_heads
from .hypothesis import (
    CALLS,
    FILE_CALLS,
    FILES,
    NOISE,
    ORPHANED,
    Call,
    Hypothesis,
    closed_tracks,
    code,
    file_name,
    site_func,
)
from .interleave import Separation
from .persistent import PMap
from .scores import (
    AWAITED,
    MISFIT,
    build_key,
    build_root,
    build_score,
    call_score,
    called,
    callee_name,
    entry_of,
    file_score,
    first_frame,
    first_state,
    fit,
    in_main,
    lead_listed,
    named,
    pc_of,
    program_line,
    same_callee,
    same_entry,
    same_site_callee,
    score,
    seen_at,
    seen_doing,
)
from .track import DONE, IDLE, JOINS_OPENED, Track, continues, gap

# A line whose chunk group's line before it went to this stream, or elsewhere
# (splice.chunk_groups: lines a collector's read() chunks show to be one process's).
KIN = 4.0
# Steps of a hypothesis's history looked back for that line.
_KIN_REACH = 256
# Lines of its group looked back for one a hypothesis placed.
_KIN_BACK = 4
# A line given to a stream whose chunk group goes on after it: between two
# lines of a group the process printed nothing but blanks and register lines
# (splice.chunk_groups), so the line is another's (twelve-chunks-slow: the
# pool process took a go test's `FAIL` lines and could not end its goroutine).
KIN_GAP = 4.0
# A line given to a stream of another toolchain than its chunk group shows
# (the splicer joins no chunks of two): the group's later file lines name its
# GOROOT before the stream can tell (twelve-chunks-slow: `main.deadlock()`
# went to a Go 1.24 stream; its group's runtime files are Go 1.27's).
KIN_ROOT = 8.0
# Hypotheses kept at most, and how far below the best one may score.
WIDTH = 16
# Streams × hypotheses worked on per line, at most: a log of many open
# streams keeps fewer hypotheses, so that time stays linear in the input.
WORK = 48
MARGIN = 12.0
# Where at most FEW streams can take a line, the beam keeps up to WIDE
# hypotheses (WIDE_WORK streams × hypotheses): the truth's reading trails
# others by a point or two for many lines in random line order (its evidence,
# values passed down a goroutine, ids in order, calls left without their file
# line, comes late) and leaves a beam of 16 outranked (at 64, three of the
# corpus's six merges still lose it at times). The moves the extra
# hypotheses cost are paid from spare work: SPARE_START moves for every log
# (a few crashes merged line by line get it whole), and SPARE of the moves
# weighed since, so that a long log costs at most that much more.
FEW = 5
WIDE = 128
WIDE_WORK = 384
SPARE = 0.25
SPARE_START = 25000
# A hypothesis more than BEHIND below the best for PATIENCE lines is dropped.
BEHIND = 2.0
PATIENCE = 64
# A stream opened by a line that is not a report's opener (a header-less
# goroutine dump): possible, but only when no open stream explains the line.
NEW_STREAM = -8.0
# A traceback line no stream can take, or a call no file line came for.
ORPHAN = -10.0
# A panic line continuing a `panic: … [recovered]` without its tab: only a
# paste loses it (in a bursty paste the burst bonus outweighs this); in a
# merge of processes it is another process's report.
UNINDENTED = -2.0
# An opener that opens a new stream right after prelude lines (`--- FAIL`,
# `runtime: …`) that could be its own: in a bursty merge they are; in
# random line order the line before is another process's as often as not.
AFTER_PRELUDE = -10.0
_SOFT, _HARD = 1, 2
# A stream left half-way through a frame when the log ends.
UNFINISHED = -6.0
_MAX_FLOATS = 64
# A call line or goroutine header whose file line has not come after this
# many traceback lines never will: with 12 processes in random line order
# the next line is the same process's with odds 1/12, (11/12)^128 ≈ 1e-5.
FLOAT_AGE = 128
# A stream is closed after SLOW times its own average gap between lines
# (at least DONE lines), and nothing waits longer than PATIENT lines.
SLOW = 8
PATIENT = 16384
# Open streams per hypothesis, at most: every line is weighed against every open
# stream, so a log of thousands of `panic: …` lines that no stack follows (a
# service logging what it recovered; or written to be slow) must not keep
# thousands open. At MAX_TRACKS + TRACKS_SLACK the quietest are closed,
# streams still waiting for their first stack first. 12 processes crash at
# once in the corpus; a traceback stream that waits through 64 others is lost anyway.
MAX_TRACKS = 64
TRACKS_SLACK = 16
# A file line is weighed against (stream, waiting call) pairs: with many streams
# open only the latest waiting lines are, so that the pairs per line stay about
# PAIR_BUDGET (a log of traceback-shaped garbage opens a stream for every opener).
# 12 processes in random order (the corpus's most) keep all 64 within it.
PAIR_BUDGET = 1024
# Past the log's work budget (budget.py: START, then LINE a traceback line, in
# scorings and forks) the beam keeps NARROW_TRACKS streams, one hypothesis and
# NARROW_PAIRS pairs a line (a cheaper, worse reading, said in a diagnostic):
# about 5 units and 0.06 ms a line, every line still placed. Traceback-shaped
# garbage (headers, calls, file lines, `created by` in random order) keeps 64
# streams open and costs 100-300 units a line before: 1 ms.
NARROW_TRACKS = 4
NARROW_SLACK = 4
NARROW_PAIRS = 32
_MIN_WINDOW = 8
# Random line order: beams run again with their moves ranked by a score
# jittered by JITTER (a standard deviation, in points); a reading found again
# replaces the first run's only when it scores more than RERUN_GAIN above it
# (copies of one binary score within a point or two however they are split:
# yardstick_samebinary.py's skopeo seeds 3 and 9 lost 1.2 points and a tie).
# Jitter 1 point: 304 of 744 reports of the random-order merges remerged 24
# ways; 2: 308 (0.7: 302, 1.5: 307, 3: 304). The gain weighed again at
# 68c52cf, 0 / 1 / 2: remerged 8 ways 135/134/134 of 248 reports, 24 ways
# 396/395/397 of 744; yardstick_samebinary.py (50 seeds, burst 1) skopeo
# 41/40/40, mixed 21/21/21: the draws that change (gotest 1 and 7, mixed 5 and
# 9, skopeo 32, 33, 43) choose between two readings within 2 points, the right
# one above as often as below (gotest's: the evidence's, beam_truth.py
# --classify E), so it stayed. Weighed again at 09c45a1 (since HINT_ARENA
# earns nothing, the peel, the wider beam and the polish), 2 -> 0: remerged 8
# ways 137 -> 138 of 248 (bolt 22 -> 20, mixed 29 -> 32, gotest 28 and
# twelve 2 alike), yardstick_samebinary.py (50 seeds) skopeo burst 1 43 -> 47,
# burst 6 42, mixed 37 and 21 alike: the model's best reading, by any margin.
RESTARTS = 3
JITTER = 2.0
RERUN_GAIN = 0.0
_CLAIMS_BLANK = frozenset({"goroutine_header", "runtime_stack", "relay_rule"}) | OPENERS
_NEVER = float("-inf")
_SIG_MASK = (1 << 64) - 1
# Streams a random-order reading opens from which the log is peeled too (peel.py).
MANY = 8
# Where a random-order reading opens MANY streams, the log is read once more by
# a beam that keeps WIDE_MANY hypotheses (WIDE_MANY_WORK streams × hypotheses):
# 12 streams leave the first beam 4 hypotheses a line, and the truth's reading
# falls out of it among near-ties (tests/corpus/beam_crowd.py). Measured on
# twelve-lines-random (tests/corpus/search_width.py), its committed draw and
# draws 1-4, the first beam's reading at 4 / 21 / 64 hypotheses: 826 / 526 /
# 1195, 1213 / 1391 / 1473, 218 / 963 / 1290, 206 / 411 / 408, 300 / 1256 /
# 1577 points (the truth's 2146 on the committed draw): wrong lines 200 / 196
# / 174 ... 213 / 144 / 109. It costs 9-12 times the first beam's work (266k-
# 311k units on twelve's draws), paid from budget.WIDEN.
WIDE_MANY = 256
WIDE_MANY_WORK = 768
WIDE_MANY_COST = 12
# Distinct line texts whose reading (grammar match, Evidence) is kept for
# when the same text comes again (separate()).
READ_BACK = 4096
_UNREAD = object()


# A move: how one hypothesis takes one line (and the waiting lines it completes):
#   (delta, kind, track position (-1: a new track), call's float position,
#    header's float position, the track's stacks after each line taken)
Move = tuple[float, int, int, int, int, tuple[tuple[int, ...], ...]]
SINGLE, PAIR, LOST = 0, 1, 2


@dataclass(slots=True)
class Window:
    """The waiting lines a hypothesis looks in for a file line's call:
    hypotheses with the same window (id) find the same frames in a stream
    they share (one Call a line serves all hypotheses)."""

    floats: list[Call]
    first: int  # position of the first waiting line looked at (PAIR_BUDGET)
    at: list[int]  # line index of each waiting line
    id: int
    headers: list[int]  # positions of the goroutine headers waiting, from first
    ev: Evidence  # the file line
    token: str  # its token
    b: float  # the burst bonus (Beam.burst)
    # the callee seen at the file line's pc (Hypothesis.callees), or failing
    # that those seen at its source line (Hypothesis.calls)
    below: str | frozenset[str] | None
    # what frames at the file line's program line were seen doing (Hypothesis.seen_at)
    here: frozenset[str] | None = None

HEADER = "GOROUTINE_HEADER"
# Lines that may come right after a goroutine header, other than frames.
AFTER_HEADER = frozenset({"STACK_UNAVAILABLE", "NON_GO_FUNCTION", "CGO_FILE"})
_LOST: Move = (ORPHAN, LOST, -1, -1, -1, ())


class Beam:
    # hypotheses kept at most, and streams × hypotheses worked on a line (Wide: more)
    widest = WIDTH
    most = WORK

    def __init__(self, budget: Budget | None = None) -> None:
        auto = automaton()
        self.step = auto.step
        self.start = auto.start
        self.can_end = auto.can_end
        self.beam: list[Hypothesis] = [Hypothesis()]
        self.merge = Merge()  # the log's burstiness (see burst())
        self.blank = Track(stack=self.start, order=-1)  # a stream yet to open, for scoring
        # scores of this line's moves, shared by hypotheses (keyed by the ids of streams and lines)
        self.memo: dict[object, object] = {}
        self.prev = -1  # the last traceback line
        self.patience = 0  # lines a call waits for its file line: the slowest stream's pace
        self.seq = 0  # traceback lines seen
        self.kin: dict[int, int] = {}  # line → the line before it in its chunk group
        self.kin_next: dict[int, int] = {}  # line → the line after it in its chunk group
        self.kin_root: dict[int, str] = {}  # line → the GOROOT its chunk group's files show
        self.bonus_at: tuple[int, int] = (-1, 0)  # (seq, streams) burst() was worked out at
        # this line's windows (Window.id): the waiting lines hypotheses look in
        self.windows: dict[tuple, int] = {}
        self.chains: dict[tuple, tuple] = {}  # frame_stacks(), by stack
        self.bonus = 0.0
        self.spare = float(SPARE_START)  # work left for a wider search (FEW)
        self.work = 0  # scorings and forks so far (budget.py)
        self.budget = budget if budget is not None else Budget()  # the log's
        self.max_tracks, self.slack, self.pair_budget = MAX_TRACKS, TRACKS_SLACK, PAIR_BUDGET
        self.narrowed_at = -1  # the line the beam narrowed at (-1: it did not)
        # a restart's: noise added to the scores moves are ranked by (None: none)
        self.jitter: Callable[[float, float], float] | None = None

    # ---------------------------------------------------------- moves ---

    def moves(self, h: Hypothesis, i: int, ev: Evidence, token: str) -> list[Move]:
        if token in FILES:
            out = self.pair_moves(h, i, ev, token)
            if token == "CGO_FILE":
                out.extend(self.single_moves(h, i, ev, token))
        else:
            out = self.single_moves(h, i, ev, token)
        if out and self.kin:
            out = self.kin_moves(h, i, ev, out)
        if out and h.floats:
            out = self.awaiting_moves(h, ev, out)
        return out or [_LOST]

    # ------------------------------------------------------ potential ---
    # A report waiting for its first goroutine earns AWAITED when a header
    # comes to it (scores.score). A header waits for its first frame (random
    # line order), so a hypothesis that gives a frame to that header earns
    # the bonus at once, and one that lets the frame continue another
    # stream's goroutine earns it only when the header's own frame comes,
    # often past the beam's patience: the bonus would decide the frame. So
    # each hypothesis holds it in advance, for every waiting report a
    # waiting header can still fill (its potential): the bonus says which
    # stream a header goes to, never whether a frame starts a goroutine.

    def potential(self, h: Hypothesis) -> float:
        if not _headers_wait(h.floats):
            return 0.0  # (no need to look for waiting reports)
        return AWAITED * _matched(_waiting(h.tracks), h.floats)

    def settle(self, h: Hypothesis) -> None:
        """Bring h's score up to date with its potential, after its
        streams or waiting lines changed outside a move."""
        pot = self.potential(h)
        h.score += pot - h.pot
        h.pot = pot

    def awaiting_moves(self, h: Hypothesis, ev: Evidence, out: list[Move]) -> list[Move]:
        """Moves with the change of h's potential they make."""
        if not _headers_wait(h.floats):
            return out
        opener = ev.kind in OPENERS
        if not opener and all([m[4] < 0 for m in out]):
            return out  # a stream's waiting changes only with an opener or a header
        waiting = _waiting(h.tracks)
        if not (waiting or opener):
            return out
        before = _matched(waiting, h.floats)
        changed: dict[tuple, int] = {}
        adjusted = []
        for m in out:
            kind, pos, gi = m[1], m[2], m[4]
            if kind == LOST:
                adjusted.append(m)
                continue
            t = h.tracks[pos] if pos >= 0 else self.blank
            waits = t.opened and t.goroutines == 0
            if gi >= 0:
                now = None
            elif opener and (ev.kind != "sigdump" or t.report is None or t.goroutines == 0):
                now = (ev.asleep, ev.kind if ev.kind != "sigdump" or t.report is None
                       else t.report)
            else:
                now = (t.asleep, t.report) if waits else None
            was = (t.asleep, t.report) if waits else None
            if now == was and gi < 0:
                adjusted.append(m)
                continue
            key = (was, now, gi)
            after = changed.get(key)
            if after is None:
                w = list(waiting)
                if was is not None:
                    w.remove(was)
                if now is not None:
                    w.append(now)
                floats = h.floats if gi < 0 else h.floats[:gi] + h.floats[gi + 1:]
                after = changed[key] = _matched(w, floats)
            adjusted.append(m if after == before else
                            (m[0] + AWAITED * (after - before), *m[1:]))
        return adjusted

    def kin_moves(self, h: Hypothesis, i: int, ev: Evidence, out: list[Move]) -> list[Move]:
        """Moves scored by the read() chunks (splice.chunk_groups): a line goes
        where the line before it in its chunk group went."""
        kin = self.kin
        floats = h.floats
        seen: dict[int, int | None] = {}  # line → the stream its chunk group's line went to

        def went(x: int) -> int | None:
            if x not in seen:
                where, j = None, kin.get(x)
                for _ in range(_KIN_BACK):  # past lines still waiting or given up
                    if j is None:
                        break
                    where = _placed(h, j)
                    if where is not None:
                        break
                    j = kin.get(j)
                seen[x] = where
            return seen[x]

        waiting = {c.index for c in floats}
        adjusted = []
        for m in out:
            delta, kind, pos, ci, gi, _ = m
            if kind != LOST:
                order = h.tracks[pos].order if pos >= 0 else None  # None: a new stream
                upto = h.tracks[pos].kin_next if pos >= 0 else -1
                taken = (i, floats[ci].index if ci >= 0 else -1,
                         floats[gi].index if gi >= 0 else -1)
                for x in taken:
                    if x < 0:
                        continue
                    where = went(x)
                    if where is not None:
                        delta += KIN if where == order else -KIN
                    # (its group's next line still waiting: the same)
                    if upto >= 0 and upto not in taken and (x < upto or upto in waiting) \
                            and (x != i or ev.kind != "register"):
                        delta -= KIN_GAP
                    root = self.kin_root.get(x)
                    if root is not None and pos >= 0:
                        t = h.tracks[pos]
                        if root not in t.roots if t.roots else t.kin_root not in (None, root):
                            delta -= KIN_ROOT
                    # its group's line before it still waits: a file line
                    # completes the call line its own chunk printed before it
                    p = kin.get(x)
                    if p is not None and p in waiting and p not in taken:
                        delta -= KIN
            adjusted.append((delta, *m[1:]))
        return adjusted

    def _tracks(self, h: Hypothesis) -> list[tuple[int, Track]]:
        """The open tracks, and a new one (position -1) to open."""
        out = list(enumerate(h.tracks))
        out.append((-1, self.blank))
        return out

    def single_moves(self, h: Hypothesis, i: int, ev: Evidence, token: str) -> list[Move]:
        step = self.step
        memo = self.memo
        opener = ev.kind in OPENERS
        out: list[Move] = []
        prev_track = None
        if opener:
            for t in h.tracks:
                if t.last_tb == h.prev and h.prev >= 0:
                    prev_track = t
        b = self.burst(self.beam[0])  # one bonus for all hypotheses: no reward for more streams
        floats = h.floats
        headed = token in AFTER_HEADER and any(c.token == HEADER for c in floats)
        # an opener right after its process's `runtime:` / `--- FAIL` lines
        # (AFTER_PRELUDE: or another process's, in random line order), or
        # continuing its report (HARD: GOTRACEBACK=crash's SIGABRT dump)
        prelude = 0
        if opener and ev.kind not in JOINS_OPENED and not headed:
            # (such an opener joins only a stream of prelude lines, or opens
            # one: the 64 streams a log of services' recovered panics keeps
            # open are passed by as continues() would pass them by)
            tracks = [(pos, t) for pos, t in enumerate(h.tracks) if not t.opened]
            tracks.append((-1, self.blank))
        else:
            tracks = self._tracks(h)
        for pos, t in tracks:
            new = pos < 0
            nxt = step(t.stack, token)
            if nxt is None and not headed:
                continue
            # a new stream only where no open one can take the line (an
            # opener: where no prelude of its own takes it; another
            # process's panic may follow a `[recovered]` one in any merge)
            closed = (prelude == _HARD if opener else ev.kind not in PRELUDE
                      and (out or (headed and not opener)))
            if nxt is not None and not (new and closed):
                if opener and not new and not continues(t, ev, prev_track):
                    pass
                else:
                    key = ("line", id(t))  # hypotheses share their unchanged streams
                    sc = memo.get(key)
                    if sc is None:
                        self.work += 1
                        sc = memo[key] = score(t, ev)
                    if sc != _NEVER:
                        if t.last_tb == h.prev and h.prev >= 0:
                            sc += b
                        if new and not opener:
                            sc += NEW_STREAM
                        if new and prelude:
                            sc += AFTER_PRELUDE
                        if opener and not new:
                            if t.opened and ev.kind == "panic":
                                sc += UNINDENTED  # a chained panic that lost its tab
                            elif t.last_kind == "relay_rule":
                                pass  # the next thread's section, or another process's
                                # dump: a new stream stays open to it (its `PC=… m=N` tells)
                            elif t.opened:
                                prelude = _HARD
                            elif t is prev_track:
                                prelude = max(prelude, _SOFT)
                        out.append((sc, SINGLE, pos, -1, -1, (nxt,)))
            if not headed:
                continue
            sh = step(t.stack, HEADER)
            nxt = step(sh, token) if sh is not None else None
            if nxt is None:
                continue
            for gi in range(_after(floats, t.last_tb), len(floats)):
                g = floats[gi]
                if g.token != HEADER or (new and self.hosted(h, g)):
                    continue
                sc = self.header_score(t, g)
                if sc == _NEVER:
                    continue
                out.append((sc + (NEW_STREAM if new else 0.0), SINGLE, pos, -1, gi, (sh, nxt)))
        return out

    def pair_moves(
            self, h: Hypothesis, i: int, ev: Evidence, token: str) -> list[Move]:
        """The ways a file line completes a frame: with a waiting call line
        (and the goroutine header waiting before it) in a stream. Hypotheses
        share their unchanged streams and waiting lines, so each stream's
        frames are found once per line for the hypotheses that wait for the
        same lines and know the same call graph, not once per hypothesis."""
        floats = h.floats
        out: list[Move] = []
        codes: dict[int, float] = {}  # call → code(): the hypothesis's, whichever stream
        n = len(floats)
        first = max(0, n - max(_MIN_WINDOW, self.pair_budget // (len(h.tracks) + 1)))
        at = [c.index for c in floats]  # they wait in line order
        # (one Call a line serves all hypotheses: the same indices, the same lines)
        wid = self.windows.setdefault((first, tuple(at)), len(self.windows))
        w = Window(floats, first, at, wid,
                   [gi for gi in range(first, n) if floats[gi].token == HEADER],
                   ev, token, self.burst(self.beam[0]), h.callees.get(pc_of(ev)))
        root = ev.root
        # in random line order a frame whose two lines cannot be one function's
        # (MISFIT) is none: its lines are whole (a splice may cut a name)
        file = ev.file if self.merge.random() else None
        pc = pc_of(ev)
        line = program_line(ev)
        if line is not None:
            w.here = h.seen_at.get((ev.file, ev.line))
        program = ev.root is None and ev.offset is not None  # (Hypothesis.builds)
        for ctoken in FILE_CALLS[token]:
            # what was seen at the file line's pc: a call's callee, a go statement's entry
            w.below = (h.entries if ctoken == "CREATED_BY" else h.callees).get(pc)
            if w.below is None and ctoken == "FRAME_CALL" and line is not None:
                w.below = h.calls.get(line)  # (other builds' pcs for the line)
            # the calls this file line may complete (fit is cached)
            calls = [ci for ci, c in enumerate(floats[first:], first) if c.token == ctoken
                     and not (file and c.ev.func and fit(c.ev.func, file) <= MISFIT)]
            if not calls:
                continue
            newest = at[calls[-1]]
            # each stream's frames, for the hypotheses of this window and call
            # graph (forks share one): found once a line (frames())
            found = self.memo.setdefault(("frames", ctoken, wid, id(h.callers), w.below, w.here),
                                         {})
            pair = ctoken + " " + token  # (a str: its hash is kept)
            # a stream can take only a call it printed nothing after; one
            # process, one toolchain
            for pos, t in self.pairing(h):
                if t.last_tb >= newest or (root is not None and t.roots
                                           and root not in t.roots):
                    continue
                known = t.frames_after  # frame_stacks(), kept by the stream
                after = known.get(pair) if known is not None else None
                if after is None:
                    if known is None:
                        known = t.frames_after = {}
                    after = known[pair] = self.frame_stacks(t.stack, ctoken, token)
                if after is _NO_FRAME or (after[0] is None and not w.headers):
                    # (a stream done with its stacks, say; or one that takes a
                    # frame only after a goroutine header, and none waits: an
                    # opener waiting for its first goroutine, most of the 64
                    # streams a log of services' recovered panics keeps open)
                    continue
                got = found.get(id(t))
                if got is None:
                    got = found[id(t)] = self.frames(w, calls, t, ctoken, h.callers, after)
                built = program and h.builds and build_root(t) is not None
                for sc, ci, gi, stacks in got:
                    cs = codes.get(ci)
                    if cs is None:
                        cs = codes[ci] = code(h, floats[ci].ev, ev)
                    if built:
                        key = build_key(floats[ci].ev, ev)
                        if key is not None:
                            cs += build_score(h.builds, t, key, ev.offset)
                    out.append((sc + cs, PAIR, pos, ci, gi, stacks))
            for sc, ci, gi, stacks in self.new_frames(h, w, calls, ctoken):
                cs = codes.get(ci)
                if cs is None:
                    cs = codes[ci] = code(h, floats[ci].ev, ev)
                out.append((sc + cs, PAIR, -1, ci, gi, stacks))
        return out

    def pairing(self, h: Hypothesis) -> Iterable[tuple[int, Track]]:
        """The open streams of h a file line is weighed against (repair.Freed: fewer)."""
        return enumerate(h.tracks)

    def frames(self, w: Window, calls: list[int], t: Track, ctoken: str,
               callers: PMap[str, frozenset[str]],
               after: tuple[tuple[tuple[int, ...], ...] | None,
                            tuple[tuple[int, ...], ...] | None]
               ) -> list[tuple[float, int, int, tuple[tuple[int, ...], ...]]]:
        """The frames open stream t may complete with file line w.ev: (score
        but the hypothesis's code(), call's and header's float positions,
        stacks); `after`: frame_stacks() of t. Each frame's score is worked
        out once a line for the hypotheses that share t and know the same
        callers of its last function (scores.called)."""
        memo = self.memo
        known = callers.get(t.callee) if t.callee is not None else None
        b, ev, floats = w.b, w.ev, w.floats
        framed, headed = after
        got: list[tuple[float, int, int, tuple[tuple[int, ...], ...]]] = []
        lo = bisect_right(w.at, t.last_tb)
        if lo < w.first:
            lo = w.first
        if framed is not None:
            for ci in calls[bisect_left(calls, lo):]:
                c = floats[ci]
                key = ("frame", id(t), c.index, known, w.below, w.here)
                sc = memo.get(key)
                if sc is None:
                    sc = memo[key] = self.frame_score(t, c, ev, b, known, w.below, w.here)
                if sc == _NEVER:
                    continue
                if t.last_tb == c.before and c.before >= 0:
                    sc = sc + b  # the stream printed the line before the call
                got.append((sc, ci, -1, framed))
        headers = w.headers
        hj = bisect_left(headers, lo)
        if hj == len(headers) or headers[hj] > calls[-1]:
            return got  # no header waits for a call of this stream
        # a goroutine header is decided with its first frame, which
        # names the toolchain, the stack's addresses, the report's type
        if headed is None:
            return got
        for gi in headers[hj:]:
            if gi > calls[-1]:
                break  # no call waits after it
            g = floats[gi]
            hs = self.header_score(t, g)
            if hs == _NEVER:
                continue
            if t.last_tb == g.before and g.before >= 0:
                hs += b
            got.extend(self.headed_frames(w, calls, t, g, gi, hs, headed))
        return got

    def frame_stacks(self, stack: tuple[int, ...], ctoken: str, token: str
                     ) -> tuple[tuple[tuple[int, ...], ...] | None,
                                tuple[tuple[int, ...], ...] | None]:
        """The stacks after a frame (a call line of ctoken, a file line of
        token) from `stack`, and after a goroutine header and such a frame
        (None: the grammar refuses it); worked out once a stack (few are)."""
        key = (stack, ctoken, token)
        got = self.chains.get(key)
        if got is None:
            step = self.step
            s1 = step(stack, ctoken)
            s2 = step(s1, token) if s1 is not None else None
            sh = step(stack, HEADER)
            h1 = step(sh, ctoken) if sh is not None else None
            h2 = step(h1, token) if h1 is not None else None
            got = ((s1, s2) if s2 is not None else None,
                   (sh, h1, h2) if h2 is not None else None)
            got = self.chains[key] = _NO_FRAME if got == _NO_FRAME else got
        return got

    def new_frames(self, h: Hypothesis, w: Window, calls: list[int], ctoken: str
                   ) -> list[tuple[float, int, int, tuple[tuple[int, ...], ...]]]:
        """The frames a new stream may open with: a goroutine header no open
        stream of h can take, its first frame completed by file line w.ev."""
        t = self.blank
        got: list[tuple[float, int, int, tuple[tuple[int, ...], ...]]] = []
        headers = w.headers
        hj = bisect_left(headers, w.first)
        if hj == len(headers) or headers[hj] > calls[-1]:
            return got
        headed = self.frame_stacks(t.stack, ctoken, w.token)[1]
        if headed is None:
            return got
        for gi in headers[hj:]:
            if gi > calls[-1]:
                break  # no call waits after it
            g = w.floats[gi]
            hs = self.header_score(t, g)
            if hs == _NEVER:
                continue
            if self.hosted(h, g):
                continue  # a new stream only for a header no open one can take
            hs += NEW_STREAM
            got.extend(self.headed_frames(w, calls, t, g, gi, hs, headed))
        return got

    def headed_frames(self, w: Window, calls: list[int], t: Track, g: Call, gi: int, hs: float,
                      stacks: tuple[tuple[int, ...], ...]
                      ) -> list[tuple[float, int, int, tuple[tuple[int, ...], ...]]]:
        """Header g (scored hs) and a call after it completed by file line w.ev,
        as stream t's new goroutine."""
        memo, b, ev, floats = self.memo, w.b, w.ev, w.floats
        tg = self.headed(t, g)
        got = []
        for ci in calls[bisect_right(calls, gi):]:
            c = floats[ci]
            # (after a header no function was called: the call graph says nothing)
            key = ("frame", id(t), g.index, c.index, w.below, w.here)
            sc = memo.get(key)
            if sc is None:
                sc = memo[key] = self.frame_score(tg, c, ev, b, None, w.below, w.here)
            if sc == _NEVER:
                continue
            sc += hs + (b if c.before == g.index else 0.0)
            got.append((sc, ci, gi, stacks))
        return got

    def hosted(self, h: Hypothesis, g: Call) -> bool:
        """Can an open stream of h take goroutine header g?"""
        step = self.step
        return any(step(t.stack, HEADER) is not None and self.header_score(t, g) != _NEVER
                   for t in h.tracks)

    def header_score(self, t: Track, g: Call) -> float:
        """score(t, g.ev), kept by t while it is unchanged (the header waits)."""
        known = _waited(t)
        sc = known.get((g.index, HEADER))
        if sc is None:
            self.work += 1
            sc = known[g.index, HEADER] = score(t, g.ev)
        return sc

    def headed(self, t: Track, g: Call) -> Track:
        """Stream t after goroutine header g, to score the header's first frame
        with (kept by t while it is unchanged: the header waits for it)."""
        known = _waited(t)
        tg = known.get((g.index, _HEADED))
        if tg is None:
            tg = known[g.index, _HEADED] = t.clone()
            tg.learn(g.ev, g.index)
        return tg

    def frame_score(self, t: Track, c: Call, ev: Evidence, b: float,
                    known: frozenset[str] | None,
                    below: str | frozenset[str] | None = None,
                    here: frozenset[str] | None = None) -> float:
        """How well call line c and file line ev, as one frame, continue
        stream t (pair_score, with what the call alone decides kept by t);
        `known`: the callers of t's last function the hypothesis has seen;
        `below`: the callee seen at ev's pc (Hypothesis.callees), or those
        seen at its program's source line (Hypothesis.calls); `here`: what
        frames at its line were seen doing (Hypothesis.seen_at)."""
        self.work += 1
        sc = fit(c.ev.func, ev.file) + named(c.ev.func, ev.file) if c.ev.func and ev.file else 0.0
        if self.prev == c.index:
            sc += b  # the file line right after the call line
        edge = called(t, c.ev, known)
        known = _waited(t)
        part = known.get((c.index, edge))
        if part is None:
            long = t.stacks and t.taken > 2
            part = known[c.index, edge] = (call_score(t, c.ev, edge),
                                           silence(t, c.seq) if long else None,
                                           first_frame(t, c.ev))
        by_call, quiet, first = part
        if by_call == _NEVER:
            return _NEVER
        sc += by_call + file_score(t, c.ev, ev)  # pair_score()
        if sc == _NEVER:
            return sc
        if quiet is not None and self.merge.random():
            sc += quiet
        if isinstance(below, frozenset):
            sc += same_site_callee(below, c.ev.func, t.callee)
        elif below is not None and c.ev.kind == "frame_call":
            sc += same_callee(below, t.callee)
        elif below is not None and c.ev.kind == "created_by":
            entry = entry_of(t)
            if entry is not None:
                sc += same_entry(below, entry)
        if here is not None and c.ev.kind == "frame_call":
            sc += seen_at(here, t, c.ev.func)
        return sc + first

    # ---------------------------------------------------------- apply ---

    def apply(self, h: Hypothesis, move: Move, i: int, ev: Evidence, sig: int,
              in_place: bool) -> None:
        delta, kind, pos, ci, gi, stacks = move
        h.score += delta
        if kind == LOST:
            h.record(i, ORPHANED)
            return
        before = (0, 0, 0, 0)  # the stream's part of h.sums
        if pos < 0:
            t = Track(stack=self.start, order=h.opened)
            h.opened += 1
            h.tracks.append(t)
        else:
            t = h.tracks[pos]
            if in_place:
                h.sums = None  # (the stream changes in place)
            else:
                if h.sums is not None:
                    before = t.hashes()
                t = t.clone()
                h.tracks[pos] = t
        c = h.floats[ci] if ci >= 0 else None
        # line order: a header first
        placed = [h.floats[x].index for x in (gi, ci) if x >= 0] if self.kin else []
        if gi >= 0:
            g = h.floats[gi]
            t.stack = stacks[0]
            t.learn(g.ev, g.index)
            t.printed(g.sig)
            h.record(g.index, t.order)
            stacks = stacks[1:]
        if c is not None:
            if c.ev.kind == "frame_call" and t.callee is not None and c.ev.func is not None:
                # the program's call graph, as this hypothesis's frames show it
                # (one learned from the best hypothesis fed its errors to all)
                known = h.callers.get(t.callee) or frozenset()
                if c.ev.func not in known:
                    h.callers = h.callers.set(t.callee, known | {c.ev.func})
            if c.ev.kind == "frame_call" and ev.file is not None:
                pc = pc_of(ev)
                if pc not in h.callees:
                    h.callees = h.callees.set(pc, t.callee or "")
                line = program_line(ev)
                if line is not None and c.ev.func is not None and not in_main(c.ev.func):
                    seen = h.calls.get(line) or frozenset()
                    name = callee_name(t.callee)
                    if name not in seen:
                        h.calls = h.calls.set(line, seen | {name})
                if line is not None and c.ev.func is not None and ev.line is not None:
                    doing = seen_doing(t, c.ev.func)
                    if doing:
                        at = (ev.file, ev.line)
                        seen = h.seen_at.get(at) or frozenset()
                        if doing not in seen:
                            h.seen_at = h.seen_at.set(at, seen | {doing})
            elif c.ev.kind == "created_by" and ev.file is not None:
                entry = entry_of(t)
                pc = pc_of(ev)
                if entry is not None and pc not in h.entries:
                    h.entries = h.entries.set(pc, entry)
            key = build_key(c.ev, ev)
            if key is not None:
                root = build_root(t)
                if root is not None and (root, key) not in h.builds:
                    h.builds = h.builds.set((root, key), ev.offset)
            t.stack = stacks[0]
            t.learn(c.ev, c.index)
            t.learn_frame(c.ev, ev)
            func = c.ev.func
            if func is not None and ev.file is not None and ev.line is not None:
                h.note_site(ev.file, ev.line, site_func(func))
                h.homes = h.homes.set(func, file_name(ev.file))
            t.printed(c.sig)
            h.record(c.index, t.order)
            stacks = stacks[1:]
        for j in (ci, gi) if ci > gi else (gi, ci):  # the later one first
            if j >= 0:
                del h.floats[j]
        t.stack = stacks[0]
        t.learn(ev, i)
        if t.first < 0:
            t.first = g.seq if gi >= 0 else c.seq if c is not None else self.seq
        t.last = self.seq
        t.printed(sig)
        h.record(i, t.order)
        if h.pot or h.floats:
            h.pot = self.potential(h)  # the move's delta held its change (awaiting_moves)
        if self.kin:
            self.kin_placed(t, placed, i)
        t.changed()
        if h.sums is not None:
            after = t.hashes()
            h.sums = (h.sums[0] - before[0] + after[0], h.sums[1] - before[1] + after[1],
                      h.sums[2] - before[2] + after[2], h.sums[3] - before[3] + after[3])

    def kin_placed(self, t: Track, placed: list[int], i: int) -> None:
        """Where the chunk group of the last grouped line a stream took goes on."""
        nxt, kin = self.kin_next, self.kin
        for x in (*placed, i):
            if x in nxt or x in kin:
                t.kin_next = nxt.get(x, -1)
                t.kin_root = self.kin_root.get(x, t.kin_root)

    def burst(self, h: Hypothesis) -> float:
        """The bonus for a line printed by the stream that printed the line
        before (burst.py): one for all hypotheses, measured on the log."""
        at = (self.seq, len(h.tracks))  # the log changes as a line is seen
        if at != self.bonus_at:
            self.bonus_at, self.bonus = at, self.merge.bonus(at[1])
        return self.bonus

    def bursty(self) -> bool:
        """A bursty merge: a goroutine header is decided as it comes, by the
        line before it; in random line order (once the log has shown enough
        to tell) it waits for its first frame."""
        return self.merge.bursty(len(self.beam[0].tracks))

    def observe(self, token: str) -> None:
        self.seq += 1
        self.merge.observe(token, len(self.beam[0].tracks))

    def line(self, i: int, ev: Evidence, sig: int) -> None:
        token = ev.kind.upper()
        self.observe(token)
        self.memo.clear()
        self.windows.clear()
        self.take(i, ev, sig, token)
        self.prev = i

    def take(self, i: int, ev: Evidence, sig: int, token: str) -> None:
        if token in CALLS or (token == HEADER and not self.bursty()):
            old = self.seq - FLOAT_AGE
            far = i - self.patience
            # one Call for all hypotheses: each took the line before (h.prev)
            call = Call(i, token, ev, self.prev, sig, self.seq)
            for h in self.beam:
                assert h.prev == self.prev
                floats = h.floats
                floats.append(call)
                while len(floats) > _MAX_FLOATS or (floats[0].seq < old and floats[0].index < far
                                                    and not self.awaited(h, floats[0], i)):
                    self.unbound(h, floats.pop(0))
                if token == HEADER or h.pot:
                    self.settle(h)
                h.prev = i
            return
        beam = self.beam
        if len(beam) == 1:
            h = beam[0]
            ms = self.moves(h, i, ev, token)
            if len(ms) == 1 or _clear(ms):
                best = max(ms, key=_key)
                self.apply(h, best, i, ev, sig, in_place=True)
                h.prev = i
                return
        cands: list[tuple[float, int, int, Move]] = []
        order = count(0, -1)  # ties go to the earlier hypothesis and move
        jitter = self.jitter
        for hi, h in enumerate(beam):
            base = h.score
            if jitter is None:
                cands.extend([(base + m[0], next(order), hi, m)
                              for m in self.moves(h, i, ev, token)])
            else:  # (a restart: ranks by a jittered score, keeps the true one)
                cands.extend([(base + m[0] + jitter(0.0, JITTER), next(order), hi, m)
                              for m in self.moves(h, i, ev, token)])
        busy = max(1, self.busy(beam[0], ev))
        width = max(2, min(self.widest, self.most // busy))
        self.spare += SPARE * len(cands)
        if self.narrowed_at >= 0:
            width = 1  # (over budget: the best reading only, no spare for a wider one)
        elif busy <= FEW:
            wide = min(WIDE, WIDE_WORK // busy)
            # the moves the hypotheses kept beyond width will weigh next line
            extra = len(cands) / len(beam) * (wide - width)
            if extra <= self.spare:
                self.spare -= extra
                width = wide
        top = heapq.nlargest(width * 2, cands)  # (score, -n) decide: n is unique
        cut = top[0][0] - MARGIN
        new: list[Hypothesis] = []
        # in random line order a report's head is matched to its stacks at the
        # end (heads.rematch_heads): hypotheses that differ only in which head
        # took which stacks are one
        heads = not self.merge.random()
        signatures = _Kept(lambda h: h.signature(heads))
        states = _Kept(lambda h: h.state(heads))
        for total, _, hi, m in top:
            if total < cut or len(new) >= width:
                break
            h = beam[hi].fork()
            self.work += FORK
            self.apply(h, m, i, ev, sig, in_place=False)
            h.prev = i
            s = h.signature_hash(heads)
            if signatures.holds(h, s):
                continue
            k = h.state_hash(heads)
            if states.holds(h, k):
                continue
            signatures.add(h, s)
            states.add(h, k)
            new.append(h)
        self.beam = _patient(new, i, max(PATIENCE, self.patience))

    def over_budget(self, i: int) -> bool:
        """Narrow the beam (for good) once the log's work passes its budget
        (checked at every traceback line i: a line's work is the most it overruns)."""
        if self.narrowed_at < 0 and self.budget.over(self.work, self.seq):
            self.narrowed_at = i
            self.max_tracks, self.slack = NARROW_TRACKS, NARROW_SLACK
            self.pair_budget = NARROW_PAIRS
        return self.narrowed_at >= 0

    def busy(self, h: Hypothesis, ev: Evidence) -> int:
        """The streams of h a line is weighed against (WORK): a file line of a
        toolchain's GOROOT only against streams of that toolchain or of none
        yet (pair_moves), so for it the beam keeps more hypotheses at the same
        work (twelve-lines-random: 101 of its 105 such lines are weighed
        against 5 streams fewer than the 10-12 open, on average)."""
        root = ev.root
        if root is None:
            return len(h.tracks)
        return len([t for t in h.tracks if not t.roots or root in t.roots])

    def unbound(self, h: Hypothesis, c: Call) -> None:
        """A call line no file line came for: not a traceback's, or its stream
        lost the rest; a goroutine header nothing followed."""
        func = c.ev.func or ""
        if "." in func or c.token == HEADER:
            h.score += ORPHAN
            h.record(c.index, ORPHANED)
        else:
            h.record(c.index, NOISE)

    def retire(self, now: int) -> None:
        """Close streams silent for long, judged by their own pace: in a random
        line merge of a 5000-goroutine dump and a small crash, the small one
        prints a line every few hundred lines; and drop what waited too long."""
        for h in self.beam:
            keep = []
            for t in h.tracks:
                quiet = now - t.last_tb
                # (after `-----` the next thread's section may wait behind other
                # processes' dumps, as a report waits for its first goroutine)
                if t.stacks and t.last_kind != "relay_rule":
                    if quiet <= max(DONE, min(PATIENT, SLOW * gap(t))):
                        keep.append(t)
                elif quiet <= (PATIENT if t.opened else IDLE):
                    keep.append(t)  # an opener waits for its first goroutine
            if len(keep) > self.max_tracks:
                # the most recently heard from, a stream with stacks before a waiting one
                # (positions sorted by keys made at once: a key function called for
                # each of ~70 streams at most retirements was half of retire's time)
                keys = [(bool(t.stacks), t.last_tb) for t in keep]
                by_noise = sorted(range(len(keep)), key=keys.__getitem__)
                keep = [keep[j] for j in sorted(by_noise[-self.max_tracks:])]
            if len(keep) < len(h.tracks):
                kept = set(map(id, keep))
                gone = [t for t in h.tracks if id(t) not in kept]
                for t in gone:
                    t.waiting = None  # what was worked out of it for waiting lines
                # (kept as what is read of them after: Retired)
                h.closed = ([t.retired() for t in gone], h.closed)
                h.closed_sig = (h.closed_sig + sum(t.whole() for t in gone)) & _SIG_MASK
                h.tracks = keep
                h.sums = None
            for t in keep:
                if t.waiting is not None and len(t.waiting) > _WAITED:
                    t.waiting = None  # (mostly for lines long taken: memory stays bounded)
            while h.floats and h.floats[0].index < now - max(IDLE, self.patience) and not (
                    now - h.floats[0].index <= PATIENT and self.awaited(h, h.floats[0], now)):
                self.unbound(h, h.floats.pop(0))
            if h.pot:
                self.settle(h)
        self.blank.waiting = None  # it never changes: what it kept for lines taken goes
        slowest = max((gap(t) for t in self.beam[0].tracks if t.stacks), default=0.0)
        self.patience = min(PATIENT, SLOW * slowest)

    def awaited(self, h: Hypothesis, c: Call, now: int) -> bool:
        """A goroutine header that an opened stream, silent since before it,
        may still be waiting for (its first frame comes at that stream's pace);
        a line whose chunk group goes on after now: its process's next line
        (a call's file line) is yet to come."""
        if self.kin_next.get(c.index, -1) > now:
            return True
        return c.token == HEADER and any(t.opened and not t.stacks and t.last_tb < c.index
                                         for t in h.tracks)

    def finish(self) -> Hypothesis:
        for h in self.beam:
            for c in h.floats:
                self.unbound(h, c)
            h.floats = []
            self.settle(h)
            for t in h.tracks:
                if not self.can_end(t.stack):
                    h.score += UNFINISHED
            for t in (*h.tracks, *closed_tracks(h.closed)):
                h.score += lead_listed(t)  # each stream's last report is over
        return max(self.beam, key=lambda h: h.score)



class _Kept:
    """The hypotheses kept so far, by a key of theirs (signature or state):
    looked up by a cheap hash of it, the whole key (a tuple of every stream's)
    worked out only where two hashes meet (rarely: kept hypotheses differ)."""

    def __init__(self, key: Callable[[Hypothesis], tuple]) -> None:
        self.key = key
        self.by_hash: dict[int, list[Hypothesis]] = {}

    def holds(self, h: Hypothesis, cheap: int) -> bool:
        """Is h's key (cheap: its hash) one of a kept hypothesis?"""
        kept = self.by_hash.get(cheap)
        if not kept:
            return False
        mine = self.key(h)
        return any(self.key(o) == mine for o in kept)

    def add(self, h: Hypothesis, cheap: int) -> None:
        self.by_hash.setdefault(cheap, []).append(h)


def silence(t: Track, seq: int) -> float:
    """How likely a stream is to print again after its silence: in random
    line order a process prints each line with odds 1/pace, so a silence of
    q lines past its pace has log-odds q·log(1 - 1/pace); a stream whose
    process is done is silent far past it (bolt-lines-random 25 times over:
    the last copies' frames went to the streams of copies long done). The
    pace counts the silence in: a stream of few lines has an unsure pace."""
    q = seq - t.last - 1
    pace = (seq - t.first) / t.taken
    return (q - pace) * log1p(-1.0 / pace) if pace > 1.0 and q > pace else 0.0


_HEADED = "headed"  # (Track.waiting: the stream after a header)
_NO_FRAME = (None, None)  # (Beam.frame_stacks: a stack that can take no frame)
# Entries a stream keeps for waiting lines (Track.waiting) before it forgets
# them all: at most _MAX_FLOATS lines wait, a few entries each.
_WAITED = 1024


def _waited(t: Track) -> dict[tuple[int, object], object]:
    """What was worked out of stream t for the lines waiting (Track.waiting)."""
    known = t.waiting
    if known is None:
        known = t.waiting = {}
    return known


def _headers_wait(floats: list[Call]) -> bool:
    return any([c.token == HEADER for c in floats])


def _waiting(tracks: list[Track]) -> list[tuple[bool, str | None]]:
    """The reports waiting for their first goroutine, by what fits it."""
    return [(t.asleep, t.report) for t in tracks if t.opened and t.goroutines == 0]


def _matched(waiting: list[tuple[bool, str | None]], floats: list[Call]) -> int:
    """How many waiting reports the waiting goroutine headers can fill: a
    header counts for a report whose first goroutine its state may be."""
    if not waiting:
        return 0
    kinds = frozenset(waiting)
    headers = len([c for c in floats if c.token == HEADER and _fits(kinds, c.ev.state)])
    return min(len(waiting), headers)


@cache
def _fits(kinds: frozenset[tuple[bool, str | None]], state: str | None) -> bool:
    """May a goroutine of this state be the first of a report of one of these kinds?"""
    return any(first_state(a, r, state) >= 0 for a, r in kinds)


def _patient(beam: list[Hypothesis], i: int, patience: int) -> list[Hypothesis]:
    """Drop hypotheses that have stayed clearly behind the best for PATIENCE
    lines: an alternative that later lines would reward catches up soon; one
    no later line can tell (a line given to a stream that printed nothing
    since) would hold its place in the beam for ever."""
    best = beam[0].score
    beam[0].behind = -1  # the best is behind nobody (its forks inherit this)
    out = [beam[0]]
    for h in beam[1:]:
        if best - h.score <= BEHIND:
            h.behind = -1
        elif h.behind < 0:
            h.behind = i
        elif i - h.behind > patience:
            continue
        out.append(h)
    return out


def _after(floats: list[Call], index: int) -> int:
    """Position of the first waiting line after line `index` (they wait in line order)."""
    return bisect_right(floats, index, key=_INDEX)


_INDEX = attrgetter("index")


def _key(m: Move) -> float:
    return m[0]


def _clear(ms: list[Move]) -> bool:
    """One move beats every other by more than the margin."""
    best = second = _NEVER
    for m in ms:
        s = m[0]
        if s > best:
            best, second = s, best
        elif s > second:
            second = s
    return best - second > MARGIN


def separate(texts: Sequence[str], groups: Sequence[Sequence[int]] = ()) -> Separation:
    """Assign each traceback line of `texts` to one process: the best-scoring
    hypothesis of the beam. `groups`: lines known to be one process's each
    (the read() chunks a splicer found, splice.chunk_groups)."""
    match = line_grammar().match
    budget = log_budget()
    kin: dict[int, int] = {}
    kin_next: dict[int, int] = {}
    kin_root: dict[int, str] = {}
    for g in groups:
        for a, b in pairwise(g):
            kin[b] = a
            kin_next[a] = b

    def fresh(paid: Budget) -> Beam:
        beam = Beam(paid)
        beam.kin, beam.kin_next, beam.kin_root = kin, kin_next, kin_root
        return beam

    read_before: dict[str, Evidence | str | None] = {}
    bare = bare_calls(texts)  # gccgo's call lines, bare names, where the log is gccgo's

    def reading(text: str) -> Evidence | str | None:
        """A traceback line's evidence (None: no traceback line, "blank": a
        blank one). A dump repeats lines (the file lines of goroutines parked
        alike, `created by` lines): the same text is read once while the last
        READ_BACK lines read are kept (an Evidence is never changed)."""
        got = read_before.get(text, _UNREAD)
        if got is _UNREAD:
            m = match(text) if text and len(text) <= MAX_LINE else None
            kind = m.lastgroup if m is not None else None
            got = evidence(kind, m) if m is not None and kind and kind != "blank" else kind
            if got is None and bare is not None and text:
                got = bare(text)
            if len(read_before) >= READ_BACK:
                read_before.clear()  # (memory stays bounded)
            read_before[text] = got
        return got

    # with chunk groups, each text is read first: a group's toolchain shows in
    # its later lines (without, none is kept: a 5000-goroutine dump's evidence)
    read = [reading(text) for text in texts] if groups else None
    for g in groups:
        assert read is not None
        roots = {ev.root for x in g if isinstance(ev := read[x], Evidence) and ev.root}
        if len(roots) == 1:
            root = roots.pop()
            kin_root.update((x, root) for x in g)
    kinds: dict[int, str] = {}
    # the log's lines no traceback kind reads, and its blank lines, in line order:
    # most of a long log's lines (280 838 of a 50 MB log of 8 services), 8 bytes
    # each (as ints in a list, 36: 10 MB at the separation's peak)
    blanks = array("q")
    noise = array("q")
    fed: list[int] = []  # the traceback lines (peeling reads them again)

    def fed_lines() -> list[tuple[int, Evidence, int]]:
        """The traceback lines, as a beam reads them (peeling and repair read them again)."""
        out = []
        for i in fed:
            ev = reading(texts[i])
            assert isinstance(ev, Evidence)
            out.append((i, ev, hash(texts[i])))
        return out

    def search(beam: Beam, first: bool) -> Hypothesis:
        # whether the best hypothesis holds too many streams: asked where they may
        # change (a line taken, streams retired), not at each of the log's lines
        # (most are no traceback's: 79 000 of 8 services' 82 542)
        crowded = False
        for i, text in enumerate(texts):
            if crowded or (i & 63 == 0 and i):
                beam.retire(i)
                crowded = len(beam.beam[0].tracks) >= beam.max_tracks + beam.slack
            if read is not None:
                ev = read[i]
            else:  # (reading()'s look-up, without a call for each of the log's lines)
                ev = read_before.get(text, _UNREAD)
                if ev is _UNREAD:
                    ev = reading(text)
            if not isinstance(ev, Evidence):
                if first:
                    (blanks if not text or ev == "blank" else noise).append(i)
                continue
            if first:
                kinds[i] = ev.kind
                fed.append(i)
            beam.over_budget(i)
            beam.line(i, ev, hash(text))
            crowded = len(beam.beam[0].tracks) >= beam.max_tracks + beam.slack
        return beam.finish()

    beam = fresh(budget)
    best = search(beam, True)
    budget.close(beam.work, beam.seq)
    if beam.merge.random() and beam.narrowed_at < 0:
        # Random line order: the truth's reading often outscores the beam's
        # but left it early, its evidence coming late (tests/corpus/
        # beam_truth.py --classify). Beams whose moves are ranked by a
        # jittered score reach other readings; the best by the model's own
        # score is kept. Paid apart (budget.RESTART), on a budget of their own.
        first = best.score
        for k in range(RESTARTS):
            if not budget.may_rerun(beam.work):
                break
            again = fresh(Budget())
            again.jitter = Random(k).gauss
            other = search(again, False)
            budget.rerun += again.work
            if again.narrowed_at < 0 and other.score > max(best.score, first + RERUN_GAIN):
                best = other
        many = best.opened >= MANY and best.score > 0 and not groups
        if many and budget.may_peel(2 * beam.work):
            # Many streams: the beam keeps few hypotheses for each and loses
            # the truth early; streams peeled one at a time (peel.py) are
            # kept where the model scores them clearly better. (A reading
            # that scores below 0 is of lines that fit no traceback: traceback-
            # shaped garbage, bench_adversarial.py's shuffled kinds of lines.)
            from .peel import peeled  # (peel.py's beams are this module's)

            for other in peeled(fed_lines(), budget, best, 2 * beam.work):
                if other.score > max(best.score, first + RERUN_GAIN):
                    best = other
        if many and budget.may_widen(WIDE_MANY_COST * beam.work):
            # and read again by a wider beam (Wide), after the peel: a peel
            # learns the programs' code from the reading it starts from, and
            # from the wider beam's it may read worse (twelve drawn again,
            # seed 1: 1844 points from the first beam's 1213, 1392 from the
            # wider beam's 1473). Where the wider beam's reading is kept, it is
            # peeled too, on as much again (budget.PEEL).
            again = Wide(Budget.allowance(WIDEN - budget.widen))
            other = search(again, False)
            budget.widen += again.work
            if again.narrowed_at < 0 and other.score > best.score + RERUN_GAIN:
                best = other
                from .peel import peeled

                for other in peeled(fed_lines(), budget, best, 2 * beam.work,
                                    most=budget.peel + PEEL):
                    if other.score > best.score + RERUN_GAIN:
                        best = other
        if best.score > 0 and not groups:
            # Two streams at a time re-read with the rest held (repair.py):
            # where the beam went wrong, two streams hold each other's lines.
            from .repair import repaired

            other = repaired(fed_lines(), budget, best)
            if other is not None and other.score > best.score + RERUN_GAIN:
                best = other
            # Frames and goroutines moved between streams, two at a time (polish.py).
            from .polish import polished

            other = polished(fed_lines(), budget, best, beam.merge)
            if other is not None and other.score > best.score + RERUN_GAIN:
                best = other
    owner = _owners(best)
    if not beam.bursty():
        rematch_heads(owner, kinds, texts)
    sep = _separation(best, owner, kinds, blanks, noise)
    sep.narrowed_at = beam.narrowed_at if beam.narrowed_at >= 0 else None
    return sep


class Wide(Beam):
    """A beam that keeps more hypotheses a line, for a log of MANY streams in random line order."""

    widest = WIDE_MANY
    most = WIDE_MANY_WORK


def _placed(h: Hypothesis, j: int) -> int | None:
    """The track (order) line j went to in h, if h placed it recently."""
    step = h.history
    for _ in range(_KIN_REACH):
        if step is None:
            return None
        if step.index == j:
            return step.track if step.track >= 0 else None
        step = step.parent
    return None


def _owners(h: Hypothesis) -> dict[int, int]:
    owner: dict[int, int] = {}
    step = h.history
    while step is not None:
        owner[step.index] = step.track
        step = step.parent
    return owner



def _separation(h: Hypothesis, owner: dict[int, int], kinds: dict[int, str],
                blanks: Sequence[int], noise: array[int]) -> Separation:
    # a `-----` no stream's registers came before is a rule line of the log
    orphans = sorted(i for i, o in owner.items() if o == ORPHANED and kinds[i] != "relay_rule")
    # (more noise, merged into the log's own in order at the end)
    more = [i for i, o in owner.items() if o == ORPHANED and kinds[i] == "relay_rule"]
    more.extend(i for i, o in owner.items() if o == NOISE)
    lines: dict[int, list[int]] = {}
    # A stream takes the blank line it printed before its next block: the
    # earliest unclaimed one after its last line (replayed in line order).
    pending = sorted(blanks)
    for i in sorted(owner):
        o = owner[i]
        if o < 0:
            continue
        mine = lines.setdefault(o, [])
        if mine and kinds[i] in _CLAIMS_BLANK:
            j = bisect_right(pending, mine[-1])
            if j < len(pending) and pending[j] < i:
                mine.append(pending.pop(j))
        mine.append(i)
    tracks = {t.order: t for t in closed_tracks(h.closed) + h.tracks}
    out = []
    for o, ls in lines.items():
        t = tracks[o]
        if t.opened and not t.stacks and t.report != "race_rule":
            # An opener and never a stack: a log line quoting `panic: …`
            # (or a report cut before its stacks), no process's traceback.
            more.extend(ls)
        else:
            out.append(sorted(ls))
    out.sort(key=lambda ls: ls[0])
    more.extend(pending)
    return Separation(out, _merged(noise, more), orphans)


def _merged(ordered: array[int], more: list[int]) -> array[int]:
    """The line indices of `ordered` (ascending) and of `more`, ascending: the
    few more put in place between runs of the many copied whole."""
    if not more:
        return ordered
    more.sort()
    out = array(ordered.typecode)
    at = 0
    for x in more:
        j = bisect_right(ordered, x, at)
        out += ordered[at:j]
        out.append(x)
        at = j
    out += ordered[at:]
    return out
