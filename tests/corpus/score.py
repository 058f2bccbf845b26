#!/usr/bin/env python3
"""Score stackdemux against the interleaving corpus (tests/corpus/cases).

    python tests/corpus/score.py [--engine analyze|nodemux] [--mode M] [--case C] [-v]

For every case it runs the engine on the merged input and compares the reports
it finds with the truth: the reports parsed from each process's CLEAN output
(so the truth follows the parser; only the demultiplexing is measured).

Per mode it prints:
  reports exact   message, kind and every goroutine (id, state, every frame's
                  func/file/line, created by) recovered in one report
  goroutines      goroutines recovered exactly, in any report
  messages        report messages recovered
  spurious        reports found that are not in the truth (matched by message)
  marked          (--marked) reports exact except at the values they mark as unsure
                  (Report.unsure), and the marks: wrong values that were marked
                  (recall) and marked values that were wrong (precision), over the
                  values scored (ids, states, frames' functions, files and lines)
  conserved       cases where every input line went to exactly one stream or
                  the noise (pieces of spliced lines may share a line, never
                  a column)

Engines: `analyze` is the whole pipeline (stackdemux.analyze, demultiplexing
on); `nodemux` parses the merged input as one stream: the baseline that the
demultiplexer must beat.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
sys.path.insert(0, str(HERE.parent.parent))  # the repo, when run as a script

# The target families of issue 3, by mode.
FAMILIES = {
    "lines": ("lines-arrival", "lines-random"),
    "prefix": tuple(f"prefix-{s}" for s in
                    ("compose", "kubectl", "cri", "gha", "syslog", "journald", "buildkit",
                     "parallel", "partial", "timestamp", "concurrently", "turbo", "pnpm", "yarn")),
    "writes": ("writes-time", "writes-shuffle"),
    "chunks": ("chunks-fast", "chunks-slow"),
    "paste": ("paste",),
    "noise": ("noise",),
}


def family(mode: str) -> str:
    return next((f for f, modes in FAMILIES.items() if mode in modes), mode)


# ------------------------------------------------------------------ cases ---

def read_maybe_gz(path: Path) -> bytes:
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.suffix == ".gz" else raw


@dataclass
class Case:
    name: str
    dir: Path
    truth: dict

    @property
    def mode(self) -> str:
        return self.truth["mode"]

    def input(self) -> bytes:
        return read_maybe_gz(self.dir / self.truth["input"])

    def output(self, i: int) -> bytes:
        return read_maybe_gz(self.dir / self.truth["processes"][i]["output"])


def load_cases(mode: str | None = None, case: str | None = None,
               root: Path = CASES) -> list[Case]:
    out = []
    for d in sorted(p for p in root.iterdir() if p.is_dir()):
        f = d / "truth.json" if (d / "truth.json").exists() else d / "truth.json.gz"
        truth = json.loads(read_maybe_gz(f))
        if mode and truth["mode"] != mode and family(truth["mode"]) != mode:
            continue
        if case and d.name != case:
            continue
        out.append(Case(d.name, d, truth))
    return out


# --------------------------------------------------------------- reports ---

def frame_key(f) -> tuple:
    return (f.func, f.file, f.line)


def goroutine_key(g) -> tuple:
    created = frame_key(g.created_by.frame) if g.created_by else None
    return (g.id, g.state, tuple(frame_key(f) for f in g.frames), created)


def report_key(r) -> tuple:
    return (str(r.kind.value if hasattr(r.kind, "value") else r.kind), r.message,
            tuple(sorted((goroutine_key(g) for g in r.goroutines), key=repr)))


def compact(r) -> dict:
    """A report as JSON, with only what the scorer compares."""
    kind, message, goroutines = report_key(r)
    return {"kind": kind, "message": message,
            "goroutines": [[gid, state, [list(f) for f in frames], list(c) if c else None]
                           for gid, state, frames, c in goroutines]}


def uncompact(d: dict) -> tuple:
    return (d["kind"], d["message"],
            tuple((gid, state, tuple(tuple(f) for f in frames), tuple(c) if c else None)
                  for gid, state, frames, c in d["goroutines"]))


def process_reports(case_dir: Path, truth: dict) -> list[list[dict]]:
    """Each process's reports, parsed from its clean output."""
    from stackdemux.parse import parse_text

    return [[compact(r) for r in parse_text(read_maybe_gz(case_dir / p["output"])).reports]
            for p in truth["processes"]]


def truth_keys(case: Case, fresh: bool = True) -> list[tuple]:
    stored = case.truth.get("truth_reports")
    per_process = process_reports(case.dir, case.truth) if fresh or stored is None else stored
    return [uncompact(r) for reports in per_process for r in reports]


