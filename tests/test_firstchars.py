"""first_chars: the class of characters a regex's match can begin with (a bulk
search's lookahead), computed from the regex itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stackdemux.firstchars import (
    first_chars,
    led_by_literal,
    quick_alternation,
    required_chars,
    required_literals,
)
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


@pytest.mark.parametrize(("pattern", "needles"), [
    ("(?:x)?ab", {"ab"}),  # an optional part before: the required text
    ("a(?=b)bc", {"abc"}),  # a lookahead consumes nothing: one run
    ("http: x|http2: x", {"http: x", "http2: x"}),  # (re's parser takes `http` apart)
    ("(?:SIG[A-Z]+)|Exc", {"SIG", "Exc"}),  # one text of each alternative
    ("(?:a|)bc", {"bc"}),  # `abc` holds `bc`
    ("(?:[0-9]{2} )?q[0-9]+abc", {"abc"}),  # the longest
    ("(?:ab|c)d+", {"d"}),
])
def test_required_literals_are_texts_one_of_which_every_match_holds(pattern: str,
                                                                    needles: set[str]):
    assert required_literals(pattern) == frozenset(needles)


@pytest.mark.parametrize("pattern", ["x|", "a?|b", "(?i)abc", r"\d+", ".*"])
def test_no_required_literal_when_a_match_may_hold_none_known(pattern: str):
    assert required_literals(pattern) is None


def test_the_required_literals_of_the_grammars_leads_show_in_each_of_their_matches():
    """The leads of traceback.lark's kinds led by optional parts (a log stamp
    before `http: panic serving `): each match in the samples and the corpus's
    outputs holds one of its texts."""
    from stackdemux.grammar import line_grammar

    g = line_grammar()
    leads = {k: g.leads[k] for k in g.kinds_in_order
             if g.leads.get(k) and not led_by_literal(g.leads[k])}
    assert "http_panic" in leads
    needles = {k: required_literals(lead) for k, lead in leads.items()}
    assert needles["http_panic"] is not None
    assert "http: panic serving " in needles["http_panic"]
    seen = 0
    for p in [*sorted((ROOT / "samples").rglob("*.txt")),
              *sorted((ROOT / "tests/corpus/cases").rglob("*.out"))]:
        for line in p.read_text(encoding="utf-8", errors="replace").splitlines():
            for kind, lead in leads.items():
                m = re.match(lead, line)
                if m is not None and needles[kind] is not None:
                    seen += 1
                    assert any(n in m.group() for n in needles[kind]), (kind, line)
    assert seen > 100
