"""AWS Lambda's error JSON for a Go handler's panic, read as the panic it reports.

aws-lambda-go answers a handler's panic with `{"errorMessage", "errorType", "stackTrace":
[{"path", "line", "label"}]}` (lambda_error.py); people paste it pretty-printed (the
console, `sam local invoke`) or as the one line a log holds. Real pastes only
(samples/wild/, sources in its index.json).
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from test_conservation import check_conservation

from stackdemux import lambda_error
from stackdemux.api import analyze_many
from stackdemux.ingest import ingest
from stackdemux.lambda_error import CUT
from stackdemux.model import ReportKind
from stackdemux.parse import parse_text

WILD = Path(__file__).resolve().parent.parent / "samples" / "wild"
PRETTY = WILD / "cfngo17_lambda_error_json_stacktrace.txt"
VERSIONED = WILD / "raygun4go28_lambda_error_json_module_versions.txt"
ONE_LINE = WILD / "ddlambda165_lambda_error_json_one_line.txt"


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _record_line(path: Path) -> str:
    return next(t for t in _text(path).splitlines() if t.startswith('{"errorMessage":'))


def test_a_pretty_printed_error_is_a_panic_whose_frames_are_its_stack_trace() -> None:
    result = parse_text(_text(PRETTY))
    (report,) = result.reports
    assert report.kind is ReportKind.PANIC
    assert report.message == "runtime error: invalid memory address or nil pointer dereference"
    assert [link.message for link in report.chain] == [report.message]
    (g,) = report.goroutines
    # the package is the path's directory, the label what follows it in Go's name
    assert [(f.func, f.file, f.line) for f in g.frames[:2]] == [
        ("github.com/aws/aws-lambda-go/lambda.(*Function).Invoke.func1",
         "github.com/aws/aws-lambda-go/lambda/function.go", 31),
        ("runtime.gopanic", "runtime/panic.go", 522)]
    assert g.frames[6].func == ("github.com/aws-cloudformation/aws-cloudformation-rpdk-go-plugin"
                                "/cfn.(*Wrapper).HandleLambdaEvent")
    assert len(g.frames) == 10


def test_the_report_holds_the_object_from_its_brace_and_the_prose_stays_noise() -> None:
    lines = _text(PRETTY).splitlines()
    result = parse_text(_text(PRETTY))
    (report,) = result.reports
    first = lines.index("{") + 1
    assert report.lines == [(first, len(lines))]
    assert result.noise == [(1, first - 1)]


def test_an_object_cut_short_is_read_up_to_its_last_member_and_said_incomplete() -> None:
    for path in (PRETTY, VERSIONED, ONE_LINE):
        (report,) = parse_text(_text(path)).reports
        assert not report.complete and report.incomplete_reason == CUT, path.name


def test_a_cut_one_line_record_keeps_its_whole_frames_and_no_piece_of_the_next() -> None:
    (report,) = parse_text(_text(ONE_LINE)).reports
    assert report.message == "interface conversion: interface {} is nil, not string"
    labels = [f.func.rsplit(".", 1)[-1] for f in report.goroutines[0].frames]
    assert labels == ["lambdaPanicResponse", "func1", "gopanic", "panicdottypeE",
                      "CheckRecentSignups", "RunLamdba", "handle"]


def test_the_same_record_whole_reads_the_same_and_complete() -> None:
    cut = _record_line(ONE_LINE)
    frames_text = cut[cut.index("[") + 1:cut.rindex("},") + 1]
    whole = cut[:cut.index("[") + 1] + frames_text + "]}"
    orjson.loads(whole)  # (a JSON object again: the cut frame left out, the brackets closed)
    (from_cut,) = parse_text(cut).reports
    (from_whole,) = parse_text(whole).reports
    assert from_whole.complete
    assert from_whole.goroutines[0].frames == from_cut.goroutines[0].frames


def test_the_pretty_and_the_one_line_form_of_one_object_read_alike() -> None:
    lines = _text(PRETTY).splitlines()
    pretty = "\n".join(lines[lines.index("{"):]) + "\n    }\n  ]\n}\n"
    obj = orjson.loads(pretty)
    (a,) = parse_text(pretty).reports
    (b,) = parse_text(orjson.dumps(obj).decode()).reports
    assert a.complete and b.complete
    assert a.message == b.message and a.goroutines[0].frames == b.goroutines[0].frames


def test_a_module_versions_path_names_the_module_and_its_version() -> None:
    analysis = analyze_many([str(VERSIONED)])
    frames = analysis.reports[0].goroutines[0].frames
    lambda_go = frames[0]
    assert lambda_go.func == "github.com/aws/aws-lambda-go/lambda.(*Function).Invoke.func1"
    assert (lambda_go.module, lambda_go.version) == ("github.com/aws/aws-lambda-go", "v1.17.0")
    assert analysis.groups[0].culprit.func == (
        "github.com/kaeuferportal/stack2struct.extractLineNumberAndFile")


@pytest.mark.parametrize("line", [
    # a Node.js handler's error in the same log (aws/aws-lambda-go#301): its own keys
    '2019-06-05T22:11:27.082Z        8bbbfb91-a3ff-4502-b1b7-cb8f6658de64    ERROR   Invoke '
    'Error    {"errorType":"ReferenceError","errorMessage":"x is not defined","stack":['
    '"ReferenceError: x is not defined","    at Runtime.exports.handler (/var/task/index.js'
    ':2:3)"]}',
    # a Go handler's returned error: aws-lambda-go leaves the stack trace out
    '{"errorMessage":"interface conversion: interface {} is nil, not string",'
    '"errorType":"TypeAssertionError"}',
])
def test_other_error_json_is_no_panic(line: str) -> None:
    result = parse_text(line)
    assert result.reports == [] and result.noise == [(1, 1)]


# What a log line puts before a one-line record: the log package's time, as aws-lambda-go's
# reportFailure logs it (`log.Printf("%s", payload)`; aws/aws-lambda-go#416 shows the line
# in CloudWatch), or the time and request id a managed runtime's line has (tab-separated,
# as aws/aws-lambda-go#301 quotes Node.js's), as a viewer's copy may put them
LEADS = ["2021/12/08 12:33:00 ",
         "2024-04-03T12:33:00.123Z\t1553ae39-0f8a-4172-86fb-3db7090619e7\t"]


@pytest.mark.parametrize("lead", LEADS)
def test_a_record_after_a_log_lines_lead_reads_as_the_record_alone(lead: str) -> None:
    record = _record_line(ONE_LINE)
    (alone,) = parse_text(record).reports
    result = parse_text("START RequestId: 1553ae39-0f8a-4172-86fb-3db7090619e7 Version: $LATEST\n"
                        + lead + record + "\n")
    (report,) = result.reports
    assert report.lines == [(2, 2)] and result.noise == [(1, 1)]
    assert (report.message, report.goroutines[0].frames, report.complete) == (
        alone.message, alone.goroutines[0].frames, False)


@pytest.mark.parametrize("lead", LEADS)
def test_a_whole_record_after_a_lead_is_complete(lead: str) -> None:
    cut = _record_line(ONE_LINE)
    whole = cut[:cut.rindex("},") + 1] + "]}"
    (report,) = parse_text(lead + whole).reports
    assert report.complete and len(report.goroutines[0].frames) == 7


def test_a_returned_error_logged_by_aws_lambda_go_is_no_panic() -> None:
    # aws/aws-lambda-go#416's line: a handler's returned error has no stack trace
    line = '2021/12/08 12:33:00 {"errorMessage":"error in CW test","errorType":"errorString"}'
    assert parse_text(line).reports == []


def test_a_record_in_a_field_of_another_json_object_is_not_read() -> None:
    # the object ends before the line does: it is a field of a log record
    cut = _record_line(ONE_LINE)
    whole = cut[:cut.rindex("},") + 1] + "]}"
    line = '{"level":"info","time":"2024-04-03T12:33:00Z","lambda":' + whole + ',"n":1}'
    result = parse_text(line)
    assert result.reports == [] and result.noise == [(1, 1)]
    (report,) = parse_text(line.removesuffix(',"n":1}')).reports  # the line's end: read
    assert report.complete


@pytest.mark.parametrize("path", [PRETTY, ONE_LINE])
def test_a_value_json_cannot_decode_leaves_the_object_noise(path: Path) -> None:
    # an escape JSON has not (`\q`) in the message: the regexes take it, orjson does not
    text = _text(path).replace("invalid memory", "invalid\\q memory").replace(
        "interface conversion", "interface\\q conversion")
    result = parse_text(text)
    assert result.reports == [] and result.noise == [(1, len(text.splitlines()))]


class _Counted:
    """A regex that counts the lines it is tried on."""

    def __init__(self, pattern, counts: list[int]) -> None:
        self.pattern, self.counts = pattern, counts

    def match(self, *args):
        self.counts[0] += 1
        return self.pattern.match(*args)

    def fullmatch(self, *args):
        self.counts[0] += 1
        return self.pattern.fullmatch(*args)


def test_objects_nested_in_objects_are_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # every object opens with the key, holds the next in a list, and none closes: read
    # from each, 300 objects cost 300 * 900 / 2 line reads; read once, a few a line
    counts = [0]
    patterns, fields = lambda_error._shapes()
    monkeypatch.setattr(lambda_error, "_shapes",
                        lambda: ([_Counted(p, counts) for p in patterns], fields))
    depth = 300
    result = parse_text('{\n"errorMessage": "x",\n"more": [\n' * depth)
    assert result.reports == [] and result.noise == [(1, 3 * depth)]
    assert 3 * depth <= counts[0] <= 3 * depth + 2


@pytest.mark.parametrize("path", [PRETTY, VERSIONED, ONE_LINE])
def test_every_line_ends_in_a_report_or_the_noise(path: Path) -> None:
    check_conservation(ingest(path.read_bytes()))


def test_a_line_holding_the_key_many_times_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # each key found sends its line to be read: read again for each, a line of n keys
    # cost n line reads (each a search of the line for a record's start)
    counts = [0]
    patterns, fields = lambda_error._shapes()
    monkeypatch.setattr(lambda_error, "_shapes",
                        lambda: ([_Counted(p, counts) for p in patterns], fields))
    line = 'x {"errorMessage":"a","stackTrace":[]} ' * 300
    result = parse_text(line + "\n" + line)
    assert result.reports == [] and result.noise == [(1, 2)]
    assert counts[0] <= 2 * 4  # (a few regexes a line: its head, its lead, a frame)
