"""Tee mode: pass a build's output through unchanged while keeping only what can hold a crash.

    make 2>&1 | stackdemux --tee -f github

Input bytes go to `out` as they arrive (one write and flush per chunk, never
re-encoded), so the build log reads as without stackdemux. Memory stays
bounded on a long log with few crashes: a line is kept only when the
traceback line classifier (`keep`) accepts it, together with a few lines of
context before and after; ordinary build output is dropped. A chunk in which
no traceback marker occurs at all is not split into lines beyond its last
few (a bulk pre-filter at C speed).

What is kept comes back as a `Capture`: segments of consecutive input lines
with their line numbers, which `to_bytes()` joins into a small log for the
parser and `remap()` maps back so every line number in the analysis is the
one in the full input.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from .model import Analysis, Frame, Goroutine, Source, Span

# Every Go traceback holds at least one line containing one of these (a header,
# a frame's file line, a race or test marker), and a frame's call line is
# always followed by its file line: a chunk without any of them cannot start a
# traceback, so only its last lines (as context) are kept. A necessary
# condition for the classifier, not syntax: `keep` decides.
MARKERS: tuple[bytes, ...] = (
    b"goroutine ",
    b".go:",
    b".s:",
    b"?:0",
    b"panic",
    b"fatal error",
    b"SIG",
    b"DATA RACE",
    b"--- FAIL",
    b"FAIL\t",
    b"exit status",
    b"created by",
    b"runtime",
    b"frames elided",
)


def has_marker(chunk: bytes) -> bool:
    return any(m in chunk for m in MARKERS)


def grammar_keep() -> Callable[[str], bool]:
    """Keep lines the traceback grammar classifies (blank lines only as context)."""
    from .grammar import line_grammar

    classify = line_grammar().classify

    def keep(line: str) -> bool:
        kind, _ = classify(line)
        return kind is not None and kind != "blank"

    return keep


@dataclass(slots=True)
class Segment:
    first: int  # input line number (1-based) of lines[0]
    lines: list[bytes] = field(default_factory=list)  # without their "\n"


@dataclass(slots=True)
class Capture:
    """What the tee kept: enough to analyse, with the input's line numbers."""

    segments: list[Segment]
    total_lines: int
    total_bytes: int
    truncated_lines: int = 0  # kept lines cut at `max_line` bytes
    # A blank line between segments keeps a tee's context-bounded segments from
    # merging; the sieve's windows end in ordinary lines and need none.
    separated: bool = True

    @property
    def kept_lines(self) -> int:
        return sum(len(s.lines) for s in self.segments)

    def to_bytes(self) -> bytes:
        """Kept lines as one log; a blank line between segments so tracebacks never merge."""
        if not self.segments:
            return b""
        glue = b"\n\n" if self.separated else b"\n"
        return glue.join(b"\n".join(s.lines) for s in self.segments) + b"\n"

    def line_map(self) -> Callable[[int], int]:
        """Line n of `to_bytes()` → its line in the full input (a separator: the line after)."""
        starts, firsts = [], []
        n = 1
        for s in self.segments:
            starts.append(n)
            firsts.append(s.first)
            n += len(s.lines) + self.separated  # + the separator

        def original(line: int) -> int:
            i = bisect.bisect_right(starts, line) - 1
            if i < 0:
                return line
            return firsts[i] + (line - starts[i])

        return original

    def remap(self, analysis: Analysis, gaps: bool = True) -> Analysis:
        """Rewrite the line numbers of an analysis of `to_bytes()` to the full
        input's, in place; the lines no segment kept join the noise (`gaps`)."""
        to = self.line_map()

        def span(s: Span | None) -> Span | None:
            return None if s is None else (to(s[0]), to(s[1]))

        def frames(fs: Iterable[Frame]) -> None:
            if "input_lines" in Frame.__dataclass_fields__:  # not every model version has them
                for f in fs:
                    f.input_lines = span(f.input_lines)  # type: ignore[attr-defined]

        def goroutine(g: Goroutine) -> None:
            g.input_lines = span(g.input_lines)
            frames(g.frames)
            if g.created_by is not None:
                frames([g.created_by.frame])
            for a in g.ancestors:
                frames(a.frames)

        for r in analysis.reports:
            r.lines = [span(s) for s in r.lines]
            for g in [*r.goroutines, *r.system_stacks]:
                goroutine(g)
            if r.race is not None:
                for acc in r.race.accesses:
                    frames(acc.frames)
                for g in r.race.creators:
                    goroutine(g)
        analysis.noise = _merged([*(span(s) for s in analysis.noise),
                                  *(self.gaps() if gaps else ())])
        for d in analysis.diagnostics:
            d.lines = [span(s) for s in d.lines]
        for s in analysis.streams:
            s.numbers = [to(n) for n in s.numbers]
            s.pieces = {i: [(to(n), a, b) for n, a, b in ps] for i, ps in s.pieces.items()}
        analysis.total_lines = self.total_lines
        return analysis


    def regions(self, gap: int) -> list[tuple[int, int]]:
        """[start, end) ranges of `to_bytes()` lines (0-based; a capture without
        separators) whose segments lie less than `gap` input lines apart."""
        out: list[tuple[int, int]] = []
        at, end = 0, None  # end: the input line after the last segment
        for s in self.segments:
            n = len(s.lines)
            if out and end is not None and s.first - end < gap:
                out[-1] = (out[-1][0], at + n)
            else:
                out.append((at, at + n))
            at += n
            end = s.first + n
        return out

    def gaps(self) -> list[Span]:
        """The input lines no segment kept: noise that was only counted."""
        out: list[Span] = []
        n = 1
        for s in self.segments:
            if s.first > n:
                out.append((n, s.first - 1))
            n = s.first + len(s.lines)
        if self.total_lines >= n:
            out.append((n, self.total_lines))
        return out


