"""The parser classifies a line by the alternation of the kinds its first
character leaves (parse._match): it must read every line as the grammar's
whole alternation does, kind and fields alike."""

from __future__ import annotations

from pathlib import Path

import pytest

import stackdemux.parse as parse
from stackdemux.grammar import MAX_LINE, line_grammar
from stackdemux.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (ROOT / "samples").glob("**/*") if p.suffix in (".txt", ".log"))
NOISE = sorted((ROOT / "tests" / "corpus" / "noise").glob("*"))


def readings(lines: list[str]) -> tuple[list, list]:
    whole = line_grammar()
    by_name = {i: n for n, i in whole.regex.groupindex.items()}
    mine, theirs = [], []
    for line in lines:
        if len(line) > MAX_LINE:
            continue
        a, b = parse._match(line), whole.match(line)
        mine.append(None if a is None else (a.lastgroup, a.groupdict()))
        theirs.append(None if b is None else (
            b.lastgroup, {by_name[i]: b.group(i) for i in range(1, whole.regex.groups + 1)
                          if i in by_name}))
    return mine, theirs


@pytest.mark.parametrize("group", ["go1.1", "go1.2", "interleaved"])
def test_every_sample_line_reads_as_the_whole_alternation_reads_it(group):
    paths = [p for p in SAMPLES if p.relative_to(ROOT / "samples").as_posix().startswith(group)]
    assert paths
    lines = [t for p in paths for t in ingest(p.read_bytes()).lines]
    mine, theirs = readings(lines)
    assert [m and m[0] for m in mine] == [t and t[0] for t in theirs]
    # fields by name: those of the matched kind (the rest are None in both)
    assert [m and {k: v for k, v in m[1].items() if v is not None} for m in mine] == \
        [t and {k: v for k, v in t[1].items() if v is not None} for t in theirs]


def test_build_noise_empty_lines_and_lines_led_by_non_ascii_read_alike():
    lines = [t for p in NOISE for t in ingest(p.read_bytes()).lines]
    lines += ["", " ", "\u00a0goroutine 1 [running]:", "\u00e9", "\tpanic: x",
              "goroutine 1 [running]:"]
    mine, theirs = readings(lines)
    assert [m and m[0] for m in mine] == [t and t[0] for t in theirs]
    assert sum(m is not None for m in mine) > 0  # the decoys hold traceback-looking lines


def test_a_first_character_leaves_fewer_kinds_to_try():
    """The point of it: a line led by `g` is not tried against the race
    detector's or the signal dump's kinds, nor read into their groups."""
    assert parse._match("goroutine 1 [running]:").lastgroup == "goroutine_header"
    alternation = parse._BY_FIRST[ord("g")].__self__  # compiled by that first use
    assert 0 < alternation.groups < line_grammar().regex.groups / 4
    assert "race_access" not in alternation.groupindex
