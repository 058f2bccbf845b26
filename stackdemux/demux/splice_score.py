"""How much a reading of a text looks like a line a Go process printed.

The splicer weighs readings of fragments joined or cut apart; a text the line
grammar reads is not yet a real line: a spliced line often reads as a valid
line whose words are two processes' values run together. What decides is what
the rest of the log prints intact: files, functions, their packages and
directories, and file:line positions repeat in every traceback.

Which cuts of a text can make a line with a head at all is splice_joins.py's
(an automaton of narrow()'s regex).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Container, Iterable, Sequence
from functools import cache

from .. import rx
from ..grammar import line_grammar

__all__ = ["LENIENT", "Vocabulary", "accepted", "best_quality", "joined", "marks", "narrow",
           "path_style", "plausible", "read_all", "valid"]

G = line_grammar()
_match = G.match
# Readings remembered at most (names weighed per kind, names and source lines).
MEMO_MAX = 1 << 16
# Fields by group name: the same in the whole classifier and in the narrower
# regexes of a few kinds that joins are read with (see `joined`).
_NAMES = {i: n for n, i in G.regex.groupindex.items()}


def _field(kind: str, name: str) -> str | None:
    i = G.kinds[kind].fields.get(name)
    return _NAMES[i] if i else None


_FUNC = {k: _field(k, "func") for k in G.kinds}
_FILE = {k: _field(k, "file") for k in G.kinds}
_LINENO = {k: _field(k, "lineno") for k in G.kinds}
_NAMED = {k: (_FUNC[k], _FILE[k], _LINENO[k]) for k in G.kinds}
# Kinds whose quality reads nothing a Vocabulary learns (no function or file;
# not a header's wait reason, a failing test's package or a file line's sp).
_UNNAMED = frozenset(k for k in G.kinds if _FUNC[k] is None and _FILE[k] is None
                     and k not in ("goroutine_header", "test_package_fail", "frame_file"))
# A panic's ` [recovered]`: what the runtime appends to a message, read apart by the grammar.
_ANNOTATION = {k: g for k in G.kinds if (g := _field(k, "annotation"))}

# A line longer than this is never cut or joined: no traceback line is, and the
# work per line stays bounded.
MAX_SPLICED = 4096

# Kinds whose text is free: a splice inside them reads as one valid line.
LENIENT = frozenset({"panic", "chained_panic", "fatal_error", "indented", "runtime_note"})

# Go prints call arguments as words of hex (`0x1f?`), `...`, `_`, and braces around
# a struct's words: `{0x4a6a1c?, 0x4881?}`, `{}`; never an empty one (`(, 0xc5?)`
# is a call cut after its `(` with another call's last arguments run on). The
# grammar's ARGS takes any text without parentheses; a spliced call line shows
# in its words.
_ARG_WORD = rx.compile(r"\{*(?:0x[0-9a-f]+\??|\.\.\.|_)?\}*")
_FP, _SP = _field("frame_file", "fp"), _field("frame_file", "sp")
_ARGS = _field("frame_call", "args")
# A frame's fp and sp are one frame apart: a frame of a megabyte is already rare.
_MAX_FRAME = 1 << 20
# A goroutine's wait reason is words of letters (runtime2.go's waitReasonStrings:
# "chan receive", "sync.Mutex.Lock", "GC worker (idle)"): digits, `*` or `{` in
# it are another process's call line run into a header cut before its `]:`, and
# none of its words is one letter (`chan s` + ` end]:` is `chan s` + `end]:`).
_STATE_WORDS = rx.compile(r"[a-zA-Z][a-zA-Z .()]*")
_STATE = _field("goroutine_header", "state")
# A failing test's package (`FAIL\texample.com/fleet/ledger`) is a package whose
# functions the log prints, or a parent of one (a module's root): a name no
# frame vouches for may be two chunks run together (`FAIL\texample.com/fleet` + `+0x125`).
_TEST_PACKAGE = _field("test_package_fail", "package")
# Go 1.21+ says which goroutine created one: `created by main.startIdle in goroutine 1`.
_PARENT = _field("created_by", "parent")
# The runtime prints hex numbers without leading zeros (printhex, %p): `0x00007500`
# is `0xc0` + `00007500` with the digits between in another process's chunk.
# (The race detector pads its addresses: its lines are not among these kinds.)
_PADDED = rx.compile(r"\b0x0[0-9a-fA-F]")
_UNPADDED = frozenset({"frame_call", "frame_file", "goroutine_header", "created_by", "signal",
                       "sigpc"})
# A function name's part that is digits run into a word (`runtime.0selectgo`,
# `0x0main.`) is no identifier: closures and init functions are all digits
# (`func1.2`, `init.0`). Only the last element of the package path is read.
_DIGIT_LED = rx.compile(r"(?:^|[/.])[0-9]+[A-Za-z_][^/]*$")


def valid(text: str) -> re.Match[str] | None:
    """The grammar's reading of a whole text, or None (blank lines read as nothing)."""
    if not text or len(text) > MAX_SPLICED:
        return None
    m = _match(text)
    if m is None or m.lastgroup == "blank":
        return None
    if m.lastgroup == "frame_call":
        func = m.group(_FUNC["frame_call"]) or ""
        if "." not in func and func != "panic":  # Go 1.21+ prints runtime.gopanic as `panic`
            return None
    return m


