"""A chain of panics whose values Go printed raw (before Go 1.23), read whole.

Go's printpanics (runtime/panic.c in 1.3, panic.go from 1.5 to 1.22) prints the
chain oldest first, each link as `panic: `, the value as it is, ` [recovered]`
when a deferred call recovered it, and a newline; the next link after a tab:

    panic: line1                  the opener
    line2                         the value's lines follow raw, its own empty
                                  and tab-led lines among them (Ginkgo's message)
     [recovered]                  alone when the value ended with a newline
    \tpanic: line1                the next link, its lines raw again
    line2
    <blank>                       the value's own final newline, if it ended with one
    <blank>                       Go's blank line, then the first goroutine
    goroutine 22 [running]:

Any text can be a raw value's line, so the chain counts only where it is what
Go prints: lines no traceback kind reads (a tab-led line between two of them,
an empty line alone between two of them), each link opened by `\tpanic: `,
and a blank line right before a goroutine header at its end (one more before
it: the value's final newline; a paste may have lost it). Where another
writer's line could stand as well, the chain holds it only where Go's own marks
vouch for a value running over lines: a link's lines before the next link end
with its annotation (a tool's line between `panic: first` and `\tpanic: second`
is no value's), and the last link's lines end with Go's blank line before the
first goroutine, as a lone panic's value does (the separator tells a tool's line
there by its shape, foreign_head.py). Every capture of Go 1.19, 1.21 and 1.22 of
a recovered multi-line value shows this (tests/data/raw_chain/), and of a nested
panic's or a chain of three's later values (tests/data/chain_value_lines/); Go
1.23 and later tab a value's later lines instead (parse.py reads those line by
line).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

# What Go prints after a value: on its last line, or alone when it ended with a newline.
ANNOTATIONS = (" [recovered]", " [recovered, repanicked]")
# Lines of a raw value looked ahead over, at most.
MAX_LINES = 200

_OPENERS = {"panic": "panic: ", "chained_panic": "\tpanic: "}


@dataclass(frozen=True, slots=True)
class RawChain:
    """The links of a raw chain, as (value, annotation), and the index of Go's blank
    line that ends it. `lines_only`: one link whose lines are all text no kind reads,
    as a reading line by line takes them."""

    links: tuple[tuple[str, str | None], ...]
    end: int
    lines_only: bool


def _link(text: str, opener: str) -> tuple[str, str | None]:
    value = text[len(opener):]
    for ann in ANNOTATIONS:
        if value.endswith(ann):
            return value[: -len(ann)], ann[2:-1]
    return value, None


def read_raw_chain(texts: Sequence[str], i: int,
                   kind: Callable[[int], str | None]) -> RawChain | None:
    """The raw chain that the `panic: ` line texts[i] opens, read as Go prints it
    (`kind(j)`: the line grammar's kind of texts[j]); None where its lines are not
    that (a value on one line, a log line after it, a paste that lost the blank)."""
    if kind(i) != "panic":
        return None

    def text_at(j: int) -> bool:  # (a line no kind reads, with text)
        return j < len(texts) and kind(j) is None and bool(texts[j])

    def tabbed_at(j: int) -> bool:
        # (a tab-led line of the value's own: text follows it, or its own empty
        # line and then text: Ginkgo's `\tdefer GinkgoRecover()`)
        return (j < len(texts) and kind(j) == "indented"
                and (text_at(j + 1) or (kind(j + 1) == "blank" and text_at(j + 2))))

    links: list[tuple[str, str | None]] = []
    value, ann = _link(texts[i], _OPENERS["panic"])
    lines: list[str] = [value]  # (the open link's lines)
    raw = False  # whether the open link ran onto a line no kind reads
    ran = False  # whether any link did
    lines_only = True
    stop = min(i + 1 + MAX_LINES, len(texts))
    j = i + 1
    while j < stop:
        t = texts[j]
        k = kind(j)
        if k == "chained_panic":
            if raw and ann is None:
                return None  # (lines before a link with no annotation after them)
            links.append(("\n".join(lines), ann))
            value, ann = _link(t, _OPENERS["chained_panic"])
            lines, raw, lines_only = [value], False, False
        elif ann is not None:
            return None  # (a recovered link is never the last: the next one follows)
        elif k == "blank":
            if j == i + 1 or not ran:
                return None  # (the value's own final newline, or no raw line: read line by line)
            for end in (j, j + 1):
                # (Go's blank line, after the last value's own final newline or not:
                # a paste may have lost that one)
                if end + 1 < len(texts) and kind(end + 1) == "goroutine_header":
                    links.append(("\n".join(lines), ann))
                    return RawChain(tuple(links), end, lines_only)
                if end + 1 >= len(texts) or kind(end + 1) != "blank":
                    break
            if not (raw and (text_at(j + 1) or tabbed_at(j + 1))):
                return None
            lines.append("")  # (the value's own empty line, more of it after)
            lines_only = False
        elif k is None:
            if t.endswith(ANNOTATIONS) and j + 1 < len(texts) and kind(j + 1) == "chained_panic":
                # (printed after the whole value: alone when it ended with a newline)
                t, ann = _link(t, "")
                lines_only = lines_only and bool(t)
            if t:
                lines.append(t)
                raw = ran = True
        elif raw and tabbed_at(j):
            lines.append(t)
            lines_only = False
        else:
            return None
        j += 1
    return None
