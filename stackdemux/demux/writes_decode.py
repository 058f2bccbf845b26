"""The write decoder: a beam search that reads a text as several processes' writes.

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
lines say (writes_reading.py: a grammar line, a frame whose file fits its
function's package; here: goroutine ids unique in a process, one GOROOT per
process, frames that repeat those read before, writes_repeats.py) and the best
few kept per text position. It runs at ~0.7-1 KB/s, so only on small regions
(writes.decodable).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from .. import rx
from ..grammar import line_grammar
from .persistent import PMap
from .writes_dfa import DEAD, line_automaton
from .writes_gate import process_budget
from .writes_heads import Head, report_heads
from .writes_reading import (
    FIELD_OK,
    GOROOT,
    LONG_HEX,
    OPENERS,
    W_BAD_ARGS,
    W_LONG_HEX,
    brace_depth,
    reading,
)
from .writes_repeats import Seen, site
from .writes_tokens import grammar_words, strong_ends, word_splits, write_ends

__all__ = ["Decoded", "decode"]


# ---------------------------------------------------------------- scoring ---

W_WRITE = 1.0  # every write: prefer reading the text as few writes
W_NEW = 30.0  # a process beyond the report openers the text holds
W_NOISE = 12.0  # a piece no process can print (8: a beam stuck in wrong lines takes the noise)
W_REFUSED = 8.0  # a line that report.lark refuses where it stands
W_UNCLASSIFIED = 12.0  # a line the classifier refuses (the DFA ignores lookbehinds)
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

W_GLUED = 20.0  # a write that reads as two print arguments
W_GLUED_WORD = 6.0  # a write that reads as two words seen whole elsewhere
W_LONG = 3.0  # each write beyond MAX_LINE_CHARS of one line: no traceback line is that long
MAX_LINE_CHARS = 400
# An argument write that points into an arena: its high digits (see writes_reading).
_ADDRESS_WRITE = rx.compile(r"(0x[0-9a-f]{1,6})[0-9a-f]{6}")
W_SPACE = 1.5
W_SWITCH = 0.3  # writes of one process often follow each other (timestamp order)


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
    text: str = ""  # the current line's text (its writes joined)
    values: frozenset[str] = frozenset()  # the addresses it printed as arguments


@dataclass(slots=True)
class _Hyp:
    cost: float
    procs: tuple[_Proc, ...]
    noise: tuple[tuple[int, int], ...] | None = None  # linked: (prev, seg) pairs
    last: int = -1  # the process that wrote last
    seen: Seen = _NOTHING_SEEN  # what all its processes printed that later frames repeat
    unsure: tuple | None = None  # linked: (prev, (newline, fields)) values a rival read otherwise


@dataclass(slots=True)
class Decoded:
    """The processes read from a region, as lines made of text pieces."""

    processes: list[list[list[tuple[int, int]]]]  # process → lines → [(start, end)]
    noise: list[tuple[int, int]] = field(default_factory=list)
    cost: float = 0.0
    # the values of the processes' lines that a reading within `margin` of
    # this one's cost read otherwise (decode(margin=)): (process, line) -> the
    # model's fields unsure there (model.UNSURE_FIELDS)
    unsure: dict[tuple[int, int], frozenset[str]] = field(default_factory=dict)


@cache
def _report_automaton():  # type: ignore[no-untyped-def]
    from .interleave import automaton

    return automaton()


# Kinds a process prints once: its panic or fatal error, its signal dump.
ONCE = (frozenset({"panic", "fatal_error", "http_panic"}), frozenset({"sigdump"}))
_LINE_STARTS: dict[tuple[tuple[int, ...], int, bool], int] = {}
# The kinds a process's blank line follows (in the corpus's outputs and the
# samples; after a header, a call, a created-by, a blank line or a test's
# FAIL line none of 30 000 does). GOTRACEBACK=crash writes `\n-----\n\n`.
BLANK_AFTER = frozenset({"frame_file", "register", "panic", "chained_panic", "fatal_error",
                         "signal", "sigpc", "cgo_signal", "indented", "race_frame_file",
                         "running_test", "additional_frames_elided", "relay_rule", None})


def _line_start(stack: tuple[int, ...], opened: int = 0, blank: bool = True) -> int:
    """The automaton state a process's next line starts in: only the kinds
    report.lark lets follow what it printed so far (a file line after a call
    line; an opener first), a blank line only between whole blocks, and a
    report's opener once (a process dies of one panic; GOTRACEBACK=crash then
    prints one signal dump). `blank` False: no blank line here, as first line
    (the runtime starts with its report's opener) nor after the kinds no
    blank line follows (BLANK_AFTER); a blank line changes no
    report state, so one given there ties with the same line given elsewhere
    and takes the truth's place in the beam."""
    key = (stack, opened, blank)
    got = _LINE_STARTS.get(key)
    if got is None:
        auto = _report_automaton()
        kinds = {k for k in line_grammar().kinds_in_order
                 if k != "blank" and auto.step(stack, k.upper()) is not None}
        if stack == auto.start:  # a process's first line opens a report
            kinds &= OPENERS
        if blank and (stack == auto.start or auto.can_end(stack)):
            kinds.add("blank")
        for bit, once in enumerate(ONCE):
            if opened >> bit & 1:
                kinds -= once
        got = _LINE_STARTS[key] = line_automaton().start_for(frozenset(kinds))
    return got


def _fit(func: str, file: str) -> float:
    from .interleave import fit

    return fit(func, file)


def _close_line(p: _Proc, text: str, end: int, seen: Seen) -> tuple[_Proc, float, Seen]:
    """The process after the newline at `end`, what its line costs, and what
    the reading has seen after it."""
    line = p.text
    cost = 0.0
    stack, call, gids, root, opened, spaces = p.stack, p.call, p.gids, p.root, p.opened, p.spaces
    sites = p.sites
    callee = p.callee
    kind: str | None = None
    if not line:
        cost += W_BLANK
        kind = "blank"
    else:
        r = reading(line)
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
    return _Proc(_line_start(stack, opened, kind in BLANK_AFTER), (), stack, call, gids,
                 root, lines, opened,
                 spaces, False, sites, callee, values=p.values), cost, seen


def decode(text: str, beam: int = BEAM, owners: Sequence[int] | None = None,
           seen: Seen = _NOTHING_SEEN, names: Sequence[int] | None = None,
           margin: float = 0.0) -> Decoded:
    """Read `text` (lines joined by newlines, ending in one) as the writes of
    several processes; the best reading found. `owners` (the process of each
    character, from a corpus case's truth) holds the reading to it: what the
    model makes of the truth, to weigh against what the search finds (a
    piece its owner cannot read there, where the tokenizer misses a write's
    end, goes to the noise). `seen`: frames known before the text is read
    (tests/corpus/writes_vocabulary.py seeds it with a vocabulary); `names`:
    names[i] the end of a function or file name known to start at i (0:
    none): a line's first write there (a tab's next for a file) is that name
    whole."""
    auto = line_automaton()
    report_start = _report_automaton().start
    n = len(text)
    may_end = write_ends(text)
    strong = strong_ends(text, may_end)
    glued_words = word_splits(text)
    heads = report_heads(text)
    foreign = _foreign_lines(text, heads)
    # a word of the grammar starting a write holds no other (`FAIL` in `--- FAIL: `)
    word_end = {m.start(): m.end() for m in grammar_words().finditer(text)}
    fresh = _Proc(_line_start(report_start, blank=False), (), report_start)
    budget = process_budget(text)
    # every process opens its report once, and the heads read each report's
    # opener exactly: no more processes than heads (the openers' count also
    # counts a chained panic's and a signal's lines: the beam filled the
    # processes beyond with pieces read as registers and notes)
    most = min(MAX_PROCESSES, budget, len(heads) or budget)
    glued = _glued()
    buckets: dict[int, list[_Hyp]] = {0: [_Hyp(0.0, (), seen=seen)]}
    if owners is not None:  # every process there from the start, in the truth's order
        most = max(owners, default=0) + 1
        buckets = {0: [_Hyp(0.0, (fresh,) * most, seen=seen)]}
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
        hyps = (_prune(hyps, beam, owners is not None, margin, text) if margin
                else _prune(hyps, beam, owners is not None))
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
                if names is not None and names[pos] and (
                        not p.text or p.text in ("\t", "created by ")):
                    ends = _walk_to(text, pos, p.state, auto, names[pos])
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
                    if not p.text and stop < end and auto.whole[state] and auto.accepting[state]:
                        pass  # a line written whole (`FAIL\t<pkg>\t0.01s`): one write, tabs and all
                    elif glued.search(text, max(pos + 1, word_end.get(pos, 0)), stop):
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
                    early, root, spaces, values = p.early, p.root, p.spaces, p.values
                    line = p.text + text[pos:stop] if stop > pos else p.text
                    # arguments that can no longer be the runtime's (a `}` it did
                    # not open): charged now, while the beam still holds the
                    # readings that dealt them otherwise
                    if stop > pos and p.segs and _ARG_CHARS.fullmatch(text, pos, stop) \
                            and "frame_call" in auto.kinds(state) \
                            and _args_ok(p.text) and not _args_ok(line):
                        cost += W_BAD_ARGS
                    if stop - pos > 8 and (m := _ADDRESS_WRITE.fullmatch(text, pos, stop)) \
                            and "(" in text[segs[0][0]:pos]:
                        # an argument that points into an arena: a process's
                        # addresses share their high digits, weighed now, while
                        # the beam still holds the process the write belongs to
                        if spaces and m.group(1) not in spaces:
                            cost += W_SPACE
                        spaces = spaces | {m.group(1)}
                        if VALUES:
                            c, values = _value(procs, k, values, text[pos:stop])
                            cost += c
                    if stop > pos and segs[-1][1] == stop and (
                            m := LONG_HEX.search(text, max(segs[-1][0], pos - 16), stop)) \
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
                            g = GOROOT.match(got)
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
                            r = reading(p.text)
                            if r is not None and r.kind == "frame_file" and r.line is not None:
                                c, seen = seen.line(p.call, r.file, r.line)
                                cost += c - guess
                                lined, guess = True, 0.0
                        elif text[pos:stop].isdigit():
                            r = reading(line)
                            if r is not None and r.kind == "frame_file" and r.line is not None:
                                g = seen.guess(p.call, r.file, r.line)
                                cost += g - guess
                                guess = g
                    if stop < end:  # the write ends the line
                        if not auto.accepting[state]:
                            cost += W_BROKEN
                        q, c, seen = _close_line(
                            _Proc(state, segs, p.stack, p.call, p.gids, root, p.lines, p.opened,
                                  spaces, early, p.sites, p.callee, lined, guess, line, values),
                            text, stop,
                            seen)
                        cost += c
                    else:
                        q = _Proc(state, segs, p.stack, p.call, p.gids, root, p.lines, p.opened,
                                  spaces, early, p.sites, p.callee, lined, guess, line, values)
                    new = (*procs[:k], q, *procs[k + 1:]) if k < len(procs) else (*procs, q)
                    buckets.setdefault(end, []).append(_Hyp(cost, new, h.noise, k, seen, h.unsure))
            # a piece no process can print goes to the noise, up to where a write may end
            j = pos + 1
            while j < n and not may_end[j]:
                j += 1
            if text[j - 1] != "\n" or j - 1 == pos:
                buckets.setdefault(j, []).append(
                    _Hyp(h.cost + W_NOISE, h.procs, (h.noise, (pos, j)), h.last,  # type: ignore[arg-type]
                         h.seen, h.unsure)
                )
            if foreign[pos]:
                # a whole line the grammar does not know, one write (`=== RUN   TestX`,
                # a test's log line: the testing package prints a line at once)
                j = foreign[pos]
                buckets.setdefault(j, []).append(
                    _Hyp(h.cost + W_NOISE, h.procs, (h.noise, (pos, j)), h.last,  # type: ignore[arg-type]
                         h.seen, h.unsure))

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


_BRACKETS = rx.compile(r"[()\[\]{}]")
_PROSE = rx.compile(r"[A-Za-z]{3,}.* \S")  # words: no lone piece of a traceback line


def _foreign_lines(text: str, heads: list[Head] | None = None) -> list[int]:
    """foreign[i]: the end (after its newline) of the line starting at i when it
    reads as one write no process's traceback prints: a line the grammar does
    not know, holding no hex number, tab, bracket or word of the grammar (which
    would start another write, as a line of pieces glued does), nor a report's
    message (its `panic: ` written elsewhere); else 0."""
    out = [0] * (len(text) + 1)
    messages = bytearray(len(text) + 1)
    for h in report_heads(text) if heads is None else heads:
        if h.message is not None:
            messages[h.message[0]:h.message[1]] = b"\1" * (h.message[1] - h.message[0])
    glued = _glued()
    pos = 0
    while pos < len(text):
        end = text.find("\n", pos)
        if end < 0:
            break
        line = text[pos:end]
        if _PROSE.search(line) and reading(line) is None and not glued.search(line) \
                and not _BRACKETS.search(line) and "/" not in line and not any(messages[pos:end]):
            out[pos] = end + 1
        pos = end + 1
    return out


_ARG_CHARS = rx.compile(r"[0-9a-fA-Fx?{}., ]+")
# What the runtime's argument words may be cut to (writes_reading._ARGS, then
# a word begun).
_ARGS_PREFIX = rx.compile(r"(?:(?:0x[0-9a-fA-F]{1,16}\??|\.\.\.|[{}])(?:, )?)*"
                          r"(?:0x?|0x[0-9a-fA-F]{1,16}|\.{1,2}|,)?")


def _args_ok(line: str) -> bool:
    """False when a call line's arguments so far can go on to no arguments the
    runtime prints (its words, braces closed no more often than opened)."""
    k = line.rfind("(")
    if k < 0 or line.startswith("*", k + 1):
        return True
    args = line[k + 1:]
    if ")" in args:
        return True  # whole: its reading weighs it
    return _ARGS_PREFIX.fullmatch(args) is not None and brace_depth(args) is not None


# A process passes its pointers down its stack (a receiver, a context, a
# cursor), so the same address stands in several of its call lines, and
# another process's heap holds other addresses: of the addresses the small
# write merges' processes print as arguments (bolt, gotest, mixed), 14 of 49
# repeat one the same process printed and none one another printed. An address
# argument is weighed against the reading's processes at its write.
VALUES = True
B_VALUE = 2.0  # one the process printed before
W_VALUE = 4.0  # one another process of the reading printed, and this one not


def _value(procs: tuple[_Proc, ...], k: int, values: frozenset[str],
           word: str) -> tuple[float, frozenset[str]]:
    """What an address argument written by process `k` costs, and its values after it."""
    if word in values:
        return -B_VALUE, values
    other = any(word in q.values for i, q in enumerate(procs) if i != k)
    return (W_VALUE if other else 0.0), values | {word}


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
    if not name.endswith(_SOURCE_ENDS) or FIELD_OK["file"].fullmatch(name) is None:
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
            # later write to the noise (not a line written whole, with its
            # newline: one cut short is no such line)
            if auto.stops[s]:
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


def _walk_to(text: str, pos: int, state: int, auto, end: int  # type: ignore[no-untyped-def]
             ) -> list[tuple[int, int]]:
    """The write from `pos` to `end`, when a process in `state` can write it."""
    s = state
    for j in range(pos, end):
        s = auto.step(s, text[j])
        if s == DEAD:
            return []
    return [(end, auto.cut(s))] if auto.boundary[s] else []


def _prune(hyps: list[_Hyp], beam: int, ordered: bool = False,
           margin: float = 0.0, text: str = "") -> list[_Hyp]:
    """The beam at one text position. Hypotheses whose processes hold the same
    open lines (the same text, whichever writes it was cut from) in the same
    line and report states read the text from here on alike: only
    the cheapest is kept (their pasts differ in what later lines
    weigh little: goroutine ids, arenas). Of those whose processes stand at the
    same places (line state, report state, the call waiting for its file) but
    hold different open lines, PER_PLACE: without the cap a run of argument
    writes dealt out one way or another fills the beam with near-duplicates
    (128 of them within 1.6 of each other on bolt-writes-shuffle), and the
    reading that differs where it matters falls out. A dropped reading
    within `margin` of the kept one with its future marks what it reads
    otherwise as unsure in the kept one (_rival)."""
    hyps.sort(key=lambda h: h.cost)
    futures: dict[tuple, _Hyp] = {}
    places: dict[tuple, int] = {}
    out: list[_Hyp] = []
    for h in hyps:
        future = tuple((p.state, p.stack, p.text, p.call or "", p.callee or "") for p in h.procs)
        place = tuple((p.state, p.stack[-1], bool(p.segs), p.call or "") for p in h.procs)
        if not ordered:
            # processes are interchangeable: the same states in another order are
            # the same (unless a reading is held to the truth's processes)
            future = tuple(sorted(future))
            place = tuple(sorted(place))
        kept = futures.get(future)
        if kept is not None:
            if margin and h.cost - kept.cost <= margin:
                _rival(kept, h, text)
            continue
        futures[future] = h
        seen = places.get(place, 0)
        if seen >= PER_PLACE:
            continue
        places[place] = seen + 1
        out.append(h)
        if len(out) >= beam:
            break
    return out


# A reading the beam drops for a cheaper one of the same future that costs at
# most this much more, and reads a value otherwise, makes that value unsure
# (decode(margin=)): where the decoder loses the truth of the small write
# merges it is among readings +0.0 to +2.3 dearer than the cheapest
# (writes.py's comment). big-writes-time: one value, the fleet's top frame's
# line number (its `147` and the pool's `345`, exchanged by a reading +0.0
# dearer).
UNSURE_MARGIN = 3.0
# Lines back from a place that a rival's difference is looked for in (its
# readings part within a few lines: the beam keeps one past per future).
RIVAL_LINES = 24
# The fields of a line as the model names them (grammar field -> model field).
MODEL_FIELDS = {"goid": "id", "state": "state", "func": "func", "args": "args",
                "file": "file", "lineno": "line", "parent": "goroutine"}
ALL_FIELDS = frozenset(MODEL_FIELDS.values())


def _rival(kept: _Hyp, other: _Hyp, text: str) -> None:
    """Mark in `kept` the values of its processes' completed lines that
    `other` (a reading of the same future, dropped) reads otherwise: the
    values the search cannot tell (a goroutine id and a line number of two
    processes exchanged, two states, two functions). Pieces dealt otherwise
    into the same texts (a `, ` or a `\t` of either process) change no value."""
    def key(p: _Proc) -> tuple:
        return (p.state, p.stack, p.text, p.call or "", p.callee or "")

    pool: dict[tuple, list[_Proc]] = {}
    for q in other.procs:
        pool.setdefault(key(q), []).append(q)
    marks = kept.unsure
    for p in kept.procs:
        alike = pool.get(key(p))
        if not alike:
            continue
        q = alike.pop(0)
        if p.lines is q.lines:
            continue
        mine, theirs = _since(p.lines, q.lines)
        for i, line in enumerate(mine):
            own = "".join(text[a:b] for a, b in line.segs)
            if i < len(theirs):
                if own == "".join(text[a:b] for a, b in theirs[i].segs):
                    continue
                fields = _differing(own, "".join(text[a:b] for a, b in theirs[i].segs))
            else:
                fields = ALL_FIELDS
            if fields:
                marks = (marks, (line.newline, fields))
    kept.unsure = marks


def _since(a: _Line | None, b: _Line | None) -> tuple[list[_Line], list[_Line]]:
    """Two processes' lines since their last common line (up to RIVAL_LINES
    back), oldest first."""
    ys: list[_Line] = []
    y = b
    while y is not None and len(ys) < RIVAL_LINES:
        ys.append(y)
        y = y.prev
    at = {id(n): i for i, n in enumerate(ys)}
    xs: list[_Line] = []
    x = a
    while x is not None and id(x) not in at and len(xs) < RIVAL_LINES:
        xs.append(x)
        x = x.prev
    common = at.get(id(x), len(ys)) if x is not None else len(ys)
    return xs[::-1], ys[:common][::-1]


@cache
def _differing(line: str, other: str) -> frozenset[str]:
    """The model's fields in which two readings of one line differ (all of
    them when the lines are of different kinds)."""
    grammar = line_grammar()
    m, o = grammar.match(line), grammar.match(other)
    if m is None or o is None or m.lastgroup != o.lastgroup:
        return ALL_FIELDS
    fields = grammar.kinds[m.lastgroup or ""].fields
    return frozenset(MODEL_FIELDS[name] for name, g in fields.items()
                     if name in MODEL_FIELDS and m.group(g) != o.group(g))


def _unwind(h: _Hyp, cost: float) -> Decoded:
    marks: dict[int, frozenset[str]] = {}  # newline -> fields
    link = h.unsure
    while link is not None:
        link, (newline, fields) = link  # type: ignore[misc]
        marks[newline] = marks.get(newline, frozenset()) | fields
    processes = []
    unsure: dict[tuple[int, int], frozenset[str]] = {}
    for k, p in enumerate(h.procs):
        lines: list[list[tuple[int, int]]] = []
        newlines: list[int] = []
        node = p.lines
        while node is not None:
            lines.append(list(node.segs) or [(node.newline, node.newline)])
            newlines.append(node.newline)
            node = node.prev
        lines.reverse()
        newlines.reverse()
        for i, newline in enumerate(newlines):
            if newline in marks:
                unsure[k, i] = marks[newline]
        if p.segs:
            lines.append(list(p.segs))
        processes.append(lines)
    noise: list[tuple[int, int]] = []
    link = h.noise
    while link is not None:
        link, seg = link  # type: ignore[misc]
        noise.append(seg)
    noise.reverse()
    return Decoded(processes, noise, cost, unsure)
