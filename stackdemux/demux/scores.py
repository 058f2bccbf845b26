"""How well a line, or a frame (call line and file line), fits a stream:
the evidence of evidence.py weighed against what the stream printed
(track.py). -inf is what one process cannot print.
"""

from __future__ import annotations

from functools import cache
from math import log

from .. import rx
from .evidence import OPENERS, Evidence, go_minor, goroot
from .hypothesis import _enclosing, source
from .persistent import PMap
from .track import REGISTER_ORDER, Track, binary_of, dir_of, go_statement, package_of, site

_NEVER = float("-inf")  # the score of what one process cannot print
_UNSEEN = object()  # a frame a stream has not printed

_VERSION = rx.compile(r"@[^/]*")

# Directories of the runtime and its internals: the runtime implements
# functions of other std packages (`sync.runtime_Semacquire` in
# runtime/sema.go, `time.Sleep` in runtime/time.go), since Go 1.24
# internal/runtime/maps implements `runtime.mapassign*` (go:linkname), and
# internal/bytealg implements runtime·memequal and runtime·cmpstring.
_RUNTIME_DIRS = ("runtime/", "internal/runtime/", "internal/bytealg/")
# A frame whose two lines cannot be one function's: std code printed from a
# file outside its package's directory, package main from a GOROOT.
MISFIT = -20.0


@cache
def fit(func: str, file: str) -> float:
    """How well a file path fits a function's package: Go prints a function
    of import path P from a file in a directory ending in `/P` (GOROOT/src/P,
    …/vendor/P, the module cache's P@version); linknamed std functions lie
    in the runtime's directories, package main anywhere but in a GOROOT."""
    pkg = package_of(func)
    slash = file.rfind("/")
    d = _VERSION.sub("", file[:slash]) if slash > 0 else ""
    if d == pkg or d.endswith("/" + pkg):
        return 2.0
    root = goroot(file)
    if pkg == "main":
        return MISFIT if root is not None else 0.5
    std = "." not in pkg.split("/", 1)[0]
    if root is not None:
        if not std:
            return MISFIT  # a module's code never lies in a GOROOT
        rel = file[len(root):]
        if rel.startswith(_RUNTIME_DIRS):
            # linkname: the runtime implements it; a `runtime_…` function or
            # one a goroutine parks in (sync.runtime_Semacquire, time.Sleep)
            # is known to be the runtime's, as surely as its own functions
            return 2.0 if _parks(func) or ".runtime_" in func else 0.0
        return MISFIT
    if std and "/src/" not in file and not file.startswith(("/", ".")):
        return MISFIT  # a std function in a module path (`example.com/app/x.go`)
    last = _MAJOR.sub("", pkg)
    last = last[last.rfind("/") + 1:]
    if d[d.rfind("/") + 1:] == last:
        return 1.5  # a module's directory is named like its last element
    return -3.0  # a module root checked out under another name, or no match


_MAJOR = rx.compile(r"/v[0-9]+$")  # `github.com/x/y/v2` lives in …/y@v2.1.0/


# A toolchain's file named for its function: `panic` in runtime/panic.go,
# `time.Sleep` in runtime/time.go, `(*Mutex).lockSlow` in sync/mutex.go. Of
# 368 distinct frames of GOROOT's files in the samples and the corpus's
# outputs, 132 have a file whose name (less build-tag suffixes) lies in the
# function's name; of 7287 pairs of one such frame's function and another's
# file, 341: log(132/368 / (341/7287)) and log(236/368 / (6946/7287)). In
# random line order two runtime frames of two processes waited at once and
# each took the other's file line (mixed-lines-random: time.Sleep at
# runtime/panic.go, panic(…) at runtime/time.go).
NAMED = 2.0
UNNAMED = -0.4
_SUFFIXES = rx.compile(r"_(?:test|linux|darwin|windows|unix|posix|generic|amd64|arm64|386|"
                       r"fast32|fast64|faststr|swiss|noswiss)\b")


@cache
def named(func: str, file: str) -> float:
    """Does a toolchain file's name lie in the function's (NAMED) or not
    (UNNAMED)? 0 for a file outside GOROOT (a program's files are named freely)."""
    if goroot(file) is None:
        return 0.0
    base = file[file.rfind("/") + 1:]
    dot = base.rfind(".")
    stem = _SUFFIXES.sub("", base[:dot] if dot > 0 else base).lower().replace("_", "")
    name = func[func.rfind("/") + 1:].lower().replace("_", "")
    return NAMED if stem and stem in name else UNNAMED



# Kinds of a report's header: they follow the opener, before the goroutines.
HEADERS = frozenset({"signal", "sigpc", "cgo_signal", "fault_address", "register",
                     "chained_panic", "indented", "running_tests", "running_test"})


# GOTRACEBACK=crash: after a thread's registers and `-----` the runtime relays
# the signal to the process's next thread, which prints its section next.
RELAYED = 3.0


