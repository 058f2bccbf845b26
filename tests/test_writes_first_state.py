"""Which process's goroutines follow which message (the write decoder's
FIRST_STATE): the runtime prints a `panic: `'s panicking goroutine first, so
its first goroutine is `[running]`; a deadlock's goroutines all wait, so its
first is not. Two processes that have written their messages stand alike to
the decoder, and only such evidence tells whose goroutines come next.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPUS_CASES as CASES

from stackdemux.demux.writes_decode import W_FIRST_STATE, _future, _Proc, first_state
from stackdemux.demux.writes_reading import reading

ROOT = Path(__file__).resolve().parent.parent


def _outputs() -> list[Path]:
    """Every process output of the corpus's write merges and every sample of a
    Go toolchain's output (samples/go1.*): real runtime output."""
    return sorted(CASES.glob("*-writes-*/p*.out")) + sorted(ROOT.glob("samples/go1.*/*.txt"))


def _cost(lines: list[str]) -> float:
    due, total = 0, 0.0
    for line in lines:
        r = reading(line) if line else None
        c, due = first_state(due, "blank" if not line else r.kind if r else None, line)
        total += c
    return total


def test_every_real_output_keeps_its_first_goroutines_state() -> None:
    # (the rule holds of the truth: it costs no process's own output anything)
    outs = _outputs()
    assert len(outs) > 300
    costly = [p.relative_to(ROOT).as_posix() for p in outs
              if _cost(p.read_text(errors="replace").splitlines())]
    assert costly == []


@pytest.mark.parametrize(("opener", "header", "costs"), [
    # gotest-writes-time: p0's panic and p3's deadlock; each other's first headers
    ("panic: ledger: negative balance -42 for account 7 [recovered, repanicked]",
     "goroutine 1 [semacquire]:", True),
    ("fatal error: all goroutines are asleep - deadlock!", "goroutine 4 [running]:", True),
    ("panic: ledger: negative balance -42 for account 7 [recovered, repanicked]",
     "goroutine 4 [running]:", False),
    ("fatal error: all goroutines are asleep - deadlock!", "goroutine 1 [semacquire]:", False),
    # another fatal error tells nothing (concurrent map writes: the writer is running;
    # an unexpected signal's first goroutine may be any)
    ("fatal error: concurrent map writes", "goroutine 1 [semacquire]:", False),
    # GOTRACEBACK=crash's header (crash-writes-*)
    ("panic: boom", "goroutine 1 gp=0x1080b82861e0 m=0 mp=0x588640 [running]:", False),
])
def test_a_report_opener_prices_its_first_goroutine_header(opener, header, costs) -> None:
    assert _cost([opener, "", header]) == (W_FIRST_STATE if costs else 0.0)


def test_only_the_first_header_is_owed() -> None:
    # a panic's later goroutines (GOTRACEBACK=all) wait as they like
    assert _cost(["panic: boom", "", "goroutine 1 [running]:", "main.main()",
                  "\t/app/main.go:5 +0x1d", "", "goroutine 7 [chan receive]:"]) == 0.0


def test_two_processes_owing_different_states_are_two_futures() -> None:
    # the beam keeps one past per future: a process after a panic and one after
    # a deadlock stand apart until a header's state is read
    p = _Proc(0, (), (0,))
    assert _future(_Proc(0, (), (0,), due=1)) != _future(_Proc(0, (), (0,), due=2))
    assert _future(p) == _future(_Proc(0, (), (0,)))
