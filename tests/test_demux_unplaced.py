"""Pieces of cut lines that no process's output could take stay in a stream of
their own, marked unplaced: every byte is somewhere, and no report is made up
from them."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from stackdemux.api import analyze
from stackdemux.render.json import render_json_bytes

CASE = Path(__file__).resolve().parent / "corpus/cases/twelve-chunks-slow"


def read(path: Path) -> bytes:
    gz = path.with_name(path.name + ".gz")
    return gzip.decompress(gz.read_bytes()) if gz.is_file() else path.read_bytes()


def cut_off() -> bytes:
    """A slow reader's log cut off half-way (the collector stopped): a line cut
    before its end never gets its rest, and no process takes its head. (The
    whole log no longer leaves any: every piece of it finds its process.)"""
    data = read(CASE / "input.log")
    return data[: len(data) // 2]


def test_unplaced_pieces_are_kept_but_never_parsed():
    analysis = analyze(cut_off(), analyse=False)
    unplaced = [s for s in analysis.streams if s.unplaced]
    assert unplaced, "a log cut off mid-line leaves a piece no process takes"
    assert all(s.pieces for s in unplaced), "only pieces of cut lines are unplaced"
    ids = {s.id for s in unplaced}
    assert not [r for r in analysis.reports if r.stream in ids]


def test_the_json_says_which_streams_are_unplaced():
    analysis = analyze(cut_off())
    doc = json.loads(render_json_bytes(analysis))
    flagged = {s["id"] for s in doc["streams"] if s.get("unplaced")}
    assert flagged and flagged == {s.id for s in analysis.streams if s.unplaced}