def score(t: Track, ev: Evidence) -> float:
    """How well a line other than a frame fits a stream that accepts its kind."""
    s = 0.0
    k = ev.kind
    if k == "goroutine_header":
        if ev.gid in t.gids and not (ev.gid == 0 and t.idle <= t.relays) and not (
                t.relays and ev.gid in t.unavailable):
            # (but every thread's g0 is goroutine 0: GOTRACEBACK=crash relays
            # the signal to each thread, which prints its own; and the thread
            # running a goroutine whose stack was unavailable prints it again)
            return float("-inf")
        if t.report == "http_panic" and t.goroutines:
            # net/http logs a recovered panic with runtime.Stack(buf, false): the
            # serving goroutine's stack alone
            return float("-inf")
        if t.machine:
            s += 0.5 if (t.machine > 0) == ev.machine else -4.0
        if t.struck is not None and t.struck[1] is not None and ev.m is not None:
            s += STRUCK_THREAD if ev.m == t.struck[1] else OTHER_THREAD
        if t.signaled == 1 and t.goroutines == 0:
            s -= SIGNAL  # its `[signal …` line comes first
        if t.depth and not t.ended and t.callee not in _LAST:
            s += UNENDED  # its goroutine goes on: the header is another process's
        if t.goroutines == 1:
            s += MORE_GOROUTINES.get(t.report, 0.0)
        if t.opened and t.goroutines == 0:
            # a report waits for its first goroutine
            s += AWAITED + first_state(t.asleep, t.report, ev.state)
            if t.asleep and ev.gid is not None and ev.gid != 1:
                s += DEADLOCK_LEAD
        elif t.goroutines >= 2 and ev.gid is not None:
            d = ev.gid - t.last_gid
            if t.last_gid < t.lead_gid < ev.gid:
                d -= 1  # the first goroutine is not listed again (next_id)
            s += next_id(d, t.last_gid == 1, ev.gid == batch_after(t.last_gid))
    elif k == "chained_panic" and not (t.annotated and t.last_kind in ("panic", "chained_panic")):
        return float("-inf")  # `\tpanic: …` only follows a panic printed `[recovered]`
    if t.annotated and t.last_kind in ("panic", "chained_panic") and k not in (
            "chained_panic", "panic"):
        return UNCHAINED  # and always does
    elif k in HEADERS:
        if k == "sigpc" and ev.m is not None and ev.m in t.threads:
            return float("-inf")  # each thread prints its own section once
        if k == "register" and ev.register in t.registers:
            return float("-inf")  # and each register once in it
        if k == "register":
            at = REGISTER_ORDER.get(ev.register or "")
            if at is not None:
                # one process dumps them in order: the next one, or one left out
                s += (REGISTER_NEXT if at == t.dumped + 1 else REGISTER_SKIPPED
                      if at > t.dumped else REGISTER_BEFORE)
        if k == "register" and not t.sigdump:
            # the runtime dumps registers only from its signal handler, after
            # `SIG…: …` and `PC=` (every register line of the corpus does)
            s -= SIGNAL
        if k == "register" and t.depth and not t.ended and t.callee not in _LAST:
            s += UNENDED  # its goroutine goes on: the registers are another process's
        if ((k == "register" and (t.last_kind == "register"
                                  or (t.last_kind == "sigpc" and not t.relayed)
                                  # a relayed thread's registers follow its stack's end
                                  or (t.relayed and t.last_kind == "frame_file"
                                      and t.callee in _LAST)))
                or (k == "sigpc" and t.last_kind in ("sigdump", "signal"))):
            s += 3.0  # a block continues (GOTRACEBACK=crash prints registers after the stacks)
        else:
            if t.opened and t.goroutines == 0:
                s += 1.5
            elif t.goroutines:
                s -= 1.0
            if k == "signal" and t.last_kind in ("panic", "fatal_error", "chained_panic"):
                s += 2.0
                # a fault's report, and no other, prints where it faulted
                s += SIGNAL if t.signaled == 1 else -SIGNAL
    elif k == "sigdump" and t.last_kind == "relay_rule":
        s += RELAYED  # `-----` announced the next thread's section
    elif k == "test_fail" and t.stacks:
        return float("-inf")  # `go test` prints `--- FAIL` before a panic, never in its stacks
    elif k in TRAILERS and t.opened and t.goroutines == 0:
        s -= 3.0  # a report prints its stacks before its process exits
    if k in TESTED_TRAILERS and t.binary < 0:
        s += ALIEN  # `go test` says a test binary failed, never a program
    if k in OPENERS and k != "sigdump" and t.goroutines >= 2:
        s += lead_listed(t)  # its report is over
    s += _values(t, ev)
    return s


# After the crashing goroutine the runtime lists the others in allg order,
# which is creation order but for a dead goroutine's g reused, and skips the
# one it printed first (runtime/traceback.go, tracebackothers: gp == curgp):
# the ids step by 1, over that one too. A goroutine's id comes from its P's
# batch of 16 (runtime/proc.go, _GoidCacheBatch): a gap is most often a
# batch's rest. Of the ids after a dump's first two (goroutine 1's successor
# aside: HIDDEN) in the samples, the wild pastes and the corpus's outputs
# (711 distinct outputs, the first goroutine's id skipped), the last one's
# plus 1: 1121, lower: 50, higher by 2..12: 14, by 13..17: 99, by more: 6
# (the samples' and the lines-arrival outputs alone, as
# tests/test_random_evidence.py counts them: 764, 20, 5, 59, 3). Log odds
# against the next id (+0.5): a descent 19/767 (an earlier count, alike), a
# small gap 14/1121 over its 11 values, a batch's 99/1121 over 5, a bigger
# one less as 1/d. (The 1/d odds of every gap, before, let mixed-lines-random's
# process 3 list 5, 1, 6, 8, 9 for 7, 1, 6, 8, 9 at 0.7 points.)
ID_DESCENDS = log(19 / 767)
SMALL_GAP = log(14 / 11 / 1121)
BATCH_GAP = log(99 / 5 / 1121)
_BATCH = range(13, 18)
# The batches are aligned on 16k+1 (GOID_BATCH): of the 67 gaps (d >= 2) of
# the samples' and the lines-arrival outputs, 55 land on the first id of the
# batch after the last one's (5 of the 5 gaps of 2 to 12, 50 of the 59 of 13
# to 17), 11 mid-batch, 1 on a farther batch: log(55/764) against the next
# id (764), whatever the gap. In line-by-line order Go 1.19's
# goroutine_wrappers (…, 12, 13, then 17 [runnable]) paid 6.3 points for 13
# -> 17 as a rare small gap, and its goroutine 17 went to Go 1.25's lone
# panic (tests/test_demux_interleave.py).
BATCH_FIRST = log(55 / 764)


# Right after goroutine 1 the runtime's own goroutines (2 to 20 or so,
# hidden) lie between it and the program's first: of the 61 ids after a
# goroutine 1 in those outputs, 21 are 2, 40 are 3 to 21 (18 to 21: 30),
# none higher. A gap up to HIDDEN from 1 says nothing against its stream (in
# random line order the 1/d odds sent the pool's workers, 18 after 1, to
# other processes' streams: mixed-lines-random).
HIDDEN = 32


@cache
def next_id(d: int, after_main: bool = False, batch_first: bool = False) -> float:
    """How well a goroutine id d past the last one of its dump fits the order
    the runtime lists them in (log odds against the next id, +0.5);
    `after_main`: the last one was goroutine 1; `batch_first`: the id is the
    first of the batch after the last one's (batch_after)."""
    if after_main and 1 < d <= HIDDEN:
        return 0.0
    if d == 1:
        return 0.5
    if d < 1:
        return 0.5 + ID_DESCENDS
    if batch_first:
        return 0.5 + BATCH_FIRST
    if d < _BATCH.start:
        return 0.5 + SMALL_GAP
    return 0.5 + BATCH_GAP - (log(d / _BATCH.stop) if d >= _BATCH.stop else 0.0)


def batch_after(gid: int) -> int:
    """The first id of the batch after the one gid came from (16k+1)."""
    return (gid - 1) // GOID_BATCH * GOID_BATCH + GOID_BATCH + 1


# The runtime skips the first goroutine where allg order would list it
# (next_id), and hands ids out in batches of 16 aligned on 16k+1
# (runtime/proc.go, _GoidCacheBatch): a listing's gap lands on a batch's
# first id (a P took a new batch) in 56 of the 67 gaps of the samples', the
# wild pastes' and the corpus's outputs, mid-batch in 11 (the ids before it
# handed out by its own P, and gone). Where the first goroutine's id lies past
# every listed one (goroutine 1's hidden successors aside: 31 reports), 27
# list its predecessor last, 2 stop short of a batch's first id, 2 short of
# one mid-batch: log(2/27) for a listing that ends so. In random line order
# three copies of one binary (skopeo) swapped their crashing goroutines'
# headers, 9 and 21: the one listing 6, 7, 8 read 21 first at no cost
# (tests/corpus/yardstick_samebinary.py). (A lead at a batch's first id is
# left unpriced: bolt-lines-random's goroutine 17 comes after 6, 7, 8.)
GOID_BATCH = 16
LEAD_MID_BATCH = log(2 / 27)


