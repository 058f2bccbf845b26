"""Sieve a big log file on several cores.

The sieve's bulk searches (sieve.py) are a regex pass for line starts, a
search per needle (by memchr of a byte the log seldom holds: anchored.py) and
a newline count per block: C speed, but one core. A log file
(not stdin, not gzip: those can only be read in order) is cut into byte
ranges at line starts; each range is scanned in its own process for the
lines that seed a window, and returns them with its line count and a few
(offset, line) marks. The windows are then read back from the file by
seeking to the mark before each: a second read of a few kilobytes per
window, never of the log.

The result is the Capture that `sieve.sieve` returns on the same file,
line for line (tests/test_sieve_parallel.py checks it): seeds are decided
line by line, so where a range or a block starts changes nothing. A go test
-json log's failed tests keep their whole records (sieve_tests.py) across
ranges too: each range says which tests still run at its end, with their
records' lines, and a test that fails in a later range takes them, back to the
range of its `run` (tests/test_sieve_go_test_json.py).
"""

from __future__ import annotations

import os
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import pairwise

from .sieve import AFTER, BEFORE, BLOCK, MAX_KEPT, Sieve
from .sieve_verbose import UNKNOWN, VerboseTests
from .tee import Capture, Segment
from .test_output import MAX_LINES_ABOVE

# A file below this many bytes per job is not worth a process more.
JOB_MIN = 32 << 20
JOBS_MAX = 8
# About how far apart the marks a window is read back from are.
MARK = 64 << 10


