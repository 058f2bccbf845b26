"""Heads and bodies: which report's head goes with which stacks.

In a random line merge the openers come first and say nothing about which
stacks follow them: the beam sorts the stacks well (goroutine ids, GOROOT,
addresses, frame chains) but which `panic: …` heads which stacks is often a
coin toss it cannot take back. So once the streams are separated, heads
(opener, chained panics, signal lines, `--- FAIL`) are matched to bodies
(the stacks) by what a message means for its stacks, a run of reports
printing at the same time at a time (the Hungarian method on their fits).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from .. import rx
from ..grammar import line_grammar
from .evidence import OPENERS, Evidence, evidence, go_minor

_G = line_grammar()
_F = {k: v.fields for k, v in _G.kinds.items()}
_match = _G.match
_NEVER = float("-inf")  # a head its stacks cannot follow

_BODY = frozenset({"goroutine_header", "runtime_stack"})
_WORD = rx.compile(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])")
# Words of a message that name no code: the runtime's and English's.
_COMMON = frozenset({"runtime", "error", "panic", "fatal", "with", "after", "still", "from",
                     "recovered", "panicked", "repanicked", "goroutine", "goroutines", "value",
                     "invalid", "address", "pointer", "length", "range", "index", "nil",
                     "func", "main", "init", "this", "that", "have", "were", "been"})


@dataclass(slots=True)
class Head:
    """A report's first lines: what the process said before its stacks."""

    first: int
    last: int
    kind: str  # the opener's kind
    words: frozenset[str]  # the message's words that may name code
    asleep: bool = False
    recovered: bool = False  # a panic `[recovered]`: the stacks hold its panic( frame
    values: frozenset[str] = frozenset()  # signal pc, PC=, fault address
    tests: frozenset[str] = frozenset()  # `--- FAIL: TestX` before the panic
    # what its panic's re-panic says of the toolchain (REPANICKED): +1 Go
    # 1.25 or later (`[recovered, repanicked]`), -1 before (the value twice)
    since_125: int = 0
    numbers: frozenset[int] = frozenset()  # its message's numbers (NUMBERS), as 64-bit words


@dataclass(slots=True)
class Body:
    """A report's stacks, as far as a head is judged by them."""

    first: int
    state: str | None  # the first goroutine's wait reason
    funcs: tuple[str, ...]  # its functions, top first (created by last)
    throws: bool  # its first frame is the runtime's throw/fatal
    gopanic: bool  # it shows a panic( frame: a recovered panic panicked again
    values: frozenset[str]
    all_funcs: frozenset[str]  # of the first goroutine, and every test function
    minor: int | None = None  # Go 1.N of its first goroutine's toolchain, if its GOROOT says
    args: frozenset[int] = frozenset()  # the words its first frames pass (NUMBERS)


_HEAD_THROWS = ("runtime.throw", "runtime.fatal", "internal/runtime/maps.fatal")
_FIRST_FRAMES = 6


def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(text)
                     if len(w) >= 4 and w.lower() not in _COMMON)


def read_head(lines: Sequence[int], kinds: dict[int, str], texts: Sequence[str]) -> Head | None:
    """The head of a stream's lines (up to its first stack), if an opener is in it."""
    head: Head | None = None
    tests: set[str] = set()
    values: set[str] = set()
    words: set[str] = set()
    numbers: set[int] = set()
    recovered: str | None = None  # the message of a panic printed `[recovered]`
    since_125 = 0
    for i in lines:
        k = kinds[i]
        if k in _BODY:
            break
        if k == "test_fail" and head is not None and head.kind != "race_rule":
            continue  # (another process's: _match_run)
        m = _match(texts[i])
        if m is None:
            continue
        ev = evidence(k, m)
        if k == "panic":
            annotation = m.group(_F[k]["annotation"]) or ""
            since_125 = since_125 or (1 if "repanicked" in annotation else 0)
            recovered = m.group(_F[k]["message"]) if ev.annotated else None
        elif k == "chained_panic" and recovered is not None \
                and m.group(_F[k]["message"]) == recovered:
            since_125 = since_125 or -1
        if k in OPENERS and head is None:
            head = Head(i, i, k, frozenset(), asleep=ev.asleep)
        if k == "test_fail" and ev.test:
            tests.add(ev.test)
        values.update(ev.values)
        if k in ("panic", "chained_panic", "http_panic", "fatal_error"):
            f = _F[k]
            message = m.group(f["message"] if "message" in f else f["text"]) or ""
            words |= _words(message)
            numbers.update(message_numbers(message))
            if head is not None and ev.recovered:
                head.recovered = True
        if head is not None:
            head.last = i
    if head is not None:
        head.words, head.values, head.tests = frozenset(words), frozenset(values), frozenset(tests)
        head.since_125 = since_125
        head.numbers = frozenset(numbers)
    return head


