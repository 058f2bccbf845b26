#!/usr/bin/env python3
"""The write-level merges' ambiguity ceiling (issue 3): which reports could
any decoder read exactly? A developer tool, not a test.

    python tests/corpus/writes_ambiguity.py [--window W] [--pairs D] [--without RULES]
        [--model] [--no-tails] [--examples N] [CASE ...]

A reading of a write merge gives each byte a process. The truth (truth.json)
is one reading; another is as good for a decoder when every process's text is
as valid under everything a decoder can know without the truth:

  writes    each value the runtime prints with one print argument (a function,
            a file, a line number, a goroutine id, a state, a parent id, a pc
            offset, a message) is one write: contiguous in the merge, starting
            and ending where the writer's pieces do
  grammar   every line of each process keeps its kind (so the line order the
            report grammar allows is kept), reads cleanly (writes_reading:
            no field that reads as two glued, balanced argument words)
  toolchain one GOROOT per process; a function's file lies in its package's
            directory (std under GOROOT/src, main's beside the process's other
            main files)
  program   a function lives in one file in every process; a file's line
            lies in one function (a call site's caller); a
            function's lines are one interval of its file holding no other
            function's line (a closure's lie inside its function's); a build
            prints one pc offset per (function, line); a function of one
            release prints as many argument words everywhere (not inlined)
  call line (soft, off unless --without names others) a caller calls a
            callee at one line in every process of a release: false where a
            function calls one callee twice (runtime.futexsleep calls futex
            at os_linux.go:76 and :82 in sigquit's 1.19 process)
  process   goroutine ids unique in a report; goroutine 1 is the one with no
            creator; a creator's goroutine is not the goroutine itself; no
            address in an arena only another process uses; states are the
            runtime's status and wait-reason strings
  source    a Go release's function (its file under a GOROOT found on this
            machine) holds its line in that release's source: what a decoder
            shipping the releases' line tables knows (--without source: the
            log alone)
  program source (off unless --without leaves it out) a program's function
            holds its line in the program's source, where its file is on this
            machine (the corpus's programs are): what a decoder run beside the
            checkout would know

The search exchanges the merge's pieces (a run of one writer, cut where its
printed values start and end and where writes_tokens would end a write
between them): `swap` two pieces of the same shape (digits, hex, a name) of
two processes at most --window pieces apart, `move` a piece to a process
whose piece stands right beside it (`1` + `97`: who wrote the `1`). Each
alternative that passes every rule above and changes what the scorer
compares of a report (score.py's report_key: message, ids, states,
functions, files, line numbers) makes that report ambiguous: no decoder can
tell the truth from it. Alternatives that only change arguments or offsets
are counted apart (they change no report). The search is local, so its
ambiguous reports are a lower bound (the ceiling it gives an upper bound);
a report it finds no alternative for may still have one further away.

`tails` (on unless --no-tails): two processes' writes exchanged from a place
of the merge where both stand at a line start in the same report state (say,
each has written its message and the blank line after it): each goes on with
the other's rest. No piece exchange finds that (a message has no same-shaped
piece), yet it obeys every rule unless they tie the rest to what came before
(one GOROOT, file and pc offset a frame, ids; a test's `--- FAIL: X` after its
own `=== RUN   X`; a `[recovered, repanicked]` panic is Go 1.25's or later's).
Every report of either process from that place on is ambiguous when the
exchange changes what the scorer compares.

Per case it prints the pieces, the alternatives by what they change, the
reports ambiguous with the kinds of value exchanged, and --examples N
alternatives. `--model`: the write decoder's cost (writes_decode.decode
held to each alternative's writers) beside the truth's, per report: where
every alternative costs more, the model prefers the truth, though no rule
rules the others out (a decoder may read it right; it cannot be sure).
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import functools
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the repo, when run as a script
sys.path.insert(0, str(HERE))

from writes_significant import SMALL, owned  # noqa: E402

from stackdemux.demux.writes_reading import GOROOT, reading  # noqa: E402
from stackdemux.demux.writes_tokens import WAIT_REASONS, write_ends  # noqa: E402
from stackdemux.grammar import line_grammar  # noqa: E402

# Values the runtime prints with one print argument: one write each.
ONE_WRITE = ("func", "file", "lineno", "goid", "state", "parent", "offset", "message", "text",
             "fp", "sp", "pc", "gp", "m", "mp", "addr", "minutes", "ancestor", "elided",
             "register", "register_value", "signame", "sigcode", "code", "signum", "status")
_CLOSURE = re.compile(r"(?:\.(?:func|gowrap|deferwrap)\d+)+$")
# A number is printed whole (printint, printhex): no write ends inside one.
_NUMBER = re.compile(r"0x[0-9a-fA-F]+|[0-9]+")
# What score.py compares of a report (its report_key), by line kind.
SCORED = {"frame_call": ("func",), "frame_file": ("file", "lineno"),
          "goroutine_header": ("goid", "state"), "created_by": ("func",),
          "panic": ("message",), "fatal_error": ("text",), "chained_panic": ("message",)}
_HEX = re.compile(r"0x[0-9a-fA-F]+\??")
_NAME = re.compile(r"[A-Za-z_][\w./*()\-]*")


def shape(piece: str) -> str:
    """What a piece may be exchanged with: digits, a hex number, a name;
    anything else (a literal of the grammar, a newline) only with itself."""
    if piece.isdigit():
        return "digits"
    if _HEX.fullmatch(piece):
        return "hex"
    if _NAME.fullmatch(piece):
        return "name"
    return "literal:" + piece


@dataclass
class Line:
    text: str
    kind: str | None
    fields: dict[str, tuple[int, int]]  # field -> span in the line

    def value(self, name: str) -> str | None:
        s = self.fields.get(name)
        return self.text[s[0]:s[1]] if s else None


def read_line(text: str) -> Line:
    kind, m = line_grammar().classify(text)
    if kind is None or m is None:
        return Line(text, None, {"text": (0, len(text))} if text else {})
    spans = {f: m.span(g) for f, g in line_grammar().kinds[kind].fields.items()
             if m.group(g) is not None}
    return Line(text, kind, spans)


def cuts_of(out: str) -> set[int]:
    """Where a process's own text may change writer: line starts, the ends of
    each value printed whole, and writes_tokens' ends outside those values."""
    ends = write_ends(out)
    cuts = {j for j in range(len(ends)) if ends[j]}
    for m in _NUMBER.finditer(out):
        cuts.difference_update(range(m.start() + 1, m.end()))
    pos = 0
    for text in out.split("\n"):
        ln = read_line(text)
        for name in ONE_WRITE:
            if name in ln.fields:
                a, b = ln.fields[name]
                cuts.difference_update(range(pos + a + 1, pos + b))
                cuts.update((pos + a, pos + b))
        cuts.add(pos)
        pos += len(text) + 1
    return cuts


