"""The running tests' own output in a big `go test -json` log, held by the sieve.

The sieve (sieve.py) keeps windows of lines around what can hold a crash: 16
lines before a failed test's `--- FAIL`, which is where -v and -json print the
end of its log. A test that logged more (a table case's steps, a t.Log before
its t.Error) lost the rest: of a real 54 MB log's failing subtest, 16 of its 61
entries were read. So while a log of test2json events is sieved, the records of
each running test are held, and dropped when it passes or is skipped; when it
fails, all of them are kept (`"Action":"fail"`), as the whole log would have
been read. Memory is bounded by the output of the tests still running (a
parent holds only its own records: its subtests' are theirs), for each by its
last test_output.MAX_LINES_ABOVE lines, as far as a failure's log is read up,
and in all by MAX_HELD_BYTES: past it, the records go to a temporary file
(Spill, MAX_SPILLED_BYTES at most), read back if their test fails.

Which test a record belongs to its `Test` says. Reading it from every record
is a Python step a line (0.28 s more for 54 MB), so the events that switch
tests are found first (`run`, `cont`, `=== NAME` output; and `pass`, `fail`,
`skip`, `pause` end one), by a regex whose literal prefix `"Action":"` C finds
(30 ms for 54 MB, as a newline count): where no test runs in parallel (none
continued after a pause, and the tests begun and not ended are of one package), or
a count of the current test's name over the records up to the next event says they
are all its, they are held at once; else (parallel tests' records interleave line
by line, with no event between, in Go 1.20+'s -json, and so do those of packages
tested at once, `go test -json -p N ./...`) each is read for its test.
"""

from __future__ import annotations

import tempfile
from collections import deque
from dataclasses import dataclass, field
from typing import BinaryIO

from . import rx
from .test_output import MAX_LINES_ABOVE

# What all running tests' records may hold in memory at once: past it, a test's
# further records go to a temporary file (Spill), read back if it fails. A real
# test's records of MAX_LINES_ABOVE lines of 200 bytes are 4 MB. (64 MiB until the
# Spill: a -v log of 12 000 subtests, 59 MB, peaked at 102 MB held in memory, 86 MB
# with 16 MiB and the rest spilled, its CPU time the same.)
MAX_HELD_BYTES = 16 << 20
# What that file may hold: past it too, a log that names many tests running, or one
# that logs huge lines, holds the last records these allow (those dropped first are
# the oldest of the test that grows, then the tests named longest ago).
MAX_SPILLED_BYTES = 1 << 30
# How many running tests' records are held: past it, the test named longest ago
# lets go of its own (a log that starts tests it never ends holds no more). A -v
# log's subtests all wait for their parent's end, where testing prints their
# verdicts (sieve_verbose.py): benchmarks/bigjson's 12 000 subtests at once. A held
# test costs ~0.8 kB beside its records: 16 384 of them 13 MB.
MAX_RUNNING = 1 << 14

# The events that begin or end a test's records (test2json writes Action second,
# after Time): run, cont, pass, pause, fail, skip.
_SWITCH = rx.compile(rb'"Action":"(?:r|c|pa|f|sk)')
# testing's `=== NAME TestX` (Go 1.20+): the output that follows is TestX's again
# (test2json tags it, with no event of its own)
_NAME = b'"Output":"=== NAME'
# A log entry's record (t.Log, t.Error: indented in its test's output), not a verdict's
_ENTRY = rx.compile(rb'"Output":"    (?! *--- )')
# A record's package and test (test2json writes Package, then Test)
_NAMED = rx.compile(rb'"Package":("(?:[^"\\\n]|\\.)*")(?:,"Test":("(?:[^"\\\n]|\\.)*"))?')


@dataclass(slots=True)
class _Held:
    """A running test's records: (number of the first line, 0-based; how many;
    the whole lines, or where Spill holds them: (offset, length))."""

    chunks: deque[tuple[int, int, bytes | tuple[int, int]]] = field(default_factory=deque)
    lines: int = 0
    size: int = 0  # bytes in memory
    spilled: int = 0  # bytes in the Spill
    begun: bool = False  # its `run` event was read (not so for a test begun before a range)


