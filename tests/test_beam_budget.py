"""The line-level separator has a work budget: a log written to be slow costs
it little, and no real merge comes near the budget.

Traceback-shaped lines in random order (headers, calls, file lines, `created
by`, panics, no process's order kept) keep 64 streams open and cost the beam
about 300 scorings a line (4 ms: 5 KB/s). Past WORK_START + LINE_WORK a line the
beam narrows for good, places every line still, and says so.
"""

from __future__ import annotations

import random

import pytest
from conftest import CORPUS_CASES

from stackdemux.api import analyze
from stackdemux.demux import beam

NARROWED = "too many traceback-shaped lines to weigh every reading"


def written_to_be_slow(n: int, seed: int = 1) -> str:
    r = random.Random(seed)

    def line(i: int) -> str:
        return r.choice([
            f"goroutine {i} [chan receive]:", f"main.g{i % 9}(0x{r.getrandbits(40):x})",
            f"\t/app/g.go:{i % 99} +0x2a", f"created by main.h{i % 3} in goroutine {i % 17}",
            f"\t/app/h.go:{i % 77} +0x3b", "", f"panic: x{i}",
        ])

    return "\n".join(line(i) for i in range(n)) + "\n"


def test_a_log_written_to_be_slow_narrows_the_beam_and_loses_no_line(monkeypatch):
    scorings = []
    real_take = beam.Beam.take

    def counting(self, *args, **kwargs):
        out = real_take(self, *args, **kwargs)
        scorings.append(self.work)
        return out

    monkeypatch.setattr(beam.Beam, "take", counting)
    text = written_to_be_slow(3000)
    a = analyze(text)
    (said,) = [d for d in a.diagnostics if d.message.startswith(NARROWED)]
    first, last = said.lines[0]
    assert 0 < first < last
    # the work stays within the budget, give or take one retire period's lines
    lines = len(scorings)
    assert scorings[-1] <= beam.WORK_START + beam.LINE_WORK * lines + 64 * 300
    placed = {n for s in a.streams for n in s.numbers}
    placed |= {n for a_, b in a.noise for n in range(a_, b + 1)}
    assert placed == set(range(1, text.count("\n") + 1))


@pytest.mark.parametrize("case", ["big-lines-random", "mixed-lines-random",
                                  "twelve-lines-random", "gotest-lines-random"])
def test_no_real_merge_comes_near_the_budget(case: str):
    d = CORPUS_CASES / case
    a = analyze(str(next(d.glob("input.log*"))))
    assert not [d for d in a.diagnostics if d.message.startswith(NARROWED)]
