"""docs/reading-a-report.md shows the report of README's main job as the
command prints it today, and explains every word of it and of every other
report's field column, and every placeholder a title can hold."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from stackdemux.analyse.normalise import _PLACEHOLDER
from stackdemux.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "reading-a-report.md").read_text(encoding="utf-8")
SAMPLE = "samples/interleaved/compose-bbolt.log"


def _explained() -> list[str]:
    """The first column of the doc's table: what the report says."""
    return re.findall(r"^\| (.+?) \| .+ \|$", DOC, re.MULTILINE)


def test_the_report_shown_is_the_one_the_command_prints() -> None:
    assert f"`stackdemux {SAMPLE}`" in DOC
    shown = re.findall(r"^```\n(.*?)^```", DOC, re.MULTILINE | re.DOTALL)[0]
    result = CliRunner().invoke(main, [str(ROOT / SAMPLE)])  # (not a terminal: 80 wide)
    assert result.exit_code == 0
    assert result.stdout == shown


def test_every_label_a_report_can_say_is_explained() -> None:
    # the labels every text report's field column can hold (as test_cli_help reads them
    # off real captures)
    from test_cli_help import LABELLED, _labels

    from stackdemux.api import analyze_many
    from stackdemux.render import RenderOptions, render

    labels: set[str] = set()
    for name in LABELLED:
        labels |= _labels(render(analyze_many([str(ROOT / "samples" / name)]), "text",
                                 RenderOptions()))
    explained = " ".join(_explained())
    for label in labels:
        assert f"`{label}`" in explained, label
    assert "▸" in DOC and "(new goroutine)" in DOC and "`×2`" in explained


def test_every_placeholder_of_a_title_is_explained() -> None:
    for placeholder in _PLACEHOLDER.values():
        assert f"`{placeholder}`" in DOC, placeholder
