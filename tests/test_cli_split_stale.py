"""`stackdemux split LOG -o DIR` into a directory an earlier split wrote: the
files of that split that this one did not write again are said, not taken for
this log's streams (a CI job's `for f in out/s*.log` would read them)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from conftest import sample_path

from stackdemux.cli import main

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "samples/interleaved/compose-bbolt.log"  # three services behind prefixes


def _split(log: Path, out: Path):
    return CliRunner().invoke(main, ["split", str(log), "-o", str(out)])


def test_an_earlier_splits_files_left_in_the_directory_are_named(tmp_path: Path):
    out = tmp_path / "out"
    first = _split(COMPOSE, out)
    assert first.exit_code == 0 and first.stderr == ""
    (out / "notes.txt").write_text("mine\n")  # (not a name split writes: never named)
    again = _split(sample_path("nil_map"), out)
    assert again.exit_code == 0
    assert again.stderr == (
        f"stackdemux: warning: {out} also holds prefixes.txt, s1-hub-1.log, s2-boltd-2.log, "
        "s3-boltd-1.log: an earlier split's, not this log's\n")
    # left where they were: split removes no file it did not write now
    assert sorted(p.name for p in out.iterdir()) == [
        "noise.txt", "notes.txt", "prefixes.txt", "s1-hub-1.log", "s1.log", "s2-boltd-2.log",
        "s3-boltd-1.log"]


def test_splitting_the_same_log_again_names_nothing(tmp_path: Path):
    out = tmp_path / "out"
    assert _split(COMPOSE, out).exit_code == 0
    again = _split(COMPOSE, out)
    assert again.exit_code == 0 and again.stderr == ""
