"""`--tee` with stdout closed (`stackdemux --tee >&-`, a wrapper that closed it):
the log it is asked to pass through goes to no one. It said nothing and wrote
the report alone, as if the log had been passed; now a warning says the log
went nowhere. The log is still read and reported (exit 0), as `--tee` does
when its reader goes away (`| head`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "samples" / "go1.27" / "nil_map.txt"


def _tee(redirect: str) -> subprocess.CompletedProcess:
    command = f'"{sys.executable}" -m stackdemux --tee < "{LOG}" {redirect}'
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)


def test_a_closed_stdout_is_said_and_the_log_still_reported():
    done = _tee(">&-")
    assert done.returncode == 0
    warning, *report = done.stderr.splitlines()
    assert warning == ("stackdemux: warning: stdout is closed: --tee passes the log to no "
                       "one (only the report is written)")
    assert "panic: assignment to entry in nil map" in "\n".join(report)


def test_an_open_stdout_gets_the_log_and_no_warning():
    done = _tee("")
    assert done.stdout == LOG.read_text()
    assert "warning" not in done.stderr
