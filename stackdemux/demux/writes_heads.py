"""Each report's first line, read from a write-mixed region's writes.

What a user needs first from a crash is each process's panic or fatal error
message. Its writes stand whole in any interleaving: `panic: ` (or `fatal
error: `) is one write and the message another (writes_tokens.prose_runs);
a signal dump's `SIGQUIT: quit` is one. Reading those, and nothing else,
gives every report its first line even where the goroutines are beyond
reading (`report_heads`); `clean_message` tells a message no other write is
glued into.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import cache

from .. import rx
from ..grammar import line_grammar, unnamed_groups
from .writes_tokens import prose_runs

__all__ = ["RUNTIME_FATALS", "Head", "clean_message", "report_heads"]


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
                      rf"|(?P<signal>{g.leads['signal']})|(?P<sigdump>{unnamed_groups(sig)})")


# The annotation of a panic that a deferred call recovered and panicked again
# (before Go 1.25): its process prints a second, chained `panic: ` line.
_RECOVERED = rx.compile(r" \[recovered\](?!, )")
_NEXT_LINES = ("\n\ngoroutine ", "\n[signal ")
_RECOVERED_ANY = rx.compile(r" \[recovered(?:, repanicked)?\]$")


def report_heads(text: str) -> list[Head]:
    """Each report's opener with its message, read from writes in any order."""
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
    known = set(runs)
    # a one-word message on the opener's own line (`panic: boom`): no prose run
    for _, a, b in wanting:
        eol = text.find("\n", b)
        # ... where the lines after it are whole too: the blank line and the
        # goroutine header, or the signal line, the runtime prints next
        if (a == 0 or text[a - 1] == "\n") and text.startswith(_NEXT_LINES, eol):
            rest = _RECOVERED_ANY.sub("", text[b:eol])
            if _ONE_WORD.fullmatch(rest) and (b, b + len(rest)) not in known:
                known.add((b, b + len(rest)))
                runs.append((b, b + len(rest)))
    chosen = _choose_messages(text, wanting, runs, len(wanting) - _unread_chained(text, runs))
    heads = [Head(k, (a, b), chosen.get(a)) for k, a, b in openers]
    # an opener whose message was not found makes no report (it would read as
    # a report with no message); its write stays with the rest
    heads = [h for h in _drop_chained(text, heads) if h.message or h.kind == "sigdump"]
    heads = _without_relayed(text, heads)
    return [_without_waiting_id(text, _without_glued_digits(text, h)) for h in heads]


def _without_relayed(text: str, heads: list[Head]) -> list[Head]:
    """The heads without the signal dumps that GOTRACEBACK=crash relays to a
    process's other threads: each thread writes `\n-----\n\n` (one write) and
    raises the signal, and the next thread's `SIGQUIT: quit` opens its section
    of the same report. The first signal dump after each such write is one."""
    rule = "\n" + line_grammar().leads["relay_rule"] + "\n"
    at = [m.end() for m in re.finditer(rule, text)]
    if not at:
        return heads
    out: list[Head] = []
    taken = 0  # rules whose signal dump was dropped (heads are in text order)
    for h in heads:
        if h.kind == "sigdump" and bisect_right(at, h.opener[0]) > taken:
            taken += 1
            continue
        out.append(h)
    return out


def _unread_chained(text: str, runs: list[tuple[int, int]]) -> int:
    """How many chained `panic: ` openers (one per `[recovered]`) have no prose
    run that repeats another's message (`handler 6: runtime error: …`): they
    open no message of their own, and a run given to them would be a stray
    line (a program's `hello ada#1`) taking a real message's place."""
    chained = len(_RECOVERED.findall(text))
    if not chained:
        return 0
    words = Counter(text[a:b] for a, b in runs)
    distinct = list(words)
    index = _by_start(distinct)
    repeats = 0
    for r, n in words.items():
        # (another run of the same words is another: one repeats it if it is two)
        if any(_within(distinct[k], r) for k in _starts_in(index, r)
               if distinct[k] != r or n > 1):
            repeats += n
            if repeats >= chained:
                break
    return max(0, chained - repeats)


def _by_start(messages: list[str]) -> dict[str, list[int]]:
    """The messages a chained one may repeat (MIN_REPEAT characters or more),
    by their first MIN_REPEAT characters, each list in order: a chained message
    repeats one only where it holds that one's start (_within). Messages
    checked this way, not each against each: a region of thousands of runs
    (a decoy logged again and again) was quadratic in them."""
    out: dict[str, list[int]] = {}
    for k, m in enumerate(messages):
        if len(m) >= MIN_REPEAT:
            out.setdefault(m[:MIN_REPEAT], []).append(k)
    return out


