#!/usr/bin/env python3
"""The write-level merges read by their significant writes only (issue 3).
A developer tool, not a test.

    python tests/corpus/writes_significant.py [--width W] [--count N] [CASE ...]

What the corpus scores of a report (score.py `goroutine_key`) is its message
and kind and, per goroutine, its id, its state and each frame's (function,
file, line), `created by` likewise: the *significant* writes. The runtime
prints each as one write (`print(name, "(")`, `print("\\t", file, ":", line)`,
`print("goroutine ", goid, " [", status, ...)`), so each stands whole in any
merge; arguments, `+0x` offsets and the short writes between them
(`, `, `?`, `{`, `)\\n`) are not scored. Per case (default: the twelve
smaller `*-writes-*` merges) it prints:

  whole      significant writes that stand contiguous in the merge (truth.json
             says who wrote each byte)
  skeleton   reports exact when each process's text keeps only them (calls
             `name()`, file lines without offsets; other lines verbatim):
             the ceiling of a reading of significant writes alone
  cut        significant writes both of whose ends writes_tokens.write_ends
             offers, and of them with no end offered inside (one piece)
  readings   assignments of the significant writes (cut as the truth cuts
             them) to processes that keep each process's order and obey the
             hard rules: a token automaton per process (header, state,
             (function, file, line)*, created by), a file in its function's
             package, one GOROOT and one path style (whole or -trimpath'd) per
             process (`--count N` caps the states)
  merge      how finely the writes mix: a process's file, `:` and line number
             standing together (no other process's write among them), and
             how often the next writer (at each change of writer) is the one
             that wrote least recently (strace's turns: round-robin)
  beam       a beam of W over the same tokens, priced by the distance since
             the process's last significant write (in `-time` merges a frame's
             writes are close in time), free or with kinds of tokens held to
             the truth: reports exact, tokens right, and the found reading's
             cost beside the truth's (found below truth: the model prefers a
             wrong reading; above: the search lost it)
"""

from __future__ import annotations

import argparse
import gzip
import heapq
import json
import math
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
sys.path.insert(0, str(HERE.parent.parent))  # the repo, when run as a script

SMALL = [f"{g}-writes-{m}" for g in ("bolt", "gotest", "mixed", "crash", "sigquit", "twelve")
         for m in ("time", "shuffle")]


def _read(path: Path) -> bytes:
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.suffix == ".gz" else raw


def owned(name: str) -> tuple[str, list[object], list[str]]:
    """A case's merged text, who wrote each character, each process's output."""
    d = CASES / name
    f = d / "truth.json" if (d / "truth.json").exists() else d / "truth.json.gz"
    t = json.loads(_read(f))
    text = _read(d / t["input"]).decode("latin-1")  # one character a byte, as ownership counts
    owners = [o for o, n in t["ownership"] for _ in range(n)]
    return text, owners, [_read(d / p["output"]).decode("latin-1") for p in t["processes"]]


# ------------------------------------------------------- significant writes ---

_HEADER = re.compile(r"goroutine (\d+)(?: gp=\S+ m=\S+(?: mp=\S+)?)? \[([^\]]*)\]:$")
_FILE = re.compile(r"\t(\S+?):(\d+)(?: \+0x[0-9a-f]+)?(?: fp=.*)?$")
_CREATED = re.compile(r"created by (\S+?)(?: in goroutine (\d+))?$")
_PANIC = re.compile(r"\t?(?:panic: |fatal error: )(.*?)(?: \[recovered(?:, repanicked)?\])?"
                    r"(?: \(re-panicked\))?$")

Token = tuple[str, int, int]  # kind, start, end (in a process's output)
DIGITS = {"line", "gid", "cgid"}  # one shape: which a number is, only the process's state says


