"""A report's first line longer than the grammar reads (MAX_LINE, 64 KiB).

tests/data/long_panic is a real Go 1.27 program that panics with a whole
HTTP body in its value (a 108 KB first line; make.sh regenerates it).
"""

from __future__ import annotations

import json
from pathlib import Path

from stackdemux.api import analyze
from stackdemux.grammar import MAX_LINE
from stackdemux.model import ReportKind
from stackdemux.parse import LONG_OPENER, parse_text

CAPTURE = Path(__file__).resolve().parent / "data" / "long_panic" / "long-panic-go1.27.3.txt"


def test_a_panic_whose_first_line_is_over_64_kib_keeps_its_kind_message_and_stack():
    data = CAPTURE.read_bytes()
    first = data.split(b"\n", 1)[0]
    assert len(first) > MAX_LINE
    (report,) = analyze(data).reports
    assert report.kind is ReportKind.PANIC
    assert report.message.startswith('unexpected response: [{"id": 1, "name": "blob"}, ')
    assert first.decode().startswith("panic: " + report.message)  # its head, cut
    assert [f.func for f in report.goroutines[0].frames] == ["main.decode", "main.main"]


def test_that_its_message_is_cut_is_said_on_its_line():
    result = parse_text(CAPTURE.read_bytes())
    assert [(d.message, d.lines) for d in result.diagnostics] == [(LONG_OPENER, [(1, 1)])]


def test_a_long_line_that_opens_no_report_stays_noise():
    result = parse_text(b"x" * (MAX_LINE + 10) + b"\n")
    assert result.reports == [] and result.noise == [(1, 1)] and result.diagnostics == []


def test_the_text_report_shows_the_head_of_a_huge_message_and_json_all_of_it():
    from click.testing import CliRunner

    from stackdemux.cli import main

    text = CliRunner().invoke(main, [str(CAPTURE)]).output
    assert len(text) < 8000 and "more characters)" in text
    doc = json.loads(CliRunner().invoke(main, ["-f", "json", str(CAPTURE)]).output)
    assert len(doc["reports"][0]["message"]) > MAX_LINE - 20
