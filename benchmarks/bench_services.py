#!/usr/bin/env python3
"""8 services with no prefix, logging and crashing, merged the three ways a collector merges.

    python benchmarks/bench_services.py [--sizes 12,25,50,100] [--merges lines,runs,chunks]
                                        [--seed 1] [--keep] [--truth]

The issue's target: "a 50 MB log of 8 interleaved processes demultiplexes at
>= 10 MB/s; time linear; memory bounded by the open streams, not the log".
bench_demux.py meets it behind compose prefixes; its unprefixed logs are the
adversarial shape (every line a traceback line, each output repeated). This one
is what an unprefixed log of 8 services mostly is: ordinary log lines, with
their crashes among them. Everything in it is real output:
  * each service logs the lines of a real log, cycled from its own place:
    the registry imitation's logrus log (samples/threads/registry.log, its syslog
    prefix taken off: it holds a real `http: panic serving` traceback), the slog
    lines of samples/threads/formats.*, the real tools' output in
    tests/corpus/noise (decoys.log: log lines that mention panics);
  * each service crashes with one real corpus output (tests/corpus/cases, the
    clean p<i>.out of a process; under 64 KB): services 1-4 in a crash loop (a
    crash every --crash-every-kb of their log on average, restarted 0.2 s later;
    half of their crashes at an outage's moment that another of the four shares,
    so two dumps are written at once), services 5-8 once, at a random moment.
Time model: a service writes its log lines at a steady rate (exponential gaps)
over 1000 s, each line one write(); a dump's lines follow one another every
~5 µs (the runtime prints a line with several writes). The merges:
  * lines:  whole lines in the order they were written (one writer's lines never
    cut: a collector splitting each pipe into lines, passing each on at once);
  * runs:   a collector that wakes every millisecond and passes on, pipe by pipe,
    every whole line written since (runs of 1 to hundreds of lines);
  * chunks: the same collector passing on the bytes read(): up to 32 KiB a pipe
    and wake, cut where the writer had got to (a dump's line mid-way).
Each log is written to /tmp (nothing committed) and measured in a fresh process
by bench_demux.measure: read (a log of 32 MiB or more is sieved) + demux, then
parse; MB/s of CPU time, peak memory (VmHWM: bench_demux.peak_mb). `--truth` also counts the
reports of each service's own output read alone (an upper bound: read alone, a
decoy such as `2026/11/25 19:21:32 panic: false, …` and the slog sample's
`http: panic serving …: boom` count as reports; among other lines they are noise).
"""

from __future__ import annotations

import argparse
import heapq
import json
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_demux  # noqa: E402  (its corpus reader and its measurement)

OUT = Path("/tmp/stackdemux-bench")
MB = 1 << 20
SPAN = 1000.0  # seconds the services run
DUMP_GAP = 5e-6  # between a dump's lines
RESTART = 0.2
POLL = 1e-3  # the collector's wake-up
READ_MAX = 32 * 1024
MERGES = ("lines", "runs", "chunks")


def log_sources() -> list[list[bytes]]:
    """Real logs, each a list of lines (with their newline)."""
    registry = []
    for ln in (ROOT / "samples/threads/registry.log").read_bytes().splitlines(keepends=True):
        at = ln.find(b"]: ")  # `Nov 25 19:22:48 10.1.0.7 registry[31882]: `, the syslog prefix
        registry.append(ln[at + 3:] if at >= 0 else ln)
    slog = b"".join((ROOT / "samples/threads" / f).read_bytes()
                    for f in ("formats.text.log", "formats.json.log", "formats.log.log"))
    noise = ROOT / "tests/corpus/noise"
    tools = b"".join((noise / f).read_bytes() for f in ("make-gcc.log", "npm.log", "pip.log",
                                                         "pytest.log", "go-test-pass.log"))
    return [registry, registry, registry, slog.splitlines(keepends=True),
            (noise / "go-build-x.log").read_bytes().splitlines(keepends=True),
            tools.splitlines(keepends=True),
            ((noise / "decoys.log").read_bytes() + slog).splitlines(keepends=True),
            registry]


