"""A bot's author reads the Python API with `help()`: each class a bot reads
says what each of its fields holds, and `analyze` what it raises.

Before, `help(stackdemux.Report)` said "One crash report or goroutine dump, as one
process printed it." and nothing of `fingerprint`, `title` or `culprit`, the
fields a bot files a crash by (their words were comments in the source, which
help() does not show).
"""

from __future__ import annotations

import dataclasses
import pydoc

import pytest

import stackdemux

BOT_FACING = [stackdemux.Analysis, stackdemux.Report, stackdemux.Group, stackdemux.Frame]


def _help(obj: object) -> str:
    return pydoc.render_doc(obj, renderer=pydoc.plaintext)


@pytest.mark.parametrize("cls", BOT_FACING, ids=lambda c: c.__name__)
def test_help_of_each_class_a_bot_reads_names_every_field(cls):
    text = _help(cls)
    said = (cls.__doc__ or "")
    fields = [f.name for f in dataclasses.fields(cls) if not f.name.startswith("_")]
    unsaid = [name for name in fields if f"`{name}`" not in said]
    assert not unsaid, f"help({cls.__name__}) does not say what these hold: {unsaid}"
    assert said.splitlines()[0].strip() in text


def test_help_of_a_report_says_which_fields_to_file_a_crash_by():
    text = _help(stackdemux.Report)
    assert "file each crash by its `fingerprint`" in " ".join(text.split())
    assert "`kind.is_crash` is false for a goroutine dump alone" in " ".join(text.split())


def test_help_of_a_frame_lists_every_origin_the_json_schema_allows():
    import json
    from pathlib import Path

    schema = json.loads((Path(__file__).resolve().parent.parent / "schema"
                         / "stackdemux.schema.json").read_text())
    origins = _origins(schema)
    assert origins, "the schema names the origins"
    doc = " ".join((stackdemux.Frame.__doc__ or "").split())
    assert [o for o in origins if f'"{o}"' not in doc] == []


def _origins(node: object) -> list[str]:
    """The enum of the schema's `origin` property, wherever it is defined."""
    if isinstance(node, dict):
        origin = node.get("properties", {}).get("origin") if isinstance(
            node.get("properties"), dict) else None
        if isinstance(origin, dict):
            values = [v for v in origin.get("enum", []) if isinstance(v, str)]
            if values:
                return values
        for value in node.values():
            found = _origins(value)
            if found:
                return found
    elif isinstance(node, list):
        for value in node:
            found = _origins(value)
            if found:
                return found
    return []


@pytest.mark.parametrize("name", ["InputError", "OptionsError"])
def test_help_of_analyze_names_what_it_raises(name):
    assert name in _help(stackdemux.analyze)
    assert hasattr(stackdemux, name)  # (and a bot can catch it by that name)


def test_what_analyze_says_it_raises_is_what_it_raises(tmp_path):
    with pytest.raises(stackdemux.InputError):
        stackdemux.analyze(tmp_path)  # a directory
    with pytest.raises(stackdemux.InputError):
        stackdemux.analyze(tmp_path / "missing.log")
    with pytest.raises(stackdemux.OptionsError):
        stackdemux.analyze(b"panic: x\n", thresold=80)
    empty = stackdemux.analyze(b"")
    assert (empty.streams, empty.reports) == ([], [])


def test_the_packages_own_example_files_each_crash_by_its_own_fingerprint(capsys):
    import re
    from pathlib import Path

    doc = stackdemux.__doc__ or ""
    code = "\n".join(line.strip()[4:] for line in doc.splitlines()
                     if line.strip().startswith((">>> ", "... ")))
    sample = Path(__file__).resolve().parent.parent / "samples" / "go1.27" / "skopeo_vendor.txt"
    extra = sample.parent / "pprof_debug2.txt"
    code = code.replace('stackdemux.analyze("build.log")',
                        f"stackdemux.analyze_many([{str(sample)!r}, {str(extra)!r}])")
    exec(compile(code, "<stackdemux.__doc__>", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    (crash,) = stackdemux.analyze(sample).reports  # (the dump prints no line)
    assert printed == [f"{crash.fingerprint} panic: invalid page type: <N>: <N>"]
    assert re.search(r"help\(stackdemux\.Report\)", doc)
