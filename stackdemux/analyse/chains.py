"""The crashing goroutine as a path through modules, from entry to crash site.

A goroutine's own stack starts where `go f()` started it; `created by … in
goroutine N` says who did, so the path continues in the creator's stack (in the
same report) up to the go statement. Consecutive frames of one module collapse
into a ChainSegment, and a new goroutine starts a new segment.

The culprit is the deepest frame that is not the runtime reporting the crash:
`runtime.gopanic`, `runtime.sigpanic`, `runtime.throw`, `runtime.mapassign_faststr`,
`sync.fatal`, `sync.(*Mutex).Unlock`… are where the panic was *raised*, on behalf
of the caller that misused a map, a channel or a lock. So is a panic the rest of
the standard library raised (`log.(*Logger).Output` on a nil *Logger): its
nearest caller outside the standard library is the culprit; so is a logger's
caller where zap or logrus panicked for it (loggers.py). Where the stack read
ends in such machinery (cut below `runtime.cgocall`, testing's log or Kubernetes'
crash handler) the code to blame is not in the text, and no culprit is named.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from stackdemux.analyse.normalise import normalise
from stackdemux.analyse.origins import is_stdlib_package
from stackdemux.cgo_notes import refused_thread
from stackdemux.loggers import LOG_PANICS, is_logger, past_logger
from stackdemux.model import ChainSegment, Frame, Goroutine, Group, Report, ReportKind

# Packages whose frames on top of a crashing stack are the machinery that
# raises, reports or parks; the culprit is their caller. Only the innermost run
# of such frames is skipped: a runtime frame below user code stays.
# sync/atomic faults only on the address its caller passed (a race build runs it in the
# race runtime's assembly): the caller is the culprit. reflect panics with a
# ValueError on its caller's misuse (`call of reflect.Value.NumField on ptr Value`,
# raised in flag.mustBe): the caller is the culprit too.
_MACHINERY_PACKAGES = ("runtime", "sync", "internal/sync", "sync/atomic", "reflect")
_MACHINERY_PREFIXES = ("runtime/internal/", "internal/runtime/", "internal/sync/")
# sync frames that run user code and cannot raise on their own.
_NOT_MACHINERY = ("sync.(*Once).", "sync.OnceFunc", "sync.OnceValue", "sync.(*Map).Range",
                  "sync.(*Pool).Get")


# The runtime's own goroutine entry points, printed under fatal errors: not part of any route.
# (gccgo's goroutines start in libgo's runtime.kickoff, as gc's return to goexit)
_ENTRY_RUNTIME = frozenset(("runtime.goexit", "runtime.main", "runtime.kickoff"))
_PANIC = frozenset(("panic", "runtime.gopanic", "runtime.panic"))  # (the last: Go <= 1.4)
# The log package's Panic functions panic on behalf of their caller, as panic
# itself does: the caller is the culprit.
_LOG_PANICS = LOG_PANICS
# testing's logging panics on behalf of a goroutine that logged through its test's t
# after the test ended (`Log in goroutine after TestX has completed`): the caller is
# the culprit.
_TEST_LOGS = frozenset(f"testing.(*common).{name}"
                       for name in ("log", "logDepth", "Log", "Logf", "Error", "Errorf"))
_DUMPS = (ReportKind.SIGNAL_DUMP, ReportKind.GOROUTINE_DUMP)


def is_machinery(func: str) -> bool:
    """Whether a frame is part of the runtime's panic, throw or park machinery."""
    if func in _PANIC or func in _LOG_PANICS or func in _TEST_LOGS:
        return True
    if func.startswith(_MACHINERY_PREFIXES):
        return True
    if "." not in func and func != "?":
        # a name with no package: the runtime's assembly, local to its file
        # (`racecallatomic`), or gccgo's C runtime (`runtime_dopanic`, `acquirep`)
        return True
    dot = func.find(".", func.rfind("/") + 1)
    package = func[:dot] if dot >= 0 else func
    return package in _MACHINERY_PACKAGES and not func.startswith(_NOT_MACHINERY)


