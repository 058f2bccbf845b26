"""One hypothesis of the beam: a whole assignment of the lines so far to
streams, the lines waiting for the line that decides them, and what its
frames say about the programs' code. Forks share all they can: streams until
one changes, closed streams, history (a linked list), persistent maps.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cache

from .. import rx
from .evidence import Evidence, goroot
from .persistent import PMap
from .track import Retired, Track

NOISE, ORPHANED = -1, -2


@dataclass(slots=True)
class Call:
    """A call or `created by` line waiting for its file line: which stream
    printed it is decided with the file line, which names much more."""

    index: int
    token: str
    ev: Evidence
    before: int  # index of the traceback line just before it
    sig: int = 0  # hash of its text
    seq: int = 0  # how many traceback lines came before it
    name: str = field(init=False)  # kind and function: what a signature tells calls by

    def __post_init__(self) -> None:
        self.name = self.ev.kind + (self.ev.func or "")


CALLS = {"FRAME_CALL": ("FRAME_FILE", "CGO_FILE"), "CREATED_BY": ("FRAME_FILE",),
         "RACE_FRAME_CALL": ("RACE_FRAME_FILE",)}
FILES = frozenset({"FRAME_FILE", "CGO_FILE", "RACE_FRAME_FILE"})
FILE_CALLS = {f: tuple(c for c, files in CALLS.items() if f in files) for f in FILES}


# A hypothesis's closed streams: a persistent list of the batches retired
# together, so that a fork shares them and closing more copies none.
Closed = tuple[list[Retired], "Closed"] | None


@dataclass(slots=True)
class Step:
    """One decided line in a hypothesis's history (a linked list)."""

    index: int
    track: int  # Track.order, or NOISE / ORPHANED
    parent: Step | None


