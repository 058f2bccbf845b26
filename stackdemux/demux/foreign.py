"""One process's traceback with another writer's lines between its frames.

A Go program crashes while a build tool, a test runner or a chatty service
writes to the same log, whole line by whole line: one report opener and no
goroutine id twice, so nothing asks for separation, and the parser would end a
goroutine at every foreign line. A bulk search finds a line that is no
traceback line standing inside a goroutine (`_apart`, tried only where a
bulk search of two line starts says it can match: `_STARTS`), and two more a
blank line among its frames (`_stray_blanks`); the traceback
region around each such line, and only it, goes to the separator, which keeps
the process's one stream and sets the other lines aside as noise; in a dump
longer than _SPAN lines, the goroutines around the lines only.

The search is proportional to the traceback's span, not the log's: in a big
log only windows around frame file lines and goroutine headers are searched
(a 100 MB CI log holds a crash somewhere; its build lines are never read).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence

from .. import rx
from ..model import Diagnostic, Stream
from .foreign_head import Head

# A log up to this many characters is searched whole; a bigger one only around
# its anchors (one search of a small log is cheaper than finding its anchors),
# and only WINDOWS_SEARCHED characters of windows: their anchors are read at
# ~80 MB/s in a dense dump (every other line is one; `_STARTS` alone read it at
# ~350 MB/s, the 21 MB of 20k goroutines in 60 ms, and their heads' openers 25 ms
# more, where the whole demultiplexing takes 0.15 s); a build log's windows are
# a traceback's KBs.
WHOLE_SEARCHED = 1 << 20
WINDOWS_SEARCHED = 1 << 20
# A call line as Go prints one (`pkg.(*T).Method(0x1, ...)`: no space before
# its first parenthesis; a race report's frames are indented), and as gccgo
# prints one: the name alone (only in a log that proves gccgo's, gccgo_calls.py).
_CALL = r"[^\s(][^\s(]*\([^\n]*\)"
_BARE_CALL = r"[^\s():]+"
# A frame's file: Go's, the runtime's assembly (`asm_amd64.s`), and C's where a cgo
# call or gccgo's libc frames run through it (`./nptl/pthread_kill.c:44`).
_SOURCE = r"(?:go|s|c)"
# Go's own `...N frames elided...` and `...additional frames elided...` (a paste's
# `...` alone, where an author cut frames, is none of Go's)
_GO_ELIDED = r"\.\.\.(?:\d|additional frames elided\.\.\.\n)"
# Another writer's lines in one run between a file line and the next frame, at most
# (a run of them ended the search's one-line reach: make's `cc` lines, npm's `at`s).
_RUN = 4


def _apart(call: str) -> re.Pattern[str]:
    """Another writer's line inside a goroutine: after a frame's call line or
    `created by` (a line after a file line or a header: JavaScript's `f(x)` in an
    npm log is none), whose file line always comes next; between a file line and
    the next frame, or a goroutine's header and its first frame (a run of up to
    _RUN; `...N frames elided...`, an ancestor's `[originating from…]:` stand
    there, and the next goroutine where a journal dropped the blank line), and
    then between that frame's call line and its file line too. A line shaped as
    a call or a file line is none: a paste that lost lines or tabs puts those
    there."""
    not_frame = rf"(?!{call}\n)(?![^\n]*\.go:\d)[^\t\n]"
    # (a file line is matched from its line's start: from each `.go:` in a line
    # of them, the rest of the line was read again)
    file_line = rf"\n\t(?=[^\n]*\.{_SOURCE}:\d)[^\n]*\n"
    # (blank lines among them too, a test runner's and npm's, but not blank lines
    # alone: a journal that doubles every line puts one between any two)
    run = rf"(?:(?!{_GO_ELIDED}|\[|goroutine \d){not_frame}[^\n]*\n|\n)"
    lines = rf"(?!\n*(?:{call}\n|created by )){run}{{1,{_RUN}}}"
    return rx.compile(
        rf"(?:{file_line}|\]:\n)(?:{call}|created by [^\n]*)\n(?={not_frame})"
        rf"|{file_line}{lines}(?:{call}\n{run}{{0,{_RUN}}}\t|created by )"
        rf"|\]:\n{lines}{call}\n{run}{{0,{_RUN}}}\t"
        # (one line alone where a goroutine's first frame stands, then Go's blank
        # line and the next goroutine: an author's `(stacks elided for clarity)`)
        rf"|\]:\n(?!{_GO_ELIDED}|\[|goroutine \d){not_frame}[^\n]*\n\n(?=goroutine \d+ \[)")


_FRAMES_APART = _apart(_CALL)
_BARE_FRAMES_APART = _apart(_BARE_CALL)

# Where a match of `_apart` can start: every one holds a line that no frame's is,
# after a file line (any tab line) or a header's end and blank lines, that
# another such line follows: its first run line, or the call line that no file
# line follows. A clean dump holds none (a call line's file line comes next),
# so `_apart` is tried at these only: the two searches read a dense dump at
# ~400 MB/s, a build log at ~1 GB/s, where `_apart` reads 20 MB/s of a dump.
# (two searches, each led by a literal, are three times faster than one alternation)
_NOT_FRAME_AFTER = rf"\n*(?!goroutine \d|{_GO_ELIDED}|\[)[^\t\n][^\n]*\n(?!\t)"
# (each read ahead only: a start may stand in the line read after another's)
_STARTS = (rx.compile(rf"\n\t(?=[^\n]*\n{_NOT_FRAME_AFTER})"),
           rx.compile(rf"\]:\n(?={_NOT_FRAME_AFTER})"))


def frames_apart(text: str, texts: Sequence[str] = ()) -> bool:
    """Whether a line that is no traceback line stands between a goroutine's frames
    (gccgo's bare names only where `texts` prove gccgo's), a blank line among them
    (`_stray_blanks`), a line inside a race report, or where Go prints none
    between a report's opener and its first goroutine (foreign_head.py)."""
    from .foreign_head import heads

    if next(_hits(text, texts), None) is not None or next(_race_hits(text), None) is not None:
        return True
    if next(_stray_blanks(text, 0, len(text)), None) is not None:
        return True
    return any(h.foreign for h in heads(text, texts or text.split("\n")))


