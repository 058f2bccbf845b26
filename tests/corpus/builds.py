#!/usr/bin/env python3
"""Is one toolchain's build of a program one binary, and would the separator
gain by it? (issue 3, random line order) A developer tool, not a test.

    python tests/corpus/builds.py [--seeds N]

Three counts, each over real outputs only:

1. one process, one binary: every repeat of a frame (function, file:line) in
   one output of the samples (samples/go1.*/) and the corpus
   (tests/corpus/cases/*/p*.out), and how many print another pc offset than
   its first (two calls on one line do: recursion, `f(g())`);
2. other toolchains, other offsets: of the program frames (no GOROOT file)
   the corpus's outputs print under two Go versions or more, the offsets one
   version alone prints and those several print alike;
3. contention: in the beam's reading of each random-order case (as committed
   and merged again with seeds 1..N, beam_truth.py's draws), the frames of a
   stream of one toolchain (its GOROOT) whose (function, file:line) another
   stream of that toolchain printed at another offset, against the frames
   the beam misplaced (call or file line not its stream's majority process's):
   how many errors a rule "one toolchain, one build" could reach at most.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO))  # the repo, when run as a script
sys.path.insert(0, str(HERE))  # beam_truth.py

from beam_truth import RANDOM, Beam, _owners, lines_and_owners, run  # noqa: E402

from stackdemux.demux.evidence import Evidence, evidence  # noqa: E402
from stackdemux.demux.hypothesis import closed_tracks  # noqa: E402
from stackdemux.grammar import MAX_LINE, line_grammar  # noqa: E402

Frame = tuple[str, str, str]  # function, file, line


def read(path: Path) -> list[str]:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8", "replace").splitlines()


def frames(lines: list[str]) -> list[tuple[int, Frame, Evidence]]:
    """(index of the file line, frame, the file line's evidence) of each
    frame a clean output prints: a call line and the file line after it."""
    match = line_grammar().match
    out = []
    call: Evidence | None = None
    for i, text in enumerate(lines):
        m = match(text) if text and len(text) <= MAX_LINE else None
        kind = m.lastgroup if m is not None else None
        if kind == "frame_call":
            call = evidence(kind, m)
            continue
        if kind == "frame_file" and call is not None and call.func is not None:
            ev = evidence(kind, m)
            if ev.file is not None and ev.line is not None and ev.offset is not None:
                out.append((i, (call.func, ev.file, ev.line), ev))
        call = None
    return out


def outputs() -> list[tuple[Path, str | None]]:
    """Every clean output with its Go version (None: a sample, its directory says)."""
    out: list[tuple[Path, str | None]] = []
    for sample in sorted(REPO.glob("samples/go1.*/*.txt")):
        out.append((sample, sample.parent.name.removeprefix("go")))
    for truth in sorted(HERE.glob("cases/*/truth.json*")):
        for p in json.loads("\n".join(read(truth)))["processes"]:
            path = truth.parent / p["output"]
            if not path.exists():
                path = path.with_name(path.name + ".gz")
            if path.exists():
                out.append((path, p["version"]))
    return out


def one_binary(outs: list[tuple[Path, str | None]]) -> None:
    same = other = 0
    exceptions: Counter = Counter()
    for path, _ in outs:
        first: dict[Frame, str] = {}
        for _, frame, ev in frames(read(path)):
            was = first.setdefault(frame, ev.offset or "")
            if was == ev.offset:
                same += 1
            else:
                other += 1
                exceptions[frame[0], Path(frame[1]).name + ":" + frame[2]] += 1
    print(f"1. one process, one binary: {same + other} repeats of a frame in "
          f"{len(outs)} outputs, {other} at another offset than its first")
    for (func, at), n in exceptions.most_common(5):
        print(f"     {n:4}  {func} {at}")


def other_toolchains(outs: list[tuple[Path, str | None]]) -> None:
    seen: dict[tuple[str, str, str], dict[str, set[str]]] = {}  # frame → offset → versions
    for path, version in outs:
        if "cases" not in path.parts or version is None:
            continue
        for _, (func, file, line), ev in frames(read(path)):
            if ev.root is None:  # (program code: its path names no toolchain)
                key = (func, file[file.rfind("/") + 1:], line)
                seen.setdefault(key, {}).setdefault(ev.offset or "", set()).add(version)
    alone = shared = 0
    for offsets in seen.values():
        if len(set().union(*offsets.values())) < 2:
            continue
        for versions in offsets.values():
            alone, shared = (alone + 1, shared) if len(versions) == 1 else (alone, shared + 1)
    print(f"2. other toolchains: of the program frames two versions or more print, "
          f"{alone} offsets are one version's, {shared} several versions' alike")


def contention(seeds: int) -> None:
    got: Counter = Counter()
    for name in RANDOM:
        for seed in (None, *range(1, seeds + 1)):
            texts, owners = lines_and_owners(name, seed)
            best = run(Beam(), texts)
            roots = {t.order: t.roots for t in closed_tracks(best.closed) + best.tracks}
            streams: dict[int, list[int]] = {}
            for i, o in sorted(_owners(best).items()):
                if o >= 0:
                    streams.setdefault(o, []).append(i)
            # (toolchain, frame) → offset → [misplaced?]
            printed: dict[tuple[str, Frame], dict[str, list[bool]]] = {}
            for o, ls in streams.items():
                named = [r for r in roots[o] if r]  # ("": a -trimpath build's, no version)
                if len(named) != 1:
                    continue
                major = Counter(owners[i] for i in ls).most_common(1)[0][0]
                for at, frame, ev in frames([texts[i] for i in ls]):
                    if ev.root is None:
                        wrong = owners[ls[at]] != major or owners[ls[at - 1]] != major
                        printed.setdefault((named[0], frame), {}).setdefault(
                            ev.offset or "", []).append(wrong)
            for offsets in printed.values():
                marks = [w for ws in offsets.values() for w in ws]
                got["frames"] += len(marks)
                got["misplaced"] += sum(marks)
                if len(offsets) > 1:
                    got["in conflict"] += len(marks)
                    got["in conflict, misplaced"] += sum(marks)
    print(f"3. contention ({len(RANDOM)} random-order cases, {seeds + 1} draws each): "
          f"{got['frames']} program frames in streams of one toolchain, {got['misplaced']} "
          f"misplaced; {got['in conflict']} where a stream of that toolchain printed the "
          f"frame at another offset, {got['in conflict, misplaced']} of them misplaced")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seeds", type=int, default=8, help="draws merged again per case (3.)")
    args = ap.parse_args()
    outs = outputs()
    one_binary(outs)
    other_toolchains(outs)
    contention(args.seeds)


if __name__ == "__main__":
    main()
