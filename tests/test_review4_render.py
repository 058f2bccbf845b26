"""What reports say of races and culprits, format by format: a race shows the
accesses the detector printed, under the headers it printed; a race report
none of whose accesses could be read says so; the CI formats name a culprit in
one wording; GitLab is given only paths it resolves in the project. Each case
is a real sample or paste."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stackdemux.api import analyze_many
from stackdemux.render import RenderOptions, render

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
WILD = SAMPLES / "wild"
RACE = SAMPLES / "go1.27" / "race_run.txt"  # goroutine 7 reads, the main goroutine wrote
OCR = WILD / "debugcharts_race_ocr.txt"  # retyped from a screenshot: its accesses unreadable


def _render(path: Path, fmt: str, **options: object) -> str:
    return render(analyze_many([str(path)]), fmt, RenderOptions(**options))  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "junit"])
def test_a_race_shows_both_accesses_under_the_headers_the_detector_printed(fmt: str) -> None:
    # shown as one goroutine, the race read `goroutine 7 [read]:` (no such line
    # is in the log), an access `by main goroutine` would have read `goroutine
    # 0`, and the previous write, which the hint asks to look at, was not shown
    out = _render(RACE, fmt, width=120)
    for header in ("Read at 0x00c0000180e8 by goroutine 7:",
                   "Previous write at 0x00c0000180e8 by main goroutine:",
                   "Goroutine 7 (running) created at:"):
        assert header in out
    assert "main.(*counter).inc" in out  # the previous write's frame
    assert "goroutine 0" not in out and "[read]" not in out and "[previous write]" not in out


def test_sarif_gives_each_access_its_own_stack() -> None:
    doc = json.loads(_render(RACE, "sarif"))
    stacks = doc["runs"][0]["results"][0]["stacks"]
    assert [s["message"]["text"] for s in stacks] == [
        "Read at 0x00c0000180e8 by goroutine 7",
        "Previous write at 0x00c0000180e8 by main goroutine"]
    names = [[f["location"]["logicalLocations"][0]["fullyQualifiedName"] for f in s["frames"]]
             for s in stacks]
    assert names == [["main.(*counter).get", "main.main.func1"],
                     ["main.(*counter).inc", "main.main"]]


def test_json_keeps_its_contract_for_an_access_by_the_main_goroutine() -> None:
    # (an integer or null: null is the main goroutine, which prints no number)
    doc = json.loads(_render(RACE, "json"))
    accesses = doc["reports"][0]["race"]["accesses"]
    assert [a["goroutine"] for a in accesses] == [7, None]


def test_the_race_hint_names_both_accesses() -> None:
    [group] = analyze_many([str(RACE)]).groups
    [hint] = group.hints
    assert hint.details == ["Read by goroutine 7: main.(*counter).get at /src/racerun/main.go:16",
                            "Previous write by main goroutine: main.(*counter).inc at "
                            "/src/racerun/main.go:13"]
    assert "below" not in hint.remedy  # (its accesses are not below where none was read)


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_a_race_none_of_whose_accesses_was_read_says_so(fmt: str) -> None:
    # the OCR'd paste: the header is read, the accesses are not (`aithub.com`,
    # `.go:125+0x472`); the report read `0 accesses`, as if the detector had
    # printed none, and `complete`
    out = _render(OCR, fmt, width=200)
    assert "race · no access read" in out
    assert "1 of 1: only its" in out  # partial, and why (the page said nothing of it)
    assert "DATA RACE" in out.split("1 of 1: only its", 1)[1].split("\n", 1)[0]
    assert "0 accesses" not in out


def test_json_marks_a_race_report_with_no_access_read_incomplete() -> None:
    [report] = json.loads(_render(OCR, "json"))["reports"]
    assert report["race"] == {"accesses": [], "creators": []}
    assert report["complete"] is False
    assert report["incomplete_reason"].startswith("only its `WARNING: DATA RACE` line was read")
    # and one whose accesses were read is complete
    assert json.loads(_render(RACE, "json"))["reports"][0]["complete"] is True


CULPRITS = [
    (SAMPLES / "go1.27" / "skopeo_vendor.txt",
     "go.etcd.io/bbolt.(*Cursor).search at "
     "/builddir/build/BUILD/skopeo-1.14.0/vendor/go.etcd.io/bbolt/cursor.go:29"),
    # a test2json paste: the culprit's file line was not printed
    (WILD / "gotestsum99_test2json_go114.txt",
     "gotest.tools/v3/internal/assert.ArgsFromComparisonCall"),
    # a caller list: file lines with no function (callers.py)
    (WILD / "autopilot_tutorial_klog_callers_string_go113.txt",
     "/Users/ilackarms/workspace/goprojects/autorouter/pkg/workers/initializing/worker.go:20"),
]


@pytest.mark.parametrize(("path", "words"), CULPRITS, ids=lambda v: getattr(v, "stem", ""))
def test_the_ci_formats_name_a_culprit_in_one_wording(path: Path, words: str) -> None:
    # JUnit said `culprit: F /path:12` (and `F ?` with no file), GitHub
    # `culprit: F (/path:12)`, SARIF nothing: one report, three wordings
    line = f"culprit: {words}"
    junit = _render(path, "junit").splitlines()
    github = _render(path, "github", stop_token="t").split("::")[2].split("%0A")
    sarif = json.loads(_render(path, "sarif"))["runs"][0]["results"][0]["message"]["text"]
    assert line in junit
    assert line in github
    assert line in sarif.splitlines()


def test_junit_and_github_say_the_same_lines_of_a_group() -> None:
    path = SAMPLES / "go1.27" / "skopeo_vendor.txt"
    github = _render(path, "github", stop_token="t").split("::")[2].split("%0A")
    junit = _render(path, "junit")
    body = junit[junit.index("<failure"):].split(">", 1)[1].split("\n\n")[0].splitlines()[1:]
    assert body == [*github[:-1], github[-1].rstrip("\n")]


def test_the_ci_formats_list_a_hint_s_facts_as_the_terminal_does():
    # go67792's facts say the signal is the swallowed panic's: the CI formats
    # gave the hint's explanation and remedy but none of its facts
    path = WILD / "go67792_sync_fatal_swallows_panic_zsh_prompt_go123.txt"
    fact = ("· that panic's signal, not this error's: SIGSEGV code=0x2 addr=0x18 "
            "pc=0x1001c3ed8, in main.main at /private/tmp/x.go:11")
    assert fact in _render(path, "junit").splitlines()
    assert fact in _render(path, "github", stop_token="t").split("::")[2].split("%0A")
    sarif = json.loads(_render(path, "sarif"))["runs"][0]["results"][0]["message"]["text"]
    assert fact in sarif.splitlines()
    assert fact.removeprefix("· ") in _render(path, "text", width=300)


CUT_AT_PANIC = ["moby32809_journald_crash_loop_syslog_tab.txt",  # `panic(…)` and its file line
                "moby33584_rsyslog_rfc3339_no_pid_go17.txt",  # … and sigpanic, panicmem
                "go32002_compose_procfile_each_print_a_record_go112.txt",
                "journalctl_cut_systemd_interleaved.txt"]


@pytest.mark.parametrize("paste", CUT_AT_PANIC)
def test_a_stack_cut_in_the_runtime_s_panic_blames_no_frame(paste: str) -> None:
    # the reports said `culprit  panic  $GOROOT/src/runtime/panic.go:500` and a
    # chain `std panic.go:500 panic`: the frame that panicked is not in the text
    analysis = analyze_many([str(WILD / paste)])
    [group] = analysis.groups
    assert group.culprit is None and group.chain == []
    for fmt in ("text", "junit", "github"):
        out = render(analysis, fmt, RenderOptions(stop_token="t"))
        assert "culprit" not in out, fmt
    assert "culprit: panic" not in json.loads(render(analysis, "sarif"))["runs"][0][
        "results"][0]["message"]["text"]


def test_codequality_points_at_the_log_in_the_checkout_where_no_frame_is(tmp_path):
    # GitLab runs the job in the checkout, where the CI example writes build.log:
    # with no frame of the crash in the checkout, the issue is at its report's
    # line in that log, as a path GitLab resolves in the project
    log = tmp_path / "build.log"
    log.write_bytes(b"go: downloading modules\n" + (SAMPLES / "go1.27" / "skopeo_modcache.txt")
                    .read_bytes())
    analysis = analyze_many([str(log)])
    (issue,) = json.loads(render(analysis, "codequality", RenderOptions(repo_root=str(tmp_path))))
    assert issue["location"] == {"path": "build.log", "lines": {"begin": 2}}
    assert "culprit: go.etcd.io/bbolt.(*Cursor).search at /root/go/pkg/mod/" in (
        issue["description"])
