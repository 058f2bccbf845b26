"""Fuzzing the rejoining of write records (demux/write_records.py): a collector
that made each of the runtime's write() calls a record (golang/go#32002), fed
the real writes of Go 1.19 and 1.27 crashes (strace, tests/data/write_records/)
and real samples cut where the runtime's writes end (writes_templates'
_line_writes, the write decoder's own model), then mangled: records lost,
repeated, shuffled, two processes' records dealt into one stream, attacker
text and huge numbers inside a write, control bytes in the collector's prefix.

Whatever the records: no exception of ours, every input line in one stream or
the noise (a joined line lists each record it took), every output inert.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from stackdemux.demux import demultiplex_detail
from stackdemux.demux.write_records import WRITE_RECORDS
from stackdemux.demux.writes_templates import _line_writes
from stackdemux.ingest import ingest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_fuzz import (
    HOSTILE,
    keeps_the_promises,
    outputs_are_valid_for_their_systems,
    seeded,
)
from test_parse_wild_write_records import TRACES, _writes

ROOT = Path(__file__).resolve().parent.parent

# The collectors' prefixes of the real paste (go32002: compose, then a Procfile runner).
PREFIXES = ["", "15:58:21 app         | ", "api_1  | 15:58:21 app         | ",
            "api_2  | 15:58:21 web         | "]


def sample_writes(d: bytes) -> list[str]:
    """A sample's lines cut where the runtime's writes end; a line the grammar
    does not read one write (a program's own print)."""
    lines = d.decode("utf-8", "replace").split("\n")
    if lines[-1] == "":
        lines.pop()
    out: list[str] = []
    for line in lines:
        writes = _line_writes(line)
        out += [w.text for w in writes] if writes is not None else [line + "\n"]
    return out


def records(writes: list[str], prefix: str) -> list[str]:
    """Each write a record (a read's lines, the newline that ends it its record's end)."""
    out = []
    for w in writes:
        parts = w.split("\n")
        if w.endswith("\n"):
            parts.pop()
        out += [prefix + p for p in parts]
    return out


STRACED = [_writes(t) for t in sorted(TRACES.glob("*.trace"))]
SAMPLES = [sample_writes(f.read_bytes()) for f in sorted(ROOT.glob("samples/go1.2*/*.txt"))
           if f.stat().st_size < 12_000]


def mangled(r: random.Random, writes: list[str], other: list[str]) -> bytes:
    writes = list(writes)
    for _ in range(r.randint(1, 3)):
        if not writes:
            break  # (all lost)
        op = r.randrange(6)
        i = r.randrange(len(writes))
        if op == 0:  # writes lost
            del writes[i:i + r.randint(1, 8)]
        elif op == 1:  # writes repeated
            writes[i:i] = writes[i:i + r.randint(1, 8)] * r.randint(2, 20)
        elif op == 2:  # attacker text inside a write (a panic value, a function name)
            k = r.randrange(len(writes[i]) + 1)
            hostile = "".join(r.choice(HOSTILE).decode("utf-8", "surrogatepass") for _ in range(2))
            writes[i] = writes[i][:k] + hostile + writes[i][k:]
        elif op == 3:  # a number of more digits than Go prints
            writes[i] = "".join("7" * 25 if c.isdigit() else c for c in writes[i])
        elif op == 4:  # a window shuffled
            seg = writes[i:i + 12]
            r.shuffle(seg)
            writes[i:i + 12] = seg
        else:  # a write cut in two records
            k = r.randrange(len(writes[i]) + 1)
            writes[i:i + 1] = [writes[i][:k], writes[i][k:]]
    mine = records(writes, r.choice(PREFIXES))
    if r.random() < 0.3:  # a second process's records dealt into the same log
        theirs = records(other, r.choice(PREFIXES))
        out = []
        while mine or theirs:
            out.append((mine if mine and (not theirs or r.random() < 0.5) else theirs).pop(0))
        mine = out
    if r.random() < 0.2:  # control bytes in some records' prefixes
        mine = [r.choice(["\x00", "\r", "\x1b[", "\t"]) + x if r.random() < 0.1 else x
                for x in mine]
    return ("\n".join(mine) + "\n").encode("utf-8", "surrogatepass")


POOL = STRACED + SAMPLES


@seeded(POOL, 10)
def test_mangled_records_of_real_writes_keep_every_promise(index: int, seed: int):
    r = random.Random(seed)
    data = mangled(r, POOL[index], r.choice(POOL))
    analysis = keeps_the_promises(data)
    if analysis is not None:
        outputs_are_valid_for_their_systems(analysis)


def test_a_joined_line_lists_each_record_it_took_once():
    # both real runtimes' writes, each a record, two processes' records dealt
    # into one log: every record of a joined line is one of its pieces, and no
    # record is a piece of two lines
    r = random.Random(32002)
    mine, theirs = records(STRACED[0], PREFIXES[2]), records(STRACED[1], PREFIXES[3])
    out = []
    while mine or theirs:
        out.append((mine if mine and (not theirs or r.random() < 0.5) else theirs).pop(0))
    data = ("\n".join(out) + "\n").encode()
    source = ingest(data)
    d = demultiplex_detail(source)
    assert any(x.message.startswith(WRITE_RECORDS) for x in d.diagnostics)
    taken = [n for s in d.streams for ps in s.pieces.values() for n, _, _ in ps]
    assert len(taken) == len(set(taken))
    keeps_the_promises(data)
