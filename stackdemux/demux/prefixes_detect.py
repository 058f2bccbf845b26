"""Which prefix styles a log carries, layer by layer, outermost first.

Prefixes stack (a compose prefix inside a GitHub Actions timestamp): detection
peels them layer by layer, outermost first, on a sample of the log's lines
(head, tail, and an even stride between) and on the regions around goroutine
headers found behind a prefix (prefixes_regions.py), so that a collector's
output amid build output is found too. It costs the same for a log of any size.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from .. import rx
from ..grammar import MAX_LINE, line_grammar
from .prefixes_regions import Region, header_at, header_regions
from .prefixes_styles import (
    PINNED,
    PrefixStyle,
    compiled_styles,
    match_prefix,
    pinned_rule,
    pinned_style,
    style_names,
    unnamed,
)

__all__ = ["MAX_LAYERS", "SAMPLE_LINES", "detect", "sample_lines"]

# Lines looked at to decide which styles a log carries.
SAMPLE_LINES = 2000
# Prefix layers peeled at most: `gh run view --log` of a job that ran `docker
# compose up` prints four (job, step, GitHub's timestamp, the service).
MAX_LAYERS = 4

# Share of the sampled non-empty lines a style must cover to count. Most styles
# are specific enough that a few lines prove them (a log where only one of
# several processes is prefixed must still be split). GNU parallel's `arg<TAB>`
# looks like any line holding a tab, so it must cover most lines; so must a
# runner's `[name] ` (a tool's own `[build] step 3` lines are no process's
# label): amid other output, the region around a labelled traceback proves it.
# stern's `pod container ` is two words, the first with a dash: prose has such
# lines, so stern's too must cover most lines, and its names must repeat; so
# must `aws logs tail`'s stream after a time (a Python app's logger name), and
# logcat's priority and tag alone (`I/O: ` is prose), and syslog's tag and pid
# alone (`make[1]: ` is make's), and a web log's bar (`  |` is rustc's gutter too),
# and a diff's `+` (bash's xtrace writes one before each command).
_MIN_SHARE = {"parallel": 0.6, "bracket": 0.6, "stern": 0.6, "awslogs": 0.6, "logcat_tag": 0.6,
              "syslogtag": 0.6, "webbar": 0.6, "diffadd": 0.6}
_DEFAULT_MIN_SHARE = 0.05
_MIN_LINES = 3
# Lines each stern or aws logs key stands before, on average, at least.
_LINES_PER_KEY = 5


# ------------------------------------------------------------- detection ---


def sample_lines(lines: Sequence[str], sample: int = SAMPLE_LINES) -> list[str]:
    """The lines detection looks at: all of a short log; of a long one its head, its
    tail and lines at an even stride between (a collector may start mid-log)."""
    n = len(lines)
    if n <= sample:
        return list(lines)
    head, tail = sample // 2, sample // 8
    middle = sample - head - tail
    step = max(1, (n - head - tail) // middle)
    return [*lines[:head], *lines[head:n - tail:step][:middle], *lines[n - tail:]]


@cache
def _any_style() -> re.Pattern[str]:
    """Every style in one regex: most sampled lines of a log carry no prefix, and
    one failed match rejects them instead of one per style."""
    alts = "|".join(f"(?:{unnamed(s.regex.pattern, '(?:')})" for s in compiled_styles().values())
    return rx.compile(alts)


def detect(lines: Sequence[str], sample: int = SAMPLE_LINES) -> list[PrefixStyle]:
    """The prefix styles the log carries, outermost layer first: those a sample of
    its lines shows (see sample_lines), and those that prefix the tracebacks of a
    region of it (see header_regions), such as a `docker compose up` run amid build
    output. Costs the same for a log of any size."""
    texts = [ln for ln in sample_lines(lines, sample) if ln.strip()]
    regions = header_regions(lines)
    styles = compiled_styles()
    order = style_names()
    found: list[PrefixStyle] = []
    layers: list[set[str]] = []  # the styles chosen at each layer so far
    for layer in range(MAX_LAYERS):
        if not texts and not regions:
            break
        whole = _tally(texts)
        chosen = {name for name in whole.counts if _holds(whole, name)}
        stamps = {name for name in chosen if _stamps(whole, name)}
        for region in regions:
            name = _outermost(region.seed)
            if name is None or name in chosen:
                continue  # nothing to learn from its lines (most logs: prefixed throughout)
            for done in layers[region.depth:]:  # its lines are peeled only when read
                region.texts = _rests(_tally(region.texts), done)
            region.depth = layer
            tally = _tally(region.texts)
            if _holds(tally, name):
                chosen.add(name)
                if _stamps(tally, name):
                    stamps.add(name)
        if not chosen:
            break
        for name in sorted(chosen, key=order.index):
            s = styles[name]
            share = whole.counts.get(name, 0) / max(1, whole.total)
            keys = () if name in stamps else s.key_groups
            found.append(PrefixStyle(s.name, s.regex, layer, keys, s.partial_groups,
                                     s.continued_groups, share))
        layers.append(chosen)
        texts = _rests(whole, chosen)
        for region in regions:
            region.seed = _peel(region.seed, chosen)
        regions = [r for r in regions if r.seed is not None]
    if len(layers) < MAX_LAYERS:
        for region in regions:  # the layers found, peeled off the lines it was not read at
            for done in layers[region.depth:]:
                region.texts = _rests(_tally(region.texts), done)
        found += _pinned(regions, texts, len(layers))
    return found


# Share of a region's non-empty lines a pinned key must lead, at least: the lines
# around a traceback a container's log viewer copied are all its own.
_PINNED_SHARE = 0.6


def _pinned(regions: list[Region], texts: list[str], layer: int) -> list[PrefixStyle]:
    """The PINNED styles (a container's name alone before each line) the regions
    carry at `layer`, each pinned to the word found before a goroutine header: read
    as a style of the `prefix` rule, one word reads any line's first (Go's own
    `goroutine `, `created `, `rax `), and a tag's `job name<TAB>` too."""
    found: dict[str, PrefixStyle] = {}
    for rule in PINNED:
        bare = pinned_rule(rule)
        for region in regions:
            hit = None if region.seed is None else match_prefix(region.seed, bare)
            if hit is None or hit[1] in found or not header_at(region.seed, hit[0]):
                continue
            style = pinned_style(rule, hit[1])
            led = sum(1 for t in region.texts if style.regex.match(t))
            if led >= _MIN_LINES and led >= _PINNED_SHARE * len(region.texts):
                share = sum(1 for t in texts if style.regex.match(t)) / max(1, len(texts))
                found[hit[1]] = PrefixStyle(style.name, style.regex, layer, style.key_groups,
                                            coverage=share)
    return list(found.values())


