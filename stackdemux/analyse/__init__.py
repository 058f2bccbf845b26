"""Analysis: what a person triaging a failed build asks of the parsed reports.

    groups, buckets = analyse(reports, modules=None, rules=None, threshold=90.0)

- origins.py   frame → package, module, version, origin (filled in place)
- buckets.py   goroutines of one report on the same call path, counted once
- normalise.py message → title (`panic: invalid page type: <N>: <N>`)
- groups.py    reports of the same crash across processes and files
- chains.py    the crashing path through modules, culprit and main frame
- fingerprint.py  a stable id per crash
- hints.py     known crashes explained (rules.toml, plus a team's own)
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from stackdemux.analyse.buckets import bucket, call_paths
from stackdemux.analyse.chains import (
    RUNTIME_WAIT,
    crash_frames,
    crash_path,
    culprit,
    fill_chain,
    format_chain,
    remembering,
    waits_in_the_runtime,
)
from stackdemux.analyse.fingerprint import fingerprint, route
from stackdemux.analyse.groups import group
from stackdemux.analyse.hints import Rule, RulesError, hints, load_rules, shipped_rules
from stackdemux.analyse.normalise import normalise, title
from stackdemux.analyse.origins import ModuleMap, ModulesError, assign_origins, load_modules
from stackdemux.model import Bucket, Frame, Group, Report

__all__ = [
    "ModuleMap",
    "ModulesError",
    "Rule",
    "RulesError",
    "analyse",
    "bucket",
    "format_chain",
    "group",
    "load_modules",
    "load_rules",
    "normalise",
    "title",
]


def analyse(
    reports: list[Report],
    *,
    modules: ModuleMap | str | Path | None = None,
    rules: list[Rule] | str | Path | None = None,
    threshold: float = 90.0,
    as_parsed: bool = False,
) -> tuple[list[Group], dict[str, list[Bucket]]]:
    """Groups (largest first) and each report's goroutine buckets.

    Fills every frame's package/module/version/origin and each report's
    `buckets` (the returned dict holds the same lists), `title`, `culprit` and
    `fingerprint` (its own: what its group's would be were it alone) in place;
    each group names
    its `representative`. `modules` is a
    ModuleMap or the path of a go.mod / vendor/modules.txt; `rules` a list of
    rules or the path of a rules file: a team's rules are tried before the
    shipped ones. `threshold` is the rapidfuzz similarity (0–100) at which two
    titles of the same crash site merge. `as_parsed`: the reports are as the
    parser made them, no frame changed since; goroutines are then told apart
    by the texts they were read from, which spares a big dump's field reads.
    """
    if isinstance(modules, (str, Path)):
        modules = load_modules(modules)
    if isinstance(rules, (str, Path)):
        rules = load_rules(rules)
    all_rules = [*(rules or ()), *shipped_rules()]
    _ids_unique(reports)
    for report in reports:
        _race_read(report)

    # goroutines by call path: their frames' origins are worked out once a path
    # (what the parser read them from is let go: analysis needs it no more)
    paths = {report.id: call_paths(report, as_parsed=as_parsed, let_go=True)
             for report in reports}
    assign_origins(reports, modules, {rid: p.values() for rid, p in paths.items()})
    buckets = {report.id: bucket(report, paths[report.id]) for report in reports}
    for report in reports:
        report.buckets = buckets[report.id]
    by_id = {report.id: report for report in reports}
    titles: dict[int, str] = {}
    with remembering():  # (the frames are final: their origins are filled)
        groups = group(reports, threshold=threshold, titles=titles)
        for g in groups:
            members = [by_id[rid] for rid in g.reports]
            representative = _representative(members, titles)
            g.representative = representative.id
            g.title = titles[id(representative)]
            fill_chain(g, representative)
            g.fingerprint = representative.fingerprint = _fingerprint(
                representative, g.culprit, g.title)
            representative.title, representative.culprit = g.title, g.culprit
            g.hints = hints(g, representative, all_rules, buckets[representative.id])
            others: dict[str, list[Report]] = {}  # each other own id's reports
            for r in members:
                if r is not representative:
                    _read_alone(r, titles[id(r)])
                    if r.fingerprint != g.fingerprint:
                        others.setdefault(r.fingerprint, []).append(r)
            for fp, alike in others.items():
                # (its hints as a CI format's entry for that id reads it: render/view)
                shown = next((r for r in alike if r.goroutines), alike[0])
                g.hints_of[fp] = hints(replace(g, title=shown.title), shown, all_rules,
                                       buckets[shown.id])
    return groups, buckets


def _ids_unique(reports: list[Report]) -> None:
    """Groups name their reports by id: two reports of one id would be one."""
    seen: set[str] = set()
    for report in reports:
        if report.id in seen:
            raise ValueError(
                f"two reports have the id {report.id!r}: parse every stream with one id "
                "sequence (ids = stackdemux.parse.report_ids(); parse_stream(stream, ids))")
        seen.add(report.id)


# The race detector prints every report with its accesses (two at least: the
# access that found the race and the previous one), each with its stack.
RACE_UNREAD = ("only its `WARNING: DATA RACE` line was read: none of the accesses the race "
               "detector prints after it (each with its stack) could be read")


def _race_read(report: Report) -> None:
    """A race report of which no access was read is partial, and says so (a
    paste retyped from a screenshot: the parser reads its header alone)."""
    race = report.race
    if race is not None and not race.accesses and report.complete:
        report.complete, report.incomplete_reason = False, RACE_UNREAD


def _fingerprint(report: Report, culprit: Frame | None, title: str) -> str:
    if waits_in_the_runtime(report):
        return fingerprint(title, [RUNTIME_WAIT])
    frames, crashing = crash_frames(report)
    start = next((i for i, f in enumerate(frames) if f is culprit), 0)
    cut = crashing.elided_at if crashing is not None else None
    return fingerprint(title, route(frames, start, cut) if frames else [])


def _read_alone(report: Report, title: str) -> None:
    """Set the title, culprit and fingerprint the report's group would have were
    it the only member: its culprit as fill_chain would set the group's (the end
    of its crash path), the fingerprint hashed from those."""
    path = crash_path(report)
    report.title = title
    report.culprit = blamed = path[-1][0] if path else culprit(report)
    report.fingerprint = _fingerprint(report, blamed, title)


def _representative(members: list[Report], titles: dict[int, str]) -> Report:
    """The report a group's title, chain, hints and fingerprint are read from.

    Not simply the first in the log: a triage bot must get the same fingerprint
    for the same group whatever order its reports came in. A report cut off
    before its stack (a log begun by `kubectl logs --tail`) shows no crash site,
    so one that does is taken, one whose stack names functions before a caller
    list's (callers.py); among those, the least fingerprint (members of a group
    can differ in title, merged by similarity, or in route to the culprit).
    """
    distinct: dict[tuple[str, tuple[str, ...]], Report] = {}
    callers: dict[tuple[str, tuple[str, ...]], Report] = {}
    for r in members:  # a fingerprint per distinct title and stack, not per report
        frames = crash_frames(r)[0]
        if frames:
            funcs = tuple(f.func for f in frames)
            (distinct if any(funcs) else callers).setdefault((titles[id(r)], funcs), r)
    distinct = distinct or callers
    if len(distinct) <= 1:
        return next(iter(distinct.values()), members[0])
    return min(distinct.values(), key=lambda r: _fingerprint(r, culprit(r), titles[id(r)]))


__all__ += ["crash_path", "fill_chain"]
