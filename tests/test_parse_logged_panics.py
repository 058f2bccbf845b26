"""A panic that a recovering handler logged, with the stack of its goroutine after
it, is a panic report like the one Go prints: net/http's `http: panic serving …`
and k8s.io/apimachinery's HandleCrash through klog, `Observed a panic: %#v (%v)`
(the value's Go syntax, then its text; a string panic once)."""

from __future__ import annotations

from conftest import ROOT, sample_path

from stackdemux import analyze
from stackdemux.model import ReportKind
from stackdemux.parse import _observed

STARBOARD = ROOT / "samples/wild/starboard_klog_observed_panic.txt"


def test_a_klog_observed_panic_opens_a_panic_report_with_go_s_own_message():
    a = analyze(STARBOARD)
    [r] = a.reports
    assert r.kind is ReportKind.PANIC
    assert r.message == "runtime error: invalid memory address or nil pointer dereference"
    assert r.lines[0][0] == 1 and len(r.goroutines) == 1
    # the handler's frames (logPanic, HandleCrash, panic) are not the culprit
    assert a.groups[0].culprit.func.endswith("(*logsReader).GetLogsByJobAndContainerName")


def test_it_groups_with_the_same_crash_printed_by_go():
    logged = analyze(STARBOARD).groups[0].title
    printed = analyze(sample_path("nil_pointer")).groups[0].title
    assert logged == printed
    assert printed == "panic: runtime error: invalid memory address or nil pointer dereference"


def test_net_http_s_line_behind_any_log_prefix_opens_the_report():
    # the log package's prefix (log.go formatHeader): date and time, and with
    # Lshortfile or Llongfile the caller's file and line; with no time, only
    # net/http's own file (server.go) is read: any test's `x.go:12: ` line is no
    # report's start
    real = sample_path("http_panic", "1.21").read_text()
    stamp, rest = real[:20], real[20:]
    assert rest.startswith("http: panic serving 127.0.0.1:55888: boom")
    for prefix in ("", stamp, stamp + "server.go:3215: ", "server.go:3215: ",
                   stamp + "/usr/local/go/src/net/http/server.go:3215: "):
        [r] = analyze(prefix + rest).reports
        assert (r.kind, r.message, r.http_remote) == (
            ReportKind.PANIC, "boom (request 500, /crash)", "127.0.0.1:55888"), prefix
        assert r.goroutines


def test_the_message_is_the_text_after_the_go_syntax():
    assert _observed('"boom" (boom)') == "boom"
    assert _observed("runtime.boundsError{x:5, y:3, signed:true, code:0x0} "
                     "(runtime error: index out of range [5] with length 3)"
                     ) == "runtime error: index out of range [5] with length 3"
    assert _observed('&errors.errorString{s:"x (y)"} (x (y))') == "x (y)"
    assert _observed("a string panic (with parentheses)") == "a string panic (with parentheses)"
    assert _observed('"' + "\\\"" * 50_000) == '"' + "\\\"" * 50_000  # no closing: itself
