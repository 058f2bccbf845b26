"""Fuzzing: real samples mangled the ways logs get mangled keep the promises.

Whatever the input: no exception of ours (bad input is one InputError), every
input line in exactly one stream or the noise, and every format's output
escaped for where it goes. The mutations are seeded and few here, so the suite
stays fast; `python tests/test_fuzz.py SEED SECONDS` runs the campaign with
many more, and bigger ones, and writes what breaks to /tmp/fuzz_findings/.

The defects a campaign found are pinned as specifications at the top.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import itertools
import json
import random
import re
import sys
import xml.dom.minidom
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackdemux.api import analyze
from stackdemux.demux import Demuxed, demultiplex_detail
from stackdemux.demux.split import copy_noise
from stackdemux.ingest import InputError, ingest
from stackdemux.model import Analysis
from stackdemux.parse import parse_source
from stackdemux.render import RENDERERS, RenderOptions, render
from stackdemux.sieve import MAX_KEPT, read_source
from stackdemux.tee import Capture
from stackdemux.threads import ThreadsError, thread_log

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_conservation import check_conservation
from test_escape_properties import FRAGMENTS, assert_inert

ROOT = Path(__file__).resolve().parent.parent
CRASH = ROOT / "samples" / "go1.27" / "nil_pointer.txt"

# ------------------------------------------------------------ found defects ---


FOUND = Path(__file__).resolve().parent / "data" / "fuzz_found"


@pytest.mark.parametrize("name", [
    # go1.23/sigabrt.txt indented, repeated, spliced: 105 lines lost
    "1080f893fc",
    # go1.27/panic_multiline.txt interleaved, whitespace, spliced, repeated
    "4a4cb84a4d",
])
def test_a_span_the_separator_reads_out_of_order_keeps_every_line(name: str):
    # One process's traceback with other lines between its frames: the foreign
    # lines' span was read by the separator, whose track was taken for a
    # subsequence of the span; where it was none (a line spliced or joined), the
    # lines after the mismatch were neither kept nor set aside as noise, lost.
    keeps_the_promises(gzip.decompress((FOUND / f"{name}.bin.gz").read_bytes()))


def test_a_line_whose_line_break_another_text_took_is_counted_once():
    # go1.19/skopeo_vendor.txt interleaved with a test2json log, repeated,
    # spliced. The splice layer read a plain line (291) as a head whose line
    # break was another process's: its 194 chars one text, alone, and its empty
    # end the rest of `goroutine 20 [select]:` cut from line 62. Nothing was
    # given twice: the record checker counted a text of one record as both the
    # first record's open end and the last's start, one line taken twice.
    data = gzip.decompress((FOUND / "2f843095a1.bin.gz").read_bytes())
    source = ingest(data)
    d = demultiplex_detail(source)
    line = source.lines[290]
    texts = {tuple(ps): t for s in d.streams for j, t in enumerate(s.texts)
             if (ps := s.pieces.get(j)) and any(n == 291 for n, _, _ in ps)}
    assert texts == {((291, 0, len(line)),): line,
                     ((62, 8, 30), (291, len(line), len(line))): "goroutine 20 [select]:"}
    keeps_the_promises(data)


def test_a_log_of_more_groups_than_github_shows_says_the_rest_in_one_notice():
    # mixed-chunks-fast's real merge behind garbled Terraform plugin prefixes,
    # gzipped: 16 groups, 11 goroutine dumps, more than GitHub's 10 notices a
    # step: 9 dumps and one notice saying the other 2, beside the 5 crashes'
    # errors (the campaign's checker expected 11 annotations of one kind)
    data = gzip.decompress((FOUND / "b5f0472bc1.bin.gz").read_bytes())
    analysis = keeps_the_promises(data)
    assert analysis is not None and len(analysis.groups) == 16
    outputs_are_valid_for_their_systems(analysis)


def test_the_lines_that_fit_no_process_are_said_once_naming_each():
    # Each region the separator read said its orphan lines in a diagnostic of its
    # own: twelve processes' lines in random order said 10 (22 before beam.Wide), one a line; a 4 MB
    # merge mangled by the campaign (big-writes-time and big-lines-random
    # interleaved, hostile text, lines spliced) 17 640, 1 MB of Markdown list
    # items that pushed every crash's section out of GitHub's 1 MiB summary.
    from stackdemux.demux import ORPHANS
    from stackdemux.render import render

    data = (ROOT / "tests/corpus/cases/twelve-lines-random/input.log").read_bytes()
    d = demultiplex_detail(ingest(data))
    said = [x for x in d.diagnostics if x.message == ORPHANS]
    assert len(said) == 1 and len(said[0].lines) == 10
    assert said[0].lines == sorted(said[0].lines) and said[0].lines[0] == (157, 157)
    md = render(analyze(data), "markdown")
    assert md.count("fits no process's output here") == 1


def test_a_sieved_log_with_binary_bytes_between_its_tracebacks_is_read(tmp_path: Path):
    # A core dump's bytes caught in a big build log, before its second crash:
    # the sieve kept them in that crash's window, and the windows, sniffed as
    # if they were the file's head, were refused as "binary data".
    crash = CRASH.read_bytes()
    junk = bytes(range(256)) * 40
    log = (b"".join(b"INFO starting %d\n" % i for i in range(1000)) + crash
           + b"x\n" * 200 + junk + b"\n" + crash)
    path = tmp_path / "build.log"
    path.write_bytes(log)
    source = read_source(str(path), "build.log", minimum=0)
    assert hasattr(source, "capture"), "sieved"
    assert len(parse_source(source).reports) == 2


def test_sieved_windows_are_not_read_as_a_gzip_or_utf16_file(tmp_path: Path):
    # The first kept line is any line of the log (here the 16th before a
    # crash): one that starts with the gzip magic or a UTF-16 byte order mark
    # is text of the log, not a container to open.
    crash = CRASH.read_bytes()
    noise = b"".join(b"INFO starting %d\n" % i for i in range(1000))
    for stray in (b"\x1f\x8b\x08 stray bytes\n", b"\xff\xfe stray bytes\n"):
        path = tmp_path / "build.log"
        path.write_bytes(noise + stray + b"x\n" * 15 + crash)
        source = read_source(str(path), "build.log", minimum=0)
        assert source.lines[0].endswith("stray bytes"), "the window opens on it"
        assert len(parse_source(source).reports) == 1


def _utf16_le(text: str) -> bytes:
    return text.encode("utf-16-le")


@pytest.mark.parametrize("cut", [0, 1, 7])
def test_utf16_without_a_byte_order_mark_is_read_not_refused_as_binary(cut: int):
    # `cmd /U`, .NET's Encoding.Unicode writers, or a UTF-16 log cut at its
    # head (at an odd byte: its NULs come first, and it reads as UTF-16 BE).
    text = CRASH.read_text().replace("\n", "\r\n")
    data = _utf16_le("INFO starting\n" + text)[cut:]
    source = ingest(data)
    crash = CRASH.read_text().rstrip("\n").split("\n")
    assert source.lines[1:len(crash) + 1] == crash  # (an odd cut: half a character at the end)
    assert len(parse_source(source).reports) == 1


def test_a_big_utf16_log_without_a_byte_order_mark_is_read_whole(tmp_path: Path):
    text = CRASH.read_text()
    path = tmp_path / "out.log"
    path.write_bytes(_utf16_le(text * 40))
    source = read_source(str(path), "out.log", minimum=4096)
    assert len(parse_source(source).reports) == 40


@pytest.mark.parametrize("data", [
    b"\x00\x01\x02\x03" * 100,  # NULs everywhere: no UTF-16 text
    b"\x00" * 4096,  # a log file zero-filled by a crash of the machine
])
def test_nul_bytes_are_not_taken_for_utf16(data: bytes):
    with pytest.raises(InputError, match="binary"):
        ingest(data)


def test_text_with_lone_surrogates_renders_in_every_format():
    # A str read with errors="surrogateescape" (what Python gives for bytes that
    # are not UTF-8): the JSON renderer raised "surrogates not allowed".
    text = CRASH.read_text().replace("invalid memory", "inv\udcffalid memory")
    analysis = analyze(text)
    assert analysis.reports[0].message.startswith("runtime error: inv\ufffdalid memory")
    for fmt in RENDERERS:
        render(analysis, fmt, RenderOptions(verbose=True)).encode("utf-8")
    assert ingest(text).decode_errors == 1


# A number of 5 000 digits where Go prints one (int() refuses over 4 300: exit 3,
# `internal error`): (sample, the number's place, what the analysis still reads).
DIGITS = "7" * 5000
HUGE_NUMBERS = {
    "line number": ("go1.27/ancestors.txt", "/app/main.go:74 ", f"/app/main.go:{DIGITS} "),
    "goroutine id": ("go1.27/ancestors.txt", "goroutine 22 [", f"goroutine {DIGITS} ["),
    "ancestor": ("go1.27/ancestors.txt", "[originating from goroutine 21]",
                 f"[originating from goroutine {DIGITS}]"),
    "creator's goroutine": ("go1.27/busy_goroutine_preempted.txt", "in goroutine 1\n",
                            f"in goroutine {DIGITS}\n"),
    "synctest bubble": ("go1.27/synctest_deadlock.txt", "synctest bubble 1]",
                        f"synctest bubble {DIGITS}]"),
    "test log's line": ("go1.21/test_fail_verbose.txt", "calc_test.go:11:",
                        f"calc_test.go:{DIGITS}:"),
    # (closures are ordered by their numbers: `F.func2` after `F.func1…`)
    "closure's number": ("wild/goblog_testing_time_synctest_deadlock_stacks_elided_go125.txt",
                         "_.TestDeadlock.func1.1()", f"_.TestDeadlock.func{DIGITS}.1()"),
    "GOROOT's release": ("wild/siegfried286_wasm_exit_code_go124.txt", "/go/1.24.0/x64/",
                         f"/go/1.{DIGITS}/x64/"),
}


@pytest.mark.parametrize("digits", [20, 5000])
@pytest.mark.parametrize("place", sorted(HUGE_NUMBERS))
def test_a_number_longer_than_any_go_prints_is_read_as_no_number(place: str, digits: int):
    # A number a report keeps is one Go printed from an int (grammars/traceback.lark's
    # INT: 19 digits, which JSON's 64-bit integers hold: 20 sevens made orjson raise);
    # a GOROOT's release, a gutter's count are shorter still. A longer run of
    # digits is text (the line no kind that holds it), never an int().
    sample, old, new = HUGE_NUMBERS[place]
    text = (ROOT / "samples" / sample).read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new.replace(DIGITS, "7" * digits), 1)
    analysis = analyze(text)
    assert analysis.reports, "the rest of the log is read as before"
    keeps_the_promises(text.encode())


def test_a_gutter_pasted_on_one_line_with_a_number_of_thousands_of_digits_is_text():
    # (`1 2 3 … N` above a paste that lost its tabs is a gutter's debris: counted by int())
    text = f"1 2 {DIGITS}\n" + CRASH.read_text(encoding="utf-8").replace("\t", "    ")
    assert len(analyze(text).reports) == 1
    keeps_the_promises(text.encode())


def test_a_panic_value_s_number_longer_than_a_word_is_no_word_a_frame_prints():
    # (heads.py weighs a report's head with the words its value's numbers print as)
    from stackdemux.demux.heads import message_numbers

    value = "job {6 default}: retries exhausted after 7 attempts"  # five-services-lines.log's
    assert message_numbers(f"{value}, id {DIGITS}") == message_numbers(value) == set()
    assert message_numbers(f"{value}, id 18446744073709551615") == {2**64 - 1}


def test_a_goroot_naming_a_release_of_thousands_of_digits_names_none():
    from stackdemux.demux.evidence import go_minor

    assert go_minor(f"/usr/lib/go-1.{DIGITS}/src/") is None
    assert go_minor("/usr/lib/go-1.19/src/") == 19


@pytest.mark.parametrize("columns", ["\u00b2", "9" * 5000, "0", "-3", " 120 "])
def test_a_columns_variable_that_is_no_width_is_ignored(columns: str):
    # `²` is a digit to str.isdigit() and none to int(): exit 3 on a terminal
    from stackdemux.render.options import terminal_width

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert terminal_width(Terminal(), {"COLUMNS": columns}) == (120 if columns == " 120 " else 80)


THREADS_LOG = ROOT / "samples" / "threads" / "registry.log"


def test_threads_reads_a_gzip_cut_short_given_as_bytes():
    # The API's bytes went through gzip.decompress, which raised EOFError.
    data = gzip.compress(THREADS_LOG.read_bytes())
    got = thread_log(data[: len(data) // 2])
    assert got.records > 100
    assert any("ends early" in d.message for d in got.diagnostics)


def test_threads_reads_every_member_of_a_gzip_file():
    text = THREADS_LOG.read_bytes()
    half = text.index(b"\n", len(text) // 2) + 1
    whole = thread_log(text)
    got = thread_log(gzip.compress(text[:half]) + gzip.compress(text[half:]))
    assert (got.total_lines, got.records) == (whole.total_lines, whole.records)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig"])
def test_threads_reads_windows_encodings_like_the_report(encoding: str):
    # PowerShell's `>` (UTF-16 with a byte order mark), `cmd /U` (without),
    # UTF-8 with a mark: the first record was lost behind the mark, or nothing read.
    text = THREADS_LOG.read_text()
    whole = thread_log(text.encode())
    got = thread_log(text.encode(encoding))
    assert (got.total_lines, got.records, got.key) == (whole.total_lines, whole.records, whole.key)


def test_threads_refuses_binary_in_one_line(tmp_path: Path):
    path = tmp_path / "a.out"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(ThreadsError, match="binary"):
        thread_log(str(path))


# ---------------------------------------------------------------- mutations ---

Mutation = Callable[[random.Random, bytes], bytes]

# A line prefix of each style a log collector writes (grammars/prefixes.lark).
PREFIXES: list[Callable[[random.Random], str]] = [
    lambda r: f"svc-{r.randint(1, 3)}  | ",
    lambda r: f"\x1b[36mweb@x-{r.randint(1, 3)}\x1b[0m  | ",
    lambda r: f"[pod/p{r.randint(1, 3)}/c] ",
    lambda r: f"2026-11-26T09:13:{r.randint(10, 59)}.123456789Z stderr {r.choice('PF')} ",
    lambda r: f"2026-11-26T09:13:{r.randint(10, 59)}.123456Z 0{r.randint(0, 2)}E ",
    lambda r: f"2026-11-26T09:13:{r.randint(10, 59)}.1234567Z ",
    lambda r: f"Nov 26 09:13:{r.randint(10, 59)} host prog[{r.randint(100, 103)}]: ",
    lambda r: f"[ {r.randint(1, 9999)}.123456] host prog[{r.randint(1, 3)}]: ",
    lambda r: f"#{r.randint(1, 12)} {r.randint(0, 99)}.{r.randint(100, 999)} ",
    lambda r: f"job{r.randint(1, 3)}\t",
    lambda r: f"09:13:{r.randint(10, 59)} web.{r.randint(1, 3)}  | ",
    lambda r: f"[2026-11-26T09:13:{r.randint(10, 59)}.123Z] ",
    lambda r: f"2026-11-26 09:13:{r.randint(10, 59)} ",
    # the grammar's own examples of the other styles
    lambda r: f"2020-03-17T09:01:23.795Z [DEBUG] plugin.terraform-provider-p{r.randint(1, 3)}: ",
    lambda r: f"E0217 23:48:{r.randint(10, 59)}.247] ",
    lambda r: f"E/Go      ({r.randint(3600, 3602):5d}): ",
    lambda r: f"02-12 15:07:44.362  {r.randint(2674, 2676)}     0 E Go      : ",
    lambda r: f"api-7d9f8b6c4-x2x4{r.choice('qrs')} app ",
    lambda r: "\x1b[31m│\x1b[0m ",
    lambda r: f"2019-05-30T22:30:09.243163+00:00 app[web.{r.randint(1, 3)}]: ",
    lambda r: f"2026-01-02T03:04:05.123000+00:00 ecs/api/5f3c{r.randint(1, 3)} ",
    lambda r: r.choice(["remote: ", "\x1b[Kremote: "]),
    lambda r: f"logs/a{r.randint(1, 3)}.log{r.choice(':-')}{r.randint(1, 999)}{r.choice(':-')}",
    lambda r: f"[2023-07-20][08:49:56][ERROR][app::m{r.randint(1, 3)}] ",
    lambda r: f"18:23:39 T:13985778340019{r.randint(1, 3)}  NOTICE: ",
    lambda r: f"[12:36:27] :\t [Step {r.randint(1, 2)}/2] ",
    lambda r: f"2015/10/07 22:18:55 terraform-provider-p{r.randint(1, 3)}: ",
    lambda r: r.choice(["+", "  | ", "wasm_exec.js:50 ", "\x1b_bk;t=1767323045123\x07"]),
    lambda r: f"\x1b[32mapi{r.randint(1, 3)}:dev: \x1b[0m",
    lambda r: f"packages/p{r.randint(1, 3)} dev: ",
    lambda r: f"2026-11-26T09:13:10.123456Z 0{r.randint(0, 2)}E+ ",
    lambda r: f"Apr 30 14:15:50      loki-3.0.0[{r.randint(100, 103)}]: ",
    lambda r: f"[{r.randint(1, 99999):>12}.123456] ",
]


def cut(r: random.Random, d: bytes) -> bytes:
    a = r.randrange(len(d) + 1)
    b = r.randrange(a, len(d) + 1)
    return r.choice([d[:a], d[a:], d[a:b]])


def windows(r: random.Random, d: bytes) -> bytes:
    """Lines duplicated, dropped, shuffled or reversed in a few windows."""
    ls = d.split(b"\n")
    for _ in range(r.randint(1, 5)):
        if not ls:
            break
        i, w = r.randrange(len(ls)), r.randint(2, 12)
        seg = ls[i:i + w]
        op = r.randrange(4)
        if op == 0:
            ls[i:i] = seg
        elif op == 1:
            del ls[i:i + w]
        elif op == 2:
            r.shuffle(seg)
            ls[i:i + w] = seg
        else:
            ls[i:i + w] = seg[::-1]
    return b"\n".join(ls)


def flip(r: random.Random, d: bytes) -> bytes:
    b = bytearray(d)
    for _ in range(r.randint(1, 20)):
        if b:
            b[r.randrange(len(b))] = r.choice([r.randrange(256), 0, 9, 10, 13, 32, 0x1B, 0xFF])
    return bytes(b)


def whitespace(r: random.Random, d: bytes) -> bytes:
    """CR, LF, tab and space changes, and terminal overwrites (`50%\\r`)."""
    op = r.randrange(5)
    if op == 0:
        return d.replace(b"\n", b"\r\n")
    if op == 1:
        return d.replace(b"\t", b" " * r.choice([1, 4, 8]))
    if op == 2:
        return b"\n".join(x.strip() for x in d.split(b"\n"))
    ls = d.split(b"\n")
    for _ in range(r.randint(1, 10)):
        i = r.randrange(len(ls))
        j = r.randrange(len(ls[i]) + 1)
        ls[i] = ls[i][:j] + b"\r" + ls[i][j:] if op == 3 else b"progress 42%\r" + ls[i]
    return b"\n".join(ls)


def indent(r: random.Random, d: bytes) -> bytes:
    """Pasted as a block (Markdown, mail quotes), all of it or some lines."""
    ind = r.choice([b"    ", b"\t", b"> ", b"  ", b"| "])
    ls = d.split(b"\n")
    a = r.randrange(len(ls))
    b = r.randrange(a, len(ls) + 1)
    return b"\n".join(ind + x if a <= i < b else x for i, x in enumerate(ls))


def prefixed(r: random.Random, d: bytes) -> bytes:
    styles = r.sample(PREFIXES, r.randint(1, 3))
    share = r.choice([1.0, 0.9, 0.5, 0.1])
    return b"\n".join(r.choice(styles)(r).encode() + x if r.random() < share else x
                      for x in d.split(b"\n"))


def spliced(r: random.Random, d: bytes) -> bytes:
    """Another line written into the middle of a line."""
    ls = d.split(b"\n")
    for _ in range(r.randint(1, 10)):
        i, j = r.randrange(len(ls)), r.randrange(len(ls))
        k = r.randrange(len(ls[i]) + 1)
        ls[i] = ls[i][:k] + ls[j] + ls[i][k:]
    return b"\n".join(ls)


def repeated(r: random.Random, d: bytes) -> bytes:
    ls = d.split(b"\n")
    i, w = r.randrange(len(ls)), r.randint(1, 10)
    ls[i:i] = ls[i:i + w] * r.choice([5, 20])
    return b"\n".join(ls)


def long_line(r: random.Random, d: bytes) -> bytes:
    ls = d.split(b"\n")
    filler = r.choice([b"a", b" ", b"(", b"panic: ", b"goroutine 1 [", b"\x1b[1m", b"|"])
    ls[r.randrange(len(ls))] += filler * (70_000 // len(filler))
    return b"\n".join(ls)


def wrapped(r: random.Random, d: bytes) -> bytes:
    """A container around the text: gzip (whole, cut, two members), UTF-16,
    a byte order mark, or journald / docker / test2json records."""
    op = r.randrange(8)
    if op == 0:
        return gzip.compress(d)
    if op == 1:
        g = gzip.compress(d)
        return g[:r.randrange(len(g) + 1)]
    if op == 2:
        k = r.randrange(len(d) + 1)
        return gzip.compress(d[:k]) + gzip.compress(d[k:])
    text = d.decode("utf-8", "replace")
    if op == 3:
        return ("\ufeff" + text).encode("utf-16-le")[:r.choice([None, -1])]  # (maybe cut)
    if op == 4:
        return b"\xef\xbb\xbf" + d
    lines = text.split("\n")
    if op == 5:
        return "\n".join(json.dumps({
            "MESSAGE": list(x.encode()) if r.random() < 0.2 else x, "_PID": str(100 + i % 3),
            "SYSLOG_IDENTIFIER": "app", "__REALTIME_TIMESTAMP": str(1795682504946684 + i),
            "_HOSTNAME": "vm"}) for i, x in enumerate(lines)).encode()
    if op == 6:
        return "\n".join(json.dumps({"log": x + "\n", "stream": "stderr",
                                     "time": "2026-11-26T09:13:10.000000000Z"})
                         for x in lines).encode()
    return "\n".join(json.dumps({"Action": "output", "Package": "p", "Test": "T",
                                 "Output": x + "\n"}) for x in lines).encode()


def garbled_prefix(r: random.Random, d: bytes) -> bytes:
    """Prefixed lines with control bytes in some prefixes: a NUL, a CR (a
    terminal overwrite), an escape cut short, a tab, a stray line break."""
    styles = r.sample(PREFIXES, r.randint(1, 3))
    out = []
    for x in d.split(b"\n"):
        p = r.choice(styles)(r).encode()
        if r.random() < 0.2:
            k = r.randrange(len(p) + 1)
            p = p[:k] + r.choice([b"\x00", b"\r", b"\x1b", b"\x1b[", b"\t", b"\xff", b"\r\n",
                                  b"\n"]) + p[k:]
        out.append(p + x)
    return b"\n".join(out)


def _keyed_records(r: random.Random, d: bytes, keys: int,
                   record: Callable[[int, bytes, bool], bytes], cut_share: float) -> bytes:
    """d's lines as records of one to `keys` streams (runs of lines each), some
    cut into several records (`record(key, text, last)`), the streams' records
    merged in any order that keeps each stream's."""
    queues: list[list[bytes]] = [[] for _ in range(keys)]
    key = 0
    for x in d.split(b"\n"):
        if r.random() < 0.1:
            key = r.randrange(keys)
        cuts = sorted(r.sample(range(1, len(x)), min(len(x) - 1, r.randint(1, 4)))) \
            if len(x) > 1 and r.random() < cut_share else []
        bounds = [0, *cuts, len(x)]
        for a, b in itertools.pairwise(bounds):
            queues[key].append(record(key, x[a:b], b == len(x)))
    out = []
    while any(queues):
        q = r.choice([q for q in queues if q])
        out.append(q.pop(0))
    return b"\n".join(out)


