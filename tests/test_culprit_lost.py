"""A crash whose code to blame the text lost names no culprit, and says why.

The runtime's machinery raises on behalf of a caller: cgo's call into C
(`runtime.cgocall`) for the Go code that called C, testing's log after a test
ended for the code that logged. A paste cut below such a frame holds no code
of the program's: a culprit there would blame the runtime or testing for the
program's bug, so none is named, and the hint's facts say where the stack ends.
"""

from __future__ import annotations

from pathlib import Path

import stackdemux
from stackdemux.render import RenderOptions, render

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
WILD = SAMPLES / "wild"


def _one_group(path: Path):
    analysis = stackdemux.analyze(path)
    [group] = analysis.groups
    return analysis, group


def _facts(group, rule: str) -> list[str]:
    [hint] = [h for h in group.hints if h.rule == rule]
    return hint.details


def test_a_stack_that_ends_in_cgos_call_into_c_names_no_culprit():
    # golang/go#32228: `goroutine 18337733 [syscall]:` then runtime.cgocall, and the paste ends
    analysis, group = _one_group(WILD / "go32228_no_indent_cgo.txt")
    assert group.culprit is None and group.chain == []
    facts = _facts(group, "cgo-signal")
    assert facts[0] == ("the stack read ends in cgo's call into C (runtime.cgocall at "
                        "/usr/local/go/src/runtime/cgocall.go:128): the Go code that made "
                        "the call, below it, is not in the text")
    text = render(analysis, "text", RenderOptions(color=False, width=200))
    assert "culprit" not in text and "the Go code that made the call" in text
    for fmt in ("github", "junit", "sarif", "markdown", "html"):
        assert "culprit: runtime.cgocall" not in render(analysis, fmt, RenderOptions())


def test_a_signal_dump_cut_after_its_cgo_call_says_so_without_a_file_line():
    # onnxruntime_go#95: the dump's one frame is `runtime.cgocall(…)`, its file line cut
    _, group = _one_group(WILD / "onnxruntime_cgo_gp_header.txt")
    assert group.culprit is None
    assert _facts(group, "cgo-signal")[0].startswith(
        "the stack read ends in cgo's call into C (runtime.cgocall): ")


def test_a_cgo_crash_whose_go_caller_was_printed_blames_it():
    _, group = _one_group(SAMPLES / "go1.21" / "cgo_segv.txt")
    assert group.culprit is not None and group.culprit.func == "main._Cfunc_read_config"


def test_testings_log_in_a_caller_list_cut_below_it_is_no_culprit():
    # knative/serving#3258: HandleCrash's callers end at testing.go:634, testing's
    # logDepth in Go 1.12, which panicked because a goroutine logged after its test
    analysis, group = _one_group(WILD / "knative3258_prow_bootstrap_stamp_observed_panic_go112.txt")
    assert group.culprit is None
    assert _facts(group, "log-after-test") == [
        "the stack read ends in /root/sdk/go1.12rc1/src/testing/testing.go:634, which raised "
        "the panic for its caller: the caller, below it, is not in the text"]
    text = render(analysis, "text", RenderOptions(color=False, width=200))
    assert "culprit" not in text and "▸" not in text


def test_kubernetes_crash_handler_cut_before_the_panic_is_no_culprit():
    # tektoncd/cli#1650: HandleCrash, deferred, recovered the panic and logPanic printed
    # its stack; the paste ends at HandleCrash, above the `panic` frame and the code
    # that sent on the closed channel
    analysis, group = _one_group(WILD / "tektoncli1650_tkn_step_labels_padded_observed_panic.txt")
    assert group.culprit is None and analysis.reports[0].culprit is None
    [fact] = _facts(group, "send-on-closed-channel")
    assert fact.startswith("the stack read ends in k8s.io/apimachinery/pkg/util/runtime."
                           "HandleCrash at ")
    assert fact.endswith("Kubernetes' crash handler, which printed the stack of the panic "
                         "it recovered: the frame that panicked, below it, is not in the text")
    text = render(analysis, "text", RenderOptions(color=False, width=200))
    assert "culprit" not in text and "▸" not in text


def test_kubernetes_crash_handler_above_the_panic_blames_the_code_below_it():
    # the same handler with the stack whole: the frame below `panic` is blamed
    _, group = _one_group(WILD / "starboard_klog_observed_panic.txt")
    assert group.culprit is not None
    assert group.culprit.func.endswith("(*logsReader).GetLogsByJobAndContainerName")


