"""gccgo's tracebacks merged line by line, with each other and with the corpus's gc
processes: how many of their frames and reports the separator places right.

The outputs are the real captures committed in samples/gccgo12/ and the corpus's
p*.out; each merge is built here, so who wrote each line is known by construction:
lines in random order (each process's own order kept), in runs of 1–6 lines (as a
collector that reads whole lines in bursts passes them on), or in runs among runs of
a real `go build -v`'s lines (tests/data/gobuild/), which read like bare names.

    python tests/corpus/gccgo_merges.py [--seeds N] [-v]

Prints, per order, frames placed (in the right report and goroutine, at the
right index) and reports exact, as tests/corpus/score.py counts them.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from score import report_key  # noqa: E402

G = ROOT / "samples" / "gccgo12"
C = HERE / "cases"
# (name, outputs): gccgo with gccgo, gccgo with the corpus's gc processes
PAIRS: list[tuple[str, list[Path]]] = [
    ("bolt_all+deadlock", [G / "gccgo_bolt_all.txt", G / "gccgo_deadlock.txt"]),
    ("error+maps", [G / "gccgo_error.txt", G / "gccgo_maps.txt"]),
    ("small_all+nil+repanic", [G / "gccgo_small_all.txt", G / "gccgo_nil.txt",
                               G / "gccgo_repanic.txt"]),
    ("sigquit+bolt", [G / "gccgo_sigquit.txt", G / "gccgo_bolt.txt"]),
    ("bolt_all+gc bolt", [G / "gccgo_bolt_all.txt", C / "bolt-lines-random" / "p2.out"]),
    ("deadlock+gc mixed", [G / "gccgo_deadlock.txt", C / "mixed-lines-random" / "p3.out",
                           C / "mixed-lines-random" / "p4.out"]),
    ("system+gc crash", [G / "gccgo_system.txt", C / "crash-lines-random" / "p0.out"]),
    ("sigquit_many+gc maps", [G / "gccgo_sigquit_many.txt", C / "crash-lines-random" / "p1.out"]),
    ("cgo_segv_all+gc repanic", [G / "gccgo_cgo_segv_all.txt",
                                 C / "mixed-lines-random" / "p1.out"]),
]
# The same scenarios of the same program built by gc (the corpus's mixed case's
# outputs), to set gccgo's figures beside: error+maps, small+nil+repanic.
M = C / "mixed-lines-random"
GC_PAIRS: list[tuple[str, list[Path]]] = [
    ("gc error+maps", [M / "p0.out", M / "p3.out"]),
    ("gc small+nil+repanic", [M / "p4.out", M / "p2.out", M / "p1.out"]),
    ("gc error+maps+small", [M / "p0.out", M / "p3.out", M / "p4.out"]),
]
ORDERS = ("random", "runs", "noise")
# Real build output whose lines read like bare names (`go.etcd.io/bbolt`): the "noise"
# order puts runs of it among the runs of lines, as tests/corpus/make_cases.py does.
BUILD = ROOT / "tests" / "data" / "gobuild" / "go-build-v.log"
NOISE = -1


def merge(outputs: list[list[str]], order: str, rng: random.Random) -> list[tuple[int, str]]:
    """The outputs' lines interleaved, each output's own order kept, with who wrote
    each (NOISE: the build's)."""
    pieces: list[list[list[str]]] = []
    for lines in outputs:
        runs, i = [], 0
        while i < len(lines):
            n = 1 if order == "random" else rng.randint(1, 6)
            runs.append(lines[i:i + n])
            i += n
        pieces.append(runs)
    bag = [k for k, runs in enumerate(pieces) for _ in runs]
    rng.shuffle(bag)
    at = [0] * len(pieces)
    build = BUILD.read_text().splitlines() if order == "noise" else []
    out: list[tuple[int, str]] = []
    b = rng.randrange(len(build)) if build else 0
    for k in bag:
        if build and rng.random() < 0.1:
            for _ in range(rng.randint(1, 12)):
                out.append((NOISE, build[b % len(build)]))
                b += 1
        out.extend((k, t) for t in pieces[k][at[k]])
        at[k] += 1
    return out


def frames_of(reports) -> Counter:
    """(message, goroutine id, frame index, frame) of every frame."""
    return Counter((r.message, g.id, n, (f.func, f.file, f.line))
                   for r in reports for g in r.goroutines for n, f in enumerate(g.frames))


def measure(paths: list[Path], order: str, seed: int) -> tuple[int, int, int, int, int]:
    """(frames placed, frames, reports exact, reports, build lines in reports) of one
    merge."""
    from stackdemux.api import analyze
    from stackdemux.parse import parse_text

    texts = [p.read_text() for p in paths]
    truth = [r for t in texts for r in parse_text(t).reports]
    merged = merge([t.splitlines() for t in texts], order, random.Random(seed))
    found = analyze("\n".join(t for _, t in merged) + "\n").reports
    placed = sum((frames_of(truth) & frames_of(found)).values())
    exact = sum((Counter(map(report_key, truth)) & Counter(map(report_key, found))).values())
    owned = {n for r in found for a, b in r.lines for n in range(a, b + 1)}
    leaked = sum(1 for n in owned if merged[n - 1][0] == NOISE)
    return placed, sum(frames_of(truth).values()), exact, len(truth), leaked


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    for title, pairs in (("gccgo", PAIRS), ("beside: gc", GC_PAIRS)):
        total: dict[str, list[int]] = {o: [0, 0, 0, 0, 0] for o in ORDERS}
        for name, paths in pairs:
            for order in ORDERS:
                for seed in range(args.seeds):
                    got = measure(paths, order, seed)
                    total[order] = [a + b for a, b in zip(total[order], got, strict=True)]
                    if args.verbose:
                        print(f"{name:24} {order:7} seed {seed}: frames {got[0]}/{got[1]}, "
                              f"reports exact {got[2]}/{got[3]}, build lines in reports {got[4]}")
        for order, (placed, frames, exact, reports, leaked) in total.items():
            print(f"{title:10} {order:7} frames placed {placed}/{frames} "
                  f"({100 * placed / frames:.1f} %), reports exact {exact}/{reports}"
                  + (f", build lines in reports {leaked}" if order == "noise" else ""))


if __name__ == "__main__":
    main()
