"""The JSON contract holds for every shipped input, not only the Go release
samples (tests/test_render_schema.py): each Go release's and gccgo's captures,
the wild pastes, the interleaved logs, the service logs `threads` reads, the
corpus's noise logs and the test data's logs, each analysed alone as
`stackdemux -f json FILE` does.

(The corpus's 144 merged cases validate too, measured once at 40 s of CPU: not
run here, where the suite's time is shared.)"""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from jsonschema import Draft202012Validator

import stackdemux
from stackdemux.render.json import render_json_bytes

ROOT = Path(__file__).resolve().parent.parent
VALIDATOR = Draft202012Validator(json.loads((ROOT / "schema/stackdemux.schema.json").read_text()))
INPUTS = sorted({*ROOT.glob("samples/**/*.txt"), *ROOT.glob("samples/**/*.log"),
                 *ROOT.glob("tests/corpus/noise/*.log"), *ROOT.glob("tests/data/**/*.log")})


def test_every_kind_of_input_is_there():
    places = {p.parent.name for p in INPUTS}
    assert {"go1.19", "go1.27", "gccgo12", "wild", "interleaved", "threads", "noise"} <= places
    assert len(INPUTS) > 500


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_json_of_every_input_validates(path: Path):
    doc = orjson.loads(render_json_bytes(stackdemux.analyze(path)))
    errors = sorted(VALIDATOR.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, f"{list(errors[0].path)}: {errors[0].message}"


def test_the_json_of_an_empty_log_validates():
    VALIDATOR.validate(orjson.loads(render_json_bytes(stackdemux.analyze(b""))))
