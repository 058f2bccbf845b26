#!/usr/bin/env python3
"""Why a random-order reading misplaces lines, by cause (issue 3). A developer
tool, not a test.

    python tests/corpus/wrong_lines.py [CASE] [--seed N] [--told KINDS ...]

For each reading beam.separate() weighs (its first beam, the restarts, the
peeled and repaired readings: beam_truth.py's --stages), every line (heads
aside: heads.py rematches them) that went to a stream whose majority process
did not print it, counted by whether the two processes share a toolchain (Go
version, truth.json) and whether the line names a GOROOT; for the first and
the last reading also by line kind and by the process that printed it.

Then, for the first beam's misplaced program file lines (no GOROOT), what a
table of each toolchain's pc offsets (every process's, from the clean
outputs) would say: the stream's toolchain prints that line at another
offset (such a table could tell), at this one too (it could not), or never.

--told runs the beam told the toolchain of the lines of the given kinds
(evidence kinds; `file_root`/`file_program` split frame_file by whether it
names a GOROOT; `all`): a line so told goes only to a stream whose first
told line was of its toolchain (untold lines go anywhere). What knowing
each kind's toolchain would be worth: beam_truth.py --oracle tells all.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the repo, when run as a script
sys.path.insert(0, str(HERE))

from beam_truth import _Watched, head_lines, lines_and_owners, run, wrong  # noqa: E402

from stackdemux.demux.beam import LOST, Beam, Move, _owners, separate  # noqa: E402
from stackdemux.demux.budget import one_budget  # noqa: E402
from stackdemux.demux.evidence import Evidence, evidence  # noqa: E402
from stackdemux.demux.hypothesis import Hypothesis  # noqa: E402
from stackdemux.grammar import MAX_LINE, line_grammar  # noqa: E402

_PROGRAM_FILE = re.compile(r"^\t(\S+\.go):(\d+) \+0x([0-9a-f]+)")


def kinds_of(texts: list[str]) -> dict[int, Evidence]:
    match = line_grammar().match
    out = {}
    for i, text in enumerate(texts):
        m = match(text) if text and len(text) <= MAX_LINE else None
        if m is not None and m.lastgroup not in (None, "blank"):
            out[i] = evidence(m.lastgroup, m)
    return out


def kind(ev: Evidence) -> str:
    if ev.kind == "frame_file":
        return "file_root" if ev.root is not None else "file_program"
    return ev.kind


def misplaced(h: Hypothesis, owners: list[int | None], heads: frozenset[int]
              ) -> list[tuple[int, int | None]]:
    """(line, its stream's majority process; None: no stream took it)."""
    own = _owners(h)
    by: dict[int, Counter] = {}
    for i, t in own.items():
        by.setdefault(t, Counter())[owners[i]] += 1
    major = {t: c.most_common(1)[0][0] for t, c in by.items() if t >= 0}
    return [(i, major.get(t)) for i, t in sorted(own.items())
            if i not in heads and (t < 0 or owners[i] != major[t])]


def causes(name: str, seed: int | None) -> None:
    texts, owners = lines_and_owners(name, seed)
    procs = json.loads((HERE / "cases" / name / "truth.json").read_text())["processes"]
    ver = [p["version"] for p in procs]
    heads = head_lines(texts)
    evs = kinds_of(texts)
    with one_budget(), _Watched() as w:
        separate(texts)
    for n, (label, h) in enumerate(w.readings):
        bad = misplaced(h, owners, heads)
        by: Counter = Counter()
        detail: Counter = Counter()
        printer: Counter = Counter()
        for i, q in bad:
            p = owners[i]
            if q is None or p is None:
                by["no stream (orphan, noise)"] += 1
                continue
            same = "same toolchain" if ver[p] == ver[q] else "another toolchain"
            root = "GOROOT" if evs[i].root is not None else "no GOROOT"
            by[f"{same}, {root}"] += 1
            detail[(kind(evs[i]), same)] += 1
            printer[f"p{p} (Go {ver[p]})"] += 1
        print(f"{label:10} {h.score:8.1f}  misplaced {len(bad):4}: "
              + ", ".join(f"{k} {v}" for k, v in by.most_common()))
        if n in (0, len(w.readings) - 1):
            for (k, same), v in detail.most_common():
                print(f"    {v:4} {k} ({same})")
            print("    printed by: " + ", ".join(f"{k} {v}" for k, v in sorted(printer.items())))
    offsets(name, texts, owners, ver, evs, w.readings[0][1], heads)


def offsets(name: str, texts: list[str], owners: list[int | None], ver: list[str],
            evs: dict[int, Evidence], h: Hypothesis, heads: frozenset[int]) -> None:
    procs = json.loads((HERE / "cases" / name / "truth.json").read_text())["processes"]
    table: dict[str, dict[tuple[str, str], set[str]]] = {}
    for p, proc in enumerate(procs):
        for line in (HERE / "cases" / name / proc["output"]).read_text().splitlines():
            m = _PROGRAM_FILE.match(line)
            if m and (ev := kinds_of([line]).get(0)) is not None and ev.root is None:
                table.setdefault(ver[p], {}).setdefault((m[1], m[2]), set()).add(m[3])
    verdict: Counter = Counter()
    for i, q in misplaced(h, owners, heads):
        m = _PROGRAM_FILE.match(texts[i])
        if q is None or not m or evs[i].root is not None:
            continue
        seen = table.get(ver[q], {}).get((m[1], m[2]), set())
        if ver[owners[i]] == ver[q]:
            verdict["its stream's process is of its toolchain"] += 1
        elif not seen:
            verdict["the stream's toolchain never prints that line"] += 1
        elif m[3] in seen:
            verdict["the stream's toolchain prints it at this offset too"] += 1
        else:
            verdict["the stream's toolchain prints it at another offset"] += 1
    print("first beam's misplaced program file lines (no GOROOT), by each toolchain's offsets:")
    for k, v in verdict.most_common():
        print(f"    {v:4} {k}")


class Told(Beam):
    """The beam told the toolchain of some lines (labels; None: not told)."""

    def __init__(self, labels: list[str | None]) -> None:
        super().__init__()
        self.labels = labels
        self.toolchain: dict[int, str] = {}  # Track.order → its first told line's

    def moves(self, h: Hypothesis, i: int, ev: Evidence, token: str) -> list[Move]:
        out = []
        for m in super().moves(h, i, ev, token):
            if m[1] == LOST:
                continue
            told = {self.labels[j] for j in (i, *(h.floats[x].index for x in (m[3], m[4])
                                                   if x >= 0))} - {None}
            if len(told) > 1:
                continue
            if told and m[2] >= 0:
                known = self.toolchain.get(h.tracks[m[2]].order)
                if known is not None and known not in told:
                    continue
            out.append(m)
        return out or [(-10.0, LOST, -1, -1, -1, ())]

    def apply(self, h: Hypothesis, move: Move, i: int, ev: Evidence, sig: int,
              in_place: bool) -> None:
        taken = [i] if move[1] == LOST else [
            i, *(h.floats[x].index for x in (move[3], move[4]) if x >= 0)]
        super().apply(h, move, i, ev, sig, in_place)
        if move[1] != LOST:
            t = h.tracks[move[2]] if move[2] >= 0 else h.tracks[-1]
            told = {self.labels[j] for j in taken} - {None}
            if told and t.order not in self.toolchain:
                self.toolchain[t.order] = told.pop()


def told(name: str, seed: int | None, sets: list[str]) -> None:
    texts, owners = lines_and_owners(name, seed)
    procs = json.loads((HERE / "cases" / name / "truth.json").read_text())["processes"]
    ver = [procs[o]["version"] if o is not None else None for o in owners]
    heads = head_lines(texts)
    evs = kinds_of(texts)
    for spec in ["", *sets]:
        want = set(spec.split(",")) - {""}
        labels = [ver[i] if i in evs and ("all" in want or kind(evs[i]) in want) else None
                  for i in range(len(texts))]
        h = run(Told(labels), texts)
        print(f"told {spec or 'nothing':40} {h.score:8.1f}  misplaced {wrong(h, owners, heads):4}",
              flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("case", nargs="?", default="twelve-lines-random")
    ap.add_argument("--seed", type=int, help="the case merged again this way (--remerge's draw)")
    ap.add_argument("--told", nargs="*", metavar="KINDS",
                    help="comma-separated kinds told their toolchain, one beam a set")
    a = ap.parse_args()
    if a.told is not None:
        told(a.case, a.seed, a.told)
    else:
        causes(a.case, a.seed)


if __name__ == "__main__":
    main()
