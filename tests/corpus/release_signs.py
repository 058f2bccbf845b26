#!/usr/bin/env python3
"""What in a traceback tells the Go release that built its process, and
whether it would place a random-order reading's misplaced lines (issue 3). A
developer tool, not a test.

    python tests/corpus/release_signs.py [CASE] [--seed N] [-v]

Signs are read line by line (the grammar, evidence.py), each with what it is:
a goroutine header's wait reason (`[sync.Mutex.Lock]`, `[semacquire]`) and
whether it prints `gp=`/`m=`; `created by F` with or without `in goroutine
N`; a standard library function's name (`internal/sync.runtime_SemacquireMutex`,
`sync.runtime_SemacquireWaitGroup`, a `gowrap`); a standard library frame's
site (its file as the toolchain's tree names it, its line) and pc offset;
heap addresses in the 0xc0 arena or not. Each sign is counted by the releases
whose real outputs print it: the samples (samples/go1.N/, manifest.json's
version) and the corpus's processes (truth.json's version), CASE's own
group left out. A sign that some release printed and some other never did,
among releases with enough outputs, is "distinct".

Then CASE (default twelve-lines-random) is read by the whole demultiplexer,
and each line that went to a stream whose majority process is not its own is
asked: does the line carry a sign its own release prints and the stream's
process's release never did (it could tell); does its goroutine (the truth's:
its process's lines from the header to the end of that stack) carry one (a
goroutine-wide release would tell); neither.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))  # the repo, when run as a script
sys.path.insert(0, str(HERE))

from beam_truth import lines_and_owners  # noqa: E402

from stackdemux.demux.evidence import Evidence, evidence  # noqa: E402
from stackdemux.demux.track import package_of  # noqa: E402
from stackdemux.grammar import MAX_LINE, line_grammar  # noqa: E402

_MATCH = line_grammar().match
# Releases with fewer outputs than this are not asked what they never print.
ENOUGH = 5


def _std(func: str) -> bool:
    """A standard library function (its package's path has no dot in its first element)."""
    pkg = package_of(func)
    return pkg != "main" and "." not in pkg.split("/", 1)[0]


def signs(texts: list[str]) -> list[set[tuple]]:
    """The release signs of each line of one process's output."""
    out: list[set[tuple]] = []
    call: Evidence | None = None
    for text in texts:
        m = _MATCH(text) if text and len(text) <= MAX_LINE else None
        kind = m.lastgroup if m is not None else None
        got: set[tuple] = set()
        ev = evidence(kind, m) if kind not in (None, "blank") else None
        if ev is not None:
            if kind == "goroutine_header" and ev.state:
                got.add(("state", ev.state.split(",")[0]))
                got.add(("machine", ev.machine))
            elif kind == "created_by":
                got.add(("in goroutine", ev.parent is not None))
                if ev.func and _std(ev.func):
                    got.add(("std created by", ev.func))
            elif kind == "frame_call" and ev.func:
                if _std(ev.func):
                    got.add(("std func", ev.func))
                if ".gowrap" in ev.func or ".deferwrap" in ev.func:
                    got.add(("wrapper", True))
            elif (kind == "frame_file" and call is not None and call.func and ev.file
                  and ev.root is not None):  # a toolchain's file, GOROOT or -trimpath
                got.add(("std site", call.func, ev.rel, ev.line))
                got.add(("std pc", call.func, ev.rel, ev.line, ev.offset))
            if ev.owned:
                got.add(("arena 0xc0", all(v.startswith("0xc0") for v in ev.owned)))
        call = ev if kind in ("frame_call", "created_by") else None
        out.append(got)
    return out


def _read(path: Path) -> str:
    raw = path.read_bytes()
    return (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8", "replace")


def outputs(skip_group: str) -> list[tuple[str, str]]:
    """(release `1.N`, text) of every real output but skip_group's, each once."""
    seen: set[str] = set()
    got: list[tuple[str, str]] = []
    for entry in json.loads((ROOT / "samples/manifest.json").read_text()):
        f = ROOT / "samples" / entry["file"]
        if entry["file"].startswith("go1.") and f.exists():
            text = _read(f)
            if text not in seen:
                seen.add(text)
                got.append((".".join(entry["go"].split(".")[:2]), text))
    for d in sorted((HERE / "cases").iterdir()):
        truth_file = d / "truth.json"
        if d.name.startswith(skip_group + "-") or not truth_file.exists():
            continue
        for p in json.loads(truth_file.read_text())["processes"]:
            text = _read(d / p["output"])
            if text not in seen and p.get("version", "").startswith("1."):
                seen.add(text)
                got.append((p["version"], text))
    return got


def table(skip_group: str) -> tuple[dict[tuple, set[str]], Counter]:
    """Each sign → the releases printing it; outputs per release."""
    by: dict[tuple, set[str]] = defaultdict(set)
    count: Counter = Counter()
    for release, text in outputs(skip_group):
        count[release] += 1
        for line in signs(text.splitlines()):
            for s in line:
                by[s].add(release)
    return by, count


def tells(sign_set: set[tuple], own: str, other: str, by: dict[tuple, set[str]],
          count: Counter) -> list[tuple]:
    """Signs printed by `own`'s release and never by `other`'s (asked only
    where `other` has ENOUGH outputs), or, where the sign's releases are
    known from ENOUGH outputs, not by `other`."""
    out = []
    for s in sign_set:
        releases = by.get(s)
        if not releases or own not in releases or other in releases:
            continue
        if count[other] >= ENOUGH:
            out.append(s)
    return out


def misplaced(name: str, seed: int | None) -> list[tuple[int, int, int]]:
    """(line index, its process, its stream's majority process) of each line
    the whole demultiplexer put in another process's stream."""
    from stackdemux.demux import demultiplex_detail
    from stackdemux.ingest import ingest

    texts, owners = lines_and_owners(name, seed)
    d = demultiplex_detail(ingest("".join(t + "\n" for t in texts).encode()))
    out = []
    for s in d.streams:
        maj = Counter(owners[n - 1] for n in s.numbers).most_common(1)[0][0]
        for n in s.numbers:
            p = owners[n - 1]
            if p is not None and maj is not None and p != maj:
                out.append((n - 1, p, maj))
    return out


def goroutines(lines: list[str]) -> list[int]:
    """Each line's goroutine in one output: the index of the header above it
    (-1 before the first, and for lines after a blank line)."""
    at, out = -1, []
    for i, text in enumerate(lines):
        if text.startswith("goroutine "):
            at = i
        elif not text.strip():
            at = -1
        out.append(at)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("case", nargs="?", default="twelve-lines-random")
    ap.add_argument("--seed", type=int)
    ap.add_argument("-v", action="store_true", help="list the signs and each misplaced line")
    args = ap.parse_args()
    group = args.case.split("-", 1)[0]
    by, count = table(group)
    print("outputs per release: " + ", ".join(f"{r} {n}" for r, n in sorted(
        count.items(), key=lambda x: int(x[0].split(".")[1]))))
    full = {r for r, n in count.items() if n >= ENOUGH}
    kinds: Counter = Counter()
    distinct: Counter = Counter()
    for s, releases in by.items():
        kinds[s[0]] += 1
        if releases & full and full - releases:
            distinct[s[0]] += 1
    print("signs (distinct: printed by some release, never by another of "
          f"{ENOUGH}+ outputs): "
          + ", ".join(f"{k} {distinct[k]}/{n}" for k, n in kinds.most_common()))
    if args.v:
        for s, releases in sorted(by.items(), key=lambda x: (x[0][0], str(x[0]))):
            if s[0] in ("state", "in goroutine", "machine", "wrapper", "arena 0xc0") or (
                    s[0] == "std func" and full - releases):
                print(f"    {s}: {' '.join(sorted(releases, key=lambda r: int(r.split('.')[1])))}")

    procs = json.loads((HERE / "cases" / args.case / "truth.json").read_text())["processes"]
    ver = [p["version"] for p in procs]
    texts, owners = lines_and_owners(args.case, args.seed)
    own_lines: dict[int, list[int]] = defaultdict(list)  # process → its input line indexes
    for i, p in enumerate(owners):
        if p is not None:
            own_lines[p].append(i)
    line_signs: dict[int, set[tuple]] = {}
    goroutine_of: dict[int, int] = {}
    for idx in own_lines.values():
        mine = [texts[i] for i in idx]
        for i, s, g in zip(idx, signs(mine), goroutines(mine), strict=True):
            line_signs[i] = s
            goroutine_of[i] = idx[g] if g >= 0 else -1
    members: dict[int, list[int]] = defaultdict(list)
    for i, g in goroutine_of.items():
        if g >= 0:
            members[g].append(i)
    verdict: Counter = Counter()
    which: Counter = Counter()
    bad = misplaced(args.case, args.seed)
    for i, p, q in bad:
        own, other = ver[p], ver[q]
        if own == other:
            verdict["same release"] += 1
            continue
        line = tells(line_signs[i], own, other, by, count)
        g = goroutine_of[i]
        wide = [s for j in members.get(g, []) for s in tells(line_signs[j], own, other, by, count)]
        if line:
            verdict["its line tells"] += 1
            which.update(s[0] for s in line)
        elif wide:
            verdict["its goroutine tells"] += 1
            which.update("goroutine: " + s[0] for s in wide[:1])
        else:
            verdict["nothing tells"] += 1
        if args.v:
            why = f"line {line[:2]}" if line else f"goroutine {wide[:1]}" if wide else "-"
            print(f"  {i + 1:5} p{p} ({own}) in p{q}'s ({other}): {texts[i]!r}  {why}")
    print(f"{args.case}{'' if args.seed is None else f' seed {args.seed}'}: {len(bad)} lines "
          "misplaced: " + ", ".join(f"{k} {v}" for k, v in verdict.most_common()))
    print("    by sign: " + ", ".join(f"{k} {v}" for k, v in which.most_common()))


if __name__ == "__main__":
    main()
