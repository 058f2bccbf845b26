"""The gate of paste repair searches a whole log for signs of paste damage, so
every sign must cost next to nothing on a clean log: a sign searched over the
whole text is gated by one character (found at memchr speed), by a needle of 8
characters or more that each of its matches holds (str's search skips ahead by the
needle's length: `wasm_exec.js:`, 16 M instructions over the 22 MB dump where
sre's scan for it took 110 M), or by nothing at all, its regex's own leading
literal then being what sre scans for. A test for a needle of two to five
characters (`"\\t\\n" in text`) walks the text at twice the cost of that scan (19
vs 9 ms over the 22 MB dump, 59 vs 28 over a 60 MB compose log). The gates must
change no answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackdemux.demux import pasted
from stackdemux.demux.paste_flat import GLUED
from stackdemux.sre import constants, parser

ROOT = Path(__file__).resolve().parent.parent
LOGS = sorted((ROOT / "samples").glob("go1.*/*.txt")) + sorted(
    (ROOT / "samples" / "wild").glob("*.txt")) + sorted(
    (ROOT / "samples" / "interleaved").glob("*.log"))


def leading_literals(pattern: str) -> str:
    """The characters every match of `pattern` begins with."""
    out = []
    for op, arg in parser.parse(pattern):
        if op is not constants.LITERAL:
            break
        out.append(chr(arg))
    return "".join(out)


@pytest.mark.parametrize("lead, sign", pasted._SIGNS, ids=lambda x: repr(x)[:24])
def test_each_whole_text_sign_is_gated_by_one_character_its_matches_begin_with(lead, sign):
    literals = leading_literals(sign.pattern)
    if lead is None:
        assert len(literals) >= 2, "ungated: its own literal lead is what sre scans for"
    else:
        assert (len(lead) == 1 or len(lead) >= 8) and lead in literals


def ungated(lines: list[str], text: str) -> bool:
    """looks_pasted as it reads, each sign searched for without its gate."""
    head = text[:pasted._PASTE_HEAD]
    return bool(
        any(sub in text for sub in pasted._SIGN_SUBSTRINGS)
        or (pasted._PATH_SPACED.search(text) and pasted._PATH_SPACED_CONFIRMED.search(text))
        or any(sign.search(text) for _, sign in pasted._SIGNS)
        or any(hit.lastgroup != "tabbed" or not text[text.rfind("\n", 0, hit.start()) + 1:
                                                       hit.start()].strip("\t")
               for hit in pasted._TAB_LED.finditer(text))
        or any(sign.search("\n" + head if lead == "`" else head)
               for lead, sign in pasted._HEAD_SIGNS)
        or pasted._damaged_line_start(head) or pasted._damaged_file_line(head)
        or pasted._glued_panic(head) or pasted._hard_wrapped(lines[:pasted._WRAP_HEAD])
        or (pasted._FLAT_OFFSET.search(text) and GLUED.search(text)))


def test_the_gates_change_no_answer_over_the_samples_and_wild_pastes():
    said = {}
    for path in LOGS:
        text = path.read_bytes().decode("utf-8", "replace")
        lines = text.split("\n")
        said[path.name] = pasted.looks_pasted(lines, text)
        assert said[path.name] == ungated(lines, text), path.name
    assert 0 < sum(said.values()) < len(said)  # (both answers are given)
