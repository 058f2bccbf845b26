"""`stackdemux split LOG -o DIR`: each recovered stream to its own file, noise to one more."""

from __future__ import annotations

import codecs
import os
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO, TextIO

from .. import rx
from ..model import Source, Span, Stream

_UNSAFE = rx.compile(r"[^A-Za-z0-9._-]+")


def stream_file_name(stream: Stream) -> str:
    """`s2-hub-1.log`: the id, and the label made safe for a file name (a label
    comes from the log, which an attacker may write: no `/`, no `..`)."""
    if not stream.label:
        return f"{stream.id}.log"
    label = _UNSAFE.sub("_", stream.label).strip("._")[:60]
    return f"{stream.id}-{label}.log" if label else f"{stream.id}.log"


def write_split(streams: Sequence[Stream], noise: Sequence[Span], source: Source,
                out_dir: str | Path, log_path: str | None = None) -> list[Path]:
    """Write one file per stream (its texts, one per line) and `noise.txt` (the
    input lines no stream claimed, verbatim). Returns the paths written, noise last.

    A sieved source holds only the windows around its tracebacks: its noise
    lines are read again from `log_path`, line by line, so that a 1 GB build
    log is split in the memory its windows take."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for s in streams:
        p = out / stream_file_name(s)
        with _create(p) as f:
            f.write("".join(t + "\n" for t in s.texts))
        paths.append(p)
    p = out / "noise.txt"
    with _create(p) as f:
        if log_path is not None and getattr(source, "capture", None) is not None:
            copy_noise(log_path, noise, f)
        else:
            whole = source.lines
            f.write("".join(whole[n - 1] + "\n" for a, b in noise for n in range(a, b + 1)))
    paths.append(p)
    return paths


def stripped_prefixes(streams: Sequence[Stream], lines: Sequence[str]) -> list[tuple[int, str]]:
    """The collector prefixes (`hub-1  | `, a CI runner's time, a paste's line
    number) stripped from the input lines the streams' texts came from, by line
    number: with the streams and the noise, every character of those lines.

    A line cut into pieces lost what is before its first piece. A whole line is
    said when it is its prefix and its text (a paste's repair may have put back
    its tabs): a JSON record's text (docker, `go test -json`) is no column
    range of its line, and what the record set aside before it is not said."""
    starts: dict[int, int] = {}
    for s in streams:
        lengths = s.prefix_lengths
        for j, text in enumerate(s.texts):
            pieces = s.pieces.get(j)
            if pieces:
                for n, a, _ in pieces:
                    starts[n] = min(starts.get(n, a), a)
                continue
            k = lengths[j] if lengths else 0
            if not k:
                continue
            rest = lines[s.numbers[j] - 1][k:]
            if rest == text or rest.split() == text.split():
                starts[s.numbers[j]] = k
    return [(n, lines[n - 1][:k]) for n, k in sorted(starts.items()) if k]


def write_prefixes(prefixes: Sequence[tuple[int, str]], out_dir: str | Path) -> Path:
    """`prefixes.txt`: a line per stripped prefix, its input line number, a tab
    and the prefix verbatim."""
    p = Path(out_dir) / "prefixes.txt"
    with _create(p) as f:
        f.write("".join(f"{n}\t{prefix}\n" for n, prefix in prefixes))
    return p


def _create(path: Path) -> TextIO:
    """A new file at `path`, replacing what was there without writing through it:
    a symbolic (or hard) link left in a shared output directory under a stream's
    name would otherwise have split overwrite the file it points to. O_EXCL
    refuses a link put back in between."""
    try:
        if path.is_symlink() or not path.is_dir():  # (a directory in the way: open says so)
            path.unlink()
    except FileNotFoundError:
        pass
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    return open(os.open(path, flags, 0o666), "w", encoding="utf-8",
                errors="surrogatepass", newline="")


def copy_noise(path: str, spans: Sequence[Span], out: TextIO) -> None:
    """Write the lines numbered in `spans` (sorted, merged, 1-based) of a log file
    to `out`, decoded as ingest.ingest decodes a whole log (UTF-8, invalid bytes
    replaced; the CR of a CRLF line end dropped), each ending in a newline.

    Read block by block: a block inside one span is written whole, one outside
    every span skipped after a newline count, and only the few blocks where a
    kept window starts or ends are cut into lines."""
    from ..ingest import _GZIP_MAGIC, Gunzip, open_log

    f = open_log(path)
    try:
        # (the inflater the log was read with: a gzip cut short ends where it does)
        reader = Gunzip(f, path) if f.peek(2)[:2] == _GZIP_MAGIC else f  # type: ignore[attr-defined]
        _copy(reader, list(spans), _Writer(out))  # type: ignore[arg-type]
    finally:
        f.close()


class _Writer:
    """Bytes of whole lines in, text out: an incremental decoder (a block may end
    inside a character of an endless line) and CRLF → LF."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.decode = codecs.getincrementaldecoder("utf-8")("replace").decode
        self.cr = b""  # a CR held back: its LF may start the next piece

    def write(self, data: bytes) -> None:
        data = (self.cr + data).replace(b"\r\n", b"\n")
        self.cr = b"\r" if data.endswith(b"\r") else b""
        if self.cr:
            data = data[:-1]
        self.out.write(self.decode(data))

    def end_line(self, crlf: bool) -> None:
        """The file ends without a newline: its last line's CR goes as ingest drops it."""
        if self.cr and not crlf:
            self.out.write("\r")
        self.cr = b""
        self.out.write(self.decode(b"", final=True) + "\n")


def _copy(f: BinaryIO, spans: list[Span], w: _Writer) -> None:
    from ..ingest import UTF8_BOM

    n = 1  # number of the line the next byte belongs to
    k = 0  # the first span not yet passed
    crlf = False
    last = b""
    first = True
    while k < len(spans) and (block := f.read(1 << 20)):
        if first:  # a byte order mark is no text of line 1: ingest and the sieve drop it
            block, first = block.removeprefix(UTF8_BOM), False
        crlf = crlf or b"\r\n" in block or (last == b"\r" and block[:1] == b"\n")
        last = block[-1:]
        lines = block.count(b"\n")
        end = n + lines  # the line the block's last byte belongs to
        while k < len(spans) and spans[k][1] < n:
            k += 1
        if k == len(spans) or spans[k][0] > end:
            pass  # no kept line here
        elif spans[k][0] <= n and spans[k][1] >= end:
            w.write(block)  # all of it kept
        else:  # a window starts or ends here: each span's run of lines in one piece
            pos, line = 0, n  # pos: where `line` starts in the block
            for a, b in spans[k:]:
                if a > end:
                    break
                pos, line = _skip(block, pos, line, max(a, n))
                start = pos
                pos, line = _skip(block, pos, line, b + 1)
                w.write(block[start:pos])
        n = end
    while k < len(spans) and spans[k][1] < n:
        k += 1
    if last and last != b"\n" and k < len(spans) and spans[k][0] <= n:
        w.end_line(crlf)  # the last line, kept, had no newline


def _skip(block: bytes, pos: int, line: int, to: int) -> tuple[int, int]:
    """From `pos`, the start of `line`, to the start of line `to` (or the block's end)."""
    find = block.find
    while line < to:
        nl = find(b"\n", pos)
        if nl < 0:
            return len(block), line
        pos, line = nl + 1, line + 1
    return pos, line