def _merged(spans: Iterable[Span | None]) -> list[Span]:
    out: list[Span] = []
    for a, b in sorted(s for s in spans if s is not None):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


class Tee:
    """Copy input to `out` unchanged; keep traceback lines (and context) for the analysis."""

    def __init__(
        self,
        out: BinaryIO | None,
        keep: Callable[[str], bool],
        *,
        context: int = 16,
        prefilter: Callable[[bytes], bool] | None = has_marker,
        max_line: int = 1 << 20,
    ) -> None:
        self.out = out
        self.keep = keep
        self.context = context
        self.prefilter = prefilter
        self.max_line = max_line
        self.segments: list[Segment] = []
        self.before: deque[tuple[int, bytes]] = deque(maxlen=context)  # recent dropped lines
        self.after = 0  # lines still to keep after the last kept one
        self.line_no = 0  # lines completed so far
        self.partial = bytearray()  # the unfinished last line
        self.partial_len = 0  # its full length (beyond max_line it is not stored)
        self.total_bytes = 0
        self.truncated = 0

    # ------------------------------------------------------------ input side --

    def feed(self, chunk: bytes) -> None:
        if not chunk:
            return
        if self.out is not None:
            try:
                self.out.write(chunk)
                self.out.flush()
            except BrokenPipeError:
                # The reader went away (`| head`): stop copying, keep analysing.
                self.out = None
        self.total_bytes += len(chunk)
        last_nl = chunk.rfind(b"\n")
        if last_nl < 0:
            self._grow_partial(chunk)
            return
        if (
            self.prefilter is not None
            and self.after == 0
            and not self.prefilter(bytes(self.partial) + chunk[:last_nl])
        ):
            self._skip(chunk, last_nl)
        else:
            lines = chunk[:last_nl].split(b"\n")
            lines[0] = self._take_partial(lines[0])
            for line in lines:
                self._line(line)
        self.partial.clear()
        self.partial_len = 0
        self._grow_partial(chunk[last_nl + 1 :])

    def _grow_partial(self, piece: bytes) -> None:
        room = self.max_line - len(self.partial)
        if room > 0:
            self.partial += piece[:room]
        self.partial_len += len(piece)

    def _take_partial(self, head: bytes) -> bytes:
        return bytes(self.partial) + head if self.partial else head

    def _skip(self, chunk: bytes, last_nl: int) -> None:
        """A chunk with no traceback marker: count its lines, keep only the last few as context."""
        count = chunk.count(b"\n", 0, last_nl + 1)
        first = self.line_no + 1
        self.line_no += count
        tail_from = max(count - self.context, 0)
        if tail_from == 0:
            lines = chunk[:last_nl].split(b"\n")
            lines[0] = self._take_partial(lines[0])
        else:
            # Only the last `context` lines: find them from the end, no full split.
            start = last_nl
            for _ in range(self.context):
                start = chunk.rfind(b"\n", 0, start)
            lines = chunk[start + 1 : last_nl].split(b"\n")
        base = first + (count - len(lines))
        for i, line in enumerate(lines):
            self.before.append((base + i, line[: self.max_line]))

    def _line(self, line: bytes) -> None:
        self.line_no += 1
        if len(line) >= self.max_line:  # a 100 MB line is kept as its first MiB
            line = line[: self.max_line]
            self.truncated += 1
        if self.keep(line.decode("utf-8", "replace")):
            self._emit_before()
            self._append(self.line_no, line)
            self.after = self.context
        elif self.after > 0:
            self._append(self.line_no, line)
            self.after -= 1
        else:
            self.before.append((self.line_no, line))

    def _emit_before(self) -> None:
        while self.before:
            n, line = self.before.popleft()
            self._append(n, line)

    def _append(self, n: int, line: bytes) -> None:
        seg = self.segments[-1] if self.segments else None
        if seg is None or seg.first + len(seg.lines) != n:
            seg = Segment(first=n)
            self.segments.append(seg)
        seg.lines.append(line)

    # ----------------------------------------------------------- output side --

    def close(self) -> Capture:
        """The last unterminated line, then what was kept."""
        if self.partial_len:
            self._line(bytes(self.partial))
            self.partial.clear()
            self.partial_len = 0
        return Capture(self.segments, self.line_no, self.total_bytes, self.truncated)

    def run(self, source: BinaryIO, chunk_size: int = 1 << 16) -> Capture:
        """Copy `source` to the end, chunk by chunk as it arrives (read1: no waiting to fill)."""
        read = getattr(source, "read1", source.read)
        while True:
            chunk = read(chunk_size)
            if not chunk:
                break
            self.feed(chunk)
        return self.close()


