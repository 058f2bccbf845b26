"""A race report's title says what the race detector printed of each access.

Where the detector lost an access's stack it prints whose access it was and
`[failed to restore the stack]` in place of the frames: the title says so,
where it read `previous read by ?`, a function not known."""

from __future__ import annotations

from pathlib import Path

import stackdemux

WILD = Path(__file__).resolve().parent.parent / "samples" / "wild"


def test_an_access_whose_stack_the_detector_lost_is_named_as_printed():
    analysis = stackdemux.analyze(WILD / "popstellar1121_race_nix_store_dwrap.txt")
    (report,) = analysis.reports
    assert report.message == (
        "DATA RACE: write by popstellar/cli.TestOrganizerAndWitnessWithoutPK and previous "
        "read by goroutine 41 [failed to restore the stack]")
    (group,) = analysis.groups
    assert group.title == report.title == (
        "DATA RACE: write by popstellar/cli.TestOrganizerAndWitnessWithoutPK and previous "
        "read by goroutine <N> [failed to restore the stack]")
    assert group.culprit.func == "popstellar/cli.TestOrganizerAndWitnessWithoutPK"


def test_accesses_with_their_stacks_are_named_by_their_functions():
    analysis = stackdemux.analyze(WILD / "memtierd_race_gowrap.txt")
    (report,) = analysis.reports
    assert report.message == (
        "DATA RACE: read by github.com/intel/memtierd/pkg/memtier.(*TrackerIdlePage).sampler "
        "and previous write by "
        "github.com/intel/memtierd/pkg/memtier.(*TrackerIdlePage).addRanges")