class Hypothesis:
    __slots__ = (
        "behind",
        "bodies",
        "builds",
        "callees",
        "callers",
        "calls",
        "closed",
        "closed_sig",
        "entries",
        "floats",
        "history",
        "homes",
        "opened",
        "pot",
        "prev",
        "score",
        "seen_at",
        "sites",
        "spans",
        "sums",
        "tracks",
    )

    def __init__(self) -> None:
        self.score = 0.0
        self.tracks: list[Track] = []
        # closed streams, newest first: (tracks, older); shared by forks, never copied
        self.closed: Closed = None
        self.closed_sig = 0  # their sigs as a multiset: a sum, kept as they close
        self.floats: list[Call] = []  # call lines waiting for their file line
        self.history: Step | None = None
        self.opened = 0
        self.pot = 0.0  # the part of score that is Beam.potential()
        self.prev = -1  # index of the last traceback line any stream took
        # What its frames say about the programs' code, in every stream: a
        # (file, line) lies in one function, a function in one file.
        self.behind = -1  # since which line it scores clearly below the best
        self.sites: PMap[tuple[str, str], str] = PMap()
        self.homes: PMap[str, str] = PMap()
        self.callers: PMap[str, frozenset[str]] = PMap()  # callee → its callers seen
        # a frame's pc (file, line, offset) → the function it was seen calling
        # ("": none, a goroutine's first frame): one call instruction, one callee
        self.callees: PMap[tuple[str, str | None, str | None], str] = PMap()
        # a program's source line (source(file), line) → the functions frames
        # there were seen calling (scores.callee_at): builds by other
        # toolchains print other pcs for one line, and it calls the same
        self.calls: PMap[tuple[str, str], frozenset[str]] = PMap()
        # a program's source line as its path prints it (file, line) → what
        # frames there were seen doing (scores.seen_at): the functions they
        # called, and a parked goroutine's top frame (scores.PARKED + its function)
        self.seen_at: PMap[tuple[str, str], frozenset[str]] = PMap()
        # a `created by` line's pc → the function its go statement was seen starting
        self.entries: PMap[tuple[str, str | None, str | None], str] = PMap()
        # file → its known sites in line order, (line, function): a
        # function's body is one run of lines (its closures nest in it)
        self.bodies: PMap[str, tuple[tuple[int, str], ...]] = PMap()
        self.spans: PMap[tuple[str, str], tuple[int, int]] = PMap()  # (file, func) → lines
        # (a stream's GOROOT, a program frame's Track.frames key) → the pc
        # offset it printed: one toolchain builds one program one way
        # (scores.build_score)
        self.builds: PMap[tuple[str, tuple[str, str, str]], str | None] = PMap()
        # its streams' Track.hashes(), summed (None: not worked out since they changed)
        self.sums: tuple[int, int, int, int] | None = (0, 0, 0, 0)

    def fork(self) -> Hypothesis:
        h = Hypothesis.__new__(Hypothesis)
        h.score = self.score
        h.tracks = list(self.tracks)  # Track objects shared until one changes
        h.closed = self.closed
        h.closed_sig = self.closed_sig
        h.floats = list(self.floats)
        h.history = self.history
        h.opened = self.opened
        h.pot = self.pot
        h.prev = self.prev
        h.sites = self.sites
        h.homes = self.homes
        h.callers = self.callers
        h.callees = self.callees
        h.calls = self.calls
        h.seen_at = self.seen_at
        h.entries = self.entries
        h.bodies = self.bodies
        h.spans = self.spans
        h.builds = self.builds
        h.behind = self.behind
        h.sums = self.sums
        return h

    def signature(self, heads: bool = True) -> tuple:
        """Streams holding the same texts: the same reports, whichever of two
        identical lines each took (with `heads` False: whichever head, see state())."""
        texts = [t.total for t in self.tracks] if heads else [t.sig for t in self.tracks]
        return (tuple(sorted(texts)),
                self.closed_sig,
                tuple([c.name for c in self.floats]))

    def state(self, heads: bool = True) -> tuple:
        """What the next lines are scored by: the open streams' stacks (their
        texts: the ids, values, paths and frames later lines are judged by),
        where each stands, and the lines waiting. Two hypotheses that agree
        on it have the same future, and only the better one is kept; with
        `heads` False, whichever head each stream took (random line order:
        heads are matched to stacks at the end)."""
        which = 0 if heads else 1
        return (tuple(sorted([(t.memo or t.keys())[which] for t in self.tracks])),
                tuple([c.index for c in self.floats]))

    def signature_hash(self, heads: bool = True) -> int:
        """A hash of signature(), cheaper: a sum over the streams needs no
        sort, and is kept as a stream changes (Beam.apply)."""
        sums = self.sums or self.sum_up()
        return hash((sums[0 if heads else 1], len(self.tracks), self.closed_sig,
                     tuple([c.name for c in self.floats])))

    def state_hash(self, heads: bool = True) -> int:
        """A hash of state(), cheaper: a sum of each stream's key's hash."""
        sums = self.sums or self.sum_up()
        return hash((sums[2 if heads else 3], len(self.tracks),
                     tuple([c.index for c in self.floats])))

    def sum_up(self) -> tuple[int, int, int, int]:
        """sums, worked out anew."""
        hashes = [t.hashes() for t in self.tracks]
        self.sums = (sum([x[0] for x in hashes]), sum([x[1] for x in hashes]),
                     sum([x[2] for x in hashes]), sum([x[3] for x in hashes]))
        return self.sums

    def note_site(self, file: str, line: str, func: str) -> None:
        """A frame's (file, line) lies in func (site_func)."""
        file = source(file)
        key = (file, line)
        if self.sites.get(key) is not None:
            return
        self.sites = self.sites.set(key, func)
        if not line.isdigit() or line == AUTOGENERATED:
            return
        n = int(line)
        known = self.bodies.get(file) or ()
        i = bisect_left(known, (n, func))
        self.bodies = self.bodies.set(file, (*known[:i], (n, func), *known[i:]))
        # a closure's lines lie in its function's body too (`main.small.func1`
        # at main.go:366 in main.small's)
        for f in (func, *_enclosing(func)):
            span = self.spans.get((file, f))
            self.spans = self.spans.set((file, f), (n, n) if span is None
                                        else (min(span[0], n), max(span[1], n)))

    def record(self, index: int, track: int) -> None:
        self.history = Step(index, track, self.history)


