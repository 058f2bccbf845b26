"""The interleaving corpus (tests/corpus): its truth holds, and stackdemux meets issue 3's targets.

Each case is the real output of 2–12 Go processes run at once and merged the way
collectors and people merge logs (see tests/corpus/make_cases.py). The truth is
each process's clean output and who wrote every byte of the merged input.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "corpus"))

import score as corpus
from test_conservation import check_conservation

CASES = corpus.load_cases()
IDS = [c.name for c in CASES]
PROCESS_OWNED = {"paste", "prefix", "noise"}


def _owned(case: corpus.Case) -> tuple[bytes, list[bytearray], dict[str, bytearray]]:
    data = case.input()
    procs = [bytearray() for _ in case.truth["processes"]]
    other: dict[str, bytearray] = {k: bytearray() for k in PROCESS_OWNED}
    pos = 0
    for owner, n in case.truth["ownership"]:
        (procs[owner] if isinstance(owner, int) else other[owner]).extend(data[pos:pos + n])
        pos += n
    return data, procs, other


def test_the_corpus_covers_every_mode_with_several_cases():
    modes = {c.mode for c in CASES}
    for fam, members in corpus.FAMILIES.items():
        assert modes & set(members), f"no case of family {fam}"
    assert len(CASES) >= 40
    assert any(len(c.truth["processes"]) >= 12 for c in CASES)
    assert {p["traceback"] for c in CASES for p in c.truth["processes"]} >= {"", "all", "system",
                                                                            "crash"}
    assert len({p["version"] for c in CASES for p in c.truth["processes"]}) >= 6


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_ownership_accounts_for_every_input_byte(case):
    data, _, _ = _owned(case)
    assert sum(n for _, n in case.truth["ownership"]) == len(data)
    owners = {o for o, _ in case.truth["ownership"]}
    assert owners <= set(range(len(case.truth["processes"]))) | PROCESS_OWNED


@pytest.mark.parametrize("case", [c for c in CASES if c.truth["verbatim"]],
                         ids=[c.name for c in CASES if c.truth["verbatim"]])
def test_each_process_owns_exactly_its_clean_output(case):
    _, procs, _ = _owned(case)
    for i, got in enumerate(procs):
        assert bytes(got) == case.output(i), case.truth["processes"][i]["name"]


def test_writes_cases_splice_lines_mid_way():
    """Write-level merges cut lines between processes, as the Go runtime's small writes do."""
    for case in (c for c in CASES if c.mode == "writes-shuffle"):
        data, _, _ = _owned(case)
        pos, mid_line = 0, 0
        for _, n in case.truth["ownership"]:
            pos += n
            mid_line += pos < len(data) and data[pos - 1:pos] != b"\n"
        assert mid_line > 10, case.name


def test_every_process_crashed_or_dumped():
    """A process that exited 0 printed no traceback: the case would test nothing."""
    for case in CASES:
        for p in case.truth["processes"]:
            assert p["exit"] != 0, f"{case.name}: {p['name']} exited 0"


@pytest.mark.skipif(importlib.util.find_spec("stackdemux.parse") is None,
                    reason="the parser (stackdemux.parse) has not landed")
@pytest.mark.parametrize("case", [c for c in CASES if c.truth.get("truth_reports")],
                         ids=[c.name for c in CASES if c.truth.get("truth_reports")])
def test_stored_truth_is_what_the_parser_reads_in_each_clean_output(case):
    """Drift check: rerun `make_cases.py truth` when the parser changes on purpose."""
    assert corpus.truth_keys(case, fresh=True) == corpus.truth_keys(case, fresh=False)


# Issue 3's targets, per family: (reports exact %, messages %). Not all are met
# yet; the README's table shows target and measured side by side. What the tests
# hold is the floor: the scores measured when the demultiplexer last improved
# (tests/corpus/floors.json, written by `score.py --write-floors`), so a change
# that separates processes worse fails here.
TARGETS = {
    "lines": (99.0, 99.0),
    "prefix": (99.0, 99.0),
    "writes": (95.0, 99.0),
    "chunks": (95.0, 99.0),
    "paste": (95.0, 0.0),
}

DEMUX_MISSING = importlib.util.find_spec("stackdemux.demux") is None
FLOORS = json.loads(corpus.FLOORS.read_text()) if corpus.FLOORS.exists() else {}


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_corpus_case_is_conserved(case):
    """The strict check of tests/test_conservation.py (pieces tile each line) on
    each case. It runs before the scorer, in this module so that pytest-xdist
    (--dist loadfile) runs both on one worker: the scorer takes the
    demultiplexing kept here instead of doing it again."""
    check_conservation(*corpus.demuxed(case.input(), keep=True))


@pytest.fixture(scope="module")
def scores():
    return corpus.score(CASES, "analyze")


@pytest.mark.xfail(DEMUX_MISSING, reason="the demultiplexer (stackdemux.demux) has not landed",
                   run=False)
@pytest.mark.parametrize("fam", sorted(FLOORS))
def test_demux_holds_its_measured_floor(scores, fam):
    s = scores[f"[{fam}]"]
    floor = FLOORS[fam]
    target = TARGETS.get(fam)
    detail = (f"\n{corpus.table(scores)}\nfloor {floor}, issue 3 target {target}"
              f"\nfailing: {sorted(set(s.failures))}")
    assert s.pct("reports_exact", "reports") >= floor["reports_exact_pct"] - 0.05, detail
    assert s.pct("messages_found", "messages") >= floor["messages_pct"] - 0.05, detail
    assert s.spurious <= floor["spurious_max"], detail


def test_every_target_family_has_a_floor():
    """The floor file covers every target family, so no family goes unguarded."""
    assert set(TARGETS) <= set(FLOORS)


@pytest.mark.xfail(DEMUX_MISSING, reason="the demultiplexer (stackdemux.demux) has not landed",
                   run=False)
def test_every_input_line_lands_in_one_stream_or_the_noise(scores):
    s = scores["[all]"]
    assert s.conserved == s.cases, corpus.table(scores)