class TeeSource(Source):
    """The kept lines as a Source for the pipeline, with the Capture to map line numbers back.

    Its lines are the capture's (`to_bytes()`), numbered compactly: after
    analysing it, call `source.capture.remap(analysis)` so the report cites the
    full input's line numbers.
    """

    capture: Capture


def tee_stdin(chunk_size: int = 1 << 16) -> Source:
    """`--tee`: copy stdin to stdout as it arrives; return what to analyse.

    What is kept is the sieve's windows (sieve.py), not `Tee`'s: the sieve
    finds a traceback behind a collector's prefix too (`app-1  | goroutine 7
    [running]:`), which a line classifier run on whole lines never reads, so a
    `docker compose` or `concurrently` log piped through --tee lost every
    crash. Its windows go through the pipeline as a big log's do. A log in
    UTF-16 (PowerShell 5's `>`), which the sieve's searches for UTF-8 bytes
    cannot read, is kept whole."""
    import sys

    from .ingest import decode_lines, ingest, stdin_buffer, utf16_codec
    from .sieve import Sieve

    out = sys.stdout.buffer if sys.stdout is not None else None
    chunks = passed_through(stdin_buffer(), out, chunk_size)
    first = next(chunks, b"")
    if utf16_codec(first):
        return ingest(first + b"".join(chunks), "<stdin>")
    sieve = Sieve()
    sieve.feed(first)
    for chunk in chunks:
        sieve.feed(chunk)
    capture = sieve.close()
    plain = decode_lines(capture.to_bytes(), "<stdin>")
    teed = TeeSource(
        name=plain.name,
        lines=plain.lines,
        size=capture.total_bytes,
        crlf=plain.crlf,
        decode_errors=plain.decode_errors,
        nul_bytes=plain.nul_bytes,
    )
    teed.capture = capture
    return teed


def passed_through(source: BinaryIO, out: BinaryIO | None,
                   chunk_size: int = 1 << 16) -> Iterator[bytes]:
    """The chunks of `source` as they arrive (read1: no waiting to fill), each
    written to `out` first."""
    read = getattr(source, "read1", source.read)
    while chunk := read(chunk_size):
        if out is not None:
            try:
                out.write(chunk)
                out.flush()
            except BrokenPipeError:
                out = None  # the reader went away (`| head`): stop copying, keep analysing
        yield chunk
