#!/usr/bin/env python3
"""What chaining a goroutine's lines together would be worth in random line
order (issue 3). A developer tool, not a test.

    python tests/corpus/chain_oracle.py [CASE] [--seeds=-,1,2] [--chain whole|half|pairs|found]

The separator (beam.separate) is told by an oracle (truth.json's owner of
each line) which lines are one goroutine's, as a splicer tells it a read()
chunk's lines (its `groups`: a line goes where its group's line before it
went, beam.KIN): `whole`, each goroutine's lines (its header to its
process's next header, heads aside); `half`, the first half of them;
`pairs`, each call line with its file line (the pairing alone, not the
goroutine); `found`, the goroutines the free reading holds exact (as
restarts seeded from the goroutines a reading chains confidently would be
told them at best). For each draw (the committed one, `-`, or the case's outputs
merged again with a seed, as beam_truth.py --remerge draws them): the
reading's score (told lines earn KIN: above the truth's, held free), lines
misplaced (heads aside), goroutines exact and processes clean, beside the
free separator's reading.

Told lines are a splicer's groups to the separator, so it neither peels nor
reads again wider (beam.separate: `not groups`): a told reading is its first
beam's, the free one the best of all its stages.

Measured at 09c45a1 (twelve-lines-random, 12 processes, 55 goroutines),
draws -/1/2, lines misplaced, goroutines exact, processes clean:
free (all stages) 142/81/115, 18/32/23, 0/1/0 (its first beam alone
200/140/229, 14/19/10); `whole` 22/0/19, 52/55/55, 5/12/6; `half`
170/183/195, 19/17/15, 0/0/0; `pairs` 171/113/111, 16/31/29, 0/0/0;
`found` (18/32/23 goroutines told) 137/77/160, 22/33/20, 0/1/0. Given
its goroutines whole the beam gives them to their processes (draw 1 reads
clean); what it gets wrong is inside goroutines: frames that continue
another process's goroutine of the same program. Half a goroutine chained,
or each call with its file line, is worth about what the peel and the
wider beam are: the tails (the program's frames, `created by`) are where
lines go astray, each tail's lines 50-200 lines apart in a log of 654
(a process of 9 lines among 12). Nor do the goroutines a reading already
holds right lead the beam to the others.
"""

from __future__ import annotations

import argparse
import sys
import time
from itertools import pairwise
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the repo, when run as a script
sys.path.insert(0, str(HERE))

from beam_crowd import misplaced  # noqa: E402
from beam_truth import _Watched, head_lines, lines_and_owners  # noqa: E402
from polish_walk import fed, goroutines  # noqa: E402

from stackdemux.demux.beam import separate  # noqa: E402
from stackdemux.demux.budget import one_budget  # noqa: E402
from stackdemux.demux.hypothesis import CALLS, Hypothesis  # noqa: E402
from stackdemux.demux.polish import streams_of  # noqa: E402


def chains(told: list[frozenset[int]], kinds: dict[int, str], how: str,
           found: list[frozenset[int]]) -> list[list[int]]:
    """The groups the separator is told: each goroutine's lines, or a part of
    them, or those of the goroutines the free reading holds exact (`found`)."""
    if how == "found":
        return [sorted(g) for g in found]
    out = []
    for g in told:
        lines = sorted(g)
        if how == "whole":
            out.append(lines)
        elif how == "half":
            out.append(lines[:max(1, len(lines) // 2)])
        else:  # pairs: a call line and the line after it in its goroutine
            for a, b in pairwise(lines):
                if kinds[a].upper() in CALLS:
                    out.append([a, b])
    return out


def clean(h: Hypothesis, owners: list[int | None], kinds: dict[int, str],
          heads: frozenset[int]) -> int:
    """Processes whose traceback lines (heads aside) are one stream's, all of it."""
    procs: dict[int, set[int]] = {}
    for i in kinds:
        if owners[i] is not None and i not in heads:
            procs.setdefault(owners[i], set()).add(i)  # type: ignore[arg-type]
    streams = {frozenset(i for i in mine if i not in heads) for mine in streams_of(h).values()}
    return sum(1 for p in procs.values() if frozenset(p) in streams)


def exact_goroutines(h: Hypothesis, told: list[frozenset[int]], kinds: dict[int, str],
                     heads: frozenset[int]) -> list[frozenset[int]]:
    """The goroutines h holds exact: a stream's lines from one header to its next (heads aside)."""
    segs: set[frozenset[int]] = set()
    for mine in streams_of(h).values():
        seg: list[int] = []
        for i in sorted(mine):
            if i in heads:
                continue
            if kinds[i] == "goroutine_header" and seg:
                segs.add(frozenset(seg))
                seg = []
            seg.append(i)
        if seg:
            segs.add(frozenset(seg))
    return [g for g in told if g in segs]


def read(texts: list[str], groups: list[list[int]]) -> tuple[Hypothesis, float]:
    """The separator's best reading (the one it keeps) and its CPU."""
    t0 = time.process_time()
    with one_budget(), _Watched() as w:
        separate(texts, groups)
    return max((h for _, h in w.readings), key=lambda h: h.score), time.process_time() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("case", nargs="?", default="twelve-lines-random")
    ap.add_argument("--seeds", default="-", help="draws: - (the committed one) or seeds")
    ap.add_argument("--chain", choices=("whole", "half", "pairs", "found"), action="append")
    args = ap.parse_args()
    for s in args.seeds.split(","):
        seed = None if s == "-" else int(s)
        texts, owners = lines_and_owners(args.case, seed)
        lines = fed(texts)
        kinds = {i: e.kind for i, e, _ in lines}
        heads = head_lines(texts)
        told = goroutines(owners, texts, [i for i, _, _ in lines])
        print(f"{args.case} draw {s}: {len(told)} goroutines", flush=True)
        found: list[frozenset[int]] = []
        for how in ["free", *(args.chain or ["whole"])]:
            h, cpu = read(texts, [] if how == "free" else chains(told, kinds, how, found))
            if how == "free":
                found = exact_goroutines(h, told, kinds, heads)
            print(f"  {how:6} {h.score:8.1f}  misplaced {len(misplaced(h, owners, heads)):4}"
                  f"  goroutines {len(exact_goroutines(h, told, kinds, heads)):3}/{len(told)}"
                  f"  clean {clean(h, owners, kinds, heads):2}/{len({*owners} - {None})}"
                  f"  {cpu:5.1f}s CPU", flush=True)


if __name__ == "__main__":
    main()
