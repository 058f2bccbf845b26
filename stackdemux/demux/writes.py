"""Undo write()-level interleaving: processes sharing one descriptor.

The Go runtime prints a traceback line as many write() calls, one per print
argument (`main.(*Hub).lockHolder` `(` `0xc000070000` `)\\n` `\\t` `/app/main.go`
`:` `61` ` +` `0x5b` `\\n`), so processes crashing into one pipe interleave
anywhere inside a line, down to single bytes. The merged text is then a
shuffle of K per-process sequences of writes, each of which spells lines of
grammars/traceback.lark in the order report.lark allows.

`decode` reads the text once, left to right, as a beam search: a hypothesis
says which process each write so far came from, and where every process is in
its line (a lazy DFA derived from the line grammar, writes_dfa.py) and in its
report (report.lark's LALR table, shared with interleave.py). The next write
is offered to every process whose line it can continue, ending at any place a
write may end (writes_tokens.py); hypotheses are scored by what the completed
lines say (a grammar line, a frame whose file fits its function's package,
goroutine ids unique in a process, one GOROOT per process, argument words
that read as values) and the best few kept per text position. It runs at
~2 KB/s, so only on small regions.

`separate_region` is what demux/__init__.py's gate calls for a region of any
size: every report's first line is read from its writes (`report_heads`: the
opener and the message are one write each, so they stand whole however the
writes mix); what the decoder or the line-level separator reads is kept where
its reports' messages are those heads' own, every other report is its first
line alone, and the rest of the region a stream of unplaced pieces that is
never parsed: a mixture of writes makes up no report. Where most lines are
broken, the line-level separator reads only the whole lines after the last
broken one (`_whole_tail`): before it nothing it reads is credible, and its
splicer costs seconds per KB there (twelve processes shuffled: 17 s -> 0.1 s).

Conservation: every character of the region is in exactly one piece of one
output line, or in a noise piece; each newline ends the line of the process
it is given to.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache

from ..grammar import MAX_LINE, line_grammar
from ..model import Diagnostic, Stream
from .persistent import PMap
from .writes_dfa import DEAD, line_automaton
from .writes_repeats import Seen, arg_words, site
from .writes_tokens import grammar_words, strong_ends, word_splits, write_ends

__all__ = ["Decoded", "decodable", "decode", "looks_write_interleaved", "separate_writes"]

# --------------------------------------------------------------- the gate ---

# A value the runtime prints inside a traceback line: a line holding one that
# is not a line of the grammar was cut and glued by someone's write().
_TRACE_TOKEN = re.compile(r"0x[0-9a-f]|\.go\b|goroutine \d|\w\(")
_WINDOW = 64


def is_broken(line: str) -> bool:
    """A line holding a traceback value that is no line of the grammar."""
    if len(line) > MAX_LINE or not line:
        return False
    m = line_grammar().match(line)
    return (m is None or m.lastgroup == "indented") and _TRACE_TOKEN.search(line) is not None


def looks_write_interleaved(texts: Sequence[str]) -> bool:
    """True when some run of 64 lines is mostly traceback lines broken apart:
    whole lines interleave (lines, chunks) and leave them whole; writes do not."""
    broken = [is_broken(t) for t in texts]
    if sum(broken) < 12:
        return False
    window = min(_WINDOW, len(texts))
    run = sum(broken[:window])
    best = run
    for i in range(window, len(texts)):
        run += broken[i] - broken[i - window]
        best = max(best, run)
    return best * 5 >= window * 2


# The decoder runs at ~0.7-1 KB/s (a Python beam over every write) and none
# of its readings is credible yet. Frames are weighed against the frames the
# reading already holds (writes_repeats.py: files, call lines, offsets,
# callers, argument words), so the truth's reading is much cheaper than before
# (bolt-writes-shuffle: 743 -> 593), but the beam of 64 finds 757, not it:
# it reads 90 of 137 lines right (81 before), 331 of 784 over the six small
# write merges (309 before). Held to the truth for the first three quarters
# of bolt-writes-shuffle it reads the rest back (135/137 lines): the early
# lines, before anything repeats, are where it goes wrong. Called on the
# regions of up to 8000 characters it keeps every message of writes-shuffle
# (34/34) but loses one of writes-time (35/36) and makes no goroutine or
# report exact, so the pipeline does not call it (regions of up to MAX_DECODE
# characters would go to it; decode() and separate_writes() stay for that work).
MAX_DECODE = 0
MAX_DECODE_PROCESSES = 6


def decodable(text: str) -> bool:
    """True when the region is small enough for the decoder's budget."""
    return len(text) <= MAX_DECODE and process_budget(text) <= MAX_DECODE_PROCESSES


# ---------------------------------------------------------------- scoring ---

W_WRITE = 1.0  # every write: prefer reading the text as few writes
W_NEW = 30.0  # a process beyond the report openers the text holds
W_NOISE = 12.0  # a piece no process can print (8: a beam stuck in wrong lines takes the noise)
W_REFUSED = 8.0  # a line that report.lark refuses where it stands
W_UNCLASSIFIED = 12.0  # a line the classifier refuses (the DFA ignores lookbehinds)
W_INDENTED = 10.0  # a tab line that is no file line: a glued file line, most often
W_BAD_ARGS = 6.0
W_DUP_GOROUTINE = 10.0
W_OTHER_ROOT = 10.0
W_UNFINISHED = 5.0
W_BROKEN = 8.0  # a line the grammar refuses, ended by a newline (beside W_UNCLASSIFIED)
W_BLANK = 2.0  # a process prints few blank lines: one is no cheap home for a newline
REPEATS = True  # weigh frames against those read before (writes_repeats.py)
BEAM = 64
PER_PLACE = 2  # hypotheses kept whose processes stand at the same places (_prune)
MAX_PROCESSES = 16
MAX_WRITE = 4096
MAX_CANDIDATES = 4
MAX_STRONG = 8

# Argument words as the runtime prints them: 0x1, 0x2?, {0x1, 0x2}, ..., 0x1, ...
_ARGS = re.compile(r"(?:(?:0x[0-9a-fA-F]+\??|\.\.\.|[{}])(?:, )?)*")
# What one print argument of each field looks like (a glued field of two
# processes does not): value helpers, not line shapes.
_FIELD_OK = {
    "func": re.compile(r"(?:[\w\-~%.]+/)*[A-Za-z_][\w\-~%]*(?:\.[^\s/]+)+|[A-Za-z_]\w*"),
    "file": re.compile(r"(?:[A-Za-z]:)?[^\s:]*?[\w\-+]\.(?:go|s|c|h|cc|cpp)|\?|<autogenerated>"),
    "lineno": re.compile(r"0|[1-9][0-9]{0,5}"),
    "goid": re.compile(r"[1-9][0-9]{0,7}"),
    "parent": re.compile(r"[1-9][0-9]{0,7}"),
    "offset": re.compile(r"0x[0-9a-f]{1,8}"),
    "state": re.compile(r"[a-zA-Z][\w .()\-]*"),
}
W_BAD_FIELD = 10.0
W_GLUED = 20.0  # a write that reads as two print arguments
W_GLUED_WORD = 6.0  # a write that reads as two words seen whole elsewhere
W_LONG = 3.0  # each write beyond MAX_LINE_CHARS of one line: no traceback line is that long
MAX_LINE_CHARS = 400
# An address (7+ hex digits) without its low 24 bits: the arena it points into.
_ADDRESS = re.compile(r"\b(0x[0-9a-f]+)[0-9a-f]{6}\b")
_ADDRESS_WRITE = re.compile(r"(0x[0-9a-f]{1,6})[0-9a-f]{6}")
W_SPACE = 1.5
_LONG_HEX = re.compile(r"0x[0-9a-fA-F]{13,}")
W_LONG_HEX = 4.0
W_SWITCH = 0.3  # writes of one process often follow each other (timestamp order)
_GOROOT = re.compile(r"^(.*?/src)/(?:runtime|sync|internal|time|testing|os|net|syscall)/")


