"""GitLab code quality report (a JSON array of Code Climate issues), one issue per crash group.

GitLab requires `location.path` relative to the repository; a culprit outside
the checkout keeps its build path (GitLab then lists the issue without a diff
link), and a group without any file points at its report's line in the input it
was read from.
"""

from __future__ import annotations

import orjson

from ..model import Analysis
from .options import RenderOptions
from .paths import in_repo, outside_path
from .sanitize import clean, flat, inert_json
from .view import GroupView, group_views

# Code Climate severities: info, minor, major, critical, blocker.
_SEVERITY = {
    "panic": "critical",
    "fatal error": "critical",
    "signal dump": "critical",
    "race": "major",
    "test failure": "major",
    "goroutine dump": "info",
}


def _where(view: GroupView, analysis: Analysis, options: RenderOptions) -> tuple[str, int]:
    for frame in (view.culprit, view.group.main_frame):
        if frame is not None:
            rel = in_repo(frame.file, options.repo_root)
            if rel is not None:
                return rel, frame.line or 1
    culprit = view.culprit
    if culprit is not None and culprit.file:
        return outside_path(culprit.file), culprit.line or 1
    report = view.report  # the input it was read from (not the first of several)
    name = (report.source if report is not None else None) or (
        analysis.sources[0] if analysis.sources else "log")
    line = report.lines[0][0] if report is not None and report.lines else 1
    return in_repo(name, options.repo_root, min_components=1) or outside_path(name), line


def render_codequality(analysis: Analysis, options: RenderOptions) -> str:
    issues = []
    for view in group_views(analysis):
        path, line = _where(view, analysis, options)
        description = clean(view.group.title)
        if view.group.count > 1:
            description += f" (×{view.group.count})"
        hints = "; ".join(flat(f"{h.title}: {h.remedy or h.explanation}") for h in view.group.hints)
        if hints:
            description += f" — {hints}"
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
    return inert_json(orjson.dumps(issues, option=orjson.OPT_INDENT_2).decode()) + "\n"