def _raises(frame: Frame, called_panic: bool = False) -> bool:
    """is_machinery for a frame; one printed with no function (a caller list,
    callers.py) by the package its file tells (origins.py), where testing's frame
    that called panic raised it on its test's behalf, as _TEST_LOGS do (its file
    line alone cannot say which of its functions it is: the log after a test
    ended, t.Parallel called twice)."""
    if frame.func:
        return is_machinery(frame.func)
    package = frame.package
    return package is not None and (package in _MACHINERY_PACKAGES
                                    or package.startswith(_MACHINERY_PREFIXES)
                                    or (called_panic and package == "testing"))


# cgo's call into C: a stack read that ends there lost the Go code that made the call.
_CGO_CALL = "runtime.cgocall"
# Functions that raise on their caller's behalf: a stack read that ends in them
# lost the caller, which is the culprit.
_FOR_CALLER = _PANIC | _LOG_PANICS | _TEST_LOGS
# Kubernetes' crash handling (HandleCrash, logPanic, Must): HandleCrash, deferred,
# recovers a panic and prints its stack from there, so its frames sit above the
# `panic` frame; a paste cut below them lost the frame that panicked.
_RECOVERER = "k8s.io/apimachinery/pkg/util/runtime"


# A stack a program printed of itself (debug.Stack, debug.PrintStack) begins with the
# printing call; printed from a deferred recover it holds the `panic` frame below
# the recovering code, and cut before that frame it lost the code that panicked.
_PRINTS_STACK = frozenset(("runtime/debug.Stack", "runtime/debug.PrintStack"))


def recovers(frame: Frame) -> bool:
    """A frame of Kubernetes' crash handling (vendored in a GOPATH tree too)."""
    func = frame.func
    dot = func.find(".", func.rfind("/") + 1)
    package = func[:dot] if dot > 0 else func
    return package == _RECOVERER or package.endswith("/vendor/" + _RECOVERER)


def _is_panic(frame: Frame) -> bool:
    """runtime.gopanic's frame; in a caller list, a line of the runtime's panic.go
    (panic.c in Go <= 1.4, whose runtime was C)."""
    if frame.func:
        return frame.func in _PANIC
    return frame.package == "runtime" and (frame.file or "").endswith(("/panic.go", "/panic.c"))


def _unblamable(frame: Frame) -> bool:
    """A frame that names no code of anyone's: a caller the runtime could not name
    (`?`, gccgo's C frames), or in a caller list a wrapper the compiler generated
    (`<autogenerated>:26`, a method value's or an embedded method's), whose caller
    or callee is the code a person reads."""
    return frame.func == "?" or (not frame.func and frame.file == "<autogenerated>")


def _entry(frame: Frame) -> bool:
    """The runtime's start of a goroutine; in a caller list, any runtime line below
    the culprit (goexit's asm_amd64.s, runtime.main's proc.go)."""
    return frame.func in _ENTRY_RUNTIME if frame.func else frame.package == "runtime"


