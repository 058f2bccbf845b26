#!/usr/bin/env python3
"""Demultiplexing speed on big logs built from the corpus (issue 3's speed targets).

    python benchmarks/bench_demux.py [--big-mb 1024] [--interleaved-mb 50] [--unprefixed-mb 2]
                                     [--chunks-mb 0.25] [--only interleaved|build]
                                     [--styles random,bursts,compose,chunks]

Builds, into /tmp (never committed):
  * an interleaved log: the clean outputs of 8 corpus processes, repeated, their
    lines merged (each process's order kept) in random order, in bursts of whole
    lines, or behind compose prefixes — target ≥ 10 MB/s; or their bytes merged by
    a slow reader's read() chunks of 64-1024 bytes, cut anywhere (the splicer);
  * a build log: ordinary build output (tests/corpus/noise) with a traceback
    every few MB — target ≥ 200 MB/s;
  * the random-order log at 4 sizes, to show that time grows linearly.
Each measurement runs in a fresh process so that its peak memory (VmHWM)
is its own. The log is read from its file as the CLI reads it (a log of 32 MiB
or more is sieved: sieve.py, on one process per core: sieve_parallel.py), so
MB/s counts reading + demultiplexing, then reading + demultiplexing + parsing.
The read's CPU time (all its processes) is printed too, and read + demultiplex
in MB per CPU second: on a shared machine the wall-clock time says as much
about the neighbours (2 cores, load 4-8: 2-6 MB/s of wall, 8-10 of CPU).
STACKDEMUX_JOBS=1 measures the sieve on one core.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "corpus"))
OUT = Path("/tmp/stackdemux-bench")
MB = 1 << 20


def corpus_outputs() -> list[bytes]:
    """Every distinct clean process output in the corpus, largest first."""
    import score

    seen: dict[bytes, None] = {}
    for case in score.load_cases():
        for i in range(len(case.truth["processes"])):
            seen.setdefault(case.output(i))
    return sorted((o for o in seen if o), key=len, reverse=True)


# How the 8 outputs are merged: each line from a process picked at random (the
# hardest case: nothing but the tracebacks' structure tells the processes
# apart); runs of whole lines as a collector reading 8 pipes passes them on
# (bursts of 1–64 lines); or each line behind a `docker compose` prefix.
STYLES = ("random", "bursts", "compose", "chunks")


def interleaved(path: Path, size: int, seed: int = 1, style: str = "random") -> None:
    """8 processes' outputs, each repeated to size/8, merged line by line, or by
    read() chunks cut anywhere (see STYLES)."""
    rng = random.Random(seed)
    outputs = corpus_outputs()
    # Dumps small enough to repeat, so that every size holds many reports.
    small = [o for o in outputs if len(o) < 64 * 1024]
    picks = rng.sample(small, 8)
    per = size // 8
    seqs = []
    for out in picks:
        lines = out.splitlines(keepends=True)
        seq: list[bytes] = []
        n = 0
        while n + len(out) <= per or not seq:
            seq.extend(lines)
            n += len(out)
        seqs.append(seq)
    if style == "compose":
        seqs = [[b"svc-%d  | " % (i + 1) + line for line in seq] for i, seq in enumerate(seqs)]
    if style == "chunks":  # a slow reader's read()s of 8 pipes: 64-1024 bytes, cut anywhere
        cut = []
        for seq in seqs:
            data, at, pieces = b"".join(seq), 0, []
            while at < len(data):
                n = rng.randint(64, 1024)
                pieces.append(data[at:at + n])
                at += n
            cut.append(pieces)
        seqs = cut
    bag = [i for i, s in enumerate(seqs) for _ in s]
    rng.shuffle(bag)
    if style == "bursts":
        bag = []
        left = [len(s) for s in seqs]
        while any(left):
            i = rng.choice([k for k, n in enumerate(left) if n])
            run = min(left[i], rng.randint(1, 64))
            bag.extend([i] * run)
            left[i] -= run
    pos = [0] * 8
    with path.open("wb") as f:
        buf = []
        for i in bag:
            buf.append(seqs[i][pos[i]])
            pos[i] += 1
            if len(buf) > 4096:
                f.write(b"".join(buf))
                buf.clear()
        f.write(b"".join(buf))


def build_log(path: Path, size: int, seed: int = 1) -> None:
    """Ordinary build output with one traceback every ~8 MB."""
    rng = random.Random(seed)
    noise = b"".join(p.read_bytes() for p in sorted((ROOT / "tests/corpus/noise").glob("*.log"))
                     if p.name != "decoys.log")
    dumps = [o for o in corpus_outputs() if len(o) < 64 * 1024]
    block = noise * max(1, (8 * MB) // len(noise))
    with path.open("wb") as f:
        written = 0
        while written < size:
            f.write(block)
            dump = rng.choice(dumps)
            f.write(dump)
            written += len(block) + len(dump)


def measure(path: Path, parse: bool) -> dict:
    """Run in this process: ingest, demultiplex (and parse); time the stages after ingest."""
    from stackdemux.api import Options, load, split_streams
    from stackdemux.parse import parse_stream, report_ids
    from stackdemux.sieve_parallel import jobs_for

    t0 = time.perf_counter()
    c0 = _cpu()
    source = load(path)  # as the CLI reads a file: a log of 32 MiB or more is sieved
    t1 = time.perf_counter()
    read_cpu = _cpu() - c0
    streams, _ = split_streams(source, Options())
    t2 = time.perf_counter()
    demux_cpu = _cpu() - c0 - read_cpu
    reports = 0
    if parse:
        ids = report_ids()
        reports = sum(len(parse_stream(s, ids).reports) for s in streams)
    t3 = time.perf_counter()
    size = path.stat().st_size
    return {"mb": size / MB, "ingest_s": t1 - t0, "demux_s": t2 - t1,
            "read_cpu_s": read_cpu, "demux_cpu_s": demux_cpu,
            "jobs": jobs_for(size) if hasattr(source, "capture") else 1,
            "parse_s": t3 - t2,
            "streams": len(streams), "reports": reports,
            "maxrss_mb": peak_mb()}


def peak_mb() -> float:
    """This process's peak resident memory, MiB: VmHWM, its address space's own.
    ru_maxrss survives exec on Linux: a child of a big parent (bench_services holds
    the log it wrote) reported the parent's size (2 MB of log: 88 MB, where the
    run itself peaked at 43)."""
    try:
        with open("/proc/self/status") as f:
            for row in f:
                if row.startswith("VmHWM:"):
                    return int(row.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """CPU seconds of this process and of its (finished) sieve processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_one(path: Path, parse: bool = True) -> dict:
    r = subprocess.run([sys.executable, __file__, "--one", str(path)] + ([] if parse else
                                                                           ["--no-parse"]),
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def line(label: str, m: dict) -> str:
    read_demux = m["mb"] / (m["ingest_s"] + m["demux_s"])
    everything = m["mb"] / (m["ingest_s"] + m["demux_s"] + m["parse_s"])
    return (f"{label:<26} {m['mb']:8.1f} MB  read+demux {read_demux:8.2f} MB/s"
            f"  read+demux+parse {everything:8.2f} MB/s  (read {m['ingest_s']:.2f}s"
            f" on {m['jobs']} core{'s' if m['jobs'] > 1 else ''}, {m['read_cpu_s']:.2f}s CPU,"
            f" read+demux {m['mb'] / (m['read_cpu_s'] + m['demux_cpu_s']):.2f} MB/s of CPU,"
            f" demux {m['demux_s']:.2f}s, parse {m['parse_s']:.2f}s, {m['streams']} streams,"
            f" {m['reports']} reports, peak {m['maxrss_mb']:.0f} MB)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--no-parse", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--interleaved-mb", type=float, default=50,
                    help="size of the prefixed (compose) log: the issue's 50 MB")
    ap.add_argument("--unprefixed-mb", type=float, default=2,
                    help="largest size of the unprefixed logs (random order at 4 sizes, "
                         "bursts at this one): they run at ~0.1 MB/s, 50 MB would take hours")
    ap.add_argument("--chunks-mb", type=float, default=0.25,
                    help="size of the log merged by read() chunks (the splicer: ~30-60 s/MB)")
    ap.add_argument("--big-mb", type=int, default=1024)
    ap.add_argument("--only", choices=("interleaved", "build"), help="run one of the two")
    ap.add_argument("--styles", default="random,bursts,compose,chunks",
                    help="how the interleaved log's lines are merged: " + ", ".join(STYLES))
    ap.add_argument("--keep", action="store_true", help="keep the generated logs in " + str(OUT))
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, not args.no_parse)))
        return
    OUT.mkdir(exist_ok=True)
    made: list[Path] = []
    try:
        styles = [] if args.only == "build" else args.styles.split(",")
        for style in styles:
            # the hardest style at 4 sizes (time grows linearly), the others at one
            top = (args.interleaved_mb if style == "compose" else
                   args.chunks_mb if style == "chunks" else args.unprefixed_mb)
            for mb in [top * f for f in (0.125, 0.25, 0.5, 1)] if style == "random" else [top]:
                p = OUT / f"interleaved-8x-{style}-{mb:g}mb.log"
                interleaved(p, int(mb * MB), style=style)
                made.append(p)
                print(line(f"8 procs, {style}", run_one(p)), flush=True)
        if args.only == "interleaved":
            return
        p = OUT / f"build-{args.big_mb}mb.log"
        build_log(p, args.big_mb * MB)
        made.append(p)
        print(line("build log, few tracebacks", run_one(p)), flush=True)
    finally:
        if not args.keep:
            for p in made:
                p.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
