"""What the write decoder knows of how Go processes write (issue 3): the
places a write may end, the lines a process prints, and the arguments of a
call, checked on real output (tests/corpus/cases: strace'd write() calls,
with who wrote every byte in truth.json).
"""

from __future__ import annotations

import json
from itertools import pairwise

import pytest
from conftest import CORPUS_CASES as CASES
from conftest import corpus_case as _case

from stackdemux.demux import writes_decode
from stackdemux.demux.writes_decode import BLANK_AFTER, _args_ok, _foreign_lines, decode
from stackdemux.demux.writes_dfa import line_automaton
from stackdemux.demux.writes_reading import reading
from stackdemux.demux.writes_tokens import write_ends

SMALL = ["bolt-writes-time", "bolt-writes-shuffle", "mixed-writes-time", "mixed-writes-shuffle",
         "crash-writes-shuffle"]


def _owner_changes(truth: dict) -> list[int]:
    out, pos = [], 0
    for _, n in truth["ownership"]:
        pos += n
        out.append(pos)
    return out


def _outputs(case: str) -> list[list[str]]:
    d = CASES / case
    truth = json.loads((d / "truth.json").read_text())
    return [(d / p["output"]).read_text().splitlines() for p in truth["processes"]]


@pytest.mark.parametrize("case", ["bolt-writes-time", "bolt-writes-shuffle", "mixed-writes-time"])
def test_a_write_may_end_wherever_the_process_writing_changes(case):
    # a path behind a name (`main.boltCorrupt` + `/opt/gobin/1.23.9/…`), `...`
    # behind a file: the decoder cannot read a merge whose writes it never cuts
    # (still missed elsewhere: a name glued behind a hex number or a name,
    # `0xc000026050` + `example.com/…`, 1 to 4 places a case)
    text, truth = _case(case)
    ends = write_ends(text)
    assert [p for p in _owner_changes(truth) if not ends[p]] == []


@pytest.mark.parametrize("case", [*SMALL, "gotest-writes-time", "crash-writes-time"])
def test_the_comma_between_arguments_is_never_cut(case):
    # `, ` is one print argument: no process's write ends between its two characters
    text, truth = _case(case)
    ends = write_ends(text)
    assert all(not ends[k + 1] for k in range(len(text) - 1) if text[k:k + 2] == ", ")
    assert all(text[p - 1:p + 1] != ", " for p in _owner_changes(truth))


def _kinds(lines: list[str]) -> list[str | None]:
    return ["blank" if not line else (r.kind if (r := reading(line)) else None) for line in lines]


def test_a_goroutine_state_of_words_is_a_write_of_its_own():
    text, _ = _case("crash-writes-time")
    k = text.index("proc.goforce gc (idle)") + len("proc.go")
    assert write_ends(text)[k]


def test_blank_lines_follow_only_the_kinds_the_decoder_lets_them_follow():
    seen = set()
    for case in [*SMALL, "gotest-writes-time", "sigquit-writes-time", "twelve-writes-time"]:
        for out in _outputs(case):
            kinds = _kinds(out)
            assert kinds[0] != "blank"
            seen.update(k for k, nxt in pairwise(kinds) if nxt == "blank")
    assert seen <= BLANK_AFTER
    assert {"goroutine_header", "frame_call", "created_by", "blank", "test_fail"}.isdisjoint(
        BLANK_AFTER)


def test_a_process_first_line_or_a_line_after_a_goroutine_header_is_never_blank():
    a = line_automaton()
    start = writes_decode._report_automaton().start
    assert "blank" not in a.kinds(writes_decode._line_start(start, blank=False))
    assert "blank" in a.kinds(writes_decode._line_start(start))
    # a blank line given to a process that has not printed yet would cost no
    # more than the same newline given to the process that printed it
    got = decode("panic: boom\n\n")
    assert [len(p) for p in got.processes] == [2]


def test_the_go_test_lines_are_whole_writes_no_process_traceback_holds():
    text, _ = _case("gotest-writes-time")
    foreign = _foreign_lines(text)
    lines = [text[i:foreign[i]] for i in range(len(text)) if foreign[i]]
    assert lines == ["=== RUN   TestBalanceMismatch\n", "=== RUN   TestTransferPanics\n",
                     "=== RUN   TestTransferPanics\n",
                     "    ledger_test.go:34: balance = 5, want 13\n",
                     "=== RUN   TestTransferInGoroutine\n"]


