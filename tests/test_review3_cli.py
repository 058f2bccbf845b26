"""The command as a CI job and a shell use it: `--tee` behind a collector's
prefixes, and closed standard streams answered in one line with exit 2."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "samples/interleaved/compose-bbolt.log"
CONCURRENTLY = ROOT / "samples/interleaved/concurrently-crash.log"
NIL_POINTER = ROOT / "samples/go1.27/nil_pointer.txt"


def stackdemux(*args: str, stdin: bytes | None = None,
               close: str = "") -> subprocess.CompletedProcess:
    """Run the command; `close` names standard streams to close first ("<", ">")."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("STACKDEMUX_DEBUG", None)
    cmd = [sys.executable, "-m", "stackdemux", *args]
    if close:
        redirs = " ".join({"<": "<&-", ">": ">&-"}[c] for c in close)
        cmd = ["sh", "-c", f'exec "$@" {redirs}', "sh", *cmd]
    return subprocess.run(cmd, input=stdin, capture_output=True, env=env, timeout=120)


def reports_and_groups(document: bytes) -> tuple[list, list]:
    doc = json.loads(document)
    return ([(r["message"], r["lines"]) for r in doc["reports"]],
            [(g["title"], g["fingerprint"]) for g in doc["groups"]])


@pytest.mark.parametrize("log", [COMPOSE, CONCURRENTLY], ids=lambda p: p.name)
def test_tee_finds_the_crashes_behind_a_collectors_prefixes(log):
    # `docker compose up 2>&1 | stackdemux --tee -f github --fail-on-crash` must
    # see the services' crashes: --tee found none in a prefixed log, and exited 0.
    data = log.read_bytes()
    teed = stackdemux("--tee", "-f", "json", "--fail-on-crash", stdin=data)
    assert teed.stdout == data  # passed through byte for byte
    assert teed.returncode == 1
    whole = stackdemux("-f", "json", str(log))
    assert reports_and_groups(teed.stderr) == reports_and_groups(whole.stdout)
    assert reports_and_groups(teed.stderr)[0]  # (not two empty reports)


@pytest.mark.parametrize("args", [
    ("-f", "json"), ("--tee",), ("split", "-", "-o", "out"), ("threads", "-"), ("grammar",),
], ids=" ".join)
def test_a_closed_stdin_is_an_input_error_in_one_line(args, tmp_path):
    # `stackdemux <&-` (a cron job, a service without stdin): Python leaves sys.stdin None
    run = stackdemux(*[str(tmp_path / a) if a == "out" else a for a in args], close="<")
    assert run.returncode == 2
    assert run.stderr.decode() == "stackdemux: error: stdin is closed: give a FILE to read\n"


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_closed_stdout_is_an_output_error_in_one_line(fmt):
    run = stackdemux("-f", fmt, str(NIL_POINTER), close=">")
    assert run.returncode == 2
    assert run.stderr.decode() == ("stackdemux: error: cannot write the report: "
                                   "stdout is closed (give -o FILE)\n")


def test_tee_with_a_closed_stdout_still_reports():
    run = stackdemux("--tee", "--fail-on-crash", stdin=NIL_POINTER.read_bytes(), close=">")
    assert run.returncode == 1
    # (a warning first: the log --tee was to pass through went to no one)
    warning, report = run.stderr.split(b"\n", 1)
    assert warning.startswith(b"stackdemux: warning: stdout is closed: --tee passes the log")
    assert report.startswith(b"1 report in 1 group")


def test_grammar_reads_stdin_lines_as_a_log_is_read():
    # CRLF ends a line as LF does; each line is read once
    run = stackdemux("grammar", stdin=b"main.main()\r\n\t/app/main.go:49 +0x1d\r\n")
    assert run.returncode == 0
    kinds = [line.split("\t")[0] for line in run.stdout.decode().splitlines()]
    assert kinds == ["frame_call", "frame_file"]


def test_threads_takes_f_for_its_format_as_the_report_does():
    run = stackdemux("threads", "-f", "json", str(ROOT / "samples/threads/registry.log"))
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)


