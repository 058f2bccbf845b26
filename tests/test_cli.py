"""The command line: what a user types, what they read, and the exit code."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import sample_path

from stackdemux.cli import main

REPORT_KEYS = {"id", "stream", "kind", "message", "chain", "signal", "goroutines", "lines"}


def run(*args: str, input: bytes | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def test_json_output_has_the_contract_keys():
    result = run("--format", "json", str(sample_path("nil_pointer")))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["stackdemux"] == 1
    assert {"reports", "streams", "groups", "noise"} <= set(doc)
    (report,) = doc["reports"]
    assert set(report) >= REPORT_KEYS
    assert report["kind"] == "panic" and report["signal"]["name"] == "SIGSEGV"
    frame = report["goroutines"][0]["frames"][0]
    assert {"func", "args", "file", "line", "offset"} <= set(frame)
    assert doc["groups"][0]["reports"] == [report["id"]]


def test_created_by_in_json_names_its_goroutine():
    doc = json.loads(run("--format", "json", str(sample_path("panic_in_goroutine", "1.27"))).output)
    cb = doc["reports"][0]["goroutines"][0]["created_by"]
    assert {"func", "file", "line", "goroutine"} <= set(cb) and cb["goroutine"] == 1


def test_text_summary_names_kind_message_and_frames():
    result = run(str(sample_path("nil_map")))
    assert result.exit_code == 0
    assert "assignment to entry in nil map" in result.output
    assert "main." in result.output


def test_stdin_and_dash_read_the_same():
    data = sample_path("deadlock").read_bytes()
    a = run("--format", "json", input=data)
    b = run("--format", "json", "-", input=data)
    assert a.exit_code == b.exit_code == 0
    assert json.loads(a.output)["reports"] == json.loads(b.output)["reports"]


def test_several_files_make_one_analysis():
    files = [str(sample_path("nil_map")), str(sample_path("deadlock"))]
    doc = json.loads(run("--format", "json", *files).output)
    assert [r["kind"] for r in doc["reports"]] == ["panic", "fatal error"]


def test_gzip_file_is_read(tmp_path: Path):
    gz = tmp_path / "crash.log.gz"
    gz.write_bytes(gzip.compress(sample_path("nil_map").read_bytes()))
    doc = json.loads(run("--format", "json", str(gz)).output)
    assert doc["reports"][0]["message"] == "assignment to entry in nil map"


def test_fail_on_crash_exits_1_only_when_there_is_a_crash(tmp_path: Path):
    assert run("--fail-on-crash", str(sample_path("nil_map"))).exit_code == 1
    quiet = tmp_path / "quiet.log"
    quiet.write_text("all good\n")
    assert run("--fail-on-crash", str(quiet)).exit_code == 0


def test_a_go_test_that_failed_without_crashing_fails_the_step_too():
    # README's and --help's word: a go test's t.Errorf fails --fail-on-crash as a
    # panic does (the step ran `go test` to fail on it); the log holds no stack
    failed = sample_path("test_fail_plain")
    kinds = {r["kind"] for r in json.loads(run("--format", "json", str(failed)).output)["reports"]}
    assert kinds == {"test failure"}
    assert run("--fail-on-crash", str(failed)).exit_code == 1
    assert run(str(failed)).exit_code == 0


def test_a_goroutine_dump_alone_is_no_crash_to_fail_on():
    # pprof's debug=2 page and runtime.Stack are printed on purpose: a CI job
    # that fails on crashes must not fail on them, yet they are still reported.
    dump = sample_path("pprof_debug2")
    assert json.loads(run("--format", "json", str(dump)).output)["reports"]
    assert run("--fail-on-crash", str(dump)).exit_code == 0
    assert run("--fail-on-crash", str(dump), str(sample_path("nil_map"))).exit_code == 1


@pytest.mark.parametrize("content, words", [
    (b"\x7fELF\x02\x01\x01" + bytes(100), "ELF"),
    (bytes(range(256)) * 40, "binary"),
])
def test_binary_junk_is_one_line_error_exit_2(tmp_path: Path, content, words):
    f = tmp_path / "junk"
    f.write_bytes(content)
    result = CliRunner().invoke(main, [str(f)])
    assert result.exit_code == 2
    assert words in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_missing_file_is_one_line_error_exit_2(tmp_path: Path):
    result = run(str(tmp_path / "nope.log"))
    assert result.exit_code == 2 and "no such file" in result.output


def test_an_unknown_option_is_a_usage_error_exit_2():
    assert run("--no-such-option").exit_code == 2


def test_the_console_script_runs_as_a_process():
    exe = shutil.which("stackdemux", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "stackdemux.cli"]
    data = sample_path("panic_in_goroutine").read_bytes()
    proc = subprocess.run([*cmd, "--format", "json"], input=data, capture_output=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(proc.stdout)["reports"][0]["message"].startswith("boom")
    junk = subprocess.run(cmd, input=b"\x7fELF" + bytes(64), capture_output=True, timeout=60,
                          check=False)
    assert junk.returncode == 2 and b"Traceback" not in junk.stderr


def test_a_progress_line_is_drawn_only_after_a_second_and_erased() -> None:
    """Slow runs on a terminal show which stage they are in; quick ones print nothing."""
    import io
    import time

    from stackdemux.progress import Progress

    quick = io.StringIO()
    with Progress(quick, delay=1.0, enabled=True):
        pass
    assert quick.getvalue() == ""

    slow = io.StringIO()
    with Progress(slow, delay=0.01, interval=0.01, enabled=True) as progress:
        progress.update("parsing", 0.5)
        time.sleep(0.2)
    drawn = slow.getvalue()
    assert "parsing [" in drawn and "50%" in drawn
    assert drawn.endswith("\r\x1b[2K")  # the line is erased at the end


def test_split_writes_each_process_to_its_own_file_and_loses_no_line(tmp_path) -> None:
    """`stackdemux split` on a real compose log: one file per service, each holding
    exactly what that process wrote, and every input line in exactly one file."""
    from pathlib import Path

    from click.testing import CliRunner

    from stackdemux.cli import main

    case = Path(__file__).parent / "corpus" / "cases" / "bolt-prefix-compose"
    log = case / "input.log"
    result = CliRunner().invoke(main, ["split", str(log), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = {p.name: p.read_text() for p in tmp_path.iterdir()}
    assert written.pop("noise.txt") == ""
    # compose's `hub-1  | ` before every line: one line of prefixes.txt each
    assert written.pop("prefixes.txt").count("\n") == len(log.read_text().splitlines())
    total = sum(text.count("\n") for text in written.values())
    assert total == len(log.read_text().splitlines())
    outputs = sorted((case / f"p{i}.out").read_text() for i in range(3))
    assert sorted(written.values()) == outputs


def test_split_says_what_it_repaired_and_on_which_lines(tmp_path) -> None:
    """A repair that dropped no input line names no line (not `line : …`); one
    that dropped lines names them."""
    cases = Path(__file__).parent / "corpus" / "cases"
    tabs = CliRunner().invoke(main, [
        "split", str(cases / "bolt-paste-html+lost-tabs" / "input.log"), "-o", str(tmp_path / "a")])
    assert "stackdemux: info: repaired paste damage: lost tabs" in tabs.output
    assert "line :" not in tabs.output
    gutter = CliRunner().invoke(main, [
        "split", str(cases / "twelve-paste-gutter-collapsed" / "input.log"),
        "-o", str(tmp_path / "b")])
    # the paste began with its gutter collapsed onto one line, `1 2 3 4 …`
    assert "stackdemux: info: line 1: repaired paste damage: collapsed gutter" in gutter.output


def test_split_names_the_first_lines_of_a_long_diagnostic_and_counts_the_rest(tmp_path) -> None:
    """concurrently cut this crash's lines 174 times: each diagnostic names its
    first three places and how many more, as the reports do, not all of them
    on one line of stderr."""
    log = Path(__file__).parent.parent / "samples" / "interleaved" / "concurrently-crash.log"
    result = CliRunner().invoke(main, ["split", str(log), "-o", str(tmp_path)])
    cuts = [line for line in result.output.splitlines() if "collector cut" in line]
    named = json.loads(run(str(log), "--format", "json").output)["diagnostics"]
    counts = sorted(len(d["lines"]) for d in named if "collector cut" in d["message"])
    assert cuts and all(len(line) < 120 for line in cuts)
    # the rest counted, not dropped silently
    assert sorted(3 + int(line.split(", +")[1].split(":")[0]) for line in cuts) == counts


def test_the_api_reads_a_path_bytes_or_text_and_a_mistyped_path_is_an_error(tmp_path) -> None:
    from pathlib import Path

    import stackdemux

    sample = Path(__file__).parent.parent / "samples" / "go1.27" / "nil_map.txt"
    by_path = stackdemux.analyze(str(sample))
    by_bytes = stackdemux.analyze(sample.read_bytes())
    by_text = stackdemux.analyze(sample.read_text())
    assert [r.message for r in by_path.reports] == [r.message for r in by_bytes.reports] \
        == [r.message for r in by_text.reports] == ["assignment to entry in nil map"]
    with pytest.raises(stackdemux.InputError, match="no such file"):
        stackdemux.analyze(str(tmp_path / "mistyped.log"))


def test_python_dash_m_stackdemux_is_the_command():
    proc = subprocess.run([sys.executable, "-m", "stackdemux", "--format", "json"],
                          input=sample_path("panic_in_goroutine").read_bytes(),
                          capture_output=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(proc.stdout)["reports"][0]["message"].startswith("boom")


def test_bytes_that_are_not_utf8_are_counted_and_said(tmp_path: Path):
    data = sample_path("nil_map").read_bytes()
    log = tmp_path / "latin1.log"
    log.write_bytes(b"caf\xe9 ready\n" + data)
    doc = json.loads(run("--format", "json", str(log)).output)
    assert any("1 line held bytes that are not UTF-8" in d["message"]
               and d["severity"] == "info" for d in doc["diagnostics"])
    assert doc["reports"][0]["message"] == "assignment to entry in nil map"


def test_a_report_that_cannot_be_written_is_an_error_of_the_environment_exit_2():
    cmd = [sys.executable, "-m", "stackdemux", str(sample_path("nil_map"))]
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(cmd, stdout=full, stderr=subprocess.PIPE, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("stackdemux: error: cannot write the report")


def test_split_into_a_place_that_cannot_be_written_exits_2(tmp_path: Path):
    result = CliRunner().invoke(main, ["split", str(sample_path("nil_map")), "-o",
                                       "/proc/stackdemux-split"])
    assert result.exit_code == 2
    assert "cannot write" in result.output


def test_a_bad_prefix_regex_is_named_once():
    result = run("--prefix", "(", str(sample_path("nil_map")))
    assert result.exit_code == 2
    assert result.output.count("--prefix") == 1, result.output


def test_split_prints_stream_labels_without_their_escape_sequences(tmp_path: Path):
    # a GNU parallel tag is log text: it may hold any escape sequence
    log = tmp_path / "tags.log"
    log.write_text("".join(f"\x1b]0;PWNED\x07\u202eevil\t{ln}\n"
                           for ln in sample_path("nil_pointer").read_text().splitlines()))
    result = CliRunner().invoke(main, ["split", str(log), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0 and "evil" in result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output
