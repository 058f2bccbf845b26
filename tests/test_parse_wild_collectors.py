"""Crashes as log collectors, loggers and viewers handed them on, pasted from real
issues (samples/wild/, sources in its index.json): a record's quoted value wrapped by
a viewer, a stack whose line breaks were stripped with its tabs kept, glog's warning
before a klog record, a selection begun inside a timestamp, a plugin's stderr relayed
under its name, a record's end glued to a file line, rsyslog's `[localhost]` host."""

from __future__ import annotations

from pathlib import Path

from stackdemux import analyze
from stackdemux.demux.paste import repair
from stackdemux.demux.paste_flat import unflatten
from stackdemux.model import ReportKind
from stackdemux.parse import parse_text

WILD = Path(__file__).resolve().parent.parent / "samples" / "wild"
ARGO = WILD / "argo1253_logrus_escaped_dump_wrapped_at_1000_columns_go110.txt"
NEWRELIC = WILD / "newrelic126_fluentbit_plugin_stack_newlines_stripped_tabs_kept.txt"
TEKTON = WILD / "tektoncli361_glog_before_flag_parse_observed_panic_go112.txt"
MATRIXONE = WILD / "matrixone19185_gha_first_stamp_cut_test_timeout_go123.txt"
TERRAFORM = WILD / "terraform3441_plugin_stderr_relay_log_prefix_go14.txt"
FLUENTBIT = WILD / "fluentbit4384_stdout_record_end_glued_multiline.txt"
WOODPECKER = WILD / "ctwoodpecker82_syslog_bracketed_host_tabs_lost.txt"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


# -------------------------------------------- a quoted value a viewer wrapped ---

def test_a_record_s_escaped_dump_goes_on_past_the_line_break_a_viewer_put_in_it() -> None:
    # the record is cut after exactly 1000 characters, inside a path; a logger
    # escapes every newline of a quoted value, so the break is none of its own
    lines = _lines(ARGO)
    assert len(lines[2]) == 1000 and lines[3].startswith("orkflow/controller.")
    [report] = analyze(ARGO).reports
    [g] = report.goroutines
    assert g.id == 106
    assert [f.func for f in g.frames][-2:] == [
        "github.com/argoproj/argo/workflow/controller.(*wfOperationCtx).markNodeError",
        "github.com/argoproj/argo/workflow/controller.(*wfOperationCtx).executeStepGroup"]
    # no escape is left in a name (the flattened-stack reading took `\n` for one)
    assert all("\\" not in f.func for f in g.frames)
    assert report.lines == [(3, 4)]


def test_a_wrapped_value_takes_no_line_that_begins_as_its_record_did() -> None:
    # the next record of the same logger (`time="…"`) is no part of the value: the
    # open one is read as far as it goes
    lines = _lines(ARGO)
    cut = [lines[2], 'time="2019-03-11T09:02:18Z" level=info msg="next"']
    got = repair(cut).lines
    assert got[-1] == cut[1]
    assert "goroutine 106 [running]:" in got


# ------------------------------------------- line breaks stripped, tabs kept ---

def test_a_stack_whose_line_breaks_were_stripped_keeps_its_tabs_and_comes_apart() -> None:
    [report] = analyze(NEWRELIC).reports
    assert report.kind is ReportKind.PANIC
    assert report.message == (
        "interface conversion: interface {} is []interface {}, not map[interface {}]interface {}")
    [g] = report.goroutines
    assert (g.id, g.state, g.locked) == (17, "running", True)
    assert [(f.func, f.line, f.offset) for f in g.frames] == [
        ("github.com/fluent/fluent-bit-go/output.GetRecord", 87, "0x2f5"),
        ("main.FLBPluginFlushCtx", 59, "0x14b"),
        ("main._cgoexpwrap_a6e139c81ab7_FLBPluginFlushCtx", 75, "0x49"),
    ]
    assert g.frames[2].file == "_cgo_gotypes.go"


