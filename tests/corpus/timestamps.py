#!/usr/bin/env python3
"""Corpus cases behind a timestamp that names no stream: moreutils `ts`.

`go test ./... 2>&1 | ts`, a CI runner's timestamper: one timestamp before
every line of a merged log, the same for every process, so the processes are
still told apart by their tracebacks alone. A corpus group is run at once
(make_cases.py), its lines merged as they arrived, and the merged log piped
through the real `ts` in the formats people meet: its default
(`Nov 26 08:23:09`), `-s` (time since start), an ISO date with a space, and
Jenkins' two looks (`08:23:09`, pipelines' `[2026-11-26T08:23:09.123Z]`).

Usage (needs the corpus toolchains and moreutils; not run by the test suite):
    python tests/corpus/timestamps.py [--group mixed]
Writes cases/<group>-prefix-timestamp-<n>/ like make_cases.py.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_cases as mc  # noqa: E402

# `ts` arguments, one case each.
FORMATS = {
    "ts": [],
    "ts-s": ["-s"],
    "iso": ["%Y-%m-%d %H:%M:%.S"],
    "jenkins": ["%H:%M:%S"],
    "jenkins-pipeline": ["[%Y-%m-%dT%H:%M:%.SZ]"],
}


def stamped(lines: list[tuple[int, bytes]], args: list[str]) -> mc.Merged:
    """The merged lines piped through `ts`: its prefix (up to the first space
    after the stamp) is the collector's, the rest of each line its process's."""
    data = b"".join(ln if ln.endswith(b"\n") else ln + b"\n" for _, ln in lines)
    out = subprocess.run(["ts", *args], input=data, capture_output=True, check=True).stdout
    got = out.splitlines(keepends=True)
    assert len(got) == len(lines)
    m = mc.Merged()
    for (i, ln), line in zip(lines, got, strict=True):
        cut = len(line) - len(ln if ln.endswith(b"\n") else ln + b"\n")
        assert line[cut:].rstrip(b"\n") == ln.rstrip(b"\n")
        m.add("prefix", line[:cut])
        m.add(i, line[cut:] if ln.endswith(b"\n") else line[cut:-1])
        if not ln.endswith(b"\n"):
            m.add("prefix", b"\n")  # ts ends the last line
    return m


def make(group: str, seed: int) -> None:
    procs = mc.GROUPS[group]
    for v in {p.version for p in procs}:
        mc.gobin(v)
    rng = random.Random(f"{group}/{seed}/timestamps")
    with tempfile.TemporaryDirectory() as tmp:
        cap = mc.run_group(procs, "fast", False, rng, Path(tmp))
    lines = mc.arrival_lines(cap)
    for name, args in FORMATS.items():
        mc.save_case(f"{group}-prefix-timestamp-{name}", group, "prefix-timestamp", procs, cap,
                     stamped(lines, args), {"style": " ".join(["ts", *args])})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--group", action="append", choices=sorted(mc.GROUPS))
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    for group in args.group or ["mixed"]:
        make(group, args.seed)


if __name__ == "__main__":
    main()
