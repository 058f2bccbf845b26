"""What could not be put back is said, never dropped silently (issue 3, item 7).

Processes that write into one pipe at once mix their writes inside lines.
Where the write layer cannot tell them apart, each report's first line is
still read, and the rest is kept as unplaced pieces: those lines are named
by a diagnostic, and a report whose goroutines are among them says it is
incomplete, and why, instead of passing for a crash that printed no stack.
"""

from __future__ import annotations

from conftest import corpus_case, sample_path

from stackdemux.api import analyze
from stackdemux.demux import STACKS_IN_WRITES, UNPLACED_WRITES


def test_reports_whose_stacks_are_mixed_with_another_process_say_so():
    text, truth = corpus_case("bolt-writes-time")
    analysis = analyze(text.encode())
    assert sorted(r.message for r in analysis.reports) == sorted(
        r["message"] for process in truth["truth_reports"] for r in process)
    unread = [r for r in analysis.reports if not r.goroutines]
    assert unread, "the write layer reads this case's heads only (if it reads more, test it)"
    for r in unread:
        assert r.complete is False
        assert r.incomplete_reason == STACKS_IN_WRITES


def test_the_unplaced_pieces_lines_are_named():
    text, _ = corpus_case("bolt-writes-time")
    analysis = analyze(text.encode())
    unplaced = sorted({n for s in analysis.streams if s.unplaced for n in s.numbers})
    named = [d for d in analysis.diagnostics if d.message == UNPLACED_WRITES]
    assert unplaced and len(named) == 1
    assert sorted(n for a, b in named[0].lines for n in range(a, b + 1)) == unplaced


def test_a_crash_that_printed_no_stack_is_still_complete():
    # GOTRACEBACK=none: the panic and its signal, no goroutine; nothing was lost
    analysis = analyze(sample_path("traceback_none").read_bytes())
    (report,) = analysis.reports
    assert not report.goroutines
    assert report.complete is True
