"""A traceback a terminal left in raw mode printed as a staircase: each line starts
at the column where the last one ended, so its copy leads it by that many spaces
(derailed/k9s#1948, a panic in k9s's log view). The columns go; the run's first
line, a row of the program's screen with Go's first line written over its end,
is set apart at the opener (stackdemux/demux/paste_stairs.py)."""

from __future__ import annotations

from pathlib import Path

from stackdemux import analyze
from stackdemux.demux.paste import repair
from stackdemux.demux.paste_stairs import staircase

WILD = Path(__file__).resolve().parent.parent / "samples" / "wild"
STAIRS = (WILD / "k9s1948_raw_mode_staircase_each_line_from_the_last_ones_column.txt"
          ).read_text()


def test_each_line_loses_the_columns_before_it() -> None:
    got = repair(STAIRS.splitlines())
    assert got.lines == [
        "  <pod>   <containers>   <logs>           ",
        "panic: send on closed channel",
        "",
        "goroutine 273 [running]:",
        "github.com/derailed/k9s/internal/dao.readLogs({0x62734c0, 0xc001538a80}, "
        "{0x6259ef8, 0xc001600000}, 0xc000f81aa0, 0xc000f819e0)",
        # (a wrapped line's next starts at its end less the width: 222 - 164 = 58;
        # the tab is Go's own, the columns before it the terminal's)
        "\tgithub.com/derailed/k9s/internal/dao/pod.go:393 +0x6d2",
        "created by github.com/derailed/k9s/internal/dao.tailLogs",
        "\tgithub.com/derailed/k9s/internal/dao/pod.go:343 +0x555",
    ]
    # the screen's row and Go's first line both keep the input line they came from
    assert got.origins[:2] == [(1,), (1,)]
    assert got.applied["staircase"] == 6


def test_the_panic_reads_with_its_goroutine() -> None:
    [r] = analyze(STAIRS).reports
    assert (r.kind, r.message, r.complete) == ("panic", "send on closed channel", True)
    [g] = r.goroutines
    assert [f.func for f in g.frames] == ["github.com/derailed/k9s/internal/dao.readLogs"]
    assert (g.frames[0].file, g.frames[0].line) == (
        "github.com/derailed/k9s/internal/dao/pod.go", 393)
    assert g.created_by is not None and g.created_by.frame.line == 343


def test_lines_led_by_one_indentation_are_no_staircase() -> None:
    # a dump indented as a block (each line the same spaces before it: the indented
    # block step's) stands at no column where the line before it ended
    lines = repair(STAIRS.splitlines()).lines[1:]  # (the traceback, flush left)
    block = [("    " + t if t else t, (n,)) for n, t in enumerate(lines, 1)]
    assert staircase(block, None) == (block, 0)


def test_too_few_steps_are_left_alone() -> None:
    # the paste's first four lines: the header and one call line after the panic's
    # row (two lines at their columns, fewer than a staircase is read from)
    rows = [(t, (n,)) for n, t in enumerate(STAIRS.splitlines()[:4], 1)]
    assert staircase(rows, None) == (rows, 0)
