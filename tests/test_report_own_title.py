"""Each report's own title and culprit (`Report.title`, `Report.culprit`, JSON
`reports[].title`, `reports[].culprit`): what its group would say were it the
only report read, as its own fingerprint is. A group that merged titles by
similarity, or reports of two routes to one culprit function, says its
representative's; a bot that names each crash by its group named a merged
member by another crash's wording."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import stackdemux
from stackdemux.render import RenderOptions, render

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
WILD = sorted(p for p in (SAMPLES / "wild").iterdir() if p.suffix in (".txt", ".log"))


def _key(report: stackdemux.Report) -> tuple[str, tuple]:
    return Path(report.source or "").name, tuple(map(tuple, report.lines))


def _alone(paths: list[Path]) -> dict[tuple[str, tuple], tuple]:
    """(input, lines) → the title, culprit and fingerprint of its group, each input
    read alone, for the inputs whose every group holds one report."""
    said = {}
    for path in paths:
        analysis = stackdemux.analyze(path)
        if any(g.count > 1 for g in analysis.groups):
            continue  # (a paste of one crash twice: not "alone")
        for g in analysis.groups:
            report = analysis.report(g.reports[0])
            said[_key(report)] = (g.title, g.culprit, g.fingerprint)
    return said


@pytest.mark.parametrize("inputs", ["go1.27", "wild"])
def test_every_report_read_with_all_the_others_has_the_title_and_culprit_it_has_alone(inputs):
    paths = WILD if inputs == "wild" else sorted((SAMPLES / inputs).glob("*.txt"))
    alone = _alone(paths)
    together = stackdemux.analyze_many(paths)
    own = {_key(r): (r.title, r.culprit, r.fingerprint) for r in together.reports}
    compared = [k for k in alone if k in own]
    assert len(compared) >= len(paths) * 0.9, (len(compared), len(paths))
    assert [k for k in compared if own[k] != alone[k]] == []
    # what their groups say differs for some: another member's wording or frame
    differ = [rid for g in together.groups for rid in g.reports
              if (g.title, g.culprit) != own[_key(together.report(rid))][:2]]
    assert differ


def test_a_merged_member_keeps_its_own_title_and_blamed_frame(tmp_path):
    # one crash site, two fatal errors alike enough to merge by similarity
    names = ("concurrent_map_read_write", "concurrent_map_iteration_write")
    log = tmp_path / "both.log"
    log.write_bytes(b"".join((SAMPLES / "go1.27" / f"{n}.txt").read_bytes() for n in names))
    analysis = stackdemux.analyze(log)
    (group,) = analysis.groups
    assert group.similarity is not None
    read, iterated = analysis.reports
    assert read.title == "fatal error: concurrent map read and map write"
    assert iterated.title == "fatal error: concurrent map iteration and map write"
    assert (read.culprit.func, read.culprit.line) == ("main.init.3.func3", 281)
    assert (iterated.culprit.func, iterated.culprit.line) == ("main.init.3.func4", 295)
    shown = analysis.report(group.representative)
    assert (group.title, group.culprit) == (shown.title, shown.culprit)


def test_the_json_has_each_reports_title_and_culprit(tmp_path):
    log = tmp_path / "both.log"
    log.write_bytes(b"".join((SAMPLES / "go1.27" / f"{n}.txt").read_bytes()
                             for n in ("panic_in_goroutine", "running_other_thread")))
    doc = json.loads(render(stackdemux.analyze(log), "json", RenderOptions()))
    assert [(r["title"], r["culprit"]["func"], r["culprit"]["line"]) for r in doc["reports"]] == [
        ("panic: boom (request <N>, bob)", "main.doPanic", 74),
        ("panic: boom (request <N>, busy)", "main.doPanic", 74)]
    (group,) = doc["groups"]  # merged by similarity: its title is one of theirs
    assert group["similarity"] is not None
    assert group["title"] in [r["title"] for r in doc["reports"]]


def test_a_report_whose_code_the_text_lost_blames_no_frame_of_its_own():
    # a stack read that ends in cgo's call into C: its Go caller is cut (go32228)
    analysis = stackdemux.analyze(SAMPLES / "wild" / "go32228_no_indent_cgo.txt")
    (report,) = [r for r in analysis.reports if r.kind.is_crash]
    assert report.culprit is None and report.title is not None


def test_without_analysis_no_title_or_culprit_is_made_up():
    analysis = stackdemux.analyze(SAMPLES / "go1.27" / "nil_map.txt", analyse=False)
    (report,) = analysis.reports
    assert (report.title, report.culprit) == (None, None)
