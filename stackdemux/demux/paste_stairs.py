"""A traceback a terminal in raw mode printed as a staircase: a full-screen
program (k9s, any tcell/tview program) puts the terminal in raw mode, which also
stops it turning `\\n` into `\\r\\n`; when a goroutine other than the one that
restores the terminal panics, each line Go prints starts where the last one
ended, and a copy of the screen shows each line led by as many spaces as the
columns before it (derailed/k9s#1948):

      <pod>   <containers>   <logs>           panic: send on closed channel

                                                                           goroutine 273 [running]:
                                                                                                   github.com/…/dao.readLogs(…)
                                                              \\tgithub.com/…/dao/pod.go:393 +0x6d2

A line longer than what is left of the row wraps, so the next one starts at
its end less the terminal's width (the copy joins the wrapped rows back); a tab
goes to the next multiple of 8. The spaces are the terminal's, not the log's: a
run of lines each led by exactly the column where the line before it ended
loses them. The run's first line is where the cursor stood when Go began to
write: what stands before its opener there (`  <pod>   <containers>   <logs>`)
is what the program had drawn on that row, set apart from it.
"""

from __future__ import annotations

from functools import cache

Line = tuple[str, tuple[int, ...]]


@cache
def _kind():
    from .paste import kind  # (paste.py runs this step: imported once it is loaded)

    return kind


def kind(text: str) -> str | None:
    return _kind()(text)

# Kinds that open a report, which the run's first line may hold after the
# screen's text (what Go printed first)
_OPENERS = frozenset(("panic", "fatal_error"))
_TAB = 8
# A run is a staircase only when at least this many lines follow its first one,
# led by exactly the column where the line before ended (the wrapped ones
# besides), each a line of the traceback, one of them a goroutine's header.
_MIN_STEPS = 3
_MIN_EXACT = 2
# Narrower than any terminal a traceback is read in: a smaller width read from
# a wrap is no terminal's
_MIN_WIDTH = 40


def _end(start: int, text: str) -> int:
    """The column after `text` written from column `start` (a tab to the next stop)."""
    col = start
    for c in text:
        col = (col // _TAB + 1) * _TAB if c == "\t" else col + 1
    return col


def _lead(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _run(items: list[Line], first: int) -> tuple[list[int], int]:
    """The lines of the staircase whose first line is items[first] (the indices of
    the lines led by their column, blank ones not counted; none where it is no
    staircase), and the index where it stopped: no line before that starts one
    (each line's column is told by the one before it, so a run begun later
    reads the same lines, fewer of them: the search stays linear)."""
    width = 0  # the terminal's, once a wrapped line tells it
    end = _end(0, items[first][0])
    steps: list[int] = []
    exact = 0
    header = False
    k = first + 1
    while k < len(items):
        text = items[k][0]
        if not text:  # (a bare newline: down a row, the column kept)
            k += 1
            continue
        lead = _lead(text)
        if width and end >= width:
            end %= width
        if lead == end and lead > 0:
            exact += 1
        elif not width and 0 <= lead < end and end - lead >= max(_MIN_WIDTH, lead + 1):
            width = end - lead  # (the line before wrapped: this is the width)
        elif not (width and lead == end % width):
            break
        rest = text[lead:]
        shape = kind(rest)
        if shape is None:
            break
        header = header or shape == "goroutine_header"
        steps.append(k)
        end = _end(lead, rest)
        k += 1
    if len(steps) < _MIN_STEPS or exact < _MIN_EXACT or not header:
        return [], k
    return steps, k


def staircase(items: list[Line], _out: object) -> tuple[list[Line], int]:
    """Each staircase's lines without the columns before them, and its first
    line's opener set apart from the screen's text before it."""
    out = list(items)
    changed = 0
    i = 0
    while i < len(out):
        text = out[i][0]
        nxt = i + 1
        while nxt < len(out) and not out[nxt][0]:
            nxt += 1
        # (a staircase's second line stands right of where the first began)
        if not text or nxt >= len(out) or _lead(out[nxt][0]) == 0:
            i += 1
            continue
        steps, stop = _run(out, i)
        if not steps:
            i = max(i + 1, stop - 1)  # (the line it stopped at may begin one)
            continue
        for k in steps:
            t, o = out[k]
            out[k] = (t[_lead(t):], o)
        changed += len(steps)
        last = steps[-1]
        head = _opener_at(text)
        if head is not None:
            o = out[i][1]
            out[i:i + 1] = [(text[:head], o), (text[head:], o)]
            changed += 1
            last += 1
        i = last + 1
    return out, changed


def _opener_at(text: str) -> int | None:
    """Where in a staircase's first line Go's first line begins, after the
    screen's text (a space before it), or None: the line is Go's whole or holds
    no opener."""
    if kind(text) is not None:
        return None
    for word in ("panic: ", "fatal error: "):
        at = text.find(" " + word)
        while at >= 0:
            if kind(text[at + 1:]) in _OPENERS:
                return at + 1
            at = text.find(" " + word, at + 1)
    return None
