#!/usr/bin/env python3
"""Speed of the line-level separator (demux/beam.py) on unprefixed, line-interleaved logs.

    python benchmarks/bench_beam.py [--styles bursts,random] [--mb 1] [--runs 3]
                                    [--against DIR]

Builds, into /tmp (never committed), the interleaved logs of bench_demux.py (8
corpus processes' outputs, repeated): `bursts` (runs of 1–64 whole lines, as a
collector reading pipes passes them on; --mb MB) and `random` (each line from a
process picked at random; a quarter of that). For each it prints, in MB/s of
the log, the whole demultiplexer (api.split_streams) and the separator alone
(beam.separate, on the lines the pipeline hands it), best CPU time of --runs.
With --against DIR (another checkout, e.g. a `git worktree` of an older
commit) it measures that one the same way, in its own process, and prints the
ratios. CPU time on a shared machine varies ±40 % from run to run: for an A/B
of one change, count instructions (valgrind --tool=cachegrind) instead.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path("/tmp/stackdemux-bench")
MB = 1 << 20


def build(style: str, size: int) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_demux

    OUT.mkdir(exist_ok=True)
    path = OUT / f"beam-{style}-{size}.log"
    if not path.exists():
        bench_demux.interleaved(path, size, style=style)
    return path


def measure(path: Path, runs: int) -> dict:
    """Run in this process (the checkout first on sys.path): best CPU seconds."""
    from stackdemux.api import Options, load, split_streams
    from stackdemux.demux import beam

    source = load(path)
    fed: list[tuple[list[str], list[list[int]]]] = []
    separate = beam.separate

    def kept(texts, groups=()):  # type: ignore[no-untyped-def]
        fed.append((list(texts), [list(g) for g in groups]))
        return separate(texts, groups)

    best_all = best_beam = float("inf")
    for run in range(runs):
        beam.separate = kept if run == 0 else separate
        c = time.process_time()
        split_streams(source, Options())
        best_all = min(best_all, time.process_time() - c)
        beam.separate = separate
        c = time.process_time()
        for texts, groups in fed:
            separate(texts, groups)
        best_beam = min(best_beam, time.process_time() - c)
    return {"bytes": path.stat().st_size, "all": best_all, "beam": best_beam,
            "lines": sum(len(t) for t, _ in fed)}


def run(checkout: Path, path: Path, runs: int) -> dict:
    code = (f"import sys, json; sys.path.insert(0, {str(checkout)!r}); "
            f"sys.path.insert(1, {str(ROOT / 'benchmarks')!r}); import bench_beam; "
            f"print(json.dumps(bench_beam.measure(__import__('pathlib').Path({str(path)!r}), "
            f"{runs})))")
    env = dict(os.environ, PYTHONHASHSEED="0")
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--styles", default="bursts,random")
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--against", type=Path, help="another checkout to compare with")
    a = ap.parse_args()
    for style in a.styles.split(","):
        size = int(a.mb * MB) if style != "random" else int(a.mb * MB) // 4
        path = build(style, size)
        got = run(ROOT, path, a.runs)
        mb = got["bytes"] / MB
        line = (f"{style:7s} {mb:5.2f} MB, {got['lines']} lines to the separator: "
                f"split_streams {mb / got['all']:6.3f} MB/s, beam.separate "
                f"{mb / got['beam']:6.3f} MB/s")
        if a.against:
            old = run(a.against, path, a.runs)
            line += (f"; vs {a.against}: split_streams x{old['all'] / got['all']:.2f}, "
                     f"beam.separate x{old['beam'] / got['beam']:.2f}")
        print(line, flush=True)


if __name__ == "__main__":
    main()
