"""The parser keeps what it read of a line's text (a frame's call and file
lines, and how the others classify), and reads a text seen before from there
(a crash loop prints the same stack again and again): the reports must be what
reading every line afresh gives, and no two frames may be one object
(analysis writes each frame's module into it)."""

from __future__ import annotations

from pathlib import Path

import pytest

import stackdemux.parse as parse
from stackdemux.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "go1.23" / "panic_in_goroutine.txt"
SAMPLES = sorted((ROOT / "samples").glob("go1.2*/*.txt"))


def reading(text: bytes) -> list:
    r = parse.parse_source(ingest(text))
    reports = [(x.kind, x.message, x.lines, x.signal, x.chain, x.context) for x in r.reports]
    stacks = [[(g.id, g.state, g.created_by and g.created_by.frame.file,
                [(f.func, f.args, f.file, f.line, f.offset, f.fp, f.sp, f.pc, f.inlined)
                 for f in g.frames]) for g in x.goroutines] for x in r.reports]
    return [reports, stacks, r.noise]


def test_a_crash_printed_three_times_reads_as_three_crashes_alike_with_frames_of_their_own():
    text = SAMPLE.read_bytes()
    r = parse.parse_source(ingest(text * 3))
    assert len(r.reports) == 3
    one, two, three = ([f for g in x.goroutines for f in g.frames] for x in r.reports)
    assert one == two == three and one
    assert len({id(f) for f in one + two + three}) == 3 * len(one)


@pytest.mark.parametrize("sample", SAMPLES[::9], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_readings_let_go_every_other_line_read_the_same(sample, monkeypatch):
    text = sample.read_bytes() * 2
    kept = reading(text)
    monkeypatch.setattr(parse, "_KEPT_READINGS", 1)  # let go before each new reading
    assert reading(text) == kept


def test_a_crash_loops_call_lines_are_read_once(monkeypatch):
    # a crash loop prints its stacks whole again and again (8 services' compose
    # log: 596 000 call lines), `created by` lines tried as calls included
    reads = []
    real = parse._read_call_line
    monkeypatch.setattr(parse, "_read_call_line",
                        lambda t, names: reads.append(t) or real(t, names))
    text = SAMPLE.read_bytes()
    calls = {ln for ln in text.decode().splitlines() if ln.endswith(")") and "(" in ln}
    parse.parse_source(ingest(text * 200))
    assert calls and len(reads) <= 2 * len(calls) + 8
    assert reading(text * 200) == reading(text * 200)  # (kept or not, read the same)


class _Counted:
    """A regex whose fullmatch calls are counted."""

    def __init__(self, regex, reads: list) -> None:
        self.regex, self.reads = regex, reads

    def fullmatch(self, text: str):
        self.reads.append(text)
        return self.regex.fullmatch(text)


def test_a_crash_loops_goroutine_headers_are_read_once(monkeypatch):
    # a crash loop prints the same headers each crash (8 services' compose log:
    # 105 000 headers, each read by the header's regex until they were kept)
    reads: list[str] = []
    monkeypatch.setattr(parse, "_HDR_RX", _Counted(parse._HDR_RX, reads))
    text = SAMPLE.read_bytes()
    headers = {ln for ln in text.decode().splitlines() if ln.startswith("goroutine ")}
    r = parse.parse_source(ingest(text * 200))
    assert headers and sum(len(x.goroutines) for x in r.reports) >= 200 * len(headers)
    assert len(reads) <= len(headers)
    kept = reading(text * 200)
    monkeypatch.setattr(parse, "_KEPT_HEADERS", 1)  # let go before each new reading
    assert reading(text * 200) == kept
