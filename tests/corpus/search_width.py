#!/usr/bin/env python3
"""How a random-order reading of many streams depends on the beam's width
(issue 3; stackdemux/demux/beam.py Wide). A developer tool, not a test.

    python tests/corpus/search_width.py [CASE] [--seeds S,S,...] [--widths H:W,...]

For each draw (the committed one, `-`, or the case's outputs merged again
with a seed, as beam_truth.py --remerge draws them) and each width H:W (H
hypotheses at most, W streams × hypotheses a line: beam.WIDTH and beam.WORK,
the first beam's 16:48), the first beam alone, on a budget it never
exceeds: its score by the model, lines misplaced (heads aside: heads.py
rematches them), processes read clean, its work (budget units) and CPU; the
truth's score beside it (the beam held to truth.json's owners).

Measured (twelve-lines-random, 12 streams: 48 streams × hypotheses leave the
first beam 4 a line), the first beam at 16:48 / 64:256 / 256:768 / 1024:3072:
committed draw 826 / 526 / 1195 / 1596 points (the truth 2146), misplaced
200 / 196 / 174 / 118, work 27k / 98k / 311k / ~1.2M units (20 s of CPU);
draws 1-4 at 16:48 / 64:256 / 256:768: 1213 / 1391 / 1473, 218 / 963 /
1290, 206 / 411 / 408, 300 / 1256 / 1577 points. A wider beam reads better
as a rule, not on every draw (draw 3), and never near the truth.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the repo, when run as a script
sys.path.insert(0, str(HERE))  # beam_truth.py

from beam_truth import TruthBeam, clean, head_lines, lines_and_owners, run, wrong  # noqa: E402
from polish_walk import fed  # noqa: E402

from stackdemux.demux.beam import Beam  # noqa: E402
from stackdemux.demux.budget import Budget  # noqa: E402
from stackdemux.demux.peel import feed  # noqa: E402


def widened(hypotheses: int, work: int) -> type[Beam]:
    return type(f"Beam{hypotheses}", (Beam,), {"widest": hypotheses, "most": work})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("case", nargs="?", default="twelve-lines-random")
    ap.add_argument("--seeds", default="-", help="draws: - (the committed one) or seeds")
    ap.add_argument("--widths", default="16:48,64:256,256:768")
    args = ap.parse_args()
    widths = [tuple(int(x) for x in w.split(":")) for w in args.widths.split(",")]
    for s in args.seeds.split(","):
        seed = None if s == "-" else int(s)
        texts, owners = lines_and_owners(args.case, seed)
        heads = head_lines(texts)
        lines = fed(texts)
        procs = len({o for o in owners if o is not None})
        truth = run(TruthBeam(owners), texts)
        print(f"{args.case} draw {s}: truth {truth.score:.1f}", flush=True)
        for hyps, work in widths:
            t0 = time.process_time()
            beam = widened(hyps, work)(Budget.allowance(1 << 40))
            h = feed(beam, lines, 64)
            print(f"  {hyps:5}:{work:<5} {h.score:8.1f}  misplaced {wrong(h, owners, heads):4}"
                  f"  clean {clean(h, owners, heads):2}/{procs}  work {beam.work:8}"
                  f"  {time.process_time() - t0:5.1f}s CPU", flush=True)


if __name__ == "__main__":
    main()
