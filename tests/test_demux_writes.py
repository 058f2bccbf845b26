"""Write()-level interleaving (issue 3): the pieces the decoder is built from.

Cases come from tests/corpus/cases (real Go output, strace'd write() calls,
with who wrote every byte in truth.json).
"""

from __future__ import annotations

import json

import pytest
from conftest import CORPUS_CASES as CASES
from conftest import corpus_case as _case

from stackdemux.demux import writes
from stackdemux.demux.writes import separate_writes
from stackdemux.demux.writes_decode import decode
from stackdemux.demux.writes_dfa import DEAD, line_automaton, viable
from stackdemux.demux.writes_gate import looks_write_interleaved
from stackdemux.demux.writes_tokens import write_ends
from stackdemux.grammar import line_grammar
from stackdemux.model import Stream


def _clean(name: str, process: int) -> list[str]:
    d = CASES / name
    truth = json.loads((d / "truth.json").read_text())
    return (d / truth["processes"][process]["output"]).read_text().splitlines()


def _reads(writes: list[str]) -> int:
    """Feed writes to the line automaton, a cut after each: the state, or DEAD."""
    a = line_automaton()
    s = a.start
    for w in writes:
        for ch in w:
            s = a.step(s, ch)
            if s == DEAD:
                return DEAD
        if not a.boundary[s]:
            return DEAD
        s = a.cut(s)
    return s


@pytest.mark.parametrize("case", ["bolt-writes-shuffle", "mixed-writes-time", "gotest-writes-time"])
def test_the_line_automaton_reads_every_line_a_process_printed(case):
    a = line_automaton()
    _, truth = _case(case)
    for i in range(len(truth["processes"])):
        for line in _clean(case, i):
            if not line or line_grammar().match(line) is None:
                continue  # go test's own output: no traceback line
            s = a.start
            for ch in line:
                s = a.step(s, ch)
            assert s != DEAD and a.accepting[s], line


def test_a_write_ends_only_where_a_field_ends():
    # the runtime's writes of `goroutine 19 [running]:` (Go 1.27 prints "]" and ":" apart)
    assert _reads(["goroutine ", "19", " [", "running", "]", ":"]) != DEAD
    # another process's write cut the state: this process cannot go on inside it
    assert _reads(["goroutine ", "19", " [", "runn", "ing"]) == DEAD
    # a line number is one print argument: `:147` then another's `48` is not `14748`
    assert _reads(["\t", "/app/main.go", ":", "1", "47"]) == DEAD
    # argument words are many writes
    assert _reads(["main.(*Hub).lockHolder", "(", "0xc000070000", ", ", "{", "0x4b8f40",
                   "?", "}", ")"]) != DEAD


def test_a_glued_file_line_is_no_line_start():
    assert viable("\t/work/main/tests/corpus/programs/main.go:147 +0xc5")
    assert not viable("goroutine x")


def test_writes_may_end_only_in_some_places():
    # that they end where the truth's writes end: tests/test_demux_writes_ends.py
    text, _ = _case("bolt-writes-shuffle")
    assert sum(write_ends(text)) < len(text) / 2  # it does not say "anywhere"


def test_one_process_reads_back_as_itself():
    lines = _clean("bolt-writes-shuffle", 1)[:30]
    got = decode("\n".join(lines) + "\n")
    text = "\n".join(lines) + "\n"
    assert len(got.processes) == 1
    assert ["".join(text[a:b] for a, b in segs) for segs in got.processes[0]] == lines


def test_every_character_ends_in_exactly_one_piece(monkeypatch):
    monkeypatch.setattr(writes, "MAX_NOISE", 1.0)  # however poor the reading
    text, _ = _case("bolt-writes-shuffle")
    texts = text[:700].split("\n")
    streams = separate_writes(Stream(id="s1", numbers=range(1, len(texts) + 1), texts=texts))
    assert streams is not None
    claimed: dict[int, list[tuple[int, int]]] = {}
    for s in streams:
        for i, t in enumerate(s.texts):
            pieces = s.pieces[i]
            rebuilt = "".join(texts[n - 1][a:b] for n, a, b in pieces)
            assert rebuilt == t
            for n, a, b in pieces:
                for x, y in claimed.get(n, []):
                    assert b <= x or y <= a or a == b
                claimed.setdefault(n, []).append((a, b))
    for n, t in enumerate(texts, 1):
        assert sum(b - a for a, b in claimed.get(n, [])) == len(t)


@pytest.mark.parametrize("case,expected", [
    ("bolt-writes-shuffle", True), ("crash-writes-time", True),
    ("bolt-lines-random", False), ("crash-chunks-slow", False), ("twelve-chunks-fast", False),
])
def test_the_gate_sees_writes_and_not_whole_lines(case, expected):
    text, _ = _case(case)
    assert looks_write_interleaved(text.split("\n")) is expected


def test_the_gates_traceback_values_are_found_where_a_call_s_parenthesis_follows_a_word():
    # the gate's search for a call's `(` looks behind at the word before it (led by
    # the `(`, which sre skips to): the lines it finds are those `\w\(` finds
    import re

    from stackdemux.demux.writes_gate import _TRACE_TOKEN

    plain = re.compile(r"0x[0-9a-f]|\.go\b|goroutine \d|\w\(")
    for case in ("bolt-writes-shuffle", "crash-chunks-slow", "twelve-lines-random"):
        text, _ = _case(case)
        lines = text.split("\n")
        assert [bool(_TRACE_TOKEN.search(t)) for t in lines] == [
            bool(plain.search(t)) for t in lines]
        assert any(plain.search(t) for t in lines)