def test_the_kept_tab_is_the_file_line_s_own_not_a_second_one() -> None:
    line = _lines(NEWRELIC)[1]
    got = unflatten(line)
    assert got is not None
    files = [t for t in got if t.startswith("\t")]
    assert len(files) == 3 and not any(t.startswith("\t\t") for t in files)


# --------------------------------------------- glog before its flags parsed ---

def test_glog_s_warning_before_a_record_leaves_handle_crash_s_line_its_own() -> None:
    [report] = analyze(TEKTON).reports
    assert report.kind is ReportKind.PANIC
    assert report.message == "runtime error: invalid memory address or nil pointer dereference"
    frames = report.goroutines[0].frames
    assert (frames[0].file, frames[0].line) == (
        "/go/pkg/mod/k8s.io/apimachinery@v0.0.0-20190221084156-01f179d85dbc/pkg/util/runtime/"
        "runtime.go", 76)
    assert len(frames) == 12


def test_the_warning_alone_opens_nothing() -> None:
    line = _lines(TEKTON)[1]
    assert parse_text(line.split("E1015")[0] + "\n").reports == []


# ------------------------------------------- a selection begun in a stamp ---

def test_a_selection_begun_inside_the_first_timestamp_keeps_the_panic_line() -> None:
    [report] = analyze(MATRIXONE).reports
    assert (report.kind, report.message) == (ReportKind.PANIC, "test timed out after 40m0s")
    assert report.tests == ["TestCancelRunningTask"]
    assert report.lines[0][0] == 2  # the cut line opens it


def test_a_line_that_only_ends_like_a_stamp_is_left_as_it_is() -> None:
    # the tail must have the next prefix's shape: a word ending in `Z ` does not
    lines = _lines(MATRIXONE)
    other = ["```", "JAZZ panic: test timed out after 40m0s", *lines[2:]]
    [report] = analyze("\n".join(other) + "\n").reports
    assert report.kind is ReportKind.GOROUTINE_DUMP


# ----------------------------------------------- a plugin's stderr relayed ---

def test_a_plugin_s_lines_relayed_under_its_name_are_its_stream() -> None:
    a = analyze(TERRAFORM)
    [report] = a.reports
    [stream] = [s for s in a.streams if s.id == report.stream]
    assert stream.label == "terraform-provider-google"
    assert [g.id for g in report.goroutines][1:] == [5, 7]
    assert report.goroutines[2].frames[0].func == "github.com/hashicorp/terraform/plugin.func·007"


def test_the_log_package_s_own_lines_name_no_plugin() -> None:
    # net/http's line behind the log package's time is no plugin's relayed line
    text = ("2019/01/20 12:05:31 http: panic serving [::1]:53366: boom\n"
            "goroutine 7 [running]:\nmain.f()\n\t/app/main.go:12 +0x1d\n")
    [report] = analyze(text).reports
    assert report.http_remote == "[::1]:53366"
    assert all(s.label is None for s in analyze(text).streams)


# ------------------------------------------------ a record's end glued on ---

def test_a_record_s_closing_quote_and_brackets_glued_to_a_file_line_are_no_part_of_it() -> None:
    [report] = analyze(FLUENTBIT).reports
    created = report.goroutines[-1].created_by
    assert created is not None
    assert (created.frame.func, created.frame.line, created.frame.offset) == (
        "runtime.gcenable", 216, "0x58")


def test_only_a_file_line_is_cut_from_a_record_s_end() -> None:
    assert repair(['\t/app/main.go:12 +0x1d"}]']).lines == ["\t/app/main.go:12 +0x1d"]
    # a record whose value ends in hex digits is no file line: left whole
    assert repair(['{"msg":"a0"}]']).lines == ['{"msg":"a0"}]']


# ---------------------------------------------------- a syslog line, no host ---

LOKI_JOURNAL = WILD / "loki12842_journal_host_blanked_query_frontend_panic.txt"
NOMAD = WILD / "nomad25820_vim_journal_records_glued_no_host.txt"


