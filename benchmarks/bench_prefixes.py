"""Throughput of prefix detection + stripping on a big prefixed log, printed in MB/s.

The log is real Go crash output (samples/, the peer conformance crashes) with
each line prefixed the way a collector does, eight processes interleaved line
by line, repeated up to the requested size.

    python benchmarks/bench_prefixes.py [--mb 100] [--style compose|kubectl|cri|github+compose|...]
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from stackdemux.demux.prefixes import detect, split_prefixed

ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE = Path("/work/shared/conformance/panicparse-crashes")

PREFIX = {
    "compose": lambda k, ln: f"\x1b[36mworker-{k}  |\x1b[0m {ln}",
    "kubectl": lambda k, ln: f"[pod/worker-{k}/app] {ln}",
    "cri": lambda k, ln: f"2026-01-02T03:04:05.123456789Z stderr F {ln}",
    "syslog": lambda k, ln: f"Apr  6 11:46:38 node1 worker[{k}]: {ln}",
    "buildkit": lambda k, ln: f"#{k} 3.456 {ln}",
    "github+compose": lambda k, ln: f"2026-01-02T03:04:05.1234567Z worker-{k}  | {ln}",
}


def real_lines() -> list[list[str]]:
    files = sorted(ROOT.glob("samples/go*/*.txt")) + sorted(CONFORMANCE.glob("*.txt"))
    out = [f.read_text(errors="replace").splitlines() for f in files]
    return [lines for lines in out if lines]


def build(style: str, megabytes: int, processes: int = 8) -> list[str]:
    rng = random.Random(1)
    outputs = real_lines()
    make = PREFIX[style]
    block: list[str] = []
    for k in range(processes):
        text = [make(k + 1, ln) for ln in rng.choice(outputs)]
        block.extend(text)
    rng.shuffle(block)  # whole-line interleaving
    size = sum(len(ln) + 1 for ln in block)
    return block * max(1, megabytes * 1_000_000 // size)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--style", default="compose", choices=sorted(PREFIX))
    args = ap.parse_args()

    lines = build(args.style, args.mb)
    size = sum(len(ln) + 1 for ln in lines)
    t0 = time.perf_counter()
    styles = detect(lines)
    t1 = time.perf_counter()
    split = split_prefixed(lines, styles)
    t2 = time.perf_counter()
    keyed = sum(1 for k in split.keys if k is not None)
    print(f"{args.style}: {size / 1e6:.1f} MB, {len(lines)} lines, styles "
          f"{[s.name for s in styles]}, {keyed} keyed")
    print(f"  detect {t1 - t0:.3f} s, split {t2 - t1:.2f} s: {size / 1e6 / (t2 - t0):.1f} MB/s")


if __name__ == "__main__":
    main()
