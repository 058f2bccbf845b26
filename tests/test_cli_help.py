"""`stackdemux --help`, the first thing a new user types, says what README's Use
section says: every option of `stackdemux [OPTIONS] [FILE]...` in README's table,
the commands, and the exit codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from stackdemux.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _readme_options() -> list[str]:
    """The long options of README's option table (`| `-f, --format` | … |`)."""
    use = (ROOT / "README.md").read_text(encoding="utf-8").split("## Use", 1)[1]
    table = use.split("**Exit codes**", 1)[0]
    return re.findall(r"^\| `(?:-\w, )?(--[\w-]+)", table, re.MULTILINE)


def _help(*args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    return result.output


def test_readme_s_option_table_is_read() -> None:
    assert {"--format", "--fail-on-crash", "--tee", "--threshold"} <= set(_readme_options())


@pytest.mark.parametrize("option", _readme_options())
def test_the_top_help_lists_each_option_readme_gives_the_main_command(option: str) -> None:
    # (`--color / --no-color` is one row in both)
    said = [ln for ln in _help().splitlines() if re.match(rf"\s+(-\w, )?{option}\b", ln)]
    assert said, f"{option} not in `stackdemux --help`"


def test_the_top_help_says_each_option_once_and_its_commands() -> None:
    out = _help()
    assert out.count("-h, --help") == 1
    assert out.count("--version") == 1
    for command in ("grammar", "report", "split", "threads"):
        assert re.search(rf"^  {command}\s", out, re.MULTILINE), command
    assert "Exit codes: 0" in out
    assert "[FILES]" not in out  # (an argument is no option)


def test_the_report_command_s_help_says_the_same_options() -> None:
    top = {m.group(1) for m in re.finditer(r"^\s+(?:-\w, )?(--[\w-]+)", _help(), re.MULTILINE)}
    report = {m.group(1) for m in re.finditer(r"^\s+(?:-\w, )?(--[\w-]+)", _help("report"),
                                              re.MULTILINE)}
    assert top - {"--version"} == report
