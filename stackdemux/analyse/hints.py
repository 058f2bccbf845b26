"""Known crashes explained: rules (TOML) matched against a group's crash.

A rule names what to look at and what it means:

    [[rule]]
    id = "nil-map-write"
    title = "Write to a nil map"
    match = { message = ['assignment to entry in nil map'] }
    explanation = "..."
    remedy = "..."
    details = "faulting-frame"   # optional: facts computed from the report

`match` keys, each a regular expression or a list of them (any may match; all
keys given must match): `message` (the concrete message, and the other panics
of the chain), `text` (those and the runtime's context lines, e.g. `signal
arrived during cgo execution`), `title`, `kind` (`panic`, `fatal error`, `race`, …), `function`
and `package` (any frame of the crashing goroutine or its creator line).
`match` may also be a list of such tables, any of which may match (a crash in C
code shows as a runtime's line in gc's output, as C frames in gccgo's).
`details` is one of DETAILS. The shipped rules are `rules.toml` beside this
file; `load_rules(path)` reads a team's own, which come first.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from stackdemux import rx
from stackdemux.analyse.buckets import bucket
from stackdemux.analyse.chains import (
    crash_frames,
    culprit,
    culprit_index,
    external_call,
    is_machinery,
    recovers,
    watchdog_test,
)
from stackdemux.analyse.origins import package_of_file, split_function
from stackdemux.cgo_notes import beginthread_errno, cgo_abort, thread_note, threads_failed
from stackdemux.model import Bucket, Frame, Group, Hint, Report, ReportKind, Signal

MATCH_KEYS = ("message", "text", "title", "kind", "function", "package")


class RulesError(ValueError):
    """A rules file that cannot be used, with the file and rule it is about."""


@dataclass(slots=True)
class Rule:
    id: str
    title: str
    explanation: str
    remedy: str
    # alternatives: the rule matches when all keys of any one table match
    match: list[dict[str, list[re.Pattern[str]]]] = field(default_factory=list)
    details: str | None = None


def _toml(text: str, source: str) -> dict:
    # (imported when a rules file is read: the shipped rules' reading is cached)
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulesError(f"{source}: not valid TOML: {error}") from None


def parse_rules(text: str, source: str = "<rules>") -> list[Rule]:
    """Rules from TOML text; RulesError names the file and rule when one is wrong."""
    return _rules(_toml(text, source), source)


def _rules(data: dict, source: str) -> list[Rule]:
    """Rules from a rules file's tables (parse_rules)."""
    entries = data.get("rule", [])
    if not isinstance(entries, list):
        raise RulesError(f"{source}: expected [[rule]] tables")
    rules = []
    for n, entry in enumerate(entries, 1):
        name = entry.get("id", f"#{n}") if isinstance(entry, dict) else f"#{n}"
        where = f"{source}: rule {name}"
        if not isinstance(entry, dict):
            raise RulesError(f"{where}: expected a table")
        missing = [k for k in ("id", "title", "explanation", "remedy") if not entry.get(k)]
        if missing:
            raise RulesError(f"{where}: missing {', '.join(missing)}")
        match = entry.get("match")
        tables = match if isinstance(match, list) else [match]
        if not tables or not all(isinstance(t, dict) and t for t in tables):
            raise RulesError(f"{where}: needs a match table (or a list of them) with one of "
                             f"{', '.join(MATCH_KEYS)}")
        details = entry.get("details")
        if details is not None and details not in DETAILS:
            raise RulesError(f"{where}: details must be one of {', '.join(DETAILS)}")
        compiled = [_compile_match(table, where) for table in tables]
        rules.append(
            Rule(
                id=str(entry["id"]),
                title=str(entry["title"]),
                explanation=reflow(str(entry["explanation"])),
                remedy=reflow(str(entry["remedy"])),
                match=compiled,
                details=details,
            )
        )
    return rules