class Spill:
    """An anonymous temporary file of held records past MAX_HELD_BYTES: written at
    its end, read back where a test that failed holds some, made empty again
    when no held test has any left (the file is removed as it is closed)."""

    def __init__(self) -> None:
        self.file: BinaryIO | None = None
        self.end = 0  # bytes written since it was last empty
        self.live = 0  # of them, bytes a held test still holds

    def put(self, raw: bytes) -> tuple[int, int]:
        if self.file is None:
            # (open while the sieve reads: closed, so removed, as it is let go)
            self.file = tempfile.TemporaryFile(prefix="stackdemux-held-")  # noqa: SIM115
        self.file.seek(self.end)
        self.file.write(raw)
        at, self.end = self.end, self.end + len(raw)
        self.live += len(raw)
        return at, len(raw)

    def get(self, where: tuple[int, int]) -> bytes:
        assert self.file is not None
        self.file.seek(where[0])
        return self.file.read(where[1])

    def free(self, n: int) -> None:
        self.live -= n
        if self.live == 0 and self.end:
            self.end = 0
            if self.file is not None:
                self.file.truncate(0)


@dataclass(slots=True)
class FailedRecords:
    """A failed test's records, as (first line's number, whole lines) chunks in
    order; `key`: its package and test as its records write them; `begun`: its
    `run` event among them (a range of the log sieved on its own, sieve_parallel.py,
    holds only the records of a test begun before it that the range holds)."""

    key: bytes
    begun: bool
    chunks: list[tuple[int, bytes]]


