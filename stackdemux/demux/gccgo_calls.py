"""gccgo's frame names in a line-interleaved log: call lines only where the log
proves gccgo printed them.

gccgo (libgo's printtrace) prints a frame as its function's name alone, then its
file line with no pc offset (traceback.lark's gccgo_frame_name). A bare name is any
log word, so it is no kind of line: the parser reads one only right before its file
line, and in a log of several processes interleaved line by line that file line is
often another process's line away. So the separator takes a bare name as a call
line when the log itself shows gccgo's output: libgo's own files (`…/libgo/go/…`),
or names directly followed by their file lines, with no offset, more than once.
Even then only a name that reads as a Go or C function (`_named`) is one: `ready`,
a word a program printed alone, and `go.etcd.io/bbolt`, a package `go build -v`
built, stay ordinary text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

from .. import rx
from ..grammar import MAX_LINE, line_grammar
from .evidence import Evidence

# Names followed at once by an offsetless file line, seen this often, prove gccgo.
PAIRS_PROVE = 2
def _named(text: str) -> bool:
    """A function: a `.` after the path's last `/` (`go.etcd.io/bbolt`, a package
    path alone as `go build -v` prints it, is none), or a C name with a `_`; or
    `panic` (libgo prints runtime.gopanic so, as gc does since Go 1.21). No `:`.
    (Read by hand: as one regex, a long dotted word took time quadratic in it.)"""
    if ":" in text:
        return False
    _, slash, last = text.rpartition("/")
    return "." in last or (not slash and "_" in text) or text == "panic"


def _name_regex() -> re.Pattern[str]:
    from ..parse import gccgo_lines

    return gccgo_lines()[0]


# Where a line may show gccgo (each confirmed by the grammar): a file of libgo's, or a
# name and an offsetless file line right after it (group 1, the newline before it
# left out). One C-speed search over the log. (the name's first `.` or `_` is where
# its class ends: one way to match a word, where `[^\s():]*[._]` backtracked over
# every dot of a long one.) Led by the newline before the line, not `^`: a pattern
# led by a literal is tried only where it stands, one led by `^` at every character
# of the log (12 MB of 8 services: 78 -> 20 ms).
_SIGNS = rx.compile(r"\n(\t[^\t\n]*/libgo/go/[^\n]*$"
                    r"|[^\s():._]*[._][^\s():]*\n\t[^\t\n]*:[0-9]+$)", re.M)


def _is_name(text: str, name: re.Pattern[str]) -> bool:
    return _named(text) and name.fullmatch(text) is not None


# Lines joined and searched at a time: the log's lines are not copied whole
# (a 12 MB log of 8 services: 24 MB of text beside its lines, at the peak).
SEARCHED_LINES = 1 << 12


def _signs(texts: Sequence[str]) -> Iterator[str]:
    """The texts of _SIGNS' matches in the lines joined (each led by a newline),
    SEARCHED_LINES lines at a time. A sign spans two lines at most; each piece
    after the first begins with the line before it, and a sign inside that line
    alone was found before. (A line that ends a sign, a file line, starts with a
    tab: it begins none.)

    Every sign ends in a tab-led line (libgo's file, or a name's file line), which
    a log of services holds few of: the pattern is tried only at those (found at
    memchr speed) and the line before each, as a search tries them in turn (12 MB
    of 8 services: 82 542 line starts tried, 23 ms; 1 009 tab-led lines, 5 ms)."""
    step = SEARCHED_LINES
    match = _SIGNS.match
    for a in range(0, len(texts), step):
        start = max(a - 1, 0)
        first = len(texts[start]) + 1 if a else -1
        text = "\n".join(["", *texts[start:a + step]])  # (one copy: no "\n" + … after)
        tab = text.find("\t")  # (a tab alone: memchr's; `\n\t` is tried at every newline)
        while tab >= 0:
            at = tab - 1  # the newline before a tab-led line
            if text[at] == "\n":
                before = text.rfind("\n", 0, at)
                # a name and its file line (the name's line is no tab-led line, so no
                # sign of its own began there); else the tab-led line's own, libgo's
                sign = (match(text, before) if before >= 0 and text[before + 1] != "\t"
                        else None) or match(text, at)
                if sign is not None and sign.end() > first:
                    yield sign.group(1)
            tab = text.find("\t", tab + 1)


def is_gccgo_log(texts: Sequence[str]) -> bool:
    """Whether the lines show gccgo's tracebacks (see the module's docstring)."""
    match = line_grammar().match
    offset = line_grammar().kinds["frame_file"].fields["offset"]
    name = _name_regex()
    pairs = 0
    for sign in _signs(texts):
        *before, file = sign.split("\n")
        m = match(file) if len(file) <= MAX_LINE else None
        if m is None or m.lastgroup != "frame_file" or m.group(offset) is not None:
            continue
        if not before:  # libgo's own file
            return True
        if _is_name(before[0], name) and match(before[0]) is None:
            pairs += 1
            if pairs >= PAIRS_PROVE:
                return True
    return False


def bare_calls(texts: Sequence[str]) -> Callable[[str], Evidence | None] | None:
    """What reads a line that is no traceback kind as gccgo's call line, in a log
    that proves gccgo printed it; None in any other log."""
    if not is_gccgo_log(texts):
        return None
    name = _name_regex()

    def read(text: str) -> Evidence | None:
        if len(text) > MAX_LINE or not _is_name(text, name):
            return None
        # (its file line prints no pc offset, as an inlined call's does in gc's)
        return Evidence("frame_call", func=text, inlined=True)

    return read
