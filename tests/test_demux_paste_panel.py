"""A log copied out of a terminal UI's bordered pane: each row `│ `, the text
padded to the pane's width, ` │` (SREGym#506). The borders and the padding go;
what the pane cut off at its width stays lost (stackdemux/demux/paste_panel.py)."""

from __future__ import annotations

import json
from pathlib import Path

from stackdemux import analyze
from stackdemux.demux import ORPHANS
from stackdemux.demux.paste import repair
from stackdemux.demux.paste_panel import panel_borders
from stackdemux.demux.pasted import PANE_CUT
from stackdemux.parse import CUT_FILE_AT_END, parse_text
from stackdemux.render import render

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


# --- rows the pane cut at its width (SREGym#506: zerolog's file lines, each longer
# than the pane, end at its right border: `…/vendor/github.com/rs/zerolog/log. │`)

def test_the_rows_that_fill_the_pane_up_to_its_border_are_said_cut() -> None:
    got = repair(PANE.splitlines())
    assert got.cut == [(7,), (9,), (11,)]  # the padded rows, db.go:26's too, are whole
    rows = [(line[2:], (n,)) for n, line in enumerate(PANE.splitlines(), 1)]
    assert repair([t for t, _ in rows]).cut == [(7,), (9,), (11,)]  # left border gone


def test_a_cut_file_line_keeps_its_frame_and_the_stack_goes_on_below_it() -> None:
    analysis = analyze(PANE)
    [r] = analysis.reports
    [g] = r.goroutines
    assert [f.func for f in g.frames] == [
        "github.com/rs/zerolog.(*Logger).Panic.func1", "github.com/rs/zerolog.(*Event).msg",
        "github.com/rs/zerolog.(*Event).Msg", "main.initializeDatabase", "main.main"]
    for f in g.frames[:3]:  # the pane cut their file lines: file and line lost, said so
        assert (f.file, f.line, f.cut) == (None, None, frozenset({"file", "line"}))
    whole = g.frames[3]
    assert (whole.file, whole.line, whole.cut) == (
        "/go/src/github.com/harlow/go-micro-services/cmd/geo/db.go", 26, frozenset())
    assert r.culprit is not None and r.culprit.func == "main.initializeDatabase"
    # the stored copy ends inside main.main's file line (`/go/src/github.com/harlow`)
    assert g.frames[4].cut == frozenset({"file", "line"})
    assert (r.complete, r.incomplete_reason) == (False, CUT_FILE_AT_END)
    # every line is the report's but the two log records above it; none set aside
    assert r.lines == [(3, 15)] and analysis.noise == [(1, 2)]
    said = {d.message: d.lines for d in analysis.diagnostics}
    assert said[PANE_CUT] == [(7, 7), (9, 9), (11, 11)]
    assert ORPHANS not in said


def test_the_json_names_the_values_a_cut_took() -> None:
    doc = json.loads(render(analyze(PANE), "json"))
    frames = doc["reports"][0]["goroutines"][0]["frames"]
    assert [f.get("cut") for f in frames] == [["file", "line"]] * 3 + [None, ["file", "line"]]
    assert frames[0]["file"] is None and frames[0]["line"] is None


def test_a_file_line_is_cut_only_where_the_pane_or_the_log_s_end_cut_it() -> None:
    # the same stack, its rows whole: nothing is marked; and mid-stack, a tab-led
    # line the pane did not cut is no file line of a frame (the parser ends there)
    lines = [line[2:].rstrip(" │").rstrip() for line in PANE.splitlines()[2:14]]
    lines = [("\t" + t.lstrip(" ")) if t.startswith("    ") else t for t in lines]
    reports = parse_text("\n".join(lines)).reports
    assert not any(f.cut for r in reports for g in r.goroutines for f in g.frames)
    first = reports[0].goroutines[0].frames
    assert [f.func for f in first] == ["github.com/rs/zerolog.(*Logger).Panic.func1"]
    assert first[0].file is None and reports[0].complete is False
