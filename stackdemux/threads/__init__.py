"""`stackdemux threads`: a Go service's interleaved log, threaded by request.

    from stackdemux.threads import thread_log
    result = thread_log("registry.log", link="vars.uuid", errors_only=True)

Records (logfmt, JSON lines, klog, `log`; behind syslog/journald/container
prefixes or not) are read by the grammar in grammars/records.lark, threaded by
a correlation key (detected, or given), chained into stories by a link key,
and Go panics in the log are parsed and given to the request that panicked.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

from ..ingest import _GZIP_MAGIC as GZIP_MAGIC
from ..ingest import UTF8_BOM, Gunzip, InputError, _sniff_binary, open_log, utf16_codec
from .engine import DETECT_RECORDS, Engine, Filters, detect_key, merge_spans, stories
from .model import Gap, Record, Story, Thread, Threads
from .prefix import detect_styles, strip
from .records import parse_record

__all__ = ["Gap", "Record", "Story", "Thread", "Threads", "ThreadsError", "iter_threads",
           "thread_log"]

CHUNK_LINES = 10_000  # lines read, prefix-split and parsed at a time


class ThreadsError(InputError):
    """Options or input `threads` cannot work with, said in one line."""


Source = str | bytes | os.PathLike[str] | io.IOBase | Iterable[str]


def _lines(source: Source, warn: Callable[[str], None]) -> tuple[str, Iterator[str]]:
    """The input's name and its lines (without terminators), read lazily from files;
    `warn` is told when a gzip file ends before its end (read as far as it goes)."""
    if isinstance(source, bytes):
        return "<input>", _read(io.BufferedReader(io.BytesIO(source)), "<input>", warn)
    if isinstance(source, (str, os.PathLike)) and not (isinstance(source, str) and "\n" in source):
        path = Path(source)
        try:
            raw = open_log(path)  # closed by _read once the lines are consumed
        except InputError as e:
            raise ThreadsError(str(e)) from None
        return str(path), _read(raw, str(path), warn)
    if isinstance(source, str):
        # read as a file's lines are: a final newline ends the last line (it
        # opens no empty one), and a CRLF's CR is no part of its line
        lines = source.split("\n")
        if lines[-1] == "":
            lines.pop()
        return "<input>", (ln.removesuffix("\r") for ln in lines)
    if isinstance(source, io.IOBase) and not isinstance(source, io.TextIOBase):
        # stdin's bytes, or a file opened "rb"
        name = str(getattr(source, "name", "<input>"))
        raw = source if hasattr(source, "peek") else io.BufferedReader(source)  # type: ignore[arg-type]
        return name, _read(raw, name, warn)  # type: ignore[arg-type]
    return "<input>", (ln.rstrip("\n") for ln in source)


class _Inflated(io.RawIOBase):
    """ingest.Gunzip as a file: every member, and a file cut short read as far as it goes."""

    def __init__(self, gunzip: Gunzip) -> None:
        self.gunzip = gunzip
        self.left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
        data = self.left or self.gunzip.read(len(buffer))
        n = min(len(buffer), len(data))
        buffer[:n], self.left = data[:n], data[n:]
        return n


def _read(raw: io.BufferedReader, name: str, warn: Callable[[str], None]) -> Iterator[str]:
    """Lines as ingest reads them: gzip opened, UTF-16 and byte order marks
    decoded, binary refused in one line; undecodable bytes become U+FFFD."""
    with raw:
        gz = Gunzip(raw, name) if raw.peek(2)[:2] == GZIP_MAGIC else None
        try:
            stream = io.BufferedReader(_Inflated(gz), 1 << 16) if gz is not None else raw
            head = stream.peek(8192)[:8192]
            codec = utf16_codec(head)
            if codec is None:
                _sniff_binary(head.removeprefix(UTF8_BOM), name)
        except InputError as e:
            raise ThreadsError(str(e)) from None
        text = io.TextIOWrapper(stream, encoding=codec or "utf-8-sig", errors="replace",
                                newline="\n")
        try:
            for ln in text:
                yield ln.rstrip("\n").removesuffix("\r")
        except OSError as e:
            raise ThreadsError(f"{name}: cannot read: {e}") from None
        if gz is not None and gz.cut:
            # a log still being written, or a download cut short: what came before
            # the damage is threaded, and the damage said
            warn(f"{name}: a damaged gzip file, read as far as it goes (it ends early: cut "
                 "off, or copied while written)")


def _chunks(lines: Iterator[str]) -> Iterator[list[str]]:
    chunk: list[str] = []
    for ln in lines:
        chunk.append(ln)
        if len(chunk) >= CHUNK_LINES:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _run(source: Source, key: str | None, link: str | None, filters: Filters, summary: bool,
         result: Threads, on_close) -> Iterator[None]:
    """Drive the engine over the input; yields after each chunk (so closed threads can
    be handed out while reading)."""
    name, lines = _lines(source, lambda text: result.diagnostics.append(_warning(text)))
    result.source = name
    chunks = _chunks(lines)
    first = next(chunks, [])
    styles = detect_styles(first)
    number = 0
    parsed_first: list[tuple[int, str, str | None, Record | None]] = []
    texts, prefixes = strip(first, styles)
    for text, pre in zip(texts, prefixes, strict=True):
        number += 1
        parsed_first.append((number, text, pre, parse_record(text, number, pre)))
    sample = [r for *_, r in parsed_first[:DETECT_RECORDS * 4] if r is not None]
    detected, scores = detect_key(sample[:DETECT_RECORDS])
    if key is None:
        key = detected
        result.key_candidates = scores
        result.key_detected = key is not None
    result.key = key
    if key is None:
        result.diagnostics.append(_no_key(parsed_first))
    engine = Engine(key or "\0", link, filters, summary, on_close)
    for number_, text, pre, rec in parsed_first:
        engine.feed(number_, text, pre, rec)
    del parsed_first
    yield
    for chunk in chunks:
        texts, prefixes = strip(chunk, styles)
        for text, pre in zip(texts, prefixes, strict=True):
            number += 1
            engine.feed(number, text, pre, parse_record(text, number, pre))
        yield
    engine.finish_all()
    if result.key and not result.key_detected and not engine.total_threads and engine.records:
        # a --key no record carries (mistyped): say so, and what would thread
        named = ", ".join(sorted((k for k in scores if scores[k]), key=lambda k: -scores[k])[:5])
        result.diagnostics.append(_warning(
            f"no record carries the key {result.key!r}"
            + (f" (keys that thread records here: {named})" if named else "")))
    result.total_lines = number
    result.records = engine.records
    result.formats = dict(engine.formats)
    result.total_threads = engine.total_threads
    result.panics = engine.panics
    result.noise_lines = len(engine.noise)
    result.noise = merge_spans(engine.noise)
    yield


def _said_unlinked(result: Threads, link: str | None, linked: bool) -> None:
    """A --link no thread carries (mistyped, or a field of the records but not of
    their requests) chains no story: said, as a --key no record carries is."""
    if link is not None and not linked and result.total_threads:
        result.diagnostics.append(_warning(
            f"no thread carries the link key {link!r}: no stories"))


def _warning(text: str) -> object:
    from ..model import Diagnostic

    return Diagnostic(text)


def _no_key(parsed) -> object:
    from ..model import Diagnostic

    n = sum(1 for *_, r in parsed if r is not None)
    records = "1 record" if n == 1 else f"{n} records"
    return Diagnostic(f"no correlation key found among {records} (pass --key NAME)")


def _filters(errors_only: bool, grep: str | None, since, until) -> Filters:
    from ..rx import REFUSED

    first, last = parse_when(since, "--since"), parse_when(until, "--until")
    if first is not None and last is not None and first > last:
        # (no thread is active after the one and before the other: 0 shown, unsaid)
        raise ThreadsError(f"--since {since} is after --until {until}: no time is both")
    try:
        return Filters(errors_only, grep, first, last)
    except REFUSED as e:
        raise ThreadsError(f"--grep {grep!r}: not a valid regular expression: {e}") from None


def parse_when(v: str | datetime | None, flag: str = "") -> datetime | None:
    """--since/--until: RFC 3339 (a zone converts to UTC, like the records' times)."""
    if isinstance(v, datetime) and v.tzinfo is not None:
        # (the records' times are naive UTC: an aware bound failed to compare with them)
        return v.astimezone(timezone.utc).replace(tzinfo=None)
    if v is None or isinstance(v, datetime):
        return v
    from .records import to_time

    t = to_time(v.strip())
    if t is None:
        said = f"{flag} {v!r}" if flag else repr(v)
        raise ThreadsError(f"{said}: not a time (use RFC 3339, e.g. 2026-03-09T14:02:11Z)")
    return t


def thread_log(source: Source, key: str | None = None, link: str | None = None,
               errors_only: bool = False, grep: str | None = None,
               since: str | datetime | None = None, until: str | datetime | None = None,
               summary: bool = False) -> Threads:
    """Thread a log by request. `source`: a path, bytes, text, a binary file (gzip
    read too) or an iterable of lines.

    With summary=True the records are not kept (bounded memory; see engine.py) and
    stories are not assembled (each thread still names its story).
    """
    filters = _filters(errors_only, grep, since, until)
    result = Threads(source="<input>", key=key, key_detected=False, link=link, summary=summary)
    everything: list[Thread] = []
    selected: set[str] = set()
    linked = False

    def on_close(t: Thread, keep: bool) -> None:
        nonlocal linked
        linked = linked or bool(t.links)
        if keep:
            selected.add(t.id)
            everything.append(t)
        elif link is not None and not summary:
            everything.append(t)  # a story may need it

    for _ in _run(source, key, link, filters, summary, result, on_close):
        pass
    _said_unlinked(result, link, linked)
    everything.sort(key=lambda t: t.first_line)
    result.threads = [t for t in everything if t.id in selected]
    if link is not None and not summary:
        result.stories = stories(everything, link, selected)
    return result


def iter_threads(source: Source, key: str | None = None, link: str | None = None,
                 errors_only: bool = False, grep: str | None = None,
                 since: str | datetime | None = None, until: str | datetime | None = None,
                 ) -> tuple[Threads, Iterator[Thread]]:
    """Summary mode, streamed: selected threads as they close (records not kept).
    The Threads header is complete once the iterator is exhausted."""
    filters = _filters(errors_only, grep, since, until)
    result = Threads(source="<input>", key=key, key_detected=False, link=link, summary=True)
    ready: list[Thread] = []
    linked = False

    def on_close(t: Thread, keep: bool) -> None:
        nonlocal linked
        linked = linked or bool(t.links)
        if keep:
            ready.append(t)

    def gen() -> Iterator[Thread]:
        for _ in _run(source, key, link, filters, True, result, on_close):
            while ready:
                yield ready.pop(0)
        _said_unlinked(result, link, linked)

    return result, gen()
