"""Records → threads, in one pass over the log.

Memory: in the default mode every thread keeps its records (the output shows
them). In summary mode (`summary=True`) a thread keeps only its summary, and a
thread is closed — finished, filtered, handed to the caller and forgotten —
once it has logged its response and `CLOSE_AFTER` records went by without it,
or `IDLE_AFTER` records went by without it at all. Memory is then bounded by
the threads open at a time, not by the log's size, with two exceptions kept
small on purpose: the union-find of `--link` values (one entry per linked
thread id and link value: ~50 bytes each) and the noise line numbers (4 bytes
a line). Non-record lines wait for the traceback parser at most
TRACE_FLUSH_LINES at a time. benchmarks/bench_threads.py measures it: peak RSS
107 MiB on 50 MB, 113 MiB on 200 MB.
"""

from __future__ import annotations

import itertools
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from functools import cache

from ..model import Report, Span, Stream
from ..parse import parse_stream, report_ids
from .model import SEVERITY, Gap, Record, Story, Thread
from .records import to_seconds

# Correlation keys people use, most specific first (ties in detection go to the first).
KEY_NAMES = (
    "http.request.id", "request_id", "requestId", "requestID", "req_id", "reqId", "request.id",
    "x-request-id", "x_request_id", "correlation_id", "correlationId", "trace_id", "trace.id",
    "traceID", "traceId", "span_id", "span.id", "spanID", "spanId",
)
METHOD_KEYS = ("http.request.method", "method", "http.method", "request.method", "req.method")
URI_KEYS = ("http.request.uri", "uri", "url", "http.url", "http.target", "http.path", "path",
            "request.uri")
STATUS_KEYS = ("http.response.status", "status", "http.status_code", "status_code",
               "response.status", "http.status")
REMOTE_KEYS = ("http.request.remoteaddr", "remoteaddr", "remote_addr", "remote", "client_ip",
               "peer.address")
STEP_KEYS = ("trace.duration", "duration", "latency", "elapsed", "took")
RESPONSE_KEYS = ("http.response.duration", "response.duration", "http.duration")
ERROR_KEYS = ("err.detail", "error", "err", "err.message", "exception", "error.message")
STACK_KEYS = ("stack", "stacktrace", "panic", "error.stack")

_ERROR_SEVERITY = SEVERITY["error"]
CLOSE_AFTER = 20_000  # records after a thread's response before it is closed (summary mode)
IDLE_AFTER = 200_000  # records without a thread before it is closed anyway (summary mode)
TRACE_FLUSH_IDLE = 2_000  # records after the last non-record line before those lines are parsed
TRACE_FLUSH_LINES = 100_000  # non-record lines parsed at most at once
DETECT_RECORDS = 10_000  # records of the first chunk the key is detected on


def _normalised(name: str) -> str:
    return name.lower().replace(".", "").replace("_", "").replace("-", "")


_KNOWN = {_normalised(n) for n in KEY_NAMES}


@cache
def is_key_candidate(name: str) -> bool:
    n = _normalised(name)
    return n in _KNOWN or n.endswith("requestid")


def detect_key(records: Iterable[Record]) -> tuple[str | None, dict[str, int]]:
    """The correlation key: among candidate names, the one whose repeated values thread
    the most records (a per-call id like distribution's trace.id repeats never)."""
    values: dict[str, Counter[str]] = {}
    for r in records:
        for k, v in r.fields.items():
            if is_key_candidate(k) and isinstance(v, str) and v:
                values.setdefault(k, Counter())[v] += 1
    scores = {k: sum(n for n in c.values() if n > 1) for k, c in values.items()}
    order = {_normalised(n): i for i, n in enumerate(KEY_NAMES)}
    best = sorted((k for k, s in scores.items() if s > 0),
                  key=lambda k: (-scores[k], order.get(_normalised(k), len(order)), k))
    return (best[0] if best else None), scores


def _first_of(fields: dict, keys: tuple[str, ...]):
    for k in keys:
        v = fields.get(k)
        if v is not None and v != "":
            return v
    return None


def _status(v) -> int | None:
    try:
        s = int(v)
    except (TypeError, ValueError):
        return None
    return s if 100 <= s <= 999 else None


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        p = self.parent.setdefault(x, x)
        while p != self.parent[p]:
            self.parent[p] = self.parent[self.parent[p]]
            p = self.parent[p]
        self.parent[x] = p
        return p

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


class Filters:
    def __init__(self, errors_only: bool = False, grep: str | None = None,
                 since: datetime | None = None, until: datetime | None = None) -> None:
        self.errors_only = errors_only
        self.grep = re.compile(grep) if grep else None
        self.since, self.until = since, until

    def keep(self, t: Thread, grep_hit: bool) -> bool:
        if self.errors_only and not t.failed:
            return False
        if self.grep is not None and not grep_hit:
            return False
        if self.since is not None and (t.last is None or t.last < self.since):
            return False
        return not (self.until is not None and (t.first is None or t.first > self.until))


