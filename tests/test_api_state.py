"""A triage bot analyses log after log in one process: what it reads of one log
must not depend on what it read before (the parser keeps readings of repeated
lines, the grammar compiles once: caches, never state)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from stackdemux.cli import main

CASES = Path(__file__).parent / "corpus" / "cases"
# a line separator's search, a write-level merge whose fragments fill the
# parser's kept readings with torn lines, and a repaired paste
INPUTS = [CASES / name / "input.log" for name in (
    "mixed-lines-random", "bolt-writes-time", "bolt-paste-html+lost-tabs")]


def _json(path: Path) -> str:
    result = CliRunner().invoke(main, [str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_same_log_reads_the_same_whatever_was_analysed_before() -> None:
    first = {p: _json(p) for p in INPUTS}
    again = {p: _json(p) for p in reversed(INPUTS)}
    assert first == again
