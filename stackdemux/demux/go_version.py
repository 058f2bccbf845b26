"""What a traceback shows of the Go release that printed it: whether it indents
a panic value's later lines.

Since Go 1.23 the runtime prints the 2nd and later lines of a panic value (and of
a fatal error's message) after a tab (runtime/error.go, printindented; the
captures of samples/go1.23 … go1.27 show `panic: line1` / `\tline2`, those of
go1.19 … go1.22 `line2` raw). So where the traceback shows Go 1.23 or later, a
line after `panic: VALUE` that no tab begins is no part of the value.

A traceback shows its release only here and there; each mark below was checked
against the captures of every toolchain samples/ holds (1.19, 1.21 … 1.27: none
shows a mark of a release other than its own):

- a GOROOT that names its release, in a frame's file line: `/opt/gobin/1.23.9/go/src/…`,
  `/usr/lib/go-1.19/src/…`, `/opt/hostedtoolcache/go/1.23.4/x64/src/…`,
  `…/golang.org/toolchain@v0.0.1-go1.24.1.linux-arm64/src/…`, Homebrew's
  `/usr/local/Cellar/go/1.22.6/libexec/src/…`, asdf's, gimme's, hermit's
  (`/usr/local/go` names none);
- functions the standard library has only since a release: `internal/runtime/…`
  (moved from `runtime/internal/…` in 1.23; frames of 1.25 and 1.27 here),
  `internal/sync.…` (sync's mutex since 1.24);
- ` [recovered, repanicked]` (1.25).

Others were weighed and left: `created by … in goroutine N` (1.21 on, as in
1.21 and 1.22), `goroutine N gp=… m=…` (GOTRACEBACK=system: go1.22's capture has
it too), `...N frames elided...` (1.21 on), a heap address off 0xc000… (an
argument need not be a heap pointer).
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import rx

# The release a value's later lines are indented from.
INDENTING = 23

# Top-level standard packages: `/src/` before one of them is a GOROOT's (a GOPATH's
# `src/` holds import paths, whose first element has a dot).
_STD = ("runtime|testing|sync|net|os|internal|reflect|syscall|io|fmt|encoding|context|time|"
        "strings|bytes|bufio|crypto|database|errors|log|math|sort|strconv|text|html|path|"
        "regexp|unicode|compress|container|archive|hash|image|mime|plugin|iter|slices|"
        "maps|debug|embed|expvar|flag|go|unique|weak|vendor|cmd")
# A frame's file line whose GOROOT names its release: a path element that is the
# release (`1.23.9`), or ends with it after `go`/`go-` (`go-1.19`, `go1.25.3`,
# `toolchain@v0.0.1-go1.24.1.linux-arm64`), at most three elements before `src/`,
# and a source file's line after the package (`[^\n]*\.(?:go|s):\d`). Searched in
# two steps, each linear: one pattern with the file line's end in one
# (`\n\t[^\n]*?/…src/(?:STD)/[^\n]*\.go:\d`) went from each path element to the
# line's end and back, quadratic within a line (0.26 s on 64 KB of
# `/1.2/src/runtime/a.go:`): the path's elements are searched with the line's
# last `.go:N` as the end, which is where the one pattern's match could reach.
_RELEASE_ELEMENT = r"/(?:[^/\n]*?[-@._]?go-?)?1\.(\d+)(?:\.\d+)?(?:[-.][^/\n]*)?/"
_GOROOT = rx.compile(_RELEASE_ELEMENT + rf"(?:[^/\n]+/){{0,2}}src/(?:{_STD})/")
# A GOROOT itself (`/opt/gobin/1.23.9/go/src`), as the write decoder reads it.
_ROOT = rx.compile(_RELEASE_ELEMENT + r"(?:[^/\n]+/){0,2}src$")
_SOURCE_LINE = rx.compile(r"\.(?:go|s):\d")
# A minor release of more digits is none (and no int: Python refuses 4 300 digits).
_MINOR_DIGITS = 4


def _goroot_releases(text: str, start: int, end: int) -> Iterator[int]:
    """The minor release each frame file line in text[start:end] names in its
    GOROOT: a line led by a tab, its first path element that names a release
    with `src/` and a standard package within three elements after it and a
    source file's line after that."""
    m = _GOROOT.search(text, start, end)
    while m is not None:
        a = text.rfind("\n", start, m.start()) + 1  # (the line's start; 0 or start: none)
        b = text.find("\n", m.end(), end)
        b = end if b < 0 else b
        if a > start and text[a] == "\t":
            last = _last_source_line(text, m.start(), b)
            # (m is the line's first match: where it ends before the file line's
            # `.go:N`, the search below would find it again)
            found = (m if last >= m.end() else
                     None if last < 0 else _GOROOT.search(text, a + 1, last))
            if found is not None:
                digits = found.group(1).lstrip("0") or "0"
                yield int(digits) if len(digits) <= _MINOR_DIGITS else 10 ** _MINOR_DIGITS
        m = _GOROOT.search(text, b, end)


def root_release(root: str) -> int | None:
    """The minor release a GOROOT (up to its `src`) names: `/usr/lib/go-1.19/src`
    19; None where it names none (`/usr/local/go/src`)."""
    m = _ROOT.search(root)
    if m is None:
        return None
    digits = m.group(1).lstrip("0") or "0"
    return int(digits) if len(digits) <= _MINOR_DIGITS else 10 ** _MINOR_DIGITS


# What one line of a process shows of its release: (since, before) minor
# releases, from the marks above (a function of a package a release added or
# moved away, the annotation Go 1.25 added).
def line_releases(kind: str, func: str | None, line: str) -> tuple[int, int] | None:
    """The releases a line's function or annotation allows (from, up to and
    including), None where it shows none."""
    if func is not None:
        if func.startswith("internal/runtime/"):
            return INDENTING, _NO_RELEASE
        if func.startswith("internal/sync."):
            return 24, _NO_RELEASE
        if func.startswith("runtime/internal/"):
            return 0, INDENTING - 1
    elif kind == "panic" and line.endswith(" [recovered, repanicked]"):
        return 25, _NO_RELEASE
    return None


_NO_RELEASE = 10 ** _MINOR_DIGITS


def _last_source_line(text: str, a: int, b: int) -> int:
    """Where the last `.go:N` or `.s:N` in text[a:b] begins, -1 where none does
    (a frame's file line ends with it: found from its end first)."""
    last = max(text.rfind(".go:", a, b), text.rfind(".s:", a, b))
    if last >= 0 and _SOURCE_LINE.match(text, last, b) is not None:
        return last
    last = -1
    for s in _SOURCE_LINE.finditer(text, a, b):
        last = s.start()
    return last


# Functions, and an annotation, that only a release from INDENTING on prints.
_LATER = rx.compile(r"\n(?:created by )?internal/(?:runtime/|sync\.)|"
                    r" \[recovered, repanicked\]\n")
# And the functions only a release before it prints.
_EARLIER = rx.compile(r"\n(?:created by )?runtime/internal/")


def indents_values(text: str, start: int = 0, end: int | None = None) -> bool | None:
    """Whether the release that printed text[start:end] (one process's traceback,
    its lines joined) indents a panic value's later lines: True or False where it
    shows its release, and shows no two; None where it shows none."""
    end = len(text) if end is None else end
    later = earlier = False
    for minor in _goroot_releases(text, start, end):
        if minor >= INDENTING:
            later = True
        else:
            earlier = True
        if later and earlier:
            return None
    later = later or _LATER.search(text, start, end) is not None
    earlier = earlier or _EARLIER.search(text, start, end) is not None
    if later == earlier:
        return None
    return later
