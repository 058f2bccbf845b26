"""Crashes read back from the systemd journal (`journalctl -o short*`, `-o json`).

A Go service's crash is most often read with journalctl. The corpus holds real
captures (tests/corpus/journald.py): three processes crashing at once, each
piped into its own systemd-cat, printed in every `short*` format of journalctl
and as JSON. The journal drops empty lines (no blank between goroutines); its
short formats print a tab as eight spaces (every frame's file line) and lead
each line with the format's timestamp and `host prog[pid]: `, which tells the
processes apart (JSON records name them in fields).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from lark.exceptions import LarkError

from stackdemux.api import analyze
from stackdemux.demux import prefixes

sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus"))
import score

CASES = {c.name: c for c in score.load_cases(mode="prefix-journald")}


def test_every_short_format_of_journalctl_is_in_the_corpus():
    formats = {c.truth["style"].removeprefix("journald -o ") for c in CASES.values()}
    assert formats == {"short", "short-precise", "short-iso", "short-iso-precise", "short-full",
                       "short-unix", "short-monotonic", "json"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_process_is_read_whole_from_the_journal(name):
    case = CASES[name]
    truth, text = case.truth, case.input().decode()
    analysis = analyze(case.input())
    want = sorted((score.uncompact(r) for process in truth["truth_reports"] for r in process),
                  key=repr)
    assert sorted((score.report_key(r) for r in analysis.reports), key=repr) == want
    keys = sorted(s.label for s in analysis.streams if s.label)
    assert keys == sorted(f"vm {p['name']}[{pid}]" for p, pid in zip(
        truth["processes"], _pids(text, truth), strict=True))


def _pids(text: str, truth: dict) -> list[str]:
    """Each process's pid, as the journal printed it."""
    if truth["style"].endswith("json"):
        first = {}
        for line in text.splitlines():
            record = json.loads(line)
            first.setdefault(record["SYSLOG_IDENTIFIER"], record["_PID"])
        return [first[p["name"]] for p in truth["processes"]]
    out = []
    for p in truth["processes"]:
        at = text.index(f" {p['name']}[") + len(p["name"]) + 2
        out.append(text[at:text.index("]", at)])
    return out


def test_journal_prefixes_are_read_the_same_by_the_grammar_and_its_derived_regex():
    lark = prefixes.grammar()
    styles = prefixes.compiled_styles()
    for name, case in sorted(CASES.items()):
        if case.truth["style"].endswith("json"):
            continue
        for line in case.input().decode().splitlines()[:40]:
            hit = prefixes.match_prefix(line, styles["syslog"])
            assert hit is not None, (name, line)
            end, key, _ = hit
            lark.parse(line[:end], start="syslog")
            assert line[:end].endswith(f"{key}: ")
            with pytest.raises(LarkError):
                lark.parse(line[:end + 1], start="syslog")
