"""A long log whose crashes stand far apart is separated region by region: the
crashes come out whole, and the ordinary lines between them are noise."""

from __future__ import annotations

from pathlib import Path

from stackdemux.api import Options, analyze_many
from stackdemux.demux import REGION_GAP, _traceback_regions
from stackdemux.ingest import ingest
from stackdemux.model import Stream

ROOT = Path(__file__).resolve().parent.parent
NOISE = b"".join(p.read_bytes() for p in sorted((ROOT / "tests" / "corpus" / "noise").glob("*"))
                 if p.name != "decoys.log")
CRASH = (ROOT / "samples" / "go1.27" / "nil_map.txt").read_bytes()
OTHER = (ROOT / "samples" / "go1.21" / "nil_pointer.txt").read_bytes()


def build_log() -> bytes:
    block = NOISE * (2 * REGION_GAP // NOISE.count(b"\n") + 1)  # more than a gap
    return block + CRASH + block + OTHER + block + CRASH + block


def test_crashes_far_apart_make_one_region_each():
    source = ingest(build_log())
    stream = Stream(id="s", numbers=range(1, len(source.lines) + 1), texts=source.lines)
    regions = _traceback_regions(stream)
    assert len(regions) == 3
    assert sum(b - a for a, b in regions) < len(source.lines) // 10


def test_each_crash_comes_out_whole_and_the_build_output_is_noise():
    data = build_log()
    alone = [analyze_many([ingest(c)], Options()).reports[0] for c in (CRASH, OTHER, CRASH)]
    analysis = analyze_many([ingest(data)], Options())
    assert [(r.message, len(r.goroutines), [f.func for f in r.goroutines[0].frames])
            for r in analysis.reports] == [
        (r.message, len(r.goroutines), [f.func for f in r.goroutines[0].frames]) for r in alone]
    in_reports = sum(b - a + 1 for r in analysis.reports for a, b in r.lines)
    in_noise = sum(b - a + 1 for a, b in analysis.noise)
    assert in_reports + in_noise == len(ingest(data).lines)
