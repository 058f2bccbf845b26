"""Each report's own fingerprint (`Report.fingerprint`), the report its group is
read from (`Group.representative`) and the lookup of a report by id.

A group whose reports differ (titles merged by similarity, two routes to one
culprit) takes one member's fingerprint: read with other crashes, a crash's
group can have another crash's id. A report's own is the one its group gets
when it is read alone, whatever else the log holds: a bot dedupes by it."""

from __future__ import annotations

from pathlib import Path

import pytest

import stackdemux
from stackdemux import model
from stackdemux.analyse.fingerprint import fingerprint
from stackdemux.render import RenderOptions, render

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _alone(path: Path) -> str:
    """The fingerprint of the crash of a sample holding one, read alone."""
    (group,) = stackdemux.analyze(path).groups
    assert group.fingerprint is not None
    return group.fingerprint


def _where(report: stackdemux.Report) -> tuple[str, tuple]:
    return Path(report.source or "").name, tuple(map(tuple, report.lines))


@pytest.mark.parametrize("release", ["go1.19", "go1.27"])
def test_every_sample_read_with_all_the_others_keeps_the_fingerprint_it_has_alone(release):
    samples = sorted((SAMPLES / release).glob("*.txt"))
    together = stackdemux.analyze_many(samples)
    alone = {}  # (sample, lines) → its group's fingerprint, the sample read alone
    for path in samples:
        analysis = stackdemux.analyze(path)
        for g in analysis.groups:
            assert g.count == 1  # (a crash or dump a group: each is its own)
            alone[(path.name, tuple(map(tuple, analysis.report(g.reports[0]).lines)))] = \
                g.fingerprint
    assert len(together.reports) == len(alone) >= len(samples) - 1
    for report in together.reports:
        assert report.fingerprint == alone[_where(report)], _where(report)
    # what the groups would have said: some samples get another crash's id
    by_report = {rid: g.fingerprint for g in together.groups for rid in g.reports}
    moved = {_where(r)[0] for r in together.reports if by_report[r.id] != alone[_where(r)]}
    assert len(moved) >= 7, moved


@pytest.mark.parametrize("first, second", [
    ("nil_pointer", "traceback_all"),  # both at main.readVal, by other routes
    ("concurrent_map_read_write", "concurrent_map_iteration_write"),  # titles alike
    ("unlock_unlocked_mutex", "runlock_unlocked_rwmutex"),
])
@pytest.mark.parametrize("release", ["go1.19", "go1.27"])
def test_two_crashes_of_one_site_in_one_log_keep_their_own_fingerprints(
        tmp_path, release, first, second):
    a, b = SAMPLES / release / f"{first}.txt", SAMPLES / release / f"{second}.txt"
    log = tmp_path / "both.log"
    log.write_bytes(a.read_bytes() + b.read_bytes())
    analysis = stackdemux.analyze(log)
    (group,) = analysis.groups  # one crash site: one group, of one member's id
    first_report, second_report = analysis.reports
    assert (first_report.fingerprint, second_report.fingerprint) == (_alone(a), _alone(b))
    assert first_report.fingerprint != second_report.fingerprint
    assert group.fingerprint in (first_report.fingerprint, second_report.fingerprint)


def test_a_group_is_read_from_its_representative():
    wild = sorted(p for p in (SAMPLES / "wild").iterdir() if p.suffix in (".txt", ".log"))
    analysis = stackdemux.analyze_many(wild + sorted((SAMPLES / "go1.27").glob("*.txt")))
    several = 0
    for g in analysis.groups:
        assert g.representative in g.reports
        representative = analysis.report(g.representative)
        assert representative.fingerprint == g.fingerprint
        several += len({analysis.report(rid).fingerprint for rid in g.reports}) > 1
    assert several  # (groups whose members' own fingerprints differ are among them)


