"""A culprit always names what the log printed of it: its function, or, where the
log printed no function at all (a caller list of file lines: k8s.io/apimachinery's
`Observed a panic:` before Kubernetes 1.15, Gitea's and Macaron's `PANIC:` pages;
TinyGo's `[tinygo: panic at FILE:LINE:COL]`), its file and line. `func` is `""`
then (the JSON contract's frame with no function), never for a frame whose
function was printed, and never with no place either.

Over every sample and wild paste (tests/fingerprint_table.py's inputs), read alone."""

from __future__ import annotations

import pytest
from fingerprint_table import inputs

import stackdemux


@pytest.fixture(scope="module")
def culprits() -> list[tuple[str, stackdemux.Report]]:
    out = []
    for path in inputs():
        for report in stackdemux.analyze(path).reports:
            if report.culprit is not None:
                out.append((path.name, report))
    return out


def test_every_culprit_names_a_function_or_a_place(culprits):
    assert len(culprits) > 500
    unnamed = [(name, r.id) for name, r in culprits
               if not r.culprit.func and not (r.culprit.file and r.culprit.line)]
    assert not unnamed


def test_a_culprit_has_no_function_only_where_its_stack_names_none(culprits):
    place_only = {}
    for name, report in culprits:
        c = report.culprit
        if c.func:
            continue
        [holder] = [g for g in report.goroutines if any(f is c for f in g.frames)]
        assert not any(f.func for f in holder.frames), (name, report.id)
        place_only.setdefault(name, []).append(report.id)
    # (9 pastes on 2026-11-27: 7 caller lists, 2 TinyGo locations; astro's klog
    # copies r1 and r2, not Go's traceback after them, which names functions)
    assert len(place_only) >= 9, place_only
