"""A big plain `go test -v` log is sieved (sieve.py) and reads its failures as whole.

With -v, testing prints a test's log as it is written, after its `=== RUN` line,
and its `--- FAIL` when it ends: a parent's subtests' verdicts all print when the
parent ends, after every subtest's log. The sieve's window of 16 lines before a
`--- FAIL` held none of a failed subtest's log: benchmarks/bigjson's failing
subtest (20 lines of t.Log, then t.Errorf, 110 lines above its verdict) was read
with no log and folded into the later panic's report; the chatty package's
parallel subtest's 41 entries were 16, said as its parent's. Now the sieve holds
each running test's lines (sieve_verbose.py) and keeps a failed test's whole.

Real captures: tests/data/bigjson_small/*-verbose.txt (Go 1.26.6, 1.27.3) and
tests/data/gotest_chatty/*-verbose.txt (Go 1.19's `=== CONT`, 1.27's `=== NAME`),
read through the sieve whatever their size (`minimum=0`).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

import stackdemux
from stackdemux.model import ReportKind
from stackdemux.sieve import read_source, sieve
from stackdemux.sieve_parallel import sieve_file
from stackdemux.sieve_verbose import VerboseTests

DATA = Path(__file__).resolve().parent / "data"
BIG = sorted((DATA / "bigjson_small").glob("go*-verbose.txt"))
CHATTY = sorted((DATA / "gotest_chatty").glob("go*-verbose.txt"))
VERBOSE = [*BIG, *CHATTY, *sorted(DATA.glob("gotest_*/go*-verbose.txt"))]


def read(source) -> list[tuple]:
    return [(r.kind, r.title, r.fingerprint, r.tests, r.failed_tests, r.lines, r.complete)
            for r in stackdemux.analyze(source).reports]


@pytest.mark.parametrize("path", VERBOSE, ids=lambda p: p.parent.name + "/" + p.name)
def test_sieved_it_reads_as_read_whole(path):
    sieved = read_source(str(path), path.name, minimum=0)
    assert read(sieved) == read(path)


@pytest.mark.parametrize("path", BIG, ids=lambda p: p.name)
def test_a_subtest_s_log_far_above_its_verdict_is_its_own(path):
    sieved = read_source(str(path), path.name, minimum=0)
    assert sieved.capture.kept_lines < sieved.capture.total_lines  # (windows, not all)
    _early, case, crash = stackdemux.analyze(sieved).reports
    assert case.kind is ReportKind.TEST_FAILURE
    [failed] = [f for f in case.failed_tests if f.test == "TestChatty/case_00006"]
    assert [e.text for e in failed.log] == [
        *(f"step {j} of 20: processed record {120 + j}, checksum {0xb54cda26 + j:08x}"
          for j in range(20)), "case 6: checksum mismatch"]
    # (its parent, failed by it alone, goes with it, not the later crash: parse.failed_before)
    assert case.tests == ["TestChatty", "TestChatty/case_00006"]
    assert crash.kind is ReportKind.PANIC and crash.tests == ["TestLate"]


@pytest.mark.parametrize("path", CHATTY, ids=lambda p: p.name)
def test_a_parallel_subtest_s_log_is_not_its_parent_s(path):
    # (TestParallel logged one line; b's 40 steps and its error are b's)
    got = {r.title: r for r in stackdemux.analyze(read_source(str(path), path.name,
                                                               minimum=0)).reports}
    parent = got["test failed: TestParallel in example.com/gotests/chatty"]
    assert [e.text for f in parent.failed_tests for e in f.log] == ["starting the parallel cases"]
    b = got["test failed: TestParallel/b in example.com/gotests/chatty"]
    assert [e.text for f in b.failed_tests for e in f.log] == [
        *(f"case b: step {j}" for j in range(40)), "case b: want 40 records, got 39"]


@pytest.mark.parametrize("path", [*BIG, *CHATTY], ids=lambda p: p.parent.name + "/" + p.name)
def test_the_parallel_sieve_keeps_the_same_lines(path):
    # each range reads the tests still running at its end: one that fails in a
    # later range takes their lines back, as one pass holds them
    one = sieve(path.open("rb"))
    for jobs in range(2, 12):
        more = sieve_file(str(path), jobs)
        assert (more.to_bytes(), more.links) == (one.to_bytes(), one.links), jobs


MANY = DATA / "bigjson_small" / "go1.27.3-many-verbose.txt.gz"  # (10 000 subtests)


def _failed_case(held: VerboseTests, log: bytes) -> list[tuple[int, bytes]]:
    """The lines `held` gives back for the failed subtest, fed `log` a MiB at a time."""
    failed = []
    lines = log.splitlines(keepends=True)
    at = 0
    while at < len(lines):
        block = lines[at:at + 8192]
        failed += held.block(b"".join(block), at)
        at += len(block)
    [case] = [f for f in failed if f.key == b"TestChatty/case_05000"]
    return case.chunks


def test_a_parent_of_thousands_of_subtests_keeps_its_failed_subtest_s_log(tmp_path):
    # testing prints the 10 000 subtests' verdicts when their parent ends: all of them
    # wait at once, past the 4 096 tests the sieve held: the failed one, the 5 000th,
    # was let go before its verdict came, and read as its parent's failure, no log
    path = tmp_path / "many-verbose.txt"
    path.write_bytes(gzip.decompress(MANY.read_bytes()))
    sieved = read_source(str(path), path.name, minimum=0)
    assert sieved.capture.kept_lines < sieved.capture.total_lines / 10
    [case] = [f for r in stackdemux.analyze(sieved).reports for f in r.failed_tests
              if f.test == "TestChatty/case_05000"]
    [whole] = [f for r in stackdemux.analyze(path).reports for f in r.failed_tests
               if f.test == "TestChatty/case_05000"]
    assert [e.text for e in case.log] == ["case 5000: checksum mismatch"]
    assert case == whole


def test_held_lines_past_the_memory_bound_are_spilled_and_read_back_whole():
    # (a parent's waiting subtests' lines past MAX_HELD_BYTES go to a temporary file:
    # memory stays bounded, and the failed one's come back as held in memory)
    log = gzip.decompress(MANY.read_bytes())
    small = VerboseTests(max_bytes=64 << 10)
    waiting = log[:log.index(b"--- FAIL: TestChatty (")]  # (all 10 000 wait for it)
    assert [f.key for f in small.block(waiting, 0)] == [b"TestEarly"]
    assert small.size <= 64 << 10 and small.spill.live > len(waiting) * 3 // 4
    small = VerboseTests(max_bytes=64 << 10)
    assert _failed_case(small, log) == _failed_case(VerboseTests(), log)
    assert small.spill.live == small.spill.end == 0  # (all let go: the file emptied)
    # ... and the file is bounded too: past it the oldest are let go, as before it
    full = VerboseTests(max_bytes=64 << 10, max_spilled=64 << 10)
    full.block(waiting, 0)
    assert full.size <= 64 << 10 and full.spill.end <= 64 << 10
    assert len(full.held) < 10_000 / 4


def test_a_log_that_runs_no_test_holds_nothing():
    # a build log (no `=== RUN` line at a line's start) is searched for one, no more
    held = VerboseTests()
    log = b"go: downloading example.com/x v1.0.0\n--- FAIL: TestX (0.00s)\n" * 1000
    assert held.block(log, 0) == [] and not held.held and not held.seen_run
    assert held.block(b"say === RUN   TestX\n    x_test.go:1: a\n", 2000) == []
    assert not held.seen_run


def test_the_lines_held_stay_bounded():
    # a real capture's `=== RUN` and log entry lines, made those of 20 000 tests
    # that start, log a long line and never end: within the bytes and tests allowed
    from stackdemux.sieve_tests import MAX_RUNNING

    lines = BIG[-1].read_bytes().splitlines(keepends=True)
    run = next(x for x in lines if x.startswith(b"=== RUN   TestEarly"))
    entry = next(x for x in lines if b"starting the early check" in x)
    held = VerboseTests(max_bytes=1 << 20)
    log = b"".join(run.replace(b"TestEarly", b"TestEarly%d" % i)
                   + entry.replace(b"starting", b"x" * 500) for i in range(20_000))
    assert held.block(log, 0) == []
    assert held.size <= 1 << 20 and len(held.held) <= MAX_RUNNING


def test_failed_tests_far_above_their_package_s_verdict_read_as_read_whole():
    # 10 000 subtests of TestChatty (Go 1.27.3 -v), the 5 000th failing: its verdict
    # and TestEarly's lie more than demux.REGION_GAP lines above go test's `FAIL\tpkg`
    # (5 000 `--- PASS` lines, TestLate's panic): read in windows, their windows were
    # read apart from it, cut short and with no package, so other ids than read whole
    # (`test failed: TestEarly` 39600dd171084c52, whole `… in example.com/bigjson`
    # 8e37f64749e29ba3); from 4 000 subtests to 6 000 the verdict fell past the gap
    path = DATA / "bigjson_small" / "go1.27.3-many-verbose.txt.gz"
    sieved = read_source(str(path), path.name, minimum=0)
    assert sieved.capture.kept_lines < sieved.capture.total_lines
    assert read(sieved) == read(path)
    early, case, crash = stackdemux.analyze(sieved).reports
    assert early.title == "test failed: TestEarly in example.com/bigjson" and early.complete
    assert case.title == "test failed: TestChatty/case_05000 in example.com/bigjson"
    assert case.tests == ["TestChatty", "TestChatty/case_05000"] and case.complete
    assert crash.tests == ["TestLate"]


def test_go_test_s_verdict_on_a_failed_package_is_kept():
    # (sieve_verbose.VERDICT: what names the package of the failed tests above it)
    log = (b"=== RUN   TestA\n    a_test.go:9: boom\n--- FAIL: TestA (0.00s)\n"
           b"FAIL\nFAIL\texample.com/a\t0.01s\n")
    running = VerboseTests()
    failed = running.block(log, 0)
    assert [(f.key, f.chunks[-1]) for f in failed][-1] == (
        b"FAIL\t", (4, b"FAIL\texample.com/a\t0.01s\n"))
