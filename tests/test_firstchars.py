"""first_chars: the class of characters a regex's match can begin with (a bulk
search's lookahead), computed from the regex itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stackdemux.firstchars import first_chars, quick_alternation, required_chars
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


def test_the_quick_alternation_finds_a_lead_where_the_leads_in_grammar_order_do():
    """Every sample and the build noise: the same line starts with the leads reordered."""
    from stackdemux.parse import _G, _IDLE_KINDS

    grammar_order = "(?:" + "|".join(_G.leads[k] for k in _IDLE_KINDS) + ")"
    in_order = re.compile("\n" + grammar_order)
    texts = [p.read_text(encoding="utf-8", errors="replace")
             for p in [*sorted((ROOT / "samples").rglob("*.txt")),
                       *sorted((ROOT / "tests/corpus/noise").glob("*.log"))]]
    for text in texts:
        assert [m.start() for m in _IDLE_NEXT.finditer(text)] == \
               [m.start() for m in in_order.finditer(text)]


def test_literal_led_alternatives_go_first_the_others_behind_their_first_characters():
    alternatives = ["(?:x)?ab", "cd", "[0-9]e", "fg"]
    got = quick_alternation(alternatives)
    guard = got.index("(?=")
    assert got.index("cd") < guard and got.index("fg") < guard
    assert got.index("(?:x)?ab") > guard and got.index("[0-9]e") > guard
    assert re.fullmatch(got[guard + 3:got.index(")", guard)], "7") is not None
    for text in ["ab", "xab", "cd", "7e", "fg", "e", "xa", "x", ""]:
        assert (re.match(got, text) is None) == all(re.match(a, text) is None
                                                    for a in alternatives), text
    assert quick_alternation(["ab", "cd"]) == "(?:ab|cd)"


@pytest.mark.parametrize(("pattern", "chars"), [
    ("goroutine [0-9]+ \\[", "goroutine ["),
    ("a(?:bc|cd)x?y{2}z*", "acy"),
    ("(?:p:)?q|r", ""),
    ("[:]x(?=y)", ":x"),
    ("(?i)abc", ""),
])
def test_required_chars_are_in_every_match(pattern: str, chars: str):
    assert required_chars(pattern) == frozenset(map(ord, chars))
