"""What a person and a CI system see: every report says what the log says, no
more (no header the log did not print, no `None`), and fits the screen it is
shown on. Each case is a real paste of samples/wild/."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from stackdemux.api import analyze_many
from stackdemux.render import RenderOptions, render
from stackdemux.render.options import terminal_width
from stackdemux.render.sanitize import cell_width

WILD = Path(__file__).resolve().parent.parent / "samples" / "wild"


def _render(name: str, fmt: str, **options: object) -> str:
    analysis = analyze_many([str(WILD / name)])
    return render(analysis, fmt, RenderOptions(**options))  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_a_normalised_title_shows_the_message_it_hides(fmt: str) -> None:
    # the group's title says `invalid page type: <N>: <N>`: the page a reader
    # looks for in the database file is only in the message
    out = _render("bbolt128_invalid_page_type.txt", fmt)
    assert "invalid page type: &lt;N&gt;: &lt;N&gt;" in out if fmt == "html" else (
        "invalid page type: <N>: <N>" in out)
    assert "invalid page type: 83597: 10" in out


def test_a_title_that_is_its_message_is_not_said_twice() -> None:
    out = _render("go76099_repanicked_go125.txt", "markdown")
    assert out.count("error message") == 2  # the table's row and the section's title


@pytest.mark.parametrize(("name", "size"), [
    ("bosun7_go12_stack_overflow.txt", "runtime stack only"),
    ("gotify6_plugin_goarch_stack_before_restart.txt", "no stack printed"),
    ("debugcharts_race_ocr.txt", "no access read"),
])
def test_every_format_counts_a_report_s_stacks_as_the_terminal_does(name: str, size: str) -> None:
    # a fatal error raised on the runtime's own stack has no goroutine: the page
    # said `0 goroutines` under its `runtime stack:`
    assert f"· {size}" in _render(name, "text")
    assert f"· {size}</dd>" in _render(name, "html")
    assert f"· {size}" in _render(name, "markdown")
    assert "· 0 goroutines" not in _render(name, "html")


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "junit", "github"])
def test_frames_printed_with_no_goroutine_header_are_not_given_one(fmt: str) -> None:
    # Windows' exception dump prints its frames right under `signal arrived
    # during external code execution`: the parser's goroutine 0 [unknown] is no
    # line of the log, and a reader searching the log for it finds nothing
    out = _render("gosciter312_windows_exception_no_blank_delve.txt", fmt,
                  stop_token="t", width=200)
    assert "goroutine 0" not in out and "[unknown]" not in out
    assert "frames with no goroutine header:" in out
    assert "go-sciter._Cfunc_SciterCreateWindow" in out


def test_a_header_with_no_frame_read_under_it_says_so() -> None:
    # a hex dump follows `runtime stack:`: no frame was read, and the header
    # alone at the end of the report looked cut off
    lines = _render("hermit214_gha_step_link_in_hexdump_go117.txt", "text").splitlines()
    at = lines.index("    runtime stack:")
    assert lines[at + 1].strip() == "no frames read"
    lines = _render("go12008_logcat_unknown_priority_logd_dropped.txt", "text").splitlines()
    at = lines.index("    goroutine 32 [running]:")
    assert lines[at + 1].strip() == "no frames read"


def test_a_stack_with_frames_has_no_note_that_it_has_none() -> None:
    assert "no frames read" not in _render("bbolt128_invalid_page_type.txt", "text", verbose=True)


def test_junit_names_a_culprit_with_no_line_without_a_none() -> None:
    # a test2json paste: the culprit frame's file line was not printed
    out = _render("gotestsum99_test2json_go114.txt", "junit")
    culprit = [ln for ln in out.splitlines() if ln.startswith("culprit: ")]
    assert culprit == ["culprit: gotest.tools/v3/internal/assert.ArgsFromComparisonCall"]
    assert "None" not in out


def test_a_function_is_cut_before_its_receiver_and_its_path_kept_whole() -> None:
    # the culprit's name fills the line: its path goes whole to the next line,
    # where it was cut after `project/`, and the name once after `project.(`
    out = _render("clusterdev197_gha_container_workspace_map_iteration.txt", "text")
    lines = out.splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith("    culprit "))
    assert lines[at] == ("    culprit   github.com/shalb/cluster.dev/pkg/project."
                         "(*UnitLinksT).ByLinkTypes")
    assert lines[at + 1] == "              …/cluster.dev/cluster.dev/pkg/project/ulinks.go:148"
    assert not any(ln.rstrip().endswith(".(") for ln in lines)
    # the hint's fact that named the culprit again, under it, is not repeated
    assert "· github.com/shalb/cluster.dev/pkg/project." not in out


def test_a_hint_s_fact_keeps_its_bullet_with_its_text_and_a_path_whole() -> None:
    lines = _render("atomizer3_go_test_deadlock_windows_paths.txt", "text").splitlines()
    at = lines.index("              · 1 × [chan receive] testing.(*T).Run at")
    assert lines[at + 1] == "                  c:/go/src/testing/testing.go:917 (goroutine 1)"
    # a short word that fits with neither neighbour starts the next line
    assert "                  at C:/Users/benja/go/src/github.com/benjivesterby/atomizer/" in lines
    assert not any(ln.strip() == "at" for ln in lines)


def test_a_culprit_s_path_is_not_cut_when_it_fits_a_line_of_its_own() -> None:
    lines = _render("bbolt128_invalid_page_type.txt", "text").splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith("    culprit "))
    assert lines[at : at + 2] == [
        "    culprit   go.etcd.io/bbolt.(*Cursor).search",
        "              …/zwass/dev/go/src/go.etcd.io/bbolt/cursor.go:250",
    ]


def test_the_count_ends_a_long_title_s_last_line() -> None:
    lines = _render("gotify6_plugin_goarch_stack_before_restart.txt", "text").splitlines()
    assert not any(ln.strip() == "×1" for ln in lines)
    end = next(ln for ln in lines if ln.startswith("   internal/goarch"))
    assert end.endswith(" ×1") and len(end) == 80


@pytest.mark.parametrize("width", [40, 60, 100])
@pytest.mark.parametrize("name", [
    "clusterdev197_gha_container_workspace_map_iteration.txt",
    "gotify6_plugin_goarch_stack_before_restart.txt",
    "grtm_windows_concurrent_map.txt",
    "fission222_kubectl_logs_plugin_http_panic_go18.txt",
    "dify_flat_stack.txt",
])
def test_every_line_fits_the_terminal(name: str, width: int) -> None:
    out = _render(name, "text", width=width, verbose=True)
    assert max(cell_width(ln) for ln in out.splitlines()) <= width


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_report_takes_the_terminal_s_width_and_a_file_keeps_80() -> None:
    assert terminal_width(_Tty(), {"COLUMNS": "60"}) == 60
    assert terminal_width(_Tty(), {"COLUMNS": "20"}) == 40  # (the narrowest it lays out)
    assert terminal_width(_Tty(), {}) == 80  # (no size to ask for: a StringIO has no fd)
    # a pipe or a file: the same log gives the same bytes, whatever the terminal
    assert terminal_width(io.StringIO(), {"COLUMNS": "60"}) == 80


def test_the_cli_lays_the_report_out_for_a_narrow_terminal(monkeypatch) -> None:
    from stackdemux import cli

    monkeypatch.setenv("COLUMNS", "60")
    analysis = analyze_many([str(WILD / "grtm_windows_concurrent_map.txt")])
    text = cli._render(analysis, "text", verbose=False, color=False, full_paths=False,
                       repo_root=None, indent=False, output="-", stream=_Tty())
    assert isinstance(text, str)
    assert max(map(len, text.splitlines())) <= 60
    piped = cli._render(analysis, "text", verbose=False, color=False, full_paths=False,
                        repo_root=None, indent=False, output="-", stream=io.StringIO())
    assert isinstance(piped, str) and max(map(len, piped.splitlines())) > 60


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_a_goroutine_dump_is_not_called_a_crash(fmt: str) -> None:
    # a goroutine dump and a panic: two reports, one of them no crash
    out = _render("gotify6_plugin_goarch_stack_before_restart.txt", fmt)
    assert "crash report" not in out and "rashing goroutine" not in out
    assert "2 reports in 2 groups" in out
    assert ("Stack of goroutine 1" if fmt == "markdown" else "<summary>Goroutine 1<") in out


def test_a_crash_s_stack_is_still_the_crashing_goroutine_s() -> None:
    out = _render("bbolt128_invalid_page_type.txt", "markdown")
    assert "<details><summary>Stack of the crashing goroutine</summary>" in out
    assert "1 report in 1 group." in out


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_the_call_chain_ends_in_the_function_it_reaches_in_every_format_for_people(
        fmt: str) -> None:
    # the terminal named the function the chain ends in; Markdown and HTML
    # stopped at its file line, so a reader of the issue saw where, not what
    last = _last_chain_step(_render("bbolt128_invalid_page_type.txt", fmt, width=200), fmt)
    assert last.endswith("cursor.go:250 bbolt.(*Cursor).search"), last


def _last_chain_step(out: str, fmt: str) -> str:
    """The last step of the report's call chain, as the format prints it."""
    if fmt == "html":
        return out.split('<ol class="chain">', 1)[1].split("</ol>", 1)[0].rsplit("<li>", 1)[1] \
            .removesuffix("</li>").removeprefix("<code>").removesuffix("</code>")
    if fmt == "markdown":
        steps = out.split("**Call chain**", 1)[1].strip().split("\n\n", 1)[0]
        return steps.splitlines()[-1].split("`", 1)[1].rstrip("`")
    steps = out.split("chain", 1)[1].split("hint", 1)[0]
    return " ".join(steps.split())
