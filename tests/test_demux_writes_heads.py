"""Write()-level interleaving (issue 3): each report's first line, read from
its writes. The opener (`panic: `, `fatal error: `) is one write and the
message another, so both stand whole in any interleaving of real Go output
(tests/corpus/cases: strace'd writes merged by timestamp or at random).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from stackdemux.api import Options, load, split_streams
from stackdemux.demux.writes_gate import openers_run_together
from stackdemux.demux.writes_heads import clean_message, report_heads
from stackdemux.demux.writes_tokens import prose_runs
from stackdemux.model import Stream
from stackdemux.parse import parse_stream

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).parent / "corpus" / "cases"
NOISE = Path(__file__).parent / "corpus" / "noise"


def _input(name: str) -> str:
    d = CASES / name
    truth = json.loads((d / "truth.json").read_text())
    return (d / truth["input"]).read_text()


def _head_messages(text: str) -> Counter[str]:
    return Counter(text[slice(*(h.message or h.opener))] for h in report_heads(text))


def test_a_message_glued_between_other_writes_reads_as_one_prose_run():
    # `goroutine ` of one process, then another's message, then its newline
    text = _input("crash-writes-shuffle")
    runs = {text[a:b] for a, b in prose_runs(text)}
    assert "invalid page type: 6432: 10" in runs
    assert "concurrent map writes" in runs  # `rite` (a grammar word) inside `writes` cuts nothing
    # `7goroutine  [` + `runtime error: …` + `6` + `running`
    assert "runtime error: invalid memory address or nil pointer dereference" in runs


def test_goroutine_states_and_test_logs_are_no_messages():
    text = _input("gotest-writes-time")
    runs = {text[a:b] for a, b in prose_runs(text)}
    assert "balance = 5, want 13" not in runs  # `    ledger_test.go:34: balance = 5, want 13`
    assert not {"chan receive", "select", "semacquire"} & runs


@pytest.mark.parametrize("case", ["mixed-writes-shuffle", "mixed-writes-time",
                                  "gotest-writes-shuffle", "bolt-writes-time"])
def test_every_process_gets_its_own_message(case):
    truth = json.loads((CASES / case / "truth.json").read_text())
    want = Counter(r["message"] for p in truth["truth_reports"] for r in p)
    assert _head_messages(_input(case)) == want


def test_a_chained_panic_is_no_report_of_its_own_and_mends_the_first():
    # p1 prints `panic: runtime error: index out of range [5] with length 0 [recovered]`
    # then `\tpanic: handler 5: runtime error: … (re-panicked)`; another process's `5`
    # is glued behind the first message in the shuffle
    got = _head_messages(_input("mixed-writes-shuffle"))
    assert got["runtime error: index out of range [5] with length 0"] == 1
    assert not any(m.startswith("handler 5") for m in got)


def test_a_chained_panic_that_repeats_its_message_word_for_word_leaves_the_head_to_the_first():
    # p2 (Go 1.23) prints `panic: ledger: … account 9 [recovered]`, then the
    # chained `\tpanic: ledger: … account 9`: the same message twice. The
    # head is the first line's `panic: ` (the report's first line, where its
    # pieces stand), not the chained line's, which took it before
    text = _input("gotest-writes-shuffle")
    truth = json.loads((CASES / "gotest-writes-shuffle" / "truth.json").read_text())
    owner = [k for k, n in truth["ownership"] for _ in range(n)]
    head = next(h for h in report_heads(text) if h.message
                and text[slice(*h.message)] == "ledger: negative balance -42 for account 9")
    k = owner[head.opener[0]]
    assert owner[head.message[0]] == k
    firsts = [i for i in range(len(text)) if text.startswith("panic: ", i) and owner[i] == k]
    assert head.opener[0] == firsts[0] and text[head.opener[0] - 1] != "\t"


def test_a_signal_dump_line_ends_where_it_ends_whole_elsewhere():
    got = _head_messages(_input("sigquit-writes-shuffle"))  # `SIGQUIT: quitready`, …
    # four processes; idle-4's three relayed threads' `SIGQUIT: quit` open no report
    assert got == Counter({"SIGQUIT: quit": 4})


def test_a_one_word_message_on_a_whole_line_is_read():
    text = "panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:3 +0x1d\n"
    assert _head_messages(text) == Counter({"boom": 1})


def test_a_message_with_another_write_glued_in_is_not_clean():
    assert clean_message("invalid page type: 6432: 10")
    assert not clean_message("panic: fatal error: concurrent map writes")
    assert not clean_message("goroutine 21runtime error: index out of range [5] with length 0")


@pytest.mark.parametrize("case", ["gotest-writes-shuffle", "mixed-writes-shuffle",
                                  "sigquit-writes-shuffle"])
def test_a_mixture_of_writes_makes_up_no_report(case):
    truth = json.loads((CASES / case / "truth.json").read_text())
    want = Counter(r["message"] for p in truth["truth_reports"] for r in p)
    streams, _ = split_streams(load(_input(case).encode(), case), Options(analyse=False))
    got = Counter(r.message for s in streams if not s.unplaced for r in parse_stream(s).reports)
    assert got == want


def _clean_goroutines() -> list[str]:
    lines = (CASES / "bolt-writes-time" / "p1.out").read_text().splitlines()
    return lines[lines.index("goroutine 23 [running]:"):]


def test_a_whole_goroutine_dump_is_kept_and_a_broken_one_is_not():
    from stackdemux.demux.writes import _credible

    lines = _clean_goroutines()
    whole = Stream(id="s", numbers=range(1, len(lines) + 1), texts=lines)
    assert _credible(whole, Counter(), set())  # runtime.Stack, pprof: a dump of its own
    # a file line with another process's argument glued behind its colon
    k = lines[4].index(":") + 1
    broken = [*lines[:4], lines[4][:k] + "0x4b8f40" + lines[4][k:], *lines[5:]]
    cut = Stream(id="s", numbers=range(1, len(broken) + 1), texts=broken)
    assert not _credible(cut, Counter(), set())


def test_each_message_goes_to_its_kind_of_opener():
    text = _input("gotest-writes-time")  # `panic: fatal error: ` + `ledger: …` + …
    kinds = {text[slice(*h.message)]: h.kind for h in report_heads(text) if h.message}
    assert kinds["all goroutines are asleep - deadlock!"] == "fatal_error"
    assert kinds["ledger: negative balance -42 for account 7"] == "panic"


def test_openers_run_together_on_one_line_are_read_as_several_processes():
    """`panic: panic: fatal error: concurrent map writes`: one opener starts the
    line, the others follow it, so the cheap test for one process's output (one
    opener at a line start) passes; openers with nothing between them, amid
    broken lines, send the log to the write layer all the same."""
    import stackdemux

    text = _input("crash-writes-shuffle")
    assert text.splitlines()[1].startswith("panic: panic: fatal error: ")
    got = {r.message for r in stackdemux.analyze(text).reports}
    assert {"invalid page type: 6432: 10", "concurrent map writes",
            "runtime error: invalid memory address or nil pointer dereference"} <= got


def test_openers_written_together_say_that_several_processes_crashed_at_once():
    # `panic: ` + `panic: ` + `fatal error: `: three processes' first writes
    assert openers_run_together(_input("crash-writes-shuffle"))
    assert openers_run_together(_input("gotest-writes-time"))  # `panic: fatal error: `
    # one process's report, and whole lines of several, never write two together
    assert not openers_run_together((CASES / "crash-writes-shuffle" / "p0.out").read_text())
    assert not openers_run_together(_input("crash-lines-random"))


@pytest.mark.parametrize("log", sorted(p.name for p in NOISE.glob("*.log")))
def test_build_output_quoting_panics_has_no_openers_written_together(log):
    # grep lines and decoys quote `panic:` once in a line, with text around it
    assert not openers_run_together((NOISE / log).read_text(errors="replace"))


def test_a_number_glued_behind_a_message_is_dropped_when_the_message_stands_whole_elsewhere():
    # `… with length 0` + another process's `0`; the chained panic repeats the
    # message with ` (re-panicked)` after it
    got = _head_messages(_input("twelve-writes-shuffle"))
    assert got["runtime error: index out of range [6] with length 0"] == 1
    assert "runtime error: index out of range [6] with length 00" not in got
    # digits that are the message's own stay: no shorter reading stands elsewhere
    assert got["ledger: negative balance -13 for account 12"] == 1


def test_a_programs_own_line_is_no_message_of_a_chained_panics_opener():
    # twelve processes shuffled: p3's chained `\tpanic: ` finds no message of its
    # own (`handler 6: …` is glued behind a function name), and p4's
    # `hello ada#1\n` (fmt.Println: text and newline in one write) stood in
    # for p0's `invalid page type: …`, a message the runtime ends apart
    got = _head_messages(_input("twelve-writes-shuffle"))
    assert "hello ada#1" not in got
    assert got["invalid page type: 6401: 10"] == 1


def test_a_newline_right_after_a_run_says_little_where_no_opener_stands_before_it():
    # the runtime writes a message's newline apart: right after it only when the
    # same process writes on, as right after its opener; a program's line ends
    # in its own newline always
    text = "panic: 0x10 +hello ada#1\n0x9e +invalid page type: 6401: 10\t[\n"
    assert _head_messages(text) == Counter({"invalid page type: 6401: 10": 1})
    # right behind its opener, the newline after it is the same process's
    text = "panic: hello ada#1\n0x9e +invalid page type: 6401: 10\t[\n"
    assert _head_messages(text) == Counter({"hello ada#1": 1})


def test_digits_glued_behind_a_message_are_the_id_a_goroutine_header_still_owes():
    # `goroutine ` of one process, another's message, the first one's `18`, a
    # third one's argument, then the header's ` [`
    text = "panic: \n11goroutine invalid page type: 6401: 10180x574c20 [ m=sync.Cond.Wait]:\n"
    assert _head_messages(text) == Counter({"invalid page type: 6401: 10": 1})
    # with the id standing on its own before the bracket, the digits are the message's
    text = "panic: \ngoroutine invalid page type: 6401: 1018\n18 [sync.Cond.Wait]:\n"
    assert _head_messages(text) == Counter({"invalid page type: 6401: 1018": 1})


def test_thousands_of_openers_have_their_messages_chosen_in_work_linear_in_them():
    # a service's decoy logged again and again (tests/corpus/noise/decoys.log:
    # `… panic: false, fatal error: none, goroutine 1 [running]: …`), two
    # openers a line, among a real write-level merge: each message taken was
    # checked against every one taken before it (2 000 decoys: 4 s in a
    # 1.3 MB log, fuzz22's bench_adversarial interleaved-decoys-blankless)
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from test_fuzz import lines_run

    decoy = next(t for t in (NOISE / "decoys.log").read_text().splitlines()
                 if "panic: false" in t)
    merge = _input("crash-writes-shuffle")

    # ... and with a recovered panic's `[recovered]` before them (Go 1.21's
    # real sample): each run was checked for repeating each other run
    recovered = (ROOT / "samples" / "go1.21" / "repanic_same_value.txt").read_text()

    def work(k: int, before: str = "") -> int:
        text = before + merge + (decoy + "\n") * k
        names = {"report_heads", "_choose_messages", "likely", "least_from", "take_from",
                 "_push", "_add", "last", "take", "_unread_chained", "_drop_chained",
                 "_by_start", "_starts_in", "_within"}
        return lines_run(names, lambda: report_heads(text))

    for before in ("", recovered):
        small, big = work(500, before), work(2000, before)
        assert big <= 5 * small, (small, big)  # (4x the openers; quadratic: 16x)
    # ... and the decoys take none of the merge's own messages
    alone = _head_messages(merge)
    assert len(alone) == 3
    with_decoys = _head_messages(merge + (decoy + "\n") * 500)
    assert all(with_decoys[m] == n for m, n in alone.items())
