"""Goroutines on one call path (buckets.call_paths) are worked out once: the
origins of their frames are gathered from the first goroutine of each path, and
the buckets are made from the same paths, told first by what the parser read
the frames from (Goroutine._read). Every frame's origin and every bucket must
be what looking at each goroutine's frames on its own gives."""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

import pytest

from stackdemux.analyse import analyse
from stackdemux.analyse.buckets import bucket, call_paths, signature
from stackdemux.analyse.origins import assign_origins
from stackdemux.parse import parse_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("go1.*/*.txt")) + sorted(
    (ROOT / "samples" / "wild").glob("*.txt"))


def origins(reports) -> list:
    return [[(f.func, f.file, f.package, f.module, f.version, f.origin)
             for g in (*r.goroutines, *r.system_stacks)
             for f in (*g.frames, *(g.created_by.frame for _ in [0] if g.created_by),
                       *(f for a in g.ancestors for f in a.frames))]
            for r in reports]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_origins_gathered_per_call_path_are_those_of_every_frame_read_alone(sample):
    text = sample.read_bytes()
    alone = parse_text(text).reports
    assign_origins(alone)
    by_path = parse_text(text).reports
    paths = {r.id: call_paths(r, as_parsed=True) for r in by_path}
    assign_origins(by_path, alike={rid: p.values() for rid, p in paths.items()})
    assert origins(by_path) == origins(alone)
    read = [bucket(r, paths[r.id]) for r in by_path]
    for r in by_path:  # by their frames' fields alone
        for g in r.goroutines:
            g._read = None
    assert read == [bucket(r) for r in by_path]


def test_goroutines_read_from_other_lines_but_on_one_path_share_a_bucket():
    # GOTRACEBACK=system prints each goroutine's fp= and sp=: their file lines differ
    sample = ROOT / "samples" / "go1.21" / "traceback_system.txt"
    (report,) = parse_text(sample.read_bytes()).reports
    assert all(len(g._read) == 2 * len(g.frames) for g in report.goroutines)
    assert len({g._read for g in report.goroutines}) == len(report.goroutines)
    buckets = bucket(report, call_paths(report, as_parsed=True))
    assert len(buckets) < len(report.goroutines)
    assert [b.ids for b in buckets if b.count > 1]  # (in the report's order)
    for b in buckets:
        assert b.ids == sorted(b.ids, key=[g.id for g in report.goroutines].index)


def test_a_goroutine_whose_frames_changed_after_the_parse_is_told_by_its_frames():
    sample = ROOT / "samples" / "go1.21" / "sigquit.txt"
    (report,) = parse_text(sample.read_bytes()).reports
    before = {b.signature: b.count for b in bucket(report)}
    changed = report.goroutines[-1]
    del changed.frames[0]  # (its _read no longer stands for its frames)
    after = {b.signature: b.ids for b in bucket(report, call_paths(report, as_parsed=True))}
    assert signature(changed) not in before and changed.id in after[signature(changed)]


def test_a_frame_renamed_after_the_parse_is_bucketed_and_placed_by_its_new_name():
    # a bot renames a frame between the stages (parse, then analyse): the frame
    # count stays, so only the frames themselves can say the goroutine changed
    sample = ROOT / "samples" / "go1.27" / "traceback_all.txt"
    reports = parse_text(sample.read_bytes()).reports
    report = max(reports, key=lambda r: len(r.goroutines))
    read = Counter(g._read for g in report.goroutines)
    alike = [g for g in report.goroutines if g._read == read.most_common(1)[0][0]]
    assert len(alike) > 1  # (goroutines read from the same lines: one path)
    alike[-1].frames[0].func = "main.renamedByTheBot"
    _, buckets = analyse(reports)
    (renamed,) = [b for b in buckets[report.id]
                  if b.goroutine.frames[0].func == "main.renamedByTheBot"]
    assert renamed.ids == [alike[-1].id] and renamed.goroutine is alike[-1]
    assert alike[-1].frames[0].origin == "main"


def test_a_dump_of_goroutines_parked_alike_has_few_paths_and_each_frame_its_origin():
    # benchmarks/bigdump: 20 000 goroutines of a real Go 1.21 program in 35 call paths
    dump = gzip.decompress((ROOT / "benchmarks" / "data" / "goroutines-20k.go1.21.txt.gz")
                           .read_bytes())
    (report,) = parse_text(dump).reports
    paths = call_paths(report)
    assert len(report.goroutines) == 20_001 and len(paths) < 50
    assign_origins([report], alike={report.id: paths.values()})
    frames = [f for g in report.goroutines
              for f in (*g.frames, *(g.created_by.frame for _ in [0] if g.created_by))]
    assert {f.origin for f in frames} == {"main", "stdlib"}
    for members in paths.values():  # each goroutine's frames as its path's first's
        first = [(f.package, f.module, f.origin) for f in members[0].frames]
        assert all([(f.package, f.module, f.origin) for f in g.frames] == first
                   for g in members)


def test_goroutines_with_ancestors_on_one_path_keep_their_ancestors_origins():
    sample = ROOT / "samples" / "go1.27" / "ancestors.txt"
    reports = parse_text(sample.read_bytes()).reports
    assert any(g.ancestors for r in reports for g in r.goroutines)
    assign_origins(reports, alike={r.id: call_paths(r).values() for r in reports})
    ancestral = [f for r in reports for g in r.goroutines for a in g.ancestors for f in a.frames]
    assert ancestral and all(f.origin is not None for f in ancestral)


def test_goroutines_of_one_path_read_from_lines_of_two_kinds_keep_the_reports_order():
    dump = gzip.decompress((ROOT / "benchmarks" / "data" / "goroutines-20k.go1.21.txt.gz")
                           .read_bytes())
    (report,) = parse_text(dump).reports
    # every other goroutine as if its file lines read otherwise (two call sites
    # on a line, fp= and sp= printed): read alike two ways, one path each way
    for g in report.goroutines[::2]:
        g._read = (*g._read[:-1], g._read[-1] + " +0x1")
    two_ways = bucket(report, call_paths(report, as_parsed=True))
    for g in report.goroutines:
        g._read = None
    assert two_ways == bucket(report) and len(two_ways) < 50
