"""What a CI job meets: a report printed into a job's log is not obeyed by the runner,
and `stackdemux threads` exits as the report command does."""

from pathlib import Path

import pytest
from click.testing import CliRunner
from test_malicious import runner_commands

from stackdemux import analyze
from stackdemux.render import RenderOptions, render
from stackdemux.threads.cli import threads_command

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def panic_saying(message: str) -> bytes:
    # a real panic (samples/go1.27/panic_string.txt) with an attacker's message
    real = (SAMPLES / "go1.27" / "panic_string.txt").read_bytes()
    assert real.startswith(b"panic: boom\n")
    return b"panic: " + message.encode() + real[len(b"panic: boom"):]


@pytest.mark.parametrize("width", [40, 60, 80, 100, 120])
@pytest.mark.parametrize("verbose", [False, True])
def test_a_wrapped_log_value_never_starts_a_workflow_command(width, verbose):
    # `stackdemux build.log` in a GitHub Actions step: the runner obeys any line whose
    # first non-blank characters are `::`, wherever the text report wraps
    words = " ".join(f"w{i}" * (i % 7 + 1) for i in range(40))
    message = f"{words} ::add-mask::PWNED {words} ::stop-commands::x {words} ::error::PWNED"
    analysis = analyze(panic_saying(message))
    out = render(analysis, "text", RenderOptions(width=width, verbose=verbose))
    assert "::add-mask::PWNED" in out.replace("\n", " ")  # the value is shown, whole
    assert runner_commands(out) == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["nope.log"], "no such file"),
        (["--since", "yesterday", "LOG"], "not a time"),
        (["--grep", "(", "LOG"], "not a valid regular expression"),
        (["--summary", "--format", "markdown", "LOG"], "not markdown"),
    ],
)
def test_threads_input_and_usage_errors_exit_2_in_one_line(args, words):
    log = str(SAMPLES / "threads" / "registry.log")
    result = CliRunner().invoke(threads_command, [log if a == "LOG" else a for a in args])
    assert result.exit_code == 2, result.output
    assert words in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("summary", [False, True])
def test_threads_text_never_starts_a_line_with_a_workflow_command(tmp_path, summary):
    # the registry's log with its first request's method gone and an attacker's URI
    real = (SAMPLES / "threads" / "registry.log").read_text()
    hostile = real.replace("http.request.method=HEAD ", "").replace(
        'http.request.uri="/v2/ci/app/blobs/', 'http.request.uri="::add-mask::PWNED/')
    assert hostile != real
    log = tmp_path / "registry.log"
    log.write_text(hostile)
    args = [str(log), *(["--summary"] if summary else [])]
    result = CliRunner().invoke(threads_command, args)
    assert result.exit_code == 0, result.output
    assert "::add-mask::PWNED/" in result.output
    assert runner_commands(result.output) == []


REGISTRY = SAMPLES / "threads" / "registry.log"


def test_threads_reads_gzip_and_bytes_from_stdin_as_from_a_file(tmp_path):
    # `zcat`-less pipelines: `kubectl logs … | gzip | …` or an artifact piped in
    import gzip

    from_file = CliRunner().invoke(threads_command, [str(REGISTRY)])
    piped = CliRunner().invoke(threads_command, ["-"], input=gzip.compress(REGISTRY.read_bytes()))
    assert piped.exit_code == 0, piped.output
    assert ": 957 lines, 942 records (logfmt 941, stdlog 1)" in piped.output.split("\n", 1)[0]
    assert piped.output.split("\n", 1)[1] == from_file.output.split("\n", 1)[1]


def test_threads_reads_a_cut_gzip_as_far_as_it_goes(tmp_path):
    # an artifact whose download stopped: the requests before the cut are threaded
    import gzip

    whole = gzip.compress(REGISTRY.read_bytes())
    cut = tmp_path / "registry.log.gz"
    cut.write_bytes(whole[: len(whole) // 3])
    result = CliRunner().invoke(threads_command, [str(cut)])
    assert result.exit_code == 0, result.output
    head = result.output.splitlines()
    assert head[0].startswith(f"{cut}: ") and " 0 records" not in head[0]
    assert any("a damaged gzip file, read as far as it goes" in ln for ln in head[:6])
    assert "Traceback" not in result.output and "internal error" not in result.output


@pytest.mark.parametrize("summary", [False, True])
def test_a_key_no_record_carries_is_said_with_the_keys_that_would_thread(summary):
    args = [str(REGISTRY), "--key", "http.requst.id", *(["--summary"] if summary else [])]
    result = CliRunner().invoke(threads_command, args)
    assert result.exit_code == 0
    assert ("warning: no record carries the key 'http.requst.id' "
            "(keys that thread records here: http.request.id)") in result.output
