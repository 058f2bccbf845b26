"""GitHub-flavoured Markdown for an issue comment or `$GITHUB_STEP_SUMMARY`.

Log text is never left to the Markdown parser: in prose it is HTML-escaped
with Markdown punctuation backslash-escaped and a zero-width space after `@`
and in `://` (no mention, no link or autolink, no image, no tag); in code it sits in a code span or
fence longer than any backtick run inside it. The whole stays under GitHub's
1 MiB step-summary limit: groups that would not fit are cut with a note.
"""

from __future__ import annotations

import html
import re

from .. import rx
from ..model import Analysis, Frame
from ..symbols import shown_func
from ..unread import UNREAD_CODE
from .failures import FailureIndex, failed_at
from .options import RenderOptions
from .sanitize import clean, flat, inert_lines, no_legacy_command
from .stack import frame_place, shown_stack, stack_text
from .view import (
    GroupView,
    chain_steps,
    culprit_label,
    diagnostic_where,
    frame_where,
    group_views,
    hint_facts,
    no_crash,
    other_goroutines,
    panics_said,
    reports_summary,
    short_func,
    signal_said,
    size_summary,
    stack_title,
    tests_label,
    tests_said,
    threads_summary,
    unsure_said,
    value_lines,
    where_summary,
)

_MD_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:")
# GitHub links `GH-123` to an issue (and `#123`, `owner/repo#123`: see prose)
_GH_REF = rx.compile(r"(?<![A-Za-z0-9])(GH-)(?=[0-9])", re.IGNORECASE)
_DETAILS = 8  # a hint's facts listed, as the terminal report lists them


def prose(text: str) -> str:
    """Log text as inert Markdown inline text (one line)."""
    # A zero-width space stops GitHub's bare-URL autolinks, which ignore backslashes.
    text = html.escape(clean(text), quote=False).replace("://", ":\u200b//")
    text = text.replace("www.", "www\u200b.")
    if "-" in text:
        text = _GH_REF.sub("\\1\u200b", text)
    out = []
    for ch in text:
        if ch == "#":  # an issue reference, `#123`, notifies that issue: never one
            out.append("\\#\u200b")
        elif ch in _MD_SPECIAL:
            out.append("\\" + ch)
        elif ch == "@":
            out.append("@\u200b")
        else:
            out.append(ch)
    return "".join(out)


def rule_prose(text: str) -> str:
    """A hint's prose (rules.toml's, or a team's --rules): its `code` spans stay
    code spans, each made by code(), and the rest is prose(). (Escaped, the
    backticks showed as `\\`bbolt check FILE\\``.) Backticks unpaired, or a run of
    them (`` ``x`` ``: two spans side by side read as one longer run): all prose."""
    parts = text.split("`")
    if len(parts) % 2 == 0 or "``" in text:
        return prose(text)
    return "".join(code(p) if i % 2 else prose(p) for i, p in enumerate(parts))


def _longest_run(text: str, char: str) -> int:
    best = run = 0
    for ch in text:
        run = run + 1 if ch == char else 0
        best = max(best, run)
    return best


