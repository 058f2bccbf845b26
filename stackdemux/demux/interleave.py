"""Separate unprefixed, line-interleaved tracebacks of several processes.

Each open stream keeps one LALR parse of grammars/report.lark (the order in
which kinds of lines follow each other in one process's output). A line is
offered to the streams whose parse accepts its kind; where several accept
it, evidence the runtime printed decides:

* goroutine ids are unique per process (a repeated id cannot join a stream);
* values differ per process: heap and stack addresses share a range per
  process (since Go 1.27 the heap base is randomized: 0x3ad4dd81cb0 vs
  0xc000012345), exact receiver/argument values repeat within a process;
* paths differ per toolchain (GOROOT), and the same frame (func, file, line)
  has the same pc offset only within one binary;
* call edges (callee → caller) seen in a stream tell which call line follows.

The LALR automaton is lark's own parse table for report.lark, stepped by a
memoised function over small immutable stacks: the same decisions as lark's
InteractiveParser (`accepts()` / `feed_token()`), at a dict lookup per line
instead of ~10 µs, and a stack that can be shared by hypotheses for free.
Only lines of traceback kinds are stepped; ordinary log lines never are.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from ..grammar import MAX_LINE, grammar_path, line_grammar

_G = line_grammar()
_F = {k: v.fields for k, v in _G.kinds.items()}
_match = _G.match

# Kinds that open a report: a new one is a new process unless the stream it
# would join has printed only what comes before an opener (`runtime:` notes,
# `--- FAIL` lines) or chains it (a recovered panic).
OPENERS = frozenset({"panic", "fatal_error", "http_panic", "race_rule", "sigdump"})
PRELUDE = frozenset({"runtime_note", "fault_address", "test_fail"})

_HEX = re.compile(r"0x[0-9a-fA-F]+")
# A value this large is an address (heap, stack, text), not a length or a flag.
_MIN_ADDRESS = 0x10000
# Heap and stack addresses are above 4 GiB on 64-bit Go; their high bits name
# the arena a process mapped (0xc0… for Go ≤ 1.26, random per process since 1.27).
_RANGE_SHIFT = 32
# Blank lines waiting for a stream to claim them, at most.
_MAX_BLANKS = 256


# ------------------------------------------------------------ automaton ---


class Automaton:
    """lark's LALR table for report.lark, stepped over immutable stacks."""

    def __init__(self) -> None:
        from lark import Lark

        text = grammar_path("report.lark").read_text(encoding="utf-8")
        lark = Lark(text, parser="lalr", lexer="basic")
        table = lark.parser.parser.parser.parse_table
        self.states = table.states
        self.start: tuple[int, ...] = (table.start_states["start"],)
        self.end = table.end_states["start"]
        self._memo: dict[tuple[tuple[int, ...], str], tuple[int, ...] | None] = {}
        self.lark = lark

    def step(self, stack: tuple[int, ...], token: str) -> tuple[int, ...] | None:
        """The stack after shifting `token`, or None when the grammar refuses it."""
        key = (stack, token)
        memo = self._memo
        if key in memo:
            return memo[key]
        out = self._step(stack, token)
        memo[key] = out
        return out

    def _step(self, stack: tuple[int, ...], token: str) -> tuple[int, ...] | None:
        from lark.parsers.lalr_analysis import Shift

        st = list(stack)
        while True:
            action = self.states[st[-1]].get(token)
            if action is None:
                return None
            kind, arg = action
            if kind is Shift:
                st.append(arg)
                return tuple(st)
            size = len(arg.expansion)
            if size:
                del st[-size:]
            goto = self.states[st[-1]].get(arg.origin.name)
            if goto is None:
                return None
            st.append(goto[1])

    def accepts(self, stack: tuple[int, ...], token: str) -> bool:
        return self.step(stack, token) is not None

    def can_end(self, stack: tuple[int, ...]) -> bool:
        """True when the stream's output could stop here (no half-printed frame)."""
        return self.step(stack, "$END") is not None


@cache
def automaton() -> Automaton:
    return Automaton()


def token_of(kind: str) -> str:
    return kind.upper()


# ------------------------------------------------------------- evidence ---


@dataclass(slots=True)
class Evidence:
    """What one line says about the process that printed it."""

    kind: str
    values: tuple[str, ...] = ()  # exact address words
    ranges: tuple[int, ...] = ()  # arenas of heap/stack addresses
    gid: int | None = None  # goroutine header id
    parent: int | None = None  # `created by … in goroutine N`
    func: str | None = None  # frame call / created by
    file: str | None = None
    line: str | None = None
    offset: str | None = None
    root: str | None = None  # GOROOT-like prefix of a standard library file
    annotated: bool = False  # a panic `[recovered]`: another panic line follows