@dataclass
class Pieces:
    """The merge cut into pieces of one writer each."""

    text: str
    start: list[int]  # merge offset of each piece
    owner: list[int]
    outs: list[str]

    def piece(self, k: int) -> str:
        end = self.start[k + 1] if k + 1 < len(self.start) else len(self.text)
        return self.text[self.start[k]:end]


def pieces_of(text: str, owners: list[object], outs: list[str]) -> Pieces:
    cuts = [cuts_of(o) for o in outs]
    seen = [0] * len(outs)
    start: list[int] = []
    owner: list[int] = []
    prev = None
    for j, o in enumerate(owners):
        k = o if isinstance(o, int) else -1
        at = seen[k] if k >= 0 else -1
        if k != prev or (k >= 0 and at in cuts[k]):
            start.append(j)
            owner.append(k)
        if k >= 0:
            seen[k] += 1
        prev = k
    return Pieces(text, start, owner, outs)


# ------------------------------------------------------------ the rules ---

def package_dir(func: str) -> str | None:
    """The import path of a function's package (None: main, whose directory
    is the program's own)."""
    slash = func.rfind("/")
    dot = func.find(".", slash + 1)
    if dot < 0:
        return None
    pkg = func[:dot]
    return None if pkg == "main" else pkg


def has_package(func: str) -> bool:
    return "." in func[func.rfind("/") + 1:]  # not the builtin `panic`


def in_package(func: str, file: str, main_dirs: set[str]) -> bool:
    """Whether a function's file lies in its package's directory: a std
    package's under GOROOT/src (go:linkname'd functions in runtime/), any
    other's in a directory named as its import path ends (the path below the
    module root), main's beside the process's other main files."""
    pkg = package_dir(func)
    d = file.rsplit("/", 1)[0]
    if not has_package(func):  # the builtin panic: the runtime's gopanic
        return file.endswith("runtime/panic.go")
    if pkg is None:
        return d in main_dirs
    if (d == "runtime" or d.endswith("/src/runtime")) and "." not in pkg.split("/", 1)[0]:
        return True  # time.Sleep, sync.runtime_Semacquire: std, the runtime's
    g = GOROOT.match(file)
    if g:
        return d == f"{g.group(1)}/{pkg}"
    d = re.sub(r"@v[^/]*", "", d)
    return d.rsplit("/", 1)[-1] == pkg.rsplit("/", 1)[-1]


_DECL = re.compile(r"^func\s*(?:\(\s*\w*\s*\*?(\w+)(?:\[[^\]]*\])?\s*\)\s*)?(\w+)\s*[\[(]",
                   re.M)


@functools.cache
def release_bodies(path: str) -> dict[tuple[str | None, str], list[tuple[int, int]]]:
    """The line interval of each function of a Go release's source file, by
    (receiver type, name): what a decoder shipping the releases' sources knows."""
    try:
        src = Path(path).read_text(errors="replace").split("\n")
    except OSError:
        return {}
    got: dict[tuple[str | None, str], list[tuple[int, int]]] = defaultdict(list)
    if path.endswith(".s"):  # assembly: TEXT runtime·futex(SB) to the next TEXT
        texts = [(i, m.group(1)) for i, t in enumerate(src) if (m := _TEXT.match(t))]
        for (i, name), nxt in zip(texts, [*texts[1:], (len(src), "")], strict=True):
            got[(None, name)].append((i + 1, nxt[0]))
        return got
    for i, text in enumerate(src):
        m = _DECL.match(text)
        if not m:
            continue
        end = next((j for j in range(i, len(src)) if src[j].startswith("}")), i)
        got[(m.group(1), m.group(2))].append((i + 1, end + 1))
    return got