def _hits(text: str, texts: Sequence[str] | None) -> Iterator[int]:
    """Offsets in `text` (its lines joined) where `_apart` matches, each at a
    newline or a header's `]`: gc's, then gccgo's where the lines around prove
    gccgo's (`texts`: its lines, if at hand). Tried only where a match can start
    (`_STARTS`)."""
    bare: list[int] = []
    for start in _STARTS:
        for m in start.finditer(text):
            k = m.start()
            if _FRAMES_APART.match(text, k) is not None:
                yield k
            elif _BARE_FRAMES_APART.match(text, k) is not None:
                bare.append(k)
    if bare:
        from .gccgo_calls import is_gccgo_log

        if texts is None:
            texts = text.split("\n")
        if is_gccgo_log(texts):
            yield from bare


_ANCHORS = (rx.compile(rf"\n\t[^\n]*\.{_SOURCE}:\d"), rx.compile(r"\]:\n"))
_REACH = 2 * _RUN + 1


def _windows(text: str, budget: int) -> Iterator[tuple[int, int]]:
    """[start, end) offsets of `text` around its anchors, merged, each from a
    newline (or the start): wherever `_apart` can match, and (in a build log)
    little else. No more than `budget` characters of them, and no anchor read
    past those."""
    from heapq import merge

    def reach(z: int) -> int:  # (the end of the _REACH-th line after z's)
        for _ in range(_REACH):
            nl = text.find("\n", z + 1)
            z = len(text) if nl < 0 else nl
        return z

    # (an anchor's reach is found only where its window ends: a dense dump's
    # anchors, every other line, cost one count each)
    start = last = -1
    for a, z in merge(*(((m.start(), m.end()) for m in r.finditer(text)) for r in _ANCHORS)):
        if last >= 0 and a > last and text.count("\n", last + 1, a) >= _REACH:
            end = reach(last)
            if a > end:
                yield start, end
                budget -= end - start
                last = -1
        if last < 0:
            start = a
            for _ in range(_REACH):
                start = max(text.rfind("\n", 0, start), 0)
        last = max(last, z)
        if last - start >= budget:
            yield start, reach(last)
            return
    if last >= 0:
        yield start, reach(last)


