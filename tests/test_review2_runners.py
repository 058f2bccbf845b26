"""What users of the npm runners' logs are told, checked against real captures.

concurrently ends a line where a read ends and prints its rest later, behind
the label again, after whatever the other commands printed meanwhile
(tests/corpus/runners.py captured these runs).
"""

from __future__ import annotations

from conftest import corpus_case, numbers

from stackdemux.demux import demultiplex_detail
from stackdemux.demux.cut_lines import CUT_LINES
from stackdemux.ingest import ingest


def test_a_joined_line_is_said_on_the_lines_of_its_pieces_not_those_between() -> None:
    # `[4] \t/opt/gobin/1.26.6/go/src/runtime/sema.go:` on line 17, its rest
    # `[4] 95 +0x25` on line 125: lines 18-124 are the other commands' output
    text, _ = corpus_case("mixed-prefix-concurrently-index")
    d = demultiplex_detail(ingest(text))
    said = [n for x in d.diagnostics if x.message.startswith(CUT_LINES)
            for n in numbers(x.lines)]
    pieces = sorted(n for s in d.streams for ps in s.pieces.values() for n, _, _ in ps)
    assert said == pieces == [17, 125]
