"""Benchmark `stackdemux threads`: MB/s and peak memory on big logs made of the
registry sample repeated with fresh ids (every UUID rewritten per copy, so each
copy is new requests and uploads; the syslog prefix and times stay as captured).

    python benchmarks/bench_threads.py             # 50 MB and 200 MB, summary mode
    python benchmarks/bench_threads.py --mb 1000   # and a 1 GB log
    python benchmarks/bench_threads.py --full      # also the default mode (keeps records)

Each run is a fresh child process, so its peak RSS is its own: in summary mode
the peak should stay flat as the log grows (memory bounded by open threads).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "threads" / "registry.log"
UUID = re.compile(r"[0-9a-f]{8}(?=-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")


def make_log(path: Path, mb: int) -> Path:
    if path.exists() and path.stat().st_size >= mb * 1_000_000:
        return path
    text = SAMPLE.read_text()
    copies = mb * 1_000_000 // len(text.encode()) + 1
    with path.open("w") as out:
        for k in range(copies):
            out.write(UUID.sub(f"{k:08x}", text))
    return path


def child(path: str, mode: str) -> None:
    sys.path.insert(0, str(ROOT))
    from stackdemux.threads import iter_threads, thread_log

    size = os.path.getsize(path)
    t0 = time.perf_counter()
    if mode == "summary":
        header, stream = iter_threads(path, link="vars.uuid")
        selected = sum(1 for _ in stream)
        total = header.total_threads
    else:
        result = thread_log(path, link="vars.uuid")
        selected, total = len(result.threads), result.total_threads
    dt = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB → MiB on Linux
    print(f"{mode:8} {size / 1e6:8.1f} MB  {dt:7.2f} s  {size / 1e6 / dt:6.1f} MB/s  "
          f"peak RSS {peak:7.1f} MiB  threads {total} (shown {selected})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, action="append", help="log sizes (default: 50, 200)")
    ap.add_argument("--full", action="store_true", help="also run the default (full) mode")
    ap.add_argument("--dir", default="/tmp", help="where the generated logs go")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    for mb in args.mb or [50, 200]:
        path = make_log(Path(args.dir) / f"stackdemux-threads-{mb}mb.log", mb)
        for mode in ["summary", *(["full"] if args.full else [])]:
            subprocess.run([sys.executable, __file__, "--child", str(path), mode], check=True)


if __name__ == "__main__":
    main()