def partial_records(r: random.Random, d: bytes) -> bytes:
    """Collectors that cut a long line into records: CRI log files (`P` until the
    `F`, stdout and stderr), GitLab's runner (`+` continues a line), docker's
    json-file (the `log` without its newline until the last), test2json (an
    `Output` without one), the journal (`_LINE_BREAK=line-max`)."""
    def txt(x: bytes) -> str:
        return x.decode("utf-8", "replace")

    op = r.randrange(5)
    if op == 0:
        return _keyed_records(r, d, r.randint(1, 2), lambda k, x, last: (
            b"2026-11-26T09:13:10.%09dZ %s %s " % (r.randrange(10**9), [b"stderr", b"stdout"][k],
                                                   b"F" if last else b"P") + x), 0.3)
    if op == 1:
        first = [True] * 3  # each stream's next record opens a line

        def gitlab(k: int, x: bytes, last: bool) -> bytes:
            cont, first[k] = not first[k], last
            return b"2026-11-26T09:13:10.123456Z 0%d%s%s " % (k, b"EO"[k % 2:k % 2 + 1],
                                                               b"+" if cont else b"") + x
        return _keyed_records(r, d, r.randint(1, 3), gitlab, 0.3)
    if op == 2:
        return _keyed_records(r, d, r.randint(1, 2), lambda k, x, last: json.dumps({
            "log": txt(x) + ("\n" if last else ""), "stream": ["stderr", "stdout"][k],
            "time": "2026-11-26T09:13:10.000000000Z"}).encode(), 0.3)
    if op == 3:
        return _keyed_records(r, d, r.randint(1, 3), lambda k, x, last: json.dumps({
            "Time": "2026-11-25T19:23:16.58599868Z", "Action": "output", "Package": "p",
            "Test": f"T{k}", "Output": txt(x) + ("\n" if last else "")}).encode(), 0.3)
    return _keyed_records(r, d, r.randint(1, 3), lambda k, x, last: json.dumps({
        "MESSAGE": txt(x), "_PID": str(100 + k), "SYSLOG_IDENTIFIER": "app",
        "__REALTIME_TIMESTAMP": "1795682504946684", "_HOSTNAME": "vm",
        **({} if last else {"_LINE_BREAK": "line-max"})}).encode(), 0.3)


