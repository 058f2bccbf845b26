"""A crash relayed by another program's log (samples/wild/): a plugin host's
logger before each line (hclog, as go-plugin relays a plugin's stderr), git's
`remote: ` before a server hook's output, a fuzzer's log record holding its
testee's output, a fence glued to the last line."""

from __future__ import annotations

from conftest import ROOT

from stackdemux import analyze
from stackdemux.demux import demultiplex_detail
from stackdemux.ingest import ingest
from stackdemux.model import ReportKind

WILD = ROOT / "samples" / "wild"
TFGOOGLE = WILD / "tfgoogle5907_hclog_plugin_relay_prefix_go110.txt"
GOFUZZ = WILD / "gofuzz262_testee_log_label_before_panic.txt"
FLYCTL = WILD / "flyctl585_fence_glued_to_offset_arm64.txt"
GOGS = WILD / "gogs4276_git_remote_sideband_quoted_pthread_create_twice.txt"


def test_hclog_names_the_plugin_whose_stderr_it_relays():
    # `2020-03-17T09:01:23.795Z [DEBUG] plugin.terraform-provider-libvirt: ` before
    # each line: the plugin's name is the stream, the empty line the prefix alone
    a = analyze(TFGOOGLE)
    [r] = a.reports
    assert (r.kind, r.signal.name) == (ReportKind.PANIC, "SIGSEGV")
    assert [s.label for s in a.streams if s.id == r.stream] == ["plugin.terraform-provider-libvirt"]
    [g] = r.goroutines
    assert (g.id, g.frames[0].line) == (38, 761)
    assert g.frames[0].file.endswith("/libvirt/resource_libvirt_domain.go")


def test_hclog_s_own_records_are_streams_of_their_names_and_std_log_lines_none():
    lines = ["2020-04-30T15:36:09.190+0530 [INFO]  plugin.terraform-provider-null_v2.1.2_x4: "
             "configuring server automatic mTLS: timestamp=2020-04-30T15:36:09.190+0530",
             "2020-04-30T15:36:09.222+0530 [DEBUG] plugin: using plugin: version=5",
             "2020/03/17 09:01:23 [TRACE] dag/walk: upstream errored, not walking",
             *TFGOOGLE.read_text().splitlines()[3:]]
    d = demultiplex_detail(ingest("\n".join(lines) + "\n"))
    assert "hclog" in d.layers
    labels = {s.label for s in d.streams}
    assert {"plugin.terraform-provider-null_v2.1.2_x4", "plugin",
            "plugin.terraform-provider-libvirt"} <= labels
    # (the level's padding to five is the prefix's: `[INFO]  `)
    [null] = [s for s in d.streams if s.label == "plugin.terraform-provider-null_v2.1.2_x4"]
    assert null.texts[0].startswith("configuring server")


def test_git_s_remote_prefix_is_stripped_inside_quoting_and_names_no_stream():
    # `> remote: SIGABRT: abort`: a quoted `git push`; git's own progress lines
    # above the hook's crash carry no `remote: ` and stay the log's
    d = demultiplex_detail(ingest(GOGS.read_bytes()))
    [s] = d.streams
    assert s.label is None
    assert s.texts[s.numbers.index(7)] == "SIGABRT: abort"
    assert s.texts[s.numbers.index(14)].startswith("\t/home/git/local/go/src/runtime/lock_futex.go")
    [r] = analyze(GOGS).reports
    assert (r.kind, r.signal.name, r.lines[0][0]) == (ReportKind.SIGNAL_DUMP, "SIGABRT", 5)
    assert [g.id for g in r.goroutines] == [0, 9]


def test_remote_is_a_prefix_only_as_git_writes_it():
    # (git writes `remote: ` at the line's start, an erase-line escape before it
    # on a terminal; a word ending in `remote:` is prose)
    from stackdemux.demux.prefixes_styles import compiled_styles, match_prefix

    style = compiled_styles()["gitremote"]
    assert match_prefix("remote: goroutine 9 [syscall]:", style)[0] == 8
    assert match_prefix("\x1b[Kremote: SIGABRT: abort", style)[0] == 11
    assert match_prefix("remote:", style)[0] == 7
    for prose in ("fetching remote: origin", " remote: x", "Remote: x", "remotes: x"):
        assert match_prefix(prose, style) is None, prose


def test_a_panic_after_a_log_record_s_label_is_the_report_s_first_line():
    # go-fuzz logs its testee's output in one record: `… testee: panic: …`, the
    # rest of the output on the lines below
    [r] = analyze(GOFUZZ).reports
    assert (r.kind, r.message) == (ReportKind.PANIC, "tried to eat a pinecone")
    assert r.lines[0][0] == 3
    assert r.goroutines[0].frames[0].func == "github.com/bookmoons/pineapple.Fuzz"


def test_a_label_before_a_panic_no_stack_follows_is_left_as_it_is():
    text = GOFUZZ.read_text().replace("\ngoroutine 1 [running]:", "\nsomething else:")
    # (with no goroutine header below it the line is the log's: its frames alone remain)
    [r] = analyze(text).reports
    assert r.kind is ReportKind.GOROUTINE_DUMP and r.lines[0][0] > 3


def test_a_fence_glued_to_the_last_offset_with_no_space_is_the_page_s():
    # `main.go:25 +0x40```: the last frame keeps its file line, the report is whole
    [r] = analyze(FLYCTL).reports
    assert r.complete
    last = r.goroutines[0].frames[-1]
    assert (last.func, last.line, last.offset) == ("main.main", 25, "0x40")
