"""What a reading of interleaved writes has seen so far, that later frames repeat.

A Go program prints the same few functions over and over: every goroutine
parked in a pool shows the same frames, and every process of the same
program shows them too. What repeats is fixed by the code, not by the run:

* a function lives in one source file (its path under GOROOT differs from one
  toolchain to the next; what follows `src/` does not);
* a call site is one line of that file in every process of the program, and
  one `+0xoff` in every goroutine of one process (one build);
* a function takes as many argument words everywhere;
* a function is called by the same few callers, and a goroutine's first
  function started by the same `go` statement, in every goroutine.

So a frame that agrees with what the same reading has already read is
likelier right, and one that contradicts it likelier a glue of two processes'
writes: another's digits behind a line number (`:147` + `48`), a file line
dealt to the process whose build puts that call at another offset, an
argument dealt to the wrong call. `Seen` holds what all processes of one
hypothesis have read, `Sites` what one process has: persistent maps, shared
between a hypothesis and its children, copied only where they grow.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import rx
from .persistent import PMap

B_LINE = 3.0  # a function's call site at a line it was already read at
W_LINE = 1.0  # ... at a new line (a function has a few call sites; a glued number, any)
B_OFFSET = 3.0  # one process's call site at the offset it already printed there
W_OFFSET = 10.0  # ... at another offset: one build has one
W_FILE = 8.0  # a function read in another source file than before
B_ARGS = 1.0  # a function's argument words as many as before
W_ARGS = 6.0  # ... more or fewer
B_EDGE = 3.0  # a frame's caller one that called its function before
W_EDGE = 1.0  # ... another one

# A GOROOT (or a module cache) before the path that the toolchain does not change.
_ROOT = rx.compile(r"^.*?/(?:src|pkg/mod)/")


def source_tail(file: str) -> str:
    """The file's path without its toolchain's root: the same in every process
    of a program, whichever Go built it."""
    m = _ROOT.match(file)
    return file[m.end():] if m else file


def arg_words(args: str) -> int:
    """How many words a call line prints for its arguments (`{` ... `}` one)."""
    if not args:
        return 0
    depth = 0
    words = 1
    for ch in args:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            words += 1
    return words


_EMPTY: PMap = PMap()


@dataclass(slots=True, frozen=True)
class Seen:
    """What every process of one reading has printed: each function's file,
    the lines it was called at, its argument words."""

    files: PMap = _EMPTY  # func -> its file's tail
    lines: PMap = _EMPTY  # (func, tail) -> frozenset of line numbers
    args: PMap = _EMPTY  # func -> argument words
    edges: PMap = _EMPTY  # func -> frozenset of its callers (`created by X` for a go statement)

    def call(self, func: str, words: int | None) -> tuple[float, Seen]:
        """A call line's cost for its argument words, and what is seen after it."""
        if words is None:
            return 0.0, self
        before = self.args.get(func)
        if before is None:
            return 0.0, Seen(self.files, self.lines, self.args.set(func, words), self.edges)
        return (-B_ARGS if before == words else W_ARGS), self

    def edge(self, callee: str | None, caller: str) -> tuple[float, Seen]:
        """A frame's cost for the function below it on its stack (`callee`),
        and what is seen after it. It is read as the frame's call line closes,
        a line before its file line says where the call is."""
        if callee is None:
            return 0.0, self
        callers = self.edges.get(callee)
        if callers is not None and caller in callers:
            return -B_EDGE, self
        new = Seen(self.files, self.lines, self.args,
                   self.edges.set(callee, (callers or frozenset()) | {caller}))
        return (0.0 if callers is None else W_EDGE), new

    def frame(self, sites: PMap, func: str, file: str, line: str,
              offset: str | None) -> tuple[float, Seen, PMap]:
        """A frame's cost (its call line's function, then its file line), what
        the reading has seen after it, and the process's call sites after it."""
        cost, seen = self.line(func, file, line)
        more, sites = site(sites, func, file, line, offset)
        return cost + more, seen, sites

    def line(self, func: str, file: str, line: str) -> tuple[float, Seen]:
        """What a frame's file and line number cost, read as soon as the number
        is whole (the ` +` after it), and what is seen after them."""
        tail = source_tail(file)
        cost = 0.0
        files, lines = self.files, self.lines
        known = files.get(func)
        if known is None:
            files = files.set(func, tail)
        elif known != tail:
            cost += W_FILE
        at = lines.get((func, tail))
        if at is None:
            lines = lines.set((func, tail), frozenset((line,)))
        elif line in at:
            cost -= B_LINE
        else:
            cost += W_LINE
            lines = lines.set((func, tail), at | {line})
        seen = self
        if files is not self.files or lines is not self.lines:
            seen = Seen(files, lines, self.args, self.edges)
        return cost, seen


    def guess(self, func: str, file: str, line: str) -> float:
        """What `line` would cost as the frame's line number, while its digits
        may still go on (`3` of `335`): a reading that dealt another process's
        digits to it pays as they come, not when its ` +` says they ended."""
        at = self.lines.get((func, source_tail(file)))
        if at is None:
            return 0.0
        return -B_LINE if line in at else W_LINE


def site(sites: PMap, func: str, file: str, line: str, offset: str | None) -> tuple[float, PMap]:
    """What a frame's offset costs in one process (one build), and its call
    sites after it."""
    key = (func, source_tail(file), line)
    printed = sites.get(key)
    if printed is None:
        return 0.0, sites.set(key, offset)
    return (-B_OFFSET if printed == offset else W_OFFSET), sites
