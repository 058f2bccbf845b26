"""`--indent` indents the JSON report; with any other format it has nothing to
indent. It was ignored without a word (`stackdemux --indent build.log` printed
the text report as if the flag were not there); now it is a usage error, said
in one line before any input is read (so `--tee` passes no half log), exit 2.
So is `--color` with a format that has no colours (all but text): `--no-color`
asks for nothing and is taken with any."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from stackdemux.cli import FORMATS, main

LOG = str(Path(__file__).resolve().parent.parent / "samples/interleaved/compose-bbolt.log")


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "json"])
def test_indent_with_another_format_is_a_usage_error_in_one_line(fmt):
    result = CliRunner().invoke(main, ["-f", fmt, "--indent", LOG])
    assert result.exit_code == 2
    (line,) = result.output.splitlines()
    assert line.startswith(f"stackdemux: error: --indent indents only -f json's report, "
                           f"not -f {fmt}'s")


def test_indent_with_the_default_format_names_it():
    result = CliRunner().invoke(main, ["--indent", LOG])
    assert result.exit_code == 2
    assert "not -f text's" in result.output


def test_a_usage_error_points_at_the_help_of_the_command_the_user_typed():
    # `stackdemux --indent LOG` runs the report command unnamed: its options are
    # in `stackdemux --help`; one who typed `split` is pointed at split's help
    said = CliRunner().invoke(main, ["--indent", LOG], prog_name="stackdemux").output
    assert said.rstrip().endswith("(see 'stackdemux --help')")
    said = CliRunner().invoke(main, ["split", "--bogus", LOG], prog_name="stackdemux").output
    assert said.rstrip().endswith("(see 'stackdemux split --help')")


def test_indent_with_tee_refuses_before_the_log_is_passed_through():
    log = Path(LOG).read_bytes()
    result = CliRunner().invoke(main, ["--tee", "-f", "github", "--indent"], input=log)
    assert result.exit_code == 2
    assert "panic:" not in result.stdout  # (no part of the log was copied through)


def test_indent_indents_the_json_report():
    result = CliRunner().invoke(main, ["-f", "json", "--indent", LOG])
    assert result.exit_code == 0
    assert result.output.startswith('{\n  "stackdemux": 1,')
    plain = CliRunner().invoke(main, ["-f", "json", LOG]).output
    assert json.loads(result.output) == json.loads(plain)


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "text"])
def test_color_with_a_format_that_has_none_is_a_usage_error(fmt):
    result = CliRunner().invoke(main, ["-f", fmt, "--color", LOG])
    assert result.exit_code == 2
    (line,) = result.output.splitlines()
    assert line.startswith(f"stackdemux: error: --color colours only the text report, "
                           f"not -f {fmt}'s")
    assert CliRunner().invoke(main, ["-f", fmt, "--no-color", LOG]).exit_code == 0


def test_color_colours_the_text_report():
    result = CliRunner().invoke(main, ["--color", LOG])
    assert result.exit_code == 0 and "\x1b[" in result.output
