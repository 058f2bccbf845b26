"""A crash two rules explain shows the hint that names the program first.

skopeo's bbolt panic (a corrupted containers/image blob-info cache, issue 4's
crash) matches both `containers-blob-info-cache` (which file to move aside, and
where it is as root and rootless) and `bbolt-corrupt` (some bolt file is damaged,
find it). The first was shown second, below the general hint and past the first
screen of the terminal report; the answer a skopeo user needs now comes first,
in the JSON's `hints` and in every report.
"""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLES

import stackdemux
from stackdemux.render import RenderOptions, render

SKOPEO = sorted(SAMPLES.glob("go1.*/skopeo_*.txt"))
CACHE_HINT = "Corrupted containers/image blob"  # (Markdown writes `blob\\-info`)
BOLT_HINT = "Corrupted bolt database file"


def test_there_are_skopeo_captures_of_several_builds():
    assert len(SKOPEO) >= 20


@pytest.mark.parametrize("path", SKOPEO, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_blob_info_cache_hint_comes_before_the_bbolt_one(path):
    analysis = stackdemux.analyze(path)
    (group,) = [g for g in analysis.groups if g.hints]
    assert [h.rule for h in group.hints] == ["containers-blob-info-cache", "bbolt-corrupt"]


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "github", "junit", "sarif",
                                 "codequality"])
def test_every_format_says_the_cache_before_the_bolt_file(fmt):
    analysis = stackdemux.analyze(SAMPLES / "go1.27" / "skopeo_vendor.txt")
    out = render(analysis, fmt, RenderOptions())
    if fmt in ("sarif", "codequality"):
        out = json.dumps(json.loads(out), ensure_ascii=False)
    assert CACHE_HINT in out and BOLT_HINT in out
    assert out.index(CACHE_HINT) < out.index(BOLT_HINT)


def test_the_cache_to_move_is_on_the_terminals_first_screen():
    analysis = stackdemux.analyze(SAMPLES / "go1.27" / "skopeo_vendor.txt")
    first_screen = render(analysis, "text", RenderOptions()).splitlines()[:30]
    assert any("blob-info-cache-v1.boltdb" in line for line in first_screen)
