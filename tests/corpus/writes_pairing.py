#!/usr/bin/env python3
"""Which message heads which goroutines: the write decoder's report pairing.
A developer tool, not a test.

    python tests/corpus/writes_pairing.py [--per-pair N] [--releases] [CASE ...]

The decoder's beam keeps one past per future (writes_decode._prune): once two
processes stand at a line start in the same report state (each has written
its message and the blank line after it, or a goroutine's last frame), the
readings that pair their rests the other way go on alike and all but the
cheapest so far are dropped, before the lines that could tell them apart are
read. Whether they could: `exchanges` lists those places in a reading, and
for the truth (held to who wrote every byte) this prints what the model
prices each exchange of two processes' writes from there on at (decode held
to it), beside the truth: +0.0 a tie the model cannot break, where
writes_ambiguity.py's judge may (one GOROOT, `--- FAIL:` after its own `=== RUN`,
a release's marks); `--releases` also with the decoder's release term on
(writes_decode.RELEASES, off). `repair_pairing` (writes_decidable.py
--pairing) exchanges in a found reading wherever the model prices that
cheaper, until nothing is.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the repo, when run as a script
sys.path.insert(0, str(HERE))

from stackdemux.demux import writes_decode  # noqa: E402
from stackdemux.demux.writes_decode import Decoded, _report_automaton, decode  # noqa: E402
from stackdemux.demux.writes_reading import reading  # noqa: E402

__all__ = ["Exchange", "exchanges", "owners_of", "repair_pairing"]

# Places tried per pair of processes (the earliest: where the pairing of a
# message with the goroutines below it is decided), and rounds of repair.
PLACES_PER_PAIR = 2
ROUNDS = 3


@dataclass(frozen=True, slots=True)
class Exchange:
    """Two processes' writes from `at` on, each given to the other."""

    a: int
    b: int
    at: int


def owners_of(got: Decoded, n: int) -> list[int]:
    """The process of each character of a reading (-1: the noise's, or none)."""
    owners = [-1] * n
    for k, lines in enumerate(got.processes):
        for segs in lines:
            for a, b in segs:
                owners[a:b] = [k] * (b - a)
        for e in got.newlines[k] if k < len(got.newlines) else ():
            if e < n:
                owners[e] = k
    return owners


def _idle(text: str, got: Decoded, k: int) -> list[tuple[int, int, tuple[int, ...], str]]:
    """Where process k stands at a line start after a line: (from,
    to, report state, the line just ended) with from the character after a
    newline and to the first character of its next line (inclusive)."""
    auto = _report_automaton()
    lines, ends = got.processes[k], got.newlines[k]
    stack = auto.start
    out = []
    for i, e in enumerate(ends):
        line = "".join(text[a:b] for a, b in lines[i])
        r = reading(line) if line else None
        if r is not None and r.kind != "blank":
            stack = auto.step(stack, r.kind.upper()) or stack
        if i + 1 >= len(lines):
            continue
        nxt = lines[i + 1]
        to = min((a for a, b in nxt if b > a), default=ends[i + 1] if i + 1 < len(ends) else e)
        out.append((e + 1, to, stack, line))
    return out


def exchanges(text: str, got: Decoded, per_pair: int = PLACES_PER_PAIR) -> list[Exchange]:
    """The places where two processes of a reading stand at a line start in
    the same report state, after lines of the same
    kind of emptiness (a process prints its blank lines where its kinds ask):
    the earliest `per_pair` of each pair."""
    if len(got.newlines) < len(got.processes):
        return []
    idle = [_idle(text, got, k) for k in range(len(got.processes))]
    out: list[Exchange] = []
    for a in range(len(idle)):
        for b in range(a + 1, len(idle)):
            found = 0
            for fa, ta, sa, la in idle[a]:
                if found >= per_pair:
                    break
                for fb, tb, sb, lb in idle[b]:
                    if fb > ta:
                        break
                    at = max(fa, fb)
                    if at <= min(ta, tb) and sa == sb and (la == "") == (lb == ""):
                        out.append(Exchange(a, b, at))
                        found += 1
                        break
    return out


def exchanged(owners: Sequence[int], x: Exchange) -> list[int]:
    """The owners with a's and b's characters from x.at on exchanged."""
    swap = {x.a: x.b, x.b: x.a}
    return list(owners[:x.at]) + [swap.get(o, o) for o in owners[x.at:]]


def repair_pairing(text: str, got: Decoded, beam: int = 64,
                   rounds: int = ROUNDS) -> tuple[Decoded, list[Exchange]]:
    """The reading after exchanging processes' rests where that makes it
    cheaper (priced by the model held to each), and the exchanges made."""
    owners = owners_of(got, len(text))
    best = decode(text, beam, owners=owners)
    made: list[Exchange] = []
    for _ in range(rounds):
        trials = [(decode(text, beam, owners=exchanged(owners, x)), x)
                  for x in exchanges(text, best)]
        cheaper = min(trials, key=lambda t: t[0].cost, default=None)
        if cheaper is None or cheaper[0].cost >= best.cost:
            break
        best, x = cheaper
        owners = exchanged(owners, x)
        made.append(x)
    return best, made


def main() -> None:
    from writes_significant import SMALL, owned

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cases", nargs="*")
    ap.add_argument("--per-pair", type=int, default=3)
    ap.add_argument("--releases", action="store_true",
                    help="also priced with the decoder's release term on")
    args = ap.parse_args()
    for case in args.cases or SMALL:
        text, owners, _ = owned(case)
        held = [o if isinstance(o, int) else -1 for o in owners]
        terms = (False, True) if args.releases else (False,)
        priced = []
        for on in terms:
            writes_decode.RELEASES = on
            base = decode(text, owners=held)
            priced.append((base.cost, [(x, decode(text, owners=exchanged(held, x)).cost - base.cost)
                                       for x in exchanges(text, base, args.per_pair)]))
        print(f"{case}: the truth held {' / '.join(f'{c:.1f}' for c, _ in priced)}; "
              f"{len(priced[0][1])} exchanges")
        for i, (x, _) in enumerate(priced[0][1]):
            cost = " -> ".join(f"{p[1][i][1]:+.1f}" for p in priced)
            print(f"  p{x.a}/p{x.b} at {x.at}: {cost}  {text[max(0, x.at - 24):x.at]!r} | "
                  f"{text[x.at:x.at + 24]!r}", flush=True)


if __name__ == "__main__":
    main()
