"""A race report's title says what the race detector printed of each access.

Where the detector lost an access's stack it prints whose access it was and
`[failed to restore the stack]` in place of the frames: the title says so,
where it read `previous read by ?`, a function not known. A paste cut right
after an access's header keeps whose access it was, and no more."""

from __future__ import annotations

from pathlib import Path

import stackdemux

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
WILD = SAMPLES / "wild"


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


def _cut_after(name: str, header: str) -> stackdemux.Analysis:
    """A real race report cut right after an access's header, as a paste or
    `kubectl logs --tail` cuts it."""
    text = (SAMPLES / name).read_text(encoding="utf-8")
    at = text.index(header) + len(header) + 1
    return stackdemux.analyze(text[:at].encode())


def test_an_access_cut_after_its_header_is_named_by_whose_it_was():
    analysis = _cut_after("go1.27/race_run.txt",
                          "Previous write at 0x00c0000180e8 by main goroutine:")
    (report,) = analysis.reports
    assert report.message == (
        "DATA RACE: read by main.(*counter).get and previous write by main goroutine")
    assert analysis.groups[0].title == report.message


def test_a_goroutine_s_access_cut_after_its_header_is_named_by_its_goroutine():
    analysis = _cut_after("go1.27/test_race.txt",
                          "Previous read at 0x00c000104010 by goroutine 7:")
    (report,) = analysis.reports
    assert report.message.endswith(" and previous read by goroutine 7"), report.message
    assert analysis.groups[0].title.endswith(" and previous read by goroutine <N>")