def mangled_records(r: random.Random, d: bytes) -> bytes:
    """A log of records (partial_records) whose record lines are then mangled."""
    d = partial_records(r, d)
    for _ in range(r.randint(1, 2)):
        d = r.choice([cut, windows, flip, spliced, repeated, whitespace, indent])(r, d)
    return d


def syslog_escaped(r: random.Random, d: bytes) -> bytes:
    """rsyslog's control character escapes (`#011` a tab, `#033` an escape),
    behind its prefix or pasted without."""
    esc = re.sub(rb"[\x00-\x09\x0b-\x1f\x7f]", lambda m: b"#%03o" % m[0][0], d)
    if r.random() < 0.5:
        return esc
    return b"\n".join(b"Nov 26 09:13:%02d host app[%d]: " % (r.randint(10, 59), r.randint(100, 101))
                      + x for x in esc.split(b"\n"))


def chunks(r: random.Random, parts: list[bytes]) -> bytes:
    """Processes' output merged by read() chunks of any size (a pipe reader):
    lines cut mid-way, three processes' pieces on one line."""
    rest = [p for p in parts if p]
    out = []
    while rest:
        i = r.randrange(len(rest))
        n = r.choice([r.randint(1, 16), r.randint(16, 512), r.randint(512, 4096)])
        out.append(rest[i][:n])
        rest[i] = rest[i][n:]
        rest = [p for p in rest if p]
    return b"".join(out)


