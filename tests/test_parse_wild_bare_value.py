"""A panic's value alone on its line, what led it (`panic: `, a recovering logger's
words) lost: a paste cleaned up by its reporter (sampctl#108), Atlantis's comment
copied without its first line (atlantis#5601), a program's own recovery that prints
the value and then debug.PrintStack() (nyagos#224). A runtime error's text at a
line's start (grammars/traceback.lark, bare_value) opens a panic only where what is
printed right after such a value follows it; anywhere else it is any log's words."""

from __future__ import annotations

from pathlib import Path

from stackdemux.api import analyze_many
from stackdemux.demux.splice_starts import free_after, inner_start
from stackdemux.model import ReportKind
from stackdemux.parse import VALUE_FIRST, parse_text

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT / "samples" / "wild"
SAMPCTL = WILD / "sampctl_windows_wrapped_func.txt"
ATLANTIS = WILD / "atlantis5601_value_caller_list_trimpath_no_opener.txt"
NYAGOS = WILD / "nyagos224_recovered_value_then_print_stack_console_wraps.txt"
NIL = "runtime error: invalid memory address or nil pointer dereference"


def _one(path: Path):
    [report] = analyze_many([str(path)]).reports
    return report


def test_the_value_above_the_signal_is_the_panics_message() -> None:
    r = _one(SAMPCTL)
    assert (r.kind, r.message, r.signal.name) == (ReportKind.PANIC, NIL, "0xc0000005")
    assert [c.message for c in r.chain] == [NIL]
    assert r.lines[0][0] == 1  # the value's line is the report's first
    assert not r.complete and r.incomplete_reason == VALUE_FIRST


def test_the_value_above_a_caller_list_with_pcs_is_a_recovered_panic() -> None:
    r = _one(ATLANTIS)
    assert (r.kind, r.message) == (ReportKind.PANIC, NIL)
    [g] = r.goroutines
    assert [(f.file, f.line) for f in g.frames][2] == (
        "github.com/runatlantis/atlantis/server/events/event_parser.go", 576)
    assert len(g.frames) == 7


def test_the_value_above_a_goroutine_header_is_a_recovered_panic() -> None:
    r = _one(NYAGOS)
    assert (r.kind, r.message) == (ReportKind.PANIC, "runtime error: index out of range")
    [g] = r.goroutines
    assert g.frames[0].func == "runtime/debug.Stack"
    assert len(g.frames) == 10  # the console's wraps inside the call lines joined


def test_a_real_crash_whose_panic_line_lost_its_lead_reads_as_the_crash() -> None:
    # Go 1.27's own output with `panic: ` cut off the first line, as a reporter's
    # clean-up leaves it: the same message, signal and stack, the report cut short
    whole = (ROOT / "samples" / "go1.27" / "nil_pointer.txt").read_text()
    assert whole.startswith("panic: " + NIL)
    [before] = parse_text(whole).reports
    [after] = parse_text(whole.removeprefix("panic: ")).reports
    assert (after.kind, after.message, after.signal) == (before.kind, before.message,
                                                         before.signal)
    assert [g.frames for g in after.goroutines] == [g.frames for g in before.goroutines]
    assert before.complete and not after.complete
    # a runtime error with Go's blank line and a goroutine below it (no signal)
    divide = (ROOT / "samples" / "go1.27" / "divide_by_zero.txt").read_text()
    [r] = parse_text(divide.removeprefix("panic: ")).reports
    assert (r.kind, r.message) == (ReportKind.PANIC, "runtime error: integer divide by zero")


def test_a_runtime_error_among_log_lines_is_no_report() -> None:
    log = (f"{NIL}\nretrying in 5s\n"
           f"request failed: {NIL}\n"
           f"{NIL}\n\nnext request\n")
    result = parse_text(log)
    assert result.reports == []


def test_a_runtime_error_inside_a_report_is_read_as_before() -> None:
    # before Go 1.23 a multi-line value is printed raw: its next line may say anything
    text = (f"panic: first line\n{NIL}\n\n"
            "goroutine 1 [running]:\nmain.main()\n\t/app/main.go:3 +0x1d\n")
    [r] = parse_text(text).reports
    assert r.message == f"first line\n{NIL}"


def test_no_spliced_line_is_taken_to_start_at_a_runtime_errors_text() -> None:
    # `panic: runtime error: …` is Go's own line: the text after `panic: ` is no
    # other process's line that a read cut into it (the separator's cut finder)
    line = f"panic: {NIL}"
    assert free_after(line) == 1  # (past the `panic: ` that starts it, nothing)
    assert not inner_start(line, None)
    assert inner_start(f"panic: {NIL}goroutine 7 [running]:", None)  # (a real cut's start)
