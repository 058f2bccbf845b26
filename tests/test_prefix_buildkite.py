"""Buildkite's raw job log begins each line with an APC escape holding the time in
milliseconds, `ESC _bk;t=1767323045123 BEL` (the web view hides it; buildkite-logs'
README documents it). It names no stream: a job's crash reads as without it, and a
`docker compose up` run in the job keeps its own prefixes below it."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackdemux import analyze

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests/corpus/cases"


def stamped(log: bytes) -> bytes:
    lines = log.split(b"\n")
    tail = lines.pop()  # what follows the last newline
    out = [b"\x1b_bk;t=%d\x07~~~ Running commands" % 1767323045000]
    out += [b"\x1b_bk;t=%d\x07" % (1767323045123 + 3 * n) + ln for n, ln in enumerate(lines)]
    return b"\n".join(out) + b"\n" + tail


def reports(log: bytes) -> list[tuple]:
    return [(r.message, [(g.id, len(g.frames)) for g in r.goroutines], r.complete)
            for r in analyze(log).reports]


@pytest.mark.parametrize("log", [
    ROOT / "samples/go1.27/nil_map.txt",
    ROOT / "samples/go1.21/http_panic.txt",
    CASES / "bolt-prefix-compose/input.log",
    CASES / "mixed-prefix-kubectl/input.log",
], ids=lambda p: p.parent.name + "/" + p.name)
def test_a_buildkite_log_reads_as_the_output_of_its_job(log: Path):
    plain = log.read_bytes()
    assert reports(stamped(plain)) == reports(plain)
    assert reports(plain)


def test_the_stamps_name_no_stream():
    log = (ROOT / "samples/go1.27/nil_map.txt").read_bytes()
    assert [s.label for s in analyze(stamped(log)).streams] == [None]
