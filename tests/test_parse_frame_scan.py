"""The parser reads a run of whole frames in a loop of its own once it keeps
no whole call lines (a dump's arguments print pointers, which never repeat):
it must read every sample as the general loop reads it, and a dump must stop
keeping whole call lines soon, not after 16 384 of them."""

from __future__ import annotations

import dataclasses
import gzip
from pathlib import Path

import stackdemux.parse as parse
from stackdemux.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (ROOT / "samples").rglob("*") if p.suffix in (".txt", ".log"))
DUMP = ROOT / "benchmarks" / "data" / "goroutines-20k.go1.27.txt.gz"


def reading(text: bytes):
    r = parse.parse_source(ingest(text))
    return [(x.kind, x.message, list(x.lines), x.complete, x.incomplete_reason,
             [(g.id, g.state, g.created_by, g.frames, g._read, [a.frames for a in g.ancestors])
              for g in (*x.goroutines, *x.system_stacks)])
            for x in r.reports], r.noise, [(d.message, d.lines) for d in r.diagnostics]


def general_loop_only(monkeypatch) -> None:
    """The general loop alone: call lines let go of from the first (so read inline
    there too), and the shape's excluded characters three (the same ones), which
    the frame scan's own loop does not test."""
    shape = parse._CALL_SHAPE
    assert shape is not None and len(shape.excluded) <= 2
    monkeypatch.setattr(parse, "_CALL_SHAPE", dataclasses.replace(
        shape, excluded=(*shape.excluded, shape.open, shape.open)[:3]))
    monkeypatch.setattr(parse, "_CALL_LINES_TRIAL", 1)


def test_every_sample_reads_alike_in_the_frame_scans_own_loop_and_the_general_one(
        monkeypatch):
    texts = [p.read_bytes() for p in SAMPLES]
    own = [reading(t) for t in texts]
    general_loop_only(monkeypatch)
    assert [reading(t) for t in texts] == own


def test_a_dump_of_20_000_goroutines_reads_alike_in_both_loops(monkeypatch):
    text = gzip.decompress(DUMP.read_bytes())
    own = reading(text)
    assert len(own[0]) == 1 and len(own[0][0][-1]) == 20_001
    general_loop_only(monkeypatch)
    assert reading(text) == own


def test_a_dump_keeps_whole_call_lines_only_until_it_shows_they_do_not_repeat(monkeypatch):
    # 228 000 call lines, 200 000 of them distinct: each read kept whole costs a
    # reading by _read_call_line; inline, only a function name never seen does
    reads: list[str] = []
    real = parse._read_call_line
    monkeypatch.setattr(parse, "_read_call_line",
                        lambda t, names: reads.append(t) or real(t, names))
    texts = gzip.decompress(DUMP.read_bytes()).decode().splitlines()
    names = {t.rpartition("(")[0] for t in texts if t.endswith(")") and t[:1] != "\t"}
    (report,) = parse.parse_source(ingest("\n".join(texts).encode())).reports
    assert len(report.goroutines) == 20_001
    assert len(reads) <= parse._CALL_LINES_TRIAL + len(names) < parse._KEPT_READINGS
