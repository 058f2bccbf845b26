"""Ingest: any bytes become lines (or one clear InputError); nothing is dropped."""

from __future__ import annotations

import gzip
import random

import pytest
from conftest import ROOT, assert_every_line_placed_once, sample_path

from stackdemux.ingest import InputError, ingest
from stackdemux.parse import parse_source, parse_text


def kinds(data: bytes) -> list[tuple[str, str, int]]:
    return [(r.kind.value, r.message, len(r.goroutines)) for r in parse_text(data).reports]


def test_an_elf_executable_is_refused_by_name():
    with pytest.raises(InputError, match="ELF executable"):
        ingest(b"\x7fELF\x02\x01\x01" + bytes(200), "a.out")


def test_random_bytes_are_refused_as_binary():
    junk = random.Random(7).randbytes(10_000)
    with pytest.raises(InputError, match="binary"):
        ingest(junk.replace(b"\x1f\x8b", b"xx"), "junk")


def test_a_hole_of_nul_bytes_at_the_head_is_no_binary_data():
    """logrotate's copytruncate leaves the log's head a run of NULs as long as the
    old file when its writer keeps its offset: the text after it is still a log.
    (Here the hole runs into a line of the program's own, which stays noise with
    it; before a traceback line the paste repair reads past it: test_demux_paste.)"""
    data = sample_path("nil_pointer").read_bytes()
    source = ingest(bytes(20_000) + b"restarted\n" + data, "app.log")
    assert source.nul_bytes == 20_000 and source.lines[1:] == ingest(data).lines
    assert kinds(bytes(20_000) + b"restarted\n" + data) == kinds(data)
    with pytest.raises(InputError, match="binary"):  # a hole before binary data
        ingest(bytes(100) + random.Random(7).randbytes(10_000).replace(b"\x1f\x8b", b"xx"))


def test_invalid_utf8_is_replaced_and_the_traceback_still_parses():
    data = sample_path("nil_pointer").read_bytes()
    source = ingest(b"log \xff\xfe line\n" + data)
    assert source.decode_errors == 1 and "\ufffd" in source.lines[0]
    assert kinds(b"log \xff\xfe line\n" + data) == kinds(data)


def test_nul_bytes_are_kept_in_the_text():
    data = sample_path("nil_pointer").read_bytes()
    source = ingest(b"a\x00b\n" + data)
    assert source.nul_bytes == 1 and source.lines[0] == "a\x00b"
    assert kinds(b"a\x00b\n" + data) == kinds(data)


def test_crlf_traceback_parses_the_same_as_lf():
    data = sample_path("traceback_all").read_bytes()
    crlf = data.replace(b"\n", b"\r\n")
    assert ingest(crlf).crlf and ingest(crlf).lines == ingest(data).lines
    assert parse_text(crlf).reports == parse_text(data).reports


def test_a_100_mb_line_is_noise_and_the_sample_after_it_parses():
    data = sample_path("panic_in_goroutine").read_bytes()
    result = parse_text(b"x" * 100_000_000 + b"\n" + data)
    assert result.noise[0] == (1, 1)
    (report,) = result.reports
    assert report.lines[0][0] == 2
    alone = parse_text(data).reports
    assert [(report.kind, report.message)] == [(r.kind, r.message) for r in alone]


def test_gzip_input_is_read():
    data = sample_path("deadlock").read_bytes()
    assert ingest(gzip.compress(data)).lines == ingest(data).lines


def test_a_damaged_gzip_file_is_a_clear_error():
    with pytest.raises(InputError, match="a damaged gzip file"):
        ingest(b"\x1f\x8b" + b"not deflate data" * 4)


