"""Every report names the lines a diagnostic is about, and from several inputs
whose lines they are: line numbers alone do not say which input."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPUS_CASES

from stackdemux.api import analyze_many
from stackdemux.render import RenderOptions, render

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "interleaved" / "concurrently-crash.log"
# concurrently cut one line of it: its rest is line 125, its head line 17
CUT_ONCE = CORPUS_CASES / "mixed-prefix-concurrently-index" / "input.log"


def _cut_once_said(fmt: str, paths: list[Path]) -> list[str]:
    analysis = analyze_many([str(p) for p in paths])
    # wide enough that no checkout's path wraps the line (CI clones anywhere)
    out = render(analysis, fmt, RenderOptions(color=False, width=100_000))
    return [ln for ln in out.splitlines() if "cut between two reads ×1 " in ln]


@pytest.mark.parametrize(("fmt", "said"), [
    ("text", f"(lines 17, 125 in {CUT_ONCE})"),
    ("markdown", "(lines 17, 125 in "),
    ("html", f"(lines 17, 125 in {CUT_ONCE})</li>"),
])
def test_a_diagnostic_names_its_lines_and_input(fmt: str, said: str) -> None:
    lines = _cut_once_said(fmt, [SAMPLE, CUT_ONCE])
    assert len(lines) == 1 and said in lines[0]
    alone = _cut_once_said(fmt, [CUT_ONCE])  # one input: its lines are the only ones
    assert len(alone) == 1 and "(lines 17, 125)" in alone[0]


def test_a_diagnostic_of_many_lines_says_how_many_more() -> None:
    # the sample's three cut commands: each diagnostic names three runs of lines
    # and counts the others, instead of stopping at three as if they were all
    out = render(analyze_many([str(SAMPLE)]), "text", RenderOptions(color=False, width=200))
    said = [ln for ln in out.splitlines() if "cut between two reads" in ln]
    assert said == ["info: joined lines the collector cut between two reads ×29 "
                    "(lines 31, 41, 46, +47)",
                    "info: joined lines the collector cut between two reads ×80 "
                    "(lines 6, 11, 13, +109)",
                    "info: joined lines the collector cut between two reads ×83 "
                    "(lines 10, 14, 16, +116)"]
