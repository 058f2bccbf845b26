"""Logs with a timestamp before every line that names no stream (moreutils `ts`,
Jenkins' Timestamper, `go test ./... 2>&1 | ts`).

The corpus holds real captures (tests/corpus/timestamps.py): five processes
crashing at once, their lines merged as they arrived and piped through `ts`
in five formats. The stamp is stripped as a prefix, like GitHub Actions',
and the processes are told apart by their tracebacks, as with no stamp.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from lark.exceptions import LarkError

from stackdemux.api import analyze
from stackdemux.demux import prefixes

sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus"))
import score

CASES = {c.name: c for c in score.load_cases(mode="prefix-timestamp")}


def test_the_formats_people_meet_are_in_the_corpus():
    assert {c.truth["style"] for c in CASES.values()} == {
        "ts", "ts -s", "ts %Y-%m-%d %H:%M:%.S", "ts %H:%M:%S", "ts [%Y-%m-%dT%H:%M:%.SZ]"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_timestamped_log_reads_as_the_same_log_without_stamps(name):
    case = CASES[name]
    analysis = analyze(case.input())
    want = sorted((score.uncompact(r) for process in case.truth["truth_reports"]
                   for r in process), key=repr)
    assert sorted((score.report_key(r) for r in analysis.reports), key=repr) == want
    assert all(s.label is None for s in analysis.streams)  # a stamp names no process


def test_stamps_are_read_the_same_by_the_grammar_and_its_derived_regex():
    lark = prefixes.grammar()
    styles = prefixes.compiled_styles()
    for case in CASES.values():
        for line in case.input().decode().splitlines()[:30]:
            hit = prefixes.match_prefix(line, styles["timestamp"])
            assert hit is not None, line
            end, key, _ = hit
            assert key is None
            lark.parse(line[:end], start="timestamp")
            if line[end:end + 1] not in ("", " "):  # (ts stamps an empty line too)
                with pytest.raises(LarkError):
                    lark.parse(line[:end + 1], start="timestamp")


@pytest.mark.parametrize("line", [
    "2026/11/26 08:23:09 http: panic serving 10.0.0.1:4242: boom",  # Go's log package
    "2026-11-26T08:23:09.123Z\tINFO\tserver started",  # zap: a tab, not a space
    "08:23 build started",
])
def test_what_a_program_prints_itself_is_no_stamp(line):
    assert prefixes.match_prefix(line, prefixes.compiled_styles()["timestamp"]) is None
