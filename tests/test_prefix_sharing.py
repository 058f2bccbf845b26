"""Stripping prefixes holds each distinct text once, and its regexes match as the grammar's.

A crash-looping container prints the same stack crash after crash: the stripped
texts are held until the parse, so equal texts share one str object. The
prefix styles' regexes are derived with cheaper forms of repeats and optional
parts (prefixes_styles.py); these specs hold them to the plain forms.
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from pathlib import Path

from stackdemux.demux.prefixes import detect, split_prefixed
from stackdemux.demux.prefixes_styles import _guarded
from stackdemux.ingest import ingest

CASES = Path(__file__).parent / "corpus" / "cases"


def compose_lines() -> list[str]:
    """Twelve processes of three programs behind compose prefixes (real output)."""
    return ingest((CASES / "twelve-prefix-compose" / "input.log").read_bytes()).lines


def test_equal_stripped_texts_are_one_string():
    lines = compose_lines()
    split = split_prefixed(lines, detect(lines))
    counts = Counter(split.texts)
    assert sum(n for t, n in counts.items() if t and n > 1) > 100  # runtime frames, alike
    first: dict[str, str] = {}
    assert all(first.setdefault(t, t) is t for t in split.texts)


# A colour code, as prefixes.lark's ANSI terminal reads it.
ANSI = r"(?:(?:\x1b\[[0-9;]{0,16}m))*"


def test_a_guarded_repeat_matches_where_and_as_the_plain_repeat_does():
    guarded = _guarded(ANSI)
    assert guarded != ANSI  # a colour code starts with ESC: guarded by one class test
    lines = [*compose_lines()[:400], "\x1b[36msvc-1  |\x1b[0m panic: boom", "\x1b[1;31m\x1b[0m x"]
    for tail in ("", r"[a-z]", r"\x1b"):
        plain_rx, guarded_rx = re.compile(ANSI + tail), re.compile(guarded + tail)
        for line in lines:
            for start in range(0, min(len(line), 12)):
                a, b = plain_rx.match(line, start), guarded_rx.match(line, start)
                assert (a and a.span()) == (b and b.span()), (line, start, tail)


def test_a_repeat_that_may_match_nothing_is_left_as_it_is():
    # (?:a?)* can match empty however it starts: no first character guards it
    assert _guarded("(?:(?:a)?)*") == "(?:(?:a)?)*"
    assert _guarded("(?:.)*") == "(?:.)*"  # any first character: nothing to test


def test_demultiplexing_leaves_the_callers_gc_on_with_nothing_young_to_traverse():
    # what the demultiplexer made lives on: the caller's next allocations must not
    # set off a traversal of every text and reading as young objects
    from stackdemux.demux import demultiplex_detail

    source = ingest((CASES / "twelve-prefix-compose" / "input.log").read_bytes())
    collections: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.enable()
    gc.collect()
    gc.callbacks.append(seen)
    try:
        streams = demultiplex_detail(source).streams
        caller_objects = [[] for _ in range(100)]
    finally:
        gc.callbacks.remove(seen)
    assert gc.isenabled()
    assert len(streams) == 12 and len(caller_objects) == 100
    assert collections == []