def _compile_match(table: dict, where: str) -> dict[str, list[re.Pattern[str]]]:
    unknown = set(table) - set(MATCH_KEYS)
    if unknown:
        raise RulesError(f"{where}: unknown match keys {', '.join(sorted(unknown))}")
    compiled: dict[str, list[re.Pattern[str]]] = {}
    for key, value in table.items():
        patterns = [value] if isinstance(value, str) else value
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise RulesError(f"{where}: match.{key} must be a string or a list of strings")
        try:
            compiled[key] = [rx.compile(p) for p in patterns]
        except rx.REFUSED as error:
            raise RulesError(f"{where}: match.{key}: bad regular expression: {error}") from None
    return compiled


_PARAGRAPH_BREAK = rx.compile(r"\n[ \t]*\n")


def reflow(text: str) -> str:
    """A rule's prose as written in TOML, without the hard line breaks that keep
    the file narrow: each paragraph on one line (blank lines between paragraphs
    stay), so JSON and every renderer get the sentence, not the file's layout."""
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text.strip()))
    return "\n\n".join(p for p in paragraphs if p)


def load_rules(path: str | Path) -> list[Rule]:
    """A team's rules file (same format as the shipped rules.toml)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise RulesError(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:  # (TOML is UTF-8: a binary file given by mistake)
        raise RulesError(f"{path}: not a TOML file: byte {error.start} is not UTF-8") from None
    return parse_rules(text, str(path))


@cache
def shipped_rules() -> tuple[Rule, ...]:
    """rules.toml's rules. Its tables are read once per machine and kept on disk
    as the grammar is (grammar.cached_compile), by a hash of its text: reading
    the TOML (tomllib imported, then parsed) cost each run ~4 ms of the
    analysis of a 20 000-goroutine dump's ~75."""
    from stackdemux.grammar import cached_compile

    text = Path(__file__).with_name("rules.toml").read_text(encoding="utf-8")
    return tuple(_rules(cached_compile("rules", text, lambda: _toml(text, "rules.toml")),
                        "rules.toml"))


# ------------------------------------------------------------------ matching ---


def _frames(report: Report) -> Iterator[Frame]:
    g = report.crashing
    if g is None:
        return
    yield from g.frames
    if g.created_by is not None:
        yield g.created_by.frame


def _texts(key: str, report: Report, group: Group) -> Iterator[str]:
    if key == "message":
        yield report.message
        for link in report.chain:
            yield link.message
    elif key == "text":  # the messages and the runtime's context lines around them
        yield report.message
        for link in report.chain:
            yield link.message
        yield from report.context
    elif key == "title":
        yield group.title
    elif key == "kind":
        yield report.kind.value
    elif key == "function":
        for frame in _frames(report):
            yield frame.func
            cut = frame.func.rfind("/vendor/")
            if cut >= 0:  # GOPATH vendoring: match the vendored package's own name too
                yield frame.func[cut + len("/vendor/") :]
        # a function of a package whose file its unread stacks name (a rule on
        # a package's functions, `^…/boltdb\.`, is all such evidence can meet)
        yield from (f"{p}." for p in _mentioned(report))
    elif key == "package":
        for frame in _frames(report):
            yield frame.package or split_function(frame.func)[0]
        yield from _mentioned(report)


def _mentioned(report: Report) -> list[str]:
    """Packages of the files named among a report's unread stacks (Report.mentions),
    for a report that has no stack of its own to match."""
    if not report.mentions or any(g.frames for g in report.goroutines):
        return []
    return sorted({p for f in report.mentions if (p := package_of_file(f)) is not None})


def matches(rule: Rule, report: Report, group: Group) -> bool:
    return any(all(any(p.search(text) for text in _texts(key, report, group) for p in patterns)
                   for key, patterns in table.items())
               for table in rule.match)


# ------------------------------------------------------------------- details ---


def _at(frame: Frame) -> str:
    """A frame as a fact names it: its function at its place, or what the log kept of the
    two (a file line a paste lost leaves the function alone, not `F at ?`)."""
    where = frame.file and (f"{frame.file}:{frame.line}" if frame.line is not None else frame.file)
    if frame.func:
        return f"{frame.func} at {where}" if where else frame.func
    return where or "?"


