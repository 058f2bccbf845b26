"""A log copied out of a terminal program's bordered panel (k9s's log view, a
pane drawn with box-drawing characters): each row is `│ `, the line's text
padded with spaces to the panel's width, then ` │`; a line longer than the
panel is cut at its width, the rest not shown (SREGym#506, a pod's log in k9s):

    │ panic: no reachable servers                                         │
    │ goroutine 1 [running]:                                              │
    │     /go/src/github.com/harlow/go-micro-services/vendor/github.com/rs/ │

The borders and the padding are the panel's, not the log's: a run of rows that
begin with the left border, most of them closed by the right one, loses both.
What the panel cut off is not in the paste and stays lost; a row it cut fills
the panel's width up to the border (` log. │`, where the others are padded),
and is said so (`Repaired.cut`): its line went on, so what it shows of a frame's
file line is no file and line (the lost tabs step gives such a row its tab back,
the parser reads it as a frame's file line cut: parse.CUT_FILE).
"""

from __future__ import annotations

from collections import Counter

Line = tuple[str, tuple[int, ...]]

_LEFT = "│"  # U+2502, box drawings light vertical
# Rows a run needs, and the share of them closed by the right border: a lone
# `│` at some line's start is a table's or a tree's (or terraform's rule down
# the left of a diagnostic, which has no right border), not a panel's.
_MIN_ROWS = 3
_CLOSED_SHARE = 0.6


def _closed(text: str) -> bool:
    """Whether the row ends with the right border, after the padding (a row the
    paste cut may lack it): `│` alone, or after a space."""
    end = text.rstrip(" ")
    return end == _LEFT or end.endswith(" " + _LEFT)


def _in_panel(text: str) -> bool:
    return text.startswith(_LEFT) or _closed(text)


def _unframed(text: str) -> str:
    """The row's text, without the borders and the padding. (Its left border may
    be gone already: the prefix layer reads `│ ` as terraform's rule.)"""
    inner = text
    if _closed(inner):
        inner = inner.rstrip(" ")[:-len(_LEFT)]
    if inner.startswith(_LEFT):
        inner = inner[len(_LEFT):]
        inner = inner[1:] if inner.startswith(" ") else inner
    return inner.rstrip(" ")


def _filled(text: str) -> bool:
    """Whether a closed row's text reaches the right border: no padding between
    them, so the panel may have cut the line there."""
    end = text.rstrip(" ")
    return len(end) > len(_LEFT) + 1 and end[-len(_LEFT) - 2] != " "


def panel_borders(items: list[Line], out_: object) -> tuple[list[Line], int]:
    """Each run of a panel's rows read as the lines it shows; the rows the panel
    cut at its width (_filled, in the run's one column) added to `out_.cut`
    (paste.Repaired's: their origins)."""
    out = list(items)
    changed = 0
    i = 0
    while i < len(out):
        if not _in_panel(out[i][0]):
            i += 1
            continue
        j = i
        while j < len(out) and _in_panel(out[j][0]):
            j += 1
        rows = out[i:j]
        widths = Counter(len(t) for t, _ in rows if _closed(t))
        # (the right borders of one panel stand in one column)
        same = max(widths.values(), default=0)
        if j - i >= _MIN_ROWS and same >= _MIN_ROWS and same >= _CLOSED_SHARE * (j - i):
            width = max(widths, key=lambda w: widths[w])
            cut = getattr(out_, "cut", None)
            if cut is not None:
                cut.extend(o for t, o in rows if len(t) == width and _closed(t) and _filled(t))
            out[i:j] = [(_unframed(t), o) for t, o in rows]
            changed += j - i
        i = j
    return out, changed
