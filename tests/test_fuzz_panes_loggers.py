"""Fuzzing what the tool learnt to read last (fuzz22): a terminal program's
bordered pane (demux/paste_panel.py, SREGym#506's k9s copy), the loggers that
panic for their caller (loggers.py: zerolog, zap's console and JSON, logrus,
klog's Observed a panic, Echo's recovery record) and go test's watchdog
(`*** Test killed with quit: ran too long`, parse's test_killed).

The pool is the real pastes that hold them (samples/wild) and the watchdog's
real captures (samples/go*/test_killed_quit.txt). Each is mangled by
test_fuzz's mutations, or drawn again in a k9s pane of another width as
SREGym#506's is drawn (rows cut at the pane's width and padded, tabs as four
spaces, the copy's last rows cut before their right border), attacker text
inside the rows or not.

Whatever the input: no exception of ours, every input line in one stream or
the noise, every output inert in the system it is for; and the pane's repair
reads a pane of twice the rows with twice the work (a work counter: Python
lines run, no clock).
"""

from __future__ import annotations

import gzip
import random
import sys
from pathlib import Path

from stackdemux.api import analyze
from stackdemux.demux import paste_panel
from stackdemux.ingest import ingest
from stackdemux.render.view import ci_views, group_views

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_fuzz import (
    FOUND,
    HOSTILE,
    MUTATIONS,
    keeps_the_promises,
    lines_run,
    mangle,
    outputs_are_valid_for_their_systems,
    seeded,
)

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT / "samples" / "wild"
# the real pastes of the shapes read last (their names say what each holds)
WORDS = ("k9s", "zerolog", "zap", "logrus", "klog", "echo", "observed_panic")
POOL = sorted({f.read_bytes() for f in WILD.glob("*.txt")
               if any(w in f.name for w in WORDS) and f.stat().st_size < 40_000}
              | {f.read_bytes() for f in ROOT.glob("samples/go*/test_killed_quit.txt")})
PANE = (WILD / "sregym506_k9s_log_panel_borders_zerolog_panic_cut_rows.txt").read_bytes()
LEFT, RIGHT = "│ ", " │"


def paned(r: random.Random, d: bytes, width: int | None = None, hostile: bool = True,
          cut: bool = True) -> bytes:
    """The paste's lines as a k9s pane shows them: `│ `, the line cut at the
    pane's width and padded to it, ` │`; tabs as four spaces; the last rows cut
    by the copy (SREGym#506 lost its last row's border so); attacker text in
    some rows, inside the borders."""
    width = width or r.choice([24, 40, 79, 81, 120, 200])
    text = d.decode("utf-8", "replace").replace("\t", "    ")
    rows = []
    for line in text.split("\n"):
        if hostile and r.random() < 0.05:
            k = r.randrange(len(line) + 1)
            line = line[:k] + r.choice(HOSTILE).decode("utf-8", "replace") + line[k:]
        rows.append(LEFT + line[:width].ljust(width) + RIGHT)
    for k in range(1, min(len(rows), r.randint(0, 2) if cut else 0) + 1):
        rows[-k] = rows[-k][:r.randrange(len(rows[-k]) + 1)]
    return "\n".join(rows).encode()


def mangled(r: random.Random, d: bytes) -> bytes:
    """test_fuzz's mutations, or the paste drawn in a pane (and mangled after)."""
    if r.random() < 0.5:
        return mangle(r, d, POOL, MUTATIONS)[0]
    d = paned(r, d)
    return mangle(r, d, POOL, MUTATIONS)[0] if r.random() < 0.3 else d


def keeps_every_promise(data: bytes) -> None:
    analysis = keeps_the_promises(data)
    if analysis is not None:
        outputs_are_valid_for_their_systems(analysis)


def pane_work(rows: list[str]) -> int:
    """Python lines the pane's repair runs on rows (no clock: a work counter)."""
    items = [(t, (n,)) for n, t in enumerate(rows, 1)]
    names = {"panel_borders", "_closed", "_in_panel", "_unframed"}
    return lines_run(names, lambda: paste_panel.panel_borders(items, None))


# ------------------------------------------------------------ found defects ---


def test_a_group_whose_reports_have_two_ids_is_checked_as_the_ci_formats_file_it():
    # (found by this campaign, seed 89186031: SREGym#506's pane in docker
    # json-file records, its rows hard-wrapped; the last crash's frame lost its
    # file line, so its id is its own): one group, two ids, and the CI formats
    # file an entry per id (render/view.ci_views); the checks counted groups
    data = gzip.decompress((FOUND / "bb969f4a67.bin.gz").read_bytes())
    analysis = analyze(ingest(data))
    assert len(group_views(analysis)) == 1
    assert len({r.fingerprint for r in analysis.reports}) == len(ci_views(analysis)) == 2
    keeps_every_promise(data)


# ------------------------------------------------------------------ promises ---


def test_a_paste_drawn_again_in_a_pane_of_any_width_reads_as_the_pane_shows_it():
    # (the pane cuts what is wider than it: the rows are the lines' starts; a
    # pane of fewer rows than _MIN_ROWS is no pane, a paste of one line either)
    r = random.Random(0)
    for d in POOL:
        if d.count(b"\n") < paste_panel._MIN_ROWS:
            continue
        for width in (40, 120):
            rows = paned(r, d, width, hostile=False, cut=False).decode().split("\n")
            got = [t for t, _ in paste_panel.panel_borders([(t, (n,)) for n, t in
                                                            enumerate(rows)], None)[0]]
            want = [t[:width].rstrip(" ") for t in d.decode().replace("\t", "    ").split("\n")]
            assert got == want, (width, d[:60])


@seeded(POOL, 12)
def test_mangled_panes_and_loggers_pastes_keep_every_promise(index: int, seed: int):
    keeps_every_promise(mangled(random.Random(seed), POOL[index]))


def test_a_pane_of_twice_the_rows_costs_twice_the_work():
    rows = PANE.decode().split("\n")
    # ... a pane of a thousand rows, each its own run of rows (a row out of the
    # pane between them), or one run
    one, two = pane_work(rows * 16), pane_work(rows * 32)
    assert two <= 2 * one + 100, (one, two)
    apart = [*rows, "between panes"]
    one, two = pane_work(apart * 16), pane_work(apart * 32)
    assert two <= 2 * one + 100, (one, two)
