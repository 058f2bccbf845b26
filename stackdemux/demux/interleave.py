"""Separate unprefixed, line-interleaved tracebacks of several processes:
the structure and evidence one stream (process) is judged by. The search
over assignments of lines to streams is beam.py's.

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
* call edges (callee → caller) seen in a stream tell which call line follows;
* a package lives in one directory of one build; an inlined call prints
  `(...)` and its file line no pc offset; a panic's first frame is never a
  throw, a fatal error's is;
* one binary prints its paths one way (-trimpath or absolute); a goroutine's
  first frame shows what its header waits for; `[signal …]` follows only a
  fault's message; a `[recovered]` panic is followed by its chained panic.

In random line order the openers say nothing of which stacks follow them:
once separated, heads are matched to the stacks their messages fit (the
section "heads and bodies" below; beam.py applies it).

The LALR automaton is lark's own parse table for report.lark, stepped by a
memoised function over small immutable stacks: the same decisions as lark's
InteractiveParser (`accepts()` / `feed_token()`), at a dict lookup per line
instead of ~10 µs, and a stack that can be shared by hypotheses for free.
Only lines of traceback kinds are stepped; ordinary log lines never are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from ..grammar import grammar_path, line_grammar
from .persistent import PMap, PSet

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
_NEVER = float("-inf")  # the score of what one process cannot print


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
        """True when the stream's output could stop here (no half-printed frame):
        on $END the parser reduces until it reaches the end state, as lark does."""
        from lark.parsers.lalr_analysis import Shift

        st = list(stack)
        while st[-1] != self.end:
            action = self.states[st[-1]].get("$END")
            if action is None or action[0] is Shift:
                return False
            rule = action[1]
            if rule.expansion:
                del st[-len(rule.expansion):]
            goto = self.states[st[-1]].get(rule.origin.name)
            if goto is None:
                return False
            st.append(goto[1])
        return True


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
    rel: str | None = None  # the file's path without its GOROOT: the same in every toolchain
    trimmed: int = 0  # +1: a -trimpath build's path (`example.com/app/main.go`), -1: absolute
    fp: str | None = None  # frame pointer of a file line (GOTRACEBACK=system and up)
    sp: str | None = None
    state: str | None = None  # goroutine header's wait reason
    machine: bool = False  # goroutine header prints gp=/m= (GOTRACEBACK=system, Go 1.23+)
    asleep: bool = False  # `fatal error: all goroutines are asleep`: no goroutine runs
    abort: bool = False  # `SIGABRT: abort`: GOTRACEBACK=crash dumps again after a panic
    annotated: bool = False  # a panic `[recovered]`: another panic line follows
    recovered: bool = False  # `[recovered]` or `[recovered, repanicked]` (Go 1.25+, one line)
    signaled: bool = False  # a panic or fatal error raised by a signal: `[signal …` follows
    inlined: bool = False  # a call printed `(...)`: its file line has no +0x offset
    test: str | None = None  # `--- FAIL: TestX`: a test binary reports each test once


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


def goroot(file: str) -> str | None:
    """The GOROOT of a standard library file: `/usr/lib/go-1.19/src/` of
    `/usr/lib/go-1.19/src/runtime/sema.go`; "" for a -trimpath build's
    `runtime/sema.go`. Different toolchains, different roots."""
    if file.startswith(_STD_DIRS):
        return ""
    i = file.rfind("/src/")
    if i < 0:
        return None
    rest = file[i + 5:]
    if rest.startswith(_STD_DIRS):
        return file[: i + 5]
    return None


# What the runtime says of a fault it turned into a panic (sigpanic) or a
# throw: only these reports print `[signal SIGSEGV: … pc=…]` after their
# message, and every one of them does.
_SIGNAL_PANICS = tuple(f"runtime error: {m}" for m in (
    "invalid memory address or nil pointer dereference", "integer divide by zero",
    "integer overflow", "floating point error", "unexpected signal"))
_SIGNAL_THROWS = ("unexpected signal", "fault", "signal arrived during cgo execution")


def _trimmed(file: str) -> int:
    """+1 for a path a -trimpath build prints (`runtime/sema.go`,
    `example.com/app/main.go`), -1 for an absolute one; 0: neither
    (`<autogenerated>`, `?`). One binary prints one style."""
    if file.startswith("/") or file[1:3] in (":/", ":\\"):
        return -1
    if file[:1].isalnum() and "/" in file:
        return 1
    return 0


def evidence(kind: str, m: re.Match[str]) -> Evidence:
    ev = Evidence(kind)
    f = _F[kind]
    if kind == "frame_call":
        ev.func = m.group(f["func"])
        args = m.group(f["args"])
        ev.inlined = args == "..."
        ev.values, ev.ranges = _addresses(args)
    elif kind == "frame_file":
        ev.file = m.group(f["file"])
        ev.line = m.group(f["lineno"])
        ev.offset = m.group(f["offset"])
        ev.root = goroot(ev.file)
        ev.rel = ev.file[len(ev.root):] if ev.root is not None else ev.file
        ev.trimmed = _trimmed(ev.file)
        fp = m.group(f["fp"])
        if fp is not None:
            ev.fp, ev.sp = fp.lower(), m.group(f["sp"]).lower()
            # pc= too: the signal line names the crashing frame's pc
            ev.values, ev.ranges = _addresses(f"{fp} {ev.sp} {m.group(f['pc']) or ''}")
    elif kind == "goroutine_header":
        ev.gid = int(m.group(f["goid"]))
        ev.state = m.group(f["state"])
        gp = m.group(f["gp"])
        if gp:
            ev.machine = True
            ev.values, ev.ranges = _addresses(f"{gp} {m.group(f['mp']) or ''}")
    elif kind == "created_by":
        ev.func = m.group(f["func"])
        p = m.group(f["parent"])
        ev.parent = int(p) if p else None
    elif kind == "test_fail":
        ev.test = m.group(f["test"])
    elif kind == "sigdump":
        ev.abort = m.group(0).startswith("SIGABRT")
    elif kind == "fatal_error":
        text = m.group(f["text"]) or ""
        ev.asleep = "goroutines are asleep" in text
        ev.signaled = text.startswith(_SIGNAL_THROWS)
    elif kind in ("panic", "chained_panic", "http_panic"):
        annotation = m.group(f["annotation"])
        ev.annotated = annotation == " [recovered]"
        ev.recovered = annotation is not None
        ev.signaled = (m.group(f["message"]) or "").startswith(_SIGNAL_PANICS)
    elif kind in ("signal", "sigpc", "fault_address", "race_access"):
        ev.values, ev.ranges = _addresses(m.group(0))
    return ev


# -------------------------------------------------------------- streams ---


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
    values: PSet[str] = field(default_factory=PSet)
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
    report: str | None = None  # kind of the last opener
    asleep: bool = False  # the report is a deadlock: no goroutine is running
    goroutines: int = 0  # goroutine headers since the opener
    last_gid: int = -1
    stacks: int = 0  # goroutine headers and runtime stacks, in all
    depth: int = 0  # frames printed in the current goroutine
    state: str | None = None  # the current goroutine's wait reason
    sig: int = 0  # hash of the texts it printed: the same lines, the same stream

    def clone(self) -> Track:
        """A copy for another hypothesis: its sets are persistent, so shared."""
        t = Track.__new__(Track)
        t.__dict__ = self.__dict__.copy()  # one C-level copy: hypotheses fork often
        return t

    def learn(self, ev: Evidence, i: int) -> None:
        self.last_tb = i
        self.taken += 1
        if ev.values:
            self.values = self.values.update(ev.values)
        if ev.ranges and not self.ranges.issuperset(ev.ranges):
            self.ranges = self.ranges.union(ev.ranges)
        k = ev.kind
        if k == "frame_file":
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
                self.gids = self.gids.add(ev.gid)
                self.last_gid = ev.gid
            self.callee = self.fp = None
            self.depth = 0
            self.state = ev.state
            self.goroutines += 1
            self.stacks += 1
            self.machine = 1 if ev.machine else -1
        elif k == "created_by":
            self.parented = 1 if ev.parent is not None else -1
        elif k in ("runtime_stack", "ancestor_header"):
            self.callee = self.fp = None
            self.depth = 0
            self.state = None
            self.stacks += 1
        elif k == "fatal_error":
            self.asleep = ev.asleep
        elif k == "test_fail" and ev.test is not None:
            self.tests = self.tests | {ev.test}
        if k in OPENERS:
            self.opened = True
            if k != "sigdump" or self.report is None:
                self.report, self.goroutines = k, 0
                self.asleep = ev.asleep
                self.signaled = int(ev.signaled)
            if k == "sigdump":
                self.sigdump = True
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
                    self.dirs = self.dirs.set(_package(call.func), _dir(file.file))
            self.callee = call.func
            self.depth += 1


def _package(func: str) -> str:
    """The import path of a function: `go.etcd.io/bbolt` of `go.etcd.io/bbolt.(*Cursor).search`."""
    slash = func.rfind("/")
    dot = func.find(".", slash + 1)
    pkg = func[:dot] if dot > 0 else "runtime"  # `panic(…)`: the runtime's gopanic
    return pkg.replace("%2e", ".")


_VERSION = re.compile(r"@[^/]*")


def _dir(file: str) -> str:
    return file[: file.rfind("/") + 1]


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
    pkg = _package(func)
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


_MAJOR = re.compile(r"/v[0-9]+$")  # `github.com/x/y/v2` lives in …/y@v2.1.0/


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


CALLS = {"FRAME_CALL": ("FRAME_FILE", "CGO_FILE"), "CREATED_BY": ("FRAME_FILE",),
         "RACE_FRAME_CALL": ("RACE_FRAME_FILE",)}
FILES = frozenset({"FRAME_FILE", "CGO_FILE", "RACE_FRAME_FILE"})
FILE_CALLS = {f: tuple(c for c, files in CALLS.items() if f in files) for f in FILES}
# Kinds of a report's header: they follow the opener, before the goroutines.
HEADERS = frozenset({"signal", "sigpc", "cgo_signal", "fault_address", "register",
                     "chained_panic", "indented", "running_tests", "running_test"})


def score(t: Track, ev: Evidence) -> float:
    """How well a line other than a frame fits a stream that accepts its kind."""
    s = 0.0
    k = ev.kind
    if k == "goroutine_header":
        if ev.gid in t.gids:
            return float("-inf")
        if t.machine:
            s += 0.5 if (t.machine > 0) == ev.machine else -4.0
        if t.signaled == 1 and t.goroutines == 0:
            s -= SIGNAL  # its `[signal …` line comes first
        if t.opened and t.goroutines == 0:
            s += 3.5  # a report waits for its first goroutine
            running = ev.state == "running"
            if t.asleep:
                s += -3.0 if running else 1.0
            elif t.report in ("panic", "fatal_error", "http_panic"):
                s += 1.0 if running else -2.0
        elif t.goroutines >= 2 and ev.gid is not None:
            # After the crashing goroutine, the runtime lists them in creation order.
            s += 0.5 if ev.gid > t.last_gid else -0.5
    elif k == "chained_panic" and not (t.annotated and t.last_kind in ("panic", "chained_panic")):
        return float("-inf")  # `\tpanic: …` only follows a panic printed `[recovered]`
    if t.annotated and t.last_kind in ("panic", "chained_panic") and k not in (
            "chained_panic", "panic"):
        return UNCHAINED  # and always does
    elif k in HEADERS:
        if ((k == "register" and t.last_kind in ("sigpc", "register"))
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
    elif k == "test_fail" and t.stacks:
        return float("-inf")  # `go test` prints `--- FAIL` before a panic, never in its stacks
    elif k in TRAILERS and t.opened and t.goroutines == 0:
        s -= 3.0  # a report prints its stacks before its process exits
    s += _values(t, ev)
    return s


# A file path printed by a -trimpath build in a stream of absolute paths, or
# the reverse: one binary was built one way.
TRIMMED = -12.0
# A line other than the chained panic right after a panic printed `[recovered]`.
UNCHAINED = -15.0
# The weight of a report's message saying whether a `[signal …` line follows.
SIGNAL = 6.0
TRAILERS = frozenset({"exit_status", "test_package_fail", "test_fail_bare"})


def _values(t: Track, ev: Evidence) -> float:
    s = 0.0
    if ev.values:
        s += 2.0 * min(3, sum(1 for v in ev.values if v in t.values))
    for r in ev.ranges:
        if r in t.ranges:
            s += 1.0
        elif t.ranges:
            s -= 3.0
    return s


def pair_score(t: Track, call: Evidence, file: Evidence,
               callers: dict[str, set[str]]) -> float:
    """How well a frame (call line + file line) continues stream t."""
    s = 0.0
    if t.annotated and t.last_kind in ("panic", "chained_panic"):
        s += UNCHAINED  # the chained panic comes first
    func = call.func
    if call.kind == "frame_call":
        if t.callee is not None and func is not None:
            known = callers.get(t.callee)
            if known:
                s += 2.0 if func in known else -1.0
            if _parks(func) and not _runtime(t.callee):
                return _NEVER  # a goroutine parks in the runtime, never in code it calls
    elif call.kind == "created_by":
        style = 1 if call.parent is not None else -1
        if t.parented:
            s += 0.5 if t.parented == style else -6.0
        if call.parent is not None and call.parent in t.gids:
            s += 1.0
        if t.callee is not None and func is not None and t.callee.startswith(func + "."):
            s += 2.0  # a closure (`f.func1`, `f.gowrap2`) created by its function
    if call.kind == "frame_call" and t.depth == 0 and t.state is not None and func is not None:
        s += waits_in(t.state, func)
    s += _values(t, call)
    if file.trimmed and t.trimmed:
        s += 0.5 if file.trimmed == t.trimmed else TRIMMED
    if file.root is not None and t.roots:
        if file.root not in t.roots:
            return _NEVER  # one process, one toolchain
        s += 3.0
    if (func is not None and file.file is not None and call.kind == "frame_call"
            and file.root is None):
        d = t.dirs.get(_package(func))
        if d is not None:
            s += 1.0 if d == _dir(file.file) else -10.0
    if func is not None and file.file is not None:
        key = (func, file.file, file.line or "")
        if key in t.frames:
            s += 1.0 if t.frames[key] == file.offset else -6.0
    if file.sp is not None and t.fp is not None:
        s += 5.0 if file.sp == t.fp else -20.0  # a goroutine's frames chain fp → sp
    if call.kind == "frame_call" and call.inlined != (file.offset is None):
        s -= 12.0  # an inlined call prints `(...)` and no pc offset, any other both
    if t.fp_style and file.offset is not None and call.kind == "frame_call":
        s += 0.5 if (file.fp is not None) == (t.fp_style > 0) else -4.0
    s += _values(t, file)
    return s


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
    want = _WAITS.get(state)
    if want is None or func.startswith("runtime."):
        return 0.0
    if _parks(func):
        return 1.5 if want and func.startswith(want) else UNWAITED
    return 0.0


@cache
def _parks(func: str) -> bool:
    return func.startswith(_PARKS)


@cache
def _runtime(func: str) -> bool:
    return func.startswith(("runtime.", "internal/runtime/", "runtime/internal/"))


# ------------------------------------------------------------ separation ---

# Lines after which a silent stream is closed: one waiting for its first
# stack waits long (another process may be printing a big dump), one that
# printed stacks is done sooner (a process repeating its output opens anew).
IDLE = 2000
DONE = 256


def gap(t: Track) -> float:
    """Traceback lines between two of its own, on average: a small process
    merged line by line with a big one prints one every few hundred."""
    return (t.last - t.first) / (t.taken - 1) if t.taken > 1 else 0.0


@dataclass(slots=True)
class Separation:
    """Parent-stream indices per recovered process, and what fits no process."""

    tracks: list[list[int]]
    noise: list[int]  # indices of ordinary lines and unclaimed blanks
    orphans: list[int]  # traceback lines no stream could take (diagnosed)


def separate(texts: Sequence[str]) -> Separation:
    """Assign each traceback line of `texts` to one process by structure and evidence."""
    from .beam import separate as beam_separate

    return beam_separate(texts)


def _continues(t: Track, ev: Evidence, previous: Track | None) -> bool:
    """May an opener join stream t instead of opening a new process?"""
    if not t.opened:
        # Only prelude lines so far (`runtime: …`, `--- FAIL`): the opener right
        # after them is the same process's; a later one may be (beam.py weighs it).
        return True
    kind = ev.kind
    if kind == "panic":
        return t.annotated and t.last_kind in ("panic", "chained_panic")
    if kind == "sigdump":
        # GOTRACEBACK=crash: after the panic's stacks the runtime raises SIGABRT
        # and dumps again; that level prints gp= and fp= (a SIGQUIT comes from outside).
        return (ev.abort and not t.sigdump and t.report in ("panic", "fatal_error")
                and (t.machine > 0 or t.fp_style > 0))
    return False


# ------------------------------------------------------ heads and bodies ---
#
# In a random line merge the openers come first and say nothing about which
# stacks follow them: the beam sorts the stacks well (goroutine ids, GOROOT,
# addresses, frame chains) but which `panic: …` heads which stacks is often a
# coin toss it cannot take back. So once the streams are separated, heads
# (opener, chained panics, signal lines) are matched to bodies (the stacks)
# by what a message means for its stacks.

_BODY = frozenset({"goroutine_header", "runtime_stack"})
_WORD = re.compile(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])")
# Words of a message that name no code: the runtime's and English's.
_COMMON = frozenset({"runtime", "error", "panic", "fatal", "with", "after", "still", "from",
                     "recovered", "panicked", "repanicked", "goroutine", "goroutines", "value",
                     "invalid", "address", "pointer", "length", "range", "index", "nil",
                     "func", "main", "init", "this", "that", "have", "were", "been"})


@dataclass(slots=True)
class Head:
    """A report's first lines: what the process said before its stacks."""

    first: int
    last: int
    kind: str  # the opener's kind
    words: frozenset[str]  # the message's words that may name code
    asleep: bool = False
    recovered: bool = False  # a panic `[recovered]`: the stacks hold its panic( frame
    values: frozenset[str] = frozenset()  # signal pc, PC=, fault address
    tests: frozenset[str] = frozenset()  # `--- FAIL: TestX` before the panic


