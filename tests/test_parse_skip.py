"""The parser jumps over ordinary log lines with one bulk search; it must read
exactly what a line-by-line reading reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import stackdemux.parse as parse
from stackdemux.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("go1.*/*.txt"))
NOISE = sorted((ROOT / "tests" / "corpus" / "noise").glob("*"))


def reading(text: bytes) -> tuple:
    r = parse.parse_source(ingest(text))
    reports = [(x.kind, x.message, x.lines, x.exit_status, x.test_package, x.tests,
                [(g.id, g.state, [(f.func, f.file, f.line) for f in g.frames])
                 for g in x.goroutines]) for x in r.reports]
    return reports, r.noise, [(d.message, d.lines) for d in r.diagnostics]


def line_by_line(text: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple:
    with monkeypatch.context() as m:
        m.setattr(parse, "_IDLE_SKIP", re.compile("^", re.MULTILINE))  # stops at every line
        return reading(text)


@pytest.mark.parametrize("sample", SAMPLES[::7], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_crash_amid_real_build_noise_reads_the_same_with_the_bulk_skip(sample, monkeypatch):
    noise = b"".join(p.read_bytes() for p in NOISE[:3])
    text = noise + sample.read_bytes() + noise
    assert reading(text) == line_by_line(text, monkeypatch)


def test_real_build_noise_and_decoys_make_no_report_and_stay_noise():
    """go build -x, make+gcc, npm, pip, pytest, grep output, and log lines that
    mention panics (decoys): no report, every line kept as noise."""
    text = b"".join(p.read_bytes() for p in NOISE)
    r = parse.parse_source(ingest(text))
    assert r.reports == []
    assert r.noise == [(1, len(ingest(text).lines))]