def test_a_crash_stack_printed_by_the_program_and_cut_above_its_panic_is_no_culprit():
    # decred/dcrdex#1766: testing's deferred recover printed debug.Stack() into the
    # fuzz test's log; the paste ends at tRunner.func1, above the `panic` frame
    analysis, group = _one_group(WILD / "dcrdex1766_fuzz_engine_panic_in_test_log_go119.txt")
    assert group.culprit is None and analysis.reports[0].culprit is None
    text = render(analysis, "text", RenderOptions(color=False, width=200))
    assert "culprit" not in text and "▸" not in text


def test_a_dump_the_program_printed_of_itself_names_where_it_printed_it():
    # debug.PrintStack() in main.handleStack: not debug.Stack, the same in every program
    for release in ("go1.21", "go1.27"):
        _, group = _one_group(SAMPLES / release / "debug_printstack.txt")
        assert group.culprit is not None
        assert (group.culprit.func, group.culprit.line) == ("main.handleStack", 504)


def test_a_test_timeout_cut_after_the_alarms_goroutine_is_no_culprit():
    # ipfs/gateway-conformance: `panic: test timed out`, the running tests, and only
    # the alarm's goroutine (testing.(*M).startAlarm.func1): the hung test's goroutine,
    # which shows where it hangs, is not in the text
    for paste in ("gateway_conformance_test_timeout.txt",
                  "matrixone19185_gha_first_stamp_cut_test_timeout_go123.txt"):
        analysis, group = _one_group(WILD / paste)
        assert group.culprit is None and group.chain == []
        text = render(analysis, "text", RenderOptions(color=False, width=200))
        assert "culprit" not in text and "startAlarm.func1" in text  # (its stack is shown)


def test_a_test_binary_s_deadlock_with_no_test_waiting_in_its_own_code_is_no_culprit():
    # golang/go#28975: goroutine 1 waits in testing.tRunner.func1 for the tests, the
    # one test printed waits for its t.Parallel turn, and the paste ends there:
    # testing's waits are never the code to blame (it named testing.tRunner.func1)
    analysis, group = _one_group(WILD / "go28975_js_wasm_test_deadlock_details.txt")
    assert group.culprit is None and group.chain == []
    assert analysis.reports[0].culprit is None
    text = render(analysis, "text", RenderOptions(color=False, width=200))
    assert "culprit" not in text and "testing.tRunner.func1" in text  # (its stack is shown)


def test_a_test_timeout_is_blamed_where_the_running_test_hangs():
    _, group = _one_group(SAMPLES / "go1.27" / "test_timeout.txt")
    assert group.culprit is not None and not group.culprit.func.startswith("testing.")


def test_a_sigquit_on_a_thread_that_ran_no_program_code_names_no_culprit():
    # kubectl: `^\SIGQUIT: quit`, and the one goroutine printed is the idle thread's
    # goroutine 0 in runtime.futex: where it waited is chance, not a crash site
    analysis, group = _one_group(WILD / "kubectl_sigquit_goroutine0.txt")
    assert group.culprit is None and group.chain == []
    assert analysis.reports[0].culprit is None
    text = render(analysis, "text", RenderOptions(color=False, width=200))
    assert "culprit" not in text and "runtime.futex" in text  # (its stack is shown)


def test_testings_log_cut_before_its_caller_is_no_culprit():
    # bazel-contrib/rules_go#3476: logDepth, log, Log, and the paste ends
    _, group = _one_group(WILD / "rulesgo3476_bazel_test_output_log_after_test.txt")
    assert group.culprit is None
    assert _facts(group, "log-after-test") == [
        "the stack read ends in testing.(*common).Log, which raised the panic for its "
        "caller: the caller, below it, is not in the text"]


def test_the_goroutine_that_logged_after_its_test_is_named_when_printed():
    _, group = _one_group(SAMPLES / "go1.21" / "test_log_after.txt")
    culprit = group.culprit
    assert culprit is not None and culprit.func.endswith("logafter.TestLogAfter.func1")
    assert _facts(group, "log-after-test") == [
        "example.com/gotests/logafter.TestLogAfter.func1 at "
        "/src/gotests/logafter/logafter_test.go:21"]


def test_go_1_4s_runtime_panic_cut_below_it_is_no_culprit():
    # cloudfoundry/hm9000#10 (Go 1.3): `runtime.panic(…)` in panic.c, and the paste ends
    # there: Go <= 1.4 named gopanic runtime.panic, and the code that panicked is below it
    _, group = _one_group(WILD / "hm9000issue10_ginkgo_recovered_value_lines_go13_panic_c.txt")
    assert group.culprit is None


def test_go_1_2s_runtime_panic_blames_the_code_below_it():
    _, group = _one_group(WILD / "sshchat_go12_runtime_panic_c.txt")
    assert group.culprit is not None and group.culprit.func == "main.(*Server).Privmsg"
