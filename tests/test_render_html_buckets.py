"""The HTML report names each bucket of other goroutines as the text report does:
`1× [semacquire] goroutine 1`, `2× [runnable] goroutines 5, 6` (it said
`goroutines 1` of one)."""

from __future__ import annotations

import re
from pathlib import Path

from stackdemux import analyze
from stackdemux.render import RenderOptions, render

LOG = Path(__file__).resolve().parent.parent / "samples" / "interleaved" / "concurrently-crash.log"


def test_a_bucket_of_one_goroutine_is_named_in_the_singular():
    analysis = analyze(LOG)
    page = render(analysis, "html", RenderOptions())
    summaries = re.findall(r"<summary>(\d+× \[[^<]*\] goroutines? [^<]*)</summary>", page)
    assert "1× [semacquire] goroutine 1" in summaries
    assert "2× [runnable] goroutines 5, 6" in summaries
    text = render(analysis, "text", RenderOptions(verbose=True))
    for summary in summaries[:3]:
        assert summary in text
