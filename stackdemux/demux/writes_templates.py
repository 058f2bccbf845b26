"""A big dump's mixed start, read by the templates its whole tail repeats.

A dump of thousands of goroutines repeats a handful of templates: the same
state, frames, files, lines and `created by`; only ids and some argument
values differ. Where such a dump and another process crash into one pipe, the
region's lines after the last broken one are the dump's alone (writes_tail)
and teach its templates. Before them, the dump's writes are predictable: read
backwards from the tail, its goroutine before is one of the templates with the
id before (ids ascend in a dump), written by whole writes (`_line_writes`),
and every other character is another process's (`_beam`). Taking them out
leaves the other process's whole output with the dump's own head and
goroutine 1 among its first lines; the write decoder reads that remainder, the
dump's head, its files and the other's whole lines held to their processes
(`read_by_templates`). big-writes-time: 6445 of the dump's 6650 bytes in the
mixed start are templated, taken exactly; the remainder, 2214 characters, reads
as both processes' texts (tests/corpus/writes_templates.py measures it).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from .. import rx
from ..grammar import MAX_LINE, line_grammar
from .writes_decode import UNSURE_MARGIN, Decoded, decode
from .writes_gate import is_broken
from .writes_heads import report_heads
from .writes_tokens import grammar_words

__all__ = ["MAX_MIXED", "read_by_templates"]

# Bounds that keep it linear, and cheap beside the tail that pays for it (a
# log written to be slow must bring a dump 32 and 512 times their size): the
# mixed start the beam reads (~50 µs a character at a width of 64), the
# remainder the decoder reads (~400 µs a character, twice), the tail's blocks
# templates are learned from. big-writes-time: 8659 and 2214 characters
# before a tail of 2 042 242.
MAX_MIXED = 32_768
MIXED_PER_TAIL = 32
MAX_REST = 4096
REST_PER_TAIL = 512
MAX_LEARN = 512
WIDTH = 64

W_PIECE = 1.0  # every piece of the dump's writes (the switches between writers)
W_OTHER = 0.5  # every character given to the other process
W_RARE = 2.0  # a value its template's blocks seldom print (`0x0?` nearly always)
W_BROKEN = 3.0  # a line of the other process that is no line of the grammar
USUAL = 0.9  # a value that many of a template's blocks print is its usual one

_HEX = rx.compile(r"0x[0-9a-fA-F]+")
_REV_HEX = rx.compile(r"[0-9a-fA-F]+x0")
_ARG = rx.compile(r"0x[0-9a-fA-F]+|\?|, |\.\.\.|[{}]")
# A literal between fields may be several writes (Go 1.27 writes `]` and `:\n`
# apart): only these stand whole.
_PIECE = rx.compile(r"[\w./*-]+|, |\)\n|:\n|.", re.S)

_ID, _VALUE = "id", "hex"  # the roles of a write that differs among blocks



@dataclass(frozen=True, slots=True)
class _Write:
    """A write of a template: its text, or a value (an id, a hex value with
    its usual text or none)."""

    text: str
    role: str = ""  # "", _ID or _VALUE

    def key(self) -> str:
        return self.role or self.text


def _line_writes(line: str) -> list[_Write] | None:
    """A clean line cut where the runtime's writes may end: at its grammar
    fields, inside arguments at each value and separator, and inside other
    literals at each punctuation (`, `, `)\\n`, `:\\n` and the grammar's words
    whole); the newline a write of its own after a field. None when the line
    is no line of the grammar."""
    if not line:
        return [_Write("\n")]
    g = line_grammar()
    m = g.match(line) if len(line) <= MAX_LINE else None
    if m is None or m.lastgroup not in g.kinds:
        return None
    kind = m.lastgroup
    cuts = {0, len(line)}
    values: dict[tuple[int, int], str] = {}
    for name, grp in g.kinds[kind].fields.items():
        if m.group(grp) is None:
            continue
        a, b = m.span(grp)
        cuts.update((a, b))
        if name == "goid" and kind == "goroutine_header":
            values[(a, b)] = _ID
        if name == "args":
            for t in _ARG.finditer(line, a, b):
                cuts.update((t.start(), t.end()))
                if t.group().startswith("0x"):
                    values[(t.start(), t.end())] = _VALUE
    fields = {m.span(grp) for grp in g.kinds[kind].fields.values() if m.group(grp) is not None}
    cs = sorted(cuts)
    out: list[_Write] = []
    for a, b in pairwise(cs):
        t = line[a:b]
        if (a, b) in values:
            out.append(_Write(t, values[(a, b)]))
        elif (a, b) in fields or t == ", " or grammar_words().fullmatch(t):
            out.append(_Write(t))
        else:
            out.extend(_Write(p) for p in _PIECE.findall(t))
    if (cs[-2], cs[-1]) in fields:
        out.append(_Write("\n"))
    else:  # the newline goes with the literal before it (`)\n`, `]:\n`)
        last = out.pop()
        out.extend(_Write(p) for p in _PIECE.findall(last.text + "\n"))
    return out


def _blocks(text: str, most: int) -> list[tuple[int, int]]:
    """(start, end) of the first `most` whole goroutine blocks of a clean
    text: a header, its lines, the blank line after."""
    match = line_grammar().match
    out: list[tuple[int, int]] = []
    start = -1
    at = 0
    while len(out) < most and at < len(text):
        nl = text.find("\n", at)
        if nl < 0:
            break
        line, end = text[at:nl], nl + 1
        if not line:
            if start >= 0:
                out.append((start, end))
            start = -1
        elif start < 0 and len(line) <= MAX_LINE:
            m = match(line)
            if m is not None and m.lastgroup == "goroutine_header":
                start = at
        at = end
    return out


def _block_writes(block: str) -> list[_Write] | None:
    out: list[_Write] = []
    for line in block[:-1].split("\n"):
        ws = _line_writes(line)
        if ws is None:
            return None
        out.extend(ws)
    return out


@dataclass(frozen=True, slots=True)
class Template:
    """A goroutine block the dump repeats: its writes, the id's one a hole, a
    value its blocks differ in a hole with its usual text ("" if none)."""

    writes: tuple[_Write, ...]

    def files(self) -> set[str]:
        return {w.text for w in self.writes if w.text.endswith((".go", ".s", ".c"))}


def learn(tail: str) -> list[Template]:
    """The templates of the tail's first MAX_LEARN whole blocks: those that
    two blocks share at least."""
    groups: dict[tuple[str, ...], list[list[_Write]]] = {}
    for a, b in _blocks(tail, MAX_LEARN):
        ws = _block_writes(tail[a:b])
        if ws is not None:
            groups.setdefault(tuple(w.key() for w in ws), []).append(ws)
    out: list[Template] = []
    for blocks in groups.values():
        if len(blocks) < 2:
            continue
        writes: list[_Write] = []
        for col in zip(*blocks, strict=True):
            first = col[0]
            if first.role == _VALUE:
                usual, times = Counter(w.text for w in col).most_common(1)[0]
                if times == len(col):
                    writes.append(_Write(usual))
                else:
                    writes.append(_Write(usual if times >= USUAL * len(col) else "", _VALUE))
            else:
                writes.append(first)
        out.append(Template(tuple(writes)))
    return out


def _beam(mixed: str, templates: list[Template], first_id: int, partial: str) -> bytearray | None:
    """The dump's characters of `mixed`, read backwards from the tail (whose
    text before its first whole block, `partial`, ends the block before): its
    blocks before, ids descending, each a template by whole writes, every
    other character another process's. A hypothesis (block, template, writes
    left, last writer, the other's current line) costs W_PIECE per piece of
    the dump's, W_OTHER per other character and W_BROKEN per broken line of
    the other's; a reading ends where a block starts. None when none is read."""
    rev = mixed[::-1]
    n = len(rev)
    owed: dict[tuple[int, int], list[_Write]] = {}

    def writes(k: int, t: int) -> list[_Write]:
        """Block k's writes (0: the one before the tail), reversed, in order
        of reading (backwards)."""
        got = owed.get((k, t))
        if got is None:
            gid = str(first_id - 1 - k)
            got = [_Write(gid[::-1]) if w.role == _ID else _Write(w.text[::-1], w.role)
                   for w in reversed(templates[t].writes)]
            owed[(k, t)] = got
        return got

    at: list[dict[tuple, tuple[float, tuple]]] = [{} for _ in range(n + 1)]
    for t in range(len(templates)):
        left = _owed_before(templates[t], first_id - 1, partial)
        if left is None:
            continue
        owed[(0, t)] = [_Write(w.text[::-1], w.role) for w in reversed(left)]
        at[0][(0, t, len(left), 0, "")] = (0.0, ())
    if not at[0]:
        return None

    def match(w: _Write, i: int) -> tuple[int, float]:
        if w.role == _VALUE:
            m = _REV_HEX.match(rev, i)
            if m is None:
                return -1, 0.0
            return m.end(), 0.0 if not w.text or m.group() == w.text else W_RARE
        return (i + len(w.text), 0.0) if rev.startswith(w.text, i) else (-1, 0.0)

    def put(i: int, st: tuple, cost: float, path: tuple) -> None:
        old = at[i].get(st)
        if old is None or cost < old[0]:
            at[i][st] = (cost, path)

    def step(i: int, st: tuple, cost: float, path: tuple) -> None:
        """rev[i] to the other process, or the block's next write to the dump."""
        k, t, left, last, line = st
        other = cost + W_OTHER + (W_PIECE if last == 1 else 0.0)
        if rev[i] != "\n":
            put(i + 1, (k, t, left, 0, line + rev[i]), other, path)
        else:  # the other's line (read backwards) ends: is it one of the grammar?
            put(i + 1, (k, t, left, 0, ""), other + (W_BROKEN if is_broken(line[::-1]) else 0.0),
                path)
        ws = writes(k, t)
        j, extra = match(ws[len(ws) - left], i)
        if j > 0:
            put(j, (k, t, left - 1, 1, line), cost + extra + (W_PIECE if last == 0 else 0.0),
                (path, i, j))

    best: tuple[float, tuple] = (W_OTHER * n, ())
    for i in range(n + 1):
        here = sorted(at[i].items(), key=lambda kv: kv[1][0])[:WIDTH]
        at[i] = {}
        for st, (cost, path) in here:
            k, _, left, last, line = st
            if left == 0:  # a block read whole: the reading may end here
                end = cost + W_OTHER * (n - i) + (W_PIECE if n > i else 0.0)
                if end < best[0]:
                    best = (end, path)
                for t2 in range(len(templates)) if i < n else ():
                    put(i, (k + 1, t2, len(writes(k + 1, t2)), last, line), cost, path)
            elif i < n:
                step(i, st, cost, path)
        if i < n:  # the blocks begun at i are read on from i at once
            for st, (cost, path) in sorted(at[i].items(), key=lambda kv: kv[1][0])[:WIDTH]:
                step(i, st, cost, path)
            at[i] = {}
    path = best[1]
    if not path:
        return None
    mine = bytearray(len(mixed))
    while path:
        path, a, b = path
        mine[n - b:n - a] = b"\1" * (b - a)
    return mine


