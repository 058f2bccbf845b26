"""Where one write() may end, measured on the corpus's strace'd writes (issue 3).

A write the tokenizer cannot end where the runtime ended it forces the decoder
to glue two processes' writes into one line: the true reading is then out of
its reach, whatever the beam. Cases come from tests/corpus/cases (real Go
output; truth.json says who wrote every byte).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stackdemux.demux.writes_columns import Columns
from stackdemux.demux.writes_decode import decode
from stackdemux.demux.writes_tokens import strong_ends, word_splits, write_ends
from stackdemux.model import Stream

CASES = Path(__file__).parent / "corpus" / "cases"


def _missed(name: str) -> tuple[int, int]:
    d = CASES / name
    truth = json.loads((d / "truth.json").read_text())
    text = (d / truth["input"]).read_text()
    ends = write_ends(text)
    pos, missed, total = 0, 0, 0
    for _, n in truth["ownership"]:
        pos += n
        if pos < len(text):
            total += 1
            missed += not ends[pos]
    return missed, total


def test_every_write_of_a_small_shuffle_ends_where_the_tokenizer_says_it_may():
    assert _missed("bolt-writes-shuffle") == (0, 498)


@pytest.mark.parametrize("name", ["crash-writes-shuffle", "twelve-writes-shuffle",
                                  "sigquit-writes-shuffle"])
def test_at_most_three_write_ends_in_two_hundred_are_missed(name):
    # measured: 5/2010, 21/3021, 23/4348 (a hex number glued to another's digits)
    missed, total = _missed(name)
    assert missed * 200 <= total * 3


def test_a_source_file_glued_behind_another_is_two_writes_however_often_the_glue_repeats():
    glued = "/work/main/tests/corpus/programs/main.go/usr/lib/go-1.19/src/runtime/proc.go"
    text = f"\t{glued}:80\n\t{glued}:81\n"  # the same glue twice: no whole name decides
    splits = word_splits(text)
    cut = 1 + glued.index("/usr")
    assert splits[cut] and splits[len(glued) + 5 + cut]
    assert write_ends(text)[cut]


def test_a_path_glued_behind_a_name_starts_where_files_stand_whole_under_its_root():
    # `running` (a goroutine's state) + `/opt/gobin/1.27.3/…` (another's file)
    text = ("\t/opt/gobin/1.27.3/go/src/runtime/proc.go:435 +0x1a\n"
            "goroutine 7 [running/opt/gobin/1.27.3/go/src/runtime/sema.go:95\n")
    cut = text.index("running/") + len("running")
    assert word_splits(text)[cut]
    # no file stands whole under `/etc/fleet/`: a path in a message stays whole
    msg = "panic: loading configs/etc/fleet/node-2.yaml\n"
    assert not any(word_splits(msg))


def test_two_function_names_glued_the_same_way_twice_are_two_writes():
    text = ("created by main.hubTimeoutmain.startIdle\ncreated by main.hubTimeoutmain.startIdle\n"
            "created by main.hubTimeout in goroutine 1\ncreated by main.startIdle in goroutine 1\n")
    cut = len("created by main.hubTimeout")
    assert word_splits(text)[cut]


def test_a_source_file_name_ends_a_write_the_decoder_tries_first():
    # the decoder keeps a few candidate ends per write: the end of `time.go`
    # (and of its `:`) must be among them, or a file write always runs on into
    # another process's path
    text = "\t/opt/gobin/1.23.9/go/src/runtime/time.go:/work/main/tests/corpus/programs/main.go\n"
    ends = write_ends(text)
    strong = strong_ends(text, ends)
    go = text.index(".go:") + 3
    assert strong[go] and strong[go + 1]


def test_a_piece_of_no_width_at_a_line_end_claims_that_line_end():
    # a process's line ended by the newline of input line 1 (its text is
    # another's): the piece (1, 9, 9) stands for that newline
    region = Stream(id="", numbers=[1, 2], texts=["0x4a4433?", "goroutine 1 [running]:"])
    cols = Columns(region)
    mine = Stream(id="", numbers=[1], texts=[""], pieces={0: [(1, 9, 9)]})
    assert cols.offsets(mine) == [(9, 10)]
    claimed = bytearray(len("\n".join(region.texts)) + 1)
    claimed[9] = 1
    left = cols.unclaimed(claimed)
    # the rest of line 1 is a piece then, not the whole line a second time
    assert left is not None and left.pieces[0] == [(1, 0, 9)]


def test_the_truths_reading_is_reachable():
    # the decoder held to who wrote every byte reads each process's clean
    # output back, line for line (what its free search finds:
    # tests/test_demux_writes_search.py)
    d = CASES / "bolt-writes-shuffle"
    truth = json.loads((d / "truth.json").read_text())
    text = (d / truth["input"]).read_text()
    owners = [o for o, n in truth["ownership"] for _ in range(n)]
    held = decode(text, owners=owners)
    assert not held.noise
    for k, lines in enumerate(held.processes):
        clean = (d / truth["processes"][k]["output"]).read_text().splitlines()
        assert ["".join(text[a:b] for a, b in segs) for segs in lines] == clean
