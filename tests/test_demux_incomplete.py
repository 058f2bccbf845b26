"""What could not be put back is said, never dropped silently (issue 3, item 7).

Processes that write into one pipe at once mix their writes inside lines.
Where the write layer cannot tell them apart, each report's first line is
still read, and the rest is kept as unplaced pieces: those lines are named
by a diagnostic, and a report whose goroutines are among them says it is
incomplete, and why, instead of passing for a crash that printed no stack.
"""

from __future__ import annotations

import gzip
import json

from conftest import CORPUS_CASES, corpus_case, sample_path

from stackdemux.api import analyze
from stackdemux.demux import STACKS_IN_WRITES, STACKS_NEAR_WRITES, UNPLACED_WRITES
from stackdemux.demux.mentions import failed_tests, source_files


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


def test_stacks_read_next_to_unplaced_writes_are_not_vouched_for():
    # Two processes mixed write by write: the line level reads the tail of one
    # process's 5000-goroutine dump, which follows the other process's opener,
    # from whole lines among the mixture, but pieces it could not place may be
    # its lost goroutines, and a whole line there may be another process's.
    # (sigquit-writes-time read so its relayed threads' sections, no reports
    # since GOTRACEBACK=crash's threads belong to their crash: test_relay.py.)
    # The log cut after its first 200 KB: the dump's tail left is too short to
    # pay for reading the mixture by its templates (writes_templates.py), which
    # place every piece of the whole log (test_demux_writes_templates.py).
    d = CORPUS_CASES / "big-writes-time"
    truth = json.loads(gzip.decompress((d / "truth.json.gz").read_bytes()))
    data = gzip.decompress((d / truth["input"]).read_bytes())
    analysis = analyze(data[:data.rindex(b"\n", 0, 200_000) + 1])
    assert any(s.unplaced for s in analysis.streams)
    read = [r for r in analysis.reports if r.goroutines]
    assert read, "the line level reads some of this case's goroutines (if not, test it)"
    for r in read:
        assert r.complete is False
        assert r.incomplete_reason == STACKS_NEAR_WRITES


def test_the_unplaced_pieces_lines_are_named():
    text, _ = corpus_case("bolt-writes-time")
    analysis = analyze(text.encode())
    unplaced = sorted({n for s in analysis.streams if s.unplaced for n in s.numbers})
    named = [d for d in analysis.diagnostics if d.message.startswith(UNPLACED_WRITES)]
    assert unplaced and len(named) == 1
    assert sorted(n for a, b in named[0].lines for n in range(a, b + 1)) == unplaced


def test_the_unplaced_pieces_still_name_the_code_the_crashes_ran_through():
    # The bbolt daemons' stacks are lost in the mixture, but every file path is
    # one write, whole: the vendored bbolt file is named, as often as its
    # frames were printed there (truth: 4 frames in each of 2 processes).
    text, truth = corpus_case("bolt-writes-time")
    (diagnostic,) = [d for d in analyze(text.encode()).diagnostics
                     if d.message.startswith(UNPLACED_WRITES)]
    cursor = "/vendor/go.etcd.io/bbolt/cursor.go"
    printed = sum(1 for process in truth["truth_reports"] for r in process
                  for g in r["goroutines"] for f in g[2] if f[1].endswith(cursor))
    assert printed == 8
    assert f"{cursor} \u00d7{printed}" in diagnostic.message
    assert "/runtime/" not in diagnostic.message  # GOROOT files say nothing of the code


def test_the_unplaced_pieces_name_the_go_tests_that_failed():
    # gotest-writes-time: three test binaries and a program wrote into one pipe
    # at once; which binary printed which `--- FAIL:` the log does not tell, but
    # testing wrote each one whole: those tests failed (truth: p0 and p2 ran
    # TestTransferPanics, p1 TestBalanceMismatch; cmd/go's `FAIL\tpkg` three
    # times, one of them with another process's write glued before it)
    text, _ = corpus_case("gotest-writes-time")
    (diagnostic,) = [d for d in analyze(text.encode()).diagnostics
                     if d.message.startswith(UNPLACED_WRITES)]
    assert "the go tests that failed: TestTransferPanics \u00d72, TestBalanceMismatch \u00d71" \
        in diagnostic.message
    assert "the packages that failed: example.com/fleet/ledger \u00d72" in diagnostic.message
    assert failed_tests(["--- FAIL: TestX (0.00s)", "    --- FAIL: TestX/sub (0.00s)",
                         "--- FAIL: TestX (0.00s)", "FAIL\tpkg/x\t0.01s", "FAIL",
                         "panic: --- FAIL: TestY (0.00s)"]) == (
        [("TestX", 2), ("TestX/sub", 1)], [("pkg/x", 1)])


def test_a_path_glued_to_other_writes_is_read_whole():
    files = source_files([
        "main.(*Hub).Shutdownpanic: (\t/app/main.gorunning",  # another process's `running`
        "+/app/main.go fp=0xc0000447a0sync/mutex.go 19runtime/panic.go",  # values glued before
        ".Waitexample.com/fleet/main.go example.com/fleet/main.go",
        "x/example.com/fleet/main.go",  # a directory before it: another file
    ])
    assert files == [("/app/main.go", 2), ("example.com/fleet/main.go", 2),
                     ("x/example.com/fleet/main.go", 1)]


def test_a_crash_that_printed_no_stack_is_still_complete():
    # GOTRACEBACK=none: the panic and its signal, no goroutine; nothing was lost
    analysis = analyze(sample_path("traceback_none").read_bytes())
    (report,) = analysis.reports
    assert not report.goroutines
    assert report.complete is True


def test_a_crash_whose_stacks_were_lost_still_gets_its_hint():
    # bolt-writes-time: two bbolt daemons and a hub wrote into one pipe at once
    text, _ = corpus_case("bolt-writes-time")
    analysis = analyze(text.encode())
    by_title = {g.title: g for g in analysis.groups}
    bolt = by_title["panic: invalid page type: <N>: <N>"]
    (hint,) = bolt.hints
    assert hint.rule == "bbolt-corrupt"
    assert hint.details[0].endswith("unread stacks, in go.etcd.io/bbolt")
    for rid in bolt.reports:
        assert any(f.endswith("/vendor/go.etcd.io/bbolt/cursor.go")
                   for f in analysis.report(rid).mentions)
    # the hub's timeout names the same files (they were mixed), but no rule
    # for it asks for bbolt's
    (hub,) = [g for g in analysis.groups if g is not bolt]
    assert not hub.hints


def test_writes_mixed_inside_lines_are_not_taken_for_a_paste():
    # `panic: panic: …` (openers run together), which no paste shows, among
    # lines broken by other processes' writes: the spaces and punctuation they
    # leave are not repaired as paste damage, nor reported as such
    text, _ = corpus_case("bolt-writes-shuffle")
    assert not [d for d in analyze(text.encode()).diagnostics
                if d.message.startswith("repaired paste damage")]
    pasted, _ = corpus_case("bolt-paste-spaces-punct")
    assert [d for d in analyze(pasted.encode()).diagnostics
            if d.message.startswith("repaired paste damage")]
