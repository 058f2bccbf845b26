"""One log line (prefix already stripped) → a Record, by the derived record grammar.

The per-line cost is one `fullmatch` of the formats' regex, then a `findall`
of the pair regex (logfmt) or one orjson parse (JSON): both in C, both linear.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import orjson

from .grammar import record_grammar
from .model import Record

_G = record_grammar()
_fullmatch = _G.line.fullmatch
_findall = _G.pair.findall
_KIND = {g: k for k, g in _G.kinds.items()}
_KF = _G.fields["klog"]
_SF = _G.fields["stdlog"]

# Lines longer than this are not read as records (kept as noise): no service
# writes a 1 MB log line on purpose, and it bounds the work per line.
MAX_RECORD = 256 * 1024

TIME_KEYS = ("time", "ts", "timestamp", "@timestamp", "t")
LEVEL_KEYS = ("level", "lvl", "severity", "@level")
MSG_KEYS = ("msg", "message", "@message")

LEVELS = {
    "trace": "trace", "debug": "debug", "dbug": "debug", "info": "info", "information": "info",
    "warn": "warn", "warning": "warn", "error": "error", "eror": "error", "err": "error",
    "dpanic": "dpanic", "panic": "panic", "fatal": "fatal", "crit": "fatal", "critical": "fatal",
    "i": "info", "w": "warn", "e": "error", "f": "fatal",
}


def parse_record(text: str, line: int, prefix: str | None = None) -> Record | None:
    """The record on a line, or None when the line is no record (traceback, free text)."""
    if len(text) > MAX_RECORD or not text:
        return None
    if text[0] != "{":
        # The common case first: pairs found by `findall` that cover the whole line,
        # one space apart, are a `logfmt` line (no other format's first word holds
        # `=`), so the line regex need not run over it again.
        pairs = _findall(text)
        if pairs and " ".join([p[0] for p in pairs]) == text:
            return _structured({k: (_unquote(q) if q else b) for _, k, q, b in pairs},
                               "logfmt", line, prefix)
    m = _fullmatch(text)
    if m is None:
        return None
    kind = m.lastgroup
    if kind == "logfmt":
        fields: dict[str, Any] = {
            k: (_unquote(q) if q else b) for _, k, q, b in _findall(text)}
        return _structured(fields, "logfmt", line, prefix)
    if kind == "json":
        try:
            obj = orjson.loads(text)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(obj, dict):
            return None
        return _structured(_flatten(obj), "json", line, prefix)
    if kind == "klog":
        return _klog(m, line, prefix)
    if kind == "stdlog":
        g = m.group
        msg = g(_SF["std_msg"]) or ""
        t = _time_or_none(f"{g(_SF['std_date']).replace('/', '-')}T{g(_SF['std_time'])}")
        fields = {"caller": f} if (f := g(_SF["std_file"])) else {}
        return Record(line, "stdlog", t, None, msg, fields, prefix)
    return None


def _structured(fields: dict[str, Any], fmt: str, line: int, prefix: str | None) -> Record:
    t = None
    for k in TIME_KEYS:
        if k in fields:
            t = to_time(fields.pop(k))
            break
    level = None
    for k in LEVEL_KEYS:
        if k in fields:
            v = fields.pop(k)
            level = LEVELS.get(str(v).lower(), str(v).lower())
            break
    msg = ""
    for k in MSG_KEYS:
        if k in fields:
            msg = str(fields.pop(k))
            break
    return Record(line, fmt, t, level, msg, fields, prefix)


def _klog(m, line: int, prefix: str | None) -> Record:
    g = m.group
    rest = g(_KF["klog_msg"]) or ""
    fields: dict[str, Any] = {"caller": f"{g(_KF['klog_file'])}:{g(_KF['klog_line'])}",
                              "thread": g(_KF["klog_thread"])}
    msg = rest
    # Structured klog (InfoS): `"message" key="value" ...` after the header.
    if rest.startswith('"'):
        end = _quoted_end(rest)
        if end:
            tail = rest[end:].lstrip(" ")
            tm = _fullmatch(tail) if tail else None
            if not tail or (tm is not None and tm.lastgroup == "logfmt"):
                msg = _unquote(rest[:end])
                if tail:
                    fields.update({k: (_unquote(q) if q else b) for _, k, q, b in _findall(tail)})
    mmdd, clock = g(_KF["klog_monthday"]), g(_KF["klog_time"])
    # klog prints no year: 1900 keeps times comparable within the log.
    t = _time_or_none(f"1900-{mmdd[:2]}-{mmdd[2:]}T{clock}")
    return Record(line, "klog", t, LEVELS[g(_KF["klog_severity"]).lower()], msg, fields, prefix)


def _quoted_end(s: str) -> int:
    """Length of the Go-quoted string at the start of s, 0 if it is not one."""
    i, n = 1, len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            return i + 1
        i += 1
    return 0


def _flatten(obj: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """slog groups and zap namespaces nest; their keys are read dotted, like logrus's."""
    out: dict[str, Any] = {}
    stack = [(prefix, obj)]
    while stack:
        pre, o = stack.pop()
        for k, v in o.items():
            name = f"{pre}{k}"
            if isinstance(v, dict):
                stack.append((name + ".", v))
            else:
                out[name] = v
    return out


