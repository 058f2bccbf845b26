"""GitLab code quality report (a JSON array of Code Climate issues), one issue per crash group.

GitLab's format requires `location.path`, "the relative path to the file
containing the code quality violation" in the repository, and a line: an
issue without them fails the whole report. A build path outside the checkout
(the Go installation's, the module cache's, another machine's) is no such path:
GitLab links it to no file. So an issue points at the culprit when its file is
in the checkout, else at the main module's first frame when that one is (that
one first where the culprit is a dependency's: GroupView.anchors; as the GitHub
annotation and SARIF point), else at its report's first line in the
log it was read from (the job's own artifact); the culprit is then named in
the description, where GitLab shows it as text.
"""

from __future__ import annotations

import orjson

from ..model import Analysis, Frame
from .failures import FailureView, failure_file, failure_views, said_by_failures
from .options import RenderOptions
from .paths import in_repo, outside_path
from .sanitize import clean, flat, inert_json
from .view import (
    GroupView,
    ci_views,
    culprit_label,
    culprit_words,
    sightings,
    tests_label,
    tests_said,
)

# Code Climate severities: info, minor, major, critical, blocker.
_SEVERITY = {
    "panic": "critical",
    "fatal error": "critical",
    "signal dump": "critical",
    "race": "major",
    "test failure": "major",
    "goroutine dump": "info",
}


def _where(view: GroupView, analysis: Analysis,
           options: RenderOptions) -> tuple[str, int, Frame | None]:
    """The issue's path and line, and the frame they are of (None: the log's)."""
    for frame in view.anchors:
        if frame is not None:
            rel = in_repo(frame.file, options.repo_root)
            if rel is not None:
                return rel, frame.line or 1, frame
    report = view.report  # the input it was read from (not the first of several)
    name = (report.source if report is not None else None) or (
        analysis.sources[0] if analysis.sources else "log")
    line = report.lines[0][0] if report is not None and report.lines else 1
    return _log_path(name, options), line, None


def _log_path(name: str, options: RenderOptions) -> str:
    """A log's path as an issue's: relative to the checkout when it is in it."""
    return in_repo(name, options.repo_root, min_components=1) or outside_path(name)


def _description(view: GroupView, frame: Frame | None) -> str:
    """Title and count, why reports are partial, the culprit where the location is
    not its file, the hints."""
    description = clean(view.group.title)
    if view.group.count > 1:
        description += f" (×{view.group.count})"
    for reason, c in view.incomplete[:2]:  # (as every format says it)
        description += f"; partial: {c} of {len(view.reports)}: {flat(clean(reason))}"
    tests = tests_said(view.reports)
    if tests:
        description += f"; {tests_label(view.reports)}: {clean(tests)}"
    culprit = view.culprit
    if culprit is not None and frame is not culprit:
        description += f"; {culprit_label(view)}: {clean(culprit_words(culprit))}"
    # (a remedy is prose ending in its full stop: "damage.; Corrupted" read badly)
    hints = "; ".join(flat(f"{h.title}: {h.remedy or h.explanation}").rstrip(".")
                      for h in view.group.hints)
    if hints:
        description += f" — {hints}"
    return description


def _failure_issue(failure: FailureView, options: RenderOptions) -> dict:
    """A failed go test (failures.py) at its file's line in the checkout, else at its
    line in the log; its message and test in the description."""
    where = failure_file(failure, options.repo_root)
    path, line = where if where is not None else (
        _log_path(failure.report.source or "log", options), failure.log_line)
    description = clean(f"{failure.title}: {failure.summary}; {failure.tests_line}")
    return {
        "type": "issue",
        "check_name": "stackdemux/test-failure",
        "description": description,
        "categories": ["Bug Risk"],
        "fingerprint": failure.fingerprint,
        "severity": _SEVERITY["test failure"],
        "location": {"path": clean(path, tabs=None), "lines": {"begin": max(line, 1)}},
    }


def render_codequality(analysis: Analysis, options: RenderOptions) -> str:
    issues = []
    # plain test failures: an issue per failed test, not one for their group (failures.py)
    for view in (v for v in ci_views(analysis) if not said_by_failures(v)):
        path, line, frame = _where(view, analysis, options)
        description = _description(view, frame)
        issues.append(
            {
                "type": "issue",
                "check_name": "stackdemux/" + view.kind.replace(" ", "-"),
                "description": description,
                "categories": ["Bug Risk"],
                "fingerprint": view.fingerprint,
                "severity": _SEVERITY.get(view.kind, "major"),
                "location": {"path": clean(path, tabs=None), "lines": {"begin": max(line, 1)}},
            }
        )
    issues.extend(_failure_issue(f, options) for f in failure_views(analysis))
    for seen in sightings(analysis):  # (a crash seen, not read: at the log's line)
        issues.append(
            {
                "type": "issue",
                "check_name": "stackdemux/unread-crash",
                "description": clean(seen.message),
                "categories": ["Bug Risk"],
                "fingerprint": seen.fingerprint,
                "severity": "major",
                "location": {"path": clean(_log_path(seen.source, options), tabs=None),
                             "lines": {"begin": max(seen.line, 1)}},
            }
        )
    return inert_json(orjson.dumps(issues, option=orjson.OPT_INDENT_2).decode()) + "\n"
