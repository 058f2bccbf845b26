"""Mid-line splices: lines cut by a collector's read() chunks are cut apart and
joined back, every column of the input kept in exactly one text.

Real inputs: the corpus's chunked merges (tests/corpus/cases/*-chunks-*), whose
truth says which process wrote each byte, and the real samples in samples/.
"""

from __future__ import annotations

import gzip
import json
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackdemux.demux import demultiplex_detail
from stackdemux.demux.splice import unsplice
from stackdemux.ingest import ingest
from stackdemux.model import Stream

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "corpus" / "cases"


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def case(name: str) -> tuple[list[str], list[set[str]]]:
    """A corpus case's input lines, and each process's clean output lines."""
    d = CASES / name
    truth = json.loads(_read(next(d.glob("truth.json*"))))
    lines = ingest(_read(next(d.glob("input.log*")))).lines
    outputs = [set(_read(next(d.glob(p["output"] + "*"))).decode("utf-8", "replace").split("\n"))
               for p in truth["processes"]]
    return lines, outputs


def whole(lines: list[str]) -> Stream:
    return Stream("s1", numbers=range(1, len(lines) + 1), texts=lines)


def assert_columns_tile(lines: list[str], stream: Stream) -> None:
    """Each text is its input line or the input columns its pieces name; the
    pieces of a line cover it once (after a stripped prefix)."""
    cols: dict[int, list[tuple[int, int]]] = {}
    seen_whole: set[int] = set()
    for j, text in enumerate(stream.texts):
        pieces = stream.pieces.get(j)
        if not pieces:
            n = stream.numbers[j]
            assert text == lines[n - 1] and n not in seen_whole and n not in cols
            seen_whole.add(n)
            continue
        assert text == "".join(lines[n - 1][a:b] for n, a, b in pieces)
        for n, a, b in pieces:
            assert n not in seen_whole
            cols.setdefault(n, []).append((a, b))
    for n, spans in cols.items():
        spans.sort()
        assert spans[0][0] == 0 and spans[-1][1] == len(lines[n - 1]), n
        assert all(e == s for (_, e), (s, _) in pairwise(spans)), n
    assert seen_whole | set(cols) == set(range(1, len(lines) + 1))


def test_a_panic_header_spliced_onto_a_file_line_is_cut_and_the_file_line_rejoined():
    # bolt-chunks-slow: a 1.19 process's file line was cut after `go.etcd.io`, a 1.23
    # process's `panic:` header follows on the same input line; the file line's rest
    # (`/bbolt/cursor.go:12`) starts an input line further down.
    lines, outputs = case("bolt-chunks-slow")
    n = next(i for i, t in enumerate(lines, 1) if "go.etcd.iopanic: " in t)
    got = unsplice(whole(lines))
    assert got is not None
    s = got.stream
    texts = {t: j for j, t in enumerate(s.texts)}
    cut = lines[n - 1].index("panic: ")
    header = lines[n - 1][cut:]
    assert header in texts and s.pieces[texts[header]] == [(n, cut, len(lines[n - 1]))]
    rejoined = [t for j, t in enumerate(s.texts)
                if j in s.pieces and s.pieces[j][0] == (n, 0, cut)]
    assert len(rejoined) == 1
    file_line = rejoined[0]
    assert file_line.endswith("/bbolt/cursor.go:12")
    # Both are lines their processes printed, each in a different process.
    owner = [i for i, out in enumerate(outputs) if file_line in out]
    assert owner and not any(header in outputs[i] for i in owner)
    assert any(header in out for out in outputs)
    assert_columns_tile(lines, s)


@pytest.mark.parametrize("name", sorted(p.name for p in CASES.glob("*-chunks-*")))
def test_chunked_cases_keep_every_column_once(name):
    lines, _ = case(name)
    got = unsplice(whole(lines))
    if got is not None:
        assert_columns_tile(lines, got.stream)
        # What stays unfinished is said, with its line numbers.
        for d in got.diagnostics:
            assert d.lines and all(1 <= a <= b <= len(lines) for a, b in d.lines)


def test_fragments_of_the_whole_pipeline_are_placed_once():
    lines, _ = case("crash-chunks-slow")
    d = demultiplex_detail(ingest("\n".join(lines) + "\n"))
    claimed: dict[int, list[tuple[int, int]]] = {}
    for s in d.streams:
        for j, _text in enumerate(s.texts):
            for n, a, b in s.pieces.get(j) or [(s.numbers[j], 0, len(lines[s.numbers[j] - 1]))]:
                claimed.setdefault(n, []).append((a, b))
    for a, b in d.noise:
        for n in range(a, b + 1):
            assert n not in claimed
            claimed[n] = [(0, len(lines[n - 1]))]
    for n in range(1, len(lines) + 1):
        spans = sorted(claimed[n])
        assert spans[0][0] == 0 and spans[-1][1] == len(lines[n - 1])
        assert all(e == s for (_, e), (s, _) in pairwise(spans))


