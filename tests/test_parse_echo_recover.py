"""Frameworks that log a recovered panic with its stack in one record. Echo's
Recover middleware logs `[PANIC RECOVER] `, the value and the stack, the goroutine's
header glued after the value (traceback.lark's ECHO_RECOVER); through Echo's JSON
logger, all of it escaped in `message`. controller-runtime logs `Observed a panic`
through zap or klog, the value and the stack in the record's context (ZAP_OBSERVED,
KLOG_OBSERVED)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackdemux.api import analyze_many
from stackdemux.model import ReportKind
from stackdemux.parse import CUT_AT_END, ZAP_VALUE_CUT, parse_text

WILD = Path(__file__).resolve().parent.parent / "samples" / "wild"


def test_echo_s_json_record_reads_as_the_recovered_panic_and_its_stack() -> None:
    # mitchellh/panicwrap#21: the record broken by a line break and cut before its end
    (report,) = analyze_many(
        [str(WILD / "panicwrap21_echo_recover_json_record_escaped_stack_cut.txt")]).reports
    assert (report.kind, report.message) == (ReportKind.PANIC, "a problem")
    frames = report.goroutines[0].frames
    assert [f.func for f in frames[:3]] == [
        "github.com/labstack/echo/middleware.RecoverWithConfig.func1.1.1", "panic",
        "go-template-2/bar.Foo"]
    assert report.culprit is not None and report.culprit.func == "go-template-2/bar.Foo"


def test_echo_s_words_with_no_stack_below_open_nothing() -> None:
    # a log that quotes the words (a grep, a test's name) holds no crash
    assert parse_text("[PANIC RECOVER] a problem\nserver started\n").reports == []


def test_controller_runtime_s_zap_record_of_a_reconciler_s_panic_is_the_panic() -> None:
    # open-component-model#1067: `Observed a panic` at ERROR through zap's console
    # encoder, the value in the context's `panic`, debug.Stack() escaped in `stacktrace`
    # (the record cut by the paste inside a call line): traceback.lark's ZAP_OBSERVED
    (report,) = analyze_many([str(
        WILD / "ocm1067_zap_console_observed_panic_stacktrace_field_escaped_cut.txt")]).reports
    assert (report.kind, report.message) == (
        ReportKind.PANIC, "runtime error: invalid memory address or nil pointer dereference")
    assert report.culprit is not None
    assert report.culprit.func.endswith("deployer.(*Reconciler).Reconcile")


@pytest.mark.parametrize("name", [
    # klog's structured text: `"Observed a panic" … panic="…" … stacktrace=<` and the
    # stack as a multi-line value, each line led by a tab (KLOG_OBSERVED)
    "kongoperator2901_klog_structured_observed_panic_stacktrace_multiline_value_go125.txt",
    # zap's console record behind a GitHub Actions runner's time (ZAP_OBSERVED)
    "kongoperator3054_gha_stamp_zap_console_observed_panic_escaped_cut_go125.txt",
])
def test_controller_runtime_s_record_through_klog_or_behind_a_ci_time_is_the_panic(
        name: str) -> None:
    (report,) = analyze_many([str(WILD / name)]).reports
    assert (report.kind, report.message) == (
        ReportKind.PANIC, "runtime error: invalid memory address or nil pointer dereference")
    assert report.goroutines[0].frames[0].func == "k8s.io/apimachinery/pkg/util/runtime.logPanic"


def test_zap_s_own_stack_below_its_record_is_the_recovered_panic_s_stack() -> None:
    # alexandrevilain/temporal-operator#854: zap's console record of `Observed a panic`,
    # cut by the terminal's width before its `panic` field, and zap's own stacktrace
    # below it (each function's name alone, then its file line: no offsets, no
    # goroutine header); the log's times are taken off as a prefix (three records)
    (report,) = analyze_many([str(
        WILD / "temporaloperator854_zap_console_observed_panic_zap_stacktrace_lines_cut.txt")
    ]).reports
    assert (report.kind, report.message) == (ReportKind.PANIC, "")
    # (and the stored copy ends inside a function's name: the stack went on)
    assert not report.complete
    assert report.incomplete_reason == f"{ZAP_VALUE_CUT}; {CUT_AT_END}"
    (g,) = report.goroutines
    assert g.bare_names and [f.func.rsplit("/", 1)[-1] for f in g.frames[:2]] == [
        "runtime.sigpanic", "base.isBuilderEnabled"]
    assert (g.frames[1].file, g.frames[1].line) == (
        "/workspace/internal/resource/base/conditions.go", 26)
    assert report.culprit is not None and report.culprit.func.endswith("base.isBuilderEnabled")


def test_zap_s_record_with_no_stack_below_opens_nothing() -> None:
    # the record's first line as temporal-operator#854 shows it, then an ordinary record:
    # no goroutine header and no function name over a file line, so any log's words
    head = ('2024-11-22T17:39:30Z    ERROR    Observed a panic    {"controller": '
            '"temporalcluster", "controllerGroup": "temporal.io')
    after = ('2024-11-22T17:39:30Z    INFO    Reconciling resources    {"controller": '
             '"temporalcluster"}')
    assert parse_text(f"{head}\n{after}\n").reports == []
