"""Where one write() of a Go runtime may end, in a text of interleaved writes.

The runtime writes each print argument on its own: a name, a number, a
literal such as `(`, `, `, `)\\n`, ` +`. A write therefore ends where the
character class changes, where a hex number starts (`0xc5` then another
process's `0x2048c14a7ed0`), anywhere inside a run of decimal digits (`:147`
then another's `48`), before a literal word of the grammar (`goroutine `,
`created by `) and around a name seen whole elsewhere in the text (`main.go`
then another's `example.com/fleet.run`): all other places are inside one
write, so the decoder never tries them.
"""

from __future__ import annotations

import re
from functools import cache

from .. import rx
from ..grammar import line_grammar

# Characters of one name or number: a path, a function name without its
# receiver's parentheses, a version (`go-1.19`, `@v1.2.3`).
_WORD = rx.compile(r"[A-Za-z0-9_./\-*%@~]+")
_HEX = rx.compile(r"0x[0-9a-fA-F]+")
MIN_NAME = 4  # shorter names are too common to say where a write ended
MAX_RUN = 256
_SOURCE_ENDS = (".go", ".s", ".c")


@cache
def grammar_words() -> re.Pattern[str]:
    """The words of the line grammar (`goroutine `, `created by `, ` in
    goroutine `, `panic: `): each a print argument of its own, so a write of
    its own, always. They are the grammar's string literals (grammar.py's
    string_literals: the text the runtime prints as it is) of 4 characters and
    a letter at least, never the literal characters of a terminal's regex,
    which spell a value printed whole (a test's log line `x_test.go:12: msg` is
    one write: `.go:` in it starts none). tests/test_writes_words.py checks
    them against the corpus's strace'd writes."""
    words = [w for w in line_grammar().literals
             if len(w.strip()) >= MIN_NAME and any(c.isalpha() for c in w)]
    alts = sorted(words, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in alts))


_STRONG = rx.compile(r"0x|[\n\t()\[\]{}?]")


def strong_ends(text: str, ends: bytearray) -> bytearray:
    """The places of `ends` before a number, a bracket, a tab or a newline, or a
    word of the grammar: where another write most likely starts. A free-text
    field (a panic message) may end at any of its spaces; the decoder tries
    these places first."""
    strong = bytearray(len(ends))
    strong[len(text)] = 1
    for m in _STRONG.finditer(text):
        if ends[m.start()]:
            strong[m.start()] = 1
    for m in grammar_words().finditer(text):
        strong[m.start()] = 1
    # a source file's name ends its write, and the `:` after it is one of its own
    for m in _FILE_END.finditer(text):
        if ends[m.end()]:
            strong[m.end()] = 1
    return strong


_FILE_END = rx.compile(r"\.(?:go|s|c)(?![A-Za-z0-9_])|:")


def write_ends(text: str) -> bytearray:
    """ends[j] == 1 when a write may end just before text[j] (ends[len] is 1)."""
    n = len(text)
    ends = bytearray(n + 1)
    ends[n] = 1
    if n == 0:
        return ends
    prev = _cls(text[0])
    for j in range(1, n):
        c = _cls(text[j])
        if c != prev or c in "\np":
            ends[j] = 1
        prev = c
    # `, ` between arguments is one print argument: no write ends inside it
    # (none of the corpus's 7000 write merges' owner changes does)
    k = text.find(", ")
    while k >= 0:
        ends[k + 1] = 0
        k = text.find(", ", k + 1)
    for m in grammar_words().finditer(text):
        ends[m.start()] = 1
        ends[m.end()] = 1
    for m in _WORD.finditer(text):
        _inside_word(text, m.start(), m.end(), ends)
    for m in _wait_reasons().finditer(text):
        # a goroutine's state of several words is one write (`force gc (idle)`
        # behind another's `proc.go`)
        ends[m.start()] = 1
        ends[m.end()] = 1
    splits = word_splits(text)
    for j in range(len(splits)):
        if splits[j]:
            ends[j] = 1
    return ends


