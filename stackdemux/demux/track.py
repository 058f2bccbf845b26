"""One stream (a process being recovered) of the separator: what it printed
that later lines are judged by, and when it may take an opener or is done.

A hypothesis of the beam forks a stream only when it changes it, and the
stream's sets are persistent (persistent.py), so forks share them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from .evidence import OPENERS, Evidence
from .persistent import PMap, PSet


@dataclass(eq=False)
class Track:
    """One process being recovered: what it printed that later lines are judged by."""

    stack: tuple[int, ...]
    order: int  # when it opened: ties go to the earliest-opened stream
    last_tb: int = -1  # index of its last traceback line (blanks aside)
    first: int = -1  # when it printed its first traceback line, its last
    last: int = -1  # (counted in traceback lines of the log: noise aside)
    taken: int = 0  # traceback lines it printed
    gids: PSet[int] = field(default_factory=PSet)
    # address value → where it printed it (site()), MANY_SITES: at two or more
    values: PMap[str, str] = field(default_factory=PMap)
    ranges: frozenset[int] = frozenset()
    roots: frozenset[str] = frozenset()
    trimmed: int = 0  # +1: its files' paths are a -trimpath build's, -1: absolute
    frames: PMap[tuple[str, str, str], str | None] = field(default_factory=PMap)
    # package → directory of its files outside GOROOT: one binary was built
    # from one tree (a -trimpath build prints `example.com/app/main.go`, another
    # `/src/app/main.go`: the same package main, two processes)
    dirs: PMap[str, str] = field(default_factory=PMap)
    tests: frozenset[str] = frozenset()  # tests it reported failed
    callee: str | None = None  # function of the last frame of the current goroutine
    fp: str | None = None  # fp of the last frame that printed one, in this goroutine
    fp_style: int = 0  # +1: its frames print fp/sp (GOTRACEBACK=system), -1: they don't
    machine: int = 0  # +1: its goroutine headers print gp=/m=, -1: they don't
    parented: int = 0  # `created by … in goroutine N` (+1) or without the id (-1, Go < 1.21)
    opened: bool = False  # has printed a report opener
    last_kind: str | None = None
    annotated: bool = False  # last panic line said [recovered]
    signaled: int = 0  # its report was raised by a signal: +1 `[signal …` awaited, +2 printed
    sigdump: bool = False
    # GOTRACEBACK=crash: the threads (m) whose sections it printed, and whether
    # it is printing a relayed thread's section (after `-----`, until its registers)
    threads: frozenset[int] = frozenset()
    relayed: bool = False
    relays: int = 0  # `-----` lines: each thread after the first prints its g0, goroutine 0
    # goroutines printed `running on other thread; stack unavailable`: the
    # thread running one prints it again, whole, in its relayed section
    unavailable: frozenset[int] = frozenset()
    idle: int = 0  # goroutine 0 headers
    registers: frozenset[str] = frozenset()  # the names its current section dumped
    dumped: int = -1  # the place of its section's last register in REGISTER_ORDER (-1: none)
    # `PC=… m=N` awaits its section's first goroutine: run by thread N (its
    # header's `m=N`), its first frame at that pc (struck, then first_pc)
    struck: tuple[str | None, int | None] | None = None
    first_pc: str | None = None
    # `[signal … pc=0x…]`: the pc its report's first goroutine faulted at,
    # until that goroutine's first physical frame (scores.fault_entry)
    fault_pc: str | None = None
    # the stream peeled first, second, … whose lines it may take (peel.Held)
    peeled: int | None = None
    report: str | None = None  # kind of the last opener
    asleep: bool = False  # the report is a deadlock: no goroutine is running
    goroutines: int = 0  # goroutine headers since the opener
    last_gid: int = -1
    lead_gid: int = -1  # the report's first goroutine: the runtime lists the others without it
    stacks: int = 0  # goroutine headers and runtime stacks, in all
    depth: int = 0  # frames printed in the current goroutine
    # the current goroutine's inlined frames since its last physical one
    # include a function not the runtime's (scores.INLINED_IN_RUNTIME)
    foreign: bool = False
    # the functions of the current goroutine's inlined frames since its last
    # physical one (scores.INLINED_ELSEWHERE)
    inlined_run: tuple[str, ...] = ()
    ended: bool = False  # the current goroutine printed its `created by` (or frames elided)
    state: str | None = None  # the current goroutine's wait reason
    # the current goroutine printed only the runtime's frames so far (gopark,
    # …: GOTRACEBACK=system): its next frame may be where it parked
    parking: bool = False
    # the current stack may be the main goroutine's: goroutine 1, a block
    # `[originating from goroutine …]` or a runtime stack (main.main runs there only)
    in_main: bool = True
    # +1: it printed the testing package's frames (a test binary), -1: package
    # main's code (a program: a test binary's package main is main.main alone)
    binary: int = 0
    sig: int = 0  # hash of the texts of its stacks: the same lines, the same stream
    head: int = 0  # hash of the texts it printed before its first stack
    # hash of what those lines say that later lines are scored by: their
    # kinds and values, not their messages (keys())
    said: int = 0
    # the next line of the chunk group of the last grouped line it took (-1:
    # none): the lines before that one are other processes' (beam.kin_moves)
    kin_next: int = -1
    kin_root: str | None = None  # the GOROOT its chunk groups' files show
    total: int = hash((0, 0))  # whole(), kept as it prints: signatures read it often
    # its two keys (keys()), worked out once per version of the stream: a
    # hypothesis's state reads every stream of every candidate of the beam;
    # beam.apply(), where a stream changes, calls changed()
    memo: tuple[tuple, tuple, int, int] | None = field(default=None, repr=False)
    # while it is unchanged, what the beam worked out of it for the lines
    # waiting (a call waits for its file line, in random line order for
    # many lines), by (line index, what): a call line's scores, a header's
    # score, the stream after a header (Beam.frame_score, header_score, headed)
    waiting: dict[tuple[int, object], object] | None = field(default=None, repr=False)
    # the stacks after a frame of each pair of tokens (Beam.frame_stacks)
    frames_after: dict[str, tuple] | None = field(default=None, repr=False)

    def printed(self, sig: int) -> None:
        """A line's text (hash) taken, in its head or in its stacks."""
        if self.stacks:
            self.sig = hash((self.sig, sig))
        else:
            self.head = hash((self.head, sig))
        self.total = hash((self.head, self.sig))

    def whole(self) -> int:
        """Hash of all it printed, head and stacks."""
        return self.total

    def keys(self) -> tuple[tuple, tuple, int, int]:
        """What later lines are judged by (Hypothesis.state): its stacks' texts
        and what its head says (not its message: hypotheses that differ only
        in which of two heads alike took which stacks have the same future,
        and the better is kept); or its stacks' texts alone; where it stands;
        and the hashes of both."""
        memo = self.memo
        if memo is None:
            rest = (self.last_tb, self.stack, self.fp, self.report, self.asleep, self.signaled,
                    self.annotated, self.opened, self.last_kind, self.ranges, self.state,
                    self.struck, self.first_pc, self.fault_pc)
            whole, stacks = (self.sig, self.said, *rest), (self.sig, *rest)
            memo = self.memo = (whole, stacks, hash(whole), hash(stacks))
        return memo

    def hashes(self) -> tuple[int, int, int, int]:
        """What a hypothesis's signature and state hashes sum over its streams:
        whole(), sig, and the hashes of its two keys."""
        memo = self.memo or self.keys()
        return (self.total, self.sig, memo[2], memo[3])

    def changed(self) -> None:
        """Forget what was worked out of the stream as it was (see memo)."""
        self.memo = self.waiting = self.frames_after = None

    def retired(self) -> Retired:
        """What is read of it once closed (Beam.retire)."""
        return Retired(self.order, self.opened, self.stacks, self.report, self.goroutines,
                       self.lead_gid, self.last_gid)

    def clone(self) -> Track:
        """A copy for another hypothesis: its sets are persistent, so shared."""
        t = Track.__new__(Track)
        t.__dict__ = self.__dict__.copy()  # one C-level copy: hypotheses fork often
        t.memo = t.waiting = t.frames_after = None  # the copy is made to be changed
        return t

    def learn(self, ev: Evidence, i: int) -> None:
        self.last_tb = i
        self.taken += 1
        if ev.owned:
            here = site(ev)
            values = self.values
            for v in ev.owned:
                was = values.get(v)
                if was != here and was != MANY_SITES:
                    values = values.set(v, here if was is None else MANY_SITES)
            self.values = values
        if ev.ranges and not self.ranges.issuperset(ev.ranges):
            self.ranges = self.ranges.union(ev.ranges)
        k = ev.kind
        if self.first_pc is not None and k != "goroutine_header":
            self.first_pc = None  # (its first frame's call line: the pc was weighed)
        if k == "frame_file":
            if ev.offset is not None:
                self.fault_pc = None  # (the first physical frame: the pc was weighed)
            if ev.root is not None and ev.root not in self.roots:
                self.roots = self.roots | {ev.root}
            if ev.trimmed:
                self.trimmed = ev.trimmed
            if ev.fp is not None:
                self.fp = ev.fp
                self.fp_style = 1
            elif ev.offset is not None and self.last_kind == "frame_call":
                self.fp_style = -1
        elif k == "goroutine_header":
            if ev.gid is not None:
                if ev.gid in self.unavailable and self.relays:
                    self.unavailable = self.unavailable - {ev.gid}  # (printed again once)
                self.gids = self.gids.add(ev.gid)
                self.last_gid = ev.gid
                if not self.goroutines:
                    self.lead_gid = ev.gid
                self.idle += ev.gid == 0
            self.callee = self.fp = None
            self.depth = 0
            self.foreign = False
            self.inlined_run = ()
            self.ended = False
            self.state = ev.state
            self.parking = True
            self.in_main = ev.gid is None or ev.gid == 1
            self.goroutines += 1
            self.stacks += 1
            self.machine = 1 if ev.machine else -1
            self.first_pc = self.struck[0] if self.struck is not None else None
            self.struck = None
            if self.goroutines > 1:
                self.fault_pc = None
        elif k == "created_by":
            self.parented = 1 if ev.parent is not None else -1
            self.ended = True
        elif k in ("frames_elided", "additional_frames_elided"):
            self.ended = True
        elif k in ("runtime_stack", "ancestor_header"):
            self.in_main = True
            self.callee = self.fp = None
            self.depth = 0
            self.foreign = False
            self.inlined_run = ()
            self.state = None
            self.stacks += 1
        elif k == "fatal_error":
            self.asleep = ev.asleep
        elif k == "test_fail" and ev.test is not None:
            self.tests = self.tests | {ev.test}
        elif k == "stack_unavailable" and self.last_gid >= 0:
            self.unavailable = self.unavailable | {self.last_gid}
        elif k == "relay_rule":
            self.relayed = True
            self.relays += 1
        elif k == "register":
            self.relayed = False
            if ev.register is not None:
                self.registers = self.registers | {ev.register}
                self.dumped = REGISTER_ORDER.get(ev.register, self.dumped)
        elif k == "sigpc":
            if ev.m is not None:
                self.threads = self.threads | {ev.m}
            self.struck = (ev.pc, ev.m)
        elif k == "signal" and not self.stacks:
            self.fault_pc = ev.pc
        if not self.stacks:
            self.said = hash((self.said, k, ev.values, ev.ranges, ev.signaled, ev.asleep,
                              ev.annotated, ev.recovered, ev.abort, ev.test))
        if k in OPENERS:
            self.opened = True
            if k != "sigdump" or self.report is None:
                self.report, self.goroutines = k, 0
                self.asleep = ev.asleep
                self.signaled = int(ev.signaled)
            if k == "sigdump":
                self.sigdump = True
                self.registers = frozenset()
                self.dumped = -1
        if k in ("panic", "chained_panic", "http_panic"):
            self.annotated = ev.annotated
            if ev.signaled and not self.signaled:
                self.signaled = 1
        elif k == "signal" and self.signaled:
            self.signaled = 2
        self.last_kind = k

    def learn_frame(self, call: Evidence, file: Evidence) -> None:
        """A call line and its file line, bound together."""
        if call.kind == "frame_call" and call.func is not None:
            if file.file is not None and file.line is not None:
                self.frames = self.frames.set((call.func, file.file, file.line), file.offset)
                if file.root is None and call.kind == "frame_call":
                    self.dirs = self.dirs.set(package_of(call.func), dir_of(file.file))
            self.callee = call.func
            self.depth += 1
            # (an inlined call prints `(...)` and its file line no offset)
            inlined = call.inlined and file.offset is None
            self.foreign = inlined and (self.foreign or not call.func.startswith(_RUNTIMES))
            self.inlined_run = (*self.inlined_run, call.func) if inlined else ()
            if self.parking and not call.func.startswith(_RUNTIME):
                self.parking = False
            if not self.binary:
                self.binary = binary_of(call.func) or binary_of_file(file.file)
        elif (call.kind == "created_by" and call.func is not None and file.root is None
              and file.file is not None and file.line is not None):
            # a go statement of the program's code: one pc in one binary (go_statement)
            self.frames = self.frames.set(go_statement(call.func, file), file.offset)


