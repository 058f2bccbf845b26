"""Code quality's one-line description joins a group's hints with `; `: a remedy is
prose that ends in its full stop, which the join must not keep before the `;`
(skopeo's two hints read `… confirms the damage.; Corrupted containers/image …`,
when the bolt file's hint came first)."""

from __future__ import annotations

import json
from pathlib import Path

import stackdemux
from stackdemux.render import RenderOptions, render

SKOPEO = Path(__file__).resolve().parent.parent / "samples" / "go1.27" / "skopeo_vendor.txt"


def test_the_hints_are_joined_without_a_full_stop_before_the_semicolon():
    [issue] = json.loads(render(stackdemux.analyze(SKOPEO), "codequality", RenderOptions()))
    hints = issue["description"].split(" — ", 1)[1]
    assert "Corrupted containers/image" in hints and "; Corrupted bolt database file: " in hints
    assert ".;" not in hints and not hints.endswith(".")
