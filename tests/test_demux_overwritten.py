"""A progress line a terminal overwrote, then a crash on the same line.

tests/data/overwritten/progress is a real Go program that redraws a progress
line with carriage returns and then dereferences a nil pointer (captures made
by make.sh with Go 1.21 and 1.27): its log's first line is
`Copying blob … 0%\\r…\\rCopying blob … 50%\\rpanic: runtime error: …`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_conservation import check_conservation

from stackdemux.api import analyze
from stackdemux.demux import demultiplex_detail
from stackdemux.demux.overwritten import OVERWRITTEN, read_after_carriage_returns
from stackdemux.ingest import ingest
from stackdemux.model import Stream

DATA = Path(__file__).resolve().parent / "data" / "overwritten"
CAPTURES = sorted(DATA.glob("progress-go*.txt"))


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: p.stem)
def test_a_crash_after_a_progress_line_is_read_from_its_first_line(path):
    data = path.read_bytes()
    assert data.startswith(b"Copying blob") and b"\rpanic: " in data.split(b"\n")[0]
    analysis = analyze(data)
    (report,) = analysis.reports
    assert report.message == "runtime error: invalid memory address or nil pointer dereference"
    assert report.lines[0][0] == 1
    assert [f.func for f in report.goroutines[0].frames] == ["main.copyBlob", "main.main"]
    (said,) = [d for d in analysis.diagnostics if d.message == OVERWRITTEN]
    assert said.lines == [(1, 1)] and said.severity == "info"


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: p.stem)
def test_the_overwritten_text_is_set_aside_not_lost(path):
    source = ingest(path.read_bytes())
    demuxed = demultiplex_detail(source)
    (stream,) = demuxed.streams
    assert stream.texts[0].startswith("panic: ")
    assert source.lines[0][stream.prefix_lengths[0]:] == stream.texts[0]
    check_conservation(source, demuxed)


def test_a_traceback_line_holding_a_carriage_return_is_left_whole():
    # a panic value may hold one (`panic("a\rb")`): that line is the runtime's own
    texts = ["panic: upload failed\rretrying", "", "goroutine 1 [running]:"]
    stream = Stream(id="s1", numbers=range(1, 4), texts=texts)
    assert read_after_carriage_returns(stream) == (stream, None)


def test_a_progress_line_redrawn_past_64_kib_still_yields_the_crash_after_it():
    # (found by fuzzing: the whole line was skipped as too long for the grammar)
    crash = CAPTURES[-1].read_bytes().decode().split("\r")[-1]
    progress = "".join(f"Copying blob {i}/5000\r" for i in range(5000))  # ~100 KB
    (report,) = analyze((progress + crash).encode()).reports
    assert report.message.startswith("runtime error: invalid memory address")
    assert report.lines[0][0] == 1