def lead_listed(t: Track) -> float:
    """How well t's report, its listing over, placed its first goroutine:
    LEAD_MID_BATCH where its id lies past every listed one, mid-batch and not
    right after the last; 0 otherwise (an id among the listed ones was priced
    where a later one stepped over it)."""
    lead, last = t.lead_gid, t.last_gid
    if t.goroutines < 2 or lead <= 1 or last < 1 or lead <= last + 1:
        return 0.0
    if last == 1 and lead - 1 <= HIDDEN:
        return 0.0  # (the runtime's hidden goroutines follow goroutine 1)
    return 0.0 if lead % GOID_BATCH == 1 else LEAD_MID_BATCH


# A report lists a second goroutine: a panic but at GOTRACEBACK=all or more
# (77 of the 269 panics of the samples and the corpus's outputs), a fatal
# error at any level but with a few throws (40 of 55), a SIGQUIT dump (27 of
# 30): the odds of the others against a panic's (a header for a panic's
# stream costs nothing more than before).
_PANIC_MORE = 77 / 269
MORE_GOROUTINES = {"fatal_error": log(40 / 55 / _PANIC_MORE),
                   "sigdump": log(27 / 30 / _PANIC_MORE)}


# A goroutine's stack ends with `created by` (1054 goroutines of the samples
# and the corpus's outputs), in main.main (267), runtime.goexit (61) or
# runtime.main (GOTRACEBACK=system); a runtime stack in runtime.mcall or
# mstart (22); cut otherwise (1 of 1405: a stack overflow's elided frames).
# A header after a goroutine that has not ended is another process's.
_LAST = frozenset({"main.main", "runtime.goexit", "runtime.main", "runtime.mcall",
                   "runtime.mstart", "runtime.kickoff"})  # (kickoff: gccgo's goexit)
UNENDED = -6.0


# A file path printed by a -trimpath build in a stream of absolute paths, or
# the reverse: one binary was built one way.
TRIMMED = -12.0
# A line other than the chained panic right after a panic printed `[recovered]`.
UNCHAINED = -15.0


# A panic's first goroutine is the one that panicked, running: all 267 panics
# of the samples and the corpus's outputs; a fatal error's but a deadlock's
# is the one that threw (47 of 48). Log odds of the other states, counted
# with one more of each kind: log(1/269), log(2/50). In random line order a
# parked goroutine of another process offered itself as a panic's first
# (mixed-lines-random: a `[sync.Mutex.Lock]` goroutine opened a panic's stack).
PARKED_PANIC = -5.6
PARKED_FATAL = -3.2
# A signal's section goes on with the goroutine its thread ran: in the
# samples and the corpus's outputs 29 idle (the thread's g0), 11 in a
# syscall, 6 running, none parked: log(1/48). In random line order a
# relayed SIGQUIT section opened a stream of its own for another process's
# `[sync.Cond.Wait]` goroutine (sigquit-lines-random, remerged 21).
_ON_THREAD = frozenset({"idle", "syscall"})
PARKED_SIGNALED = -3.9


def first_state(asleep: bool, report: str | None, state: str | None) -> float:
    """How well a goroutine's state fits its report's first goroutine: a
    deadlock's is parked, a panic's or a fatal error's running."""
    running = state == "running"
    if report == "sigdump":
        return 0.0 if running or state in _ON_THREAD else PARKED_SIGNALED
    if asleep:
        return -3.0 if running else 1.0
    if report in ("panic", "http_panic"):
        return 1.0 if running else PARKED_PANIC
    if report == "fatal_error":
        return 1.0 if running else PARKED_FATAL
    return 0.0


# A deadlock lists its goroutines in allg order, goroutine 1 (main, which
# cannot have returned) first: 22 of the 22 deadlocks of the samples, the
# wild pastes and the corpus's outputs (each output once): log(1/24) for
# another. In random line order a Go 1.27 pool's `goroutine 18
# [sync.Cond.Wait]` opened a Go 1.27 deadlock's stacks (twelve-lines-random).
DEADLOCK_LEAD = log(1 / 24)
# A goroutine header for a report waiting for its first goroutine.
AWAITED = 3.5
# The weight of a report's message saying whether a `[signal …` line follows.
SIGNAL = 6.0
TRAILERS = frozenset({"exit_status", "test_package_fail", "test_killed", "test_fail_bare"})
# What `go test` prints after a test binary failed (`FAIL\tpkg\t1.6s`, `FAIL`):
# the 24 outputs of the samples and the corpus with them print no code of
# package main but the generated main.main. In random line order a go test's
# FAIL lines ended a program's deadlock, whose last goroutine was left
# without a stream (gotest-lines-random, remerged).
TESTED_TRAILERS = frozenset({"test_package_fail", "test_killed", "test_fail_bare"})


# Up to Go 1.26 every 64-bit Go process maps its heap (and goroutine stacks)
# at the runtime's first arena hint, 0x00c0<<32 (runtime/malloc.go,
# mallocinit): an address there names no process, so a stream that printed
# one earns nothing for printing another (an arena elsewhere, per process
# since 1.27, does). In random line order twelve-lines-random's truth,
# polished, gave one process's top frame `main.mustLoad({0xc0000a8000?, …})`
# to another's stack below `main.handle` for this +1.0 (polish_walk.py
# --start truth: 1.5 points of the reading's 1.9 over the truth).
HINT_ARENA = 0xC0


def _values(t: Track, ev: Evidence) -> float:
    s = 0.0
    if ev.owned and t.values:
        # a value of its memory the stream printed at another site (site())
        here = site(ev)
        get = t.values.get
        s += 2.0 * min(3, len([v for v in ev.owned if get(v, here) != here]))
    for r in ev.ranges:
        if r in t.ranges:
            if r != HINT_ARENA:
                s += 1.0
        elif t.ranges:
            s -= 3.0
    return s


def pair_score(t: Track, call: Evidence, file: Evidence,
               callers: dict[str, set[str]]) -> float:
    """How well a frame (call line + file line) continues stream t."""
    known = callers.get(t.callee) if t.callee is not None else None
    s = call_score(t, call, called(t, call, known))
    if s == _NEVER:
        return s
    return s + file_score(t, call, file)  # (sums of halves: exact in any order)


