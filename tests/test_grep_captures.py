"""Tracebacks cut out of bigger logs with cat -n, nl and grep.

tests/data/grep/make.sh runs the real tools on real samples: `cat -n` and
`nl` put a right-aligned line number and a tab before each line; `grep -n`
puts `N:` before a matching line and `N-` before a context line; over several
files (`grep -rn`) the file name comes first, and names the stream.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import sample_path
from test_conservation import check_conservation

from stackdemux.api import analyze
from stackdemux.demux import demultiplex_detail
from stackdemux.ingest import ingest
from stackdemux.parse import parse_text

DATA = Path(__file__).resolve().parent / "data" / "grep"


def reports(data: bytes) -> list[tuple[str, str, list[int]]]:
    return [(r.kind.value, r.message, [len(g.frames) for g in r.goroutines])
            for r in analyze(data).reports]


def plain(name: str, go: str) -> list[tuple[str, str, list[int]]]:
    return [(r.kind.value, r.message, [len(g.frames) for g in r.goroutines])
            for r in parse_text(sample_path(name, go).read_bytes()).reports]


@pytest.mark.parametrize(("capture", "name", "go"), [
    ("cat-n.log", "skopeo_vendor", "1.21"),
    ("nl.log", "deadlock", "1.27"),
    ("grep-n.log", "skopeo_vendor", "1.21"),
])
def test_numbered_lines_read_as_the_dump(capture, name, go):
    assert reports((DATA / capture).read_bytes()) == plain(name, go)


def test_grep_over_several_files_keys_each_file():
    analysis = analyze((DATA / "grep-rn.log").read_bytes())
    by_file = {s.label: [(r.kind.value, r.message) for r in analysis.reports
                         if r.stream == s.id] for s in analysis.streams if s.label}
    assert by_file == {
        "go1.27/nil_map.txt": [("panic", "assignment to entry in nil map")],
        "go1.27/deadlock.txt": [("fatal error", "all goroutines are asleep - deadlock!")],
        "go1.21/skopeo_vendor.txt": [("panic", "invalid page type: 6432: 10")],
    }
    # -A30 cut each dump: each reads as what grep kept of its file
    kept: dict[str, list[str]] = {}
    for line in (DATA / "grep-rn.log").read_text().splitlines():
        if line != "--":
            name, rest = re.match(r"(.+?\.txt)[:-]\d+[:-](.*)", line).groups()
            kept.setdefault(name, []).append(rest)
    assert [len(r.goroutines) for r in analysis.reports] == [
        sum(len(r.goroutines) for r in parse_text("\n".join(lines)).reports)
        for lines in kept.values()]


@pytest.mark.parametrize("capture", sorted(p.name for p in DATA.glob("*.log")))
def test_no_line_is_lost(capture):
    source = ingest((DATA / capture).read_bytes())
    check_conservation(source, demultiplex_detail(source))


def test_grep_prefixes_are_read_the_same_by_the_grammar_and_its_derived_regex():
    from lark.exceptions import LarkError

    from stackdemux.demux import prefixes

    lark = prefixes.grammar()
    style = prefixes.compiled_styles()["grep"]
    for line in (DATA / "grep-rn.log").read_text().splitlines():
        if line == "--":  # grep's separator between groups: no prefix
            assert prefixes.match_prefix(line, style) is None
            continue
        end, key, _ = prefixes.match_prefix(line, style)
        assert line.startswith(key) and key.endswith(".txt")
        lark.parse(line[:end], start="grep")
        if line[end:end + 1] not in ("", " "):
            with pytest.raises(LarkError):
                lark.parse(line[:end + 1], start="grep")


@pytest.mark.parametrize("line", [
    "main.c:12:5: warning: unused variable 'x' [-Wunused-variable]",  # a compiler's citation
    "time=2026-11-25T19:21:32.174Z level=WARN msg=busy",  # logfmt
])
def test_what_is_no_grep_output(line):
    from stackdemux.demux.prefixes_detect import _holds, _tally

    tally = _tally([line] * 20)
    assert "grep" not in tally.counts or not _holds(tally, "grep")