def read_body(lines: Sequence[int], kinds: dict[int, str], texts: Sequence[str]) -> Body | None:
    """The first goroutine of a stream's stacks, and every function it shows."""
    body: Body | None = None
    funcs: list[str] = []
    all_funcs: set[str] = set()
    values: set[str] = set()
    args: set[int] = set()
    stacks = 0
    minor: int | None = None
    for i in lines:
        k = kinds[i]
        if k in _BODY:
            stacks += 1
            if body is None:
                m = _match(texts[i])
                header = m is not None and k == "goroutine_header"
                state = m.group(_F[k]["state"]) if header else None
                body = Body(i, state, (), False, False, frozenset(), frozenset())
            continue
        if body is None or k not in ("frame_call", "created_by", "frame_file"):
            continue
        if stacks > 1 and ".Test" not in texts[i]:
            continue  # past the first goroutine only test functions are looked for
        m = _match(texts[i])
        if m is None and k != "frame_call":
            continue
        # (a call line no kind reads is gccgo's bare name: gccgo_calls.py)
        ev = evidence(k, m) if m is not None else Evidence(k, func=texts[i])
        if ev.func is not None:
            all_funcs.add(ev.func)
        if stacks == 1 and minor is None and ev.root:
            minor = go_minor(ev.root)
        if stacks == 1 and len(funcs) < _FIRST_FRAMES:
            if ev.func is not None:
                funcs.append(ev.func)
            values.update(ev.values)
            if k == "frame_call" and m is not None:  # (gccgo prints no arguments)
                args.update(int(w, 16) for w in _HEX.findall(m.group(_F[k]["args"]) or ""))
    if body is not None:
        body.funcs = tuple(funcs)
        body.throws = bool(funcs) and funcs[0].startswith(_HEAD_THROWS)
        body.gopanic = any(f in ("panic", "runtime.gopanic") for f in funcs)
        body.values, body.all_funcs = frozenset(values), frozenset(all_funcs)
        body.minor = minor
        body.args = frozenset(args)
    return body


# Since Go 1.25 a panic recovered and raised again with its value prints
# `panic: … [recovered, repanicked]` on one line; before, `[recovered]` and
# the value again on a `\tpanic: …` line (Go 1.25 release notes). In the
# samples and the corpus: 9 repanicked heads, all in outputs of Go 1.25 and
# 1.27; 9 heads of the value twice, all of Go 1.19-1.24. In random line
# order two go tests' recovered panics, one of Go 1.27 and one of Go 1.23,
# each went to the other's stacks (gotest-lines-random, remerged).
REPANIC_FITS = 1.0
REPANIC_MISFITS = -8.0
# A number the message says (16 or more) that its first goroutine's first
# frames pass as an argument (bbolt's `invalid page type: 6432: 10` where
# `(*Cursor).search(…, 0x1920)`): 4 of the 54 reports with such numbers in
# the samples and the corpus's outputs (the corpus's bolt copies; skopeo's
# copy panics elsewhere); of 19094 pairs of one report's numbers and
# another's first frames (their messages differ), none; with the wild
# pastes, 15 of 57921 (a 42 both print): log(4/54 / (15/57921)) = 5.7, held
# lower as a number may be one both processes print. In random line order
# two bolt copies' heads went to each other's stacks (bolt-lines-random,
# remerged 4, 6, 14).
NUMBERS = 3.5
_HEX = rx.compile(r"0x[0-9a-fA-F]+")
# (more than 20 digits is no 64-bit word: such a run is skipped, never int()ed)
_NUMBER = rx.compile(r"(?<![0-9A-Za-z.])-?[0-9]{1,20}(?![0-9A-Za-z])")
_MIN_NUMBER = 16
_WORD_MASK = (1 << 64) - 1


def message_numbers(message: str) -> set[int]:
    """The numbers of a message as the words a frame prints them in (a
    negative one in two's complement): 16 and up, a smaller one says little."""
    out = set()
    for n in _NUMBER.findall(message):
        v = int(n)
        if abs(v) >= _MIN_NUMBER and v.bit_length() <= 64:
            out.add(v & _WORD_MASK)
    return out


def _code_words(funcs: Sequence[str]) -> set[str]:
    out: set[str] = set()
    for f in funcs:
        out |= _words(f.replace("%2e", "."))
    return out


