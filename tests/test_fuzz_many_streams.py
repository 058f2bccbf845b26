"""Fuzzing the separator on many real processes' lines in random order: where
the first beam loses the truth among near-ties and the log is read again,
peeled (peel.py), by the wider beam (beam.Wide, budget.WIDEN), repaired and
polished, every pass paid from a budget of its own (budget.py).

The corpus's real process outputs (tests/corpus/cases/*-lines-random: crashes,
dumps, SIGQUITs, go test, bbolt; 31 processes) drawn 8 to 12 at a time, their
lines dealt in a random order that keeps each process's own (as the corpus's
merges are made), some mangled as logs are (hostile text, numbers longer than
Go prints, a line cut). Whatever the draw:

* no exception of ours, every line in exactly one stream or the noise, every
  output inert for its system (test_fuzz.keeps_the_promises);
* work within what the budgets allow (a work counter, load-free): every
  pass's spending within its allowance, overrun at most by the one beam or
  pair it had begun, so the separator's work is linear in the log.

`python tests/fuzz_modules.py SEED SECONDS OUT many` runs this family longer.
"""

from __future__ import annotations

import random
import sys
from contextlib import contextmanager
from pathlib import Path

from stackdemux.demux import budget as budget_module
from stackdemux.demux.budget import (
    LINE,
    PEEL,
    POLISH,
    REPAIR,
    RESTART,
    START,
    WIDEN,
    Budget,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_fuzz import cut, hostile_text, huge_number, keeps_the_promises, seeded

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = sorted({p.read_bytes() for p in ROOT.glob("tests/corpus/cases/*-lines-random/p*.out")})


def drawn(r: random.Random, first: bytes, most: int = 1 << 20) -> bytes:
    """`first` and 7 to 11 other real processes' lines in a random order, each
    process's own kept (its first `most` lines: the log ends there)."""
    others = r.sample([o for o in OUTPUTS if o != first], r.randint(7, 11))
    procs = [o.splitlines(keepends=True)[:most] for o in [first, *others]]
    bag = [i for i, p in enumerate(procs) for _ in p]
    r.shuffle(bag)
    at = [0] * len(procs)
    out = []
    for i in bag:
        out.append(procs[i][at[i]])
        at[i] += 1
    data = b"".join(x if x.endswith(b"\n") else x + b"\n" for x in out)
    for _ in range(r.choice([0, 0, 1, 2])):
        data = r.choice([cut, huge_number, hostile_text])(r, data)
    return data


@contextmanager
def budgets_kept(into: list[Budget]):  # type: ignore[no-untyped-def]
    """Each log's budget (demux.demultiplex_detail's one_budget) kept in `into`."""
    real = budget_module.one_budget

    @contextmanager
    def kept():  # type: ignore[no-untyped-def]
        with real() as b:
            into.append(b)
            yield b

    budget_module.one_budget = kept
    try:
        yield
    finally:
        budget_module.one_budget = real


def within_allowances(b: Budget) -> None:
    """Each pass's work within its allowance, but for the beam (or pair) it had
    begun: a beam's own is START and LINE a traceback line weighed."""
    beam = START + LINE * b.lines
    assert b.spent <= beam + beam, ("beams", b)
    assert b.rerun <= RESTART + beam, ("runs again", b)
    assert b.peel <= 2 * PEEL + beam, ("peel", b)
    assert b.widen <= WIDEN + beam, ("wider beam", b)
    assert b.repair <= REPAIR + beam, ("repair", b)
    assert b.polish <= POLISH + beam, ("polish", b)


@seeded(OUTPUTS, 2)
def test_many_real_processes_in_random_order_keep_every_promise_within_their_budgets(
        index: int, seed: int):
    r = random.Random(seed)
    data = drawn(r, OUTPUTS[index], 25)  # (~2 s each; the campaign draws them whole)
    budgets: list[Budget] = []
    with budgets_kept(budgets):
        keeps_the_promises(data)
    for b in budgets:
        within_allowances(b)
