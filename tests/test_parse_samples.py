"""Every real capture in samples/ (Go 1.19–1.27) parses into the report its manifest
entry expects, with nothing unplaced inside it and only non-traceback lines as noise.

The manifest's `expect` is written by samples/generate.py from the raw output (first
`panic:` line, count of `^goroutine N` headers). Where the model reads a capture more
precisely than that heuristic, the mapping is spelled out here:

  * a test that panicked is a PANIC report carrying `Report.tests` (the model's
    TEST_FAILURE is a `--- FAIL` with no panic); the `--- FAIL`/`FAIL` lines after a
    race make a TEST_FAILURE report of their own;
  * a race report's message names its two accesses ("DATA RACE: read by …");
  * a goroutine dump has no panic message: the manifest says None.
"""

from __future__ import annotations

import pytest
from conftest import SAMPLES, assert_every_line_placed_once, manifest, numbers, parse_file

from stackdemux.api import analyze
from stackdemux.model import ReportKind
from stackdemux.parse import PROFILE_NOTE

ENTRIES = manifest()

# Captures the manifest's heuristic misreads, with what they really hold.
OVERRIDES = {
    # Go 1.19 prints a cgo SIGSEGV as "fatal error: unexpected signal during runtime
    # execution" (newer Go: "SIGSEGV: segmentation violation"); the manifest found no
    # message to extract.
    "go1.19/cgo_segv.txt": ("fatal error", "unexpected signal during runtime execution"),
}
# pprof's debug=1 goroutine profile ("goroutine profile: total N", "1 @ 0x…",
# "#\t0x…\tfunc+0x…\tfile:line") is a profile, not a traceback: it stays noise,
# and is named.
PROFILE_FORMAT = {"pprof_debug1"}
# A stack logged on one line, its line breaks stripped, is no traceback line by
# line: the demultiplexer's paste repair cuts it back (tests/test_demux_paste_flat.py).
LOGGED_FLAT = {"stack_logged_flat"}
# `go test -json`'s events (test2json) are unwrapped by the demultiplexer, each test's
# output a stream of its own: the parser alone reads JSON lines, no traceback.
WRAPPED = {"test_fail_json"}


def entry_id(e: dict) -> str:
    return e["file"]


@pytest.mark.parametrize("entry", ENTRIES, ids=entry_id)
def test_sample_parses_as_its_manifest_expects(entry):
    lines, result = parse_file(SAMPLES / entry["file"])
    assert_every_line_placed_once(len(lines), result)
    expect = entry["expect"]
    if entry["scenario"] in LOGGED_FLAT:
        assert result.reports == [] and len(numbers(result.noise)) == len(lines)
        return
    if entry["scenario"] in WRAPPED:
        assert result.reports == []
        analysis = analyze(SAMPLES / entry["file"])
        assert analysis.reports[0].message == expect["message"]
        assert all(r.kind.value == expect["kind"] for r in analysis.reports)
        return
    if entry["scenario"] in PROFILE_FORMAT:
        assert result.reports == [] and numbers(result.noise) == list(range(1, len(lines) + 1))
        # the user is told what it is, and what to fetch instead
        assert [(d.message, d.lines) for d in result.diagnostics] == [(PROFILE_NOTE, [(1, 1)])]
        return
    assert result.diagnostics == [], "a line inside a report could not be placed"
    crash = [r for r in result.reports if r.kind is not ReportKind.TEST_FAILURE] or result.reports
    report = crash[0]
    # every `goroutine N` header is read: in a dump, or in a thread's relayed section
    assert sum(len(r.goroutines) + sum(len(t.goroutines) for t in r.threads)
               for r in result.reports) == expect["goroutines"]
    kind, message = OVERRIDES.get(entry["file"], (expect["kind"], expect["message"]))
    first_line = report.message.split("\n")[0]
    if kind == "test failure" and report.kind is ReportKind.PANIC:
        assert report.tests or any("--- FAIL" in t for t in lines) or "timed out" in message
        assert first_line == message
    elif kind == "race":
        assert report.kind is ReportKind.RACE
        assert report.message.startswith("DATA RACE: ") and len(report.race.accesses) >= 2
    elif kind == "goroutine dump":
        assert report.kind is ReportKind.GOROUTINE_DUMP and message is None
    else:
        assert report.kind.value == kind
        assert first_line == message
    # noise is only what Go did not print as part of the crash
    for n in numbers(result.noise):
        text = lines[n - 1]
        traceback_like = ("goroutine ", "panic: ", "fatal error: ", "\t/", "created by ")
        assert not text.startswith(traceback_like), f"line {n} is noise: {text!r}"


def test_the_manifest_covers_every_go_version_from_1_19_to_1_27():
    if not ENTRIES:
        pytest.skip("samples/manifest.json not generated")
    versions = {".".join(e["go"].split(".")[:2]) for e in ENTRIES}
    assert {"1.19", "1.21", "1.23", "1.25", "1.27"} <= versions


def test_noise_checked_by_hand_race_run():
    # race_run: the program's own stdout ("2") lands between the race report and
    # "Found 1 data race(s)"; it is the only noise line.
    from conftest import parse_sample

    lines, result = parse_sample("race_run", "1.27")
    assert [lines[n - 1] for n in numbers(result.noise)] == ["2"]
    race = result.reports[0]
    assert lines.index("Found 1 data race(s)") + 1 in numbers(race.lines)
    assert race.exit_status == 66


def test_noise_checked_by_hand_test_race():
    # go test -race: the testing package's "    testing.go:NNN: race detected during
    # execution of test" log line under "--- FAIL: TestRace" is that failed test's log
    # (it was noise until the failures' logs were read): no line is noise.
    from conftest import parse_sample

    lines, result = parse_sample("test_race", "1.27")
    assert numbers(result.noise) == []
    race, failure = result.reports
    assert race.kind is ReportKind.RACE and failure.kind is ReportKind.TEST_FAILURE
    assert failure.tests == ["TestRace"] and failure.test_package == "example.com/gotests/store"
    (failed,) = failure.failed_tests
    (entry,) = failed.log
    assert failed.test == "TestRace" and entry.file == "testing.go"
    assert entry.text == "race detected during execution of test"
    assert lines[entry.input_lines[0] - 1].strip().endswith(entry.text)
