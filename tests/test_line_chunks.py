"""The bulk searches read a long stream's lines a chunk at a time (line_chunks.py),
never joined whole, and answer as the search over the whole text did: the same
matches in the same order, on real samples and corpus merges cut into chunks of
a few characters (every line a chunk's edge) to a few hundred."""

from __future__ import annotations

import gzip
import re
from itertools import accumulate, pairwise
from pathlib import Path

import pytest

from stackdemux import line_chunks, parse
from stackdemux.demux import _anchor_regex, _frame_file_regex, demultiplex_detail, pasted
from stackdemux.demux import write_records as records
from stackdemux.demux.paste_flat import GLUED
from stackdemux.ingest import ingest
from stackdemux.model import Stream
from stackdemux.parse import idle_leads, parse_stream, report_ids

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = (sorted((ROOT / "samples").glob("go1.*/*.txt"))[::3]
           + sorted((ROOT / "samples" / "wild").glob("*.txt"))[::4]
           + sorted((ROOT / "samples" / "interleaved").glob("*.log")))
CASES = ROOT / "tests" / "corpus" / "cases"
# Corpus merges of each family: lines, read() chunks, writes, prefixed (concurrently's
# cut lines joined back), pasted (a CR LF paste too), noise
MERGES = ("crash-lines-arrival", "bolt-chunks-fast", "mixed-writes-time", "sigquit-prefix-compose",
          "bolt-prefix-concurrently-names", "crash-paste-joined", "sigquit-paste-crlf",
          "gotest-noise")
SIZES = (1, 7, 64, 500)

# Every pattern a stage searches a stream with in bulk
PATTERNS = {
    "write records": records._SIGNATURE,
    "idle skip": parse._IDLE_NEXT,
    "openers and ids": _anchor_regex(),
    "file line": _frame_file_regex(),
    "tab-led": pasted._TAB_LED,
    "path spaced": pasted._PATH_SPACED,
    "glued frame": GLUED,
    "flat offset": pasted._FLAT_OFFSET,
    **{f"paste sign {n}": sign for n, (_, sign) in enumerate(pasted._SIGNS)},
}


def _lines(path: Path) -> list[str]:
    data = path.read_bytes()
    return ingest(gzip.decompress(data) if path.suffix == ".gz" else data, str(path)).lines


def _input(name: str) -> Path:
    return next((CASES / name).glob("input.log*"))


@pytest.fixture(scope="module")
def logs() -> list[list[str]]:
    return [_lines(p) for p in SAMPLES] + [_lines(_input(m)) for m in MERGES]


def test_reach_is_read_off_the_pattern():
    reach = line_chunks.reach
    assert reach(re.compile(r"\n[^\n]*x")) == line_chunks.Reach(1, 0)
    assert reach(re.compile(r"a\n(?:b\n){2}(?=c\n)")) == line_chunks.Reach(4, 0)
    assert reach(re.compile(r"(?<=ab\n)x")) == line_chunks.Reach(0, 3)
    assert reach(re.compile(r"x\s*y")) is None  # (any number of newlines)
    assert reach(re.compile(r"x.*y", re.S)) is None
    assert reach(re.compile(r"x.*y")) == line_chunks.Reach(0, 0)
    assert reach(re.compile(r"x$")) is None  # (the text's end, which a chunk's is not)
    assert reach(re.compile(r"x$", re.M)) == line_chunks.Reach(0, 0)
    assert reach(re.compile(r"(x)\1")) is None


@pytest.mark.parametrize("name", PATTERNS)
def test_matches_by_chunk_are_the_whole_texts(name, logs):
    pattern = PATTERNS[name]
    for lines in logs:
        whole = "\n".join(lines)
        want = [(m.start(), m.end()) for m in pattern.finditer(whole)]
        for size in SIZES:
            got, counter = [], line_chunks.LineCounter()
            for chunk, m in line_chunks.finditer(pattern, lines, size=size):
                got.append((chunk.offset + m.start(), chunk.offset + m.end()))
                assert counter.line(chunk, m.start()) == whole.count("\n", 0, got[-1][0])
            assert got == want, (name, size)