def _blocked(report: Report, buckets: list[Bucket]) -> list[str]:
    """Each call path the goroutines are blocked on, with its state and count."""
    out = []
    for b in buckets:
        frames = b.goroutine.frames
        i = culprit_index(frames)
        where = _at(frames[i]) if i is not None else "(no frames)"
        ids = ", ".join(str(n) for n in b.ids[:5]) + (", …" if len(b.ids) > 5 else "")
        waits = ""
        if b.wait_minutes:
            low, high = b.wait_minutes
            waits = f", {low} minutes" if low == high else f", {low}–{high} minutes"
        out.append(f"{b.count} × [{' / '.join(b.states)}{waits}] {where} (goroutine {ids})")
    return out


# go test's watchdog's line: "*** Test killed with quit: ran too long (1m1s)."
_KILLED_AFTER = rx.compile(r"ran too long \(([^()]*)\)")


def _sigquit(report: Report, buckets: list[Bucket]) -> list[str]:
    """Who sent the SIGQUIT where the log says (go test's watchdog), the test it
    stopped, then where the goroutines were blocked."""
    if not report.test_killed:
        return _blocked(report, buckets)
    m = _KILLED_AFTER.search(report.test_killed)
    after = f" after {m.group(1)}" if m else ""
    out = [f"go test's watchdog sent it{after} (`{report.test_killed}`): the test binary "
           "outlived -timeout by a minute, so its own -timeout alarm never ran: a loop that "
           "calls nothing, a call into C, or a stopped world held every thread"]
    g = watchdog_test(report)
    i = culprit_index(g.frames) if g is not None else None
    if g is not None and i is not None:
        out.append(f"the test that hung: {_at(g.frames[i])} (goroutine {g.id}, {g.state})")
    return out + _blocked(report, buckets)


def _recursion(report: Report, buckets: list[Bucket]) -> list[str]:
    """The functions that repeat on the crashing stack, most repeated first."""
    g = report.crashing
    if g is None or not g.frames:
        # (Go prints the runtime's stack, then the goroutine's: a paste cut short,
        # or Go 1.2's, ends before the frames the remedy asks for)
        return ["no stack of the goroutine that overflowed was read, only the runtime's: "
                "its repeating frames are not in the text"]
    counts = Counter(f.func for f in g.frames if not is_machinery(f.func))
    first = {}
    for f in g.frames:
        first.setdefault(f.func, f)
    out = [f"{_at(first[name])} ×{n} on the printed stack"
           for name, n in counts.most_common(3) if n > 1]
    if g.elided_count:
        out.append(f"{g.elided_count} more frames elided")
    elif g.elided:
        out.append("more frames elided")
    return out


def _faulting(report: Report, buckets: list[Bucket]) -> list[str]:
    out = []
    frame = culprit(report)
    frames = crash_frames(report)[0]
    if frame is None and frames:
        out.append(_lost_below(frames))
    elif frame is not None:
        # (blamed for what it had the syscall package call: say through what)
        called = (next(f for f in frames if f.func.startswith("syscall."))
                  if external_call(report, frames) else frame)
        out.append(_at(frame) if called is frame else
                   f"{_at(frame)}, through {_at(called)} into code outside Go")
    s = report.signal
    if s is None:
        return out
    words = " ".join([s.name] + [f"{k}={v}" for k, v in (("code", s.code), ("addr", s.addr),
                                                          ("pc", s.pc)) if v])
    near_zero = _near_zero(s)
    at = earlier_panic(report)
    if at is None:
        out.append(words)
        if near_zero:
            out.append(near_zero)
        elif _NIL_PANIC in report.message and _far(s.addr):
            # (runtime/signal_unix.go's sigpanic: a fault at 0x1000 or above is a
            # panic only with gp.paniconfault; else `unexpected fault address`)
            out.append(f"addr={s.addr} is far from zero: no nil pointer's field but memory that "
                       "is not mapped (unmapped or freed, reached through unsafe.Pointer or C); "
                       "such a fault panics only under debug.SetPanicOnFault")
        return out
    # The signal is the panic's this fatal error cut short, not the error's own
    frames = report.crashing.frames  # type: ignore[union-attr]  (earlier_panic read them)
    deferred = frames[at - 1].func
    raised = next((f for f in frames[at + 1 :] if not is_machinery(f.func)), None)
    out.append(f"thrown while a panic ran: {deferred}, a deferred call, was run by the "
               "`panic(…)` below it on the stack; Go printed no message of that panic "
               "(golang/go#67792)")
    out.append(f"that panic's signal, not this error's: {words}"
               + (f", in {_at(raised)}" if raised is not None else ""))
    if near_zero:
        out.append(f"that panic's {near_zero}")
    return out


