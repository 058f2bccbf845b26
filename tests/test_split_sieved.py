"""`stackdemux split` on a big log file: the log is sieved (only the windows around
its tracebacks are read into lines) and its noise copied from the file again, line
by line. The streams hold the same crashes as when the whole log is read, and every
line is in one file (the ordinary lines far from any traceback in noise.txt)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from click.testing import CliRunner

import stackdemux
from stackdemux import sieve
from stackdemux.cli import main

ROOT = Path(__file__).resolve().parent.parent
NOISE = b"".join(p.read_bytes() for p in sorted((ROOT / "tests/corpus/noise").glob("*.log"))
                 if p.name != "decoys.log")
CRASH = (ROOT / "samples/go1.27/nil_map.txt").read_bytes()
COMPOSE = (ROOT / "samples/interleaved/compose-bbolt.log").read_bytes()
LOG = NOISE * 2 + CRASH + NOISE + COMPOSE + NOISE * 3


def split(tmp_path: Path, name: str, data: bytes, sieve_min: int,
          monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    monkeypatch.setattr(sieve, "SIEVE_MIN", sieve_min)
    log = tmp_path / name
    log.write_bytes(data)
    out = tmp_path / f"out-{sieve_min}"
    result = CliRunner().invoke(main, ["split", str(log), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.mark.parametrize("variant", ["plain", "crlf", "gzip", "gzip cut short", "bad utf-8",
                                     "no final newline", "a line longer than a block",
                                     "a byte order mark", "gzip of a byte order mark"])
def test_a_sieved_split_writes_what_a_whole_read_writes(tmp_path: Path, variant: str,
                                                        monkeypatch: pytest.MonkeyPatch):
    data = {
        "plain": LOG,
        "crlf": LOG.replace(b"\n", b"\r\n"),
        "gzip": gzip.compress(LOG),
        "gzip cut short": gzip.compress(LOG + NOISE)[:-9],  # its trailer lost: every line kept
        "bad utf-8": NOISE + b"caf\xe9 \xff\xfe build\n" + CRASH + NOISE + COMPOSE + NOISE,
        "no final newline": LOG + b"tail without a newline",
        "a line longer than a block": NOISE + "é".encode() * (3 << 19) + b"\r\n" + LOG,
        # (a Windows editor's UTF-8; the whole read takes the mark off, as the sieve
        # does: the noise copied from the file again must not begin with it)
        "a byte order mark": b"\xef\xbb\xbf" + LOG,
        "gzip of a byte order mark": gzip.compress(b"\xef\xbb\xbf" + LOG),
    }[variant]
    sieved = split(tmp_path, "build.log", data, 0, monkeypatch)
    whole = split(tmp_path, "build.log", data, 64 << 20, monkeypatch)  # more than any of them
    assert crashes(sieved) == crashes(whole)
    assert len(crashes(sieved)) == 4, "nil_map's and compose-bbolt's three"
    assert sorted(lines(sieved)) == sorted(lines(whole)), "the same lines, each in one file"
    assert len(sieved["noise.txt"]) > len(whole["noise.txt"])


def crashes(files: dict[str, bytes]) -> list[tuple]:
    out = []
    for name, text in files.items():
        if name != "noise.txt":
            out.extend((r.message, [(g.id, [(f.func, f.line) for f in g.frames])
                                    for g in r.goroutines])
                       for r in stackdemux.analyze(text).reports)
    return sorted(out)


def lines(files: dict[str, bytes]) -> list[bytes]:
    return [x for text in files.values() for x in text.split(b"\n")[:-1]]


def test_every_line_is_in_one_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    written = split(tmp_path, "build.log", LOG, 0, monkeypatch)
    del written["prefixes.txt"]  # (compose's, stripped from its lines: not lines of their own)
    total = sum(text.count(b"\n") for text in written.values())
    assert total == LOG.count(b"\n")
    assert written["noise.txt"].startswith(NOISE[:1000])