def huge_line(r: random.Random, d: bytes) -> bytes:
    """A line of megabytes (a minified bundle, a base64 blob) of a shape that
    starts a traceback line over and over."""
    ls = d.split(b"\n")
    filler = r.choice([b"a", b"goroutine 1 [", b"\t/a/b.go:1 +0x", b"main.f(", b"panic: ",
                       b"created by ", b"\x1b[1m", b"{\"log\":\"", b"#011", b"\r"])
    ls[r.randrange(len(ls))] += filler * (r.choice([1, 3]) * 1_000_000 // len(filler))
    return b"\n".join(ls)


def huge_number(r: random.Random, d: bytes) -> bytes:
    """Numbers (line numbers, goroutine ids, counts, a release) of more digits
    than Go prints: 64 bits' 20 and one more, and past int()'s 4 300."""
    runs = list(re.finditer(rb"[0-9]+", d))
    for m in sorted(r.sample(runs, min(len(runs), r.randint(1, 3))), key=lambda m: -m.start()):
        d = d[:m.start()] + b"7" * r.choice([19, 20, 21, 64, 4299, 4301, 6000]) + d[m.end():]
    return d


# What an attacker writes for each output's target system (test_escape_properties'
# pieces: workflow commands, terminal escapes, HTML, XML, Markdown, bidi, NUL).
HOSTILE = [f.encode("utf-8", "surrogatepass") for f in FRAGMENTS]


def hostile_text(r: random.Random, d: bytes) -> bytes:
    """Attackers' strings written anywhere in the log's lines: inside a panic
    value, a function name, a path, a state, a prefix, a test's name (each field
    a report takes text from, where test_escape_properties tries chosen ones)."""
    ls = d.split(b"\n")
    for _ in range(r.randint(1, 8)):
        i = r.randrange(len(ls))
        k = r.randrange(len(ls[i]) + 1)
        ls[i] = ls[i][:k] + b"".join(r.choice(HOSTILE) for _ in range(r.randint(1, 4))) + ls[i][k:]
    return b"\n".join(ls)


MUTATIONS: list[Mutation] = [cut, windows, flip, whitespace, indent, prefixed, spliced,
                             repeated, wrapped, garbled_prefix, partial_records,
                             mangled_records, syslog_escaped, huge_number, hostile_text]


def mangle(r: random.Random, d: bytes, pool: list[bytes], mutations: list[Mutation]
           ) -> tuple[bytes, list[str]]:
    """One to three mutations, or two samples interleaved line by line first."""
    done = []
    if r.random() < 0.08:
        d = chunks(r, [d, *(r.choice(pool) for _ in range(r.randint(1, 2)))])
        done.append("chunked")
    elif r.random() < 0.15:
        a, b = d.split(b"\n"), r.choice(pool).split(b"\n")
        out = []
        while a or b:
            out.append((a if a and (not b or r.random() < 0.5) else b).pop(0))
        d = b"\n".join(out)
        done.append("interleaved")
    for _ in range(r.randint(1, 3)):
        m = r.choice(mutations)
        d = m(r, d)
        done.append(m.__name__)
        if m in (wrapped, partial_records, mangled_records):
            break  # a container's bytes are not lines to mangle
    return d, done


def samples(limit: int = 400_000, corpus: bool = False) -> list[Path]:
    """Real samples; with `corpus`, the corpus's real merges too (write-level
    ones, which only its cases hold, reach the write decoder; ~1 KB/s)."""
    files = sorted(ROOT.glob("samples/go*/*.txt")) + sorted(ROOT.glob("samples/interleaved/*.log"))
    files += sorted(ROOT.glob("tests/data/wrapped/*.jsonl"))
    files += sorted(ROOT.glob("tests/data/overwritten/*.txt"))
    if corpus:
        files += sorted(ROOT.glob("tests/corpus/cases/*/input.log"))
    return [f for f in files if f.stat().st_size < limit]


# ----------------------------------------------------------------- campaigns ---


def seeded(pool: Sequence[object], examples: int, *more: st.SearchStrategy
           ) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """A campaign's test over a pool of real samples: hypothesis gives it a
    sample's index and a mutation seed (and what `more` draws), `examples`
    times, the same ones every run (derandomized; slow and big inputs are the
    point, and a fixture the test takes holds no state from one to the next)."""
    def decorate(test: Callable[..., None]) -> Callable[..., None]:
        drawn = given(st.integers(0, len(pool) - 1), st.integers(0, 2**32), *more)(test)
        return settings(max_examples=examples, deadline=None, derandomize=True,
                        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                               HealthCheck.function_scoped_fixture])(drawn)
    return decorate


