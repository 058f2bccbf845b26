"""What the reports say in words, as a developer reads them: the call chain
(each step a module, entry first, `(new goroutine)` where a step's `go`
statement started the next, and no `?` standing for what the log did not
print), a hint's facts and the goroutine buckets. Each case is a real capture
(samples/wild, samples/interleaved)."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from stackdemux.api import analyze_many
from stackdemux.render import RenderOptions, render

WILD = Path(__file__).resolve().parent.parent / "samples" / "wild"
FORMATS = ["text", "markdown", "html", "github", "junit", "sarif"]


def _render(name: str, fmt: str) -> str:
    out = render(analyze_many([str(WILD / name)]), fmt, RenderOptions(width=80))
    return html.unescape(out) if fmt in ("html", "junit") else out


def _chain(text: str) -> list[str]:
    """The text report's chain field, its steps joined back from their wrapped lines."""
    lines = text.splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith("    chain     "))
    steps: list[str] = []
    for ln in lines[at:]:
        if steps and not ln.startswith(" " * 14):
            break
        body = ln[14:]
        if body.startswith("→ ") or not steps:
            steps.append(body)
        else:
            steps[-1] += " " + body
    return steps


# A race's access stack begins at its goroutine's entry (testing.tRunner, a
# worker's loop): no step before it started that goroutine.
RACES = ["matrixone18007_gha_view_gutter_race_clean_lines.txt",
         "astilectron50_race_fence_glued_go18.txt"]


@pytest.mark.parametrize("name", RACES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_race_access_s_chain_names_no_new_goroutine_before_any_step_made_one(
        name: str, fmt: str) -> None:
    out = _render(name, fmt)
    assert "chain" in out.lower()
    assert "(new goroutine)" not in out


@pytest.mark.parametrize("name", [*RACES, "memtierd_race_gowrap.txt"])
def test_a_race_access_s_chain_in_json_starts_no_goroutine_either(name: str) -> None:
    # (the JSON said via_goroutine on its first segment where every format for
    # people said nothing: a bot reading it saw a goroutine started from nowhere)
    groups = json.loads(_render(name, "json"))["groups"]
    chain = groups[0]["chain"]
    assert chain and [s["via_goroutine"] for s in chain] == [False] * len(chain)


def test_the_step_a_go_statement_started_says_new_goroutine_in_one_piece() -> None:
    # lookout262: Watch's `go` at watcher.go:67 started listenForChanges (watcher.go:82);
    # the words wrapped as `(new` at one line's end and `goroutine)` at the next's
    text = _render("lookout262_kubectl_logs_tail_logrus_json.txt", "text")
    steps = _chain(text)
    assert steps[0] == "github.com/src-d/lookout provider/github/watcher.go:67"
    assert steps[1].startswith("→ github.com/src-d/lookout provider/github/watcher.go:82 "
                               "(new goroutine) …")
    assert any(ln.lstrip().startswith("(new goroutine)") for ln in text.splitlines())
    assert not any(ln.rstrip().endswith("(new") for ln in text.splitlines())


# Frames whose file line the paste or the logger lost: the chain named them `?`
LOST_FILE_LINES = {
    "gotestsum99_test2json_go114.txt": ["gotest.tools/v3 assert.ArgsFromComparisonCall"],
    "convox2537_logfmt_trace_records_lines_lost.txt": [
        "std http.(*Server).Serve",
        "→ std server.go:1801 (new goroutine) … http.serverHandler.ServeHTTP",
        "→ github.com/codegangsta/negroni negroni.go:96 negroni.(*Negroni).ServeHTTP"],
}


@pytest.mark.parametrize("name", sorted(LOST_FILE_LINES))
def test_a_step_whose_file_line_was_lost_is_named_by_its_function(name: str) -> None:
    assert _chain(_render(name, "text")) == LOST_FILE_LINES[name]


@pytest.mark.parametrize("name", sorted(LOST_FILE_LINES))
@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_says_a_lost_place_as_a_question_mark(name: str, fmt: str) -> None:
    out = _render(name, fmt)
    assert " ? " not in out and " ?\n" not in out and " ?`" not in out and "at ?" not in out


def test_the_culprit_whose_file_line_was_lost_is_no_hint_fact_again() -> None:
    # the nil-pointer hint listed `…GetPayload at ?` just under `culprit …GetPayload`
    text = _render("tfaws24904_plugin_crashed_diagnostics_windows_signal.txt", "text")
    facts = [ln.strip() for ln in text.splitlines() if ln.strip().startswith("· ")]
    assert facts[0].startswith("· 0xc0000005 code=0x0 addr=0x0")
    assert "(*GetDeviceGroupByIDOK).GetPayload" not in "".join(facts)


def test_a_step_of_a_module_none_could_name_is_its_place_alone() -> None:
    # TinyGo printed the location and no function: no module, no `?` before it
    assert _chain(_render("tinygosite_stdlib_test_location_before_panic.txt", "text")) == [
        "bytealg.go:304"]


def test_a_bucket_of_one_goroutine_names_one() -> None:
    # -v's bucket lines: `1× [select] goroutines 18`
    out = render(analyze_many([str(WILD.parent / "interleaved" / "compose-bbolt.log")]), "text",
                 RenderOptions(verbose=True))
    assert "    1× [select] goroutine 18\n" in out
    assert "    3× [sync.Mutex.Lock] goroutines 5, 6, 7\n" in out


@pytest.mark.parametrize("name", ["nebula316_reversed_lines.txt",
                                  "socketio604_sync_throw_blank_before_file_lines_wrapped_sp.txt"])
def test_a_count_stays_with_the_words_it_counts(name: str) -> None:
    # `info: repaired paste damage: …, lost tabs` ended a line and `×1` began the next
    text = _render(name, "text")
    assert "info: repaired paste damage: " in text
    assert not any(ln.lstrip().startswith("×") for ln in text.splitlines())
    assert "lost tabs ×" in " ".join(text.split())