_TEXT = re.compile(r"^TEXT\s+[\w/]*·(\w+)(?:<[^>]*>)?\(SB\)")


def in_release_source(func: str, file: str, line: int) -> bool:
    """Whether a function holds that line in its source file (a Go release's
    under its GOROOT, a program's), where the file is on this machine; True
    where the source is not known."""
    bodies = release_bodies(file)
    if not bodies:
        return True
    name = _CLOSURE.sub("", func[func.rfind("/") + 1:])
    parts = name.split(".")[1:]  # past the package
    if not parts:
        return True
    pkg = package_dir(func)
    d = file.rsplit("/", 1)[0]
    g = GOROOT.match(file)
    if pkg is not None and (d != f"{g.group(1)}/{pkg}" if g else
                            d.rsplit("/", 1)[-1] != pkg.rsplit("/", 1)[-1]):
        return True  # go:linkname'd (internal/runtime/maps.fatal in runtime/): not judged
    recv = parts[0].strip("(*)") if len(parts) > 1 else None
    spans = bodies.get((recv, parts[-1] if recv else parts[0]))
    if spans is None:
        return True  # generated or generic names: not judged
    return any(a <= line <= b for a, b in spans)


def outer(func: str) -> str:
    """The function a closure or go-statement wrapper lies in."""
    return _CLOSURE.sub("", func)


def program_file(file: str) -> str:
    """A file as every process names it: a release's whole, a program's by
    its name alone (-trimpath prints a module path where others print a
    directory)."""
    return file if GOROOT.match(file) else file.rsplit("/", 1)[-1]


def release(file: str | None, k: int) -> str | None:
    """The Go release a file of process k is of (its GOROOT; a -trimpath'd
    std file, the process's own): None for a program's file, the same in
    every process."""
    if not file:
        return None
    g = GOROOT.match(file)
    if g:
        return g.group(1)
    return f"std of {k}" if file.split("/", 1)[0] in STD_DIRS else None


STD_DIRS = frozenset({"runtime", "sync", "internal", "time", "testing", "os", "net", "syscall",
                      "reflect", "fmt", "io", "bufio", "context", "strings", "sort"})


@dataclass
class Frame:
    func: str
    file: str | None
    lineno: str | None
    offset: str | None
    callee: str | None  # the function of the frame printed before it in its goroutine
    words: int | None
    addresses: tuple[str, ...]
    created: bool = False


@dataclass
class Facts:
    """What every process's lines say, counted so that a reading's own
    lines can be taken out before its alternative is weighed."""

    files: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    edges: dict[tuple, Counter] = field(default_factory=lambda: defaultdict(Counter))
    sites: dict[tuple, Counter] = field(default_factory=lambda: defaultdict(Counter))
    spans: dict[str, dict[str, Counter]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Counter)))
    offsets: dict[tuple, Counter] = field(default_factory=lambda: defaultdict(Counter))
    words: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    arenas: dict[int, Counter] = field(default_factory=lambda: defaultdict(Counter))
    roots: dict[int, Counter] = field(default_factory=lambda: defaultdict(Counter))
    main_dirs: dict[int, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, k: int, f: Frame, n: int = 1) -> None:
        if f.file:
            g = GOROOT.match(f.file)
            self.files[(release(f.file, k), f.func)][program_file(f.file)] += n
            if g:
                self.roots[k][g.group(1)] += n
            if package_dir(f.func) is None and has_package(f.func):
                self.main_dirs[k][f.file.rsplit("/", 1)[0]] += n
        if f.lineno is not None:
            self.edges[(release(f.file, k), f.func, f.callee, f.created)][f.lineno] += n
            if not f.created:  # a go statement's line is its wrapper's too (1.19's F.func1)
                self.sites[(f.file, f.lineno)][f.func] += n
            self.spans[f.file][f.func][int(f.lineno)] += n
            if f.offset is not None:
                self.offsets[(k, f.func, f.lineno)][f.offset] += n
        if f.words is not None:
            self.words[(release(f.file, k), f.func)][f.words] += n
        for a in f.addresses:
            self.arenas[k][a] += n


