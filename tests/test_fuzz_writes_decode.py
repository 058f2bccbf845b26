"""Fuzzing the write decoder (demux/writes_decode.py, and what it weighs a line
by: writes_reading.py, writes_repeats.py) on windows of the corpus's real
write-level merges (several real processes' write() calls interleaved), mangled
as logs get mangled: bytes flipped, lines spliced, repeated or shuffled,
attacker text and numbers of more digits than Go prints.

The pipeline hands the decoder at most writes_templates.MAX_REST characters of a
big dump's region; whatever they hold, its reading is a partition: each
character in one process's line or the noise (a newline may be no piece: it
ends a line), none twice, and no exception.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from stackdemux.demux.writes_decode import UNSURE_MARGIN, Decoded, decode
from stackdemux.demux.writes_templates import MAX_REST

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_fuzz import flip, hostile_text, huge_number, repeated, seeded, spliced, windows

ROOT = Path(__file__).resolve().parent.parent
MERGES = [f.read_text() for f in sorted(ROOT.glob("tests/corpus/cases/*-writes-*/input.log"))]


def window(r: random.Random, text: str, most: int) -> str:
    """Whole lines of `text` from a random line on, about `most` characters."""
    a = text.rfind("\n", 0, r.randrange(len(text))) + 1
    b = text.find("\n", a + r.randint(most // 4, most))
    return text[a:] if b < 0 else text[a:b + 1]


def mangled(r: random.Random, text: str) -> str:
    d = window(r, text, 700).encode()
    for _ in range(r.randint(0, 3)):
        d = r.choice([flip, spliced, hostile_text, huge_number, repeated, windows])(r, d)
    t = d.decode("utf-8", "replace").replace("\r", "")[:MAX_REST]
    return t[:t.rfind("\n") + 1] or "\n"


def assert_partition(text: str, got: Decoded) -> None:
    owner = [0] * len(text)
    for segs in [seg for lines in got.processes for seg in lines] + [got.noise]:
        for a, b in segs:
            assert 0 <= a <= b <= len(text), (a, b, len(text))
            for i in range(a, b):
                owner[i] += 1
    twice = [i for i, n in enumerate(owner) if n > 1]
    lost = [i for i, n in enumerate(owner) if n == 0 and text[i] != "\n"]
    assert not twice, ("read twice", text[twice[0]:twice[0] + 40])
    assert not lost, ("read by none", text[lost[0]:lost[0] + 40])


@seeded(MERGES, 4)
def test_a_mangled_window_of_a_real_write_merge_is_read_as_a_partition(index: int, seed: int):
    text = mangled(random.Random(seed), MERGES[index])
    assert_partition(text, decode(text, margin=UNSURE_MARGIN))


def test_a_merge_s_opening_is_read_as_a_partition():
    # where the processes' report openers are (the heads the decoder counts
    # processes by): four families' first ~250 characters, hostile text inside
    r = random.Random(20)
    for name in ("crash-writes-time", "gotest-writes-shuffle", "mixed-writes-time",
                 "sigquit-writes-shuffle"):
        text = (ROOT / "tests/corpus/cases" / name / "input.log").read_text()
        head = text[:text.find("\n", 250) + 1]
        head = hostile_text(r, head.encode()).decode("utf-8", "replace")
        assert_partition(head, decode(head, margin=UNSURE_MARGIN))


def test_the_line_pairs_the_decoder_compares_are_kept_up_to_a_bound():
    # A reading dropped for a cheaper one marks the fields their lines differ
    # in (_differing, kept per pair: a region compares the same few hundred
    # pairs again and again). Kept without bound, every pair of every region
    # a log's decoder read stayed: memory growing with the log.
    from stackdemux.demux import writes_decode

    lines = sorted({x for text in MERGES for x in text.split("\n") if x})
    pairs = [(a, b) for k in (1, 2, 3) for a, b in zip(lines, lines[k:] + lines[:k], strict=True)]
    assert len(pairs) > 2 * writes_decode.DIFFERING_KEPT
    writes_decode._differing.cache_clear()
    first = [writes_decode._differing(a, b) for a, b in pairs]
    assert writes_decode._differing.cache_info().currsize <= writes_decode.DIFFERING_KEPT
    # ... and a pair let go is worked out again, alike
    assert [writes_decode._differing(a, b) for a, b in pairs[:50]] == first[:50]
