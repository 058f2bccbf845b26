"""The API runs without the cyclic GC, as the CLI does, and gives it back as found.

A big dump's reading is millions of objects in no cycle: the collector would
only rescan them (it doubled the analysis of the 20 000-goroutine dump).
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from stackdemux.api import analyze

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "go1.27" / "deadlock.txt"


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_off_during_a_run_and_as_found_after(enabled: bool,
                                                              monkeypatch: pytest.MonkeyPatch):
    seen: list[bool] = []
    import stackdemux.api as api

    real = api._analyse_source

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(api, "_analyse_source", spy)
    (gc.enable if enabled else gc.disable)()
    try:
        analysis = analyze(SAMPLE.read_bytes())
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
    assert seen == [False]
    assert analysis.reports


def test_what_a_run_made_is_not_left_young_for_the_callers_collector():
    # a dump's reading held as the young generation would be traversed whole at
    # the caller's next allocations: it is handed back among the old objects
    gc.enable()
    gc.collect()
    dump = Path(__file__).resolve().parent.parent / "samples" / "go1.27" / "pprof_debug2.txt"
    analysis = analyze(dump.read_bytes() * 20)
    young = gc.get_count()[0]
    assert len(analysis.reports) == 20 and young < 100
