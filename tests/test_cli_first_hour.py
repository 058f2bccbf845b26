"""A new user's first hour: what README's Use, In CI, From Python and Threads
sections promise, done on shipped samples and on the wrong input a user gives.

Every error is one line on stderr with exit code 2, never a Python traceback
(click's own usage errors included); `split -o DIR` puts every character of
the log in one of its files; the API refuses options it cannot use when they
are given, not when they would first be read.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import stackdemux
from stackdemux import sieve
from stackdemux.cli import main

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "samples/interleaved/compose-bbolt.log"
NIL_MAP = ROOT / "samples/go1.27/nil_map.txt"
REGISTRY = ROOT / "samples/threads/registry.log"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def invoke(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(main, list(args), input=stdin)


def stackdemux_process(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    """The command in a process of its own: --tee reads and writes the real stdio."""
    return subprocess.run([sys.executable, "-m", "stackdemux", *args], input=stdin,
                          capture_output=True, env=ENV, timeout=300)


def one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("stackdemux: error: ") and "Traceback" not in stderr
    return lines[0]


# ------------------------------------------------------------ usage errors ---


@pytest.mark.parametrize("args, says", [
    (["-f", "yaml", str(NIL_MAP)], "'yaml' is not one of 'text', 'json'"),
    (["--formt", "json", str(NIL_MAP)], "Did you mean '--format'?"),
    (["--threshold", "101", str(NIL_MAP)], "101.0 is not in the range 0<=x<=100"),
    (["--threshold", "nan", str(NIL_MAP)], "nan is not in the range 0<=x<=100"),
    (["-o", str(ROOT / "samples"), str(NIL_MAP)], "'-o' / '--output'"),
    (["--tee", str(NIL_MAP)], "--tee reads stdin; give no FILE"),
    (["split", str(COMPOSE)], "Missing option '-o' / '--output'"),
    (["threads", str(ROOT / "samples")], "is a directory"),
    (["grammar", "--nope"], "No such option '--nope'"),
])
def test_a_usage_error_is_one_line_on_stderr_and_exit_2(args: list[str], says: str) -> None:
    """README: `2` usage or input error, said in one line on stderr. Click says
    one in three (the usage, a hint, the error); a CI log showed three."""
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    line = one_error_line(result.stderr)
    assert says in line and "--help" in line  # where to look next, on the same line
    assert result.stdout == ""


def test_stdin_named_twice_is_refused_not_read_empty_the_second_time() -> None:
    """`stackdemux - -` read the log once, then an empty second input: a stream
    of 0 lines in the report, as if the user had given two logs."""
    result = invoke("-", "-", stdin=NIL_MAP.read_bytes())
    assert result.exit_code == 2
    assert "given twice" in one_error_line(result.stderr)
    assert invoke("-", stdin=NIL_MAP.read_bytes()).exit_code == 0


def test_a_rules_file_that_is_not_text_is_an_input_error(tmp_path: Path) -> None:
    """A binary file passed as --rules was a Python UnicodeDecodeError, said as
    a bug of ours (exit 3)."""
    rules = tmp_path / "rules.toml.gz"
    rules.write_bytes(gzip.compress((ROOT / "stackdemux/analyse/rules.toml").read_bytes()))
    result = invoke("--rules", str(rules), str(NIL_MAP))
    assert result.exit_code == 2
    assert "not a TOML file" in one_error_line(result.stderr)


# ----------------------------------------------------------------- --tee ---


def test_tee_passes_binary_data_through_then_refuses_it_as_a_file_is() -> None:
    """A binary file piped through --tee reads on stdout as it came; the report
    said it found no crash in so many 'lines' of a 'big log'."""
    data = gzip.decompress(gzip.compress(bytes(range(256)) * 64))  # (every byte value)
    result = stackdemux_process("--tee", stdin=data)
    assert result.stdout == data
    assert result.returncode == 2
    assert "looks like binary data" in one_error_line(result.stderr.decode())


def test_tee_reads_a_gzip_log_as_the_report_does() -> None:
    """`stackdemux < log.gz` reads the gzip's text: so does --tee, passing the
    compressed bytes through untouched."""
    data = gzip.compress(NIL_MAP.read_bytes())
    teed = stackdemux_process("--tee", "-f", "json", stdin=data)
    assert teed.returncode == 0 and teed.stdout == data
    read = stackdemux_process("-f", "json", stdin=data)
    assert json.loads(teed.stderr)["reports"] == json.loads(read.stdout)["reports"]
    assert [r["message"] for r in json.loads(teed.stderr)["reports"]] == [
        "assignment to entry in nil map"]


def test_tee_says_a_small_log_was_read_in_windows_not_that_it_was_big() -> None:
    """--tee sieves stdin whatever its size; only a log of sieve.SIEVE_MIN bytes
    or more is a 'big log'."""
    noise = b"".join(p.read_bytes() for p in sorted((ROOT / "tests/corpus/noise").glob("*.log"))
                     if p.name != "decoys.log")
    log = noise + NIL_MAP.read_bytes()
    assert len(log) < sieve.SIEVE_MIN
    result = stackdemux_process("--tee", "-f", "json", stdin=log)
    (said,) = [d["message"] for d in json.loads(result.stderr)["diagnostics"]]
    kept = re.fullmatch(r"<stdin>: read as it passed through, in windows around its "
                        r"tracebacks: (\d+) of (\d+) lines; the rest is noise", said)
    assert kept and int(kept[2]) == log.count(b"\n") > int(kept[1]) >= 7  # (nil_map's 7)


# ----------------------------------------------------------------- split ---


def test_split_puts_every_character_of_a_prefixed_log_in_one_of_its_files(tmp_path) -> None:
    """compose's `hub-1  | ` prefixes are stripped from the streams' lines: they
    go to prefixes.txt, after their line numbers. From the files split wrote,
    the log is rebuilt line for line: each line's prefix names its service,
    whose file holds the rest of the line next."""
    result = invoke("split", str(COMPOSE), "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert f"{tmp_path / 'prefixes.txt'}: 137 lines: the prefixes stripped" in result.stdout
    streams = {p.name.split("-", 1)[1].removesuffix(".log"): p.read_text().splitlines()
               for p in tmp_path.glob("s*.log")}
    assert sorted(streams) == ["boltd-1", "boltd-2", "hub-1"]
    rebuilt = []
    for row in (tmp_path / "prefixes.txt").read_text().splitlines():
        number, prefix = row.split("\t", 1)
        assert int(number) == len(rebuilt) + 1
        service = next(name for name in streams if f"{name} " in prefix)
        rebuilt.append(prefix + streams[service].pop(0))
    assert rebuilt == COMPOSE.read_text().splitlines()
    assert not any(streams.values()) and (tmp_path / "noise.txt").read_text() == ""


def test_split_of_a_log_without_prefixes_writes_no_prefixes_file(tmp_path: Path) -> None:
    result = invoke("split", str(NIL_MAP), "-o", str(tmp_path))
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["noise.txt", "s1.log"]
    assert "prefixes" not in result.stdout


def test_a_sieved_split_numbers_the_prefixes_by_the_input_lines(tmp_path, monkeypatch) -> None:
    """A big log is read in windows: the prefixes' line numbers are the file's,
    not the windows'."""
    noise = (ROOT / "tests/corpus/noise/go-build-x.log").read_bytes()
    log = tmp_path / "build.log"
    log.write_bytes(noise + COMPOSE.read_bytes() + noise)
    monkeypatch.setattr(sieve, "SIEVE_MIN", 0)
    result = invoke("split", str(log), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    rows = (tmp_path / "out" / "prefixes.txt").read_text().splitlines()
    lines = log.read_text().splitlines()
    before = noise.count(b"\n")
    assert [int(row.split("\t")[0]) for row in rows] == list(range(before + 1, before + 138))
    for row in rows:
        number, prefix = row.split("\t", 1)
        assert lines[int(number) - 1].startswith(prefix) and prefix.endswith("|\x1b[0m ")


# --------------------------------------------------------------- threads ---


def test_threads_json_gives_a_panics_lines_as_spans_not_as_text() -> None:
    """A panic no request claimed gave `"lines": "[(1, 7)]"`, a Python repr."""
    result = invoke("threads", str(NIL_MAP), "-f", "json")
    assert result.exit_code == 0
    (panic,) = json.loads(result.stdout)["panics"]
    assert panic["lines"] == [[1, 7]]
    claimed = json.loads(invoke("threads", str(REGISTRY), "-f", "json").stdout)
    spans = [p["lines"] for t in claimed["threads"] for p in t["panics"]]
    assert spans and all(isinstance(a, int) and a <= b for s in spans for a, b in s)


# ------------------------------------------------------------------- API ---


@pytest.mark.parametrize("threshold", [math.nan, 101, -1, "90", None, True])
def test_options_refuse_a_threshold_they_cannot_compare_with(threshold: object) -> None:
    """A threshold is read only when two groups' titles are compared: 900 or
    "90" passed unseen on a log of one crash."""
    with pytest.raises(ValueError, match="threshold must be a number from 0 to 100"):
        stackdemux.analyze(NIL_MAP, threshold=threshold)
    with pytest.raises(ValueError, match="threshold"):
        stackdemux.Options(threshold=threshold)  # type: ignore[arg-type]


def test_analyze_says_what_it_reads_when_given_something_else() -> None:
    with pytest.raises(stackdemux.InputError) as e:
        stackdemux.analyze(42)  # type: ignore[arg-type]
    assert str(e.value) == ("cannot read a log from int 42: pass a path, bytes, log text "
                            "(a str with a newline) or an open file")


@pytest.mark.parametrize("name", ["noise.txt", "s1.log"])
def test_split_refuses_to_write_over_the_log_it_splits(tmp_path: Path, name: str) -> None:
    """`split out/s1.log -o out` (a stream split again where it lies), or a log
    called noise.txt: split replaced the log by its own part, and a big log's
    noise was read back from the new file."""
    log = tmp_path / name
    log.write_bytes(NIL_MAP.read_bytes())
    result = invoke("split", str(log), "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "split would write over it" in one_error_line(result.stderr)
    assert log.read_bytes() == NIL_MAP.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_threads_says_a_link_key_no_thread_carries() -> None:
    """README's `--link vars.uuid` mistyped chained no story, and said nothing."""
    for summary in ([], ["--summary"]):
        result = invoke("threads", str(REGISTRY), "--link", "vars.uid", *summary)
        assert result.exit_code == 0
        assert "warning: no thread carries the link key 'vars.uid': no stories" in result.output
    right = invoke("threads", str(REGISTRY), "--link", "vars.uuid", "--errors")
    assert "linked by vars.uuid: 2 stories" in right.stdout and "warning" not in right.output


def test_a_closed_stderr_leaves_the_report_on_stdout() -> None:
    """`stackdemux log 2>&-` (a service with no stderr): the progress line's
    check of its terminal failed, an internal error (exit 3) and no report."""
    def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([sys.executable, "-m", "stackdemux", *args], input=stdin,
                              stdout=subprocess.PIPE, env=ENV, timeout=300,
                              preexec_fn=lambda: os.close(2))

    closed = run(str(NIL_MAP))
    assert closed.returncode == 0
    assert closed.stdout == invoke(str(NIL_MAP)).stdout.encode()
    assert run(str(ROOT / "no such.log")).returncode == 2
    # --tee's report goes to stderr: with none, the log still passes through, and
    # the report is not written into it
    teed = run("--tee", stdin=NIL_MAP.read_bytes())
    assert teed.stdout == NIL_MAP.read_bytes() and teed.returncode == 2


def test_a_prefix_that_matches_no_line_is_said_not_silently_unused(tmp_path: Path) -> None:
    """`--prefix` that fits no line (anchored at the line start, as every prefix
    is) was dropped without a word: the user believed the log read by it."""
    wrong = r"^\[(?P<key>[\w-]+)\] "  # (compose writes `hub-1  | `, no brackets)
    result = invoke("--prefix", wrong, str(COMPOSE), "-f", "json")
    said = [d["message"] for d in json.loads(result.stdout)["diagnostics"]]
    assert said == [f"{COMPOSE}: --prefix {wrong!r} matched no line at its start: "
                    "the log was read without it"]
    split = invoke("split", "--prefix", wrong, str(COMPOSE), "-o", str(tmp_path))
    assert "matched no line" in split.stderr
    right = r"^\x1b\[\d+m(?P<key>[\w-]+) +\|\x1b\[0m "
    read = json.loads(invoke("--prefix", right, str(COMPOSE), "-f", "json").stdout)
    assert read["diagnostics"] == []
    assert sorted(s["label"] for s in read["streams"]) == ["boltd-1", "boltd-2", "hub-1"]


def test_the_report_refuses_to_write_over_its_own_log(tmp_path: Path) -> None:
    """`stackdemux build.log -o build.log` read the log, then replaced it by
    the report: the log was lost."""
    log = tmp_path / "build.log"
    log.write_bytes(NIL_MAP.read_bytes())
    result = invoke(str(log), "-o", str(tmp_path / "." / "build.log"))
    assert result.exit_code == 2
    assert "is also an input: the report would replace the log" in one_error_line(result.stderr)
    assert log.read_bytes() == NIL_MAP.read_bytes()
    assert invoke(str(log), "-o", str(tmp_path / "report.txt")).exit_code == 0


def test_typed_alone_at_a_terminal_it_says_it_reads_stdin() -> None:
    """`stackdemux` alone at a terminal waited for a log without a word, as if
    it hung; on a pipe it says nothing (tested everywhere else)."""
    pty = pytest.importorskip("pty")
    import select
    import time

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "stackdemux"], stdin=slave,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    os.close(slave)
    try:
        ready, _, _ = select.select([proc.stderr], [], [], 60)
        said = proc.stderr.readline() if ready else b""  # type: ignore[union-attr]
        while proc.poll() is None:  # Ctrl-D ends the log (once the reader waits for it)
            os.write(master, b"\x04")
            time.sleep(0.2)
    finally:
        proc.kill()
        os.close(master)
    assert said == (b"stackdemux: reading a log from stdin: paste it, then Ctrl-D "
                    b"(stackdemux --help for more)\n")
    assert proc.returncode == 0
    assert proc.stdout.read() == b"No Go crash or goroutine dump found in 0 lines.\n"  # type: ignore[union-attr]


@pytest.mark.parametrize(("typed", "meant"), [("splitt", "split"), ("thread", "threads"),
                                              ("gramar", "grammar")])
def test_a_misspelt_command_is_named_not_only_said_missing(typed: str, meant: str,
                                                            tmp_path: Path,
                                                            monkeypatch) -> None:
    # `stackdemux splitt LOG` read `splitt` as a log: `splitt: no such file`
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [typed, str(tmp_path / "build.log")])
    assert result.exit_code == 2
    assert result.stderr == (f"stackdemux: error: {typed}: no such file, nor a command: "
                             f"did you mean `stackdemux {meant}`?\n")


def test_a_missing_log_named_like_no_command_is_only_missing(tmp_path: Path,
                                                              monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build.log"])
    assert (result.exit_code, result.stderr) == (2, "stackdemux: error: build.log: no such "
                                                    "file\n")
