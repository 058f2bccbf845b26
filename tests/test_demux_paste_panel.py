"""A log copied out of a terminal UI's bordered pane: each row `│ `, the text
padded to the pane's width, ` │` (SREGym#506). The borders and the padding go;
what the pane cut off at its width stays lost (stackdemux/demux/paste_panel.py)."""

from __future__ import annotations

from pathlib import Path

from stackdemux.demux.paste import repair
from stackdemux.demux.paste_panel import panel_borders

WILD = Path(__file__).resolve().parent.parent / "samples" / "wild"
PANE = (WILD / "sregym506_k9s_log_panel_borders_zerolog_panic_cut_rows.txt").read_text()


def test_a_pane_s_rows_read_as_the_lines_it_shows() -> None:
    lines = repair(PANE.splitlines()).lines
    assert lines[2:6] == ["panic: no reachable servers", "", "goroutine 1 [running]:",
                          "github.com/rs/zerolog.(*Logger).Panic.func1({0x96e211, 0x0})"]
    assert not any("│" in line for line in lines)


def test_rows_whose_left_border_was_read_as_a_prefix_lose_the_right_one() -> None:
    # the prefix layer reads `│ ` as terraform's rule: the texts it leaves end in ` │`
    rows = [(line[2:], (n,)) for n, line in enumerate(PANE.splitlines(), 1)]
    got, changed = panel_borders(rows, None)
    assert got[2][0] == "panic: no reachable servers"
    # the last row, cut by the stored copy, has no border left to show it was one
    assert changed == len(rows) - 1 and got[-1] == rows[-1]


def test_a_rule_down_the_left_alone_is_no_pane() -> None:
    # terraform's diagnostics: `│ ` before each line, nothing closing it on the right
    rows = [("│ Error: Plugin did not respond", (1,)), ("│ ", (2,)),
            ("│ panic: boom", (3,)), ("│ goroutine 1 [running]:", (4,))]
    assert panel_borders(rows, None) == (rows, 0)
