"""go test's watchdog: a test binary that outlives -timeout by a minute without its
own alarm panicking (a loop that calls nothing, here with asyncpreemptoff=1 and one
P) is sent SIGQUIT by go test, which then prints `*** Test killed with quit: ran too
long (1m1s).`. The dump is a SIGQUIT's, but nobody asked to look: a test hung.

Real captures of Go 1.19, 1.21 and 1.27 (samples/generate.py's test_killed_quit)."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from stackdemux.api import analyze
from stackdemux.cli import main
from stackdemux.grammar import line_grammar
from stackdemux.model import ReportKind
from stackdemux.parse import parse_text

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
KILLED = [SAMPLES / f"go{v}" / "test_killed_quit.txt" for v in ("1.19", "1.21", "1.27")]
WATCHDOG = "*** Test killed with quit: ran too long (1m1s)."


@pytest.fixture(params=KILLED, ids=lambda p: p.parent.name)
def killed(request) -> Path:
    return request.param


def test_the_watchdog_line_and_the_package_after_it_belong_to_the_dump(killed):
    result = parse_text(killed.read_bytes())
    (report,) = result.reports
    assert report.kind is ReportKind.SIGNAL_DUMP
    assert report.signal is not None and report.signal.name == "SIGQUIT"
    assert report.test_killed == WATCHDOG
    assert report.test_package == "example.com/gotests/spin"
    # nothing of go test's trailer is left over as noise
    assert report.lines[-1][1] == len(killed.read_text().splitlines())


def test_the_test_that_hung_is_the_culprit(killed):
    analysis = analyze(killed)
    (group,) = analysis.groups
    assert group.culprit is not None
    assert group.culprit.func == "example.com/gotests/spin.TestSpin"
    text = CliRunner().invoke(main, [str(killed)]).output
    assert "culprit   example.com/gotests/spin.TestSpin" in text


def test_the_hint_says_who_sent_the_signal_and_which_test_hung(killed):
    (group,) = analyze(killed).groups
    (hint,) = group.hints
    assert hint.rule == "sigquit-dump"
    assert hint.details[0].startswith("go test's watchdog sent it after 1m1s")
    assert hint.details[1].startswith("the test that hung: example.com/gotests/spin.TestSpin at ")


def test_a_sigquit_nobody_asked_go_test_for_keeps_its_own_words():
    # (a `kill -QUIT` of a program: where its goroutines waited, not a culprit)
    sigquit = SAMPLES / "go1.27" / "sigquit.txt"
    (report,) = parse_text(sigquit.read_bytes()).reports
    assert report.test_killed is None
    text = CliRunner().invoke(main, [str(sigquit)]).output
    assert "waits in  main.init.5.func1" in text
    assert "watchdog sent it" not in text


def test_json_carries_the_watchdog_line_for_bots(killed):
    out = CliRunner().invoke(main, ["-f", "json", str(killed)]).output
    (report,) = json.loads(out)["reports"]
    assert report["test_killed"] == WATCHDOG
    assert report["culprit"]["func"] == "example.com/gotests/spin.TestSpin"


def test_fail_on_crash_fails_the_step(killed):
    assert CliRunner().invoke(main, ["--fail-on-crash", str(killed)]).exit_code == 1


def test_the_watchdog_line_without_a_signal_is_the_same_kind():
    # cmd/go prints it without `with …` where no signal asks for a dump (Windows:
    # the binary is killed, nothing printed); cmd/go/internal/test/test.go's two forms
    kinds = line_grammar()
    for line in (WATCHDOG, "*** Test killed: ran too long (11m0s)."):
        kind, _ = kinds.classify(line)
        assert kind == "test_killed", line