def culprit_index(frames: list[Frame], raised: bool = False) -> int | None:
    """Index (innermost first) of the deepest frame outside the machinery; the
    innermost frame when all are machinery (a crash inside the runtime itself);
    None where the machinery read raised on behalf of code the text lost: a
    panic was read and nothing of the program's below it (a stack cut after
    `panic(…)` or `runtime.sigpanic`), the stack ends in cgo's call into C
    (`runtime.cgocall`, whose Go caller is cut), or in a function that panics
    for its caller (t.Log after the test ended, log.Panicf, a logger's Panic:
    zap's and logrus's frames, loggers.py); and a stack the
    program printed of itself (`runtime/debug.Stack` on top) with no `panic`
    frame, for a crash: printed from a recover and cut above the panic, or
    after the recover returned, it holds no frame that panicked (for a dump,
    the code that printed it is named).

    A stack printed from a deferred recover (net/http's `http: panic serving`,
    debug.Stack in a handler) has the recovering code above the panic, and a
    chain of panics (`panic: first [recovered]` / `panic: second`) has the later
    panics' deferred functions above the first: the search starts below the
    outermost `panic` frame (runtime.gopanic, printed as `panic` since Go 1.21),
    where the first panic, the one the report's message and title are about,
    was raised.

    A panic raised in the standard library (below a `panic` frame, or at the top
    of a panic's stack: `raised`) is raised on its caller's behalf, as reflect's
    and sync's are: the standard library faulted on what it was given (a nil
    *log.Logger, a nil *regexp.Regexp, a bufio.Writer flushed after net/http
    let it go) or refused it (regexp.MustCompile). The nearest caller outside the
    standard library is the culprit, where the stack shows one."""
    if not frames:
        return None
    start = 0
    for i, frame in enumerate(frames):
        if _is_panic(frame):
            start = i + 1
    if not start and frames[0].func in _PRINTS_STACK:
        if raised:  # (a crash's stack: the frame that panicked was not printed)
            return None
        # a dump the program printed of itself: where it printed it
        while start < len(frames) - 1 and frames[start].func in _PRINTS_STACK:
            start += 1
    logged = False  # a logger's Panic raised for its caller (loggers.py)
    for i in range(start, len(frames)):  # (Kubernetes' handler too: see _RECOVERER)
        if (not _raises(frames[i], start > 0 and i == start) and not _unblamable(frames[i])
                and not recovers(frames[i])):
            if (logged or past_logger(frames, i) > i) and is_logger(frames[i].func):
                logged = True
                continue
            if i + 1 < len(frames) and _std_method_on_nil(frames[i]):
                return i + 1
            if raised and _standard(frames[i]):
                caller = next((j for j in range(i + 1, len(frames)) if not _standard(frames[j])
                               and not _raises(frames[j]) and not _unblamable(frames[j])), None)
                if caller is not None:
                    return caller
            return i
    # Below a panic only the runtime's raising frames were read (sigpanic,
    # panicmem), or none: the stack was cut (a journal's rate limit) before the
    # frame that panicked, which is not in the text.
    if (start or logged or frames[-1].func == _CGO_CALL
            or any(f.func in _FOR_CALLER or recovers(f) for f in frames)):
        return None
    return 0


def _standard(frame: Frame) -> bool:
    """A frame of the standard library, by its function's package (by its file's
    in a caller list)."""
    if not frame.func:
        return frame.origin == "stdlib"
    func = frame.func
    dot = func.find(".", func.rfind("/") + 1)
    return is_stdlib_package(func[:dot] if dot > 0 else func)


def _std_method_on_nil(frame: Frame) -> bool:
    """A standard-library method that crashed on a nil receiver
    (`os/exec.(*Cmd).Wait(0x0, …)`), or function on a nil interface as its first
    argument (`fmt.Fprintf(0x0, 0x0, …)`: a nil io.Writer; `{0x0, 0x0}` since Go
    1.17): its caller passed the nil, and is the culprit."""
    func, args = frame.func, frame.args
    if not args:
        return False
    at = func.find(".(*")
    if at > 0:
        receiver = args.split(",", 1)[0].strip()
        return is_stdlib_package(func[:at]) and receiver in ("0x0", "0x0?")
    dot = func.find(".", func.rfind("/") + 1)
    return (dot > 0 and "." not in func[dot + 1:] and is_stdlib_package(func[:dot])
            and args.startswith(("0x0, 0x0,", "{0x0, 0x0}")))


# Grouping, fingerprints, chains and hints each ask for a report's crash frames
# and culprit again (4.4 and 6.6 times a report on the samples): within one
# analysis (`remembering`) each is worked out once. The table is the analysis'
# own (a context variable: threads apart), holds each report it keys by id, so
# that no id is reused while it lives, and goes with the analysis.
_MEMO: ContextVar[dict[int, tuple] | None] = ContextVar("stackdemux_crash_memo", default=None)