def joined(text: str) -> re.Match[str] | None:
    """valid() of a text made of fragments, by the kinds whose line may start
    with its first character only (most joins are tried and refused: a narrow
    regex refuses faster). Lines read as nothing but a tab and text are refused."""
    if not text or len(text) > MAX_SPLICED:
        return None
    return accepted(narrow(text[0]).fullmatch(text))


def accepted(m: re.Match[str] | None) -> re.Match[str] | None:
    """m, unless it is a call line whose function is no qualified name."""
    if m is not None and m.lastgroup == "frame_call":
        func = m.group(_FUNC["frame_call"]) or ""
        if "." not in func and func != "panic":
            return None
    return m


@cache
def narrow(first: str) -> re.Pattern[str]:
    """One regex of the kinds a line starting with `first` may be, in the
    grammar's order (compiled on first use: a log starts its lines with few
    characters; its code kept on disk by rx, as the grammar's: re's compiler took
    ~15 ms a pattern, 12-18 of them a run)."""
    firsts = _firsts()
    kinds = [k for k, fs in firsts.items() if fs is None or first in fs]
    return rx.compile("|".join(G.sources[k] for k in kinds))


@cache
def _firsts() -> dict[str, frozenset[str] | None]:
    """Each kind's possible first characters (None: any), blank and bare
    indented text left out."""
    return {k: _first_chars(G.leads.get(k)) for k in G.kinds_in_order
            if k not in ("blank", "indented")}


def _first_chars(lead: str | None) -> frozenset[str] | None:
    """The characters a match of a lead regex may start with; None: any."""
    if not lead:
        return None
    from ..sre import parser as _parser

    try:
        items = list(_parser.parse(lead))
    except re.error:
        return None
    return _first_of(items)


def _first_of(items: list) -> frozenset[str] | None:
    from ..sre import constants as c

    for op, av in items:
        if op is c.LITERAL:
            return frozenset(chr(av))
        if op is c.IN:
            out = set()
            for iop, iav in av:
                if iop is c.LITERAL:
                    out.add(chr(iav))
                elif iop is c.RANGE:
                    out.update(chr(x) for x in range(iav[0], iav[1] + 1))
                else:
                    return None
            return frozenset(out)
        if op is c.SUBPATTERN:
            return _first_of(list(av[-1]))
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            lo, _, sub = av
            if lo == 0:
                return None  # optional: what follows may come first
            return _first_of(list(sub))
        if op is c.BRANCH:
            out = set()
            for alt in av[1]:
                f = _first_of(list(alt))
                if f is None:
                    return None
                out |= f
            return frozenset(out)
        return None
    return None


def read_all(texts: Sequence[str], skip: Container[int] = (),
             matches: Sequence[re.Match[str] | None] | None = None
             ) -> Sequence[re.Match[str] | None]:
    """valid() of every text (None for those in skip): one C-level match per
    line, the per-line Python work only where a reading must be refused.
    `matches`: line_grammar().match of each text, when a caller has them already;
    else they are matched as they are asked for (see Readings)."""
    if matches is None:
        return Readings(texts, skip)
    return [_usable(m if len(t) <= MAX_SPLICED else None, i, skip)
            for i, (t, m) in enumerate(zip(texts, matches, strict=True))]


def _usable(m: re.Match[str] | None, i: int, skip: Container[int]) -> re.Match[str] | None:
    if m is not None:
        kind = m.lastgroup
        if kind == "blank" or i in skip:
            return None
        if kind == "frame_call":
            f = m.group(_FUNC["frame_call"]) or ""
            if "." not in f and f != "panic":
                return None
    return m