# ------------------------------------------------------------------ promises ---

_COMPREHENSIONS = frozenset({"<genexpr>", "<listcomp>", "<setcomp>", "<dictcomp>"})


def lines_run(names: set[str], run) -> int:  # type: ignore[no-untyped-def]
    """Python lines `run()` executes inside the functions `names` (and their
    comprehensions): a work counter that no machine's load changes."""
    count = 0

    def inside(frame, event, arg):  # type: ignore[no-untyped-def]
        nonlocal count
        if event == "line":
            count += 1
        return inside

    def calls(frame, event, arg):  # type: ignore[no-untyped-def]
        code = frame.f_code
        if code.co_name in names or (code.co_name in _COMPREHENSIONS and frame.f_back is not None
                                     and frame.f_back.f_code.co_name in names):
            return inside(frame, event, arg) or inside
        return None

    # (the tracer before it, coverage's, goes on after: it stopped for good)
    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        run()
    finally:
        sys.settrace(previous)
    return count


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
OUR_COMMAND = re.compile(r"::(error|warning|notice|group|endgroup)( [^:]*)?::")


def github_commands_are_ours(out: str) -> None:
    """Outside `::stop-commands::` … `::<token>::`, a line the runner would act on is ours."""
    stopped = None
    for line in out.split("\n"):
        if stopped:
            stopped = None if line == f"::{stopped}::" else stopped
            continue
        m = re.fullmatch(r"::stop-commands::([0-9a-f]{32})", line)
        if m:
            stopped = m.group(1)
            continue
        assert not line.startswith("::") or OUR_COMMAND.match(line), line[:120]
    assert stopped is None, "commands stopped and never resumed"


