"""What a write-level merge holds of what the corpus scores (issue 3).

The corpus scores a report's message and kind and, per goroutine, its id,
state and each frame's (function, file, line), `created by` likewise
(tests/corpus/score.py). The runtime prints each of those as one print
argument, so one write(): each stands whole in any merge of processes'
writes, and a process's text cut down to them (calls `name()`, file lines
without offsets, arguments and offsets dropped) still reads as the same
reports. These hold on the corpus's strace'd merges (truth.json: who wrote
each byte); tests/corpus/writes_significant.py measures the rest.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "corpus"))

from score import report_key
from writes_significant import SMALL, merged_tokens, outcomes, owned, significant, skeleton

from stackdemux.parse import parse_text


@pytest.mark.parametrize("case", SMALL)
def test_every_significant_write_stands_whole_in_the_merge(case: str) -> None:
    text, owners, outs = owned(case)
    toks, whole = merged_tokens(text, owners, outs)
    kinds = Counter(t[3] for t in toks)
    # every goroutine has its id, state and frames; every frame its file and line
    assert kinds["gid"] == kinds["state"] > 0
    assert kinds["file"] == kinds["line"] == kinds["func"] + kinds["cfunc"]
    assert whole == len(toks)


@pytest.mark.parametrize("case", SMALL)
def test_significant_writes_alone_read_as_every_report(case: str) -> None:
    _, _, outs = owned(case)
    for out in outs:
        want = [report_key(r) for r in parse_text(out).reports]
        got = [report_key(r) for r in parse_text(skeleton(out)).reports]
        assert got == want
        # the skeleton dropped what is not scored: arguments and offsets
        assert " +0x" not in skeleton(out) and "0x" not in "".join(
            line for line in skeleton(out).split("\n") if line.endswith("()"))


def test_a_frame_gives_its_name_file_and_line() -> None:
    out = ("goroutine 19 [running]:\n"
           "go.etcd.io/bbolt.(*Cursor).search(0x2048c14a7ed0, {0x2048c14aa060?, 0x479ac5?},"
           " 0x1920)\n"
           "\t/work/main/tests/corpus/programs/vendor/go.etcd.io/bbolt/cursor.go:48 +0x169\n"
           "created by main.boltCorrupt in goroutine 1\n"
           "\t/work/main/tests/corpus/programs/main.go:98 +0x3c5\n")
    assert [(k, out[a:b]) for k, a, b in significant(out)] == [
        ("gid", "19"), ("state", "running"),
        ("func", "go.etcd.io/bbolt.(*Cursor).search"),
        ("file", "/work/main/tests/corpus/programs/vendor/go.etcd.io/bbolt/cursor.go"),
        ("line", "48"),
        ("cfunc", "main.boltCorrupt"), ("cgid", "1"),
        ("file", "/work/main/tests/corpus/programs/main.go"), ("line", "98")]


def test_two_processes_significant_writes_alone_read_more_than_one_way():
    # mixed-writes-time's first two processes, each opening with its message:
    # a `1` and a `197` are one's goroutine id and the other's line number, or
    # the reverse; the hard rules over the significant writes cannot say which
    text, owners, outs = owned("mixed-writes-time")
    toks, _ = merged_tokens(text, owners, outs)
    two = [t for t in toks if t[2] in (0, 1)]
    assert outcomes(two, 2, 1000, heads=True) == 2
    # without the heads, which process a message opens is open too
    assert outcomes(two, 2, 1000) == 4
    # one process's own writes read one way: the rules accept the truth
    own = [t for t in two if t[2] == 0]
    assert outcomes(own, 1, 1000, heads=True) == 1
