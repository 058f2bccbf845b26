"""A report cut short says so in the CI formats too, with why.

The terminal, Markdown and HTML reports had a `partial` line; the GitHub
annotation, JUnit's failure text, SARIF's message and code quality's
description said nothing of it, so a CI job's reader took a stack cut in the
middle for the whole one. Real paste: decred/dcrdex#1766, whose last call line
lost its file line to the paste."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import stackdemux
from stackdemux.render import RenderOptions, render

ROOT = Path(__file__).resolve().parent.parent
DCRDEX = ROOT / "samples" / "wild" / "dcrdex1766_fuzz_engine_panic_in_test_log_go119.txt"
SAID = "partial: 1 of 1: a frame without its file line"


def _out(fmt: str, path: Path = DCRDEX) -> str:
    return render(stackdemux.analyze(path), fmt, RenderOptions(color=False))


def test_the_github_annotation_says_the_report_is_partial_and_why():
    [error] = [ln for ln in _out("github").splitlines() if ln.startswith("::error ")]
    assert "%0A" + SAID + "%0A" in error


def test_junit_s_failure_and_sarif_s_message_say_it():
    [failure] = ET.fromstring(_out("junit")).iter("failure")
    assert SAID in (failure.text or "").splitlines()
    [result] = json.loads(_out("sarif"))["runs"][0]["results"]
    assert SAID in result["message"]["text"].splitlines()


def test_code_quality_s_description_says_it():
    [issue] = json.loads(_out("codequality"))
    assert "; " + SAID + "; " in issue["description"]


def test_a_whole_report_says_nothing_of_the_kind():
    whole = ROOT / "samples" / "go1.27" / "nil_map.txt"
    for fmt in ("github", "junit", "sarif", "codequality"):
        assert "partial:" not in _out(fmt, whole), fmt