def frames_of(lines: list[Line]) -> list[tuple[int, Frame]]:
    """Each frame (call or created-by line and its file line) with the index
    of its first line."""
    got: list[tuple[int, Frame]] = []
    callee: str | None = None
    for i, ln in enumerate(lines):
        if ln.kind == "goroutine_header":
            callee = None
        if ln.kind not in ("frame_call", "created_by"):
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        fl = nxt if nxt is not None and nxt.kind == "frame_file" else None
        func = ln.value("func") or ""
        r = reading(ln.text)
        inlined = ln.value("args") == "..."  # an inlined call prints no words
        got.append((i, Frame(func, fl.value("file") if fl else None,
                             fl.value("lineno") if fl else None,
                             fl.value("offset") if fl else None, callee,
                             r.words if r and not inlined else None, r.addresses if r else (),
                             ln.kind == "created_by")))
        if func != "runtime.goexit":  # a creator's go statement started the goroutine's
            callee = func  # first function: its frame above goexit
    return got


def goroutines_of(lines: list[Line]) -> list[tuple[int, int, int]]:
    """(report index, header line, end line) of each goroutine."""
    got = []
    report = 0
    for i, ln in enumerate(lines):
        if ln.kind in ("panic", "fatal_error", "sigdump", "test_fail") and i and got:
            report += 1
        if ln.kind == "goroutine_header":
            j = i + 1
            while j < len(lines) and lines[j].kind in ("frame_call", "frame_file", "created_by",
                                                      "frames_elided", "additional_frames_elided",
                                                      "ancestor_header"):
                j += 1
            got.append((report, i, j))
    return got


_REASON = re.compile(r'^\s*(?:waitReason\w+|_G\w+)\s*:\s*"([^"]+)"', re.M)


@functools.cache
def states() -> frozenset[str]:
    """The goroutine states the runtime prints: its status and wait-reason
    strings, from the releases' sources on this machine (runtime2.go,
    traceback.go), with writes_tokens' list."""
    got = set(WAIT_REASONS)
    for root in [*Path("/opt/gobin").glob("*/go"), Path("/usr/lib/go-1.19")]:
        for f in ("runtime2.go", "traceback.go"):
            with contextlib.suppress(OSError):
                got.update(_REASON.findall((root / "src/runtime" / f).read_text()))
    return frozenset(got)


def state_ok(state: str) -> bool:
    """A header's state as printed: a status or wait reason, then maybe
    `, N minutes`, `, locked to thread` (the grammar reads those apart)."""
    return state.split(",", 1)[0].strip() in states()


