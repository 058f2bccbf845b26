"""Line-interleaved tracebacks of several processes come apart into one stream each.

Logs are real Go output (samples/, several toolchains) merged line by line
the way a line-buffering collector merges concurrent processes; the answer
is each sample parsed on its own.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Token

from stackdemux.api import Options, analyze
from stackdemux.demux import demultiplex, needs_separation
from stackdemux.demux.automaton import automaton
from stackdemux.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def lines_of(rel: str) -> list[str]:
    text = (SAMPLES / rel).read_text(encoding="utf-8")
    return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")


def report_keys(text: str, demux: bool = True) -> list[tuple]:
    a = analyze(text.encode(), Options(analyse=False, demux=demux))
    return sorted(
        (r.kind.value, r.message,
         tuple((g.id, g.state, tuple((f.func, f.file, f.line) for f in g.frames))
               for g in r.goroutines))
        for r in a.reports)


def alone(*rels: str) -> list[tuple]:
    return sorted(k for rel in rels for k in report_keys("\n".join(lines_of(rel)) + "\n", False))


def merge_lines(logs: list[list[str]], rng: random.Random, run: int = 1) -> str:
    """Whole lines, each log's order kept, the next writer chosen at random
    (`run`: lines a writer prints before another may cut in)."""
    queues = [list(x) for x in logs]
    out: list[str] = []
    while any(queues):
        q = rng.choice([q for q in queues if q])
        out.extend(q[:run])
        del q[:run]
    return "\n".join(out) + "\n"


def test_one_process_is_one_stream_untouched() -> None:
    lines = lines_of("go1.27/deadlock.txt")
    streams, noise = demultiplex(ingest("\n".join(lines) + "\n"))
    assert len(streams) == 1 and noise == []
    assert list(streams[0].texts) == lines


def test_fast_path_counts_openers_and_repeated_goroutine_ids() -> None:
    one = lines_of("go1.27/panic_in_goroutine.txt")
    assert not needs_separation(one)
    assert needs_separation(one + one)  # goroutine ids repeat: two processes
    two = lines_of("go1.19/nil_map.txt") + lines_of("go1.21/panic_string.txt")
    assert needs_separation(two)


PAIRS = [
    ("go1.19/deadlock.txt", "go1.27/panic_in_goroutine.txt"),
    ("go1.21/nil_pointer.txt", "go1.25/deadlock.txt"),
    # (these two named go1.22/panic_error.txt and go1.24/panic_nested_call.txt,
    # samples never generated: their xfails failed on the missing file)
    ("go1.23/panic_error.txt", "go1.27/index_out_of_range.txt"),
    ("go1.19/goroutine_wrappers.txt", "go1.25/panic_nested_call.txt"),
]


# Known gap (issue 3): two programs interleaved in runs of a few lines, or
# line by line, leave too little evidence in these small samples for the
# beam to settle on the right split where both are mostly user code; strict,
# so a fix flips them to passing. Go 1.23's panic_error and Go 1.27's
# index_out_of_range in runs: one program's main.go (no GOROOT line), their
# first frames' file lines (main.go:74, main.go:174) fit either call, and the
# reading found scores 0.3 above the truth's (tests/corpus/beam_truth.TruthBeam).
GAP = pytest.mark.xfail(strict=True, reason="line interleaving of these samples not yet settled")


def _known_gap(pairs: list[tuple[str, str]], settled: set[int]) -> list:
    return [pytest.param(p, id="+".join(p), marks=() if i in settled else GAP)
            for i, p in enumerate(pairs)]


@pytest.mark.parametrize("pair", _known_gap(PAIRS, settled={0, 1}))
def test_processes_printing_in_runs_come_apart(pair: tuple[str, str]) -> None:
    logs = [lines_of(p) for p in pair]
    text = merge_lines(logs, random.Random(7), run=4)
    assert report_keys(text) == alone(*pair)


@pytest.mark.parametrize("pair", _known_gap(PAIRS, settled={0, 1, 2, 3}))
def test_processes_interleaved_line_by_line_come_apart(pair: tuple[str, str]) -> None:
    """Go 1.21 and Go 1.25 line by line: each frame's file line names its
    toolchain's GOROOT, and the goroutine header waits for its first frame."""
    logs = [lines_of(p) for p in pair]
    text = merge_lines(logs, random.Random(11), run=1)
    assert report_keys(text) == alone(*pair)


