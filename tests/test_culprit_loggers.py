"""A logger that panics for its caller is no culprit, as log.Panic is not: zap's
Panic, DPanic and Panicw, logrus's Panic log the caller's message and panic, so
the caller chose to crash (stackdemux/loggers.py). Each case is a real paste."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackdemux.api import analyze_many
from stackdemux.loggers import past_logger, raised_by_logger
from stackdemux.model import Frame, ReportKind
from stackdemux.parse import PANIC_LEFT_OUT

WILD = Path(__file__).resolve().parent.parent / "samples" / "wild"


def _read(name: str):
    (report,) = analyze_many([str(WILD / name)]).reports
    return report


@pytest.mark.parametrize("name", [
    # zap's frames only, the paste cut below Panicw: the caller is not in the text
    "zap1170_sugared_panicw_caller_cut_go118.txt",
    # recovered by Kubernetes' HandleCrash: zap's DPanic called by go-logr/zapr for its
    # caller's odd key-value pairs, the paste cut at zapr's frame
    "cert_utils_zap_recovered_pkg_mod.txt",
])
def test_a_logger_that_panicked_for_a_caller_the_paste_lost_blames_no_frame(name: str) -> None:
    report = _read(name)
    assert report.kind is ReportKind.PANIC
    assert report.culprit is None


@pytest.mark.parametrize(("name", "culprit"), [
    ("downloadbot60_log_panic_goroutine_only_windows_drive.txt", "main.dropErr"),
    ("gfuzz2_log_panic_goroutine_only_no_panic_line.txt", "main.parseFlags"),
])
def test_a_running_goroutine_with_log_panic_on_top_is_a_panic_its_first_line_left_out(
        name: str, culprit: str) -> None:
    # Go shows no `panic` frame on top of a crashing goroutine: log.Panic there was
    # panicking, and the `panic:` line above the goroutine was not pasted
    report = _read(name)
    assert (report.kind, report.message) == (ReportKind.PANIC, "")
    assert (report.complete, report.incomplete_reason) == (False, PANIC_LEFT_OUT)
    assert report.culprit is not None and report.culprit.func == culprit


def test_a_fault_inside_a_logger_with_no_panic_call_is_the_logger_s_own() -> None:
    # zerolog#422: zerolog's encoder faulted (an *Event used by two goroutines); no
    # Panic function was called, so the logger's frame is where it crashed
    report = _read("zerolog422_logger_own_fault_vendor_cut_in_path.txt")
    assert report.culprit is not None
    assert report.culprit.func == "github.com/rs/zerolog/internal/json.Encoder.AppendKey"


def test_zerolog_s_panic_closure_is_the_logger_panicking_for_its_caller() -> None:
    # zerolog's Panic() returns an event whose Msg panics through a closure of
    # Panic's: the top of SREGym#506's goroutine, as printed. (That paste's file lines
    # of these frames were cut by the panel it was copied from, so its report holds
    # none of them yet: the index records the gap; the names are the paste's.)
    printed = ["github.com/rs/zerolog.(*Logger).Panic.func1", "github.com/rs/zerolog.(*Event).msg",
               "github.com/rs/zerolog.(*Event).Msg", "main.initializeDatabase", "main.main"]
    frames = [Frame(func) for func in printed]
    assert raised_by_logger(frames)
    assert past_logger(frames, 0) == 3  # the caller, main.initializeDatabase, is blamed
    # a closure of any other zerolog function is no Panic (zerolog#422's encoder fault)
    assert not raised_by_logger([Frame("github.com/rs/zerolog.(*Event).msg.func1"), *frames[3:]])