@contextmanager
def remembering() -> Iterator[None]:
    """Within: each report's crash frames and culprit are worked out once. Only
    around code that changes no report's frames, kind, message or goroutines."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def crash_frames(report: Report) -> tuple[list[Frame], Goroutine | None]:
    """The frames that crashed: the crashing goroutine's, or for a data race
    report, the first access's (the one that found the race), or for a test
    timeout, a test binary's deadlock or go test's watchdog's SIGQUIT (`*** Test
    killed with quit`), the test's; and where that goroutine
    only waits for its synctest bubble, the bubble's own code. None for a SIGABRT
    that runtime/cgo raised (cgo_notes.py): it gave up in C, where the OS refused
    it (a thread, memory), and which goroutine happened to ask is chance; nor for
    the runtime's own `fatal error: newosproc`, refused a thread alike; nor for a
    SIGQUIT shown on a thread that ran none of the program's code
    (waits_in_the_runtime)."""
    memo = _MEMO.get()
    if memo is None:
        return _crash_frames_of(report)
    known = memo.get(id(report))
    if known is None:
        known = memo[id(report)] = (report, _crash_frames_of(report), None)
    return known[1]


def _blamed(report: Report) -> tuple[list[Frame], Goroutine | None, int | None]:
    """crash_frames, and the culprit's index in them (culprit_index as the
    report's crash raised it), worked out once within `remembering`."""
    memo = _MEMO.get()
    known = memo.get(id(report)) if memo is not None else None
    if known is not None and known[2] is not None:
        return known[2]
    frames, g = crash_frames(report)
    blamed = frames, g, culprit_index(frames, _raised(report, frames))
    if memo is not None:
        memo[id(report)] = (report, (frames, g), blamed)
    return blamed


def _crash_frames_of(report: Report) -> tuple[list[Frame], Goroutine | None]:
    """crash_frames, worked out."""
    if report.context and refused_thread(report) is not None:  # (said in its context)
        return [], report.crashing
    test = watchdog_test(report)
    if test is not None:  # go test's watchdog sent the SIGQUIT: the test is what hung
        return test.frames, test
    if waits_in_the_runtime(report):  # (where an idle thread waited is chance: no site)
        return [], report.crashing
    frames, g = _crash_frames(report)
    if g is not None and _culprit_func(frames) == _BUBBLE_WAIT:
        root = _bubble_root(report, g)
        if root is not None:
            return root.frames, root
    return frames, g


def _crash_frames(report: Report) -> tuple[list[Frame], Goroutine | None]:
    g = report.crashing
    if g is not None and g.frames:
        if report.kind is ReportKind.PANIC and report.message.startswith(_TEST_TIMEOUT):
            test = _running_test(report)
            if test is not None:  # the alarm panicked; the test is what hangs
                return test.frames, test
            # the alarm's goroutine alone (a paste cut after it): testing's, never the
            # code that hangs, which is not in the text
            if all(f.func.startswith(_TESTING) or is_machinery(f.func) for f in g.frames):
                return [], g
        if (report.kind is ReportKind.FATAL_ERROR and report.message.startswith(_DEADLOCK)
                and _culprit_func(g.frames).startswith(_TESTING)):
            test = _hung_test(report, g)
            if test is not None:  # goroutine 1 only waits for the tests to end
                return test.frames, test
            # no test is seen waiting in code of its own (a paste cut before it, or
            # one waiting for its t.Parallel turn): testing's wait is never the code
            # to blame, and that code is not in the text
            return [], g
        if report.kind in _DUMPS and all(is_machinery(f.func) for f in g.frames):
            # A signal landed on a scheduler thread (goroutine 0, runtime only): the
            # program's own first goroutine says more, and the same in every Go version.
            own = next((o for o in report.goroutines
                        if any(not is_machinery(f.func) for f in o.frames)), None)
            if own is not None:
                return own.frames, own
        return g.frames, g
    if report.race is not None:
        for access in report.race.accesses:
            if access.frames:
                return access.frames, None
    return [], g


# The crash site of a thread that only waited in the runtime (see below).
RUNTIME_WAIT = "<runtime wait>"


def waits_in_the_runtime(report: Report) -> bool:
    """A SIGQUIT shown on a thread that ran none of the program's code: every
    goroutine printed is the runtime's own. GOTRACEBACK=crash relays the signal
    to each thread in turn (after `-----`), and where an idle thread happened to
    wait (a futex, the network poller) is chance, not a crash site: two runs of
    one program would get different groups and fingerprints."""
    signal = report.signal
    return (report.kind is ReportKind.SIGNAL_DUMP and signal is not None
            and signal.name == "SIGQUIT" and bool(report.goroutines)
            and all(is_machinery(f.func) for g in report.goroutines for f in g.frames))


_TEST_TIMEOUT = "test timed out after "


def watchdog_test(report: Report) -> Goroutine | None:
    """The test that hung where go test's watchdog asked for the dump (`*** Test
    killed with quit: ran too long` after a SIGQUIT's): the binary outlived
    -timeout by a minute without its own alarm panicking. None otherwise."""
    if report.test_killed and report.kind is ReportKind.SIGNAL_DUMP:
        return _running_test(report)
    return None


def _running_test(report: Report) -> Goroutine | None:
    """The goroutine of a test that was running when `go test -timeout` fired: the
    first whose testing.tRunner calls a function of the test's own (goroutine 1's
    tRunner calls testing's runTests.func1). Go 1.21+ also names the tests, but
    1.19 does not: the stack alone decides, alike in every version."""
    for g in report.goroutines:
        frames = g.frames
        for i in range(1, len(frames)):
            if frames[i].func == "testing.tRunner":
                if not frames[i - 1].func.startswith("testing."):
                    return g
                break
    return None


_DEADLOCK = "all goroutines are asleep"
_TESTING = ("testing.", "testing/")


def _culprit_func(frames: list[Frame]) -> str:
    i = culprit_index(frames)
    return frames[i].func if i is not None else ""


def _program_waits(g: Goroutine) -> bool:
    """Whether the goroutine's culprit is the program's own code: neither testing's,
    which runs and waits for tests, nor the standard library's (os/signal's loop)."""
    func = _culprit_func(g.frames)
    if not func or func.startswith(_TESTING) or func == "?":
        return False
    dot = func.find(".", func.rfind("/") + 1)
    return not is_stdlib_package(func[:dot] if dot > 0 else func)


def _hung_test(report: Report, main: Goroutine) -> Goroutine | None:
    """In a test binary's deadlock, goroutine 1 waits in testing for the tests; the
    test is what hangs: the running test's goroutine where it waits in the program's
    code (not in t.Run for a subtest, nor in t.Parallel for its turn), else, where the
    paste lost the test's testing.tRunner, the first goroutine waiting in the
    program's code."""
    test = _running_test(report)
    if test is not None and _program_waits(test):
        return test
    return next((o for o in report.goroutines if o is not main and _program_waits(o)), None)


# testing/synctest runs a test's function in a bubble: the test's goroutine only
# waits in internal/synctest.Run (which panics when the bubble deadlocks), and
# what hangs is the bubble's goroutines, its descendants.
_BUBBLE_WAIT = "internal/synctest.Run"
_BUBBLE_DEADLOCK = "deadlock: "


def _bubble_root(report: Report, g: Goroutine) -> Goroutine | None:
    """The nearest of g's descendants (`created by … in goroutine N`, printed since
    Go 1.21, as synctest needs 1.24) that runs code other than testing's: the
    function the test runs in its bubble (testing/synctest starts it through a
    goroutine of its own), or where that function ended, a goroutine it started."""
    children: dict[int, list[Goroutine]] = {}
    for o in report.goroutines:
        cb = o.created_by
        if cb is not None and cb.goroutine is not None:
            children.setdefault(cb.goroutine, []).append(o)
    seen = {g.id}
    level = children.get(g.id, [])
    while level:
        for o in level:
            if any(not is_machinery(f.func) and not f.func.startswith(_TESTING)
                   for f in o.frames):
                return o
        following: list[Goroutine] = []
        for o in level:
            if o.id not in seen:
                seen.add(o.id)
                following.extend(children.get(o.id, []))
        level = following
    return None


def culprit(report: Report) -> Frame | None:
    frames, _, i = _blamed(report)
    return frames[i] if i is not None else None


def _raised(report: Report, frames: list[Frame]) -> bool:
    """Whether the standard library's frame on top of `frames` acted on its
    caller's behalf (culprit_index's `raised`): it raised a panic, or it is the
    syscall package's call of code outside Go in which a signal or a Windows
    exception arrived."""
    return (_panicked(report, frames) or _deadlocked(report)
            or bool(report.context and external_call(report, frames)))


def _deadlocked(report: Report) -> bool:
    """A deadlock (the runtime's, or a testing/synctest bubble's): no frame raised
    anything, every goroutine waits, and a wait in the standard library (a
    bubble's durable time.Sleep, a Cond.Wait) is where the program's code put it:
    its nearest caller outside the standard library is the culprit."""
    message = report.message
    return ((report.kind is ReportKind.FATAL_ERROR and message.startswith(_DEADLOCK))
            or (report.kind is ReportKind.PANIC and message.startswith(_BUBBLE_DEADLOCK)))


# The runtime's line after a signal (a Windows exception) that arrived in code
# outside Go, called through cgo or the syscall package.
_EXTERNAL = ("signal arrived during external code execution",
             "signal arrived during cgo execution")


def external_call(report: Report, frames: list[Frame]) -> bool:
    """A signal or Windows exception arrived in code outside Go that the stack's
    first frame outside the runtime, the syscall package's, called: syscall.Syscall
    and its kin call the address their caller passed (a DLL's procedure, or any
    function pointer), its zsyscall wrappers a Windows API with the caller's
    arguments, so the caller chose what ran (aegis1: syscall.Syscall on
    main.frKGmicM's behalf). A cgo call's own frame (`_Cfunc_…`) is its
    package's, and is the culprit as it is."""
    if not any(line.startswith(_EXTERNAL) for line in report.context):
        return False
    first = next((f for f in frames if not _raises(f) and not _unblamable(f)), None)
    return first is not None and first.func.startswith("syscall.")


def _panicked(report: Report, frames: list[Frame]) -> bool:
    """Whether `frames` raised a panic: a stack that shows its `panic` frame, or
    a panic report's own, whose top is where it was raised (Go 1.21+ prints no
    `panic` frame at the top); not a test's that a timeout or a deadlock found
    waiting, nor a synctest bubble's."""
    if report.kind is ReportKind.PANIC and report.message.startswith(_BUBBLE_DEADLOCK):
        return False  # (synctest's Run panics for the bubble: crash_frames)
    g = report.crashing
    return ((report.kind is ReportKind.PANIC and g is not None and frames is g.frames)
            or any(_is_panic(f) for f in frames))


def _by_id(report: Report) -> dict[int, Goroutine]:
    return {g.id: g for g in report.goroutines}


def crash_path(report: Report) -> list[tuple[Frame, bool]]:
    """Frames from the entry of the first known creator to the culprit, entry first;
    the flag marks the first frame run by a new goroutine."""
    frames, g, start = _blamed(report)
    if not frames:
        return []
    if start is None:  # (no frame of the crash's own was read: no path to it)
        return []
    own = [f for f in reversed(frames[start:]) if not _entry(f)]
    path: list[tuple[Frame, bool]] = [(f, i == 0) for i, f in enumerate(own)]
    if g is None:
        # a race access: its creator is printed apart, not followed here, so the
        # path begins at its goroutine's entry, which no step before it started
        if path:
            path[0] = (path[0][0], False)
        return path
    goroutines = _by_id(report)
    seen = {g.id}
    while g.created_by is not None:
        cb = g.created_by
        creator = goroutines.get(cb.goroutine) if cb.goroutine is not None else None
        before: list[tuple[Frame, bool]] = []
        if creator is not None and creator.id not in seen:
            # The creator's callers, entry first, down to the function with the go statement.
            at = next((i for i, f in enumerate(creator.frames) if f.func == cb.frame.func), None)
            if at is not None:
                outer = reversed(creator.frames[at + 1 :])
                before = [(f, False) for f in outer if f.func not in _ENTRY_RUNTIME]
        before.append((cb.frame, False))
        path = before + path
        if creator is None or creator.id in seen:
            break
        seen.add(creator.id)
        g = creator
    if path:
        path[0] = (path[0][0], False)
    return path


def _label(frame: Frame) -> str:
    if frame.origin == "stdlib":
        return "std"
    # (a caller list's frame of the main module whose path the text does not say:
    # `main`, as package main's frames of an unknown module read)
    return frame.module or frame.package or ("main" if frame.origin == "main" else "?")


def segments(path: list[tuple[Frame, bool]]) -> list[ChainSegment]:
    """Collapse consecutive frames of one module; a new goroutine opens a new segment."""
    out: list[ChainSegment] = []
    for frame, new_goroutine in path:
        label = _label(frame)
        last = out[-1] if out else None
        if last is None or new_goroutine or last.module != label:
            out.append(ChainSegment(label, frame.origin or "unknown", [frame], new_goroutine))
        else:
            last.frames.append(frame)
    return out


def main_frame(report: Report, path: list[tuple[Frame, bool]]) -> Frame | None:
    """The main-module frame closest to the crash (where to start reading your code)."""
    for frame, _ in reversed(path):
        if frame.origin == "main":
            return frame
    return None


def fill_chain(group: Group, report: Report) -> None:
    """Set the group's culprit, main frame and chain from its representative report."""
    path = crash_path(report)
    group.culprit = path[-1][0] if path else culprit(report)
    group.main_frame = main_frame(report, path)
    group.chain = segments(path)


def _where(frame: Frame, package_changed: bool, module: str) -> str:
    file = frame.file or "?"
    text = file[file.rfind("/") + 1 :]
    if package_changed and frame.package and frame.package != "main":
        rel = frame.package
        if module not in ("std", "?") and rel.startswith(module):
            rel = rel[len(module) :].lstrip("/")
        if rel:
            text = f"{rel}/{text}"
    return f"{text}:{frame.line}" if frame.line is not None else text


def format_chain(group: Group) -> str:
    """One line: `module file:line → … (new goroutine) → module file:line Func: message`."""
    parts: list[str] = []
    previous = None
    for segment in group.chain:
        shown: list[tuple[Frame, bool]] = []
        package = None
        for frame in segment.frames:
            shown.append((frame, frame.package != package))
            package = frame.package
        if len(shown) > 3:  # first … last; the last names its package if it differs
            last = shown[-1][0]
            shown = [shown[0], (last, last.package != shown[0][0].package)]
            text = " … ".join(_where(f, changed, segment.module) for f, changed in shown)
        else:
            text = " → ".join(_where(f, changed, segment.module) for f, changed in shown)
        if segment.via_goroutine and parts:
            parts[-1] += " (new goroutine)"
        parts.append(text if segment.module == previous else f"{segment.module} {text}")
        previous = segment.module
    line = " → ".join(parts)
    if not line:
        return headline(group.title, next(iter(group.messages), None))
    message = next(iter(group.messages), None)
    if group.culprit is not None and group.culprit.func:
        func = group.culprit.func
        line += " " + func[func.find(".", func.rfind("/") + 1) + 1 :]
    return f"{line}: {headline(group.title, message)}"


def headline(title: str, message: str | None) -> str:
    """The title with the concrete message back in place of its normalised form."""
    if message is None:
        return title
    body = normalise(message)
    if body and title.endswith(body):
        return title[: len(title) - len(body)] + " ".join(message.split())
    return title
