"""A line that paste repair joined from several input lines (a hard wrap, a call
line broken before its arguments) names every one of them: in its report's lines,
in the noise, in a diagnostic, and in `split`'s count (samples/wild/)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import ROOT

from stackdemux import analyze
from stackdemux.cli import main
from stackdemux.demux.pasted import undo_paste
from stackdemux.model import Stream
from stackdemux.parse import parse_stream

WILD = ROOT / "samples" / "wild"
INDEX = json.loads((WILD / "index.json").read_text(encoding="utf-8"))
SOCKETIO = WILD / "socketio604_sync_throw_blank_before_file_lines_wrapped_sp.txt"


def _lines(spans) -> set[int]:
    return {n for a, b in spans for n in range(a, b + 1)}


@pytest.mark.parametrize("file", [e["file"] for e in INDEX])
def test_every_input_line_is_named_by_a_report_the_noise_or_an_unplaced_stream(file):
    a = analyze(WILD / file)
    named = _lines(a.noise).union(*(_lines(r.lines) for r in a.reports))
    for s in a.streams:
        if s.unplaced:  # (said by a diagnostic: pieces no process's output took)
            named |= set(s.numbers) | {n for ps in s.pieces.values() for n, _, _ in ps}
    assert named >= set(range(1, a.total_lines + 1)), sorted(
        set(range(1, a.total_lines + 1)) - named)


def test_a_report_names_both_lines_of_a_file_line_the_paste_wrapped():
    # lines 16-17 and 21-22: file lines cut at the paste's width, joined again
    [r] = analyze(SOCKETIO).reports
    assert r.lines == [(1, 6), (8, 9), (11, 12), (14, 22)]


def test_the_repair_names_the_lines_it_joined_and_those_it_dropped():
    [d] = analyze(SOCKETIO).diagnostics
    assert d.message.startswith("repaired paste damage: hard wraps ×2")
    assert d.lines == [(7, 7), (10, 10), (13, 13), (16, 17), (21, 22)]


def test_a_diagnostic_about_a_joined_line_names_all_its_input_lines():
    # the paste less the call line of the frame whose file line it wrapped (16-17)
    lines = SOCKETIO.read_text().splitlines()
    kept = [n for n in range(1, len(lines) + 1) if n != 15]
    stream = Stream(id="s1", numbers=kept, texts=[lines[n - 1] for n in kept])
    layer = undo_paste(stream)
    assert layer is not None
    result = parse_stream(layer.stream)
    [d] = result.diagnostics
    assert (d.message, d.lines) == ("a file line without its call line", [(16, 17)])
    assert (16, 17) in result.noise  # (the report ended before it: both lines are noise)


def test_split_says_how_many_input_lines_a_stream_s_file_holds(tmp_path):
    out = CliRunner().invoke(main, ["split", str(SOCKETIO), "-o", str(tmp_path)]).output
    assert f"{tmp_path / 's1.log'}: 17 lines (holding 19 input lines)" in out
    assert f"{tmp_path / 'noise.txt'}: 3 lines of noise" in out
