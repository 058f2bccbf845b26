"""The line-level separator has a work budget, one per log: a log written to
be slow costs it little, and no real merge comes near the budget.

Traceback-shaped lines in random order (headers, calls, file lines, `created
by`, panics, no process's order kept) keep 64 streams open and cost the beam
100-300 units of work a line (a scoring is one, a hypothesis forked
budget.FORK), about 1 ms. The beams of one log share START, then LINE a
traceback line; past it a beam narrows for good, and a beam started past it
starts narrow. Every line is still placed, and a diagnostic says so.
"""

from __future__ import annotations

import random

import pytest
from conftest import CORPUS_CASES

from stackdemux.api import analyze
from stackdemux.demux import beam, budget

NARROWED = "too many traceback-shaped lines to weigh every reading"


def written_to_be_slow(n: int, seed: int = 1) -> list[str]:
    r = random.Random(seed)

    def line(i: int) -> str:
        return r.choice([
            f"goroutine {i} [chan receive]:", f"main.g{i % 9}(0x{r.getrandbits(40):x})",
            f"\t/app/g.go:{i % 99} +0x2a", f"created by main.h{i % 3} in goroutine {i % 17}",
            f"\t/app/h.go:{i % 77} +0x3b", "", f"panic: x{i}",
        ])

    return [line(i) for i in range(n)]


class Ledger:
    """The work of each beam a log ran (budget.Budget.close), and the most
    one traceback line cost (Beam.line): the budget is checked line by line,
    so a beam overruns it by one line's work at most."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.beams: list[tuple[int, int]] = []  # (work, traceback lines)
        self.dearest_line = 0
        self.after_narrowing: list[tuple[int, int]] = []  # (work, lines) once narrowed
        real_close, real_line = budget.Budget.close, beam.Beam.line

        def close(b: budget.Budget, work: int, lines: int) -> None:
            self.beams.append((work, lines))
            real_close(b, work, lines)

        def line(bm: beam.Beam, *args) -> None:
            before = bm.work
            narrow = bm.narrowed_at >= 0
            real_line(bm, *args)
            self.dearest_line = max(self.dearest_line, bm.work - before)
            if narrow:
                self.after_narrowing.append((bm.work - before, 1))

        monkeypatch.setattr(budget.Budget, "close", close)
        monkeypatch.setattr(beam.Beam, "line", line)

    def within_budget(self) -> bool:
        work = sum(w for w, _ in self.beams)
        lines = sum(n for _, n in self.beams)
        return work <= budget.START + budget.LINE * lines + len(self.beams) * self.dearest_line


def placed_lines(a) -> set[int]:
    placed = {n for s in a.streams for n in s.numbers}
    return placed | {n for a_, b in a.noise for n in range(a_, b + 1)}


def test_a_log_written_to_be_slow_narrows_the_beam_and_loses_no_line(monkeypatch):
    ledger = Ledger(monkeypatch)
    text = "\n".join(written_to_be_slow(3000)) + "\n"
    a = analyze(text)
    (said,) = [d for d in a.diagnostics if d.message.startswith(NARROWED)]
    first, last = said.lines[0]
    assert 0 < first < last
    assert len(ledger.beams) == 1 and ledger.within_budget()
    # narrowed, a line costs less than the budget grants it: the reading stays linear
    work = sum(w for w, _ in ledger.after_narrowing)
    assert work < budget.LINE * len(ledger.after_narrowing)
    assert placed_lines(a) == set(range(1, text.count("\n") + 1))


def test_the_beams_of_one_log_share_its_budget(monkeypatch):
    """Eight services' streams behind compose prefixes, each such lines: eight
    beams, one budget (one each would let the log cost eight starts)."""
    ledger = Ledger(monkeypatch)
    lines = written_to_be_slow(4000, seed=2)
    text = "".join(f"svc-{i % 8}  | {line}\n" for i, line in enumerate(lines))
    a = analyze(text)
    assert len(ledger.beams) == 8
    assert ledger.within_budget()
    # the first beam spends the start; the others narrow soon after theirs
    narrowed = [d for d in a.diagnostics if d.message.startswith(NARROWED)]
    assert len(narrowed) >= 6
    assert placed_lines(a) == set(range(1, len(lines) + 1))


@pytest.mark.parametrize("case", ["big-lines-random", "mixed-lines-random",
                                  "twelve-lines-random", "gotest-lines-random",
                                  "sigquit-lines-random", "crash-lines-random"])
def test_no_real_merge_comes_near_the_budget(case: str, monkeypatch):
    """A real merge's work, less what its lines earn, stays under half the start."""
    ledger = Ledger(monkeypatch)
    d = CORPUS_CASES / case
    a = analyze(str(next(d.glob("input.log*"))))
    assert not [d for d in a.diagnostics if d.message.startswith(NARROWED)]
    ((work, lines),) = ledger.beams
    assert work - budget.LINE * lines < budget.START / 2
