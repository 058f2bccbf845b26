#!/usr/bin/env python3
"""Where the model prefers a reading near the truth to the truth (issue 3;
stackdemux/demux/polish.py). A developer tool, not a test.

    python tests/corpus/polish_truth.py [CASE] [--seed N] [--most UNITS]

Polishes the truth's reading (polish.Polisher, any number of streams) and
prints each line it leaves in another process's stream (heads aside: heads.py
rematches them), alike lines swapped apart (two processes' lines of one text,
each stream's text unchanged: no report changes). Then, for each frame moved
(a call line and its file line) on its own, the truth with that move made
beside the truth, as the beam held to each reading scores them: each line
whose move scores otherwise, by how much. A move's parts (which of
scores.py's terms) are then a matter of reading its frame_score there.

Measured (twelve-lines-random, its committed draw): the truth 2215.5 polished
to 2217.4; of its 6 lines misplaced 4 were two `main.main()` and two
`internal/sync.(*Mutex).Lock(...)` swapped between two processes of one text
(+0.44, the streams' silences), and 2 were one process's top frame
`main.mustLoad({0xc0000a8000?, 0x4bcf88?})` given to another's stack below
`main.handle` (+1.50: +1.0 for its heap arena 0xc0 seen in that stream,
scores._values, which every Go process up to 1.26 maps; the rest silences).
Without that bonus (scores.HINT_ARENA) the truth polished moves only heads
and those alike lines.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the repo, when run as a script
sys.path.insert(0, str(HERE))  # beam_truth.py

from beam_truth import TruthBeam, head_lines, lines_and_owners, run  # noqa: E402
from polish_walk import case_arguments, fed  # noqa: E402

from stackdemux.demux.beam import Beam, Move  # noqa: E402
from stackdemux.demux.budget import Budget  # noqa: E402
from stackdemux.demux.evidence import Evidence  # noqa: E402
from stackdemux.demux.hypothesis import Hypothesis  # noqa: E402
from stackdemux.demux.peel import Lines, feed  # noqa: E402
from stackdemux.demux.polish import Polisher, Whole, streams_of, units_of  # noqa: E402

Streams = dict[int, frozenset[int]]


class Scored(Whole):
    """The beam held to a reading, keeping each move's score by the line it decided."""

    def __init__(self, labels: dict[int, int]) -> None:
        super().__init__(labels, Budget())
        self.moved: dict[int, tuple[object, int, float]] = {}  # id(step) → step, line, score

    def apply(self, h: Hypothesis, move: Move, i: int, ev: Evidence, sig: int,
              in_place: bool) -> None:
        super().apply(h, move, i, ev, sig, in_place)
        self.moved[id(h.history)] = (h.history, i, move[0])


def per_line(lines: Lines, streams: Streams) -> tuple[float, dict[int, float]]:
    """The held reading's score, and each of its moves' by the line that decided it."""
    beam = Scored({i: s for s, mine in streams.items() for i in mine})
    h = feed(beam, lines, 64)
    out: dict[int, float] = {}
    step = h.history
    while step is not None:
        got = beam.moved.get(id(step))
        if got is not None and got[0] is step:
            out[got[1]] = got[2]
        step = step.parent
    return h.score, out


def majority(streams: Streams, owners: list[int | None]) -> dict[int, int | None]:
    return {t: Counter(owners[i] for i in s).most_common(1)[0][0] for t, s in streams.items()}


def main() -> None:
    args = case_arguments(__doc__).parse_args()
    texts, owners = lines_and_owners(args.case, args.seed)
    lines = fed(texts)
    ev = {i: e for i, e, _ in lines}
    heads = head_lines(texts)
    truth = run(TruthBeam(owners), texts)
    start = streams_of(truth)
    merge_beam = Beam(None)
    feed(merge_beam, lines, 64)
    pol = Polisher(lines, merge_beam.merge)
    out, moved = pol.polish(dict(start), units_of(truth, ev), args.most)
    score0, scores0 = per_line(lines, start)
    score1, _ = per_line(lines, out)
    print(f"truth {score0:.2f}, polished {score1:.2f} ({moved} moves, {pol.work} units)")
    own = majority(out, owners)
    stream_of = {owners[min(s)]: t for t, s in start.items()}
    wrong = sorted((i, owners[i], own[t]) for t, s in out.items() for i in s
                   if owners[i] != own[t] and i not in heads)
    by_text = Counter((texts[i], p, q) for i, p, q in wrong)
    for i, p, q in wrong:
        alike = by_text[texts[i], q, p] > 0
        print(f"{i:6}  p{p} -> p{q}{'  (alike, swapped)' if alike else ''}  {texts[i]!r}")
    frames = [(i, p, q) for i, p, q in wrong if by_text[texts[i], q, p] == 0]
    for i, p, q in frames:
        if ev[i].kind != "frame_file":
            continue
        calls = [j for j, pj, qj in frames if j < i and (pj, qj) == (p, q)
                 and ev[j].kind != "frame_file"]
        one = [*calls[-1:], i]  # (the frame: its call line, its file line)
        var = {t: set(s) for t, s in start.items()}
        for j in one:
            var[stream_of[p]].discard(j)
            var[stream_of[q]].add(j)
        score2, scores2 = per_line(lines, {t: frozenset(s) for t, s in var.items() if s})
        print(f"\nlines {one} moved alone: {score2:.2f} ({score2 - score0:+.2f})")
        for j in sorted(scores0.keys() | scores2.keys()):
            a, b = scores0.get(j, 0.0), scores2.get(j, 0.0)
            if abs(a - b) > 1e-6:
                print(f"{j:6}  {a:8.2f} -> {b:8.2f}  {b - a:+6.2f}  {texts[j][:70]!r}")


if __name__ == "__main__":
    main()
