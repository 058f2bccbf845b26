"""Goroutines of one report that sit on the same call path, counted once.

Two goroutines are alike when every frame has the same function, file and
line, and they were created at the same place; their ids, argument values,
states and wait times may differ (those are listed per bucket). A dump of
20 000 goroutines from 35 call paths gives 35 buckets.

The key is a tuple of tuples: hashing it is done in C, and no string is built
per frame. The readable signature is made once per bucket.
"""

from __future__ import annotations

from operator import attrgetter

from stackdemux.model import Bucket, Frame, Goroutine, Report

_CALL = attrgetter("func", "file", "line")


def _short(frame: Frame) -> str:
    file = frame.file or "?"
    base = file[file.rfind("/") + 1 :]
    return f"{frame.func} {base}:{frame.line}" if frame.line is not None else f"{frame.func} {base}"


def signature(goroutine: Goroutine) -> str:
    """`main.worker main.go:12 ← main.start main.go:30 ← created by main.main main.go:40`."""
    parts = [_short(f) for f in goroutine.frames]
    if goroutine.elided:
        parts.append("…")
    if goroutine.created_by is not None:
        parts.append("created by " + _short(goroutine.created_by.frame))
    return " ← ".join(parts) or "(no frames)"


def bucket(report: Report) -> list[Bucket]:
    """The report's goroutines by call path, the most populated first (ties: first seen)."""
    index: dict[tuple, list[Goroutine]] = {}
    get = index.get
    call = _CALL  # C attrgetter: no Python frame per Frame
    for g in report.goroutines:
        cb = g.created_by
        key = (
            tuple(map(call, g.frames)),
            call(cb.frame) if cb is not None else None,
            g.elided,
            g.unavailable,
        )
        members = get(key)
        if members is None:
            index[key] = [g]
        else:
            members.append(g)
    buckets = [_make(members) for members in index.values()]
    buckets.sort(key=lambda b: -b.count)  # stable: equal counts keep dump order
    return buckets


def _make(members: list[Goroutine]) -> Bucket:
    states = list(dict.fromkeys(g.state for g in members))
    waits = [g.wait_minutes for g in members if g.wait_minutes is not None]
    return Bucket(
        signature=signature(members[0]),
        count=len(members),
        ids=[g.id for g in members],
        states=states,
        wait_minutes=(min(waits), max(waits)) if waits else None,
        goroutine=members[0],
    )