class Judge:
    """Weighs an alternative text of one or two processes against the rules."""

    def __init__(self, outs: list[str], off: frozenset[str] = frozenset()) -> None:
        self.off = off  # rules not applied
        self.lines = [[read_line(t) for t in o.split("\n")] for o in outs]
        self.facts = Facts()
        for k, ls in enumerate(self.lines):
            for _, f in frames_of(ls):
                self.facts.add(k, f)

    def on(self, rule: str) -> bool:
        return rule not in self.off

    def broken(self, k: int, new: list[Line], changed: list[int]) -> str | None:
        """Why process k's lines `new` (changed at `changed`) are no Go output,
        or None. Works on the frames and goroutines the changes touch."""
        old = self.lines[k]
        for i in changed:
            ln = new[i]
            if ln.kind != old[i].kind and self.on("kind"):
                return "kind"
            r = reading(ln.text) if ln.kind is not None else None
            was = reading(old[i].text) if old[i].kind is not None else None
            worse = r is None or r.cost > (was.cost if was else 0.0)
            if ln.kind is not None and worse and self.on("field"):
                return "field"
            if ln.kind is None and ln.text != old[i].text and self.on("kind"):
                return "kind"
            args = ln.value("args") or ""
            if ("{, " in args or ", }" in args or args.endswith(", ")) and self.on("field"):
                return "field"  # the runtime prints no empty word
        touched = set(changed)
        olds = [f for i, f in frames_of(old) if i in touched or i + 1 in touched]
        news = [f for i, f in frames_of(new) if i in touched or i + 1 in touched]
        # what the changed frames of callee lines below them: a changed call
        # line is the callee of the frame after it
        after = {i + 2 for i in touched} | {i + 1 for i in touched}
        olds += [f for i, f in frames_of(old) if i in after and i not in touched
                 and i + 1 not in touched]
        news += [f for i, f in frames_of(new) if i in after and i not in touched
                 and i + 1 not in touched]
        fx = self.facts
        for f in olds:
            fx.add(k, f, -1)
        try:
            why = self._frames(k, news)
        finally:
            for f in olds:
                fx.add(k, f, 1)
        if why:
            return why
        return self._goroutines(new, touched)

    def _frames(self, k: int, frames: list[Frame]) -> str | None:
        fx = self.facts
        roots = {r for r, n in fx.roots[k].items() if n > 0}
        mains = {d for d, n in fx.main_dirs[k].items() if n > 0}
        for f in frames:
            if f.file:
                g = GOROOT.match(f.file)
                if g and roots and g.group(1) not in roots and self.on("goroot"):
                    return "goroot"
                if ((package_dir(f.func) is not None or mains or not has_package(f.func))
                        and not in_package(f.func, f.file, mains) and self.on("package")):
                    return "package"
                other = {x for x, n in fx.files[(release(f.file, k), f.func)].items() if n > 0}
                if other and program_file(f.file) not in other and self.on("file"):
                    return "file"
            if f.lineno is not None:
                key = (release(f.file, k), f.func, f.callee, f.created)
                other = {x for x, n in fx.edges[key].items() if n > 0}
                if (f.callee is not None  # a top frame's line: where it stopped, anywhere
                        and other and f.lineno not in other and self.on("call line")):
                    return "call line"
                other = {x for x, n in fx.sites[(f.file, f.lineno)].items() if n > 0}
                if other and not f.created and f.func not in other and self.on("site"):
                    return "site"
                if f.file and not self._body(fx.spans[f.file], f.func, int(f.lineno)) and self.on(
                        "body"):
                    return "body"
                if f.lineno == "0" and f.file != "?" and self.on("field"):
                    return "field"
                if (g and not in_release_source(f.func, f.file, int(f.lineno))
                        and self.on("source")):
                    return "source"
                if (not g and not in_release_source(f.func, f.file, int(f.lineno))
                        and self.on("program source")):
                    return "program source"
                if f.offset is not None:
                    other = {x for x, n in fx.offsets[(k, f.func, f.lineno)].items() if n > 0}
                    if other and f.offset not in other and self.on("offset"):
                        return "offset"
            if f.words is not None:
                other = {x for x, n in fx.words[(release(f.file, k), f.func)].items() if n > 0}
                if other and f.words not in other and self.on("words"):
                    return "words"
        return None

    @staticmethod
    def _body(funcs: dict[str, Counter], func: str, line: int) -> bool:
        """Whether func may hold line: a function's lines are one interval of
        its file with no other function's line inside it; a closure's lines
        (F.func1, F.gowrap2) are its function's too."""
        mine = [line] + [x for g, lines in funcs.items() if outer(g) == outer(func)
                         for x, n in lines.items() if n > 0]
        lo, hi = min(mine), max(mine)
        for g, lines in funcs.items():
            if outer(g) == outer(func):
                continue
            theirs = [x for x, n in lines.items() if n > 0]
            if theirs and (any(lo <= x <= hi for x in theirs)
                           or min(theirs) < line < max(theirs)):
                return False
        return True

    def _goroutines(self, lines: list[Line], touched: set[int]) -> str | None:
        gs = goroutines_of(lines)
        ids: dict[int, Counter] = defaultdict(Counter)
        for rep, h, _ in gs:
            ids[rep][lines[h].value("goid")] += 1
        for rep, h, end in gs:
            if not touched & set(range(h, end)):
                continue
            gid = lines[h].value("goid")
            if ids[rep][gid] > 1 and self.on("same id"):
                return "same id"
            state = lines[h].value("state") or ""
            if not state_ok(state) and self.on("state"):
                return "state"
            created = next((lines[i] for i in range(h, end) if lines[i].kind == "created_by"),
                           None)
            if created is not None and gid == "1" and self.on("goroutine 1"):
                return "goroutine 1"
            if created is None and end > h + 1 and gid != "1" and any(
                    lines[i].value("func") == "main.main" for i in range(h, end)) and self.on(
                    "goroutine 1"):
                return "goroutine 1"
            if created is not None and created.value("parent") == gid and self.on("parent"):
                return "parent"
        return None


# ------------------------------------------------------------ the search ---

@dataclass
class Alternative:
    what: str  # swap or move
    pieces: tuple[int, ...]
    procs: tuple[int, ...]
    changes: list[tuple[int, int, str, str, str]]  # process, line, field, truth, alternative
    moves: tuple[tuple[int, int, int], ...] = ()  # piece, from process, to process

    def owners(self, p: Pieces, owners: list[int]) -> list[int]:
        """Who writes each character in this reading (`owners`: the truth's)."""
        got = list(owners)
        for k, _, to in self.moves:
            end = p.start[k + 1] if k + 1 < len(p.start) else len(p.text)
            got[p.start[k]:end] = [to] * (end - p.start[k])
        return got


