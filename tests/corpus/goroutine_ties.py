#!/usr/bin/env python3
"""What ties a misplaced line to its own goroutine in random line order
(issue 3). A developer tool, not a test.

    python tests/corpus/goroutine_ties.py [CASE ...] [--seeds=-,1,2] [-v] [--told]

For each draw of each case (the committed one, `-`, or its outputs merged
again with a seed, as beam_truth.py --remerge draws them), the separator's
best reading (the one it keeps) and each line it misplaces (a line of a
stream whose majority process did not print it, or of no stream; heads
aside, as beam_truth.py counts them), counted by line kind and by what, in
the truth, ties the line to its own goroutine (truth.json's owners):

  owned      it prints a heap or stack address (above 4 GiB: Evidence.owned)
  tie        one of them is printed by another line of its goroutine too
  unique     ... and by no other process (a value only its process prints)
  arena      an arena (the address's high bits) only its process prints
             (Go 1.27 randomizes each process's heap base)
  image      it prints addresses below 4 GiB only (text, type descriptors:
             the binary's, alike in every process of one binary)
  fp         its file line prints fp=/sp= (GOTRACEBACK=system and up):
             a goroutine's frames chain fp -> sp (scores.file_score)
  offset     a program file line whose (file, line, offset) another process
             of its toolchain prints too and only processes of its
             toolchain do, while another toolchain prints the line at
             another offset (learnable: Hypothesis.builds)
  site       a program file line whose source line (path as printed) calls,
             in the truth, another function than the one printed before it
             in the stream that took it, and a process other than its own
             prints that line calling its own callee (learnable from the
             log; Hypothesis.calls keys package main by file name, so
             scores.same_site_callee leaves package main out)

--told: each goroutine's tied lines (`unique` or `fp`) told to the
separator as one group, as a splicer's read() chunks are (chain_oracle.py):
what a score term using those values perfectly could chain at best. A told
reading is its first beam's (no peel, no wider beam), so the free first
beam is printed beside it.

Measured at e2f26da, twelve-lines-random, draws -/1/2/3/4 (the separator's
best reading 1418.7/1844.0/1416.0/606.6/1576.7 points; the committed
draw's truth 2145.5), lines misplaced 142/81/115/207/109: printing a heap
or stack address 11/4/7/23/10, tied by one to another line of their
goroutine 3/0/3/11/1 (each such value unique to its process), an arena
only their process prints 0/1/0/4/2, fp= 0/0/0/8/1 (p9 is the only process
printing fp=), image addresses only 1/1/1/1/1; program file lines with a
learnable offset 3/3/2/7/3, a learnable site 8/6/12/20/9. Told the tied
lines (10 groups, 58 lines, most of them p9's fp= chains), the first beam
misplaces 200/191/240/201/158 lines and holds 6/11/3/8/17 of 55 goroutines
exact, free 200/140/229/211/213 and 14/19/10/6/11: no gain a value term
could reach. The lines the readings get wrong print no value
(`main.(*pool).worker(0x0?, 0x0?)`, `main.small.func1()`, `created by
main.startIdle`, goroutine headers): what ties them is which Go release
built them (wrong_lines.py: 114 of the committed draw's 142 went to a
stream of another toolchain, no GOROOT named). The other random-order
cases, draws -/1/2/3: sigquit 12/50/29/36 misplaced (alike lines swapped,
`runtime.goexit({})`, `fs 0x0`, and register lines; 0/0/2/2 print an
address, none tied), gotest 9/10/4/9 (0/0/0/1), crash 4/9/2/8 (none),
bolt 0/0/2/0, mixed 0/2/2/2 (none).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the repo, when run as a script
sys.path.insert(0, str(HERE))

from beam_crowd import misplaced  # noqa: E402
from beam_truth import _Watched, head_lines, lines_and_owners  # noqa: E402
from chain_oracle import clean, exact_goroutines, read  # noqa: E402
from polish_walk import fed, goroutines  # noqa: E402

from stackdemux.demux.beam import separate  # noqa: E402
from stackdemux.demux.budget import one_budget  # noqa: E402
from stackdemux.demux.evidence import Evidence  # noqa: E402
from stackdemux.demux.polish import streams_of  # noqa: E402


def _versions(name: str) -> list[str]:
    import json
    procs = json.loads((HERE / "cases" / name / "truth.json").read_text())["processes"]
    return [p["version"] for p in procs]


def callee_before(seq: list[int], pos: int, evs: dict[int, Evidence]) -> str | None:
    """In one stream's or goroutine's lines, the function of the frame
    before the one whose file line is seq[pos] ("" none: first of its
    goroutine; None: no call line right before the file line)."""
    if pos == 0 or evs[seq[pos - 1]].kind not in ("frame_call", "created_by"):
        return None
    for k in range(pos - 2, -1, -1):
        e = evs[seq[k]]
        if e.kind == "goroutine_header":
            return ""
        if e.kind == "frame_call":
            return e.func
    return ""


def value_groups(owners: list[int | None], evs: dict[int, Evidence],
         gors: list[frozenset[int]]) -> list[list[int]]:
    """Each goroutine's lines that a value ties together (an address only
    its process prints, printed by another line of the goroutine too; a
    file line's fp=/sp=): what a perfect value term could chain at best."""
    value_by: defaultdict[str, set[int | None]] = defaultdict(set)
    for i, e in evs.items():
        for v in e.owned:
            value_by[v].add(owners[i])
    out = []
    for g in gors:
        seen = Counter(v for i in g for v in set(evs[i].owned))
        group = sorted(i for i in g if evs[i].sp is not None or any(
            seen[v] > 1 and value_by[v] == {owners[i]} for v in evs[i].owned))
        if len(group) > 1:
            out.append(group)
    return out


