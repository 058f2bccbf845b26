"""A big `go test -json` log is sieved (sieve.py) and still reads its failures.

test2json escapes each line of output inside a JSON record, where the sieve's
searches for traceback lines (at a line's start, behind a prefix) find none: a
54 MB -json log of a real run read as no crash at all (0 of 256 036 lines). The
sieve now tells a log of records by its head and decodes the records whose text
holds a needle (`--- FAIL`, `panic: `, `goroutine `, ` +0x` …), confirming their
text's lines as a plain line's; the windows around them read as the whole log does.

Real captures (tests/data/bigjson_small/make.sh): benchmarks/bigjson's tests, a
t.Errorf between two t.Logs, passing subtests that log, a failing subtest among
them and a panic last, with Go 1.27.3 (OutputType) and 1.26.6, -json and plain;
read here through the sieve whatever their size (`minimum=0`). The big log and its
figures: benchmarks/bench_bigjson.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import stackdemux
from stackdemux.model import ReportKind
from stackdemux.sieve import read_source, wrapped_format

DATA = Path(__file__).resolve().parent / "data" / "bigjson_small"
JSON = sorted(DATA.glob("go*-json.txt"))
PACKAGE = "example.com/bigjson"


def reports(source) -> list[tuple]:
    return [(r.kind, r.title, r.fingerprint) for r in stackdemux.analyze(source).reports]


def test_the_head_of_a_go_test_json_log_says_it_is_records():
    assert wrapped_format(JSON[0].read_bytes()) == "test2json"
    assert wrapped_format((DATA / "go1.27.3-plain.txt").read_bytes()) is None


@pytest.mark.parametrize("path", JSON, ids=lambda p: p.name)
def test_sieved_it_reads_as_read_whole(path):
    sieved = read_source(str(path), path.name, minimum=0)
    assert 0 < sieved.capture.kept_lines < sieved.capture.total_lines  # windows, not all
    got = reports(sieved)
    assert got == reports(path)
    assert [t for _, t, _ in got] == [f"test failed: TestEarly in {PACKAGE}",
                                      f"test failed: TestChatty/case_00006 in {PACKAGE}",
                                      "panic: assignment to entry in nil map"]


@pytest.mark.parametrize("path", JSON, ids=lambda p: p.name)
def test_a_failure_whose_log_began_above_its_window_keeps_its_whole_log(path):
    # the subtest logged 20 lines, then failed: its window holds the last 16 and its
    # `--- FAIL` line; the sieve held the test's records while it ran (sieve_tests.py)
    # and keeps them all as it fails (it kept what the window held: 15 of 20 steps)
    a = stackdemux.analyze(read_source(str(path), path.name, minimum=0))
    [case] = [f for r in a.reports for f in r.failed_tests if f.test == "TestChatty/case_00006"]
    assert case.log[-1].text == "case 6: checksum mismatch"
    assert [e.text for e in case.log[:-1]] == [
        f"step {j} of 20: processed record {120 + j}, checksum {0xb54cda26 + j:08x}"
        for j in range(20)]
    [report] = [r for r in a.reports if case in r.failed_tests]
    [whole] = [r for r in stackdemux.analyze(path).reports if r.title == report.title]
    assert report.lines == whole.lines and report.failed_tests == whole.failed_tests
    # go test's `FAIL\tpkg`, past its window, is in a later one: the test had ended
    assert report.complete and report.incomplete_reason is None


@pytest.mark.parametrize("path", [*JSON, *sorted((DATA.parent / "gotest_chatty").glob("*json*"))],
                         ids=lambda p: p.name)
def test_a_failure_read_in_its_window_is_complete_as_read_whole(path):
    # a failed test's window ends some lines after its `--- FAIL`, with its records
    # kept whole; its package's verdict, `FAIL\tpkg`, is far below (in the chatty
    # package, after passing tests: no other window would hold it). The sieve keeps
    # that verdict's record, and its window says the failed tests had ended: each
    # report is as complete as read whole (they said `the lines after this window
    # were not read`)
    sieved = read_source(str(path), path.name, minimum=0)
    verdict = next(n for n, line in enumerate(path.read_bytes().splitlines(), 1)
                   if b'"Output":"FAIL\\t' in line)
    assert any(s.first <= verdict < s.first + len(s.lines) for s in sieved.capture.segments)
    got = {r.title: (r.complete, r.incomplete_reason) for r in stackdemux.analyze(sieved).reports}
    assert got == {r.title: (True, None) for r in stackdemux.analyze(path).reports}


def test_a_failed_test_that_logged_more_than_the_sieve_holds_says_its_head_was_not_read(
        monkeypatch):
    # the sieve holds a running test's last MAX_LINES_ABOVE lines (20 000): made 8
    # here, read in blocks of 512 bytes (its records then come in many chunks), the
    # subtest's 22 lines lose their head, `=== RUN` and the first steps; its package's
    # verdict read below does not make it complete. TestEarly's 7 lines are whole
    import functools

    import stackdemux.sieve as sieve_module
    from stackdemux.sieve_tests import RunningTests

    monkeypatch.setattr(sieve_module, "RunningTests", functools.partial(RunningTests, limit=8))
    whole = sieve_module.sieve
    monkeypatch.setattr(sieve_module, "sieve",
                        lambda f, first=b"", **kw: whole(f, first, block=512, **kw))
    path = DATA / "go1.27.3-json.txt"
    got = {r.title: r for r in stackdemux.analyze(read_source(str(path), path.name, minimum=0))
           .reports}
    case = got[f"test failed: TestChatty/case_00006 in {PACKAGE}"]
    assert len(case.failed_tests[0].log) < 21
    assert not case.complete and "first lines were not kept" in case.incomplete_reason
    assert got[f"test failed: TestEarly in {PACKAGE}"].complete


def test_a_failure_whose_package_verdict_was_never_read_stays_incomplete(tmp_path):
    # the same log cut after the failed subtest's window: nothing says it ended
    lines = (DATA / "go1.27.3-json.txt").read_bytes().splitlines(keepends=True)
    cut = next(n for n, line in enumerate(lines) if b"--- FAIL: TestChatty/" in line) + 90
    path = tmp_path / "cut.json"
    path.write_bytes(b"".join(lines[:cut]))
    sieved = read_source(str(path), path.name, minimum=0)
    [case] = [r for r in stackdemux.analyze(sieved).reports if "case_00006" in r.title]
    assert not case.complete and "windows" in case.incomplete_reason


CHATTY = sorted((DATA.parent / "gotest_chatty").glob("go*-json.txt"))


@pytest.mark.parametrize("path", CHATTY, ids=lambda p: p.name)
def test_parallel_tests_logging_at_once_keep_each_failed_test_s_own_log(path):
    # samples/programs/gotests' chatty package: passing subtests logging 40 lines,
    # then three parallel subtests logging at once (Go 1.19 says `=== CONT` where the
    # output switches, Go 1.27 tags each record alone), one failing after 40 lines;
    # their parent logged a line first, its own failure. Sieved, each failed test's
    # records are kept, and read with its verdict: as the whole log reads them
    sieved = read_source(str(path), path.name, minimum=0)
    assert sieved.capture.kept_lines < sieved.capture.total_lines / 2

    def failures(source) -> dict:
        return {r.title: [(f.test, [e.text for e in f.log]) for f in r.failed_tests]
                for r in stackdemux.analyze(source).reports}

    got = failures(sieved)
    assert got == failures(path)
    parent = got["test failed: TestParallel in example.com/gotests/chatty"]
    assert parent == [("TestParallel", ["starting the parallel cases"])]
    # (Go 1.27's events of a and c interleave with b's line by line, no `=== NAME`
    # between: each entry is the test its event names, Stream.test_runs; they were
    # read as b's log too, 60 entries)
    [(test, log)] = got["test failed: TestParallel/b in example.com/gotests/chatty"][-1:]
    assert (test, log) == ("TestParallel/b", [
        *(f"case b: step {j}" for j in range(40)), "case b: want 40 records, got 39"])


GO_TEST_JSON = sorted(DATA.parent.glob("gotest_*/*json*.txt"))


@pytest.mark.parametrize("path", [*JSON, *GO_TEST_JSON], ids=lambda p: p.parent.name + "/" + p.name)
def test_the_parallel_sieve_keeps_the_same_records(path):
    # sieved on several cores, the log is cut into ranges each read alone: a failed
    # test whose output began in an earlier range kept only its range's part (of
    # these 20 captures cut 2 to 11 ways, every one lost some for some cut). Each
    # range says which tests still run at its end, with their records: a test that
    # fails in a later range takes them, back to its `run`, as one pass holds them
    from stackdemux.sieve import sieve
    from stackdemux.sieve_parallel import sieve_file

    wrapped = wrapped_format(path.read_bytes())
    one = sieve(path.open("rb"), wrapped=wrapped)
    for jobs in range(2, 12):
        more = sieve_file(str(path), jobs, wrapped)
        assert (more.to_bytes(), more.links) == (one.to_bytes(), one.links), jobs


def test_plain_and_json_read_as_the_same_reports():
    plain = reports(DATA / "go1.27.3-plain.txt")
    assert plain == reports(DATA / "go1.27.3-json.txt") == reports(DATA / "go1.26.6-json.txt")


def test_a_test_that_failed_with_a_log_before_another_crashed_is_a_report_of_its_own():
    # go test prints the crashing test's `--- FAIL` (and its parents') last, just
    # before the panic; the tests that failed before it are failures of their own
    for path in (DATA / "go1.27.3-plain.txt", *JSON):
        a = stackdemux.analyze(path)
        early, case, crash = a.reports
        assert (early.kind, early.tests, early.test_package) == (
            ReportKind.TEST_FAILURE, ["TestEarly"], PACKAGE)
        # (its parent, failed by it alone, with it: not the later crash's)
        assert case.tests == ["TestChatty", "TestChatty/case_00006"]
        assert [len(f.log) for f in case.failed_tests] == [0, 21]
        assert crash.kind is ReportKind.PANIC and crash.tests == ["TestLate"]


def test_a_log_of_tests_that_never_end_holds_bounded_records():
    # a real capture's `run` event and log entry event, made the events of 20 000
    # tests that start, log a long line and never end (a hostile or cut log): the
    # records held stay within MAX_HELD_BYTES, and the tests held within MAX_RUNNING
    from stackdemux.sieve_tests import MAX_RUNNING, RunningTests

    events = (DATA / "go1.27.3-json.txt").read_bytes().splitlines(keepends=True)
    run = next(e for e in events if b'"Action":"run"' in e and b"TestEarly" in e)
    entry = next(e for e in events if b"starting the early check" in e)
    held = RunningTests(max_bytes=1 << 20)
    log = b"".join(
        run.replace(b"TestEarly", b"TestEarly%d" % i)
        + entry.replace(b"TestEarly", b"TestEarly%d" % i).replace(b"starting", b"x" * 500)
        for i in range(20_000))
    assert held.block(log, 0) == []
    assert held.size <= 1 << 20 and held.size == sum(h.size for h in held.held.values())
    assert len(held.held) <= MAX_RUNNING
