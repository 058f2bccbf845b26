#!/usr/bin/env python3
"""Where and why the write decoder's beam loses the truth (issue 3).
A developer tool, not a test.

    python tests/corpus/writes_beam_loss.py [--open W,...] [--beam W] [--per-place N]
        [--losses N] [--args] [CASE ...]

The decoder (writes_decode.decode) reads a write merge left to right as a
beam search; held to who wrote every byte (truth.json) it reads the truth,
which is what the search should keep. Per case (default: the six small
merges, bolt, gotest, mixed; -time and -shuffle) this prints:

  stretch   the openers' stretch: where every process has written its first
            goroutine header (writes_vocabulary.heads_end), and where every
            process has written its report's first line (opener and message)
  held      the truth's reading (lines, reports exact: the model's ceiling)
  open W    hypothesis 1: a beam of W over the openers' stretch (then --beam):
            whether the truth's future survives the stretch (where it first
            falls out), and the reading's lines and reports
  losses    hypothesis 2: the reading held to the truth up to the stretch's
            end, then free (a beam of --beam): the first N places the truth's
            future is missing from the beam after the stretch, and why:
            `width` (generated, but more than the beam's width of cheaper
            futures before it), `place` (the cap per place: PER_PLACE readings
            whose processes stand at the same places were cheaper), `absent`
            (no hypothesis there holds the truth's open lines: an earlier
            loss), with the truth's rank among the distinct futures, its cost
            above the cheapest kept (the model's local preference), and the
            text around it with who wrote each piece

  --args    the reading with each call line's arguments (its `(` to its `)`;
            with `+offsets`, a file line's ` +0x..` too) held to their writers,
            the rest free: whether dealing the short argument writes right
            is what the search lacks

The truth's future is writes_decode._prune's key of the held reading's
hypothesis at each place a write of it ends (writes_vocabulary.Tracer).
Measured: see stackdemux/demux/writes.py's comment (this script's figures).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the repo, when run as a script
sys.path.insert(0, str(HERE))

from writes_significant import owned  # noqa: E402
from writes_vocabulary import Tracer, _place, heads_end, lines_of, placed, read_back  # noqa: E402

SIX = [f"{g}-writes-{m}" for m in ("time", "shuffle") for g in ("bolt", "gotest", "mixed")]
_OPENER = re.compile(r"(panic|fatal error|SIG[A-Z]+): ")


def firsts_end(owners: list[object], outs: list[str]) -> int:
    """Where every process has written its report's first line (its opener
    and message, newline included)."""
    end = 0
    for k, out in enumerate(outs):
        at = placed(owners, k)
        for line in lines_of(out):
            if _OPENER.match(line.text):
                end = max(end, at[min(len(at) - 1, line.start + len(line.text))] + 1)
                break
    return end


def signature(h) -> tuple:  # type: ignore[no-untyped-def]
    """What a hypothesis holds of each process that wrote: its open line's
    text and the offset of the newline that ended its last line."""
    return tuple(sorted((p.text, p.lines.newline if p.lines is not None else -1)
                        for p in h.procs if p.lines is not None or p.segs))


def truth_path(text: str, got, owners: list[int]) -> dict[int, tuple]:  # type: ignore[no-untyped-def]
    """The signature of a reading held to `owners` (the truth) at every text
    position, as `signature` reads a hypothesis standing there; where a write
    of the reading ends the held beam holds it (`on_path`). A line's pieces
    leave out its newline: the first of its owner's after them."""
    per: list[list[tuple[int | None, list[tuple[int, int]]]]] = []
    for k, p in enumerate(got.processes):
        mine: list[tuple[int | None, list[tuple[int, int]]]] = []
        for segs in p:
            nl: int | None = segs[-1][1]
            while nl is not None and nl < len(text) and (text[nl] != "\n" or owners[nl] != k):
                nl += 1
            mine.append((nl if nl is not None and nl < len(text) else None, segs))
        per.append(mine)
    out: dict[int, tuple] = {}
    at = [0] * len(per)  # each process's first line not ended before pos
    for pos in range(1, len(text) + 1):
        sig = []
        for k, mine in enumerate(per):
            while at[k] < len(mine) and mine[at[k]][0] is not None and mine[at[k]][0] < pos:
                at[k] += 1
            last = mine[at[k] - 1][0] if at[k] else -1
            open_text = ""
            if at[k] < len(mine):
                open_text = "".join(text[a:min(b, pos)] for a, b in mine[at[k]][1] if a < pos)
            if open_text or at[k]:
                sig.append((open_text, last))
        out[pos] = tuple(sorted(sig))  # type: ignore[arg-type]
    return out


