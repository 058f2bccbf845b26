#!/usr/bin/env python3
"""The mixed start of a big dump's write merge, read by its templates (issue 3).
A developer tool, not a test.

    python tests/corpus/writes_templates.py [--width W] [--other-cost C] [--decode] [CASE]

A dump of thousands of goroutines repeats a handful of templates (the same
state, frames, files, lines and `created by`; ids and some argument values
differ). In a write merge of such a dump with a small program
(big-writes-time), the region's whole tail (after its last broken line) is the
big process's alone and teaches the templates; this measures how far they read
the mixed start before it (truth.json: who wrote each byte):

  templates  the tail's templates; of the big process's goroutines in the
             mixed start, how many are one of them, and how many of its bytes
             there they cover (the rest: its head and goroutine 1)
  beam       the mixed start read backwards from the tail, by whole writes (a
             clean line cut at its grammar fields, arguments at each value and
             separator, other literals at each punctuation; `, `, `)\\n`, `:\\n`
             and the grammar's words whole): each write the big process's next
             predicted one (the block before it, ids descending; a value its
             blocks differ in any hex number, one nearly all of them print
             costs nothing, another W_RARE) or another process's character;
             priced 1 per piece, C per other character, W_BROKEN per line of
             the other process that is no line of the grammar; a reading ends
             at a block's start. Whether it takes the big process's templated
             text exactly and leaves the truth's remainder exactly (text:
             identical characters side by side may be taken either way)
  remainder  what is left: the other process's whole output and the big
             process's head, and over how many characters they mix
  --decode   writes_decode.decode on the remainder: whether its streams are
             the processes' texts

Measured on big-writes-time (at dc83a10): 5 templates from the tail's 4984
blocks; 16 of the big process's 17 goroutines in the mixed start are one
(6445 of its 6650 bytes there; the rest its head and goroutine 1). The beam
(width 64, C 0.5; 0.52 s CPU for the 8659 characters) takes exactly the
templated text and leaves exactly the truth's remainder: the other process's
whole output (2009) with the big process's first 205 bytes among its first 413
characters. Width 32: the same (0.28 s); 16: it stops after 2836 characters;
C 0.3-2: the same, 0.1: it takes nothing (a piece of the big process's costs
more than its characters given away); W_BROKEN 0: 3 `)\\n` read as `\\n)` in
the remainder (the other's `)\\n` and the big one's `\\n` side by side).
Cutting a literal only at grammar fields it stops after 1093 characters: the
big process wrote `]` and `:\\n` apart in 8 of its 17 headers there, `(` and
`)\\n` in 3 calls with no argument. By characters (no writes; C 0.3-1) it takes
58 of the other's characters and leaves 54 of its own: the remainder differs
in 14 places.

The remainder is a real two-process merge. In its mixed 413 characters two
readings fit as well: the truth, and each process's message, `goroutine 1
[running]:` and first call line with the other's file lines; what tells them
apart comes after (the other process's later lines, where `main.(*Hub)`'s
other methods print their file). writes_decode's model prices the truth lower
on the whole remainder (60.5) than the reading it finds (69.1: goroutine 1's
file lines swapped), but its search, beam 64 and 256 alike (1.3 and 4.9 s CPU),
loses the truth in the mixed 413 characters, which alone it reads dearer (74.2
vs 72.9); with the lines after the remainder's last broken one held to one
process, it finds 75.5. A path style per process (whole or -trimpath'd, priced
as W_OTHER_ROOT) makes it read the two messages swapped instead. No report is
exact either way. Held to what is known (each head to one process, tried both
ways; the dump's files among the mixed lines; the other's whole lines after),
it reads both (stackdemux/demux/writes_templates.py, which the pipeline runs).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
sys.path.insert(0, str(HERE.parent.parent))  # the repo, when run as a script

from stackdemux.demux.writes_gate import is_broken  # noqa: E402
from stackdemux.demux.writes_tokens import grammar_words  # noqa: E402
from stackdemux.grammar import line_grammar  # noqa: E402


def _read(path: Path) -> bytes:
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.suffix == ".gz" else raw


def load(name: str) -> tuple[str, list[int], list[str]]:
    """The merged text, who wrote each character, and each process's output."""
    d = CASES / name
    truth = json.loads(_read(next(p for p in d.iterdir() if p.name.startswith("truth.json"))))
    text = _read(d / truth["input"]).decode()
    owners: list[int] = []
    for p, n in truth["ownership"]:
        owners.extend([p] * n)
    outs = [_read(d / p["output"]).decode() for p in truth["processes"]]
    return text, owners, outs