# ---------------------------------------------------------------- engines ---

@dataclass
class Found:
    reports: list = field(default_factory=list)
    streams: list = field(default_factory=list)
    noise: list = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


# One demultiplexing of a case's input, shared by the tests that read it twice:
# tests/test_conservation.py keeps it here, the scorer takes it (the corpus
# costs a minute and a half a run).
_DEMUXED: dict[str, tuple] = {}


def demuxed(data: bytes, keep: bool = False) -> tuple:
    """(source, demux.Demuxed) of a case's input, as analyze reads it: taken from
    what a caller kept (`keep`), else worked out."""
    import hashlib

    from stackdemux.api import load
    from stackdemux.demux import demultiplex_detail

    key = hashlib.sha1(data).hexdigest()
    got = _DEMUXED.pop(key, None)
    if got is None:
        source = load(data, "<corpus>")
        got = (source, demultiplex_detail(source, id_prefix="s"))
    if keep:
        _DEMUXED[key] = got
    return got


def run_engine(engine: str, data: bytes) -> Found:
    """What stackdemux.analyze does up to the reports (no grouping), keeping the
    demultiplexer's own noise (lines no stream claimed) for the conservation check."""
    from stackdemux.api import Options, load, split_streams
    from stackdemux.parse import parse_stream, report_ids

    if engine == "nodemux":
        source = load(data, "<corpus>")
        streams, noise = split_streams(source, Options(demux=False, analyse=False))
    else:  # what api.split_streams does with a log read whole
        source, d = demuxed(data)
        streams, noise = d.streams, d.noise
    ids = report_ids()
    reports = [r for s in streams if not s.unplaced for r in parse_stream(s, ids).reports]
    return Found(reports, streams, noise, source.lines)


# ---------------------------------------------------------------- scoring ---

@dataclass
class Score:
    cases: int = 0
    reports: int = 0
    reports_exact: int = 0
    goroutines: int = 0
    goroutines_exact: int = 0
    messages: int = 0
    messages_found: int = 0
    found: int = 0
    spurious: int = 0
    conserved: int = 0
    # reports exact but at values they mark unsure; the scored values of found
    # reports matched to the truth's by message: wrong, marked, marked and wrong
    marked_exact: int = 0
    values_wrong: int = 0
    values_marked: int = 0
    marked_wrong: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for k, v in vars(other).items():
            setattr(self, k, getattr(self, k) + v)

    def pct(self, part: str, whole: str) -> float:
        w = getattr(self, whole)
        return 100.0 * getattr(self, part) / w if w else 100.0


def _overlap(a: Counter, b: Counter) -> int:
    return sum(min(n, b[k]) for k, n in a.items())


def conserved(found: Found) -> bool:
    """Every input line in exactly one stream or the noise; pieces never overlap."""
    claims: dict[int, list[tuple[int, int]] | None] = {}  # None: claimed whole

    def claim(n: int, span: tuple[int, int] | None) -> bool:
        if span is None:
            if n in claims:
                return False
            claims[n] = None
            return True
        have = claims.setdefault(n, [])
        if have is None or any(s < span[1] and span[0] < e for s, e in have):
            return False
        have.append(span)
        return True

    for s in found.streams:
        for i, n in enumerate(s.numbers):
            pieces = s.pieces.get(i) if s.pieces else None
            if pieces:
                if not all(claim(line, (a, b)) for line, a, b in pieces):
                    return False
            elif not claim(n, None):
                return False
    for a, b in found.noise:
        for n in range(a, b + 1):
            if n in claims and claims[n] is None:
                return False
            claims.setdefault(n, None)
    return all(n in claims for n in range(1, len(found.lines) + 1))


def score_case(case: Case, engine: str) -> Score:
    truth = truth_keys(case)
    found = run_engine(engine, case.input())
    got = [report_key(r) for r in found.reports]
    s = Score(cases=1, reports=len(truth), found=len(got))
    want_r, got_r = Counter(truth), Counter(got)
    s.reports_exact = _overlap(want_r, got_r)
    want_g = Counter(g for r in truth for g in r[2])
    got_g = Counter(g for r in got for g in r[2])
    s.goroutines, s.goroutines_exact = sum(want_g.values()), _overlap(want_g, got_g)
    want_m, got_m = Counter(r[1] for r in truth), Counter(r[1] for r in got)
    s.messages, s.messages_found = len(truth), _overlap(want_m, got_m)
    s.spurious = len(got) - s.messages_found
    s.conserved = int(conserved(found))
    marks(s, found.reports, truth)
    if s.reports_exact < s.reports or s.spurious:
        s.failures.append(case.name)
    return s


# The fields the scorer compares, as Report.unsure names them.
_SCORED = ("id", "state", "func", "file", "line")


