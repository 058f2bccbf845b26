"""go test -json's OutputType tells a failed test's errors from its logs.

t.Log and t.Error print alike (`chatty_test.go:24: text`, 4 spaces in), so a test
that logs after its error (`cleaning up …`) was pointed at its log line, the last
entry. Go 1.27's test2json types the events of t.Error's and t.Fatal's output
`"OutputType":"error"` (a message's further lines `error-continue`; cmd/test2json:
testing marks them with ^O … ^N in -test.v=test2json mode); 1.24.11, 1.25.5 and
1.26.6 (checked here) do not. Where the events say, each log entry says whether it
is an error's (LogEntry.error, JSON `error`), and the CI formats point at the last
error; elsewhere as before. Real captures: tests/data/bigjson_small (Go 1.27.3 and
1.26.6: TestEarly logs, errors, logs), samples/go1.27 and go1.21 test_fail_json.txt.
"""

from __future__ import annotations

from pathlib import Path

import stackdemux
from stackdemux.demux.wrapped import unwrap
from stackdemux.render import RenderOptions, render
from stackdemux.render.failures import failure_views

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "data" / "bigjson_small"


def log_of(path: Path, test: str) -> list[tuple[int, bool | None]]:
    a = stackdemux.analyze(path)
    [failed] = [f for r in a.reports for f in r.failed_tests if f.test == test]
    return [(e.line, e.error) for e in failed.log]


def test_go_1_27_s_events_say_which_entries_are_errors():
    assert log_of(SMALL / "go1.27.3-json.txt", "TestEarly") == [(22, False), (23, True),
                                                                (24, False)]
    sample = ROOT / "samples" / "go1.27" / "test_fail_json.txt"
    assert log_of(sample, "TestReport") == [(36, False), (39, True)]  # t.Logf, then t.Errorf
    assert log_of(sample, "TestGreetings/Ann") == [(22, False), (24, True)]
    # an error's further lines (`error-continue`) are its message's, not entries
    a = stackdemux.analyze(sample)
    [report] = [f for r in a.reports for f in r.failed_tests if f.test == "TestReport"]
    assert report.log[1].text.splitlines() == ["Report() mismatch:", "got:", "items: 2",
                                               "total: 3", "want:", "items: 2", "total: 3"]


def test_where_the_log_does_not_say_no_entry_is_called_either():
    for path in (SMALL / "go1.26.6-json.txt", SMALL / "go1.27.3-plain.txt",
                 ROOT / "samples" / "go1.21" / "test_fail_json.txt"):
        a = stackdemux.analyze(path)
        assert {e.error for r in a.reports for f in r.failed_tests for e in f.log} == {None}


def test_the_stream_of_a_package_carries_its_error_lines():
    lines = (SMALL / "go1.27.3-json.txt").read_text().splitlines()
    [stream] = unwrap(lines)
    assert sorted(stream.texts[i] for i in stream.errors) == [
        "    chatty_test.go:23: early: got 1, want 2",
        "    chatty_test.go:39: case 6: checksum mismatch"]
    [older] = unwrap((SMALL / "go1.26.6-json.txt").read_text().splitlines())
    assert older.errors is None


def test_the_ci_formats_point_at_the_error_not_the_log_after_it():
    def early(path: Path):
        [view] = [v for v in failure_views(stackdemux.analyze(path))
                  if v.failed.test == "TestEarly"]
        return view.entry.line, view.summary

    assert early(SMALL / "go1.27.3-json.txt") == (23, "early: got 1, want 2")
    # the same failure printed plain, or by Go 1.26's -json: the last entry, a t.Log
    for path in (SMALL / "go1.27.3-plain.txt", SMALL / "go1.26.6-json.txt"):
        assert early(path) == (24, "cleaning up after the early check")
    out = render(stackdemux.analyze(SMALL / "go1.27.3-json.txt"), "github",
                 RenderOptions(color=False))
    [line] = [ln for ln in out.splitlines() if "TestEarly failed" in ln]
    assert line.startswith("::error") and "early: got 1, want 2" in line
