"""A panic the standard library raised is blamed on its caller outside it.

The standard library raises on its caller's behalf, as reflect and sync do:
it faults on what it was given (a nil *log.Logger, a nil *regexp.Regexp, a
bufio.Writer that net/http released before a late Flush) or refuses it. A
person reads past its frames to the first frame of code outside it that called
in, which is where the bad value came from. Where no such frame was printed
(the Go repository's own code, a stack cut short) the standard library's frame
stays the culprit; a fatal error, a signal dump or a wait is no panic raised.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import stackdemux

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
WILD = SAMPLES / "wild"


def _culprit(path: Path) -> str:
    analysis = stackdemux.analyze(path)
    culprit = analysis.groups[0].culprit
    assert culprit is not None
    return f"{culprit.func} {culprit.file.rsplit('/', 1)[-1]}:{culprit.line}"


@pytest.mark.parametrize(("paste", "blamed"), [
    # log.(*Logger).Output faulted on the nil *Logger that the wrapper's Println was called on
    ("cfngo17_lambda_error_json_stacktrace.txt",
     "github.com/aws-cloudformation/aws-cloudformation-rpdk-go-plugin/cfn.(*Wrapper)."
     "HandleLambdaEvent wrapper.go:101"),
    # regexp.(*Regexp).allMatches faulted on the nil *Regexp pb's runecount.go matched with
    ("mcumgr23_progress_bar_glued_panic.txt",
     "github.com/apache/mynewt-mcumgr-cli/vendor/gopkg.in/cheggaaa/pb%2ev1."
     "escapeAwareRuneCountInString runecount.go:13"),
    # bufio.(*Writer).Flush, below a recovering goroutine's `panic(…)`, was flushed
    # through net/http by gin's responseWriter (the frames below it were cut)
    ("dify_flat_stack.txt", "github.com/gin-gonic/gin.(*responseWriter).Flush "
     "response_writer.go:129"),
])
def test_a_panic_raised_in_the_standard_library_is_blamed_on_its_caller(paste, blamed):
    assert _culprit(WILD / paste) == blamed


def test_the_route_starts_at_the_caller():
    analysis = stackdemux.analyze(WILD / "cfngo17_lambda_error_json_stacktrace.txt")
    [group] = analysis.groups
    assert [s.module for s in group.chain] == [
        "github.com/aws/aws-lambda-go", "std",
        "github.com/aws-cloudformation/aws-cloudformation-rpdk-go-plugin"]
    assert group.culprit is group.main_frame


@pytest.mark.parametrize(("paste", "blamed"), [
    # an access violation in a system call is a signal dump, no panic raised
    ("go10300_windows_exception_cp1251_middle_dot.txt",
     "syscall.AcceptEx zsyscall_windows.go:1499"),
    # a goroutine dump's wait in the standard library is no panic
    ("geth16072_logcat_threadtime_386.txt", "bufio.(*Reader).ReadSlice bufio.go:338"),
    # fmt.Fprintf given a nil io.Writer: its caller, as the arguments showed before
    ("kubernetes32206_prompt_column_go16.txt",
     "k8s.io/kubernetes/pkg/kubectl/cmd.handleAttachPod run.go:482"),
])
def test_where_no_panic_was_raised_in_it_or_no_caller_shows_nothing_moves(paste, blamed):
    assert _culprit(WILD / paste) == blamed


def test_a_synctest_deadlock_stays_on_the_bubbles_code():
    # internal/synctest.Run panics for the bubble: the bubble's goroutine is blamed
    assert _culprit(SAMPLES / "go1.25" / "synctest_deadlock.txt") == (
        "example.com/synctestdemo.TestDeadlock.func1 bubble_test.go:22")