# What alone may follow a goroutine's frame of these functions: its caller
# (GOTRACEBACK=system shows runtime.main), or for goexit a `created by` line.
_OUTERMOST = {"main.main": "runtime.main", "runtime.goexit": "created_by",
              "runtime.kickoff": "created_by"}  # (libgo starts a goroutine in kickoff)


def called(t: Track, call: Evidence, known: frozenset[str] | set[str] | None) -> bool | None:
    """Has the call graph seen call's function call t's last one (None: no
    caller of it seen)? `known`: the callers of t's last function seen. A
    `created by` line says t's last function has no caller: False where one
    was seen."""
    if t.callee is None or call.func is None:
        return None
    if call.kind == "created_by":
        return False if known and not all(map(_starts, known)) else None
    if call.kind != "frame_call":
        return None
    return call.func in known if known else None


# A goroutine's entry (the frame before `created by`) that the log showed
# called by another function: of 1049 goroutines with `created by` in the
# samples and the corpus's outputs, 15 (testing.tRunner, pprof.Do), log(15/1049).
ENTRY_CALLED = -4.2
# What GOTRACEBACK=system prints below a goroutine's entry and lower levels
# hide: runtime.goexit (gccgo's kickoff), and since Go 1.22 the wrapper its
# creator's go statement compiled to (`G.gowrap1`; `G.func1` before, named as
# a closure is: left counted). Of the 105 distinct (entry, creator) pairs of
# the samples' and the corpus's outputs, 17 entries were seen called by those
# alone, 17 by another function (testing.tRunner by runTests, older wrappers
# `G.funcN`), 71 never (twelve-lines-random: Go 1.24's `main.startIdle.gowrap1`
# above a worker at GOTRACEBACK=system made each worker's `created by
# main.startIdle` in the other processes cost the truth ENTRY_CALLED).
_STARTERS = frozenset({"runtime.goexit", "runtime.kickoff"})


def _starts(caller: str) -> bool:
    """Is `caller`, seen below a goroutine's entry, what starts a goroutine
    (ENTRY_CALLED: not another function calling it)?"""
    return caller in _STARTERS or _WRAPPER.search(caller) is not None


def pc_of(file: Evidence) -> tuple[str | None, str | None, str | None]:
    """A frame's pc, as its file line prints it: file, line and pc offset (an
    inlined call prints none: its file and line are its call site)."""
    return (file.file, file.line, file.offset)


def program_line(file: Evidence) -> tuple[str, str] | None:
    """A frame's line of a program's source (outside GOROOT, not assembly),
    named alike by every build (hypothesis.source): what Hypothesis.calls
    is keyed by."""
    if file.file is None or file.line is None or file.root is not None \
            or file.file.endswith(".s"):
        return None
    return (source(file.file), file.line)


# A frame whose pc was seen calling another function (or none: a goroutine's
# first frame) than the frame printed before it: one call instruction calls
# one function but through a function value or an interface (rare in the
# samples and the corpus; skopeo copies: p0's `search` frame, first of its
# goroutine, taken for the caller of p1's `Bucket`). A call into the runtime
# shows whichever of its functions the goroutine stopped in, the ones between
# inlined or hidden: `m[k] = v` at main.go:257 +0x8c printed above
# internal/runtime/maps.fatal in one goroutine and above (*Map).
# putSlotSmallFast64 in the next (of the samples' and the corpus's outputs,
# goexit aside, the one pc seen calling two runtime functions; 17 were seen
# calling two others); in random line order the truth's frame there paid
# OTHER_CALLEE, and another process's program frame wedged in between scored
# a point more (mixed-lines-random).
OTHER_CALLEE = -6.0


def same_callee(below: str, callee: str | None) -> float:
    """Does a frame's pc, seen calling `below` ("": first of its goroutine),
    fit the function printed before it now (None: first)? A runtime function
    may be hidden (GOTRACEBACK below system hides the runtime's frames but
    the crashing goroutine's), so it fits a first frame too, and another
    runtime function (one call into the runtime)."""
    now = callee or ""
    if below == now:
        return 1.0
    if not below or not now:
        return 0.0 if _runtime(below or now) else OTHER_CALLEE
    return 0.0 if _runtime(below) and _runtime(now) else OTHER_CALLEE


# A package's source line calls the functions it was seen calling, in every
# build: other toolchains print other pcs for it (same_callee reads the pc),
# not other callees. Of the frames of the samples' and the corpus's outputs at
# a line (outside GOROOT, outside package main) already seen calling a
# function (a runtime function counted as none: GOTRACEBACK hides them), 405
# call that one and none another: log(1/407). Package main is left out: every
# program's is in a main.go, so programs' lines are one by name, and
# main.main dispatches (`scenarios[name]()`: at lines of package main seen
# calling three or more functions, 56 of 278 frames call yet another). In
# random line order the inlined `(*Account).Withdraw(...)` of one go test, at
# ledger.go:14 (seen calling panic), continued another process's goroutine
# parked in sync.(*WaitGroup).Wait (gotest-lines-random).
SITE_OTHER_CALLEE = -6.0
_VENDORED = rx.compile(r"^.*/vendor/")


@cache
def in_main(func: str) -> bool:
    """Is func package main's (its lines are every program's by name)?"""
    return package_of(func) == "main"


@cache
def callee_name(func: str | None) -> str:
    """What a source line is seen calling, alike in every build: "" for none
    (a goroutine's first frame) or a runtime function (GOTRACEBACK may hide
    it); a vendored package's function by its import path."""
    if not func or func in _GOPANIC or _runtime(func):
        return ""
    return _VENDORED.sub("", func)


def same_site_callee(seen: frozenset[str], func: str | None, callee: str | None) -> float:
    """Does the function printed before a frame of func (None: first of its
    goroutine) fit what the frame's source line was seen calling?"""
    if func is None or in_main(func) or callee_name(callee) in seen:
        return 0.0
    return SITE_OTHER_CALLEE


# A goroutine parked in the program's code (`[chan receive]`, `[select]`)
# prints, the runtime's frames hidden, the line that blocked as its top frame:
# not a line that calls a function. Of the 488 top frames of parked goroutines
# at a program's lines (4834 goroutines) in the samples and the corpus's
# outputs, none lies at a line, its path as printed, where a frame of any of
# those outputs calls a function other than the top's own (a one-line
# `go func() { <-c }()` calls its closure where it blocks); by file name
# alone, 32 do (other programs' main.go): log(1/490). In random line order
# boltd's `goroutine 1 [chan receive]` lost its main.boltCorrupt frame to
# another process's goroutine, leaving main.main at main.go:44 on top, where
# hub's main.main was seen calling main.hubTimeout (bolt-lines-random).
PARKED_CALLING = -6.2
PARKED = "\0"  # Hypothesis.seen_at's mark of a parked top frame: PARKED + its function