def _foreign_lines_at(text: str, texts: Sequence[str]) -> tuple[list[int], list[int], int]:
    """Offsets in `text` (its lines joined) where `_apart` matches, and of the
    newlines before blank lines inside goroutines (`_stray_blanks`): all of it
    searched when small, else only its windows, up to WINDOWS_SEARCHED characters;
    and where the search stopped (a head is looked for before it only). Race
    reports are read whole wherever they stand (`_race_hits`)."""
    races = list(_race_hits(text))
    if len(text) <= WHOLE_SEARCHED:
        return list(_hits(text, texts)) + races, list(_stray_blanks(text, 0, len(text))), len(text)
    out: list[int] = races
    blanks: list[int] = []
    end = 0
    for a, b in _windows(text, WINDOWS_SEARCHED):
        out.extend(a + k for k in _hits(text[a:b], None))
        blanks.extend(_stray_blanks(text, a, b))
        end = b
    return out, blanks, end


# Go prints a blank line only before a goroutine header (the head's last line
# too): one between a header or a file line and the next frame (a call line, its
# file line right after it), or between a call line and its file line, is
# another writer's (npm's and pytest's output hold blank lines), where the parser
# would end the goroutine. A journal that doubles every line puts one between
# any two: there a call line's file line comes after a blank too. (gc's call
# lines only: gccgo's bare names are no call lines without the log's proof.)
_BLANK_BEFORE_CALL = rx.compile(rf"\n\n(?={_CALL}\n\t)")
_BLANK_BEFORE_FILE = rx.compile(r"\)\n\n(?=\t[^\n]*\.(?:go|s|c):\d)")
_CALL_LINE = rx.compile(rf"{_CALL}\n")


def _stray_blanks(text: str, start: int, end: int) -> Iterator[int]:
    """Offsets of the newlines before the blank lines inside goroutines in
    text[start:end] (each ends the line before its blank), found by two
    literal-led searches."""
    for m in _BLANK_BEFORE_CALL.finditer(text, start, end):
        k = m.start()
        before = text.rfind("\n", 0, k) + 1
        if text.startswith("\t", before) or text.endswith("]:", before, k):
            yield k
    for m in _BLANK_BEFORE_FILE.finditer(text, start, end):
        k = m.start() + 1  # (the call line's end)
        call = text.rfind("\n", 0, k) + 1
        before = text.rfind("\n", 0, call - 1) + 1
        if call > 0 and _CALL_LINE.match(text, call) is not None and (
                text.startswith("\t", before) or text.endswith("]:", before, call - 1)):
            yield k


# The race detector prints a report whole, between its two rules: accesses and
# the goroutines' creations, each with its frames, blank lines between them (so
# every report of samples/ and the corpus outputs: 12 reports, 273 lines, none
# of another kind; a report is 37 lines at most there). A line inside one that
# no race kind reads is another writer's.
_RACE_BEGIN = "WARNING: DATA RACE\n"
_RACE_KINDS = frozenset({"race_access", "race_created", "race_frame_call", "race_frame_file",
                         "race_stack_lost", "blank"})
# Lines read after a report's first at most, for its closing rule.
RACE_LINES = 512


def _race_hits(text: str) -> Iterator[int]:
    """Offsets (the newline before each) of the lines inside race reports that no
    race kind reads. Reports are found by a literal search; only their own lines
    are read."""
    from ..grammar import MAX_LINE, line_grammar

    match = line_grammar().match
    k = text.find(_RACE_BEGIN)
    while k >= 0:
        pos = k + len(_RACE_BEGIN)
        if k == 0 or text[k - 1] == "\n":
            hits, framed = [], False
            for _ in range(RACE_LINES):
                nl = text.find("\n", pos)
                if nl < 0:
                    break
                m = match(text, pos, nl) if nl - pos <= MAX_LINE else None
                kind = m.lastgroup if m is not None else None
                if kind == "race_rule" or kind == "race_begin":
                    break
                if kind not in _RACE_KINDS:
                    hits.append(pos - 1)
                framed = framed or kind == "race_frame_file"
                pos = nl + 1
            if framed:  # (a report whose frames lost their indentation is damaged, not mixed)
                yield from hits
        k = text.find(_RACE_BEGIN, pos)