@pytest.mark.parametrize("case", ["bolt-writes-shuffle", "crash-writes-time", "gotest-writes-time",
                                  "bolt-lines-random", "crash-chunks-slow", "mixed-lines-arrival"])
def test_the_gate_reads_the_lines_joined_a_chunk_at_a_time_as_it_reads_each_line(case):
    # the gate's definition, line by line: at least 12 broken lines (a traceback
    # value in a line no grammar kind reads), 2 of 5 of some run of 64 lines (all,
    # when fewer); its bulk search over the lines joined, whole or a chunk at a time
    # (chunks of a few hundred characters: many chunks, lines across their ends),
    # answers the same for the log and for windows of it where the answer changes
    from stackdemux.demux.writes_gate import is_broken
    from stackdemux.line_chunks import layout

    def by_line(lines: list[str]) -> bool:
        broken = [is_broken(t) for t in lines]
        window = min(64, len(lines))
        runs = [sum(broken[s:s + window]) for s in range(len(lines) - window + 1)]
        return sum(broken) >= 12 and max(runs, default=0) >= -(-window * 2 // 5)

    text, _ = _case(case)
    lines = text.split("\n")
    seen = set()
    for a, b in [(0, len(lines))] + [(a, a + w) for w in (20, 64, 90, 150) for a in
                                     range(0, len(lines), 11)]:
        part = lines[a:b]
        expected = by_line(part)
        seen.add(expected)
        assert looks_write_interleaved(part) is expected
        assert looks_write_interleaved(part, "\n".join(part)) is expected
        assert looks_write_interleaved(part, None, layout(part, 300)) is expected
    assert seen == {True, False} or case.endswith(("random", "slow", "arrival"))


def test_the_gate_counts_runs_of_64_lines_to_the_line_where_broken_lines_are_few():
    # real broken lines (bolt-writes-shuffle's) among real whole ones (bolt-lines-
    # random's), as many as a run must hold give or take one, spread over about a
    # run's length: the gate's spans of dense runs agree with counting every run
    import random

    from stackdemux.demux.writes_gate import is_broken
    from stackdemux.line_chunks import layout

    shuffled, _ = _case("bolt-writes-shuffle")
    whole, _ = _case("bolt-lines-random")
    broken = [t for t in shuffled.split("\n") if is_broken(t)]
    clean = [t for t in whole.split("\n") if not is_broken(t)]
    rng = random.Random(7)
    answers = []
    for _ in range(300):
        n = rng.randint(40, 400)
        lines = [rng.choice(clean) for _ in range(n)]
        span = rng.randint(50, 75)
        at = rng.randrange(max(1, n - span))
        for x in rng.sample(range(at, min(n, at + span)), min(n - at, span, rng.randint(12, 28))):
            lines[x] = rng.choice(broken)
        flags = [is_broken(t) for t in lines]
        window = min(64, n)
        best = max(sum(flags[s:s + window]) for s in range(n - window + 1))
        expected = sum(flags) >= 12 and best >= -(-window * 2 // 5)
        answers.append(expected)
        assert looks_write_interleaved(lines) is expected
        assert looks_write_interleaved(lines, None, layout(lines, 500)) is expected
    assert 30 < sum(answers) < 270


def test_three_processes_interleaved_by_timestamp_keep_their_panic_messages():
    text, _ = _case("bolt-writes-time")
    texts = text.split("\n")
    streams = separate_writes(Stream(id="s1", numbers=range(1, len(texts) + 1), texts=texts))
    assert streams is not None
    panics = sorted(t for s in streams for t in s.texts if t.startswith("panic: "))
    assert panics == ["panic: invalid page type: 6404: 10", "panic: invalid page type: 6432: 10",
                      "panic: shutdown timeout: 57 of 60 workers still running"]


def test_a_region_read_mostly_as_noise_is_left_to_the_line_separator(monkeypatch):
    # the decoder leaves 19 % of gotest-writes-shuffle to the noise (21 %, over
    # MAX_NOISE, while go test's `=== RUN` lines went there: writes22)
    text, _ = _case("gotest-writes-shuffle")
    texts = text.split("\n")
    monkeypatch.setattr(writes, "MAX_NOISE", 0.1)
    assert separate_writes(Stream(id="s1", numbers=range(1, len(texts) + 1), texts=texts)) is None


def test_a_line_written_whole_is_one_write_tabs_and_all():
    # cmd/go writes `FAIL\t<package>\t<time>` in one write(): its second tab is no
    # other print argument glued on (writes_dfa.WHOLE_LINE_KINDS), so the line costs
    # what the same line without its time costs
    head = "--- FAIL: TestTransferPanics (3.39s)\n"
    timed = decode(head + "FAIL\texample.com/fleet/ledger\t3.114s\nFAIL\n")
    untimed = decode(head + "FAIL\texample.com/fleet/ledger\nFAIL\n")
    assert [len(p) for p in timed.processes] == [3] and not timed.noise
    assert timed.cost == untimed.cost
