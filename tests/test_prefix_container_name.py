"""A container's name alone before each line of its output (a Kubernetes log
viewer's copy: `spinalcord panic: …`), read as a prefix pinned to that one name:
the name found before a goroutine header and most lines around it. One bare
word as a style of its own would read any line's first word (Go's own
`goroutine 1 [running]:`, `created by …`), so only lines led by that name are
read so (grammars/prefixes.lark, `container`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lark.exceptions import LarkError
from test_conservation import check_conservation

from stackdemux.api import analyze_many
from stackdemux.demux import demultiplex_detail
from stackdemux.demux.prefixes import detect, grammar, match_prefix
from stackdemux.demux.prefixes_styles import pinned_style
from stackdemux.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT / "samples" / "wild"
NATS = WILD / "natsserver4659_container_name_word_before_each_line.txt"
AGENT = WILD / "grafanaagent5414_container_name_word_logfmt_before.txt"
CLEAN = ROOT / "samples" / "go1.27" / "nil_map.txt"


@pytest.mark.parametrize(("path", "name"), [(NATS, "spinalcord"), (AGENT, "grafana-agent")])
def test_the_name_before_every_line_is_one_containers_stream(path: Path, name: str) -> None:
    source = ingest(path.read_bytes())
    d = demultiplex_detail(source)
    check_conservation(source, d)
    assert d.layers[0] == "container"  # (then the paste's lost tabs, repaired)
    assert [s.label for s in d.streams] == [name]
    # the empty line was the name and its space
    [stream] = d.streams
    assert "" in stream.texts and not any(t.startswith(name) for t in stream.texts)


def test_the_logfmt_records_before_the_panic_stay_the_programs_lines() -> None:
    a = analyze_many([str(AGENT)])
    [report] = a.reports
    assert report.lines[0][0] == 6  # `grafana-agent panic: …`, after five records
    [g] = report.goroutines
    assert (g.id, [f.line for f in g.frames]) == (246, [104, 73])


def test_the_name_is_read_only_where_it_stands_whole() -> None:
    style = pinned_style("container", "spinalcord")
    assert match_prefix("spinalcord panic: boom", style) == (11, "spinalcord", 0)
    assert match_prefix("spinalcord ", style) == (11, "spinalcord", 0)
    assert match_prefix("spinalcord", style) == (10, "spinalcord", 0)
    # another container's name that begins with it, or another word, is not it
    assert match_prefix("spinalcord-0 panic: boom", style) is None
    assert match_prefix("goroutine 1 [running]:", style) is None


def test_the_grammar_reads_the_prefix_the_derived_regex_reads() -> None:
    lark = grammar()
    style = pinned_style("container", "grafana-agent")
    for line in AGENT.read_text().splitlines():
        end, key, _ = match_prefix(line, style)
        tree = lark.parse(line[:end], start="container")
        assert "".join(tree.children[0].scan_values(lambda v: isinstance(v, str))) == key
        if line[end:end + 1] not in ("", " "):
            with pytest.raises(LarkError):
                lark.parse(line[:end + 1], start="container")


def test_a_word_before_one_goroutine_header_is_no_prefix() -> None:
    # a log line naming a goroutine, or a header a paste glued a word to:
    # the lines around it are not led by that word
    lines = CLEAN.read_text().splitlines()
    at = next(i for i, t in enumerate(lines) if t.startswith("goroutine "))
    lines[at] = "worker " + lines[at]
    assert detect(lines) == []


def test_go_own_lines_are_never_taken_for_a_name() -> None:
    # every line of a clean dump begins with a word; none is a container's name
    for path in sorted((ROOT / "samples" / "go1.27").glob("*.txt")):
        assert [s.name for s in detect(path.read_text().splitlines())
                if s.name == "container"] == [], path.name
