"""A chunk of lines that mostly repeat (a service restarted in a loop behind a
prefix with no time in it) has each distinct line stripped once: every line must
come out as stripping it alone gives, whatever the lines around it, in a chunk
of repeats as in one of distinct lines, keys, lengths, texts and joins alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackdemux.demux import prefixes_strip
from stackdemux.demux.prefixes import detect, split_prefixed
from stackdemux.ingest import ingest

CASES = Path(__file__).parent / "corpus" / "cases"
# compose (keys, colour), CRI (`P` partial lines joined: joins), GitHub Actions
# times (distinct lines), kubectl --prefix
REPEATING = ["crash-prefix-compose", "crash-prefix-cri", "crash-prefix-gha",
             "crash-prefix-kubectl", "twelve-prefix-compose"]


def read(split) -> tuple:
    return split.keys, list(split.lengths), split.texts, bytes(split.joins)


@pytest.mark.parametrize("case", REPEATING)
def test_a_log_printed_again_and_again_strips_as_each_line_alone(case, monkeypatch):
    lines = ingest((CASES / case / "input.log").read_bytes()).lines * 6
    styles = detect(lines)
    assert styles, "a prefixed corpus case"
    bulk = split_prefixed(lines, styles)
    # the line-by-line form: no bulk regex, no chunk read as repeats
    monkeypatch.setattr(prefixes_strip, "_bulk", lambda layers: None)
    monkeypatch.setattr(prefixes_strip, "REPEATS_SAMPLE", 1)
    alone = split_prefixed(lines, styles)
    assert read(bulk) == read(alone)


def test_a_chunk_of_repeats_is_stripped_a_distinct_line_at_a_time(monkeypatch):
    lines = ingest((CASES / "twelve-prefix-compose" / "input.log").read_bytes()).lines * 6
    styles = detect(lines)
    stripped: list[int] = []
    strip = prefixes_strip._strip
    monkeypatch.setattr(prefixes_strip, "_strip",
                        lambda bulk, layers, chunk, interned: stripped.append(len(chunk))
                        or strip(bulk, layers, chunk, interned))
    split_prefixed(lines, styles)
    assert sum(stripped) == len(set(lines)) < len(lines) // 5