_NO_SITES: PMap = PMap()
_NOTHING_SEEN = Seen()


@dataclass(slots=True, frozen=True)
class _Line:
    """A completed line of one process (a linked list, newest first)."""

    prev: _Line | None
    segs: tuple[tuple[int, int], ...]
    newline: int  # text offset of the newline that ended it


@dataclass(slots=True, frozen=True)
class _Proc:
    state: int  # line automaton state
    segs: tuple[tuple[int, int], ...]  # the current line's writes, as text offsets
    stack: tuple[int, ...]  # report.lark LALR stack
    call: str | None = None  # the function of a call line waiting for its file line
    gids: frozenset[str] = frozenset()
    root: str | None = None
    lines: _Line | None = None
    opened: int = 0  # bit i: a kind of ONCE[i] printed
    spaces: frozenset[str] = frozenset()  # high digits of the addresses it printed
    early: bool = False  # the current line's file was weighed when its write ended
    sites: PMap = _NO_SITES  # (func, file tail, line) -> the offset this build printed there
    callee: str | None = None  # the function of the goroutine's frame before (its callee)
    lined: bool = False  # the current file line's number was weighed at the ` +` after it
    guess: float = 0.0  # what its digits so far were charged (Seen.guess), until then


@dataclass(slots=True)
class _Hyp:
    cost: float
    procs: tuple[_Proc, ...]
    noise: tuple[tuple[int, int], ...] | None = None  # linked: (prev, seg) pairs
    last: int = -1  # the process that wrote last
    seen: Seen = _NOTHING_SEEN  # what all its processes printed that later frames repeat


@dataclass(slots=True)
class Decoded:
    """The processes read from a region, as lines made of text pieces."""

    processes: list[list[list[tuple[int, int]]]]  # process → lines → [(start, end)]
    noise: list[tuple[int, int]] = field(default_factory=list)
    cost: float = 0.0


@cache
def _report_automaton():  # type: ignore[no-untyped-def]
    from .interleave import automaton

    return automaton()


# How a process's output starts (report.lark lets any header line start one, but
# a register or a `runtime:` note is never the first thing a Go process prints).
OPENERS = frozenset({"panic", "fatal_error", "sigdump", "race_rule", "race_begin",
                     "goroutine_header", "test_fail", "http_panic"})
# Kinds a process prints seldom: each costs, so that a glued piece does not
# read as one (a `[a-z]{1,7}` word then spaces then a hex number is a register).
RARE_KINDS = frozenset({"register", "runtime_note", "cgo_file", "cgo_signal", "non_go_function",
                        "frames_elided", "fault_address", "running_test", "running_tests"})
W_RARE = 6.0
# Kinds a process prints once: its panic or fatal error, its signal dump.
ONCE = (frozenset({"panic", "fatal_error", "http_panic"}), frozenset({"sigdump"}))
_LINE_STARTS: dict[tuple[tuple[int, ...], int], int] = {}


def _line_start(stack: tuple[int, ...], opened: int = 0) -> int:
    """The automaton state a process's next line starts in: only the kinds
    report.lark lets follow what it printed so far (a file line after a call
    line; an opener first), a blank line only between whole blocks, and a
    report's opener once (a process dies of one panic; GOTRACEBACK=crash then
    prints one signal dump)."""
    key = (stack, opened)
    got = _LINE_STARTS.get(key)
    if got is None:
        auto = _report_automaton()
        kinds = {k for k in line_grammar().kinds_in_order
                 if k != "blank" and auto.step(stack, k.upper()) is not None}
        if stack == auto.start:  # a process's first line opens a report
            kinds &= OPENERS
        if stack == auto.start or auto.can_end(stack):
            kinds.add("blank")
        for bit, once in enumerate(ONCE):
            if opened >> bit & 1:
                kinds -= once
        got = _LINE_STARTS[key] = line_automaton().start_for(frozenset(kinds))
    return got


def _fit(func: str, file: str) -> float:
    from .interleave import fit

    return fit(func, file)


@dataclass(slots=True, frozen=True)
class _Reading:
    """What a completed line says, independent of the process that printed it."""

    kind: str
    cost: float  # what its fields cost: a rare kind, a field that is two glued
    func: str | None = None  # of a call or created-by line
    file: str | None = None  # of a file line
    root: str | None = None  # the GOROOT a file line names
    gid: str | None = None  # of a goroutine header
    addresses: tuple[str, ...] = ()
    words: int | None = None  # a call line's argument words
    line: str | None = None  # a file line's line number
    offset: str | None = None  # ... and its offset


_READINGS: dict[str, _Reading | None] = {}


def _reading(line: str) -> _Reading | None:
    """A line read by the classifier, once: hypotheses close the same lines often."""
    if line in _READINGS:
        return _READINGS[line]
    if len(_READINGS) > 200_000:
        _READINGS.clear()
    m = line_grammar().match(line) if len(line) <= MAX_LINE else None
    if m is None:
        _READINGS[line] = None
        return None
    kind = m.lastgroup or ""
    cost = W_INDENTED if kind == "indented" else W_RARE if kind in RARE_KINDS else 0.0
    fields = line_grammar().kinds[kind].fields
    for name, rx in _FIELD_OK.items():
        g = fields.get(name)
        v = m.group(g) if g is not None else None
        if v is not None and (rx.fullmatch(v) is None or v.count(".go") > 1
                              or ("0x" in v and name in ("func", "file", "state"))):
            cost += W_BAD_FIELD
    func = file = root = gid = lineno = offset = None
    words: int | None = None
    addresses: tuple[str, ...] = ()
    if kind in ("frame_call", "created_by"):
        func = m.group(fields["func"])
        args = m.group(fields["args"]) if kind == "frame_call" else None
        if args:
            if not _ARGS.fullmatch(args):
                cost += W_BAD_ARGS
            # no address has more than 12 hex digits: a number glued to the next one
            cost += W_LONG_HEX * len(_LONG_HEX.findall(args))
            addresses = tuple(_ADDRESS.findall(args))
        if kind == "frame_call" and cost == 0.0:
            words = arg_words(args or "")
    elif kind == "frame_file":
        file = m.group(fields["file"])
        lineno = m.group(fields["lineno"])
        offset = m.group(fields["offset"])
        g = _GOROOT.match(file)
        root = g.group(1) if g else None
    elif kind == "goroutine_header":
        gid = m.group(fields["goid"])
    got = _Reading(kind, cost, func, file, root, gid, addresses, words, lineno, offset)
    _READINGS[line] = got
    return got