def on_path(path: dict[int, tuple], held: Widths) -> dict[int, tuple]:
    """The places the truth stands at: where the held beam keeps its signature."""
    return {p: sig for p, sig in path.items() if sig in held.kept_sigs.get(p, ())}


class Widths(Tracer):
    """Records, at the places `watch` names, every hypothesis offered
    (cost, its signature, writes_decode._prune's future and place keys) and
    which signatures the beam keeps; the beam is `wide` before `until`."""

    def __init__(self, watch: dict[int, tuple], wide: int = 0, until: int = 0):
        super().__init__()
        self.wide, self.until, self.watch = wide, until, watch
        self.offered: dict[int, list[tuple[float, tuple, tuple, tuple]]] = {}
        self.kept_sigs: dict[int, set[tuple]] = {}
        self.costs: dict[int, tuple[float, float]] = {}

    def __enter__(self) -> Widths:
        from stackdemux.demux import writes_decode as wd

        self._prune = wd._prune
        tracer = self

        def prune(hyps, beam, ordered=False):  # type: ignore[no-untyped-def]
            pos = _place(min(hyps, key=lambda h: h.cost)) if hyps else -1
            if hyps and pos < tracer.until:
                beam = max(beam, tracer.wide)
            if pos in tracer.watch:
                tracer.offered[pos] = sorted(
                    ((h.cost, signature(h), *_keys(h, ordered)) for h in hyps),
                    key=lambda t: t[0])
            out = tracer._prune(hyps, beam, ordered)
            if out and pos in tracer.watch:
                tracer.kept_sigs[pos] = {signature(h) for h in out}
                tracer.costs[pos] = (out[0].cost, out[-1].cost)
            return out

        wd._prune = prune
        return self


def _keys(h, ordered: bool) -> tuple[tuple, tuple]:  # type: ignore[no-untyped-def]
    """writes_decode._prune's future and place keys of a hypothesis."""
    future = tuple((p.state, p.stack, p.text, p.call or "", p.callee or "") for p in h.procs)
    place = tuple((p.state, p.stack[-1], bool(p.segs), p.call or "") for p in h.procs)
    if not ordered:
        return tuple(sorted(future)), tuple(sorted(place))
    return future, place


def why(offered: list[tuple[float, tuple, tuple, tuple]], truth: tuple, beam: int,
        per_place: int) -> tuple[str, int, float]:
    """Why the truth is not kept: the reason (`width`, `place`, `absent`: no
    hypothesis offered holds it, `future`: its future kept, reached by
    another past), its rank among the distinct futures offered, and its cost
    above the cheapest."""
    seen: set[tuple] = set()
    places: dict[tuple, int] = {}
    kept = 0
    rank = 0
    for cost, sig, fut, place in offered:
        if fut in seen:
            if sig == truth:
                return "future", rank, cost - offered[0][0]
            continue
        seen.add(fut)
        rank += 1
        if sig == truth:
            if places.get(place, 0) >= per_place:
                return "place", rank, cost - offered[0][0]
            return ("width" if kept >= beam else "kept?"), rank, cost - offered[0][0]
        if places.get(place, 0) >= per_place:
            continue
        places[place] = places.get(place, 0) + 1
        kept += 1
    return "absent", 0, 0.0


def show(text: str, owners: list[object], pos: int, before: int = 40, after: int = 24) -> str:
    """The writes around `pos`, each with its writer: `2:'0x1'`."""
    a, b = max(0, pos - before), min(len(text), pos + after)
    parts = []
    j = a
    while j < b:
        k = j
        while k < b and owners[k] == owners[j]:
            k += 1
        mark = "|" if j <= pos < k else ""
        parts.append(f"{mark}{owners[j]}:{text[j:k]!r}")
        j = k
    return " ".join(parts)


_OFFSET = re.compile(r" \+0x[0-9a-f]+")


def argument_owners(owners: list[object], outs: list[str], offsets: bool = False) -> list[int]:
    """Who wrote each character of the call lines' arguments (and with
    `offsets`, the file lines' ` +0x..`), -1 elsewhere."""
    from writes_vocabulary import _function

    got = [-1] * len(owners)
    for k, out in enumerate(outs):
        at = placed(owners, k)
        for line in lines_of(out):
            spans = []
            func = _function(line.text)
            if func is not None:
                spans.append((len(func), len(line.text)))
            m = _OFFSET.search(line.text) if offsets and line.text.startswith("\t") else None
            if m is not None:
                spans.append((m.start(), m.end()))
            for a, b in spans:
                for j in range(line.start + a, line.start + b):
                    got[at[j]] = k
    return got


