"""bytes → Source: decode a log into lines. Decoding never fails.

Lines end at LF only (a CR before it is dropped and remembered): Go prints LF,
and splitting on every Unicode line break (str.splitlines) would move line
numbers away from what `grep -n` and an editor show.
"""

from __future__ import annotations

import io
import os
import sys
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from . import rx
from .model import Source


class InputError(Exception):
    """Input that cannot be read as a log: said in one line to the user."""


# Magic numbers of files people pass by mistake, so the error can name them.
_BINARY_MAGIC = {
    b"\x7fELF": "an ELF executable",
    b"MZ": "a Windows executable",
    b"PK\x03\x04": "a zip archive",
    b"\x89PNG": "a PNG image",
    b"%PDF": "a PDF document",
    b"\xfe\xed\xfa": "a Mach-O executable",
    b"\xcf\xfa\xed\xfe": "a Mach-O executable",
    b"BZh": "a bzip2 archive",
    b"\xfd7zXZ": "an xz archive",
    b"\x28\xb5\x2f\xfd": "a zstd archive",
}

_GZIP_MAGIC = b"\x1f\x8b"
# Byte order marks: Windows PowerShell 5's `>` writes UTF-16 (LE) with one, and
# some Windows editors and PowerShell 7's `-Encoding utf8BOM` lead UTF-8 with one.
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF8_BOM = b"\xef\xbb\xbf"
_SURROGATE = rx.compile("[\ud800-\udfff]")


