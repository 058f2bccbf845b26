"""A Go crash behind a prefix that no style reads: said, not left as noise alone.

A log whose every line begins with something stackdemux knows no style of
reads as no traceback at all, and the report said `No Go crash … found`: wrong,
a person sees the panic. (Buildkite's web log bar, `  | `, and a container's
name before each line were two such, till the prefix styles learnt them; a log
read with --no-demux, which strips no prefix, is another.) Where such a log
holds Go's opener (`panic: `, `fatal error: `) after other text, and a
goroutine's header a few lines below it at the same column (Go prints the
opener, its value, a blank line, then the header), a crash stands there that
was not read: a warning says where and what, and how to read it (--prefix,
or without --no-demux). Both lines are the grammar's kinds once the text
before them is set aside, so a log line that mentions a panic (`recovered from
panic: x`) never counts: no goroutine header follows it.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import rx
from .model import Diagnostic

# What every such diagnostic's message begins with.
UNREAD = "a Go crash stands behind a prefix that stackdemux does not read"
# Its Diagnostic.code, what a program tells it by (the CLI's exit code, the CI
# formats' warnings and their fingerprints), whatever the message says.
UNREAD_CODE = "unread-crash"
_OPENER = rx.compile(r"panic: |fatal error: ")
_OPENERS = ("panic", "fatal_error")
# Lines looked at below an opener for its goroutine's header: the value, a
# signal line, the blank line, a fatal error's `runtime stack:` head.
HEADER_REACH = 8
# Sightings said, at most (one warning each); the rest are counted in the last.
SAID = 3


def unread_crashes(texts: Sequence[str], demux: bool = True) -> list[Diagnostic]:
    """A warning for each opener at a column past 0 with a goroutine header
    below it at that column (`texts`: a log's lines, line 1 first; `demux`:
    whether prefixes were looked for, which --no-demux turns off)."""
    from .grammar import MAX_LINE, line_grammar

    match = line_grammar().match
    sightings: list[tuple[int, int, str, str]] = []
    for i, text in enumerate(texts):
        if ("panic: " not in text and "fatal error: " not in text) or len(text) > MAX_LINE:
            continue
        m = _OPENER.search(text)
        if m is None or m.start() == 0:  # (at a line's start: the parser's)
            continue
        at = m.start()
        below = [j for j in range(i + 1, min(i + 1 + HEADER_REACH, len(texts)))
                 if texts[j].startswith("goroutine ", at)]
        if not below:  # (the common case, a log line that mentions a panic: no grammar run)
            continue
        opener = match(text[at:])
        if opener is None or opener.lastgroup not in _OPENERS:
            continue
        for j in below:
            header = match(texts[j][at:])
            if header is not None and header.lastgroup == "goroutine_header":
                sightings.append((i, j, text[:at], text[at:]))
                break
    out = []
    for n, (i, j, prefix, opener_text) in enumerate(sightings[:SAID]):
        more = len(sightings) - SAID if n == SAID - 1 and len(sightings) > SAID else 0
        out.append(Diagnostic(
            f"{UNREAD}: `{opener_text}` and its goroutine's header below it, each after "
            f"{prefix!r}; no report was read from them ("
            + ("--prefix REGEX, with a group `key`, names such a prefix)" if demux else
               "--no-demux strips no prefix: read the log without it)")
            + (f"; {more} more such crashes" if more else ""),
            [(i + 1, i + 1), (j + 1, j + 1)], code=UNREAD_CODE, subject=opener_text))
    return out
