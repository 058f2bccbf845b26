"""first_chars: the class of characters a regex's match can begin with (a bulk
search's lookahead), computed from the regex itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stackdemux.firstchars import first_chars
from stackdemux.parse import _IDLE_LEADS, _IDLE_NEXT

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("pattern", "chars"), [
    ("goroutine |panic: ", "gp"),
    ("(?:[ ]+)?--- FAIL", " -"),
    ("(?:SIG[A-Z]+)|x*y", "Sxy"),
    ("[0-9]{4}/|\t", "\t0123456789"),
    ("(?=a)ab", "a"),
])
def test_the_class_holds_exactly_the_first_characters(pattern: str, chars: str):
    got = first_chars(pattern)
    assert got is not None
    assert {c for c in map(chr, range(128)) if re.fullmatch(got, c)} == set(chars)


@pytest.mark.parametrize("pattern", [".x", "[^a]b", r"\w+", "a*", "(?i)panic", "x|", r"\d"])
def test_any_character_or_unknown_gives_no_class(pattern: str):
    assert first_chars(pattern) is None


def test_the_parsers_bulk_search_finds_what_it_found_without_the_lookahead():
    """Every sample and the build noise: the same hits with and without the class test."""
    plain = re.compile("\n" + _IDLE_LEADS)
    texts = [p.read_text(encoding="utf-8", errors="replace")
             for p in [*sorted((ROOT / "samples").rglob("*.txt")),
                       *sorted((ROOT / "tests/corpus/noise").glob("*.log"))]]
    assert len(texts) > 300
    for text in texts:
        assert [m.start() for m in _IDLE_NEXT.finditer(text)] == \
               [m.start() for m in plain.finditer(text)]