def parked_top(t: Track) -> bool:
    """Is t's next frame the top one of a goroutine parked in the program's code?"""
    return (t.depth == 0 or t.parking) and t.state in _WAITS


def seen_doing(t: Track, func: str) -> str:
    """What a frame of func continuing t is seen doing at its line
    (Hypothesis.seen_at): blocking (PARKED + func), calling t's last
    function (its callee_name), or neither ("")."""
    return PARKED + func if parked_top(t) else callee_name(t.callee)


def seen_at(seen: frozenset[str], t: Track, func: str | None) -> float:
    """Does a frame of func continuing t fit what frames at its line (path
    and line as printed) were seen doing: a parked goroutine's top frame
    where another function was called, or a call where one blocked?"""
    if func is None:
        return 0.0
    doing = seen_doing(t, func)
    if not doing:
        return 0.0
    if doing[0] == PARKED:
        return PARKED_CALLING if any(c[0] != PARKED and c != func for c in seen) else 0.0
    return PARKED_CALLING if any(c[0] == PARKED and c[1:] != doing for c in seen) else 0.0


# A goroutine's entry (the function before its `created by` line) where the
# same go statement (the `created by` line's pc: file, line, offset) was seen
# starting another: one go statement starts one function. Of 120 goroutines of
# one output created at a pc seen before (the samples and the corpus's
# outputs), none started another function (goroutines not yet started,
# [runnable], and wrappers aside: a gowrap shows or not by GOTRACEBACK):
# log(1/122). In random line order frames of other processes' goroutines
# sat between a stream's last frame and its `created by` (bolt-lines-random:
# `created by main.startIdle` after sync.(*Cond).Wait, not the pool's worker).
OTHER_ENTRY = -4.8
_WRAPS = rx.compile(r"\.(?:gowrap|deferwrap)[0-9]+$")


def entry_of(t: Track) -> str | None:
    """The function t's current goroutine started in, if what a go statement
    started shows in it (None: a goroutine not yet started, a wrapper, goexit)."""
    func = t.callee
    if func is None or t.state == "runnable" or func == "runtime.goexit" or _WRAPS.search(func):
        return None
    return func


def same_entry(seen: str, entry: str) -> float:
    """Does the entry a go statement was seen starting fit this goroutine's?"""
    return 1.0 if seen == entry else OTHER_ENTRY


# A goroutine printed with a panic(…) frame is running: 55 of 55 in the
# samples and the corpus's outputs (333 goroutines running, 1083 not, none of
# which shows one). The log odds of a parked goroutine's panic frame against a
# running one's: log(1/1085) - log(55/333). In random line order the recovered
# panic of one process continued another's goroutine parked in
# sync.(*WaitGroup).Wait (mixed-lines-random).
PANIC_PARKED = -5.2
_GOPANIC = frozenset({"panic", "runtime.gopanic"})


# The runtime implements `P.runtime_X` for package P alone (go:linkname):
# sync.runtime_SemacquireMutex is called by sync.(*Mutex).lockSlow. Of 189
# such frames in the samples and the corpus's outputs, every caller is P's:
# log(1/191) for another's (mixed-lines-random: main.nilDeref of one process
# taken for the caller of another's internal/sync.runtime_SemacquireMutex).
FOREIGN_CALLER = -5.3


# Only the standard library imports its internal packages (internal/sync,
# internal/poll, …): of the 248 frames below one of their functions in gc's
# samples and the corpus's outputs, every one is the standard library's:
# log(1/250) for a program's (package main, or a path with a dot). The
# compiler's own calls go to the runtime's (internal/runtime/maps since Go
# 1.24), left out. In random line order a Go 1.19 program's main.small went
# below a Go 1.27 pool's inlined internal/sync.(*Mutex).Lock
# (twelve-lines-random).
INTERNAL_CALLER = -5.5


@cache
def internal_callee(func: str) -> bool:
    return func.startswith("internal/") and not func.startswith("internal/runtime/")


@cache
def standard(func: str) -> bool:
    """Might func be the standard library's (not package main's, no dot in
    its path's first element)?"""
    pkg = package_of(func)
    return pkg != "main" and "." not in pkg.split("/", 1)[0]


# The runtime calls a program's code only where it starts it: a goroutine's
# entry (runtime.goexit; gccgo's runtime.kickoff) and main.main
# (runtime.main). Of the 3680 runtime frames below another frame in the
# samples, the wild pastes and the corpus's outputs, 588 are below code that
# is not the runtime's (panic( frames aside: gopanic is the runtime's), all
# of them below those three (463, 116, 9); the others the runtime's source
# calls Go function values from (init functions, deferred and reflect calls,
# finalizers, cgo callbacks) print none in them: log(1/590), for a runtime
# function not among them below the program's code. In random line order
# the runtime's internal/runtime/maps.(*Map).putSlotSmallFast64 of one
# process went between main.handle and main.panicRecoveredRepanic of
# another (mixed-lines-random).
RUNTIME_CALLS_OUT = -6.4
_CALLS_OUT = rx.compile(r"runtime\.(?:goexit|main|kickoff|doInit1?|call[0-9]+|reflectcall|"
                        r"cgocallbackg1?|Goexit|deferreturn|gopanic|runOpenDeferFrame|"
                        r"runExitHooks|runfinq)$")


@cache
def calls_out(caller: str, callee: str) -> bool:
    """Is caller the runtime's, calling a function that is not (the runtime
    starts goroutines, main.main, init and deferred calls: _CALLS_OUT)?"""
    return (_runtime(caller) and not _runtime(callee) and callee not in _GOPANIC
            and not _CALLS_OUT.match(caller))


# The runtime's throw and fatal are unexported and the compiler emits no
# call to them: only the runtime calls them (std packages reach them through
# a linknamed function printed under its own name: sync.fatal, and since Go
# 1.24 internal/runtime/maps.fatal, inlined into the program's map code). Of
# the 42 frames below runtime.throw, fatal, fatalthrow or fatalpanic in the
# samples, the wild pastes and the corpus's outputs, 40 are the runtime's
# and 2 gccgo's panic: log(1/44) for another caller. In random line order a
# Go 1.19 fatal error's runtime.fatal and a Go 1.23 panic's panic(…) took
# each other's file lines, leaving runtime.fatal called by bbolt's
# (*Cursor).search (crash-lines-random, remerged 2).
THROWN_OUTSIDE = -3.8
_RUNTIME_THROWS = frozenset({"runtime.throw", "runtime.fatal", "runtime.fatalthrow",
                             "runtime.fatalpanic"})


# A closure is inlined only where it is known statically: into the
# function it lies in (`F.func1(...)`, then perhaps functions it was passed
# to, inlined too, then F), or a wrapper of it (`F.gowrap1`). Of the 32
# inlined closures' frames of samples/ (the wild pastes too) and the
# corpus's outputs, each output once, all have one of those before the next
# physical frame: log(1/34) for another. In random line order bbolt's
# inlined main.(*Store).Lookup.func1(...) of one process went above another
# process's main.main, a dispatching call no inlining made (crash-lines-
# random, remerged 6).
INLINED_ELSEWHERE = -3.5


