"""Conservation: demultiplexing loses nothing and invents nothing.

Every input line ends in exactly one place: whole in one stream, whole in the
noise, or cut into pieces (a mid-line splice, a stripped prefix) whose column
ranges tile the line after its prefix, each piece in exactly one stream text.
Checked on every real sample, on hypothesis-generated interleavings of real
samples, and (tests/test_corpus.py, next to the scorer that reads the same
demultiplexing) on every corpus case.
"""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackdemux.demux import Demuxed, demultiplex_detail
from stackdemux.ingest import ingest
from stackdemux.model import Source

ROOT = Path(__file__).resolve().parent.parent

CONFORMANCE = Path("/work/shared/conformance")


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def sample_files() -> list[Path]:
    files = sorted(ROOT.glob("samples/go*/*.txt")) + sorted(ROOT.glob("tests/data/wrapped/*.jsonl"))
    files += sorted(p for p in CONFORMANCE.rglob("*") if p.is_file() and p.suffix in (".txt", ""))
    return files


def check_conservation(source: Source, d: Demuxed | None = None) -> None:
    if d is None:
        d = demultiplex_detail(source)
    lines = source.lines
    # layers that rewrite text (unwrapped records, repaired pastes) keep columns, not text
    wrapped = bool(set(d.layers) & {"test2json", "docker-json", "journald-json", "json-lines",
                                    "paste"})
    whole: dict[int, str] = {}  # line → where it went whole
    cols: dict[int, list[tuple[int, int, str]]] = {}
    for s in d.streams:
        assert len(s.numbers) == len(s.texts), s.id
        for j, text in enumerate(s.texts):
            where = f"{s.id}[{j}]"
            pieces = s.pieces.get(j)
            if not pieces:
                n = s.numbers[j]
                stripped = s.prefix_lengths[j] if s.prefix_lengths else 0  # a collector prefix
                assert text == lines[n - 1][stripped:] or wrapped, (where, text, lines[n - 1])
                assert n not in whole, f"line {n} in {whole[n]} and {where}"
                whole[n] = where
                continue
            if not wrapped:
                assert text == "".join(lines[n - 1][a:b] for n, a, b in pieces), where
            for n, a, b in pieces:
                cols.setdefault(n, []).append((a, b, where))
    for a, b in d.noise:
        for n in range(a, b + 1):
            assert n not in whole, f"line {n} in noise and in {whole.get(n)}"
            assert n not in cols, f"line {n} in noise and in pieces {cols.get(n)}"
            whole[n] = "noise"
    for n, parts in cols.items():
        assert n not in whole, f"line {n} whole in {whole.get(n)} and in pieces {parts}"
        if wrapped:
            continue
        parts.sort()
        end = parts[0][0]  # columns before the first piece: a stripped prefix
        for a, b, where in parts:
            assert a == end, f"line {n}: columns {end}..{a} lost or doubled before {where}"
            end = b
        assert end == len(lines[n - 1]), f"line {n}: columns {end}.. lost"
    missing = [n for n in range(1, len(lines) + 1) if n not in whole and n not in cols]
    assert not missing, f"lines in no stream and not noise: {missing[:10]}"


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_real_sample_is_conserved(path: Path) -> None:
    check_conservation(ingest(_read(path), path.name))


def _sample_lines() -> list[list[str]]:
    out = []
    for f in sorted(ROOT.glob("samples/go*/*.txt")):
        lines = f.read_text(encoding="utf-8", errors="replace").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if lines:
            out.append(lines)
    return out


SAMPLES = _sample_lines()


def merge(logs: list[list[str]], seed: int, cut: bool) -> list[str]:
    """Interleave logs keeping each one's order; with `cut`, some lines are
    split mid-way and their halves land apart (a slow pipe reader)."""
    rng = random.Random(seed)
    queues = [list(lines) for lines in logs]
    out: list[str] = []
    carry = ""
    while any(queues):
        q = rng.choice([q for q in queues if q])
        line = q.pop(0)
        if cut and len(line) > 4 and rng.random() < 0.1:
            k = rng.randrange(1, len(line))
            out.append(carry + line[:k])
            carry = ""
            q.insert(0, line[k:])
            continue
        out.append(carry + line)
        carry = ""
    if carry:
        out.append(carry)
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, len(SAMPLES) - 1), min_size=2, max_size=5),
       st.integers(0, 2**32), st.booleans())
def test_interleavings_of_real_samples_are_conserved(picks: list[int], seed: int,
                                                      cut: bool) -> None:
    lines = merge([SAMPLES[i] for i in picks], seed, cut)
    check_conservation(ingest("\n".join(lines) + "\n"))