def _cls(ch: str) -> str:
    if ch == "\n":
        return "\n"
    if ch.isalnum() or ch in "_./-*%@~":
        return "w"
    return "p"  # punctuation and space: each a class of its own


def _names(text: str) -> dict[str, int]:
    """Words (not numbers) and how often each stands whole in the text."""
    counts: dict[str, int] = {}
    for m in _WORD.finditer(text):
        w = m.group()
        if len(w) >= MIN_NAME and not w.isdigit():
            counts[w] = counts.get(w, 0) + 1
    return counts


def word_splits(text: str) -> bytearray:
    """Places inside a word where it reads as two words that each stand whole
    elsewhere in the text (`running` + `invalid`): two writes glued, most likely."""
    splits = bytearray(len(text) + 1)
    names = _names(text)
    roots = _path_roots(text)
    for m in _WORD.finditer(text):
        a, b = m.start(), m.end()
        w = m.group()
        if b - a > MAX_RUN or len(w) < 2 * MIN_NAME:
            continue
        # an absolute path starts a write of its own: a source file glued behind
        # a file (`main.go` + `/usr/lib/go-1.19/…`), however often the two stand
        # so, or behind a name (`running` + `/opt/gobin/1.27…`)
        for k in _path_joints(w, roots):
            splits[a + k] = 1
        if names.get(w, 0) >= 2:
            # two names that each stand whole elsewhere, glued the same way twice
            # (`main.hubTimeout` + `main.startIdle`): still two writes
            for k in range(2 * MIN_NAME, len(w) - 2 * MIN_NAME + 1):
                if w[k - 1].isalnum() and w[k].isalpha() and w[:k] in names and w[k:] in names \
                        and "." in w[:k] and "." in w[k:]:
                    splits[a + k] = 1
            continue
        for k in range(MIN_NAME, len(w) - MIN_NAME + 1):
            # only inside a run of letters and digits: `.Lookup` + `.func1` is one
            # name; or a file behind a function name, both seen whole (`(*Mutex).Lock`
            # + `/work/…`)
            if not w[k - 1].isalnum():
                continue
            if (w[k].isalnum() and (w[:k] in names or w[k:] in names)) or (
                    w[k] == "/" and w[k:] in names and w[:k] in names):
                splits[a + k] = 1
    return splits


def _path_joints(w: str, roots: frozenset[str] = frozenset()) -> list[int]:
    """Places in a word where a source file's name ends and another path
    starts, or where a path starts with a root that files stand whole under."""
    out = []
    for end in _SOURCE_ENDS:
        k = w.find(end + "/")
        while k >= 0:
            out.append(k + len(end))
            k = w.find(end + "/", k + 1)
    for root in roots:
        k = w.find(root, 1)
        while k > 0:
            if w[k - 1].isalnum():
                out.append(k)
            k = w.find(root, k + 1)
    return out


# The first two directories of a source file standing whole on a file line
# (`\t/opt/gobin/1.27.3/go/src/runtime/proc.go:` gives `/opt/gobin/`).
_FILE_ROOT = rx.compile(r"(?<![\w.\-/])(/[\w.\-]+/[\w.\-]+/)[^\s:]*\.(?:go|s|c)(?![\w.])")


def _path_roots(text: str) -> frozenset[str]:
    return frozenset(m.group(1) for m in _FILE_ROOT.finditer(text))


def _starts(w: str, sub: str) -> list[int]:
    out, k = [], w.find(sub)
    while k >= 0:
        out.append(k)
        k = w.find(sub, k + 1)
    return out


