"""docs/triage-bot.md shows two runs of the example bot on shipped samples, each
command after `$ ` and what it prints below it: run as written, from samples/
(the page's paths are `../examples/…` and `go1.21/…`), they print exactly that.
The fingerprints the page shows are the ones the bot files under: a rule change
that moves them (a FINGERPRINT_SCHEME bump) fails here until the page says the
new ones."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "triage-bot.md"


def _transcript() -> list[tuple[list[str], list[str]]]:
    """(command words, the lines the page shows it print) of each `$ ` line of the
    page's code blocks."""
    runs: list[tuple[list[str], list[str]]] = []
    for block in re.findall(r"^```\w*\n(.*?)^```", PAGE.read_text(), re.M | re.S):
        said: list[str] | None = None  # (a block's lines before its first `$ `: none)
        for line in block.splitlines():
            if line.startswith("$ "):
                said = []
                runs.append((shlex.split(line[2:]), said))
            elif said is not None:
                said.append(line)
    return runs


def test_the_page_shows_two_runs_of_the_bot():
    runs = _transcript()
    assert [words[:2] for words, _ in runs] == [["python", "../examples/triage_bot.py"]] * 2
    assert all(printed for _, printed in runs)


def test_each_run_prints_what_the_page_shows(tmp_path):
    db = tmp_path / "crashes.json"
    cwd = ROOT / "samples"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for words, printed in _transcript():
        words = [str(db) if w == "crashes.json" else w for w in words]  # (not in samples/)
        files = [str(p.relative_to(cwd)) for w in words[2:] if "*" in w
                 for p in sorted(cwd.glob(w))]  # (the shell's glob, sorted as bash sorts)
        args = [a for w in words[2:] for a in ([*files] if "*" in w else [w])]
        done = subprocess.run([sys.executable, words[1], *args], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 1, done.stderr  # --new-only: a new crash each run
        assert done.stdout.splitlines() == printed, " ".join(words)
