"""Fuzzing the sieve's hold of running tests' records (sieve_tests.RunningTests)
on real `go test -json` captures, mangled: records lost, repeated, shuffled,
two captures' records interleaved (parallel packages), hostile text in a test's
name, lines cut. Whatever the records:

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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_fuzz import HOSTILE, lines_run, repeated, seeded, windows

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
CAPTURES = sorted([*DATA.glob("bigjson_small/go*-json.txt"), *DATA.glob("gotest_*/go*-json.txt"),
                   *ROOT.glob("samples/go*/test_fail_json.txt")])
POOL = [p.read_bytes() for p in CAPTURES]


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


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


def read(data: bytes, cuts: list[int], **kw) -> tuple[RunningTests, list[FailedRecords]]:
    """The log fed in blocks of whole lines, cut before the line numbers `cuts`."""
    ls = _lines(data)
    held = RunningTests(**kw)
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