def _inside_word(text: str, a: int, b: int, ends: bytearray) -> None:
    """Places inside one run of word characters where a write may end: around
    every hex number, and between digits and other characters."""
    if b - a > MAX_RUN:
        return
    w = text[a:b]
    # every `0x` starts a number, also where the one before it reads on (`0xc50x2048…`)
    hexes = [(h.start(), h.end()) for k in _starts(w, "0x") for h in [_HEX.match(w, k)] if h]
    for s, e in hexes:
        ends[a + s] = 1
        ends[a + e] = 1
        # decimal digits ending a hex number may be another process's number
        # (`0x2048c14a7ed0` then a goroutine id `23`)
        k = e
        while k > s + 3 and w[k - 1].isdigit():
            k -= 1
            ends[a + k] = 1
    # `...` (elided arguments) is a print argument of its own: no name holds it
    for k in _starts(w, "..."):
        ends[a + k] = 1
        ends[a + k + 3] = 1
    in_hex = bytearray(len(w) + 1)
    for s, e in hexes:
        for k in range(s + 1, e):
            in_hex[k] = 1
    for k in range(1, len(w)):
        if in_hex[k]:
            continue
        x, y = w[k - 1], w[k]
        if x.isdigit() != y.isdigit() or (x.isdigit() and y.isdigit()):
            ends[a + k] = 1


# ---------------------------------------------------------------- messages ---

# A report's message is one write (printpanicval prints the value's string
# whole; `fatal error: ` and its text are two print arguments), so it stands
# whole in any interleaving, glued to other processes' writes on both sides.
# It reads as prose: words separated by single spaces. These are the places
# where prose cannot go on, because the next character starts another write:
# a tab or newline, a hex number, a key the runtime prints before a value
# (` fp=`, ` m=`), a source file, a word of the grammar, a letter right after
# a digit (`account 12` then `runtime error`), a digit right after closing
# punctuation (`deadlock!` then `345`).
_PROSE_STOP = rx.compile(
    r"[\t\n]|  +|0x[0-9a-fA-F]|(?<=[0-9])(?=[A-Za-z]{2})|(?<=[a-z]{4})(?=[0-9])"
    r"|(?<=[!?)\]}])(?=[0-9A-Za-z])"
    r"| ?\b[a-zA-Z]{1,7}=|/[^\s:]*?\.go|/[^\s:]*?\.s\b|\b[\w\-.]+\.go:[0-9]*| \+"
    r"| \[(?![0-9:]*\])|\]:|SIG[A-Z0-9]+: |={3,}|-{3} |:(?=[A-Za-z_])")
# What the runtime prints right before or after a message, peeled off its ends.
_LEAD_PUNCT = rx.compile(r"^[\s(),{}?:\[\]+]+")
_TRAIL_PUNCT = rx.compile(r"[\s(,{?:\[+]+$")
MIN_MESSAGE = 8
# A message starts with a plain word (`runtime error:`, `invalid`, `job`), not
# with a name, a number or a path: those are other writes glued before it.
_FIRST_WORD = rx.compile(r"[A-Za-z][a-z\-']+:? ")


# Wait reasons of two words and more (runtime/runtime2.go waitReasonStrings):
# a goroutine header's state reads as prose too.
WAIT_REASONS = ("chan receive", "chan send", "IO wait", "GC assist marking", "GC assist wait",
                "GC worker (idle)", "GC worker (active)", "select (no cases)", "force gc (idle)",
                "finalizer wait",
                "GC sweep wait", "GC scavenge wait", "wait for GC cycle", "trace reader",
                "debug call", "stopping the world", "garbage collection", "dumping heap",
                "trace goroutine status", "flushing proc caches", "cleanup wait",
                "sync.Mutex.Lock", "sync.RWMutex", "sync.WaitGroup", "sync.Cond",
                "running", "runnable", "syscall", "waiting", "select", "sleep", "semacquire")


@cache
def _wait_reasons() -> re.Pattern[str]:
    many = sorted((w for w in WAIT_REASONS if " " in w), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in many))


_BRACKETED = rx.compile(r"\[([A-Za-z][^\[\]\n]*)\]")


