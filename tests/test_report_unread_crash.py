"""A crash behind a prefix no style reads is said to be there, not `No Go crash found`.

Real pastes whose every line begins with text before Go's own: Buildkite's web
log copied with its bar (ray#17561, `  | `) and logs whose lines begin with their
container's name and a space (grafana-agent#5414, nats-server#4659). The prefix
styles read them (webbar, container); read with --no-demux, which strips no
prefix, they read as no report, and the report said `No Go crash or goroutine dump
found`. Their `panic: ` line and their goroutine's header stand at one column
behind the same kind of text: a warning says so, with the lines, in every format
for people and in the JSON; a line that only mentions a panic (real decoys: slog
and log lines, the noise corpus) is never such a sighting."""

from __future__ import annotations

import json
from pathlib import Path

import cmarkgfm
import pytest

from stackdemux.api import Options, analyze_many
from stackdemux.render import RenderOptions, render
from stackdemux.unread import UNREAD, unread_crashes

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT / "samples" / "wild"
NOISE = ROOT / "tests" / "corpus" / "noise"
PASTES_RAY = "ray17561_buildkite_web_log_gutter_bar_no_indent.txt"
PASTES = {
    "ray17561_buildkite_web_log_gutter_bar_no_indent.txt": (
        4, 6, "  | ", "panic: runtime error: index out of range [255] with length 255"),
    "grafanaagent5414_container_name_word_logfmt_before.txt": (
        6, 8, "grafana-agent ", "panic: duplicate metrics collector registration attempted"),
    "natsserver4659_container_name_word_before_each_line.txt": (
        2, 4, "spinalcord ", "panic: runtime error: makeslice: cap out of range"),
}


def _analysis(name: str, demux: bool = False):
    return analyze_many([str(WILD / name)], Options(demux=demux))


@pytest.mark.parametrize("name", sorted(PASTES))
def test_with_its_prefix_read_the_crash_is_a_report_and_no_sighting(name):
    analysis = _analysis(name, demux=True)
    assert len(analysis.reports) == 1
    assert not any(d.message.startswith(UNREAD) for d in analysis.diagnostics)


@pytest.mark.parametrize("name", sorted(PASTES))
def test_the_paste_s_crash_is_said_to_be_there_with_its_lines(name):
    opener, header, prefix, text = PASTES[name]
    analysis = _analysis(name)
    assert analysis.reports == []
    [seen] = [d for d in analysis.diagnostics if d.message.startswith(UNREAD)]
    assert seen.severity == "warning"
    assert seen.lines == [(opener, opener), (header, header)]
    assert f"`{text}`" in seen.message and repr(prefix) in seen.message
    assert "--no-demux strips no prefix: read the log without it" in seen.message
    assert "--prefix" not in seen.message  # (which --no-demux leaves unread too)


@pytest.mark.parametrize("name", sorted(PASTES))
def test_no_format_for_people_says_no_crash_was_found(name):
    analysis = _analysis(name)
    for fmt in ("text", "markdown", "html"):
        out = render(analysis, fmt, RenderOptions(color=False, width=200))
        assert "No Go crash or goroutine dump found" not in out, fmt
        assert "No Go crash could be read in" in out and "but one was seen" in out, fmt
        assert "runtime error" in out or "duplicate metrics" in out, fmt
    page = cmarkgfm.github_flavored_markdown_to_html(render(analysis, "markdown", RenderOptions()))
    assert page.count("<li>") == len(analysis.diagnostics)  # (the warning is listed)
    said = json.loads(render(analysis, "json", RenderOptions()))["diagnostics"]
    assert any(d["message"].startswith(UNREAD) and d["severity"] == "warning" for d in said)


@pytest.mark.parametrize("log", sorted(p.name for p in NOISE.glob("*.log")))
def test_a_log_that_mentions_panics_holds_no_unread_crash(log):
    # (decoys.log: real slog and log lines that say `panic: ` after other text)
    lines = (NOISE / log).read_text(encoding="utf-8", errors="replace").splitlines()
    assert unread_crashes(lines) == []


def test_a_crash_read_whole_is_no_sighting():
    # (the parser's opener is at column 0: nothing stands before it)
    lines = (ROOT / "samples/go1.27/nil_pointer.txt").read_text(encoding="utf-8").splitlines()
    assert unread_crashes(lines) == []


def test_with_prefixes_looked_for_the_warning_names_prefix():
    # (ray's lines as they stand: the separator found no style before them)
    lines = (WILD / PASTES_RAY).read_text(encoding="utf-8").splitlines()
    [seen] = unread_crashes(lines)
    assert seen.lines == [(4, 4), (6, 6)]
    assert "--prefix REGEX, with a group `key`, names such a prefix" in seen.message
    assert "--no-demux" not in seen.message
