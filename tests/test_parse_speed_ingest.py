"""Decoding a log splits it a chunk of text at a time, and in a chunk whose
lines mostly repeat (a service crash-looping behind a prefix with no time in
it) equal lines are one str: the lines must be what one split of the whole
text gives, wherever a chunk ends, and a crash loop's must be held once each."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackdemux import ingest as ingest_module
from stackdemux.ingest import ingest

CASES = Path(__file__).parent / "corpus" / "cases"


@pytest.mark.parametrize("chars", [1, 7, 4096, 1 << 22])
@pytest.mark.parametrize("case", ["twelve-prefix-compose", "crash-prefix-gha"])
def test_lines_are_the_whole_texts_split_wherever_a_chunk_ends(case, chars, monkeypatch):
    data = (CASES / case / "input.log").read_bytes() * 3
    monkeypatch.setattr(ingest_module, "SPLIT_CHARS", chars)
    lines = ingest(data).lines
    whole = data.decode().split("\n")
    assert lines == (whole[:-1] if whole[-1] == "" else whole)


def test_a_crash_loops_lines_are_held_once_each():
    data = (CASES / "twelve-prefix-compose" / "input.log").read_bytes() * 20
    lines = ingest(data).lines
    assert len({id(line) for line in lines}) == len(set(lines)) < len(lines) // 10