def prose_runs(text: str) -> list[tuple[int, int]]:
    """Runs of prose (two words at least, the first a plain word) that start
    and end where writes may end: the candidates for a report's message. A
    run that starts with a goroutine state is the state of another's header."""
    states = set(WAIT_REASONS) | {m.group(1) for m in _BRACKETED.finditer(text)}
    by_first: dict[str, list[str]] = {}
    for st in states:
        by_first.setdefault(st.split(" ", 1)[0], []).append(st)
    registers = set(_REGISTER.findall(text))
    glued = sorted((st for st in states if " " not in st), key=len, reverse=True)
    out = []
    for a, b in _prose_runs(text):
        # a one-word state glued before a message (`running` + `job {8 default}: …`)
        st = next((st for st in glued if text.startswith(st, a) and text[a + len(st)].isalpha()),
                  None)
        if st is not None:
            got = _trimmed(text, a + len(st), b)
            if not got:
                continue
            a, b = got[0]
        run = text[a:b]
        if _NOT_A_MESSAGE.search(text, max(0, a - 12), a):
            continue
        if all(w in registers or len(w) <= 3 for w in run.split(" ")):
            continue
        first = run.split(" ", 1)[0]
        if any(
                text.startswith(st, a) and (a + len(st) == b or text[a + len(st)] != " ")
                for st in by_first.get(first, ())):
            continue
        # a state glued behind a letter or two of another write (`e` + `finalizer wait`)
        if any(len(st) + 3 >= len(run) and st in run for st in states):
            continue
        out.append((a, b))
    return out


# A register dump line (`rflags 0x246`, names padded by spaces): its names are
# single words, glued to anything they read as prose.
_REGISTER = rx.compile(r"\b([a-z][a-z0-9]{1,6}) {2,}0x")
# What stands before a signal's description or a test's log message.
_NOT_A_MESSAGE = rx.compile(r"(?:SIG[A-Z0-9]+: |\.go:[0-9]+: )$")


_LINE_PACKAGE = rx.compile(r"(?m)^([a-z][a-z0-9_]{2,})\.[A-Za-z(][^\s()]*\(")


def _prose_runs(text: str) -> list[tuple[int, int]]:
    stops = [(m.start(), m.end()) for m in _PROSE_STOP.finditer(text)]
    # a word of the grammar inside a word is no write of its own (`rite` in `writes`)
    stops.extend((m.start(), m.end()) for m in grammar_words().finditer(text)
                 if not (m.group()[-1].isalpha() and text[m.end():m.end() + 1].isalpha()))
    splits = word_splits(text)
    stops.extend((j, j) for j in range(len(splits)) if splits[j])
    # a function name glued behind a word (`dereference` + `main.small.func1`):
    # the packages whose functions start lines elsewhere
    packages = set(_LINE_PACKAGE.findall(text))
    if packages:
        glued = re.compile(rf"(?<=[a-z])(?:{'|'.join(map(re.escape, packages))})\.[A-Za-z(]")
        stops.extend((m.start(), m.start()) for m in glued.finditer(text))
    stops.sort()
    out: list[tuple[int, int]] = []
    pos = 0
    for a, b in [*stops, (len(text), len(text))]:
        if a > pos:
            out.extend(_trimmed(text, pos, a))
        pos = max(pos, b)
    return out


def _trimmed(text: str, a: int, b: int) -> list[tuple[int, int]]:
    run = text[a:b]
    lead = _LEAD_PUNCT.match(run)
    if lead:
        a += lead.end()
    trail = _TRAIL_PUNCT.search(text, a, b)
    if trail:
        b = trail.start()
    run = text[a:b]
    # a closing bracket the run does not open belongs to another write
    while run and run[-1] in ")]}" and run.count(run[-1]) > run.count("([{"[")]}".index(run[-1])]):
        b -= 1
        run = run[:-1]
    if len(run) < MIN_MESSAGE or " " not in run or not _FIRST_WORD.match(run):
        return []
    return [(a, b)]
