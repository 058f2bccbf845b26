"""A goroutine dump alone (pprof's debug=2 page, runtime.Stack, debug.PrintStack) is
printed on purpose: CI formats keep it, as a note, and never as an error or a failed
test, while a crash in the same log still is one."""

import json
import xml.etree.ElementTree as ET

from conftest import sample_path

from stackdemux import analyze_many
from stackdemux.render import RenderOptions, render

DUMP = sample_path("pprof_debug2")
CRASH = sample_path("nil_map")


def formats(*paths):
    analysis = analyze_many(paths)
    return {f: render(analysis, f, RenderOptions()) for f in ("github", "junit", "sarif")}


def test_a_dump_alone_is_a_notice_a_passing_case_and_a_note():
    out = formats(DUMP)
    assert out["github"].startswith("::notice title=goroutine dump::")
    assert "::error" not in out["github"]
    suites = ET.fromstring(out["junit"])
    assert (suites.get("tests"), suites.get("failures")) == ("1", "0")
    case = suites.find("testsuite/testcase")
    assert case.find("failure") is None
    assert "runtime/pprof.writeGoroutineStacks" in case.find("system-out").text
    run = json.loads(out["sarif"])["runs"][0]
    assert [r["level"] for r in run["results"]] == ["note"]
    assert [r["defaultConfiguration"]["level"] for r in run["tool"]["driver"]["rules"]] == ["note"]


def test_a_crash_beside_a_dump_is_still_an_error_and_a_failure():
    out = formats(DUMP, CRASH)
    assert out["github"].count("::error ") == 1 and out["github"].count("::notice ") == 1
    suites = ET.fromstring(out["junit"])
    assert (suites.get("tests"), suites.get("failures")) == ("2", "1")
    failed = [c.get("name") for c in suites.iter("testcase") if c.find("failure") is not None]
    assert failed == ["panic: assignment to entry in nil map"]
    run = json.loads(out["sarif"])["runs"][0]
    assert sorted(r["level"] for r in run["results"]) == ["error", "note"]
