"""Tee mode: pass a build's output through unchanged while keeping only what can hold a crash.

    make 2>&1 | stackdemux --tee -f github

Input bytes go to stdout as they arrive (one write and flush per chunk, never
re-encoded), so the build log reads as without stackdemux. Memory stays
bounded on a long log with few crashes: the sieve (sieve.py) keeps only
windows of lines around what can start a traceback, behind a collector's
prefix too; ordinary build output is dropped.

What is kept is a `Capture`: segments of consecutive input lines with their
line numbers, which `to_bytes()` joins into a small log for the pipeline and
`remap()` maps back so every line number in the analysis is the one in the
full input. A big file read by path is sieved into one as well.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from .model import Analysis, Frame, Goroutine, Source, Span

# Lines of a segment copied at a time (take_chunks): a window may be most of a log.
_TAKEN_LINES = 1 << 12


@dataclass(slots=True)
class Segment:
    first: int  # input line number (1-based) of lines[0]
    lines: list[bytes] = field(default_factory=list)  # without their "\n"


@dataclass(slots=True)
class Capture:
    """What the sieve kept: enough to analyse, with the input's line numbers."""

    segments: list[Segment]
    total_lines: int
    total_bytes: int
    truncated_lines: int = 0  # kept lines cut at the sieve's longest line
    # input lines (first, last; 1-based) each of which spans one failed go test's
    # records, kept apart (sieve_tests.py): read as one region (regions())
    links: list[tuple[int, int]] = field(default_factory=list)
    taken: bool = False  # the lines were taken (take_chunks): only their counts are left

    @property
    def kept_lines(self) -> int:
        return sum(len(s.lines) for s in self.segments)

    def to_bytes(self) -> bytes:
        """Kept lines as one log (a window ends in ordinary lines: none runs into the next)."""
        if self.taken:
            raise ValueError("the capture's lines were taken (take_chunks)")
        if not self.segments:
            return b""
        return b"\n".join(b"\n".join(s.lines) for s in self.segments) + b"\n"

    def take_chunks(self, size: int = 1 << 20) -> Iterator[bytearray]:
        """to_bytes(), in pieces of whole lines of about `size` bytes, for the one
        reader that decodes it: the lines are let go as they are copied, and each
        segment keeps only how many they were (what line_map, regions and gaps
        read). Held beside their decoded lines, the windows of a 50 MB log of 8
        services were 48 MB of bytes objects for the whole run; joined whole
        (take_bytes, until stop 34) they were held twice while being decoded, beside
        the 32 MiB the sieve had read first: 94 MB traced at the read's peak.
        A piece is decoded beside the windows not yet taken: 4 MiB of bytes made
        12 MB more at that peak (the piece, its text: 2 bytes a character where
        one is past U+00FF), 1 MiB makes 3."""
        self.taken = True
        out = bytearray()
        for s in self.segments:
            lines = s.lines
            for j in range(0, len(lines), _TAKEN_LINES):
                piece = lines[j:j + _TAKEN_LINES]
                out += b"\n".join(piece)
                out += b"\n"
                lines[j:j + _TAKEN_LINES] = [b""] * len(piece)
                del piece
                if len(out) >= size:
                    yield out
                    out = bytearray()
        if out:
            yield out

    def line_map(self) -> Callable[[int], int]:
        """Line n of `to_bytes()` → its line in the full input."""
        starts, firsts = [], []
        n = 1
        for s in self.segments:
            starts.append(n)
            firsts.append(s.first)
            n += len(s.lines)

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
            for t in r.failed_tests:  # (they said the sieved lines' numbers: the CI
                # formats' `line N of the log`, the JSON's input_line and input_lines)
                t.input_line = None if t.input_line is None else to(t.input_line)
                for e in t.log:
                    e.input_lines = span(e.input_lines)  # type: ignore[assignment]
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
        separators) whose segments lie less than `gap` input lines apart, or
        between the first and last line of one of `links`."""
        out: list[tuple[int, int]] = []
        links = sorted(self.links)
        k, reach = 0, 0  # the next link, and the last input line a link holds so far
        at, end = 0, None  # end: the input line after the last segment
        for s in self.segments:
            n = len(s.lines)
            while k < len(links) and links[k][0] < s.first:
                if end is not None and links[k][0] < end:  # (it begins before this segment)
                    reach = max(reach, links[k][1])
                k += 1
            if out and end is not None and (s.first - end < gap or s.first <= reach):
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
    cannot read, is kept whole; a log of JSON records (`go test -json`) is read
    as a file of its size is (sieve.read_source): whole below SIEVE_MIN, else by
    the sieve told its format."""
    import sys

    from .ingest import (
        _GZIP_MAGIC,
        UTF8_BOM,
        Gunzip,
        _sniff_binary,
        decode_chunks,
        ingest,
        stdin_buffer,
        utf16_codec,
    )
    from .sieve import SIEVE_MIN, Sieve

    out = sys.stdout.buffer if sys.stdout is not None else None
    chunks = passed_through(stdin_buffer(), out, chunk_size)
    first = next(chunks, b"")
    gz = None
    if first.startswith(_GZIP_MAGIC):  # (`zcat`-less `cat build.log.gz | stackdemux --tee`)
        gz = Gunzip(_Chunks(first, chunks), "<stdin>", chunk_size)
        chunks = iter(lambda: gz.read(chunk_size), b"")
        first = next(chunks, b"")
    if utf16_codec(first):
        return ingest(first + b"".join(chunks), "<stdin>")
    held = _head(first, chunks)
    wrapped = _records(b"".join(held))
    if wrapped is not None:
        # a log of records is read whole up to the size a log is sieved from, as
        # the same bytes from a file or stdin are (sieve.read_source); past it the
        # sieve reads them as it reads such a file's, a window at a time (it was
        # read whole whatever its size: 54 MB of `go test -json`, 302 MB of memory)
        ended = _hold(held, chunks, SIEVE_MIN)
        if ended:
            return ingest(b"".join(held), "<stdin>")
        held[0] = held[0].removeprefix(UTF8_BOM)
    sieve = Sieve(wrapped=wrapped)
    # The first bytes after a hole of NULs, judged as a log file's are once all
    # passed through: binary data is passed through as it came, then refused as
    # a file of it is (the report said it found no crash in so many "lines").
    head = bytearray()
    hole = 0
    for chunk in itertools.chain(_taken(held), chunks):
        if len(head) < SNIFF_BYTES:
            text = chunk if head else chunk.lstrip(b"\0")
            hole += len(chunk) - len(text)
            head += text[:SNIFF_BYTES - len(head)]
        sieve.feed(chunk)
    capture = sieve.close()
    _sniff_binary(bytes(head or b"\0" * min(hole, SNIFF_BYTES)).removeprefix(UTF8_BOM),
                  "<stdin>")
    plain = decode_chunks(capture.take_chunks(), "<stdin>")
    teed = TeeSource(
        name=plain.name,
        lines=plain.lines,
        size=capture.total_bytes,
        crlf=plain.crlf,
        decode_errors=plain.decode_errors,
        nul_bytes=plain.nul_bytes,
        cut_gzip=gz is not None and gz.cut,
    )
    teed.capture = capture
    return teed