def _addresses(text: str | None) -> tuple[tuple[str, ...], tuple[int, ...]]:
    if not text:
        return (), ()
    values = []
    ranges = []
    for word in _HEX.findall(text):
        v = int(word, 16)
        if v < _MIN_ADDRESS:
            continue
        values.append(word.lower())
        if v >> _RANGE_SHIFT:
            ranges.append(v >> _RANGE_SHIFT)
    return tuple(values), tuple(set(ranges))


_STD_DIRS = ("runtime/", "sync/", "net/", "os/", "internal/", "testing/", "syscall/",
             "time/", "io/", "reflect/", "fmt/", "context/", "encoding/", "crypto/")


def _root(file: str) -> str | None:
    """The GOROOT of a standard library file: `/usr/lib/go-1.19/src/` of
    `/usr/lib/go-1.19/src/runtime/sema.go`. Different toolchains, different roots."""
    i = file.rfind("/src/")
    if i < 0:
        return None
    rest = file[i + 5:]
    if rest.startswith(_STD_DIRS):
        return file[: i + 5]
    return None


def evidence(kind: str, m: re.Match[str]) -> Evidence:
    ev = Evidence(kind)
    f = _F[kind]
    if kind == "frame_call":
        ev.func = m.group(f["func"])
        ev.values, ev.ranges = _addresses(m.group(f["args"]))
    elif kind == "frame_file":
        ev.file = m.group(f["file"])
        ev.line = m.group(f["lineno"])
        ev.offset = m.group(f["offset"])
        ev.root = _root(ev.file)
        fp = m.group(f["fp"])
        if fp is not None:
            ev.values, ev.ranges = _addresses(" ".join(m.group(f["fp"], f["sp"])))
    elif kind == "goroutine_header":
        ev.gid = int(m.group(f["goid"]))
        gp = m.group(f["gp"])
        if gp:
            ev.values, ev.ranges = _addresses(f"{gp} {m.group(f['mp']) or ''}")
    elif kind == "created_by":
        ev.func = m.group(f["func"])
        p = m.group(f["parent"])
        ev.parent = int(p) if p else None
    elif kind in ("panic", "chained_panic", "http_panic"):
        ev.annotated = m.group(f["annotation"]) is not None
    elif kind in ("signal", "sigpc", "fault_address", "race_access"):
        ev.values, ev.ranges = _addresses(m.group(0))
    return ev


# -------------------------------------------------------------- streams ---


@dataclass(slots=True)
class Track:
    """One process being recovered: its lines (parent indices) and what it printed."""

    stack: tuple[int, ...]
    lines: list[int] = field(default_factory=list)  # indices into the parent stream's texts
    gids: set[int] = field(default_factory=set)
    values: set[str] = field(default_factory=set)
    ranges: set[int] = field(default_factory=set)
    roots: set[str] = field(default_factory=set)
    frames: dict[tuple[str, str, str], str | None] = field(default_factory=dict)
    funcs: set[str] = field(default_factory=set)
    edges: set[tuple[str, str]] = field(default_factory=set)
    pending: str | None = None  # function of a call line waiting for its file line
    callee: str | None = None  # function of the last complete frame of the goroutine
    opened: bool = False  # has printed a report opener
    last_kind: str | None = None
    annotated: bool = False  # last panic line said [recovered]
    sigdump: bool = False
    report: str | None = None  # kind of the last opener
    goroutines: int = 0  # goroutine headers since it
    parented: int = 0  # `created by … in goroutine N` (+1) or without the id (-1, Go < 1.21)

    def clone(self) -> Track:
        return Track(self.stack, list(self.lines), set(self.gids), set(self.values),
                     set(self.ranges), set(self.roots), dict(self.frames), set(self.funcs),
                     set(self.edges), self.pending, self.callee, self.opened, self.last_kind,
                     self.annotated, self.sigdump, self.report, self.goroutines, self.parented)

    def learn(self, ev: Evidence) -> None:
        self.values.update(ev.values)
        self.ranges.update(ev.ranges)
        k = ev.kind
        if k == "frame_call":
            if self.callee is not None and ev.func is not None:
                self.edges.add((self.callee, ev.func))
            self.pending = ev.func
            if ev.func:
                self.funcs.add(ev.func)
        elif k == "frame_file":
            if self.pending is not None and ev.file is not None and ev.line is not None:
                self.frames[(self.pending, ev.file, ev.line)] = ev.offset
            if ev.root:
                self.roots.add(ev.root)
            self.callee = self.pending if self.last_kind == "frame_call" else None
            self.pending = None
        elif k == "goroutine_header":
            if ev.gid is not None:
                self.gids.add(ev.gid)
            self.callee = None
            self.goroutines += 1
        elif k == "created_by":
            self.pending = ev.func
            self.callee = None
            self.parented = 1 if ev.parent is not None else -1
        if k in OPENERS:
            self.opened = True
            if k != "sigdump" or self.report is None:
                self.report, self.goroutines = k, 0
            if k == "sigdump":
                self.sigdump = True
        if k in ("panic", "chained_panic", "http_panic"):
            self.annotated = ev.annotated
        self.last_kind = k


