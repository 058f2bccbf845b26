"""The regions of a long log where a collector's output stands, for detection.

A collector's output may be a small part of a long log (a CI job's build
output, then `docker compose up` with the crash, then more build output): no
share of a sample of the whole log shows its prefix. Its tracebacks do: a
goroutine header behind a prefix. The lines around such headers are a sample
of their own, where the style prefixing the header must hold as in a log of
its own (prefixes_detect.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import compress, count, repeat
from operator import contains
from typing import Any

__all__ = ["Region", "header_at", "header_regions"]

# Lines searched for goroutine headers behind a prefix: all of a log this long,
# evenly spaced blocks of SCAN_BLOCK lines of a longer one (a bulk search at C
# speed: ~20 ms for 128Ki lines). A sieved big log arrives here window by window anyway.
SCAN_LINES = 1 << 17
SCAN_BLOCK = 1 << 12
# Lines read around each header found (a dump runs on after its first header),
# and regions read at most.
REGION_BEFORE, REGION_AFTER = 8, 120
MAX_REGIONS = 16
# The line grammar's header regex costs per char of a long near-header, so text
# from the lead longer than this is no header here, and after this many misses
# that looked like one (`goroutine 1 [running]: (see runbook)`, or input made to
# be slow) the search stops.
HEADER_MAX = 512
MAX_MISSES = 256


@dataclass(slots=True)
class Region:
    texts: list[str]  # its non-empty lines, without the first `depth` layers
    seed: str | None  # the goroutine header line found behind a prefix, without
    # the layers chosen so far (None: no chosen style prefixes it)
    depth: int = 0


def header_regions(lines: Sequence[str]) -> list[Region]:
    seeds = _seed_lines(lines)
    if len(seeds) > MAX_REGIONS:  # evenly spread over the log
        seeds = [seeds[i * len(seeds) // MAX_REGIONS] for i in range(MAX_REGIONS)]
    n = len(lines)
    out = []
    for s in seeds:
        a = max(0, s - REGION_BEFORE)
        window = lines[a:min(n, s + REGION_AFTER)]
        if s - a < len(window):
            out.append(Region([t for t in window if t.strip()], window[s - a]))
    return out


def _scan_blocks(n: int) -> list[tuple[int, int]]:
    if n <= SCAN_LINES:
        return [(0, n)]
    k = SCAN_LINES // SCAN_BLOCK
    return [(a, a + SCAN_BLOCK) for a in (i * (n - SCAN_BLOCK) // (k - 1) for i in range(k))]


@cache
def _header_search() -> tuple[str, Any]:
    """The literal a goroutine header starts with (str.find runs far faster than a
    regex search), and the whole header: from the line grammar."""
    from ..grammar import line_grammar

    g = line_grammar()
    lead = g.leads["goroutine_header"] or ""
    literal = re.sub(r"\\(.)", r"\1", lead)
    if not literal or re.search(r"[][.^$*+?{}|()]", re.sub(r"\\.", "", lead)):
        raise ValueError(f"goroutine_header no longer starts with a literal: {lead!r}")
    return literal, g.kind_regex("goroutine_header").fullmatch


def header_at(text: str, i: int) -> bool:
    """Whether `text` from column `i` is a goroutine header, whole."""
    return len(text) - i <= HEADER_MAX and _header_search()[1](text, i) is not None


def _seed_lines(lines: Sequence[str]) -> list[int]:
    """Indices of the scanned lines where a goroutine header follows a prefix (not
    mere indentation), at most one per REGION_AFTER lines."""
    lead, header = _header_search()
    seeds: list[int] = []
    misses = 0
    for a, b in _scan_blocks(len(lines)):
        block = lines[a:b]
        # the lines holding the lead, found at C speed: in a prefixed log every
        # goroutine's header and `created by` line, in build output almost none
        for j in compress(count(a), map(contains, block, repeat(lead))):
            if seeds and j < seeds[-1] + REGION_AFTER:
                continue
            text = block[j - a]
            first = len(text) - len(text.lstrip())  # a header past it follows a prefix
            i = text.find(lead, first + 1)
            if i < 0 or len(text) - i > HEADER_MAX:
                continue
            if header(text, i) is not None:
                seeds.append(j)
            elif "[" in text[i:i + 32]:  # `created by … in goroutine 7` fails at once
                misses += 1
                if misses > MAX_MISSES:
                    return seeds
    return seeds