@cache
def inlined_into(run: tuple[str, ...], func: str) -> bool:
    """May the physical frame of func follow these inlined frames: has each
    inlined closure among them its own function (or a closure of it) after it?"""
    below = (*run, func)
    for k, closure in enumerate(run):
        outer = _enclosing(closure)
        if outer and not any(g in outer or g.startswith(tuple(f + "." for f in outer))
                             for g in below[k + 1:]):
            return False
    return True


# A signal struck the goroutine whose frames show runtime.sigpanic: in a
# report's first goroutine, the report is the signal's (its message names a
# fault: `invalid memory address…`, `fault`, `unexpected signal…`, and
# `[signal …` follows). Of the 21 goroutines with runtime.sigpanic of
# samples/ (the wild pastes and gccgo's too) and the corpus's clean outputs
# (33 in the outputs of all its cases), all are their report's first and
# the report a signal's: log(1/23) for another message.
# In random line order a Go 1.27 nil dereference's stack, runtime.sigpanic
# and all, went under a Go 1.19 `fatal error: concurrent map writes` and took
# its runtime.fatal (crash-lines-random, remerged 5).
UNSIGNALED_SIGPANIC = -3.1


# Goroutine 1 runs main.main: the runtime starts it, no go statement, and
# its stack ends with no `created by` line. Of the 1806 `created by` lines
# of the samples, the wild pastes and the corpus's outputs, none ends
# goroutine 1's stack: log(1/1808). In random line order one process's
# `goroutine 1 [running]:` went to another's first frames, a goroutine
# created by main.panicError (mixed-lines-random, remerged 3).
MAIN_CREATED = -7.5


def call_score(t: Track, call: Evidence, edge: bool | None) -> float:
    """The part of pair_score that the call line alone decides; `edge`: called()."""
    s = 0.0
    if t.annotated and t.last_kind in ("panic", "chained_panic"):
        s += UNCHAINED  # the chained panic comes first
    func = call.func
    if t.callee in _OUTERMOST and _OUTERMOST[t.callee] != (
            func if call.kind == "frame_call" else call.kind):
        # main.main is called by runtime.main alone, and goroutine 1 was created
        # by none; runtime.goexit is a goroutine's last frame, `created by` next
        return _NEVER
    if call.kind == "frame_call":
        if t.callee is not None and func is not None:
            if edge is not None:
                s += 2.0 if edge else -1.0
            if _parks(func) and not _runtime(t.callee):
                return _NEVER  # a goroutine parks in the runtime, never in code it calls
            if ".runtime_" in t.callee and package_of(func) != package_of(t.callee):
                s += FOREIGN_CALLER
            if internal_callee(t.callee) and not standard(func):
                s += INTERNAL_CALLER
            if calls_out(func, t.callee):
                s += RUNTIME_CALLS_OUT
            if t.callee in _RUNTIME_THROWS and not (_runtime(func) or func in _GOPANIC):
                s += THROWN_OUTSIDE
            if t.inlined_run and not call.inlined and not inlined_into(t.inlined_run, func):
                s += INLINED_ELSEWHERE
        if func == "runtime.sigpanic" and t.opened and t.goroutines == 1 and not t.signaled:
            s += UNSIGNALED_SIGPANIC
    elif call.kind == "created_by":
        if t.last_gid == 1:
            s += MAIN_CREATED  # the main goroutine was started by no go statement
        if edge is False:
            s += ENTRY_CALLED
        style = 1 if call.parent is not None else -1
        if t.parented:
            s += 0.5 if t.parented == style else -6.0
        if call.parent is not None and call.parent in t.gids:
            s += 1.0
        if t.callee is not None and func is not None and t.callee.startswith(func + "."):
            s += 2.0  # a closure (`f.func1`, `f.gowrap2`) created by its function
    if func is not None and call.kind == "frame_call":
        if func == "main.main" and not t.in_main:
            s += ALIEN
        elif t.binary and binary_of(func) == -t.binary:
            s += ALIEN  # package main's code in a test binary, or testing's in a program
    if (call.kind == "frame_call" and (t.depth == 0 or t.parking) and t.state is not None
            and func is not None):
        # (below the runtime's frames at GOTRACEBACK=system: of 347 such
        # goroutines of the samples and the corpus's outputs, none parks
        # where its header says it does not; sigquit-lines-random swapped
        # goroutines of two SIGQUIT dumps, `[sleep]` above another's mutex)
        s += waits_in(t.state, func)
    if (call.kind == "frame_call" and func in _GOPANIC and t.state is not None
            and not t.state.startswith("running")):
        s += PANIC_PARKED
    return s + _values(t, call)


def file_score(t: Track, call: Evidence, file: Evidence) -> float:
    """The part of pair_score that the file line decides (with its call line)."""
    s = 0.0
    func = call.func
    if file.trimmed and t.trimmed:
        s += 0.5 if file.trimmed == t.trimmed else TRIMMED
    if file.root is not None and t.roots:
        if file.root not in t.roots:
            return _NEVER  # one process, one toolchain
        s += 3.0
    if (func is not None and file.file is not None and call.kind == "frame_call"
            and file.root is None):
        d = t.dirs.get(package_of(func))
        if d is not None:
            s += 1.0 if d == dir_of(file.file) else -10.0
    if func is not None and file.file is not None:
        if call.kind != "created_by":
            offset = t.frames.get((func, file.file, file.line or ""), _UNSEEN)
        elif file.root is None:  # a go statement: one pc per binary (track.go_statement)
            offset = t.frames.get(go_statement(func, file), _UNSEEN)
        else:
            offset = _UNSEEN
        if offset is not _UNSEEN:
            s += 1.0 if offset == file.offset else -6.0
    if call.kind == "frame_call" and func is not None and _WRAPPER.search(func):
        minor = file.minor if file.minor is not None else _oldest(t.roots)
        if minor is not None and minor < WRAPPERS_SINCE:
            s += WRAPPER_BEFORE
    if file.sp is not None and t.fp is not None:
        s += 5.0 if file.sp == t.fp else -20.0  # a goroutine's frames chain fp → sp
    if file.pc is not None and t.first_pc is not None:
        if file.pc == t.first_pc:
            s += STRUCK_PC
        elif call.func != "runtime.cgocall":
            s += OTHER_PC
    if (t.fault_pc is not None and file.pc is None and file.offset is not None
            and call.kind == "frame_call" and not call.inlined and call.func != "runtime.cgocall"):
        s += fault_entry(t.fault_pc, file.offset)
    if call.kind == "frame_call" and call.inlined != (file.offset is None) and not (
            file.offset is None and struck(t)):
        s -= 12.0  # an inlined call prints `(...)` and no pc offset, any other both
    if (file.offset is None and call.kind == "frame_call" and not call.inlined
            and t.opened and t.goroutines == 1 and t.depth == 0 and not t.signaled):
        s += UNSIGNALED  # a signal struck its first frame: its message says so
    if file.minor is not None and t.machine and (
            t.machine > 0 if file.minor < MACHINE_SINCE
            else t.machine < 0 and file.fp is not None):  # (its header printed no gp=)
        s += OTHER_VERSION
    if (t.foreign and file.offset is not None and call.kind == "frame_call" and func is not None
            and _runtime(func)):
        s += INLINED_IN_RUNTIME  # the runtime inlines no code of a package importing it
    if t.fp_style and file.offset is not None and call.kind == "frame_call":
        s += 0.5 if (file.fp is not None) == (t.fp_style > 0) else -4.0
    s += _values(t, file)
    return s


