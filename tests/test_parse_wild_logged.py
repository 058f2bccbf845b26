"""Panics that a program's logger wrote, as pasted from real logs (samples/wild/):
the recovered value is the report's message, the stack after it its goroutine."""

from __future__ import annotations

from conftest import ROOT

from stackdemux import analyze
from stackdemux.model import ReportKind
from stackdemux.parse import parse_text

WILD = ROOT / "samples" / "wild"
GOLANGCI = WILD / "golangci_debug_stack_in_log.txt"


def test_golangci_lint_s_runner_line_gives_the_analyzer_s_panic_value():
    # `[runner] Panic: <analyzer>: package "<pkg>" (isInitialPkg: …, needAnalyzeSource:
    # …): <value>: goroutine N [running]:`, debug.Stack() glued on after the value
    [r] = analyze(GOLANGCI).reports
    assert r.kind is ReportKind.PANIC
    assert r.message == "runtime error: invalid memory address or nil pointer dereference"
    assert r.lines[0] == (1, 1) and r.goroutines[0].id == 11990
    assert r.http_remote is None


def test_its_value_ends_where_the_glued_goroutine_header_begins():
    # logged as a quoted field (logrus `msg="…"`), the package's quotes are escaped
    # again; written by golangci-lint's own logger (`ERRO [runner] `) they are not
    first = GOLANGCI.read_text().splitlines()[0]
    unescaped = "ERRO " + first.replace('\\"', '"')
    for line in (first, unescaped):
        [r] = parse_text(line.split(": goroutine ")[0] + ":\n").reports
        assert r.message == "runtime error: invalid memory address or nil pointer dereference"


def test_a_line_that_only_starts_like_it_is_no_report():
    first = GOLANGCI.read_text().splitlines()[0]
    without_package = first.replace('package \\"testing_test\\" ', "")
    assert parse_text(without_package.split(": goroutine ")[0] + ":\n").reports == []


BOLT574 = WILD / "bolt574_syslog_http_panic.txt"


def test_net_http_s_line_behind_lshortfile_alone_opens_its_report():
    # log.Lshortfile with no date: `server.go:2161: http: panic serving …` (the
    # dump below it pasted without the syslog prefix it had)
    lines = BOLT574.read_text().splitlines()
    prefix = "Jul 18 08:26:30 vh3 aveplaza[12682]: "
    dump = [line.removeprefix(prefix) for line in lines]
    [r] = parse_text("\n".join(dump) + "\n").reports
    assert (r.kind, r.message, r.http_remote) == (
        ReportKind.PANIC, "page 152426 already freed", "127.0.0.1:41609")


def test_a_test_s_log_line_begins_no_traceback_line_for_the_write_layer():
    # only net/http's own file is read with no date: a test's `x_test.go:12: ` line
    # (the gotest corpus case's) cannot start one, in a write-level merge or whole
    from stackdemux.demux.writes_dfa import viable

    test_line = next(line.strip() for line in
                     (ROOT / "tests/corpus/cases/gotest-chunks-fast/input.log").open()
                     if "ledger_test.go:34: " in line)
    assert not viable(test_line[:len("ledger_test.go:34: ")])
    assert not viable("server_test.go:34: ")
    assert viable(BOLT574.read_text().splitlines()[0])


def test_a_first_line_pasted_without_its_prefix_joins_the_prefixed_dump():
    # the selection began after syslog's prefix on the first line: that line, the
    # report's opener, goes with the one prefixed stream its dump is in
    from stackdemux.demux.pasted import rejoin_unprefixed_opener
    from stackdemux.demux.prefixes import to_streams

    lines = BOLT574.read_text().splitlines()
    bare, keyed = to_streams(lines)
    [s] = rejoin_unprefixed_opener([bare, keyed])
    assert s.label == keyed.label == "vh3 aveplaza[12682]"
    assert list(s.numbers) == list(range(1, len(lines) + 1))
    assert s.texts[0] == lines[0] and s.texts[1] == "goroutine 83890 [running]:"
    assert list(s.prefix_lengths[:2]) == [0, len("Jul 18 08:26:30 vh3 aveplaza[12682]: ")]
    # an unprefixed line that opens no report, or is not right before the dump, stays apart
    assert rejoin_unprefixed_opener([keyed]) == [keyed]
    other = to_streams(["some text", *lines[1:]])
    assert rejoin_unprefixed_opener(other) == other


