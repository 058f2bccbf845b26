#!/usr/bin/env python3
"""The twelve smaller write merges read with a vocabulary (issue 3).
A developer tool, not a test.

    python tests/corpus/writes_vocabulary.py [--decode] [--beam W] [CASE ...]

Much of what a process prints is known before its writes are read: every
frame of the runtime and the standard library is a fixed (function, file,
line) of its Go release, and a frame the same log shows whole elsewhere is
one its processes print. This measures how much of the twelve smaller
`*-writes-*` merges such a vocabulary covers, and whether the write decoder
keeps the truth longer when it knows it (truth.json: who wrote each byte).

  vocabulary  `go`: the (function, file under GOROOT/src, line) of every
              runtime and standard-library frame printed by samples/go1.* and
              by the corpus's p*.out of the OTHER groups (a group's cases hold
              the same processes: never the case's own outputs), per release
              (the GOROOT names it: /usr/lib/go-1.19, /opt/gobin/1.23.9/go);
              `samples`: the same from samples/go1.* alone; `region`: the
              frames (function, file's tail, line) whose call line and file
              line both stand whole in the merge (one writer, contiguous)
  coverage    per case, of the processes' call and file lines that do NOT
              stand whole in the merge (the ones the decoder must assemble),
              how many the vocabulary names exactly (a call line: its
              function; a file line: its function's (function, file, line)),
              and the share of the processes' characters in those lines
  --decode    writes_decode.decode free, and with its `Seen` seeded by the
              vocabulary (each known function's file tail and line numbers
              and callers, as if read before; the process's release is not
              known to the decoder, so every release's lines): lines read
              back exactly, reports exact (score.py's key), the reading's
              cost beside the truth's (held: `owners`), and where the truth's
              future first falls out of the beam (the held reading's open
              lines and states, at each place a write of it ends; NB: the held
              beam's cheapest hypothesis at each place, which is often off
              the truth's path, so these places read too early: see
              writes_beam_loss.py, which follows the held reading's own path)

Measured: see stackdemux/demux/writes.py's comment (this script's figures).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CASES = HERE / "cases"
sys.path.insert(0, str(ROOT))  # the repo, when run as a script
sys.path.insert(0, str(HERE))

from writes_significant import SMALL, _read, owned  # noqa: E402

# A frame's file line: `\t<file>:<line>[ +0x..][ fp=...]`; its call line the line before.
_FILE = re.compile(r"\t(\S+?):(\d+)(?: \+0x[0-9a-f]+)?(?: .*)?$")
_CREATED = re.compile(r"created by (\S+?)(?: in goroutine \d+)?$")
_CALL = re.compile(r"[^\s(][^\t]*\)$")
# A GOROOT and the release it names; what follows src/ is the file's tail.
_GOROOT = re.compile(r"^(?:/usr/lib/go-(1\.\d+)|/opt/gobin/(1\.\d+)\.\d+/go)/src/(.+)$")

Frame = tuple[str, str, str]  # function, file's tail, line


@dataclass
class Line:
    """One line of a process's output, as a frame's part when it is one."""

    text: str
    start: int  # offset in the process's output
    kind: str  # "call", "created", "file" or "other"
    frame: Frame | None = None
    file: str | None = None  # a file line's file, whole
    release: str | None = None  # the GOROOT's release, for a frame of the standard library


def _function(line: str) -> str | None:
    """A call line's function: what stands before the `(` of its arguments."""
    if not _CALL.match(line):
        return None
    depth = 0
    for k in range(len(line) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(line[k], 0)
        if depth == 0:
            return line[:k] or None
    return None


def lines_of(out: str) -> list[Line]:
    """A process's lines, each call (or `created by`) line and file line of a
    frame given that frame."""
    got: list[Line] = []
    pos = 0
    for text in out.split("\n")[:-1] if out.endswith("\n") else out.split("\n"):
        got.append(Line(text, pos, "other"))
        pos += len(text) + 1
    for prev, line in pairwise(got):
        m = _FILE.match(line.text)
        if m is None or prev.kind != "other":
            continue
        c = _CREATED.match(prev.text)
        f = c.group(1) if c else _function(prev.text)
        if f is None:
            continue
        g = _GOROOT.match(m.group(1))
        tail = g.group(3) if g else m.group(1)
        frame = (f, tail, m.group(2))
        release = (g.group(1) or g.group(2)) if g else None
        prev.kind, prev.frame, prev.release = ("created" if c else "call"), frame, release
        line.kind, line.frame, line.release = "file", frame, release
        line.file = m.group(1)
    return got


@dataclass
class Vocabulary:
    """Frames known before a merge is read."""

    go: dict[str, set[Frame]] = field(default_factory=lambda: defaultdict(set))  # per release
    edges: set[tuple[str, str]] = field(default_factory=set)  # (callee, caller) in the runtime
    files: set[str] = field(default_factory=set)  # the runtime's files, whole

    def add_output(self, out: str) -> None:
        callee: str | None = None
        for line in lines_of(out):
            if line.kind == "file" and line.release is not None:
                self.go[line.release].add(line.frame)  # type: ignore[arg-type]
                self.files.add(line.file)  # type: ignore[arg-type]
            if line.kind in ("call", "created"):
                func = line.frame[0]  # type: ignore[index]
                caller = func if line.kind == "call" else "created by " + func
                if callee is not None and line.release is not None:
                    self.edges.add((callee, caller))
                callee = func if line.kind == "call" else None
            elif line.kind != "file":
                callee = None

    def all_go(self) -> set[Frame]:
        return set().union(*self.go.values()) if self.go else set()


def go_vocabulary(case: str, corpus: bool = True) -> Vocabulary:
    """The runtime's and standard library's frames of samples/go1.* and (with
    `corpus`) of the corpus's outputs outside the case's group."""
    v = Vocabulary()
    for f in sorted((ROOT / "samples").glob("go1.*/*.txt")):
        v.add_output(f.read_text(encoding="latin-1"))
    if corpus:
        group = case.split("-")[0]
        seen: set[bytes] = set()
        for f in sorted(CASES.glob("*/p*.out")):
            if f.parent.name.split("-")[0] == group:
                continue
            raw = f.read_bytes()
            if raw not in seen:
                seen.add(raw)
                v.add_output(raw.decode("latin-1"))
    return v


def _truth(case: str) -> dict:
    d = CASES / case
    f = d / "truth.json" if (d / "truth.json").exists() else d / "truth.json.gz"
    return json.loads(_read(f))


def placed(owners: list[object], k: int) -> list[int]:
    return [j for j, o in enumerate(owners) if o == k]


def whole_frames(owners: list[object], outs: list[str],
                 files: set[str] | None = None) -> tuple[set[Frame], list[list[bool]]]:
    """The frames whose call and file lines stand whole in the merge (one
    writer, contiguous, newline included), and per process which of its
    lines stand whole (`files`: gets their files, whole)."""
    frames: set[Frame] = set()
    whole: list[list[bool]] = []
    for k, out in enumerate(outs):
        at = placed(owners, k)
        ls = lines_of(out)
        w = []
        for line in ls:
            a, b = line.start, line.start + len(line.text)  # b: its newline
            w.append(b < len(at) and at[b] - at[a] == b - a)
        whole.append(w)
        for i, line in enumerate(ls):
            if line.kind == "file" and w[i] and w[i - 1]:
                frames.add(line.frame)  # type: ignore[arg-type]
                if files is not None:
                    files.add(line.file)  # type: ignore[arg-type]
    return frames, whole


def name_ends(text: str, names: set[str]) -> list[int]:
    """ends[i]: the end of the longest of `names` that starts at i (0: none)."""
    ends = [0] * (len(text) + 1)
    for name in names:
        i = text.find(name)
        while i >= 0:
            ends[i] = max(ends[i], i + len(name))
            i = text.find(name, i + 1)
    return ends


@dataclass
class Coverage:
    lines: Counter = field(default_factory=Counter)
    chars: Counter = field(default_factory=Counter)


def coverage(case: str, corpus: bool = True) -> Coverage:
    """Of the case's frame lines that do not stand whole in the merge, those
    each vocabulary names, and their characters."""
    _, owners, outs = owned(case)
    vocab = go_vocabulary(case, corpus)
    region, whole = whole_frames(owners, outs)
    truth = _truth(case)
    cov = Coverage()
    every = vocab.all_go()
    for k, out in enumerate(outs):
        release = truth["processes"][k]["version"]
        own = vocab.go.get(release, set())
        cov.chars["all"] += len(out)
        for i, line in enumerate(lines_of(out)):
            n = len(line.text) + 1
            cov.lines["lines"] += 1
            if whole[k][i]:
                cov.lines["whole"] += 1
                cov.chars["whole"] += n
                continue
            cov.chars["broken"] += n
            if line.frame is None:
                cov.lines["broken other"] += 1
                continue
            cov.lines["broken frame"] += 1
            cov.chars["broken frame"] += n
            f = line.frame
            known_func = line.kind != "file"
            hit_release = (f[0] in {g[0] for g in own}) if known_func else f in own
            hit_any = (f[0] in {g[0] for g in every}) if known_func else f in every
            hit_region = (f[0] in {g[0] for g in region}) if known_func else f in region
            for label, hit in (("go, its release", hit_release), ("go, any release", hit_any),
                               ("region", hit_region), ("go or region", hit_any or hit_region)):
                if hit:
                    cov.lines[label] += 1
                    cov.chars[label] += n
    return cov


# ------------------------------------------------------------- decoding ---


def seeded(frames: set[Frame], edges: set[tuple[str, str]]):  # type: ignore[no-untyped-def]
    """writes_repeats.Seen as if the frames and edges had been read before."""
    from stackdemux.demux.persistent import PMap
    from stackdemux.demux.writes_repeats import Seen

    tails: dict[str, Counter] = defaultdict(Counter)
    lines: dict[tuple[str, str], set[str]] = defaultdict(set)
    for func, tail, line in frames:
        tails[func][tail] += 1
        lines[(func, tail)].add(line)
    callers: dict[str, set[str]] = defaultdict(set)
    for callee, caller in edges:
        callers[callee].add(caller)
    return Seen(files=PMap({f: c.most_common(1)[0][0] for f, c in tails.items()}),
                lines=PMap({k: frozenset(v) for k, v in lines.items()}),
                edges=PMap({k: frozenset(v) for k, v in callers.items()}))


def _future(h, ordered: bool, fresh_state: int) -> tuple:  # type: ignore[no-untyped-def]
    """A hypothesis's future as writes_decode._prune keys it, its processes
    that wrote nothing yet left out (the held reading has them from the start)."""
    fut = [(p.state, p.stack, p.text, p.call or "", p.callee or "") for p in h.procs
           if p.lines is not None or p.segs]
    return tuple(sorted(fut))


class Tracer:
    """Records the futures writes_decode._prune keeps at each place."""

    def __init__(self) -> None:
        self.kept: dict[int, set[tuple]] = {}
        self.best: dict[int, tuple] = {}

    def __enter__(self) -> Tracer:
        from stackdemux.demux import writes_decode as wd

        self._prune = wd._prune
        tracer = self

        def prune(hyps, beam, ordered=False):  # type: ignore[no-untyped-def]
            out = tracer._prune(hyps, beam, ordered)
            if out:
                pos = _place(out[0])
                keys = [_future(h, ordered, 0) for h in out]
                tracer.kept[pos] = set(keys)
                tracer.best[pos] = keys[0]
            return out

        wd._prune = prune
        return self

    def __exit__(self, *exc: object) -> None:
        from stackdemux.demux import writes_decode as wd

        wd._prune = self._prune


def _place(h) -> int:  # type: ignore[no-untyped-def]
    """The text offset a hypothesis stands at: the end of its last piece."""
    ends = [0]
    for p in h.procs:
        if p.segs:
            ends.append(p.segs[-1][1])
        if p.lines is not None:
            ends.append(p.lines.newline + 1)
    link = h.noise
    if link is not None:
        ends.append(link[1][1])
    return max(ends)


def fell_out(held: Tracer, free: Tracer) -> tuple[int | None, int]:
    """Where the held reading's future is first missing from the free beam,
    and at how many of the held reading's places it is missing."""
    first, missing = None, 0
    for pos in sorted(held.best):
        if held.best[pos] not in free.kept.get(pos, ()):
            missing += 1
            if first is None:
                first = pos
    return first, missing


_HEADER = re.compile(r"goroutine \d+ .*\]:$")


def heads_end(owners: list[object], outs: list[str]) -> int:
    """Where every process has written its first goroutine header (the end
    of the last such line in the merge): the openers' stretch before it."""
    end = 0
    for k, out in enumerate(outs):
        at = placed(owners, k)
        for line in lines_of(out):
            if _HEADER.match(line.text):
                end = max(end, at[min(len(at) - 1, line.start + len(line.text))] + 1)
                break
    return end


def vocab_owners(owners: list[object], outs: list[str], frames: set[Frame]) -> list[int]:
    """Who wrote each character of the lines the vocabulary names (a call
    line's function, a file line's frame), -1 elsewhere: the vocabulary's
    ceiling, as if it told whose those lines are."""
    funcs = {f[0] for f in frames}
    got = [-1] * len(owners)
    for k, out in enumerate(outs):
        at = placed(owners, k)
        for line in lines_of(out):
            if line.frame is None or (line.frame not in frames if line.kind == "file"
                                      else line.frame[0] not in funcs):
                continue
            for j in range(line.start, line.start + len(line.text) + 1):
                if j < len(at):
                    got[at[j]] = k
    return got


@dataclass
class Read:
    """A reading of a case, beside the truth's."""

    lines: int  # read back exactly
    reports: int  # exact
    cost: float
    truth: float  # the truth's cost, held to who wrote each byte
    first: int | None  # where the truth's future first falls out of the beam
    missing: int  # at how many of the truth's places it is out
    places: int
    kbs: float

    def __str__(self) -> str:
        return (f"lines {self.lines}, reports {self.reports}, cost {self.cost:.1f} (truth "
                f"{self.truth:.1f}), truth out of the beam first at character {self.first}"
                f" ({self.missing}/{self.places} places), {self.kbs:.1f} KB/s")


def read_back(text: str, outs: list[str], got) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Lines read back exactly (each decoded process matched to the truth's
    process it shares most lines with) and reports exact (score.py's key)."""
    from score import report_key

    from stackdemux.parse import parse_text

    mine = ["\n".join("".join(text[a:b] for a, b in segs) for segs in p) + "\n"
            for p in got.processes]
    want = [Counter(o.split("\n")[:-1]) for o in outs]
    have = [Counter(m.split("\n")[:-1]) for m in mine]
    pairs = sorted(((sum((w & h).values()), i, j) for i, w in enumerate(want)
                    for j, h in enumerate(have)), reverse=True)
    used_i: set[int] = set()
    used_j: set[int] = set()
    lines = 0
    for n, i, j in pairs:
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            lines += n
    keys = Counter(report_key(r) for o in outs for r in parse_text(o).reports)
    found = Counter(report_key(r) for m in mine for r in parse_text(m).reports)
    return lines, sum((keys & found).values())


def decode_case(case: str, beam: int, corpus: bool = True,
                only: frozenset[str] = frozenset()) -> dict[str, object]:
    """The case read free and seeded, each beside the truth held likewise."""
    from stackdemux.demux.writes_decode import decode

    text, owners, outs = owned(case)
    vocab = go_vocabulary(case, corpus)
    files: set[str] = set()
    region, _ = whole_frames(owners, outs, files)
    frames = vocab.all_go() | region
    names = name_ends(text, {f[0] for f in frames} | files | vocab.files)
    held_owners = [o if isinstance(o, int) else -1 for o in owners]
    out: dict[str, object] = {"lines": sum(len(o.split("\n")) - 1 for o in outs),
                              "reports": sum(len(_reports(o)) for o in outs)}
    seen = seeded(frames, vocab.edges)
    known = vocab_owners(owners, outs, frames)
    h = heads_end(owners, outs)
    out["openers"] = f"held to the truth up to character {h}, the heads' stretch, then free"
    prefix = [o if j < h else -1 for j, o in enumerate(held_owners)]
    helds: dict[tuple[bool, bool], tuple[object, Tracer]] = {}
    both = [k if k >= 0 else o for k, o in zip(known, prefix, strict=True)]
    variants = {"free": {}, "seeded": {"seen": seen}, "names": {"names": names},
                "seeded, names": {"seen": seen, "names": names},
                "vocabulary lines held": {"seen": seen, "owners": known},
                "openers held": {"owners": prefix},
                "openers held, seeded, names": {"owners": prefix, "seen": seen, "names": names},
                "openers and vocabulary lines held": {"owners": both, "seen": seen,
                                                      "names": names}}
    for label, kw in variants.items():
        if only and label not in only:
            continue
        model = ("seen" in kw, "names" in kw)  # the truth held, priced as this reading is
        if model not in helds:
            with Tracer() as held_t:
                helds[model] = (decode(text, beam, **{**kw, "owners": held_owners}),  # type: ignore[arg-type]
                                held_t)
        held, held_t = helds[model]
        t0 = time.process_time()
        with Tracer() as free_t:
            got = decode(text, beam, **kw)  # type: ignore[arg-type]
        dt = time.process_time() - t0
        lines, reports = read_back(text, outs, got)
        first, missing = fell_out(held_t, free_t)
        out[label] = Read(lines, reports, got.cost, held.cost, first, missing,  # type: ignore[attr-defined]
                          len(held_t.best), len(text) / max(dt, 1e-9) / 1e3)
    return out


def _reports(out: str) -> list[object]:
    from stackdemux.parse import parse_text

    return parse_text(out).reports


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("cases", nargs="*", default=SMALL)
    ap.add_argument("--samples-only", action="store_true",
                    help="the go vocabulary from samples/go1.* alone")
    ap.add_argument("--decode", action="store_true")
    ap.add_argument("--beam", type=int, default=64)
    ap.add_argument("--variants", default="", help="the readings to run, `;`-separated")
    args = ap.parse_args()
    total = Coverage()
    for case in args.cases:
        cov = coverage(case, not args.samples_only)
        total.lines.update(cov.lines)
        total.chars.update(cov.chars)
        print(f"{case}: {_show(cov)}")
        if args.decode:
            only = frozenset(args.variants.split(";")) if args.variants else frozenset()
            for k, v in decode_case(case, args.beam, not args.samples_only, only).items():
                print(f"  {k}: {v}")
            sys.stdout.flush()
    print(f"total: {_show(total)}")


def _show(cov: Coverage) -> str:
    ls, cs = cov.lines, cov.chars
    parts = [f"{ls['lines']} lines, {ls['whole']} whole; broken frame lines {ls['broken frame']}"
             f" (other {ls['broken other']})"]
    for label in ("go, its release", "go, any release", "region", "go or region"):
        parts.append(f"{label} {ls[label]} ({100 * cs[label] / max(1, cs['broken']):.0f} % of"
                     " broken chars)")
    return "; ".join(parts)


if __name__ == "__main__":
    t0 = time.process_time()
    main()
    print(f"({time.process_time() - t0:.1f} s CPU)", file=sys.stderr)
