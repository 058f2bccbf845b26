"""What users of the npm runners' logs are told, checked against real captures.

concurrently ends a line where a read ends and prints its rest later, behind
the label again, after whatever the other commands printed meanwhile
(tests/corpus/runners.py captured these runs).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import corpus_case, numbers

from stackdemux.api import analyze
from stackdemux.demux import Demuxed, cut_lines, demultiplex_detail
from stackdemux.demux.cut_lines import CUT_LINES
from stackdemux.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "interleaved" / "concurrently-crash.log"
NOISE = ROOT / "tests" / "corpus" / "noise"


def test_a_joined_line_is_said_on_the_lines_of_its_pieces_not_those_between() -> None:
    # `[4] \t/opt/gobin/1.26.6/go/src/runtime/sema.go:` on line 17, its rest
    # `[4] 95 +0x25` on line 125: lines 18-124 are the other commands' output
    text, _ = corpus_case("mixed-prefix-concurrently-index")
    d = demultiplex_detail(ingest(text))
    said = [n for x in d.diagnostics if x.message.startswith(CUT_LINES)
            for n in numbers(x.lines)]
    pieces = sorted(n for s in d.streams for ps in s.pieces.values() for n, _, _ in ps)
    assert said == pieces == [17, 125]


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts cut_lines classifies, as it classifies them."""
    read: list[str] = []
    of = cut_lines._Kinds.of

    def counted(self: cut_lines._Kinds, text: str) -> str | None:
        read.append(text)
        return of(self, text)

    monkeypatch.setattr(cut_lines._Kinds, "of", counted)
    return read


def _joins(d: Demuxed, shift: int = 0) -> list[list[tuple[int, int, int]]]:
    return sorted([(n - shift, a, b) for n, a, b in ps]
                  for s in d.streams for ps in s.pieces.values())


@pytest.mark.parametrize("labels", [("web",), ("web", "worker")])
def test_ordinary_output_is_not_read_for_cut_lines(labels: tuple[str, ...],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # a long build by one command or two, line by line, then the crashes of
    # the sample: only the crashes' lines are read for cut lines, and they are
    # joined as when the sample is read alone
    build = (NOISE / "go-build-x.log").read_text().splitlines()
    runners = "".join(f"[{labels[i % len(labels)]}] {t}\n" for i, t in enumerate(build))
    crash = SAMPLE.read_text()
    read = _count_reads(monkeypatch)
    alone = demultiplex_detail(ingest(crash))
    crash_reads = len(read)
    both = demultiplex_detail(ingest(runners + crash))
    assert crash_reads > 0 and len(read) - crash_reads == crash_reads
    assert _joins(both, shift=len(build)) == _joins(alone)


@pytest.mark.parametrize("case", ["crash-prefix-yarn", "mixed-prefix-yarn"])
def test_a_yarn_run_after_a_line_of_ci_output_keeps_its_labels(case: str) -> None:
    # yarn 4 labels a crash's frame lines `[api-1]: \t/app/main.go:12`: read as
    # GNU parallel's tag (anything up to a tab) they were not the runner's, and
    # one line more before the run left its labels below their share: every
    # crash was lost
    text, truth = corpus_case(case)
    log = "##[group]Run yarn workspaces foreach -A -pi -j unlimited -v run start\n" + text
    analysis = analyze(log.encode())
    labels = {s.label for s in analysis.streams}
    assert {p["name"] for p in truth["processes"]} <= labels
    alone = analyze(text.encode()).reports
    assert alone and sorted(r.message for r in analysis.reports) == sorted(
        r.message for r in alone)