def _starts_in(index: dict[str, list[int]], chained: str) -> list[int]:
    """The messages (their indexes, in order) whose start `chained` holds."""
    found: set[int] = set()
    for k in range(len(chained) - MIN_REPEAT + 1):
        found.update(index.get(chained[k:k + MIN_REPEAT], ()))
    return sorted(found)


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
_DECIMAL = rx.compile(r"(?<![0-9a-fA-Fx])[0-9]+(?![0-9a-fA-Fx])")


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
    ends_at = {b: a for _, a, b in openers}

    def likely(run: tuple[int, int]) -> float:
        a, b = run
        score = 0.0
        after = text[b:b + 12]
        if a in ends_at:
            score += 3  # right behind an opener
            if after.startswith("\n"):
                score += 2  # the same process writing on: its line's newline
        if after.startswith(" [recovered"):
            score += 2  # what the same process prints next
        if text[a:b] in RUNTIME_FATALS:
            score += 6
        return score + min(b - a, 60) / 100  # the longer, the less likely a stray phrase

    # the k-th message (in text order) needs k openers before it: a run is
    # taken where, with it, every taken run from it on still has its own
    # opener before it (the runs' slack, _Slack: each take read in log time)
    ends = sorted(b for _, _, b in openers)
    order = sorted(runs)
    slack = _Slack([bisect_right(ends, a) for a, _ in order])
    rank = {run: k for k, run in enumerate(order)}
    picked: list[tuple[int, int]] = []
    for run in sorted(runs, key=lambda r: (-likely(r), r[0])):
        if len(picked) >= count:
            break
        k = rank[run]
        if slack.least_from(k) >= 1:
            slack.take_from(k)
            picked.append(run)
    out: dict[int, tuple[int, int]] = {}
    # (openers in text order: finditer's matches, none overlapping, so their
    # ends are in order too; each run goes to the last free one before it)
    free = sorted(openers, key=lambda o: o[1])
    anyone = _Free(len(free))
    fatals = [k for k, o in enumerate(free) if o[0] == "fatal_error"]
    fatal = _Free(len(fatals))
    # a runtime's fatal error goes to a `fatal error: ` first; then a message
    # right behind its opener; then the nearest opener before each
    for run in sorted(picked, key=lambda r: (text[r[0]:r[1]] not in RUNTIME_FATALS,
                                             r[0] not in ends_at, r[0])):
        a = run[0]
        before = bisect_right(ends, a)  # the openers that end by the run's start
        k = anyone.last(before - 1)
        if k < 0:
            continue
        if text[a:run[1]] in RUNTIME_FATALS:
            f = fatal.last(bisect_right(fatals, before - 1) - 1)
            if f >= 0:
                k = fatals[f]
        if free[k][0] == "fatal_error":
            fatal.take(bisect_right(fatals, k) - 1)
        anyone.take(k)
        out[free[k][1]] = run
    return out


class _Slack:
    """How many openers each run (in text order) has before it beyond those
    the runs taken up to it need: a run may be taken while every run from it
    on has one to spare. Suffix additions and minima in a segment tree (lazy
    additions), each in log time where a list of taken runs checked again
    for every run tried was quadratic (thousands of `panic: ` in one region)."""

    def __init__(self, values: list[int]) -> None:
        size = 1
        while size < len(values):
            size *= 2
        self.size, self.n = size, len(values)
        self.least = [_NEVER] * (2 * size)  # a node's minimum, its own additions in
        self.added = [0] * size  # additions to a whole inner node's leaves
        self.least[size:size + len(values)] = values
        for p in range(size - 1, 0, -1):
            self.least[p] = min(self.least[2 * p], self.least[2 * p + 1])

    def least_from(self, k: int) -> int:
        """The least slack of the runs from k on."""
        lo, hi = k + self.size, self.n + self.size
        self._push(lo)
        self._push(hi - 1)
        least, best = self.least, _NEVER
        p, q = lo, hi
        while p < q:
            if p & 1:
                best = min(best, least[p])
                p += 1
            if q & 1:
                q -= 1
                best = min(best, least[q])
            p //= 2
            q //= 2
        return best

    def take_from(self, k: int) -> None:
        """A run at k taken: every run from k on has one opener less to spare."""
        lo, hi = k + self.size, self.n + self.size
        p, q = lo, hi
        while p < q:
            if p & 1:
                self._add(p, -1)
                p += 1
            if q & 1:
                q -= 1
                self._add(q, -1)
            p //= 2
            q //= 2
        for leaf in (lo, hi - 1):
            p = leaf // 2
            while p >= 1:
                self.least[p] = min(self.least[2 * p], self.least[2 * p + 1]) + self.added[p]
                p //= 2

    def _add(self, p: int, value: int) -> None:
        self.least[p] += value
        if p < self.size:
            self.added[p] += value

    def _push(self, leaf: int) -> None:
        """The additions of the nodes above a leaf handed down to their children,
        from the root: the nodes a query reads below them are then exact."""
        added = self.added
        for shift in range(self.size.bit_length() - 1, 0, -1):
            p = leaf >> shift
            if added[p]:
                self._add(2 * p, added[p])
                self._add(2 * p + 1, added[p])
                added[p] = 0


_NEVER = 1 << 62  # (a leaf past the runs: never the least)


class _Free:
    """Indexes 0..n-1, some taken: the last free one at or before an index
    (union-find over each index's predecessor, paths halved)."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def last(self, k: int) -> int:
        """The last free index at or before k (-1: none)."""
        parent = self.parent
        while k >= 0 and parent[k] != k:
            up = parent[k]
            if up >= 0:
                parent[k] = parent[up]
            k = parent[k]
        return k

    def take(self, k: int) -> None:
        self.parent[k] = k - 1


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
    index = _by_start([msg[h.opener] for h in heads])
    # tab-led ones first: of a chained panic that repeats its first panic's
    # message word for word (`panic: X [recovered]` then `\tpanic: X`), the
    # tab-led one is the chained line
    for h in sorted(heads, key=lambda h: text[h.opener[0] - 1:h.opener[0]] != "\t"):
        if len(drop) >= chained or h.kind != "panic" or not msg[h.opener]:
            continue
        for g in (heads[k] for k in _starts_in(index, msg[h.opener])):
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


def clean_message(message: str) -> bool:
    """A message no other write is glued into: one prose run, or one word."""
    return bool(_ONE_WORD.fullmatch(message)) or prose_runs(message) == [(0, len(message))]


# A one-word message (`panic: boom`, `fatal error: unreachable!`).
_ONE_WORD = rx.compile(r"[A-Za-z][\w\-']*[!.]?")