@dataclass(slots=True)
class Body:
    """A report's stacks, as far as a head is judged by them."""

    first: int
    state: str | None  # the first goroutine's wait reason
    funcs: tuple[str, ...]  # its functions, top first (created by last)
    throws: bool  # its first frame is the runtime's throw/fatal
    gopanic: bool  # it shows a panic( frame: a recovered panic panicked again
    values: frozenset[str]
    all_funcs: frozenset[str]  # of the first goroutine, and every test function


_HEAD_THROWS = ("runtime.throw", "runtime.fatal", "internal/runtime/maps.fatal")
_FIRST_FRAMES = 6


def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(text)
                     if len(w) >= 4 and w.lower() not in _COMMON)


def read_head(lines: Sequence[int], kinds: dict[int, str], texts: Sequence[str]) -> Head | None:
    """The head of a stream's lines (up to its first stack), if an opener is in it."""
    head: Head | None = None
    tests: set[str] = set()
    values: set[str] = set()
    words: set[str] = set()
    for i in lines:
        k = kinds[i]
        if k in _BODY:
            break
        m = _match(texts[i])
        if m is None:
            continue
        ev = evidence(k, m)
        if k in OPENERS and head is None:
            head = Head(i, i, k, frozenset(), asleep=ev.asleep)
        if k == "test_fail" and ev.test:
            tests.add(ev.test)
        values.update(ev.values)
        if k in ("panic", "chained_panic", "http_panic", "fatal_error"):
            f = _F[k]
            words |= _words(m.group(f["message"] if "message" in f else f["text"]) or "")
            if head is not None and ev.recovered:
                head.recovered = True
        if head is not None:
            head.last = i
    if head is not None:
        head.words, head.values, head.tests = frozenset(words), frozenset(values), frozenset(tests)
    return head


