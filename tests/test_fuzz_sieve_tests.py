"""Fuzzing the sieve's hold of running tests' records (sieve_tests.RunningTests)
on real `go test -json` captures, and of running tests' lines
(sieve_verbose.VerboseTests) on real plain `go test -v` ones, mangled: records
lost, repeated, shuffled, two captures' records interleaved (parallel packages),
hostile text in a test's name, lines cut. Whatever the records:

* no exception of ours;
* a failed test's records are the input's lines at the numbers given, in
  order, and no line is any two failures' (nothing given twice);
* what is held is counted right and stays within its bounds (bytes, tests);
* the log read in blocks (as the sieve reads a file) holds what one block holds
  (where no bound let records go: it lets go whole chunks, which blocks cut);
* the work grows linearly with the log (a work counter: Python lines run).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from hypothesis import strategies as st

from stackdemux.sieve_tests import MAX_RUNNING, FailedRecords, RunningTests
from stackdemux.sieve_verbose import VERDICT, VerboseTests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_fuzz import HOSTILE, lines_run, repeated, seeded, windows

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
CAPTURES = sorted([*DATA.glob("bigjson_small/go*-json.txt"), *DATA.glob("gotest_*/go*-json.txt"),
                   *ROOT.glob("samples/go*/test_fail_json.txt")])
POOL = [p.read_bytes() for p in CAPTURES]


def _lines(data: bytes) -> list[bytes]:
    """Lines as the sieve reads them: ended by a newline alone (a CR is text)."""
    ls = [x + b"\n" for x in data.split(b"\n")]
    ls[-1] = ls[-1][:-1]
    return ls if ls[-1] else ls[:-1]


def hostile_name(r: random.Random, d: bytes) -> bytes:
    """One test's name, in all its records, made hostile text (JSON-escaped, as
    test2json writes any name)."""
    names = sorted({json.loads(x).get("Test", "") for x in _lines(d) if x.startswith(b"{")
                    and _parses(x)} - {""})
    if not names:
        return d
    old = json.dumps(r.choice(names)).encode()
    new = json.dumps(r.choice(names) + b"".join(r.choice(HOSTILE) for _ in range(2)).decode(
        "utf-8", "replace")).encode()
    return d.replace(old, new)


def _parses(line: bytes) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def interleaved(r: random.Random, d: bytes) -> bytes:
    """Another capture's records dealt among these (two packages tested at once)."""
    mine, theirs = _lines(d), _lines(r.choice(POOL))
    out = []
    while mine or theirs:
        src = mine if mine and (not theirs or r.random() < 0.5) else theirs
        out.append(src.pop(0))
    return b"".join(out)


def cut_lines(r: random.Random, d: bytes) -> bytes:
    """Some records cut short (a line limit, a crash mid-write)."""
    ls = _lines(d)
    for _ in range(r.randint(1, 6)):
        i = r.randrange(len(ls))
        ls[i] = ls[i][:r.randrange(len(ls[i]))] + b"\n"
    return b"".join(ls)


MUTATIONS = [hostile_name, interleaved, cut_lines, repeated, windows]


def mangled(r: random.Random, d: bytes) -> bytes:
    for _ in range(r.randint(1, 3)):
        d = r.choice(MUTATIONS)(r, d)
    return d if d.endswith(b"\n") else d + b"\n"


def read(data: bytes, cuts: list[int], held: RunningTests | None = None, **kw
         ) -> tuple[RunningTests, list[FailedRecords]]:
    """The log fed in blocks of whole lines, cut before the line numbers `cuts`
    (to `held`, or to RunningTests(**kw))."""
    ls = _lines(data)
    held = RunningTests(**kw) if held is None else held
    failed: list[FailedRecords] = []
    at = 0
    for end in [*sorted(set(cuts)), len(ls)]:
        if end > at:
            failed += held.block(b"".join(ls[at:end]), at)
            at = end
    return held, failed


def keeps_its_promises(data: bytes, held: RunningTests, failed: list[FailedRecords],
                       max_bytes: int) -> None:
    ls = _lines(data)
    given: set[int] = set()
    for f in failed:
        end = -1
        for first, raw in f.chunks:
            n = raw.count(b"\n")
            assert first > end and raw == b"".join(ls[first:first + n]), (first, raw[:80])
            lines = set(range(first, first + n))
            assert not lines & given, "a line given to two failures"
            given |= lines
            end = first + n - 1
    assert held.size == sum(h.size for h in held.held.values())
    assert held.size <= max_bytes and len(held.held) <= MAX_RUNNING