def _lost_below(frames: list[Frame]) -> str:
    """What a stack ends in whose culprit was cut off below it (chains.culprit_index
    names none): the code to blame is not in the text."""
    last = frames[-1]
    at = _at(last) if last.file else last.func  # (a paste cut before its file line)
    if last.func == "runtime.cgocall":
        return (f"the stack read ends in cgo's call into C ({at}): the Go code that "
                "made the call, below it, is not in the text")
    if any(f.func in ("panic", "runtime.gopanic") for f in frames):
        # a stack cut after its first frames (a journal's rate limit): the runtime's
        # panic is no faulting frame
        return (f"the stack read ends in the runtime's panic ({at}): the frame that "
                "panicked, below it, is not in the text")
    if recovers(last):
        return (f"the stack read ends in {at}, Kubernetes' crash handler, which printed "
                "the stack of the panic it recovered: the frame that panicked, below it, "
                "is not in the text")
    return (f"the stack read ends in {at}, which raised the panic for its caller: the "
            "caller, below it, is not in the text")


# What a `[signal …]` line goes with: the messages of the panics a fault raises
# (runtime/signal_unix.go's sigpanic: panicmem, panicdivide, panicoverflow,
# panicfloat) and of the fatal errors it raises, and the runtime's context lines
# that say a signal arrived (in C code, in the runtime).
_FAULT = rx.compile(r"nil pointer dereference|integer divide by zero|integer overflow|"
                    r"floating point error|^(runtime error: )?fault$|unexpected signal|"
                    r"unexpected fault address|signal arrived during|^SIG[A-Z]+")


def earlier_panic(report: Report) -> int | None:
    """Where the crashing stack shows the panic (`panic(…)`) a fatal error cut
    short, when the report's `[signal …]` line is that panic's and not the error's.

    Go prints `[signal …]` with whatever crash ends the program while the
    goroutine's signal is set, which a fault sets when it becomes a panic and
    only a recovery clears: a deferred call that throws during that panic
    (`sync: unlock of unlocked mutex`) prints the panic's signal under its own
    message and drops the panic's (golang/go#67792). So: a fatal error whose
    message and context name no fault, with a `panic(…)` frame below the throw.
    None when the signal is the report's own (or there is none).
    """
    if report.signal is None or report.kind is not ReportKind.FATAL_ERROR:
        return None
    texts = [report.message, *(link.message for link in report.chain), *report.context]
    if any(_FAULT.search(text) for text in texts):
        return None
    g = report.crashing
    if g is None:
        return None
    return next((i for i, f in enumerate(g.frames) if i and f.func in ("panic", "runtime.gopanic")),
                None)


# Windows' access violation says what the access was (ExceptionInformation[0],
# which Go prints as the exception's first word after its code: `code=`)
_WINDOWS_ACCESS = {"0x0": "read", "0x1": "written", "0x8": "executed"}


def _near_zero(s: Signal) -> str | None:
    """What a fault at an address near zero says, in the signal's own words:
    pc=0x0 is a jump to address 0 (a call through a null function pointer),
    a small addr= the field at that offset of a nil pointer."""
    if s.pc is not None and _small(s.pc) and s.pc == s.addr:
        return (f"pc={s.pc} is the faulting address: execution jumped to address 0, a call "
                "through a null function pointer (in C code, or a corrupted return address)")
    if s.addr is None or not _small(s.addr):
        return None
    access = "read or written"
    if s.name.lower().startswith("0xc0000005"):  # (Windows: the exception says which)
        access = _WINDOWS_ACCESS.get(s.code or "", access)
    return f"addr={s.addr} is near zero: the field at offset {s.addr} of a nil pointer was {access}"


