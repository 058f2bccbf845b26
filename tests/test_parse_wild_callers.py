"""apimachinery's caller lists, as people pasted them (samples/wild/): HandleCrash,
before Kubernetes 1.15, logged `Observed a panic: …` and then the panicking
goroutine's callers as bare `file:line` lines, no function names. They are that
goroutine's stack, file and line alone (stackdemux/callers.py)."""

from __future__ import annotations

import json

from conftest import ROOT

from stackdemux import analyze
from stackdemux.analyse.chains import culprit
from stackdemux.callers import read_caller
from stackdemux.model import ReportKind
from stackdemux.parse import parse_text
from stackdemux.render import RenderOptions, render

WILD = ROOT / "samples" / "wild"
AUTOPILOT = WILD / "autopilot_tutorial_klog_callers_string_go113.txt"
ASTRO = WILD / "astro_modifier_comment_klog_callers_twice_go113.txt"
KNATIVE = WILD / "knative3258_prow_bootstrap_stamp_observed_panic_go112.txt"
KUBEADM = WILD / "kubeadm1486_journald_cjk_month_kubelet_callers_go112.txt"
APIMACHINERY = ("/Users/ilackarms/go/pkg/mod/k8s.io/apimachinery@v0.0.0-20190404173353-"
                "6a84e37a896d/pkg/util/runtime/runtime.go")


def test_the_caller_list_is_the_observed_panic_s_goroutine_file_and_line_alone():
    r1, r2 = analyze(AUTOPILOT).reports
    [g] = r1.goroutines
    assert r1.message == "implement me!" and r1.lines == [(6, 19)]
    assert [(f.func, f.file, f.line) for f in g.frames[:2]] == [
        ("", APIMACHINERY, 76), ("", APIMACHINERY, 65)]
    assert g.frames[-1].file.endswith("/runtime/asm_amd64.s") and g.frames[-1].line == 1357
    assert len(g.frames) == 13 and not any(f.args or f.offset for f in g.frames)
    # the re-panic's chain, printed after it with no goroutine, is a report of its own
    assert r2.lines == [(20, 22)] and r2.goroutines == []


def test_its_files_tell_where_each_caller_s_code_comes_from():
    [r1, _] = analyze(AUTOPILOT).reports
    frames = r1.goroutines[0].frames
    seen = [(f.package, f.module, f.version, f.origin) for f in frames]
    assert seen[0] == ("k8s.io/apimachinery/pkg/util/runtime", "k8s.io/apimachinery",
                       "v0.0.0-20190404173353-6a84e37a896d", "modcache")
    # the list's own runtime files show its GOROOT (Homebrew's, no /usr/local/go)
    assert seen[3] == ("runtime", None, None, "stdlib") and seen[-1][3] == "stdlib"
    assert seen[6] == ("sigs.k8s.io/controller-runtime/pkg/internal/controller",
                       "sigs.k8s.io/controller-runtime", "v0.3.0", "modcache")
    # the program's own files, in a checkout outside GOPATH: the path names no package,
    # but lies where the go command puts no dependency's (analyse/origins.py)
    assert seen[4] == (None, None, None, "main")


def test_the_culprit_is_the_first_caller_below_the_panic_that_is_not_the_runtime():
    a = analyze(AUTOPILOT)
    [group] = a.groups
    assert group.reports == ["r1", "r2"]  # the log line and the re-panic: one crash
    assert (group.culprit.file.rsplit("/", 1)[-1], group.culprit.line) == ("worker.go", 20)
    # the chain runs from the goroutine's entry (goexit's line left out) to it
    assert [s.module for s in group.chain] == [
        "k8s.io/apimachinery", "sigs.k8s.io/controller-runtime", "main"]
    # a route of no function names: the title alone, as for a report with no stack
    assert group.fingerprint == analyze(AUTOPILOT.read_text().split("\n", 19)[-1]
                                        ).groups[0].fingerprint