def check_output(fmt: str, out: str) -> None:
    if fmt != "json":
        m = CONTROL.search(out)
        assert m is None, (fmt, out[max(0, m.start() - 80):m.start() + 40])
    if fmt in ("json", "sarif", "codequality"):
        json.loads(out)
    if fmt == "junit":
        xml.dom.minidom.parseString(out.encode())
    if fmt == "github":
        github_commands_are_ours(out)


def keeps_the_promises(data: bytes) -> Analysis | None:
    try:
        source = ingest(data)
    except InputError:
        return None  # one clear line (and exit 2) is the promise for bad input
    check_conservation(source, demultiplex_detail(source))
    analysis = analyze(source)
    for fmt in RENDERERS:
        check_output(fmt, render(analysis, fmt, RenderOptions(verbose=True)))
    return analysis


def outputs_are_valid_for_their_systems(analysis: Analysis) -> None:
    """Each output read back by its target system's own rules
    (test_escape_properties.assert_inert: the Actions runner, a terminal,
    cmark-gfm, html.parser, expat), the JSON against its schema, the SARIF
    against SARIF 2.1.0's and what GitHub's code scanning takes."""
    from test_render_sarif_github import SCHEMA as SARIF_SCHEMA
    from test_render_sarif_github import github_problems as code_scanning_problems
    from test_render_schema import VALIDATOR

    assert_inert(analysis)
    errors = [e.message for e in VALIDATOR.iter_errors(json.loads(render(analysis, "json")))]
    assert not errors, errors[:3]
    sarif = json.loads(render(analysis, "sarif", RenderOptions(repo_root="/app")))
    if SARIF_SCHEMA is not None:
        errors = [e.message for e in SARIF_SCHEMA.iter_errors(sarif)]
        assert not errors, errors[:3]
    problems = code_scanning_problems(sarif)
    assert not problems, problems[:3]


