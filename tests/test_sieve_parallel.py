"""The sieve on several cores: a log file cut into byte ranges, each scanned in its
own process, keeps exactly the windows that one pass over the file keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackdemux import sieve_parallel
from stackdemux.sieve import MAX_KEPT, read_source, sieve
from stackdemux.sieve_parallel import jobs_for, sieve_file, windows

ROOT = Path(__file__).resolve().parent.parent
NOISE = b"".join(p.read_bytes() for p in sorted((ROOT / "tests/corpus/noise").glob("*.log"))
                 if p.name != "decoys.log")


def sample(name: str) -> bytes:
    return (ROOT / "samples" / name).read_bytes()


def one_pass(path: Path):
    with path.open("rb") as f:
        return sieve(f)


def assert_same(got, expected) -> None:
    assert [(s.first, s.lines) for s in got.segments] == \
        [(s.first, s.lines) for s in expected.segments]
    assert (got.total_lines, got.total_bytes, got.truncated_lines) == \
        (expected.total_lines, expected.total_bytes, expected.truncated_lines)


LOGS = {
    "crashes amid build output": NOISE + sample("go1.27/nil_map.txt") + NOISE
    + sample("interleaved/compose-bbolt.log") + NOISE,
    "a crash on the first line": sample("go1.27/deadlock.txt") + NOISE,
    "no final newline": NOISE + sample("go1.27/nil_map.txt").rstrip(b"\n"),
    "CRLF line ends": (NOISE + sample("go1.27/nil_map.txt")).replace(b"\n", b"\r\n"),
    "no traceback at all": NOISE * 2,
    "lines longer than the kept head": NOISE + b"x" * (MAX_KEPT + 5) + b"\n"
    + sample("go1.27/nil_map.txt") + b"y" * (3 * MAX_KEPT) + b"\ngoroutine 9 [running]:\n",
}


@pytest.mark.parametrize("jobs", [2, 3, 7])
@pytest.mark.parametrize("name", sorted(LOGS))
def test_ranges_keep_the_windows_of_one_pass(tmp_path: Path, name: str, jobs: int):
    path = tmp_path / "build.log"
    path.write_bytes(LOGS[name])
    assert_same(sieve_file(str(path), jobs), one_pass(path))


def test_a_range_cut_inside_a_window_changes_nothing(tmp_path: Path):
    """Every cut point of a small log: a window that spans two ranges, a range
    that holds no line start, a cut right after a newline."""
    data = b"make: building\n" * 40 + sample("go1.27/nil_map.txt") + b"done\n" * 90
    path = tmp_path / "build.log"
    path.write_bytes(data)
    expected = one_pass(path)
    assert expected.segments, "the crash opens a window"
    for cut in range(0, len(data) + 1, 97):
        scans = [sieve_parallel.scan_range(str(path), 0, cut),
                 sieve_parallel.scan_range(str(path), cut, len(data))]
        assert scans[0].end == scans[1].start, "every line belongs to one range"
        assert_same(sieve_parallel.assemble(str(path), len(data), scans), expected)


def test_a_window_is_read_back_from_the_mark_before_it(tmp_path: Path):
    """Marks every MARK bytes: a window deep in a range is not read from its start."""
    data = NOISE * 3 + sample("go1.27/nil_map.txt") + NOISE
    path = tmp_path / "build.log"
    path.write_bytes(data)
    scan = sieve_parallel.scan_range(str(path), 0, len(data))
    assert len(scan.marks) >= len(data) // sieve_parallel.MARK
    for offset, line in scan.marks:
        assert offset == 0 or data[offset - 1:offset] == b"\n"
        assert data.count(b"\n", 0, offset) == line


def test_windows_merge_where_they_touch():
    assert windows([20, 30, 200], total=1000, before=16, after=64) == [(4, 95), (184, 265)]
    assert windows([0, 999], total=1000, before=16, after=64) == [(0, 65), (983, 1000)]


def test_a_big_file_is_sieved_on_several_cores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    data = NOISE * 2 + sample("go1.27/nil_map.txt") + NOISE * 2
    path = tmp_path / "build.log"
    path.write_bytes(data)
    calls: list[int] = []
    real = sieve_parallel.sieve_file

    def spy(p: str, jobs: int, wrapped: str | None = None):
        calls.append(jobs)
        return real(p, jobs, wrapped)

    monkeypatch.setattr(sieve_parallel, "sieve_file", spy)
    monkeypatch.setattr(sieve_parallel, "JOB_MIN", 1)
    monkeypatch.setenv("STACKDEMUX_JOBS", "2")
    source = read_source(str(path), "build.log", minimum=0)
    assert calls == [2]
    # (read, the capture keeps its segments' line counts, not their bytes: sieve.py)
    expected = one_pass(path)
    assert source.lines == expected.to_bytes().decode().removesuffix("\n").split("\n")
    got = source.capture
    assert [(s.first, len(s.lines)) for s in got.segments] == \
        [(s.first, len(s.lines)) for s in expected.segments]
    assert (got.total_lines, got.total_bytes, got.truncated_lines) == \
        (expected.total_lines, expected.total_bytes, expected.truncated_lines)


def test_the_number_of_processes():
    big = 1 << 40
    assert jobs_for(sieve_parallel.JOB_MIN) == 1, "one range's worth: no process more"
    assert 1 <= jobs_for(big) <= sieve_parallel.JOBS_MAX


def test_stackdemux_jobs_sets_the_number(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("STACKDEMUX_JOBS", "1")
    assert jobs_for(1 << 40) == 1
    monkeypatch.setenv("STACKDEMUX_JOBS", "3")
    assert jobs_for(1 << 40) == 3
    monkeypatch.setenv("STACKDEMUX_JOBS", "many")
    assert jobs_for(1 << 40) >= 1
