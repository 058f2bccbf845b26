"""Nothing is lost: every record's text ends somewhere, however a collector cut it.

Defects found by fuzzing real collector logs (tests/data/lossless: real Go
output in CRI records, shuffled by the fuzz campaign): each is kept as the
smallest log that lost a line, and checked with the conservation spec of
tests/test_conservation.py.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from test_conservation import check_conservation

from stackdemux.demux import demultiplex_detail
from stackdemux.demux.writes_columns import Columns
from stackdemux.ingest import ingest
from stackdemux.model import Stream

DATA = Path(__file__).resolve().parent / "data" / "lossless"


@pytest.mark.parametrize("name", ["cri-shuffled-empty-f.log", "cri-shuffled-empty-f-2.log"])
def test_shuffled_cri_records_with_an_empty_final_record_lose_no_line(name):
    # `P` records joined across unrelated lines until an `F` with no text: the
    # write layer reads the joined lines, and the empty record's line must stay
    source = ingest((DATA / name).read_bytes(), name)
    demuxed = demultiplex_detail(source)
    assert "cri" in demuxed.layers
    check_conservation(source, demuxed)


def test_an_empty_record_inside_a_joined_line_is_kept_with_the_unclaimed_pieces():
    # line 2 `P goroutine 1 [running]:`, line 3 `P PC=0x477b01 m=0 sigcode=0`,
    # line 4 `F ` (CRI prefix of 40 chars): one text of three records, the last of no width
    head, pc = "goroutine 1 [running]:", "PC=0x477b01 m=0 sigcode=0"
    region = Stream(id="", numbers=[2], texts=[head + pc],
                    pieces={0: [(2, 40, 40 + len(head)), (3, 40, 40 + len(pc)), (4, 40, 40)]})
    cols = Columns(region)
    claimed = bytearray(len(head + pc) + 1)
    claimed[:len(head)] = b"\1" * len(head)  # another stream took the header
    left = cols.unclaimed(claimed)
    assert left is not None and left.texts == [pc]
    assert left.pieces[0] == [(3, 40, 40 + len(pc)), (4, 40, 40)]


def test_a_stream_holding_an_empty_record_keeps_it_alone():
    head, pc = "goroutine 1 [running]:", "PC=0x477b01 m=0 sigcode=0"
    pieces = [(2, 40, 40 + len(head)), (3, 40, 40 + len(pc)), (4, 40, 40)]
    region = Stream(id="", numbers=[2, 5], texts=[head + pc, "main.main()"],
                    pieces={0: pieces})
    cols = Columns(region)
    mine = Stream(id="", numbers=[2], texts=[head + pc], pieces={0: list(pieces)})
    # the whole joined line and nothing of the next: its empty record claims no character
    assert sorted(cols.offsets(mine)) == [(0, len(head)), (len(head), len(head + pc))]
    claimed = bytearray(len(head + pc) + 1 + len("main.main()") + 1)
    for a, b in cols.offsets(mine):
        claimed[a:b] = b"\1" * (b - a)
    left = cols.unclaimed(claimed, [mine])
    assert left is not None and left.texts == ["main.main()"] and left.numbers == [5]


def test_a_docker_record_overwritten_by_a_carriage_return_keeps_what_it_overwrote():
    # a real progress line redrawn with `\r` until the panic glued after it,
    # logged by docker's json-file driver: the record is read after its last
    # `\r`, the progress set aside like a prefix, and every record accounted for
    capture = Path(__file__).resolve().parent / "data/overwritten/progress-go1.27.3.txt"
    lines = capture.read_bytes().decode().split("\n")[:-1]  # (the `\r`s kept)
    records = [orjson.dumps({"log": line + "\n", "stream": "stderr",
                             "time": f"2026-11-26T10:00:00.{i:09d}Z"}).decode()
               for i, line in enumerate(lines)]
    source = ingest("\n".join(records) + "\n")
    demuxed = demultiplex_detail(source)
    assert demuxed.layers == ["docker-json"]
    (stream,) = demuxed.streams
    assert stream.texts[0].startswith("panic: runtime error")
    assert stream.prefix_lengths[0] == lines[0].rfind("\r") + 1
    check_conservation(source, demuxed)


def test_write_mixed_lines_batched_into_json_records_keep_every_column_once():
    # a collector that batches three lines into one JSON record (`msg` with
    # newlines) around processes whose writes mix inside lines (real strace'd
    # writes of `go test` binaries): the write layer cuts a record's lines, and
    # each piece must say which of its lines it is from
    from conftest import corpus_case

    data, _ = corpus_case("gotest-writes-shuffle")
    lines = data.split("\n")[:40]
    records = [orjson.dumps({"level": "error", "msg": "\n".join(lines[i:i + 3])}).decode()
               for i in range(0, len(lines), 3)]
    source = ingest("\n".join(records) + "\n")
    demuxed = demultiplex_detail(source)
    assert demuxed.layers == ["json-lines"] and any(s.unplaced for s in demuxed.streams)
    check_conservation(source, demuxed)


def test_the_lines_of_one_record_have_columns_of_their_own():
    # two whole lines of journal record 7, then record 8
    region = Stream(id="", numbers=[7, 7, 8], texts=["panic: boom", "", "goroutine 1 [running]:"])
    cols = Columns(region)
    assert cols.span_pieces(0, 5) == [(7, 0, 5)]
    assert cols.span_pieces(13, 22) == [(8, 0, 9)]  # (numbers that do not repeat: as before)
    # the second line of record 7 starts after the first and its newline
    region = Stream(id="", numbers=[7, 7], texts=["panic: boom", "exit status 2"])
    assert Columns(region).span_pieces(12, 16) == [(7, 12, 16)]
    # a stream holding the second line whole claims that line alone
    mine = Stream(id="", numbers=[7], texts=["exit status 2"])
    assert Columns(region).offsets(mine) == [(12, 26)]


@pytest.mark.parametrize("name", ["cri-shuffled-empty-f.log", "cri-shuffled-empty-f-2.log"])
def test_the_unplaced_pieces_are_said_with_every_line_they_came_from(name):
    from stackdemux.demux import UNPLACED_WRITES

    source = ingest((DATA / name).read_bytes(), name)
    demuxed = demultiplex_detail(source)
    pieces = {n for s in demuxed.streams if s.unplaced
              for j, first in enumerate(s.numbers)
              for n in ([m for m, _, _ in s.pieces[j]] if j in s.pieces else [first])}
    (said,) = [d for d in demuxed.diagnostics if d.message.startswith(UNPLACED_WRITES)]
    assert {n for a, b in said.lines for n in range(a, b + 1)} == pieces
    assert len(pieces) > len(next(s for s in demuxed.streams if s.unplaced).numbers)