def code(text: str, *, in_table: bool = False) -> str:
    """An inline code span that no backtick in `text` can close (and no CI runner
    printing the report obeys: code is shown as it is, so `##[` is escaped)."""
    text = no_legacy_command(clean(text))
    if in_table:
        text = text.replace("|", "\\|")  # GFM splits cells before parsing code spans
    ticks = "`" * (_longest_run(text, "`") + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fence(text: str, info: str = "") -> str:
    """A fenced block no line of `text` can close: its fence is longer than any
    backtick run. Its lines are inert to a CI runner printing the report."""
    text = inert_lines(clean(text, keep_newlines=True))
    ticks = "`" * max(3, _longest_run(text, "`") + 1)
    return f"{ticks}{info}\n{text}\n{ticks}"


def _table(views: list[GroupView], analysis: Analysis,
           failures_of: FailureIndex) -> list[str]:
    # (the hint's title in its own column: a step summary's reader sees the answer,
    # `Corrupted containers/image blob-info cache`, in the table, not below it)
    rows = ["| # | Crash | Count | Culprit | Hint | Where |", "|--:|---|--:|---|---|---|"]
    for n, view in enumerate(views, 1):
        culprit = view.culprit
        where = (code(frame_where(culprit), in_table=True)
                 if culprit is not None and culprit.file else "")
        # (a caller list's culprit names no function: callers.py)
        func = (code(short_func(culprit.func), in_table=True)
                if culprit is not None and culprit.func else "")
        label = culprit_label(view)
        said = f"*{label}*" if culprit is not None and label != "culprit" else ""
        # (nothing crashed: say what the frame is; the parts a culprit lacks, its
        # file or its function, leave no space behind: a cell was `| `f`  |`)
        cell = " ".join(part for part in (said, func, where) if part)
        failed = failed_at(view, failures_of)
        if failed is not None:  # (a failed test with no crash: where its log says it failed)
            cell = f"*failed at* {code(failed, in_table=True)}"
        cell = f" {cell} " if cell else " "
        title = view.group.title
        if len(title) > 200:
            title = title[:199] + "…"
        hints = "; ".join(prose(hint.title) for hint in view.group.hints)
        hints = f" {hints} " if hints else " "
        rows.append(
            f"| {n} | {code(title, in_table=True)} | {view.group.count} |{cell}"
            f"|{hints}| {prose(where_summary(view, analysis))} |"
        )
    return rows


def _message_item(message: str, count: int) -> list[str]:
    """A message as an item of the list: a code span; a multi-line value (a
    Ginkgo failure, a wrapped error) in its lines, as a fenced block under its
    count (a code span holds no line break: it showed them as `\\n`)."""
    lines = value_lines(message)
    if len(lines) == 1:
        return [f"- {code(message)} ×{count}"]
    block = fence("\n".join(lines)).split("\n")
    # (indented as the item's content, so that the block is the item's)
    return [f"- ×{count}", *(f"  {line}" if line else "" for line in block)]


def _panic_item(n: int, panic: str) -> list[str]:
    """A panic of the chain as an item of the numbered list: a code span; a value
    of several lines in its lines, a fenced block that is the item's content (as a
    message's: a code span showed its line breaks as `\\n`)."""
    lines = value_lines(panic)
    if len(lines) == 1:
        return [f"{n}. {code(panic)}"]
    marker = f"{n}. "
    block = fence("\n".join(lines)).split("\n")
    # (the block's first line on the marker's; the rest indented as its content)
    return [marker + block[0], *(" " * len(marker) + line if line else "" for line in block[1:])]


def _frame_words(frame: Frame, options: RenderOptions) -> list[str]:
    """`pkg.F` and `…/file.go:12` as code, the place as the stack shows it (a
    module's version in it); a caller list's frame names no function (callers.py)."""
    words = [code(shown_func(frame.func))] if frame.func else []
    return words + ([code(frame_place(frame, options))] if frame.file else [])


# Failed tests whose logs a group's section shows (the rest are counted)
_FAILED_TESTS = 10


def _section(n: int, view: GroupView, analysis: Analysis, options: RenderOptions,
             failures_of: FailureIndex) -> str:
    g = view.group
    out = [f"### {n}. {code(g.title)}", ""]
    where = where_summary(view, analysis)
    out.append(f"**{g.count}×** · {prose(view.kind)} · {prose(size_summary(view.report))}"
               + (f" · {prose(where)}" if where else ""))
    out.append("")
    threads = threads_summary(view.report)
    if threads:
        out.append(f"*{prose(threads)}*")
        out.append("")
    for reason, c in view.incomplete[:2]:
        out.append(f"*Partial: {c} of {len(view.reports)}: {prose(reason)}*")
        out.append("")
    unsure = unsure_said(view)
    if unsure:
        out.append(f"*Unsure: {prose(unsure)}*")
        out.append("")
    tests = tests_said(view.reports)
    if tests:
        out.append(f"**{tests_label(view.reports).capitalize()}:** {code(tests)}")
        out.append("")
    failures = failures_of.of(view)
    for failure in failures[:_FAILED_TESTS]:  # (each failed test's log, as testing printed it)
        out.append(f"**Failed:** {code(failure.failed.test)}")
        out.append("")
        if failure.failed.log:
            out.append(fence("\n".join(failure.log_lines)))
            out.append("")
    if len(failures) > _FAILED_TESTS:
        out.append(f"*… {len(failures) - _FAILED_TESTS} more failed tests*")
        out.append("")
    shown = view.shown_messages
    if shown:
        for msg, c in shown[:5]:
            out.extend(_message_item(msg, c))
        if len(shown) > 5:
            out.append(f"- … {len(shown) - 5} more messages")
        out.append("")
    signal = signal_said(view.report)
    if signal:
        out.append(f"**Signal:** {code(signal)}")
        out.append("")
    panics = panics_said(view.report)
    if panics:
        out.append("**Panics**, as Go printed them (the last one ended the program)")
        out.append("")
        for i, panic in enumerate(panics, 1):
            out.extend(_panic_item(i, panic))
        out.append("")
    frames = [(culprit_label(view).capitalize(), view.culprit)]
    if g.main_frame is not None and g.main_frame is not view.culprit:
        frames.append(("Our code", g.main_frame))
    said = [f"**{label}:** " + " at ".join(_frame_words(f, options))
            for label, f in frames if f is not None and (f.func or f.file)]
    for line in said:
        out += [line, ""]
    steps = chain_steps(g.chain, named=True)
    if steps:
        out.append("**Call chain**")
        out.append("")
        out.extend(f"{i}. {code(step)}" for i, step in enumerate(steps, 1))
        out.append("")
    for hint in g.hints:
        out.append(f"> **{prose(hint.title)}**: {rule_prose(flat(hint.explanation))}")
        if hint.remedy:
            out.append(">")
            out.append(f"> Remedy: {rule_prose(flat(hint.remedy))}")
        facts = hint_facts(view, hint)
        if facts:  # facts read from the log (its text: code spans)
            out.append(">")
            out.extend(f"> - {code(flat(d))}" for d in facts[:_DETAILS])
            if len(facts) > _DETAILS:
                out.append(f"> - … {len(facts) - _DETAILS} more")
        out.append("")
    shown = shown_stack(view, options)
    if shown:
        out += [
            f"<details><summary>{'Stacks' if view.race else 'Stack'} of "
            f"{stack_title(view)}</summary>",
            "",
            fence("\n".join(ln.text for ln in shown)),
            "",
            "</details>",
            "",
        ]
    others = [b for b in view.buckets if view.goroutine is None or view.goroutine.id not in b.ids]
    if others:
        out += [
            f"<details><summary>{other_goroutines(others)}</summary>",
            "",
        ]
        for b in others:
            states = ", ".join(dict.fromkeys(b.states))
            out.append(fence(f"{b.count}× [{states}]\n" + stack_text(b.goroutine, options)))
            out.append("")
        out += ["</details>", ""]
    out.append(f"<sub>fingerprint {code(view.fingerprint)}</sub>")
    out.append("")
    return "\n".join(out) + "\n"


def _diagnostics(analysis: Analysis) -> list[str]:
    return [f"- {_MARK.get(d.severity, '⚠️')} {prose(d.message)}"
            + (f" ({prose(where)})" if where else "")
            for d in analysis.diagnostics
            for where in (diagnostic_where(d, analysis),)]


_MARK = {"info": "ℹ️", "warning": "⚠️", "error": "❌"}  # (an info is no warning)
# What the collapsed diagnostics may take of the summary: the crash sections come
# first, and what is left of this is cut with a count.
_DIAGNOSTICS_BYTES = 64 * 1024


def _collapsed_diagnostics(analysis: Analysis) -> str:
    """How the log was read, after the crashes: in a <details> a reader opens
    when the answer above leaves a doubt. (They came between the table and the
    first crash: three `joined lines the collector cut` stood before the answer.)"""
    items = _diagnostics(analysis)
    if not items:
        return ""
    counts = [(sum(d.severity == severity for d in analysis.diagnostics), word)
              for severity, word in (("error", "error"), ("warning", "warning"),
                                     ("info", "note"))]
    said = ", ".join(f"{n} {word}{'s' if n != 1 else ''}" for n, word in counts if n)
    unread = sum(d.code == UNREAD_CODE for d in analysis.diagnostics)
    if unread:  # (a crash seen but not read is part of the answer: its count is shown)
        said += f" ({unread} of them a Go crash seen but not read)"
    kept, size = [], 0
    for item in items:
        size += len(item.encode("utf-8", "surrogatepass")) + 1
        if size > _DIAGNOSTICS_BYTES:
            kept.append(f"- … {len(items) - len(kept)} more")
            break
        kept.append(item)
    lines = [f"<details><summary>How the log was read: {said}</summary>", "", *kept, "",
             "</details>"]
    return "\n".join(lines) + "\n"


def render_markdown(analysis: Analysis, options: RenderOptions) -> str:
    views = group_views(analysis)
    head = ["## stackdemux", ""]
    if not views:
        # (its diagnostics too: a crash seen that could not be read, lines set aside)
        head += [no_crash(analysis), "", *_diagnostics(analysis)]
        return "\n".join(head).rstrip("\n") + "\n"
    head.append(reports_summary(views) + ".")
    head.append("")
    failures_of = FailureIndex(analysis)
    head += _table(views, analysis, failures_of)
    text = "\n".join(head) + "\n\n"
    # (the diagnostics follow the crashes; their room is kept, so that a summary
    # cut to fit still says how its log was read)
    diagnostics = _collapsed_diagnostics(analysis)
    budget = options.max_bytes - 512 - len(diagnostics.encode("utf-8", "surrogatepass"))
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > budget:  # even the table is too big: keep its head
        text = text.encode("utf-8", "surrogatepass")[:budget].decode("utf-8", "ignore")
        text = text[: text.rfind("\n") + 1]
        return text + "\n*Summary truncated to fit GitHub's 1 MiB limit.*\n\n" + diagnostics
    parts = [text]
    for n, view in enumerate(views, 1):
        section = _section(n, view, analysis, options, failures_of)
        cost = len(section.encode("utf-8", "surrogatepass"))
        if size + cost > budget:
            left = len(views) - n + 1
            parts.append(
                f"*{left} more group{'s' if left != 1 else ''} not shown: the summary "
                "would exceed GitHub's 1 MiB limit. Run stackdemux locally for all.*\n"
            )
            break
        parts.append(section)
        size += cost
    if diagnostics:
        parts.append(diagnostics)
    return "".join(parts)
