"""NeedleLines: the lines that hold a needle, found by memchr of a rare byte, are
the plain search's lines, whichever byte it anchors on and however common the
byte turns out to be."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from stackdemux.anchored import _SMALL, NeedleLines
from stackdemux.firstchars import required_chars
from stackdemux.grammar import line_grammar
from stackdemux.sieve import _NEEDLES, Sieve

ROOT = Path(__file__).resolve().parent.parent
NOISE = ROOT / "tests/corpus/noise"
HEADER_CHARS = bytes(sorted(required_chars(line_grammar().kind_regex("goroutine_header").pattern)))


def real_log() -> bytes:
    """Build output with every sample and corpus case among it: a block of whole lines."""
    noise = (NOISE / "go-build-x.log").read_bytes()
    parts = [noise]
    for p in [*sorted((ROOT / "samples").rglob("*.txt")),
              *sorted((ROOT / "tests/corpus/cases").glob("*/input.log"))]:
        parts += [p.read_bytes().rstrip(b"\n") + b"\n", noise[:len(p.name) * 300]]
    return b"".join(parts)


LOG = real_log()


def plain(block: bytes, *needles: bytes) -> list[tuple[bytes, int, int, int]]:
    """Each needle's lines by bytes.find, one needle after the other."""
    out = []
    for needle in needles:
        out += NeedleLines(needle)._plain(block, 0)
    return out


def anchored_on(block: bytes, needles: tuple[bytes, ...], byte: int, besides: bytes = b""):
    finder = NeedleLines(*needles, besides=besides)
    candidate = next(c for c in finder._candidates if c[0] == bytes([byte]))
    return finder, list(finder._anchored(block, *candidate))


def by_needle(hits) -> list:
    return sorted(hits)


def test_the_real_log_is_big_and_holds_every_needle():
    assert len(LOG) > 8 * _SMALL
    for needles, _how in _NEEDLES:
        for needle in needles:
            assert len(plain(LOG, needle)) > 10, needle


@pytest.mark.parametrize(("needles", "how"), _NEEDLES)
def test_any_byte_of_the_needles_finds_the_plain_searchs_lines(needles: tuple[bytes, ...],
                                                               how: int):
    expected = plain(LOG, *needles)
    for byte in sorted(set.intersection(*(set(n) for n in needles))):
        _finder, got = anchored_on(LOG, needles, byte)
        assert by_needle(got) == by_needle(expected), (needles, chr(byte))


def test_needles_sharing_their_end_are_searched_in_one_pass_that_finds_each_ones_lines():
    needles = (b"panic: ", b"fatal error: ")
    finder = NeedleLines(*needles)
    assert finder._together is not None
    got = list(finder._plain(LOG, 0))
    assert by_needle(got) == by_needle(plain(LOG, *needles))
    assert {n for n, *_ in got} == set(needles)
    # a line holding a needle twice, and both needles: each one's first place
    line = b"x panic: fatal error: panic: y\n"
    assert sorted(NeedleLines(*needles)._plain(line * 2, 0)) == sorted(
        plain(line * 2, *needles))


def test_a_byte_besides_the_needle_finds_the_lines_holding_both():
    needle = b"goroutine "
    everything = plain(LOG, needle)
    for byte in sorted(set(HEADER_CHARS) - set(needle)):
        finder, got = anchored_on(LOG, (needle,), byte, HEADER_CHARS)
        both = [hit for hit in everything if LOG.find(bytes([byte]), hit[1], hit[3]) >= 0]
        if finder.plain_blocks:  # common in this log (`:`): the plain search's from the switch
            assert set(both) <= set(got) <= set(everything), chr(byte)
        else:
            assert got == both, chr(byte)
        assert both


def test_a_byte_common_in_the_block_switches_to_the_plain_search_at_the_same_lines():
    # half the lines hold `+` many times: the budget of hits runs out mid-block
    rng = random.Random(7)
    lines = LOG.split(b"\n")
    block = b"\n".join(line + b" +" * 40 if rng.random() < 0.5 else line for line in lines)
    finder, got = anchored_on(block, (b" +0x",), ord("+"))
    assert finder.plain_blocks == 1
    assert got == plain(block, b" +0x")
    # …and the next blocks are searched the plain way until the anchor is picked again
    assert list(finder.lines(block)) == got
    assert finder.plain_blocks == 2


def test_build_output_is_searched_by_its_rare_bytes():
    """A frame position and a goroutine header are found by `+` and `[`, which build
    output seldom holds: no block is searched the plain way."""
    noise = (NOISE / "go-build-x.log").read_bytes()
    block = noise * (4 * _SMALL // len(noise) + 1)
    for needle, besides, byte in ((b" +0x", b"", b"+"), (b"goroutine ", HEADER_CHARS, b"[")):
        finder = NeedleLines(needle, besides=besides)
        got = list(finder.lines(block))
        assert finder._anchor is not None and finder._anchor[0] == byte
        assert finder.plain_blocks == 0
        assert got == plain(block, needle)


def test_the_sieve_keeps_the_same_windows_with_and_without_anchors(
        monkeypatch: pytest.MonkeyPatch):
    last: list[Sieve] = []

    def sieve(data: bytes) -> list:
        s = Sieve()
        last[:] = [s]
        for i in range(0, len(data), 1 << 18):
            s.feed(data[i:i + (1 << 18)])
        return [(seg.first, seg.lines) for seg in s.close().segments]

    noise = (NOISE / "go-build-x.log").read_bytes()
    data = noise * 60 + LOG + noise * 60
    anchored = sieve(data)
    assert any(f.plain_blocks < f.blocks for f in last[0]._needles.values())
    monkeypatch.setattr(NeedleLines, "_pick", lambda self, block: None)  # never anchored
    assert sieve(data) == anchored