def read_body(lines: Sequence[int], kinds: dict[int, str], texts: Sequence[str]) -> Body | None:
    """The first goroutine of a stream's stacks, and every function it shows."""
    body: Body | None = None
    funcs: list[str] = []
    all_funcs: set[str] = set()
    values: set[str] = set()
    stacks = 0
    for i in lines:
        k = kinds[i]
        if k in _BODY:
            stacks += 1
            if body is None:
                m = _match(texts[i])
                header = m is not None and k == "goroutine_header"
                state = m.group(_F[k]["state"]) if header else None
                body = Body(i, state, (), False, False, frozenset(), frozenset())
            continue
        if body is None or k not in ("frame_call", "created_by", "frame_file"):
            continue
        if stacks > 1 and ".Test" not in texts[i]:
            continue  # past the first goroutine only test functions are looked for
        m = _match(texts[i])
        if m is None:
            continue
        ev = evidence(k, m)
        if ev.func is not None:
            all_funcs.add(ev.func)
        if stacks == 1 and len(funcs) < _FIRST_FRAMES:
            if ev.func is not None:
                funcs.append(ev.func)
            values.update(ev.values)
    if body is not None:
        body.funcs = tuple(funcs)
        body.throws = bool(funcs) and funcs[0].startswith(_HEAD_THROWS)
        body.gopanic = any(f in ("panic", "runtime.gopanic") for f in funcs)
        body.values, body.all_funcs = frozenset(values), frozenset(all_funcs)
    return body


