"""A program's name and a colon alone before each line (syslog's with neither host
nor pid, `Aug  3 10:08:56 caddy: `), read as a prefix pinned to that one name: the
name found before a goroutine header and most lines around it. A word and a colon
as a style of its own would read dmesg's `eth0: link up`, a level's `INFO: ` and
Go's own `panic: ` as streams (grammars/prefixes.lark, `progname`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_conservation import check_conservation

from stackdemux.api import analyze_many
from stackdemux.demux import demultiplex_detail
from stackdemux.demux.prefixes import detect, match_prefix
from stackdemux.demux.prefixes_styles import pinned_style
from stackdemux.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT / "samples" / "wild"
CADDY = WILD / "caddy5677_syslog_time_program_no_host_no_pid_stack_overflow.txt"


def test_the_name_after_syslog_s_time_is_one_programs_stream() -> None:
    source = ingest(CADDY.read_bytes())
    d = demultiplex_detail(source)
    check_conservation(source, d)
    assert d.layers[:2] == ["timestamp", "progname"]
    assert [s.label for s in d.streams if s.label] == ["caddy"]  # (and the version lines above)
    [report] = analyze_many([str(CADDY)]).reports
    assert (report.message, [g.id for g in report.goroutines]) == ("stack overflow", [1654])
    assert report.context[0] == "runtime: goroutine stack exceeds 1000000000-byte limit"


def test_the_name_is_read_only_where_it_stands_whole() -> None:
    style = pinned_style("progname", "caddy")
    assert match_prefix("caddy: fatal error: stack overflow", style) == (7, "caddy", 0)
    # another program whose name begins with it, the name without its colon, Go's own line
    assert match_prefix("caddy-proxy: fatal error: stack overflow", style) is None
    assert match_prefix("caddy fatal error: stack overflow", style) is None
    assert match_prefix("runtime: goroutine stack exceeds 1000000000-byte limit", style) is None


@pytest.mark.parametrize("version", ["go1.19", "go1.27"])
def test_go_own_words_before_a_colon_are_never_taken_for_a_name(version: str) -> None:
    # `panic: `, `fatal error: `, `runtime: `, `SIGQUIT: ` lead Go's own lines
    for path in sorted((ROOT / "samples" / version).glob("*.txt")):
        assert [s.name for s in detect(path.read_text().splitlines())
                if s.name == "progname"] == [], path.name
