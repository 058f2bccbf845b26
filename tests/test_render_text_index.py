"""The text report's index (one line per group, for three groups or more) starts
every title in one column: numbers are right-aligned and counts padded to the
widest, where `9)` and `10)`, `×3` and `×10` each moved the titles after them
(a log of many crashes read as a ragged list)."""

from __future__ import annotations

import re

from conftest import SAMPLES

import stackdemux
from stackdemux.render import RenderOptions, render

GO127 = SAMPLES / "go1.27"
ONCE = ["deadlock", "divide_by_zero", "index_out_of_range", "nil_pointer", "slice_bounds",
        "close_closed_channel", "send_closed_channel", "type_assertion", "panic_string",
        "stack_overflow"]


def _index() -> list[str]:
    logs = [GO127 / "nil_map.txt"] * 10 + [GO127 / f"{name}.txt" for name in ONCE]
    text = render(stackdemux.analyze_many(logs), "text", RenderOptions(width=100))
    lines = text.splitlines()
    return lines[1:lines.index("")]


def test_there_are_ten_groups_or_more_and_a_count_of_ten():
    index = _index()
    assert len(index) >= 10
    assert index[0] == "   1) ×10  panic: assignment to entry in nil map"


def test_every_title_of_the_index_starts_in_one_column():
    index = _index()
    columns = {re.match(r" *\d+\) ×\d+ +", line).end() for line in index}  # (titles)
    starts = {len(line) - len(line.lstrip()) for line in index}
    assert len(columns) == 1, index
    assert starts == {2, 3}  # (`10)` at two spaces in, ` 9)` at three)
    assert any(line.startswith("  10) ×1   ") for line in index), index
