"""A collector that made each of the runtime's writes a record of its own
(golang/go#32002: a Procfile runner under docker-compose): no line is whole,
and the lines are put back together from the writes (demux/write_records.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stackdemux.api import analyze_many
from stackdemux.demux import demultiplex_detail
from stackdemux.demux.write_records import WRITE_RECORDS, rejoin_write_records
from stackdemux.ingest import ingest
from stackdemux.model import Stream

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT / "samples" / "wild"
GO32002 = WILD / "go32002_compose_procfile_each_print_a_record_go112.txt"


def test_each_write_a_record_reads_as_the_crash_it_is() -> None:
    a = analyze_many([str(GO32002)])
    [report] = a.reports
    assert report.message == ("interface conversion: http.http2Frame is "
                              "*http.http2UnknownFrame, not *http.http2HeadersFrame")
    assert [c.message for c in report.chain] == [report.message, "err must be non-nil"]
    [g] = report.goroutines
    assert (g.id, g.state) == (32, "running")
    [frame] = g.frames
    assert (frame.func, frame.file, frame.line) == ("panic", "/usr/local/go/src/runtime/panic.go",
                                                   565)
    # the paste's first line, `panic: ` whose prefix the selection left out, is
    # the opener whose value the next record holds
    assert report.lines[0][0] == 2
    said = [d for d in a.diagnostics if d.message.startswith(WRITE_RECORDS)]
    assert said and said[0].severity == "info"


def test_a_line_is_the_writes_between_two_newlines() -> None:
    d = demultiplex_detail(ingest(GO32002.read_bytes()))
    [stream] = [s for s in d.streams if s.label == "api_1 app"]
    assert list(stream.texts[1:]) == [
        "panic: interface conversion: http.http2Frame is *http.http2UnknownFrame, "
        "not *http.http2HeadersFrame",
        "\tpanic: err must be non-nil",
        "",  # the runtime's blank line before the goroutine: the second "\n" write
        "goroutine 32 [running]:",
        "panic(0x9e0580, 0xbb6070)",  # `)\n` is one write: its record ends the line
        "\t/usr/local/go/src/runtime/panic.go:565 +0x2c5 fp=0xc000407b68 sp=0xc000407ad8"
        " pc=0x42bca5",
    ]
    # the frame's file line is twelve writes and the "\n" that ended it: each
    # record's text after its prefix, the last one empty
    pieces = stream.pieces[len(stream.texts) - 1]
    assert len(pieces) == 13 and pieces[-1][1] == pieces[-1][2]


def _stream(texts: list[str]) -> Stream:
    return Stream(id="s1", numbers=range(1, len(texts) + 1), texts=texts)


def test_writes_are_joined_only_where_a_runtime_printed_them_so() -> None:
    # the same words as whole lines of an ordinary log: nothing is looked at
    whole = ["panic: ", "goroutine 32 [running]:", "main.main()", "\t/app/main.go:61 +0x5b", ""]
    assert rejoin_write_records(_stream(whole), whole)[1] is None
    # short lines of a program's own output with no header's or file line's
    # writes among them stay as they are, a `panic: ` alone too
    chat = ["panic: ", "no", "", "goroutine", "32", " [", "running", "]:"]
    assert rejoin_write_records(_stream(chat), chat)[1] is None


@pytest.mark.parametrize("version", ["1.12", "1.27"])
def test_the_header_writes_of_every_go_version_are_read(version: str) -> None:
    # Go 1.12 prints `]:\n` in one write, Go 1.27 `]` and `:\n` (runtime/traceback.go)
    tail = ["]:"] if version == "1.12" else ["]", ":"]
    writes = ["goroutine ", "1", " [", "running", *tail, "main.main", "(", ")",
              "\t", "/app/main.go", ":", "61", " +", "0x5b", "", ""]
    stream, said = rejoin_write_records(_stream(writes), writes)
    assert said is not None
    assert list(stream.texts) == ["goroutine 1 [running]:", "main.main()",
                                  "\t/app/main.go:61 +0x5b", ""]


def test_no_sample_is_read_as_records_of_writes() -> None:
    files = sorted(ROOT.glob("samples/go*/*.txt")) + sorted(WILD.glob("*.txt"))
    files.remove(GO32002)
    assert len(files) > 300
    for f in files:
        lines = ingest(f.read_bytes()).lines
        stream = _stream(lines)
        assert rejoin_write_records(stream, lines)[0] is stream, f.name


# ------------------------------------------------- real runtimes' writes ---

TRACES = ROOT / "tests" / "data" / "write_records"  # strace of real crashes (make.sh)
_WRITE = re.compile(r'write\([12], "((?:\\x[0-9a-f]{2})*)", \d+\) += \d+')


def _writes(trace: Path) -> list[str]:
    return [bytes.fromhex(m.group(1).replace("\\x", "")).decode()
            for m in map(_WRITE.match, trace.read_text().splitlines()) if m]


def _records(writes: list[str], prefix: str) -> str:
    """The log of a collector that makes each read a record (each write read
    alone): a read's lines, the newline that ends it taken as the record's end."""
    out = []
    for w in writes:
        parts = w.split("\n")
        if w.endswith("\n"):
            parts.pop()
        out += [prefix + p for p in parts]
    return "\n".join(out) + "\n"


def _reading(text: str) -> list:
    return [(r.kind, [c.message for c in r.chain], r.signal and r.signal.name,
             [(g.id, g.state, [(f.func, f.file, f.line, f.offset) for f in g.frames])
              for g in r.goroutines]) for r in analyze_many([text]).reports]


@pytest.mark.parametrize("trace", sorted(TRACES.glob("*.trace")), ids=lambda p: p.stem)
@pytest.mark.parametrize("prefix", ["", "15:58:21 app         | "])
def test_a_real_runtimes_writes_each_a_record_read_as_its_whole_output(trace: Path,
                                                                        prefix: str) -> None:
    writes = _writes(trace)
    assert len(writes) > 40  # a value a write: Go 1.19's and 1.27's print
    whole = _reading("".join(writes))
    assert whole and whole[0][3], whole
    assert _reading(_records(writes, prefix)) == whole
