"""What a caller of the Python API chooses (Options) is checked where it is
chosen: a wrong type or value is one error naming the field, at construction,
not a TypeError or AttributeError from deep inside the run that first reads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import sample_path

import stackdemux
from stackdemux.cli import main

NIL_MAP = sample_path("nil_map")


@pytest.mark.parametrize(("field", "value", "said"), [
    ("demux", "no", "demux must be True or False, not 'no'"),
    ("analyse", 1, "analyse must be True or False, not 1"),
    ("keep_parse", None, "keep_parse must be True or False, not None"),
    ("modules", 5, "modules must be a path (a str or os.PathLike) or None, not int 5"),
    ("rules", ["hints.toml"], "rules must be a path (a str or os.PathLike) or None, not list"),
    ("rules", "", "rules is an empty path: give a file, or None"),
    ("prefix", 5, "prefix must be a regex (a str) or None, not int 5"),
    ("prefix", "(", "prefix '(': not a valid regular expression: missing ), unterminated"),
    ("prefix", r"^\w+ \| ", r"prefix '^\\w+ \\| ': needs a named group (?P<key>...)"),
    ("threshold", "90", "threshold must be a number from 0 to 100, not '90'"),
])
def test_a_wrong_option_is_one_error_naming_its_field_at_construction(field, value, said):
    with pytest.raises(stackdemux.OptionsError) as made:
        stackdemux.Options(**{field: value})
    assert made.value.field == field
    assert str(made.value).startswith(said), str(made.value)
    # the same through analyze's keywords, before any log is read
    with pytest.raises(stackdemux.OptionsError, match="^" + field):
        stackdemux.analyze("/nonexistent/build.log", **{field: value})


def test_an_options_error_is_caught_as_a_value_error_and_as_a_type_error():
    # (`modules=5` was a TypeError's case, `threshold=900` a ValueError's: a
    # caller may have written either except)
    for bad in ({"modules": 5}, {"threshold": 900}):
        for caught in (ValueError, TypeError):
            with pytest.raises(caught):
                stackdemux.Options(**bad)


def test_options_changed_by_keywords_are_checked_again():
    good = stackdemux.Options(threshold=80)
    with pytest.raises(stackdemux.OptionsError, match="threshold"):
        stackdemux.analyze(NIL_MAP, good, threshold=101)


def test_a_mistyped_keyword_names_the_fields_there_are():
    with pytest.raises(stackdemux.OptionsError) as made:
        stackdemux.analyze(NIL_MAP, thresold=80)
    assert str(made.value) == ("thresold is no option; Options' fields: demux, prefix, modules, "
                               "rules, threshold, analyse, keep_parse")


def test_options_take_paths_of_every_kind(tmp_path: Path):
    rules = tmp_path / "hints.toml"
    rules.write_text("")
    by_path = stackdemux.analyze(NIL_MAP, rules=rules)
    by_str = stackdemux.analyze(NIL_MAP, rules=str(rules))
    assert [g.fingerprint for g in by_path.groups] == [g.fingerprint for g in by_str.groups]


def test_the_cli_names_the_flag_of_a_bad_prefix_before_reading_the_log(tmp_path: Path):
    for args in (["--prefix", "x", "/nonexistent.log"],
                 ["split", "--prefix", "x", "/nonexistent.log", "-o", str(tmp_path)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2
        assert result.output == ("stackdemux: error: --prefix 'x': needs a named group "
                                 "(?P<key>...) for the stream key\n")


# ------------------------------------------------------------- empty log ---


def test_an_empty_log_is_no_process_output():
    analysis = stackdemux.analyze(b"")
    assert (analysis.streams, analysis.reports, analysis.noise) == ([], [], [])
    assert analysis.total_lines == 0
    assert stackdemux.analyze(b"", demux=False).streams == []


def test_an_empty_log_among_others_takes_no_stream_id(tmp_path: Path):
    empty = tmp_path / "empty.log"
    empty.write_bytes(b"")
    analysis = stackdemux.analyze_many([empty, NIL_MAP])
    assert [s.id for s in analysis.streams] == ["s2.1"]
    assert analysis.sources == [str(empty), str(NIL_MAP)]  # (it is still an input read)


def test_split_of_an_empty_log_writes_only_its_empty_noise(tmp_path: Path):
    empty = tmp_path / "empty.log"
    empty.write_bytes(b"")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["split", str(empty), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["noise.txt"]
    assert result.output == f"{out / 'noise.txt'}: 0 lines of noise\n"


def test_the_json_of_an_empty_log_lists_no_stream(tmp_path: Path):
    empty = tmp_path / "empty.log"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, [str(empty), "-f", "json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)  # (stderr says the log was empty)
    assert (doc["streams"], doc["reports"], doc["noise"]) == ([], [], [])
    assert "empty, no log was read" in result.stderr
