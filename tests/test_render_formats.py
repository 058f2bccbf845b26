"""What each output format promises, on real samples and on hand-built analyses."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from render_model import analyse_file, skopeo_analysis

from stackdemux.model import Analysis
from stackdemux.render import RENDERERS, RenderOptions, color_wanted, render
from stackdemux.render.failures import failure_views, said_by_failures
from stackdemux.render.github import escape_data, escape_property
from stackdemux.render.paths import in_repo, short_path
from stackdemux.render.sanitize import cell_width, strip_ansi
from stackdemux.render.view import group_views

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(ROOT.glob("samples/go1.*/*.txt"))
CRASHES = sorted(Path("/work/shared/conformance/panicparse-crashes").glob("*.txt"))
REAL = SAMPLES + CRASHES


@pytest.fixture(scope="module")
def skopeo():
    return analyse_file(ROOT / "samples/go1.27/skopeo_vendor.txt")


# ------------------------------------------------------------- every sample ---


@pytest.mark.skipif(not REAL, reason="no samples checked out")
@pytest.mark.parametrize("path", REAL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_format_renders_every_real_sample(path):
    analysis = analyse_file(path)
    for fmt in RENDERERS:
        out = render(analysis, fmt, RenderOptions(verbose=True))
        assert out.endswith("\n")
    text = render(analysis, "text", RenderOptions(color=True, verbose=True))
    assert max(cell_width(strip_ansi(line)) for line in text.splitlines()) <= 80
    ET.fromstring(render(analysis, "junit", RenderOptions()).encode())
    assert json.loads(render(analysis, "sarif", RenderOptions()))["version"] == "2.1.0"
    # an issue a group, but a plain test failure's: an issue a failed test (failures.py)
    grouped = [v for v in group_views(analysis) if not said_by_failures(v)]
    issues = json.loads(render(analysis, "codequality", RenderOptions()))
    assert len(issues) == len(grouped) + len(failure_views(analysis))


# ------------------------------------------------------------------ terminal ---


def test_text_block_says_title_count_where_culprit_chain_hint_and_stack(skopeo):
    out = render(skopeo, "text", RenderOptions())
    assert "1) panic: invalid page type: <N>: <N>" in out
    assert "×1" in out
    assert "culprit   go.etcd.io/bbolt.(*Cursor).search" in out
    assert "→ go.etcd.io/bbolt" in out  # the chain crosses into bbolt
    assert "hint      Corrupted bolt database file" in out
    assert f"goroutine {skopeo.reports[0].crashing.id} [running]:" in out
    assert "▸ go.etcd.io/bbolt.(*Cursor).search(...)" in out  # the culprit is marked
    assert "other goroutines in 2 buckets (-v shows them)" in out
    verbose = render(skopeo, "text", RenderOptions(verbose=True))
    assert "1× [sync.WaitGroup.Wait] goroutine 1\n" in verbose  # the other buckets,
    assert "sync.(*WaitGroup).Wait(0x" in verbose  # with arguments


def test_text_lists_most_frequent_group_first():
    out = render(skopeo_analysis(processes=3), "text", RenderOptions())
    assert out.index("invalid page type") < out.index("nil map")
    assert "1) panic: invalid page type" in out and "2) panic: assignment" in out


def test_text_colours_only_when_asked_and_dims_the_runtime():
    a = skopeo_analysis()
    assert "\x1b" not in render(a, "text", RenderOptions(color=False))
    coloured = render(a, "text", RenderOptions(color=True))
    assert "\x1b[2m      runtime.mapassign_faststr(...)\x1b[0m" in coloured
    assert "\x1b[1;33m    ▸ main.record(...)\x1b[0m" in coloured


@pytest.mark.parametrize("width", [60, 80, 100])
def test_text_fits_the_width(width):
    out = render(skopeo_analysis(), "text", RenderOptions(width=width, verbose=True))
    assert max(cell_width(line) for line in out.splitlines()) <= width


def test_text_shortens_goroot_and_module_cache_paths_unless_full_paths():
    a = analyse_file(ROOT / "samples/go1.27/skopeo_modcache.txt")
    short = render(a, "text", RenderOptions(verbose=True))
    stack = short[short.index(f"goroutine {a.reports[0].crashing.id} [running]:") :]
    assert "  go.etcd.io/bbolt@v1.4.3/cursor.go:29" in stack
    assert "/pkg/mod/" not in stack  # (a hint may quote the full path)
    assert "$GOROOT/src/sync/waitgroup.go" in short
    full = render(a, "text", RenderOptions(verbose=True, full_paths=True, width=200))
    assert "/pkg/mod/go.etcd.io/bbolt@v1.4.3/cursor.go" in full
    assert "$GOROOT" not in full


def test_text_falls_back_to_reports_when_there_are_no_groups(skopeo):
    ungrouped = Analysis(
        reports=skopeo.reports, streams=skopeo.streams, total_lines=skopeo.total_lines
    )
    out = render(ungrouped, "text", RenderOptions())
    assert "panic: invalid page type: 6432: 10" in out
    assert "kind      panic · 5 goroutines" in out
    assert "go.etcd.io/bbolt.(*Cursor).search" in out


def test_a_fatal_error_with_only_a_runtime_stack_shows_that_stack():
    # thread exhaustion: sysmon found the limit, and the runtime printed its own
    # stack and no goroutine's (a real paste, lost tabs repaired)
    analysis = analyse_file(
        ROOT / "samples/wild/gowrk28_windows_thread_exhaustion_sysmon_go110.txt")
    text = render(analysis, "text", RenderOptions())
    assert "kind      fatal error · runtime stack only" in text
    assert "runtime stack:" in text and "runtime.sysmon()" in text
    assert "▸" not in text  # the runtime's own stack: no frame of the program's to blame
    for fmt in ("markdown", "junit", "html"):
        assert "runtime.checkmcount" in render(analysis, fmt, RenderOptions())
    sarif = json.loads(render(analysis, "sarif", RenderOptions()))
    [result] = sarif["runs"][0]["results"]
    [stack] = result["stacks"]
    assert stack["message"]["text"] == "runtime stack"


def test_text_says_so_when_the_log_holds_no_crash():
    out = render(Analysis(total_lines=12), "text", RenderOptions())
    assert out == "No Go crash or goroutine dump found in 12 lines.\n"


@pytest.mark.parametrize(
    ("flag", "env", "tty", "want"),
    [
        (True, {"NO_COLOR": "1"}, False, True),  # the flag wins
        (False, {"FORCE_COLOR": "1"}, True, False),
        (None, {"NO_COLOR": "1"}, True, False),
        (None, {"NO_COLOR": ""}, True, True),  # empty NO_COLOR is unset (no-color.org)
        (None, {"FORCE_COLOR": "1"}, False, True),
        (None, {"FORCE_COLOR": "0"}, True, True),  # "0" does not force; the TTY decides
        (None, {"FORCE_COLOR": "0"}, False, False),
        (None, {}, True, True),
        (None, {}, False, False),
        (None, {"TERM": "dumb"}, True, False),
    ],
)
def test_color_wanted(flag, env, tty, want):
    class Stream(io.StringIO):
        def isatty(self):
            return tty

    assert color_wanted(Stream(), flag, env) is want


# ------------------------------------------------------------------ Markdown ---


def test_markdown_has_a_table_then_per_group_chain_and_collapsed_stack(skopeo):
    md = render(skopeo, "markdown", RenderOptions())
    assert "| # | Crash | Count | Culprit | Hint | Where |" in md
    assert "| 1 | `panic: invalid page type: <N>: <N>` | 1 |" in md
    assert "**Call chain**" in md
    assert "<details><summary>Stack of the crashing goroutine</summary>" in md
    assert md.index("| 1 |") < md.index("<details>")


# Culprits that lack a part, from real pastes: a caller list names no function
# (gitea15558), a paste lost the file line (gotestsum99), a runtime throw on its own
# stack names no frame (asusbootloader93).
@pytest.mark.parametrize("name, cell", [
    ("gitea15558_log_prefix_tabbed_pc_callers_vendor.txt", "`user.go:1465`"),
    ("gotestsum99_test2json_go114.txt", "`assert.ArgsFromComparisonCall`"),
    ("asusbootloader93_shell_command_oom_arena_arm64.txt", ""),
])
def test_markdown_s_culprit_cell_says_what_is_known_with_single_spaces(name, cell):
    md = render(analyse_file(ROOT / "samples" / "wild" / name), "markdown", RenderOptions())
    row = next(line for line in md.splitlines() if line.startswith("| 1 | "))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[3] == cell
    assert "  " not in row


def test_markdown_stays_under_the_summary_limit_with_a_note():
    a = skopeo_analysis(processes=2)
    big = [*a.groups] * 40
    for n, g in enumerate(big):
        big[n] = type(g)(**{s: getattr(g, s) for s in g.__slots__})
        big[n].id = f"g{n}"
    a.groups = big
    full = render(a, "markdown", RenderOptions())
    limit = len(full.encode()) // 3
    cut = render(a, "markdown", RenderOptions(max_bytes=limit))
    assert len(cut.encode()) <= limit
    assert "more groups not shown" in cut
    assert "1 MiB" in cut


# -------------------------------------------------------------------- GitHub ---


def test_github_escaping_is_the_toolkits():
    assert escape_data("50% a\r\nb:c,d") == "50%25 a%0D%0Ab:c,d"
    assert escape_property("50% a\r\nb:c,d") == "50%25 a%0D%0Ab%3Ac%2Cd"


def test_github_annotates_the_culprit_in_the_checkout(tmp_path, skopeo):
    # A checkout of skopeo with its vendored bbolt: the build path maps by suffix.
    target = tmp_path / "vendor/go.etcd.io/bbolt/cursor.go"
    target.parent.mkdir(parents=True)
    target.write_text("package bbolt\n")
    out = render(skopeo, "github", RenderOptions(repo_root=str(tmp_path)))
    first = out.splitlines()[0]
    assert first.startswith(
        "::error file=vendor/go.etcd.io/bbolt/cursor.go,line=29,"
        "title=panic%3A invalid page type%3A <N>%3A <N>::"
    )


def test_github_annotation_without_file_outside_the_checkout(tmp_path, skopeo):
    first = render(skopeo, "github", RenderOptions(repo_root=str(tmp_path))).splitlines()[0]
    assert first.startswith("::error title=panic%3A invalid page type")


def test_github_at_most_max_errors_then_one_notice():
    a = skopeo_analysis()
    a.groups = [a.groups[0]] * 3
    out = render(a, "github", RenderOptions(max_errors=2))
    lines = out.splitlines()
    assert sum(ln.startswith("::error ") for ln in lines) == 2
    notices = [ln for ln in lines if ln.startswith("::notice ")]
    assert len(notices) == 1 and "1 more crash not annotated" in notices[0]


def test_in_repo_rule(tmp_path):
    (tmp_path / "cmd/skopeo").mkdir(parents=True)
    (tmp_path / "cmd/skopeo/main.go").write_text("")
    (tmp_path / "main.go").write_text("")
    root = str(tmp_path)
    assert in_repo(f"{root}/cmd/skopeo/main.go", root) == "cmd/skopeo/main.go"
    assert in_repo("/builddir/BUILD/skopeo-1.14/cmd/skopeo/main.go", root) == "cmd/skopeo/main.go"
    assert in_repo("C:\\build\\skopeo\\cmd\\skopeo\\main.go", root) == "cmd/skopeo/main.go"
    assert in_repo("/elsewhere/main.go", root) is None  # one component is not enough
    assert in_repo("/root/go/pkg/mod/x.io/y@v1.0.0/cmd/skopeo/main.go", root) is None
    assert in_repo("/usr/lib/go-1.19/src/cmd/skopeo/main.go", root) is None
    assert in_repo("/x/cmd/skopeo/main.go", None) is None


def test_short_path():
    assert short_path("/root/go/pkg/mod/github.com/!burnt!sushi/toml@v1.2.0/decode.go") == (
        "github.com/BurntSushi/toml@v1.2.0/decode.go"
    )
    assert short_path("/opt/hostedtoolcache/go/1.21.13/x64/src/net/http/server.go") == (
        "$GOROOT/src/net/http/server.go"
    )
    assert short_path("/usr/lib/go-1.19/src/runtime/panic.go") == "$GOROOT/src/runtime/panic.go"
    assert short_path("/home/u/src/github.com/x/y/main.go") == "/home/u/src/github.com/x/y/main.go"
    assert short_path("/w/repo/cmd/main.go", repo_root="/w/repo") == "cmd/main.go"


# ------------------------------------------------------- JUnit, SARIF, GitLab ---


def test_junit_has_one_failing_testcase_per_group_with_the_stack():
    a = skopeo_analysis()
    root = ET.fromstring(render(a, "junit", RenderOptions()).encode())
    cases = root.findall("./testsuite/testcase")
    assert [c.get("name") for c in cases] == [
        "panic: invalid page type: <N>: <N>",
        "panic: assignment to entry in nil map",
    ]
    body = cases[0].find("failure").text
    assert "goroutine 18 [running]:" in body and "(*Cursor).search" in body


def test_sarif_results_carry_our_fingerprint_and_a_repo_relative_location(tmp_path, skopeo):
    (tmp_path / "vendor/go.etcd.io/bbolt").mkdir(parents=True)
    (tmp_path / "vendor/go.etcd.io/bbolt/cursor.go").write_text("")
    doc = json.loads(render(skopeo, "sarif", RenderOptions(repo_root=str(tmp_path))))
    run = doc["runs"][0]
    (result,) = run["results"]
    assert result["partialFingerprints"] == {"stackdemux/v1": skopeo.groups[0].fingerprint}
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {
        "uri": "vendor/go.etcd.io/bbolt/cursor.go",
        "uriBaseId": "%SRCROOT%",
    }
    assert loc["region"] == {"startLine": 29}


def test_codequality_issue_fields(skopeo, tmp_path):
    # the checkout holds the vendored bbolt the panic is raised in: GitLab
    # resolves `location.path` in the repository, so it is relative to it
    vendored = tmp_path / "vendor" / "go.etcd.io" / "bbolt" / "cursor.go"
    vendored.parent.mkdir(parents=True)
    vendored.touch()
    (issue,) = json.loads(render(skopeo, "codequality", RenderOptions(repo_root=str(tmp_path))))
    assert issue["fingerprint"] == skopeo.groups[0].fingerprint
    assert issue["severity"] == "critical"
    assert issue["check_name"] == "stackdemux/panic"
    assert issue["location"] == {"path": "vendor/go.etcd.io/bbolt/cursor.go",
                                 "lines": {"begin": 29}}
    assert issue["description"].startswith("panic: invalid page type: <N>: <N> — ")


def test_codequality_names_a_culprit_outside_the_checkout_in_words_not_as_its_location():
    # GitLab's `location.path` is "the relative path to the file" in the
    # repository: a module cache path is none, and GitLab links it to nothing
    # (it was the location). The issue points at the report in the log, and the
    # culprit is said in the description.
    crash = ROOT / "samples" / "go1.27" / "skopeo_modcache.txt"
    (issue,) = json.loads(render(analyse_file(crash), "codequality", RenderOptions()))
    assert issue["location"] == {"path": str(crash), "lines": {"begin": 1}}
    assert issue["description"].startswith(
        "panic: invalid page type: <N>: <N>; culprit: go.etcd.io/bbolt.(*Cursor).search at "
        "/root/go/pkg/mod/go.etcd.io/bbolt@v1.4.3/cursor.go:29 — Corrupted containers/image "
        "blob-info cache: ")


def test_text_and_markdown_say_when_reports_could_not_be_completed():
    """A log that begins inside a report and ends inside another: both are
    read, and the report says which of them is partial and why."""
    from stackdemux.api import analyze

    lines = (ROOT / "samples/go1.27/nil_map.txt").read_text().splitlines()
    start = next(i for i, t in enumerate(lines) if t.startswith("\t")) - 1
    a = analyze("\n".join(lines[start:] + lines[:start + 1]) + "\n")
    text = render(a, "text", RenderOptions(width=100))
    assert "partial   1 of 1: frames without their goroutine header" in text
    assert "a frame without its file line" in text
    md = render(a, "markdown", RenderOptions())
    assert "*Partial: 1 of 1: frames without their goroutine header" in md


def test_a_stream_label_a_collector_padded_is_said_without_its_padding():
    # loki#12842: a journal whose host the paste blanked (`Apr 30 14:15:50      loki-3.0.0
    # [324329]: `): the key keeps the spaces, as the JSON does; people read the name
    analysis = analyse_file(
        ROOT / "samples/wild/loki12842_journal_host_blanked_query_frontend_panic.txt")
    assert [s.label for s in analysis.streams if s.label] == ["     loki-3.0.0[324329]"]
    for fmt in ("text", "markdown", "html", "github"):
        out = render(analysis, fmt, RenderOptions(color=False))
        assert "(loki" in out and "(     loki" not in out and "( loki" not in out, fmt
