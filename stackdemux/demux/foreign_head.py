"""Another writer's lines between a report's opener and its first goroutine.

Go prints a crash's head in one order (runtime/panic.go: printpanics, then
dopanic_m; every capture of samples/ and the corpus shows it):

    panic: VALUE                 or   fatal error: MESSAGE
    \tpanic: VALUE [recovered]        (a chain of panics)
    [signal SIGSEGV: … pc=0x…]        (a signal the runtime caught)
    <blank>
    runtime stack: …  <blank>         (a fatal error's system stack)
    goroutine 1 [running]:

A panic's value may run over lines: Go 1.23+ indents them, and before that they
follow raw, where any text can be one (`panic: line1` / `line2`; a validation
error's `  field a: required`). So a line that no traceback kind reads is
another writer's only where Go prints nothing of the kind: after the head's
blank line, after the signal line, after a `fatal error:` or a runtime error's
value (the runtime's messages are one line), after a value the runtime formats
itself (a number, a bool, nil, a type and an address: printpanicval), after an
indented value line or a test's `running tests:` list, and after any value
where the report shows Go 1.23 or later (go_version.py), which tabs a value's
later lines. Go prints a chain's links one after another: a blank line before
one is another writer's. The lines right after a `panic:` whose value may run
on raw are its value, as the parser reads them (parse.py), an empty line alone
between two of them too (Go prints its own only before the header; Ginkgo's
failure message holds some), and a whole chain of such values, read as Go
before 1.23 prints one (raw_chain.py: its tab-led lines, ` [recovered]` alone,
the next `\tpanic: ` link's raw lines), but where the log itself tells:
a line that begins as a line set aside elsewhere in the traceback does (its
indentation and first word: `    at …`, `cc …`, `make: …`, `E …`) is the other
writer's, whose lines come in kinds, where a value's own lines are its unique
text (`shape`); and the lines after a
blank line right after the opener (the value's own final newline, after which
the parser reads no raw value) are no value's, unless another blank among them
says the other writer prints blank lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from heapq import merge

from .. import rx
from ..grammar import MAX_LINE, line_grammar
from ..raw_chain import read_raw_chain
from .go_version import indents_values

# Lines looked at after an opener for its first goroutine header: a head is a
# few lines, a test timeout's list of running tests a few dozen.
HEAD_LINES = 64
# Characters read after an opener for the release its report shows (a dense
# dump's goroutines go on for MBs; a report's first few show their GOROOT).
VERSION_REACH = 1 << 16
# (two searches, each led by a literal, are faster than one alternation)
_OPENERS = (rx.compile(r"\npanic: "), rx.compile(r"\nfatal error: "))
_OPENED = ("panic: ", "fatal error: ")  # (the first line, which no newline comes before)
# The runtime's own panics print one line: its runtime errors, and its plain
# errors (runtime/map.go, chan.go: panic(plainError(…))).
_ONE_LINE = ("panic: runtime error: ", "panic: assignment to entry in nil map",
             "panic: send on closed channel", "panic: close of closed channel",
             "panic: close of nil channel",
             # (a failed type assertion's, runtime/error.go TypeAssertionError;
             # panic(nil)'s since 1.21, PanicNilError; a nil receiver's, panicwrap)
             "panic: interface conversion: ", "panic: panic called with nil argument",
             "panic: value method ")
# A value the runtime formats itself (runtime/error.go printpanicval: not a
# string, an error or a Stringer): nil, a bool, a number, a named one
# (`main.code(42)`), anything else as its type and address (`(main.point)
# 0xc000014180`): one line. (A string or an error reading so on its first line
# and running on is possible, and absurd.)
_NUMBER = r"[-+]?(?:\d+(?:\.\d+)?(?:e[-+]\d+)?|Inf|NaN)"
_PRINTED_WHOLE = rx.compile(
    rf"panic: (?:nil|true|false|{_NUMBER}|\({_NUMBER}{_NUMBER}i\)"
    rf"|[^\s()\"]+\((?:true|false|{_NUMBER})\)|[^\s()\"]+\({_NUMBER}{_NUMBER}i\)"
    r"|\(.+\) 0x[0-9a-f]+|\(.+\) \(0x[0-9a-f]+,0x[0-9a-f]+\))")
_ANNOTATIONS = (" [recovered]", " [recovered, repanicked]")
_ALONE = frozenset(_ANNOTATIONS)  # (after a value that ended with a newline)
# Kinds after which a raw value line can still come: the opener and the chain
# (after a Goexit's link Go prints the next panic untabbed).
_VALUES = frozenset({"panic", "chained_panic"})


@dataclass(frozen=True, slots=True)
class Head:
    """The lines (indexes) between an opener and its first goroutine header: another
    writer's, and the process's own (blank lines are neither: anyone's)."""

    opener: int
    foreign: tuple[int, ...]
    own: tuple[int, ...]  # a raw value's lines, and the kinds Go prints there
    raw: tuple[int, ...] = ()  # of `own`, the raw value's lines after the opener's


def heads(text: str, texts: Sequence[str], end: int | None = None) -> Iterator[Head]:
    """The heads of the reports in `texts` (`text`: them joined; openers before
    `end` only) that some line stands in but their opener and blank line.
    Openers are found by bulk searches; only a few lines after each are read."""
    end = len(text) if end is None else end
    at = list(merge(*((m.start() + 1 for m in r.finditer(text, 0, end)) for r in _OPENERS)))
    if texts and texts[0].startswith(_OPENED):
        at.insert(0, 0)
    line, pos = 0, 0
    for n, k in enumerate(at):
        line += text.count("\n", pos, k)
        pos = k
        # (the release is read in its report's lines: up to the next opener)
        reach = min(at[n + 1] if n + 1 < len(at) else len(text), k + VERSION_REACH)
        head = _head(texts, line, partial(indents_values, text, max(k - 1, 0), reach))
        if head is not None and (head.foreign or head.own):
            yield head


def _head(texts: Sequence[str], i: int,
          indents: Callable[[], bool | None] = lambda: None) -> Head | None:
    """The head after the opener texts[i], read as Go prints one; None when no
    goroutine header closes it (a quote of `panic:` in a build log, a paste that
    lost lines) or the line is no opener. `indents`: whether the report shows a
    release that indents a value's later lines (go_version.py), asked only where
    a raw value could follow."""
    kind = _kind(texts[i])
    if kind not in ("panic", "fatal_error"):
        return None
    kinds: list[str | None] = []
    for j in range(i + 1, min(i + 1 + HEAD_LINES, len(texts))):
        t = texts[j]
        k = _kind(t)
        if k == "goroutine_header" or k == "runtime_stack":
            # (a fatal error's system stack: its frames are the frames' search's)
            break
        kinds.append(k)
    else:
        return None
    own = [i + 1 + n for n, k in enumerate(kinds) if k is not None and k != "blank"]
    if "blank" not in kinds:
        return Head(i, (), tuple(own))  # (a journal or a paste dropped it: nothing tells)
    # Go prints its blank line right before the header: whichever blank is its, a
    # line after the last one is another writer's, and its value ends before it
    last = len(kinds) - 1 - kinds[::-1].index("blank")
    foreign = [i + 1 + n for n in range(last + 1, len(kinds)) if kinds[n] is None]
    own.append(i + 1 + last)  # (the parser reads a raw value only before it)
    # lines no kind reads, right after the opener (`run`: a raw value's, if the
    # blank line ends them, as the parser reads one, and with no blank among
    # them; a blank alone there is a value's own final newline) or
    # after a later link of the chain (which the parser reads as no value: left
    # to the separator too)
    run: list[int] = []
    value: list[int] = []
    raw = "value" if kind == "panic" and _may_run_on(texts[i]) else None
    # (a chain's next link right after an opener whose value is whole, one
    # `[recovered]` ends or the runtime's own: that link's value may run on)
    chained = kind == "panic" and kinds[:1] == ["chained_panic"]
    if (raw or chained) and any(k is None for k in kinds[:last]) and indents():
        # (Go 1.23+ tabs a value's later lines: an untabbed one is no value's)
        raw, chained = None, False
    if raw or chained:
        chain = read_raw_chain(texts, i, lambda j: kinds[j - i - 1] if 0 <= j - i - 1 < len(kinds)
                               else kind if j == i else _kind(texts[j]))
        if chain is not None and chain.end == i + 1 + last and not chain.lines_only:
            # (a chain Go printed before 1.23, its values raw, read whole as the parser
            # reads it: its own empty and tab-led lines, ` [recovered]` alone, the
            # next links)
            lines = range(i + 1, chain.end)
            value = [j for j in lines if kinds[j - i - 1] not in _VALUES
                     and texts[j] not in _ALONE]
            return Head(i, (), tuple(sorted({*own, *lines})), tuple(value))
    for n, k in enumerate(kinds[:last + 1]):
        j = i + 1 + n
        if k is None or (k == "blank" and raw == "value" and n < last):
            if raw == "value":
                run.append(j)
            elif raw is None and k is None:
                foreign.append(j)
            continue
        if run:
            # (Go prints no raw value before a signal, an indented value line or a
            # fatal error; a chain's next link may follow one)
            if n == last and run[0] == i + 1 and not texts[run[0]] and all(
                    texts[r] for r in run[1:]):
                # (a blank right after the opener, the run's only one: the value's
                # own final newline, after which the parser reads no raw value; a
                # blank among the lines after it would say the other writer
                # prints blank lines, and that one could be its too)
                foreign += run[1:]
            elif n == last:
                # (a blank alone between two of them: the value's own empty line,
                # Go printing one only before the header, as the parser reads it;
                # one after them, or two together, the other writer's)
                inner = [r for r in run[1:-1] if not texts[r] and texts[r - 1] and texts[r + 1]]
                text_lines = [r for r in run if texts[r]]
                own += text_lines + inner
                value += sorted(text_lines + inner)
                foreign += [r for r in run if not texts[r] and text_lines and r not in inner]
            elif k not in _VALUES:
                foreign += [r for r in run if texts[r]]
            else:
                # (Go prints a chain's links one after another: a blank line
                # before one is another writer's, which would end the report)
                foreign += [r for r in run if not texts[r]]
            run = []
        raw = "chain" if k in _VALUES and raw and _may_run_on(texts[j].lstrip("\t")) else None
    links = [n for n, k in enumerate(kinds[:last]) if k in _VALUES]
    if links:
        # (Go prints a chain's links one after another: a blank line before one
        # is another writer's, which would end the report)
        foreign += [i + 1 + n for n in range(links[-1]) if kinds[n] == "blank"]
    return Head(i, tuple(sorted(set(foreign))), tuple(sorted(own)), tuple(value))


def _kind(text: str) -> str | None:
    if len(text) > MAX_LINE:
        return None
    m = line_grammar().match(text)
    return m.lastgroup if m is not None else None


def _may_run_on(panic: str) -> bool:
    """Whether raw lines of its value may follow a `panic: …` line: not after the
    runtime's own (one line) nor after the annotation Go prints at its end."""
    return not (panic.startswith(_ONE_LINE) or panic.endswith(_ANNOTATIONS)
                or _PRINTED_WHOLE.fullmatch(panic) is not None)


_SHAPE = rx.compile(r"\s*[^\s]*")
_DIGITS = rx.compile(r"\d+")


def shape(text: str) -> str:
    """A line's indentation and first word, its numbers as one: what a tool's
    lines share (`make[2]: Entering …`, `    at Module._compile (…)`, `cc -c …`)."""
    m = _SHAPE.match(text)
    return _DIGITS.sub("0", m.group()) if m is not None else ""


def shapes_set_aside(texts: Sequence[str], aside: Sequence[int],
                     found: Sequence[Head]) -> frozenset[str]:
    """The shapes of the lines set aside in a span (`aside`, and the heads'
    foreign lines), but a head's raw value lines: evidence of the other writer."""
    raw = {i for h in found for i in h.raw}
    lines = [i for i in aside if i not in raw] + [i for h in found for i in h.foreign]
    return frozenset(shape(texts[i]) for i in lines if texts[i].strip())


# Lines read around a traceback region for the shapes of the log's other lines.
AROUND = 64


def shapes_around(texts: Sequence[str], a: int, b: int) -> frozenset[str]:
    """The shapes that recur among the AROUND lines before texts[a:b] and after it:
    a build log's lines, one process's own log too, whose line that begins as
    a value's own next line does is one, not a kind."""
    from collections import Counter

    seen = Counter(shape(t) for t in (*texts[max(0, a - AROUND):a], *texts[b:b + AROUND])
                   if t.strip())
    return frozenset(k for k, n in seen.items() if n > 1)