# A line known in a closure and met in its function, or the reverse: a
# one-line `go func() { … }()` prints its closure's frame and its `created
# by` line at one line, at two pcs. Of the lines of the samples' and the
# corpus's outputs (each on its own) where two functions print, 414 hold a
# closure and a function it lies in, 1 two that do not nest (Go 1.21's
# sibling wrappers main.init.6.func1.2 and .7); of their 7402 pcs (file,
# line, offset), 1 is printed by two functions (Go 1.19's TestHang.func1
# and `created by TestHang`, both +0x25). The truth of crash-lines-random
# paid the -6 of another function's site twice: Go 1.19's
# runtime.gcenable.func1 and `created by runtime.gcenable` at mgc.go:178;
# at the pc of a frame of another process, `created by` costs it still
# (yardstick_samebinary.py, skopeo line by line, seed 43).
NESTED_SITE = 0.0


def code(h: Hypothesis, call: Evidence, file: Evidence) -> float:
    """Does this frame agree with the frames the hypothesis already made?"""
    func = call.func
    if func is None or file.file is None:
        return 0.0
    s = 0.0
    src = source(file.file)
    known = h.sites.get((src, file.line or ""))
    if known is not None:
        sf = site_func(func)
        if known == sf:
            s += 2.0
        elif not _nested(known, sf) or (file.file, file.line, file.offset) in (
                h.callees if call.kind == "created_by" else h.entries):
            s -= 6.0  # (one pc, one function: a frame's is no go statement's)
        else:
            s += NESTED_SITE
    elif file.line and file.line != AUTOGENERATED:
        s += body(h, site_func(func), src, int(file.line))
        if _numbers(func):
            s += order(h, site_func(func), src, int(file.line))
    home = h.homes.get(func)
    if home is None and call.kind == "frame_call":
        # a closure lies in its function's file (892 of 892 closures' frames
        # of the samples, the wild pastes and the corpus's outputs whose
        # function shows): crash-lines-random, remerged 3, gave Go 1.19's
        # runtime.gcenable.func2 another toolchain's mfinal.go
        home = next((h.homes.get(f) for f in _enclosing(func) if f in h.homes), None)
    if home is not None and call.kind == "frame_call":
        s += 1.0 if home == file_name(file.file) else -4.0
    return s


# A frame's line past another function's site, away from the lines its
# function is known at: a function's body is one run of lines, in which only
# its closures nest (`main.f.func1` in `main.f`). In twelve-lines-random the
# pool's worker, known at main.go:316-324, took main.go:257 (another
# process's concurrentMapWrites.func1) for a call edge it was known by.
# A closure's lines are its function's too, and no line lies inside another
# function's run: of the 7896 sites (file, line, function; `created by`
# lines too) of the samples' and the corpus's outputs, each output's sites
# on their own, one lies inside another function's run, closures counted in
# their functions (Go 1.19's go-statement wrapper concurrentMapWrites.func2
# at the go statement and at its call, around func1), line 1 left out. In
# mixed-lines-random two processes swapped call lines: main.handle.func1
# took main.go:187 and main.panicError.func1 main.go:211, so that
# main.handle's run (187-197) and main.panicError's (195-211) overlapped.
SPLIT = -6.0
# The line the compiler gives code it generates (wrappers, a preempted
# function's entry: `main.spin` at main.go:1): no function's body.
AUTOGENERATED = "1"


def body(h: Hypothesis, func: str, file: str, line: int) -> float:
    """Does line `line` of `file` fit func's body, as the frames the
    hypothesis made so far place the functions of that file? Neither func's
    run of lines nor those of the functions it lies in (a closure's line is
    its function's too) may reach past another function's site, nor may the
    line lie within another function's run."""
    known = h.bodies.get(file) or ()
    spans = h.spans
    for f in (func, *_enclosing(func)):
        span = spans.get((file, f))
        if span is None or span[0] <= line <= span[1]:
            continue
        a, b = (line, span[0]) if line < span[0] else (span[1], line)
        i = bisect_right(known, (a, "\U0010ffff"))  # past every site of line a
        while i < len(known) and known[i][0] < b:
            if not _nested(f, known[i][1]):
                return SPLIT
            i += 1
    # the sites nearest on either side: a run holding the line holds one of them
    i = bisect_left(known, (line, ""))
    j = bisect_right(known, (line, "\U0010ffff"))
    for k in (i - 1, j):
        if 0 <= k < len(known):
            g = known[k][1]
            for f in (g, *_enclosing(g)):
                span = spans.get((file, f))
                if span is not None and span[0] < line < span[1] and not _nested(func, f):
                    return SPLIT
    return 0.0