SNIFF_BYTES = 8192  # (ingest sniffs a file's first 8 KiB past a hole of NULs)


def _head(first: bytes, chunks: Iterator[bytes]) -> list[bytes]:
    """The chunks read until the log's first lines are in (SNIFF_BYTES, or as many
    lines as wrapped.sniff looks at, or its end): what it is told by."""
    from .demux.wrapped import SNIFF_RECORDS

    held, size, lines = [first], len(first), first.count(b"\n")
    while size < SNIFF_BYTES and lines < SNIFF_RECORDS:
        chunk = next(chunks, b"")
        if not chunk:
            break
        held.append(chunk)
        size, lines = size + len(chunk), lines + chunk.count(b"\n")
    return held


def _records(head: bytes) -> str | None:
    """The format of the log's JSON records, where it is records carrying the
    program's output in a field (`go test -json`'s test2json events, docker's
    json-file, the journal's JSON, JSON lines: demux/wrapped.py), else None. Their
    text is escaped inside each record, where the plain sieve's searches for a
    traceback's lines find none (`go test -json ./... | stackdemux --tee` kept none
    of a panicking test's lines): the sieve is told the format (Sieve(wrapped=…))."""
    from .demux.wrapped import sniff

    text = head.decode("utf-8", "replace").lstrip("\ufeff")
    lines = text.split("\n")
    if len(head) >= SNIFF_BYTES or not head.endswith(b"\n"):
        lines = lines[:-1]  # (a line cut at the head's end is not judged)
    return sniff(lines)


def _hold(held: list[bytes], chunks: Iterator[bytes], limit: int) -> bool:
    """Read chunks into `held` until it holds `limit` bytes; whether the log ended
    before."""
    size = sum(map(len, held))
    while size < limit:
        chunk = next(chunks, b"")
        if not chunk:
            return True
        held.append(chunk)
        size += len(chunk)
    return False


def _taken(held: list[bytes]) -> Iterator[bytes]:
    """The chunks of `held`, each let go of once given (the sieve keeps windows,
    not the first SIEVE_MIN bytes read)."""
    held.reverse()
    while held:
        yield held.pop()


class _Chunks:
    """Chunks already read, as a file for ingest.Gunzip to read."""

    def __init__(self, first: bytes, rest: Iterator[bytes]) -> None:
        self.first, self.rest = first, rest

    def read(self, n: int = -1) -> bytes:
        data, self.first = self.first or next(self.rest, b""), b""
        return data


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