LOKI = WILD / "loki1599_capnslog_http_panic_vendor.txt"


def test_net_http_s_line_behind_capnslog_s_prefix_opens_its_report():
    # `2020-01-26 21:38:41.471971 I | http: panic serving 10.244.1.90:58206: …`: the log
    # package writing through capnslog (etcd's, CoreOS tools'), the stack unprefixed below
    a = analyze(LOKI)
    [r] = a.reports
    assert (r.kind, r.http_remote) == (ReportKind.PANIC, "10.244.1.90:58206")
    assert r.message == "runtime error: invalid memory address or nil pointer dereference"
    assert r.lines == [(2, 13)] and r.goroutines[0].id == 418


def test_capnslog_s_other_lines_are_no_report():
    first = LOKI.read_text().splitlines()[1]
    assert parse_text(first.replace("http: panic serving", "etcdserver: serving")).reports == []


FTL1587 = WILD / "ftl1587_json_logs_http2_panic_serving_hermit.txt"


def test_the_http2_server_s_line_opens_its_report_as_net_http_s_does():
    # golang.org/x/net/http2 (and net/http's bundled copy) logs `http2: panic serving
    # ADDR: VALUE` through the log package, its goroutine's stack right after it
    [r] = parse_text(FTL1587.read_bytes()).reports
    assert (r.kind, r.message, r.http_remote) == (
        ReportKind.PANIC, "no configuration manager in context", "127.0.0.6:43935")
    assert r.lines[0][0] == 4  # the JSON records before it stay noise
    assert r.goroutines[0].frames[0].func == "golang.org/x/net/http2.(*serverConn).runHandler.func1"
    # another word before `: panic serving` is no server's line
    line = FTL1587.read_text().splitlines()[3].replace("http2:", "http3:")
    assert parse_text(line + "\n").reports == []


FIRESTACK = WILD / "firestack231_level_letter_before_goroutine_header_android.txt"


def test_a_level_letter_before_the_goroutine_header_is_the_logger_s():
    # `F goroutine 42778 [running]:`: the app's logger wrote the stack as one record,
    # its level first; the header is read from after it (paste.py's glued headers)
    a = analyze(FIRESTACK)
    [r] = a.reports
    [g] = r.goroutines
    assert (r.kind, r.complete, g.id, g.state) == (
        ReportKind.GOROUTINE_DUMP, True, 42778, "running")
    assert r.lines == [(2, 18)] and len(g.frames) == 7


LOGRUS = WILD / "logrus1010_json_record_then_entry_pointer_panic.txt"


def test_logrus_s_panic_takes_its_message_from_the_record_it_wrote_above():
    # logrus panics with its *Entry, printed as a pointer (`panic: (*logrus.Entry)
    # (0xc44ba0,0xc0000de540)`); the message is the record's `msg`, at level panic,
    # on the line above (its JSONFormatter's); logrus's own frames are no culprit
    [r] = analyze(LOGRUS).reports
    assert r.kind is ReportKind.PANIC
    assert r.message == "httpserver stopped" and r.chain[0].message == "httpserver stopped"
    assert r.lines[0] == (1, 11)
    assert r.culprit is not None
    assert r.culprit.func == "github.com/rsk/xyz/web.(*HttpServer).startService"


def test_an_entry_pointer_with_no_panic_record_above_is_read_as_printed():
    # the record's line cut off: the value is all the text says
    text = LOGRUS.read_text().split("\n", 1)[1]
    [r] = parse_text(text).reports
    assert r.message == "(*logrus.Entry) (0xc44ba0,0xc0000de540)"