# One toolchain builds one program one way: a program frame (function,
# file, line) printed by a stream of one GOROOT prints the pc offset every
# stream of that GOROOT printed for it (Hypothesis.builds; a stream's own
# frames: file_score), where builds by other toolchains often do not. Of the
# (file line, two processes) pairs of the corpus's outputs (33 distinct
# processes, program frames only), the same toolchain shared an offset 101
# times of 101, two toolchains 238 of 520: log(1/103 / 0.54) for another
# offset; the samples' outputs of one toolchain (samples/go1.N/) print one
# frame at one offset 10 245 times of 10 245. The same offset earns nothing
# (log(1/0.46) would be its odds): the GOROOT is known of some streams only,
# and from some line on, so such a bonus would go to whichever of them a
# reading gave a frame after its GOROOT showed, not to the truth's (copies of
# one binary split anew for it: yardstick_samebinary.py's skopeo, seed 57,
# a jittered run 4.2-4.7 points up; twelve's hang dump peeled with 134 of its
# 160 lines, 147 without).
# twelve-lines-random prints one program built by eight toolchains, two
# processes of each of four: of its first beam's 63 misplaced program file
# lines, 22 went to a stream whose toolchain prints that frame at another
# offset (tests/corpus/wrong_lines.py).
BUILD_SAME = 0.0
BUILD_OTHER = -4.0


def build_key(call: Evidence, file: Evidence) -> tuple[str, str, str] | None:
    """A program frame's key in Track.frames (None: no program frame with an offset)."""
    if file.root is not None or file.offset is None or call.func is None or file.file is None:
        return None
    if call.kind == "frame_call":
        return (call.func, file.file, file.line or "")
    if call.kind == "created_by":
        return go_statement(call.func, file)
    return None


def build_root(t: Track) -> str | None:
    """The GOROOT a stream's frames name, if one that names a toolchain
    (a -trimpath build's "" names none)."""
    if len(t.roots) != 1:
        return None
    (root,) = t.roots
    return root or None


def build_score(builds: PMap[tuple[str, tuple[str, str, str]], str | None], t: Track,
                key: tuple[str, str, str], offset: str | None) -> float:
    """A program frame (its build_key) in stream t, against the offset other
    streams of t's GOROOT printed for it (t's own: file_score)."""
    root = build_root(t)
    if root is None or key in t.frames:
        return 0.0
    known = builds.get((root, key), _UNSEEN)
    if known is _UNSEEN:
        return 0.0
    return BUILD_SAME if known == offset else BUILD_OTHER


# Since Go 1.22 the compiler names the function a go or defer statement wraps
# its call in `F.gowrapN` / `F.deferwrapN` (`funcN` before): of the samples'
# and the corpus's outputs whose toolchain their GOROOT names, 344 such
# frames, all of Go 1.22 or later: log(1/346) for one in an older toolchain's
# stream. In random line order Go 1.19's `runtime.gcenable.func2()` and Go
# 1.23's `runtime.gcenable.gowrap2()` swapped file lines (crash-lines-random,
# remerged 10 and 24).
WRAPPERS_SINCE = 22
WRAPPER_BEFORE = -5.8
_WRAPPER = rx.compile(r"\.(?:gowrap|deferwrap)[0-9]+$")


@cache
def _oldest(roots: frozenset[str]) -> int | None:
    """The oldest Go 1.N the stream's GOROOTs name (None: none named)."""
    return min((m for r in roots if (m := go_minor(r)) is not None), default=None)


# A signal's section (`PC=0x… m=N sigcode=…`) goes on with the goroutine the
# thread ran, its header printing `m=N` (26 of 26 in the samples and the
# corpus's outputs), its first frame at that pc (31 of 39 print `pc=` equal
# to PC=; in the 8 others the signal struck C code and the first frame is
# runtime.cgocall): another process's PC= is another binary's pc, or the
# same binary's by chance.
# In random line order four SIGQUIT dumps' `goroutine 0 … [idle]` stacks
# each went under another's PC= (sigquit-lines-random, remerged 9, 12, 13).
STRUCK_THREAD = 0.5
OTHER_THREAD = -5.0
STRUCK_PC = 3.0
OTHER_PC = -3.0
# A register line of a section that dumped the one before it (REGISTER_ORDER),
# one past a register left out (2 of 41 dumps: Windows prints no rdx), or one
# it has dumped registers past: in random line order four SIGQUIT dumps'
# registers went to each other's streams (sigquit-lines-random, remerged 2, 3).
REGISTER_NEXT = 1.0
REGISTER_SKIPPED = -2.0
REGISTER_BEFORE = -20.0


# Since Go 1.22 a goroutine's header prints `gp=… m=…` where its frames print
# `fp= sp=` (GOTRACEBACK=system and up); before, it never does: 1144 of 1144
# headers of the samples and the corpus's outputs whose GOROOT names its Go.
# In random line order a Go 1.19 dump's frames went under a Go 1.23
# process's `goroutine 0 gp=… [idle]` (sigquit-lines-random, remerged 8).
# Weighed where a file line names the Go of a goroutine whose header came:
# weighed on headers too (a stream's Go known before them), it gained nothing
# on the remerged draws and sent twelve-lines-random's search elsewhere.
MACHINE_SINCE = 22
OTHER_VERSION = -20.0


# Inlined frames (`f(...)`, their file line without offset) are printed
# before the frame they were inlined into: one of the runtime's (runtime,
# internal/runtime) inlines only the runtime's and the internal packages'
# code, which import no program's. Of the 323 inlined frames before such a
# frame in the samples, the wild pastes and the corpus's outputs, none is
# another package's: log(1/325). In random line order bbolt's inlined
# `main.(*Store).Lookup.func1(...)` went between another process's panic
# and runtime.panicmem(...) (crash-lines-random, remerged 6, 12, 24).
INLINED_IN_RUNTIME = -6.0