def services(size: int, seed: int, crash_every: int) -> list[list[tuple[float, bytes, bool]]]:
    """Each service's writes: (time, line, in a dump)."""
    rng = random.Random(seed)
    logs = log_sources()
    crashes = rng.sample([o for o in bench_demux.corpus_outputs() if len(o) < 64 * 1024], 8)
    per = size // 8
    loops = 4
    # crash moments: each looping service's own, half of them at outages shared by two
    counts = [max(1, per // crash_every) for _ in range(loops)]
    outages = sorted(rng.uniform(0, SPAN) for _ in range(sum(counts) // 4))
    plans: list[list[float]] = []
    for k in range(8):
        if k < loops:
            own = [rng.uniform(0, SPAN) for _ in range(counts[k] - counts[k] // 2)]
            shared = rng.sample(outages, min(len(outages), counts[k] // 2))
            plans.append(sorted(own + shared))
        else:
            plans.append([rng.uniform(0, SPAN)])
    out = []
    for k in range(8):
        lines, dump = logs[k], crashes[k].splitlines(keepends=True)
        mean = sum(map(len, lines)) / len(lines)
        log_bytes = per - len(plans[k]) * len(crashes[k])
        gap = SPAN / max(1.0, log_bytes / mean)
        at = rng.randrange(len(lines))
        t, written, seq = 0.0, 0, []
        todo = list(plans[k])
        while written < per:
            t += rng.expovariate(1 / gap)
            if todo and t >= todo[0]:
                t = max(t, todo.pop(0))
                for d in dump:
                    seq.append((t, d, True))
                    written += len(d)
                    t += rng.expovariate(1 / DUMP_GAP)
                t += RESTART
                continue
            ln = lines[at % len(lines)]
            at += 1
            seq.append((t, ln, False))
            written += len(ln)
        out.append(seq)
    return out


def merge_lines(seqs) -> list[bytes]:
    return [ln for _, _, ln in heapq.merge(*([(t, k, ln) for t, ln, _ in s]
                                            for k, s in enumerate(seqs)))]


def merge_runs(seqs, chunks: bool) -> list[bytes]:
    """A collector waking every POLL: each pipe's whole lines written since (runs), or
    the bytes written since, up to READ_MAX a read (chunks: a dump's line is
    written along its time up to the next line's)."""
    out: list[bytes] = []
    pos = [0] * 8  # next line
    part = [0] * 8  # bytes of that line already passed on (chunks)
    now = 0.0
    while any(p < len(s) for p, s in zip(pos, seqs, strict=True)):
        now += POLL
        # (skip quiet stretches in one step)
        nxt = min(s[p][0] for p, s in zip(pos, seqs, strict=True) if p < len(s))
        if nxt > now:
            now = nxt + POLL * 0.5
        for k, s in enumerate(seqs):
            got, budget = [], READ_MAX
            while pos[k] < len(s) and s[pos[k]][0] <= now:
                t, ln, in_dump = s[pos[k]]
                if chunks:
                    end = s[pos[k] + 1][0] if pos[k] + 1 < len(s) else t
                    upto = len(ln)
                    if in_dump and end > now:  # being written: as far as the writer got
                        upto = max(part[k], int(len(ln) * (now - t) / (end - t)))
                    take = min(upto - part[k], budget)
                    got.append(ln[part[k]:part[k] + take])
                    part[k] += take
                    budget -= take
                    if part[k] < len(ln):
                        break
                    part[k] = 0
                    if budget == 0:
                        pos[k] += 1
                        break
                else:
                    got.append(ln)
                pos[k] += 1
            if got:
                out.append(b"".join(got))
    return out


def write_log(path: Path, size: int, merge: str, seed: int, crash_every: int,
              truth: bool = False) -> list[Path]:
    seqs = services(size, seed, crash_every)
    data = (merge_lines(seqs) if merge == "lines" else merge_runs(seqs, merge == "chunks"))
    path.write_bytes(b"".join(data))
    made = [path]
    if truth:
        for k, s in enumerate(seqs):
            p = path.with_suffix(f".p{k}.out")
            p.write_bytes(b"".join(ln for _, ln, _ in s))
            made.append(p)
    return made


def true_reports(paths: list[Path]) -> int:
    """The reports of each service's own output, read alone (one stream each)."""
    code = ("import sys,json\nfrom stackdemux.api import load, Options, split_streams\n"
            "from stackdemux.parse import parse_stream, report_ids\nn=0\n"
            "for p in sys.argv[1:]:\n s,_=split_streams(load(p), Options())\n"
            " n+=sum(len(parse_stream(x, report_ids()).reports) for x in s)\nprint(n)")
    r = subprocess.run([sys.executable, "-c", code, *map(str, paths)], capture_output=True,
                       text=True, check=True)
    return int(r.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="12,25,50,100", help="MB, comma-separated")
    ap.add_argument("--merges", default=",".join(MERGES))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--crash-every-kb", type=int, default=256)
    ap.add_argument("--truth", action="store_true",
                    help="count the reports of each service's output alone too")
    ap.add_argument("--keep", action="store_true", help="keep the logs in " + str(OUT))
    ap.add_argument("--json", action="store_true", help="one JSON object a measurement")
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    for merge in args.merges.split(","):
        for mb in (float(x) for x in args.sizes.split(",")):
            p = OUT / f"services-8x-{merge}-{mb:g}mb.log"
            made = write_log(p, int(mb * MB), merge, args.seed, args.crash_every_kb * 1024,
                             args.truth)
            try:
                m = bench_demux.run_one(p)
                if args.truth:
                    m["true_reports"] = true_reports(made[1:])
                m["merge"] = merge
                if args.json:
                    print(json.dumps(m), flush=True)
                else:
                    extra = f"  (alone: {m['true_reports']} reports)" if args.truth else ""
                    print(bench_demux.line(f"8 services, {merge}", m) + extra, flush=True)
            finally:
                if not args.keep:
                    for f in made:
                        f.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
