"""Every CI format files a crash under the id a bot files its reports by.

A bot files each report by its own fingerprint (docs/triage-bot.md): the same
whatever else the analysis read. A group's fingerprint is its representative's,
which depends on what else was read. The CI formats filed a crash group under the
group's: where a group's reports differ in id (two routes to one culprit, titles
merged by similarity), the other reports' ids were in no CI format, and a crash's
CI id changed as other crashes of its site came and went. Now each own id is an
entry, its group's id beside it (docs/ci.md, "One id per crash in every format").
Real captures: gccgo's two concurrent map writes (one printed with its stack, one
without), a klog caller list logged twice before Go's traceback of the same panic
(astro), and Go 1.27's samples read as one analysis. Each entry's hints are its
own id's, as its reports match the rules read alone: not the group's, which are
its representative's.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import stackdemux
from stackdemux.render import RenderOptions, render

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SPLIT = [SAMPLES / "gccgo12/gccgo_maps.txt",
         SAMPLES / "wild/astro_modifier_comment_klog_callers_twice_go113.txt"]


def ci_ids(analysis) -> dict[str, list[str]]:
    """The ids each CI format files the crashes under, in its order (GitHub's with
    room for them all: it annotates 10 a step)."""
    options = RenderOptions(color=False, stop_token="T", max_errors=10_000)
    sarif = json.loads(render(analysis, "sarif", options))
    quality = json.loads(render(analysis, "codequality", options))
    junit = ET.fromstring(render(analysis, "junit", options))
    github = render(analysis, "github", options)
    return {
        "sarif": [r["partialFingerprints"]["stackdemux/v1"] for run in sarif["runs"]
                  for r in run["results"] if "stackdemux/v1" in r["partialFingerprints"]],
        "codequality": [i["fingerprint"] for i in quality
                        if i["check_name"] not in ("stackdemux/test-failure",
                                                   "stackdemux/unread-crash")],
        "junit": [m.group(1) for case in junit.iter("failure")
                  for m in [re.search(r"^fingerprint: (\w+)$", case.text or "", re.M)] if m],
        "github": re.findall(r"^::error .*?%0Afingerprint: (\w+)", github, re.M),
    }


@pytest.mark.parametrize("path", SPLIT, ids=lambda p: p.name)
def test_a_group_of_two_ids_is_filed_under_each_in_every_format(path):
    analysis = stackdemux.analyze(path)
    [group] = [g for g in analysis.groups if len(g.reports) > 1]
    own = sorted({analysis.report(r).fingerprint for r in group.reports})
    assert len(own) == 2 and group.fingerprint in own
    for fmt, ids in ci_ids(analysis).items():
        assert sorted(ids) == own, fmt


@pytest.mark.parametrize("path", SPLIT, ids=lambda p: p.name)
def test_the_group_s_id_is_said_beside_each_of_its_ids(path):
    analysis = stackdemux.analyze(path)
    [group] = [g for g in analysis.groups if len(g.reports) > 1]
    options = RenderOptions(color=False, stop_token="T")
    sarif = json.loads(render(analysis, "sarif", options))
    results = [r for run in sarif["runs"] for r in run["results"]]
    assert {r["properties"]["group_fingerprint"] for r in results} == {group.fingerprint}
    said = f"%0Agroup: {group.fingerprint} (one crash site"
    assert render(analysis, "github", options).count(said) == 2
    # each entry holds the reports of its id, titled as they are (Report.title)
    reports = [analysis.report(r) for r in group.reports]
    for r in results:
        fp = r["partialFingerprints"]["stackdemux/v1"]
        assert r["properties"]["reports"] == [x.id for x in reports if x.fingerprint == fp]
    junit = ET.fromstring(render(analysis, "junit", options))
    titles = {x.fingerprint: x.title for x in reports}
    for case in junit.iter("testcase"):
        fp = re.search(r"^fingerprint: (\w+)$", case.find("failure").text, re.M).group(1)
        assert case.get("name") == titles[fp]


def test_a_crash_keeps_its_ci_id_whatever_else_the_run_read():
    # Go 1.27's samples read as one analysis: 11 of the 88 are in a group whose id
    # is another crash's. Every CI id is a report's own, the one it has read alone
    paths = sorted((SAMPLES / "go1.27").glob("*.txt"))
    together = stackdemux.analyze_many([str(p) for p in paths])
    alone = {r.fingerprint for p in paths for r in stackdemux.analyze(p).reports}
    grouped = {g.fingerprint for g in together.groups}
    crashes = {r.fingerprint for r in together.reports
               if r.kind.is_crash and r.kind.value != "test failure"}
    assert crashes - grouped  # (ids no group has: the CI formats said none of them)
    for fmt, ids in ci_ids(together).items():
        # (a goroutine dump's group, no crash, is one note under its group's id; a
        # failed go test is an entry under its report's: render/failures.py)
        assert set(ids) <= alone | grouped and crashes <= set(ids), fmt
        assert {i for i in ids if i not in crashes} <= {
            g.fingerprint for g in together.groups
            if not together.report(g.reports[0]).kind.is_crash} | {
            r.fingerprint for r in together.reports if r.kind.value == "test failure"}, fmt


def test_a_group_of_one_id_reads_as_before():
    # (the usual case: one entry, its group's id, no `group:` line)
    analysis = stackdemux.analyze(SAMPLES / "go1.27/nil_pointer.txt")
    options = RenderOptions(color=False, stop_token="T")
    [group] = analysis.groups
    assert all(ids == [group.fingerprint] for ids in ci_ids(analysis).values())
    assert "group: " not in render(analysis, "github", options)
    [result] = json.loads(render(analysis, "sarif", options))["runs"][0]["results"]
    assert result["properties"]["group_fingerprint"] == group.fingerprint


WILD = SAMPLES / "wild"
# Two nil pointer dereferences read as one group: a crash loop's (rsyslog), and a
# logrus line before an HTTP handler's panic (net/http's `http: panic serving`)
TWO_NILS = [WILD / "moby33584_rsyslog_rfc3339_no_pid_go17.txt",
            WILD / "vic3254_logrus_unquoted_then_http_panic_four_spaces.txt"]


def hints_by_id(analysis) -> dict[str, dict[str, list[str]]]:
    """JUnit's and GitHub's hints (their titles) by the id each files an entry under."""
    options = RenderOptions(color=False, stop_token="T", max_errors=10_000)
    junit = ET.fromstring(render(analysis, "junit", options))
    out: dict[str, dict[str, list[str]]] = {"junit": {}, "github": {}}
    for case in junit.iter("failure"):
        text = case.text or ""
        fp = re.search(r"^fingerprint: (\w+)$", text, re.M).group(1)
        out["junit"][fp] = re.findall(r"^hint: ([^:]+):", text, re.M)
    for line in render(analysis, "github", options).splitlines():
        if line.startswith("::error "):
            said = line.split("%0A")
            fp = next(s for s in said if s.startswith("fingerprint: ")).split()[1]
            out["github"][fp] = [s[6:].split(":")[0] for s in said if s.startswith("hint: ")]
    return out


def test_each_entry_s_hints_are_its_own_id_s():
    # read alone, the HTTP handler's panic matches two rules, the crash loop's one
    alone = {}
    for path in TWO_NILS:
        [group] = stackdemux.analyze(path).groups
        alone[group.fingerprint] = [h.title for h in group.hints]
    assert sorted(len(h) for h in alone.values()) == [1, 2]
    together = stackdemux.analyze_many([str(p) for p in TWO_NILS])
    [group] = together.groups
    assert len(group.hints) == 1  # (its representative's: the crash loop's)
    for fmt, hints in hints_by_id(together).items():
        assert hints == alone, fmt
    options = RenderOptions(color=False, stop_token="T")
    sarif = json.loads(render(together, "sarif", options))
    for r in sarif["runs"][0]["results"]:
        said = r["message"]["text"]
        own = alone[r["partialFingerprints"]["stackdemux/v1"]]
        assert all(title in said for title in own)
        assert ("HTTP" in said) == any("HTTP" in t for t in own)


def test_an_entry_names_no_fact_of_another_id_s_stack():
    # gccgo's two concurrent map writes: the one printed without its stack has no
    # frame to name; the hint's fact `main.concurrentMapWrites..func1 at …` is the
    # other's (whose culprit line says it), and no format says it under the stackless one
    analysis = stackdemux.analyze(SAMPLES / "gccgo12/gccgo_maps.txt")
    options = RenderOptions(color=False, stop_token="T")
    [stackless] = [r for r in analysis.reports if not r.goroutines]
    github = render(analysis, "github", options)
    [entry] = [a for a in github.split("\n::") if f"fingerprint: {stackless.fingerprint}" in a]
    assert "Data race on a map" in entry and "concurrentMapWrites" not in entry
    junit = ET.fromstring(render(analysis, "junit", options))
    [text] = [f.text for f in junit.iter("failure")
              if f"fingerprint: {stackless.fingerprint}" in (f.text or "")]
    assert "Data race on a map" in text and "concurrentMapWrites" not in text
