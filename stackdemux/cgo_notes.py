"""runtime/cgo's last words: the line the C half of the runtime prints before abort().

A cgo-enabled program that cannot start an OS thread dies in C, not in Go:
runtime/cgo prints `runtime/cgo: pthread_create failed: <strerror>` and calls
abort(), and the Go runtime's signal handler prints `SIGABRT: abort` and the
goroutines. The SIGABRT says only how the process ended; the line above it says
why, and is what a person reads as the crash. It is traceback.lark's
`runtime_note` (a `runtime/cgo: ` line: the parser keeps it as the report's
context, as it keeps `runtime: ` lines), or, quoted at the end of a tool's own
line (a kubelet event's `Error: … runc did not terminate sucessfully:
runtime/cgo: …`), its `cgo_note_quoted`, read only on the line just above a
`SIGABRT: abort`.
"""

from __future__ import annotations

import re
from functools import cache

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


def cgo_abort(report: Report) -> str | None:
    """The runtime/cgo line that says why a signal dump's SIGABRT was raised
    (abort_note), or None: no such line, or another signal."""
    s = report.signal
    if (report.kind is not ReportKind.SIGNAL_DUMP or s is None or s.name != "SIGABRT"
            or not report.context):
        return None
    return abort_note(report.context)
