"""Real pastes of crashes a program recovered or relayed, and of pages that changed
their text: Gitea's cron tasks' `PANIC whilst running task: NAME Value: …` (gitea#37447,
in the journal gitea#37755), a Python agent's record of its Go tool's stderr
(`… gohai.exe : panic: …`, dd-agent#2060), and pointer receivers whose `*` a page's
Markdown wrote back as `_` (`sync.(_Cond).Wait`, syncthing#670)."""

from __future__ import annotations

from pathlib import Path

from test_conservation import check_conservation

from stackdemux.api import analyze_many
from stackdemux.demux.paste import repair
from stackdemux.demux.pasted import looks_pasted
from stackdemux.grammar import line_grammar
from stackdemux.ingest import ingest
from stackdemux.model import ReportKind
from stackdemux.parse import parse_text

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT / "samples" / "wild"
GITEA = WILD / "gitea37447_cron_task_panic_whilst_running_caller_list_go126.txt"
GITEA_JOURNAL = WILD / "gitea37755_journal_cron_task_panic_toolchain_goroot_cut.txt"
DDAGENT = WILD / "ddagent2060_python_agent_record_space_colon_panic_windows_go13.txt"
SYNCTHING = WILD / "syncthing670_markdown_stars_as_underscores_receivers.txt"
HARBOR = WILD / "harbor_compose_two_spaces_go16.txt"


def _one(path: Path):
    a = analyze_many([str(path)])
    [report] = a.reports
    return a, report


# ------------------------------------------------------ Gitea's cron tasks ---

def test_a_cron_tasks_recovered_panic_reads_with_its_caller_list() -> None:
    for path, frames in ((GITEA, 16), (GITEA_JOURNAL, 9)):
        _, r = _one(path)
        assert (r.kind, r.message) == (ReportKind.PANIC, "assignment to entry in nil map")
        [g] = r.goroutines
        assert len(g.frames) == frames
        assert g.frames[1].file.endswith("/services/actions/schedule_tasks.go")
        assert g.frames[1].line == 145


def test_the_cron_tasks_line_is_read_alike_by_lark_and_the_classifier() -> None:
    g = line_grammar()
    [line] = [t for t in GITEA.read_text().splitlines() if "whilst" in t]
    kind, fields = g.fields(line)
    assert kind == "http_panic" and fields["gitea_value"] == "assignment to entry in nil map"
    assert (kind, fields) == g.parse(line)


def test_the_cron_tasks_words_with_no_caller_list_below_are_any_logs() -> None:
    text = ("2026/04/27 08:41:47 services/cron/tasks.go:106:(*Task).RunWithUser.1.1() [E] "
            "PANIC whilst running task: start_schedule_tasks Value: boom\n"
            "2026/04/27 08:41:48 services/cron/tasks.go:80:Run() [I] next run in 1m\n")
    assert parse_text(text).reports == []


# ------------------------------------- a panic after another program's record ---

def test_a_panic_after_a_records_words_and_a_spaced_colon_is_the_crash() -> None:
    _, r = _one(DDAGENT)
    assert (r.kind, r.message) == (ReportKind.PANIC, "runtime error: index out of range")
    assert len(r.goroutines) == 4
    assert r.lines[0][0] == 4  # the record's line: its words before the panic are noise
    check_conservation(ingest(DDAGENT.read_bytes()))


def test_a_spaced_colon_before_panic_words_in_prose_is_left_alone() -> None:
    # no goroutine below: a sentence that quotes a panic is not cut
    lines = ["The tool said : panic: runtime error: index out of range", "", "and stopped."]
    assert repair(lines).lines == lines


# ---------------------------------------------- Markdown's `_` for a `*` ---

def test_a_receivers_underscore_is_its_star() -> None:
    _, r = _one(SYNCTHING)
    funcs = [f.func for f in r.goroutines[0].frames]
    assert funcs[1] == "sync.(*Cond).Wait"
    assert "github.com/syncthing/syncthing/events.(*BufferedSubscription).Since" in funcs
    assert "net/http.(*ServeMux).ServeHTTP" in funcs
    _, harbor = _one(HARBOR)
    assert any(f.func.endswith("cobra.(*Command).execute") for f in harbor.goroutines[0].frames)


def test_an_underscore_that_names_no_receiver_is_kept() -> None:
    # an argument or a function named with an underscore is Go's own text
    lines = ["goroutine 1 [running]:", "main.f(_x)", "\t/app/main.go:3 +0x1d",
             "main.(_T)", "\t/app/main.go:4 +0x1d"]
    assert not looks_pasted(lines)
    out = repair(["main.(_T).M(0x1)", "main.g(_x)", "pkg._f()"]).lines
    assert out == ["main.(*T).M(0x1)", "main.g(_x)", "pkg._f()"]


# ------------------------------------- a logger's label before an escaped dump ---

TRAEFIK = WILD / "traefik6297_compose_logrus_stack_label_escaped_dump_cut.txt"
TRAEFIK_KOP = WILD / "traefikkop15_logrus_stack_label_escaped_dump_template_nil.txt"


def test_a_quoted_dump_after_its_label_is_unescaped() -> None:
    # traefik logs `msg="Stack: goroutine 94 [running]:\n…"`: the record was cut
    # before its closing quote and wrapped once at 1000 columns
    _, r = _one(TRAEFIK)
    frames = r.goroutines[0].frames
    assert [f.func for f in frames][:3] == [
        "github.com/containous/traefik/v2/pkg/middlewares/recovery.recoverFunc", "panic",
        "github.com/containous/traefik/v2/pkg/ping.(*Handler).ServeHTTP"]
    assert not any(f.func.startswith("\\n") for f in frames)
    assert frames[4].file.endswith("/accesslog/field_middleware.go")  # (the wrap joined)
    _, kop = _one(TRAEFIK_KOP)
    assert kop.goroutines[0].frames[0].func == "runtime/debug.Stack"


def test_a_label_is_read_only_at_the_values_start() -> None:
    # words and a colon before a header later in a value are the value's text
    lines = ['level=error msg="see: the goroutine 7 [running] note" code=1']
    assert repair(lines).lines == lines


# --------------------------------------------- a web log viewer's stamp ---

MINIO_OPERATOR = WILD / "minioop795_web_log_viewer_day_date_12h_bar_handlecrash.txt"


def test_a_day_date_and_12_hour_stamp_before_a_bar_names_no_stream() -> None:
    a, r = _one(MINIO_OPERATOR)
    assert [s.label for s in a.streams] == [None]
    [g] = r.goroutines
    assert g.frames[0].func == "k8s.io/apimachinery/pkg/util/runtime.logPanic"
    assert len(g.frames) == 7


def test_the_viewers_stamp_and_the_grammar_agree() -> None:
    from stackdemux.demux.prefixes import compiled_styles, grammar, match_prefix

    lark, style = grammar(), compiled_styles()["timestamp"]
    for line in MINIO_OPERATOR.read_text().splitlines()[1:]:
        end, key, _ = match_prefix(line, style)
        assert key is None and line[:end] == "Wed, Sep 1 2021 9:38:45 am | "
        lark.parse(line[:end], start="timestamp")
