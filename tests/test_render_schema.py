"""The JSON contract, version 1, as a JSON Schema that every real sample's output satisfies."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schema/stackdemux.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA)
SAMPLES = sorted(ROOT.glob("samples/go1.*/*.txt")) + sorted(
    Path("/work/shared/conformance/panicparse-crashes").glob("*.txt")
)

# The example of issue 2's contract, completed with the fields issue 4 adds and
# those README's "JSON contract" names on every report and group since (and, since
# 2026-11-27's fifth stop, every field stackdemux has always written on a report,
# a group and a frame's origin: the schema requires them, a bot may rely on them);
# checked by hand against the contract text.
MINIMAL = {
    "stackdemux": 1,
    "fingerprint_scheme": 1,
    "sources": ["build.log"],
    "reports": [
        {
            "id": "r1",
            "stream": "s1",
            "kind": "panic",
            "message": "invalid page type: 6432: 10",
            "chain": [{"message": "invalid page type: 6432: 10", "annotation": None}],
            "context": [],
            "signal": None,
            "system_stacks": [],
            "registers": {},
            "threads": [],
            "race": None,
            "tests": [],
            "test_package": None,
            "failed_tests": [],
            "exit_status": None,
            "test_killed": None,
            "http_remote": None,
            "mentions": [],
            "goroutines": [
                {
                    "id": 18,
                    "state": "running",
                    "wait_minutes": None,
                    "locked": False,
                    "labels": {},
                    "frames": [
                        {
                            "func": "go.etcd.io/bbolt.(*Cursor).search",
                            "args": "0xc000068ba8, {0xc0000a4280, 0x47, 0x50}, 0x40c51f?",
                            "file": "/builddir/cursor.go",
                            "line": 56,
                            "offset": "0x1ca",
                            "package": "go.etcd.io/bbolt",
                            "module": "go.etcd.io/bbolt",
                            "version": None,
                            "origin": "vendor",
                        }
                    ],
                    "elided": False,
                    "created_by": {
                        "func": "main.main",
                        "args": None,
                        "file": "/app/main.go",
                        "line": 766,
                        "offset": None,
                        "package": "main",
                        "module": None,
                        "version": None,
                        "origin": "main",
                        "goroutine": 1,
                    },
                }
            ],
            "lines": [[1, 12]],
            "complete": True,
            "buckets": [],
            "source": "build.log",
            "incomplete_reason": None,
            "fingerprint": "145d63b7ab70b436",
            "title": "panic: invalid page type: <N>: <N>",
            "culprit": None,
        }
    ],
    "streams": [{"id": "s1", "label": None, "lines": 14}],
    "groups": [
        {
            "id": "g1",
            "title": "panic: invalid page type: <N>: <N>",
            "count": 1,
            "reports": ["r1"],
            "representative": "r1",
            "fingerprint": "145d63b7ab70b436",
            "messages": {"invalid page type: 6432: 10": 1},
            "streams": ["s1"],
            "similarity": None,
            "culprit": None,
            "main_frame": None,
            "chain": [],
            "hints": [],
        }
    ],
    "noise": [[13, 14]],
    "diagnostics": [],
}


def test_the_schema_is_valid_draft_2020_12():
    Draft202012Validator.check_schema(SCHEMA)


def test_the_contract_example_validates():
    VALIDATOR.validate(MINIMAL)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("stackdemux",), 2),
        (("fingerprint_scheme",), "1"),
        (("fingerprint_scheme",), 0),
        (("reports", 0, "kind"), "crash"),
        (("reports", 0, "lines", 0), [0, 3]),
        (("reports", 0, "goroutines", 0, "frames", 0, "line"), "56"),
        (("reports", 0, "goroutines", 0, "created_by", "goroutine"), "1"),
        (("groups", 0, "count"), 0),
        (("noise", 0), [1]),
    ],
)
def test_what_breaks_the_contract_is_rejected(path, value):
    doc = copy.deepcopy(MINIMAL)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert not VALIDATOR.is_valid(doc)


@pytest.mark.parametrize("key", ["stackdemux", "reports", "groups"])
def test_required_top_level_keys(key):
    doc = copy.deepcopy(MINIMAL)
    del doc[key]
    assert not VALIDATOR.is_valid(doc)


# What a bot reads of every document, report, stream and group (README's "JSON
# contract", docs/triage-bot.md): always written, so the schema requires it, and a
# client generated from the schema does not make it optional.
PROMISED = [
    ("sources",), ("diagnostics",), ("fingerprint_scheme",),
    *[("reports", 0, key) for key in (
        "source", "fingerprint", "title", "culprit", "complete", "incomplete_reason")],
    ("streams", 0, "lines"),
    ("groups", 0, "representative"),
]


@pytest.mark.parametrize("path", PROMISED, ids=lambda p: ".".join(map(str, p)))
def test_what_every_document_says_is_required(path):
    doc = copy.deepcopy(MINIMAL)
    target = doc
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    assert not VALIDATOR.is_valid(doc)


def test_a_real_document_has_every_required_key_everywhere():
    # compose-bbolt.log: three processes' crashes in one log, two of them one group
    from stackdemux.api import analyze
    from stackdemux.render.json import render_json_bytes

    doc = orjson.loads(render_json_bytes(analyze(ROOT / "samples/interleaved/compose-bbolt.log")))
    defs = SCHEMA["$defs"]
    assert set(SCHEMA["required"]) <= set(doc)
    assert all(set(defs["report"]["required"]) <= set(r) for r in doc["reports"])
    assert all(set(defs["stream"]["required"]) <= set(s) for s in doc["streams"])
    assert all(set(defs["group"]["required"]) <= set(g) for g in doc["groups"])
    assert [r["source"] for r in doc["reports"]] == [
        str(ROOT / "samples/interleaved/compose-bbolt.log")] * 3


@pytest.mark.skipif(not SAMPLES, reason="no samples")
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_sample_json_output_validates(path):
    import stackdemux
    from stackdemux.render.json import render_json_bytes

    doc = orjson.loads(render_json_bytes(stackdemux.analyze(path)))
    errors = sorted(VALIDATOR.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, f"{list(errors[0].path)}: {errors[0].message}"


def test_the_cli_json_output_validates():
    sample = ROOT / "samples/go1.27/skopeo_vendor.txt"
    out = subprocess.run(
        [sys.executable, "-m", "stackdemux.cli", "--format", "json", str(sample)],
        capture_output=True,
        check=True,
        cwd=ROOT,
    ).stdout
    VALIDATOR.validate(json.loads(out))


@pytest.mark.parametrize("batch", [1, 2, 1000])
def test_the_document_written_in_pieces_is_the_document_written_whole(batch: int):
    """The CLI writes a big document a batch of reports at a time, never holding
    it whole: the bytes must be the same as written at once."""
    from stackdemux.api import analyze
    from stackdemux.render.json import iter_json_bytes, render_json_bytes

    log = (ROOT / "samples/interleaved/compose-bbolt.log").read_bytes()
    analysis = analyze(log)
    assert len(analysis.reports) == 3
    pieces = list(iter_json_bytes(analysis, batch=batch))
    assert b"".join(pieces) == render_json_bytes(analysis)
    assert len(pieces) > (8 if batch < 3 else 2), "written in pieces"
    empty = analyze(b"nothing to see\n")
    assert b"".join(iter_json_bytes(empty, batch=batch)) == render_json_bytes(empty)
    assert b"".join(iter_json_bytes(analysis, indent=True)) == render_json_bytes(
        analysis, indent=True)


# Three real logs read together: noise in two (a line before the crashes), a
# diagnostic in one (unplaced pieces of shuffled CRI records).
SEVERAL = [ROOT / "samples/interleaved/five-services-lines.log",
           ROOT / "tests/data/lossless/cri-shuffled-empty-f.log",
           ROOT / "samples/interleaved/syslog-crashes.log"]


def _document(paths: list[Path]) -> dict:
    from stackdemux.api import analyze_many
    from stackdemux.render.json import render_json_bytes

    return orjson.loads(render_json_bytes(analyze_many([str(p) for p in paths])))


def test_with_several_inputs_every_span_names_its_input():
    doc = _document(SEVERAL)
    VALIDATOR.validate(doc)
    names = [str(p) for p in SEVERAL]
    assert doc["sources"] == names
    # each input's noise and diagnostics, as read alone, named by that input
    noise, diagnostics = [], []
    for name, path in zip(names, SEVERAL, strict=True):
        alone = _document([path])
        noise += [(name, span) for span in alone["noise"]]
        diagnostics += [(name, d["lines"]) for d in alone["diagnostics"]]
    assert list(zip(doc["noise_sources"], doc["noise"], strict=True)) == noise
    assert [(d["source"], d["lines"]) for d in doc["diagnostics"]] == diagnostics
    assert {n for n, _ in noise} == {names[0], names[2]} and diagnostics
    assert all(r["source"] in names for r in doc["reports"])


def test_with_one_input_the_document_has_no_input_names_on_its_spans():
    doc = _document([SEVERAL[1]])
    assert "noise_sources" not in doc
    assert doc["diagnostics"] and all(set(d) == {"message", "lines", "severity"}
                                       for d in doc["diagnostics"])