_NIL_PANIC = "invalid memory address or nil pointer dereference"


def _far(addr: str | None) -> bool:
    """An address past the first page and below the last (where a nil pointer's
    negative offset lands): no nil pointer's field."""
    try:
        return addr is not None and 0x1000 <= int(addr, 16) < 0xFFFF_FFFF_FFFF_F000
    except ValueError:
        return False


def _small(addr: str) -> bool:
    try:
        return int(addr, 16) < 4096
    except ValueError:
        return False


def _accesses(report: Report, buckets: list[Bucket]) -> list[str]:
    """Each access of a data race and the frame of the program's it was made in
    (the remedy asks to look at both: the culprit alone is the first)."""
    out = []
    for access in report.race.accesses if report.race is not None else ():
        who = "main goroutine" if access.goroutine is None else f"goroutine {access.goroutine}"
        i = culprit_index(access.frames)
        if access.stack_lost:
            where = ("the race detector printed `[failed to restore the stack]`: it no longer "
                     "had the stack of this access")
        else:
            where = _at(access.frames[i]) if i is not None else "no frames read"
        out.append(f"{access.operation} by {who}: {where}")
    return out


def _tests(report: Report, buckets: list[Bucket]) -> list[str]:
    return list(report.tests)


def _http(report: Report, buckets: list[Bucket]) -> list[str]:
    return [f"remote address {report.http_remote}"] if report.http_remote else []


# Where the runtime sets up its heap as the process starts (schedinit →
# mallocinit): an allocation refused there is refused before any Go code ran.
_STARTUP = ("runtime.mallocinit", "runtime.schedinit", "runtime.rt0_go")


def _memory(report: Report, buckets: list[Bucket]) -> list[str]:
    """The runtime's lines on what it asked for, and whether it was refused as
    the process started."""
    out = _runtime_notes(report, buckets)
    stacks = [*report.system_stacks, *report.goroutines]
    start = next((f.func for g in stacks for f in g.frames if f.func in _STARTUP), None)
    if start is not None:
        out.append(f"refused as the runtime started ({start} on its stack): no Go code had "
                   "run yet, so no allocation of the program's asked for it")
    return out


def _runtime_notes(report: Report, buckets: list[Bucket]) -> list[str]:
    """The runtime's own `runtime: …` lines before the message: where the GC found
    the bad pointer (the crash's stack is the GC's, not the code that wrote it)."""
    return [line for line in report.context if line.startswith("runtime: ")][:4]


# strerror's words for what pthread_create returned (glibc's and musl's spelling)
_THREAD_ERRNO = {
    "Resource temporarily unavailable": "EAGAIN: a limit on threads or processes was reached",
    "Operation not permitted": "EPERM: a sandbox (seccomp) refused the system call, no limit",
}


def _cgo_thread(report: Report, buckets: list[Bucket]) -> list[str]:
    """What the report's own text says of a thread runtime/cgo could not start: the
    error, the thread that asked, and the goroutines that hold threads."""
    note = cgo_abort(report) or ""
    said = note.rpartition("pthread_create failed: ")[2]
    out = [f"pthread_create said `{said}`"
           + (f" ({_THREAD_ERRNO[said]})" if said in _THREAD_ERRNO else "")]
    threads = threads_failed(report.context)
    if threads > 1:
        out.append(f"{threads} threads failed to start at once: runtime/cgo's lines of them "
                   "are interleaved")
    m = report.signal.m if report.signal is not None else None
    if m:  # (the runtime numbers its threads m=0, 1, … as it starts them)
        out.append(f"the thread that aborted is m={m}: the runtime had started {m + 1} "
                   "threads at least")
    shown = [g for g in report.goroutines if g.id != 0]  # (goroutine 0: a thread's own g0)
    if shown:
        holding = sum(1 for g in shown if g.locked or g.state.startswith(("syscall", "cgo")))
        out.append(f"the dump shows {len(shown)} goroutine{'s' if len(shown) != 1 else ''}, "
                   f"{holding} of them in a system call or locked to a thread")
    else:
        out.append("the dump shows no goroutine of the program's: the runtime printed only the "
                   "aborting thread's")
    return out


