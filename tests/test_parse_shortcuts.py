"""The parser's run loop takes shortcuts the grammar allows: a goroutine header
read by its own regex where no earlier kind can read the line, a report's
opener told by its line alone without the joined text, runs of lines kept as
runs. Each must read every sample as the general path reads it."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

import stackdemux.parse as parse
from stackdemux import line_chunks
from stackdemux.ingest import ingest
from stackdemux.model import Stream

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (ROOT / "samples").rglob("*") if p.suffix in (".txt", ".log"))
DUMP = ROOT / "benchmarks" / "data" / "goroutines-20k.go1.27.txt.gz"


def reading(text: bytes):
    r = parse.parse_source(ingest(text))
    return [(x.kind, x.message, list(x.lines), x.complete, x.context, x.tests,
             [(g.id, g.state, g.wait_minutes, g.gp, g.m, g.labels, g.elided, g.unavailable,
               g.created_by, g.frames, [a.frames for a in g.ancestors])
              for g in (*x.goroutines, *x.system_stacks)])
            for x in r.reports], r.noise, [(d.message, d.lines) for d in r.diagnostics]


def test_the_grammar_allows_reading_a_header_by_its_own_regex_after_g():
    assert parse._header_leads() == frozenset("g")


def test_a_report_opener_is_told_by_its_line_alone():
    assert parse._IDLE_SKIP_ALONE is not None
    assert parse._IDLE_SKIP_ALONE("panic: boom") is not None


@pytest.mark.parametrize("pattern, alone", [
    (r"goroutine |panic: ", True), (r"(?=a)ab", True), (r"a$", False), (r"\bpanic", False),
    (r"(?<=x)a", False), (r"a(?!b)", False), (r"(?:x|y(?:z\Z)?)", False),
])
def test_a_lead_is_read_alone_only_when_it_reads_nothing_past_the_line(pattern, alone):
    assert parse._reads_within(pattern) is alone


def test_every_sample_reads_alike_with_and_without_the_shortcuts(monkeypatch):
    texts = [p.read_bytes() for p in SAMPLES]
    fast = [reading(t) for t in texts]
    monkeypatch.setattr(parse, "_header_leads", lambda: frozenset())
    monkeypatch.setattr(parse, "_IDLE_SKIP_ALONE", None)
    assert [reading(t) for t in texts] == fast


def test_a_dump_of_20_000_goroutines_reads_alike_without_them(monkeypatch):
    text = gzip.decompress(DUMP.read_bytes())
    fast = reading(text)
    assert len(fast[0]) == 1 and len(fast[0][0][-1]) == 20_001
    monkeypatch.setattr(parse, "_header_leads", lambda: frozenset())
    monkeypatch.setattr(parse, "_IDLE_SKIP_ALONE", None)
    assert reading(text) == fast


def test_a_dump_read_from_its_first_line_needs_no_joined_text(monkeypatch):
    texts = ingest(gzip.decompress(DUMP.read_bytes())).lines
    joins: list[Stream] = []
    chunks: list[int] = []
    joined, chunk_at = Stream.joined, line_chunks.chunk_at
    monkeypatch.setattr(Stream, "joined", lambda s: joins.append(s) or joined(s))
    monkeypatch.setattr(line_chunks, "chunk_at", lambda *a: chunks.append(a[3]) or chunk_at(*a))
    (report,) = parse.parse_stream(Stream(id="s1", numbers=range(1, len(texts) + 1),
                                          texts=texts)).reports
    assert len(report.goroutines) == 20_001 and not joins and not chunks
    # a log line before it: the bulk search runs, over the lines joined a chunk at
    # a time (the dump's 22 MB are more than one), never joined whole
    parse.parse_stream(Stream(id="s1", numbers=range(1, len(texts) + 2),
                              texts=["starting", *texts]))
    assert chunks == [0] and not joins