def mixed_end(text: str) -> int:
    """Where the whole tail starts: after the last broken line."""
    lines = text.split("\n")
    last = max(i for i, t in enumerate(lines) if is_broken(t))
    return sum(len(t) + 1 for t in lines[:last + 1])


_HEADER = re.compile(r"goroutine (\d+) \[")
_HEX = re.compile(r"0x[0-9a-f]+")


def blocks(text: str) -> list[tuple[int, int, str]]:
    """(start, end, id) of each goroutine block (header to blank line)."""
    out = []
    for m in re.finditer(r"(?m)^goroutine (\d+) \[", text):
        end = text.find("\n\n", m.start())
        end = len(text) if end < 0 else end + 2
        out.append((m.start(), end, m.group(1)))
    return out


def key(block: str) -> str:
    """A block's template: its text without the id and argument values."""
    lines = block.split("\n")
    lines[0] = _HEADER.sub("goroutine # [", lines[0])
    return "\n".join(re.sub(r"\(.*\)$", "(…)", t) if not t.startswith("\t") else t
                     for t in lines)


def template_keys(tail: str) -> set[str]:
    """The templates of the tail's whole blocks: those two blocks share at least."""
    seen = Counter(key(tail[a:b]) for a, b, _ in blocks(tail) if tail[a:b].endswith("\n\n"))
    return {k for k, n in seen.items() if n >= 2}


_ARG = re.compile(r"0x[0-9a-fA-F]+|\?|, |\.\.\.|[{}]")
HOLE, ID = "\0hex", "\0id"  # a hex value that differs among a template's blocks; the id


def line_tokens(line: str) -> list[str]:
    """A clean traceback line cut where the runtime's print arguments end: at
    its grammar fields, and inside arguments at each value and separator. The
    newline is a write of its own after a field, part of the literal before it
    otherwise (`)\n`, `]:\n`)."""
    if not line:
        return ["\n"]
    g = line_grammar()
    m = g.match(line)
    cuts = {0, len(line)}
    if m is not None and m.lastgroup in g.kinds:
        for name, grp in g.kinds[m.lastgroup].fields.items():
            if m.group(grp) is None:
                continue
            a, b = m.span(grp)
            cuts.update((a, b))
            if name == "args":
                for t in _ARG.finditer(line, a, b):
                    cuts.update((t.start(), t.end()))
    cs = sorted(cuts)
    toks = [line[x:y] for x, y in pairwise(cs)]
    fields_end = m is not None and any(
        m.group(grp) is not None and m.span(grp)[1] == len(line)
        for grp in g.kinds[m.lastgroup].fields.values())
    if fields_end:
        toks.append("\n")
    else:
        toks[-1] += "\n"
    # a literal between fields may be several writes (`]` then `:\n`): only
    # the grammar's words and `, ` are kept whole
    fields = set()
    if m is not None and m.lastgroup in g.kinds:
        fields = {m.group(grp) for grp in g.kinds[m.lastgroup].fields.values()}
    out: list[str] = []
    for t in toks:
        if t in fields or t == ", " or grammar_words().fullmatch(t):
            out.append(t)
        else:
            out.extend(_PIECE.findall(t))
    return out


_PIECE = re.compile(r"[\w./*-]+|, |\)\n|:\n|.", re.S)