def _close_line(p: _Proc, text: str, end: int, seen: Seen) -> tuple[_Proc, float, Seen]:
    """The process after the newline at `end`, what its line costs, and what
    the reading has seen after it."""
    line = "".join(text[a:b] for a, b in p.segs)
    cost = 0.0
    stack, call, gids, root, opened, spaces = p.stack, p.call, p.gids, p.root, p.opened, p.spaces
    sites = p.sites
    callee = p.callee
    if not line:
        cost += W_BLANK
    else:
        r = _reading(line)
        if r is None:
            cost += W_UNCLASSIFIED
        else:
            cost += r.cost
            kind = r.kind
            if kind != "blank":
                auto = _report_automaton()
                nxt = auto.step(stack, kind.upper())
                if nxt is None:
                    cost += W_REFUSED
                    nxt = auto.step(auto.start, kind.upper()) or stack
                stack = nxt
            for bit, once in enumerate(ONCE):
                if kind in once:
                    opened |= 1 << bit
            for addr in r.addresses:  # a process's heap and stack addresses share high digits
                if spaces and addr not in spaces:
                    cost += W_SPACE
                spaces = spaces | {addr}
            if r.func is not None:
                call = r.func
                if REPEATS:
                    c, seen = seen.call(call, r.words)
                    cost += c
                    caller = call if kind == "frame_call" else "created by " + call
                    c, seen = seen.edge(callee, caller)
                    cost += c
                callee = call if kind == "frame_call" else None
            elif r.file is not None:
                if call is not None and not p.early:
                    cost -= _fit(call, r.file)
                if call is not None and REPEATS and r.line is not None:
                    if p.lined:
                        c, sites = site(sites, call, r.file, r.line, r.offset)
                    else:
                        c, seen, sites = seen.frame(sites, call, r.file, r.line, r.offset)
                        c -= p.guess
                    cost += c
                call = None
                if r.root is not None:
                    if root is not None and root != r.root and not p.early:
                        cost += W_OTHER_ROOT
                    root = root or r.root
            else:
                call = None
            if r.gid is not None:
                callee = None
                if r.gid in gids:
                    cost += W_DUP_GOROUTINE
                gids = gids | {r.gid}
    lines = _Line(p.lines, p.segs, end)
    return _Proc(_line_start(stack, opened), (), stack, call, gids, root, lines, opened,
                 spaces, False, sites, callee), cost, seen


@cache
def _opener_regex() -> re.Pattern[str]:
    """How a report starts (`panic: `, `fatal error: `, `SIGQUIT: `), from the
    grammar's leads: each is one write, so it stands whole in the shuffle."""
    leads = line_grammar().leads
    alts = [leads[k] for k in ("panic", "fatal_error", "sigdump", "race_begin") if leads.get(k)]
    return re.compile("|".join(f"(?:{a})" for a in alts))


def openers_run_together(text: str) -> bool:
    """True when two report openers stand with nothing between them (`panic: `
    + `panic: ` + `fatal error: `): processes crashing at once into one
    descriptor write theirs together, so the one-process test (one opener at
    a line start) passes while several processes' writes are mixed. A build
    log quoting `panic:` quotes it once a line, with text around it."""
    if _opener_after_colon().search(text) is None:
        return False  # the first of two openers ends in ": ", the second follows it
    last = -1
    for m in _opener_regex().finditer(text):
        if m.start() == last and m.group().endswith(": "):
            return True
        last = m.end() if m.group().endswith(": ") else -1
    return False


@cache
def _opener_after_colon() -> re.Pattern[str]:
    """An opener right after ": ": led by a literal, so `re` finds its
    candidates at memchr speed (the bare alternation tries every position)."""
    return re.compile(": (?:" + _opener_regex().pattern + ")")


def process_budget(text: str) -> int:
    """How many processes the text holds at most: each opens its report once
    (a chained panic or a signal line may count twice: a little slack)."""
    return max(1, sum(1 for _ in _opener_regex().finditer(text)))


