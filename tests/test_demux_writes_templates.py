"""How far a big dump's templates read the mixed start of its write merge (issue 3).

In big-writes-time a pool prints 5000 parked goroutines into the pipe a small
fleet program crashes into. After the last broken line the text is the pool's
alone, and it repeats a few templates; tests/corpus/writes_templates.py reads
the mixed start before it by them. These hold what it measured: the templates
take the pool's templated writes exactly, and what they leave is still two
processes (the pool's head and goroutine 1 among the fleet's first lines), so
nothing of it is wired into the pipeline.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "corpus"))

from writes_templates import Measured, measure


@pytest.fixture(scope="module")
def big() -> Measured:
    return measure("big-writes-time")


def test_the_tail_of_a_big_dump_repeats_a_few_templates(big: Measured) -> None:
    assert big.templates == 5 and big.tail_blocks > 4900
    # every goroutine of the pool's in the mixed start but goroutine 1 is one
    assert (big.goroutines, big.fits) == (17, 16)
    assert big.big_bytes - big.covered == 205


def test_templates_read_the_pools_writes_in_the_mixed_start_exactly(big: Measured) -> None:
    assert big.taken == big.held
    assert big.rest == big.held_rest


def test_what_they_leave_is_still_two_processes(big: Measured) -> None:
    # the fleet's whole output, with the pool's head and goroutine 1 among its first lines
    assert len(big.rest) == big.others + 205
    assert big.rest.startswith("panic: shutdown timeout")
    mixed = big.rest[:big.mixed_rest]
    assert "pool exhausted: 5000 workers parked (seed 1)" in mixed and "main.many" in mixed
    assert "main.many" not in big.rest[big.mixed_rest:]
    assert big.mixed_rest < 500
