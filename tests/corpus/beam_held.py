#!/usr/bin/env python3
"""Hold the beam to the truth for a log's first lines, then let it go: does
it lose the truth because early choices compound, or line by line all along?
(issue 3, random line order) A developer tool, not a test.

    python tests/corpus/beam_held.py CASE [--seed N] [--held 0,100,200] [--width W --work K]

For each N of --held, the beam takes the first N lines as the truth assigns
them (beam_truth.py's TruthBeam: a line only to its own process's stream),
then reads on freely; printed: its score, the lines misplaced (in all, and
among the lines after N) and the first line after N where it stops holding a
hypothesis consistent with the truth, with why (beam_truth.py's --why). A
beam that, started from the truth, keeps it to the end loses it early only
(mixed-lines-random: held 100 lines of 164, 2 misplaced); one that loses it
again within a few dozen lines fails line by line (twelve-lines-random: held
for 100, 200, ... 600 lines, lost again 2 to 23 lines later each time, the
truth's move 0.8-3.4 points below the best at width 4; held 500 of 654 lines,
81 misplaced at the beam's width, 32 at width 256, which loses it at line 523,
8.5 points below). --width/--work set beam.WIDTH and beam.WORK (defaults: the beam's).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the repo, when run as a script
sys.path.insert(0, str(HERE))  # beam_truth.py

from beam_truth import Consistency, TruthBeam, WhyBeam, lines_and_owners, run, wrong  # noqa: E402

from stackdemux.demux import beam as beam_module  # noqa: E402
from stackdemux.demux.beam import Beam, Move  # noqa: E402
from stackdemux.demux.evidence import Evidence  # noqa: E402
from stackdemux.demux.hypothesis import Hypothesis  # noqa: E402


class HeldBeam(WhyBeam, TruthBeam):
    """The beam held to the truth for lines before `upto` (TruthBeam), free
    after (WhyBeam); it notes the first line after `upto` where it loses the
    truth, and why."""

    def __init__(self, owners: list[int | None], texts: list[str], upto: int) -> None:
        TruthBeam.__init__(self, owners)
        self.texts = texts
        self.truth = Consistency(owners, texts)
        self.offered: list[tuple[Hypothesis, list[Move]]] = []
        self.held = True
        self.upto = upto
        self.lost = ""

    def moves(self, h: Hypothesis, i: int, ev: Evidence, token: str) -> list[Move]:
        if i < self.upto:
            return TruthBeam.moves(self, h, i, ev, token)
        out = Beam.moves(self, h, i, ev, token)
        self.offered.append((h, out))  # (WhyBeam's)
        return out

    def line(self, i: int, ev: Evidence, sig: int) -> None:
        said = io.StringIO()
        with contextlib.redirect_stdout(said):
            super().line(i, ev, sig)
        if not self.lost and i >= self.upto and " lost: " in said.getvalue():
            self.lost = said.getvalue().strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("case")
    ap.add_argument("--seed", type=int, help="the case merged again this way (--remerge's draw)")
    ap.add_argument("--held", default="0,100,200,300,400,500,600",
                    help="lines held to the truth, comma-separated")
    ap.add_argument("--width", type=int, default=beam_module.WIDTH)
    ap.add_argument("--work", type=int, default=beam_module.WORK)
    args = ap.parse_args()
    beam_module.WIDTH, beam_module.WORK = args.width, args.work
    texts, owners = lines_and_owners(args.case, args.seed)
    truth = run(TruthBeam(owners), texts)
    print(f"{args.case}: {len(texts)} lines, the truth's score {truth.score:.1f}"
          f" (width {args.width}, work {args.work})")
    for upto in (int(x) for x in args.held.split(",")):
        if upto > len(texts):
            break
        beam = HeldBeam(owners, texts, upto)
        best = run(beam, texts)
        after = wrong(best, owners, frozenset(range(upto)))
        print(f"  held {upto:5}: score {best.score:8.1f}, misplaced {wrong(best, owners):4}"
              f" ({after} of the {len(texts) - upto} lines after)"
              f"{'; ' + beam.lost if beam.lost else ''}", flush=True)


if __name__ == "__main__":
    main()