def _losses(text: str, owners: list[object], path: dict[int, tuple], tr: Widths,
            held: Widths, beam: int, after: int, count: int) -> str:
    """The first `count` places after `after` where the truth leaves the beam
    (it was in it at the place before), and why."""
    from stackdemux.demux import writes_decode as wd

    out = []
    was_in = True
    first = None
    missing = 0
    for p in sorted(path):
        if p < after or p not in tr.kept_sigs:
            continue
        inside = path[p] in tr.kept_sigs[p]
        missing += not inside
        if not inside and first is None:
            first = p
        if not inside and was_in and len(out) < count:
            reason, rank, above = why(tr.offered[p], path[p], beam, wd.PER_PLACE)
            lo, hi = tr.costs.get(p, (0.0, 0.0))
            truth = min((c for c, sig, _, _ in held.offered.get(p, ()) if sig == path[p]),
                        default=float("nan"))
            out.append(f"    out at {p}: {reason}, rank {rank} of "
                       f"{len({f for _, _, f, _ in tr.offered[p]})} futures, +{above:.1f} over "
                       f"the cheapest (kept {lo:.1f}-{hi:.1f}; the truth held {truth:.1f})\n"
                       f"      {show(text, owners, p)}")
        was_in = inside
    places = sum(1 for p in path if p >= after and p in tr.kept_sigs)
    return "\n".join([f"    truth out first at {first}, out at {missing} of {places} places",
                      *out])


def run(case: str, opens: list[int], beam: int, losses: int, args: bool = False) -> None:
    from stackdemux.demux.writes_decode import decode

    text, owners, outs = owned(case)
    held_owners = [o if isinstance(o, int) else -1 for o in owners]
    stretch, firsts = heads_end(owners, outs), firsts_end(owners, outs)
    print(f"{case}: {len(text)} chars, {len(outs)} processes; every first line written by "
          f"{firsts}, every first header by {stretch}", flush=True)
    held = decode(text, beam, owners=held_owners)
    path = truth_path(text, held, held_owners)
    held_t = Widths(path)
    with held_t:
        decode(text, beam, owners=held_owners)
    path = on_path(path, held_t)
    print(f"  held: lines, reports {read_back(text, outs, held)}, cost {held.cost:.1f}, "
          f"noise {sum(b - a for a, b in held.noise)} chars", flush=True)
    for w in opens:
        t0 = time.process_time()
        tr = Widths(path, w, stretch)
        with tr:
            got = decode(text, beam)
        print(f"  open {w}: lines, reports {read_back(text, outs, got)}, cost {got.cost:.1f}; "
              f"{time.process_time() - t0:.1f} s", flush=True)
        print(_losses(text, owners, path, tr, held_t, max(w, beam), 0, 1), flush=True)
    for offsets in (False, True) if args else ():
        held_args = argument_owners(owners, outs, offsets)
        got = decode(text, beam, owners=held_args)
        print(f"  args{'+offsets' if offsets else ''} held ({sum(o >= 0 for o in held_args)} "
              f"chars): lines, reports {read_back(text, outs, got)}, cost {got.cost:.1f}",
              flush=True)
    if losses:
        prefix = [o if j < stretch else -1 for j, o in enumerate(held_owners)]
        tr = Widths(path)
        t0 = time.process_time()
        with tr:
            got = decode(text, beam, owners=prefix)
        print(f"  openers held: lines, reports {read_back(text, outs, got)}, cost {got.cost:.1f};"
              f" {time.process_time() - t0:.1f} s", flush=True)
        print(_losses(text, owners, path, tr, held_t, beam, stretch, losses), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("cases", nargs="*", default=SIX)
    ap.add_argument("--open", default="64", help="beam widths over the openers' stretch")
    ap.add_argument("--beam", type=int, default=64)
    ap.add_argument("--losses", type=int, default=3)
    ap.add_argument("--per-place", type=int, help="writes_decode.PER_PLACE for this run")
    ap.add_argument("--args", action="store_true", help="readings with arguments held")
    args = ap.parse_args()
    if args.per_place is not None:
        from stackdemux.demux import writes_decode as wd

        wd.PER_PLACE = args.per_place
    opens = [int(w) for w in args.open.split(",") if w]
    for case in args.cases:
        run(case, opens, args.beam, args.losses, args.args)


if __name__ == "__main__":
    t0 = time.process_time()
    main()
    print(f"({time.process_time() - t0:.1f} s CPU)", file=sys.stderr)
