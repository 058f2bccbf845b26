"""Benchmark: a big `go test -json` log, sieved (stackdemux/sieve.py), at two sizes.

    python benchmarks/bench_bigjson.py [--subtests 4000,16000] [--go GO] [--repeat N]

Each log is made by benchmarks/bigjson/generate.sh with a real Go toolchain (default
Go 1.27.3; BIGJSON_SUBTESTS passing subtests of 60 log lines: 4000 make 54 MB,
16000 make 218 MB) under /tmp, once (not committed). For each it prints the bytes,
the reports read (3: a failure at the head, one in the middle, a panic last), and
the whole command's CPU time (user + system, in one process: STACKDEMUX_JOBS=1) and
peak memory, best of N. Linear in size: the CPU time less the start-up's grows as
the log does; bounded in memory: the peak stays near the start-up's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def build(subtests: int, go: str) -> Path:
    out = Path(f"/tmp/stackdemux-bigjson-{subtests}.jsonl")
    if not out.exists():
        env = {**os.environ, "BIGJSON_SUBTESTS": str(subtests)}
        subprocess.run([str(HERE / "bigjson" / "generate.sh"), go, str(out)], env=env, check=True)
    return out


def run(log: Path) -> tuple[float, int, int]:
    """CPU seconds, peak RSS in KB and reports of one `stackdemux -f json LOG`."""
    env = {**os.environ, "STACKDEMUX_JOBS": "1", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "stackdemux", "-f", "json", str(log)],
                            stdout=subprocess.PIPE, env=env)
    out = proc.stdout.read()  # type: ignore[union-attr]
    _, _, usage = os.wait4(proc.pid, 0)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss, len(json.loads(out)["reports"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--subtests", default="4000,16000")
    ap.add_argument("--go", default="/opt/gobin/1.27.3/go/bin/go")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    for n in (int(x) for x in args.subtests.split(",")):
        log = build(n, args.go)
        runs = [run(log) for _ in range(args.repeat)]
        cpu = min(r[0] for r in runs)
        rss = min(r[1] for r in runs)
        size = log.stat().st_size
        print(f"{n:6d} subtests  {size / 1e6:7.1f} MB  reports {runs[0][2]}  "
              f"CPU {cpu:.2f} s  ({size / 1e6 / cpu:.0f} MB/s)  peak {rss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
