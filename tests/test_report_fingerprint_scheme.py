"""Which rules made a fingerprint: `fingerprint_scheme` (JSON) and
`Analysis.fingerprint_scheme` / `stackdemux.FINGERPRINT_SCHEME` (Python).

A bot that keeps fingerprints across stackdemux upgrades compares ids of one scheme;
the number changes in any release that changes the fingerprint of any input. What
keeps it true: tests/fingerprints.json records the fingerprints every sample and
wild paste reads as alone, under the scheme that made them, and a fingerprint that
differs from it fails here until the scheme is bumped and the table rewritten
(tests/fingerprint_table.py, which refuses to rewrite it otherwise)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fingerprint_table import changed, load, measure

import stackdemux
import stackdemux.analyse
import stackdemux.model
from stackdemux.render import RenderOptions, render

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "go1.27" / "nil_map.txt"
HOW = ("run `PYTHONPATH=. python tests/fingerprint_table.py`: it adds new inputs, and "
       "refuses changed fingerprints until FINGERPRINT_SCHEME (stackdemux/model.py) is "
       "bumped and README says which changed")


@pytest.fixture(scope="module")
def now() -> dict:
    return measure()


def test_the_table_was_made_by_this_scheme():
    assert load()["scheme"] == stackdemux.FINGERPRINT_SCHEME, HOW


def test_every_input_has_the_fingerprints_the_table_records_under_this_scheme(now):
    table = load()
    moved = changed(table, now)
    assert not moved, f"{len(moved)} inputs' fingerprints changed ({moved[:5]}): {HOW}"
    assert now.keys() == table["inputs"].keys(), (
        f"new: {sorted(now.keys() - table['inputs'].keys())[:5]}, "
        f"removed: {sorted(table['inputs'].keys() - now.keys())[:5]}: {HOW}")


def test_the_table_covers_the_samples_and_wild_pastes(now):
    assert sum(k.startswith("samples/wild/") for k in now) >= 214
    assert sum(k.startswith("samples/go1.") for k in now) >= 352
    assert sum(len(v["reports"]) for v in now.values()) > len(now)


def test_the_table_pins_the_real_go_test_captures_ids(now):
    # tests/data's captures of go test (every form, Go 1.19-1.27) were checked by
    # their titles alone: an id that changed with its title unchanged slipped by
    table = load()["inputs"]
    go_test = [k for k in now if k.startswith(("tests/data/gotest_", "tests/data/bigjson_small/",
                                               "tests/data/ci_workspace/"))]
    assert len(go_test) >= 4 + 2 + 24 + 24 + 3
    assert all(table[k]["reports"] for k in go_test)
    # gotest_names: 8 failures, one id each in every form, run and Go release
    names = {tuple(v["reports"]) for k, v in table.items() if "/gotest_names/" in k}
    assert len(names) == 1 and len(set(*names)) == 8


def test_the_ci_formats_file_each_real_go_test_failure_under_a_pinned_id():
    # a CI job (SARIF, code quality) and a bot (the JSON) file a failed test (or the
    # crash it died of) under one id: each is one the table records for its input
    from fingerprint_table import ROOT as root
    from fingerprint_table import captures

    table = load()["inputs"]
    for path in captures():
        if not path.parent.name.startswith("gotest_"):
            continue
        analysis = stackdemux.analyze(path)
        sarif = json.loads(render(analysis, "sarif", RenderOptions(color=False)))
        # (a test that crashed is filed as its crash: gotest_flags' panic in a subtest)
        ids = [r["partialFingerprints"].get("stackdemux/test/v1")
               or r["partialFingerprints"]["stackdemux/v1"]
               for run in sarif["runs"] for r in run["results"]]
        quality = [i["fingerprint"] for i in
                   json.loads(render(analysis, "codequality", RenderOptions(color=False)))]
        pinned = table[path.relative_to(root).as_posix()]["reports"]
        assert ids and ids == quality and set(ids) <= set(pinned), path.name


def test_the_json_and_the_api_say_the_scheme():
    analysis = stackdemux.analyze(SAMPLE)
    doc = json.loads(render(analysis, "json", RenderOptions(color=False)))
    assert doc["fingerprint_scheme"] == analysis.fingerprint_scheme == stackdemux.FINGERPRINT_SCHEME
    assert isinstance(doc["fingerprint_scheme"], int) and doc["fingerprint_scheme"] >= 1
    assert list(doc)[:2] == ["stackdemux", "fingerprint_scheme"]  # read before the reports


def test_several_inputs_read_as_one_analysis_say_it_too():
    analysis = stackdemux.analyze_many([SAMPLE, ROOT / "samples" / "go1.19" / "nil_map.txt"])
    assert analysis.fingerprint_scheme == stackdemux.FINGERPRINT_SCHEME


def _a_new_rule(monkeypatch) -> None:
    """A rule change: titles of `assignment to entry in nil map` hashed alone."""
    rule = stackdemux.analyse.fingerprint

    def fingerprint(title: str, names: list[str]) -> str:
        return rule(title, [] if "nil map" in title else names)

    monkeypatch.setattr(stackdemux.analyse, "fingerprint", fingerprint)


def test_a_rule_that_changes_a_fingerprint_is_caught(monkeypatch):
    _a_new_rule(monkeypatch)
    moved = changed(load(), measure())
    assert "samples/go1.27/nil_map.txt" in moved
    assert "samples/go1.27/nil_pointer.txt" not in moved  # (only the crashes it touches)


def test_the_table_is_not_rewritten_until_the_scheme_is_bumped(monkeypatch, tmp_path, capsys):
    import fingerprint_table

    table = tmp_path / "fingerprints.json"
    table.write_text(fingerprint_table.TABLE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(fingerprint_table, "TABLE", table)
    _a_new_rule(monkeypatch)
    before = table.read_text(encoding="utf-8")
    assert fingerprint_table.main([]) == 1
    assert "bump FINGERPRINT_SCHEME" in capsys.readouterr().out
    assert table.read_text(encoding="utf-8") == before
    bumped = stackdemux.FINGERPRINT_SCHEME + 1
    monkeypatch.setattr(stackdemux.model, "FINGERPRINT_SCHEME", bumped)
    assert fingerprint_table.main([]) == 0
    written = json.loads(table.read_text(encoding="utf-8"))
    assert written["scheme"] == bumped
    assert not changed(written, measure())


def test_an_input_that_read_as_nothing_gains_its_fingerprints_without_a_bump():
    # a gap closed: no fingerprint a bot could hold changed, so none is "changed";
    # an input that loses its reports is
    from fingerprint_table import newly_read

    table = {"inputs": {"a.txt": {"reports": [], "groups": []},
                        "b.txt": {"reports": ["1"], "groups": ["1"]}}}
    now = {"a.txt": {"reports": ["2"], "groups": ["2"]}, "b.txt": {"reports": [], "groups": []}}
    assert changed(table, now) == ["b.txt"]
    assert newly_read(table, now) == ["a.txt"]
