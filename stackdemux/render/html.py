"""One self-contained HTML page: inline CSS, no script, no font or image fetched.

Every piece of log text goes through `html.escape` (quotes included); a
Content-Security-Policy forbids scripts and any network load, so even a bug
in escaping could not run code or call home. Stacks and goroutine buckets are
`<details>` elements: collapsible without JavaScript.
"""

from __future__ import annotations

import html

from ..model import Analysis, Frame
from ..symbols import shown_func
from .failures import FailureIndex, failed_at
from .options import RenderOptions
from .sanitize import clean, flat, inert_markup
from .stack import StackLine, frame_place, shown_stack, stack_lines
from .view import (
    GroupView,
    chain_steps,
    culprit_label,
    diagnostic_where,
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

_CSS = """
:root { color-scheme: light dark; --fg:#1f2328; --bg:#ffffff; --muted:#59636e; --line:#d1d9e0;
  --card:#f6f8fa; --ours:#9a6700; --ours-bg:#fff8c5; --bad:#cf222e; --ok:#1a7f37; }
@media (prefers-color-scheme: dark) { :root { --fg:#e6edf3; --bg:#0d1117; --muted:#9198a1;
  --line:#3d444d; --card:#151b23; --ours:#e3b341; --ours-bg:#3a2d00; --bad:#ff7b72;
  --ok:#3fb950; } }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
  background: var(--bg); margin: 0 auto; max-width: 70rem; padding: 1.5rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 0; overflow-wrap: anywhere; }
code, pre { font: 13px/1.45 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 1rem 0 1.5rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line);
  vertical-align: top; overflow-wrap: anywhere; }
td.n { text-align: right; white-space: nowrap; }
th { white-space: nowrap; }
td:last-child { min-width: 14rem; }
section { border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem;
  margin: 0 0 1.25rem; background: var(--bg); }
.count { float: right; font-weight: 600; color: var(--bad); margin-left: 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .75rem 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
ol.chain { margin: .25rem 0; padding-left: 1.4rem; }
ol.chain li::marker { color: var(--muted); }
.via { color: var(--muted); font-style: italic; }
.hint { border-left: 4px solid var(--ok); background: var(--card); padding: .5rem .9rem;
  margin: .75rem 0; border-radius: 0 6px 6px 0; }
.hint p { margin: .2rem 0; }
details { margin: .5rem 0; }
summary { cursor: pointer; color: var(--muted); }
pre { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .75rem;
  overflow-x: auto; margin: .4rem 0; }
.ours { color: var(--ours); font-weight: 600; }
.culprit { background: var(--ours-bg); }
.runtime, .note { color: var(--muted); opacity: .8; }
.header { color: var(--muted); }
.diag { color: var(--bad); }
footer { color: var(--muted); font-size: .85rem; margin-top: 2rem; }
"""

# No script, no network: style only from this document, images only inline.
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)


# Failed tests whose logs a group shows (the rest are counted), as the terminal's
_FAILED_TESTS = 10


def esc(text: str) -> str:
    return html.escape(clean(text), quote=True)


def _stack_html(lines: list[StackLine]) -> str:
    out = []
    for ln in lines:
        role = ln.frame_role if ln.role == "file" else ln.role
        classes = [role] if role in ("ours", "runtime", "note", "header") else []
        if ln.culprit:
            classes.append("culprit")
        text = esc(ln.text) if ln.role == "header" else "  " + esc(ln.text)
        out.append(f'<span class="{" ".join(classes)}">{text}</span>' if classes else text)
    return "<pre>" + "\n".join(out) + "</pre>"


def _message_item(message: str, count: int) -> str:
    """A message as an item of the list: code; a multi-line value (a Ginkgo
    failure, a wrapped error) in its lines, a `<pre>` under its count (in
    `<code>` its line breaks were spaces, or `\\n`)."""
    lines = value_lines(message)
    if len(lines) == 1:
        return f"<li><code>{esc(message)}</code> ×{count}</li>"
    return f"<li>×{count}<pre>" + "\n".join(esc(line) for line in lines) + "</pre></li>"


