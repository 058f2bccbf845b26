"""Where a traceback line may start inside a text (the splicer's cut candidates):
lead_search finds the places the grammar's leads match, in grammar order, on
real lines: the samples, the corpus's outputs and noise (ordinary tool output
and log lines with decoys), and a real `http: panic serving` line with a log
stamp, whose lead starts with optional parts."""

from __future__ import annotations

import re
from pathlib import Path

from stackdemux.demux.splice_starts import (
    LeadLines,
    _lead_sources,
    inner_start,
    lead_lines,
    lead_search,
    line_leads,
)

ROOT = Path(__file__).resolve().parent.parent
# samples/threads/registry.log's recovered panic (its syslog prefix off): the log
# package's stamp before it
HTTP_PANIC = ("2026/11/25 19:22:49 http: panic serving 127.0.0.1:56596: runtime error: "
              "slice bounds out of range [:7] with length 4")


def real_lines() -> list[str]:
    paths = [*sorted((ROOT / "samples").rglob("*.txt")), *sorted((ROOT / "samples").rglob("*.log")),
             *sorted((ROOT / "tests/corpus/noise").glob("*.log")),
             *sorted((ROOT / "tests/corpus/cases").rglob("*.out"))]
    return [t for p in paths for t in p.read_text(encoding="utf-8", errors="replace").splitlines()]


def test_the_same_places_as_the_leads_in_grammar_order():
    in_order = re.compile("(?=(?:" + "|".join(_lead_sources()) + "))")
    lines = real_lines()
    assert len(lines) > 50_000
    assert any(HTTP_PANIC[:40] in t for t in lines)
    for t in [*lines, HTTP_PANIC, "xx" + HTTP_PANIC, "goroutine 1 [running]:" + HTTP_PANIC]:
        for pos, end in ((0, len(t)), (1, max(1, len(t) - 3))):
            assert [m.start() for m in lead_search(t, pos, end).finditer(t, pos, end)] == \
                   [m.start() for m in in_order.finditer(t, pos, end)], (t, pos, end)


def test_a_stamped_panic_inside_a_line_is_found_where_its_stamp_starts():
    t = "level=info msg=done" + HTTP_PANIC
    assert lead_search(t, 1).search(t, 1).start() == len("level=info msg=done")
    assert inner_start(t, None)


def test_lines_with_no_text_of_a_stamped_lead_skip_those_leads():
    """An ordinary log line full of digits: no `http: panic serving ` nor any other
    text of the leads with optional parts, so the quicker pattern reads it."""
    t = "2026-11-25T19:22:48.120Z level=info msg=\"GET /v2/ 200 1.204ms\" bytes=2 id=77"
    assert lead_search(t) is not line_leads()
    assert lead_search(HTTP_PANIC) is line_leads()
    assert not inner_start(t, None)


def test_lead_lines_are_the_lines_the_leads_find_a_place_in():
    """Found by each lead's text searched through the lines joined: the same
    lines as the leads' regex over each line, on real lines, at every block
    boundary the search may ask from."""
    lines = real_lines()
    lines = [*lines, HTTP_PANIC, "xx" + HTTP_PANIC, "\t" + HTTP_PANIC, "  x", " x  ", "x\t", ""]
    want = [i for i, t in enumerate(lines) if t and lead_search(t, 1).search(t, 1) is not None]
    assert 5_000 < len(want) < len(lines) - 5_000
    assert lead_lines(lines, 0, len(lines)) == want
    for lo, hi in ((0, 1), (3, 700), (len(lines) - 9, len(lines))):
        assert lead_lines(lines, lo, hi) == [i for i in want if lo <= i < hi]
    found = LeadLines(lines)
    LeadLines.BLOCK, block = 97, LeadLines.BLOCK
    try:
        asked = 0
        while asked < len(lines):
            at = found.next(asked)
            assert at == next((i for i in want if i >= asked), len(lines))
            asked = at + 1 + at % 3 * 50  # (asked from past lines skipped, too)
    finally:
        LeadLines.BLOCK = block