def without_foreign_lines(stream: Stream, noise: list[int],
                          diagnostics: list[Diagnostic]) -> Stream:
    """One process's stream with the other writers' lines inside its traceback set
    aside. Only the traceback regions that hold such a line go to the separator:
    the lines before, between and after them stay the process's, as they were
    (given a whole build log, the separator weighs its every `panic:` quote). A
    region is changed only when the separator reads it as one process's output and
    some of its lines as no one's."""
    from .foreign_head import heads

    text = stream.joined()
    at, blank_at, end = _foreign_lines_at(text, stream.texts)
    found = list(heads(text, stream.texts, end))
    if not at and not blank_at and not any(h.foreign for h in found):
        return stream
    hit_lines, blanks = _lines_of(text, at), _lines_of(text, blank_at)
    hit_lines = sorted(hit_lines + blanks + [j for h in found for j in h.foreign])
    texts = stream.texts
    order: list[int] = []
    last = 0
    from . import pieces_per_line

    shared = pieces_per_line(stream) if stream.pieces else None  # (counted once)
    for a, b in _regions_around(stream, hit_lines):
        if a < last:
            continue
        kept = _kept(stream, a, b, noise, diagnostics,
                     [h for h in found if a <= h.opener < b],
                     [i for i in blanks if a <= i < b], shared)
        if kept is None:
            continue
        order += range(last, a)
        order += kept
        last = b
    if not order:
        return stream
    order += range(last, len(texts))
    out = Stream(id=stream.id, label=stream.label, numbers=[stream.numbers[i] for i in order],
                 texts=[texts[i] for i in order],
                 pieces={k: stream.pieces[i] for k, i in enumerate(order) if i in stream.pieces})
    if stream.prefix_lengths:
        out.prefix_lengths = [stream.prefix_lengths[i] for i in order]
    return out


def _lines_of(text: str, at: list[int]) -> list[int]:
    """The line after each newline offset in `at` (in one pass)."""
    out, line, pos = [], 0, 0
    for k in sorted(at):
        line += text.count("\n", pos, k + 1)
        pos = k + 1
        out.append(line)
    return out


def _regions_around(stream: Stream, hit_lines: list[int]) -> list[tuple[int, int]]:
    """The traceback regions (demux._traceback_regions) that hold a hit, each cut to
    its first and last traceback line. Found in a slice around the hits, widened
    until no region touches its ends: the work is the regions', not the log's."""
    from ..grammar import MAX_LINE, line_grammar
    from . import _REGION_MARGIN, REGION_GAP, _slice, _traceback_regions

    texts, match, n = stream.texts, line_grammar().match, len(stream.texts)

    def traceback_line(i: int) -> bool:
        t = texts[i]
        return len(t) <= MAX_LINE and (m := match(t)) is not None and m.lastgroup != "blank"

    reach = 2 * _REGION_MARGIN + 1 + REGION_GAP
    out: list[tuple[int, int]] = []
    # hits closer than a region's reach are looked at together
    clusters: list[list[int]] = []
    for h in hit_lines:
        if clusters and h - clusters[-1][1] <= reach:
            clusters[-1][1] = h
        else:
            clusters.append([h, h])
    for lo, hi in clusters:
        hits = [h for h in hit_lines if lo <= h <= hi]
        wide = reach
        while True:
            a, b = max(0, lo - wide), min(n, hi + 1 + wide)
            # (a hit is on the line before the foreign one: within the region either way)
            held = [(x + a, y + a) for x, y in _traceback_regions(_slice(stream, a, b))
                    if any(x + a <= h + 1 and h < y + a for h in hits)]
            if not any((x - a < reach and a > 0) or (b - y < reach and b < n)
                       for x, y in held):
                break
            if b - a > _SPAN:
                # a dense dump: its region is as long as the log, which the
                # separator would read whole; the goroutines around the hits go
                held = _goroutines_around(texts, hits)
                break
            wide *= 4
        for x, y in held:
            while x < y and not traceback_line(x):
                x += 1
            while y > x and not traceback_line(y - 1):
                y -= 1
            if x < y and (not out or x >= out[-1][1]):
                out.append((x, y))
    return out


