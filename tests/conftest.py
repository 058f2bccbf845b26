"""Shared fixtures: where the real samples and the peer conformance suites live,
and small readers over them that every parser test uses.

Import the helpers with `from conftest import ...` (pytest puts tests/ on the path).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from stackdemux.ingest import ingest
from stackdemux.model import Report, Span
from stackdemux.parse import ParseResult, parse_source

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def shared_dir() -> Path:
    """../shared/conformance beside the repository; skips the test when it is absent."""
    path = ROOT.parent / "shared" / "conformance"
    if not path.is_dir():
        pytest.skip("../shared/conformance is not beside the repository")
    return path


def shared_files(sub: str, pattern: str) -> list[Path]:
    """Files of a conformance suite, for parametrize (empty when ../shared is absent)."""
    path = ROOT.parent / "shared" / "conformance" / sub
    return sorted(path.glob(pattern)) if path.is_dir() else []


@cache
def manifest() -> list[dict]:
    path = SAMPLES / "manifest.json"
    if not path.is_file():
        return []
    return json.loads(path.read_text(encoding="utf-8"))


def sample_path(name: str, go: str | None = None) -> Path:
    """A real sample by scenario name: `go` picks a version ("1.21"), else the newest one.

    Skips the test when no capture of that scenario (and version) exists yet.
    """
    entries = [e for e in manifest() if e["scenario"] == name
               and (go is None or e["go"].startswith(go + ".") or e["go"] == go)]
    entries = [e for e in entries if (SAMPLES / e["file"]).is_file()]
    if not entries:
        pytest.skip(f"no sample {name!r}{' for go' + go if go else ''} in samples/")
    entries.sort(key=lambda e: tuple(int(x) for x in e["go"].split(".")))
    return SAMPLES / entries[-1]["file"]


def sample_versions(name: str) -> list[str]:
    """The Go versions ("1.21.13", ...) a scenario was captured with."""
    return sorted({e["go"] for e in manifest() if e["scenario"] == name},
                  key=lambda v: tuple(int(x) for x in v.split(".")))


def parse_file(path: Path) -> tuple[list[str], ParseResult]:
    """A file's lines (as ingest reads them) and its parse."""
    source = ingest(path.read_bytes(), str(path))
    return source.lines, parse_source(source)


def parse_sample(name: str, go: str | None = None) -> tuple[list[str], ParseResult]:
    return parse_file(sample_path(name, go))


def only_report(result: ParseResult) -> Report:
    assert len(result.reports) == 1, [(r.kind, r.message) for r in result.reports]
    return result.reports[0]


CORPUS_CASES = Path(__file__).parent / "corpus" / "cases"


def corpus_case(name: str) -> tuple[str, dict]:
    """A corpus case's merged input and its truth (who wrote every byte)."""
    d = CORPUS_CASES / name
    truth = json.loads((d / "truth.json").read_text())
    return (d / truth["input"]).read_text(), truth


def numbers(spans: list[Span]) -> list[int]:
    """Line numbers of inclusive spans, in order."""
    return [n for a, b in spans for n in range(a, b + 1)]


def text_of(lines: list[str], spans: list[Span]) -> list[str]:
    return [lines[n - 1] for n in numbers(spans)]


def assert_every_line_placed_once(total: int, result: ParseResult) -> None:
    """Each input line is in exactly one report's lines or in the noise: none lost, none twice."""
    seen: dict[int, str] = {}
    for r in result.reports:
        for n in numbers(r.lines):
            assert n not in seen, f"line {n} is in {seen[n]} and in {r.id}"
            seen[n] = r.id
    for n in numbers(result.noise):
        assert n not in seen, f"line {n} is in {seen[n]} and in the noise"
        seen[n] = "noise"
    assert sorted(seen) == list(range(1, total + 1)), "some lines are neither report nor noise"


def evidence_of(line: str):
    """The line separator's evidence for one traceback line, as the grammar reads it."""
    from stackdemux.demux.evidence import evidence
    from stackdemux.grammar import line_grammar

    m = line_grammar().match(line)
    assert m is not None and m.lastgroup is not None, line
    return evidence(m.lastgroup, m)