def _masked(g) -> tuple[tuple, tuple]:  # type: ignore[no-untyped-def]
    """A found goroutine's scored values in goroutine_key's shape, and beside
    them which of them it marks unsure."""
    def frame_marks(f) -> tuple:  # type: ignore[no-untyped-def]
        return tuple(name in f.unsure for name in ("func", "file", "line"))

    created = g.created_by.frame if g.created_by else None
    return goroutine_key(g), (("id" in g.unsure), ("state" in g.unsure),
                              tuple(frame_marks(f) for f in g.frames),
                              frame_marks(created) if created is not None else None)


def _compare(key: tuple, mask: tuple, want: tuple) -> tuple[int, int, int, bool]:
    """(wrong values, marked values, marked and wrong, exact but at marks) of a
    found goroutine beside a truth goroutine."""
    wrong = marked = both = 0
    whole = len(key[2]) == len(want[2]) and (key[3] is None) == (want[3] is None)

    def one(v: object, m: bool, w: object) -> None:
        nonlocal wrong, marked, both, whole
        bad = v != w
        wrong += bad
        marked += m
        both += bad and m
        if bad and not m:
            whole = False

    one(key[0], mask[0], want[0])
    one(key[1], mask[1], want[1])
    for i, f in enumerate(key[2]):
        w = want[2][i] if i < len(want[2]) else (None, None, None)
        for v, m, x in zip(f, mask[2][i], w, strict=True):
            one(v, m, x)
    if key[3] is not None:
        for v, m, x in zip(key[3], mask[3], want[3] or (None, None, None), strict=True):
            one(v, m, x)
    return wrong, marked, both, whole


def marks(s: Score, reports: list, truth: list[tuple]) -> None:
    """The marked columns of one case: each found report beside the truth's
    report of its kind and message (an exact one first), goroutines paired
    exactly first, the rest in order of fewest wrong values."""
    left = Counter(truth)
    by_message: dict[tuple, list[tuple]] = {}
    for t in truth:
        by_message.setdefault((t[0], t[1]), []).append(t)
    for r in reports:
        key = report_key(r)
        masked = [_masked(g) for g in r.goroutines]
        s.values_marked += sum(_count_marks(m) for _, m in masked)
        if left[key] > 0:
            left[key] -= 1
            s.marked_exact += 1
            continue
        best = None
        for t in by_message.get((key[0], key[1]), []):
            if left[t] <= 0:
                continue
            got = _pair(masked, list(t[2]))
            if best is None or got[0] < best[0][0]:
                best = (got, t)
        if best is None:
            continue
        (wrong, _, both, whole), t = best
        s.values_wrong += wrong
        s.marked_wrong += both
        if whole:
            left[t] -= 1
            s.marked_exact += 1


def _count_marks(mask: tuple) -> int:
    return int(mask[0]) + int(mask[1]) + sum(sum(f) for f in mask[2]) + (
        sum(mask[3]) if mask[3] is not None else 0)


def _pair(masked: list[tuple[tuple, tuple]], want: list[tuple]) -> tuple[int, int, int, bool]:
    """A found report's goroutines beside a truth report's: (wrong values,
    marked, marked and wrong, every goroutine exact but at marks)."""
    pool = Counter(want)
    rest = []
    for key, mask in masked:
        if pool[key] > 0:
            pool[key] -= 1
        else:
            rest.append((key, mask))
    free = [w for w, n in pool.items() for _ in range(n)]
    wrong = marked = both = 0
    whole = len(masked) == len(want)
    for key, mask in rest:
        shaped = [w for w in free if len(w[2]) == len(key[2])] or free
        if not shaped:
            whole = False
            continue
        got = min(((_compare(key, mask, w), w) for w in shaped), key=lambda x: x[0][0])
        (a, b, c, ok), w = got
        free.remove(w)
        wrong, marked, both = wrong + a, marked + b, both + c
        whole = whole and ok
    return wrong, marked, both, whole


def score(cases: Iterable[Case], engine: str = "analyze",
          progress: bool = False) -> dict[str, Score]:
    """Scores per mode, plus one row per family ("lines", "prefix", …) and "all"."""
    rows: dict[str, Score] = {}
    for case in cases:
        s = score_case(case, engine)
        if progress:
            print(f"  {case.name}: {s.reports_exact}/{s.reports} exact, {s.spurious} spurious",
                  file=sys.stderr)
        for key in {case.mode, f"[{family(case.mode)}]", "[all]"}:
            rows.setdefault(key, Score()).add(s)
    return rows


def _ordered(rows: dict[str, Score]) -> list[str]:
    return sorted(rows, key=lambda k: (k == "[all]", k.startswith("["), k))


