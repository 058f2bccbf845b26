"""The runtime's last words where the OS refused it a thread: the line runtime/cgo
prints before abort(), or the runtime's own before `fatal error: newosproc`.

A cgo-enabled program that cannot start an OS thread dies in C, not in Go:
runtime/cgo prints `runtime/cgo: pthread_create failed: <strerror>` and calls
abort(), and the Go runtime's signal handler prints `SIGABRT: abort` and the
goroutines. The SIGABRT says only how the process ended; the line above it says
why, and is what a person reads as the crash. It is traceback.lark's
`runtime_note` (a `runtime/cgo: ` line: the parser keeps it as the report's
context, as it keeps `runtime: ` lines), or, quoted at the end of a tool's own
line (a kubelet event's `Error: … runc did not terminate sucessfully:
runtime/cgo: …`), its `cgo_note_quoted`, read only on the line just above a
`SIGABRT: abort`. Threads that failed at once interleave their writes of
the line (`runtime/cgo: runtime/cgo: <message>`, then the other's message
alone): the parser takes the messages left on lines of their own as context too.

A program without cgo (and any on Windows, where the runtime calls CreateThread
itself) is refused a thread in Go's own code: `runtime: failed to create new OS
thread (have N already; errno=E)` and `fatal error: newosproc` (thread_note).
"""

from __future__ import annotations

import re
from functools import cache

from . import rx
from .model import Report, ReportKind

PREFIX = "runtime/cgo: "


@cache
def _quoted() -> re.Pattern[str]:
    from .grammar import COMPILER_VERSION, cached_compile, compile_rule, grammar_text

    text = grammar_text("traceback.lark")
    source = cached_compile("cgo_note_quoted", text + COMPILER_VERSION,
                            lambda: compile_rule(text, "cgo_note_quoted",
                                                 keep_terminals={"CGO_QUOTER", "CGO_NOTE"})[0])
    return re.compile(source)


def quoted_note(text: str) -> str | None:
    """The `runtime/cgo: …` line a tool's line ends with, from its prefix on;
    None when it ends with none."""
    if PREFIX not in text:  # (most lines: no regex run)
        return None
    m = _quoted().fullmatch(text)
    return PREFIX + m.group("cgo_note_quoted__cgo_note") if m is not None else None


def abort_note(context: list[str]) -> str | None:
    """The last `runtime/cgo: …` line among a report's context lines, as runtime/cgo
    wrote it: after the last `runtime/cgo: ` of the line, since two threads that
    failed at once may have interleaved their writes of it (fatalf writes the
    prefix, the message and the newline apart). None when there is none."""
    for line in reversed(context):
        if line.startswith(PREFIX):
            return PREFIX + line[line.rfind(PREFIX) + len(PREFIX):]
    return None


def writers(note: str) -> int:
    """How many threads wrote the `runtime/cgo: ` prefixes a note line begins
    with: n threads failing at once write n prefixes in a row, then one's
    message; the others' messages follow on lines of their own."""
    n = 0
    while note.startswith(PREFIX, n * len(PREFIX)):
        n += 1
    return n


def threads_failed(context: list[str]) -> int:
    """How many threads' notes the last `runtime/cgo: …` line among a report's
    context lines interleaves (writers); 0 where there is none."""
    line = next((line for line in reversed(context) if line.startswith(PREFIX)), "")
    return writers(line)


# Go's runtime starting a thread itself (without cgo, or on Windows) says so when
# the OS refuses: `runtime: failed to create new OS thread (have N already;
# errno=E)`, then `fatal error: newosproc` (`runtime.newosproc` on Windows and
# OpenBSD).
THREAD_NOTE = "runtime: failed to create new OS thread"
_NEWOSPROC = frozenset(("newosproc", "runtime.newosproc"))
# runtime/cgo on Windows starts a thread with the C library's _beginthread and, refused,
# prints the C library's errno and calls abort() (gcc_libinit_windows.c): that line
# alone, no fatal error and no traceback, is the whole report.
_BEGINTHREAD_NOTE = rx.compile(re.escape(THREAD_NOTE) + r" \((\d+)\)")


def beginthread_errno(line: str) -> str | None:
    """The C library's errno a Windows cgo program's line of a refused thread
    says, `13` of `runtime: failed to create new OS thread (13)`; None for any
    other line."""
    m = _BEGINTHREAD_NOTE.fullmatch(line)
    return m.group(1) if m is not None else None


def thread_note(report: Report) -> str | None:
    """The runtime's line that says the OS refused it a thread, above a fatal
    error `newosproc`; None for any other report."""
    if report.kind is not ReportKind.FATAL_ERROR:
        return None
    if report.message not in _NEWOSPROC:  # (runtime/cgo's on Windows is its own message)
        return report.message if beginthread_errno(report.message) is not None else None
    return next((line for line in report.context if line.startswith(THREAD_NOTE)), None)


def refused_thread(report: Report) -> str | None:
    """The line that says why the process died where the OS refused it a thread,
    by runtime/cgo (cgo_abort) or by the runtime (thread_note): the crash a
    person reads, in C or the scheduler; which goroutine needed the thread is
    chance. None for any other report."""
    return cgo_abort(report) or thread_note(report)


def cgo_abort(report: Report) -> str | None:
    """The runtime/cgo line that says why a signal dump's SIGABRT was raised
    (abort_note), or None: no such line, or another signal."""
    s = report.signal
    if (report.kind is not ReportKind.SIGNAL_DUMP or s is None or s.name != "SIGABRT"
            or not report.context):
        return None
    return abort_note(report.context)
