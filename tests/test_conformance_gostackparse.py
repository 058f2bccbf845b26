"""Peer conformance: DataDog/gostackparse's 13 test fixtures and their golden JSON.

A golden goroutine is {ID, State, Wait (ns), LockedToThread, Stack [{Func, File, Line}],
FramesElided, CreatedBy, Ancestor}; stackdemux's Goroutine is turned into that shape and
compared whole. `Errors` (lines gostackparse could not place) are compared by line
number with our Diagnostics and noise, not by wording.

Where a golden encodes a limit of gostackparse (it drops a goroutine whose stack it
cannot read), the test asserts stackdemux's better reading and quotes the golden.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import numbers, shared_dir, shared_files

from stackdemux.ingest import ingest
from stackdemux.model import Ancestor, Frame, Goroutine
from stackdemux.parse import ParseResult, parse_source

NS_PER_MINUTE = 60 * 10**9
FIXTURES = [p.stem for p in shared_files("gostackparse", "*.txt")]
# Fixtures whose golden holds Errors: each has its own test below.
WITH_ERRORS = {"empty_stack", "errorhandling", "partial_createdby", "partial_stack"}


def load(name: str) -> tuple[ParseResult, dict]:
    d = shared_dir() / "gostackparse"
    source = ingest((d / f"{name}.txt").read_bytes())
    golden = json.loads((d / f"{name}.golden.json").read_text(encoding="utf-8"))
    return parse_source(source), golden


def goroutines(result: ParseResult) -> list[Goroutine]:
    return [g for r in result.reports for g in r.goroutines]


def frame(f: Frame) -> dict:
    return {"Func": f.func, "File": f.file, "Line": f.line}


def ancestor_chain(ancestors: list[Ancestor]) -> dict | None:
    """Our flat list of ancestors as gostackparse's nested Ancestor.Ancestor…"""
    if not ancestors:
        return None
    a = ancestors[0]
    cb = a.created_by
    out = {"ID": a.id, "State": "", "Wait": 0, "LockedToThread": False,
           "Stack": [frame(f) for f in a.frames], "FramesElided": a.elided,
           "CreatedBy": frame(cb.frame) if cb else None}
    nested = ancestor_chain(ancestors[1:])
    if nested is not None:
        out["Ancestor"] = nested
    return out


def golden_shape(g: Goroutine) -> dict:
    out = {
        "ID": g.id, "State": g.state, "Wait": (g.wait_minutes or 0) * NS_PER_MINUTE,
        "LockedToThread": g.locked, "Stack": [frame(f) for f in g.frames],
        "FramesElided": g.elided,
        "CreatedBy": frame(g.created_by.frame) if g.created_by else None,
    }
    anc = ancestor_chain(g.ancestors)
    if anc is not None:
        out["Ancestor"] = anc
    return out


def error_lines(golden: dict) -> list[int]:
    return [int(re.search(r"on line (\d+)", e).group(1)) for e in golden["Errors"] or []]


@pytest.mark.parametrize("name", [n for n in FIXTURES if n not in WITH_ERRORS])
def test_every_goroutine_matches_the_golden(name):
    result, golden = load(name)
    assert golden["Errors"] is None
    ours = [golden_shape(g) for g in goroutines(result)]
    theirs = golden["Goroutines"] or []
    assert ours == theirs
    # gostackparse placed every line, so must we: no diagnostics, no noise
    assert result.diagnostics == []
    assert result.noise == []


def test_ancestors_nest_as_a_flat_list_newest_first():
    result, _ = load("ancestors")
    g25 = next(g for g in goroutines(result) if g.id == 25)
    assert [a.id for a in g25.ancestors] == [24, 23, 22, 21, 20, 1]
    assert all(f.inlined for a in g25.ancestors for f in a.frames)  # printed as `main.d1(...)`


def test_empty_input_has_no_report_and_no_noise():
    result, golden = load("empty_input")
    assert golden == {"Errors": None, "Goroutines": None} or golden["Goroutines"] in (None, [])
    assert result.reports == [] and result.diagnostics == []


def test_headers_without_a_stack_are_kept():
    # Golden: no goroutines, Errors 'invalid function call on line 2: ""' (and line 4):
    # gostackparse drops a goroutine whose header is followed by a blank line.
    # stackdemux keeps both goroutines (their id and state are real information) with
    # no frames; the blank line it stumbled on separates them inside one report (its
    # "line 4" is the end of the 3-line input).
    result, golden = load("empty_stack")
    assert golden["Goroutines"] == [] or golden["Goroutines"] is None
    assert error_lines(golden) == [2, 4]
    assert [(g.id, g.state, g.frames) for g in goroutines(result)] == [
        (1, "running", []), (2, "running", [])]
    assert result.diagnostics == []
    assert [r.lines for r in result.reports] == [[(1, 3)]]
    assert result.noise == []


def test_a_broken_call_line_is_noise_and_the_dump_goes_on():
    # Golden: goroutines 1 and 3; 'invalid function call on line 6: "main.main)("'
    # drops goroutine 2 whole. stackdemux keeps goroutine 2's header (with no frames),
    # keeps the broken line and its orphaned file line as noise, and reads goroutine 3.
    result, golden = load("errorhandling")
    assert error_lines(golden) == [6]
    by_id = {g.id: g for g in goroutines(result)}
    theirs = {g["ID"]: g for g in golden["Goroutines"]}
    assert set(by_id) == set(theirs) | {2}
    for gid, g in theirs.items():
        assert golden_shape(by_id[gid]) == g
    assert by_id[2].frames == []
    assert 6 in numbers(result.noise) and 7 in numbers(result.noise)
    assert result.diagnostics == []


@pytest.mark.parametrize("name", ["partial_createdby", "partial_stack"])
def test_a_frame_without_its_file_line_is_kept_and_diagnosed(name):
    # Golden: no goroutines at all, 'invalid file:line ref on line N: ""' for the blank
    # line where gostackparse wanted a file: it drops each goroutine with a frame cut
    # short. stackdemux keeps the goroutines and their frames (file unknown) and says
    # which frame lacks its file line: the line just before gostackparse's error line.
    result, golden = load(name)
    assert not golden["Goroutines"]
    assert [d.lines[0][0] for d in result.diagnostics] == [n - 1 for n in error_lines(golden)]
    gs = goroutines(result)
    assert [g.id for g in gs] == [1, 2]
    for g in gs:
        last = g.created_by.frame if g.created_by else g.frames[-1]
        assert last.file is None and last.line is None
    assert all(not r.complete for r in result.reports)
    assert result.noise == []
