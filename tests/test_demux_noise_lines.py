"""The noise's line numbers held as runs (demux/noise_lines.py): the spans they
make are those of the numbers' set, sorted, whatever order and repeats the
stages set them aside in."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from stackdemux.demux.noise_lines import NoiseLines
from stackdemux.model import spans_of


def _spans(batches: list[list[int]]) -> list[tuple[int, int]]:
    noise = NoiseLines()
    for batch in batches:
        if len(batch) == 1:
            noise.append(batch[0])
        else:
            noise.extend(iter(batch))  # (a generator, as the stages pass)
    return noise.spans()


def test_lines_set_aside_in_order_are_one_span_a_stretch() -> None:
    assert _spans([[1, 2, 3], [4], [7, 8], [10]]) == [(1, 4), (7, 8), (10, 10)]


def test_out_of_order_and_repeated_lines_merge() -> None:
    # a region's gap set aside after the region, a line said by two stages
    assert _spans([[5, 6], [1, 2], [6], [3, 4], [2]]) == [(1, 6)]


def test_line_one_and_nothing() -> None:
    assert _spans([[1]]) == [(1, 1)]
    assert NoiseLines().spans() == []


@given(st.lists(st.lists(st.integers(1, 60), max_size=12), max_size=12))
def test_spans_are_those_of_the_sorted_set(batches: list[list[int]]) -> None:
    every = [n for b in batches for n in b]
    assert _spans(batches) == spans_of(sorted(set(every)))


def test_a_long_log_of_noise() -> None:
    rng = random.Random(3)
    lines = [n for n in range(1, 200_000) if rng.random() < 0.9]
    head = lines[:5000]
    rng.shuffle(head)
    assert _spans([lines[5000:], head]) == spans_of(sorted(set(lines)))