def significant(out: str) -> list[Token]:
    """The significant writes of one process's output, in its order."""
    toks: list[Token] = []
    pos = 0
    for line in out.split("\n"):
        if m := _HEADER.match(line):
            toks += [("gid", pos + m.start(1), pos + m.end(1)),
                     ("state", pos + m.start(2), pos + m.end(2))]
        elif m := _CREATED.match(line):
            toks.append(("cfunc", pos + m.start(1), pos + m.end(1)))
            if m.group(2):
                toks.append(("cgid", pos + m.start(2), pos + m.end(2)))
        elif m := _FILE.match(line):
            toks += [("file", pos + m.start(1), pos + m.end(1)),
                     ("line", pos + m.start(2), pos + m.end(2))]
        elif m := _PANIC.match(line):
            toks.append(("msg", pos + m.start(1), pos + m.end(1)))
        elif line.endswith(")") and "(" in line and not line.startswith(("\t", " ", "[", "---")):
            depth = 0
            for k in range(len(line) - 1, -1, -1):  # the arguments' `(`
                depth += {")": 1, "(": -1}.get(line[k], 0)
                if depth == 0:
                    break
            toks.append(("func", pos, pos + k))
        pos += len(line) + 1
    return toks


def skeleton(out: str) -> str:
    """A process's output with only its significant writes and fixed words:
    what a reading of significant writes alone could give the parser."""
    lines = []
    for line in out.split("\n"):
        toks = significant(line)
        if m := _HEADER.match(line):
            line = f"goroutine {m.group(1)} [{m.group(2)}]:"
        elif (m := _FILE.match(line)) and not _CREATED.match(line):
            line = f"\t{m.group(1)}:{m.group(2)}"
        elif toks and toks[0][0] == "func":
            line = line[:toks[0][2]] + "()"
        lines.append(line)
    return "\n".join(lines)


MergedToken = tuple[int, int, int, str, str]  # start, end in the merge, process, kind, text


def merged_tokens(text: str, owners: list[object],
                  outs: list[str]) -> tuple[list[MergedToken], int]:
    """Every process's significant writes placed in the merge, in its order;
    and how many of them stand contiguous there."""
    at: list[list[int]] = [[] for _ in outs]
    for j, o in enumerate(owners):
        if isinstance(o, int):
            at[o].append(j)
    toks, whole = [], 0
    for i, out in enumerate(outs):
        assert "".join(text[j] for j in at[i]) == out, "ownership does not spell the output"
        for kind, a, b in significant(out):
            whole += at[i][b - 1] - at[i][a] == b - a - 1
            toks.append((at[i][a], at[i][b - 1] + 1, i, kind, out[a:b]))
    toks.sort()
    return toks, whole


def cut(text: str, toks: list[MergedToken]) -> tuple[int, int]:
    """Significant writes whose both ends write_ends offers; of them, those
    with no end offered inside."""
    from stackdemux.demux.writes_tokens import write_ends

    ends = write_ends(text)
    bounded = [(a, b) for a, b, *_ in toks if ends[a] and ends[b]]
    return len(bounded), sum(1 for a, b in bounded if not any(ends[a + 1:b]))


def mixing(owners: list[object], toks: list[MergedToken]) -> tuple[int, int, int, int]:
    """(file lines standing together, file lines, changes of writer to the one
    that wrote least recently, changes of writer)."""
    together = files = 0
    last: dict[int, MergedToken] = {}
    for t in toks:
        prev = last.get(t[2])
        if t[3] == "line" and prev is not None and prev[3] == "file":
            files += 1
            together += all(owners[j] == t[2] for j in range(prev[0], t[1]))
        last[t[2]] = t
    runs: list[int] = []
    for o in owners:
        if isinstance(o, int) and (not runs or runs[-1] != o):
            runs.append(o)
    first = {o: i for i, o in reversed(list(enumerate(runs)))}
    final = {o: i for i, o in enumerate(runs)}
    recent: dict[int, int] = {}
    lru = changes = 0
    for i, o in enumerate(runs):
        live = [p for p in first if first[p] <= i <= final[p] and p != runs[i - 1]] if i else []
        if len(live) > 1:
            changes += 1
            lru += o == min(live, key=lambda p: recent.get(p, -1))
        recent[o] = i
    return together, files, lru, changes


