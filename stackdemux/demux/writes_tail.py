"""The whole lines after a write-mixed region's last broken one.

Where most lines of a region are writes of several processes glued, a line of
the grammar there may be such a mixture too, and the line-level separator
reads nothing credible in it (its splicer costing seconds per KB: twelve
processes shuffled, 17 s -> 0.1 s without). After the last broken line,
processes that finished have left the last one printing alone (a big dump's
tail, a signal dump per thread): only there do whole lines stand for
themselves, and only that tail goes to the line level (`whole_tail`), or the
whole region when the tail goes on with a dump whose head is among the
broken lines (`headless_dump`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from .. import rx
from ..grammar import MAX_LINE, line_grammar, unnamed_groups
from ..model import Stream
from .writes_gate import is_broken
from .writes_reading import OPENERS

__all__ = ["headless_dump", "whole_tail"]

# Kinds that open a report of its own (a goroutine header does not).
_REPORT_OPENERS = OPENERS - {"goroutine_header"}


def headless_dump(tail: Stream) -> bool:
    """True when the tail goes on with goroutines before any report opener,
    MIN_TAIL_DUMP of them at least: the rest of a big dump whose head is among
    the broken lines before it."""
    match = line_grammar().match
    for t in tail.texts:
        m = match(t) if len(t) <= MAX_LINE else None
        kind = m.lastgroup if m is not None else None
        if kind in _REPORT_OPENERS:
            return False
        if kind in ("goroutine_header", "frame_call", "frame_file", "created_by"):
            break
    else:
        return False
    return len(_goroutine_header().findall(tail.joined())) >= MIN_TAIL_DUMP


@cache
def _goroutine_header() -> re.Pattern[str]:
    return re.compile("^" + unnamed_groups(line_grammar().kind_regex("goroutine_header").pattern),
                      re.M)


# Whole lines after a region's last broken line: processes that finished left
# the last one printing alone (a big dump's tail, a signal dump per thread).
MIN_WHOLE_TAIL = 8
MIN_TAIL_DUMP = 64


def whole_tail(stream: Stream) -> Stream | None:
    """The region's lines after its last broken one, for the line-level
    separator: only there do whole lines stand for themselves. Before it, where
    most lines are broken, a line of the grammar may be writes of several
    processes glued, and reading them line by line costs the splicer seconds
    per KB for nothing (no report read there is credible). The whole region
    when its broken lines are few; None when the tail is too short to hold a
    block."""
    texts = stream.texts
    start = len(texts)
    while start > 0 and not is_broken(texts[start - 1]):
        start -= 1
    if start == 0 or not _mostly_broken(texts[:start]):
        # whole tracebacks among lines that quote code (grep, test logs): the
        # line level reads them whole
        return stream
    if len(texts) - start < MIN_WHOLE_TAIL:
        return None
    tail = Stream(id="", label=stream.label, numbers=list(stream.numbers[start:]),
                  texts=list(texts[start:]),
                  pieces={i - start: p for i, p in stream.pieces.items() if i >= start})
    if stream.prefix_lengths:
        tail.prefix_lengths = list(stream.prefix_lengths[start:])
    return tail


def _mostly_broken(texts: Sequence[str]) -> bool:
    """True when most lines that look like traceback lines are broken pieces
    of frames (a hex number or a tab in a line of no grammar kind): writes
    mixed (measured: 58-96 % in the corpus's write merges; 0-10 % in its
    crashes amid build output, whose lines name source files but print no
    argument, offset or file line: `[build] compiling step 3 (foo.go)`)."""
    match = line_grammar().match
    broken = whole = 0
    for t in texts:
        if len(t) > MAX_LINE or not t:
            continue
        m = match(t)
        if (m is None or m.lastgroup == "indented") and _FRAME_PIECE.search(t) is not None:
            broken += 1
        elif m is not None and m.lastgroup not in ("blank", "indented"):
            whole += 1
    return broken > whole


# What a piece of a frame line holds: an argument, an offset, an address, or
# the tab that leads a file line.
_FRAME_PIECE = rx.compile(r"0x[0-9a-f]|\t")
