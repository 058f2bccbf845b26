"""What the last wild-paste review reported unread, on real pastes (samples/wild/):
a race's title, a `go test -json` report's test, a panic glued to the line before."""

from __future__ import annotations

from conftest import ROOT, sample_path

from stackdemux import analyze
from stackdemux.api import Options, split_streams
from stackdemux.demux.wrapped import name_tests
from stackdemux.ingest import ingest
from stackdemux.model import ReportKind
from stackdemux.parse import parse_stream, report_ids
from stackdemux.render import RenderOptions, render

WILD = ROOT / "samples" / "wild"
MEMTIERD = WILD / "memtierd_race_gowrap.txt"
GOTESTSUM = WILD / "gotestsum99_test2json_go114.txt"
MCUMGR = WILD / "mcumgr23_progress_bar_glued_panic.txt"


def test_a_race_s_title_names_the_program_s_functions_not_the_runtime_s():
    # each access's top frame is the runtime's map function the race detector
    # caught it in (runtime.mapiterinit, runtime.mapassign_fast64); its caller made it
    a = analyze(MEMTIERD)
    expected = ("DATA RACE: read by github.com/intel/memtierd/pkg/memtier.(*TrackerIdlePage)"
                ".sampler and previous write by github.com/intel/memtierd/pkg/memtier."
                "(*TrackerIdlePage).addRanges")
    assert a.reports[0].message == expected
    assert "runtime." not in a.groups[0].title
    markdown = render(a, "markdown", RenderOptions(color=False, width=200))
    assert "read by runtime." not in markdown and "sampler and previous write" in markdown


def test_a_race_in_the_program_s_own_code_is_titled_as_before():
    r = analyze(sample_path("test_race", "1.21")).reports[0]
    assert r.message == ("DATA RACE: write by example.com/gotests/store.(*Store).RacyHit "
                         "and previous read by example.com/gotests/store.(*Store).RacyHits")


def test_a_go_test_json_report_names_its_package_and_test():
    # test2json's events carry them (`Package`, `Test`); the output never printed
    # `--- FAIL` before the panic
    source = ingest(GOTESTSUM.read_bytes())
    streams, _ = split_streams(source, Options())
    [r] = parse_stream(streams[0], report_ids()).reports
    assert r.tests == [] and r.test_package is None
    name_tests([r], source.lines, streams)
    assert (r.tests, r.test_package) == (["TestWaitOn_WithCompare"], "gotest.tools/v3/poll")


def test_only_a_go_test_json_log_names_tests_from_its_streams():
    # a syslog'd crash has a labelled stream too: its label is a host, not a test
    source = ingest((WILD / "bolt574_syslog_http_panic.txt").read_bytes())
    streams, _ = split_streams(source, Options())
    reports = [r for s in streams for r in parse_stream(s, report_ids()).reports]
    name_tests(reports, source.lines, streams)
    assert all(r.tests == [] and r.test_package is None for r in reports)


def test_a_panic_after_a_program_s_unfinished_line_opens_its_report():
    # a progress bar drawn with no newline, then the runtime's `panic: …` on its line
    [r] = analyze(MCUMGR).reports
    assert r.kind is ReportKind.PANIC and r.signal.name == "SIGSEGV"
    assert r.message.startswith("runtime error: invalid memory address or nil pointer "
                                "dereference")
    assert r.lines == [(2, 11)] and r.goroutines[0].id == 11  # from the glued line on


def test_a_signal_s_panic_value_ends_where_the_runtime_s_fixed_text_does():
    # the bar's next redraw ran on after the value (`…dereference-----…]   7.57% …`);
    # a `[signal …]` line below says the value is the runtime's own, fixed text
    [r] = analyze(MCUMGR).reports
    assert r.message == "runtime error: invalid memory address or nil pointer dereference"
    assert [c.message for c in r.chain] == [r.message]


def test_a_value_with_more_text_and_no_signal_line_is_read_whole():
    # a program's own panic(errors.New(…)) may say anything after those words
    lines = MCUMGR.read_text().splitlines()
    got = analyze("\n".join([lines[0], lines[1], *lines[3:]]) + "\n")
    assert got.reports[0].message.startswith(
        "runtime error: invalid memory address or nil pointer dereference---")


def test_text_before_a_panic_line_with_a_space_is_left_as_it_is():
    # `… recovered panic: x` is a program's own words: no cut where a space comes first
    lines = MCUMGR.read_text().splitlines()
    spaced = lines[1].replace("00m22spanic: ", "00m22s panic: ")
    got = analyze("\n".join([lines[0], spaced, *lines[2:]]) + "\n")
    # (the crash is read from its signal line on, its panic line not found: no value)
    [r] = got.reports
    assert r.message == "" and r.lines[0][0] == 3 and not r.complete


def test_an_annotation_after_a_multi_line_value_belongs_to_its_panic():
    # Go 1.23+ prints a value ending with a newline as `panic: …` then `\t [recovered]`
    # (samples/wild/zetachain3573_…): the annotation is the panic's, not the value's text
    path = ROOT / "samples" / "wild" / "zetachain3573_multiline_value_recovered_go123.txt"
    [r] = analyze(path).reports
    [link] = r.chain
    assert link.annotation == "recovered" and "[recovered]" not in link.message
    assert r.message == link.message and r.message.endswith('"Background task completed"}')
    # on a value's last line of text too: `panic: a` / `\tb [recovered]`
    [r] = analyze("panic: a\n\tb [recovered]\n\tpanic: c\n").reports
    assert [(x.message, x.annotation) for x in r.chain] == [("a\nb", "recovered"), ("c", None)]


POPSTELLAR = WILD / "popstellar1121_race_nix_store_dwrap.txt"


def test_a_previous_access_whose_stack_the_detector_lost_keeps_the_race_going():
    # `Previous read at … by goroutine 41:` then `  [failed to restore the stack]`: the
    # goroutines' creations after it are the race's still
    a = analyze(POPSTELLAR)
    [r] = a.reports
    assert r.kind is ReportKind.RACE and r.lines == [(9, 26)]
    write, read = r.race.accesses
    assert (write.goroutine, len(write.frames)) == (40, 3)
    assert (read.operation, read.goroutine, read.frames) == ("Previous read", 41, [])
    [created] = r.race.creators
    assert (created.id, created.frames[-1].func) == (40, "testing.runTests.func1")
    assert a.noise == [(1, 8)]  # the tail of the report before, its header not pasted


def test_the_note_outside_a_race_is_noise():
    assert analyze("  [failed to restore the stack]\n").reports == []
