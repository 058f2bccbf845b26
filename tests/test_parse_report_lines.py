"""The lines a report used are kept as runs (first, last, …): the parser's own
record of what it read (lines one by one, in any order, repeats allowed, and
runs of whole frames) is joined into the runs of the set of those lines. A
report of a crash loop is read every few lines, so the usual shapes (one run
and a few lines around it) are joined without a sort: every shape must give
the runs of the set, over every small case."""

from __future__ import annotations

from itertools import combinations_with_replacement, permutations

from stackdemux.parse import _union

LINES = range(8)


def runs_of(lines: set[int]) -> list[int]:
    out: list[int] = []
    for i in sorted(lines):
        if out and out[-1] == i - 1:
            out[-1] = i
        else:
            out += (i, i)
    return out


def one_runs() -> list[list[int]]:
    return [[a, b] for a in LINES for b in LINES if a <= b]


def test_one_run_and_lines_around_it_join_as_the_set_of_their_lines():
    for ran in [[], *one_runs()]:
        for k in range(4):
            for chosen in combinations_with_replacement(LINES, k):
                for used in set(permutations(chosen)):
                    lines = set(used) | set(range(ran[0], ran[1] + 1) if ran else ())
                    assert _union(list(used), ran) == runs_of(lines), (used, ran)


def test_several_runs_in_any_order_join_as_the_set_of_their_lines():
    for first in one_runs():
        for second in one_runs():
            for used in ([], [0], [7, 3], [3, 3]):
                ran = first + second
                lines = set(used) | set(range(first[0], first[1] + 1)) | set(
                    range(second[0], second[1] + 1))
                assert _union(list(used), ran) == runs_of(lines), (used, ran)