def score(t: Track, ev: Evidence, previous: Track | None) -> float:
    """How well a line fits a stream that accepts its kind (higher: better)."""
    s = 0.0
    k = ev.kind
    if k == "goroutine_header":
        if ev.gid in t.gids:
            return float("-inf")
        # A panic prints only the crashing goroutine unless GOTRACEBACK=all
        # (then several follow); a fatal error or a signal dump prints them all.
        if t.report == "panic" and t.goroutines == 1:
            s -= 1.0
        elif t.report in ("fatal_error", "sigdump"):
            s += 0.5
    if ev.values:
        s += 2.0 * min(3, sum(1 for v in ev.values if v in t.values))
    for r in ev.ranges:
        if r in t.ranges:
            s += 1.0
        elif t.ranges:
            s -= 3.0
    if k == "frame_file":
        if ev.root is not None and t.roots:
            s += 2.0 if ev.root in t.roots else -3.0
        if t.pending is not None and ev.file is not None:
            key = (t.pending, ev.file, ev.line or "")
            if key in t.frames:
                s += 3.0 if t.frames[key] == ev.offset else -4.0
    elif k == "frame_call" and ev.func is not None:
        if t.last_kind in ("goroutine_header", "runtime_stack", "ancestor_header"):
            s += 1.5  # a goroutine just opened waits for its first frame
        if t.callee is not None and (t.callee, ev.func) in t.edges:
            s += 2.0
        if ev.func in t.funcs:
            s += 0.5
    elif k == "created_by":
        if ev.parent is not None and ev.parent in t.gids:
            s += 1.0
        style = 1 if ev.parent is not None else -1
        if t.parented:
            s += 1.0 if t.parented == style else -4.0  # Go < 1.21 prints no creator id
    if t is previous:
        s += 0.3
    return s


# ------------------------------------------------------------ separation ---

# Beam search: hypotheses kept at most, candidates a line may branch into, and
# how far below the best a candidate or a hypothesis may fall and survive.
BEAM = 8
BRANCH = 3
MARGIN = 2.5
PRUNE = 8.0
# A line no stream can take, and a stream opened by a line that opens no report.
ORPHAN = -10.0
NEW_TRACK = -3.0
# Lines after which a silent stream is closed.
IDLE = 2000


@dataclass(slots=True)
class Separation:
    """Parent-stream indices per recovered process, and what fits no process."""

    tracks: list[list[int]]
    noise: list[int]  # indices of ordinary lines and unclaimed blanks
    orphans: list[int]  # traceback lines no stream could take (diagnosed)


@dataclass(slots=True)
class Hypothesis:
    """One way of assigning the lines so far; tracks are copied on write."""

    score: float
    tracks: list[Track]
    blanks: list[int]  # blank lines no stream claimed yet
    orphans: list[int]
    previous: int = -1  # the track of the last traceback line
    closed: list[Track] = field(default_factory=list)  # tracks silent for long: done

    def retire(self, now: int) -> None:
        """Close tracks that printed nothing for IDLE lines: a process that
        stopped writing. Keeps the work per line bounded by the open streams."""
        keep = [t for t in self.tracks if t.lines and t.lines[-1] >= now - IDLE]
        if len(keep) == len(self.tracks):
            return
        self.closed.extend(t for t in self.tracks if not (t.lines and t.lines[-1] >= now - IDLE))
        self.tracks = keep
        self.previous = -1

    def copy(self) -> Hypothesis:
        return Hypothesis(self.score, list(self.tracks), list(self.blanks), list(self.orphans),
                          self.previous, list(self.closed))

    def extend(self, t: int | None, stack: tuple[int, ...], i: int, ev: Evidence,
               gain: float, share: bool) -> Hypothesis:
        """This hypothesis with line i given to track t (None: a new track).
        `share`: nothing else refers to this hypothesis, so it may be changed in place."""
        h = self if share else self.copy()
        if t is None:
            track = Track(stack=stack)
            h.tracks.append(track)
            t = len(h.tracks) - 1
        else:
            track = h.tracks[t] if share else h.tracks[t].clone()
            h.tracks[t] = track
            if ev.kind in _CLAIMS_BLANK and track.lines:
                _claim_blank(track, h.blanks)
            track.stack = stack
        track.lines.append(i)
        track.learn(ev)
        h.previous = t
        h.score += gain
        return h