def _code_words(funcs: Sequence[str]) -> set[str]:
    out: set[str] = set()
    for f in funcs:
        out |= _words(f.replace("%2e", "."))
    return out


def heads_fit(h: Head, b: Body) -> float:
    """How well a head's message fits a body's stacks (see the section note)."""
    if b.first < h.last:
        return _NEVER  # a process prints its message before its stacks
    s = 0.0
    running = b.state == "running"
    if h.kind in ("panic", "http_panic"):
        s += 1.0 if running else -2.0
        if b.throws:
            s -= 3.0
        # the runtime prints a panic( frame where a recovered panic panicked again
        s += (2.0 if b.gopanic else -1.0) if h.recovered else (-2.0 if b.gopanic else 0.0)
    elif h.kind == "fatal_error":
        if h.asleep:
            s += -3.0 if running else 2.0
        else:
            s += 2.0 if b.throws else -1.0
    s += 3.0 * min(2, len(h.values & b.values))  # PC= / pc= of the faulting frame
    if h.tests:
        # (a test that failed before the panicking one names none of its frames)
        s += 3.0 if any(f.endswith(tuple("." + t for t in h.tests)) for f in b.all_funcs) else 0.0
    if h.words:
        code = _code_words(b.funcs)
        hits = sum(1 for w in h.words if any(w.startswith(c) or c.startswith(w) for c in code))
        s += 1.5 * min(2, hits)
    return s


def match_heads(fit: list[list[float]]) -> list[int]:
    """The assignment of heads (rows) to bodies (columns) of the greatest total
    fit: the Hungarian method on a square matrix (-inf: never)."""
    n = len(fit)
    big = 1e6
    cost = [[big if v == _NEVER else -v for v in row] for row in fit]
    u = [0.0] * (n + 1)
    v = [0.0] * (n + 1)
    p = [0] * (n + 1)  # p[j]: the row matched to column j (1-based, 0: none)
    way = [0] * (n + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [float("inf")] * (n + 1)
        used = [False] * (n + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], float("inf"), 0
            for j in range(1, n + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(n + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    out = [0] * n
    for j in range(1, n + 1):
        out[p[j] - 1] = j - 1
    return out
