"""Go crashes as people pasted them into GitHub issues and blogs, read as a
person reading them would: samples/wild/index.json says, for each paste, the
message, the goroutines, the culprit and what else that person would state.

Every expectation is checked on its own, so one defect fails one test. An
expectation stackdemux does not meet yet is listed under the entry's `gaps`,
with who can fix it and why: it is an expected failure, strict, so the test
fails the day the gap closes and the entry must be updated.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from test_conservation import check_conservation

from stackdemux.analyse.hints import reflow
from stackdemux.api import analyze_many
from stackdemux.ingest import ingest
from stackdemux.render import RenderOptions, render
from stackdemux.symbols import shown_func

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT / "samples" / "wild"
INDEX = json.loads((WILD / "index.json").read_text(encoding="utf-8"))


@cache
def analysed(file: str) -> dict:
    out = render(analyze_many([str(WILD / file)]), "json", RenderOptions(color=False))
    return json.loads(out)


def _culprit(frame: dict | None) -> str | None:
    if frame is None:
        return None
    file = (frame["file"] or "?").rsplit("/", 1)[-1]
    if not frame["func"]:  # a caller list's frame: its file and line alone
        return f"{file}:{frame['line']}"
    return f"{frame['func']} {file}:{frame['line']}"


def _frames(report: dict):
    for g in report["goroutines"]:
        yield from g["frames"]
        if g["created_by"]:
            yield g["created_by"]
    for access in (report["race"] or {}).get("accesses", []):
        yield from access["frames"]


# What each expectation is read from in the JSON output (first report, first group).
def _said(aspect: str, d: dict):
    reports, groups = d["reports"], d["groups"]
    first = reports[0] if reports else {}
    if aspect == "reports":
        return len(reports)
    if aspect == "kind":
        return first.get("kind")
    if aspect == "message":
        return None if first.get("kind") == "goroutine dump" else first.get("message")
    if aspect == "goroutines":
        return sum(len(r["goroutines"]) for r in reports)
    if aspect == "culprit":
        return _culprit(groups[0]["culprit"]) if groups else None
    if aspect == "hints":
        return sorted({h["rule"] for g in groups for h in g["hints"]})
    if aspect == "signal":
        return (first.get("signal") or {}).get("name")
    if aspect == "exit_status":
        return first.get("exit_status")
    if aspect == "tests":
        return first.get("tests")
    if aspect == "wait_minutes":
        return first["goroutines"][0]["wait_minutes"] if first.get("goroutines") else None
    if aspect == "stream":
        streams = {s["id"]: s["label"] for s in d["streams"]}
        return streams.get(first.get("stream"))
    if aspect == "chain":
        return [c["message"] for c in first.get("chain", [])]
    if aspect == "complete":
        return first.get("complete")
    if aspect == "origins":
        seen = {f["func"]: [f["module"], f["version"], f["origin"]]
                for r in reports for f in _frames(r)}
        return seen
    raise AssertionError(aspect)


def _cases():
    for entry in INDEX:
        gaps = entry.get("gaps", {})
        for aspect, expected in entry["expect"].items():
            marks = ()
            if aspect in gaps:
                marks = (pytest.mark.xfail(strict=True, reason=gaps[aspect]),)
            yield pytest.param(entry["file"], aspect, expected,
                               id=f"{entry['file'][:-4]}-{aspect}", marks=marks)


@pytest.mark.parametrize(("file", "aspect", "expected"), list(_cases()))
def test_a_pasted_crash_reads_as_a_person_reads_it(file: str, aspect: str, expected) -> None:
    said = _said(aspect, analysed(file))
    if aspect == "origins":
        for func, *where in expected:
            assert said.get(func) == where, (func, said.get(func))
    elif aspect == "hints":
        assert set(expected) <= set(said), said
    else:
        assert said == expected


def test_the_index_names_every_paste_and_its_source() -> None:
    files = sorted(p.name for p in WILD.glob("*.txt"))
    assert sorted(e["file"] for e in INDEX) == files
    for e in INDEX:
        assert e["source"].startswith("https://") and e["author"] and e["demonstrates"], e["file"]
        assert set(e.get("gaps", {})) <= set(e["expect"]), e["file"]


@pytest.mark.parametrize("file", [e["file"] for e in INDEX])
def test_every_pasted_line_ends_in_a_stream_or_the_noise(file: str) -> None:
    check_conservation(ingest((WILD / file).read_bytes()))


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_every_paste_renders_its_message_and_culprit(fmt: str) -> None:
    # text shows the message as printed; markdown's headings show the group's
    # title (numbers normalised), so the culprit's function stands for the crash there
    for e in INDEX:
        analysis = analyze_many([str(WILD / e["file"])])
        out = render(analysis, fmt, RenderOptions(color=False, width=200))
        expect, gaps = e["expect"], e.get("gaps", {})
        if fmt == "text" and expect.get("message") and "message" not in gaps:
            assert " ".join(expect["message"].split()[:4]) in out, e["file"]
        if expect.get("culprit") and "culprit" not in gaps:
            func = shown_func(expect["culprit"].split()[0])  # (its path as imported)
            assert func in out or func.replace("*", "\\*") in out, (e["file"], fmt)


def test_hint_prose_in_json_is_one_line_per_paragraph() -> None:
    # rules.toml wraps its prose at 100 columns; those newlines are the file's, not the text's
    hints = [h for e in INDEX for g in analysed(e["file"])["groups"] for h in g["hints"]]
    assert len(hints) >= 15
    for h in hints:
        assert "\n" not in h["explanation"] and "\n" not in h["remedy"], h["rule"]
        assert "  " not in h["explanation"] and "  " not in h["remedy"], h["rule"]


def test_reflow_keeps_paragraphs_and_joins_their_lines() -> None:
    text = "\nThe file is damaged\n(a crash while writing).\n\n  Move it aside.\n"
    assert reflow(text) == "The file is damaged (a crash while writing).\n\nMove it aside."
