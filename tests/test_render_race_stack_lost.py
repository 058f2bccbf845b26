"""A race access whose stack the detector lost says so, in every report.

ThreadSanitizer prints `  [failed to restore the stack]` under an access when it
no longer has that goroutine's stack (its history buffer was overwritten): the
access was read, its stack was not printed. "no frames read" would say the
paste or the parser lost it.
"""

from __future__ import annotations

from pathlib import Path

import orjson

import stackdemux
from stackdemux.render import RenderOptions, render

POPSTELLAR = (Path(__file__).resolve().parents[1] / "samples" / "wild"
              / "popstellar1121_race_nix_store_dwrap.txt")


def test_the_lost_stack_is_marked_on_its_access():
    analysis = stackdemux.analyze(POPSTELLAR)
    write, read = analysis.reports[0].race.accesses
    assert (write.stack_lost, read.stack_lost) == (False, True)
    doc = orjson.loads(render(analysis, "json", RenderOptions()))
    accesses = doc["reports"][0]["race"]["accesses"]
    assert [a["stack_lost"] for a in accesses] == [False, True]


def test_the_reports_say_what_the_detector_printed():
    analysis = stackdemux.analyze(POPSTELLAR)
    [hint] = analysis.groups[0].hints
    assert hint.details[1] == (
        "Previous read by goroutine 41: the race detector printed `[failed to restore the "
        "stack]`: it no longer had the stack of this access")
    text = render(analysis, "text", RenderOptions(width=200))
    assert "no frames read" not in text
    assert ("Previous read at 0x00c0001d3fa0 by goroutine 41:\n"
            "      [failed to restore the stack]: the race detector no longer had this stack"
            ) in text
    for fmt in ("markdown", "html", "github", "junit", "sarif"):
        out = render(analysis, fmt, RenderOptions())
        assert "no frames read" not in out and "failed to restore the stack" in out, fmt