def test_the_list_after_a_nested_recover_starts_below_its_last_panic():
    [r1, r2, _] = analyze(ASTRO).reports
    assert len(r1.goroutines[0].frames) == 22 and len(r2.goroutines[0].frames) == 24
    # r2's list has runtime/panic.go twice (HandleCrash re-panicked inside another);
    # below it reflect raised the ValueError (value.go:208) on its caller's misuse
    for r in (r1, r2):
        c = culprit(r)
        assert (c.file.rsplit("/", 1)[-1], c.line) == ("modifier.go", 148)


def test_a_caller_line_is_no_hard_wrapped_tail_of_the_long_klog_line_before_it():
    # the klog line is the paste's longest, twice: the paste's width, to the repair
    a = analyze(ASTRO)
    assert not any("repaired" in d.message for d in a.diagnostics)
    assert [r.message for r in a.reports] == [
        "reflect: call of reflect.Value.NumField on ptr Value"] * 3


def test_a_group_s_traceback_with_functions_is_shown_before_a_caller_list():
    # the caller lists come first in the log; Go's traceback of the re-panic names
    # the functions, so the group's culprit and chain are read from it
    [group] = analyze(ASTRO).groups
    assert group.reports == ["r1", "r2", "r3"]
    assert group.culprit.func == "github.com/fairwindsops/astro/pkg/config.getReflectedField"


def test_behind_a_prefix_and_a_vendor_tree():
    [r] = analyze(KNATIVE).reports
    frames = r.goroutines[0].frames
    assert [f.line for f in frames] == [72, 65, 51, 522, 634]
    assert (frames[0].package, frames[0].origin) == (
        "k8s.io/apimachinery/pkg/util/runtime", "vendor")
    assert (frames[-1].package, frames[-1].origin) == ("testing", "stdlib")


def test_journalctl_s_month_in_a_chinese_locale_is_its_prefix():
    a = analyze(KUBEADM)
    [r] = a.reports
    assert {s.label for s in a.streams} >= {"k8snode1 kubelet[9519]"}
    assert r.lines == [(3, 8)] and len(r.goroutines[0].frames) == 5
    assert a.groups[0].culprit.file.endswith("/k8s.io/client-go/tools/cache/reflector.go")


def test_only_a_line_after_observed_a_panic_is_read_so():
    # a path and a number anywhere else in a log is not a frame
    lines = AUTOPILOT.read_text().splitlines()[5:9]
    assert len(parse_text("\n".join(lines) + "\n").reports[0].goroutines[0].frames) == 3
    assert parse_text("\n".join(lines[1:]) + "\n").reports == []
    after_http = "2019/01/20 12:05:31 http: panic serving 1.2.3.4:5: boom\n" + lines[1]
    [r] = parse_text(after_http + "\n").reports
    assert r.goroutines == []


def test_the_line_s_shape():
    assert read_caller("/usr/local/go/src/runtime/panic.go:679") == (
        "/usr/local/go/src/runtime/panic.go", 679)
    assert read_caller("\tC:/Program Files/Go/src/runtime/asm_amd64.s:1357") == (
        "C:/Program Files/Go/src/runtime/asm_amd64.s", 1357)
    for text in ("http://host:8080", "/app/main.go:12 +0x1d", "main_test.go:12: boom",
                 "/app/main.go"):
        assert read_caller(text) is None


def test_a_frame_without_a_function_in_each_format():
    a = analyze(AUTOPILOT)
    doc = json.loads(render(a, "json", RenderOptions(color=False)))
    frame = doc["reports"][0]["goroutines"][0]["frames"][4]
    assert (frame["func"], frame["line"], frame["args"]) == ("", 20, None)  # still a string
    text = render(a, "text", RenderOptions(color=False, width=200))
    assert "callers (file:line, no functions printed):" in text
    assert "culprit   …/autorouter/pkg/workers/initializing/worker.go:20\n" in text
    sarif = json.loads(render(a, "sarif", RenderOptions(color=False)))
    [location] = sarif["runs"][0]["results"][0]["locations"]
    assert "logicalLocations" not in location  # no function to name
    assert location["physicalLocation"]["region"] == {"startLine": 20}
    github = render(a, "github", RenderOptions(color=False))
    assert "culprit: /Users/ilackarms/" in github  # its place alone, as JUnit says it
    for fmt in ("markdown", "html", "junit", "codequality"):
        assert "worker.go" in render(a, fmt, RenderOptions(color=False))


