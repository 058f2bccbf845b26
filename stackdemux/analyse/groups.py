"""Reports of the same crash, across processes and input files, as one Group.

Reports are grouped by title (the normalised message) *and* crash site (the
culprit function, closure numbers normalised): two crashes raised at different
places are different bugs however alike their messages read.

Then rapidfuzz merges titles the normaliser left apart (a word it could not
know was a variable). It compares titles, not reports: the titles are deduped
first and compared only within one crash site, each against the clusters found
so far, with `extractOne` (C code, length-pruned by the score cutoff). 10 000
reports of a few dozen distinct titles cost a few dozen comparisons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache

from stackdemux.analyse.chains import RUNTIME_WAIT, culprit, waits_in_the_runtime
from stackdemux.analyse.fingerprint import normalise_function
from stackdemux.analyse.normalise import title as title_of
from stackdemux.model import Group, Report


def crash_site(report: Report) -> str | None:
    """The culprit function, normalised; None when the report shows no stack, or
    names no function in it (a caller list, callers.py: it joins a group as a
    report without a stack does)."""
    if waits_in_the_runtime(report):
        return RUNTIME_WAIT
    frame = culprit(report)
    return normalise_function(frame.func) if frame is not None and frame.func else None


class _Cluster:
    __slots__ = ("first", "reports", "similarity", "title")

    def __init__(self, title: str, first: int) -> None:
        self.title = title
        self.first = first
        self.reports: list[Report] = []
        self.similarity: float | None = None


def group(reports: Iterable[Report], *, threshold: float = 90.0,
          titles: dict[int, str] | None = None) -> list[Group]:
    """Group reports; the largest group first (ties: first seen), ids g1, g2, …

    `titles`, when given, is filled with each report's title by id(report), for a
    caller that needs them again (a merged group's members' titles differ)."""
    exact: dict[tuple[str | None, str], list[Report]] = {}
    order: dict[tuple[str | None, str], int] = {}
    position: dict[int, int] = {}  # id(report) → index in the input: groups list reports in order
    for report in reports:
        position[id(report)] = len(position)
        key = (crash_site(report), title_of(report))
        if titles is not None:
            titles[id(report)] = key[1]
        members = exact.get(key)
        if members is None:
            exact[key] = [report]
            order[key] = len(order)
        else:
            members.append(report)

    clusters: list[_Cluster] = []
    by_site: dict[str, list[_Cluster]] = {}  # crash site → its clusters, titles parallel
    titles: dict[str, list[str]] = {}
    by_title: dict[str, list[_Cluster]] = {}
    siteless: list[tuple[str, int, list[Report]]] = []
    for key, members in exact.items():
        site, title = key
        if site is None:
            siteless.append((title, order[key], members))
            continue
        cluster, score = _match(title, by_site.get(site, []), titles.get(site, []), threshold)
        if cluster is None:
            cluster = _Cluster(title, order[key])
            clusters.append(cluster)
            by_site.setdefault(site, []).append(cluster)
            titles.setdefault(site, []).append(title)
            by_title.setdefault(title, []).append(cluster)
        elif score < 100.0 and (cluster.similarity is None or score < cluster.similarity):
            cluster.similarity = score
        cluster.reports.extend(members)

    # Reports without a stack (cut off) join the one group of their exact title, if
    # there is exactly one; otherwise they stay apart rather than guess a crash site.
    for title, first, members in siteless:
        candidates = by_title.get(title, [])
        if len(candidates) == 1:
            candidates[0].reports.extend(members)
        else:
            cluster = _Cluster(title, first)
            cluster.reports.extend(members)
            clusters.append(cluster)
            by_title.setdefault(title, []).append(cluster)

    clusters.sort(key=lambda c: (-len(c.reports), c.first))
    for cluster in clusters:
        cluster.reports.sort(key=lambda r: position[id(r)])
    return [_group(i, c) for i, c in enumerate(clusters, 1)]


def _match(
    title: str, clusters: list[_Cluster], titles: list[str], threshold: float
) -> tuple[_Cluster | None, float]:
    if not titles:
        return None, 0.0
    found = _extract_one()(title, titles, score_cutoff=threshold)
    if found is None:
        return None, 0.0
    _, score, index = found
    return clusters[index], float(score)


@cache
def _extract_one() -> Callable:
    """rapidfuzz's best match by ratio, imported when a second title is met: a
    log of one crash, or of one title a crash site, needs none (6 ms a run)."""
    from functools import partial

    from rapidfuzz import fuzz, process

    return partial(process.extractOne, scorer=fuzz.ratio)


def _group(number: int, cluster: _Cluster) -> Group:
    messages: dict[str, int] = {}
    streams: dict[str, None] = {}
    for report in cluster.reports:
        messages[report.message] = messages.get(report.message, 0) + 1
        streams[report.stream] = None
    return Group(
        id=f"g{number}",
        title=cluster.title,
        reports=[r.id for r in cluster.reports],
        messages=dict(sorted(messages.items(), key=lambda kv: -kv[1])),
        streams=list(streams),
        similarity=cluster.similarity,
    )

