"""Analysis imports rapidfuzz when a second title at one crash site is met: a
log of one crash (a goroutine dump of 20 000 goroutines) pays none of it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import sys
from stackdemux import analyze
analysis = analyze(sys.argv[1])
print(len(analysis.groups), "rapidfuzz" in sys.modules)
"""


def groups_and_fuzz(log: Path) -> tuple[int, bool]:
    out = subprocess.run([sys.executable, "-c", PROBE, str(log)], check=True, text=True,
                         capture_output=True, cwd=ROOT).stdout.split()
    return int(out[0]), out[1] == "True"


def test_a_log_of_one_crash_groups_without_importing_rapidfuzz():
    assert groups_and_fuzz(ROOT / "samples" / "go1.27" / "deadlock.txt") == (1, False)


def test_titles_to_compare_at_one_crash_site_import_it(tmp_path: Path):
    # two programs' crashes at one site (main.mustLoad), titles the normaliser
    # left apart (`loading <PATH>: record not found`, `…: config: bad value …`);
    # one after the other, as no separation changes (twelve-lines-random's
    # reading, which this read before, is a draw of the beam's search)
    cases = ROOT / "tests" / "corpus" / "cases"
    log = tmp_path / "two.log"
    log.write_bytes((cases / "twelve-lines-random" / "p2.out").read_bytes()
                    + (cases / "mixed-lines-random" / "p0.out").read_bytes())
    assert groups_and_fuzz(log) == (2, True)