@dataclass(slots=True)
class _Tally:
    """How the non-empty lines of a sample match the styles at one layer: each
    line counts for its most specific style only."""

    total: int
    counts: dict[str, int] = field(default_factory=dict)
    keys: dict[str, set[str | None]] = field(default_factory=dict)
    rests: dict[str, list[str]] = field(default_factory=dict)  # the text after the prefix
    grep_context: int = 0  # grep's context lines (`file-12-`), which compilers never print


def _tally(texts: list[str]) -> _Tally:
    out = _Tally(len(texts))
    styles = compiled_styles()
    for text in filter(_any_style().match, texts):
        read = _reading(text, styles)
        if read is None:
            continue
        name, hit = read
        out.counts[name] = out.counts.get(name, 0) + 1
        out.keys.setdefault(name, set()).add(hit[1])
        out.rests.setdefault(name, []).append(text[hit[0]:])
        if name == "grep" and text[hit[0] - 1] == "-":
            out.grep_context += 1
    return out


def _reading(text: str, styles: dict[str, PrefixStyle]
             ) -> tuple[str, tuple[int, str | None, int]] | None:
    """The style a line counts for and its match: the first in the grammar's
    order that reads it, except GNU parallel's tag, which is anything up to a
    tab: a style reading a shorter prefix has the line, whose text begins with
    the tab (a runner's `[api]: ` before a frame's `\t/app/main.go:12`; counted
    as parallel, a crash's frame lines took yarn's labels below their share)."""
    first: tuple[str, tuple[int, str | None, int]] | None = None
    for name, style in styles.items():
        hit = match_prefix(text, style)
        if hit is None:
            continue
        if first is None:
            if name != "parallel":
                return name, hit
            first = name, hit
        elif hit[0] < first[1][0]:
            return name, hit
    return first


