"""Throughput of the prefix stage (detect + split + streams), printed in MB/s.

Prefixed logs: real Go crash output (samples/, the peer conformance crashes)
with each line prefixed the way a collector does, eight processes interleaved
line by line, repeated up to --mb. For each style it prints detect (ms), split,
streams, and MB/s for detect+split and for the whole stage (as the demux runs it).

No-prefix log: real build output (tests/corpus/noise, written by real tools) with
a real crash every few MB, repeated to --big-mb and written to /tmp: a log that
is mostly ordinary build output. There the stage is the wrapper sniff plus the
prefix detection, both on a sample: it is timed at two sizes to show it does not
grow with the log, and the figure for 1 GB is that time (not a multiple of it).

Wall and CPU (process) seconds are both printed, each the best of --repeat runs:
the machine may be shared. Cyclic GC stays on (the library turns it off itself
where it allocates in bulk).

    python benchmarks/bench_prefixes.py [--mb 100] [--big-mb 200] [--style compose ...]
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from pathlib import Path

from stackdemux.demux.prefixes import compiled_styles, detect, split_prefixed, to_streams
from stackdemux.demux.wrapped import unwrap_detail

ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE = Path("/work/shared/conformance/panicparse-crashes")
NOISE = ROOT / "tests" / "corpus" / "noise"
OUT = Path("/tmp/stackdemux-bench")

PREFIX = {
    "compose": lambda k, ln: f"\x1b[36mworker-{k}  |\x1b[0m {ln}",
    "kubectl": lambda k, ln: f"[pod/worker-{k}/app] {ln}",
    "cri": lambda k, ln: f"2026-01-02T03:04:05.123456789Z stderr F {ln}",
    "gitlab": lambda k, ln: f"2026-01-02T03:04:05.123456Z {k:02x}E {ln}",
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


def build_log(megabytes: int) -> Path:
    """Real build output with a real crash every ~4 MB, written to /tmp."""
    noise = []
    for f in sorted(NOISE.glob("*.log")):
        if f.name != "decoys.log":
            noise.extend(f.read_text(errors="replace").splitlines())
    crash = real_lines()[0]
    block = "\n".join(noise) + "\n"
    reps = max(1, 4_000_000 // len(block))
    unit = block * reps + "\n".join(crash) + "\n"
    OUT.mkdir(exist_ok=True)
    path = OUT / f"build-{megabytes}mb.log"
    with path.open("w") as f:
        for _ in range(max(1, megabytes * 1_000_000 // len(unit))):
            f.write(unit)
    return path


class Clock:
    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        got = (wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return got


def bench_style(style: str, megabytes: int, repeat: int) -> None:
    lines = build(style, megabytes)
    size = sum(len(ln) + 1 for ln in lines) / 1e6
    best: list[list[float]] = [[1e9, 1e9] for _ in range(3)]  # detect, split, streams
    for _ in range(repeat):
        gc.collect()
        clock = Clock()
        styles = detect(lines)
        laps = [clock.lap()]
        split = split_prefixed(lines, styles)
        laps.append(clock.lap())
        streams = to_streams(lines, split)
        laps.append(clock.lap())
        del split
        for b, lap in zip(best, laps, strict=True):
            b[:] = [min(b[0], lap[0]), min(b[1], lap[1])]
    (d_wall, d_cpu), (s_wall, s_cpu), (t_wall, t_cpu) = best
    print(f"{style:15} {size:6.1f} MB {len(lines):8} lines  styles {[s.name for s in styles]}, "
          f"{len(streams)} streams")
    print(f"{'':15} detect {d_wall * 1e3:5.1f} ms, split {s_wall:.2f} s, streams {t_wall:.2f} s"
          f" | detect+split {size / (d_wall + s_wall):5.1f} MB/s (cpu "
          f"{size / (d_cpu + s_cpu):5.1f}), whole stage {size / (d_wall + s_wall + t_wall):5.1f}"
          f" MB/s (cpu {size / (d_cpu + s_cpu + t_cpu):5.1f})")


def bench_no_prefix(megabytes: int) -> None:
    for mb in (megabytes // 10, megabytes):
        path = build_log(mb)
        data = path.read_text()
        lines = data.split("\n")
        size = len(data) / 1e6
        del data
        clock = Clock()
        wrapped = unwrap_detail(lines)
        styles = detect(lines)
        wall, cpu = clock.lap()
        assert wrapped is None and styles == [], (wrapped, styles)
        print(f"{'no prefix':15} {size:6.1f} MB {len(lines):8} lines  sniff+detect "
              f"{wall * 1e3:6.1f} ms (cpu {cpu * 1e3:6.1f} ms): {size / wall:8.0f} MB/s "
              f"(a sample: 1 GB costs about the same ms)")
        del lines
        path.unlink()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--big-mb", type=int, default=200)
    ap.add_argument("--style", action="append", choices=sorted(PREFIX),
                    help="styles to run (default: all)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs per style; the best is printed (the machine may be shared)")
    args = ap.parse_args()
    clock = Clock()
    compiled_styles()  # the grammar is loaded once per process: not per log
    print(f"grammar + regexes compiled once: {clock.lap()[0] * 1e3:.0f} ms")
    for style in args.style or list(PREFIX):
        bench_style(style, args.mb, args.repeat)
    bench_no_prefix(args.big_mb)


if __name__ == "__main__":
    main()
