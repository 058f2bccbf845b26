"""Work stays linear in the input on logs an attacker could write (benchmarks/bench_adversarial.py
finds the inputs; these specs count the work of each repaired spot, they do not time it)."""

from __future__ import annotations

from pathlib import Path

import orjson

from stackdemux.demux import wrapped

ROOT = Path(__file__).resolve().parent.parent
SIGQUIT = (ROOT / "samples/go1.25/sigquit.txt").read_text().splitlines()
TEST2JSON = (ROOT / "tests/data/wrapped/test2json-go1.27.3.jsonl").read_text().splitlines()


def _count_joins(monkeypatch) -> list[int]:
    """Characters wrapped.joined copies, one entry a call."""
    copied: list[int] = []
    real = wrapped.joined

    def counting(parts: list[str]) -> str:
        text = real(parts)
        copied.append(len(text))
        return text
    monkeypatch.setattr(wrapped, "joined", counting)
    return copied


def _docker_records(lines: list[str], size: int) -> list[str]:
    """Each line as docker's json-file driver writes it, cut into records of `size` characters
    (docker cuts at 16 KiB; smaller here so that a real dump's lines are cut many times)."""
    out = []
    for line in lines:
        text = line + "\n"
        out += [orjson.dumps({"log": text[i:i + size], "stream": "stderr",
                              "time": "2026-01-02T03:04:05.000000001Z"}).decode()
                for i in range(0, len(text), size)]
    return out


def test_a_line_cut_over_many_docker_records_is_joined_once(monkeypatch):
    copied = _count_joins(monkeypatch)
    # the whole dump as one line (a run-on paste), cut into 3-character records
    line = "".join(SIGQUIT)
    got = wrapped.unwrap_detail(_docker_records([line], 3))
    [stream] = got.streams
    assert list(stream.texts) == [line]
    assert len(stream.pieces[0]) == len(line) // 3 + 1  # every record is still a piece of it
    # each character is copied once: adding every record to the text copied the text
    # so far each time (5.4k records of this line: 45 M characters)
    assert sum(copied) == len(line)


def test_every_line_of_a_dump_cut_into_records_is_copied_once(monkeypatch):
    copied = _count_joins(monkeypatch)
    got = wrapped.unwrap_detail(_docker_records(SIGQUIT, 5))
    [stream] = got.streams
    assert list(stream.texts) == SIGQUIT
    assert sum(copied) == sum(len(t) for t in SIGQUIT if len(t) + 1 > 5)


def test_test2json_events_of_a_long_panic_are_joined_once(monkeypatch):
    copied = _count_joins(monkeypatch)
    got = wrapped.unwrap_detail(TEST2JSON)
    texts = [t for s in got.streams for i, t in enumerate(s.texts) if i in s.pieces]
    assert any(t.startswith("panic: handler failed") and len(t) > 20000 for t in texts)
    assert sorted(copied) == sorted(len(t) for t in texts)
