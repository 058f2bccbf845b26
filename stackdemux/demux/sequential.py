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
(or the reverse), no report cut short, no goroutine id twice in one report (but
for one that another thread printed as running elsewhere before it threw too),
no goroutine without a stack, one toolchain per report, and no traceback line
left over as noise. Processes that took turns only between whole reports
are separated by that reading too; anything else goes to the separator.
Logs are cut, though: a stream may begin inside a report (`kubectl logs
--tail`, a rotated file), whose remains before the first report are let be,
and its last report may lack only what would have followed the last line
(the log was copied while the process was still printing).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace
from functools import lru_cache
from itertools import pairwise
from operator import attrgetter

from ..grammar import MAX_LINE
from ..model import Goroutine, Report, ReportKind, Stream
from ..parse import HEADLESS, STACKED_KINDS, ParseResult, classify, read_and_keep_unless
from .interleave import goroot


# Files are interned by the parser: a few hundred distinct paths stand for
# every frame of a restarting container's crashes.
@lru_cache(maxsize=4096)
def _goroot(file: str | None) -> str | None:
    return goroot(file) if file else None

_FILE = attrgetter("file")

# Noise texts whose reading is kept before they are let go, all at once.
_KEPT_READINGS = 1 << 14

# Lines that only a traceback prints: left as noise, they were cut from a
# report by another process's lines.
_STRUCTURAL = frozenset({"goroutine_header", "frame_call", "frame_file", "created_by",
                         "stack_unavailable"})


def reports_follow_one_another(stream: Stream) -> bool:
    """True when the parser's reading of `stream` as one process is proof enough
    that no report in it holds another process's lines."""
    # (the parse that follows demultiplexing takes the reading; given up at the
    # first report another process's lines cut into: 8 services' unprefixed log
    # shows one at its 7th line, where the whole parse of 12 MB took 75 ms)
    result = read_and_keep_unless(stream, _CutInto(stream))
    if result is None:
        return False
    reports = result.reports
    if reports and reports[0].incomplete_reason == HEADLESS and len(reports) > 1:
        reports = reports[1:]  # the end of a report the stream began inside
    if not reports or not all(_whole(r) or _thrown_at_once(r, nxt, stream)
                              for r, nxt in pairwise(reports)):
        stream._parsed = None
        return False
    last = reports[-1]
    begins = reports[0].lines[0][0] if reports[0].lines else 0
    if (not ((_whole(last) and not result.diagnostics) or _cut_by_the_end(last, result, stream))
            or _traceback_lines_in(result.noise, stream, after=begins)):
        stream._parsed = None
        return False
    # Read: its joined text (a copy of the stream) is let go now, not after every
    # other stream has been read too.
    stream._joined = None
    return True


class _CutInto:
    """Asked by the parser as it reads each report: whether a report that another
    follows fails the test above (neither whole nor thrown at once with the next),
    which no later line can change: the answer is no then, whatever comes after.
    A report awaiting its next thread's section (the parser may read on into it)
    is not judged; nor the stream's first where the stream begins inside it."""

    def __init__(self, stream: Stream) -> None:
        self.stream = stream
        self.judged = 0  # reports judged with the one after them

    def __call__(self, reports: list[Report], awaiting: list[Report]) -> bool:
        while self.judged + 1 < len(reports):
            k = self.judged
            report, after = reports[k], reports[k + 1]
            self.judged += 1
            if any(a is report for a in awaiting):
                continue
            if k == 0 and report.incomplete_reason == HEADLESS:
                continue  # (left out of the test when others follow, as they do)
            if not (_whole(report) or _thrown_at_once(report, after, self.stream)):
                return True
        return False


def _thrown_at_once(report: Report, after: Report, stream: Stream) -> bool:
    """Two threads that throw at once print `fatal error: …` each, on lines one
    after the other, and one dump (two goroutines writing one map, in the
    corpus): the first report has no stack of its own, and was cut by nothing."""
    if (report.kind is not ReportKind.FATAL_ERROR or after.kind is not ReportKind.FATAL_ERROR
            or report.goroutines or not report.lines or not after.lines):
        return False
    numbers = stream.numbers
    i = bisect_left(numbers, report.lines[-1][1])
    return i + 1 < len(numbers) and numbers[i + 1] == after.lines[0][0]


def _cut_by_the_end(report: Report, result: ParseResult, stream: Stream) -> bool:
    """The last report, cut short where the log ends (a log copied or tailed
    while the process was still printing): whole but for the frame or the
    goroutine its last line begins. Two processes crashing together at the
    end leave other marks (ids twice, a frame without its file line inside)."""
    end = stream.numbers[-1] if stream.numbers else None
    if end is None or not report.lines or report.lines[-1][1] != end:
        return False
    if any(not d.lines or d.lines[-1][1] != end for d in result.diagnostics):
        return False  # something wrong before the last line
    goroutines = report.goroutines
    if goroutines and not goroutines[-1].frames and not goroutines[-1].unavailable:
        goroutines = goroutines[:-1]  # cut right after its header
    # cut before its first stack: nothing in it can show a second process
    return not goroutines or _whole(replace(report, complete=True, goroutines=goroutines))


# A crash report prints its goroutines (unless GOTRACEBACK=none: rare enough
# to leave to the separator); one that has none was cut short by another
# process's report.
_WITH_STACKS = STACKED_KINDS
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
    seen: dict[int, Goroutine] = {}
    files: set[str | None] = set()
    for g in report.goroutines:
        first = seen.get(g.id)
        # Every M's g0 is goroutine 0 (GOTRACEBACK=crash). And when two threads
        # throw at once, the first prints the other's goroutine as running with
        # its stack unavailable, then the other prints that goroutine's stack.
        if first is not None and g.id != 0 and not (first.unavailable and not first.frames
                                                     and g.frames):
            return False
        seen[g.id] = g
        # (a g0 with no frames is whole: Go 1.4-1.6's signal dump prints each
        # thread's `goroutine 0 [idle]:` so)
        if not g.frames and not g.unavailable and g.id != 0:
            return False
        files.update(map(_FILE, g.frames))
    roots = set(map(_goroot, files))  # (a report's files: a few, whatever its goroutines)
    roots.discard(None)
    # a -trimpath build prints `runtime/proc.go` where another prints
    # `/usr/lib/go/src/runtime/proc.go`: one binary never prints both
    trimmed = "" in roots
    roots.discard("")
    return len(roots) <= 1 and not (trimmed and roots)


def _traceback_lines_in(noise: list[tuple[int, int]], stream: Stream, after: int = 0) -> bool:
    """Whether a traceback-only line was left as noise after input line `after`
    (before the first report: the end of one the log began in the middle of)."""
    noise = [(max(a, after + 1), b) for a, b in noise if b > after]
    if not noise:
        return False
    numbers, texts = stream.numbers, stream.texts
    # a crash loop's noise is the same few lines over and over: each text read once
    structural: dict[str, bool] = {}
    for a, b in noise:
        # a stream's input line numbers ascend: its lines in [a, b] are one run
        for i in range(bisect_left(numbers, a), bisect_left(numbers, b + 1)):
            text = texts[i]
            found = structural.get(text)
            if found is None:
                if len(structural) >= _KEPT_READINGS:
                    structural.clear()
                m = classify(text) if len(text) <= MAX_LINE else None
                found = structural[text] = m is not None and m.lastgroup in _STRUCTURAL
            if found:
                return True
    return False