def ties(name: str, seed: int | None, verbose: bool, told: bool) -> None:
    texts, owners = lines_and_owners(name, seed)
    lines = fed(texts)
    evs = {i: e for i, e, _ in lines}
    heads = head_lines(texts)
    version = _versions(name)
    gors = goroutines(owners, texts, [i for i, _, _ in lines])
    kinds = {i: e.kind for i, e in evs.items()}
    draw = f"{name} draw {'-' if seed is None else seed}"
    if told:
        # (a told reading is its first beam's: beam.separate neither peels
        # nor reads wider with groups; set beside the free first beam)
        with one_budget(), _Watched() as w:
            separate(texts)
        first = w.readings[0][1]
        groups = value_groups(owners, evs, gors)
        print(f"{draw}: free first beam {first.score:.1f} points, "
              f"{len(misplaced(first, owners, heads))} misplaced, goroutines "
              f"{len(exact_goroutines(first, gors, kinds, heads))}/{len(gors)}; "
              f"told {len(groups)} groups of {sum(map(len, groups))} lines:")
        h, cpu = read(texts, groups)
    else:
        h, cpu = read(texts, [])
    streams = {k: sorted(v) for k, v in streams_of(h).items()}
    stream_of = {i: k for k, v in streams.items() for i in v}
    bad = sorted(misplaced(h, owners, heads))
    goroutine_of = {i: sorted(g) for g in gors for i in g}
    # who prints what, in the truth
    value_by: defaultdict[str, set[int | None]] = defaultdict(set)
    arena_by: defaultdict[int, set[int | None]] = defaultdict(set)
    offset_by: defaultdict[tuple, set[str]] = defaultdict(set)
    printers_by: defaultdict[tuple, set[int | None]] = defaultdict(set)
    for i, e in evs.items():
        for v in e.owned:
            value_by[v].add(owners[i])
        for r in e.ranges:
            arena_by[r].add(owners[i])
        if e.kind == "frame_file" and e.root is None and owners[i] is not None:
            offset_by[(e.file, e.line, e.offset)].add(version[owners[i]])  # type: ignore[index]
            printers_by[(e.file, e.line, e.offset)].add(owners[i])
    calls_by: defaultdict[tuple, set[int | None]] = defaultdict(set)
    for g in gors:
        seq = sorted(g)
        for pos, i in enumerate(seq):
            e = evs[i]
            if e.kind == "frame_file" and e.root is None:
                c = callee_before(seq, pos, evs)
                if c is not None:
                    calls_by[(e.file, e.line, c)].add(owners[i])
    counts: Counter[tuple[str, str]] = Counter()
    for i in bad:
        e, p = evs[i], owners[i]
        g = goroutine_of.get(i, [])
        kind = e.kind if e.kind != "frame_file" else (
            "file (GOROOT)" if e.root is not None else "file (program)")
        tags = []
        if e.owned:
            tags.append("owned")
            mates = {v for j in g if j != i for v in evs[j].owned}
            tied = [v for v in e.owned if v in mates]
            if tied:
                tags.append("tie")
                if any(value_by[v] == {p} for v in tied):
                    tags.append("unique")
            if any(arena_by[r] == {p} for r in e.ranges):
                tags.append("arena")
        elif e.values:
            tags.append("image")
        if e.sp is not None:
            tags.append("fp")
        if e.kind == "frame_file" and e.root is None and p is not None:
            key = (e.file, e.line, e.offset)
            if (offset_by[key] == {version[p]} and printers_by[key] - {p}
                    and any(k[:2] == key[:2] and k != key for k in offset_by)):
                tags.append("offset")
            if i in stream_of and g:
                seq = streams[stream_of[i]]
                taken = callee_before(seq, seq.index(i), evs)
                own = callee_before(g, g.index(i), evs)
                if (taken is not None and own is not None and taken != own
                        and calls_by[(e.file, e.line, own)] - {p}):
                    tags.append("site")
        counts[(kind, " ".join(tags) or "-")] += 1
        if verbose:
            where = f"stream {stream_of[i]}" if i in stream_of else "no stream"
            print(f"    {i:5} p{p} {where:10} {' '.join(tags) or '-':22} {texts[i][:90]}")
    by_tag = Counter(t for (_, tags), n in counts.items() for t in tags.split() for _ in range(n))
    print(f"{draw}: {h.score:.1f} points, "
          f"{len(bad)} misplaced, goroutines {len(exact_goroutines(h, gors, kinds, heads))}"
          f"/{len(gors)}, clean {clean(h, owners, kinds, heads)}/{len({*owners} - {None})} "
          f"({cpu:.1f} s CPU); "
          + ", ".join(f"{t} {by_tag[t]}" for t in
                      ("owned", "tie", "unique", "arena", "image", "fp", "offset", "site")))
    for (kind, tags), n in sorted(counts.items(), key=lambda x: (-x[1], x[0])):
        print(f"  {n:4} {kind:18} {tags}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("cases", nargs="*", default=["twelve-lines-random"])
    ap.add_argument("--seeds", default="-", help="draws: - (the committed one) or seeds")
    ap.add_argument("-v", "--verbose", action="store_true", help="each misplaced line")
    ap.add_argument("--told", action="store_true",
                    help="the separator told each goroutine's value-tied lines as one group")
    args = ap.parse_args()
    for name in args.cases:
        for s in args.seeds.split(","):
            ties(name, None if s == "-" else int(s), args.verbose, args.told)


if __name__ == "__main__":
    main()