# The OS's error numbers a refused thread was reported with, by the runtime's
# file that asked (runtime/os_linux.go's clone, os_windows.go's CreateThread).
_NEWOSPROC_ERRNO = {
    "linux": {"11": "EAGAIN: a limit on threads or processes, or no memory for a thread's stack",
              "12": "ENOMEM: no memory for the thread",
              "22": "EINVAL: clone's arguments refused (reported under emulation layers)"},
    "windows": {"5": "ERROR_ACCESS_DENIED",
                "8": "ERROR_NOT_ENOUGH_MEMORY: no memory (or, in a 32-bit process, address "
                     "space) for the thread's stack",
                "1455": "ERROR_COMMITMENT_LIMIT: the paging file is too small"},
}
_HAVE = rx.compile(r"\(have (\d+) already; errno=(-?\d+)\)")
# The C library's errno where _beginthread refused runtime/cgo a thread on Windows
# (gcc_libinit_windows.c retries EACCES, `"Insufficient resources", try again`)
_BEGINTHREAD_ERRNO = {"11": "EAGAIN: too many threads",
                      "13": "EACCES: insufficient resources, such as memory, for the thread",
                      "22": "EINVAL: the thread's arguments or stack size refused"}


def _thread_create(report: Report, buckets: list[Bucket]) -> list[str]:
    """What the runtime's own lines say of a thread the OS refused it: how many it
    had, the error number (read by the OS its newosproc frame's file names), and
    the runtime's advice where it printed one."""
    note = thread_note(report) or ""
    errno = beginthread_errno(note)
    if errno is not None:  # (runtime/cgo on Windows: the C library's errno, no stack)
        meaning = _BEGINTHREAD_ERRNO.get(errno)
        return [f"errno={errno}" + (f" (the C library's _beginthread: {meaning})" if meaning
                                    else " (the C library's _beginthread)"),
                "runtime/cgo called abort() on Windows and printed no traceback: which "
                "goroutine needed the thread is not in the text"]
    m = _HAVE.search(note)
    if m is None:
        return []
    out = [f"the runtime had {m.group(1)} threads already"]
    files = [f.file or "" for g in (*report.system_stacks, *report.goroutines)
             for f in g.frames if f.func == "runtime.newosproc"]
    system = next((name for file in files for name in _NEWOSPROC_ERRNO
                   if f"/os_{name}" in file or f"/os1_{name}" in file), None)
    meaning = _NEWOSPROC_ERRNO.get(system or "", {}).get(m.group(2))
    out.append(f"errno={m.group(2)}" + (f" ({system}: {meaning})" if meaning else
                                        f" (on {system})" if system else ""))
    out += [line.removeprefix("runtime: ") for line in report.context
            if line.startswith("runtime: may need to ")]
    return out


# A GOROOT's path element that names its release (`1.24.0`, `go-1.19`, `go1.22.6`,
# `toolchain@v0.0.1-go1.24.1.linux-arm64`)
_RELEASE = rx.compile(r"(?:^|[/@-])(?:go-?)?1\.(\d{1,3})(?:\.\d+)?(?:[./-][^/]*)?(?:/|$)")
# Where each release keeps wasm_exec.js (moved from misc/wasm to lib/wasm in Go 1.24)
_WASM_LIB = 24


def _wasm_exec(report: Report, buckets: list[Bucket]) -> list[str]:
    """Where the GOROOT the frames name keeps its wasm_exec.js: the file to load."""
    files = [f.file or "" for f in _frames(report)]
    root = next((file.partition("/src/syscall/")[0] for file in files
                 if "/src/syscall/" in file), None)
    if not root:
        return []
    m = _RELEASE.search(root)
    if m is None:
        return [f"the frames name GOROOT {root}: its wasm_exec.js is in lib/wasm (Go 1.24 on) "
                "or misc/wasm (before)"]
    minor = int(m.group(1))
    where = "lib/wasm" if minor >= _WASM_LIB else "misc/wasm"
    return [f"the frames name GOROOT {root}, Go 1.{minor}'s: load its {where}/wasm_exec.js"]