def decode(text: str, beam: int = BEAM, owners: Sequence[int] | None = None) -> Decoded:
    """Read `text` (lines joined by newlines, ending in one) as the writes of
    several processes; the best reading found. `owners` (the process of each
    character, from a corpus case's truth) holds the reading to it: what the
    model makes of the truth, to weigh against what the search finds (a
    piece its owner cannot read there, where the tokenizer misses a write's
    end, goes to the noise)."""
    auto = line_automaton()
    report_start = _report_automaton().start
    n = len(text)
    may_end = write_ends(text)
    strong = strong_ends(text, may_end)
    glued_words = word_splits(text)
    fresh = _Proc(_line_start(report_start), (), report_start)
    budget = process_budget(text)
    most = min(MAX_PROCESSES, budget)
    glued = _glued()
    buckets: dict[int, list[_Hyp]] = {0: [_Hyp(0.0, ())]}
    if owners is not None:  # every process there from the start, in the truth's order
        most = max(owners, default=0) + 1
        buckets = {0: [_Hyp(0.0, (fresh,) * most)]}
    pos = 0
    final: list[_Hyp] = []
    while True:
        hyps = buckets.pop(pos, None)
        if hyps is None:
            if not buckets:
                break
            pos = min(buckets)
            continue
        if pos >= n:
            final = hyps
            break
        hyps = _prune(hyps, beam, owners is not None)
        walks: dict[int, list[tuple[int, int]]] = {}
        for h in hyps:
            procs = h.procs
            offers = list(enumerate(procs))
            if len(procs) < most:
                offers.append((len(procs), fresh))
            for k, p in offers:
                ends = walks.get(p.state)
                if ends is None:
                    ends = walks[p.state] = _walk(text, pos, p.state, auto, may_end, strong, n)
                for end, state in ends:
                    if owners is not None and any(0 <= owners[j] != k for j in range(pos, end)):
                        continue
                    cost = h.cost + W_WRITE + (W_NEW if k == len(procs) >= budget else 0.0)
                    if k != h.last:
                        cost += W_SWITCH
                    if _sink(auto, state) and not _sink(auto, p.state):
                        cost += W_SINK
                    segs = p.segs
                    stop = end - 1 if text[end - 1] == "\n" else end
                    if glued.search(text, pos + 1, stop):
                        cost += W_GLUED
                    elif glued_words.find(1, pos + 1, stop) >= 0:
                        cost += W_GLUED_WORD
                    if segs and stop - segs[0][0] > MAX_LINE_CHARS * 4 and \
                            sum(b - a for a, b in segs) > MAX_LINE_CHARS:
                        cost += W_LONG
                    if stop > pos:
                        if segs and segs[-1][1] == pos:
                            segs = (*segs[:-1], (segs[-1][0], stop))
                        else:
                            segs = (*segs, (pos, stop))
                    early, root, spaces = p.early, p.root, p.spaces
                    if stop - pos > 8 and (m := _ADDRESS_WRITE.fullmatch(text, pos, stop)) \
                            and "(" in text[segs[0][0]:pos]:
                        # an argument that points into an arena: a process's
                        # addresses share their high digits, weighed now, while
                        # the beam still holds the process the write belongs to
                        if spaces and m.group(1) not in spaces:
                            cost += W_SPACE
                        spaces = spaces | {m.group(1)}
                    if stop > pos and segs[-1][1] == stop and (
                            m := _LONG_HEX.search(text, max(segs[-1][0], pos - 16), stop)) \
                            and m.end() > pos:
                        # a number no address is that long: two writes glued, now
                        # (the line's close weighs it again, with the rest)
                        cost += W_LONG_HEX
                    if not early and stop > pos:
                        got = _file_write(text, p.segs, pos, stop)
                        if got is not None:
                            # a file's write ends its name: weigh it against the
                            # call before it and the process's GOROOT now, not a
                            # line later, while the beam still holds the other readings
                            early = True
                            if p.call is not None:
                                cost -= _fit(p.call, got)
                            g = _GOROOT.match(got)
                            if g is not None:
                                if root is not None and root != g.group(1):
                                    cost += W_OTHER_ROOT
                                root = root or g.group(1)
                    seen, lined, guess = h.seen, p.lined, p.guess
                    if REPEATS and not lined and p.call is not None and p.segs:
                        if text.startswith(" +", pos):
                            # the ` +` after a line number says the number is whole:
                            # weigh it now, while the beam still holds the readings
                            # that dealt its digits otherwise, not at the newline
                            r = _reading("".join(text[a:b] for a, b in p.segs))
                            if r is not None and r.kind == "frame_file" and r.line is not None:
                                c, seen = seen.line(p.call, r.file, r.line)
                                cost += c - guess
                                lined, guess = True, 0.0
                        elif text[pos:stop].isdigit():
                            r = _reading("".join(text[a:b] for a, b in segs))
                            if r is not None and r.kind == "frame_file" and r.line is not None:
                                g = seen.guess(p.call, r.file, r.line)
                                cost += g - guess
                                guess = g
                    if stop < end:  # the write ends the line
                        if not auto.accepting[state]:
                            cost += W_BROKEN
                        q, c, seen = _close_line(
                            _Proc(state, segs, p.stack, p.call, p.gids, root, p.lines, p.opened,
                                  spaces, early, p.sites, p.callee, lined, guess), text, stop,
                            seen)
                        cost += c
                    else:
                        q = _Proc(state, segs, p.stack, p.call, p.gids, root, p.lines, p.opened,
                                  spaces, early, p.sites, p.callee, lined, guess)
                    new = (*procs[:k], q, *procs[k + 1:]) if k < len(procs) else (*procs, q)
                    buckets.setdefault(end, []).append(_Hyp(cost, new, h.noise, k, seen))
            # a piece no process can print goes to the noise, up to where a write may end
            j = pos + 1
            while j < n and not may_end[j]:
                j += 1
            if text[j - 1] != "\n" or j - 1 == pos:
                buckets.setdefault(j, []).append(
                    _Hyp(h.cost + W_NOISE, h.procs, (h.noise, (pos, j)), h.last,  # type: ignore[arg-type]
                         h.seen)
                )

        pos += 1
    best = None
    for h in final:
        c = h.cost + sum(W_UNFINISHED for p in h.procs if p.segs)
        if best is None or c < best[0]:
            best = (c, h)
    if best is None:
        return Decoded([], [(0, n)], float("inf"))
    return _unwind(best[1], best[0])


# Kinds whose text the grammar leaves loose (a tab, then anything): a line
# only they can still read swallows any writes of other processes, cheap,
# until its newline. It costs when it comes to that, not a line later.
SINKS = frozenset({"indented", "cgo_file"})
W_SINK = 10.0


def _sink(auto, state: int) -> bool:  # type: ignore[no-untyped-def]
    return state >= 0 and auto.kinds(state) <= SINKS and bool(auto.kinds(state))


def _file_write(text: str, segs: tuple[tuple[int, int], ...], pos: int,
                stop: int) -> str | None:
    """The source file a write ends, when the process's line so far is a tab
    and that file's whole name (`\t` + `/usr/lib/go-1.19/src/runtime/proc.go`)."""
    if segs:
        if len(segs) != 1 or segs[0][1] - segs[0][0] != 1 or text[segs[0][0]] != "\t":
            return None
        name = text[pos:stop]
    elif text[pos] == "\t":
        name = text[pos + 1:stop]
    else:
        return None
    if not name.endswith(_SOURCE_ENDS) or _FIELD_OK["file"].fullmatch(name) is None:
        return None
    return name


_SOURCE_ENDS = (".go", ".s", ".c")


@cache
def _glued() -> re.Pattern[str]:
    """A write that holds a hex number, a tab or a word of the grammar after its
    first character: two print arguments (of two processes, or of one whose
    writes the text shows side by side, which then read as two writes)."""
    return re.compile(rf"0x|\t|{grammar_words().pattern}")


def _walk(text: str, pos: int, state: int, auto, may_end, strong,  # type: ignore[no-untyped-def]
          n: int) -> list[tuple[int, int]]:
    """Where a write from `pos` may end for a process in `state`: (end, state after)."""
    step, boundary, cut = auto.step, auto.boundary, auto.cut
    out: list[tuple[int, int]] = []
    s = state
    j = pos
    limit = min(n, pos + MAX_WRITE)
    while j < limit:
        ch = text[j]
        if ch == "\n":
            # a line the grammar refuses still ends here, at a cost: a process
            # stuck in a line no write can go on with would leave every
            # later write to the noise
            out.append((j + 1, s))
            break
        s = step(s, ch)
        if s == DEAD:
            break
        j += 1
        if may_end[j] and boundary[s]:
            out.append((j, cut(s)))
    if len(out) > MAX_CANDIDATES:  # the first few, then where another write most likely starts
        out = out[:MAX_CANDIDATES] + [c for c in out[MAX_CANDIDATES:-1] if strong[c[0]]][
            :MAX_STRONG] + out[-1:]
    return out


def _prune(hyps: list[_Hyp], beam: int, ordered: bool = False) -> list[_Hyp]:
    """The beam at one text position. Hypotheses whose processes hold the same
    open lines in the same line and report states read the text from here on
    alike: only the cheapest is kept (their pasts differ in what later lines
    weigh little: goroutine ids, arenas). Of those whose processes stand at the
    same places (line state, report state, the call waiting for its file) but
    hold different open lines, PER_PLACE: without the cap a run of argument
    writes dealt out one way or another fills the beam with near-duplicates
    (128 of them within 1.6 of each other on bolt-writes-shuffle), and the
    reading that differs where it matters falls out."""
    hyps.sort(key=lambda h: h.cost)
    futures: set[tuple] = set()
    places: dict[tuple, int] = {}
    out: list[_Hyp] = []
    for h in hyps:
        future = tuple((p.state, p.stack, p.segs, p.call or "", p.callee or "") for p in h.procs)
        place = tuple((p.state, p.stack[-1], bool(p.segs), p.call or "") for p in h.procs)
        if not ordered:
            # processes are interchangeable: the same states in another order are
            # the same (unless a reading is held to the truth's processes)
            future = tuple(sorted(future))
            place = tuple(sorted(place))
        if future in futures:
            continue
        futures.add(future)
        seen = places.get(place, 0)
        if seen >= PER_PLACE:
            continue
        places[place] = seen + 1
        out.append(h)
        if len(out) >= beam:
            break
    return out