def jobs_for(size: int) -> int:
    """Processes to sieve a file of `size` bytes: one per usable core (at most
    JOBS_MAX), at least JOB_MIN bytes each; STACKDEMUX_JOBS overrides (1: no
    process is started)."""
    env = os.environ.get("STACKDEMUX_JOBS", "").strip()
    if env.isascii() and env.isdigit() and 0 < len(env) < 7 and int(env) > 0:
        wanted = int(env)
    else:
        try:
            wanted = len(os.sched_getaffinity(0))
        except AttributeError:  # pragma: no cover - not Linux
            wanted = os.cpu_count() or 1
        wanted = min(wanted, JOBS_MAX)
    return max(1, min(wanted, size // JOB_MIN))


@dataclass(slots=True)
class RangeScan:
    """What one process found in its byte range [start, end)."""

    start: int
    end: int
    lines: int = 0  # lines that start in the range
    seeds: list[int] = field(default_factory=list)  # their numbers (0-based, in the range)
    marks: list[tuple[int, int]] = field(default_factory=list)  # (offset, line) of line starts
    # go test -json: the records of each test that failed in the range (sieve_tests.py),
    # in order; one begun before the range has records in the ranges before too,
    # where it was still `running` at their end (joined in `assemble`)
    failed: list[TestSpans] = field(default_factory=list)
    # ... and of each test still running at the range's end, by its key
    running: dict[bytes, TestSpans] = field(default_factory=dict)
    # go test -v: the test whose lines run on at the range's end (sieve_verbose.py):
    # the next range's first lines, held as UNKNOWN's there, are its
    current: bytes | None = None


@dataclass(slots=True)
class TestSpans:
    """A test's records in one range: [a, b) lines (in the range), whether its `run`
    event is among them, whether they hold a log entry (sieve_tests.logged)."""

    key: bytes
    spans: list[tuple[int, int]]
    begun: bool
    logged: bool


class _Scan(Sieve):
    """A sieve that only finds seeds: windows are read later, from the file."""

    def __init__(self, scan: RangeScan, wrapped: str | None = None) -> None:
        super().__init__(wrapped=wrapped)
        self.scan = scan
        if self._running is not None and scan.start > 0:
            # (begun mid-log: tests begun and continued before are not known)
            self._running = type(self._running)(mid_log=True)

    def _block(self, block: bytes, at: int) -> None:
        base = self.line_no
        if at >= 0:
            self._mark(block, at, base)
        self.scan.seeds.extend(base + s for s in self._seed_lines(block))
        if self._running is not None:
            for test in self._running.block(block, base):
                spans = [(first, first + raw.count(b"\n")) for first, raw in test.chunks]
                self.scan.failed.append(TestSpans(test.key, spans, test.begun,
                                                  self._logged(test.chunks)))
        self.line_no += block.count(b"\n")

    def running(self) -> dict[bytes, TestSpans]:
        """The records of the tests still running at the range's end."""
        if self._running is None:
            return {}
        out = {}
        for key, held in self._running.held.items():
            chunks = self._running.records(held)
            out[key] = TestSpans(key, [(first, first + n) for first, n, _ in held.chunks],
                                 held.begun, self._logged(chunks))
        return out

    def _mark(self, block: bytes, at: int, base: int) -> None:
        """(offset, line number) of a line start every MARK bytes or so."""
        marks = self.scan.marks
        origin = self.scan.start
        marks.append((origin + at, base))
        pos, line = 0, base
        step = MARK
        while step < len(block):
            nl = block.find(b"\n", step - 1)
            if nl < 0 or nl + 1 >= len(block):
                break
            line += block.count(b"\n", pos, nl + 1)
            pos = nl + 1
            marks.append((origin + at + pos, line))
            step = pos + MARK


def _line_start(f, x: int) -> int:
    """The offset of the first line that starts at or after x."""
    if x <= 0:
        return 0
    f.seek(x - 1)
    pos = x - 1
    while chunk := f.read(BLOCK):
        nl = chunk.find(b"\n")
        if nl >= 0:
            return pos + nl + 1
        pos += len(chunk)
    return pos


def scan_range(path: str, nominal_start: int, nominal_end: int,
               wrapped: str | None = None) -> RangeScan:
    """Seeds of the lines that start in [nominal_start, nominal_end), moved to
    line starts (a line belongs to the range it starts in); `wrapped`: the
    format of the log's JSON records, told by its head (sieve.wrapped_format)."""
    with open(path, "rb") as f:
        start = _line_start(f, nominal_start)
        end = _line_start(f, nominal_end)
        scan = RangeScan(start, end, marks=[(start, 0)])
        sieve = _Scan(scan, wrapped)
        f.seek(start)
        left = end - start
        while left > 0 and (chunk := f.read(min(BLOCK, left))):
            left -= len(chunk)
            sieve.feed(chunk)
        sieve.close()
        scan.lines = sieve.line_no
        scan.running = sieve.running()
        if isinstance(sieve._running, VerboseTests):
            scan.current = sieve._running.current
        return scan


def windows(seeds: list[int], total: int, before: int = BEFORE,
            after: int = AFTER) -> list[tuple[int, int]]:
    """[a, b) line ranges kept around sorted seeds, merged as sieve.Sieve merges them."""
    out: list[tuple[int, int]] = []
    for s in seeds:
        if s >= total:  # past the log's end (an error JSON's seeds: sieve.py)
            continue
        a, b = max(0, s - before), min(total, s + after + 1)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def sieve_file(path: str, jobs: int, wrapped: str | None = None) -> Capture:
    """The windows of a log file, its ranges scanned by `jobs` processes."""
    size = os.path.getsize(path)
    cuts = [size * k // jobs for k in range(jobs + 1)]
    ranges = list(pairwise(cuts))
    return assemble(path, size, _scan_all(path, ranges, wrapped))


def assemble(path: str, size: int, scans: list[RangeScan]) -> Capture:
    """The Capture of a file from the scans of its consecutive ranges."""
    seeds: list[int] = []
    marks: list[tuple[int, int]] = []
    held: list[tuple[int, int]] = []
    links: list[tuple[int, int]] = []
    total = 0
    firsts = []  # each range's first line
    failed = [{t.key for t in scan.failed} for scan in scans]
    ran_on: list[bytes | None] = []  # (go test -v: whose lines run on at each range's end)
    for scan in scans:
        ran_on.append(ran_on[-1] if scan.current == UNKNOWN and ran_on else scan.current)
    for k, scan in enumerate(scans):
        firsts.append(total)
        seeds.extend(total + s for s in scan.seeds)
        marks.extend((off, total + line) for off, line in scan.marks)
        ended: set[bytes] = set()  # the tests that failed in the range already
        for test in scan.failed:  # (Capture.links: 1-based, first and last line)
            # (a test that fails again in the range, testing's fuzz target's two
            # `fail` events, is held anew after the first: nothing from before is its)
            spans, logs = _records(scans, firsts, k, test, test.key not in ended, ran_on,
                                   failed)
            ended.add(test.key)
            held.extend(spans)
            if logs:
                links.append((spans[0][0] + 1, spans[-1][1]))
        total += scan.lines
    capture = Capture([], total, size, 0, links)
    spans = windows(seeds, total)
    if held:  # (a failed test's records: kept with the windows, as Sieve._keep_earlier does)
        spans = _union([*spans, *held])
    _read_windows(path, spans, marks, capture)
    return capture


def _records(scans: list[RangeScan], firsts: list[int], k: int, test: TestSpans,
             first: bool = True, ran_on: list[bytes | None] | None = None,
             failed: list[set[bytes]] | None = None) -> tuple[list[tuple[int, int]], bool]:
    """The [a, b) lines of all the records of `test`, which failed in range k, and
    whether they hold a log entry. Begun in a range before, its records there are
    those the ranges held at their end, back to the one its `run` is in, or to one
    it failed in before (`failed`: each range's failed tests; their records up to
    that failure were its): as one pass over the log holds a test's records while
    it runs, its last MAX_LINES_ABOVE lines (sieve_tests.py). `first`: its first
    failure in range k (a later one's records are held anew after the first). go
    test -v (sieve_verbose.py): `ran_on[j]`, the test whose lines ran on at range
    j's end, owns range j + 1's first lines."""
    spans = [(firsts[k] + a, firsts[k] + b) for a, b in test.spans]
    logs = test.logged
    if test.begun or not first:
        return spans, logs
    key = test.key
    for j in range(k, -1, -1):
        lead = (scans[j].running.get(UNKNOWN)
                if j and ran_on is not None and ran_on[j - 1] == key else None)
        if lead is not None:
            spans[:0] = [(firsts[j] + a, firsts[j] + b) for a, b in lead.spans]
            logs = logs or lead.logged
        if j == k:
            continue
        before = scans[j].running.get(key)
        if before is not None:
            spans[:0] = [(firsts[j] + a, firsts[j] + b) for a, b in before.spans]
            logs = logs or before.logged
            if before.begun:
                break
        if failed is not None and key in failed[j]:
            break  # (it failed in range j: what it wrote before was that failure's)
    spans = _union(spans)
    lines = sum(b - a for a, b in spans)
    while len(spans) > 1 and lines - (spans[0][1] - spans[0][0]) >= MAX_LINES_ABOVE:
        lines -= spans[0][1] - spans[0][0]
        del spans[0]
    return spans, logs


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """[a, b) spans sorted, those that overlap or touch made one."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _scan_all(path: str, ranges: list[tuple[int, int]],
              wrapped: str | None = None) -> list[RangeScan]:
    """Scan the first range here and the others in forked processes (forked:
    the grammar's compiled regexes come along, nothing is pickled but paths)."""
    if len(ranges) == 1:
        return [scan_range(path, *ranges[0], wrapped)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .grammar import line_grammar

    line_grammar()  # compiled once, before the fork
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(len(ranges) - 1, mp_context=context) as pool:
        rest = [pool.submit(scan_range, path, a, b, wrapped) for a, b in ranges[1:]]
        first = scan_range(path, *ranges[0], wrapped)
        return [first] + [r.result() for r in rest]


def _read_windows(path: str, spans: list[tuple[int, int]], marks: list[tuple[int, int]],
                  capture: Capture) -> None:
    """Read lines [a, b) of every span from the file, from the mark before a."""
    lines_at = [line for _, line in marks]
    with open(path, "rb", buffering=MARK) as f:
        for a, b in spans:
            k = bisect_right(lines_at, a) - 1
            offset, line = marks[k]
            f.seek(offset)
            seg = Segment(first=a + 1)
            while line < b:
                raw = f.readline(MAX_KEPT + 1)
                if not raw:
                    break
                cut = len(raw) > MAX_KEPT and not raw.endswith(b"\n")
                if cut:  # the rest of a line longer than any kept line
                    while (more := f.readline(BLOCK)) and not more.endswith(b"\n"):
                        pass
                if line >= a:
                    if cut:
                        raw = raw[:MAX_KEPT]
                        capture.truncated_lines += 1
                    seg.lines.append(raw.removesuffix(b"\n"))
                line += 1
            if seg.lines:
                capture.segments.append(seg)