def test_a_gzip_file_cut_short_is_read_as_far_as_it_goes():
    # a log copied while it was written, a download cut off
    data = sample_path("deadlock").read_bytes()
    packed = gzip.compress(data)
    for cut in (12, len(packed) // 2, len(packed) - 9):  # before any text, inside, in the trailer
        source = ingest(packed[:cut])
        assert source.cut_gzip
        whole = ingest(data).lines
        assert source.lines == whole[:len(source.lines)] or (
            source.lines[:-1] == whole[:len(source.lines) - 1]  # its last line cut
            and whole[len(source.lines) - 1].startswith(source.lines[-1]))
    assert not ingest(packed).cut_gzip


def test_every_member_of_a_gzip_file_is_read():
    data = sample_path("deadlock").read_bytes()
    assert ingest(gzip.compress(b"build started\n") + gzip.compress(data)).lines == (
        ["build started", *ingest(data).lines])


def test_a_cut_gzip_file_is_said_by_the_command(tmp_path):
    from click.testing import CliRunner

    from stackdemux.cli import main

    packed = gzip.compress(sample_path("deadlock").read_bytes())
    log = tmp_path / "cut.log.gz"
    log.write_bytes(packed[:len(packed) - 9])  # the trailer lost: every line read
    result = CliRunner().invoke(main, [str(log)])
    assert result.exit_code == 0, result.output
    assert "deadlock" in result.output
    assert "the gzip file ends early" in result.output


def test_a_dump_cut_anywhere_never_raises_and_loses_no_line():
    rng = random.Random(2)
    for name in ("traceback_crash", "sigquit", "ancestors", "race_run", "stack_overflow",
                 "test_timeout", "labels_godebug", "http_panic"):
        try:
            data = sample_path(name).read_bytes()
        except pytest.skip.Exception:
            continue
        for cut in sorted(rng.sample(range(1, len(data)), 12)):
            source = ingest(data[:cut])
            assert_every_line_placed_once(len(source.lines), parse_source(source))


def test_text_keeps_the_same_lines_as_bytes():
    data = sample_path("panic_multiline").read_bytes()
    assert ingest(data.decode()).lines == ingest(data).lines


# Windows: PowerShell 5's `>` writes UTF-16 LE with a byte order mark, some
# editors and PowerShell 7's `-Encoding utf8BOM` lead UTF-8 with one.
WINDOWS_ENCODINGS = {
    "utf-16-le": b"\xff\xfe",
    "utf-16-be": b"\xfe\xff",
    "utf-8": b"\xef\xbb\xbf",
}


@pytest.mark.parametrize("encoding", sorted(WINDOWS_ENCODINGS))
def test_a_log_with_a_byte_order_mark_reads_as_its_text(encoding):
    text = sample_path("nil_pointer").read_text()
    windows = text.replace("\n", "\r\n")  # and Windows line ends
    data = WINDOWS_ENCODINGS[encoding] + windows.encode(encoding)
    source = ingest(data)
    assert source.lines == text.rstrip("\n").split("\n")
    assert source.size == len(data) and source.crlf
    plain = parse_text(text).reports
    got = parse_source(source).reports
    assert [(r.kind, r.message, r.lines) for r in got] == [
        (r.kind, r.message, r.lines) for r in plain]
    assert got[0].message.startswith("runtime error")  # the first line opened it


def test_a_big_utf16_log_is_read_whole_not_sieved(tmp_path):
    from stackdemux.sieve import read_source

    text = sample_path("nil_pointer").read_text()
    path = tmp_path / "out.log"
    path.write_bytes(b"\xff\xfe" + (text * 40).encode("utf-16-le"))
    source = read_source(str(path), "out.log", minimum=4096)
    assert source.lines == (text * 40).rstrip("\n").split("\n")
    assert len(parse_source(source).reports) == 40


@pytest.mark.parametrize("tail", [b"", b"\n", b"\n\n", b"\r\n"])
def test_the_text_of_a_log_is_joined_once(tail):
    """A log's text, decoded, is its lines joined: the demultiplexer's one stream
    of them all takes it for its bulk searches (a 22 MB dump was joined again),
    and the source lets it go; a log whose CRs were taken off keeps none."""
    from stackdemux.demux import demultiplex

    data = sample_path("nil_pointer").read_bytes().rstrip(b"\n")
    if tail == b"\r\n":
        data = data.replace(b"\n", b"\r\n")
    source = ingest(data + tail, "app.log")
    text = source._text
    assert (text is None) == (tail == b"\r\n")
    lines = (data + tail).decode().replace("\r\n", "\n").split("\n")
    assert source.lines == (lines[:-1] if lines[-1] == "" else lines)
    streams, _ = demultiplex(source)
    assert source._text is None and len(streams) == 1
    if text is not None:
        assert text == "\n".join(source.lines) and streams[0].joined() is text
    else:
        assert streams[0].joined() == "\n".join(source.lines)


def test_a_prefixed_log_lets_its_text_go():
    """The streams behind prefixes are made of other texts: the source's is let go."""
    from stackdemux.demux import demultiplex

    data = b"".join(b"web-1  | " + line for line in
                    sample_path("nil_pointer").read_bytes().splitlines(keepends=True))
    source = ingest(data, "compose.log")
    assert source._text is not None
    streams, _ = demultiplex(source)
    assert source._text is None and all(s.label == "web-1" for s in streams)


@pytest.mark.parametrize("split_at", [1, 7, 64])
def test_a_log_decoded_a_piece_at_a_time_reads_as_decoded_whole(monkeypatch, split_at):
    """A log that is not ASCII is decoded SPLIT_CHARS bytes at a time, each piece
    ending at a newline (the text decoded whole was held beside its bytes and
    lines, at 2 bytes a character for one gcc quote): the same lines, and the
    same lines of bytes that are not UTF-8, wherever the pieces end."""
    from stackdemux import ingest as ingest_module

    build = (ROOT / "tests" / "corpus" / "noise" / "make-gcc.log").read_bytes()
    assert "‘".encode() in build  # (gcc's quotes: past U+00FF)
    dump = sample_path("nil_pointer").read_bytes()
    data = build[:2000] + b"\n\xff\xfe not UTF-8\n" + dump + "µs ‘q’\n".encode() + b"\xc3"
    whole = ingest(data)
    assert whole.decode_errors == 2 and whole.lines[-1] == "\ufffd"
    monkeypatch.setattr(ingest_module, "SPLIT_CHARS", split_at)
    pieces = ingest(data)
    assert pieces.lines == whole.lines and pieces.decode_errors == whole.decode_errors
    assert pieces.lines == data.decode("utf-8", "replace").split("\n")
    messages = [r.message for r in parse_source(pieces).reports]
    assert messages == ["runtime error: invalid memory address or nil pointer dereference"]


@pytest.mark.parametrize("size", [1, 300, 1 << 22])
def test_windows_decoded_a_chunk_at_a_time_read_as_their_bytes_joined(size):
    """A sieved log's windows are decoded a chunk of whole lines at a time
    (tee.Capture.take_chunks), never held whole as bytes beside their lines:
    the same lines, CRs of CR LF line ends taken off, bytes that are not UTF-8
    and NUL bytes counted, as the bytes joined decode whole; each segment
    keeps its line count, its bytes let go."""
    from stackdemux.ingest import decode_chunks, decode_lines
    from stackdemux.tee import Capture, Segment

    build = (ROOT / "tests" / "corpus" / "noise" / "make-gcc.log").read_bytes()
    dump = sample_path("nil_pointer").read_bytes()
    windows = [build[:3000].replace(b"\n", b"\r\n"), b"\xff\xfe not UTF-8\x00", dump,
               "µs ‘q’".encode() + b"\r", dump.replace(b"\n", b"\r\n")]
    segments = [Segment(first=1 + 100 * k, lines=w.removesuffix(b"\n").split(b"\n"))
                for k, w in enumerate(windows)]
    counts = [len(s.lines) for s in segments]
    capture = Capture(segments, total_lines=600, total_bytes=sum(map(len, windows)))
    whole = decode_lines(capture.to_bytes())
    chunks = list(capture.take_chunks(size))
    assert all(c.endswith(b"\n") for c in chunks) and (len(chunks) > 1) == (size < 1 << 22)
    got = decode_chunks(chunks)
    assert (got.lines, got.crlf, got.decode_errors, got.nul_bytes, got.size) == (
        whole.lines, whole.crlf, whole.decode_errors, whole.nul_bytes, whole.size)
    assert got.crlf and got.decode_errors == 1 and got.nul_bytes == 1
    assert "µs ‘q’" in got.lines  # (its CR before the window's newline taken off)
    assert [len(s.lines) for s in segments] == counts and capture.taken
    assert not any(line for s in segments for line in s.lines)
