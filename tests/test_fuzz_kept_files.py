"""The files a run keeps for the next ones never break a run (kept_file.py).

A run keeps what it works out once per machine under $XDG_CACHE_HOME/stackdemux:
the grammars compiled (grammar.cached_compile: the line classifier, report.lark's
LALR table, the prefix styles, the rules, as JSON), rx.py's patterns and derived
values and dataclass_code's code (marshal). Whatever state such a file is in —
cut short, a byte of it changed, emptied, JSON of another shape written over it,
a directory in its place, a cache directory that cannot be written, files
written by several runs at once — the run reports what it reports with no cache
at all, and says nothing of it (its exit code, nothing on stderr).

Each case is a run of the command, as a user's shell starts it, on real samples
that reach every such file (an unprefixed merge, gccgo, chi, a go test -json
log, a cgo abort).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackdemux import kept_file

ROOT = Path(__file__).resolve().parent.parent
INPUTS = [ROOT / "samples" / p for p in (
    "interleaved/five-services-lines.log", "gccgo12/gccgo_crash.txt",
    "wild/chi633_recoverer_pretty_stack_arrows_go116.txt", "go1.27/test_fail_json.txt",
    "go1.27/cgo_abort.txt")]


def command(cache: Path) -> subprocess.CompletedProcess[bytes]:
    env = {"PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(cache), "PATH": os.environ["PATH"]}
    return subprocess.run([sys.executable, "-m", "stackdemux", "-f", "json", *map(str, INPUTS)],
                          env=env, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    """A cache one run filled, and what that run (with none before it) said."""
    cache = tmp_path_factory.mktemp("warm")
    first = command(cache)
    assert first.returncode == 0 and not first.stderr, first.stderr[-500:]
    return cache, first


def kept(cache: Path) -> list[Path]:
    return sorted((cache / "stackdemux").iterdir())


def reports_as_with_no_cache(cache: Path, first: subprocess.CompletedProcess) -> None:
    got = command(cache)
    assert got.stderr == b"", got.stderr.decode(errors="replace")[-800:]
    assert (got.returncode, got.stdout) == (first.returncode, first.stdout)


def copy(warm: Path, to: Path) -> Path:
    shutil.copytree(warm, to)
    return to


def test_the_samples_reach_every_kind_of_kept_file(warm):
    cache, _ = warm
    names = {f.name.rsplit("-", 1)[0] for f in kept(cache)}
    assert {"traceback", "report-lalr", "gccgo", "chi", "test_output", "prefixes", "rules",
            "rx"} <= names, names


# What disks, editors and people do to a file, each to every kept file at once.
DAMAGES = {
    "cut in half": lambda b: b[: len(b) // 2],
    "a byte changed": lambda b: b[:len(b) // 3] + bytes([b[len(b) // 3] ^ 4]) + b[len(b) // 3 + 1:],
    "json of another shape": lambda b: b"{}",
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_damaged_kept_files_are_worked_out_again(warm, tmp_path: Path, damage: str):
    cache, first = warm
    cache = copy(cache, tmp_path / "cache")
    for f in kept(cache):
        f.write_bytes(DAMAGES[damage](f.read_bytes()))
    reports_as_with_no_cache(cache, first)
    assert all(kept_file.read(f) is not None for f in kept(cache)), "written anew, sealed"


@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 2**32))
def test_one_kept_file_damaged_anywhere_never_changes_a_report(warm, tmp_path: Path, seed: int):
    cache, first = warm
    r = random.Random(seed)
    cache = copy(cache, tmp_path / f"cache{seed}")
    f = r.choice(kept(cache))
    b = bytearray(f.read_bytes())
    at = r.randrange(len(b))
    b[at] = r.choice([b[at] ^ (1 << r.randrange(8)), ord(r.choice('0123456789{}[]",'))])
    f.write_bytes(bytes(b[:r.choice([len(b), r.randrange(len(b) + 1)])]))
    reports_as_with_no_cache(cache, first)


def test_a_directory_where_a_kept_file_goes_costs_only_the_work(warm, tmp_path: Path):
    cache, first = warm
    cache = copy(cache, tmp_path / "cache")
    for f in kept(cache):
        f.unlink()
        f.mkdir()
    reports_as_with_no_cache(cache, first)


def test_a_cache_directory_that_cannot_be_made_costs_only_the_work(warm, tmp_path: Path):
    _, first = warm
    (tmp_path / "stackdemux").write_text("a file where the directory goes")
    reports_as_with_no_cache(tmp_path, first)


def test_runs_that_fill_one_cache_at_once_each_report_alike_and_leave_it_whole(
        warm, tmp_path: Path):
    _, first = warm
    env = {"PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(tmp_path), "PATH": os.environ["PATH"]}
    runs = [subprocess.Popen([sys.executable, "-m", "stackdemux", "-f", "json",
                              *map(str, INPUTS)], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE) for _ in range(3)]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert (run.returncode, out, err) == (first.returncode, first.stdout, b"")
    assert not [f for f in kept(tmp_path) if f.suffix == ".tmp"], "no half-written file left"
    assert all(kept_file.read(f) is not None for f in kept(tmp_path))
    reports_as_with_no_cache(tmp_path, first)


# --------------------------------------------------------------- kept_file ---

PAYLOAD = (ROOT / "samples" / "go1.27" / "sigquit.txt").read_bytes()


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(PAYLOAD) + 3), st.integers(0, 7), st.integers(0, len(PAYLOAD) + 4))
def test_a_sealed_file_with_any_bit_changed_or_cut_anywhere_reads_as_none(
        tmp_path_factory: pytest.TempPathFactory, at: int, bit: int, cut: int):
    f = tmp_path_factory.mktemp("kept") / "x"
    kept_file.write(f, PAYLOAD)
    assert kept_file.read(f) == PAYLOAD
    sealed = f.read_bytes()
    f.write_bytes(sealed[:at] + bytes([sealed[at] ^ (1 << bit)]) + sealed[at + 1:])
    assert kept_file.read(f) is None
    if cut < len(sealed):
        f.write_bytes(sealed[:cut])
        assert kept_file.read(f) is None


def test_a_file_sealed_is_its_bytes_after_their_crc32(tmp_path: Path):
    kept_file.write(tmp_path / "x", b"abc")
    assert (tmp_path / "x").read_bytes() == zlib.crc32(b"abc").to_bytes(4, "big") + b"abc"
    assert [p.name for p in tmp_path.iterdir()] == ["x"]