def test_three_processes_of_one_program_and_three_toolchains() -> None:
    """The same program built by Go 1.19, 1.23 and 1.27, line by line: every
    line of one process is identical to another's but for paths and values."""
    rels = ["go1.19/panic_in_goroutine.txt", "go1.23/panic_in_goroutine.txt",
            "go1.27/panic_in_goroutine.txt"]
    text = merge_lines([lines_of(r) for r in rels], random.Random(3), run=1)
    assert report_keys(text) == alone(*rels)


def test_ordinary_log_lines_between_tracebacks_are_noise() -> None:
    logs = [lines_of("go1.21/nil_map.txt"), lines_of("go1.27/nil_map.txt"),
            [f"[build] compiling step {i} of 40 (foo.go)" for i in range(40)]]
    source = ingest(merge_lines(logs, random.Random(5)))
    streams, noise = demultiplex(source)
    noisy = {n for a, b in noise for n in range(a, b + 1)}
    for n, line in enumerate(source.lines, 1):
        if line.startswith("[build]"):
            assert n in noisy
    assert len(streams) == 2


# ----------------------------------------------- the grammar's automaton ---


def kinds_of(rel: str) -> list[str]:
    from stackdemux.grammar import line_grammar

    g = line_grammar()
    out = []
    for line in lines_of(rel):
        kind, _ = g.classify(line)
        if kind not in (None, "blank"):
            out.append(kind.upper())
    return out


ALL = sorted(str(p.relative_to(SAMPLES)) for p in SAMPLES.glob("go*/*.txt"))


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(ALL))
def test_automaton_agrees_with_larks_interactive_parser(rel: str) -> None:
    auto = automaton()
    ip = auto.lark.parse_interactive("")
    stack = auto.start
    for token in kinds_of(rel):
        expected = token in ip.accepts()
        nxt = auto.step(stack, token)
        assert (nxt is not None) == expected, token
        if nxt is None:
            break
        ip.feed_token(Token(token, ""))
        stack = nxt


def test_every_real_sample_is_a_sentence_of_the_report_grammar() -> None:
    auto = automaton()
    refused = []
    for rel in ALL:
        stack = auto.start
        for token in kinds_of(rel):
            nxt = auto.step(stack, token)
            if nxt is None:
                refused.append((rel, token))
                break
            stack = nxt
    assert refused == []


def test_a_file_line_only_follows_a_call_line() -> None:
    auto = automaton()
    s = auto.step(auto.step(auto.start, "PANIC"), "GOROUTINE_HEADER")
    assert not auto.accepts(s, "FRAME_FILE")
    s = auto.step(s, "FRAME_CALL")
    assert auto.accepts(s, "FRAME_FILE")
    assert not auto.accepts(s, "GOROUTINE_HEADER")
    s = auto.step(auto.step(s, "FRAME_FILE"), "CREATED_BY")
    assert auto.accepts(s, "FRAME_FILE") and not auto.accepts(s, "FRAME_CALL")


# ------------------------------------------------- the interleaving corpus ---

CASES = ROOT / "tests" / "corpus" / "cases"


@pytest.mark.parametrize("case", ["bolt-lines-arrival", "bolt-noise", "bolt-chunks-fast"])
def test_corpus_case_comes_apart_into_each_process_report(case: str) -> None:
    """Three real processes (Go 1.19, 1.23, 1.27) on separate pipes, merged by
    lines as they arrived (amid real build noise): each report exactly as the
    process alone printed it, and nothing from the noise."""
    import json

    d = CASES / case
    truth = json.loads((d / "truth.json").read_text())
    want = sorted(k for p in truth["processes"]
                  for k in report_keys((d / p["output"]).read_text(), demux=False))
    assert report_keys((d / truth["input"]).read_text()) == want


def test_the_report_table_is_read_from_the_cache_as_lark_built_it(tmp_path, monkeypatch) -> None:
    # built with lark on a machine's first run, then read back from the cache:
    # every sample's kinds step alike through both (and no lark is needed to read it)
    from stackdemux.demux.automaton import Automaton

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = Automaton()
    assert list((tmp_path / "stackdemux").glob("report-lalr-*.json"))
    read = Automaton()
    assert read.states == built.states and read.start == built.start and read.end == built.end
    for rel in ALL:
        a = b = built.start
        for token in kinds_of(rel):
            a, b = built.step(a, token), read.step(b, token)
            assert a == b
            if a is None:
                break