def test_a_chunk_owns_its_lines_and_the_newline_before_them(logs):
    for lines in logs[:20]:
        whole = "\n".join(lines)
        owned = []
        for chunk in line_chunks.chunks(lines, line_chunks.Reach(2, 5), size=64):
            assert whole[chunk.offset:chunk.offset + len(chunk.text)] == chunk.text
            owned.append((chunk.offset + chunk.start, chunk.offset + chunk.stop))
        # every position of the whole text in exactly one chunk's own part
        assert [a for a, _ in owned] == [0] + [b for _, b in owned[:-1]]
        assert owned[-1][1] == len(whole)


def test_a_layout_is_read_alike_off_the_lines_and_off_their_text(logs):
    for lines in [*logs, [], [""], ["x" * 900], ["a", "x" * 900, "b"], ["x" * 900, "a"]]:
        whole = "\n".join(lines)
        begins = list(accumulate((len(t) + 1 for t in lines), initial=0))  # each line's start
        for size in (*SIZES, 1 << 22):
            got = line_chunks.layout(lines, size)
            assert got == line_chunks.layout_of_text(whole, len(lines), size)
            assert got.size == len(whole) and got.firsts[0] == 0 and got.firsts[-1] == len(lines)
            for k, (a, b) in enumerate(pairwise(got.firsts)):
                # each chunk's first line begins where it says; its lines joined
                # are `size` characters or fewer, or one line, and the next line
                # would not fit
                own = "\n".join(lines[a:b])
                assert got.starts[k] == begins[a]
                assert len(own) <= size or b == a + 1
                assert b == len(lines) or len(own) + 1 + len(lines[b]) > size
            assert got.whole == (len(whole) <= size or len(lines) <= 1)


@pytest.fixture
def tiny_chunks(monkeypatch):
    monkeypatch.setattr(line_chunks, "CHUNK", 300)


def test_the_paste_gate_answers_alike_by_chunk(logs, tiny_chunks):
    for lines in logs:
        whole = "\n".join(lines)
        assert pasted.looks_pasted(lines) == pasted.looks_pasted(lines, whole)


def test_the_idle_skips_leads_are_found_alike_by_chunk(logs, monkeypatch):
    for lines in logs:
        want = idle_leads(Stream(id="s", texts=lines, _joined="\n".join(lines)))
        monkeypatch.setattr(line_chunks, "CHUNK", 300)
        got = idle_leads(Stream(id="s", texts=lines))
        monkeypatch.setattr(line_chunks, "CHUNK", 1 << 22)
        assert got == want


def _read(data: bytes) -> tuple:
    """What the demultiplexer and the parser make of a log, compared whole."""
    d = demultiplex_detail(ingest(data))
    ids = report_ids()
    streams = []
    for s in d.streams:
        got = parse_stream(s, ids)
        streams.append((list(s.numbers), list(s.texts), sorted(s.pieces.items()), got.noise,
                        [(r.kind, r.lines, len(r.goroutines), r.complete) for r in got.reports]))
    return streams, d.noise, [(x.message, x.lines) for x in d.diagnostics], d.layers


@pytest.mark.parametrize("name", MERGES)
def test_demultiplexing_and_parsing_by_tiny_chunks_change_nothing(name, monkeypatch):
    path = _input(name)
    data = path.read_bytes()
    data = gzip.decompress(data) if path.suffix == ".gz" else data
    want = _read(data)
    monkeypatch.setattr(line_chunks, "CHUNK", 300)
    assert _read(data) == want


def test_a_pasted_sample_is_repaired_alike_by_tiny_chunks(monkeypatch):
    pastes = [p for p in sorted((ROOT / "samples" / "wild").glob("*.txt"))
              if pasted.looks_pasted(p.read_text(errors="replace").split("\n"))][:12]
    assert len(pastes) == 12
    for path in pastes:
        data = path.read_bytes()
        monkeypatch.setattr(line_chunks, "CHUNK", 1 << 22)
        want = _read(data)
        monkeypatch.setattr(line_chunks, "CHUNK", 300)
        assert _read(data) == want, path.name
