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


# What `--tee` reads of stdin, as the CLI does, with the size a log is sieved from
# made small (sieve.SIEVE_MIN, 32 MiB: these real captures are a few KB), analysed.
SIEVED_SCRIPT = """
import json, sys
import stackdemux, stackdemux.sieve
stackdemux.sieve.SIEVE_MIN = int(sys.argv[1])
from stackdemux.tee import tee_stdin
source = tee_stdin()
capture = getattr(source, "capture", None)
analysis = stackdemux.analyze(source)
if capture is not None:
    capture.remap(analysis)
json.dump({"kept": capture.kept_lines if capture else None,
           "reports": [[r.title, list(r.lines), [[f.test, [e.text for e in f.log]]
                                          for f in r.failed_tests]]
                       for r in analysis.reports]}, sys.stderr)
"""
# benchmarks/bigjson's tests made small (a subtest logs 20 lines, then fails) and
# samples/programs/gotests' chatty package (a parallel subtest logs 40, then fails)
BIG = [ROOT / "tests" / "data" / "bigjson_small" / "go1.27.3-json.txt",
       ROOT / "tests" / "data" / "gotest_chatty" / "go1.19.8-json.txt"]


def _teed(path: Path, sieve_min: int) -> dict:
    import json

    proc = subprocess.run([sys.executable, "-c", SIEVED_SCRIPT, str(sieve_min)],
                          input=path.read_bytes(), capture_output=True, env=ENV, timeout=300)
    assert proc.returncode == 0 and proc.stdout == path.read_bytes(), proc.stderr[-2000:]
    return json.loads(proc.stderr)


@pytest.mark.parametrize("path", BIG, ids=lambda p: p.parent.name)
def test_a_log_of_records_past_the_sieve_s_size_is_read_a_window_at_a_time(path):
    # it was read whole whatever its size (54 MB of go test -json: 302 MB of memory);
    # now as a file of that size is, by the sieve, which keeps each failed test's
    # records whole (sieve_tests.py): the same failures, the same logs
    whole = _teed(path, path.stat().st_size + 1)
    sieved = _teed(path, 4096)
    assert whole["kept"] is None and 0 < sieved["kept"] < len(path.read_bytes().splitlines())
    assert [(t, failed) for t, _, failed in sieved["reports"]] == [
        (t, failed) for t, _, failed in whole["reports"]]
    logs = [len(log) for _, _, failed in sieved["reports"] for _, log in failed]
    assert max(logs) in (21, 41)  # (a failed subtest's 20 or 40 t.Logs and its t.Error)