# ---------------------------------------------------------------- readings ---

# What may follow each kind of significant write in one process.
NEXT = {"start": {"msg", "gid"}, "msg": {"msg", "gid"}, "gid": {"state"},
        "state": {"func", "cfunc", "gid"}, "func": {"file"}, "file": {"line"},
        "line": {"func", "cfunc", "gid", "msg"}, "cfunc": {"cgid", "file"}, "cgid": {"file"}}
FINAL = {"start", "msg", "state", "line"}
_GOROOT = re.compile(r"(?:/opt/gobin/[^/]+/go/src/|/usr/lib/go-[^/]+/src/)")

# automaton, last function, (paths whole, GOROOT), where its last write ended
State = tuple[str, str | None, tuple[bool, str | None] | None, int]


def in_package(func: str, file: str) -> bool:
    """A function's file lies in its package's directory (main's anywhere;
    the runtime's files hold functions of other packages: time.Sleep)."""
    slash = func.rfind("/")
    dot = func.find(".", slash + 1)
    pkg = func[:dot] if dot > 0 else func
    if pkg == "main" or "/runtime/" in file or file.startswith("runtime/"):
        return True
    d = file.rsplit("/", 1)[0] if "/" in file else ""
    return d.endswith("/" + pkg) or d == pkg or d.rsplit("/", 1)[-1] == pkg.rsplit("/", 1)[-1]


def step(s: State, kind: str, value: str, start: int, end: int,
         heads: bool = False) -> State | None:
    """A process's state after it writes a significant token; None: it cannot.
    `heads`: a process opens with its message (one report head each)."""
    auto, func, root, _ = s
    if heads and auto == "start" and kind != "msg":
        return None
    allowed = NEXT[auto]
    if kind in DIGITS:
        if not allowed & DIGITS:
            return None
        kind = "line" if auto == "file" else "cgid" if auto == "cfunc" else "gid"
    elif kind in ("func", "cfunc"):
        if kind not in allowed:
            return None
        func = value
    elif kind not in allowed:
        return None
    if kind == "file":
        if func and not in_package(func, value):
            return None
        # one build prints every path whole, or every path trimmed (-trimpath),
        # and one GOROOT
        m = _GOROOT.match(value)
        whole, goroot = value.startswith("/"), m.group() if m else None
        if root is not None:
            if root[0] != whole or (goroot and root[1] and root[1] != goroot):
                return None
            goroot = goroot or root[1]
        root = (whole, goroot)
    return (kind, func, root, end)


def count_readings(toks: list[MergedToken], processes: int, cap: int,
                   heads: bool = False) -> int | None:
    """Assignments that obey the hard rules (processes unnamed: a new one is
    opened as the next); None past `cap` states."""
    layer: dict[tuple, int] = {(): 1}
    for a, b, _, kind, v in toks:
        nxt: dict[tuple, int] = defaultdict(int)
        for st, n in layer.items():
            opened = list(st) + ([("start", None, None, 0)] if len(st) < processes else [])
            for p, s in enumerate(opened):
                if (s2 := step(s, kind, v, a, b, heads)) is None:
                    continue
                new = list(st) + [None] * (p == len(st))
                new[p] = (*s2[:3], 0)
                nxt[tuple(new)] += n
        layer = nxt
        if len(layer) > cap:
            return None
    return sum(n for st, n in layer.items()
               if len(st) == processes and all(s[0] in FINAL for s in st))


