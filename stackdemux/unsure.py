"""A stream's unsure values made its reports' (Stream.unsure -> Report.unsure).

The write decoder says which fields of which of a stream's lines another
reading of the log reads otherwise (demux/writes_decode.py); the parse makes
goroutines and frames of those lines. This tells, line by line in the
stream's order, which goroutine's header, frame or `created by` each line
became, and marks the fields there; and every marked line, of any kind (a
message, a `[signal ` line, a test's line: no goroutine's field holds them),
by the input lines its pieces stand on in the report that holds it
(Report.unsure_lines).
"""

from __future__ import annotations

from collections.abc import Sequence

from .grammar import line_grammar
from .model import Report, Stream, Unsure, spans_of

__all__ = ["mark_unsure"]

# The line kinds a goroutine is read from: the fields each can leave unsure,
# and the grammar field that tells which goroutine or frame a line became.
_FIELDS = {
    "goroutine_header": (("id", "state"), "goid"),
    "frame_call": (("func", "args"), "func"),
    "frame_file": (("file", "line"), "file"),
    "created_by": (("func", "goroutine"), "func"),
}
# Lines of the stream a report does not hold (noise) are passed over; the
# next goroutine line is looked for this far ahead.
_LOOKAHEAD = 64

_Slot = tuple[str, Report, int, "int | None", bool, str]


def _slots(reports: Sequence[Report]) -> list[_Slot]:
    """Every header, call, file and `created by` line the reports were read
    from, in their order: (kind, report, goroutine, frame, created_by, value)."""
    out: list[_Slot] = []
    for r in reports:
        for gi, g in enumerate(r.goroutines):
            out.append(("goroutine_header", r, gi, None, False, str(g.id)))
            for fi, f in enumerate(g.frames):
                out.append(("frame_call", r, gi, fi, False, f.func))
                if f.file is not None:
                    out.append(("frame_file", r, gi, fi, False, f.file))
            if g.created_by is not None:
                c = g.created_by.frame
                out.append(("created_by", r, gi, None, True, c.func))
                if c.file is not None:
                    out.append(("frame_file", r, gi, None, True, c.file))
    return out


def mark_unsure(stream: Stream, reports: Sequence[Report]) -> None:
    """Report.unsure of `reports` (parsed from `stream`) from Stream.unsure."""
    if not stream.unsure:
        return
    _mark_lines(stream, reports)
    slots = _slots(reports)
    grammar = line_grammar()
    j = 0
    for i, text in enumerate(stream.texts):
        m = grammar.match(text)
        kind = m.lastgroup if m is not None else None
        if kind not in _FIELDS:
            continue
        names, key = _FIELDS[kind]
        value = m.group(grammar.kinds[kind].fields[key])  # type: ignore[union-attr]
        at = next((k for k in range(j, min(len(slots), j + _LOOKAHEAD))
                   if slots[k][0] == kind and slots[k][5] == value), None)
        if at is None:
            continue
        j = at + 1
        got = stream.unsure.get(i)
        fields = tuple(f for f in names if got and f in got)
        if fields:
            _, r, gi, fi, created, _ = slots[at]
            r._unsure.append(Unsure(gi, fi, fields, created))
            g = r.goroutines[gi]
            where = (g.created_by.frame if created and g.created_by is not None  # type: ignore[union-attr]
                     else g if fi is None else g.frames[fi])
            where._unsure = where._unsure | frozenset(fields)


def _mark_lines(stream: Stream, reports: Sequence[Report]) -> None:
    """Report.unsure_lines: the input lines of each marked line of the stream,
    in the report whose lines hold the line's own number (a decoded stream's
    lines start on ascending input lines, each on one no other line of it
    starts on); a marked line no report holds (noise) marks none."""
    taken: dict[int, set[int]] = {}
    for i in stream.unsure:
        n = stream.numbers[i]
        k = next((k for k, r in enumerate(reports)
                  if any(a <= n <= b for a, b in r.lines)), None)
        if k is not None:
            taken.setdefault(k, set()).update(
                [m for m, _, _ in stream.pieces.get(i, ())] or [n])
    for k, lines in taken.items():
        reports[k]._unsure_lines = spans_of(sorted(lines))

