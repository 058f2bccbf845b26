"""The running tests' own output in a big plain `go test -v` log, held by the sieve.

With -v, testing prints a test's log as it is written, after its `=== RUN` line,
and its `--- FAIL` line when the test ends: a parent's subtests' verdicts all
print when the parent ends, after every subtest's log (benchmarks/bigjson's 12
subtests of 20 lines: a failed subtest's verdict 110 lines below its log). The
sieve keeps 16 lines before a `--- FAIL` (sieve.py): the failed test's log was in
no window, and the report read its test with no log, folded into a later crash.
So, as for go test -json's records (sieve_tests.py), the lines of each running
test are held while the log is sieved, let go when it passes or is skipped, and
kept whole when it fails. Whose the lines are, testing says by a line of its own
wherever the output switches tests: `=== RUN`, `=== CONT` (parallel tests let
run), `=== NAME` (Go 1.20+: another's output goes on); `=== PAUSE` and a verdict
end a test's run of lines. Memory is bounded as for -json (RunningTests).
go test's verdict on a package that failed (`FAIL\tpkg\t0.27s`, after its
tests) is kept too (VERDICT): read in a later window, it names the package of
the failed tests in windows above it and says they ended (api._split_windows),
as a whole log's reading of it does.

A log holds none of this until its first `=== RUN` line: until then one search a
block for it is all the cost (a build log that runs no test pays that alone).
"""

from __future__ import annotations

import re

from . import rx
from .anchored import NeedleLines
from .sieve_tests import FailedRecords, RunningTests

UNKNOWN = b""  # the test running where a range of the log begins (mid_log)
# The key of the records handed over for go test's verdict on a package that
# failed (no test is so named: a name holds no tab)
VERDICT = b"FAIL\t"
# A -v line that says whose the output is (column 0: testing writes it so at every
# depth), or a verdict (`--- FAIL: T (0.00s)`, indented 4 spaces a subtest level)
# (tried only at the lines VerboseTests._needles find: a regex searched at every line start
# costs 5.6 ms a MiB of build output)
_MARK = rx.compile(rb"(?m)(?:=== (RUN|CONT|NAME|PAUSE) +(\S[^\n]*)|"
                   rb" *--- (PASS|FAIL|SKIP): (\S[^\n]*) \([0-9.]+s\)|(FAIL\t)\S[^\n]*)$")
# A log entry of a test (4 spaces in, then a file line: `x_test.go:12: …`)
_ENTRY = rx.compile(rb"(?m)^    +[^ \n-][^\n:]*\.go:[0-9]+: ")




class VerboseTests(RunningTests):
    """Feed whole lines of a plain -v log in order (`block`); get back each failed
    test's held lines (FailedRecords: its name as the key)."""

    def __init__(self, *args, mid_log: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.seen_run = False  # no test's lines before a log's first `=== RUN`
        # Read from the middle of a log (a range of it, sieve_parallel.py), the lines
        # before its first mark are the test's that ran at the range's start, not
        # known here: held as UNKNOWN's, which sieve_parallel gives that test
        self.current = UNKNOWN if mid_log else None
        # the lines to read for a mark, found by the rarest byte of their words
        # (anchored.py: a pass of bytes.find for `--- ` over a build log's dashes costs
        # 0.7 ms a MiB); made here, not at import (their search compiles a pattern)
        self._run_lines = NeedleLines(b"=== RUN ")
        self._needles = (NeedleLines(b"=== "),
                         NeedleLines(b"--- PASS: ", b"--- FAIL: ", b"--- SKIP: "),
                         NeedleLines(VERDICT))
        self.seen_run = mid_log  # (a range can hold its test's lines and no `=== RUN`)

    def block(self, block: bytes, base: int) -> list[FailedRecords]:
        pos = 0  # the first line not yet given to a test
        if not self.seen_run:
            first = min((start for _, start, at, _ in self._run_lines.lines(block)
                         if start == at), default=None)
            if first is None:
                return []  # (no `=== RUN` at a line's start)
            # (the lines before it are no test's, whichever block holds it: a verdict
            # there, of a log cut above its test's run, was read in a whole log and
            # not in one read in blocks, fuzz23)
            self.seen_run, pos = True, first
        failed: list[FailedRecords] = []
        self._at, self._line = 0, base
        for m in _marks(block, self._needles):
            start, end = m.start(), m.end() + 1
            if start < pos:
                continue
            self._give(block, pos, start)  # the lines up to it: the current test's
            pos = start
            if m.group(5) is not None:  # go test's verdict on its package: kept
                line = self._line + block.count(b"\n", self._at, start)
                failed.append(FailedRecords(VERDICT, True, [(line, block[start:end])]))
                self._at, self._line = end, line + 1
                pos, self.current = end, None  # (no test's lines follow it)
                continue
            word = m.group(1)
            if word is not None:  # === RUN, CONT, NAME: its lines follow; PAUSE: none's
                key = m.group(2).rstrip()
                if self.current is not None and self.current != key:
                    # (the line that ends the test's run of lines is kept with them:
                    # read from a window below, another test's lines are not its log)
                    self._give(block, pos, end)
                    self._at, self._line = start, self._line - 1
                if word == b"PAUSE":
                    self.current = None
                    continue
                self.current = key
                if word == b"RUN":
                    self._entry(key).begun = True
                continue
            key = m.group(4)
            self.current = key  # (its verdict line is its last)
            self._give(block, pos, end)
            pos, self.current = end, None
            if m.group(3) == b"FAIL":
                self._hand_over(key, failed)
            else:
                self._let_go(key)
        self._give(block, pos, len(block))
        return failed

    def _give(self, block: bytes, a: int, b: int) -> None:
        """Hold block[a:b] (whole lines) as the current test's, if one runs."""
        if a >= b:
            return
        line = self._line + block.count(b"\n", self._at, a)
        n = block.count(b"\n", a, b)
        self._at, self._line = b, line + n
        if self.current is not None:
            self._hold(self.current, line, n, block[a:b])

    @staticmethod
    def logged(test: list[tuple[int, bytes]]) -> bool:
        """Whether a test's held lines hold a log entry of its own (sieve_tests.logged)."""
        return any(_ENTRY.search(raw) is not None for _, raw in test)


def _marks(block: bytes, needles: tuple[NeedleLines, ...]) -> list[re.Match[bytes]]:
    """The -v lines of `block` that say whose the output is, and the verdicts, in order."""
    found: dict[int, re.Match[bytes] | None] = {}  # line start → its reading
    match = _MARK.match
    for lines in needles:
        for _, start, _, _ in lines.lines(block):
            if start not in found:  # (each line read once)
                found[start] = match(block, start)
    return [m for _, m in sorted(found.items()) if m is not None]
