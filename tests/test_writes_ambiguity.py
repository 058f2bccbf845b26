"""The write merges' ambiguity ceiling (issue 3): what
tests/corpus/writes_ambiguity.py measures with.

A reading other than the truth is as good for any decoder when every
process's text obeys everything a decoder can know without the truth (each
printed value one write, the grammar, the toolchain, the program, the
process). The rules must hold of the truth itself, or the ceiling they give
would be too high; and they must tell apart what real exchanges of the
corpus's writes make, or it would be too low. The figures are in
stackdemux/demux/writes.py's comment.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "corpus"))

import writes_ambiguity as A
from writes_significant import owned

SOFT = frozenset({"call line", "program source"})  # the tool's default: the log alone


def _swap(name: str, x: str, y: str, off: frozenset[str]) -> A.Alternative | None:
    """The exchange of two neighbouring pieces of two processes, `x` and `y`."""
    text, owners, outs = owned(name)
    p = A.pieces_of(text, owners, outs)
    for a in range(len(p.start) - 1):
        b = a + 1
        if {p.piece(a), p.piece(b)} == {x, y} and p.owner[a] != p.owner[b]:
            s = A.Search(p, off)
            return s.weigh("swap", [(a, p.owner[a], p.owner[b]), (b, p.owner[b], p.owner[a])])
    raise AssertionError(f"no {x!r} beside {y!r} in {name}")


def test_the_truth_obeys_every_rule() -> None:
    for name in ("bolt-writes-time", "crash-writes-shuffle", "twelve-writes-time"):
        text, owners, outs = owned(name)
        judge = A.Judge(outs, frozenset({"call line"}))  # the program's source too
        for k, lines in enumerate(judge.lines):
            for i, ln in enumerate(lines):
                if ln.kind in ("frame_call", "frame_file", "created_by", "goroutine_header"):
                    assert judge.broken(k, lines, [i]) is None, (name, k, ln.text)
        # each value the runtime prints whole stands in one piece of its writer
        s = A.Search(A.pieces_of(text, owners, outs), SOFT)
        for k, ks in enumerate(s.of):
            lines = s.judge.lines[k]
            assert s.one_write(k, ks, lines, list(range(len(lines))))


def test_line_numbers_of_two_releases_exchange_unless_their_sources_are_known() -> None:
    # crash-writes-time: 1.19's sync.(*WaitGroup).Wait at waitgroup.go:139 and
    # 1.23's main.boltCorrupt.func1 at main.go:103 write their numbers side by
    # side; the log alone reads them either way
    alt = _swap("crash-writes-time", "139", "103", SOFT | {"source"})
    assert alt is not None
    assert sorted(c[2:] for c in alt.changes) == [("lineno", "103", "139"),
                                                    ("lineno", "139", "103")]
    # 1.19's Wait spans waitgroup.go:112-..., so line 103 is none of it
    assert _swap("crash-writes-time", "139", "103", SOFT) is None
    # and the program's source says main.boltCorrupt.func1 holds no line 139
    assert _swap("crash-writes-time", "139", "103", frozenset({"call line", "source"})) is None
    assert not A.in_release_source("sync.(*WaitGroup).Wait",
                                   "/usr/lib/go-1.19/src/sync/waitgroup.go", 103)


def test_a_call_line_is_in_one_function() -> None:
    # bolt-writes-time: main.boltCorrupt (a `created by` of 1.27) beside
    # main.boltCorrupt.func1 (a call of 1.19): exchanged, 1.19's frame would
    # say main.go:103 is boltCorrupt's, where 1.27's calls it func1's
    off = SOFT | {"site"}
    assert _swap("bolt-writes-time", "main.boltCorrupt", "main.boltCorrupt.func1", off)
    assert _swap("bolt-writes-time", "main.boltCorrupt", "main.boltCorrupt.func1", SOFT) is None


def test_closures_lie_in_their_function() -> None:
    funcs = {"main.small": {363: 1}, "main.small.func1": {366: 1}, "main.nilDeref": {243: 1}}
    spans = {f: A.Counter(v) for f, v in funcs.items()}
    assert A.Judge._body(spans, "main.small", 370)  # past its closure: still one interval
    assert not A.Judge._body(spans, "main.nilDeref", 365)  # inside small's
    assert not A.Judge._body(spans, "main.small", 240)  # would hold nilDeref's 243


def test_states_are_the_runtimes() -> None:
    assert A.state_ok("GC scavenge wait")
    assert A.state_ok("chan receive, 2 minutes")
    assert not A.state_ok("main.go")


def test_a_releases_source_says_which_lines_a_function_holds() -> None:
    asm = "/opt/gobin/1.23.9/go/src/runtime/sys_linux_amd64.s"
    (first, last), = A.release_bodies(asm)[(None, "futex")]
    assert A.in_release_source("runtime.futex", asm, first + 3)
    assert not A.in_release_source("runtime.futex", asm, last + 20)
    # a go:linkname'd function lives in another package's file: not judged
    assert A.in_release_source("internal/runtime/maps.fatal",
                               "/opt/gobin/1.26.6/go/src/runtime/panic.go", 1181)
    # a release not on this machine: not judged either
    assert A.in_release_source("runtime.gopark", "/nowhere/go/src/runtime/proc.go", 1)


def _tails(name: str) -> list[tuple[str, str]]:
    """The valid tail exchanges of a case: each as the two lines the
    exchanged rests start with."""
    text, owners, outs = owned(name)
    s = A.Search(A.pieces_of(text, owners, outs), SOFT)
    return [(s.judge.lines[a][la].text, s.judge.lines[b][lb].text)
            for a, la, b, lb in s.tails()]


def test_a_message_and_the_goroutines_below_it_may_be_two_processes() -> None:
    # bolt-writes-shuffle: two processes of one release have written `panic: `,
    # their messages and the blank line after: from there on either's
    # goroutines read as the other's, under every rule (no piece exchange
    # finds it: a message is exchanged with no other text)
    got = _tails("bolt-writes-shuffle")
    assert ("goroutine 19 [running]:", "goroutine 1 [running]:") in got
    # the truth itself is no alternative, nor is the same text from the same place
    assert all(a != b for a, b in got)


def test_a_tail_exchange_keeps_a_tests_name_and_a_releases_panic_print() -> None:
    # gotest-writes-time: a rest that starts at `--- FAIL: TestX` goes on the
    # `=== RUN   TestX` of its own process only, and a `[recovered, repanicked]`
    # panic (Go 1.25 and later) never heads 1.23's goroutines
    assert _tails("gotest-writes-time") == []
    assert not A.tests_ok("=== RUN   TestA\n--- FAIL: TestB (0.01s)\n")
    assert A.tests_ok("=== RUN   TestA\n--- FAIL: TestA (0.01s)\n")
    assert not A.release_ok("panic: x [recovered, repanicked]\n\t/opt/gobin/1.23.9/go/src/a.go:1\n")
    assert A.release_ok("panic: x [recovered, repanicked]\n\t/opt/gobin/1.27.3/go/src/a.go:1\n")