def _panic_item(panic: str) -> str:
    """A panic of the chain as an item: code; a value of several lines in its
    lines, a `<pre>` (as a message's)."""
    lines = value_lines(panic)
    if len(lines) == 1:
        return f"<li><code>{esc(panic)}</code></li>"
    return "<li><pre>" + "\n".join(esc(line) for line in lines) + "</pre></li>"


def _culprit_cell(view: GroupView, failures_of: FailureIndex) -> str:
    """The index's culprit column: the function; where nothing crashed, what the
    frame is first (`dumped by`, `waits in`: view.culprit_label); where a go test
    failed with no crash, the line its log says it failed at."""
    failed = failed_at(view, failures_of)
    if failed is not None:
        return f'<span class="muted">failed at</span> <code>{esc(failed)}</code>'
    culprit = view.culprit
    func = f"<code>{esc(short_func(culprit.func)) if culprit else ''}</code>"
    label = culprit_label(view)
    if culprit is None or label == "culprit":
        return func
    return f'<span class="muted">{label}</span> {func}'


def _frame(frame: Frame, options: RenderOptions) -> str:
    """`pkg.F` `…/file.go:12`, the place as the stack shows it (a module's version
    in it); a caller list's frame names no function (callers.py)."""
    func = f'<code class="ours">{esc(shown_func(frame.func))}</code>' if frame.func else ""
    place = f"<code>{esc(frame_place(frame, options))}</code>" if frame.file else ""
    return " ".join(filter(None, (func, place)))


def _group(n: int, view: GroupView, analysis: Analysis, options: RenderOptions,
           failures_of: FailureIndex) -> str:
    g = view.group
    parts = [
        f'<section id="group-{n}">',
        f'<span class="count">×{g.count}</span><h2>{n}. <code>{esc(g.title)}</code></h2>',
        "<dl>",
    ]
    where = where_summary(view, analysis)
    if where:
        parts.append(f"<dt>where</dt><dd>{esc(where)}</dd>")
    report = view.report
    parts.append(f"<dt>kind</dt><dd>{esc(view.kind)} · {esc(size_summary(report))}</dd>")
    threads = threads_summary(report)
    if threads:
        parts.append(f"<dt>threads</dt><dd>{esc(threads)}</dd>")
    for reason, c in view.incomplete[:2]:  # (as the terminal and Markdown say it)
        parts.append(f"<dt>partial</dt><dd>{c} of {len(view.reports)}: {esc(reason)}</dd>")
    unsure = unsure_said(view)
    if unsure:
        parts.append(f"<dt>unsure</dt><dd>{esc(unsure)}</dd>")
    tests = tests_said(view.reports)
    if tests:
        parts.append(f"<dt>{tests_label(view.reports)}</dt><dd><code>{esc(tests)}</code></dd>")
    ids = {r.id for r in view.reports}
    failures = failures_of.of(view)
    for failure in failures[:_FAILED_TESTS]:  # (each failed test's log, as testing printed it)
        log = ("<pre>" + "\n".join(esc(line) for line in failure.log_lines) + "</pre>"
               if failure.failed.log else "")
        parts.append(f"<dt>failed</dt><dd><code>{esc(failure.failed.test)}</code>{log}</dd>")
    if len(failures) > _FAILED_TESTS:
        parts.append(f"<dt>failed</dt><dd>… {len(failures) - _FAILED_TESTS} more</dd>")
    shown = view.shown_messages
    if shown:
        items = "".join(_message_item(m, c) for m, c in shown[:10])
        more = f"<li>… {len(shown) - 10} more messages</li>" if len(shown) > 10 else ""
        parts.append(f"<dt>messages</dt><dd><ul>{items}{more}</ul></dd>")
    signal = signal_said(report)
    if signal:
        parts.append(f"<dt>signal</dt><dd><code>{esc(signal)}</code></dd>")
    panics = panics_said(report)
    if panics:
        items = "".join(_panic_item(p) for p in panics)
        parts.append(f'<dt>panics</dt><dd><ol class="chain">{items}</ol></dd>')
    culprit = view.culprit
    if culprit is not None:
        parts.append(f"<dt>{culprit_label(view)}</dt><dd>{_frame(culprit, options)}</dd>")
    if g.main_frame is not None and g.main_frame is not culprit:
        parts.append(f"<dt>our code</dt><dd>{_frame(g.main_frame, options)}</dd>")
    steps = chain_steps(g.chain, named=True)
    if steps:
        items = "".join(f"<li><code>{esc(s)}</code></li>" for s in steps)
        parts.append(f'<dt>call chain</dt><dd><ol class="chain">{items}</ol></dd>')
    parts.append(f"<dt>fingerprint</dt><dd><code>{esc(view.fingerprint)}</code></dd></dl>")
    for hint in g.hints:
        parts.append(
            f'<div class="hint"><p><strong>{esc(hint.title)}</strong></p>'
            f"<p>{esc(flat(hint.explanation))}</p>"
            + (f"<p>→ {esc(flat(hint.remedy))}</p>" if hint.remedy else "")
            + "".join(f'<p class="muted">· {esc(d)}</p>' for d in hint_facts(view, hint)[:20])
            + "</div>"
        )
    shown = shown_stack(view, options)
    if shown:
        parts.append(
            f"<details open><summary>{esc(stack_title(view).capitalize())}</summary>"
            + _stack_html(shown)
            + "</details>"
        )
    others = [b for b in view.buckets if view.goroutine is None or view.goroutine.id not in b.ids]
    if others:
        parts.append(f"<details><summary>{other_goroutines(others)}</summary>")
        for b in others:
            states = ", ".join(dict.fromkeys(b.states))
            ids = ", ".join(map(str, b.ids[:20])) + (" …" if len(b.ids) > 20 else "")
            noun = "goroutine" if len(b.ids) == 1 else "goroutines"  # (as the text says)
            parts.append(
                f"<details><summary>{b.count}× [{esc(states)}] {noun} {esc(ids)}</summary>"
                + _stack_html(stack_lines(b.goroutine, options)[1:])
                + "</details>"
            )
        parts.append("</details>")
    parts.append("</section>")
    return "\n".join(parts)


