"""CI services' downloaded job logs put their own stamp before each line of the job's
output; it names no stream, so the job's crash reads as without it, and a `docker
compose up` run in the job keeps its own prefixes below it.

- Buildkite's raw log: an APC escape holding the time in milliseconds,
  `ESC _bk;t=1767323045123 BEL` (the web view hides it; buildkite-logs' README).
- TeamCity's downloaded build log: `[12:36:27] :\\t [Step 1/2] text`: the time, the
  message's status, one tab per level of nesting and the block (TeamCity's own lines
  have none), as public TeamCity logs show it.
- kubernetes/test-infra's bootstrap (Prow's and Jenkins' build-log.txt): Python
  logging's `[IWEF]mmdd HH:MM:SS.mmm] ` (bootstrap.py's setup_logging), as
  samples/wild/knative3258_… shows it.

No such service runs here: the logs are the samples' and corpus cases' text under
those stamps."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from stackdemux import analyze

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests/corpus/cases"
LOGS = [
    ROOT / "samples/go1.27/nil_map.txt",
    ROOT / "samples/go1.21/http_panic.txt",
    CASES / "bolt-prefix-compose/input.log",
    CASES / "mixed-prefix-kubectl/input.log",
]


def buildkite(log: bytes) -> bytes:
    lines = log.split(b"\n")
    tail = lines.pop()  # what follows the last newline
    out = [b"\x1b_bk;t=%d\x07~~~ Running commands" % 1767323045000]
    out += [b"\x1b_bk;t=%d\x07" % (1767323045123 + 3 * n) + ln for n, ln in enumerate(lines)]
    return b"\n".join(out) + b"\n" + tail


def teamcity(log: bytes) -> bytes:
    lines = log.split(b"\n")
    tail = lines.pop()
    out = [b"[12:36:23] : Build preparation done", b"[12:36:23]W: Step 1/1: Command Line (18s)",
           b"[12:36:23]i:\t [Step 1/1] ##teamcity[buildStatisticValue key='x' value='0.0']"]
    for n, ln in enumerate(lines):
        status = b"E" if n % 3 == 0 else b" "  # stderr lines, as a runner may mark them
        out.append(b"[12:36:%02d]%s:\t [Step 1/1] " % (24 + n // 100 % 30, status) + ln)
    out.append(b"[12:36:59]i:\t [Step 1/1] Process exited with code 2")
    return b"\n".join(out) + b"\n" + tail


def bootstrap(log: bytes) -> bytes:
    lines = log.split(b"\n")
    tail = lines.pop()
    out = [b"I0217 23:47:01.002] Call:  hack/test-go.sh"]
    out += [b"I0217 23:48:%02d.%03d] " % (13 + n // 1000 % 40, n % 1000) + ln
            for n, ln in enumerate(lines)]
    return b"\n".join(out) + b"\n" + tail


def reports(log: bytes) -> list[tuple]:
    return [(r.message, [(g.id, len(g.frames)) for g in r.goroutines], r.complete)
            for r in analyze(log).reports]


STAMPS = [buildkite, teamcity, bootstrap]


@pytest.mark.parametrize("stamp", STAMPS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("log", LOGS, ids=lambda p: p.parent.name + "/" + p.name)
def test_a_ci_log_reads_as_the_output_of_its_job(stamp: Callable[[bytes], bytes], log: Path):
    plain = log.read_bytes()
    assert reports(stamp(plain)) == reports(plain)
    assert reports(plain)


@pytest.mark.parametrize("stamp", STAMPS, ids=lambda f: f.__name__)
def test_the_stamps_name_no_stream(stamp: Callable[[bytes], bytes]):
    log = (ROOT / "samples/go1.27/nil_map.txt").read_bytes()
    assert [s.label for s in analyze(stamp(log)).streams] == [None]


def test_a_klog_line_behind_bootstrap_s_stamp_is_the_program_s_own():
    # `I0217 23:48:13.310] E0217 23:48:13.247472    9086 runtime.go:66] Observed a panic: …`
    # (samples/wild/knative3258_…): the stamp is taken off, apimachinery's line read
    a = analyze(ROOT / "samples/wild/knative3258_prow_bootstrap_stamp_observed_panic_go112.txt")
    [r] = a.reports
    assert r.message == "Log in goroutine after TestNewConfigurationCallsSyncHandler has completed"
    # (its caller list after it, bare `file:line` lines, is its stack: callers.py)
    assert r.lines == [(2, 7)] and [s.label for s in a.streams] == [None]
