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
# `toolchain@v0.0.1-go1.24.1.linux-arm64`), at most three elements before `src/`.
_GOROOT = rx.compile(
    r"\n\t[^\n]*?/(?:[^/\n]*?[-@._]?go-?)?1\.(\d+)(?:\.\d+)?(?:[-.][^/\n]*)?/"
    rf"(?:[^/\n]+/){{0,2}}src/(?:{_STD})/[^\n]*\.(?:go|s):\d")
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
    for m in _GOROOT.finditer(text, start, end):
        if int(m.group(1)) >= INDENTING:
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