# Lines of a traceback region, at most, that go to the separator whole (a 20k
# goroutine dump's 536k lines took it 12 s, 8k lines ~0.2 s); past it, the goroutines around the
# hits go, each span of them from a goroutine's header to the next's.
_SPAN = 8192


def _goroutines_around(texts: Sequence[str], hits: Sequence[int]) -> list[tuple[int, int]]:
    """[start, end) spans of lines around the hits, from the header of the goroutine
    holding each (or _SPAN lines before it) to the header of the goroutine after
    the other writer's lines that follow it (or _SPAN lines after): merged."""

    def header(i: int) -> bool:
        t = texts[i]
        return t.startswith("goroutine ") and t.endswith("]:")

    out: list[tuple[int, int]] = []
    n = len(texts)
    for h in hits:
        if out and h < out[-1][1] - 2 * _RUN - 2:
            continue  # (in a span already, with the lines after it)
        x = h
        while x > 0 and h - x < _SPAN and not header(x):
            x -= 1
        y = min(n, h + 2 * _RUN + 2)  # (the hit's line, its run and the call line after)
        while y < n and y - h < _SPAN and not header(y):
            y += 1
        if out and x <= out[-1][1]:
            out[-1] = (out[-1][0], y)
        else:
            out.append((x, y))
    return out


def _kept(stream: Stream, a: int, b: int, noise: list[int], diagnostics: list[Diagnostic],
          found: Sequence[Head], blanks: Sequence[int] = (),
          shared: Counter[int] | None = None) -> list[int] | None:
    """The indexes of lines [a, b) the process keeps, when the separator reads the
    span as one process's output and some lines as no one's; else None. In the
    heads of its reports, where Go's order tells, that order decides
    (foreign_head.py): a raw panic value's lines and Go's own kinds are kept,
    another writer's lines are not; and the blank lines inside goroutines
    (`blanks`) are not."""
    from . import _separate_region, _slice, whole_lines
    from .foreign_head import shape

    span_noise: list[int] = []
    said: list[Diagnostic] = []
    got = _separate_region(_slice(stream, a, b), span_noise, said, write_mixed=False,
                           foreign=True)
    if len(got) != 1:
        return None
    track, j, kept = got[0], 0, set()
    texts, numbers = stream.texts, stream.numbers
    for i in range(a, b):  # (the track is a subsequence of the span, in order)
        if j < len(track.texts) and (numbers[i], texts[i]) == (track.numbers[j],
                                                              track.texts[j]):
            kept.add(i)
            j += 1
    if j < len(track.texts):
        # the track is no subsequence of the span (the separator joined or cut a
        # line): the lines after the mismatch would be neither kept nor noise
        return None
    from .foreign_head import shapes_around, shapes_set_aside

    # (a line claimed by columns is set aside only where it is one input line whole)
    whole = whole_lines(stream, range(a, b), shared)
    tools = shapes_set_aside(texts, [i for i in range(a, b) if i not in kept], found)
    tools |= shapes_around(texts, a, b)
    for head in found:
        if head.opener not in kept:
            continue
        for i in head.own:
            if i in head.raw and shape(texts[i]) in tools:
                # (a line shaped as the lines set aside elsewhere in the span: the
                # other writer's, which a raw value's own text is not)
                if i in kept and (i not in stream.pieces or i in whole):
                    kept.discard(i)
                    span_noise.append(numbers[i])
                continue
            if i < b and i not in kept and numbers[i] in span_noise:
                kept.add(i)
                span_noise.remove(numbers[i])
        for i in head.foreign:
            if i < b and i in kept and (i not in stream.pieces or i in whole):
                kept.discard(i)
                span_noise.append(numbers[i])
    for i in blanks:
        if i in kept and (i not in stream.pieces or i in whole):
            kept.discard(i)
            span_noise.append(numbers[i])
    if not span_noise:
        return None
    set_aside = set(span_noise)
    if any(i not in kept and numbers[i] not in set_aside for i in range(a, b)):
        return None  # (a line neither kept nor set aside would be lost)
    noise.extend(span_noise)
    diagnostics.extend(said)
    return sorted(kept)
