"""Analysis works out each report's crash frames and culprit once.

Grouping (the crash site), the representative's choice, the chain, the
fingerprint, each report's own title and fingerprint, and the hints all ask for
them: worked out per question, a log of many reports paid 4.4 crash-frame and
6.6 culprit searches a report. The table that spares it is the analysis' own:
nothing of it outlives the call (a bot analyses log after log).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from stackdemux.analyse import analyse, chains
from stackdemux.analyse.chains import crash_frames, culprit, remembering
from stackdemux.parse import parse_text

ROOT = Path(__file__).resolve().parent.parent


def many_reports():
    """The real samples of every toolchain, as one log's reports."""
    reports = [r for path in sorted(ROOT.glob("samples/go*/*.txt"))
               for r in parse_text(path.read_bytes()).reports]
    for n, report in enumerate(reports):  # (one id sequence, as one log's)
        report.id = f"r{n}"
    return reports


@pytest.fixture
def worked_out(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """ids of the reports whose crash frames were worked out, once per search."""
    searched: list[int] = []
    real = chains._crash_frames_of

    def counting(report):
        searched.append(id(report))
        return real(report)

    monkeypatch.setattr(chains, "_crash_frames_of", counting)
    return searched


def test_each_reports_crash_frames_are_searched_once_in_an_analysis(worked_out: list[int]):
    reports = many_reports()
    groups, _ = analyse(reports)
    assert len(reports) > 300 and len(groups) > 50  # (many reports, many groups)
    assert sorted(worked_out) == sorted(id(r) for r in reports)


def test_the_culprit_is_searched_once_a_report(monkeypatch: pytest.MonkeyPatch):
    reports = many_reports()
    searched: list[int] = []
    real = chains.culprit_index

    def counting(frames, raised=False):
        searched.append(1)
        return real(frames, raised)

    monkeypatch.setattr(chains, "culprit_index", counting)
    analyse(reports)
    # one search for the culprit and one for a synctest bubble's wait a report; the
    # hints read blocked goroutines' and race accesses' stacks besides (a few)
    assert len(searched) < 2.2 * len(reports)


def test_outside_an_analysis_nothing_is_kept(worked_out: list[int]):
    report = many_reports()[0]
    crash_frames(report), culprit(report), crash_frames(report)
    assert len(worked_out) == 3
    with remembering():
        crash_frames(report), culprit(report), crash_frames(report)
    assert len(worked_out) == 4
    assert chains._MEMO.get() is None


def test_what_is_kept_is_what_a_search_finds():
    reports = many_reports()
    alone = [(crash_frames(r), culprit(r)) for r in reports]
    with remembering():
        kept = [(crash_frames(r), culprit(r)) for r in reports]
        again = [(crash_frames(r), culprit(r)) for r in reports]
    assert kept == alone and again == alone


def test_origins_read_each_paths_first_goroutine_in_the_reports_order():
    # (the frames origins are gathered from: the paths' firsts, by the paths'
    # order, with no pass over every goroutine; the report's order, as ever)
    import gzip

    from stackdemux.analyse.buckets import call_paths
    from stackdemux.analyse.origins import _frames, _frames_read

    dump = gzip.decompress((ROOT / "benchmarks" / "data" / "goroutines-20k.go1.21.txt.gz")
                           .read_bytes())
    (report,) = parse_text(dump).reports
    for g in report.goroutines[1::3]:  # (read alike two ways: paths joined, then sorted)
        g._read = (*g._read[:-1], g._read[-1] + " +0x1")
    reports = [report, *many_reports()]
    for r in reports:
        paths = call_paths(r, as_parsed=True).values()
        read = _frames_read(r, paths)
        assert [id(f) for f in read] == [id(f) for f in _frames(r, {id(ms[0]) for ms in paths})]
