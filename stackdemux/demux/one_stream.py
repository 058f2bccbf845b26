"""One process's traceback, proven so by the parser's reading of it.

A stream that is one Go process's crash or dump asks for no separation, but
proving it took two bulk searches over all of it: report openers and
goroutine ids (`needs_separation`), and another writer's lines among the
frames (foreign.py): ~60 ms of a 22 MB dump of 20 000 goroutines, which the
parse after them reads line by line anyway. Here the parse comes first, and
is kept on the stream for the parse stage (read once), and its reading is the
proof.

The parser's run loop reads a stack line (a goroutine header, a frame's call
or file line, `created by`, a blank line) only where one may stand; any other
line goes through `step`, as a line its report holds ("held": an opener, a
message, a trailer). So among stack lines a call line or `created by` is
followed by its file line only, a blank line by a blank line or a header, a
file line or a header by a frame, `created by`, a blank line or a header, and
a file line never follows a blank line or a header. No call line holds a space
before its `(`, so none is an opener but `SIG…(…)`, and only headers print a
goroutine id at a line's start. What the two searches look for (a second
opener, an id printed twice, a line no frame's is after a file line or a
header's `]:`, a blank line among frames, a race report, a line Go prints
none of after an opener) can then stand only at or beside a held line: held
lines are read alone, the lines around them are searched as the searches
search, and any hit (or a reading that is not one report, with no noise and
no diagnostic) sends the stream the usual way, its reading kept. Only a
stream whose first line is a report's opener or a goroutine header is read so
(a dump, a crash captured alone): a build log's would be disproved by its
noise, its parse moved ahead for nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Stream
from ..parse import read_and_keep_held

# Lines that are not blank searched on each side of a held line: a search's
# hit spans four lines at most (and the blank lines among them).
AROUND = 6


def reads_as_one(stream: Stream) -> bool:
    """True when the parser's reading of `stream` proves that the separation
    would keep it whole and set nothing aside: one report, every line of it,
    no goroutine id twice, no other writer's line among its frames."""
    from . import _anchor_regex
    from .foreign import _STARTS, _stray_blanks

    texts = stream.texts
    anchor = _anchor_regex()
    if not texts or anchor.match("\n" + texts[0]) is None:
        # (a report's first line first: a log that begins otherwise, a build's,
        # is not read here, where its noise would disprove it at the parse's cost)
        return False
    got = read_and_keep_held(stream)
    result, names = got.result, got.names
    if len(result.reports) != 1 or result.noise or result.diagnostics or names is None:
        return False
    if any(_sig_led(name) for name, func in names.items() if func is not None):
        return False  # (a call line that needs_separation would count as an opener)
    held = sorted(set(got.held))
    opener = None
    for i in held:
        m = anchor.match("\n" + texts[i])
        if m is None:
            continue
        if m.group(1) is not None or opener is not None or texts[i].startswith(_RACE):
            return False  # a header held, a second opener, a race report
        opener = i
    report = result.reports[0]
    ids = [g.id for g in report.goroutines]
    for thread in report.threads:
        ids += [g.id for g in thread.goroutines]
    if len(set(ids)) != len(ids):
        return False
    for a, b in _windows(texts, held):
        piece = ("\n" if a else "") + "\n".join(texts[a:b])
        if (any(s.search(piece) is not None for s in _STARTS)
                or next(_stray_blanks(piece, 0, len(piece)), None) is not None):
            return False
    return opener is None or not _foreign_head(stream, opener)


_RACE = "WARNING: DATA RACE"


def _sig_led(name: str) -> bool:
    """A call line led so matches the opener `SIG[A-Z0-9]+` (a signal dump)."""
    return name.startswith("SIG") and len(name) > 3 and (name[3].isdigit() or "A" <= name[3] <= "Z")


def _windows(texts: Sequence[str], held: list[int]) -> list[tuple[int, int]]:
    """[a, b) line ranges around the held lines (sorted), merged: AROUND lines
    that are not blank each side, and the blank lines among them."""
    n = len(texts)
    out: list[tuple[int, int]] = []
    for i in held:
        a, seen = i, 0
        while a > 0 and seen < AROUND:
            a -= 1
            seen += texts[a] != ""
        b, seen = i + 1, 0
        while b < n and seen < AROUND:
            seen += texts[b] != ""
            b += 1
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _foreign_head(stream: Stream, i: int) -> bool:
    """Whether the head after the opener texts[i] holds another writer's line, as
    foreign.py reads heads (foreign_head.heads, up to the opener's line)."""
    from .foreign_head import VERSION_REACH, heads

    texts = stream.texts
    if not texts[i].startswith(("panic: ", "fatal error: ")):
        return False  # (heads read only these)
    at = sum(map(len, texts[:i])) + i
    end = at + len(texts[i])
    # heads reads the openers before `end` and VERSION_REACH characters after each
    # at most: the lines up to there are joined, not the whole stream
    j, size, n = i + 1, end, len(texts)
    while j < n and size <= end + VERSION_REACH:
        size += 1 + len(texts[j])
        j += 1
    text = stream._joined if stream._joined is not None else "\n".join(texts[:j])
    return any(h.foreign for h in heads(text, texts, end))
