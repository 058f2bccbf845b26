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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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


# --- records cut, emptied and shuffled, from real output ---------------------

def _real_lines() -> list[str]:
    """A real traceback-heavy output: the processes' clean outputs of a corpus case."""
    from conftest import CORPUS_CASES

    d = CORPUS_CASES / "mixed-prefix-cri"
    return [ln for p in sorted(d.glob("p*.out")) for ln in p.read_text().split("\n")[:40]]


REAL = _real_lines()


def _cri(draw_cut: list[int], lines: list[str]) -> list[str]:
    out = []
    for i, (line, cut) in enumerate(zip(lines, draw_cut, strict=True)):
        stamp = f"2026-11-26T09:13:{i % 60:02d}.123456789Z stderr"
        if cut < 0:
            out.append(f"{stamp} P {line}")  # a partial record the next one continues
        elif cut < len(line):
            out += [f"{stamp} P {line[:cut]}", f"{stamp} F {line[cut:]}"]
        else:
            out.append(f"{stamp} F {line}")
    return out


def _docker(draw_cut: list[int], lines: list[str]) -> list[str]:
    out = []
    for i, (line, cut) in enumerate(zip(lines, draw_cut, strict=True)):
        rec = {"stream": "stderr", "time": f"2026-11-26T09:13:{i % 60:02d}Z"}
        if cut < 0:
            out.append(orjson.dumps(rec | {"log": line}).decode())  # no newline: continued
        elif cut < len(line):
            out += [orjson.dumps(rec | {"log": line[:cut]}).decode(),
                    orjson.dumps(rec | {"log": line[cut:] + "\n"}).decode()]
        else:
            out.append(orjson.dumps(rec | {"log": line + "\n"}).decode())
    return out


def _test2json(draw_cut: list[int], lines: list[str]) -> list[str]:
    out = []
    for line, cut in zip(lines, draw_cut, strict=True):
        rec = {"Action": "output", "Package": "example.com/fleet", "Test": "TestFleet"}
        text = line + ("\n" if cut >= 0 else "")
        for part in (text[:cut], text[cut:]) if 0 < cut < len(text) else (text,):
            out.append(orjson.dumps(rec | {"Output": part}).decode())
    return out


def _journal(draw_cut: list[int], lines: list[str]) -> list[str]:
    out = []
    k = 0
    while k < len(lines):
        cut = draw_cut[k]
        rec = {"__REALTIME_TIMESTAMP": str(1795690411187474 + k), "_HOSTNAME": "vm",
               "SYSLOG_IDENTIFIER": "fleet", "_PID": "1095"}
        many = 1 + (cut % 3 if cut > 0 else 0)  # a record of up to three lines
        text = "\n".join(lines[k:k + many])
        if cut < 0 and text:  # longer than LineMax: goes on in the next record
            out.append(orjson.dumps(rec | {"MESSAGE": text[:1], "_LINE_BREAK": "line-max"})
                       .decode())
            text = text[1:]
        out.append(orjson.dumps(rec | {"MESSAGE": text}).decode())
        k += many
    return out


WRAPPERS = {"cri": _cri, "docker-json": _docker, "test2json": _test2json,
            "journald-json": _journal}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(WRAPPERS)), st.integers(0, len(REAL) - 40),
       st.lists(st.integers(-30, 90), min_size=40, max_size=40), st.randoms(use_true_random=False),
       st.booleans())
def test_records_cut_emptied_and_shuffled_lose_no_text(wrapper, start, cuts, rng, shuffle):
    # real lines in a collector's records, lines cut between records (CRI `P`,
    # docker and test2json without a newline, the journal's LineMax), some
    # records empty, the records shuffled as the fuzz campaign did
    lines = REAL[start:start + 40]
    records = WRAPPERS[wrapper](cuts, [ln if c % 17 else "" for ln, c in zip(lines, cuts,
                                                                              strict=True)])
    if shuffle:
        rng.shuffle(records)
    source = ingest("\n".join(records) + "\n")
    demuxed = demultiplex_detail(source)
    assert demuxed.layers[0] == wrapper
    check_conservation(source, demuxed)


def test_a_journal_line_cut_by_linemax_then_dropped_as_paste_debris_takes_all_its_records():
    # Hypothesis found it (the shuffled records above): a tab cut off by the
    # journal's LineMax, its line ended by the next, empty, record, is one text
    # of two records; the paste repair drops that lone tab as debris, and the
    # noise held its first record only, the second in no stream and not noise
    rec = {"__REALTIME_TIMESTAMP": "1795690411187474", "_HOSTNAME": "vm",
           "SYSLOG_IDENTIFIER": "fleet", "_PID": "1095"}
    messages = [("example.com/fleet/main.go:211 +0x47", {}),
                ("goroutine 1 [running]:\n", {}),
                ("internal/sync.(*Mutex).lockSlow(0xc00000e230)\n\n", {}),
                ("\t", {"_LINE_BREAK": "line-max"}),
                ("", {}),
                ("\t/work/main/tests/corpus/programs/main.go:234 +0x16\n", {})]
    source = ingest("".join(orjson.dumps(rec | {"MESSAGE": m} | extra).decode() + "\n"
                            for m, extra in messages))
    demuxed = demultiplex_detail(source)
    assert demuxed.layers == ["journald-json", "paste"]
    assert any(a <= 4 and b >= 5 for a, b in demuxed.noise)  # the tab's two records
    check_conservation(source, demuxed)