def test_a_report_cut_before_its_stack_gets_the_fingerprint_of_its_title_as_alone():
    # a process's log begun after its stack (kubectl logs --tail): its message alone
    text = (SAMPLES / "go1.21" / "skopeo_vendor_parallel_1.txt").read_bytes()
    cut = b"\n".join(text.split(b"\n")[:2]) + b"\n"
    whole = SAMPLES / "go1.21" / "skopeo_vendor_parallel_2.txt"
    analysis = stackdemux.analyze_many([cut, whole])
    (group,) = analysis.groups  # it joins the group of its title...
    stackless, full = analysis.reports
    assert stackless.goroutines == [] and group.representative == full.id
    # ...and has, as a group of it alone would, the fingerprint of its title and no route
    assert stackless.fingerprint == fingerprint("panic: invalid page type: <N>: <N>", [])
    assert stackless.fingerprint == _alone_bytes(cut)
    assert full.fingerprint == group.fingerprint == _alone(whole)


def _alone_bytes(data: bytes) -> str:
    (group,) = stackdemux.analyze(data).groups
    assert group.fingerprint is not None
    return group.fingerprint


def test_a_goroutine_dump_has_its_own_fingerprint_as_a_crash_does():
    dump, crash = SAMPLES / "go1.27" / "pprof_debug2.txt", SAMPLES / "go1.27" / "nil_map.txt"
    analysis = stackdemux.analyze_many([dump, crash])
    assert [r.kind.is_crash for r in analysis.reports] == [False, True]
    assert [r.fingerprint for r in analysis.reports] == [_alone(dump), _alone(crash)]


def test_the_json_has_each_reports_fingerprint_and_each_groups_representative(tmp_path):
    import json

    log = tmp_path / "both.log"
    log.write_bytes(b"".join((SAMPLES / "go1.27" / f"{n}.txt").read_bytes()
                             for n in ("nil_pointer", "traceback_all")))
    doc = json.loads(render(stackdemux.analyze(log), "json", RenderOptions()))
    assert [r["fingerprint"] for r in doc["reports"]] == [
        _alone(SAMPLES / "go1.27" / "nil_pointer.txt"),
        _alone(SAMPLES / "go1.27" / "traceback_all.txt")]
    (group,) = doc["groups"]
    (shown,) = [r for r in doc["reports"] if r["id"] == group["representative"]]
    assert shown["fingerprint"] == group["fingerprint"]


def test_without_analysis_no_fingerprint_is_made_up():
    analysis = stackdemux.analyze(SAMPLES / "go1.27" / "nil_map.txt", analyse=False)
    assert analysis.groups == [] and [r.fingerprint for r in analysis.reports] == [None]


# ------------------------------------------------------------- Analysis.report ---


def _many_reports(n: int) -> stackdemux.Analysis:
    crash = (SAMPLES / "go1.27" / "nil_map.txt").read_bytes()
    return stackdemux.analyze(crash * n)


def test_looking_reports_up_builds_one_index_however_many_lookups(monkeypatch):
    analysis = _many_reports(300)
    built = []
    index_reports = model.index_reports

    def counted(reports):
        built.append(len(reports))
        return index_reports(reports)

    monkeypatch.setattr(model, "index_reports", counted)
    for _ in range(5):
        for g in analysis.groups:
            assert [analysis.report(rid).id for rid in g.reports] == g.reports
    assert sum(len(g.reports) for g in analysis.groups) * 5 == 1500
    assert built == [300]


def test_a_lookup_sees_reports_added_or_changed_since_the_index(monkeypatch):
    analysis = _many_reports(3)
    first = analysis.reports[0]
    assert analysis.report(first.id) is first
    with pytest.raises(KeyError):
        analysis.report("r99")
    extra = stackdemux.Report(id="r99", kind=stackdemux.ReportKind.PANIC, message="x")
    analysis.reports.append(extra)
    assert analysis.report("r99") is extra
    analysis.reports = analysis.reports[::-1]  # another list: positions changed
    assert analysis.report(first.id) is first and analysis.report("r99") is extra
    first.id = "renamed"
    assert analysis.report("renamed") is first
    with pytest.raises(KeyError):
        analysis.report("r1")


def test_the_index_is_no_part_of_the_analysis_as_compared_or_shown():
    a, b = _many_reports(2), _many_reports(2)
    a.report("r1")
    assert a == b and "_report_index" not in repr(a)
