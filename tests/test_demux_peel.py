"""Peeling: many processes in random line order read one stream at a time
(stackdemux/demux/peel.py), on the corpus's merge of twelve real Go
processes (tests/corpus/cases/twelve-lines-random) and its outputs merged
again (tests/corpus/beam_truth.py's draws)."""

from __future__ import annotations

from collections import Counter

import pytest

from stackdemux.demux import beam as beam_module
from stackdemux.demux.beam import Beam, separate
from stackdemux.demux.budget import PEEL, Budget, one_budget
from stackdemux.demux.evidence import Evidence, evidence
from stackdemux.demux.peel import Held, Lines, Peel, feed, learn, steps
from stackdemux.grammar import MAX_LINE, line_grammar
from tests.corpus.beam_truth import lines_and_owners

TWELVE = "twelve-lines-random"


def traceback_lines(texts: list[str]) -> Lines:
    match = line_grammar().match
    out: list[tuple[int, Evidence, int]] = []
    for i, text in enumerate(texts):
        m = match(text) if text and len(text) <= MAX_LINE else None
        if m is not None and m.lastgroup not in (None, "blank"):
            out.append((i, evidence(m.lastgroup, m), hash(text)))
    return out


def misplaced(texts: list[str], owners: list[int | None]) -> int:
    """Lines of a recovered stream that are not its majority process's, and orphans."""
    sep = separate(texts)
    wrong = len(sep.orphans)
    for track in sep.tracks:
        c = Counter(owners[i] for i in track if texts[i].strip())
        wrong += c.total() - c.most_common(1)[0][1]
    return wrong


def test_the_biggest_process_of_twelve_peels_out_almost_whole() -> None:
    """One stream, the rest left: the hang process's SIGQUIT dump (160 lines)
    comes out with 139 of its lines and 18 of others' (the beam's best stream
    of it holds 78 of them among 15 of others'; peeling learns the programs'
    code from that reading, and a beam's reading of twelve processes is a
    draw: 152 and 8 where it held 94 among 17)."""
    texts, owners = lines_and_owners(TWELVE)
    lines = traceback_lines(texts)
    known = feed(Beam(), lines, 64)
    one = Peel(Budget())
    learn(one.beam[0], known)
    took = [i for i, t in steps(feed(one, lines, 64)) if t >= 0]
    process, mine = Counter(owners[i] for i in took).most_common(1)[0]
    printed = sum(1 for i, _, _ in lines if owners[i] == process)
    assert mine >= 0.85 * printed and mine >= 0.85 * len(took)


def test_a_beam_held_to_peeled_streams_keeps_their_lines_there() -> None:
    texts, owners = lines_and_owners(TWELVE)
    lines = traceback_lines(texts)
    labels = {i: 0 for i, _, _ in lines if owners[i] == 9}
    labels.update((i, 1) for i, _, _ in lines if owners[i] == 8)
    h = feed(Held(labels, Budget()), lines, 64)
    by_stream: dict[int, set[int | None]] = {}
    for i, t in steps(h):
        if t >= 0:
            by_stream.setdefault(t, set()).add(labels.get(i))
    assert all(len(held) == 1 for held in by_stream.values())
    assert [held.pop() for held in by_stream.values()].count(None) >= 10


def test_every_line_of_a_peeled_log_ends_in_one_stream_or_the_noise() -> None:
    texts, _ = lines_and_owners(TWELVE, 1)
    with one_budget() as budget:
        sep = separate(texts)
    assert budget.peel > 0  # (peeled: its reading is the one kept, below)
    owned = [i for t in sep.tracks for i in t] + [*sep.noise] + sep.orphans
    assert sorted(owned) == list(range(len(texts)))


@pytest.mark.parametrize("case", ["crash-lines-random", "sigquit-lines-random"])
def test_a_log_of_few_streams_is_not_peeled(case: str) -> None:
    """The beam reads merges of a few processes well (these exactly): they
    pay nothing more."""
    texts, _ = lines_and_owners(case)
    with one_budget() as budget:
        separate(texts)
    assert budget.peel == 0


def test_peeling_costs_at_most_its_allowance_and_one_pass() -> None:
    """Twice the allowance where the wider beam's reading is peeled too (beam.Wide)."""
    texts, _ = lines_and_owners(TWELVE)
    with one_budget() as budget:
        separate(texts)
    assert 0 < budget.peel <= 2 * PEEL + 4 * budget.spent


def test_twelve_processes_peeled_are_read_better_than_by_the_beam_alone(monkeypatch) -> None:
    """Two of the twelve processes' merges drawn again: 182 and 200 lines
    misplaced by the beam, 114 and 174 where peeled readings are weighed
    too (measured; over 12 draws 2 reports exact instead of 0, 220 of 660
    goroutines instead of 157)."""
    draws = [lines_and_owners(TWELVE, seed) for seed in (1, 2)]
    peeled = sum(misplaced(texts, owners) for texts, owners in draws)
    monkeypatch.setattr(beam_module, "MANY", 1 << 30)
    alone = sum(misplaced(texts, owners) for texts, owners in draws)
    assert peeled < alone - 30
