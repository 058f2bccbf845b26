#!/usr/bin/env python3
"""How often the separator recovers processes dealt line by line, exactly.

    python tests/corpus/yardstick_samebinary.py [--seeds N] [--set NAME] [-v]

Real sample outputs (samples/) are dealt as tests/test_demux_openers.py deals
them: each process's lines in order, in runs of 1..burst whole lines from a
process picked at random (burst 6: a bursty merge; burst 1: random line
order). A seed is exact when analyze() finds every process's reports, each
exactly as the clean output parses (score.py's report_key: message, kind,
every goroutine's id, state, frames, created by) and nothing else.

Sets:
  skopeo   three parallel `skopeo copy` runs of one binary (Go 1.21): the same
           lines but for goroutine ids, heap and stack addresses
  mixed    nil_pointer + http_panic + deadlock (Go 1.27): three programs

-v prints, for each seed that is not exact, the lines that went to a
stream other than the one of their own process's majority (lines printed
alike by two processes aside: which of them took it changes nothing), and
the separator's best score against the truth's (the beam held to each
line's own process, beam_truth.TruthBeam): truth above, the search lost
it; below, the evidence prefers a wrong split (or an equal one: copies of
one binary swapped wherever they print alike).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))  # the repo, when run as a script
sys.path.insert(0, str(HERE))

from score import report_key  # noqa: E402

from stackdemux.api import analyze  # noqa: E402
from stackdemux.parse import parse_text  # noqa: E402

SETS = {
    "skopeo": tuple(f"go1.21/skopeo_vendor_parallel_{i}.txt" for i in (1, 2, 3)),
    "mixed": tuple(f"go1.27/{n}.txt" for n in ("nil_pointer", "http_panic", "deadlock")),
}
BURSTS = (6, 1)


def outputs(names: tuple[str, ...]) -> list[list[str]]:
    return [(ROOT / "samples" / n).read_text().splitlines() for n in names]


def deal(procs: list[list[str]], seed: int, burst: int) -> tuple[list[str], list[int]]:
    """The dealt lines and which process printed each (tests/test_demux_openers.deal)."""
    queues = [list(p) for p in procs]
    rng = random.Random(seed)
    lines: list[str] = []
    owner: list[int] = []
    while any(queues):
        k = rng.choice([k for k, q in enumerate(queues) if q])
        n = rng.randint(1, burst)
        lines.extend(queues[k][:n])
        owner.extend([k] * len(queues[k][:n]))
        del queues[k][:n]
    return lines, owner


def truth(procs: list[list[str]]) -> Counter:
    return Counter(report_key(r) for p in procs
                   for r in parse_text(("\n".join(p) + "\n").encode()).reports)


def exact(procs: list[list[str]], lines: list[str], want: Counter) -> bool:
    got = Counter(report_key(r) for r in analyze(("\n".join(lines) + "\n").encode()).reports)
    return got == want


def misplaced(procs: list[list[str]], lines: list[str], owner: list[int]) -> list[str]:
    """Lines only one process printed that the separator gave to a stream
    led by another (a stream's leader: the process most of its own such
    lines are of); and the traceback lines it could place nowhere."""
    from stackdemux.demux.interleave import separate

    sep = separate(lines)
    printed = Counter(text for p in procs for text in set(p))
    out = []
    for n, track in enumerate(sep.tracks):
        mine = [i for i in track if printed[lines[i]] == 1]
        if not mine:
            continue
        lead = Counter(owner[i] for i in mine).most_common(1)[0][0]
        out.extend(f"    stream {n} (p{lead}) took p{owner[i]}'s line {i}: {lines[i]!r}"
                   for i in mine if owner[i] != lead)
    out.extend(f"    orphan line {i} (p{owner[i]}): {lines[i]!r}" for i in sep.orphans)
    return out


def scores(lines: list[str], owner: list[int]) -> str:
    """The beam's best score and the truth's (beam_truth.py), and which failed."""
    from beam_truth import TruthBeam, run

    from stackdemux.demux.beam import Beam

    free = run(Beam(), lines).score
    held = run(TruthBeam(list(owner)), lines).score
    return (f"    beam {free:.1f}, truth {held:.1f}: "
            + ("the search lost it" if held > free + 0.05 else "the evidence prefers the beam's"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--set", choices=sorted(SETS), action="append")
    ap.add_argument("-v", action="store_true", help="the misplaced lines of seeds not exact")
    args = ap.parse_args()
    for name in args.set or list(SETS):
        procs = outputs(SETS[name])
        want = truth(procs)
        for burst in BURSTS:
            right, wrong = 0, []
            for seed in range(args.seeds):
                lines, owner = deal(procs, seed, burst)
                if exact(procs, lines, want):
                    right += 1
                else:
                    wrong.append(seed)
                    if args.v:
                        print(f"  {name} burst {burst} seed {seed}:")
                        wrongly = misplaced(procs, lines, owner)
                        print("\n".join(wrongly) or "    (no line misplaced)")
                        print(scores(lines, owner))
            print(f"{name:<7} burst {burst}: {right}/{args.seeds} exact"
                  + (f"  (not: {' '.join(map(str, wrong))})" if wrong else ""), flush=True)


if __name__ == "__main__":
    main()