# ------------------------------------------------------------- values ---

_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
            "\\": "\\", "'": "'", '"': '"'}


def _escape(m) -> str:
    e = m.group(0)[1:]
    if e[0] in "xuU":
        return chr(int(e[1:], 16)) if int(e[1:], 16) <= 0x10FFFF else "\ufffd"
    if e[0].isdigit():
        return chr(int(e, 8))
    return _ESCAPES[e]


def _unquote(q: str) -> str:
    """A Go-quoted value's text (strconv.Unquote for what strconv.Quote writes)."""
    inner = q[1:-1]
    if "\\" not in inner:
        return inner
    return _G.escape.sub(_escape, inner)


_EPOCH = datetime(1970, 1, 1)


def to_time(v: Any) -> datetime | None:
    """A record's time: RFC 3339 text or epoch seconds (zap's default). Naive, in UTC
    when a zone was given."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        if not math.isfinite(v):
            return None
        # Epoch seconds; zap with EpochMillis/NanosTimeEncoder writes bigger numbers.
        for scale in (1, 1e3, 1e6, 1e9):
            if abs(v) / scale < 1e11:
                try:
                    return _EPOCH + timedelta(seconds=v / scale)
                except OverflowError:
                    return None
        return None
    if isinstance(v, str):
        return _time_or_none(v)
    return None


def _time_or_none(s: str) -> datetime | None:
    m = _G.rfc3339.fullmatch(s)
    if m is None:
        return None
    # Normalise for fromisoformat on 3.10: `T`, at most 6 fraction digits, no `Z`.
    date, clock = s[:10], s[11:19]
    rest = s[19:]
    frac = ""
    if rest.startswith("."):
        j = 1
        while j < len(rest) and rest[j].isdigit():
            j += 1
        frac, rest = rest[1:j][:6].ljust(6, "0"), rest[j:]
    try:
        t = datetime.fromisoformat(f"{date}T{clock}{'.' + frac if frac else ''}")
    except ValueError:
        return None
    if rest and rest != "Z":
        sign = 1 if rest[0] == "+" else -1
        digits = rest[1:].replace(":", "")
        off = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4]))
        try:
            t = t - sign * off
        except OverflowError:
            return None
    return t


_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "μs": 1e-6,
          "ns": 1e-9}


def to_seconds(v: Any) -> float | None:
    """A duration field in seconds: Go's Duration.String() text; a JSON float is seconds
    (zap's default encoder), a JSON integer nanoseconds (slog's JSONHandler)."""
    if isinstance(v, bool):
        return None
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, int):
        return v / 1e9
    if not isinstance(v, str) or _G.go_duration.fullmatch(v) is None:
        return None
    sign = -1.0 if v.startswith("-") else 1.0
    total, num = 0.0, ""
    i, s = 0, v.lstrip("-")
    while i < len(s):
        c = s[i]
        if c.isdigit() or c == ".":
            num += c
            i += 1
            continue
        unit = s[i:i + 2] if s[i:i + 2] in _UNITS else c
        total += float(num) * _UNITS[unit]
        num = ""
        i += len(unit)
    return sign * total
