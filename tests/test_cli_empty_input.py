"""An empty log is said: a CI step that forgot the log's name (`stackdemux -f markdown
>> "$GITHUB_STEP_SUMMARY"`) reads the runner's empty stdin, and its report said "no
crash" as a clean build's does. The report is still written, exit status 0."""

from __future__ import annotations

from click.testing import CliRunner

from stackdemux.cli import main

WARNING = ("stackdemux: warning: {}: empty, no log was read (give the log as FILE, or pipe "
           "the build's output in)")


def _run(*args: str, stdin: str = ""):
    return CliRunner().invoke(main, list(args), input=stdin)


def test_an_empty_stdin_is_said_beside_the_report():
    result = _run("-f", "markdown", "--fail-on-crash")
    assert result.exit_code == 0
    assert result.stdout == "## stackdemux\n\nNo Go crash or goroutine dump found in 0 lines.\n"
    assert result.stderr == WARNING.format("<stdin>") + "\n"


def test_an_empty_file_is_named(tmp_path):
    log = tmp_path / "build.log"
    log.write_bytes(b"")
    result = _run("-f", "github", str(log))
    assert result.exit_code == 0 and "::group::stackdemux: no Go crash" in result.stdout
    assert result.stderr == WARNING.format(log) + "\n"


def test_a_log_of_one_empty_line_is_a_log_read():
    result = _run(stdin="\n")
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout == "No Go crash or goroutine dump found in 1 line.\n"
