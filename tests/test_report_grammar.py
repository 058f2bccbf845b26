"""grammars/report.lark says how kinds of lines make up one process's output; the
parser's state machine (parse.py) reads reports by the same order. Every report
the parser reads from a real sample is a sentence of report.lark."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackdemux.demux.interleave import automaton, token_of
from stackdemux.grammar import line_grammar
from stackdemux.ingest import ingest
from stackdemux.parse import parse_source

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("go1.*/*.txt"))
# Not traceback kinds in report.lark: blank lines and ordinary text stand between blocks.
_NOT_TOKENS = {None, "blank"}


def kinds_of(lines: list[str], spans: list[tuple[int, int]]) -> list[str]:
    g = line_grammar()
    out = []
    for a, b in spans:
        for n in range(a, b + 1):
            kind, _ = g.classify(lines[n - 1])
            if kind not in _NOT_TOKENS:
                out.append(kind)
    return out


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_report_read_from_a_sample_is_a_sentence_of_report_lark(sample):
    source = ingest(sample.read_bytes())
    auto = automaton()
    for report in parse_source(source).reports:
        stack = auto.start
        for kind in kinds_of(source.lines, report.lines):
            nxt = auto.step(stack, token_of(kind))
            assert nxt is not None, (report.id, report.message, kind)
            stack = nxt
        assert auto.can_end(stack), (report.id, report.message, "ends half-way")