def test_grammar_piped_to_head_stops_quietly():
    # `stackdemux grammar < log | head -1`: the reader goes away, no traceback, exit 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    lines = NIL_POINTER.read_bytes() * 2000  # far more output than a pipe holds
    proc = subprocess.Popen([sys.executable, "-m", "stackdemux", "grammar"], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdin.write(lines)
    proc.stdin.close()
    assert proc.stdout.readline()
    proc.stdout.close()
    assert proc.wait(timeout=120) == 0
    assert proc.stderr.read() == b""


def test_split_says_a_gzip_was_cut_short_as_the_report_does(tmp_path):
    # a CI artifact downloaded half-way: the lines before the cut are split, and
    # the user is told the rest is missing
    whole = gzip.compress((ROOT / "samples/go1.27/skopeo_vendor.txt").read_bytes())
    cut = tmp_path / "build.log.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    said = "the gzip file ends early (cut off, or copied while written)"
    report = json.loads(stackdemux("-f", "json", str(cut)).stdout)
    assert any(said in d["message"] for d in report["diagnostics"])
    run = stackdemux("split", str(cut), "-o", str(tmp_path / "out"))
    assert run.returncode == 0
    assert said in run.stderr.decode()
    assert (tmp_path / "out/s1.log").read_bytes()


def test_grammar_lark_leaves_a_line_too_long_for_earley_unread_and_says_so():
    # a real 108 KB panic line: lark's Earley parser on a line this long took
    # minutes and gigabytes (a 64 KiB frame file line: 98 s, 9 GB)
    long_panic = ROOT / "tests/data/long_panic/long-panic-go1.27.3.txt"
    lines = long_panic.read_bytes().split(b"\n")
    run = stackdemux("grammar", "--lark", stdin=b"\n".join(lines[:3]) + b"\n")
    assert run.returncode == 0
    first, *rest = run.stdout.decode().splitlines()
    assert first == f"unread\t{{'length': {len(lines[0])}}}"
    assert [line.split("\t")[0] for line in rest] == ["blank", "goroutine_header"]
    assert run.stderr.decode() == (
        f"stackdemux: warning: line 1: {len(lines[0])} characters, over 4096 for lark's "
        "Earley parser (without --lark the classifier reads lines up to 64 KiB)\n")


def test_tee_reads_a_utf16_log_as_the_report_does():
    # PowerShell 5's `>` writes UTF-16 with a byte order mark: --tee found nothing in it
    data = COMPOSE.read_text(encoding="utf-8").encode("utf-16")
    teed = stackdemux("--tee", "-f", "json", stdin=data)
    assert teed.stdout == data
    whole = stackdemux("-f", "json", stdin=data)
    assert reports_and_groups(teed.stderr) == reports_and_groups(whole.stdout)
    assert len(reports_and_groups(teed.stderr)[1]) == 2


def test_split_of_a_pipe_writes_what_a_whole_read_writes(tmp_path, monkeypatch):
    # `stackdemux split <(zcat build.log.gz) -o out`: a big log was sieved and its
    # noise copied from the path again, which a pipe cannot give twice: noise.txt
    # was empty while the command said "1199840 lines of noise"
    from click.testing import CliRunner

    from stackdemux import sieve
    from stackdemux.cli import main

    noise = b"".join(p.read_bytes() for p in sorted((ROOT / "tests/corpus/noise").glob("*.log"))
                     if p.name != "decoys.log")
    log = noise + NIL_POINTER.read_bytes() + noise + COMPOSE.read_bytes() + noise

    def split(path: Path, out: str) -> list[bytes]:
        result = CliRunner().invoke(main, ["split", str(path), "-o", str(tmp_path / out)])
        assert result.exit_code == 0, result.output
        # (prefixes.txt holds the prefixes stripped from compose's lines, not lines)
        return sorted(line for p in (tmp_path / out).iterdir() if p.name != "prefixes.txt"
                      for line in p.read_bytes().splitlines())

    regular = tmp_path / "build.log"
    regular.write_bytes(log)
    whole = split(regular, "whole")  # (under SIEVE_MIN: read whole)
    monkeypatch.setattr(sieve, "SIEVE_MIN", 0)  # every log is big
    read_end, write_end = os.pipe()  # what bash's <(...) gives: /dev/fd/N

    def feed() -> None:
        with os.fdopen(write_end, "wb") as w:
            w.write(log)

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        piped = split(Path(f"/dev/fd/{read_end}"), "piped")
    finally:
        writer.join()
        os.close(read_end)
    assert piped == whole
    assert len(piped) == log.count(b"\n")