class RunningTests:
    """Feed whole lines of a test2json log in order (`block`); get back each failed
    test's held records."""

    def __init__(self, limit: int = MAX_LINES_ABOVE, max_bytes: int = MAX_HELD_BYTES,
                 mid_log: bool = False, max_spilled: int = MAX_SPILLED_BYTES) -> None:
        self.limit = limit
        self.max_bytes = max_bytes  # in memory
        self.max_spilled = max_spilled  # in the Spill's file
        self.size = 0  # bytes held, all tests
        # each running test's records, by its package and test as the record writes them
        self.held: dict[bytes, _Held] = {}
        self.current: bytes | None = None  # whose the records are now
        # the tests continued (`cont`: parallel, paused then let run) and not ended:
        # while there are none, one test runs at a time and the records up to the
        # next event are the current test's, unread. Read from the middle of a log
        # (`mid_log`: a range of it, sieve_parallel.py) the tests continued before are
        # not known: a key no record has stands for them, and every run of records is
        # counted (a parallel test continued before may write among them)
        self.continued: set[bytes] = {b""} if mid_log else set()
        # the packages of the tests begun and not ended (a count each): several at once
        # (`go test -json -p N`) write their records as they come, with no event between
        self.packages: dict[bytes, int] = {}
        self.spill = Spill()
        self._at = self._line = 0  # (block(): a position whose line number is known)

    def records(self, held: _Held) -> list[tuple[int, bytes]]:
        """A held test's records as (first line's number, whole lines), read back
        where they were spilled."""
        get = self.spill.get
        return [(first, raw if isinstance(raw, bytes) else get(raw))
                for first, _, raw in held.chunks]

    def _forget(self, held: _Held) -> None:
        self.size -= held.size
        if held.spilled:
            self.spill.free(held.spilled)

    def block(self, block: bytes, base: int) -> list[FailedRecords]:
        """Read `block` (whole lines, each ending in a newline; `base`: its first
        line's number, 0-based) and return the records of each test that failed in
        it, in order."""
        marks = [m.start() for m in _SWITCH.finditer(block)]
        at = block.find(_NAME)
        if at >= 0:
            while at >= 0:
                marks.append(at)
                at = block.find(_NAME, at + 1)
            marks.sort()
        failed: list[FailedRecords] = []
        # a line start of the block whose number is known: lines are counted only up
        # to records held (a test that ran alone and passed is let go uncounted)
        self._at, self._line = 0, base
        pos = 0  # the first line not yet given to a test
        for at in marks:
            start = block.rfind(b"\n", 0, at) + 1
            if start < pos:
                continue  # (a second mark in one record)
            end = block.find(b"\n", at) + 1
            m = _NAMED.search(block, start, end)
            if m is None or m.group(2) is None:
                continue  # (the package's own: no test's)
            key = m.group(0)  # (as written: one test's records write it alike)
            word = block[at + 10:at + 13]  # (after `"Action":"`, or `"Output":"`: `===`)
            if word in (b"pas", b"ski") and key == self.current and self._alone():
                # it ran alone and ended well: its records up to here are its own, and go
                self._let_go(key)
                self._ended(key)
                self.current, pos = None, end
                continue
            self._give(block, pos, start)  # the lines up to it: the current test's
            pos = start
            if word in (b"run", b"con", b"==="):  # run, cont, === NAME: its records follow
                self.current = key
                if word == b"con":
                    self.continued.add(key)
                elif word == b"run":
                    self._entry(key).begun = True
                    package = key[:key.find(b',"Test":')]
                    self.packages[package] = self.packages.get(package, 0) + 1
                continue
            self.continued.discard(key)
            if word != b"pau":
                self._ended(key)
            # pass, fail, skip, pause: its last record; what follows is no test's known
            self.current = key
            self._give(block, pos, end)
            pos = end
            self.current = None
            if word == b"fai":
                self._hand_over(key, failed)
            elif word != b"pau":  # (paused, it goes on later: its records stay held)
                self._let_go(key)
        self._give(block, pos, len(block))
        return failed

    def _alone(self) -> bool:
        """Whether the records up to the next event can be but the current test's."""
        return not self.continued and len(self.packages) <= 1

    def _ended(self, key: bytes) -> None:
        package = key[:key.find(b',"Test":')]
        left = self.packages.get(package, 0) - 1
        if left > 0:
            self.packages[package] = left
        else:
            self.packages.pop(package, None)

    def _let_go(self, key: bytes) -> None:
        held = self.held.pop(key, None)
        if held is not None:
            self._forget(held)

    def _hand_over(self, key: bytes, failed: list[FailedRecords]) -> None:
        """A failed test's held records let go of here and added to `failed` (read
        back where they were spilled)."""
        held = self.held.pop(key, None)
        if held is None:
            return
        records = self.records(held) if held.chunks else []
        self._forget(held)
        if records:
            failed.append(FailedRecords(key, held.begun, records))

    def _give(self, block: bytes, a: int, b: int) -> None:
        """Hold the records block[a:b] (whole lines), each as its test's. Where
        every one is the current test's (no test runs in parallel, or a count of
        its name says so, at C speed) they are held at once; else each is read for
        its test (parallel tests' records interleave line by line with no event
        between: Go 1.20+'s -json)."""
        if a >= b:
            return
        line = self._line + block.count(b"\n", self._at, a)
        n = block.count(b"\n", a, b)
        self._at, self._line = b, line + n
        current = self.current
        if current is not None and (self._alone() or block.count(current, a, b) == n):
            self._hold(current, line, n, block[a:b])
            return
        run_key, run_at, run_line = None, a, line  # a run of lines of one test
        at, k = a, line
        search = _NAMED.search
        while at < b:
            end = block.index(b"\n", at) + 1
            m = search(block, at, end)
            key = m.group(0) if m is not None and m.group(2) is not None else None
            if key != run_key:
                if run_key is not None:
                    self._hold(run_key, run_line, k - run_line, block[run_at:at])
                run_key, run_at, run_line = key, at, k
            at, k = end, k + 1
        if run_key is not None:
            self._hold(run_key, run_line, k - run_line, block[run_at:b])

    def _entry(self, key: bytes) -> _Held:
        """The test `key`'s records, none yet if it had none."""
        held = self.held.get(key)
        if held is None:
            held = self.held[key] = _Held()
            if len(self.held) > MAX_RUNNING:
                self._forget(self.held.pop(next(iter(self.held))))
        return held

    def _hold(self, key: bytes, line: int, n: int, raw: bytes) -> None:
        """Hold `n` whole lines from input line `line` as the test `key`'s records."""
        held = self._entry(key)
        spill = self.spill
        if (self.size + len(raw) > self.max_bytes
                and spill.end + len(raw) <= self.max_spilled):
            held.chunks.append((line, n, spill.put(raw)))  # (memory is full: to the file)
            held.spilled += len(raw)
        else:
            held.chunks.append((line, n, raw))
            held.size += len(raw)
            self.size += len(raw)
        held.lines += n
        while len(held.chunks) > 1 and held.lines - held.chunks[0][1] >= self.limit:
            self._drop_oldest(held)
        while len(held.chunks) > 1 and self.size > self.max_bytes:
            self._drop_oldest(held)  # (the test that grows first, its oldest records)
        while self.size > self.max_bytes:  # then the tests named longest ago
            self._forget(self.held.pop(next(iter(self.held))))

    def _drop_oldest(self, held: _Held) -> None:
        _, n, raw = held.chunks.popleft()
        held.lines -= n
        if isinstance(raw, bytes):
            held.size -= len(raw)
            self.size -= len(raw)
        else:
            held.spilled -= raw[1]
            self.spill.free(raw[1])


def logged(test: list[tuple[int, bytes]]) -> bool:
    """Whether a test's records hold a log entry of its own: its records must then
    be read with its verdict (Capture.links); a parent's that hold none (its `=== RUN`
    and `--- FAIL` alone) need not, as its subtests' windows run far apart."""
    return any(_ENTRY.search(raw) is not None for _, raw in test)