class Search:
    def __init__(self, p: Pieces, off: frozenset[str] = frozenset()) -> None:
        self.p = p
        self.judge = Judge(p.outs, off)
        self.last = ""  # the rule the last alternative weighed broke
        self.near = 0  # exchanges that broke only a rule of consistency
        self.of: list[list[int]] = [[] for _ in p.outs]  # each process's pieces, in order
        for k, o in enumerate(p.owner):
            if o >= 0:
                self.of[o].append(k)
        self.texts = ["".join(p.piece(k) for k in ks) for ks in self.of]
        self.reasons: Counter = Counter()

    def text_with(self, proc: int, drops: set[int], adds: list[int]) -> tuple[str, list[int]]:
        """Process proc's text and pieces with `drops` given away and `adds` taken."""
        ks = [k for k in self.of[proc] if k not in drops] if drops else list(self.of[proc])
        for k in adds:
            bisect.insort(ks, k)
        return "".join(self.p.piece(k) for k in ks), ks

    def diff(self, proc: int, new: str) -> tuple[list[Line], list[int]] | None:
        """Process proc's lines with `new` as its text and the lines that
        changed; None when its line count changed."""
        old = self.texts[proc]
        if new.count("\n") != old.count("\n"):
            return None
        lo, hi = 0, min(len(old), len(new))
        while lo < hi:  # the first differing character
            mid = (lo + hi + 1) // 2
            if old[:mid] == new[:mid]:
                lo = mid
            else:
                hi = mid - 1
        tail = 0
        lo2, hi2 = 0, min(len(old), len(new)) - lo
        while lo2 < hi2:
            mid = (lo2 + hi2 + 1) // 2
            if old[len(old) - mid:] == new[len(new) - mid:]:
                lo2 = mid
            else:
                hi2 = mid - 1
        tail = lo2
        first = old.count("\n", 0, lo)
        last = first + new.count("\n", lo, len(new) - tail)
        lines = list(self.judge.lines[proc])
        new_texts = new.split("\n")
        changed = []
        for i in range(first, last + 1):
            if new_texts[i] != lines[i].text:
                lines[i] = read_line(new_texts[i])
                changed.append(i)
        return lines, changed

    def one_write(self, proc: int, ks: list[int], lines: list[Line], changed: list[int]) -> bool:
        """Every value printed whole in the changed lines is one write: its
        characters are pieces of proc that stand contiguous in the merge, and
        it starts and ends where those pieces do."""
        p = self.p
        offs = []
        at = 0
        for k in ks:
            offs.append(at)
            at += len(p.piece(k))
        starts = [0]
        for ln in lines[:-1]:
            starts.append(starts[-1] + len(ln.text) + 1)
        for i in changed:
            ln = lines[i]
            for name in ONE_WRITE:
                if name not in ln.fields:
                    continue
                a, b = ln.fields[name]
                if a == b:
                    continue
                a += starts[i]
                b += starts[i]
                x = bisect.bisect_right(offs, a) - 1
                y = bisect.bisect_left(offs, b)
                if offs[x] != a or (offs[y] if y < len(offs) else at) != b:
                    return False
                for z in range(x, y - 1):
                    if ks[z + 1] != ks[z] + 1:
                        return False
        return True

    def weigh(self, what: str, moves: list[tuple[int, int, int]]) -> Alternative | None:
        """moves: (piece, from process, to process)."""
        procs = sorted({m[1] for m in moves} | {m[2] for m in moves})
        changes = []
        self.last = ""
        for proc in procs:
            new, ks = self.text_with(proc, {m[0] for m in moves if m[1] == proc},
                                     [m[0] for m in moves if m[2] == proc])
            d = self.diff(proc, new)
            if d is None:
                self.reasons["lines"] += 1
                return None
            lines, changed = d
            if self.judge.on("writes") and not self.one_write(proc, ks, lines, changed):
                self.reasons["writes"] += 1
                return None
            why = self.judge.broken(proc, lines, changed)
            if why:
                self.reasons[why] += 1
                self.last = why
                return None
            for i in changed:
                old = self.judge.lines[proc][i]
                for name in old.fields.keys() | lines[i].fields.keys():
                    a, b = old.value(name), lines[i].value(name)
                    if a != b:
                        changes.append((proc, i, name, a or "", b or ""))
        self.reasons["valid"] += 1
        return Alternative(what, tuple(m[0] for m in moves), tuple(procs), changes, tuple(moves))

    def run(self, window: int, pairs: int = 0) -> list[Alternative]:
        """Every valid single exchange and move; with `pairs`, two exchanges
        of the same two processes at most `pairs` pieces apart that each
        broke only a rule of consistency (a frame, an id, a state: what the
        other may mend), weighed together."""
        p = self.p
        n = len(p.start)
        shapes = [shape(p.piece(k)) for k in range(n)]
        found = []
        near: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        for a in range(n):
            pa = p.owner[a]
            if pa < 0 or shapes[a].startswith("literal"):
                continue
            for b in range(a + 1, min(n, a + window)):
                pb = p.owner[b]
                if pb < 0 or pb == pa or shapes[b] != shapes[a] or p.piece(a) == p.piece(b):
                    continue
                alt = self.weigh("swap", [(a, pa, pb), (b, pb, pa)])
                if alt:
                    found.append(alt)
                elif self.last in CONSISTENCY:
                    near[(min(pa, pb), max(pa, pb))].append((a, b))
            for nb in (a - 1, a + 1):  # a piece given to the writer beside it
                if 0 <= nb < n and p.owner[nb] >= 0 and p.owner[nb] != pa:
                    alt = self.weigh("move", [(a, pa, p.owner[nb])])
                    if alt:
                        found.append(alt)
        if pairs:
            self.near = sum(len(v) for v in near.values())
            for swaps in near.values():
                for i, (a, b) in enumerate(swaps):
                    for c, d in swaps[i + 1:]:
                        if c - a > pairs:
                            break
                        if len({a, b, c, d}) < 4:
                            continue
                        moves = [(a, p.owner[a], p.owner[b]), (b, p.owner[b], p.owner[a]),
                                 (c, p.owner[c], p.owner[d]), (d, p.owner[d], p.owner[c])]
                        alt = self.weigh("two swaps", moves)
                        if alt:
                            found.append(alt)
        return found


    def tails(self) -> list[tuple[int, int, int, int]]:
        """Two processes' writes exchanged from a place on: where both stand
        at a line start in the same report state (a message written, a
        goroutine's frames), the rest of one is as good a rest of the other
        unless a rule ties it to what came before (one GOROOT, one pc offset
        a frame, unique ids in a report: the judge weighs every line after
        the place). The message of a report and the goroutines below it are
        two processes' as well as one's: no piece exchange finds that. Each
        valid one as (process a, its lines before, process b, its lines
        before)."""
        from stackdemux.demux.writes_decode import _report_automaton

        p, outs = self.p, self.p.outs
        auto = _report_automaton()
        stacks = []  # per process: the report state after each of its first i lines
        for ls in self.judge.lines:
            st = auto.start
            got = [st]
            for ln in ls:
                if ln.text and ln.kind is not None:
                    st = auto.step(st, ln.kind.upper()) or st
                got.append(st)
            stacks.append(got)
        written = [0] * len(outs)
        cuts: set[tuple[int, ...]] = set()
        for k in range(len(p.start)):
            o = p.owner[k]
            if o < 0:
                continue
            written[o] += len(p.piece(k))
            if not p.piece(k).endswith("\n"):
                continue
            for q in range(len(outs)):  # the place after o's newline: who else is at a line start
                c = written[q]
                if q == o or not c or (c < len(outs[q]) and outs[q][c - 1] != "\n"):
                    continue
                if c >= len(outs[q]) or written[o] >= len(outs[o]):
                    continue
                la, lb = outs[o].count("\n", 0, written[o]), outs[q].count("\n", 0, c)
                if stacks[o][la] != stacks[q][lb] or outs[o][written[o]:] == outs[q][c:]:
                    continue
                lo, lq = self.judge.lines[o], self.judge.lines[q]
                if (lo[la - 1].text == "") != (lq[lb - 1].text == "") or (
                        lo[la].text == "") != (lq[lb].text == ""):
                    continue  # a process prints its blank lines where its kinds ask
                cuts.add((min(o, q), *((la, lb) if o < q else (lb, la)), max(o, q)))
        found = []
        for a, la, lb, b in sorted(cuts):
            ca = sum(len(t) + 1 for t in outs[a].split("\n")[:la])
            cb = sum(len(t) + 1 for t in outs[b].split("\n")[:lb])
            new = list(outs)
            new[a], new[b] = outs[a][:ca] + outs[b][cb:], outs[b][:cb] + outs[a][ca:]
            judge = Judge(new, self.judge.off)
            why = None
            for k, at in ((a, la), (b, lb)):
                lines = judge.lines[k]
                why = why or judge.broken(k, lines, list(range(at, len(lines)))) or (
                    "tests" if not tests_ok(new[k]) else None) or (
                    "release" if not release_ok(new[k]) else None)
            if why is None and _keys(new[a]) + _keys(new[b]) == _keys(outs[a]) + _keys(outs[b]):
                continue  # the same reports (one program and release: arguments aside)
            self.reasons["tails " + (why or "valid")] += 1
            if why is None:
                found.append((a, la, b, lb))
        return found


