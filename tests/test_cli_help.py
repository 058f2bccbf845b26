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


# Real captures whose text reports hold every label of the field column
LABELLED = ["interleaved/compose-bbolt.log", "gccgo12/gccgo_repanic.txt",
            "gccgo12/gccgo_sigquit.txt", "go1.19/runtime_stack.txt", "go1.19/test_panic.txt",
            "go1.21/sigquit_crash_busy.txt", "go1.27/debug_printstack.txt",
            "wild/balena175_journald_double_spaced_yocto_arm.txt",
            "wild/goblog_testing_time_synctest_deadlock_stacks_elided_go125.txt",
            "go1.27/test_fail_plain.txt"]


def _labels(text: str) -> set[str]:
    """The labels of a text report's field column (`    culprit   …`): the lines
    under each group's title down to its stack."""
    labels, in_fields = set(), False
    for ln in text.splitlines():
        if re.match(r"\d+\) ", ln):
            in_fields = True
        elif not ln.strip():
            in_fields = False
        elif in_fields and re.fullmatch(r"    [a-z][a-z ]{0,8} \S", ln[:15]):
            labels.add(ln[4:13].rstrip())
    return labels


def test_every_label_of_the_text_report_is_said_by_the_top_help() -> None:
    from stackdemux.api import analyze_many
    from stackdemux.render import RenderOptions, render

    labels: set[str] = set()
    for name in LABELLED:
        labels |= _labels(render(analyze_many([str(ROOT / "samples" / name)]), "text",
                                 RenderOptions()))
    assert {"where", "kind", "culprit", "our code", "chain", "hint", "panics", "test",
            "tests", "partial", "threads", "dumped by", "waits in", "seen in",
            "runs in", "message", "failed"} <= labels
    said = _help().split("The text report", 1)[1].split("Exit codes", 1)[0]
    for label in labels:
        # a row's label, or named in another row's parentheses
        assert re.search(rf"(^\s+|\(|[,:] ){label}\b", said, re.MULTILINE), label
    assert "▸" in said and "(new goroutine)" in said


def test_the_top_help_names_every_exit_code_readme_names() -> None:
    said = _help().split("Exit codes:", 1)[1].split("Options:", 1)[0]
    for code in ("0", "1", "2", "3", "130"):
        assert re.search(rf"(^|; |: ){code} ", " ".join(said.split())), code


def test_the_threshold_is_a_number_as_readme_writes_it() -> None:
    assert re.search(r"^\s+--threshold N\s", _help(), re.MULTILINE)


def test_split_s_help_names_the_files_split_writes(tmp_path: Path) -> None:
    # the shipped sample's split writes the very names its help gives as examples
    result = CliRunner().invoke(main, ["split", str(ROOT / "samples/interleaved/compose-bbolt.log"),
                                       "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["noise.txt", "prefixes.txt", "s1-hub-1.log", "s2-boltd-2.log",
                       "s3-boltd-1.log"]
    said = " ".join(_help("split").split())
    for name in ("s1.log", "s1-hub-1.log", "noise.txt", "prefixes.txt", "-o, --output DIR"):
        assert name in said, name


def test_the_report_command_s_help_points_at_the_words_explained() -> None:
    # `stackdemux report --help` is what a reader of `report FILE` types
    assert "`stackdemux --help` says what each word of the text report means" in " ".join(
        _help("report").split())
