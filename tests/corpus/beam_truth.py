#!/usr/bin/env python3
"""Hold the beam to the truth's assignment, to tell a search failure from an
evidence failure (issue 3). A developer tool, not a test.

    python tests/corpus/beam_truth.py [CASE ...]       # summary (default: lines-random)
    python tests/corpus/beam_truth.py --lockstep CASE  # where the beam loses the truth
    python tests/corpus/beam_truth.py --gaps CASE      # where a wrong move outscores the truth's
    python tests/corpus/beam_truth.py --remerge N      # the same outputs merged N other ways
    python tests/corpus/beam_truth.py --why CASE       # what drops the truth from the beam
    python tests/corpus/beam_truth.py --classify N     # search or evidence failure, per merge
    python tests/corpus/beam_truth.py --decompose CASE LINE  # beam and truth, by line kind
    python tests/corpus/beam_truth.py --stages CASE    # each stage of the whole separator
    python tests/corpus/beam_truth.py --oracle CASE    # the beam told each line's toolchain

Only line-interleaved cases (`*-lines-*`: whole lines, truth by line) can be
replayed. The summary prints, per case, the beam's best score and the lines
of its streams that are not their majority process's ("wrong"), then the
same for the beam held to the truth: a line (and the waiting lines it
completes) may only go to a stream of the process that printed it. Truth
above beam: the evidence ranks the truth first and the search misses it;
truth below beam: the evidence prefers a wrong assignment.

--lockstep runs both beams side by side and prints each line at which the
free beam starts or stops holding a hypothesis consistent with the truth
(heads aside: heads.py rematches them at the end). --gaps prints the lines
where the best move of any kind outscores the truth's best move, the largest
first, summed by line kind. --remerge merges each case's clean outputs again
in random line order with seeds 1..N (as make_cases.py does: a uniform
interleaving that keeps each output's order) and counts the reports the whole
pipeline recovers exactly: the committed cases are one draw each, and a case
exact on its draw may not be on the next.

--why follows the free beam and, where it stops holding a hypothesis
consistent with the truth, says what removed the last one: the fast path
(one move beat the rest by MARGIN), the MARGIN cut, the width (how many
candidates ranked above the best consistent one, and by how much), or a
merge or the patience rule. --classify merges each case N ways as --remerge
does and marks each draw S (the truth outscores the beam's reading: the
search lost it), E (the beam's reading outscores the truth: the evidence
prefers a wrong reading) or = (tie), with the lines misplaced. --decompose
sums, up to a line, the scores of the moves of the beam's best hypothesis
and of the truth's by the kind of line that decided them, and lists the
goroutine headers each placed or left waiting.

--stages runs the whole separator (beam.separate) and prints each reading
it weighs, as it makes them: the first beam, the restarts, the peeled and
repaired readings, with their scores, wrong lines (heads aside) and the
processes read clean (all their lines in one stream holding no other's).
--oracle prints the beam free, held to each line's toolchain alone (its
process's Go version, truth.json), and held to the truth: what knowing the
toolchains of the lines that do not name one would be worth.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from bisect import bisect_left, bisect_right
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the repo, when run as a script
sys.path.insert(0, str(HERE))  # score.py, when imported (tests/test_demux_interleave_beam.py)

from score import load_cases, report_key  # noqa: E402

from stackdemux.demux import beam as beam_module  # noqa: E402
from stackdemux.demux.beam import LOST, MARGIN, ORPHAN, Beam, Move, Wide, _owners  # noqa: E402
from stackdemux.demux.evidence import OPENERS, Evidence, evidence  # noqa: E402
from stackdemux.demux.hypothesis import ORPHANED, Hypothesis, Step  # noqa: E402
from stackdemux.grammar import MAX_LINE, line_grammar  # noqa: E402

RANDOM = ["bolt-lines-random", "gotest-lines-random", "mixed-lines-random",
          "twelve-lines-random", "crash-lines-random", "sigquit-lines-random"]
# Kinds of a report's head: which stream took them is decided again at the end.
HEAD_KINDS = OPENERS | {"chained_panic", "signal", "sigpc", "test_fail", "fault_address",
                        "runtime_note"}


def lines_and_owners(name: str, seed: int | None = None) -> tuple[list[str], list[int | None]]:
    """A case's input lines and the process that printed each (the truth);
    with a seed, its outputs merged again that way (--remerge's draw)."""
    if seed is not None:
        return merged(outputs(name), seed)
    case = load_cases(case=name)[0]
    own = [o for o, n in case.truth["ownership"] for _ in range(n)]
    texts: list[str] = []
    owners: list[int | None] = []
    at = 0
    for raw in case.input().split(b"\n"):
        texts.append(raw.decode("utf-8", "replace"))
        owners.append(own[at] if at < len(own) else None)
        at += len(raw) + 1
    if texts and texts[-1] == "":
        texts.pop()
        owners.pop()
    return texts, owners


class TruthBeam(Beam):
    """The beam held to the truth: a line goes only to its own process's stream."""

    def __init__(self, owners: list[int | None]) -> None:
        super().__init__()
        self.owners = owners
        self.process: dict[int, int | None] = {}  # Track.order → process

    def moves(self, h: Hypothesis, i: int, ev: Evidence, token: str) -> list[Move]:
        p = self.owners[i]
        out = [m for m in super().moves(h, i, ev, token)
               if m[1] != LOST
               and all(self.owners[h.floats[x].index] == p for x in (m[3], m[4]) if x >= 0)
               and (m[2] < 0 or self.process.get(h.tracks[m[2]].order) == p)]
        return out or [(ORPHAN, LOST, -1, -1, -1, ())]

    def apply(self, h: Hypothesis, move: Move, i: int, ev: Evidence, sig: int,
              in_place: bool) -> None:
        if move[1] != LOST and move[2] < 0:
            self.process[h.opened] = self.owners[i]
        super().apply(h, move, i, ev, sig, in_place)


class GapBeam(TruthBeam):
    """The truth's path, noting each line where another move scores higher."""

    def __init__(self, owners: list[int | None], texts: list[str]) -> None:
        super().__init__(owners)
        self.texts = texts
        self.gaps: list[tuple[float, int, str, str]] = []

    def moves(self, h: Hypothesis, i: int, ev: Evidence, token: str) -> list[Move]:
        free = Beam.moves(self, h, i, ev, token)
        held = super().moves(h, i, ev, token)
        gap = max(m[0] for m in free) - max(m[0] for m in held)
        if gap > 0.01:
            self.gaps.append((gap, i, ev.kind, self.texts[i][:70]))
        return held


def feed(beam: Beam, i: int, text: str) -> None:
    """One line, as beam.separate() gives it (retiring as it does)."""
    if i % 64 == 0 and i:
        beam.retire(i)
    m = line_grammar().match(text) if text and len(text) <= MAX_LINE else None
    if m is not None and m.lastgroup not in (None, "blank"):
        beam.line(i, evidence(m.lastgroup, m), hash(text))


def run(beam: Beam, texts: list[str]) -> Hypothesis:
    for i, text in enumerate(texts):
        feed(beam, i, text)
    return beam.finish()


def wrong(h: Hypothesis, owners: list[int | None], skip: frozenset[int] = frozenset()) -> int:
    """Lines of a stream that are not its majority process's, and lines no stream took."""
    by: dict[int, Counter] = {}
    for i, t in _owners(h).items():
        if i not in skip:
            by.setdefault(t, Counter())[owners[i]] += 1
    return sum(c.total() - (0 if t < 0 else c.most_common(1)[0][1]) for t, c in by.items())


def summary(names: list[str], seed: int | None = None) -> None:
    for name in names:
        texts, owners = lines_and_owners(name, seed)
        t0 = time.process_time()
        best = run(Beam(), texts)
        dt = time.process_time() - t0
        truth = run(TruthBeam(owners), texts)
        print(f"{name:24} beam {best.score:8.1f} wrong {wrong(best, owners):4}"
              f"  truth {truth.score:8.1f} wrong {wrong(truth, owners):4}  {dt:.2f}s", flush=True)


def lockstep(name: str, seed: int | None = None) -> None:
    texts, owners = lines_and_owners(name, seed)
    heads = head_lines(texts)
    free, held = Beam(), TruthBeam(owners)
    lost = False
    for i, text in enumerate(texts):
        feed(free, i, text)
        feed(held, i, text)
        ok = [k for k, h in enumerate(free.beam) if wrong(h, owners, heads) == 0]
        if (not ok) != lost:
            print(f"{i:5} beam={len(free.beam):2} best={free.beam[0].score:8.1f}"
                  f" truth={held.beam[0].score:8.1f} consistent={ok[:3]} {text[:80]}")
        lost = not ok


def gaps(name: str, seed: int | None = None, top: int = 30) -> None:
    texts, owners = lines_and_owners(name, seed)
    g = GapBeam(owners, texts)
    run(g, texts)
    by_kind: Counter = Counter()
    for gap, _, kind, _ in g.gaps:
        by_kind[kind] += round(gap, 1)
    print(name, "total gap", round(sum(x[0] for x in g.gaps), 1), "lines", len(g.gaps),
          dict(by_kind))
    for gap, i, kind, text in sorted(g.gaps, reverse=True)[:top]:
        print(f"  {gap:5.1f} {i:5} {kind:16} {text}")


class Consistency:
    """Is a hypothesis (or a move of it) consistent with the truth: no stream
    holds lines of two processes, no line of a process is orphaned (heads
    aside: heads.py matches them to stacks at the end). A line two processes
    printed alike (within ALIKE lines) may be either's: the beam keeps one of
    two hypotheses whose streams hold the same texts."""

    ALIKE = 128

    def __init__(self, owners: list[int | None], texts: list[str]) -> None:
        self.heads = head_lines(texts)
        at: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            at.setdefault(text, []).append(i)
        self.alike: list[frozenset[int | None]] = []
        for i, text in enumerate(texts):
            near = at[text]
            lo, hi = bisect_left(near, i - self.ALIKE), bisect_right(near, i + self.ALIKE)
            self.alike.append(frozenset(owners[j] for j in near[lo:hi]))
        # Step → (consistent, Track.order → its possible processes): forks share history
        self.known: dict[int, tuple[Step, bool, dict[int, frozenset[int | None]]]] = {}

    def of(self, step: Step | None) -> tuple[bool, dict[int, frozenset[int | None]]]:
        path = []
        while step is not None and id(step) not in self.known:
            path.append(step)
            step = step.parent
        ok, process = (True, {}) if step is None else self.known[id(step)][1:]
        for step in reversed(path):  # oldest first (a long history: no recursion)
            i, o = step.index, step.track
            if ok and i not in self.heads:
                if o == ORPHANED:
                    ok = False
                elif o >= 0:
                    now = process.get(o, self.alike[i]) & self.alike[i]
                    process = {**process, o: now}
                    ok = bool(now)
            self.known[id(step)] = (step, ok, process)
        return ok, process

    def holds(self, h: Hypothesis) -> bool:
        return self.of(h.history)[0]

    def move_holds(self, h: Hypothesis, m: Move, i: int) -> bool:
        ok, process = self.of(h.history)
        if not ok or m[1] == LOST:
            return ok and i in self.heads
        want = process.get(h.tracks[m[2]].order) if m[2] >= 0 else None
        for j in (i, *(h.floats[x].index for x in (m[3], m[4]) if x >= 0)):
            if j not in self.heads:
                want = self.alike[j] if want is None else want & self.alike[j]
        return want is None or bool(want)


def head_lines(texts: list[str]) -> frozenset[int]:
    match = line_grammar().match
    return frozenset(i for i, s in enumerate(texts)
                     if (m := match(s) if s and len(s) <= MAX_LINE else None) is not None
                     and m.lastgroup in HEAD_KINDS)


class WhyBeam(Beam):
    """The free beam, saying what removes its last hypothesis consistent with the truth."""

    def __init__(self, owners: list[int | None], texts: list[str]) -> None:
        super().__init__()
        self.texts = texts
        self.truth = Consistency(owners, texts)
        self.offered: list[tuple[Hypothesis, list[Move]]] = []
        self.held = True

    def moves(self, h: Hypothesis, i: int, ev: Evidence, token: str) -> list[Move]:
        out = super().moves(h, i, ev, token)
        self.offered.append((h, out))
        return out

    def line(self, i: int, ev: Evidence, sig: int) -> None:
        before = list(self.beam)
        self.offered = []
        spare = self.spare
        super().line(i, ev, sig)
        held = any(self.truth.holds(h) for h in self.beam)
        if self.held and not held:
            width = self.width(before, ev, spare)
            print(f"{i:5} lost: {self.cause(before, i, width)} | {self.texts[i][:70]}")
        elif held and not self.held:
            print(f"{i:5} held again | {self.texts[i][:70]}")
        self.held = held

    def width(self, before: list[Hypothesis], ev: Evidence, spare: float) -> int:
        """The width Beam.take() kept this line: WIDE where few streams can
        take the line and the spare work paid for it (the spare shows it)."""
        if self.narrowed_at >= 0:
            return 1
        busy = max(1, self.busy(before[0], ev))
        width = max(2, min(beam_module.WIDTH, beam_module.WORK // busy))
        n = sum(len(ms) for _, ms in self.offered)
        if busy <= beam_module.FEW:
            wide = min(beam_module.WIDE, beam_module.WIDE_WORK // busy)
            extra = n / len(before) * (wide - width)
            if abs(spare + beam_module.SPARE * n - extra - self.spare) < 1e-6 < extra:
                return wide
        return width

    def cause(self, before: list[Hypothesis], i: int, width: int) -> str:
        if not self.offered:
            return "a waiting line given up (ORPHAN)"
        # (a tie goes against the truth: the beam keeps the earlier of two)
        cands = sorted(((h.score + m[0], not self.truth.move_holds(h, m, i))
                        for h, ms in self.offered for m in ms), reverse=True)
        cands = [(sc, not off) for sc, off in cands]
        ranks = [r for r, (_, ok) in enumerate(cands) if ok]
        if not ranks:
            return "no move consistent with the truth"
        rank, top = ranks[0], cands[0][0]
        gap = cands[rank][0] - top
        if len(before) == 1 and len(self.beam) == 1 and rank:
            return f"fast path (best consistent move {gap:.1f} below the best)"
        if gap < -MARGIN:
            return f"MARGIN cut ({gap:.1f})"
        if rank >= width:
            return (f"width {width}: {rank} candidates of {len(cands)} above the best"
                    f" consistent one, {gap:.1f} below the best")
        # (or the same texts in other streams: two processes printed that line alike)
        return f"merged into a kept hypothesis, or out of patience (rank {rank}, {gap:.1f})"


def why(name: str, seed: int | None = None) -> None:
    texts, owners = lines_and_owners(name, seed)
    best = run(WhyBeam(owners, texts), texts)
    truth = run(TruthBeam(owners), texts)
    print(f"end: beam {best.score:.1f}, truth {truth.score:.1f}")


def outputs(name: str) -> list[str]:
    """A case's clean outputs, one a process."""
    d = HERE / "cases" / name
    truth = json.loads((d / "truth.json").read_text())
    return [(d / p["output"]).read_text() for p in truth["processes"]]


def merged(outs: list[str], seed: int) -> tuple[list[str], list[int | None]]:
    """The outputs merged in random line order (make_cases.py's way), and the owners."""
    lines = [o.splitlines() for o in outs]
    bag = [i for i, ls in enumerate(lines) for _ in ls]
    random.Random(seed).shuffle(bag)
    pos = [0] * len(lines)
    texts: list[str] = []
    for i in bag:
        texts.append(lines[i][pos[i]])
        pos[i] += 1
    return texts, list(bag)


def classify(names: list[str], seeds: int) -> None:
    for name in names:
        outs = outputs(name)
        marks = []
        for seed in range(1, seeds + 1):
            texts, owners = merged(outs, seed)
            best, held = run(Beam(), texts), run(TruthBeam(owners), texts)
            d = held.score - best.score
            mark = "S" if d > 0.5 else "E" if d < -0.5 else "="
            marks.append(f"{mark}{wrong(best, owners)}")
        print(f"{name:24} {' '.join(marks)}", flush=True)


class ScoredBeam(TruthBeam):
    """A beam noting each move's score by the step it recorded last (a free
    beam when owners is None)."""

    def __init__(self, owners: list[int | None] | None) -> None:
        super().__init__(owners or [])
        self.free = owners is None
        self.scored: dict[int, tuple[Step, float, str, bool]] = {}

    def moves(self, h: Hypothesis, i: int, ev: Evidence, token: str) -> list[Move]:
        return Beam.moves(self, h, i, ev, token) if self.free else super().moves(h, i, ev, token)

    def apply(self, h: Hypothesis, move: Move, i: int, ev: Evidence, sig: int,
              in_place: bool) -> None:
        if self.free:
            Beam.apply(self, h, move, i, ev, sig, in_place)
        else:
            super().apply(h, move, i, ev, sig, in_place)
        if h.history is not None:
            self.scored[id(h.history)] = (h.history, move[0], ev.kind, move[4] >= 0)

    def decomposed(self, h: Hypothesis) -> tuple[Counter, list[int]]:
        by: Counter = Counter()
        headed = []
        step = h.history
        while step is not None:
            got = self.scored.get(id(step))
            if got is not None and got[0] is step:
                by[got[2] + (" with its header" if got[3] else "")] += got[1]
                if got[3]:
                    headed.append(step.index)
            step = step.parent
        return by, sorted(headed)


def decompose(name: str, upto: int, seed: int | None = None) -> None:
    texts, owners = lines_and_owners(name, seed)
    free, held = ScoredBeam(None), ScoredBeam(owners)
    for i, text in enumerate(texts[:upto + 1]):
        feed(free, i, text)
        feed(held, i, text)
    (f, fh), (t, th) = free.decomposed(free.beam[0]), held.decomposed(held.beam[0])
    print(f"line {upto}: beam {free.beam[0].score:.1f}, truth {held.beam[0].score:.1f}")
    for kind in sorted(set(f) | set(t)):
        print(f"  {kind:32} beam {f[kind]:7.1f}  truth {t[kind]:7.1f}"
              f"  truth - beam {t[kind] - f[kind]:+6.1f}")
    for label, b, placed in (("beam", free, fh), ("truth", held, th)):
        waiting = [c.index for c in b.beam[0].floats if c.token == "GOROUTINE_HEADER"]
        print(f"  {label}: headers placed with a frame at {placed}, waiting {waiting}")


def remerge(names: list[str], seeds: int) -> None:
    from stackdemux.api import Options, analyze

    def keys(text: str, demux: bool = True) -> list:
        return sorted(report_key(r) for r in
                      analyze(text.encode(), Options(analyse=False, demux=demux)).reports)

    total = exact = 0
    for name in names:
        outs = outputs(name)
        want = sorted(k for o in outs for k in keys(o, demux=False))
        got_per_seed = []
        for seed in range(1, seeds + 1):
            texts, _ = merged(outs, seed)
            got = keys("".join(t + "\n" for t in texts))
            n = sum(1 for k in want if k in got)
            got_per_seed.append(n)
            total, exact = total + len(want), exact + n
        print(f"{name:24} reports exact per seed {got_per_seed} of {len(want)}", flush=True)
    print(f"all: {exact}/{total} reports exact ({100 * exact / max(1, total):.1f} %)")


class _Watched:
    """The stages of beam.separate() (its first beam, the restarts, the peeled
    and repaired readings), each reading kept as the pipeline makes it: the
    functions separate() calls are wrapped while it runs."""

    def __init__(self) -> None:
        self.readings: list[tuple[str, Hypothesis]] = []

    def __enter__(self) -> _Watched:
        from stackdemux.demux import peel, repair
        self.saved = (Beam.finish, peel.peeled, repair.repaired)
        finish, peeled, repaired = self.saved
        seen = self.readings

        def watched_finish(beam: Beam) -> Hypothesis:
            h = finish(beam)
            if type(beam) is Beam:  # (not a peeling or held beam)
                seen.append(("beam" if beam.jitter is None else "restart", h))
            elif type(beam) is Wide:
                seen.append(("wide", h))
            return h

        def watched_peeled(*args, **kw):  # type: ignore[no-untyped-def]
            out = peeled(*args, **kw)
            seen.extend((f"peeled {k + 1}", h) for k, h in enumerate(out))
            return out

        def watched_repaired(*args, **kw):  # type: ignore[no-untyped-def]
            h = repaired(*args, **kw)
            if h is not None:
                seen.append(("repaired", h))
            return h

        Beam.finish, peel.peeled, repair.repaired = (watched_finish, watched_peeled,
                                                     watched_repaired)
        return self

    def __exit__(self, *exc: object) -> None:
        from stackdemux.demux import peel, repair
        Beam.finish, peel.peeled, repair.repaired = self.saved


def clean(h: Hypothesis, owners: list[int | None], heads: frozenset[int]) -> int:
    """Processes whose lines (heads aside) are all in one stream that holds no other's."""
    streams: dict[int, Counter] = {}
    for i, t in _owners(h).items():
        if i not in heads:
            streams.setdefault(t, Counter())[owners[i]] += 1
    return len([p for p in {o for o in owners if o is not None}
                if len(where := [t for t, c in streams.items() if c[p]]) == 1
                and where[0] >= 0 and len(streams[where[0]]) == 1])


def stages(name: str, seed: int | None = None) -> None:
    from stackdemux.demux.beam import separate
    from stackdemux.demux.budget import one_budget

    texts, owners = lines_and_owners(name, seed)
    heads = head_lines(texts)
    procs = len({o for o in owners if o is not None})
    truth = run(TruthBeam(owners), texts)
    print(f"{'truth':12} {truth.score:8.1f}  wrong {wrong(truth, owners, heads):4}"
          f"  clean {clean(truth, owners, heads)}/{procs}")
    t0 = time.process_time()
    with one_budget() as paid, _Watched() as w:
        separate(texts)
    dt = time.process_time() - t0
    for label, h in w.readings:
        print(f"{label:12} {h.score:8.1f}  wrong {wrong(h, owners, heads):4}"
              f"  clean {clean(h, owners, heads)}/{procs}")
    print(f"{dt:.2f}s; work: restarts {paid.rerun}, peeling {paid.peel}, repair {paid.repair}")


def oracle(name: str, seed: int | None = None) -> None:
    """The beam held to each line's toolchain (its process's Go version) alone."""
    texts, owners = lines_and_owners(name, seed)
    procs = json.loads((HERE / "cases" / name / "truth.json").read_text())["processes"]
    versions = [procs[o]["version"] if o is not None else None for o in owners]
    for label, beam in (("free", Beam()), ("toolchains", TruthBeam(versions)),
                        ("processes", TruthBeam(owners))):
        h = run(beam, texts)
        print(f"{label:12} {h.score:8.1f}  wrong {wrong(h, owners):4}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("cases", nargs="*", help="lines-* cases (default: the lines-random ones)")
    ap.add_argument("--lockstep", metavar="CASE")
    ap.add_argument("--gaps", metavar="CASE")
    ap.add_argument("--remerge", metavar="N", type=int)
    ap.add_argument("--why", metavar="CASE")
    ap.add_argument("--classify", metavar="N", type=int)
    ap.add_argument("--decompose", nargs=2, metavar=("CASE", "LINE"))
    ap.add_argument("--stages", metavar="CASE")
    ap.add_argument("--oracle", metavar="CASE")
    ap.add_argument("--seed", metavar="N", type=int,
                    help="replay the case merged again with this seed (--remerge's draw N)")
    args = ap.parse_args()
    if args.why:
        why(args.why, args.seed)
    elif args.stages:
        stages(args.stages, args.seed)
    elif args.oracle:
        oracle(args.oracle, args.seed)
    elif args.classify:
        classify(args.cases or RANDOM, args.classify)
    elif args.decompose:
        decompose(args.decompose[0], int(args.decompose[1]), args.seed)
    elif args.remerge:
        remerge(args.cases or RANDOM, args.remerge)
    elif args.lockstep:
        lockstep(args.lockstep, args.seed)
    elif args.gaps:
        gaps(args.gaps, args.seed)
    else:
        summary(args.cases or RANDOM, args.seed)


if __name__ == "__main__":
    main()