def render_html(analysis: Analysis, options: RenderOptions) -> str:
    views = group_views(analysis)
    failures_of = FailureIndex(analysis)
    sources = ", ".join(analysis.sources) or "input"
    body = [
        f"<h1>stackdemux: {reports_summary(views)}</h1>",
        f'<p class="muted">{esc(sources)} · {analysis.total_lines} '
        f"line{'s' if analysis.total_lines != 1 else ''} · "
        f"{len(analysis.streams)} stream{'s' if len(analysis.streams) != 1 else ''}</p>",
    ]
    if views:
        rows = "".join(
            f'<tr><td class="n">{n}</td>'
            f'<td><a href="#group-{n}"><code>{esc(v.group.title)}</code></a></td>'
            f'<td class="n">{v.group.count}</td>'
            f"<td>{_culprit_cell(v, failures_of)}</td>"
            f"<td>{esc('; '.join(h.title for h in v.group.hints))}</td></tr>"
            for n, v in enumerate(views, 1)
        )
        body.append(  # (the hint's title: the answer, in the table, as Markdown's)
            "<table><thead><tr><th>#</th><th>crash</th><th>count</th><th>culprit</th>"
            "<th>hint</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>"
        )
    else:
        body.append(f"<p>{esc(no_crash(analysis))}</p>")
    body += [_group(n, v, analysis, options, failures_of) for n, v in enumerate(views, 1)]
    if analysis.diagnostics:
        items = "".join(
            f'<li class="diag">{esc(d.severity)}: {esc(d.message)}'
            + (f" ({esc(where)})" if (where := diagnostic_where(d, analysis)) else "") + "</li>"
            for d in analysis.diagnostics
        )
        body.append(f"<h2>Diagnostics</h2><ul>{items}</ul>")
    body.append("<footer>Generated by stackdemux.</footer>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>stackdemux report</title>\n"
        f"<style>{_CSS}</style></head>\n<body>\n"
        # (the body only: the style sheet's `:root` is no text, and is ours)
        + inert_markup("\n".join(body)) + "\n</body></html>\n"
    )