class Readings(Sequence):
    """read_all's readings, matched when asked for and the last CACHED kept: a
    match of the whole line grammar holds every group's span (~2 KB), so a
    list of them for every line of a 50 MB log would take gigabytes. The
    splicer asks line by line, and again for the few lines an open fragment
    came from. A line read as none is known so for good (a byte a line): the
    vocabulary and the rebuild read every line again after the search, and
    most lines of a log are none (8 services' chunks merge: 90 %), each
    matched three times where only the first told anything."""

    CACHED = 4096

    def __init__(self, texts: Sequence[str], skip: Container[int]) -> None:
        self.texts = texts
        self.skip = skip
        self.cache: dict[int, re.Match[str]] = {}
        self.none = bytearray(len(texts))  # 1: read as no line

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        got = self.cache.get(i)
        if got is None:
            if self.none[i]:
                return None
            t = self.texts[i]
            got = _usable(_match(t) if len(t) <= MAX_SPLICED else None, i, self.skip)
            if got is None:
                self.none[i] = 1
                return None
            cache = self.cache
            if len(cache) >= self.CACHED:
                del cache[next(iter(cache))]
            cache[i] = got
        return got


def plausible(m: re.Match[str]) -> bool:
    """The values in a reading are ones Go prints together, and its names are
    names: a function or file name with a space in it, or a file name with a
    call's parenthesis, is two lines run together."""
    func, file = fields(m)
    return _plausible(m, m.lastgroup, func, file)


def _plausible(m: re.Match[str], kind: str | None, func: str | None, file: str | None) -> bool:
    """plausible(), the reading's kind and names read already."""
    if func is not None and (" " in func or _DIGIT_LED.search(func)):
        return False
    if file is not None and (" " in file or "(" in file or ")" in file):
        return False
    if kind in _UNPADDED and _PADDED.search(m.group()):
        return False
    if kind == "frame_call" and _ARGS is not None:
        args = m.group(_ARGS)
        if args:
            if args.count("{") != args.count("}"):
                return False
            return all(w and _ARG_WORD.fullmatch(w) for w in args.split(", "))
    elif kind == "frame_file" and _FP is not None and _SP is not None:
        fp, sp = m.group(_FP), m.group(_SP)
        if fp and sp:
            d = int(fp, 16) - int(sp, 16)
            return 0 <= d < _MAX_FRAME
    elif kind == "goroutine_header" and _STATE is not None:
        state = m.group(_STATE)
        return state is None or (_STATE_WORDS.fullmatch(state) is not None
                                 and not any(len(w) == 1 for w in state.split()))
    return True


def _arena(m: re.Match[str]) -> tuple[str, int] | None:
    """(GOROOT, high bits of sp) of a runtime file line printed with its sp
    (GOTRACEBACK=system and up); None for other lines and the program's own files
    (processes of one program built by several toolchains share those)."""
    if m.lastgroup != "frame_file" or _SP is None:
        return None
    sp = m.group(_SP)
    file = m.group(_FILE["frame_file"]) or ""
    root, src, _ = file.partition("/src/")
    if not sp or not src:
        return None
    return root, int(sp, 16) >> 32


def marks(m: re.Match[str]) -> tuple[str | None, int | None]:
    """What a reading shows of the process that printed it: the GOROOT of a
    runtime file (only a GOROOT holds src/runtime/: a GOPATH's src may hold a
    program's own files beside it) and the high bits of a frame's sp (where its
    stacks lie). One process prints one of each; None where the line shows none."""
    if m.lastgroup != "frame_file":
        return None, None
    file = m.group(_FILE["frame_file"]) or ""
    root, src, rest = file.partition("/src/")
    sp = m.group(_SP) if _SP is not None else None
    return (root if src and rest.startswith("runtime/") else None,
            int(sp, 16) >> 32 if sp else None)


# A file printed from a drive (Windows) is as absolute as one from `/`.
_ABSOLUTE = rx.compile(r"/|[A-Za-z]:[\\/]")


def path_style(m: re.Match[str]) -> str | None:
    """How a file line prints its file: "absolute" (`/app/main.go`,
    `/usr/local/go/src/runtime/panic.go`) or "trimpath" (`example.com/app/main.go`,
    `runtime/panic.go`: a program built with -trimpath prints every file so).
    One process prints one style; None for other lines and `<autogenerated>`."""
    if m.lastgroup != "frame_file":
        return None
    file = m.group(_FILE["frame_file"]) or ""
    if not file or file.startswith("<"):
        return None
    return "absolute" if _ABSOLUTE.match(file) else "trimpath"


def fields(m: re.Match[str]) -> tuple[str | None, str | None]:
    kind = m.lastgroup
    fg, fl = _FUNC.get(kind), _FILE.get(kind)
    return (m.group(fg) if fg else None), (m.group(fl) if fl else None)