def open_log(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a log file for reading bytes, turning OS errors into InputError."""
    try:
        return Path(path).open("rb")
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a log file") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None


def stdin_buffer() -> BinaryIO:
    """Standard input as bytes; closed (`cmd <&-`, a service with no stdin) is
    an InputError, where Python leaves sys.stdin None."""
    if sys.stdin is None:
        raise InputError("stdin is closed: give a FILE to read")
    return sys.stdin.buffer


def read_path(path: str | os.PathLike[str]) -> bytes:
    """Read a file or `-` (stdin) whole, turning OS errors into InputError."""
    if str(path) == "-":
        return stdin_buffer().read()
    with open_log(path) as f:
        try:
            return f.read()
        except OSError as e:
            raise InputError(f"{path}: cannot read: {e.strerror or e}") from None


class Gunzip:
    """A gzip file read as a stream of its text, member after member, that ends
    where the file does: `cut` then says it ended early (a log copied while
    written, a download cut off), where gzip's own reader raises and loses the
    block it was reading. Only a file whose first bytes do not inflate is an
    error. Bytes after the last member that start no other one are ignored,
    as `gzip -d` does."""

    def __init__(self, raw: BinaryIO, name: str, chunk: int = 1 << 20) -> None:
        self.raw, self.name, self.chunk = raw, name, chunk
        self.inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self.fresh = True  # the current member has taken no byte yet
        self.pending = b""  # read, not yet inflated
        self.any_text = False
        self.cut = False
        self.done = False

    def read(self, n: int = -1) -> bytes:
        out: list[bytes] = []
        size = 0
        while not self.done and (n < 0 or size < n):
            data, self.pending = self.pending or self.raw.read(self.chunk), b""
            if not data:
                self.done, self.cut = True, not self.fresh
                break
            if self.fresh and not data.startswith(_GZIP_MAGIC[: len(data)]):
                self.done = True  # trailing bytes, no member
                break
            self.fresh = False
            try:
                text = self.inflate.decompress(data)
            except zlib.error as e:
                if not self.any_text:
                    raise InputError(f"{self.name}: a damaged gzip file: {e}") from None
                self.done = self.cut = True
                break
            self.any_text = self.any_text or bool(text)
            out.append(text)
            size += len(text)
            if self.inflate.eof:  # this member is whole: another may follow
                self.pending = self.inflate.unused_data
                self.inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
                self.fresh = True
        return b"".join(out)


def _gunzip(data: bytes, name: str) -> tuple[bytes, bool]:
    """The text of a gzip file held whole, and whether it ends early."""
    reader = Gunzip(io.BytesIO(data), name, chunk=len(data) or 1)
    return reader.read(), reader.cut


def _sniff_binary(data: bytes, name: str) -> None:
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"{name}: looks like {what}, not a log")
    # A hole in the file reads as NUL bytes: logrotate's copytruncate leaves one
    # at the head of a log whose writer kept its offset, a file system's crash one
    # where blocks were lost. It is no binary data: the text after it is sniffed
    # (a file of NULs alone, zero-filled by a crash of the machine, is none).
    head = (data.lstrip(b"\0") or data)[:8192]
    # A log may hold a few stray control bytes; a file of mostly non-text is not a log.
    if head:
        text_like = sum(1 for b in head if b >= 0x20 or b in (9, 10, 13, 27))
        if text_like / len(head) < 0.70:
            raise InputError(f"{name}: looks like binary data, not a log")
        # Random bytes are ~88% >= 0x20, but most of their high bytes are not UTF-8;
        # a log in Latin-1 or with a few bad bytes stays far below this share.
        if not head.isascii() and head.decode("utf-8", "replace").count("\ufffd") > len(head) // 10:
            raise InputError(f"{name}: looks like binary data, not a log")


def utf16_codec(data: bytes) -> str | None:
    """The codec of a log in UTF-16, else None. With a byte order mark, or
    without one (`cmd /U`, .NET's `Encoding.Unicode` writers, a UTF-16 log cut
    at its head): ASCII text in UTF-16 has a NUL in every other byte and a
    character in the rest. A cut at an odd byte puts LE's NULs first: read as
    BE, which is then right."""
    if data.startswith(UTF16_BOMS):
        return "utf-16"  # (reads and drops the mark)
    head = data[:8192]
    if len(head) < 4:
        return None
    for codec, zeros, chars in (("utf-16-le", head[1::2], head[0::2]),
                                ("utf-16-be", head[0::2], head[1::2])):
        if zeros.count(0) >= 0.9 * len(zeros) and chars.count(0) <= 0.1 * len(chars):
            return codec
    return None


def path_name(path: str) -> str:
    """A path as a report says it. A file name that is not UTF-8 reaches Python
    as lone surrogates, which no output can hold (JSON, XML): shown as U+FFFD."""
    return "<stdin>" if path == "-" else os.fsencode(path).decode("utf-8", "replace")


def ingest(data: bytes | str, name: str = "<input>") -> Source:
    """Decode `data` into a Source. Text may be passed as str (no byte offsets then)."""
    if isinstance(data, str):
        # Lone surrogates (text read with errors="surrogateescape") are no text
        # any output can hold (JSON, XML): bytes that are not UTF-8, shown as U+FFFD.
        data, errors = _SURROGATE.subn("\ufffd", data) if not data.isascii() else (data, 0)
        lines = data.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        crlf = "\r" in data
        if crlf:
            lines = [ln[:-1] if ln.endswith("\r") else ln for ln in lines]
        return Source(name=name, lines=lines, size=len(data.encode("utf-8")), crlf=crlf,
                      nul_bytes=data.count("\x00"),
                      decode_errors=sum(1 for ln in lines if "\ufffd" in ln) if errors else 0)

    cut_gzip = False
    if data.startswith(_GZIP_MAGIC):
        data, cut_gzip = _gunzip(data, name)
    codec = utf16_codec(data)
    if codec:
        text = data.decode(codec, "replace")
        source = ingest(text, name)
        source.size = len(data)
        source.decode_errors = sum(1 for line in source.lines if "\ufffd" in line)
        source.cut_gzip = cut_gzip
        return source
    size = len(data)
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]  # not text: `\ufeffpanic: …` would open no report
    _sniff_binary(data, name)
    source = decode_lines(data, name)
    source.size, source.cut_gzip = size, cut_gzip
    return source


# Characters of text split at a time, and lines of each read to tell whether
# its lines repeat (see split_sharing). A piece's text and its lines split are
# held at once, beside the log's bytes, at 2 bytes a character where one is past
# U+00FF: at 4 Mi characters a 12 MB log of 8 services peaked at 60.2 MB in its
# read, at 1 Mi 53.2 (still the run's peak: the bytes are read whole first).
SPLIT_CHARS = 1 << 20
REPEATS_SAMPLE = 1 << 12
# A chunk's lines are shared when its sample holds at most one distinct line in
# this many: a crash loop behind a prefix with no time in it repeats far more
# (60 MB of compose crashes: 445 of 4096), one dump of many goroutines far less
# (20 000 goroutines in 35 call paths: 1903 of 4096), whose sharing cost more
# than the split itself (+46 ms on 22 MB) to save under half its line objects.
SHARED_AT_MOST = 4
SHARED_LINES = 1 << 16  # distinct lines remembered at a time
# Pieces told at once whether their lines repeat, by the first's sample: as many as
# were one piece of 4 Mi characters (told piece by piece, the 12 MB log of 8 services
# merged by read() chunks kept 15 296 line objects, not 2 177: in a smaller piece
# a dump's cut lines are more of the sample).
SHARE_PIECES = 4


def split_sharing(text: str, shared: dict[str, str] | None = None) -> list[str]:
    """text.split("\n"), a chunk of lines at a time; in a chunk whose lines
    mostly repeat, equal lines are one str. A service restarted in a loop prints
    the same lines crash after crash, its prefix the same on each when no time
    is in it (compose): 60 MB of compose crashes are 1.26 M line objects, 125 MB
    held for the whole run, of 2.6 k distinct lines. A chunk of mostly distinct
    lines (a time on each, a dump's goroutines) is left as split; the lines are the same strings."""
    lines: list[str] = []
    shared = {} if shared is None else shared
    start, n, k, repeats = 0, len(text), 0, False
    while start <= n:
        end = text.find("\n", start + SPLIT_CHARS)
        if end < 0:
            end = n
        chunk = text[start:end].split("\n")
        repeats = _repeats(chunk) if k % SHARE_PIECES == 0 else repeats
        lines += _shared(chunk, shared) if repeats else chunk
        start, k = end + 1, k + 1
    return lines


def _repeats(chunk: list[str]) -> bool:
    """Whether a chunk's lines mostly repeat, by its first REPEATS_SAMPLE (see split_sharing)."""
    sample = chunk[:REPEATS_SAMPLE]
    return len(set(sample)) * SHARED_AT_MOST <= len(sample)


def _shared(chunk: list[str], shared: dict[str, str]) -> list[str]:
    """A chunk's lines, equal lines one str (see split_sharing)."""
    if len(shared) > SHARED_LINES:
        shared.clear()
    return list(map(shared.setdefault, chunk, chunk))


def decode_split(data: bytes | bytearray, shared: dict[str, str] | None = None
                 ) -> tuple[list[str], int]:
    """UTF-8 bytes split at LF into decoded lines, SPLIT_CHARS bytes at a time
    (cut after a newline: no character's bytes hold one), and how many lines
    held bytes that are not UTF-8 (replaced by U+FFFD). Decoded whole, the text
    was held beside the bytes and the lines: at 2-4 bytes a character where one
    is past U+00FF (gcc's ‘quotes’ in a build log: 12 MB of log, 24 MB of text)."""
    lines: list[str] = []
    shared = {} if shared is None else shared
    errors = 0
    view = memoryview(data)
    start, n, k, repeats = 0, len(data), 0, False
    while start <= n:
        end = data.find(b"\n", start + SPLIT_CHARS)
        if end < 0:
            end = n
        try:
            chunk = str(view[start:end], "utf-8").split("\n")
        except UnicodeDecodeError:
            chunk = []
            for raw in data[start:end].split(b"\n"):
                try:
                    chunk.append(raw.decode("utf-8"))
                except UnicodeDecodeError:
                    errors += 1
                    chunk.append(raw.decode("utf-8", "replace"))
        repeats = _repeats(chunk) if k % SHARE_PIECES == 0 else repeats
        lines += _shared(chunk, shared) if repeats else chunk
        start, k = end + 1, k + 1
    return lines, errors


def decode_lines(data: bytes | bytearray, name: str = "<input>") -> Source:
    """UTF-8 bytes, already unwrapped and judged a log, into lines. The sieve's
    windows come here: their first bytes are any line of the log, not its
    head, so they are neither sniffed nor read as a gzip or UTF-16 file."""
    return decode_chunks((data,), name)


def decode_chunks(chunks: Iterable[bytes | bytearray], name: str = "<input>") -> Source:
    """decode_lines of the chunks joined, each chunk but the last ending in a
    newline, decoded one at a time: a sieved log's windows (tee.Capture.take_chunks)
    are never held whole as bytes beside their lines. A chunk's CR before its
    newlines is taken off where the chunk holds a CR LF: a line ending in CR is
    followed by a newline inside its chunk, so this is the whole text's rule."""
    lines: list[str] = []
    shared: dict[str, str] = {}
    nul = errors = size = 0
    crlf = False
    text: str | None = None  # the lines joined, when one chunk is all there is
    for k, data in enumerate(chunks):
        got, joined, chunk_crlf, chunk_errors = _decode(data, shared)
        # (a byte looked for alone is found at memchr speed: most logs hold no NUL or CR)
        nul += data.count(b"\x00") if b"\x00" in data else 0
        size += len(data)
        del data
        crlf, errors = crlf or chunk_crlf, errors + chunk_errors
        text = joined if k == 0 else None
        lines += got
    return Source(name=name, lines=lines, size=size, crlf=crlf, decode_errors=errors,
                  nul_bytes=nul, _text=text)


def _decode(data: bytes | bytearray, shared: dict[str, str]
            ) -> tuple[list[str], str | None, bool, int]:
    """One chunk's lines, the text they were split from (kept for the
    demultiplexer's bulk searches, where the lines are it joined), whether it
    holds a CR LF, and how many lines held bytes that are not UTF-8."""
    crlf = b"\r" in data and b"\r\n" in data
    errors = 0
    text: str | None = None
    if data.isascii():
        # The common case, at C speed: one decode, a split a chunk at a time;
        # decoded without its last newline (no copy of the bytes), the text is
        # the lines joined, kept for the demultiplexer's bulk searches.
        end = len(data) - 1 if data.endswith(b"\n") else len(data)
        joined = str(memoryview(data)[:end], "ascii")
        lines = split_sharing(joined, shared) if data else []
        if not crlf:
            text = joined
        del joined
    else:
        lines, errors = decode_split(data, shared)
        if lines and lines[-1] == "":
            lines.pop()  # (the text after the last newline)
    if crlf:
        lines = [ln[:-1] if ln.endswith("\r") else ln for ln in lines]
    return lines, text, crlf, errors


def line_offsets(data: bytes) -> list[int]:
    """Byte offset of each line start (for byte-level conservation checks)."""
    offsets = [0]
    find = data.find
    i = find(b"\n")
    while i != -1:
        offsets.append(i + 1)
        i = find(b"\n", i + 1)
    if offsets[-1] == len(data):
        offsets.pop()
    return offsets
