"""A stream whose reports follow one another whole needs no separation.

A container restarted in a loop prints crash after crash behind one compose
prefix. Its goroutine ids repeat from report to report, so the cheap test
(`needs_separation`) sends the stream on to the separator, which weighs every
line against every open report: hundreds of µs a line, where the parser reads
one at C speed. It is asked only of streams whose prefix names one container
or process (demux/__init__.py): in an unprefixed log, processes that print in
bursts meet at report boundaries often enough to fool it.

So the parser reads the stream first, and its reading stands when it shows
no sign of a second process inside a report: no frame without its file line
(or the reverse), no report cut short, no goroutine id twice in one report,
no goroutine without a stack, one toolchain per report, and no traceback line
left over as noise. Processes that took turns only between whole reports
are separated by that reading too; anything else goes to the separator.
"""

from __future__ import annotations

from ..grammar import MAX_LINE, line_grammar
from ..model import Report, ReportKind, Stream
from ..parse import read_and_keep
from .interleave import goroot

# Lines that only a traceback prints: left as noise, they were cut from a
# report by another process's lines.
_STRUCTURAL = frozenset({"goroutine_header", "frame_call", "frame_file", "created_by",
                         "stack_unavailable"})


def reports_follow_one_another(stream: Stream) -> bool:
    """True when the parser's reading of `stream` as one process is proof enough
    that no report in it holds another process's lines."""
    result = read_and_keep(stream)  # the parse that follows demultiplexing takes it
    if (result.diagnostics or not result.reports or not all(_whole(r) for r in result.reports)
            or _traceback_lines_in(result.noise, stream)):
        stream._parsed = None
        return False
    return True


# A crash report prints its goroutines (unless GOTRACEBACK=none: rare enough
# to leave to the separator); one that has none was cut short by another
# process's report.
_WITH_STACKS = frozenset({ReportKind.PANIC, ReportKind.FATAL_ERROR, ReportKind.SIGNAL_DUMP})
# How a fatal error's crashing goroutine begins; a panic never shows one.
_THROWS = ("runtime.throw", "runtime.fatal", "internal/runtime/maps.fatal")


def _whole(report: Report) -> bool:
    if not report.complete:
        return False
    if not report.goroutines and report.kind in _WITH_STACKS:
        return False
    if report.kind is ReportKind.PANIC and any(
            g.frames and g.frames[0].func.startswith(_THROWS) for g in report.goroutines):
        return False
    ids: set[int] = set()
    roots: set[str] = set()
    for g in report.goroutines:
        if g.id in ids and g.id != 0:  # every M's g0 is goroutine 0 (GOTRACEBACK=crash)
            return False
        ids.add(g.id)
        if not g.frames and not g.unavailable:
            return False
        for f in g.frames:
            root = goroot(f.file) if f.file else None
            if root:
                roots.add(root)
    return len(roots) <= 1


def _traceback_lines_in(noise: list[tuple[int, int]], stream: Stream) -> bool:
    if not noise:
        return False
    match = line_grammar().match
    where: dict[int, int] = {}
    for i, n in enumerate(stream.numbers):
        where.setdefault(n, i)
    texts = stream.texts
    for a, b in noise:
        for n in range(a, b + 1):
            i = where.get(n)
            if i is None:
                continue
            text = texts[i]
            m = match(text) if len(text) <= MAX_LINE else None
            if m is not None and m.lastgroup in _STRUCTURAL:
                return True
    return False