def _words(func: str) -> list[str]:
    """The parts of a function's name past its package: `(*T)`, `Method`, `func1`."""
    return func.rpartition("/")[2].split(".")[1:]


def _dir(file: str) -> str:
    return file.rpartition("/")[0]


def _pkg(func: str) -> str:
    path, _, last = func.rpartition("/")
    if not path and "." not in last:
        return "runtime"  # `panic`: Go 1.21+ prints runtime.gopanic so
    return f"{path}/{last.partition('.')[0]}" if path else last.partition(".")[0]


@cache
def best_quality() -> float:
    """The most any reading can score (Vocabulary.quality_mine): its kind's
    base, a name printed elsewhere for each name field the kind has, its
    file:line seen, and a wait reason or annotation seen. Read off the
    grammar's fields: no kind names both a function and a file, so 3.5 (a
    file line's). The splicer's idle lines lean on it (splice_idle.py): a cut
    whose head nothing can finish reads worse than the line left whole."""
    best = 0.0
    for kind in G.kinds:
        if kind == "blank":
            continue
        fg, fl, g = _NAMED[kind]
        q = 0.0 if kind == "indented" else 0.5 if kind in LENIENT else 1.0
        q += 2.0 * ((fg is not None) + (fl is not None))
        q += 0.5 if fl is not None and g is not None else 0.0
        q += 1.0 if kind == "goroutine_header" or kind in _ANNOTATION else 0.0
        best = max(best, q)
    return best


def own_names(own: Sequence[re.Match[str]]) -> tuple[tuple[str | None, str | None], ...]:
    """The (function, file) names of readings learned whole (lenient ones are not)."""
    return tuple(fields(x) for x in own if x.lastgroup not in LENIENT)