def commands_keep_the_promises(data: bytes, tmp: Path) -> None:
    """The commands on the log as a file and on stdin: `split -o DIR` writes
    files in DIR only, `--tee` passes stdin through byte for byte, `threads`
    reads it or refuses it; each says what went wrong in one line (exit 2),
    never `internal error` (exit 3) or a traceback."""
    import shutil

    from click.testing import CliRunner

    from stackdemux.cli import main

    log = tmp / "in.log"
    log.write_bytes(data)
    out = tmp / "split"
    shutil.rmtree(out, ignore_errors=True)
    runner = CliRunner()
    got = runner.invoke(main, ["split", str(log), "-o", str(out)])
    assert got.exit_code in (0, 2), (got.exit_code, got.output[-300:], got.exception)
    if got.exit_code == 0:
        written = sorted(p.name for p in out.iterdir())
        assert "noise.txt" in written and all(p.is_file() for p in out.iterdir()), written
    for args in (["--tee", "-f", "github"], ["--tee", "-f", "json"]):
        got = runner.invoke(main, args, input=data)
        assert got.exit_code in (0, 2), (args, got.exit_code, got.stderr[-300:])
        assert got.stdout_bytes == data, "--tee passes stdin through unchanged"
    got = runner.invoke(main, ["threads", str(log)])
    assert got.exit_code in (0, 2), ("threads", got.exit_code, got.output[-300:])


def sieve_keeps_the_promises(data: bytes, tmp: Path) -> None:
    """Read as a big log is, through the sieve (here whatever its size): each
    line it keeps is the input's line at the number it gives, in order, once;
    the rest is only counted (noise); what it kept keeps the promises."""
    path = tmp / "sieved.log"
    path.write_bytes(data)
    try:
        source = read_source(str(path), "sieved.log", minimum=0)
    except InputError:
        return
    capture = getattr(source, "capture", None)
    if capture is not None and not data.startswith(b"\x1f\x8b"):
        lines = data.removeprefix(b"\xef\xbb\xbf").split(b"\n")
        if lines[-1] == b"":
            lines.pop()
        assert capture.total_lines == len(lines), (capture.total_lines, len(lines))
        end = 1
        for seg in capture.segments:
            assert seg.first >= end, f"segments overlap at line {seg.first}"
            end = seg.first + len(seg.lines)
        # (the segments' bytes are let go once decoded, d101962: the kept lines are
        # the source's text, each at the input's line its number maps to)
        assert capture.kept_lines == len(source.lines)
        to_input = capture.line_map()
        for n, text in enumerate(source.lines, 1):
            line = lines[to_input(n) - 1]
            if line.isascii() and b"\r" not in line and b"\0" not in line:
                kept = text.encode()
                assert kept == line or (len(line) > MAX_KEPT and kept == line[:MAX_KEPT]), n
    d = demultiplex_detail(source)
    check_conservation(source, d)
    if capture is not None:
        noise_is_copied_as_read_whole(data, path, capture, d)
    analysis = analyze(source)
    for fmt in RENDERERS:
        check_output(fmt, render(analysis, fmt, RenderOptions(verbose=True)))


def noise_is_copied_as_read_whole(data: bytes, path: Path, capture: Capture, d: Demuxed) -> None:
    """`split` copies a sieved log's noise from the file again (the lines no
    window kept, and those its windows' streams did not take): each line as
    the whole log read (ingest) decodes it."""
    try:
        whole = ingest(data).lines
    except InputError:
        return  # (the sieve sniffs its first block only)
    to = capture.line_map()
    lines = sorted({n for a, b in [*capture.gaps(), *((to(a), to(b)) for a, b in d.noise)]
                    for n in range(a, b + 1)})
    spans: list[tuple[int, int]] = []
    for n in lines:
        if spans and spans[-1][1] == n - 1:
            spans[-1] = (spans[-1][0], n)
        else:
            spans.append((n, n))
    out = io.StringIO(newline="")
    copy_noise(str(path), spans, out)
    got = out.getvalue().split("\n")
    assert got.pop() == ""
    want = [whole[n - 1] for n in lines]
    assert len(got) == len(want), (len(got), len(want))
    for n, a, b in zip(lines, got, want, strict=True):
        assert a == b, (n, a[:80], b[:80])


POOL = [f.read_bytes() for f in samples(limit=20_000)]


@seeded(POOL, 25)
def test_mangled_real_samples_keep_every_promise(index: int, seed: int):
    r = random.Random(seed)
    data, _ = mangle(r, POOL[index], POOL, MUTATIONS)
    keeps_the_promises(data)


