"""A goroutine as lines of text, each tagged with its role so a renderer can style it.

The layout is Go's own (function line, then its file line indented), so that a
reader recognises it and can paste it into other tools; paths are shortened
unless asked not to.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..model import Frame, Goroutine, Race, RaceAccess
from ..symbols import shown_func
from .options import RenderOptions
from .paths import short_path
from .sanitize import clean
from .view import GroupView, is_ours, is_runtime

# Roles: "header", "ours" (the program's code), "runtime", "other" (dependencies,
# stdlib), "file" (the line under a frame; `frame_role` says whose), "note".

# What follows a value the demultiplexer could not decide (Report.unsure):
# `goroutine 7? [running]:`, `main.go:44?`.
UNSURE = "?"


def _q(value: object, name: str, unsure: frozenset[str]) -> str:
    return f"{value}{UNSURE}" if name in unsure else f"{value}"


@dataclass(slots=True)
class StackLine:
    text: str
    role: str
    frame_role: str | None = None  # for "file" lines: the role of their frame
    culprit: bool = False


def goroutine_header(g: Goroutine) -> str:
    if g.system:
        return "runtime stack:"
    if is_caller_list(g):
        return "callers (file:line, no functions printed):"
    if is_headerless(g):
        # (the parser's goroutine 0 [unknown]: no such line is in the log)
        return "frames with no goroutine header:"
    unsure = g.unsure
    state = _q(g.state, "state", unsure)
    if g.wait_minutes is not None:
        state += f", {g.wait_minutes} minutes"
    if g.locked:
        state += ", locked to thread"
    labels = ""
    if g.labels:
        labels = " {" + ", ".join(f"{k}: {v}" for k, v in g.labels.items()) + "}"
    return clean(f"goroutine {_q(g.id, 'id', unsure)} [{state}]{labels}:")


def is_headerless(g: Goroutine) -> bool:
    """Frames the log printed with no `goroutine N [state]:` line above them (a
    paste begun inside a stack, Windows' exception dump): the parser holds them
    in a goroutine 0 of state `unknown`, which Go never prints."""
    return g.id == 0 and g.state == "unknown" and not g.system


def frame_role(frame: Frame) -> str:
    if is_ours(frame):
        return "ours"
    if is_runtime(frame):
        return "runtime"
    return "other"


def is_caller_list(g: Goroutine) -> bool:
    """A stack printed as file:line lines with no function (callers.py)."""
    return bool(g.frames) and not any(f.func for f in g.frames)


def frame_place(frame: Frame, options: RenderOptions) -> str:
    """A frame's file and line as the stacks show it: `…/vendor/x/y.go:12`,
    `k8s.io/klog/v2@v2.8.0/klog.go:1164` (its module's version), in full with
    --full-paths."""
    path = frame.file if options.full_paths else short_path(frame.file, frame, options.repo_root)
    unsure = frame.unsure
    if unsure:
        path = _q(path, "file", unsure)
    if frame.line is None:
        return path
    return f"{path}:{_q(frame.line, 'line', unsure)}" if unsure else f"{path}:{frame.line}"


def _frame_lines(
    frame: Frame, options: RenderOptions, role: str, culprit: bool, bare: bool = False
) -> Iterator[StackLine]:
    if not frame.func:  # a caller list's line: its file and line alone, as printed
        yield StackLine(clean(frame_place(frame, options) if frame.file else "?"), role,
                        culprit=culprit)
        return
    func = shown_func(frame.func)  # (its package path as imported: symbols.py)
    if frame.unsure:
        func = _q(func, "func", frame.unsure)
    if bare and frame.args is None:  # gccgo's frame: its name alone, as it printed it
        call = func
    elif options.verbose and frame.args is not None:
        call = f"{func}({_q(frame.args, 'args', frame.unsure)})"
    else:
        call = f"{func}({'...' if frame.args else ''})"
    yield StackLine(clean(call), role, culprit=culprit)
    if frame.cut and not frame.file:
        # (what the cut left of the path, where it left any: it says where the code lies)
        start = frame.file_start
        text = f"    {clean(start)}… (its file line cut)" if start else "    (its file line cut)"
        yield StackLine(text, "file", frame_role=role, culprit=culprit)
    elif frame.file:
        where = frame_place(frame, options)
        if frame.offset and options.verbose:
            where += f" +{frame.offset}"
        yield StackLine("    " + clean(where), "file", frame_role=role, culprit=culprit)


def stack_lines(
    g: Goroutine,
    options: RenderOptions,
    culprit: Frame | None = None,
    max_frames: int | None = None,
) -> list[StackLine]:
    """The goroutine's header, frames (crash site first, as Go prints) and `created by`."""
    limit = options.max_frames if max_frames is None else max_frames
    out = [StackLine(goroutine_header(g), "header")]
    if g.unavailable and g.stack_from_m is not None:
        out.append(StackLine(f"running on thread m={g.stack_from_m}: its stack as that "
                             "thread printed it", "note"))
    elif g.unavailable:
        # gccgo says so of a goroutine in a system call or cgo (`[syscall]`): `in C code`
        where = "in C code" if g.state.startswith("syscall") else "running on other thread"
        out.append(StackLine(f"goroutine {where}; stack unavailable", "note"))
    for i, frame in enumerate(g.frames):
        if i == limit:
            out.append(StackLine(f"… {len(g.frames) - limit} more frames", "note"))
            break
        if g.elided_at is not None and i == g.elided_at:
            out.append(StackLine(f"...{g.elided_count or '?'} frames elided...", "note"))
        out.extend(_frame_lines(frame, options, frame_role(frame), frame is culprit,
                                g.bare_names))
    if g.elided:
        out.append(StackLine("...additional frames elided...", "note"))
    if not g.frames and not g.unavailable and g.created_by is None:
        # (a header with nothing readable under it: cut, dropped or a hex dump)
        out.append(StackLine("no frames read", "note"))
    if g.created_by is not None:
        cb = g.created_by
        unsure = cb.frame.unsure
        by = f"created by {_q(shown_func(cb.frame.func), 'func', unsure)}"
        if cb.goroutine is not None:
            by += f" in goroutine {_q(cb.goroutine, 'goroutine', unsure)}"
        out.append(StackLine(clean(by), frame_role(cb.frame)))
        lines = list(_frame_lines(cb.frame, options, frame_role(cb.frame), False))
        out.extend(lines[1:])
    return out


def stack_text(g: Goroutine, options: RenderOptions, culprit: Frame | None = None) -> str:
    """Plain text of a stack (for JUnit bodies, Markdown and HTML blocks, GitHub logs)."""
    return "\n".join(ln.text for ln in stack_lines(g, options, culprit))


# What the race detector's `[failed to restore the stack]` says, in words.
STACK_LOST = "[failed to restore the stack]: the race detector no longer had this stack"


def access_header(access: RaceAccess) -> str:
    """An access of a data race as the race detector printed it: `Read at 0x… by
    goroutine 7:`, `Previous write at 0x… by main goroutine:` (no number: the
    model's None), `Read by goroutine 13:` (Go 1.1-1.2 printed no address)."""
    at = f" at {access.address}" if access.address else ""
    by = "main goroutine" if access.goroutine is None else f"goroutine {access.goroutine}"
    return clean(f"{access.operation}{at} by {by}:")


def race_lines(race: Race, options: RenderOptions, culprit: Frame | None = None) -> list[StackLine]:
    """A race report's stacks as the detector printed them: each access under its
    own header, then the goroutines' `created at` stacks, a blank line between.
    (Shown as one goroutine, the first access read `goroutine 0 [write]:` where
    the detector said `by main goroutine`, and the second access was not shown.)"""
    out: list[StackLine] = []
    sections = [(access_header(a), a.frames, a.stack_lost) for a in race.accesses]
    sections += [(clean(f"Goroutine {g.id} ({g.state}) created at:"), g.frames, False)
                 for g in race.creators]
    for header, frames, lost in sections:
        if out:
            out.append(StackLine("", "header"))
        out.append(StackLine(header, "header"))
        if lost:
            out.append(StackLine(STACK_LOST, "note"))
        elif not frames:  # lines not read
            out.append(StackLine("no frames read", "note"))
        for i, frame in enumerate(frames):
            if i == options.max_frames:
                out.append(StackLine(f"… {len(frames) - i} more frames", "note"))
                break
            out.extend(_frame_lines(frame, options, frame_role(frame), frame is culprit))
    return out


def shown_stack(view: GroupView, options: RenderOptions) -> list[StackLine]:
    """The stack a report shows for its group: the culprit's goroutine, or a
    race's accesses; none when the report holds no stack."""
    race = view.race
    if race is not None:
        return race_lines(race, options, view.culprit)
    g = view.goroutine
    return stack_lines(g, options, view.culprit) if g is not None else []
