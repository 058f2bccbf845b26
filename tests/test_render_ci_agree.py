"""Where each CI format says a crash is, read on real logs: GitHub's annotation
and JUnit's `file` name the same checkout file, or both none; GitLab code
quality the same file, else the log's line (GitLab requires a path); SARIF the
same file, else the culprit's build path (code scanning matches alerts by file
across runs: docs/ci.md). JUnit named the culprit's build path where the
annotation named no file (`/builddir/build/BUILD/skopeo-1.14.0/vendor/…`, a
link to nothing in GitLab's Tests tab)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from stackdemux import analyze
from stackdemux.render import RenderOptions, render
from stackdemux.render.github import escape_property

ROOT = Path(__file__).resolve().parent.parent
SKOPEO = ROOT / "samples" / "go1.21" / "skopeo_vendor.txt"
LOGS = [ROOT / "samples" / "interleaved" / "compose-bbolt.log", SKOPEO,
        ROOT / "samples" / "go1.27" / "nil_pointer.txt",
        ROOT / "samples" / "wild" / "kwil720_zap_console_panic_then_debug_stack_go122.txt"]


def _annotated(analysis, options) -> dict[str, str | None]:
    """Each annotation's file (None: none), by its title."""
    out = {}
    for line in render(analysis, "github", options).splitlines():
        if line.startswith(("::error ", "::notice ")) and "title=" in line:
            props = dict(p.split("=", 1) for p in line.split("::")[1].split(" ", 1)[1].split(","))
            out[props["title"]] = props.get("file")
    return out


def _junit(analysis, options) -> dict[str, str | None]:
    suite = ET.fromstring(render(analysis, "junit", options))
    return {escape_property(case.get("name")): case.get("file")
            for case in suite.iter("testcase")}


def _checkout(tmp_path: Path, *files: str) -> str:
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).touch()
    return str(tmp_path)


@pytest.mark.parametrize("log", LOGS, ids=lambda p: p.name)
def test_outside_the_checkout_neither_the_annotation_nor_junit_names_a_file(log, tmp_path):
    analysis = analyze(log)
    options = RenderOptions(repo_root=str(tmp_path))  # (an empty checkout)
    annotated = _annotated(analysis, options)
    assert annotated and set(annotated.values()) == {None}
    junit = _junit(analysis, options)
    assert {title: junit[title] for title in annotated} == annotated


def test_in_the_checkout_both_name_its_file(tmp_path):
    analysis = analyze(SKOPEO)  # skopeo built in /builddir/build/BUILD/skopeo-1.14.0
    root = _checkout(tmp_path, "vendor/go.etcd.io/bbolt/cursor.go")
    options = RenderOptions(repo_root=root)
    annotated = _annotated(analysis, options)
    assert set(annotated.values()) == {"vendor/go.etcd.io/bbolt/cursor.go"}
    assert {t: f for t, f in _junit(analysis, options).items() if t in annotated} == annotated
    (issue,) = json.loads(render(analysis, "codequality", options))
    assert issue["location"]["path"] == "vendor/go.etcd.io/bbolt/cursor.go"
    sarif = json.loads(render(analysis, "sarif", options))
    (result,) = sarif["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "vendor/go.etcd.io/bbolt/cursor.go"


def test_outside_it_code_quality_points_at_the_log_and_sarif_at_the_build_path(tmp_path):
    analysis = analyze(SKOPEO)
    options = RenderOptions(repo_root=str(tmp_path))
    (issue,) = json.loads(render(analysis, "codequality", options))
    assert issue["location"]["path"].endswith("skopeo_vendor.txt")
    assert "cursor.go" in issue["description"]  # (the culprit named in the text)
    (result,) = json.loads(render(analysis, "sarif", options))["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == (
        "file:///builddir/build/BUILD/skopeo-1.14.0/vendor/go.etcd.io/bbolt/cursor.go")
    # and JUnit's failure text names the culprit and its path, as the annotation's does
    (case,) = ET.fromstring(render(analysis, "junit", options)).iter("testcase")
    assert "/vendor/go.etcd.io/bbolt/cursor.go:" in case.find("failure").text
