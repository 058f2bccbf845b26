"""gccgo's frames in logs of several processes interleaved line by line
(stackdemux/demux/gccgo_calls.py).

gccgo prints a frame as its function's name alone: no kind of line, so in an
interleaved log the separator used to leave every gccgo call line to the noise (9 %
of 984 frames placed in random line order, 17 % in runs; no report exact). A log that
proves it is gccgo's (libgo's files, names right before offsetless file lines) has
its bare names read as call lines, and only names that read as functions: a word a
program printed alone and a package path `go build -v` printed stay ordinary text.

The merges are built here from real captures (samples/gccgo12/, the corpus's gc
outputs), so who wrote each line is known (tests/corpus/gccgo_merges.py).
"""

from __future__ import annotations

import random
import sys

import pytest
from conftest import ROOT, SAMPLES, manifest

from stackdemux.demux.gccgo_calls import bare_calls, is_gccgo_log

sys.path.insert(0, str(ROOT / "tests" / "corpus"))
from gccgo_merges import BUILD, NOISE, PAIRS, measure, merge

GCCGO = sorted(SAMPLES / e["file"] for e in manifest() if e["file"].startswith("gccgo"))
GC = sorted(SAMPLES / e["file"] for e in manifest() if e["file"].startswith("go1."))
NOISE_LOGS = [*sorted((ROOT / "tests" / "corpus" / "noise").glob("*.log")), BUILD]


def lines(path) -> list[str]:
    return path.read_text(errors="replace").splitlines()


def test_gccgo_s_output_proves_itself_gc_s_and_build_logs_do_not():
    assert all(is_gccgo_log(lines(p)) for p in GCCGO)
    assert not any(is_gccgo_log(lines(p)) for p in GC + NOISE_LOGS)


def test_names_that_read_as_functions_are_call_lines_in_a_gccgo_log_only():
    read = bare_calls(lines(SAMPLES / "gccgo12" / "gccgo_sigquit.txt"))
    assert read is not None
    for name in ("main.pool.worker", "go_0etcd_0io_1bbolt.Cursor.search", "epoll_wait", "panic"):
        ev = read(name)
        assert (ev.kind, ev.func) == ("frame_call", name)
    # the program's own word, a package path as `go build -v` prints it
    assert [read(w) for w in ("ready", "go.etcd.io/bbolt", "example.com/fleet")] == [None] * 3
    assert bare_calls(lines(SAMPLES / "go1.27" / "traceback_all.txt")) is None


@pytest.mark.parametrize("order", ["random", "runs"])
@pytest.mark.parametrize("name", ["bolt_all+gc bolt", "system+gc crash", "bolt_all+deadlock"])
def test_processes_merged_line_by_line_come_apart_frame_by_frame(name, order):
    # gccgo with gc (other paths, pc offsets), and two gccgo dumps of one binary
    paths = dict(PAIRS)[name]
    for seed in range(2):
        placed, frames, exact, reports, _ = measure(paths, order, seed)
        assert (placed, exact) == (frames, reports), seed


@pytest.mark.parametrize("name", [name for name, _ in PAIRS])
def test_build_lines_among_a_gccgo_merge_stay_out_of_its_reports(name):
    for seed in range(4):
        assert measure(dict(PAIRS)[name], "noise", seed)[4] == 0, seed


def test_those_build_lines_hold_names_a_gccgo_log_could_hold():
    # package paths alone (`go build -v`), which read like gccgo's bare names
    built = {t for _, paths in PAIRS for seed in range(4)
             for k, t in merge([lines(p) for p in paths], "noise", random.Random(seed))
             if k == NOISE}
    assert {"go.etcd.io/bbolt", "example.com/fleet"} <= built


def test_the_sigquit_dump_s_own_word_stays_noise_in_a_merge():
    from stackdemux.api import analyze

    for seed in range(3):
        merged = merge([lines(p) for p in dict(PAIRS)["sigquit+bolt"]], "random",
                       random.Random(seed))
        a = analyze("\n".join(t for _, t in merged) + "\n")
        ready = next(n for n, (_, t) in enumerate(merged, 1) if t == "ready")
        assert any(x <= ready <= y for x, y in a.noise)
        assert "ready" not in [f.func for r in a.reports for g in r.goroutines for f in g.frames]


@pytest.mark.parametrize("lines_at_a_time", [1, 2, 3, 4096])
def test_gccgo_s_signs_are_found_across_the_pieces_the_lines_are_searched_in(
        monkeypatch, lines_at_a_time):
    """The log is searched SEARCHED_LINES lines at a time (not copied whole): a
    name and its file line on either side of a piece's end are one sign, and no
    sign is counted twice."""
    from stackdemux.demux import gccgo_calls

    texts = lines(SAMPLES / "gccgo12" / "gccgo_sigquit.txt")
    whole = [m.group(1) for m in gccgo_calls._SIGNS.finditer("\n" + "\n".join(texts))]
    monkeypatch.setattr(gccgo_calls, "SEARCHED_LINES", lines_at_a_time)
    assert list(gccgo_calls._signs(texts)) == whole
    assert any("\n" in sign for sign in whole)  # (name-and-file pairs among them)
    assert all(is_gccgo_log(lines(p)) for p in GCCGO)
    assert not any(is_gccgo_log(lines(p)) for p in GC + NOISE_LOGS)


@pytest.mark.parametrize("seed", range(4))
def test_gccgo_s_signs_are_those_a_search_finds_where_tab_led_lines_meet_names_and_words(seed):
    """_signs tries the pattern only at tab-led lines and the line before each:
    among real gccgo and gc lines shuffled (names before file lines, tab-led
    lines one after another, names and libgo's files where either may begin a
    sign), it finds what the search of the whole text finds, in every piece size."""
    from stackdemux.demux import gccgo_calls

    rng = random.Random(seed)
    sources = [lines(p) for p in GCCGO[:3] + GC[:3]]
    texts = []  # runs of 1-4 lines of each output in turn, as a collector merges them
    while any(sources):
        src = rng.choice([x for x in sources if x])
        k = rng.randint(1, 4)
        texts += src[:k]
        del src[:k]
    whole = [m.group(1) for m in gccgo_calls._SIGNS.finditer("\n" + "\n".join(texts))]
    assert len(whole) > 20 and any("\n" in sign for sign in whole)
    for lines_at_a_time in (1, 2, 5, 4096):
        gccgo_calls.SEARCHED_LINES = lines_at_a_time
        try:
            assert list(gccgo_calls._signs(texts)) == whole
        finally:
            gccgo_calls.SEARCHED_LINES = 1 << 12


def test_gccgo_s_signs_led_by_a_newline_are_those_found_at_every_line_s_start():
    """_SIGNS is led by the newline before a sign's line (a literal: the search
    skips to it), not by `^` (tried at every character): the signs it finds in
    real gccgo and gc output are those the `^`-led form finds."""
    import re

    from stackdemux.demux import gccgo_calls

    at_starts = re.compile(r"^\t[^\t\n]*/libgo/go/[^\n]*$"
                           r"|^[^\s():._]*[._][^\s():]*\n\t[^\t\n]*:[0-9]+$", re.M)
    found = 0
    for p in GCCGO + GC + NOISE_LOGS:
        texts = lines(p)
        signs = list(gccgo_calls._signs(texts))
        assert signs == [m.group() for m in at_starts.finditer("\n".join(texts))], p
        found += len(signs)
    assert found > 0