_CLAIMS_BLANK = frozenset({"goroutine_header", "runtime_stack"}) | OPENERS


def separate(texts: Sequence[str]) -> Separation:
    """Assign each traceback line of `texts` to one process by structure and evidence.

    A small beam of hypotheses is kept where a line fits several streams;
    what comes later (a range of addresses, a toolchain's path, a repeated
    goroutine id) settles them.
    """
    auto = automaton()
    step = auto.step
    start = auto.start
    noise: list[int] = []
    beam = [Hypothesis(0.0, [], [], [])]

    for i, text in enumerate(texts):
        if i % 256 == 0 and i:
            for h in beam:
                h.retire(i)
        if not text:
            for h in beam:
                h.blanks.append(i)
                if len(h.blanks) > _MAX_BLANKS:  # old blanks are no stream's: bounded memory
                    del h.blanks[: _MAX_BLANKS // 2]
            continue
        m = _match(text) if len(text) <= MAX_LINE else None
        if m is None:
            noise.append(i)
            continue
        kind = m.lastgroup
        assert kind is not None
        if kind == "blank":
            for h in beam:
                h.blanks.append(i)
            continue
        ev = evidence(kind, m)
        if kind == "frame_call" and "." not in (ev.func or ""):
            noise.append(i)  # `foo(bar)` in a build log: a Go function is pkg.Name
            continue
        token = kind.upper()
        opener = kind in OPENERS

        grown: list[Hypothesis] = []
        for h in beam:
            prev = h.tracks[h.previous] if h.previous >= 0 else None
            cands: list[tuple[float, int | None, tuple[int, ...]]] = []
            for ti, t in enumerate(h.tracks):
                nxt = step(t.stack, token)
                if nxt is None:
                    continue
                if opener and not _continues(t, kind, prev):
                    continue
                sc = score(t, ev, prev) + (2.0 if opener else 0.0)
                if sc != float("-inf"):
                    cands.append((sc, ti, nxt))
            if not cands or (opener and not any(c[1] is None for c in cands)):
                nxt = step(start, token)
                if nxt is None:
                    h = h.copy() if len(beam) > 1 else h
                    h.orphans.append(i)
                    h.score += ORPHAN
                    grown.append(h)
                    continue
                # A new process: expected for an opener, a last resort otherwise.
                cands.append((0.0 if opener else NEW_TRACK, None, nxt))
            cands.sort(key=lambda c: -c[0])
            best = cands[0][0]
            keep = [c for c in cands[:BRANCH] if c[0] >= best - MARGIN]
            # Alone in the beam with one way to go, nothing else can see this
            # hypothesis's tracks: change them in place (the common case).
            alone = len(beam) == 1 and len(keep) == 1
            for sc, ti, nxt in keep:
                grown.append(h.extend(ti, nxt, i, ev, sc, share=alone))
        grown.sort(key=lambda h: -h.score)
        top = grown[0].score
        beam = [h for h in grown[:BEAM] if h.score >= top - PRUNE]

    best = beam[0]
    noise.extend(best.blanks)
    tracks = sorted(best.closed + best.tracks, key=lambda t: t.lines[0])
    for t in tracks:
        t.lines.sort()
    noise.sort()
    return Separation([t.lines for t in tracks], noise, best.orphans)


def _continues(t: Track, kind: str, previous: Track | None) -> bool:
    """May an opener join stream t instead of opening a new process?"""
    if not t.opened:
        # Only prelude lines so far (`runtime: …`, `--- FAIL`): the opener right
        # after them is the same process's.
        return t is previous
    if kind == "panic":
        return t.annotated and t.last_kind in ("panic", "chained_panic")
    if kind == "sigdump":
        # GOTRACEBACK=crash: after the panic's stacks the runtime dumps again.
        return not t.sigdump and t.pending is None and t.last_kind not in ("created_by",
                                                                           "frame_call")
    return False


def _claim_blank(t: Track, blanks: list[int]) -> None:
    """Give a stream the blank line it printed before its next block: the
    earliest one after its last line."""
    j = bisect_right(blanks, t.lines[-1])
    if j < len(blanks):
        t.lines.append(blanks.pop(j))