# Gitea logs a recovered panic as `PANIC: <value>` and its own stack: a caller
# list whose lines carry their pc (modules/log's Stack).
GITEA = WILD / "gitea35095_panic_page_pc_caller_list_snap_goroot.txt"
GITEA_LOGGED = WILD / "gitea15558_log_prefix_tabbed_pc_callers_vendor.txt"


def test_gitea_s_panic_and_its_pc_caller_list_are_one_report():
    a = analyze(GITEA)
    [r] = a.reports
    assert r.kind is ReportKind.PANIC
    assert r.message == "runtime error: invalid memory address or nil pointer dereference"
    [g] = r.goroutines
    assert len(g.frames) == 16 and all(f.func == "" for f in g.frames)
    assert (g.frames[0].file, g.frames[0].line) == ("/snap/go/10907/src/runtime/panic.go", 792)
    # below the last of the runtime's panic.go lines and its signal handler
    culprit = a.groups[0].culprit
    assert (culprit.file, culprit.line) == (
        "/build/gitea/parts/gitea/build/modules/git/commit_info.go", 21)


def test_gitea_s_logger_prefix_and_tabbed_callers_are_read_too():
    a = analyze(GITEA_LOGGED)
    [r] = a.reports
    assert r.lines == [(2, 20)] and len(r.goroutines[0].frames) == 18
    assert r.message == "runtime error: invalid memory address or nil pointer dereference"
    assert (a.groups[0].culprit.file, a.groups[0].culprit.line) == ("/source/models/user.go", 1465)


def test_panic_in_capitals_with_no_gitea_stack_below_is_any_log_s_word():
    lines = GITEA.read_text().splitlines()
    at = next(i for i, t in enumerate(lines) if t.startswith("PANIC: "))
    # PostgreSQL's own level (two spaces), a line of prose, Gitea's stack cut off
    for text in ("PANIC:  could not write to file \"pg_wal/xlogtemp.123\": No space left",
                 "PANIC: the disk is full\nwe will retry later",
                 lines[at]):
        assert not analyze(text + "\n").reports, text
    # and the stack's lines alone are no caller list: nothing says a panic came before
    assert not analyze("\n".join(lines[at + 1:]) + "\n").reports


MACARON = WILD / "gogs770_macaron_panic_caller_source_lines_esc_text.txt"


def test_macaron_s_panic_is_read_with_its_callers_and_their_source_lines():
    # Martini's recovery, which Macaron and then Gitea took: `PANIC: <value>` after the
    # logger's label, then each caller with its pc and, under it, its function and source
    [r] = analyze(MACARON).reports
    assert r.kind is ReportKind.PANIC
    assert r.message == "runtime error: invalid memory address or nil pointer dereference"
    assert r.lines == [(16, 23)]  # the source lines are the stack's, not noise
    [g] = r.goroutines
    assert [(f.func, f.file.rsplit("/", 1)[-1], f.line) for f in g.frames] == [
        ("", "panic.c", 552), ("", "os_linux.c", 237), ("", "<autogenerated>", 26),
        ("", "csrf.go", 175)]


def test_a_source_line_is_read_only_under_a_caller_with_its_pc():
    lines = MACARON.read_text(encoding="utf-8").splitlines()
    head, callers = lines[15], lines[16:]
    # HandleCrash's callers have no pc: an indented `name: text` line after one is not theirs
    observed = ["E0623 15:24:30.674204       1 runtime.go:78] Observed a panic: boom",
                "/usr/lib/golang/src/pkg/runtime/panic.c:552", callers[1]]
    result = parse_text("\n".join(observed) + "\n")
    [r] = result.reports
    assert r.lines == [(1, 2)] and result.noise == [(3, 3)]
    # and Macaron's label before a `PANIC: ` with no caller list below is any log's line
    result = parse_text(head + "\n" + callers[1] + "\n")
    assert result.reports == [] and result.noise == [(1, 2)]
