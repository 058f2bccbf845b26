"""The terminal report: one block per crash group, most frequent first.

Every line is built plain, wrapped to the width, and only then coloured, so
the colour codes never count against the 80 columns and never split.
"""

from __future__ import annotations

import textwrap

from ..model import Analysis, Bucket, Frame, Hint
from ..symbols import shown_func
from .failures import FailureIndex
from .options import RenderOptions
from .paths import fit_path, short_path
from .sanitize import cell_width, clean, inert_line
from .stack import StackLine, shown_stack, stack_lines
from .view import (
    GroupView,
    chain_steps,
    culprit_label,
    diagnostic_where,
    fuzz_inputs,
    group_views,
    hint_facts,
    no_crash,
    other_goroutines,
    panics_said,
    reports_summary,
    signal_said,
    size_summary,
    tests_label,
    tests_said,
    threads_summary,
    unsure_said,
    value_lines,
    where_summary,
)

# ANSI styles: SGR parameters only; no cursor movement ever leaves this module.
_STYLES = {
    "title": "1;31",
    "count": "1",
    "label": "2",
    "ours": "1;33",
    "runtime": "2",
    "other": "",
    "header": "36",
    "note": "2",
    "hint": "32",
    "warn": "33",
}

_GUTTER = 4  # columns of the label gutter: "   culprit  …"
_LABEL = 14
_FAILED_TESTS = 10  # failed tests whose logs a group shows (the rest are counted)


def _style(text: str, style: str, color: bool) -> str:
    code = _STYLES.get(style, "")
    return f"\x1b[{code}m{text}\x1b[0m" if color and code and text else text


def _break_at(text: str, width: int, floor: int = 0) -> int:
    """Where to cut `text` so its first piece fits `width` columns: at the last
    space after column `floor` (where the text's body starts), else at a separator
    if one is near."""
    cells, cut = 0, len(text)
    for i, ch in enumerate(text):
        cells += cell_width(ch)
        if cells > width:
            cut = i
            break
    else:
        return len(text)
    # A space as a word wrap takes it, however far back: a path is moved whole
    # to the next line rather than cut after its function.
    # (not after a bullet alone: `· ` or `▸ ` starts the body, it is no word)
    for j in range(cut + 1, floor + 1, -1):
        # (nor before a count, `lost tabs ×1`: it belongs to the words before it)
        if (text[j - 1] == " " and len(text[floor : j - 1].strip()) > 1
                and not text.startswith("×", j) and not _in_short_aside(text, j - 1, floor)):
            return j
    # Inside a name: after a path's `/`, or before a receiver's `(`, so that
    # `pkg.(*T).M` is cut as `pkg.` + `(*T).M`, never as `pkg.(` + `*T).M`.
    # (every cut leaves some of the body on the line: the rest gets shorter)
    for j in range(cut, max(cut - 30, floor), -1):
        if text[j - 1] == "/" or text[j] == "(":
            return j
    for j in range(cut, max(cut - 30, floor), -1):
        if text[j - 1] in ".,)":
            return j
    return max(cut, floor + 1)


def _in_short_aside(text: str, space: int, floor: int) -> bool:
    """Whether the space at `space` is inside a few words in parentheses, such as
    a chain step's `(new goroutine)`: cut there, `(new` ended one line and
    `goroutine)` began the next, read as two remarks."""
    opened = text.rfind("(", floor, space)
    if opened < 0 or space - opened > 16 or ")" in text[opened:space]:
        return False
    closed = text.find(")", space)
    return 0 < closed - opened <= 16 and "(" not in text[space:closed]


