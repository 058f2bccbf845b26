"""Fuzzing the prefix styles (demux/prefixes_styles.py) where a user writes them:
`--prefix REGEX` over the corpus's real prefixed merges, and the other regexes a
user gives (`threads --grep`, a rules file's `match`).

Whatever the pattern: refused in one line (exit 2), never `internal error`; a
pattern that is taken keeps every input line in one stream or the noise.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackdemux.api import OptionsError, analyze
from stackdemux.cli import main
from stackdemux.demux import demultiplex_detail
from stackdemux.ingest import ingest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_conservation import check_conservation
from test_fuzz import lines_run

ROOT = Path(__file__).resolve().parent.parent
CRASH = ROOT / "samples" / "go1.27" / "nil_pointer.txt"

# Each way re.compile refuses a pattern: re.error, a repeat past 2**32 - 1
# (OverflowError), groups nested past the recursion limit (RecursionError).
REFUSED = {
    "unbalanced": "(?P<key>a",
    "repeat too large": "a{99999999999}(?P<key>a)",
    "nested too deep": "(" * 5000 + "(?P<key>a)" + ")" * 5000,
}


@pytest.mark.parametrize("why", sorted(REFUSED))
def test_a_prefix_regex_re_refuses_is_said_in_one_line(why: str):
    # (an OverflowError and a RecursionError escaped: exit 3, `internal error`)
    got = CliRunner().invoke(main, ["--prefix", REFUSED[why], str(CRASH)])
    assert got.exit_code == 2, got.output[-300:]
    assert "not a valid regular expression" in got.stderr and got.stderr.count("\n") == 1
    with pytest.raises(OptionsError):
        analyze(CRASH.read_bytes(), prefix=REFUSED[why])


@pytest.mark.parametrize("why", sorted(REFUSED))
def test_a_threads_grep_regex_re_refuses_is_said_in_one_line(why: str):
    got = CliRunner().invoke(main, ["threads", "--grep", REFUSED[why], str(CRASH)])
    assert got.exit_code == 2, got.output[-300:]
    assert "not a valid regular expression" in got.stderr and got.stderr.count("\n") == 1


@pytest.mark.parametrize("why", sorted(REFUSED))
def test_a_rules_file_s_regex_re_refuses_is_said_in_one_line(why: str, tmp_path: Path):
    rules = tmp_path / "rules.toml"
    pattern = REFUSED[why].replace("\\", "\\\\")
    rules.write_text('[[rule]]\nid = "mine"\ntitle = "mine"\nexplanation = "mine"\n'
                     f'remedy = "mine"\nmatch = {{ message = ["{pattern}"] }}\n')
    got = CliRunner().invoke(main, ["--rules", str(rules), str(CRASH)])
    assert got.exit_code == 2, got.output[-300:]
    assert "bad regular expression" in got.stderr and got.stderr.count("\n") == 1


# ---------------------------------------------------------- record headers ---

STUDIO_2015 = ROOT / "samples" / "wild" / "go12020_android_studio_logcat_small_colon.txt"


def _studio_processes(n: int) -> bytes:
    """The real Android Studio paste, then n processes' records as it shows them:
    a `logcat -v long` header behind the brief prefix, the record's lines below
    it indented, unprefixed (its header and goroutine line, each process its pid)."""
    lines = STUDIO_2015.read_text().splitlines()
    header, goroutine = lines[1], lines[2]
    out = list(lines)
    for pid in range(1000, 1000 + n):
        out += [header.replace("7661", str(pid)), goroutine]
    return ("\n".join(out) + "\n").encode()


def test_each_process_s_record_lines_are_given_to_it_in_one_pass():
    # Each process's stream picked its lines out of every moved line (sorted, each
    # time): 8 000 processes' records took 64 s. Now as much work a record.
    def work(n: int) -> int:
        source = ingest(_studio_processes(n))
        return lines_run({"rejoin_record_texts"}, lambda: demultiplex_detail(source))

    small, big = work(100), work(400)
    assert big <= 4.4 * small, (small, big)
    source = ingest(_studio_processes(50))
    d = demultiplex_detail(source)
    check_conservation(source, d)
    assert {s.label for s in d.streams} >= {str(pid) for pid in range(1000, 1050)}


# ------------------------------------------------ user prefixes at random ---

PREFIXED = sorted(ROOT.glob("tests/corpus/cases/*-prefix-*/input.log"))
# Pieces of patterns users write for their prefixes (each may match the line
# whole, nothing, or only some lines; the key may match empty or not at all).
PIECES = [r"(?P<key>[^|]*)", r"(?P<key>\w+)", r"(?P<key>.*)", r"(?P<key>)", r"(?P<key>x)?",
          r"\s*\|\s?", r"\[", r"\]\s*", r":\s", r".*?", r"\d{2}:\d{2}:\d{2}\s+", r"\S+\s+",
          r"(?:\x1b\[[0-9;]*m)*", r"$", r"(?=\w)", r"[^\s]*", r"(?:a|b|)"]


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.integers(0, len(PREFIXED) - 1), st.lists(st.sampled_from(PIECES), min_size=1,
                                                   max_size=4))
def test_any_user_prefix_over_a_real_prefixed_merge_keeps_every_line(index: int,
                                                                       pieces: list[str]):
    regex = "".join(pieces)
    if "(?P<key>" not in regex:
        regex = "(?P<key>)" + regex
    if regex.count("(?P<key>") > 1:  # (one group of that name)
        first = regex.index("(?P<key>") + 1
        regex = regex[:first] + regex[first:].replace("(?P<key>", "(?:")
    lines = PREFIXED[index].read_bytes().split(b"\n")
    start = random.Random(index).randrange(max(1, len(lines) - 400))
    source = ingest(b"\n".join(lines[start:start + 400]))
    check_conservation(source, demultiplex_detail(source, regex))
