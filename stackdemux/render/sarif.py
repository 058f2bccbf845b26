"""SARIF 2.1.0 (GitHub code scanning and other static-analysis viewers).

One rule per distinct group title, one result per group; `partialFingerprints`
carries our fingerprint so a viewer tracks the same crash across runs. The
location is the culprit frame, relative to the checkout (`%SRCROOT%`) when it
is in it, else the main module's first frame when that one is (that one first
where the culprit is a dependency's, as the GitHub
annotation points), else the culprit's build path as an absolute file URI; the
crashing goroutine's frames go in the result's `stacks` (SARIF's notion of a call
stack).
A group with no frame to point at is located at its report's first line in the log.

A plain-text SARIF message may embed links, `[text](target)` (SARIF 2.1.0
§3.11.6), which viewers make clickable: log text has its square brackets
escaped (`\\[`), as the standard asks of literal ones, so it links nowhere.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import orjson

from .. import rx
from ..model import Analysis, Frame
from .options import RenderOptions
from .paths import in_repo, outside_path
from .sanitize import clean, flat, inert_json
from .stack import access_header
from .view import (
    GroupView,
    Sighting,
    chain_steps,
    group_views,
    hint_facts,
    hint_lines,
    said_lines,
    sightings,
)

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/stackdemux/stackdemux"


_BRACKET = rx.compile(r"(?<!\\)(\\*)([\[\]])")  # from a run's start: linear


def _text(text: str) -> str:
    """Log text as a plain-text SARIF message: no embedded link can be made of it.
    A backslash before a bracket is escaped too, so that it cannot unescape ours."""
    return _BRACKET.sub(lambda m: m.group(1) * 2 + "\\" + m.group(2), text)


# GitHub code scanning shows a rule's short and full description beside each alert,
# up to 1024 characters each, and its help text; it lists all three as required.
_DESCRIPTION_MAX = 1024
_HELP_CRASH = ("A Go program crashed with this message. The result names the culprit "
               "frame, the call chain across modules and the crashing goroutine's stack, "
               "as stackdemux read them from the log; the log holds the whole traceback.")
_HELP_DUMP = ("A goroutine dump a Go program printed on purpose (pprof, runtime.Stack, "
              "a SIGQUIT): nothing crashed. The result names where its goroutine runs or "
              "waits, as stackdemux read it from the log.")


def _description(title: str) -> dict:
    """A rule's description: its title as a plain-text message, within GitHub's
    1024 characters once escaped (an escape doubles a bracket), never cut inside
    an escape."""
    text = _text(title)
    if len(text) > _DESCRIPTION_MAX:  # the longest head that fits (escaping only grows)
        low, high = 0, min(len(title), _DESCRIPTION_MAX)
        while low < high:
            mid = (low + high + 1) // 2
            low, high = (mid, high) if len(_text(title[:mid])) <= _DESCRIPTION_MAX else (
                low, mid - 1)
        text = _text(title[:low])
    return {"text": text}


def _rule_id(title: str) -> str:
    return "go-crash/" + hashlib.sha256(title.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _uri(path: str) -> str:
    return quote(clean(path, tabs=None))


_DRIVE = rx.compile(r"/?([A-Za-z]:)(?=/)")  # a Windows drive: `C:/Users/…`, as Go prints it


def _absolute(path: str) -> bool:
    return path.startswith("/") or _DRIVE.match(path) is not None


def _file_uri(path: str) -> str:
    """An absolute path (slashes) as a file URI, a drive's colon as written
    (`file:///C:/x.go`, RFC 8089's form and pathlib's `as_uri`): percent-encoded,
    `C%3A` is another URI, which viewers do not open as the drive's file."""
    drive = _DRIVE.match(path)
    if drive is not None:
        return "file:///" + drive.group(1) + _uri(path[drive.end():])
    return "file://" + _uri(path if path.startswith("/") else "/" + path)


def _location(frame: Frame | None, options: RenderOptions) -> dict | None:
    if frame is None or not frame.file:
        return None
    rel = in_repo(frame.file, options.repo_root)
    if rel is not None:
        artifact = {"uri": _uri(rel), "uriBaseId": "%SRCROOT%"}
    else:
        artifact = {"uri": _file_uri(outside_path(frame.file))}
    physical: dict = {"artifactLocation": artifact}
    if frame.line is not None and frame.line >= 1:
        physical["region"] = {"startLine": frame.line}
    if not frame.func:  # a caller list's frame names no function (callers.py)
        return {"physicalLocation": physical}
    return {
        "physicalLocation": physical,
        "logicalLocations": [{"fullyQualifiedName": clean(frame.func), "kind": "function"}],
    }


def _where(view: GroupView, analysis: Analysis, options: RenderOptions) -> dict:
    """The result's location, as the GitHub annotation's: the first of the culprit
    and the main module's first frame (that one first where the culprit is a
    dependency's: a crash inside a dependency is shown in the code that called it)
    whose file is in the checkout, else the culprit's build path, else the report's
    line in the log."""
    for frame in view.anchors:
        if frame is not None and in_repo(frame.file, options.repo_root) is not None:
            return _location(frame, options)  # type: ignore[return-value]
    culprit = view.culprit
    if culprit is not None and culprit.file != "??" and (culprit.line or 0) >= 1:
        return _location(culprit, options) or _log_location(view, analysis, options)
    # (a frame Go printed with no line table, `??`, names no file: GitHub wants a
    # file and a line, and the log has both)
    return _log_location(view, analysis, options)


