"""A stack that the log or paste ends inside a frame's call line (the stored copy
cut there, a record cut inside its escaped dump, a terminal's width): the report
says it is incomplete, and keeps the frame where the cut left its function's name
whole (its `(` printed, the arguments never closed), with no file line."""

from __future__ import annotations

from pathlib import Path

from stackdemux.api import analyze, analyze_many
from stackdemux.parse import CUT_AT_END, CUT_FILE_AT_END, CUT_HEADER_AT_END, _cut_call, cut_path

WILD = Path(__file__).resolve().parent.parent / "samples" / "wild"


def _only(name: str):
    (report,) = analyze_many([str(WILD / name)]).reports
    return report


def test_a_call_line_cut_in_its_arguments_keeps_its_frame_the_culprit() -> None:
    # Kong/kong-operator#3054: zap's record cut inside its escaped stack, in the
    # reconciler's own call line (`…Reconcile(0xc000436e00, {0x94821b0, 0xc00`)
    report = _only("kongoperator3054_gha_stamp_zap_console_observed_panic_escaped_cut_go125.txt")
    assert (report.complete, report.incomplete_reason) == (False, CUT_AT_END)
    last = report.goroutines[0].frames[-1]
    assert last.func == ("github.com/kong/kong-operator/controller/konnect."
                         "(*KonnectExtensionReconciler).Reconcile")
    assert (last.file, last.line) == (None, None)
    # below `panic`: the code that panicked, as a person reads it (none before)
    assert report.culprit is not None and report.culprit.func == last.func


def test_a_call_line_cut_in_its_function_s_name_keeps_no_frame() -> None:
    # Kong/kong-operator#2901: klog's multi-line value cut at `github.com/kong/kong-operator`
    report = _only(
        "kongoperator2901_klog_structured_observed_panic_stacktrace_multiline_value_go125.txt")
    assert (report.complete, report.incomplete_reason) == (False, CUT_AT_END)
    assert report.goroutines[0].frames[-1].func == "panic"


def test_a_syslog_stack_cut_in_a_name_is_incomplete() -> None:
    # caddy#5677: syslog's records of a stack overflow, the paste's last cut at `…/modules/ca`
    report = _only("caddy5677_syslog_time_program_no_host_no_pid_stack_overflow.txt")
    assert (report.complete, report.incomplete_reason) == (False, CUT_AT_END)


def test_an_author_s_dots_after_the_stack_are_no_cut_frame() -> None:
    # nanotube#34: the author's `..` below the last frame says lines were left out,
    # which the report says already (a frame without its file line)
    report = _only("nanotube34_stack_overflow_lines_lost.txt")
    assert report.incomplete_reason == "a frame without its file line"


def test_what_reads_as_a_cut_call_line() -> None:
    # the wild pastes' last lines, and lines no cut call line is
    assert _cut_call("sigs.k8s.io/controller-runtime/pkg/internal/controller."
                     "(*Controller[...]).Reconcile(0x40014546c0?, {0x") == (
        "sigs.k8s.io/controller-runtime/pkg/internal/controller.(*Controller[...]).Reconcile")
    assert _cut_call("github.com/alexandrevilain/temporal-operator/controllers.") == ""
    assert _cut_call("github.com/kong/kong-operator") == ""
    assert _cut_call("oh-my-posh/engine.(*Eng") == ""  # (oh-my-posh#3256's frame, cut)
    for line in ("..", "% ", "exit status 2", "Done", "main.main()", "FAIL"):
        assert _cut_call(line) is None, line


def test_a_goroutine_header_cut_at_the_end_says_more_goroutines_followed() -> None:
    # golang-fips/openssl#152: the stored copy ends inside goroutine 2's header
    # (`goroutine 2 gp=0xc000007340 m=`), after goroutine 1's whole stack
    report = _only("opensslfips152_cgo_sigsegv_pc0_gp_headers_next_header_cut.txt")
    assert (report.complete, report.incomplete_reason) == (False, CUT_HEADER_AT_END)
    assert [g.id for g in report.goroutines] == [1]


def test_a_prefixed_stack_cut_in_a_call_line_keeps_its_frame() -> None:
    # istio/old_mixer_repo#1282: each line led by `[19:56:49] `, the last cut in the
    # arguments of (*IL).evalResult
    report = _only("istiomixer1282_bracketed_time_prefix_map_read_write_bazel_sdk_cut_go18.txt")
    assert (report.complete, report.incomplete_reason) == (False, CUT_AT_END)
    last = report.goroutines[0].frames[-1]
    assert (last.func, last.file) == ("istio.io/mixer/pkg/il/evaluator.(*IL).evalResult", None)


def test_a_goroutine_s_first_call_line_cut_keeps_its_frame() -> None:
    # A real SIGQUIT dump (Go 1.27) the log ends inside: right after goroutine 18's
    # header, in its first call line (`runtime.gopark(0x0?, 0x0?, 0x0?, 0x0`). The
    # report read as complete, goroutine 18 with no frame and the line lost.
    dump = (WILD.parent / "go1.27" / "sigquit_minutes.txt").read_bytes()
    cut = dump.index(b"runtime.gopark(0x0?, 0x0?, 0x0?, 0x0", dump.index(b"goroutine 18 "))
    (report,) = analyze(dump[:cut + len(b"runtime.gopark(0x0?, 0x0?, 0x0?, 0x0")]).reports
    assert (report.complete, report.incomplete_reason) == (False, CUT_AT_END)
    last = report.goroutines[-1]
    assert last.id == 18 and [f.func for f in last.frames] == ["runtime.gopark"]


def test_a_file_line_cut_at_the_end_keeps_its_frame_its_values_said_cut() -> None:
    # labstack/echo's stack in panicwrap#21's JSON record, cut inside its last file
    # line (`\t/home/inverno/go_projects/src/github.com/labstac`): the frame was read
    # as one with no file line, a warning; its file and line are what the cut took
    report = _only("panicwrap21_echo_recover_json_record_escaped_stack_cut.txt")
    assert (report.complete, report.incomplete_reason) == (False, CUT_FILE_AT_END)
    last = report.goroutines[0].frames[-1]
    assert last.func == "github.com/labstack/echo.(*Echo).ServeHTTP"
    assert (last.file, last.line, last.cut) == (None, None, frozenset({"file", "line"}))
    # a `created by`'s file line so too (zerolog#422: `…/vtkendpoints/controlle`)
    report = _only("zerolog422_logger_own_fault_vendor_cut_in_path.txt")
    assert report.incomplete_reason == CUT_FILE_AT_END
    created = report.goroutines[-1].created_by
    assert created is not None and created.frame.cut == frozenset({"file", "line"})
    # and a paste's, its tab lost with the rest (nyagos#224: `        C:/Users/…/386-nyagos/`)
    report = _only("nyagos224_recovered_value_then_print_stack_console_wraps.txt")
    assert report.incomplete_reason.endswith(CUT_FILE_AT_END)
    assert report.goroutines[0].frames[-1].cut == frozenset({"file", "line"})


def test_what_reads_as_the_start_of_a_cut_path() -> None:
    assert cut_path("/go/src/github.com/harl") and cut_path("C:/Users/Hayama/go/386-nyagos/")
    assert cut_path("github.com/x/y.")
    assert not cut_path("...") and not cut_path("") and not cut_path("/a b")
