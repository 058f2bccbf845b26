"""Pastes whose lines a relay or a terminal reshaped, read back as the crash a
person reads: dockerd's records of a plugin's stderr, the journal's tag and pid
alone, a double-spaced console copy, rows padded to a terminal's width, and a
fault while the runtime threw (two `fatal error:` lines, `panic during panic`)."""

from __future__ import annotations

from pathlib import Path

from stackdemux.api import analyze_many
from stackdemux.demux import demultiplex
from stackdemux.demux.paste import repair
from stackdemux.demux.paste_logfmt import trace_keys
from stackdemux.demux.pasted import looks_pasted
from stackdemux.demux.prefixes import detect
from stackdemux.ingest import ingest
from stackdemux.model import ReportKind

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT / "samples" / "wild"
LOKI812 = WILD / "loki812_dockerd_plugin_stderr_records_id_wrapped_empty_record.txt"
LOKI3189 = WILD / "loki3189_dockerd_tag_plugin_http_panic_serving_records.txt"
ERU51 = WILD / "eruagent51_syslog_tag_pid_alone_logrus_before.txt"
NVIDIA339 = WILD / "nvidiagpuexporter339_double_spaced_console_copy.txt"
SKAFFOLD4529 = WILD / "skaffold4529_padded_rows_nested_throw_panic_during_panic.txt"


def _one(path: Path):
    a = analyze_many([str(path)])
    [report] = a.reports
    return a, report


# ---------------------------------------------------- dockerd's plugin relay ---


def test_a_plugin_crash_dockerd_logged_a_record_a_line_reads_whole() -> None:
    a, report = _one(LOKI812)
    assert report.kind is ReportKind.PANIC
    assert report.message == "runtime error: invalid memory address or nil pointer dereference"
    assert report.signal is not None and report.signal.name == "SIGSEGV"
    assert report.signal.addr == "0x10"
    [g] = report.goroutines
    assert (g.id, g.state) == (166, "running")
    # the plugin ids the paste wrapped onto lines of their own are no one's
    assert [2, 2] in [list(s) for s in a.noise] and [4, 4] in [list(s) for s in a.noise]


def test_a_quoted_goroutine_header_proves_the_records_key() -> None:
    # cut below the header, the paste holds no file line to prove `msg`
    texts = LOKI812.read_text().splitlines()
    records = [t.split("dockerd: ", 1)[1] for t in texts if "dockerd: " in t]
    assert trace_keys(records, lambda t: "goroutine_header" if t.startswith("goroutine ")
                      else None, frozenset({"frame_file"})) == {"msg"}
    # a record whose message only names a goroutine proves nothing
    assert trace_keys(['level=info msg="goroutine 5 started"'], lambda t: None,
                      frozenset({"frame_file"})) == set()


def test_the_record_of_an_empty_line_is_that_empty_line() -> None:
    lines = [
        'time="t" level=error msg="[signal SIGSEGV: segmentation violation code=0x1 addr=0x10 '
        'pc=0x153d1b3]" plugin=725a',
        'time="t" level=error plugin=725a',
        'time="t" level=error msg="goroutine 166 [running]:" plugin=725a',
    ]
    got = repair(lines)
    assert got.lines == [
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x10 pc=0x153d1b3]",
        "",
        "goroutine 166 [running]:",
    ]
    # a record with other keys than its neighbours' is another line of the log
    other = repair([lines[0], 'time="t" level=info component=x', lines[2]])
    assert other.lines[1] == 'time="t" level=info component=x'


def test_a_plugins_http_panic_behind_the_journals_tag_alone() -> None:
    a, report = _one(LOKI3189)
    assert report.kind is ReportKind.PANIC
    assert report.message == "duplicate metrics collector registration attempted"
    [g] = report.goroutines
    assert [f.func for f in g.frames] == ["net/http.(*conn).serve.func1", "panic"]
    assert [s.label for s in a.streams] == ["dockerd[1957]"]


# ------------------------------------------------- the journal's tag alone ---


def test_the_journals_tag_and_pid_alone_are_a_prefix() -> None:
    a, report = _one(ERU51)
    assert [s.label for s in a.streams] == ["eru-agent[213677]"]
    assert report.message == "duplicate metrics collector registration attempted"
    [g] = report.goroutines
    assert [f.func.rsplit(".", 1)[-1] for f in g.frames] == [
        "MustRegister", "MustRegister", "NewMetricsClient", "stat"]
    # the logrus records before the panic are the program's lines, not the crash's
    assert report.lines[0][0] == 3


def test_makes_lines_are_no_journal_tag() -> None:
    # `make[1]: ` reads as a tag and pid: a few such lines amid a build are no prefix
    lines = ["make[1]: Entering directory '/src'", "go build ./...", "ok  \tpkg\t0.1s",
             "make[1]: Leaving directory '/src'", "panic: boom", "", "goroutine 1 [running]:",
             "main.main()", "\t/src/main.go:5 +0x1d", "exit status 2"]
    assert "syslogtag" not in [s.name for s in detect(lines)]


