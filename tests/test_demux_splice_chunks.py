"""Mid-line splices measured against the corpus truth: the read() chunk
boundaries that cut lines, found where the truth says each process's bytes
start and stop (tests/corpus/cases/*-chunks-slow/truth.json: ownership runs
over the input bytes).

A cut is (input line, column) where the owner changes inside a line; a join
is a line of one process made of pieces of several input lines.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from stackdemux.demux.kind_order import may_follow
from stackdemux.demux.splice import unsplice
from stackdemux.ingest import ingest
from stackdemux.model import Stream

Cut = tuple[int, int]  # (input line, column)
Join = tuple[tuple[int, int, int], ...]  # a line's pieces: (input line, start, end)

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "corpus" / "cases"
SLOW = sorted(p.name for p in CASES.glob("*-chunks-slow"))


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def truth_cuts(name: str) -> tuple[list[str], set[Cut], set[Join]]:
    """The case's input lines, the cuts the chunk boundaries made, and the
    lines rejoined from pieces (each as its (line, start, end) pieces)."""
    d = CASES / name
    truth = json.loads(_read(next(d.glob("truth.json*"))))
    data = _read(next(d.glob("input.log*")))
    owner: list[object] = []
    for o, n in truth["ownership"]:
        owner += [o] * n
    raw = data.split(b"\n")
    if raw and raw[-1] == b"":
        raw.pop()
    cuts: set[Cut] = set()
    joins: set[Join] = set()
    open_: dict[object, list[tuple[int, int, int]]] = {}
    off = 0
    for n, line in enumerate(raw, 1):
        runs: list[list] = []
        for c in range(len(line)):
            if runs and runs[-1][2] == owner[off + c]:
                runs[-1][1] = c + 1
            else:
                runs.append([c, c + 1, owner[off + c]])
        if not line and off < len(owner):  # an empty line: its line break's owner
            runs.append([0, 0, owner[off]])
        for k, (a, b, o) in enumerate(runs):
            if k:
                cuts.add((n, a))
            open_.setdefault(o, []).append((n, a, b))
            ends = off + len(line) >= len(owner) or owner[off + len(line)] == o
            if k == len(runs) - 1 and ends:
                if len(open_[o]) > 1:
                    joins.add(tuple(open_[o]))
                del open_[o]
        # a line break of a process with no piece on this line ends its open line
        # (its chunk ended just before its newline): no piece of a text of its own
        nl = owner[off + len(line)] if off + len(line) < len(owner) else None
        if runs and nl != runs[-1][2] and nl in open_:
            if len(open_[nl]) > 1:
                joins.add(tuple(open_[nl]))
            del open_[nl]
        off += len(line) + 1
    lines = ingest(data).lines
    assert len(lines) == len(raw)
    return lines, cuts, joins


def found_cuts(lines: list[str]) -> tuple[set[Cut], set[Join]]:
    got = unsplice(Stream("s1", numbers=range(1, len(lines) + 1), texts=lines))
    cuts: set[Cut] = set()
    joins: set[Join] = set()
    if got is None:
        return cuts, joins
    for j in range(len(got.stream.texts)):
        pieces = got.stream.pieces.get(j) or []
        cuts.update((n, a) for n, a, _ in pieces if a > 0)
        if len(pieces) > 1:
            joins.add(tuple(pieces))
    return cuts, joins


def test_the_chunk_boundaries_that_cut_lines_are_found_and_few_are_invented():
    # Over the slow reader's cases (64–1024-byte reads, 3–12 processes): the
    # cuts the truth shows, found at their exact column, and the lines rejoined.
    truth_n = found_n = right = joins_truth = joins_right = 0
    for name in SLOW:
        lines, cuts, joins = truth_cuts(name)
        got, got_joins = found_cuts(lines)
        truth_n += len(cuts)
        found_n += len(got)
        right += len(cuts & got)
        joins_truth += len(joins)
        joins_right += len(joins & got_joins)
    assert truth_n > 100
    # (the greedy cutter: 0.32, 0.63, 0.21; the beam with one chunk boundary a
    # line and 4 cut places a fragment: 0.82, 0.93, 0.73)
    assert right / truth_n >= 0.90  # recall
    assert right / found_n >= 0.94  # precision
    assert joins_right / joins_truth >= 0.84  # whole lines rejoined


@pytest.mark.parametrize("name", ["bolt-chunks-slow", "sigquit-chunks-slow"])
def test_a_few_processes_read_in_turn_are_cut_and_rejoined_almost_exactly(name):
    lines, cuts, joins = truth_cuts(name)
    got, got_joins = found_cuts(lines)
    assert len(cuts - got) <= max(2, len(cuts) // 20)
    assert len(got - cuts) <= max(2, len(cuts) // 20)
    assert len(joins - got_joins) <= max(2, len(joins) // 10)


@pytest.mark.parametrize("name", sorted(p.name for p in CASES.glob("*-lines-*")))
def test_logs_interleaved_by_whole_lines_pass_through_untouched(name):
    # No read() cut a line: the splicer must change nothing.
    d = CASES / name
    lines = ingest(_read(next(d.glob("input.log*")))).lines
    assert unsplice(Stream("s1", numbers=range(1, len(lines) + 1), texts=lines)) is None


def test_the_order_of_kinds_of_lines_comes_from_the_report_grammar():
    # A call line is followed by its file line; `created by` by its file line.
    assert may_follow("frame_call", "frame_file")
    assert not may_follow("frame_call", "frame_call")
    assert not may_follow("frame_call", "goroutine_header")
    assert may_follow("created_by", "frame_file")
    assert not may_follow("created_by", "frame_call")
    assert may_follow("frame_file", "frame_call")
    assert not may_follow("frame_file", "frame_file")
    assert may_follow("goroutine_header", "frame_call")


def test_the_callers_line_matches_give_the_same_splices():
    # demultiplex() reads every line with the line grammar once; the splicer may
    # take those readings instead of matching again, and decides the same.
    from stackdemux.grammar import line_grammar

    lines, _, _ = truth_cuts("twelve-chunks-slow")
    stream = Stream("s1", numbers=range(1, len(lines) + 1), texts=lines)
    own = unsplice(stream)
    given = unsplice(stream, [line_grammar().match(t) for t in lines])
    assert own is not None and given is not None
    assert given.stream.texts == own.stream.texts
    assert given.stream.pieces == own.stream.pieces


def rejoined(name: str) -> dict[str, list[tuple[int, int, int]]]:
    """The texts the splicer made of pieces in a case, with their pieces."""
    lines, _, _ = truth_cuts(name)
    got = unsplice(Stream("s1", numbers=range(1, len(lines) + 1), texts=lines))
    assert got is not None
    return {t: got.stream.pieces[j] for j, t in enumerate(got.stream.texts)
            if j in got.stream.pieces}


def test_a_chunk_shorter_than_a_lines_rest_leaves_three_pieces_on_one_input_line():
    # gotest-chunks-fast line 32: one process's call line, another's 7-byte chunk
    # `panic: ` (its line goes on 29 lines later), then the call line's rest `(...)`.
    got = rejoined("gotest-chunks-fast")
    assert got["example.com/fleet/ledger.(*Account).Withdraw(...)"] == [(32, 0, 44), (32, 51, 56)]
    assert got["panic: ledger: negative balance -42 for account 9 [recovered]"] == [
        (32, 44, 51), (61, 0, 54)]


def test_an_empty_input_line_may_be_only_an_open_lines_line_break():
    # gotest-chunks-fast line 10: a panic line cut where another process's panic
    # starts; its newline came alone, as the next chunk of its pipe: an empty
    # input line (29 in truth; 33 is another empty line, as good to the reader).
    lines, _, _ = truth_cuts("gotest-chunks-fast")
    got = rejoined("gotest-chunks-fast")
    head, newline = got["panic: ledger: negative balance -9 for account 8"]
    assert head == (10, 0, 48)
    assert newline[1:] == (0, 0) and lines[newline[0] - 1] == ""


def test_a_wait_reason_never_holds_another_processs_call_line():
    # mixed-chunks-slow line 22 `goroutine 18 [sync.Mutex.Lock` + another's panic;
    # line 79 `main.(*pool).worker(0x0` + `]:`: the header is not finished by the
    # call line (`[sync.Mutex.Lockmain.(*pool).worker(0x0]:`) but by the `]:`.
    got = rejoined("mixed-chunks-slow")
    assert got["goroutine 18 [sync.Mutex.Lock]:"] == [(22, 0, 29), (79, 23, 25)]
    assert got["main.(*pool).worker(0x0?, 0x0?)"] == [(79, 0, 23), (127, 2, 10)]


def test_a_panic_message_ends_where_the_runtime_ends_it():
    # gotest-chunks-slow line 21 `…account 9 [reco` is finished by `vered]` at the
    # end of line 50 (`goroutine 19 [chan s` + `vered]`): any cut of line 50 reads
    # as a panic message; the one that makes ` [recovered]` is the runtime's.
    got = rejoined("gotest-chunks-slow")
    assert got["panic: ledger: negative balance -42 for account 9 [recovered]"] == [
        (21, 0, 55), (50, 20, 26)]