_PLUGIN_PACKAGE = rx.compile(r"plugin was built with a different version of package (\S+)")


def _plugin_package(report: Report, buckets: list[Bucket]) -> list[str]:
    """The package plugin.Open found built differently, and what that says."""
    m = _PLUGIN_PACKAGE.search(report.message)
    if m is None:
        return []
    package = m.group(1)
    if "." in package.partition("/")[0]:  # (an import path's first element has a dot)
        return [f"{package}: built from another version of its module in the plugin than in "
                "the program (or with other flags)"]
    return [f"{package} is in Go's standard library: the plugin and the program were built by "
            "different Go releases (or with other flags)"]


def _illegal_instruction(report: Report, buckets: list[Bucket]) -> list[str]:
    """The bytes Go printed at the faulting PC, and whether the PC is Go's code."""
    s = report.signal
    pc = f" at pc={s.pc}" if s is not None and s.pc else ""
    out = [f"instruction bytes{pc}:{line.partition(':')[2]}" for line in report.context
           if line.startswith("instruction bytes:")][:1]
    return out + _unknown_pc(report)


def _unknown_pc(report: Report) -> list[str]:
    """runtime's `unknown pc` line: the faulting PC is in no Go function."""
    s = report.signal
    if s is None or not s.pc or not any(line.endswith(f"unknown pc {s.pc}")
                                        for line in report.context):
        return []
    return [f"the runtime found no Go function at pc={s.pc} (`runtime: unknown pc`): the "
            "instruction is in code outside Go (C code, a DLL) or is no code at all"]


# Windows' ExceptionInformation[0] of an access violation
_WINDOWS_DOING = {"0x0": "read", "0x1": "write", "0x8": "execute"}


def _windows_exception(report: Report, buckets: list[Bucket]) -> list[str]:
    """Go's `Exception CODE A B PC` line of an access violation read in Windows' terms."""
    s = report.signal
    if s is None:
        return []
    doing = _WINDOWS_DOING.get(s.code or "", f"access ({s.code})")
    jumped = s.pc is not None and s.pc == s.addr
    out = [f"the thread tried to {doing} address {s.addr}"
           + (" (the faulting instruction's own address)" if jumped else f" at pc={s.pc}")]
    if not any(line.startswith("signal arrived during") for line in report.context):
        # (a crash in cgo's C code gets the cgo-signal hint, whose facts say these)
        if (near := _near_zero(s)) is not None:
            out.append(near)
        elif jumped:
            out.append(f"execution jumped to {s.pc}, where there is no code to run: a call "
                       "through a corrupted function value or return address")
    return out + _unknown_pc(report)


DETAILS: dict[str, Callable[[Report, list[Bucket]], list[str]]] = {
    "thread-create": _thread_create,
    "cgo-thread": _cgo_thread,
    "blocked-goroutines": _blocked,
    "sigquit": _sigquit,
    "recursion": _recursion,
    "faulting-frame": _faulting,
    "race-accesses": _accesses,
    "running-tests": _tests,
    "http-remote": _http,
    "runtime-notes": _runtime_notes,
    "memory": _memory,
    "wasm-exec": _wasm_exec,
    "plugin-package": _plugin_package,
    "illegal-instruction": _illegal_instruction,
    "windows-exception": _windows_exception,
}


def hints(
    group: Group,
    report: Report,
    rules: list[Rule] | tuple[Rule, ...] | None = None,
    buckets: list[Bucket] | None = None,
) -> list[Hint]:
    """The hints of every rule that matches the group's representative report."""
    out = []
    for rule in shipped_rules() if rules is None else rules:
        if not matches(rule, report, group):
            continue
        details: list[str] = []
        if rule.details:
            known = buckets if buckets is not None else bucket(report)
            details = DETAILS[rule.details](report, known)
        packages = _mentioned(report)
        if packages and any("function" in t or "package" in t for t in rule.match):
            # said, since it is weaker evidence than a frame
            details.insert(0, "matched on the files named among its unread stacks, in "
                           + ", ".join(packages))
        out.append(Hint(rule.id, rule.title, rule.explanation, rule.remedy, details))
    return out