@seeded(POOL, 40, st.sampled_from([1 << 26, 4096]))
def test_mangled_records_of_real_go_test_logs_keep_every_promise(index: int, seed: int,
                                                                 max_bytes: int):
    r = random.Random(seed)
    data = mangled(r, POOL[index])
    n = data.count(b"\n")
    held, failed = read(data, [], max_bytes=max_bytes)
    keeps_its_promises(data, held, failed, max_bytes)
    cuts = sorted(r.sample(range(n), min(n, r.randint(1, 12))))
    held2, failed2 = read(data, cuts, max_bytes=max_bytes)
    keeps_its_promises(data, held2, failed2, max_bytes)
    if max_bytes < len(data):
        return  # (what the bound lets go is whole chunks: a block's cut moves it)
    assert [(f.key, f.chunks and b"".join(raw for _, raw in f.chunks)) for f in failed2] == [
        (f.key, f.chunks and b"".join(raw for _, raw in f.chunks)) for f in failed]


def test_the_records_are_held_in_work_linear_in_the_log():
    # a real capture's tests, begun, logging and ended, 1x and 4x over under
    # names of their own (tests that run alone and pass are let go unread;
    # parallel ones' records are read a line a line)
    def log(k: int) -> bytes:
        return b"".join(x.replace(b'"Test":"', b'"Test":"R%d' % i) for i in range(k)
                        for x in (POOL[0], POOL[-1]))

    def work(k: int) -> int:
        data = log(k)
        return lines_run({"block", "_give", "_hold", "_entry", "_let_go", "_drop_oldest"},
                         lambda: read(data, list(range(0, data.count(b"\n"), 1000))))

    small, big = work(4), work(16)
    assert big <= 4.4 * small, (small, big)


# ------------------------------------------------------- plain go test -v ---

# Real -v captures: every release's forms, go test's flags (-count=3, -failfast,
# -run by a name with a space or a `/`), fuzz targets and their reruns, chatty
# parallel tests (=== CONT, === NAME, === PAUSE)
VERBOSE = sorted([*DATA.glob("gotest_forms/go*-verbose.txt"),
                  *DATA.glob("gotest_chatty/go*-verbose.txt"),
                  *(p for p in DATA.glob("gotest_flags/go*.txt") if b"=== RUN" in p.read_bytes()
                    and not p.name.endswith("-json.txt")),
                  *(p for p in DATA.glob("gotest_fuzz/go*.txt")
                    if not p.name.endswith("-json.txt")),
                  *ROOT.glob("samples/go*/test_fail_verbose.txt")])
VERBOSE_POOL = [p.read_bytes() for p in VERBOSE]
_MARKED = (b"=== RUN", b"=== CONT", b"=== NAME", b"=== PAUSE", b"--- FAIL: ", b"--- PASS: ",
           b"--- SKIP: ")


def hostile_verbose_name(r: random.Random, d: bytes) -> bytes:
    """One test's name made hostile text wherever a mark line prints it."""
    names = sorted({x.split()[2] for x in _lines(d)
                    if x.lstrip().startswith(_MARKED) and len(x.split()) > 2})
    if not names:
        return d
    old = r.choice(names)
    new = old + b"".join(r.choice(HOSTILE) for _ in range(2)).replace(b"\n", b" ")
    return b"".join(x.replace(old, new) if x.lstrip().startswith(_MARKED) else x
                    for x in _lines(d))


def interleaved_verbose(r: random.Random, d: bytes) -> bytes:
    """Another -v capture's lines dealt among these (two test binaries' output)."""
    mine, theirs = _lines(d), _lines(r.choice(VERBOSE_POOL))
    out = []
    while mine or theirs:
        out.append((mine if mine and (not theirs or r.random() < 0.5) else theirs).pop(0))
    return b"".join(out)


VERBOSE_MUTATIONS = [hostile_verbose_name, interleaved_verbose, cut_lines, repeated, windows]


