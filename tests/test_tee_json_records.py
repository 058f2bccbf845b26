"""`go test -json ./... | stackdemux --tee`: a log of JSON records (test2json's
events) carries the output escaped inside each record, where the sieve that `--tee`
reads stdin through finds no traceback line: such a log is kept whole (as a UTF-16
one is), and its crashes and failed tests are read as from the file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
# gotestsum#99: a real `go test -json` log of a test that panicked (Go 1.14)
PANIC = ROOT / "samples" / "wild" / "gotestsum99_test2json_go114.txt"
# go test -json of plain failures (samples/programs/gotests, Go 1.27)
FAILURES = ROOT / "samples" / "go1.27" / "test_fail_json.txt"


def _tee(path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "stackdemux", "--tee", *args],
                          input=path.read_bytes(), capture_output=True, env=ENV, timeout=300)


@pytest.mark.parametrize("path", [PANIC, FAILURES], ids=["panic", "failures"])
def test_the_log_passes_through_and_is_read_whole(path):
    teed = _tee(path, "-f", "json")
    assert teed.returncode == 0 and teed.stdout == path.read_bytes()
    read = subprocess.run([sys.executable, "-m", "stackdemux", "-f", "json", str(path)],
                          capture_output=True, env=ENV, timeout=300)
    # what --tee reports is what the file's reading reports, but for the input's name
    assert teed.stderr.replace(b'"<stdin>"', b'"X"') == read.stdout.replace(
        b'"' + str(path).encode() + b'"', b'"X"')


def test_a_panicking_test_s_events_are_its_crash():
    out = _tee(PANIC).stderr.decode()
    assert "No Go crash" not in out
    assert "1) panic: runtime error: index out of range [<N>] with length <N>" in out
    assert "TestWaitOn_WithCompare" in out


def test_each_failed_test_is_annotated():
    # (before, the sieve kept none of the log's 84 lines: `No Go crash … found`)
    out = _tee(FAILURES, "-f", "github").stderr.decode()
    errors = [line for line in out.splitlines() if line.startswith("::error ")]
    assert len(errors) == 7 and any("title=TestSub/case_2 failed" in e for e in errors)
