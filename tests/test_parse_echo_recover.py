"""Echo's Recover middleware logs `[PANIC RECOVER] `, the value and the stack in
one record, the goroutine's header glued after the value (traceback.lark's
ECHO_RECOVER); through Echo's JSON logger, all of it escaped in `message`."""

from __future__ import annotations

from pathlib import Path

from stackdemux.api import analyze_many
from stackdemux.model import ReportKind
from stackdemux.parse import parse_text

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