@seeded(POOL, 10)
def test_mangled_real_samples_in_a_build_log_keep_every_promise_through_the_sieve(
        tmp_path: Path, index: int, seed: int):
    r = random.Random(seed)
    data, _ = mangle(r, POOL[index], POOL, MUTATIONS)
    noise = b"".join(b"[%d/900] CC obj/m%d.o\n" % (k, k) for k in range(r.randrange(300)))
    sieve_keeps_the_promises(noise + data + b"\n" + noise, tmp_path)


@seeded(POOL, 6)
def test_hostile_text_and_numbers_anywhere_keep_every_output_inert_and_every_command_sound(
        tmp_path: Path, index: int, seed: int):
    # (the campaign's checks, a few here: each output read by its system's rules,
    # split, --tee and threads on the same bytes)
    r = random.Random(seed)
    data, _ = mangle(r, POOL[index], POOL, [hostile_text, huge_number])
    analysis = keeps_the_promises(data)
    if analysis is not None:
        outputs_are_valid_for_their_systems(analysis)
    commands_keep_the_promises(data, tmp_path)


@pytest.mark.parametrize("mutation", [long_line, wrapped, whitespace],
                         ids=lambda m: m.__name__)
def test_each_container_and_line_mutation_keeps_every_promise(mutation: Mutation):
    r = random.Random(0)
    for d in POOL[:40:8]:
        keeps_the_promises(mutation(r, d))


# ----------------------------------------------------------------- campaign ---


def record_finding(out: Path, seen: set[str], data: bytes, header: str, broke: str,
                   said: str) -> None:
    """A campaign's finding kept once per distinct last line of what broke: the
    input (`name.bin`) and what broke it (`name.txt`, after `header`), printed."""
    what = broke.strip().splitlines()[-1][:160]
    if what in seen:
        return
    seen.add(what)
    name = hashlib.sha1(data).hexdigest()[:10]
    (out / f"{name}.bin").write_bytes(data)
    (out / f"{name}.txt").write_text(f"{header}\n{broke}")
    print(name, said, what, flush=True)


def _in_child(run: Callable[[], None], cpu: int) -> str | None:
    """run() in a forked child given `cpu` seconds of CPU: None when it kept the
    promises, else what broke (its traceback, or that it ran out of time: a
    regex gone quadratic holds the interpreter in C, where no signal handler or
    timer of ours can stop it, and a campaign stuck on one input finds nothing)."""
    import os
    import resource
    import traceback

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, say what broke, leave without cleanup
        os.close(read)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        try:
            run()
            said = b""
        except Exception:
            said = traceback.format_exc().encode()
        with os.fdopen(write, "wb") as f:
            f.write(said)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        said = f.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return f"TooSlow: over {cpu} s of CPU (signal {os.WTERMSIG(status)})"
    return said.decode() or None


def campaign(seed: int, seconds: float, out: Path = Path("/tmp/fuzz_findings"),
             cpu: int = 120) -> None:
    """Mangle every real sample (bigger ones, bigger mutations) until the time
    is up; save each input that breaks a promise, takes over `cpu` seconds, or
    takes far longer per KB than its sample, with what broke. Each input runs
    in a child process of its own."""
    import tempfile
    import time

    out.mkdir(exist_ok=True)
    files = samples(corpus=True)
    pool = [f.read_bytes() for f in files]
    # the corpus's big merges (a 5 000-goroutine dump's among them: the write
    # decoder and the templates of writes_templates.py read only these), rarely
    small = len(pool)
    big = sorted(ROOT.glob("tests/corpus/cases/big-*/input.log.gz"))
    files += big
    pool += [gzip.decompress(f.read_bytes()) for f in big]
    r = random.Random(seed)
    base: dict[int, float] = {}
    seen: set[str] = set()
    end, n = time.time() + seconds, 0
    tmp = Path(tempfile.mkdtemp(prefix="fuzz"))
    build_noise = b"".join(b"[%d/900] CC obj/m%d.o\n" % (k, k) for k in range(300))
    while time.time() < end:
        i = r.randrange(small) if r.random() > 0.03 or small == len(pool) else r.randrange(
            small, len(pool))
        if i not in base:
            t0 = time.process_time()
            keeps_the_promises(pool[i])
            base[i] = (time.process_time() - t0) / max(len(pool[i]), 1)
        data, done = mangle(r, pool[i], pool, [*MUTATIONS, long_line, huge_line])
        sieved = r.random() < 0.25
        if sieved:  # a build log's lines around it: the sieve drops some
            data = build_noise[:r.randrange(len(build_noise))] + data + b"\n" + build_noise
            done.append("sieved")

        commands = r.random() < 0.2
        if commands:
            done.append("commands")

        def run(data: bytes = data, sieved: bool = sieved, commands: bool = commands,
                per_byte: float = base[i]) -> None:
            t0 = time.process_time()
            if sieved:
                sieve_keeps_the_promises(data, tmp)
            analysis = keeps_the_promises(data)
            took = time.process_time() - t0
            if analysis is not None:
                outputs_are_valid_for_their_systems(analysis)
            if commands:
                commands_keep_the_promises(data, tmp)
            if took > 2 and took / len(data) > 5 * per_byte:
                # far slower per KB than its sample: superlinear if twice the input
                # takes over three times as long
                t0 = time.process_time()
                analyze(data + b"\n" + data)
                twice = time.process_time() - t0
                if twice > 3 * took:
                    raise AssertionError(f"superlinear: {took:.1f}s, twice the input "
                                         f"{twice:.1f}s ({took / len(data) * 1e6:.0f} µs/B "
                                         f"vs {per_byte * 1e6:.0f} for its sample)")

        broke = _in_child(run, cpu)
        if broke is not None:
            record_finding(out, seen, data, f"{files[i]} {done}", broke,
                           f"{files[i].name} {done}")
        n += 1
    print(n, "inputs")


if __name__ == "__main__":
    campaign(int(sys.argv[1]), float(sys.argv[2]), *(Path(a) for a in sys.argv[3:4]))