def given_once_but_marks(data: bytes, failed: list[FailedRecords]) -> None:
    """The failed tests' lines are the input's at the numbers given, in order;
    a line two failures hold is a mark line (the one that ends a test's run of
    lines is kept with them, and begins the next's)."""
    ls = _lines(data)
    given: set[int] = set()
    for f in failed:
        end = -1
        for first, raw in f.chunks:
            n = raw.count(b"\n")
            assert first > end - 1 and raw == b"".join(ls[first:first + n]), (first, raw[:80])
            lines = set(range(first, first + n))
            twice = [i for i in lines & given if not ls[i].lstrip().startswith(_MARKED)]
            assert not twice, ("a line given to two failures", ls[twice[0]][:80])
            given |= lines
            end = first + n - 1


@seeded(VERBOSE_POOL, 40, st.sampled_from([1 << 26, 4096]))
def test_mangled_lines_of_real_verbose_go_test_logs_keep_every_promise(
        index: int, seed: int, max_bytes: int):
    r = random.Random(seed)
    data = VERBOSE_POOL[index]
    for _ in range(r.randint(1, 3)):
        data = r.choice(VERBOSE_MUTATIONS)(r, data)
    data = data if data.endswith(b"\n") else data + b"\n"
    n = data.count(b"\n")
    held, failed = read(data, [], VerboseTests(max_bytes=max_bytes))
    given_once_but_marks(data, failed)
    assert held.size == sum(h.size for h in held.held.values()) <= max_bytes
    assert len(held.held) <= MAX_RUNNING
    cuts = sorted(r.sample(range(n), min(n, r.randint(1, 12))))
    _, failed2 = read(data, cuts, VerboseTests(max_bytes=max_bytes))
    given_once_but_marks(data, failed2)
    if max_bytes >= len(data):  # (what the bound lets go is whole chunks: a cut moves it)
        assert [(f.key, b"".join(raw for _, raw in f.chunks)) for f in failed2] == [
            (f.key, b"".join(raw for _, raw in f.chunks)) for f in failed]
    # read from the middle (sieve_parallel's ranges): the same promises
    middle = r.randrange(n)
    rest = b"".join(_lines(data)[middle:])
    _, failed3 = read(rest, [], VerboseTests(mid_log=True, max_bytes=max_bytes))
    given_once_but_marks(rest, failed3)


def test_the_lines_of_verbose_tests_are_held_in_work_linear_in_the_log():
    # every -v capture, 4x and 16x over under names of their own
    def log(k: int) -> bytes:
        return b"".join(d.replace(b"Test", b"R%dTest" % i) for i in range(k)
                        for d in VERBOSE_POOL)

    def work(k: int) -> int:
        data = log(k)
        return lines_run({"block", "_give", "_hold", "_entry", "_let_go", "_drop_oldest",
                          "_hand_over", "_marks"},
                         lambda: read(data, list(range(0, data.count(b"\n"), 1000)),
                                      VerboseTests()))

    small, big = work(4), work(16)
    assert big <= 4.4 * small, (small, big)


def test_verdicts_above_a_log_s_first_run_are_no_test_s_read_whole_or_in_blocks():
    # found by fuzz_modules' seed 2301 (verbose): a -v log cut above TestSub's
    # `=== RUN`, its verdicts first. Read as one block, the verdicts were read as
    # TestSub's and TestSub/case_2's failures (each held its verdict alone); read
    # in blocks whose first held no `=== RUN`, they were not: where the sieve's
    # blocks fell decided it. The lines before a log's first `=== RUN` are no test's.
    ls = _lines((DATA / "gotest_forms" / "go1.27.3-verbose.txt").read_bytes())
    data = b"".join(ls[ls.index(b"--- FAIL: TestSub (0.00s)\n"):])
    _, whole = read(data, [], VerboseTests())
    # (and go test's verdicts on the packages that failed: sieve_verbose.VERDICT)
    assert [f.key for f in whole] == [b"TestReport", b"TestNested", b"TestNested/outer",
                                      b"TestNested/outer/inner", VERDICT, b"TestHello",
                                      b"TestGreetings", b"TestGreetings/Ann",
                                      b"TestGreetings/Bob", VERDICT], whole
    for cut in range(1, 5):
        _, blocks = read(data, [cut], VerboseTests())
        assert [(f.key, f.chunks[0][0], b"".join(raw for _, raw in f.chunks)) for f in blocks
                ] == [(f.key, f.chunks[0][0], b"".join(raw for _, raw in f.chunks)) for f in whole]
