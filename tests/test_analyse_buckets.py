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
        waits = [g.wait_minutes for g in r.goroutines if g.id in b.ids and g.wait_minutes is not None]
        assert b.wait_minutes == ((min(waits), max(waits)) if waits else None)


def test_twenty_thousand_goroutines_from_35_call_paths_give_35_buckets():
    import gzip
    import json

    data = ROOT / "benchmarks" / "data"
    dump = data / "goroutines-20k.go1.27.txt.gz"
    truths = sorted(data.glob("goroutines-20k*.json"))
    if not dump.exists() or not truths:
        pytest.skip("benchmarks/data/goroutines-20k not generated yet")
    truth = json.loads(truths[0].read_text())
    r = parse_text(gzip.decompress(dump.read_bytes())).reports[0]
    assert len(r.goroutines) >= 20_000
    expected = truth.get("call_paths") or truth.get("paths") or 35
    assert len(bucket(r)) == (expected if isinstance(expected, int) else len(expected))