def _unwind(h: _Hyp, cost: float) -> Decoded:
    processes = []
    for p in h.procs:
        lines: list[list[tuple[int, int]]] = []
        node = p.lines
        while node is not None:
            lines.append(list(node.segs) or [(node.newline, node.newline)])
            node = node.prev
        lines.reverse()
        if p.segs:
            lines.append(list(p.segs))
        processes.append(lines)
    noise: list[tuple[int, int]] = []
    link = h.noise
    while link is not None:
        link, seg = link  # type: ignore[misc]
        noise.append(seg)
    noise.reverse()
    return Decoded(processes, noise, cost)


# ------------------------------------------------------------- to streams ---


# More of the region than this left to the noise: the reading is not trusted.
MAX_NOISE = 0.2


def separate_writes(stream: Stream) -> list[Stream] | None:
    """The streams of the processes whose writes interleave in `stream`, each
    line's pieces naming the input columns it came from; pieces no process
    printed form a stream of their own (noise holds whole lines only).
    None when the decoder could not read most of the region."""
    texts = list(stream.texts)
    text = "\n".join(texts) + "\n"
    starts = [0]
    for t in texts:
        starts.append(starts[-1] + len(t) + 1)
    numbers = stream.numbers
    shift = stream.prefix_lengths or [0] * len(texts)
    got = decode(text)
    if sum(b - a for a, b in got.noise) > MAX_NOISE * len(text):
        return None

    def pieces(segs: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
        out: list[tuple[int, int, int]] = []
        for a, b in segs:
            while True:
                i = bisect_right(starts, a) - 1
                line_end = starts[i] + len(texts[i]) if i < len(texts) else a
                e = min(b, line_end)
                out.append((numbers[i], shift[i] + a - starts[i], shift[i] + e - starts[i]))
                if b <= line_end:
                    break
                a = line_end + 1  # a piece never spans a newline; kept safe anyway
                if a >= b:
                    break
        return out

    result: list[Stream] = []
    for lines in got.processes:
        sub = Stream(id="", label=stream.label)
        ps = [pieces(segs) for segs in lines]
        sub.numbers = [p[0][0] for p in ps]
        sub.texts = ["".join(text[a:b] for a, b in segs) for segs in lines]
        sub.pieces = dict(enumerate(ps))
        result.append(sub)
    # an empty input line whose newline ended another line of a process has no
    # piece yet: it joins the stray pieces, as a piece of no width
    claimed = {n for s in result for ps in s.pieces.values() for n, _, _ in ps}
    claimed.update(n for seg in got.noise for n, _, _ in pieces([seg]))
    empty = [(starts[i], starts[i]) for i, n in enumerate(numbers) if n not in claimed]
    if got.noise or empty:
        ps = [pieces([seg]) for seg in got.noise] + [
            [(numbers[bisect_right(starts, a) - 1], 0, 0)] for a, _ in empty]
        result.append(Stream(id="", label=stream.label, numbers=[p[0][0] for p in ps],
                             texts=[text[a:b].replace("\n", "") for a, b in got.noise]
                             + [""] * len(empty),
                             pieces=dict(enumerate(ps))))
    return result


# ------------------------------------------------------------ report heads ---

# What a user needs first from a crash is each process's panic or fatal error
# message. Its writes stand whole in any interleaving: `panic: ` (or `fatal
# error: `) is one write and the message another (writes_tokens.prose_runs);
# a signal dump's `SIGQUIT: quit` is one. Reading those, and nothing else,
# gives every report its first line even where the goroutines are beyond
# reading.


@dataclass(slots=True, frozen=True)
class Head:
    """A report's first line: its opener write and its message write."""

    kind: str  # "panic", "fatal_error" or "sigdump"
    opener: tuple[int, int]
    message: tuple[int, int] | None = None


@cache
def _head_regex() -> re.Pattern[str]:
    """Openers of a report's first line, from the grammar: `panic: `, `fatal
    error: `, a signal dump's whole line, and `[signal ` (whose description
    reads as a dump's line and is not one)."""
    g = line_grammar()
    sig = g.kind_regex("sigdump").pattern
    return re.compile(rf"(?P<panic>{g.leads['panic']})|(?P<fatal_error>{g.leads['fatal_error']})"
                      rf"|(?P<signal>{g.leads['signal']})|(?P<sigdump>{_ungrouped(sig)})")


def _ungrouped(pattern: str) -> str:
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


# The annotation of a panic that a deferred call recovered and panicked again
# (before Go 1.25): its process prints a second, chained `panic: ` line.
_RECOVERED = re.compile(r" \[recovered\](?!, )")
_NEXT_LINES = ("\n\ngoroutine ", "\n[signal ")
_RECOVERED_ANY = re.compile(r" \[recovered(?:, repanicked)?\]$")


def report_heads(text: str) -> list[Head]:
    """Each report's opener with its message, read from writes in any order."""
    from .writes_tokens import prose_runs

    openers: list[tuple[str, int, int]] = []
    signals = 0
    found = list(_head_regex().finditer(text))
    # a description seen whole (`SIGQUIT: quit` then a newline) ends where it
    # ends also where another write is glued to it (`SIGQUIT: quitready`)
    whole = {m.group() for m in found if m.lastgroup == "sigdump"
             and not text[m.end():m.end() + 1].isalnum()}
    for m in found:
        kind = m.lastgroup or ""
        a, b = m.start(), m.end()
        if kind == "signal":
            signals += 1
        elif kind == "sigdump" and signals:
            signals -= 1  # the description of a `[signal ` before it
        else:
            if kind == "sigdump":  # the shortest seen whole: `quit` + `ready` is no description
                b = a + min((len(w) for w in whole if m.group().startswith(w)), default=b - a)
            openers.append((kind, a, b))
    wanting = [o for o in openers if o[0] != "sigdump"]
    runs = [(x + a, x + b) for x, y in _reaches(text, wanting) for a, b in prose_runs(text[x:y])]
    # a one-word message on the opener's own line (`panic: boom`): no prose run
    for _, a, b in wanting:
        eol = text.find("\n", b)
        # ... where the lines after it are whole too: the blank line and the
        # goroutine header, or the signal line, the runtime prints next
        if (a == 0 or text[a - 1] == "\n") and text.startswith(_NEXT_LINES, eol):
            rest = _RECOVERED_ANY.sub("", text[b:eol])
            if _ONE_WORD.fullmatch(rest) and (b, b + len(rest)) not in runs:
                runs.append((b, b + len(rest)))
    chosen = _choose_messages(text, wanting, runs, len(wanting) - _unread_chained(text, runs))
    heads = [Head(k, (a, b), chosen.get(a)) for k, a, b in openers]
    # an opener whose message was not found makes no report (it would read as
    # a report with no message); its write stays with the rest
    heads = [h for h in _drop_chained(text, heads) if h.message or h.kind == "sigdump"]
    return [_without_waiting_id(text, _without_glued_digits(text, h)) for h in heads]


def _unread_chained(text: str, runs: list[tuple[int, int]]) -> int:
    """How many chained `panic: ` openers (one per `[recovered]`) have no prose
    run that repeats another's message (`handler 6: runtime error: …`): they
    open no message of their own, and a run given to them would be a stray
    line (a program's `hello ada#1`) taking a real message's place."""
    chained = len(_RECOVERED.findall(text))
    if not chained:
        return 0
    words = [text[a:b] for a, b in runs]
    repeats = sum(1 for i, r in enumerate(words)
                  if any(j != i and _within(o, r) for j, o in enumerate(words)))
    return max(0, chained - repeats)


def _without_waiting_id(text: str, h: Head) -> Head:
    """The head with its message's last digits dropped when they are a
    goroutine id another process owes: its `goroutine ` write stands before
    the message with no digit since, and its ` [` comes right after the
    message's digits with none between (`goroutine ` + `invalid page type:
    6401: 10` + `18` + `0x574c20` + ` [`). The id takes the longest tail of the
    number that is one (no leading zero), leaving the message a digit."""
    if h.message is None:
        return h
    a, b = h.message
    if not text[b - 1].isdigit():
        return h
    before = text[max(0, a - WAITING_REACH):a]
    k = before.rfind(_GOROUTINE)
    if k < 0 or any(c.isdigit() for c in before[k + len(_GOROUTINE):]):
        return h
    bracket = text.find(" [", b, b + WAITING_REACH)
    if bracket < 0 or _DECIMAL.search(text, b, bracket) is not None:
        return h
    first = b
    while first > a and text[first - 1].isdigit():
        first -= 1
    for cut in range(first + 1, b):
        if text[cut] != "0":
            return Head(h.kind, h.opener, (a, cut))
    return h


_GOROUTINE = "goroutine "
WAITING_REACH = 64
# A decimal number standing on its own (not the digits of a hex number).
_DECIMAL = re.compile(r"(?<![0-9a-fA-Fx])[0-9]+(?![0-9a-fA-Fx])")


def _without_glued_digits(text: str, h: Head) -> Head:
    """The head with its message's last digits dropped when they are another
    process's number glued behind it (`… with length 0` + `0`): the message
    without them stands elsewhere with no digit after it (a chained panic's
    `handler 6: … with length 0 (re-panicked)`), the message with them does not."""
    if h.message is None:
        return h
    a, b = h.message
    if not text[b - 1].isdigit() or _ends_whole(text, text[a:b], a):
        return h
    k = b - 1
    while k > a + MIN_REPEAT and text[k - 1].isdigit():
        if _ends_whole(text, text[a:k], a):
            return Head(h.kind, h.opener, (a, k))
        k -= 1
    return h


def _ends_whole(text: str, words: str, at: int) -> bool:
    """True when `words` stands in the text somewhere else than `at` with no
    digit right after it."""
    i = text.find(words)
    while i >= 0:
        nxt = text[i + len(words):i + len(words) + 1]
        if i != at and not nxt.isdigit():
            return True
        i = text.find(words, i + 1)
    return False


# The runtime's commonest fatal errors (runtime.throw/fatal): a program's own
# output line may stand where a message could, these never are one.
RUNTIME_FATALS = frozenset({
    "concurrent map writes", "concurrent map read and map write",
    "concurrent map iteration and map write", "all goroutines are asleep - deadlock!",
    "out of memory", "stack overflow", "unexpected signal during runtime execution",
    "sync: unlock of unlocked mutex", "sync: RUnlock of unlocked RWMutex",
    "sync: negative WaitGroup counter", "invalid memory address or nil pointer dereference",
    "unexpected fault address", "fatal: morestack on g0",
})


# How far after its opener a message is looked for: a process's next writes
# follow its `panic: ` within a few hundred characters of others' writes (at
# most 905 in the corpus, twelve processes shuffled); a region of a 5000
# goroutine dump is not read whole for two messages.
MESSAGE_REACH = 8192


def _reaches(text: str, openers: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """The stretches of text that may hold the openers' messages: from each
    opener's line to the end of the line MESSAGE_REACH after it, merged."""
    out: list[tuple[int, int]] = []
    for _, a, b in sorted(openers, key=lambda o: o[1]):
        x = text.rfind("\n", 0, a) + 1
        y = text.find("\n", min(len(text), b + MESSAGE_REACH))
        y = len(text) if y < 0 else y
        if out and x <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], y))
        else:
            out.append((x, y))
    return out


