"""A line read while nothing is open is read whole without being expanded
where expanding it could only read it whole (splice_idle.py): the same
decisions as expanding every such line, for a fraction of the work.

Real inputs: the corpus's chunked and noisy merges (tests/corpus/cases),
the real tools' logs and decoys of tests/corpus/noise with the slog sample,
and the real tracebacks of samples/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_demux_splice import case
from test_demux_splice_ahead import ordinary

from stackdemux.demux import splice_search
from stackdemux.demux.splice_score import LENIENT, Vocabulary, best_quality, read_all
from stackdemux.grammar import line_grammar
from stackdemux.model import Stream

ROOT = Path(__file__).resolve().parent.parent


def sample_lines() -> list[str]:
    return [t for d in sorted((ROOT / "samples").glob("go1.*")) for f in sorted(d.glob("*.txt"))
            for t in f.read_text(errors="replace").splitlines()]


def test_no_reading_scores_above_best_quality():
    """Every name of every line printed twice over: each line's reading
    scores all it can, and no kind's reaches past best_quality(); a file line
    whose file and position are printed elsewhere reaches it."""
    lines = sample_lines()
    m = line_grammar().match
    readings = [r for t in lines if t and (r := m(t)) is not None and r.lastgroup != "blank"]
    vocab = Vocabulary()
    for r in readings * 2:
        if r.lastgroup not in LENIENT:
            vocab.learn(r)
    got = {}
    for r in readings:
        q = vocab.quality_mine(r, ())[0]
        got[r.lastgroup] = max(got.get(r.lastgroup, q), q)
    assert len(got) >= 12
    assert max(got.values()) == best_quality() == got["frame_file"] == 3.5


def searched(lines: list[str], monkeypatch, expand_all: bool):
    """The search's best hypothesis over lines, and the lines it expanded;
    expand_all: every line the idle test would read whole is expanded, as
    before it."""
    seen: list[int] = []
    expand = splice_search.Search._expand

    def counted(self, beam, i, t, kind, whole, cut=None):
        seen.append(i)
        return expand(self, beam, i, t, kind, whole, cut)

    with monkeypatch.context() as mp:
        mp.setattr(splice_search.Search, "_expand", counted)
        if expand_all:
            mp.setattr(splice_search.Search, "_idle_line", lambda *a: (False, None))
        s = Stream("s1", numbers=range(1, len(lines) + 1), texts=lines)
        best = splice_search.Search(s, read_all(s.texts, s.pieces)).run()
    return best, seen


@pytest.mark.parametrize("name", ["mixed-chunks-fast", "crash-chunks-slow", "gotest-noise",
                                  "bolt-noise", "crash-lines-random"])
def test_the_search_decides_as_if_every_line_were_expanded(name, monkeypatch):
    lines = case(name)[0]
    # (the corpus's lines, then ordinary log lines with leads inside them after them)
    lines = lines + ordinary()[:600] + lines[: len(lines) // 2]
    best, seen = searched(lines, monkeypatch, expand_all=False)
    truth, every = searched(lines, monkeypatch, expand_all=True)
    assert (best.log, best.cuts, best.joins, best.score) == (
        truth.log, truth.cuts, truth.joins, truth.score)
    assert set(seen) <= set(every)


def test_ordinary_lines_with_leads_inside_are_not_expanded(monkeypatch):
    """Decoys, pytest's rules and its aligned columns, slog's recovered panics:
    a line logged again, or one no line starts as before its lead, is read
    whole at once."""
    lines = ordinary() * 2
    best, seen = searched(lines, monkeypatch, expand_all=False)
    truth, every = searched(lines, monkeypatch, expand_all=True)
    assert best.joins == truth.joins == 0 and best.log == truth.log
    assert len(every) >= 100
    assert not seen


def test_the_vocabulary_learns_when_a_name_is_first_weighed():
    """A vocabulary over a stream's readings learns them when a reading that
    names something (a function, a file, a wait reason...) is first weighed:
    every reading scores as with all learned up front, and one that names
    nothing (a panic's message, a rule) scores without learning anything."""
    lines = case("mixed-chunks-fast")[0] + sample_lines()[:3000]
    readings = read_all(lines, set())
    eager = Vocabulary()
    for r in readings:
        if r is not None and r.lastgroup not in LENIENT:
            eager.learn(r)
    lazy = Vocabulary(readings)
    unnamed = [r for r in readings if r is not None and r.lastgroup in ("panic", "race_rule",
                                                                        "fatal_error", "signal")]
    assert len(unnamed) >= 10
    for r in unnamed:
        assert lazy.quality_mine(r, ()) == eager.quality_mine(r, ())
    assert not lazy.funcs and lazy._source is not None
    seen = [r for r in readings if r is not None]
    for r in seen:
        assert lazy.quality(r, (r,)) == eager.quality(r, (r,))
        assert lazy.known(r) == eager.known(r) and lazy.cut_before_parent(r) == \
            eager.cut_before_parent(r)
    assert lazy.funcs == eager.funcs and lazy.files == eager.files