# A closure or init function numbered against the source order its file
# shows: Go numbers `F.func1, F.func2` and `init.0, init.1` as they appear,
# so within a file a higher number lies further down (1180 of 1221 pairs of
# sites in the samples and the corpus's outputs; the 41 others printed by
# Go 1.19 and 1.21, which numbered some closures otherwise).
ORDER = -3.0


def order(h: Hypothesis, func: str, file: str, line: int) -> float:
    """Does line `line` of func agree with the order of the numbered
    functions of `file` the hypothesis placed (the NEAR nearest sites on
    either side: time stays bounded by them, not by the file's sites)?"""
    known = h.bodies.get(file) or ()
    i = bisect_left(known, (line, ""))
    for n, g in known[max(0, i - NEAR):i + NEAR]:
        if n != line:
            r = _ranked(func, g)
            if r and (r > 0) != (line > n):
                return ORDER
    return 0.0


NEAR = 32
_NUMBERED = rx.compile(r"(func|gowrap|deferwrap|)([0-9]+)")
_CLOSURE = rx.compile(r"(func|gowrap|deferwrap)[0-9]+")


@cache
def _enclosing(func: str) -> tuple[str, ...]:
    """The functions a closure lies in, innermost first: `main.init.3.func1`
    and `main.init.3` of `main.init.3.func1.1`."""
    slash = func.rfind("/") + 1
    head, parts = func[:slash], func[slash:].split(".")
    out = []
    while len(parts) > 2 and (_CLOSURE.fullmatch(parts[-1]) or (
            parts[-1].isdigit() and (parts[-2].isdigit() or _CLOSURE.fullmatch(parts[-2])))):
        parts = parts[:-1]
        out.append(head + ".".join(parts))
    return tuple(out)


@cache
def _numbers(func: str) -> bool:
    """Has the function's name a numbered part (closure, init.N)?"""
    return any(_NUMBERED.fullmatch(p) for p in func[func.rfind("/") + 1:].split("."))


@cache
def _ranked(f: str, g: str) -> int:
    """+1: f's body lies after g's in their file by their numbers (`init.8…`
    after `init.3…`, `F.func2` after `F.func1…`), -1: before, 0: unknown."""
    a, b = f[f.rfind("/") + 1:].split("."), g[g.rfind("/") + 1:].split(".")
    if f[:f.rfind("/") + 1] != g[:g.rfind("/") + 1]:
        return 0
    for x, y in zip(a, b, strict=False):  # (to the shorter name's end)
        if x != y:
            mx, my = _NUMBERED.fullmatch(x), _NUMBERED.fullmatch(y)
            if mx is None or my is None or mx.group(1) != my.group(1):
                return 0
            return 1 if _magnitude(mx.group(2)) > _magnitude(my.group(2)) else -1
    return 0


def _magnitude(digits: str) -> tuple[int, str]:
    """A run of digits, ordered as its number is, without int() (a name's
    `func` followed by 5 000 digits: Python refuses over 4 300)."""
    digits = digits.lstrip("0")
    return len(digits), digits


@cache
def _nested(f: str, g: str) -> bool:
    """One function's body holds the other's (a closure: `f.func1`)."""
    return f == g or f.startswith(g + ".") or g.startswith(f + ".")


# `go f(x)` and `defer f(x)` compile to a wrapper (`F.gowrap1`, Go 1.21+)
# printed at the statement's line: the line of F that `created by F` names.
_WRAPPER = rx.compile(r"\.(?:gowrap|deferwrap)[0-9]+$")


@cache
def site_func(func: str) -> str:
    """The function a frame's (file, line) lies in: a go/defer wrapper's is its creator's."""
    return _WRAPPER.sub("", func)


@cache
def source(file: str) -> str:
    """What names a source file in every build of one program: a -trimpath
    build prints `example.com/fleet/main.go`, another
    `/work/…/programs/main.go` (its name); a toolchain's files differ by
    version, a module's by its version (their paths)."""
    return file if "@" in file or goroot(file) is not None else file_name(file)


@cache
def file_name(file: str) -> str:
    """What every build of a program calls a source file: a -trimpath build
    prints `example.com/fleet/main.go`, another `/work/…/programs/main.go`."""
    return file[file.rfind("/") + 1:]


def closed_tracks(closed: Closed) -> list[Retired]:
    out: list[Retired] = []
    while closed is not None:
        gone, closed = closed
        out.extend(gone)
    return out
