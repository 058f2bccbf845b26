"""A stack a logger wrote one line a record, each line a Go-quoted logfmt value.

convox/logger's Error logs `state=error id=N line=K trace=%q` for each line of
runtime.Stack's text (demux/paste_logfmt.py); the paste is convox/rack#2537's
(samples/wild/). The quoted forms below are what Go 1.19's fmt printed for `%q`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_conservation import check_conservation

from stackdemux import analyze
from stackdemux.demux.paste import repair
from stackdemux.demux.paste_logfmt import unquote
from stackdemux.ingest import ingest

WILD = Path(__file__).resolve().parent.parent / "samples" / "wild"
CONVOX = WILD / "convox2537_logfmt_trace_records_lines_lost.txt"


def _lines() -> list[str]:
    return CONVOX.read_text(encoding="utf-8").splitlines()


def test_each_record_s_trace_value_is_read_as_the_stack_line_it_quotes() -> None:
    [report] = analyze(CONVOX).reports
    [g] = report.goroutines
    assert [f.func for f in g.frames] == [
        "github.com/convox/rack/vendor/github.com/codegangsta/negroni.(*Negroni).ServeHTTP",
        "net/http.serverHandler.ServeHTTP",
        "net/http.(*conn).serve",
    ]
    first = g.frames[0]
    # the escaped tab is the file line's own: the path is read whole, with its offset
    assert (first.file, first.line, first.offset) == (
        "/go/src/github.com/convox/rack/vendor/github.com/codegangsta/negroni/negroni.go",
        96, "0xf5")
    assert g.created_by is not None and g.created_by.frame.func == "net/http.(*Server).Serve"
    # each line of the report is its record's input line
    assert report.lines == [(2, 7)]


def test_the_record_the_log_lost_leaves_its_frame_without_a_file_line() -> None:
    # `line=53` is missing between `line=52` and `line=54`: serverHandler.ServeHTTP's
    # file line; nothing is made up for it
    [report] = analyze(CONVOX).reports
    assert report.goroutines[0].frames[1].file is None
    assert report.complete is False


def test_nothing_of_the_log_is_lost() -> None:
    check_conservation(ingest(CONVOX.read_bytes()))


@pytest.mark.parametrize(("quoted", "text"), [
    ('"\\t/go/src/app/main.go:12 +0x1d"', "\t/go/src/app/main.go:12 +0x1d"),
    ('"panic: \\"quoted\\" \\\\ back"', 'panic: "quoted" \\ back'),
    ('"\\x00\\x00"', "\x00\x00"),
    # printable UTF-8 as it is; an invalid byte as \xNN, kept as a replacement mark
    ('"café \\xff \\u2028 😀 \\a\\b\\f\\v\\r"', "café \ufffd \u2028 😀 \a\b\f\v\r"),
])
def test_a_value_is_unquoted_as_strconv_quote_wrote_it(quoted: str, text: str) -> None:
    assert unquote(quoted) == text


@pytest.mark.parametrize("quoted", ['"a \\q b"', '"\\U00110000"', '"\\ud800"', '"\\400"'])
def test_what_strconv_quote_never_writes_is_no_quoted_value(quoted: str) -> None:
    assert unquote(quoted) is None


def test_a_key_that_never_quotes_a_file_line_is_left_as_logged() -> None:
    # the same records without the two whose value is a file line: a call line in
    # a message is a program's text like any other, and stays its record
    lines = [t for t in _lines() if '="\\t' not in t]
    assert repair(lines).lines == lines


def test_only_a_whole_pair_under_the_key_of_the_file_lines_is_read() -> None:
    # a call line quoted under another key, or a value with text run on after its
    # closing quote (no logfmt pair), stays its record
    lines = _lines()
    other_key = [t.replace(" trace=", " msg=", 1) if "line=52" in t else t for t in lines]
    assert repair(other_key).lines[3] == other_key[3]
    run_on = [t + "x" if "line=52" in t else t for t in lines]
    assert repair(run_on).lines[3] == run_on[3]
    # the records around them are read all the same
    assert repair(run_on).lines[2].startswith("\t/go/src/")


FLUENTD = WILD / "kubernetes21811_fluentd_pattern_not_match_quoted_lines.txt"


def test_a_collector_s_warning_quoting_each_line_it_could_not_parse_gives_the_stack() -> None:
    # fluentd: `… [warn]: pattern not match: "\t/go/src/…/log.go:214 +0xa6"`, the
    # string ending the record (Ruby's inspect escapes a tab as strconv.Quote does)
    [report] = analyze(FLUENTD).reports
    [g] = report.goroutines
    assert g.id == 5893402
    assert [(f.func, f.line) for f in g.frames] == [
        ("k8s.io/kubernetes/pkg/httplog.(*respLogger).recordStatus", 214),
        ("k8s.io/kubernetes/pkg/httplog.(*respLogger).WriteHeader", 193),
        ("github.com/emicklei/go-restful.(*Response).WriteHeader", None),
    ]
    assert report.lines == [(5, 10)]


def test_the_collector_s_other_warnings_stay_its_own_lines() -> None:
    lines = FLUENTD.read_text(encoding="utf-8").splitlines()
    got = repair(lines).lines
    # `" - exit status 1"` is no traceback line: its record is left as logged
    assert got[1:4] == lines[1:4]
    assert got[4] == "goroutine 5893402 [running]:"