def _owed_before(template: Template, gid: int, partial: str) -> list[_Write] | None:
    """The template's writes still owed before `partial` (the tail's text
    before its first whole block: the end of the block before), the first of
    them cut where the tail starts inside it; None when `partial` is no end
    of the template's block."""
    ws = [_Write(str(gid)) if w.role == _ID else w for w in template.writes]
    rest = partial
    j = len(ws)
    while rest and j > 0:
        w = ws[j - 1]
        if w.role == _VALUE:
            m = re.search(r"0x[0-9a-fA-F]+$", rest)
            if m is None:
                return None
            rest = rest[:m.start()]
        elif rest.endswith(w.text):
            rest = rest[:-len(w.text)]
        elif w.text.endswith(rest):
            return [*ws[:j - 1], _Write(w.text[:len(w.text) - len(rest)])]
        else:
            return None
        j -= 1
    return None if rest else ws[:j]


def read_by_templates(text: str, end: int) -> Decoded | None:
    """The dump's and one other process's lines in a write-mixed region whose
    text from `end` on is the dump's whole tail, as text offsets (the dump
    process 0); None unless its templates read the mixed start and the
    remainder holds two report heads to read the rest by."""
    tail = text[end:]
    if not end or end > min(MAX_MIXED, len(tail) // MIXED_PER_TAIL):
        return None
    blocks = _blocks(tail, 1)
    templates = learn(tail)
    if not blocks or not templates:
        return None
    header = line_grammar().match(tail[blocks[0][0]:tail.index("\n", blocks[0][0])])
    if header is None:
        return None
    goid = header.group(line_grammar().kinds["goroutine_header"].fields["goid"])
    mine = _beam(text[:end], templates, int(goid), tail[:blocks[0][0]])
    if mine is None:
        return None
    at = [i for i in range(end) if not mine[i]]
    rest = "".join(text[i] for i in at)
    if len(rest) > min(MAX_REST, len(tail) // REST_PER_TAIL):
        return None
    got = _read_rest(rest, templates)
    if got is None:
        return None
    dump = _lines(got.processes[0], at)
    # then its templated writes and its tail, line by line
    dump.extend(_split_lines(text, [i for i in range(end) if mine[i]], end))
    return Decoded([dump, _lines(got.processes[1], at)],
                   [r for a, b in got.noise for r in _runs(at[a:b])], got.cost, got.unsure)


def _read_rest(rest: str, templates: list[Template]) -> Decoded | None:
    """The remainder read by the decoder, its two heads, the dump's files and
    the other's whole lines held: the dump's head is one of the two, the
    cheaper reading says which. None unless it holds two heads and broken
    lines."""
    heads = report_heads(rest)
    if len(heads) != 2 or any(h.message is None for h in heads):
        return None
    lines = rest.split("\n")
    broken = [i for i, t in enumerate(lines) if is_broken(t)]
    if not broken:
        return None
    clean = sum(len(t) + 1 for t in lines[:broken[-1] + 1])
    # the dump's files where they stand in the mixed lines only (a file the
    # other prints in its whole lines too may be either's)
    files = {f for t in templates for f in t.files()
             if f in rest[:clean] and f not in rest[clean:]}
    best: Decoded | None = None
    for mine in (0, 1):
        owners = [-1] * clean + [1] * (len(rest) - clean)
        for k, h in enumerate(heads):
            _hold(owners, [h.opener, h.message], 0 if k == mine else 1)  # type: ignore[list-item]
        for f in files:
            i = rest.find(f)
            while 0 <= i < clean:
                _hold(owners, [(i, i + len(f))], 0)
                i = rest.find(f, i + 1)
        got = decode(rest, owners=owners, margin=UNSURE_MARGIN)
        if len(got.processes) == 2 and (best is None or got.cost < best.cost):
            best = got
    return best


def _hold(owners: list[int], spans: list[tuple[int, int]], who: int) -> None:
    for a, b in spans:
        owners[a:b] = [who] * (b - a)


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    """Contiguous runs of increasing positions, as (start, end)."""
    out: list[tuple[int, int]] = []
    for i in positions:
        if out and out[-1][1] == i:
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return out


def _lines(lines: list[list[tuple[int, int]]], at: list[int]) -> list[list[tuple[int, int]]]:
    """Decoded lines of the remainder, as the region's text offsets (`at`:
    each remainder character's); a blank line keeps its piece of no width."""
    out = []
    for segs in lines:
        mapped = [r for a, b in segs for r in _runs(at[a:b])]
        if not mapped:
            a = segs[0][0] if segs else 0
            x = at[a] if a < len(at) else (at[-1] + 1 if at else 0)
            mapped = [(x, x)]
        out.append(mapped)
    return out


def _split_lines(text: str, positions: list[int], tail: int) -> list[list[tuple[int, int]]]:
    """A process's lines: its characters before `tail` (increasing text
    offsets), then the text from `tail` on, whole lines; each newline ends one,
    a blank line is a piece of no width at its newline."""
    out: list[list[tuple[int, int]]] = []
    line: list[tuple[int, int]] = []
    for i in positions:
        if text[i] == "\n":
            out.append(line or [(i, i)])
            line = []
        elif line and line[-1][1] == i:
            line[-1] = (line[-1][0], i + 1)
        else:
            line.append((i, i + 1))
    a = tail
    while a < len(text):
        b = text.find("\n", a)
        b = len(text) if b < 0 else b
        if b > a:
            line.append((a, b))
        out.append(line or [(b, b)])
        line = []
        a = b + 1
    if line:
        out.append(line)
    return out