def heads_fit(h: Head, b: Body) -> float:
    """How well a head's message fits a body's stacks (see the module's note)."""
    if b.first < h.last:
        return _NEVER  # a process prints its message before its stacks
    s = 0.0
    running = b.state == "running"
    if h.kind in ("panic", "http_panic"):
        s += 1.0 if running else -2.0
        if b.throws:
            s -= 3.0
        # the runtime prints a panic( frame where a recovered panic panicked again
        s += (2.0 if b.gopanic else -1.0) if h.recovered else (-2.0 if b.gopanic else 0.0)
    elif h.kind == "fatal_error":
        if h.asleep:
            s += -3.0 if running else 2.0
        else:
            s += 2.0 if b.throws else -1.0
    if h.since_125 and b.minor is not None:
        s += REPANIC_FITS if (b.minor >= 25) == (h.since_125 > 0) else REPANIC_MISFITS
    s += 3.0 * min(2, len(h.values & b.values))  # PC= / pc= of the faulting frame
    if h.numbers & b.args:
        s += NUMBERS
    if h.tests:
        # (a test that failed before the panicking one names none of its frames)
        s += 3.0 if any(f.endswith(tuple("." + t for t in h.tests)) for f in b.all_funcs) else 0.0
    if h.words:
        code = _code_words(b.funcs)
        hits = sum(1 for w in h.words if any(w.startswith(c) or c.startswith(w) for c in code))
        s += 1.5 * min(2, hits)
    return s


def match_heads(fit: list[list[float]]) -> list[int]:
    """The assignment of heads (rows) to bodies (columns) of the greatest total
    fit: the Hungarian method on a square matrix (-inf: never)."""
    n = len(fit)
    big = 1e6
    cost = [[big if v == _NEVER else -v for v in row] for row in fit]
    u = [0.0] * (n + 1)
    v = [0.0] * (n + 1)
    p = [0] * (n + 1)  # p[j]: the row matched to column j (1-based, 0: none)
    way = [0] * (n + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [float("inf")] * (n + 1)
        used = [False] * (n + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], float("inf"), 0
            for j in range(1, n + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(n + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    out = [0] * n
    for j in range(1, n + 1):
        out[p[j] - 1] = j - 1
    return out


# A stream with a report: its order, its head's lines, its head and its body.
Reported = tuple[int, list[int], Head, Body]
# Streams whose heads are matched to bodies at most (the matching is cubic).
_MAX_HEADS = 64
_LAST_ORDER = 1 << 62  # (past any stream's order)
# How much better a matching must fit than the beam's own to replace it.
_REMATCH_GAIN = 0.5


def rematch_heads(owner: dict[int, int], kinds: dict[int, str], texts: Sequence[str]) -> None:
    """Give each report's head (opener, message, signal lines) to the stacks
    its message fits best (heads_fit): in random line order the
    beam separates stacks well but pairs them with openers by chance."""
    lines: dict[int, list[int]] = {}
    for i in sorted(owner):
        if owner[i] >= 0:
            lines.setdefault(owner[i], []).append(i)
    pairs: list[Reported] = []
    for o, ls in lines.items():
        head, body = read_head(ls, kinds, texts), read_body(ls, kinds, texts)
        if head is not None and body is not None:
            pairs.append((o, [i for i in ls if i < body.first], head, body))
    # heads can trade stacks only with reports printing at the same time: runs
    # of reports whose spans (opener to first stack) overlap, one at a time
    pairs.sort(key=lambda p: p[2].first)
    run: list[Reported] = []
    end = -1
    for p in [*pairs, None]:
        if p is None or p[2].first > end:
            if 2 <= len(run) <= _MAX_HEADS:
                _match_run(run, owner, kinds)
            run, end = [], -1
        if p is not None:
            run.append(p)
            end = max(end, p[3].first)


# `go test` prints `--- FAIL: TestX (…)` before the panic that failed it, as
# the test's deferred call runs before the panic goes on: of the 21 such
# lines of the samples, the wild pastes and the corpus, none follows its
# report's opener but after a race report (its `=====` rule closes it: 3).
# One that does in a separated stream is another process's (in random line
# order, gotest-lines-random remerged 30 and 35: `--- FAIL:
# TestBalanceMismatch` after another test's panic kept that head from its
# own stacks, which begin before it): no part of the head it follows, it
# goes to the report whose opener comes next.


def _match_run(pairs: list[Reported], owner: dict[int, int], kinds: dict[int, str]) -> None:
    fit = [[heads_fit(h, b) for _, _, _, b in pairs] for _, _, h, _ in pairs]
    chosen = match_heads(fit)
    gain = sum(fit[r][c] for r, c in enumerate(chosen)) - sum(fit[r][r] for r in range(len(fit)))
    if gain <= _REMATCH_GAIN:
        chosen = list(range(len(pairs)))
    opened = sorted((h.first, pairs[c][0]) for (_, _, h, _), c in zip(pairs, chosen, strict=True))
    for (_, head_lines, h, _), c in zip(pairs, chosen, strict=True):
        for i in head_lines:
            if kinds[i] == "test_fail" and i > h.first and h.kind != "race_rule":
                nxt = bisect_right(opened, (i, _LAST_ORDER))
                if nxt < len(opened):
                    owner[i] = opened[nxt][1]
            else:
                owner[i] = pairs[c][0]
