"""A frame's call line is read at its last `(` (call_lines.py), the shape
traceback.lark gives it: that reading must be the kind's regex's reading of
every line, call line or not, and a grammar that shapes call lines otherwise
must turn it off rather than read them wrong."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import stackdemux.parse as parse
from stackdemux.call_lines import split_call
from stackdemux.grammar import line_grammar

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (ROOT / "samples").rglob("*") if p.suffix in (".txt", ".log"))


def by_regex(text: str) -> tuple[str, str | None] | None:
    m = parse._CALL_RX.fullmatch(text)
    return None if m is None else (m.group(parse._CALL_FUNC), m.group(parse._CALL_ARGS))


def test_the_grammar_shapes_a_call_line_as_a_name_then_arguments_without_parentheses():
    shape = split_call(parse._CALL_RX)
    assert shape is not None and (shape.open, shape.close) == ("(", ")")
    assert ")" in shape.excluded


def test_every_line_of_every_sample_reads_as_the_call_regex_reads_it():
    texts = {line for p in SAMPLES
             for line in p.read_text(encoding="utf-8", errors="replace").splitlines()}
    calls = 0
    names: dict[str, str | None] = {}
    for text in sorted(texts):
        got = parse._read_call_line(text, names)
        assert got == by_regex(text), text
        calls += got is not None
    assert calls > 1000  # (the samples hold call lines of every toolchain)


@pytest.mark.parametrize("text", [
    "main.f)", "main.f()", "()", ")", "(", "main.f(", "main.f(a)b)", "main.f(a(b)",
    "a b(c)", "os.(*File).read(...)", "main.(*T).M(0x1, {0x2, 0x3})", "(*T).M()",
    "main.f(a\nb)", "main.f(\t)", "x(y)(z)", "main.f[...](0x1)", "created by main.main",
])
def test_lines_near_a_call_line_read_as_the_regex_reads_them(text):
    assert parse._read_call_line(text, {}) == by_regex(text)


def test_a_name_read_before_is_read_again_alike_when_its_verdict_was_let_go(monkeypatch):
    line = "main.worker(0xc000012345, 0x2a)"
    names: dict[str, str | None] = {}
    first = parse._read_call_line(line, names)
    monkeypatch.setattr(parse, "_KEPT_READINGS", 0)  # each reading lets the others go
    assert parse._read_call_line("main.worker(0x1)", names) == ("main.worker", "0x1")
    assert first == ("main.worker", "0xc000012345, 0x2a") and len(names) == 1


@pytest.mark.parametrize("pattern", [
    line_grammar().sources["frame_file"],  # another kind
    r"(?P<c>(?P<c__func>[^\s()]+)\((?:(?P<c__args>[^\n]+))?\))",  # arguments may hold `)`
    r"(?P<c>(?P<c__func>[^\s()]+)\((?:(?P<c__args>[^()\n]*))?\))",  # may be empty, not absent
    r"(?P<c>(?P<c__func>[^\s()]+)\((?P<c__args>[^()\n]+)\))",  # arguments required
    r"(?P<c>(?P<c__func>[^\s()]+)\((?:(?P<c__args>[a-z, ]+))?\))",  # a class of what it holds
    r"(?P<c>(?P<c__func>[^\s()]+)\((?:(?P<c__args>[^()\n]+))?\) *)",  # more after `)`
])
def test_a_call_line_shaped_otherwise_is_read_by_its_regex_alone(pattern):
    assert split_call(re.compile(pattern)) is None