_RUN = re.compile(r"^=== RUN +(\S+)$", re.M)
_DONE = re.compile(r"^ *--- (?:FAIL|PASS|SKIP): (\S+) ", re.M)


def tests_ok(out: str) -> bool:
    """go test prints a test's `--- FAIL: X` after its `=== RUN   X`, in
    the process that ran it."""
    runs = set(_RUN.findall(out))
    return not runs or all(t in runs for t in _DONE.findall(out))


_RELEASE = re.compile(r"/(?:gobin/|go-)1\.(\d+)")


def release_ok(out: str) -> bool:
    """A panic `[recovered, repanicked]` is Go 1.25's and later's print."""
    if "[recovered, repanicked]" not in out:
        return True
    minors = {int(m) for m in _RELEASE.findall(out)}
    return not minors or max(minors) >= 25


def _keys(out: str) -> Counter:
    from score import report_key

    from stackdemux.parse import parse_text

    return Counter(report_key(r) for r in parse_text(out).reports)


# Rules one exchange may break and another mend.
CONSISTENCY = frozenset({"site", "body", "file", "package", "offset", "words", "same id",
                         "goroutine 1", "parent", "source", "goroot", "call line",
                         "program source"})


def report_of(lines: list[Line], i: int) -> int:
    rep = 0
    for r, h, _ in goroutines_of(lines):
        if h <= i:
            rep = r
    return rep


def scored(alt: Alternative, judge: Judge) -> set[tuple[int, int]]:
    """The reports (process, report index) whose scored values the
    alternative changes."""
    got = set()
    for proc, i, name, _, _ in alt.changes:
        kind = judge.lines[proc][i].kind
        if name in SCORED.get(kind or "", ()):
            got.add((proc, report_of(judge.lines[proc], i)))
    return got