def _log_location(view: GroupView | None, analysis: Analysis, options: RenderOptions,
                  source: str | None = None, at: int | None = None) -> dict:
    """Where the report is in the log, for a group with no frame to point at (a
    `--- FAIL` line, GOTRACEBACK=none, a report cut off): GitHub code scanning
    refuses a whole upload when one result has no location ("locationFromSarifResult:
    expected at least one location")."""
    report = view.report if view is not None else None
    name = source or (report.source if report is not None else None) or (
        analysis.sources[0] if analysis.sources else "log")
    path = outside_path(name)
    rel = in_repo(path, options.repo_root, min_components=1) if _absolute(path) else path
    if rel is not None:
        artifact = {"uri": _uri(rel)}
        if options.repo_root:
            artifact["uriBaseId"] = "%SRCROOT%"
    else:
        artifact = {"uri": _file_uri(path)}
    line = at if at is not None else (
        report.lines[0][0] if report is not None and report.lines else 1)
    return {"physicalLocation": {"artifactLocation": artifact, "region": {"startLine": line}}}


def _stack(view: GroupView, options: RenderOptions) -> list[dict]:
    """The crashing goroutine's stack, or each access of a race (its stacks are
    the accesses', each under the header the detector printed)."""
    race = view.race
    if race is not None:
        sections = [(access_header(a), a.frames) for a in race.accesses]
    else:
        g = view.goroutine
        if g is None:
            return []
        sections = [("runtime stack" if g.system else f"goroutine {g.id} [{clean(g.state)}]",
                     g.frames)]
    stacks = []
    for header, frames in sections:
        located = [loc for frame in frames[: options.max_frames]
                   if (loc := _location(frame, options)) is not None]
        if located:
            stacks.append({"message": {"text": _text(header.rstrip(":"))},
                           "frames": [{"location": loc} for loc in located]})
    return stacks


def _message(view: GroupView) -> str:
    """The title, then the culprit, chain and hints in the words of the other CI
    formats (view.ci_lines), the chain on one line."""
    lines = [clean(view.group.title)]
    lines.extend(clean(line) for line in said_lines(view))
    steps = chain_steps(view.group.chain)
    if steps:
        lines.append("chain: " + " → ".join(clean(s) for s in steps))
    for hint in view.group.hints:
        lines.extend(hint_lines(hint, hint_facts(view, hint)))
    return _text("\n".join(lines))


# A crash seen behind a prefix but not read (unread.py): one rule for all of them.
_UNREAD_RULE = "go-crash/unread"
_HELP_UNREAD = ("Go's `panic: ` or `fatal error: ` line and a goroutine's header below it "
                "stand in the log behind text that stackdemux does not read as a prefix, so "
                "no report was read from them. Read the log with --prefix REGEX naming that "
                "prefix (or without --no-demux).")


def _unread_rule() -> dict:
    return {
        "id": _UNREAD_RULE,
        "name": "GoCrashUnread",
        "shortDescription": {"text": "A Go crash was seen but not read"},
        "fullDescription": {"text": "A Go crash stands behind a prefix stackdemux does not read"},
        "defaultConfiguration": {"level": "warning"},
        "help": {"text": _text(_HELP_UNREAD)},
    }


def _unread_result(seen: Sighting, index: int, analysis: Analysis,
                   options: RenderOptions) -> dict:
    """A result, not a tool notification: GitHub code scanning shows results as
    alerts and keeps notifications out of sight. At the log's line, as a group
    with no frame is (_log_location: GitHub wants a location)."""
    location = _log_location(None, analysis, options, seen.source, seen.line)
    return {
        "ruleId": _UNREAD_RULE,
        "ruleIndex": index,
        "level": "warning",
        "message": {"text": _text(clean(seen.message))},
        "partialFingerprints": {"stackdemux/unread/v1": seen.fingerprint},
        "locations": [location],
    }


def _level(view: GroupView) -> str:
    return "error" if view.is_crash else "note"


def render_sarif(analysis: Analysis, options: RenderOptions) -> str:
    views = group_views(analysis)
    rules: dict[str, dict] = {}
    results = []
    for view in views:
        title = clean(view.group.title)
        rule_id = _rule_id(title)
        if rule_id not in rules:
            helps = [flat(f"{h.title}: {h.explanation} {h.remedy}") for h in view.group.hints]
            rules[rule_id] = {
                "id": rule_id,
                "name": "GoCrash",
                "shortDescription": _description(title),
                "fullDescription": _description(title),
                "defaultConfiguration": {"level": _level(view)},
                "help": {"text": _text("\n".join(helps)) if helps
                         else _HELP_CRASH if view.is_crash else _HELP_DUMP},
            }
        result: dict = {
            "ruleId": rule_id,
            "ruleIndex": list(rules).index(rule_id),
            "level": _level(view),
            "message": {"text": _message(view)},
            "partialFingerprints": {"stackdemux/v1": view.fingerprint},
            "properties": {
                "count": view.group.count,
                "kind": view.kind,
                "reports": view.group.reports,
            },
        }
        result["locations"] = [_where(view, analysis, options)]
        stacks = _stack(view, options)
        if stacks:
            result["stacks"] = stacks
        results.append(result)
    for seen in sightings(analysis):
        if _UNREAD_RULE not in rules:
            rules[_UNREAD_RULE] = _unread_rule()
        results.append(_unread_result(seen, list(rules).index(_UNREAD_RULE), analysis, options))
    run: dict = {
        "tool": {
            "driver": {
                "name": "stackdemux",
                "informationUri": INFO_URI,
                "rules": list(rules.values()),
            }
        },
        "results": results,
        "columnKind": "unicodeCodePoints",
    }
    if options.repo_root:
        root = options.repo_root.replace("\\", "/").rstrip("/") + "/"
        run["originalUriBaseIds"] = {
            "%SRCROOT%": {"uri": _file_uri(root)}
        }
    doc = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return inert_json(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode()) + "\n"