@dataclass(slots=True, frozen=True)
class Retired:
    """A stream the beam closed (Beam.retire), as far as it is read after: its
    lines (order), whether it is a report's (an opener and stacks: _separation),
    and how its report listed its goroutines (scores.lead_listed). A Track is
    ~70 fields (its sets shared): of the 8 082 streams a 50 MB log of 8 services
    opens (every decoy `panic: …` line opens one), those closed held 6 MB to the
    log's end; kept so, 0.1 KB each."""

    order: int
    opened: bool
    stacks: int
    report: str | None
    goroutines: int
    lead_gid: int
    last_gid: int


_RUNTIME = ("runtime.", "internal/runtime/", "runtime/internal/")
# What the runtime's code may inline: its own packages and the internal ones it imports.
_RUNTIMES = ("runtime.", "runtime/", "internal/")
# The order the runtime dumps a thread's registers in on amd64 (dumpregs):
# all 41 dumps of the samples and the corpus's outputs, Windows's leaving out rdx.
REGISTER_ORDER = {r: i for i, r in enumerate((
    "rax", "rbx", "rcx", "rdx", "rdi", "rsi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12",
    "r13", "r14", "r15", "rip", "rflags", "cs", "fs", "gs"))}


# A go statement of a program's code is one instruction of its binary: every
# `created by F` line of one process naming it prints one pc offset. In the
# samples' and the corpus's outputs, 189 such statements printed twice or
# more, 1080 times again, all at their first offset; builds by other
# toolchains print others (mixed-lines-random: its Go 1.24 and Go 1.26
# processes start their pools' workers at main.go:335 +0xf5 and +0xf4, and
# the draws merged again swapped their workers between the two streams).
# Kept in Track.frames, scored as a frame's offset is (scores.file_score); a
# GOROOT's go statements are left out (libgo's runtime.main prints two).
def go_statement(func: str, file: Evidence) -> tuple[str, str, str]:
    """Track.frames' key of a `created by func` line's go statement (apart
    from func's own frames at that line: another instruction)."""
    return ("go " + func, file.file or "", file.line or "")