def reports_in(outs: list[str]) -> list[tuple[int, int]]:
    from stackdemux.parse import parse_text

    return [(k, r) for k, o in enumerate(outs) for r in range(len(parse_text(o).reports))]


def model_margins(p: Pieces, owners: list[object], alts: list[Alternative],
                  judge: Judge) -> dict[tuple[int, int], list[float]]:
    """The write decoder's cost of each alternative that changes a report,
    held to its writers, less the truth's: what its model prefers (a margin
    below 0: the wrong reading is the cheaper)."""
    from stackdemux.demux.writes_decode import decode

    held = [o if isinstance(o, int) else -1 for o in owners]
    truth = decode(p.text, owners=held).cost
    got: dict[tuple[int, int], list[float]] = defaultdict(list)
    last = dict(reports_in(p.outs))
    for alt in alts:
        hit = scored(alt, judge)
        if hit:
            cost = decode(p.text, owners=alt.owners(p, held)).cost - truth
            for k, r in hit:
                got[(k, min(r, last.get(k, 0)))].append(round(cost, 1))
    return got


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cases", nargs="*")
    ap.add_argument("--window", type=int, default=40)
    ap.add_argument("--examples", type=int, default=3)
    ap.add_argument("--pairs", type=int, default=0,
                    help="also two exchanges of two processes at most this many pieces apart")
    ap.add_argument("--without", default="call line,program source",
                    help="rules not applied, comma-separated (writes, field, package, site, "
                         "body, source, ...; default: the soft `call line` and `program "
                         "source`, which needs the program's own source)")
    ap.add_argument("--no-tails", dest="tails", action="store_false",
                    help="leave out the exchanges of two processes' writes from a place on "
                         "(the ceiling as measured before writes20)")
    ap.add_argument("--model", action="store_true",
                    help="the write decoder's cost of each alternative beside the truth's")
    args = ap.parse_args()
    off = frozenset(w.strip() for w in args.without.split(",") if w.strip())
    total = ambiguous_total = preferred_total = values_total = unsure_total = 0
    for name in args.cases or SMALL:
        text, owners, outs = owned(name)
        p = pieces_of(text, owners, outs)
        s = Search(p, off)
        alts = s.run(args.window, args.pairs)
        reps = reports_in(outs)
        last = {k: r for k, r in reps}  # the parser's last report of each process
        amb: dict[tuple[int, int], Counter] = defaultdict(Counter)
        quiet = 0
        tails = s.tails() if args.tails else []
        for a, la, b, lb in tails:
            for k, at in ((a, la), (b, lb)):
                lines = s.judge.lines[k]
                for r in range(report_of(lines, at), last.get(k, 0) + 1):
                    amb[(k, r)]["tails"] += 1
        for alt in alts:
            hit = scored(alt, s.judge)
            if not hit:
                quiet += 1
            for k, r in hit:  # a second signal dump of a process is one report of the parser
                amb[(k, min(r, last.get(k, 0)))][
                    ", ".join(sorted({f"{c[2]}" for c in alt.changes}))] += 1
        total += len(reps)
        ambiguous_total += len(amb)
        values = sum(1 for ls in s.judge.lines for ln in ls
                     for f in SCORED.get(ln.kind or "", ()) if f in ln.fields)
        unsure = {(c[0], c[1], c[2]) for alt in alts for c in alt.changes
                  if c[2] in SCORED.get(s.judge.lines[c[0]][c[1]].kind or "", ())}
        values_total += values
        unsure_total += len(unsure)
        margins = model_margins(p, owners, alts, s.judge) if args.model else {}
        preferred = sum(1 for r in amb if margins.get(r) and min(margins[r]) > 0)
        preferred_total += preferred
        print(f"{name}: {len(p.start)} pieces, {s.near} near, {len(alts)} valid alternatives "
              f"({quiet} change no report), reports ambiguous {len(amb)}/{len(reps)}"
              + (f" (the model prefers the truth in {preferred})" if args.model else "")
              + f", scored values ambiguous {len(unsure)}/{values}"
              + f"; refused {dict(s.reasons.most_common())}")
        for r, kinds in sorted(amb.items()):
            print(f"  p{r[0]} report {r[1]}: {dict(kinds.most_common(4))}"
                  + (f" model margins {sorted(margins.get(r, []))}" if args.model else ""))
        shown = 0
        for alt in alts:
            if shown >= args.examples or not scored(alt, s.judge):
                continue
            shown += 1
            print(f"    {alt.what} pieces {alt.pieces} of p{alt.procs}: "
                  + "; ".join(f"p{c[0]} line {c[1]} {c[2]} {c[3]!r} -> {c[4]!r}"
                              for c in alt.changes))
    print(f"all: reports ambiguous {ambiguous_total}/{total}, "
          f"decidable at most {total - ambiguous_total}/{total}; scored values (ids, states, "
          f"functions, files, line numbers, messages) ambiguous {unsure_total}/{values_total}"
          + (f"; of the ambiguous, the model prefers the truth to every alternative in "
             f"{preferred_total}" if args.model else ""))


if __name__ == "__main__":
    main()
