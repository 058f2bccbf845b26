"""Threads → terminal text, JSON, Markdown. Log text is an attacker's text: every value
goes through the house sanitiser (text, Markdown) or orjson (JSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from ..model import Report, Span
from ..render.markdown import code, fence, prose
from ..render.options import RenderOptions
from ..render.sanitize import clean, inert_line
from ..render.stack import stack_text
from .model import Record, Story, Thread, Threads

JSON_VERSION = 1


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    if abs(seconds) >= 1:
        return f"{seconds:.3f} s"
    return f"{seconds * 1000:.1f} ms"


def _when(t: datetime | None) -> str:
    return t.isoformat(timespec="microseconds") if t else "?"


def _spans(spans: list[Span], limit: int = 20) -> str:
    parts = [f"{a}" if a == b else f"{a}-{b}" for a, b in spans[:limit]]
    more = f" … ({len(spans) - limit} more runs)" if len(spans) > limit else ""
    return ", ".join(parts) + more


def _title(t: Thread) -> str:
    what = " ".join(x for x in (t.method, t.uri) if x) or "(no request line)"
    status = f" → {t.status}" if t.status is not None else ""
    return clean(f"{what}{status}")


def _header(r: Threads) -> list[str]:
    formats = ", ".join(f"{k} {v}" for k, v in sorted(r.formats.items()))
    key = f"{r.key} ({'detected' if r.key_detected else 'given'})" if r.key else "none found"
    out = [clean(f"{r.source}: {_count(r.total_lines, 'line')}, {_count(r.records, 'record')}"
                 f" ({formats or 'none'})"),
           clean(f"key: {key}; {_count(r.total_threads, 'thread')}, {len(r.threads)} shown"
                 + (f"; linked by {r.link}: {_count(len(r.stories), 'story', 'stories')}"
                    if r.link else "")),
           f"noise: {_count(r.noise_lines, 'line')}" + (f" ({_spans(r.noise)})" if r.noise else "")]
    out += [clean(f"{d.severity}: {d.message}") for d in r.diagnostics]
    return out


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one}" if n == 1 else f"{n} {many or one + 's'}"


def _panic_lines(p: Report) -> list[str]:
    out = [clean(f"panic: {p.message}") + (f"  (lines {_spans(p.lines, 4)})" if p.lines else "")]
    g = p.crashing
    if g is not None:
        for line in stack_text(g, RenderOptions()).splitlines()[:12]:
            out.append("    " + clean(line))
    return out


def _record_line(r: Record) -> str:
    off = f"+{_ms(r.offset)}" if r.offset is not None else "?"
    level = (r.level or "-")[:5]
    return clean(f"{off:>12}  {level:<5}  {r.msg}") + f"  [line {r.line}]"


def thread_text(t: Thread, story: str | None = None) -> list[str]:
    out = [f"{_title(t)}  {clean(t.key)}={clean(t.id)}"]
    out.append(f"  {_when(t.first)} .. {_when(t.last)}  ({_ms(t.duration)}), "
               f"{t.count} records, lines {t.first_line}-{t.last_line}"
               + (f", level {t.level}" if t.level else ""))
    if t.response_duration is not None:
        out.append(f"  response duration (logged): {_ms(t.response_duration)}")
    if t.slowest is not None:
        out.append(clean(f"  slowest: {t.slowest.msg}  {_ms(t.slowest_duration)}")
                   + f"  [line {t.slowest.line}]")
    if t.error:
        out.append(clean(f"  error: {t.error}") + f"  [line {t.error_line}]")
    if story:
        out.append(clean(f"  story: {story}"))
    for p in t.panics:
        out += ["  " + ln for ln in _panic_lines(p)]
    out += ["  " + _record_line(r) for r in t.records]
    return [inert_line(ln) for ln in out]  # (printed alone by --summary)


def _story_text(s: Story) -> list[str]:
    out = [clean(f"story {s.link}={', '.join(s.values)}: {len(s.threads)} threads")]
    for i, t in enumerate(s.threads):
        out.append(f"  {i + 1}. {_title(t)}  {clean(t.id)}  at {_when(t.first)}")
        if i < len(s.gaps):
            g = s.gaps[i]
            out.append(f"     then {_ms(g.start_to_start)} start to start, "
                       f"{_ms(g.end_to_start)} after it ended")
    return out


def render_text(r: Threads) -> str:
    out = _header(r)
    for t in r.threads:
        out += ["", *thread_text(t)]
    for s in r.stories:
        out += ["", *_story_text(s)]
    if r.panics:
        out += ["", "panics no thread claimed:"]
        for p in r.panics:
            out += ["  " + ln for ln in _panic_lines(p)]
    return "\n".join(map(inert_line, out)) + "\n"


# ------------------------------------------------------------------ JSON ---


def _record_doc(r: Record) -> dict[str, Any]:
    return {"line": r.line, "format": r.format, "time": r.time, "offset": r.offset,
            "level": r.level, "msg": r.msg, "fields": r.fields, "prefix": r.prefix}


def _panic_doc(p: Report) -> dict[str, Any]:
    g = p.crashing
    return {"id": p.id, "kind": p.kind.value, "message": p.message, "http_remote": p.http_remote,
            # (as spans [first, last], as `stackdemux -f json` writes them: a report's
            # lines may be a LineSpans, which orjson wrote as its repr, a string)
            "lines": [[a, b] for a, b in p.lines],
            "frames": [{"func": f.func, "file": f.file, "line": f.line} for f in g.frames]
            if g else []}


def thread_doc(t: Thread) -> dict[str, Any]:
    return {
        "key": t.key, "id": t.id, "method": t.method, "uri": t.uri, "status": t.status,
        "remote": t.remote, "first": t.first, "last": t.last, "duration": t.duration,
        "response_duration": t.response_duration, "first_line": t.first_line,
        "last_line": t.last_line, "count": t.count, "level": t.level, "failed": t.failed,
        "error": t.error, "error_line": t.error_line,
        "slowest": None if t.slowest is None else {
            "line": t.slowest.line, "msg": t.slowest.msg, "duration": t.slowest_duration,
            "offset": t.slowest.offset},
        "links": t.links, "story": t.story,
        "panics": [_panic_doc(p) for p in t.panics],
        "records": [_record_doc(r) for r in t.records],
    }


def _default(obj: Any) -> Any:
    if isinstance(obj, datetime):
        return obj.isoformat()
    return str(obj)  # a JSON value of a kind orjson cannot write stays readable


def to_document(r: Threads) -> dict[str, Any]:
    return {
        "version": JSON_VERSION, "source": r.source, "key": r.key, "key_detected": r.key_detected,
        "key_candidates": r.key_candidates, "link": r.link, "total_lines": r.total_lines,
        "records": r.records, "formats": r.formats, "total_threads": r.total_threads,
        "summary": r.summary,
        "threads": [thread_doc(t) for t in r.threads],
        "stories": [{"id": s.id, "link": s.link, "values": s.values,
                     "threads": [t.id for t in s.threads],
                     "gaps": [{"after": g.after, "before": g.before,
                               "start_to_start": g.start_to_start,
                               "end_to_start": g.end_to_start} for g in s.gaps]}
                    for s in r.stories],
        "panics": [_panic_doc(p) for p in r.panics],
        "noise": r.noise, "noise_lines": r.noise_lines,
        "diagnostics": [{"message": d.message, "severity": d.severity} for d in r.diagnostics],
    }


def render_json(r: Threads) -> str:
    return orjson.dumps(to_document(r), default=_default,
                        option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode() + "\n"


def thread_json_line(t: Thread) -> str:
    """One thread as a JSON line (the streamed summary output)."""
    return orjson.dumps(thread_doc(t), default=_default, option=orjson.OPT_NON_STR_KEYS).decode()


# -------------------------------------------------------------- Markdown ---


def render_markdown(r: Threads) -> str:
    out = [f"# Threads of {code(r.source)}", ""]
    out += [prose(line) for line in _header(r)]
    for t in r.threads:
        out += ["", f"## {prose(_title(t))}", ""]
        out.append(f"- {code(t.key)} = {code(t.id)}; {t.count} records, lines "
                   f"{t.first_line}–{t.last_line}; {_ms(t.duration)} "
                   f"({prose(_when(t.first))} → {prose(_when(t.last))})")
        if t.slowest is not None:
            out.append(f"- slowest step: {code(t.slowest.msg)} {_ms(t.slowest_duration)} "
                       f"(line {t.slowest.line})")
        if t.error:
            out.append(f"- error: {code(t.error)} (line {t.error_line})")
        for p in t.panics:
            out += ["", fence("\n".join(_panic_lines(p)))]
        if t.records:
            out += ["", fence("\n".join(_record_line(x) for x in t.records))]
    for s in r.stories:
        out += ["", f"## Story {code(s.link)} = {code(', '.join(s.values))}", ""]
        for i, t in enumerate(s.threads):
            out.append(f"{i + 1}. {prose(_title(t))} at {prose(_when(t.first))}")
            if i < len(s.gaps):
                g = s.gaps[i]
                out.append(f"   - next starts {_ms(g.start_to_start)} later "
                           f"({_ms(g.end_to_start)} after this one ended)")
    if r.panics:
        out += ["", "## Panics no thread claimed", ""]
        out += [fence("\n".join(_panic_lines(p))) for p in r.panics]
    return "\n".join(out) + "\n"