def wrap(text: str, width: int, indent: int, floor: int | None = None) -> list[str]:
    """Hard-wrap one line; continuation lines are indented by `indent` columns.
    `floor`: where the text's body starts (a label or indent before it is never
    a place to cut); by default, after its leading spaces."""
    if cell_width(text) <= width:
        return [inert_line(text)]
    if floor is None:
        floor = len(text) - len(text.lstrip(" "))
    pieces = []
    cut = _break_at(text, width, floor)
    pieces.append(inert_line(text[:cut].rstrip()))
    rest = text[cut:].lstrip()
    pad = " " * min(indent, width // 2)
    while rest:
        room = width - len(pad)
        cut = max(_break_at(pad + rest, room + len(pad), len(pad)) - len(pad), 1)
        word = rest[:cut].rstrip()
        if len(word) <= 3 and " " not in word and rest[cut:].strip():
            # a short word (`at`) fits with neither neighbour: it starts the next
            # piece's line rather than standing alone on one
            cut = max(_break_at(pad + rest, room + len(pad), len(pad) + len(word) + 1)
                      - len(pad), 1)
        pieces.append(inert_line(pad + rest[:cut].rstrip()))
        rest = rest[cut:].lstrip()
    return pieces


class _Writer:
    def __init__(self, options: RenderOptions):
        self.options = options
        self.width = max(options.width, 40)
        self.lines: list[str] = []

    def line(
        self, text: str = "", style: str = "", indent: int = 0, cont: int | None = None
    ) -> None:
        pad = " " * indent
        cont = indent + 4 if cont is None else cont
        for piece in wrap(pad + text, self.width, cont):
            self.lines.append(_style(piece, style, self.options.color) if style else piece)

    def field(self, label: str, text: str, style: str = "") -> None:
        """`   culprit    text`, wrapped under the text column."""
        head = " " * _GUTTER + label.ljust(_LABEL - _GUTTER - 1) + " "
        first = True
        for piece in wrap(head + text, self.width, _LABEL, floor=len(head)):
            # (a value's own empty line is an empty line, not the column's spaces)
            if first:
                body = piece[len(head) :]
                lab = _style(head.rstrip(), "label", self.options.color)
                self.lines.append(
                    lab
                    + (piece[len(head.rstrip()) : len(head)]
                       + _style(body, style, self.options.color) if body.strip() else "")
                )
                first = False
            else:
                self.lines.append(_style(piece, style, self.options.color)
                                  if piece.strip() else "")

    def prose(self, text: str, indent: int, style: str = "") -> None:
        """Reflow text: single newlines are soft (rules files wrap their prose), blank lines not."""
        for para in text.split("\n\n"):
            flat = " ".join(para.split())
            for piece in textwrap.wrap(
                flat, self.width - indent, break_long_words=True, break_on_hyphens=False
            ) or [""]:
                self.line(piece, style, indent)


def _frame_brief(frame: Frame, options: RenderOptions) -> str:
    if not frame.file and frame.func:  # (its file line was not printed: `partial` says so)
        return clean(shown_func(frame.func))
    path = frame.file or "?"
    if not options.full_paths:
        path = fit_path(short_path(path, frame, options.repo_root), 48)
    where = f"{path}:{frame.line}" if frame.line is not None else path
    return clean(f"{shown_func(frame.func)}  {where}" if frame.func else where)  # (callers.py)


def _stack(w: _Writer, lines: list[StackLine], indent: int) -> None:
    for ln in lines:
        style = ln.frame_role if ln.role == "file" else ln.role
        if ln.role == "ours" or (ln.role == "file" and ln.frame_role == "ours"):
            style = "ours"
        marker = "▸ " if ln.culprit and ln.role != "file" else "  "
        if ln.role == "header" and not ln.text:
            w.line()  # (between a race's sections)
        elif ln.role == "header":
            w.line(ln.text, "header", indent)
        else:
            w.line(marker + ln.text, style, indent, cont=indent + 8)


def _hint(w: _Writer, hint: Hint, facts: list[str]) -> None:
    w.field("hint", clean(hint.title), "hint")
    if hint.explanation:
        w.prose(clean(hint.explanation, keep_newlines=True), _LABEL)
    if hint.remedy:
        w.prose("→ " + clean(hint.remedy, keep_newlines=True), _LABEL, "hint")
    for detail in facts[:8]:
        w.line("· " + clean(detail), "", _LABEL)
    if len(facts) > 8:
        w.line(f"· … {len(facts) - 8} more", "note", _LABEL)


def _bucket_line(b: Bucket) -> str:
    states = ", ".join(dict.fromkeys(b.states))
    if b.wait_minutes:
        lo, hi = b.wait_minutes
        states += f", {lo}–{hi} minutes" if lo != hi else f", {lo} minutes"
    ids = ", ".join(map(str, b.ids[:6])) + (", …" if len(b.ids) > 6 else "")
    noun = "goroutine" if len(b.ids) == 1 else "goroutines"
    return clean(f"{b.count}× [{states}] {noun} {ids}")


# Characters of a title and of a message shown: a panic value can hold a whole
# HTTP body (a first line of 100 KB); the JSON output holds it whole.
_MAX_TITLE = 300
_MAX_MESSAGE = 2000


def _shown(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def _value_lines(message: str) -> list[str]:
    """A message in its lines (view.value_lines), each made safe alone."""
    return [clean(line) for line in value_lines(_shown(message.strip("\n"), _MAX_MESSAGE))]


def _group(w: _Writer, n: int, view: GroupView, analysis: Analysis,
           failures_of: FailureIndex) -> None:
    o = w.options
    g = view.group
    count = f"×{g.count}"
    title = _shown(clean(g.title), _MAX_TITLE)
    head = inert_line(f"{n}) {title}")
    room = w.width - len(count) - 1
    if cell_width(head) <= room:
        pad = " " * (room - cell_width(head) + 1)
        w.lines.append(_style(head, "title", o.color) + pad
                       + _style(count, "count", o.color))
    else:  # the count ends the title's last line, not a line of its own
        pieces = wrap(head, room, 3)
        for piece in pieces[:-1]:
            w.lines.append(_style(piece, "title", o.color))
        last = pieces[-1]
        pad = " " * (room - cell_width(last) + 1)
        w.lines.append(_style(last, "title", o.color) + pad + _style(count, "count", o.color))
    where = where_summary(view, analysis)
    if where:
        w.field("where", clean(where))
    report = view.report
    w.field("kind", f"{view.kind} · {size_summary(report)}")
    threads = threads_summary(report)
    if threads:
        w.field("threads", clean(threads), "note")
    for reason, c in view.incomplete[:2]:
        w.field("partial", f"{c} of {len(view.reports)}: {clean(reason)}", "note")
    unsure = unsure_said(view)
    if unsure:
        w.field("unsure", clean(unsure), "note")
    tests = tests_said(view.reports)
    if tests:
        w.field(tests_label(view.reports), clean(tests))
    for k, path in enumerate(fuzz_inputs(view.reports)[:3]):
        w.field("" if k else "input", clean(path))
    failures = failures_of.of(view)
    for failure in failures[:_FAILED_TESTS]:  # (each failed test's log, as testing printed it)
        w.field("failed", clean(failure.failed.test))
        for line in failure.log_lines:
            w.line(clean(line), indent=_LABEL, cont=_LABEL + 4)
    if len(failures) > _FAILED_TESTS:
        w.field("", f"… {len(failures) - _FAILED_TESTS} more failed tests", "note")
    messages = view.messages
    if len(g.title) > _MAX_TITLE:  # (the title is cut: its message is shown whole)
        shown = sorted(messages.items(), key=lambda kv: -kv[1])
    else:
        shown = view.shown_messages
    if shown:
        for msg, c in shown[:3]:
            count = f"  ×{c}" if len(messages) > 1 else ""
            for i, line in enumerate(_value_lines(msg)):
                w.field("" if i else "message", line + ("" if i else count))
        if len(messages) > 3:
            w.field("", f"… {len(messages) - 3} more messages", "note")
    signal = signal_said(report)
    if signal:
        w.field("signal", clean(signal))
    for i, panic in enumerate(panics_said(report)):
        # a value of several lines in its lines, under the arrow, as the message's
        lead = "→ " if i else ""
        for j, line in enumerate(_value_lines(panic)):
            w.field("" if i or j else "panics", (" " * len(lead) if j else lead) + line)
    culprit = view.culprit
    if culprit is not None:
        w.field(culprit_label(view), _frame_brief(culprit, o), "ours")
    if g.main_frame is not None and g.main_frame is not culprit:
        w.field("our code", _frame_brief(g.main_frame, o), "ours")
    steps = chain_steps(g.chain, named=True)
    if steps:
        for i, step in enumerate(steps):
            w.field("chain" if i == 0 else "", ("→ " if i else "") + clean(step))
    for hint in g.hints:
        _hint(w, hint, hint_facts(view, hint))
    goroutine = view.goroutine
    shown = shown_stack(view, o)
    if shown:
        w.line()
        _stack(w, shown, _GUTTER)
    others = [b for b in view.buckets if goroutine is None or goroutine.id not in b.ids]
    if others and o.verbose:
        for b in others:
            w.line()
            w.line(_bucket_line(b), "header", _GUTTER)
            _stack(w, stack_lines(b.goroutine, o)[1:], _GUTTER)
    elif others:
        w.line(f"+ {other_goroutines(others)} (-v shows them)", "note", _GUTTER)
    elif report is not None and len(report.goroutines) > 1 and o.verbose:
        for other in report.goroutines:
            if other is goroutine:
                continue
            w.line()
            _stack(w, stack_lines(other, o), _GUTTER)
    elif report is not None and len(report.goroutines) > 1:
        n = len(report.goroutines) - 1
        w.line(f"+ {n} other goroutine{'s' if n != 1 else ''} (-v shows them)", "note", _GUTTER)
    if report is not None and o.verbose:
        for t in report.threads:  # GOTRACEBACK=crash: the other threads' stacks
            for other in t.goroutines:
                w.line()
                w.line(f"thread m={'?' if t.m is None else t.m}", "header", _GUTTER)
                _stack(w, stack_lines(other, o), _GUTTER)


# Groups from which the report begins with one line each: the first screen then
# says what crashed, where a group's details would fill it with the first alone.
_INDEXED = 3
_INDEX_MAX = 20


def _fit(text: str, width: int) -> str:
    """`text` cut to `width` columns, an ellipsis ending it when cut."""
    if cell_width(text) <= width:
        return text
    cells = 0
    for i, ch in enumerate(text):
        cells += cell_width(ch)
        if cells > width - 1:
            return text[:i].rstrip() + "…"
    return text


def _index(w: _Writer, views: list[GroupView]) -> None:
    """`  2) ×3  panic: invalid page type: <N>: <N>`: each group in a line, as
    numbered below."""
    shown = views[:_INDEX_MAX]
    # (numbers and counts padded to the widest: the titles start in one column,
    # where ` 9)` and `10)`, `×3` and `×12` moved them)
    nw = len(str(len(shown)))
    cw = max(len(str(view.group.count)) for view in shown)
    for n, view in enumerate(shown, 1):
        head = f"  {n:>{nw}}) ×{view.group.count:<{cw}}  "
        title = _fit(clean(view.group.title), w.width - len(head))
        w.lines.append(inert_line(head + title))
    if len(views) > _INDEX_MAX:
        w.line(f"… {len(views) - _INDEX_MAX} more groups", "note", 2)


def render_text(analysis: Analysis, options: RenderOptions) -> str:
    w = _Writer(options)
    views = group_views(analysis)
    if not views:
        w.line(no_crash(analysis))
    else:
        w.line(reports_summary(views) + (":" if len(views) >= _INDEXED else ""), "count")
    if len(views) >= _INDEXED:
        _index(w, views)
    failures_of = FailureIndex(analysis)
    for n, view in enumerate(views, 1):
        w.line()
        _group(w, n, view, analysis, failures_of)
    for d in analysis.diagnostics:
        where = diagnostic_where(d, analysis)
        w.line()
        w.line(f"{d.severity}: {clean(d.message)}" + (f" ({clean(where)})" if where else ""),
               "warn")
    return "\n".join(w.lines) + "\n"
