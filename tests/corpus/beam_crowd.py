#!/usr/bin/env python3
"""What crowds the truth out of the beam in random line order (issue 3). A
developer tool, not a test.

    python tests/corpus/beam_crowd.py [CASE] [--seed N] [--works 48,192,768,3072]
                                      [--hold 0,2,5,7]

For each WORK of --works (beam.WORK; beam.WIDTH = WORK // 3, so that a line
weighed against 3 streams or more keeps WORK // streams hypotheses; no work
budget; where at most beam.FEW streams can take a line it keeps beam.WIDE
as ever), the beam reads the log free and, at the first line where it stops
holding a hypothesis consistent with the truth (truth.json's owner of every
line, heads aside as beam_truth.py counts them, lines printed alike by two
processes NOT aside), says: the hypotheses it held before that line, the
candidates of that line ranked above the best one consistent with the truth
and how far the best was above it, and the crowd: how many distinct
hypotheses those candidates came from and which lines they misplace (in
all, and the fewest and most any one misplaces). A crowd of many
hypotheses built of a few misplaced lines each, drawn from a larger set, is
combinations of independent near-ties: choices each scored within a point
or so of the truth's, so that 2^k of them outrank it; a wider beam moves the
loss later, not away.

For each K of --hold, the K processes with the most lines are held to the
truth (repair.Freed: their lines go only to their own streams) and the
others read free at the beam's width: what is left of the search when the
biggest streams are known (peel.py's aim), and where it loses the truth.

At 68c52cf (twelve-lines-random, its committed draw; the truth 2215.5):
WORK 48 (the beam's) reads 564.8, 224 lines misplaced, and loses the truth
at line 68 (9 streams open, 5 hypotheses, 3.2 points behind the best); 192:
708.1, 192 misplaced, lost at 68 (21 held, 14 hypotheses above it misplacing
1-5 of 13 lines); 768: 1283.6, 155, lost at 105 (63 above, 1-7 of 12);
3072: 1502.5, 118 (860k units), lost at 106: 354 candidates within 2.6
points above the truth's, from 243 hypotheses misplacing 1-10 lines each of
17 in all. The truth is not outscored there by a better reading but by
combinations of independent near-ties (each a point or so above it): width
moves the loss by 38 lines for 64 times the work. Held by the oracle: the
2 biggest processes (260 lines of 10 free), 1661.9, 91 misplaced, lost at
line 97; 5 (103 lines of 7), 2150.3, 32, lost at 194; 7 (50 lines of 5),
2186.1, 14, lost at 423 among 76 hypotheses (1-6 of 11 lines each). So
peeling the big streams exactly (peel.py's 153 of 160) would still leave
the small ones lost the same way. repair.py's pairs from the 7-held reading
(66 pairs, each a pass over the log, MOST and REPAIR lifted) gained 4 times
in 240 passes (3.6M units, 30 s) and ended 0.4 points below the truth with
8 lines misplaced. The same on a merge of 5 processes (mixed-lines-random
merged again, seed 6: the truth 356.7, the beam 272.5 at WIDE 128): lost at
line 88, 235 candidates within 1.4 points above the truth's, from 66
hypotheses misplacing 2-11 of 14 lines; with its 2 biggest processes held it
reads the truth (356.5, 0 misplaced).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the repo, when run as a script
sys.path.insert(0, str(HERE))  # beam_truth.py

from beam_truth import Consistency, TruthBeam, head_lines, lines_and_owners, run  # noqa: E402

from stackdemux.demux import beam as beam_module  # noqa: E402
from stackdemux.demux.beam import Beam, Move, _owners  # noqa: E402
from stackdemux.demux.budget import Budget  # noqa: E402
from stackdemux.demux.evidence import Evidence  # noqa: E402
from stackdemux.demux.hypothesis import Hypothesis  # noqa: E402
from stackdemux.demux.repair import Freed  # noqa: E402


class Unbounded(Budget):
    """No work budget: the search as wide as asked."""

    def over(self, work: int, lines: int) -> bool:
        return False


def misplaced(h: Hypothesis, owners: list[int | None], heads: frozenset[int]) -> frozenset[int]:
    """The lines of h's streams that are not their majority process's, and
    the lines no stream took (heads aside)."""
    by: dict[int, Counter] = {}
    own = _owners(h)
    for i, t in own.items():
        if i not in heads:
            by.setdefault(t, Counter())[owners[i]] += 1
    major = {t: c.most_common(1)[0][0] for t, c in by.items() if t >= 0}
    return frozenset(i for i, t in own.items()
                     if i not in heads and (t < 0 or owners[i] != major[t]))


def watched(base: type[Beam]) -> type[Beam]:
    """`base` noting the first line where it stops holding the truth, and the crowd then."""

    class Watched(base):  # type: ignore[valid-type, misc]
        def setup(self, owners: list[int | None], texts: list[str]) -> None:
            self.owners, self.texts = owners, texts
            self.heads = head_lines(texts)
            # (held line by line: a stream's possible processes, kept by history step;
            # a line is its own process's only, however alike another prints it)
            self.truth = Consistency(owners, texts)
            self.truth.alike = [frozenset({o}) for o in owners]
            self.offered: list[tuple[Hypothesis, list[Move]]] = []
            self.lost = ""

        def moves(self, h: Hypothesis, i: int, ev: Evidence, token: str) -> list[Move]:
            out = super().moves(h, i, ev, token)
            self.offered.append((h, out))
            return out

        def line(self, i: int, ev: Evidence, sig: int) -> None:
            if self.lost:
                super().line(i, ev, sig)
                return
            before = list(self.beam)
            self.offered = []
            held = [h for h in before if self.truth.holds(h)]
            super().line(i, ev, sig)
            if held and not any(self.truth.holds(h) for h in self.beam):
                self.lost = f"line {i}: {self.crowd(before, held, i, ev, sig)}"

        def crowd(self, before: list[Hypothesis], held: list[Hypothesis], i: int,
                  ev: Evidence, sig: int) -> str:
            ranked = sorted(((h.score + m[0], n, h, m) for n, (h, ms) in enumerate(self.offered)
                             for m in ms), key=lambda c: (-c[0], c[1]))
            rank = None
            for r, (_, _, h, m) in enumerate(ranked):
                if any(h is k for k in held) and self.truth.move_holds(h, m, i):
                    rank = r
                    break
            said = (f"{len(before)} hypotheses held, {len(before[0].tracks)} streams open;"
                    f" {self.texts[i][:60]!r}")
            if rank is None:
                return said + "; no move consistent with the truth"
            above = ranked[:rank]
            parents = {id(h): h for _, _, h, _ in above if not any(h is k for k in held)}
            wrong = [misplaced(h, self.owners, self.heads) for h in parents.values()]
            union = frozenset().union(*wrong) if wrong else frozenset()
            astray = len([1 for _, _, h, m in above if any(h is k for k in held)])
            gap = ranked[0][0] - ranked[rank][0]
            return (said + f"; {rank} candidates above the truth's ({gap:.1f} points at most):"
                    f" {astray} of hypotheses holding the truth, the line placed elsewhere;"
                    f" the others from {len(parents)} hypotheses misplacing"
                    f" {min(map(len, wrong), default=0)}-"
                    f"{max(map(len, wrong), default=0)} lines each, {len(union)} lines in all")

    return Watched


def widths(texts: list[str], owners: list[int | None], works: list[int]) -> None:
    saved = beam_module.WORK, beam_module.WIDTH
    try:
        for work in works:
            beam_module.WORK, beam_module.WIDTH = work, max(2, work // 3)
            beam = watched(Beam)(Unbounded())
            beam.setup(owners, texts)
            best = run(beam, texts)
            print(f"  work {work:5}: score {best.score:8.1f}, misplaced"
                  f" {len(misplaced(best, owners, beam.heads)):4}, {beam.work} units;"
                  f" lost at {beam.lost or 'no line'}", flush=True)
    finally:
        beam_module.WORK, beam_module.WIDTH = saved


def holds(texts: list[str], owners: list[int | None], ks: list[int]) -> None:
    sizes = Counter(o for o in owners if o is not None)
    for k in ks:
        kept = {p for p, _ in sizes.most_common(k)}
        labels = {i: o for i, o in enumerate(owners) if o in kept and o is not None}
        beam = watched(Freed)(labels, Unbounded())
        beam.setup(owners, texts)
        best = run(beam, texts)
        left = sum(n for p, n in sizes.items() if p not in kept)
        print(f"  {k:2} held ({left} lines of {len(sizes) - len(kept)} processes free):"
              f" score {best.score:8.1f}, misplaced {len(misplaced(best, owners, beam.heads)):4};"
              f" lost at {beam.lost or 'no line'}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("case", nargs="?", default="twelve-lines-random")
    ap.add_argument("--seed", type=int, help="the case merged again this way (--remerge's draw)")
    ap.add_argument("--works", default="48,192,768,3072")
    ap.add_argument("--hold", default="0,2,5,7")
    args = ap.parse_args()
    texts, owners = lines_and_owners(args.case, args.seed)
    truth = run(TruthBeam(owners), texts)
    print(f"{args.case}: {len(texts)} lines, the truth's score {truth.score:.1f}")
    if args.works:
        widths(texts, owners, [int(x) for x in args.works.split(",")])
    if args.hold:
        holds(texts, owners, [int(x) for x in args.hold.split(",")])


if __name__ == "__main__":
    main()