def _choose_messages(text: str, openers: list[tuple[str, int, int]],
                     runs: list[tuple[int, int]], count: int) -> dict[int, tuple[int, int]]:
    """opener start → its message: the likeliest prose runs, `count` of them
    (one per opener, but chained ones whose message is not read), each after
    the opener it is given to (a process prints its message after its
    `panic: `), the nearest first."""
    ends = {b: a for _, a, b in openers}

    def likely(run: tuple[int, int]) -> float:
        a, b = run
        score = 0.0
        after = text[b:b + 12]
        if a in ends:
            score += 3  # right behind an opener
            if after.startswith("\n"):
                score += 2  # the same process writing on: its line's newline
        if after.startswith(" [recovered"):
            score += 2  # what the same process prints next
        if text[a:b] in RUNTIME_FATALS:
            score += 6
        return score + min(b - a, 60) / 100  # the longer, the less likely a stray phrase

    starts = sorted(b for _, _, b in openers)
    picked: list[tuple[int, int]] = []
    for run in sorted(runs, key=lambda r: (-likely(r), r[0])):
        if len(picked) >= count:
            break
        trial = sorted([*picked, run])
        # the k-th message needs k openers before it
        if all(bisect_right(starts, a) > k for k, (a, _) in enumerate(trial)):
            picked = trial
    out: dict[int, tuple[int, int]] = {}
    free = sorted(openers, key=lambda o: o[1])
    taken: set[int] = set()
    # a runtime's fatal error goes to a `fatal error: ` first; then a message
    # right behind its opener; then the nearest opener before each
    for run in sorted(picked, key=lambda r: (text[r[0]:r[1]] not in RUNTIME_FATALS,
                                             r[0] not in ends, r[0])):
        a = run[0]
        before = [o for o in free if o[2] <= a and o[1] not in taken]
        if not before:
            continue
        fatal = [o for o in before if o[0] == "fatal_error"]
        if text[a:run[1]] in RUNTIME_FATALS and fatal:
            before = fatal
        o = next((o for o in before if o[2] == a), before[-1])
        taken.add(o[1])
        out[o[1]] = run
    return out


