"""A report read from a prefixed log's stream keeps its input lines as their
numbers (LineSpans), not as a tuple a span: when the services' lines alternate
a report spans as many runs as lines. It must read, compare and render as the
list of spans it stands for, whatever reads it (first or last line, every span,
JSON), and a line added to it later (attach_late) must still join its spans."""

from __future__ import annotations

from array import array
from pathlib import Path

import orjson
import pytest

from stackdemux.api import analyze
from stackdemux.ingest import ingest
from stackdemux.model import LineSpans, Stream, spans_of
from stackdemux.parse import parse_stream
from stackdemux.render.json import render_json_bytes

ROOT = Path(__file__).resolve().parent.parent
# `concurrently` prefixing three services whose lines alternate as they crash
COMPOSE = ROOT / "samples" / "interleaved" / "concurrently-crash.log"


def test_a_compose_logs_reports_keep_their_lines_as_numbers_and_read_as_spans():
    analysis = analyze(COMPOSE)
    kept = [r for r in analysis.reports if isinstance(r.lines, LineSpans)]
    assert kept, "the sample's services alternate: their reports' lines are kept as numbers"
    for r in kept:
        spans = spans_of(r.lines.numbers)
        assert len(spans) > 1  # alternating lines: many runs
        assert r.lines == spans and spans == r.lines and list(r.lines) == spans
        assert r.lines[0] == spans[0] and r.lines[-1] == spans[-1] and len(r.lines) == len(spans)
        assert r.lines[1:] == spans[1:] and repr(r.lines) == repr(spans)


def test_the_json_of_kept_lines_is_the_json_of_their_spans():
    analysis = analyze(COMPOSE)
    doc = orjson.loads(render_json_bytes(analysis))
    for r, written in zip(analysis.reports, doc["reports"], strict=True):
        assert written["lines"] == [list(s) for s in r.lines]


def test_first_and_last_spans_are_read_as_the_whole_list_reads_them():
    # runs at either end of every length, single lines between them
    for numbers in ([7], [7, 8], [3, 5, 6, 7], [1, 2, 3, 9], [4, 6, 8], [10, 11, 13, 14]):
        kept = LineSpans(array("I", numbers))
        assert kept[0] == spans_of(numbers)[0] and kept[-1] == spans_of(numbers)[-1]
        assert kept == spans_of(numbers) and bool(kept)
    assert not LineSpans(array("I")) and LineSpans(array("I")) == []


@pytest.mark.parametrize("name", ["go1.21/race_run.txt", "go1.21/go_run_panic.txt",
                                  "go1.27/skopeo_cmdline_args.txt"])
def test_a_stream_read_with_its_numbers_in_an_array_reads_as_with_a_list(name):
    # every other input line, as a service's among another's: trailers read after a
    # report closed (`exit status 66` after a race's rule) join its kept lines too
    texts = ingest((ROOT / "samples" / name).read_bytes()).lines
    numbers = range(5, 5 + 2 * len(texts), 2)
    kept = parse_stream(Stream(id="s1", numbers=array("I", numbers), texts=texts))
    listed = parse_stream(Stream(id="s1", numbers=list(numbers), texts=texts))
    assert [r.lines for r in kept.reports] == [r.lines for r in listed.reports]
    assert [r.exit_status for r in kept.reports] == [r.exit_status for r in listed.reports]
    assert kept.noise == listed.noise and kept.reports