def block_tokens(block: str) -> list[str]:
    return [t for line in block[:-1].split("\n") for t in line_tokens(line)]


def learn_tokens(tail: str) -> list[list[str]]:
    """Templates as token lists: a literal, HOLE (a varying hex value) or ID."""
    groups: dict[str, list[list[str]]] = {}
    for a, b, _ in blocks(tail):
        if not tail[a:b].endswith("\n\n"):
            continue
        groups.setdefault(key(tail[a:b]), []).append(block_tokens(tail[a:b]))
    out = []
    for toks in groups.values():
        if len(toks) < 2 or len({len(t) for t in toks}) != 1:
            continue
        tpl = []
        for j, vals in enumerate(zip(*toks, strict=True)):
            if j == 1:
                tpl.append(ID)
            elif len(set(vals)) == 1:
                tpl.append(vals[0])
            elif all(_HEX.fullmatch(v) for v in vals):
                usual, times = Counter(vals).most_common(1)[0]
                # a value nearly every block prints (`0x0?`): any other is rare
                tpl.append(HOLE + usual if times >= USUAL * len(vals) else HOLE)
            else:
                break
        else:
            out.append(tpl)
    return out


_REV_HEX = re.compile(r"[0-9a-f]+x0")
USUAL = 0.9
W_BROKEN = 3.0  # another process's line that is no line of the grammar
W_RARE = 2.0  # a hole's value that its blocks seldom print


def beam(mixed: str, templates: list[list[str]], first_id: int, partial: str,
         width: int, other_cost: float) -> bytearray:
    """The big process's characters of `mixed`, read backwards from the tail
    by whole writes: the blocks before the tail's first whole one, ids
    descending. A hypothesis is (block index, template, tokens left, last
    owner), priced 1 per piece and `other_cost` per other character; a reading
    ends at a block's start (the characters before it the other process's)."""
    rev = mixed[::-1]
    n = len(rev)
    rtoks: dict[tuple[int, int], list[str]] = {}
    lens: dict[tuple[int, int], int] = {}

    def concrete(t: int, gid: int) -> list[str]:
        return [str(gid) if x == ID else x for x in templates[t]]

    def toks(k: int, t: int) -> list[str]:
        got = rtoks.get((k, t))
        if got is None:
            got = [x[:len(HOLE)] + x[len(HOLE):][::-1] if x.startswith(HOLE) else x[::-1]
                   for x in concrete(t, first_id - 1 - k)][::-1]
            rtoks[(k, t)] = got
        return got

    at: list[dict[tuple, tuple[float, tuple]]] = [dict() for _ in range(n + 1)]
    for t in range(len(templates)):
        if not partial:
            at[0][(0, t, len(templates[t]), 0, "")] = (0.0, ())
            continue
        # the tokens of block 0 still owed before the tail's partial lines
        fw = concrete(t, first_id - 1)
        rest = partial
        j = len(fw)
        while rest and j > 0:
            x = fw[j - 1]
            if x.startswith(HOLE):
                m = re.search(r"0x[0-9a-f]+$", rest)
                if m is None:
                    break
                rest = rest[:m.start()]
            elif rest.endswith(x):
                rest = rest[:-len(x)]
            elif x.endswith(rest):
                j -= 1
                fw = [*fw[:j], x[:len(x) - len(rest)]]
                j += 1
                rest = ""
                break
            else:
                break
            j -= 1
        if rest:
            continue
        fw = fw[:j]
        rtoks[(0, t)] = [x[:len(HOLE)] + x[len(HOLE):][::-1] if x.startswith(HOLE) else x[::-1]
                         for x in fw][::-1]
        lens[(0, t)] = len(fw)
        at[0][(0, t, len(fw), 0, "")] = (0.0, ())

    def length(k: int, t: int) -> int:
        return lens.get((k, t), len(templates[t]))

    best_end: tuple[float, tuple] = (other_cost * n, ())

    def match(tok: str, i: int) -> tuple[int, float]:
        """Where the token (reversed) ends if it stands at i, and its extra cost."""
        if tok.startswith(HOLE):
            m = _REV_HEX.match(rev, i)
            if m is None:
                return -1, 0.0
            usual = tok[len(HOLE):]
            return m.end(), 0.0 if not usual or m.group() == usual else W_RARE
        return (i + len(tok), 0.0) if rev.startswith(tok, i) else (-1, 0.0)

    def other(k: int, t: int, left: int, fl: str, c: str, cost: float) -> tuple[tuple, float]:
        """The state after another process's character: its line (read
        backwards) grows, and a line it ends that is broken costs."""
        if c != "\n":
            return (k, t, left, 0, fl + c), cost
        return (k, t, left, 0, ""), cost + (W_BROKEN if is_broken(fl[::-1]) else 0.0)

    def put(i: int, st: tuple, cost: float, path: tuple) -> None:
        old = at[i].get(st)
        if old is None or cost < old[0]:
            at[i][st] = (cost, path)

    def step(i: int, st: tuple, cost: float, path: tuple) -> None:
        """Offer rev[i] to the other process, and the block's next write to the big one."""
        k, t, left, last, fl = st
        put(i + 1, *other(k, t, left, fl, rev[i], cost + other_cost + (last == 1)), path)
        j, extra = match(toks(k, t)[length(k, t) - left], i)
        if j > 0:
            put(j, (k, t, left - 1, 1, fl), cost + extra + (last == 0), (path, i, j))

    for i in range(n + 1):
        here = sorted(at[i].items(), key=lambda kv: kv[1][0])[:width]
        at[i] = {}
        for st, (cost, path) in here:
            k, _, left, last, fl = st
            if left == 0:  # a block read whole: the reading may end here
                end = cost + other_cost * (n - i) + (1 if n > i else 0)
                if end < best_end[0]:
                    best_end = (end, path)
                if i < n:
                    for t2 in range(len(templates)):
                        put(i, (k + 1, t2, len(templates[t2]), last, fl), cost, path)
            elif i < n:
                step(i, st, cost, path)
        # the blocks begun at i are read on from i at once
        if i < n:
            for st, (cost, path) in sorted(at[i].items(), key=lambda kv: kv[1][0])[:width]:
                step(i, st, cost, path)
            at[i] = {}
    mine = bytearray(len(mixed))
    path = best_end[1]
    while path:
        path, a, b = path
        for x in range(a, b):
            mine[n - 1 - x] = 1
    return mine