@pytest.mark.parametrize("case", [*SMALL, "gotest-writes-shuffle", "crash-writes-time"])
def test_a_whole_foreign_line_is_one_a_process_printed(case):
    # never pieces of traceback lines glued into a line (`, `, `?`, `...`,
    # `/work/…/main.go?`): those stand in bolt-writes-time alone
    text, _ = _case(case)
    foreign = _foreign_lines(text)
    printed = {line + "\n" for out in _outputs(case) for line in out}
    assert {text[i:foreign[i]] for i in range(len(text)) if foreign[i]} <= printed


def test_every_call_line_a_process_printed_has_arguments_the_decoder_lets_it_write():
    calls = [line for case in [*SMALL, "gotest-writes-time", "twelve-writes-time"]
             for out in _outputs(case) for line in out
             if (r := reading(line)) is not None and r.kind == "frame_call"]
    assert len(calls) > 500
    for line in calls:
        assert all(_args_ok(line[:i]) for i in range(len(line) + 1)), line


def test_arguments_no_runtime_prints_are_known_at_the_write_that_makes_them():
    # read off bolt-writes-time's best reading before: another process's `}`
    assert not _args_ok("go.etcd.io/bbolt.(*Cursor).search(0xc000064e10, 0x176?}")
    assert not _args_ok("time.Sleep(0x3a, }")
    assert not _args_ok("main.main(0x1, ?")
    assert _args_ok("go.etcd.io/bbolt.(*Cursor).search(0x2048c14a7ed0, {0x2048c14aa060?, 0x")
    assert reading("f(0x1, 0x2})").cost > reading("f({0x1, 0x2})").cost == 0.0


def test_the_truths_reading_is_cheaper_than_the_one_the_search_finds():
    # on the time-ordered merge (what a shared pipe gives) the decoder's cost
    # model prefers the truth: held to who wrote every byte it reads 133 of
    # 137 lines at 1004, where the beam finds a reading of 1300 (before the
    # write ends above, the truth cost 1588 and read 118 lines: the model, not
    # only the search, failed)
    text, truth = _case("bolt-writes-time")
    owners = [o for o, n in truth["ownership"] for _ in range(n)]
    held = decode(text, owners=owners)
    found = decode(text)
    assert held.cost < found.cost
    assert sum(b - a for a, b in held.noise) < 100


def test_no_more_processes_than_report_heads():
    # mixed-writes-time's openers count 7 (a chained panic's and a signal's
    # lines count too); its heads are its 5 reports: the beam used to fill two
    # processes more with pieces read as registers and runtime notes
    text, truth = _case("mixed-writes-time")
    assert len(decode(text).processes) <= len(truth["processes"]) == 5


def test_go_test_lines_are_read_with_the_process_that_printed_them():
    # `=== RUN` and a test's log line are no traceback line: the decoder sent
    # them to the noise, so the truth itself paid for them (578.6 with 5 of
    # them and 211 characters in the noise); now a process reads them whole
    text, truth = _case("gotest-writes-time")
    owners = [o for o, n in truth["ownership"] for _ in range(n)]
    held = decode(text, owners=owners)
    for k, out in enumerate(_outputs("gotest-writes-time")):
        read = ["".join(text[a:b] for a, b in segs) for segs in held.processes[k]]
        ran = [t for t in out if t.startswith(("=== RUN", "--- FAIL", "    ledger_test.go"))]
        assert [t for t in read if t in ran] == ran
    assert not any(text[a:b].startswith(("===", "    ledger")) for a, b in held.noise)


def test_a_go_test_binary_runs_only_the_tests_it_named():
    # gotest-writes-time's p1 ran TestBalanceMismatch, then TestTransferInGoroutine,
    # whose goroutine panicked; p0 and p2 ran TestTransferPanics
    from stackdemux.demux.writes_decode import W_TEST, _test_line, _tests_after

    at = (0, "test_progress", "TestTransferInGoroutine")
    cost, ran = _test_line(("TestBalanceMismatch",), at)
    assert cost == 0.0 and ran == ("TestBalanceMismatch", "TestTransferInGoroutine")
    func = "example.com/fleet/ledger.TestTransferInGoroutine.func1"
    assert _tests_after(ran, "frame_call", func, func + "()")[0] == 0.0
    assert _tests_after(("TestTransferPanics",), "frame_call", func, func + "()")[0] == W_TEST
    fail = "--- FAIL: TestBalanceMismatch (4.78s)"
    assert _tests_after(("TestTransferPanics",), "test_fail", None, fail) == (
        W_TEST, ("TestBalanceMismatch", "TestTransferPanics"))
    assert _tests_after(ran, "test_fail", None, fail) == (0.0, ran)
    # a process that named no test (no -v, or no go test at all) is charged nothing
    assert _tests_after((), "frame_call", func, func + "()") == (0.0, ())
    assert _tests_after(ran, "frame_call", "testing.tRunner", "testing.tRunner(0x1)")[0] == 0.0