# Track.values: a value printed at two sites or more.
MANY_SITES = ""


def site(ev: Evidence) -> str:
    """Where a line prints its values: a frame's function, else its kind.
    Processes of one binary print the same values at the same site (Go before
    1.27 maps the heap at one address: `copy.Image(…, 0xc00002c6b0)` in all
    three skopeo copies); only a value passed on to another site is one
    process's own (a receiver down its callers' frames)."""
    return ev.func or ev.kind


@cache
def package_of(func: str) -> str:
    """The import path of a function: `go.etcd.io/bbolt` of `go.etcd.io/bbolt.(*Cursor).search`."""
    slash = func.rfind("/")
    dot = func.find(".", slash + 1)
    pkg = func[:dot] if dot > 0 else "runtime"  # `panic(…)`: the runtime's gopanic
    return pkg.replace("%2e", ".")


@cache
def binary_of(func: str) -> int:
    """+1: a function only a test binary runs (the testing package's), -1:
    one only a program runs (package main's, main.main aside), 0: either."""
    if func.startswith("testing."):
        return 1
    if func.startswith("main.") and func != "main.main":
        return -1
    return 0


@cache
def binary_of_file(file: str | None) -> int:
    """+1 for a file a test binary alone is built with (`ledger_test.go`):
    of the samples' and the corpus's outputs, the 24 with frames in a
    _test.go file print no code of package main but the generated main.main.
    In random line order a program's deadlock took a goroutine of a go test
    whose stack shows no testing frame (gotest-lines-random, remerged)."""
    return 1 if file is not None and file.endswith("_test.go") else 0