@dataclass
class Measured:
    """What the templates read of one case's mixed start."""

    end: int  # the mixed start's length
    big: int  # the big process (the tail's)
    big_bytes: int  # its bytes in the mixed start
    templates: int  # learned from the tail's whole blocks
    tail_blocks: int
    goroutines: int  # the big process's goroutines in the mixed start
    fits: int  # ... that are one of the templates
    covered: int  # their bytes there
    taken: str  # what the beam takes, in order
    held: str  # the big process's templated text there (the truth)
    rest: str  # what the beam leaves
    held_rest: str  # what the truth leaves
    mixed_rest: int  # the truth's remainder: where the big process's last byte's line ends
    spent: float  # the beam's CPU seconds
    others: int  # the other processes' bytes


def measure(case: str, width: int = 64, other_cost: float = 0.5) -> Measured:
    text, owners, outs = load(case)
    end = mixed_end(text)
    big = max(range(len(outs)), key=lambda i: len(outs[i]))
    mixed, tail = text[:end], text[end:]
    big_bytes = sum(1 for o in owners[:end] if o == big)
    tkeys = template_keys(tail)
    tail_blocks = blocks(tail)
    covered = fits = total = 0
    for a, b, _ in blocks(outs[big]):  # held to the truth: its text in the mixed start
        if a >= big_bytes:
            break
        total += 1
        if key(outs[big][a:b]) in tkeys:
            fits += 1
            covered += min(b, big_bytes) - a
    # the beam, anchored where the tail's first whole block opens
    first = tail_blocks[0]
    t0 = time.process_time()
    mine = beam(mixed, learn_tokens(tail), int(first[2]), tail[:first[0]], width, other_cost)
    spent = time.process_time() - t0
    # the truth's templated bytes: the big process's, from its first templated block
    first_t = next(a for a, b, _ in blocks(outs[big]) if key(outs[big][a:b]) in tkeys)
    seen = 0
    templated = bytearray(end)
    for i, o in enumerate(owners[:end]):
        if o == big:
            templated[i] = seen >= first_t
            seen += 1
    at = [i for i in range(end) if not templated[i]]
    last = max(j for j, i in enumerate(at) if owners[i] == big)
    held_rest = "".join(c for c, t in zip(mixed, templated, strict=True) if not t)
    return Measured(
        end, big, big_bytes, len(tkeys), len(tail_blocks), total, fits, covered,
        "".join(c for c, t in zip(mixed, mine, strict=True) if t),
        "".join(c for c, t in zip(mixed, templated, strict=True) if t),
        "".join(c for c, t in zip(mixed, mine, strict=True) if not t),
        held_rest, held_rest.find("\n", last) + 1, spent,
        sum(len(o) for i, o in enumerate(outs) if i != big))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("case", nargs="?", default="big-writes-time")
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--other-cost", type=float, default=0.5)
    ap.add_argument("--decode", action="store_true",
                    help="read the remainder with writes_decode.decode (slow)")
    args = ap.parse_args()
    m = measure(args.case, args.width, args.other_cost)
    print(f"{args.case}: mixed start {m.end} characters ({m.big_bytes} of process {m.big})")
    print(f"templates: {m.templates} from {m.tail_blocks} blocks of the tail")
    print(f"  its goroutines in the mixed start: {m.goroutines}, of a template {m.fits}; "
          f"their bytes {m.covered} of its {m.big_bytes} there "
          f"(head and others {m.big_bytes - m.covered})")
    print(f"beam {args.width}: {m.spent:.2f} s CPU; took {len(m.taken)} characters, the big "
          f"process's templated text exactly: {m.taken == m.held}; the remainder is the "
          f"truth's remainder exactly: {m.rest == m.held_rest}")
    print(f"remainder: {len(m.held_rest)} characters; the other processes' whole output "
          f"{m.others} and the big process's first {m.big_bytes - len(m.held)} "
          f"(head, goroutine 1) among its first {m.mixed_rest}")
    if args.decode:
        from stackdemux.demux.writes_decode import decode

        t0 = time.process_time()
        got = decode(m.held_rest)
        spent = time.process_time() - t0
        read = ["\n".join("".join(m.held_rest[a:b] for a, b in segs) for segs in lines)
                for lines in got.processes]
        print(f"decoder on the remainder: {spent:.2f} s CPU, {len(read)} streams, "
              f"cost {got.cost:.1f}; the truth's reading costs "
              f"{truth_cost(args.case, m):.1f}")
        for r in read:
            print("  " + r[:300].replace("\n", "|"))


def truth_cost(case: str, m: Measured) -> float:
    """What writes_decode's model makes of the truth's reading of the remainder."""
    from stackdemux.demux.writes_decode import decode

    _, owners, _ = load(case)
    # the remainder's owners: the truth's, on what it leaves (the big process's
    # bytes before its first templated block, and every other's)
    kept = [o for o in owners[:m.end] if o != m.big]
    big_left = m.big_bytes - len(m.held)
    owners_rest: list[int] = []
    seen_big = 0
    k = 0
    for o in owners[:m.end]:
        if o == m.big:
            if seen_big < big_left:
                owners_rest.append(o)
            seen_big += 1
        else:
            owners_rest.append(kept[k])
            k += 1
    return decode(m.held_rest, owners=owners_rest).cost


if __name__ == "__main__":
    main()