def _holds(tally: _Tally, name: str) -> bool:
    """Whether the lines of a sample prove the style `name`."""
    n = tally.counts.get(name, 0)
    if n < _MIN_LINES or n < tally.total * _MIN_SHARE.get(name, _DEFAULT_MIN_SHARE):
        return False
    if name == "grep":
        # `file:12:` alone is also how compilers and linters cite code
        # (`main.c:12:5: warning`); grep is proven by its context lines
        return tally.grep_context > 0
    if name == "bracket" and len(tally.keys[name]) < 2:
        # one label alone: a runner's only when it stands before a traceback
        # (a tool's own `[build] step 3` lines label nothing)
        return any(_in_traceback(text) for text in tally.rests[name])
    if name in ("stern", "awslogs"):
        # a container prints many lines; words of prose seldom repeat as a pair
        return len(tally.keys[name]) * _LINES_PER_KEY <= n
    if name == "parallel" and not any(key.strip() for key in tally.keys[name]):
        # blanks before a tab are an indentation, no job's argument (testify's
        # `        \tError:      \tNot equal:` block in a failed test's log) (tests19)
        return False
    # parallel: tags repeat (one per job, many lines each); a table is no tag
    return name != "parallel" or not (len(tally.keys[name]) * 2 > n
                                      or _tabular(tally.rests[name]))


def _stamps(tally: _Tally, name: str) -> bool:
    """Whether a bracket "label" differs on most lines: a kernel console's
    `[12345.678901] `, a counter. A runner's label stands before many lines of
    its command's; a stamp names no stream (as the timestamp style's does), and
    read as one it made each line of a crash a process of its own."""
    return name == "bracket" and len(tally.keys[name]) * 2 > tally.counts[name]


def _rests(tally: _Tally, chosen: set[str]) -> list[str]:
    """The non-empty texts after the chosen styles' prefixes: the next layer's sample."""
    return [t for name in chosen for t in tally.rests.get(name, ()) if t.strip()]


def _outermost(line: str | None) -> str | None:
    """The most specific style prefixing `line`, as _tally counts it."""
    if line is None or not _any_style().match(line):
        return None
    read = _reading(line, compiled_styles())
    return None if read is None else read[0]


def _peel(line: str | None, chosen: set[str]) -> str | None:
    """`line` without its outermost prefix, when a chosen style makes it; else None."""
    name = _outermost(line)
    if line is None or name not in chosen:
        return None
    hit = match_prefix(line, compiled_styles()[name])
    return None if hit is None else line[hit[0]:]


def _tabular(rests: list[str]) -> bool:
    """Tab-separated columns (pprof debug=1's `#\t0x…\tfunc\tfile`): tabs after a
    non-blank inside the text (after a stamp's space a tab indents a Go frame),
    unless the text is tagged again (see _tagged_again)."""
    inner = sum(1 for r in rests if _COLUMN.search(r))
    return inner > 0.3 * len(rests) and not _tagged_again(rests)


# A tab that ends a column: after a non-blank.
_COLUMN = rx.compile(r"\S\t")
# Lines a nested tag stands before, on average, at least: a job's step holds
# tens to thousands (pprof's addresses, the columns of a table, a few each).
_NESTED_TAG_LINES = 10


def _tagged_again(rests: list[str]) -> bool:
    """Whether the text after a tag is tagged again by tags that each stand
    before many lines: `gh run view --log` prints `job<TAB>step<TAB>` before
    each raw log line (a timestamp, then the text)."""
    inner = _tally(rests)
    n = inner.counts.get("parallel", 0)
    return (n >= _MIN_LINES and n >= _MIN_SHARE["parallel"] * inner.total
            and len(inner.keys["parallel"]) * _NESTED_TAG_LINES <= n)


# Lines only a traceback prints.
_TRACEBACK_KINDS = frozenset({"goroutine_header", "frame_file", "created_by"})


def _in_traceback(text: str) -> bool:
    m = line_grammar().match(text) if len(text) <= MAX_LINE else None
    return m is not None and m.lastgroup in _TRACEBACK_KINDS
