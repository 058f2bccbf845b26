"""The JSON contract, version 1: what other tools and scripts read.

Reports, goroutines and frames are dataclasses that orjson writes natively, at
C speed: on a 20 000-goroutine dump the stdlib's json.dumps of the same dicts
took 0.44 s, most of the run. Only the few objects whose JSON shape differs
from their Python shape go through `_default`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import orjson

from ..model import (
    INFERRED_FIELDS,
    UNSURE_FIELDS,
    Analysis,
    CreatedBy,
    Diagnostic,
    Frame,
    Group,
    LineSpans,
    Report,
)

CONTRACT_VERSION = 1


def _default(obj: Any) -> Any:
    if isinstance(obj, CreatedBy):
        f = obj.frame
        return {
            "func": f.func,
            "args": f.args,
            "file": f.file,
            "line": f.line,
            "offset": f.offset,
            "goroutine": obj.goroutine,
            "package": f.package,
            "module": f.module,
            "version": f.version,
            "origin": f.origin,
        }
    if isinstance(obj, LineSpans):  # a report's lines, kept as their numbers
        return obj.spans()
    raise TypeError(f"cannot serialise {type(obj).__name__}")


# orjson's pre-written JSON, inserted as it is (orjson 3.10+; None before)
_FRAGMENT = getattr(orjson, "Fragment", None)


def _hook(indent: bool) -> Callable[[Any], Any]:
    """`_default` for one document. A created_by's JSON is written once for its
    values, then inserted as written where they repeat: a dump's goroutines come
    from a few `go` statements (20 000 created_by, 35 distinct: the 20k dump's
    JSON 989 M -> 913 M instructions). Indented JSON is written as orjson
    indents it (a fragment is inserted unindented)."""
    if indent or _FRAGMENT is None:
        return _default
    written: dict[tuple, Any] = {}
    fragment, dumps = _FRAGMENT, orjson.dumps

    def hook(obj: Any) -> Any:
        if type(obj) is not CreatedBy:
            return _default(obj)
        f = obj.frame
        values = (f.func, f.args, f.file, f.line, f.offset, obj.goroutine, f.package,
                  f.module, f.version, f.origin)
        got = written.get(values)
        if got is None:
            got = written[values] = fragment(dumps(_default(obj)))
        return got

    return hook


def _with_unsure(r: Report) -> dict[str, Any]:
    """A report whose reading left values undecided (Report.unsure), as a dict:
    its goroutines, frames and created_by each name theirs in an `unsure`
    list of their own keys. Only such a report is written so (the others as
    orjson writes a dataclass: their JSON has no `unsure` key at all)."""
    doc: dict[str, Any] = orjson.loads(orjson.dumps(r, default=_default))
    for u in r.unsure:
        g = doc["goroutines"][u.goroutine]
        where = g["created_by"] if u.created_by else g if u.frame is None else g["frames"][u.frame]
        have = set(where.get("unsure", ())) | set(u.fields)
        where["unsure"] = [f for f in UNSURE_FIELDS if f in have]
    return doc


# The fields a frame's `cut` names, in this order (Frame.cut).
CUT_FIELDS = ("file", "line")


def _marked(r: Report) -> dict[str, Any]:
    """A report with unsure values (_with_unsure), unsure lines (Report.
    unsure_lines: `unsure_lines` after its `lines`) or cut values (Report.
    _cut_values: each frame whose file line was cut names its fields in a `cut`
    list), as a dict; the others are written as orjson writes a dataclass, with
    no such keys."""
    doc = _with_unsure(r) if r.unsure else orjson.loads(orjson.dumps(r, default=_default))
    if r.unsure_lines:
        doc = {k: v for key, value in doc.items() for k, v in (
            ((key, value), ("unsure_lines", [list(s) for s in r.unsure_lines]))
            if key == "lines" else ((key, value),))}
    if r._cut_values:
        stacks = [(r.goroutines, doc["goroutines"]), (r.system_stacks, doc["system_stacks"])]
        stacks += [(t.goroutines, d["goroutines"]) for t, d in zip(r.threads, doc["threads"],
                                                                   strict=True)]
        for gs, docs in stacks:
            for g, gd in zip(gs, docs, strict=True):
                for f, fd in zip(g.frames, gd["frames"], strict=True):
                    if f.cut:
                        _cut_keys(f, fd)
                c = g.created_by
                if c is not None and c.frame.cut:
                    _cut_keys(c.frame, gd["created_by"])
    return doc


def _cut_keys(f: Frame, fd: dict[str, Any]) -> None:
    """A cut frame's `cut`, and where its file was cut, `file_start` (what the cut
    left of the path) and `inferred` (its module, version, origin read without a
    whole file line), where there is any."""
    fd["cut"] = [k for k in CUT_FIELDS if k in f.cut]
    if f.file_start is not None:
        fd["file_start"] = f.file_start
    if f.inferred:
        fd["inferred"] = [k for k in INFERRED_FIELDS if k in f.inferred]


def _is_marked(r: Report) -> bool:
    return bool(r.unsure or r.unsure_lines or r._cut_values)


def _group(g: Group) -> dict[str, Any]:
    return {
        "id": g.id,
        "title": g.title,
        "count": g.count,
        "reports": g.reports,
        "representative": g.representative,
        "messages": g.messages,
        "streams": g.streams,
        "fingerprint": g.fingerprint,
        "similarity": g.similarity,
        "culprit": g.culprit,
        "main_frame": g.main_frame,
        "chain": g.chain,
        "hints": g.hints,
    }


def _diagnostic(d: Diagnostic, several: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {"message": d.message, "lines": d.lines, "severity": d.severity}
    if d.code is not None:  # (only the kinds a program tells apart have one)
        doc["code"] = d.code
        if d.subject is not None:
            doc["subject"] = d.subject
    if several and d.source is not None:
        doc["source"] = d.source  # the input its lines are about
    return doc


def to_document(analysis: Analysis) -> dict[str, Any]:
    """The contract as a dict of model objects (orjson writes the dataclasses).
    With one input the JSON is as it always was; with several, every span says
    which input it is about: a report's and a diagnostic's `source`, and for
    the noise `noise_sources` (the input of each span, in the same order)."""
    several = len(analysis.sources) > 1
    doc = {
        "stackdemux": CONTRACT_VERSION,
        "fingerprint_scheme": analysis.fingerprint_scheme,
        "sources": analysis.sources,
        "reports": [_marked(r) if _is_marked(r) else r for r in analysis.reports]
        if any(map(_is_marked, analysis.reports)) else analysis.reports,
        "streams": [
            {"id": s.id, "label": s.label, "lines": len(s.texts)}
            | ({"unplaced": True} if s.unplaced else {}) for s in analysis.streams
        ],
        "groups": [_group(g) for g in analysis.groups],
        "noise": analysis.noise,
        "diagnostics": [_diagnostic(d, several) for d in analysis.diagnostics],
    }
    if several and len(analysis.noise_sources) == len(analysis.noise):
        # a noise span stays [first, last] (the contract's type): the input each is
        # about is the same place of a list beside it, as its name (an Analysis
        # put together by hand, not by api.analyze_many, may not know them)
        doc["noise_sources"] = analysis.noise_sources
    return doc


def _inert(piece: bytes) -> bytes:
    """JSON that the GitHub Actions runner, printing it in a job, obeys in no
    line: its legacy command form `##[name]` (anywhere in a line) can only be in
    a string, where `##\\u005b` is the same value. (Pieces never cut a string.)
    A JSON without `#` is let through after a memchr (65 MB: 4 ms; a search
    for `##[` took 48)."""
    if b"#" not in piece or b"##[" not in piece:
        return piece
    return piece.replace(b"##[", b"##\\u005b")


def render_json_bytes(analysis: Analysis, *, indent: bool = False) -> bytes:
    option = orjson.OPT_INDENT_2 if indent else 0
    return _inert(orjson.dumps(to_document(analysis), default=_hook(indent), option=option))


# Reports written at once by iter_json_bytes: the document of a log that is all
# tracebacks is several times the log, and need not be held whole to be written.
REPORTS_AT_ONCE = 1000


def iter_json_bytes(analysis: Analysis, *, indent: bool = False,
                    batch: int = REPORTS_AT_ONCE) -> Iterator[bytes]:
    """The bytes of render_json_bytes, in pieces: its list of reports a batch
    at a time. Compact JSON has no whitespace, so the pieces of a list written
    apart and joined by commas are the bytes of the list written whole.
    Indented JSON is written whole (its depth would differ)."""
    if indent:
        yield render_json_bytes(analysis, indent=True)
        return
    dumps, default = orjson.dumps, _hook(indent)
    for i, (key, value) in enumerate(to_document(analysis).items()):
        yield (b"{" if i == 0 else b",") + dumps(key) + b":"
        if key != "reports" or len(value) <= batch:
            yield _inert(dumps(value, default=default))
            continue
        for at in range(0, len(value), batch):
            piece = _inert(dumps(value[at:at + batch], default=default))
            yield (b"[" if at == 0 else b",") + piece[1:-1]
        yield b"]"
    yield b"}"


def render_json(analysis: Analysis, options: object = None) -> str:
    indent = bool(getattr(options, "indent", False))
    return render_json_bytes(analysis, indent=indent).decode("utf-8") + "\n"