class Engine:
    """Feed it (line number, text, prefix key) in input order; it threads the records."""

    def __init__(self, key: str, link: str | None, filters: Filters, summary: bool,
                 on_close: Callable[[Thread, bool], None]) -> None:
        self.key, self.link, self.filters, self.summary = key, link, filters, summary
        self.on_close = on_close
        self.open: dict[str, Thread] = {}
        self.grep_hits: set[str] = set()
        self.seen: dict[str, int] = {}  # thread id → record count when last seen (summary mode)
        self.completed: dict[str, int] = {}
        self.uf = _UnionFind()
        self.link_owner: dict[str, str] = {}  # link value → a thread id that carried it
        self.by_remote: dict[str, dict[str, int]] = {}  # remote → thread id → first line
        self.noise = array("I")
        self.records = 0
        self.formats: Counter[str] = Counter()
        self.total_threads = 0
        self.panics: list[Report] = []  # unattached
        self.report_ids = report_ids()
        # Non-record lines (and `log` records: `http: panic serving`) awaiting the traceback parser.
        self.trace_numbers = array("I")
        self.trace_texts: list[str] = []
        self.trace_prev: list[str | None] = []  # the thread of the last keyed record before each
        self.trace_record_lines: set[int] = set()  # of those, lines that were also records
        self.last_keyed: str | None = None
        self.records_at_last_trace = 0

    # ---------------------------------------------------------------- feed ---

    def feed(self, number: int, text: str, prefix: str | None, rec: Record | None) -> None:
        if rec is None:
            self._trace_line(number, text, False)
            return
        self.records += 1
        self.formats[rec.format] += 1
        if rec.format == "stdlog":
            self._trace_line(number, text, True)
        value = rec.fields.get(self.key)
        if value is None or value == "" or isinstance(value, (dict, list)):
            if rec.format != "stdlog":
                self.noise.append(number)
            if rec.format != "stdlog" or not self.trace_numbers:
                self._maybe_flush_traces()
            return
        tid = str(value)
        self.last_keyed = tid
        t = self.open.get(tid)
        if t is None:
            t = self.open[tid] = Thread(key=self.key, id=tid, first_line=number)
            self.total_threads += 1
        self._add(t, rec, text)
        if self.summary:
            self.seen[tid] = self.records
        self._maybe_flush_traces()
        if self.summary and self.records % 4096 == 0:
            self._close_idle()

    def _add(self, t: Thread, rec: Record, text: str) -> None:
        f = rec.fields
        t.count += 1
        t.last_line = rec.line
        if not self.summary:
            t.records.append(rec)
        if rec.time is not None:
            if t.first is None or rec.time < t.first:
                t.first = rec.time
            if t.last is None or rec.time > t.last:
                t.last = rec.time
        if t.method is None:
            t.method = _first_of(f, METHOD_KEYS)
        if t.uri is None:
            t.uri = _first_of(f, URI_KEYS)
        if t.remote is None and (remote := _first_of(f, REMOTE_KEYS)) is not None:
            t.remote = str(remote)
            self.by_remote.setdefault(t.remote, {})[t.id] = t.first_line
        status = _status(_first_of(f, STATUS_KEYS))
        if status is not None:
            t.status = status
            if self.summary:
                self.completed[t.id] = self.records
        if rec.level is not None and (
                t.level is None or SEVERITY.get(rec.level, 0) > SEVERITY.get(t.level, 0)):
            t.level = rec.level
        step = _first_of(f, STEP_KEYS)
        if step is not None and (d := to_seconds(step)) is not None and (
                t.slowest_duration is None or d > t.slowest_duration):
            t.slowest, t.slowest_duration = rec, d
        resp = _first_of(f, RESPONSE_KEYS)
        if resp is not None and (d := to_seconds(resp)) is not None:
            t.response_duration = d
        if SEVERITY.get(rec.level or "", 0) >= _ERROR_SEVERITY or (status or 0) >= 500:
            detail = _first_of(f, ERROR_KEYS)
            t.error = f"{rec.msg}: {detail}" if detail and rec.msg else str(detail or rec.msg)
            t.error_line = rec.line
        stack = _first_of(f, STACK_KEYS)
        for text_with_panic in (rec.msg, stack):
            if isinstance(text_with_panic, str) and "goroutine " in text_with_panic \
                    and "\n" in text_with_panic:
                t.panics.extend(self._parse_embedded(text_with_panic, rec.line))
        if self.link is not None and (lv := f.get(self.link)) not in (None, ""):
            lv = str(lv)
            if lv not in t.links:
                t.links.append(lv)
            owner = self.link_owner.setdefault(lv, t.id)
            self.uf.union(owner, t.id)
        if self.filters.grep is not None and t.id not in self.grep_hits \
                and self.filters.grep.search(text):
            self.grep_hits.add(t.id)

    def _parse_embedded(self, text: str, line: int) -> list[Report]:
        lines = text.split("\n")
        stream = Stream(id="record", numbers=[line] * len(lines), texts=lines)
        return parse_stream(stream, self.report_ids).reports

    # --------------------------------------------------------- tracebacks ---

    def _trace_line(self, number: int, text: str, is_record: bool) -> None:
        self.trace_numbers.append(number)
        self.trace_texts.append(text)
        self.trace_prev.append(self.last_keyed)
        if is_record:
            self.trace_record_lines.add(number)
        self.records_at_last_trace = self.records
        if len(self.trace_texts) >= TRACE_FLUSH_LINES:
            self.flush_traces()

    def _maybe_flush_traces(self) -> None:
        if self.trace_texts and self.records - self.records_at_last_trace >= TRACE_FLUSH_IDLE:
            self.flush_traces()

    def flush_traces(self) -> None:
        """Parse the buffered non-record lines: panics go to their threads, the rest is noise."""
        if not self.trace_texts:
            return
        numbers, texts, prev = self.trace_numbers, self.trace_texts, self.trace_prev
        index = {n: i for i, n in enumerate(numbers)}
        result = parse_stream(Stream(id="log", numbers=numbers, texts=texts), self.report_ids)
        in_report: set[int] = set()
        for report in result.reports:
            for a, b in report.lines:
                in_report.update(range(a, b + 1))
            first = min((a for a, _ in report.lines), default=None)
            t = self._owner(report, first, prev[index[first]] if first in index else None)
            if t is None:
                self.panics.append(report)
            else:
                t.panics.append(report)
        for n in numbers:
            if n not in in_report and n not in self.trace_record_lines:
                self.noise.append(n)
            elif n in self.trace_record_lines and n not in in_report:
                self.noise.append(n)  # a `log` record with no key, in no panic
        self.trace_numbers, self.trace_texts, self.trace_prev = array("I"), [], []
        self.trace_record_lines = set()

    def _owner(self, report: Report, first: int | None, prev: str | None) -> Thread | None:
        """The thread a panic belongs to: the request from the remote address net/http
        names, else the request whose record came just before, if it had not answered."""
        if report.http_remote and first is not None:
            known = self.by_remote.get(report.http_remote, {})
            cands = [tid for tid, line in known.items() if line < first]
            for tid in reversed(cands):
                if tid in self.open:
                    return self.open[tid]
        if prev is not None and (t := self.open.get(prev)) is not None and t.status is None:
            return t
        return None

    # ------------------------------------------------------------ closing ---

    def _close_idle(self) -> None:
        now = self.records
        done = [tid for tid, n in self.completed.items() if now - n >= CLOSE_AFTER]
        done += [tid for tid, n in self.seen.items()
                 if now - n >= IDLE_AFTER and tid not in self.completed]
        if not done:
            return
        self.flush_traces()  # a panic may still belong to one of them
        for tid in done:
            self._close(tid)

    def _close(self, tid: str) -> None:
        t = self.open.pop(tid)
        self.completed.pop(tid, None)
        self.seen.pop(tid, None)
        if t.remote is not None:
            ids = self.by_remote.get(t.remote)
            if ids is not None:
                ids.pop(tid, None)
                if not ids:
                    del self.by_remote[t.remote]
        if t.links:
            t.story = self.uf.find(t.id)
        finish(t)
        hit = tid in self.grep_hits
        self.grep_hits.discard(tid)
        self.on_close(t, self.filters.keep(t, hit))

    def finish_all(self) -> None:
        self.flush_traces()
        for tid in list(self.open):
            self._close(tid)


