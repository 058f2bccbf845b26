"""Goroutine buckets: same call path (func, file, line per frame, and creator),
whatever the ids, argument values, states and wait times."""

from pathlib import Path

import pytest

from stackdemux.analyse.buckets import bucket
from stackdemux.parse import parse_text

ROOT = Path(__file__).resolve().parent.parent
CRASHES = ROOT.parent / "shared" / "conformance" / "panicparse-crashes"
SAMPLES = ROOT / "samples"


def report(path: Path):
    if not path.exists():
        pytest.skip(f"{path.name} not available")
    return parse_text(path.read_bytes()).reports[0]


def test_goroutines_differing_only_in_argument_values_share_a_bucket():
    # panicparse's "dedupe pointers" case: 100 sleeping goroutines, each with its own pointer
    r = report(CRASHES / "goroutine_dedupe_pointers.txt")
    buckets = bucket(r)
    args = {g.frames[1].args for g in r.goroutines if len(g.frames) > 1 and g.state == "sleep"}
    assert len(args) > 1, "the sample's goroutines do differ in arguments"
    assert sum(b.count for b in buckets) == len(r.goroutines)
    sleeping = buckets[0]
    assert sleeping.states == ["sleep"]
    assert sleeping.count == len([g for g in r.goroutines if g.state == "sleep"])
    assert sleeping.ids == sorted(sleeping.ids)
    assert sleeping.goroutine.id == sleeping.ids[0]
    assert "time.Sleep" in sleeping.signature and "created by main.init" in sleeping.signature


def test_most_populated_bucket_first_and_every_goroutine_counted_once():
    r = report(CRASHES / "goroutine_100.txt")
    buckets = bucket(r)
    counts = [b.count for b in buckets]
    assert counts == sorted(counts, reverse=True)
    ids = [i for b in buckets for i in b.ids]
    assert sorted(ids) == sorted(g.id for g in r.goroutines)


def test_different_lines_are_different_buckets():
    r = report(SAMPLES / "go1.21" / "skopeo_vendor.txt")
    buckets = bucket(r)
    # three layer goroutines wait in copyBlobFromStream; the crashing one and goroutine 1 differ
    assert [b.count for b in buckets] == [3, 1, 1]
    assert buckets[0].states == ["select"]


def test_wait_minutes_range():
    r = report(CRASHES / "goroutine_100.txt")
    for g in r.goroutines[:10]:
        g.wait_minutes = g.id % 7
    for b in bucket(r):
        members = [g for g in r.goroutines if g.id in b.ids]
        waits = [g.wait_minutes for g in members if g.wait_minutes is not None]
        assert b.wait_minutes == ((min(waits), max(waits)) if waits else None)


@pytest.mark.parametrize("version", ["1.27", "1.21"])
def test_a_twenty_thousand_goroutine_dump_collapses_to_its_call_paths(version):
    import gzip
    import json

    data = ROOT / "benchmarks" / "data"
    dump = data / f"goroutines-20k.go{version}.txt.gz"
    truth_file = data / "goroutines-20k.truth.json"
    if not dump.exists() or not truth_file.exists():
        pytest.skip("benchmarks/data/goroutines-20k not generated yet")
    truth = json.loads(truth_file.read_text())
    r = parse_text(gzip.decompress(dump.read_bytes())).reports[0]
    buckets = bucket(r)
    assert sum(b.count for b in buckets) == len(r.goroutines)
    # Arguments differ between goroutines of one path (panicparse's default mode
    # makes thousands of buckets here); call paths do not.
    args = {g.frames[-1].args for g in r.goroutines if g.frames}
    assert len(args) > 1000
    # One bucket per call path the generator started (truth["call_paths"]), each
    # holding its ~570 goroutines; besides them only the goroutine that panicked
    # and at most a couple caught on another line than their siblings at the
    # moment of the dump (an RWMutex writer that got the inner mutex, a pipe
    # reader runnable in syscall.read): real differences of call path.
    paths = truth["call_paths"]
    big = [b for b in buckets if b.count > 100]
    assert paths - 2 <= len(big) <= paths
    assert len(buckets) <= paths + 3
    assert len({b.states[0] for b in big}) > 5
