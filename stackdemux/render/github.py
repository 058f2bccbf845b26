"""GitHub Actions workflow commands: one `::error` annotation per crash group (a
goroutine dump alone, printed on purpose, gets a `::notice`).

Safety: the runner acts on any stdout line that starts with `::`. Values in
our commands are escaped exactly as actions/toolkit's `command.ts` does, so a
value can never end its line or its property list; every piece of log text we
echo as plain lines sits between `::stop-commands::<token>` and `::<token>::`
with a random token the log cannot know, so the runner ignores commands in it.

Where an annotation points: the culprit frame when its file is in the
checked-out repository (see `paths.in_repo` for the mapping rule), else the
first frame of the main module when that one is, else no file at all; where the
culprit is a dependency's (vendored, the module cache's), the main module's frame
is tried first (GroupView.anchors).
"""

from __future__ import annotations

import secrets

from ..model import Analysis, Frame
from .failures import FailureView, failure_file, failure_views, said_by_failures
from .options import RenderOptions
from .paths import in_repo
from .sanitize import clean
from .text import render_text
from .view import (
    GroupView,
    Sighting,
    ci_lines,
    ci_views,
    group_views,
    reports_summary,
    sightings,
)


def escape_data(text: str) -> str:
    """toolkit `escapeData`: the message after `::`."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """toolkit `escapeProperty`: a `key=value` of the command's properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    props = ",".join(
        f"{k}={escape_property(str(v))}" for k, v in properties.items() if v is not None
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def _anchor(view: GroupView, repo_root: str | None) -> tuple[str | None, Frame | None]:
    for frame in view.anchors:
        if frame is not None:
            rel = in_repo(frame.file, repo_root)
            if rel is not None:
                return rel, frame
    return None, None


def _message(view: GroupView, analysis: Analysis) -> str:
    """The annotation body: where it happened, the culprit, the chain, the hints
    (plain, multi-line; JUnit's failure text says the same: view.ci_lines)."""
    return "\n".join(clean(ln) for ln in ci_lines(view, analysis))


def _failure(failure: FailureView, repo_root: str | None) -> str:
    """A failed test's `::error` at its test file's line (failures.py): its log as
    testing printed it, its test and package, where it is in the log, its id."""
    where = failure_file(failure, repo_root)
    lines = failure.ci_lines
    title = clean(f"{failure.title}: {failure.summary}")
    if len(title) > 200:
        title = title[:199] + "…"
    return command("error", "\n".join(clean(ln) for ln in lines),
                   file=clean(where[0]) if where else None,
                   line=where[1] if where else None, title=title)


def _annotated(views: list[GroupView], limit: int) -> tuple[list[GroupView], list[GroupView]]:
    """The groups annotated, in the report's order, and those left unsaid. GitHub
    shows at most `limit` (10) errors and as many notices per step, each kind
    counted on its own: a crash is an error, a goroutine dump a notice, so a dump
    never takes a crash's place (taken in turn, frequent dumps hid the crashes).
    When any group is left unsaid, one notice is kept to say how many."""
    crashes = [view for view in views if view.is_crash]
    dumps = [view for view in views if not view.is_crash]
    crashes_shown = crashes[:limit]
    over = len(crashes) > limit or len(dumps) > limit
    dumps_shown = dumps[: limit - 1 if over else limit]
    shown = {id(view) for view in (*crashes_shown, *dumps_shown)}
    return ([view for view in views if id(view) in shown],
            [view for view in views if id(view) not in shown])


def _unsaid(views: list[GroupView], limit: int, failures: int = 0) -> str:
    crashes = sum(view.is_crash for view in views)
    dumps = len(views) - crashes
    # (a crash: a group, or its reports of one id where they differ: ci_views)
    said = [f"{n} more {one if n == 1 else more}"
            for n, one, more in ((crashes, "crash", "crashes"),
                                 (failures, "failed test", "failed tests"),
                                 (dumps, "goroutine dump", "goroutine dumps")) if n]
    return (f"{' and '.join(said)} not annotated (GitHub shows at most {limit} errors and "
            f"{limit} notices per step); see the log below")


def _sighting(seen: Sighting) -> str:
    """A crash seen but not read: a warning (a step's annotations list it, where the
    group's text alone was folded away), with the log's line; no file, the log is
    no file of the checkout."""
    return command("warning", clean(f"{seen.source}, line {seen.line}: {seen.message}"),
                   title="stackdemux: a Go crash was seen but not read")


def render_github(analysis: Analysis, options: RenderOptions) -> str:
    token = options.stop_token or secrets.token_hex(16)
    views = group_views(analysis)
    # plain test failures: each failed test at its file's line, not its group (failures.py);
    # a crash under the id a bot files its reports by (ci_views)
    grouped = [view for view in ci_views(analysis) if not said_by_failures(view)]
    annotated, unsaid = _annotated(grouped, options.max_errors)
    failures = failure_views(analysis)
    # (errors: the crash groups first, then the failed tests, in the room they leave)
    room = max(options.max_errors - sum(view.is_crash for view in annotated), 0)
    failures_unsaid = max(len(failures) - room, 0)
    out: list[str] = []
    for view in annotated:
        path, frame = _anchor(view, options.repo_root)
        title = clean(view.group.title)
        if len(title) > 200:
            title = title[:199] + "…"
        out.append(
            command(
                "error" if view.is_crash else "notice",
                _message(view, analysis),
                file=clean(path) if path else None,  # (a path under the checkout: any text)
                line=frame.line if frame is not None else None,
                title=title,
            )
        )
    out.extend(_failure(f, options.repo_root) for f in failures[:room])
    if unsaid or failures_unsaid:
        out.append(command("notice", _unsaid(unsaid, options.max_errors, failures_unsaid),
                           title="stackdemux"))
    # The readable report, and each group's stack, as log text the runner must not act on.
    # (as the report inside says it: a goroutine dump printed on purpose is no crash)
    seen = sightings(analysis)
    out.extend(_sighting(s) for s in seen)
    out.append(command("group", f"stackdemux: {reports_summary(views)}" if views
                       else "stackdemux: no Go crash read, one seen" if seen
                       else "stackdemux: no Go crash"))
    out.append(f"::stop-commands::{token}")
    plain = RenderOptions(
        color=False,
        verbose=options.verbose,
        full_paths=options.full_paths,
        width=max(options.width, 120),
        repo_root=options.repo_root,
        max_frames=options.max_frames,
    )
    out.append(render_text(analysis, plain).rstrip("\n"))
    out.append(f"::{token}::")
    out.append("::endgroup::")
    return "\n".join(out) + "\n"