class Vocabulary:
    """Functions, files and positions printed in intact lines: what a good join
    reproduces. A function or file is often printed once per log (one process's
    own code), so its package or directory seen elsewhere is evidence too, if weaker."""

    def __init__(self, source: Iterable[re.Match[str] | None] | None = None) -> None:
        # the readings it learns from (source: learned when a name is first
        # weighed, see _ready: a log whose joins name nothing never is)
        self._source = source
        self.funcs: Counter[str] = Counter()
        self.files: Counter[str] = Counter()
        self.pkgs: Counter[str] = Counter()
        self.dirs: Counter[str] = Counter()
        self.positions: Counter[tuple[str, str]] = Counter()
        self.states: Counter[str] = Counter()  # goroutines' wait reasons
        self.words: Counter[str] = Counter()  # the parts of functions' names past their package
        self.packages: set[str] = set()  # packages of functions, and every parent path of them
        self.spawners: Counter[str] = Counter()  # functions in `created by … in goroutine N`
        self.arenas: dict[str, set[int]] = {}  # a GOROOT's stack addresses' high bits
        self._memo: dict[tuple, tuple[float, int]] = {}

    def _ready(self) -> None:
        """Learn the source's readings read whole (lenient ones name nothing)."""
        source, self._source = self._source, None
        if source is not None:
            for m in source:
                if m is not None and m.lastgroup not in LENIENT:
                    self.learn(m)

    def learn(self, m: re.Match[str]) -> None:
        if m.lastgroup == "goroutine_header" and _STATE is not None:
            self.states[m.group(_STATE)] += 1
        elif m.lastgroup == "created_by" and _PARENT is not None and m.group(_PARENT):
            self.spawners[m.group(_FUNC["created_by"])] += 1
        elif (arena := _arena(m)) is not None:
            self.arenas.setdefault(arena[0], set()).add(arena[1])
        func, file = fields(m)
        if func:
            self.funcs[func] += 1
            pkg = _pkg(func)
            if pkg not in self.pkgs:
                parts = pkg.split("/")
                self.packages.update("/".join(parts[:k]) for k in range(1, len(parts) + 1))
            self.pkgs[pkg] += 1
            self.words.update(_words(func))
        if file:
            self.files[file] += 1
            self.dirs[_dir(file)] += 1
            g = _LINENO.get(m.lastgroup)
            if g:
                self.positions[file, m.group(g)] += 1

    def known(self, m: re.Match[str]) -> bool:
        """Every name the reading holds (function, file) is printed elsewhere in
        the log too: a line read whole that is surely one process's line. A name
        only its package vouches for may be two fragments run together
        (`main.con` + `.nilDeref()`)."""
        self._ready()
        func, file = fields(m)
        return (func is None or self.funcs[func] > 1) and (file is None or self.files[file] > 1)

    def familiar(self, m: re.Match[str]) -> bool:
        """A call line's function is printed elsewhere, or each part of its name
        is (`runtime.gcenable.func2` beside `runtime.gcenable.gowrap2` and
        `main.main.func2`): a function of its own. A part never printed elsewhere
        may be two fragments run together (`runtime.` + `untime.gcenable.func2`)."""
        self._ready()
        func = fields(m)[0]
        return (func is None or self.funcs[func] > 1
                or all(self.words[w] > 1 for w in _words(func)))

    def cut_before_parent(self, m: re.Match[str]) -> bool:
        """A `created by` line without its goroutine whose function is printed
        elsewhere with one: maybe a Go 1.21+ line cut before ` in goroutine N`
        (or a Go 1.19-1.20 process's line: a doubt, not a verdict)."""
        if m.lastgroup != "created_by" or _PARENT is None or m.group(_PARENT):
            return False
        self._ready()
        return self.spawners[m.group(_FUNC["created_by"])] > 0

    def same_arena(self, root: str, high: int) -> bool:
        """A stack address's high bits seen on intact lines of that GOROOT (or
        none of its lines printed an sp)."""
        self._ready()
        seen = self.arenas.get(root)
        return not seen or high in seen

    def quality(self, m: re.Match[str], own: Sequence[re.Match[str]] = ()) -> tuple[float, int]:
        """How much a reading looks like a real line, and how many names in it
        were never seen intact: known names score, unknown ones cost.
        `own`: the readings of the input lines it is made of, learned whole:
        they do not vouch for it."""
        return self.quality_mine(m, own_names(own))

    def quality_mine(self, m: re.Match[str], mine: tuple) -> tuple[float, int]:
        """quality(), the names of the input lines it is made of worked out already."""
        kind = m.lastgroup
        if self._source is not None and kind not in _UNNAMED:
            self._ready()
        fg, fl, g = _NAMED[kind]  # (fields(), inlined: it runs for every join weighed)
        func = m.group(fg) if fg else None
        file = m.group(fl) if fl else None
        lineno = m.group(g) if g and file is not None else None
        key = (kind, func, file, lineno, mine)
        got = self._memo.get(key)
        if got is None:
            got = self._names(kind, func, file, lineno, mine)
            if len(self._memo) >= MEMO_MAX:
                self._memo.clear()  # a cache: memory stays bounded on a long log
            self._memo[key] = got
        q, unknown = got
        if kind == "goroutine_header" and _STATE is not None and self.states[m.group(_STATE)]:
            q += 1.0  # a wait reason printed intact elsewhere (`chan s` + `end]:`, not `end]:`)
        elif (kind == "test_package_fail" and _TEST_PACKAGE is not None
              and self.packages and m.group(_TEST_PACKAGE) not in self.packages):
            q -= 2.0  # a package that no frame shows, when frames show some
            unknown += 1
        elif kind in _ANNOTATION and m.group(_ANNOTATION[kind]):
            q += 1.0  # a free text that ends as the runtime ends it (`[reco` + `vered]`)
        elif kind == "frame_file" and _SP is not None and (sp := m.group(_SP)):
            # one process's stacks lie where its other frames' do: a GOROOT's file
            # with another process's sp (`go-1.19/src/runtime/` + `…sp=0x1f1fed9a7fa8`)
            # (_arena(), inlined: it runs for every file line weighed)
            root, src, _ = (file or "").partition("/src/")
            if src and not self.same_arena(root, int(sp, 16) >> 32):
                q -= 2.0
        if not _plausible(m, kind, func, file):
            q -= 3.0
            unknown += 1
        return q, unknown

    def _names(self, kind: str, func: str | None, file: str | None, lineno: str | None,
               mine: tuple[tuple[str | None, str | None], ...]) -> tuple[float, int]:
        q = 0.0 if kind == "indented" else 0.5 if kind in LENIENT else 1.0
        unknown = 0
        for idx, name, seen, parts, part in ((0, func, self.funcs, self.pkgs, _pkg),
                                             (1, file, self.files, self.dirs, _dir)):
            if name is None:
                continue
            # printed more often than in the lines the reading is made of
            # (counted only where it can matter: most joins name nothing known)
            times = seen.get(name, 0)
            if times and times > sum(1 for x in mine if x[idx] == name):
                q += 2.0
                continue
            within = part(name)
            times = parts.get(within, 0)
            if times and " " not in name and times > sum(
                    1 for x in mine if x[idx] is not None and part(x[idx]) == within):
                continue  # a new name in a known package or directory
            q -= 2.0
            unknown += 1
        if lineno is not None and (times := self.positions.get((file, lineno), 0)) and times > sum(
                1 for x in mine if x[1] == file):
            q += 0.5  # the same file:line printed elsewhere
        return q, unknown
