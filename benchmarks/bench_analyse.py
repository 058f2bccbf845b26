"""What analysis adds to parsing, and how grouping scales, printed in MB/s and seconds.

1. Parse vs parse + analyse (origins, buckets, groups, chains, fingerprints,
   hints) on the 20 000-goroutine Go 1.27 dump (benchmarks/data/
   goroutines-20k.go1.27.txt.gz); the target is analysis ≤ 20 % of parse time.
   Without that file, a stand-in is made from panicparse's real 100-goroutine
   crash, its goroutine blocks repeated with new ids up to 20 000.
2. Grouping 2 500 / 5 000 / 10 000 reports made by repeating the real parsed
   samples with varied numbers in their messages: time per report should stay
   flat (near-linear), since titles, not reports, are compared.

    python benchmarks/bench_analyse.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import copy
import gc
import gzip
import re
import time
from pathlib import Path

from stackdemux.analyse import analyse
from stackdemux.analyse.buckets import bucket
from stackdemux.analyse.groups import group
from stackdemux.parse import parse_text

ROOT = Path(__file__).resolve().parent.parent
DUMP = ROOT / "benchmarks" / "data" / "goroutines-20k.go1.27.txt.gz"
CRASHES = ROOT.parent / "shared" / "conformance" / "panicparse-crashes"


def dump_text() -> tuple[bytes, str]:
    if DUMP.exists():
        return gzip.decompress(DUMP.read_bytes()), DUMP.name
    text = (CRASHES / "goroutine_100.txt").read_text()
    head, _, rest = text.partition("\n\n")
    blocks = [b for b in rest.split("\n\n") if b.startswith("goroutine ")]
    out, n = [head], 1
    while n < 20_000:
        for block in blocks[1:]:
            n += 1
            out.append(re.sub(r"^goroutine \d+", f"goroutine {n}", block))
    return ("\n\n".join(out) + "\n").encode(), "stand-in: goroutine_100.txt blocks ×200"


def best(fn, repeat: int) -> float:
    """Best of `repeat` runs, without the cyclic GC, as the CLI and the API run."""
    times = []
    for _ in range(repeat):
        gc.disable()
        try:
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return min(times)


def bench_dump(repeat: int) -> None:
    data, name = dump_text()
    mb = len(data) / 1e6
    parsed = parse_text(data)
    goroutines = sum(len(r.goroutines) for r in parsed.reports)
    t_parse = best(lambda: parse_text(data), repeat)
    t_bucket = best(lambda: [bucket(r) for r in parsed.reports], repeat)
    t_analyse = best(lambda: analyse(parsed.reports), repeat)
    buckets = sum(len(bucket(r)) for r in parsed.reports)
    print(f"dump: {name}: {mb:.1f} MB, {goroutines} goroutines → {buckets} buckets")
    print(f"  parse            {t_parse:6.3f} s  {mb / t_parse:6.1f} MB/s")
    print(f"  buckets alone    {t_bucket:6.3f} s  ({100 * t_bucket / t_parse:4.1f} % of parse)")
    print(f"  analyse (all)    {t_analyse:6.3f} s  ({100 * t_analyse / t_parse:4.1f} % of parse)")
    print(f"  parse + analyse  {t_parse + t_analyse:6.3f} s  "
          f"{mb / (t_parse + t_analyse):6.1f} MB/s  ratio {(t_parse + t_analyse) / t_parse:.2f}")


def real_reports():
    out = []
    for path in sorted(ROOT.glob("samples/go*/*.txt")):
        out.extend(parse_text(path.read_bytes()).reports)
    return [r for r in out if r.goroutines]


_NUMBER = re.compile(r"(?<![\w.])\d+(?![\w.])")


def synthetic(base, n: int):
    reports = []
    for i in range(n):
        r = copy.copy(base[i % len(base)])
        r.id = f"r{i}"
        r.stream = f"s{i % 50}"
        # vary the numbers a process would (counts, sizes), not digits inside words or hex
        r.message = _NUMBER.sub(lambda m, i=i: str(int(m.group()) + i), r.message)
        reports.append(r)
    return reports


def bench_grouping(repeat: int) -> None:
    base = real_reports()
    print(f"grouping: {len(base)} real reports repeated with varied numbers")
    for n in (2_500, 5_000, 10_000):
        reports = synthetic(base, n)
        t = best(lambda reports=reports: group(reports), repeat)
        groups = group(reports)
        print(f"  {n:6d} reports  {t:6.3f} s  {1e6 * t / n:6.1f} µs/report  {len(groups)} groups")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bench_dump(args.repeat)
    bench_grouping(args.repeat)


if __name__ == "__main__":
    main()