@cache
def dir_of(file: str) -> str:
    return file[: file.rfind("/") + 1]


# Lines after which a silent stream is closed: one waiting for its first
# stack waits long (another process may be printing a big dump), one that
# printed stacks is done sooner (a process repeating its output opens anew).
IDLE = 2000
DONE = 256


def gap(t: Track) -> float:
    """Traceback lines between two of its own, on average: a small process
    merged line by line with a big one prints one every few hundred."""
    return (t.last - t.first) / (t.taken - 1) if t.taken > 1 else 0.0


# The last line of a race report's section: its frames' file line, or the lost stack.
_RACE_STACK_ENDS = frozenset({"race_frame_file", "race_stack_lost"})


# The openers that may continue a stream with a report open (continues()): any
# other joins only a stream of prelude lines (beam.single_moves weighs it
# against those alone, not every open stream).
JOINS_OPENED = frozenset({"panic", "race_rule", "sigdump"})


def continues(t: Track, ev: Evidence, previous: Track | None) -> bool:
    """May an opener join stream t instead of opening a new process?"""
    if not t.opened:
        # Only prelude lines so far (`runtime: …`, `--- FAIL`): the opener right
        # after them is the same process's; a later one may be (beam.py weighs it).
        return True
    kind = ev.kind
    if kind not in JOINS_OPENED:
        return False
    if kind == "panic":
        return t.annotated and t.last_kind in ("panic", "chained_panic")
    if kind == "race_rule":
        # the race detector closes its report with the rule it opened it with
        return t.report == "race_rule" and t.last_kind in _RACE_STACK_ENDS
    if kind == "sigdump":
        # GOTRACEBACK=crash: after the panic's stacks the runtime raises SIGABRT
        # and dumps again; that level prints gp= and fp= (a SIGQUIT comes from outside).
        # GOTRACEBACK=crash relays the signal to each other thread: after `-----`
        # the next thread's section is the same process's.
        return t.last_kind == "relay_rule" or (
            ev.abort and not t.sigdump and t.report in ("panic", "fatal_error")
            and (t.machine > 0 or t.fp_style > 0))
    return False
