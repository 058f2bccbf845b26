"""Goroutines of one report that sit on the same call path, counted once.

Two goroutines are alike when every frame has the same function, file and
line, and they were created at the same place; their ids, argument values,
states and wait times may differ (those are listed per bucket). A dump of
20 000 goroutines from 35 call paths gives 35 buckets.

The key is a tuple of tuples: hashing it is done in C, and no string is built
per frame. The readable signature is made once per bucket.
"""

from __future__ import annotations

from functools import lru_cache
from operator import attrgetter

from stackdemux.model import Bucket, Goroutine, Report

_CALL = attrgetter("func", "file", "line")


def _short(call: tuple[str, str | None, int | None]) -> str:
    func, file, line = call
    file = file or "?"
    base = file[file.rfind("/") + 1 :]
    return f"{func} {base}:{line}" if line is not None else f"{func} {base}"


def signature(goroutine: Goroutine) -> str:
    """`main.worker main.go:12 ← main.start main.go:30 ← created by main.main main.go:40`."""
    cb = goroutine.created_by
    return _signature(tuple(map(_CALL, goroutine.frames)), _CALL(cb.frame) if cb else None,
                      goroutine.elided)


# A call path's signature is made once: a crash loop's every crash has the
# same few paths (7 653 reports of a 15 MB compose log: 24 376 buckets, few paths).
@lru_cache(maxsize=4096)
def _signature(calls: tuple, created_by: tuple | None, elided: bool) -> str:
    parts = [_short(c) for c in calls]
    if elided:
        parts.append("…")
    if created_by is not None:
        parts.append("created by " + _short(created_by))
    return " ← ".join(parts) or "(no frames)"


def call_paths(report: Report, *, as_parsed: bool = False,
               let_go: bool = False) -> dict[tuple, list[Goroutine]]:
    """The report's goroutines by bucket key, in order of first appearance: its
    frames' (func, file, line), its creator's, whether its frames were elided,
    whether its stack was unavailable. Goroutines of one key have the same
    functions in the same files: origins.py works out their origins once.

    A goroutine whose frames the parser read as runs of whole frames is first
    told by what it read them from (Goroutine._read: their functions' names
    and their file lines' texts, strings whose hashes are kept, one per distinct
    text, so alike goroutines' keys compare by identity): a file line's
    text holds its file and line, so goroutines alike so are alike by key, and
    a dump's 228 000 frames cost no field read. Those found alike so (a path
    each, unless two call sites share a line) then take the key of their first.
    Only with `as_parsed`: the caller vouches that no frame changed since the
    parse (a renamed frame keeps its count, so nothing else could tell).

    `let_go`: each goroutine's Goroutine._read is let go as it is read (analysis
    needs it no more; a pass of its own over 20 000 goroutines cost 4-5 ms)."""
    read: dict[tuple, list[Goroutine]] = {}
    get = read.get
    call = _CALL  # C attrgetter: no Python frame per Frame
    for g in report.goroutines:
        frames = g.frames
        was = g._read if as_parsed else None
        if let_go:
            g._read = None
        cb = g.created_by
        made = call(cb.frame) if cb is not None else None
        if was is not None and len(was) == 2 * len(frames):
            key: tuple = (was, None, made, g.elided, g.unavailable)
        else:
            key = (tuple(map(call, frames)), made, g.elided, g.unavailable)
        members = get(key)
        if members is None:
            read[key] = [g]
        else:
            members.append(g)
    index: dict[tuple, list[Goroutine]] = {}
    joined: list[list[Goroutine]] = []
    for key, members in read.items():
        if len(key) == 5:  # (read from file lines: the key of its first)
            key = (tuple(map(call, members[0].frames)), *key[2:])
        alike = index.get(key)
        if alike is None:
            index[key] = members
        else:
            alike += members
            joined.append(alike)
    if joined:  # back in the report's order
        order = {id(g): i for i, g in enumerate(report.goroutines)}
        for members in joined:
            members.sort(key=lambda g: order[id(g)])
    return index


def bucket(report: Report, paths: dict[tuple, list[Goroutine]] | None = None) -> list[Bucket]:
    """The report's goroutines by call path, the most populated first (ties:
    first seen). `paths`: call_paths(report), when worked out already."""
    index = paths if paths is not None else call_paths(report)
    buckets = [_make(key, members) for key, members in index.items()]
    buckets.sort(key=lambda b: -b.count)  # stable: equal counts keep dump order
    return buckets


_STATE, _ID, _WAIT = attrgetter("state"), attrgetter("id"), attrgetter("wait_minutes")


def _make(key: tuple, members: list[Goroutine]) -> Bucket:
    states = list(dict.fromkeys(map(_STATE, members)))
    waits = [w for w in map(_WAIT, members) if w is not None]
    calls, created_by, elided, _ = key  # (the signature of members[0])
    return Bucket(
        signature=_signature(calls, created_by, elided),
        count=len(members),
        ids=list(map(_ID, members)),
        states=states,
        wait_minutes=(min(waits), max(waits)) if waits else None,
        goroutine=members[0],
    )