def outcomes(toks: list[MergedToken], processes: int, limit: int,
             heads: bool = False) -> int | None:
    """Distinct readings (each process's significant writes, processes
    unnamed) that the hard rules leave; None past `limit` assignments."""
    done: dict[tuple, bool] = {}

    def opened(st: tuple) -> list:
        return list(st) + ([("start", None, None, 0)] if len(st) < processes else [])

    def moves(i: int, st: tuple) -> list[tuple[int, tuple]]:
        a, b, _, kind, v = toks[i]
        out = []
        for p, s in enumerate(opened(st)):
            if (s2 := step(s, kind, v, a, b, heads)) is not None:
                new = list(st) + [None] * (p == len(st))
                new[p] = (*s2[:3], 0)
                out.append((p, tuple(new)))
        return out

    def finishes(i: int, st: tuple) -> bool:
        # iteratively, from the end: no recursion as deep as the tokens
        if (i, st) in done:
            return done[(i, st)]
        stack = [(i, st)]
        while stack:
            j, s = stack[-1]
            if (j, s) in done:
                stack.pop()
                continue
            if j == len(toks):
                done[(j, s)] = len(s) == processes and all(x[0] in FINAL for x in s)
                stack.pop()
                continue
            nxt = [(j + 1, n) for _, n in moves(j, s)]
            todo = [x for x in nxt if x not in done]
            if todo:
                stack.extend(todo)
                continue
            done[(j, s)] = any(done[x] for x in nxt)
            stack.pop()
        return done[(i, st)]

    found: set[tuple] = set()
    seen = 0
    work: list[tuple[int, tuple, tuple]] = [(0, (), ())]
    while work:
        i, st, seqs = work.pop()
        if i == len(toks):
            seen += 1
            if seen > limit:
                return None
            found.add(tuple(sorted(seqs)))
            continue
        kind, v = toks[i][3], toks[i][4]
        for p, new in moves(i, st):
            if finishes(i + 1, new):
                grown = list(seqs) + [()] * (p == len(seqs))
                grown[p] = (*grown[p], ("digits" if kind in DIGITS else kind, v))
                work.append((i + 1, new, tuple(grown)))
    return len(found)


def pairs(toks: list[MergedToken], processes: int, limit: int) -> list[str]:
    """Per pair of processes, their significant writes alone, each process
    opening with its message: the distinct readings the hard rules leave."""
    out = []
    for x in range(processes):
        for y in range(x + 1, processes):
            sub = [t for t in toks if t[2] in (x, y)]
            heads = all(any(t[2] == p and t[3] == "msg" for t in sub) for p in (x, y))
            n = count_readings(sub, 2, 500_000, heads)
            got = outcomes(sub, 2, limit, heads) if n is not None and n <= limit else None
            out.append(f"{x}{y}:{got if got is not None else '>' + str(limit)}")
    return out


def beam(toks: list[MergedToken], processes: int, width: int,
         held: frozenset[str] = frozenset()) -> tuple[list[int], float] | None:
    """The cheapest assignment a beam finds, each token priced log(1 + the
    characters since its process's last significant write), a process opened
    +3; tokens of the `held` kinds go to their own process only."""
    label: dict[int, int] = {}
    for t in toks:
        label.setdefault(t[2], len(label))
    hyps: list[tuple[float, tuple, object]] = [(0.0, (), None)]
    for a, b, owner, kind, v in toks:
        cands: dict[tuple, tuple[float, tuple, object]] = {}
        for cost, st, back in hyps:
            # held to the truth, the processes are named from the start (theirs);
            # free, a new one is opened as the next (no reading counted twice)
            opened = list(st) + ([("start", None, None, a)] if len(st) < processes else [])
            if held and not st:
                opened = [("start", None, None, a)] * processes
            for p, s in enumerate(opened):
                if kind in held and p != label[owner]:
                    continue
                if (s2 := step(s, kind, v, a, b)) is None:
                    continue
                c = cost + math.log1p(max(0, a - s[3])) + 3.0 * (p >= len(st))
                new = list(opened) if held and not st else list(st) + [None] * (p == len(st))
                new[p] = s2
                key = tuple(new)
                if key not in cands or cands[key][0] > c:
                    cands[key] = (c, key, (back, p))
        hyps = heapq.nsmallest(width, cands.values(), key=lambda h: h[0])
        if not hyps:
            return None
    cost, _, back = hyps[0]
    got: list[int] = []
    while back is not None:
        back, p = back  # type: ignore[misc]
        got.append(p)
    return got[::-1], cost