# A signal's `[signal … pc=0x…]` names the pc its report's first goroutine
# faulted at, and that goroutine's first physical frame prints its offset
# from its function's entry (GOTRACEBACK below system: no pc=), which gc
# aligns to 32 bytes on amd64 (cmd/link, funcAlign): pc - offset is a
# multiple of 32 in 12 of the 16 such frames of the samples, the wild pastes
# and the corpus's outputs (all 12 of amd64; arm64, 32-bit arm and Go 1.6's
# first panic( frame the others), another frame's offset by chance 1 in 32.
# Log odds, counted with one more of each: log(13/18 * 32), log(5/18 / (31/32)).
# The head's tie to its stack: in random line order a Go 1.26 `main.main`
# +0x17b went under a Go 1.24 nil dereference's pc=0x49afd6 and that
# report's `main.(*Session).Greeting` +0x16 (0x49afc0) below another
# process's goroutine (mixed-lines-random).
FAULT_ALIGN = 32
AT_ENTRY = log(13 / 18 * FAULT_ALIGN)
OFF_ENTRY = log(5 / 18 / (1 - 1 / FAULT_ALIGN))


@cache
def fault_entry(pc: str, offset: str) -> float:
    """How well a report's first physical frame, at this offset, fits the pc
    its signal faulted at: its function starts at pc - offset."""
    return AT_ENTRY if (int(pc, 16) - int(offset, 16)) % FAULT_ALIGN == 0 else OFF_ENTRY


# A report's first frame printed with no offset, the frame a signal struck,
# under a message that names no signal: 1 of the 26 such frames in the samples
# and the corpus's outputs; 25 under `invalid memory address…`, `fault`, ….
# Against 300-odd first frames with an offset under other messages, log(1/300).
UNSIGNALED = -5.0


def struck(t: Track) -> bool:
    """May t's next frame be where a signal struck? The runtime prints that
    frame's pc exactly, with no offset (`main.readVal(0x7?)` then
    `/app/main.go:171`): in the samples 39 such frames, each the first of a
    goroutine running or runnable (preempted), or right after runtime.sigpanic
    (GOTRACEBACK=system)."""
    return (t.depth == 0 and t.state in ("running", "runnable")) or t.callee == "runtime.sigpanic"


# A frame its process cannot run: main.main but in goroutine 1 (runtime.main
# calls it there: 688 main.main frames in the samples and the corpus, all in
# goroutine 1 or in blocks originating from it); package main's code in a
# test binary, whose package main is the generated main.main alone, or the
# testing package's in a program (51 test outputs, none mixes them).
ALIEN = -20.0


# Functions a goroutine blocks in: they call only into the runtime, so in
# a stack they are the first frame or follow runtime frames (gopark, …).
_PARKS = ("time.Sleep", "sync.runtime_", "internal/sync.runtime_",
          "internal/poll.runtime_pollWait", "os/signal.signal_recv")


# The function a goroutine's first frame shows for its wait reason (the
# runtime's gopark and below are hidden but at GOTRACEBACK=system): a
# goroutine waiting on a channel or in select parks in the program's code.
_WAITS = {
    "sleep": ("time.Sleep",),
    "sync.Mutex.Lock": ("sync.runtime_SemacquireMutex", "internal/sync.runtime_SemacquireMutex"),
    "sync.RWMutex.Lock": ("sync.runtime_SemacquireRWMutex",),
    "sync.RWMutex.RLock": ("sync.runtime_SemacquireRWMutex",),
    "sync.Cond.Wait": ("sync.runtime_notifyListWait",),
    "sync.WaitGroup.Wait": ("sync.runtime_SemacquireWaitGroup", "sync.runtime_Semacquire"),
    "semacquire": ("sync.runtime_Semacquire", "internal/sync.runtime_Semacquire"),
    "IO wait": ("internal/poll.runtime_pollWait",),
    "chan receive": (), "chan send": (), "select": (), "select (no cases)": (),
    "chan receive (nil chan)": (), "chan send (nil chan)": (),
}
# A first frame that contradicts its goroutine's wait reason.
UNWAITED = -6.0


@cache
def waits_in(state: str, func: str) -> float:
    """How well a goroutine's first frame fits its header's wait reason:
    `[sync.Cond.Wait]` shows sync.runtime_notifyListWait, `[sleep]` time.Sleep,
    `[chan receive]` the program's own function. Only a function a goroutine
    parks in is judged: a chunked log's splicer may leave a first frame cut
    (`macquireMutex`), which says nothing."""
    if state == "running":
        # a running goroutine is not parked: its first frame is the code
        # that runs (main.doPanic, panic(…), sync.fatal, …), never a function
        # a goroutine parks in (none of the 600-odd running goroutines of
        # the samples and the corpus)
        return UNWAITED if _parks(func) else 0.0
    want = _WAITS.get(state)
    if want is None or func.startswith("runtime."):
        return 0.0
    if want and func.replace("__", "_").startswith(want):
        return 1.5  # (gccgo's names: sync.runtime__notifyListWait)
    if _parks(func):
        return UNWAITED
    if want and not any(w.endswith(func) for w in want):
        # a state the runtime names for its own waits shows the function
        # that waits first (gopark and below hidden but at GOTRACEBACK=system):
        # 633 of the 633 such goroutines of the samples, the wild pastes and
        # the corpus's outputs whose frames leave the runtime; the program's
        # own function there is another goroutine's (twelve-lines-random: a
        # Go 1.27 deadlock's `[sync.WaitGroup.Wait]` took a -trimpath
        # program's main.(*Hub).Shutdown). A cut name (a chunk's) may be it.
        return UNWAITED
    return 0.0


@cache
def _parks(func: str) -> bool:
    return func.startswith(_PARKS)


@cache
def _runtime(func: str) -> bool:
    return func.startswith(("runtime.", "internal/runtime/", "runtime/internal/"))


_THROWS = ("runtime.throw", "runtime.fatal", "runtime.fatalthrow", "runtime.fatalpanic",
           "internal/runtime/maps.fatal")


def first_frame(t: Track, call: Evidence) -> float:
    """A report's type shows in its first goroutine's first frame: a panic's
    may be panic(…) and is never runtime.throw / fatal; a fatal error's the
    reverse."""
    if call.kind != "frame_call" or t.goroutines != 1 or t.depth or not t.opened:
        return 0.0
    func = call.func or ""
    gopanic = func in ("panic", "runtime.gopanic")
    throw = func.startswith(_THROWS)
    if t.report == "panic":
        return 2.0 if gopanic else -3.0 if throw else 0.0
    if t.report == "fatal_error":
        if throw:
            return 2.0
        # a deadlock's first goroutine is parked anywhere; another fatal
        # error's is the one that threw
        return -3.0 if gopanic else 0.0 if t.asleep else -1.5
    return 0.0
