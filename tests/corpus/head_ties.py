#!/usr/bin/env python3
"""What tying a report's head to its stacks would be worth in random line
order (issue 3). A developer tool, not a test.

    python tests/corpus/head_ties.py [CASE ...] [--seeds N]

The beam is run free, tied by an oracle (truth.json's owner of each line):
a report's first goroutine header goes only to the stream its own process's
opener opened (`lead`: the head tied to its first stack, as a cue shared by
a report's head and its first goroutine's frames would tie them: a
toolchain, a program, a binary), and held to the truth
(beam_truth.TruthBeam). For each, the reading's score and its misplaced
lines (heads aside, as beam_truth.py counts them: heads.py rematches them).
Hypotheses that differ only in which head took which stacks are one in
random line order (beam.Beam.take); the tied beam keeps them apart, or its
tie would be lost.

At 04c6de1 (`--seeds 3`): the tie changes little, twelve-lines-random
misplaces 232/176/260/252 lines tied, 235/172/238/236 free; the other
cases alike or worse (mixed 14/4/27/24 tied, 11/4/27/24 free). Which
stack goes with which head is not what the readings get wrong: they give
frames to another process's goroutines.

--seeds N: the cases merged again in random line order with seeds 1..N too
(beam_truth.py --remerge's draws).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the repo, when run as a script
sys.path.insert(0, str(HERE))

from beam_truth import RANDOM, TruthBeam, head_lines, lines_and_owners, run, wrong  # noqa: E402

from stackdemux.demux.beam import LOST, ORPHAN, Beam, Move  # noqa: E402
from stackdemux.demux.evidence import OPENERS, Evidence  # noqa: E402
from stackdemux.demux.hypothesis import Hypothesis  # noqa: E402


class Tied(Beam):
    """The beam with a report's first goroutine header tied to its own process's opener."""

    def __init__(self, owners: list[int | None]) -> None:
        super().__init__()
        self.owners = owners
        self.opener: dict[int, int | None] = {}  # Track.order → its opener's process

    def moves(self, h: Hypothesis, i: int, ev: Evidence, token: str) -> list[Move]:
        out = []
        for m in super().moves(h, i, ev, token):
            if m[1] != LOST and m[4] >= 0:
                header = self.owners[h.floats[m[4]].index]
                if m[2] < 0:
                    continue  # a header opens no stream of its own here
                t = h.tracks[m[2]]
                if t.order in self.opener and t.goroutines == 0 \
                        and self.opener[t.order] != header:
                    continue
            out.append(m)
        return out or [(ORPHAN, LOST, -1, -1, -1, ())]

    def apply(self, h: Hypothesis, move: Move, i: int, ev: Evidence, sig: int,
              in_place: bool) -> None:
        if move[1] != LOST and move[2] < 0 and ev.kind in OPENERS:
            self.opener[h.opened] = self.owners[i]
        super().apply(h, move, i, ev, sig, in_place)


class _HeadsKept:
    """While a tied beam runs, hypotheses whose streams took other heads are
    not one (the beam merges them in random line order: heads.py matches
    heads to stacks at the end), or the oracle's tie would be lost."""

    def __enter__(self) -> None:
        self.saved = (Hypothesis.signature, Hypothesis.state, Hypothesis.signature_hash,
                      Hypothesis.state_hash)
        sig, state, sig_hash, state_hash = self.saved
        Hypothesis.signature = lambda h, heads=True: sig(h, True)  # type: ignore[method-assign]
        Hypothesis.state = lambda h, heads=True: state(h, True)  # type: ignore[method-assign]
        Hypothesis.signature_hash = lambda h, heads=True: sig_hash(h, True)  # type: ignore
        Hypothesis.state_hash = lambda h, heads=True: state_hash(h, True)  # type: ignore

    def __exit__(self, *exc: object) -> None:
        (Hypothesis.signature, Hypothesis.state, Hypothesis.signature_hash,
         Hypothesis.state_hash) = self.saved


def one(name: str, seed: int | None) -> str:
    texts, owners = lines_and_owners(name, seed)
    heads = head_lines(texts)
    out = []
    for label, beam in (("free", Beam()), ("lead", Tied(owners)), ("truth", TruthBeam(owners))):
        if isinstance(beam, Tied):
            with _HeadsKept():
                h = run(beam, texts)
        else:
            h = run(beam, texts)
        out.append(f"{label} {h.score:7.1f} {wrong(h, owners, heads):4}")
    return "  ".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("cases", nargs="*", default=RANDOM)
    ap.add_argument("--seeds", type=int, default=0)
    a = ap.parse_args()
    for name in a.cases:
        for seed in (None, *range(1, a.seeds + 1)):
            print(f"{name:22} {'' if seed is None else seed:>3}  {one(name, seed)}", flush=True)


if __name__ == "__main__":
    main()
