"""The threads model: records of a service log, threaded by a correlation key.

A Record is one structured log line; a Thread is every record that carries
one value of the key (one request); a Story is threads chained by another key
(`--link`, e.g. the upload uuid a POST created and a PATCH used). Times are
naive datetimes in UTC when the log said a zone, as printed otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..model import Diagnostic, Report, Span

# Levels, least to most severe, after normalisation (see records.LEVELS).
SEVERITY = {"trace": 0, "debug": 1, "info": 2, "warn": 3, "error": 4, "dpanic": 5, "panic": 6,
            "fatal": 7}


@dataclass(slots=True)
class Record:
    line: int  # input line, 1-based
    format: str  # "logfmt" | "json" | "klog" | "stdlog"
    time: datetime | None
    level: str | None
    msg: str
    fields: dict[str, Any] = field(default_factory=dict)  # every other key, JSON objects flattened
    prefix: str | None = None  # the collector prefix's key (syslog host prog[pid]) if any
    offset: float | None = None  # seconds from its thread's first record; set when threaded


@dataclass(slots=True)
class Thread:
    """One value of the correlation key and what its records say."""

    key: str
    id: str
    records: list[Record] = field(default_factory=list)  # input order; empty in summary mode
    count: int = 0
    first_line: int = 0
    last_line: int = 0
    first: datetime | None = None
    last: datetime | None = None
    method: str | None = None
    uri: str | None = None
    status: int | None = None
    remote: str | None = None
    level: str | None = None  # the most severe level seen
    slowest: Record | None = None  # the record with the longest step duration
    slowest_duration: float | None = None  # seconds
    response_duration: float | None = None  # seconds, as the service logged it
    error: str | None = None
    error_line: int | None = None
    panics: list[Report] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # values of the link key, first seen first
    story: str | None = None

    @property
    def duration(self) -> float | None:
        if self.first is None or self.last is None:
            return None
        return (self.last - self.first).total_seconds()

    @property
    def failed(self) -> bool:
        """Ended in a server error: a 5xx, a panic, or an error with no status at all.
        A 4xx logged at level error (distribution's `blob unknown`) is the client's
        mistake, not a failure of the service."""
        if self.panics:
            return True
        if self.status is not None:
            return self.status >= 500
        return self.error is not None


@dataclass(slots=True)
class Gap:
    """How one thread of a story follows the one before it."""

    after: str  # thread id
    before: str
    start_to_start: float | None  # seconds
    end_to_start: float | None  # seconds from the earlier thread's last record; < 0: overlap


@dataclass(slots=True)
class Story:
    id: str
    link: str  # the link key
    values: list[str]
    threads: list[Thread]  # by start time
    gaps: list[Gap] = field(default_factory=list)


@dataclass(slots=True)
class Threads:
    """Everything `stackdemux threads` found in one log."""

    source: str
    key: str | None
    key_detected: bool
    link: str | None = None
    threads: list[Thread] = field(default_factory=list)  # selected by the filters, input order
    # Stories of two threads or more, with a selected one among them.
    stories: list[Story] = field(default_factory=list)
    panics: list[Report] = field(default_factory=list)  # panics no thread could claim
    noise: list[Span] = field(default_factory=list)  # lines in no thread and no panic
    noise_lines: int = 0
    total_lines: int = 0
    records: int = 0
    formats: dict[str, int] = field(default_factory=dict)
    total_threads: int = 0  # before the filters
    key_candidates: dict[str, int] = field(default_factory=dict)  # detection scores
    diagnostics: list[Diagnostic] = field(default_factory=list)
    summary: bool = False  # records were not kept (bounded-memory mode)