def exact(toks: list[MergedToken], got: list[int]) -> tuple[int, int]:
    """Processes read exactly (every significant write, in order), and tokens
    given to the process their reading's majority maps to their writer."""
    def seqs(assign: list[int]) -> Counter:
        by: dict[int, list] = defaultdict(list)
        for t, p in zip(toks, assign, strict=True):
            by[p].append(("digits" if t[3] in DIGITS else t[3], t[4]))
        return Counter(tuple(s) for s in by.values())

    want, have = seqs([t[2] for t in toks]), seqs(got)
    pairs = Counter((p, t[2]) for t, p in zip(toks, got, strict=True))
    named: dict[int, int] = {}
    for (p, i), _ in pairs.most_common():
        if p not in named and i not in named.values():
            named[p] = i
    right = sum(1 for t, p in zip(toks, got, strict=True) if named.get(p) == t[2])
    return sum(min(n, have[k]) for k, n in want.items()), right


# -------------------------------------------------------------------- main ---

HELD = {"free": frozenset(),
        "names held": frozenset({"func", "cfunc", "file"}),
        "numbers, states, messages held": frozenset({"line", "gid", "cgid", "state", "msg"}),
        "all but ids, states, messages held": frozenset({"func", "cfunc", "file", "line", "cgid"})}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("cases", nargs="*", default=SMALL)
    ap.add_argument("--width", type=int, default=256)
    ap.add_argument("--count", type=int, default=100_000, help="states kept counting readings")
    ap.add_argument("--no-beam", action="store_true")
    ap.add_argument("--pairs", type=int, metavar="N", default=0,
                    help="distinct readings of each pair of processes, up to N")
    args = ap.parse_args()
    from stackdemux.parse import parse_text

    sys.path.insert(0, str(HERE))
    from score import report_key

    total: Counter = Counter()
    for name in args.cases:
        text, owners, outs = owned(name)
        toks, whole = merged_tokens(text, owners, outs)
        keys = Counter(report_key(r) for o in outs for r in parse_text(o).reports)
        bones = Counter(report_key(r) for o in outs for r in parse_text(skeleton(o)).reports)
        ceiling = sum(min(n, bones[k]) for k, n in keys.items())
        bounded, single = cut(text, toks)
        n = count_readings(toks, len(outs), args.count)
        readings = (f"> {args.count} states" if n is None else str(n) if n < 1000
                    else f"{str(n)[0]}.{str(n)[1:3]}e+{len(str(n)) - 1}")
        together, files, lru, changes = mixing(owners, toks)
        print(f"{name}: {len(outs)} processes, {len(toks)} significant writes, whole {whole}, "
              f"skeleton {ceiling}/{sum(keys.values())} reports exact, cut {bounded} "
              f"({single} one piece), readings {readings}; merge: file lines together "
              f"{together}/{files}, next writer the least recent {lru}/{changes}")
        total.update(processes=len(outs), tokens=len(toks), whole=whole, ceiling=ceiling,
                     reports=sum(keys.values()), bounded=bounded, single=single)
        if args.pairs:
            print("  pairs, distinct readings:", " ".join(pairs(toks, len(outs), args.pairs)))
        if args.no_beam:
            continue
        truth_cost = beam(toks, len(outs), args.width, frozenset(DIGITS | set(NEXT)))
        for label, held in HELD.items():
            found = beam(toks, len(outs), args.width, held)
            if found is None:
                print(f"  {label:34} the beam dies (every kept reading stuck)")
                continue
            got, cost = found
            reports, right = exact(toks, got)
            total[label + " reports"] += reports
            total[label + " tokens"] += right
            print(f"  {label:34} {reports}/{len(outs)} processes exact, "
                  f"tokens {right}/{len(toks)}, cost {cost:.1f}"
                  + (f" (truth {truth_cost[1]:.1f})" if truth_cost else ""))
    print("total:", dict(total))


if __name__ == "__main__":
    main()