def _fractions(pairs: list[tuple[int, int]], pcts: list[float] | None = None) -> list[str]:
    """`a/b` cells of one column with their `/` in one place (and `pct%` after,
    where given): each part padded to the column's widest."""
    wa = max(len(str(a)) for a, _ in pairs)
    wb = max(len(str(b)) for _, b in pairs)
    cells = [f"{a:>{wa}}/{b:<{wb}}" for a, b in pairs]
    if pcts is not None:
        cells = [f"{c} {p:5.1f}%" for c, p in zip(cells, pcts, strict=True)]
    return cells


def _aligned(header: list[str], columns: list[list[str]]) -> str:
    """A table whose every column is as wide as its widest cell or heading (a
    mode's name, `prefix-concurrently`, or a figure of 5 digits pushed the
    columns after it out of line): the first column left-aligned, the others
    right-aligned, a rule under the heading."""
    widths = [max(len(h), *map(len, col)) for h, col in zip(header, columns, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    head = line(header)
    body = [line(list(cells)) for cells in zip(*columns, strict=True)]
    return "\n".join([head, "-" * len(head), *body])


def table(rows: dict[str, Score]) -> str:
    keys = _ordered(rows)
    ss = [rows[k] for k in keys]
    return _aligned(
        ["mode", "cases", "reports exact", "goroutines exact", "messages", "spurious",
         "conserved"],
        [keys,
         [str(s.cases) for s in ss],
         _fractions([(s.reports_exact, s.reports) for s in ss],
                    [s.pct("reports_exact", "reports") for s in ss]),
         _fractions([(s.goroutines_exact, s.goroutines) for s in ss],
                    [s.pct("goroutines_exact", "goroutines") for s in ss]),
         _fractions([(s.messages_found, s.messages) for s in ss],
                    [s.pct("messages_found", "messages") for s in ss]),
         [str(s.spurious) for s in ss],
         _fractions([(s.conserved, s.cases) for s in ss])])


def marked_table(rows: dict[str, Score]) -> str:
    """The marked columns: reports exact but at their unsure values, and the
    marks' recall (wrong values marked / wrong values) and precision (marked
    values wrong / marked values); `-` where there is nothing to divide."""
    def ratios(pairs: list[tuple[int, int]]) -> list[str]:
        return [f"{c} {'-' if b == 0 else ' '}" for c, (_, b) in zip(_fractions(pairs), pairs,
                                                                    strict=True)]

    keys = _ordered(rows)
    ss = [rows[k] for k in keys]
    return _aligned(
        ["mode", "exact but marked", "wrong marked (recall)", "marked wrong (prec.)"],
        [keys,
         _fractions([(s.marked_exact, s.reports) for s in ss],
                    [s.pct("marked_exact", "reports") for s in ss]),
         ratios([(s.marked_wrong, s.values_wrong) for s in ss]),
         ratios([(s.marked_wrong, s.values_marked) for s in ss])])


FLOORS = HERE / "floors.json"


def floors_of(rows: dict[str, Score]) -> dict[str, dict[str, float]]:
    """What the demultiplexer achieves now, per family: the floor the tests hold it to."""
    return {
        k.strip("[]"): {
            "reports_exact_pct": round(s.pct("reports_exact", "reports"), 1),
            "messages_pct": round(s.pct("messages_found", "messages"), 1),
            "spurious_max": s.spurious,
        }
        for k, s in sorted(rows.items()) if k.startswith("[")
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--engine", choices=["analyze", "nodemux"], default="analyze")
    ap.add_argument("--mode", help="a mode (lines-random) or a family (lines, prefix, …)")
    ap.add_argument("--case")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each case's score")
    ap.add_argument("--marked", action="store_true",
                    help="also the marked columns: reports exact but at their unsure values")
    ap.add_argument("--write-floors", action="store_true",
                    help=f"record the scores as the floor tests hold to ({FLOORS.name})")
    args = ap.parse_args()
    cases = load_cases(args.mode, args.case)
    if not cases:
        sys.exit("no case matches")
    rows = score(cases, args.engine, progress=args.verbose)
    print(f"engine: {args.engine}, {len(cases)} cases")
    print(table(rows))
    if args.marked:
        print()
        print(marked_table(rows))
    failing = sorted({f for k, s in rows.items() if k == "[all]" for f in s.failures})
    if failing:
        print(f"\nnot exact or spurious: {', '.join(failing)}")
    if args.write_floors:
        if args.mode or args.case or args.engine != "analyze":
            sys.exit("--write-floors takes the whole corpus with the analyze engine")
        FLOORS.write_text(json.dumps(floors_of(rows), indent=1, sort_keys=True) + "\n")
        print(f"floors written to {FLOORS}")


if __name__ == "__main__":
    main()