SAMPLES = sorted(ROOT.glob("samples/go*/*.txt"))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_clean_sample_passes_through_untouched(path):
    assert unsplice(whole(ingest(path.read_bytes()).lines)) is None


def _dump(name: str) -> str:
    return (ROOT / "samples" / name).read_text(errors="replace")


# Two real dumps of different toolchains (different GOROOTs, so their file lines differ).
A = _dump("go1.19/traceback_system.txt")
B = _dump("go1.27/sigquit.txt")
# From its first traceback line on (its program output would be B's own lines).
B = B[B.index("SIGQUIT"):]
A_FILE_LINES = [i for i, t in enumerate(A.split("\n")) if t.startswith("\t/")]


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(A_FILE_LINES), st.integers(6, 40))
def test_a_file_line_cut_by_another_processs_chunk_comes_back_whole(line, col):
    # Process A's chunk ends inside one of its file lines; process B's whole output
    # comes next (a chunk starting at B's first line); then A's next chunk.
    a_lines = A.split("\n")
    target = a_lines[line]
    col = min(col, len(target) - 1)
    start = sum(len(t) + 1 for t in a_lines[:line])
    text = A[:start + col] + B + A[start + col:]
    lines = ingest(text).lines
    got = unsplice(whole(lines))
    assert got is not None
    assert target in got.stream.texts
    assert_columns_tile(lines, got.stream)


def test_the_join_automaton_refuses_only_joins_the_grammar_refuses():
    # Every head of a real chunked log's line (cut anywhere) run into every rest
    # of other lines: where the regex of the head's kinds matches, the automaton
    # says the two can meet; and it says so nowhere else (it is the regex's
    # automaton, not a looser filter), so that the splicer's work is the matches.
    import random

    from stackdemux.demux.splice_joins import joins
    from stackdemux.demux.splice_score import narrow

    lines, _ = case("twelve-chunks-slow")
    lines = [t for t in lines if t]
    rng = random.Random(7)
    matched = refused = 0
    for _ in range(300):
        a, b = rng.choice(lines), rng.choice(lines)
        head = a[:rng.randint(1, len(a))]
        auto, regex = joins(head[0]), narrow(head[0])
        state, rests = auto.head(head), auto.rests(b)
        for c in range(len(b)):
            m = regex.fullmatch(head + b[c:]) is not None
            assert auto.meet(state, rests[c]) == m, (head, b[c:])
            matched += m
            refused += not m
    assert matched > 1000 and refused > 2 * matched


def test_a_long_bounded_repeat_costs_the_join_automaton_no_more_than_an_unbounded_one():
    # `{1,1024}` (a grammar's path bound) as 1 024 copies took every line-level
    # merge's peak memory from 61 to 208 MB: the automaton reads it as `+`, which
    # only ever accepts more, never refusing a join the regex takes
    from stackdemux.demux.splice_joins import _Positions

    bounded, unbounded = _Positions(r"a[\w.]{1,1024}b"), _Positions(r"a[\w.]+b")
    assert len(bounded.tests) == len(unbounded.tests)
    assert sum(map(len, bounded.follow)) == sum(map(len, unbounded.follow))


def test_the_join_automaton_is_kept_as_marshal_writes_it():
    # rx.derived keeps a pattern's automaton on disk (marshal), once per machine:
    # read back, it is the one built
    import marshal

    from stackdemux.demux.splice_joins import _built
    from stackdemux.demux.splice_score import narrow

    built = _built(narrow("\t").pattern)
    assert len(built[0]) > 500 and marshal.loads(marshal.dumps(built)) == built


def test_the_kept_join_automaton_still_tells_the_look_ahead_its_literal_texts():
    # splice_ahead reads the automaton's literal positions to skip lines that hold
    # none of the texts a rest must: a log stamp's head (the decoy before a
    # `panic: false, …` line) waits for `http: panic serving ` or a file's `.go:`
    from stackdemux.demux.splice_ahead import _needles
    from stackdemux.demux.splice_joins import joins

    auto = joins("2")
    needles = _needles(auto, auto.head("2026/11/25 19:21:32 "))
    assert needles is not None and {"http: panic serving ", ".go:"} <= set(needles)