def test_a_journal_line_whose_host_was_blanked_is_a_syslog_prefix_keyed_by_its_pid() -> None:
    a = analyze(LOKI_JOURNAL)
    [report] = a.reports
    assert (report.kind, report.message) == (
        ReportKind.PANIC, "runtime error: invalid memory address or nil pointer dereference")
    assert report.signal is not None and report.signal.name == "SIGSEGV"
    [stream] = [s for s in a.streams if s.id == report.stream]
    assert stream.label is not None and stream.label.strip() == "loki-3.0.0[324329]"


def test_a_hostless_prefix_needs_its_pid() -> None:
    # a time and a word with a colon is a program's own text, not a record's tag
    text = ("Apr 30 14:15:50 loki: panic: boom\n\n"
            "goroutine 1 [running]:\nmain.main()\n\t/app/main.go:12 +0x1d\n")
    a = analyze(text)
    assert all(s.label is None for s in a.streams)


def test_a_host_left_out_still_names_the_process() -> None:
    # the records glued inside lines stay a gap (index.json), but the first record of
    # each line is read as the process's
    a = analyze(NOMAD)
    assert "nomad[3795872]" in {s.label for s in a.streams}


# ----------------------------------------------- a log viewer's row times ---

LOKI_GRAFANA = WILD / "loki12937_grafana_row_times_own_lines.txt"


def test_grafana_s_row_times_alone_on_their_lines_are_set_aside() -> None:
    a = analyze(LOKI_GRAFANA)
    [report] = a.reports
    [g] = report.goroutines
    assert [(f.func.rsplit("/", 1)[-1], f.line) for f in g.frames] == [
        ("queryrange.NewIndexStatsCacheMiddleware.NewResultsCacheMiddleware.func2.1", 80),
        ("queryrangebase.HandlerFunc.Do", 26),
        ("queryrangebase.InstrumentMiddleware.func1.1", 172),
        ("instrument.CollectedRequest", 28),
    ]
    times = [n for n, t in enumerate(_lines(LOKI_GRAFANA), 1) if t.startswith("2024-05-10 ")]
    noise = {n for first, last in a.noise for n in range(first, last + 1)}
    assert len(times) == 7 and set(times) <= noise


def test_one_time_alone_is_no_viewer_s_rows() -> None:
    lines = ["goroutine 1 [running]:", "main.main()", "2024-05-10 11:34:06.043\t",
             "\t/app/main.go:12 +0x1d"]
    assert repair(lines).lines == lines


def test_rsyslog_s_placeholder_host_is_a_syslog_prefix_s_host() -> None:
    # `Jan 30 20:24:28 [localhost] ct-woodpecker: `: rsyslog's host before it knows
    # the machine's name (wazuh#3827 shows `Aug 10 07:13:39 [localhost] systemd: `)
    a = analyze(WOODPECKER)
    [r] = a.reports
    assert r.kind is ReportKind.GOROUTINE_DUMP
    assert [(g.id, g.wait_minutes) for g in r.goroutines] == [(26, 1250), (27, 1250), (28, 1250)]
    assert [s.label for s in a.streams if s.id == r.stream] == ["[localhost] ct-woodpecker"]


def test_a_bracketed_word_but_rsyslog_s_placeholder_is_no_host() -> None:
    # (a time a tool stamped, then a program's level and words, is no syslog line)
    from stackdemux.demux.prefixes_styles import compiled_styles, match_prefix

    syslog = compiled_styles()["syslog"]
    hit = match_prefix("Aug 10 07:13:39 [localhost] systemd: Started System Logging Service.",
                       syslog)
    assert hit is not None and hit[1] == "[localhost] systemd"
    for line in ("Jan 30 20:24:28 [info] server: listening", "Jan 30 20:24:28 [host] prog: x"):
        assert match_prefix(line, syslog) is None, line
