"""The corpus scorer's tables (tests/corpus/score.py) keep their columns in line
whatever a mode is called or how big a figure grows: `prefix-concurrently` (19
characters) and the whole corpus's 22 911/23 254 goroutines pushed every column
after them out of line, under headings that stood elsewhere too."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "corpus"))

import score as corpus


def _rows() -> dict[str, corpus.Score]:
    """Real figures: the baseline's (0c271d4) whole corpus and two of its modes."""
    return {
        "prefix-concurrently": corpus.Score(cases=12, reports=45, reports_exact=45,
                                            goroutines=174, goroutines_exact=174,
                                            messages=45, messages_found=45, conserved=12,
                                            marked_exact=45),
        "lines-random": corpus.Score(cases=33, reports=33, reports_exact=21, goroutines=1000,
                                     goroutines_exact=950, messages=33, messages_found=33,
                                     conserved=33, marked_exact=21, values_wrong=40,
                                     values_marked=12, marked_wrong=9),
        "[all]": corpus.Score(cases=144, reports=689, reports_exact=615, goroutines=23254,
                              goroutines_exact=22911, messages=689, messages_found=689,
                              conserved=144, marked_exact=617),
    }


def _marks(line: str, chars: str = "/%") -> list[int]:
    return [i for i, c in enumerate(line) if c in chars]


def test_every_column_of_the_table_is_in_line_under_its_heading():
    head, rule, *body = corpus.table(_rows()).splitlines()
    assert set(rule) == {"-"} and len(rule) == len(head)
    assert body[0].startswith("lines-random ") and body[-1].startswith("[all] ")
    # every fraction's `/` and every percentage's `%` at one column in every row
    assert all(_marks(line) == _marks(body[0]) for line in body), body
    # a count ends where its heading does, and nothing runs past the last heading
    cases = head.index("cases") + len("cases")
    assert [line[cases - 3:cases] for line in body] == [" 33", " 12", "144"]
    assert all(len(line) <= len(head) for line in body)


def test_the_marked_table_is_in_line_too():
    head, rule, *body = corpus.marked_table(_rows()).splitlines()
    assert len(rule) == len(head)
    assert all(_marks(line) == _marks(body[0]) for line in body), body
    assert all(len(line) <= len(head) for line in body)
    assert "9/40" in body[0] and "9/12" in body[0] and "0/0  -" in body[-1]