# ------------------------------------------------------ a double-spaced copy ---


def test_a_double_spaced_dump_reads_its_frames() -> None:
    _, report = _one(NVIDIA339)
    [g] = report.goroutines
    assert [f.func for f in g.frames] == [
        "github.com/prometheus/client_golang/prometheus.(*Registry).MustRegister",
        "github.com/prometheus/client_golang/prometheus.MustRegister",
        "main.main",
    ]
    assert [f.line for f in g.frames] == [405, 177, 83]


def test_double_spacing_is_a_sign_of_a_paste_but_go_prints_none() -> None:
    spaced = "goroutine 1 [running]:\n\nmain.main()\n\n\t/a/main.go:3 +0x1d\n"
    assert looks_pasted(spaced.split("\n"), spaced)
    clean = "goroutine 1 [running]:\nmain.main()\n\t/a/main.go:3 +0x1d\n\ngoroutine 2 [x]:\n"
    assert not looks_pasted(clean.split("\n"), clean)


# --------------------------------------------- rows padded, a nested throw ---


def test_rows_padded_to_the_width_are_no_hard_wraps() -> None:
    rows = [t.ljust(132) for t in ("fatal error: unexpected signal during runtime execution",
                                   "panic during panic",
                                   "[signal SIGSEGV: segmentation violation code=0x1 addr=0x1 "
                                   "pc=0x1]")] + [" " * 132]
    got = repair(rows)
    assert got.lines == [r.rstrip() for r in rows]


def test_a_fault_while_the_runtime_threw_is_one_crash() -> None:
    _, report = _one(SKAFFOLD4529)
    assert report.kind is ReportKind.FATAL_ERROR
    assert report.message == "unexpected signal during runtime execution"
    assert report.signal is not None and (report.signal.name, report.signal.addr) == (
        "SIGSEGV", "0x1")
    assert report.context == ["fatal error: unexpected signal during runtime execution"]
    # `panic during panic` is no line a report is made of; nothing is lost
    _, noise = demultiplex(ingest(SKAFFOLD4529.read_bytes()))
    assert (4, 4) in noise


def test_two_fatal_errors_with_a_stack_between_are_two_crashes() -> None:
    text = ("fatal error: all goroutines are asleep - deadlock!\n\n"
            "goroutine 1 [chan receive]:\nmain.main()\n\t/a/main.go:5 +0x1d\n"
            "fatal error: all goroutines are asleep - deadlock!\n\n"
            "goroutine 1 [chan send]:\nmain.main()\n\t/b/main.go:7 +0x2d\n")
    a = analyze_many([text])
    assert len(a.reports) == 2


# ------------------------------------------- a search response on one line ---

ES_DOCS = WILD / "kubernetesdocs_elasticsearch_search_response_one_line_kubelet_stacks.txt"


def test_a_search_responses_hits_are_the_records_of_the_log() -> None:
    from stackdemux.demux.wrapped import sniff, unwrap

    lines = ES_DOCS.read_text().splitlines()
    assert sniff(lines) == "json-lines"
    streams = unwrap(lines)
    assert streams is not None
    [curl] = [s for s in streams if s.texts[0].startswith("curl ")]
    [hits] = [s for s in streams if s is not curl]
    assert list(curl.numbers) == [1]
    # each hit's `_source.message` a line, in the response's order, all from line 2
    assert set(hits.numbers) == {2}
    assert hits.texts[4:7] == [
        "goroutine 114 [running]:",
        "github.com/GoogleCloudPlatform/kubernetes/pkg/kubelet.(*Server).error(0xc2080e0060, "
        "0x7fe0ba496840, 0xc208278840, 0x7fe0ba4881b0, 0xc20822daa0)",
        "\t/go/src/github.com/GoogleCloudPlatform/kubernetes/_output/dockerized/go/src/"
        "github.com/GoogleCloudPlatform/kubernetes/pkg/kubelet/server.go:94 +0x44",
    ]
    assert len(hits.texts) == 10


def test_the_kubelets_stacks_in_the_hits_are_read() -> None:
    a = analyze_many([str(ES_DOCS)])
    assert [r.kind for r in a.reports] == [ReportKind.GOROUTINE_DUMP] * 2
    assert {g.id for r in a.reports for g in r.goroutines} == {114}


def test_a_json_record_holding_hits_of_no_documents_is_one_record() -> None:
    from stackdemux.demux.wrapped import _records

    assert _records('{"hits":{"hits":[1,2]},"msg":"x"}') == [{"hits": {"hits": [1, 2]},
                                                              "msg": "x"}]
    assert _records('{"hits":{"hits":[{"_source":{"message":"a"}}]}}') == [{"message": "a"}]