def _drop_chained(text: str, heads: list[Head]) -> list[Head]:
    """Without the chained `panic: ` lines of recovered panics: as many as
    there are `[recovered]` annotations, those whose message repeats another's
    (`handler 5: runtime error: …` after `runtime error: …`), then those led
    by a tab."""
    chained = len(_RECOVERED.findall(text))
    if not chained:
        return heads
    msg = {h.opener: text[slice(*h.message)] if h.message else "" for h in heads}
    drop: set[tuple[int, int]] = set()
    fixed: dict[tuple[int, int], tuple[int, int]] = {}
    for h in heads:
        if len(drop) >= chained or h.kind != "panic" or not msg[h.opener]:
            continue
        for g in heads:
            if g is h or g.kind != "panic" or g.opener in drop or not msg[g.opener]:
                continue
            inner = _within(msg[g.opener], msg[h.opener])
            if inner:
                drop.add(h.opener)
                fixed[g.opener] = (g.message[0], g.message[0] + inner)  # type: ignore[index]
                break
    for h in heads:
        if len(drop) < chained and h.kind == "panic" and text[h.opener[0] - 1:h.opener[0]] == "\t":
            drop.add(h.opener)
    return [Head(h.kind, h.opener, fixed.get(h.opener, h.message))
            for h in heads if h.opener not in drop]


def _within(message: str, chained: str) -> int:
    """How much of `message` the chained panic's message repeats (its first
    panic's message, `handler 5: runtime error: …`): all of it, or all but
    digits another process glued behind it (`length 0` + `5`); 0 if not."""
    k = len(message)
    while k >= MIN_REPEAT:
        i = chained.find(message[:k])
        while i >= 0:
            nxt = chained[i + k:i + k + 1]
            if (k == len(message) or message[k - 1].isdigit()) and not (
                    nxt.isdigit() and message[k - 1].isdigit()):
                return k
            i = chained.find(message[:k], i + 1)
        if k == 0 or not message[k - 1].isdigit():
            return 0
        k -= 1
    return 0


MIN_REPEAT = 12


# ------------------------------------------------------- heads to streams ---

# Set while the line-level separator reads a write-interleaved region for the
# write layer (demux/__init__.py's gate must not send it back here).
LINE_LEVEL: ContextVar[bool] = ContextVar("line_level", default=False)

Piece = tuple[int, int, int]  # (input line, start column, end column)
LineLevel = Callable[[Stream, list[int], list[Diagnostic]], list[Stream]]