def finish(t: Thread) -> None:
    """Offsets of the records from the thread's start."""
    if t.first is None:
        return
    for r in t.records:
        if r.time is not None:
            r.offset = (r.time - t.first).total_seconds()
    if t.slowest is not None and t.slowest.time is not None:
        t.slowest.offset = (t.slowest.time - t.first).total_seconds()


def stories(threads: list[Thread], link: str, selected: set[str]) -> list[Story]:
    """Threads sharing a link value, in stories of two or more with a selected thread."""
    groups: dict[str, list[Thread]] = {}
    for t in threads:
        if t.story is not None:
            groups.setdefault(t.story, []).append(t)
    out = []
    for root, ts in groups.items():
        if len(ts) < 2 or not any(t.id in selected for t in ts):
            continue
        ts.sort(key=lambda t: (t.first or datetime.min, t.first_line))
        values: list[str] = []
        for t in ts:
            values.extend(v for v in t.links if v not in values)
        gaps = []
        for a, b in itertools.pairwise(ts):
            s2s = (b.first - a.first).total_seconds() if a.first and b.first else None
            e2s = (b.first - a.last).total_seconds() if a.last and b.first else None
            gaps.append(Gap(after=a.id, before=b.id, start_to_start=s2s, end_to_start=e2s))
        out.append(Story(id=root, link=link, values=values, threads=ts, gaps=gaps))
    out.sort(key=lambda s: s.threads[0].first_line)
    return out


def merge_spans(numbers: Iterator[int] | Iterable[int]) -> list[Span]:
    spans: list[Span] = []
    for n in sorted(numbers):
        if spans and n <= spans[-1][1] + 1:
            if n > spans[-1][1]:
                spans[-1] = (spans[-1][0], n)
        else:
            spans.append((n, n))
    return spans