class _Columns:
    """Where each character of a region's joined text (lines + newlines) came
    from: an input line and column, through the region's pieces and stripped
    prefixes; and back. A line whose pieces do not add up to its text (a paste
    repair rewrote it) cannot be cut: `cuttable` says so."""

    def __init__(self, stream: Stream) -> None:
        self.stream = stream
        self.starts = [0]
        for t in stream.texts:
            self.starts.append(self.starts[-1] + len(t) + 1)
        # input line → [(start column, end column, region line, text offset)]
        self.back: dict[int, list[tuple[int, int, int, int]]] = {}
        for i in range(len(stream.texts)):
            for n, x, y, off in self._runs(i):
                self.back.setdefault(n, []).append((x, y, i, off))

    def _runs(self, i: int) -> list[tuple[int, int, int, int]]:
        s, t = self.stream, self.stream.texts[i]
        p = s.pieces.get(i)
        if p is None:
            shift = s.prefix_lengths[i] if s.prefix_lengths else 0
            return [(s.numbers[i], shift, shift + len(t), self.starts[i])]
        if not self.cuttable(i):
            return [(n, x, y, self.starts[i]) for n, x, y in p]
        out, off = [], self.starts[i]
        for n, x, y in p:
            out.append((n, x, y, off))
            off += y - x
        return out

    def line(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1

    def cuttable(self, i: int) -> bool:
        p = self.stream.pieces.get(i)
        return p is None or sum(b - a for _, a, b in p) == len(self.stream.texts[i])

    def span_pieces(self, a: int, b: int) -> list[Piece]:
        """The input columns of text [a, b) (within one cuttable line)."""
        out: list[Piece] = []
        for n, x, y, off in self._runs(self.line(a)):
            lo, hi = max(a, off), min(b, off + y - x)
            if lo < hi:
                out.append((n, x + lo - off, x + hi - off))
        return out

    def offsets(self, s: Stream) -> list[tuple[int, int]]:
        """The text spans that a stream made of this region's lines holds (a
        line that cannot be cut, whole)."""
        out: list[tuple[int, int]] = []
        for j, n in enumerate(s.numbers):
            for m, a, b in s.pieces.get(j) or [(n, 0, 1 << 62)]:
                for x, y, i, off in self.back.get(m, ()):
                    if not self.cuttable(i):
                        if max(a, x) < min(b, y) or x == y:
                            out.append((self.starts[i], self.starts[i + 1] - 1))
                    elif max(a, x) < min(b, y):
                        out.append((off + max(a, x) - x, off + min(b, y) - x))
                    elif x == y and a <= x <= b:  # an empty line: its newline stands for it
                        out.append((off, off + 1))
                    elif a == b == y:  # a piece of no width at a line's end: its newline
                        out.append((off + y - x, off + y - x + 1))
        return out

    def unclaimed(self, claimed: bytearray) -> Stream | None:
        """What no stream claimed, one line of pieces per region line, as a
        stream that is never parsed (None when nothing is left)."""
        s = self.stream
        numbers: list[int] = []
        texts: list[str] = []
        pieces: dict[int, list[Piece]] = {}
        for i, t in enumerate(s.texts):
            a0 = self.starts[i]
            if not self.cuttable(i):
                if not any(claimed[a0:a0 + len(t)]):
                    numbers.append(s.numbers[i])
                    texts.append(t)
                    pieces[len(texts) - 1] = s.pieces[i]
                continue
            # untouched, its newline too (a stream's piece of no width there
            # claims the line's end): the whole line
            if i not in s.pieces and not s.prefix_lengths and \
                    claimed.find(1, a0, a0 + len(t) + 1) < 0:
                numbers.append(s.numbers[i])
                texts.append(t)
                continue
            spans: list[tuple[int, int]] = []
            k = 0
            while k < len(t):
                x = claimed.find(0, a0 + k, a0 + len(t))
                if x < 0:
                    break
                y = claimed.find(1, x, a0 + len(t))
                y = a0 + len(t) if y < 0 else y
                spans.append((x - a0, y - a0))
                k = y - a0
            if not spans and (t or claimed[a0]):
                continue
            ps = [p for a, b in spans for p in self.span_pieces(a0 + a, a0 + b)]
            if not ps:  # an empty line: a piece of no width keeps its number claimed
                n, x, _, _ = self._runs(i)[0]
                ps = [(n, x, x)]
            numbers.append(ps[0][0])
            texts.append("".join(t[a:b] for a, b in spans))
            pieces[len(texts) - 1] = ps
        if not texts:
            return None
        return Stream(id="", label=s.label, numbers=numbers, texts=texts, pieces=pieces,
                      unplaced=True)


def separate_region(stream: Stream, line_level: LineLevel, noise: list[int],
                    diagnostics: list[Diagnostic]) -> list[Stream] | None:
    """The streams of a write-interleaved region: what the decoder (a small
    region) or else the line-level separator reads credibly (reports whose
    messages are the region's own), and for every other report its first line
    alone (opener and message pieces); the rest of the region is one stream
    of unplaced pieces, never parsed: a mixture of writes must not make up
    reports. None when the decoder could not read the region and no report's
    first line is found."""
    text = "\n".join(stream.texts) + "\n"
    heads = report_heads(text)
    read = separate_writes(stream) if not stream.pieces and decodable(text) else None
    if not heads:
        return read
    wanted = Counter(_head_text(text, h) for h in heads)
    own_noise: list[int] = []
    own_diags: list[Diagnostic] = []
    decoded = read is not None
    whole = True  # the line level read the whole region
    if read is None:
        tail = _whole_tail(stream)
        if tail is not None and tail is not stream and _headless_dump(tail):
            # a big dump's tail, its head among the broken lines: the line level
            # reading the region whole tells which stream goes on into it
            tail = stream
        read = _read_lines(line_level, tail, own_noise, own_diags) if tail is not None else []
        whole = tail is stream
    named = set(wanted)
    kept = [s for s in read if not s.unplaced and _credible(s, wanted, named, decoded, not whole)]
    if whole and len(kept) == len(read):
        noise.extend(own_noise)
        diagnostics.extend(own_diags)
        return kept
    cols = _Columns(stream)
    claimed = bytearray(len(text))
    for s in kept:
        for a, b in cols.offsets(s):
            claimed[a:b] = b"\1" * (b - a)
    out = list(kept)
    for h in heads:
        segs = [h.opener] + ([h.message] if h.message else [])
        if wanted[_head_text(text, h)] <= 0 or any(
                any(claimed[a:b]) or not cols.cuttable(cols.line(a)) for a, b in segs):
            continue
        wanted[_head_text(text, h)] -= 1
        pieces = [p for a, b in segs for p in cols.span_pieces(a, b)]
        out.append(Stream(id="", label=stream.label, numbers=[pieces[0][0]],
                          texts=["".join(text[a:b] for a, b in segs)], pieces={0: pieces}))
        for a, b in segs:
            claimed[a:b] = b"\1" * (b - a)
    left = cols.unclaimed(claimed)
    if left is not None:
        out.append(left)
    return out


def _read_lines(line_level: LineLevel, stream: Stream, noise: list[int],
                diagnostics: list[Diagnostic]) -> list[Stream]:
    token = LINE_LEVEL.set(True)
    try:
        return line_level(stream, noise, diagnostics)
    finally:
        LINE_LEVEL.reset(token)


# Kinds that open a report of its own (a goroutine header does not).
_REPORT_OPENERS = OPENERS - {"goroutine_header"}


def _headless_dump(tail: Stream) -> bool:
    """True when the tail goes on with goroutines before any report opener,
    MIN_TAIL_DUMP of them at least: the rest of a big dump whose head is among
    the broken lines before it."""
    match = line_grammar().match
    for t in tail.texts:
        m = match(t) if len(t) <= MAX_LINE else None
        kind = m.lastgroup if m is not None else None
        if kind in _REPORT_OPENERS:
            return False
        if kind in ("goroutine_header", "frame_call", "frame_file", "created_by"):
            break
    else:
        return False
    return len(_goroutine_header().findall(tail.joined())) >= MIN_TAIL_DUMP


@cache
def _goroutine_header() -> re.Pattern[str]:
    return re.compile("^" + _ungrouped(line_grammar().kind_regex("goroutine_header").pattern),
                      re.M)


# Whole lines after a region's last broken line: processes that finished left
# the last one printing alone (a big dump's tail, a signal dump per thread).
MIN_WHOLE_TAIL = 8
MIN_TAIL_DUMP = 64


def _whole_tail(stream: Stream) -> Stream | None:
    """The region's lines after its last broken one, for the line-level
    separator: only there do whole lines stand for themselves. Before it, where
    most lines are broken, a line of the grammar may be writes of several
    processes glued, and reading them line by line costs the splicer seconds
    per KB for nothing (no report read there is credible). The whole region
    when its broken lines are few; None when the tail is too short to hold a
    block."""
    texts = stream.texts
    start = len(texts)
    while start > 0 and not is_broken(texts[start - 1]):
        start -= 1
    if start == 0 or not _mostly_broken(texts[:start]):
        # whole tracebacks among lines that quote code (grep, test logs): the
        # line level reads them whole
        return stream
    if len(texts) - start < MIN_WHOLE_TAIL:
        return None
    tail = Stream(id="", label=stream.label, numbers=list(stream.numbers[start:]),
                  texts=list(texts[start:]),
                  pieces={i - start: p for i, p in stream.pieces.items() if i >= start})
    if stream.prefix_lengths:
        tail.prefix_lengths = list(stream.prefix_lengths[start:])
    return tail


def _mostly_broken(texts: Sequence[str]) -> bool:
    """True when most lines that look like traceback lines are broken pieces
    of frames (a hex number or a tab in a line of no grammar kind): writes
    mixed (measured: 58-96 % in the corpus's write merges; 0-10 % in its
    crashes amid build output, whose lines name source files but print no
    argument, offset or file line: `[build] compiling step 3 (foo.go)`)."""
    match = line_grammar().match
    broken = whole = 0
    for t in texts:
        if len(t) > MAX_LINE or not t:
            continue
        m = match(t)
        if (m is None or m.lastgroup == "indented") and _FRAME_PIECE.search(t) is not None:
            broken += 1
        elif m is not None and m.lastgroup not in ("blank", "indented"):
            whole += 1
    return broken > whole


# What a piece of a frame line holds: an argument, an offset, an address, or
# the tab that leads a file line.
_FRAME_PIECE = re.compile(r"0x[0-9a-f]|\t")


def _head_text(text: str, h: Head) -> str:
    if h.message is None:
        return text[h.opener[0]:h.opener[1]]
    return text[h.message[0]:h.message[1]]


def _credible(s: Stream, wanted: Counter[str], named: set[str], decoded: bool = False,
              tail: bool = False) -> bool:
    """True when no report the stream reads as is a mixture of processes: its
    message is one the region's heads name (each once), or one they could not
    read that stands clean on its line (`panic: boom`); goroutines with no
    header of their own, among broken lines, are pieces of the processes the
    heads open (whole, a dump of its own: runtime.Stack, pprof). In a region's
    whole tail (`tail`), headless goroutines are the rest of a report whose head
    is among the broken lines: no report of their own."""
    from ..model import ReportKind
    from ..parse import parse_stream

    left = wanted.copy()
    for r in parse_stream(s).reports:
        if left[r.message] > 0:
            left[r.message] -= 1
        elif r.kind == ReportKind.GOROUTINE_DUMP:
            # headless pieces of the heads' processes: the decoder's guess, or broken lines
            if decoded or any(is_broken(t) for t in s.texts):
                return False
            if tail:
                return False
        elif not clean_message(r.message) or any(m in r.message for m in named):
            return False  # a head's message with another write glued
    wanted.clear()
    wanted.update(left)
    return True


def clean_message(message: str) -> bool:
    """A message no other write is glued into: one prose run, or one word."""
    from .writes_tokens import prose_runs

    return bool(_ONE_WORD.fullmatch(message)) or prose_runs(message) == [(0, len(message))]


# A one-word message (`panic: boom`, `fatal error: unreachable!`).
_ONE_WORD = re.compile(r"[A-Za-z][\w\-']*[!.]?")
