"""A stream's lines → Reports (with input line provenance) and noise.

Each line is classified once by the compiled line grammar (grammar.py); this
module only knows how kinds of lines follow each other to make a report: the
shape described in grammars/report.lark. That order is simple enough to be a
small state machine, which keeps the per-line cost to one regex match and a
few comparisons: a 15 MB dump of 20 000 goroutines is ~420 000 lines.
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import repeat
from sys import intern

import orjson

from . import line_chunks, rx
from .call_lines import read_name, split_call
from .callers import (
    beego_request,
    gitea_caller_follows,
    martini_source,
    read_beego_caller,
    read_caller,
)
from .cgo_notes import beginthread_errno, quoted_note
from .cgo_notes import writers as cgo_writers
from .firstchars import first_chars, quick_alternation
from .fuzz_input import is_rerun_hint, target_of, written_to
from .grammar import MAX_LINE, line_grammar
from .loggers import raised_by_logger
from .model import (
    Ancestor,
    CreatedBy,
    Diagnostic,
    FailedTest,
    Frame,
    Goroutine,
    LineSpans,
    PanicLink,
    Race,
    RaceAccess,
    Report,
    ReportKind,
    Signal,
    Source,
    Span,
    Stream,
    Thread,
    fast_constructor,
    spans_of,
)
from .raw_chain import read_raw_chain
from .sre import constants as _c
from .sre import parser as _p
from .test_output import MAX_LINES_ABOVE, read_failures, tests_begun
from .test_reports import FAILED, owner, races_of_tests, split_by_test
from .tinygo_location import LOCATED, read_location

_G = line_grammar()

# The fields the frame scan stores itself, in the order Frame's __init__ does
# (_Parser._run): a field added to Frame must be stored there too.
_FRAME_FIELDS = ("func", "args", "file", "line", "offset", "fp", "sp", "pc", "inlined",
                 "package", "module", "version", "origin")
if tuple(f.name for f in dataclasses.fields(Frame)) != _FRAME_FIELDS:
    raise ImportError("Frame's fields changed: the frame scan in parse._Parser._run stores "
                      "each (update it and _FRAME_FIELDS)")


# ------------------------------------------------------------ classifier ---
# The grammar's alternation of every kind costs a line that no kind reads some
# 39 k instructions, and any line a Match of all the kinds' groups. A line's
# first character rules most kinds out: each kind's regex can begin only with
# the characters firstchars.py reads from the regex itself (None: any). The
# kinds left, in the grammar's order, make a smaller alternation per first
# character, whose first kind to match is the one the whole alternation finds
# (only kinds that cannot match are left out). Fields are read by group name,
# which is the same in every alternation.

_ANY_FIRST = 128  # the alternation for an empty line, or one led by a non-ASCII char


def _first_chars(kind: str) -> frozenset[int] | None:
    """The ASCII codes a line of `kind` can begin with; None: any character."""
    return rx.derived(_first_codes, _G.sources[kind], "stackdemux.firstchars")


def _first_codes(pattern: str) -> frozenset[int] | None:
    chars = first_chars(pattern)
    if chars is None:
        return None
    first = rx.compile(chars)
    return frozenset(c for c in range(_ANY_FIRST) if first.match(chr(c)))


class _ByFirstChar(list):
    """Index: a line's first char code (_ANY_FIRST: empty or not ASCII) → its
    fullmatch. Each alternation is made when a line first needs it: a short
    log reads a handful, and a process starts without compiling any."""

    def __init__(self) -> None:
        self.made: dict[tuple[str, ...], Callable[[str], re.Match[str] | None]] = {
            tuple(_G.kinds_in_order): _G.match}
        super().__init__(self.first_use(c) for c in range(_ANY_FIRST + 1))

    def first_use(self, c: int) -> Callable[[str], re.Match[str] | None]:
        def compile_and_match(text: str) -> re.Match[str] | None:
            firsts = _kinds_first_chars()
            kinds = tuple(k for k in _G.kinds_in_order
                          if (chars := firsts[k]) is None or c in chars)
            if kinds not in self.made:  # built as grammar.py builds the whole alternation
                self.made[kinds] = rx.compile(
                    "(?:" + "|".join(_G.sources[k] for k in kinds) + ")").fullmatch
            self[c] = self.made[kinds]
            return self[c](text)

        return compile_and_match


@cache
def _kinds_first_chars() -> dict[str, frozenset[int] | None]:
    return {k: _first_chars(k) for k in _G.kinds_in_order}


_BY_FIRST = _ByFirstChar()


def _match(text: str) -> re.Match[str] | None:
    """The line grammar's match of a whole line (as grammar.LineGrammar.match)."""
    return _BY_FIRST[min(ord(text[0]), _ANY_FIRST) if text else _ANY_FIRST](text)


# The demultiplexer's modules read a line as the parser does.
classify = _match


# kind → field → its group's name (the same in every alternation above)
_GROUP_NAME = {i: name for name, i in _G.regex.groupindex.items()}
_F = {k: {f: _GROUP_NAME[i] for f, i in v.fields.items()} for k, v in _G.kinds.items()}

# The structure predicts the next line inside a stack: a file line after a
# call line, a call line after a file line. The hot loop tries that kind's own
# regex first (one short match instead of the whole alternation) and falls
# back to full classification when the prediction fails.
_CALL_RX = _G.kind_regex("frame_call")
_FILE_RX = _G.kind_regex("frame_file")
_CALL_FUNC, _CALL_ARGS = (_CALL_RX.groupindex[f"frame_call__{k}"] for k in ("func", "args"))
_CALL_SHAPE = split_call(_CALL_RX)
_FILE, _FILE_LINE, _FILE_OFF, _FILE_FP, _FILE_SP, _FILE_PC = (
    _FILE_RX.groupindex[f"frame_file__{k}"]
    for k in ("file", "lineno", "offset", "fp", "sp", "pc")
)
_HDR = _F["goroutine_header"]
_TEA_RESTORING = _F["tea_panic"]["tea_restoring"]
_CREATED_FUNC, _CREATED_PARENT = (_F["created_by"][k] for k in ("func", "parent"))
@cache
def gccgo_lines() -> tuple[re.Pattern[str], ...]:
    """gccgo's bare frame name, its unknown caller's file line and its goroutine in C
    code (traceback.lark's gccgo_* rules): no `line` kinds, a bare name being any log
    word; read only inside a stack. Derived once per machine."""
    from .grammar import COMPILER_VERSION, cached_compile, compile_rule, grammar_text

    text = grammar_text("traceback.lark")
    rules = ("gccgo_frame_name", "gccgo_unknown_file", "gccgo_stack_unavailable")
    sources = cached_compile("gccgo", text + COMPILER_VERSION,
                             lambda: [compile_rule(text, r)[0] for r in rules])
    return tuple(rx.compile(s) for s in sources)


@cache
def chi_lines() -> tuple[tuple[re.Pattern[str], dict[str, int]], ...]:
    """chi's pretty stack's lines (traceback.lark's chi_* rules), each regex with its
    fields: no `line` kinds, a name alone being any log word; read only below a
    `panic:` line (_Parser.chi_frames). Derived once per machine."""
    from .grammar import COMPILER_VERSION, cached_compile, compile_rule, grammar_text

    text = grammar_text("traceback.lark")
    rules = ("chi_frame_name", "chi_frame_file", "chi_created_by")
    compiled = cached_compile("chi", text + COMPILER_VERSION,
                              lambda: [compile_rule(text, r, keep_terminals={"CHI_INDENT"})
                                       for r in rules])
    return tuple((rx.compile(s), fields) for s, fields in compiled)


# Kinds the run loop reads itself inside a report (see _Parser._run).
_STACK_KINDS = frozenset({"goroutine_header", "blank", "created_by"})

# Outside a report only these kinds change anything (they open a report, a
# goroutine dump, or attach a trailer to the report just closed); a file line
# stands for the headerless frames of a truncated paste. The parser jumps from
# one to the next with a bulk search over how they start, so ordinary log
# lines cost no per-line work.
_IDLE_KINDS = ("goroutine_header", "frame_file", "panic", "http_panic", "fatal_error",
               "runtime_note", "fault_address", "sigdump", "race_rule", "race_begin",
               "race_summary", "test_fail", "test_summary_fail", "test_package_fail",
               "test_killed", "test_fail_bare", "exit_status", "goroutine_profile", "tea_panic",
               "bare_value")
_IDLE_LEADS = quick_alternation([_G.leads[k] for k in _IDLE_KINDS])  # type: ignore[misc]
_IDLE_SKIP = rx.compile(_IDLE_LEADS)
# A line that a lead matches alone is matched by it in the joined text too, unless
# the lead looks past the line's end or before its start (`$`, `\\b`, `(?!…)`):
# then only the joined text tells.
def _reads_within(pattern: str) -> bool:
    """Does `pattern` read only the characters it matches, and ones after them
    (a lookahead)? No anchor, word boundary, lookbehind or negative lookahead;
    but `(?<![^\n])`, "at a line's start", holds alike for a line alone and for
    the line in the joined text (a newline before it)."""

    def within(items) -> bool:
        for op, av in items:
            if op is _c.ASSERT_NOT and av[0] < 0 and list(av[1]) == [(_c.NOT_LITERAL, 10)]:
                continue
            if op is _c.AT or op is _c.ASSERT_NOT or (op is _c.ASSERT and av[0] < 0):
                return False
            if not all(within(sub) for sub in _subpatterns(av)):
                return False
        return True

    try:
        return within(_p.parse(pattern))
    except Exception:  # an unexpected parse tree only costs the speed-up
        return False


def _subpatterns(av) -> Iterator:
    """The parsed regexes nested in an opcode's argument."""
    if isinstance(av, _p.SubPattern):
        yield av
    elif isinstance(av, (tuple, list)):
        for a in av:
            yield from _subpatterns(a)


_IDLE_SKIP_ALONE = _IDLE_SKIP.match if rx.derived(_reads_within, _IDLE_LEADS) else None
# Led by a newline, so re scans for it at memchr speed instead of trying `^` everywhere;
# then one class test of the next character turns most lines away before the leads.
_IDLE_FIRST = first_chars(_IDLE_LEADS)
_IDLE_NEXT = rx.compile("\n" + (f"(?={_IDLE_FIRST})" if _IDLE_FIRST else "") + _IDLE_LEADS)


def _reach_of_both() -> line_chunks.Reach | None:
    """How far _IDLE_SKIP and _IDLE_NEXT read (line_chunks.reach); None: searched whole."""
    here, on = line_chunks.reach(_IDLE_SKIP), line_chunks.reach(_IDLE_NEXT)
    if here is None or on is None:
        return None
    return line_chunks.Reach(max(here.newlines, on.newlines), max(here.behind, on.behind))


_IDLE_REACH = _reach_of_both()


def idle_leads(stream: Stream) -> list[int]:
    """Indices of the stream's texts that begin as a traceback line may (a kind
    the parser's idle skip stops at), found by its bulk search a chunk at a time."""
    texts, text = stream.texts, stream.small_joined()
    leads = [0] if line_chunks.match_first(_IDLE_SKIP, texts, text) else []
    lines = line_chunks.LineCounter()
    for chunk, m in line_chunks.finditer(_IDLE_NEXT, texts, text, stream.layout()):
        leads.append(lines.line(chunk, m.start() + 1))
    return leads

# Reports that print goroutines (unless GOTRACEBACK=none): one without any
# was cut short, when its stream is known to have lost lines.
STACKED_KINDS = frozenset({ReportKind.PANIC, ReportKind.FATAL_ERROR, ReportKind.SIGNAL_DUMP})

# Why a report made of frames with no goroutine header or opener before them
# (the rest of a report the log or paste began in the middle of) is incomplete.
HEADLESS = "frames without their goroutine header: the log begins inside a report"

# Why a report read from zap's record of a recovered panic with zap's stack below it
# lacks its message: the record's line was cut before its `panic` field.
ZAP_VALUE_CUT = ("zap's record of the recovered panic cut before its `panic` field (a "
                 "terminal's width, a paste): the value is lost")

# Why a report whose stack the log or paste ends inside a frame's call line is incomplete.
CUT_AT_END = "the log ends inside a frame's call line: the stack went on"

# ... and inside a frame's file line (the frame kept, its file and line cut: Frame.cut).
CUT_FILE_AT_END = "the log ends inside a frame's file line: what followed it is lost"

# ... and inside the header of a goroutine after the report's last one.
CUT_HEADER_AT_END = "the log ends inside a goroutine's header: more goroutines followed"

# Why a report that begins at its signal line is incomplete: its panic's first line,
# which says the value, is not above it (a paste that begins with the signal).
SIGNAL_FIRST = "the signal without its panic line above it: the log begins inside a report"

# How Go prints a logrus *Entry, the value logrus's Panic panics with (its
# address words follow: `(0x…,0x…)` before Go 1.18, `0x…` since).
_LOGRUS_ENTRY = "(*logrus.Entry) "

# Why a report read from a goroutine that was panicking, with no `panic:` line, is
# incomplete (loggers.py: a logger's Panic on top of a goroutine `[running]`).
PANIC_LEFT_OUT = ("a panicking goroutine (a logger's Panic on top) without its `panic:` "
                  "line above it: the log begins inside a report")


def _panicking(r: Report) -> bool:
    """A dump whose first goroutine was panicking: `[running]`, a logger's Panic
    function on top (Go shows no `panic` frame there), so the `panic:` line and
    its value were left out above it (downloadbot#60, GFuzz#2)."""
    g = r.goroutines[0] if r.goroutines else None
    return g is not None and g.state == "running" and raised_by_logger(g.frames)


# Why a report whose first line is a runtime error's text alone is incomplete: what
# led the value on its line (`panic: `, a recovering logger's words) is not there.
VALUE_FIRST = ("the panic's value alone on its line, without the `panic: ` (or a recovering "
               "logger's words) before it: the report's first line is not whole")

# Said of a signal's section that lists only its thread's goroutine, with no
# crash before it to belong to: GOTRACEBACK=crash relays the signal to every
# other thread after the crash's own dump, and each prints such a section. Not
# a crash: its lines stay noise (in a merged log the crash is another stream's).
RELAY_ALONE = ("other threads' sections of a GOTRACEBACK=crash dump (m={m}) apart from the "
               "crash they follow: their process's dump and `-----` line are not before them")

# Said of a test failure whose log ends inside the test's output, before the
# `FAIL` go test prints after it (a `--- FAIL` block pasted alone, a log cut).
CUT_IN_TEST_OUTPUT = "the log ends inside the failed test's output, before go test's FAIL line"
# A big go test -json log's failed test that logged more than the sieve holds of it
# (sieve_tests.py: its last MAX_LINES_ABOVE lines)
TEST_HEAD_UNREAD = ("the log was read in windows around its tracebacks (a big log): the failed "
                    f"test's first lines were not kept (its last {MAX_LINES_ABOVE:,} are)")

# The traceback could not unwind a goroutine (a pc in C code or in no function):
# `runtime: unknown pc 0x…` (Go 1.18+: `runtime: g 5: unknown pc 0x…`, Go 1.21+: `runtime:
# g 5 gp=0xc000430380: unknown pc 0x…`) or `runtime: unexpected return pc for F called
# from 0x…`, then the stack's bounds and a hex dump of it (runtime/traceback.go,
# tracebackHexdump); the goroutine's `created by` follows. Before any goroutine (a
# Windows exception's, whose crashed goroutine has no header) the note and its dump
# are the report's.
_UNWIND_NOTE = rx.compile(r"runtime: (?:g \d+(?: gp=0x[0-9a-f]+)?: )?unknown pc 0x[0-9a-f]+"
                          r"|runtime: unexpected return pc for \S+ called from 0x[0-9a-f]+")
_UNWIND_DUMP = rx.compile(r"stack: frame=\{sp:0x[0-9a-f]+, fp:0x[0-9a-f]+\} stack=\["
                          r"|0x[0-9a-f]{8,16}: |[0-9a-f]{16}: ")  # (no 0x: Go 1.10's Windows dumps)

# After a SIGILL's or SIGFPE's `PC=…` line, the bytes at the pc (runtime/signal_unix.go,
# sighandler: up to 16, none past the pc's page): the report's, as its context.
# testing's log line of a fuzz target's panic: its indentation, then `file.go:N: panic: `.
_TEST_LOG_PANIC = rx.compile(r"( +)[\w.-]+\.go:\d+: panic: (.+)")
_INSTRUCTION_BYTES = rx.compile(r"instruction bytes:(?: 0x[0-9a-f]{1,2}){0,16}$")

# What the runtime prints on its own line, with no `runtime: `, just before the fatal
# error it explains: a signal that arrived off the signal stack, where non-Go code
# installed a handler or disabled the stack (runtime/signal_unix.go, noSignalStack,
# sigNotOnStack, which adds the stacks' bounds on a line of their own). Taken as that
# report's context.
_THROW_NOTES = rx.compile(
    r"signal \d+ received (?:on thread with no signal stack|but handler not on signal stack)"
    r"|mp\.gsignal stack \[0x[0-9a-f]+ 0x[0-9a-f]+\], mp\.g0 stack \[0x[0-9a-f]+ 0x[0-9a-f]+\], "
    r"sp=0x[0-9a-f]+")
# (a throw prints one or two such lines; more are looked back over at no cost)
_MAX_THROW_NOTES = 4
# What runtime/cgo's abort() ends in: the line above may say why (cgo_notes.py)
_SIGABRT = "SIGABRT: abort"

# Lines gin's recovery may print between its head and the value: the request's dump
# (its line, its headers, an empty line); more are no request's.
_MAX_REQUEST_DUMP = 64
# What Go prints after a panic's value: the value's last line ends with it.
_ANNOTATIONS = (" [recovered]", " [recovered, repanicked]")

# Lines of a Bubble Tea page's value looked ahead over, at most.
_MAX_RAW_VALUE_LINES = 200


@dataclass(slots=True)
class ParseResult:
    reports: list[Report] = field(default_factory=list)
    noise: list[Span] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


# A report's first line longer than the grammar reads (a panic value holding a
# whole HTTP body, say): its head is read, and this said of it.
LONG_OPENER = f"a report's first line is over {MAX_LINE // 1024} KiB: its message is cut there"
_LONG_OPENERS = ("panic", "fatal_error")


def _long_opener(text: str) -> re.Match[str] | None:
    """The opener a line too long for the grammar begins with, read from its head."""
    if not text.startswith(("panic: ", "fatal error: ")):
        return None
    m = _match(text[:MAX_LINE])
    return m if m is not None and m.lastgroup in _LONG_OPENERS else None


# Said of a pprof goroutine profile (debug=1): counted stacks, not a dump.
PROFILE_NOTE = ("a pprof goroutine profile (debug=1): counts of stacks, not a traceback; "
                "/debug/pprof/goroutine?debug=2 prints every goroutine as a dump that is read")


def report_ids(prefix: str = "r", start: int = 1) -> Iterator[str]:
    return (f"{prefix}{i}" for i in itertools.count(start))


def parse_source(source: Source, ids: Iterator[str] | None = None) -> ParseResult:
    """Parse a whole input as one stream (no demultiplexing)."""
    stream = Stream(id="s1", numbers=range(1, len(source.lines) + 1), texts=source.lines)
    return parse_stream(stream, ids)


def parse_text(text: str | bytes) -> ParseResult:
    from .ingest import ingest

    return parse_source(ingest(text))


def parse_stream(stream: Stream, ids: Iterator[str] | None = None) -> ParseResult:
    """Parse one stream's lines into reports; every line not in a report is noise."""
    ids = ids or report_ids()
    kept = stream._parsed
    # The parse is the last stage that searches the stream's joined text: it
    # is let go (a copy of the whole log, for a log that is all tracebacks).
    if kept is not None:  # read once already (see read_and_keep): not read twice
        stream._parsed = None
        numbers, texts, result = kept  # type: ignore[misc]
        if numbers is stream.numbers and texts is stream.texts:
            for r in result.reports:
                r.id, r.stream = next(ids), stream.id
            joined, stream._joined = stream._joined, None
            return _with_lambda_errors(stream, _marked(stream, result), ids, joined)
    result = _Parser(stream, ids).run()
    joined, stream._joined = stream._joined, None
    return _with_lambda_errors(stream, _marked(stream, result), ids, joined)


def _marked(stream: Stream, result: ParseResult) -> ParseResult:
    """The result with the values a write-level merge left undecided marked
    (Report.unsure; only a decoded stream has any)."""
    if stream.unsure:
        from .unsure import mark_unsure

        mark_unsure(stream, result.reports)
    return result


def _with_lambda_errors(stream: Stream, result: ParseResult, ids: Iterator[str],
                       joined: str | None) -> ParseResult:
    """AWS Lambda's error JSONs among the lines no traceback holds (lambda_error.py),
    read after the parse: here, not in the demultiplexing's reads, as no process's
    traceback text is in them. The stream's joined text, when a stage made it, tells
    at once whether there can be any; else its lines, one by one at C speed (a
    long stream's noise is not joined for it)."""
    from .lambda_error import KEY, read_noise

    if not result.noise or (KEY not in joined if joined is not None
                            else not any(map(str.__contains__, stream.texts, repeat(KEY)))):
        return result
    found = read_noise(stream, result.noise, ids)
    if found:
        taken = {n for r in found for a, b in r.lines for n in range(a, b + 1)}
        left = [n for a, b in result.noise for n in range(a, b + 1) if n not in taken]
        result.noise = spans_of(left)
        result.reports = sorted(result.reports + found, key=lambda r: r.lines[0][0])
    return result


def read_and_keep(stream: Stream) -> ParseResult:
    """Parse a stream and keep the result on it for the next parse_stream, as
    long as its lines and line numbers stay the same objects (report ids and
    the stream's id are given when it is taken). A stream read so already is
    not read again."""
    kept = stream._parsed
    if kept is not None and kept[0] is stream.numbers and kept[1] is stream.texts:  # type: ignore[index]
        return kept[2]  # type: ignore[index]
    result = _Parser(stream, report_ids()).run()
    stream._parsed = (stream.numbers, stream.texts, result)
    return result


def read_and_keep_unless(stream: Stream, refuted: Callable[[list[Report], list[Report]], bool]
                         ) -> ParseResult | None:
    """read_and_keep, given up (None, nothing kept) where `refuted(reports, awaiting)`,
    asked as each report is read (the reports so far, in order, and those still awaiting
    their next thread's section, which a later line may read on into), says the
    reading cannot serve its caller. A stream read so already is not read again."""
    kept = stream._parsed
    if kept is not None and kept[0] is stream.numbers and kept[1] is stream.texts:  # type: ignore[index]
        return kept[2]  # type: ignore[index]
    parser = _Parser(stream, report_ids())
    parser.refuted = refuted
    try:
        result = parser.run()
    except _Refuted:
        return None
    stream._parsed = (stream.numbers, stream.texts, result)
    return result


class _Refuted(Exception):
    """The parse stopped: its reading cannot serve (read_and_keep_unless)."""


@dataclass(slots=True)
class HeldReading:
    """A stream's reading (read_and_keep_held), and what tells which of its lines
    the run loop read as stack lines (demux/one_stream.py proves from it that
    one process wrote them)."""

    result: ParseResult
    # the lines its reports hold that the run loop read as no stack line (a goroutine
    # header, a frame's call or file line, `created by`, a blank line): the openers,
    # messages, trailers, ..., in no order, repeats allowed
    held: list[int]
    # the names of call lines read as such (None: not a name), unless some were let go
    # (None then), or unless the grammar gives call lines no shape call_lines.py reads
    names: dict[str, str | None] | None


def read_and_keep_held(stream: Stream) -> HeldReading:
    """read_and_keep, and which lines the reading took as stack lines."""
    parser = _Parser(stream, report_ids())
    parser.held = []
    result = parser.run()
    stream._parsed = (stream.numbers, stream.texts, result)
    names = parser.call_names
    return HeldReading(result, parser.held,
                       None if names is None or LET_GO in names or _CALL_SHAPE is None else names)


# The key that marks verdicts on call lines' names let go (_read_call_line): no
# line's text holds a newline.
LET_GO = "\n"


# What a text not yet read stands for in the frame readings kept (None: not that kind).
_UNREAD = object()
# Readings kept per kind of frame line before they are let go, all at once.
_KEPT_READINGS = 1 << 14
# Whole call lines kept before the parser tells whether they repeat: fewer
# readings of them again than lines kept by then, and none is kept any more (a
# dump's arguments print pointers: the first 16 384 kept cost it 10 ms).
_CALL_LINES_TRIAL = 1 << 12
# Goroutine headers read before their readings are kept no more, unless as many
# were read again: a crash loop prints the same headers each crash, a dump's
# every header is new (its own id).
_KEPT_HEADERS = 1 << 8


def _read_call_line(text: str, names: dict[str, str | None]) -> tuple | None:
    """(func, args) of a frame's call line, or None. Read at its last `(`
    (call_lines.py), the verdict on each function name kept in `names`; by the
    kind's regex when the grammar gives call lines another shape."""
    shape = _CALL_SHAPE
    if shape is None:
        m = _CALL_RX.fullmatch(text)
        return None if m is None else (intern(m.group(_CALL_FUNC)), m.group(_CALL_ARGS))
    if text[-1:] != shape.close:  # (str.endswith and str.rfind parse an argument tuple)
        return None
    name, opened, args = text.rpartition(shape.open)
    if not opened:
        return None
    args = args[:-1]
    for c in shape.excluded:
        if c in args:
            return None
    func = names.get(name, _UNREAD)
    if func is _UNREAD:
        if len(names) >= _KEPT_READINGS:
            names.clear()
            names[LET_GO] = None  # (HeldReading.names: the names read are not all here)
        func = names[name] = read_name(shape, name)
    if func is None:
        return None
    return func, args or None


def _cut_call(text: str) -> str | None:
    """A frame's call line cut short: its function's name where the cut left it whole
    (its `(` printed, the arguments after it never closed), "" where the cut went
    through the name (a qualified name, `pkg.F` or a path, with no `(`, or a `(` that
    opens a receiver, `pkg.(*T`); None when the line is no such thing."""
    shape = _CALL_SHAPE
    if shape is None:
        return None
    name, opened, args = text.rpartition(shape.open)
    if not opened:
        name, args = text, None
    elif args.startswith("*") or (not args and name.endswith(".")):
        args = None  # (a receiver's `(*T`, `pkg.(`: the cut went through the name)
    elif any(c in args for c in (shape.close, *shape.excluded)):
        return None
    if not name or any(c.isspace() for c in name) or read_name(shape, name) is None:
        return None
    if args is None:  # (an author's `...` or `..` is none: a name holds a letter)
        qualified = ("." in name or "/" in name) and any(c.isalpha() for c in name)
        return "" if qualified else None
    return intern(name)


# How a goroutine's header begins (the grammar's lead), and the id's first digit.
_CUT_HEADER = rx.compile(_G.leads["goroutine_header"] + "[0-9]")


# A file and its line number (`stack.go:12`): a file line whole, not cut before it
_FILE_PLACE = rx.compile(r"\.\w{1,4}:[0-9]")


def cut_path(text: str) -> bool:
    """Whether `text` can be the start of a file line's path, cut (`/go/src/github.com/
    harl`, `C:\\Users`, `github.com/x/y.`): one word, led as a path is (an author's
    `...` is no path), with no line number (a file line the grammar refused whole,
    its number of 20 digits, is none cut)."""
    return (bool(text) and (text[0].isalnum() or text[0] in "/\\_~")
            and not any(c.isspace() for c in text) and _FILE_PLACE.search(text) is None)


def _only_blank_after(texts: Sequence[str], i: int) -> bool:
    """No line after line i but blank ones (read up to the first that is not:
    islice skipped the i lines before it each time, and a long stream asks
    after many frames: 8 services' 12 MB lines merge, 1 103 times)."""
    return all(not texts[j].strip() for j in range(i + 1, len(texts)))


def _read_file_line(text: str, kept: dict[str, tuple | None]) -> tuple | None:
    """(file, line, offset, fp, sp, pc, text) of a file line, or None; kept as
    _read_call_line. The text is the one kept: the lines that repeat it, each a
    str of its own, are told by it (Goroutine._read)."""
    m = _FILE_RX.fullmatch(text)
    if len(kept) >= _KEPT_READINGS:
        kept.clear()
    if m is None:
        kept[text] = None
        return None
    file, line, offset, fp, sp, pc = m.group(_FILE, _FILE_LINE, _FILE_OFF, _FILE_FP,
                                              _FILE_SP, _FILE_PC)
    got = kept[text] = (intern(file), int(line), offset, fp, sp, pc, text)
    return got


class _Parser:
    """The state machine. States, by what the last line opened:

    idle       no report open; only a report-opening line leaves it
    header     a report's header: messages, chain, signal, context, tests
    stack      inside a goroutine (or runtime stack, ancestor, race access)
    between    after a blank line inside a report: another goroutine may follow
    registers  after a signal's register dump, which ends its section: only
               `-----` (GOTRACEBACK=crash: another thread's section follows)
               or a trailer continues the report
    """

    def __init__(self, stream: Stream, ids: Iterator[str]) -> None:
        self.stream = stream
        self.ids = ids
        self.result = ParseResult()
        self.report: Report | None = None
        self.used: list[int] = []  # indices of lines of the open report
        # and of every report, closed, where asked for (HeldReading.held)
        self.held: list[int] | None = None
        # sequential.py's: asked as each report is read whether the reading can still
        # serve it; the parse stops (_Refuted) where it says not
        self.refuted: Callable[[list[Report], list[Report]], bool] | None = None
        self.call_names: dict[str, str | None] | None = None  # (HeldReading.names)
        # and runs of them, flat (first, last, first, …): the lines the run loop
        # reads itself, as they come (a dump's report: one run, not an int a line)
        self.ran: list[int] = []
        self.g: Goroutine | None = None  # the goroutine frames go to
        self.frames: list[Frame] | None = None  # where frames go (goroutine, ancestor, access)
        self.pending: Frame | None = None  # a frame waiting for its file line
        self.pending_at = 0
        self.state = "idle"
        self.raw_message = False  # pre-1.23 multi-line panic value continues raw
        self.tests: list[str] = []  # "--- FAIL: TestX" seen just before a report
        self.tests_at: list[int] = []  # their lines (and gotestsum's `=== FAIL: pkg  (…)`)
        self.summary_package: str | None = None  # the package of gotestsum's `=== FAIL:`
        self.context: list[str] = []  # "runtime: …" lines seen before a report
        self.context_at: list[int] = []
        self.note_at = -2  # the last `runtime: ` note (or its tab-led line) taken as context
        # GOTRACEBACK=crash: a `-----` line was read, the next thread's section
        # follows; `thread`: the section being read (its goroutines go there)
        self.relaying = False
        self.thread: Thread | None = None
        # Reports whose `-----` another process's lines followed, in a log of
        # whole reports one after another: their next thread's section comes later.
        self.awaiting: list[Report] = []
        # The reports the last plain test failure was split into (test_reports.py):
        # a package line read after it closed is theirs, not only the last one's.
        self.split: list[Report] = []
        # (input line, failed test) of the open report's tests' verdicts and logs
        # (test_output.read_failures' lines_of): each run's, with go test -count=N
        self.test_lines: list[tuple[int, str]] = []
        self.reopened = False  # the open report is one of those, read on
        self.alone = False  # the open report is a thread's section with no crash to join
        self.unwound: Goroutine | None = None  # the goroutine its traceback could not unwind
        self.observed = False  # the open report is HandleCrash's: a caller list may follow
        self.caller_at = -2  # the last caller read with its pc: Martini's source line may follow
        self.quoted: str | None = None  # the indentation of a stack a test's log quotes
        self.page_to = -1  # the last line of a Bubble Tea panic page read whole (tea_page)
        self.consumed: bytearray = bytearray(len(stream.texts))
        self.pieced: list[int] | None = None  # the indices of texts made of pieces, sorted

    # ------------------------------------------------------------ helpers

    def spans(self, runs: Iterator[int]) -> list[Span]:
        """Input-line spans of runs of stream indices, given flat as first, last, first, …"""
        numbers = self.stream.numbers
        out: list[Span] = []
        runs = list(runs)
        it = iter(runs)
        if isinstance(numbers, range) and numbers.step == 1:
            base = numbers.start
            for a, b in zip(it, it, strict=False):
                out.append((a + base, b + base))
        else:
            for a, b in zip(it, it, strict=False):
                # a stream's consecutive lines need not be consecutive input lines
                out += _spans(numbers[a : b + 1])
        more = self.piece_lines(runs)
        return _merged(out, _spans(more)) if more else out

    def piece_lines(self, runs: list[int]) -> list[int]:
        """The input lines, other than each text's own number, that texts in the runs
        (flat: first, last, first, …) were made of: a line a paste wrapped, or one a
        collector cut, joined back, names every input line it holds. Ascending."""
        pieces = self.stream.pieces
        if not pieces:
            return []
        keys = self.pieced
        if keys is None:
            keys = self.pieced = sorted(pieces)
        numbers = self.stream.numbers
        lines: set[int] = set()
        it = iter(runs)
        for a, b in zip(it, it, strict=False):
            for k in range(bisect_left(keys, a), bisect_right(keys, b)):
                i = keys[k]
                lines.update(n for n, _, _ in pieces[i] if n != numbers[i])
        return sorted(lines)

    def number(self, i: int) -> int:
        return self.stream.numbers[i]

    def open(self, kind: ReportKind, message: str, i: int, tests_end: int | None = None
             ) -> Report:
        """Open a report at line i; the failed tests seen before it are its own, with
        their logs (read down to `tests_end`, else to i); but before a crash, those
        that failed with a log of their own before the test that crashed are reports
        of their own (failed_before)."""
        self.close()
        before = (self.failed_before(i if tests_end is None else tests_end)
                  if kind is not ReportKind.TEST_FAILURE and len(self.tests_at) > 1 else [])
        r = _new_report(next(self.ids), kind, message, self.stream.id)
        if before:
            self.split = [*before, r]  # (a package line read later is theirs too)
        self.report = r
        self.used, self.ran = [], []
        self.relaying, self.thread, self.reopened, self.alone = False, None, False, False
        if kind is ReportKind.FATAL_ERROR and not self.context:
            self.throw_notes(i)
        elif kind is ReportKind.SIGNAL_DUMP and message == _SIGABRT:
            if self.context:
                self.cgo_notes_cut(i)
            else:
                self.cgo_note_above(i)
        if self.context:
            r.context.extend(self.context)
            self.used.extend(self.context_at)
            self.context, self.context_at = [], []
        self.test_lines = []
        if self.tests_at:
            r.tests.extend(dict.fromkeys(self.tests))  # (a fuzz target says `--- FAIL` twice)
            self.used.extend(self.tests_at)
            stream = self.stream
            lines_of: dict[str, list[int]] = {}
            r.failed_tests, logged = read_failures(
                stream.texts, stream.numbers, self.tests_at,
                i if tests_end is None else tests_end, self.consumed, lines_of,
                errors=stream.errors, test_runs=stream.test_runs)
            numbers = stream.numbers
            self.test_lines = [(numbers[k], test) for test, at in lines_of.items() for k in at]
            self.used.extend(logged)
            if r.test_package is None:
                r.test_package = self.summary_package
            self.tests, self.tests_at, self.summary_package = [], [], None
        self.used.append(i)
        self.state = "header"
        return r

    def use(self, i: int) -> None:
        self.used.append(i)

    def failed_before(self, end: int) -> list[Report]:
        """The go tests that failed with a log of their own before the test whose
        crash opens a report (go test prints that test's `--- FAIL`, and its
        parents', last, just before the panic), each a report of its own, as a
        package's plain failures are (test_reports.py): a failure keeps its id
        whether or not a later test of its package crashed. Their lines are taken
        and their names no longer the crash's."""
        stream = self.stream
        lines_of: dict[str, list[int]] = {}
        failed, _ = read_failures(stream.texts, stream.numbers, self.tests_at, end,
                                  self.consumed, lines_of, stream.errors, stream.test_runs)
        if not failed:
            return []
        parts = failed[-1].test.split("/")
        crashed = {"/".join(parts[:k]) for k in range(1, len(parts) + 1)}
        own = [f for f in failed if f.log and f.test not in crashed]
        if not own:
            return []
        # A parent that failed by one of them alone goes with its least-named one, as
        # a package's plain failures' do (test_reports.owner); a parent of the test
        # that crashed stays the crash's, said there. (Any parent stayed the crash's:
        # the fuzz rerun's FuzzRecord panic listed FuzzUpper, FuzzUpper/<hash>'s.)
        names = [f.test for f in own]
        held_by: dict[str, list[FailedTest]] = {t: [] for t in names}
        for f in failed:
            if f.test in held_by:
                held_by[f.test].append(f)
            elif not f.log and f.test not in crashed and any(
                    t.startswith(f.test + "/") for t in names):
                held_by[owner(f.test, names)].append(f)
        out = []
        for f in own:
            tests = sorted(held_by[f.test], key=lambda t: t.test)  # (parents first)
            held = sorted(k for t in tests for k in lines_of.get(t.test, ()))
            for k in held:
                self.consumed[k] = 1
            r = _new_report(next(self.ids), ReportKind.TEST_FAILURE, FAILED + f.test,
                            stream.id)
            r.tests, r.failed_tests = [t.test for t in tests], tests
            r.test_package = self.summary_package
            r.lines = self.spans(iter(_runs(held)))
            self.result.reports.append(r)
            out.append(r)
        gone = {t.test for ts in held_by.values() for t in ts}
        kept = [(t, k) for t, k in zip(self.tests, self.tests_at, strict=True) if t not in gone]
        self.tests, self.tests_at = [t for t, _ in kept], [k for _, k in kept]
        return out

    def throw_notes(self, i: int) -> None:
        """The runtime's own lines just before a fatal error at i (_THROW_NOTES), as
        context; a line a report before holds is not looked at."""
        texts = self.stream.texts
        k = i
        while (k > 0 and i - k < _MAX_THROW_NOTES and not self.consumed[k - 1]
               and _THROW_NOTES.fullmatch(texts[k - 1])):
            k -= 1
        self.context, self.context_at = list(texts[k:i]), list(range(k, i))

    def note_goes_on(self, i: int, text: str) -> bool:
        """A tab-led line just after a `runtime: ` note taken as context (note_at)
        is the note's own: the runtime prints some notes' details so (`\tstack=[…`
        before `traceback did not unwind completely`, newstack's `\tmorebuf={…`,
        pcvalue's `\tvalue=… until pc=…`: runtime/traceback.go, stack.go,
        symtab.go). It joins the same context; False when that context is gone."""
        r = self.report
        if self.context_at and self.context_at[-1] == i - 1:
            self.context.append(text)
            self.context_at.append(i)
        elif r is not None and self.state == "header" and self.used and self.used[-1] == i - 1:
            r.context.append(text)
            self.use(i)
        else:
            return False
        self.note_at = i
        return True

    def cgo_note_above(self, i: int) -> None:
        """runtime/cgo's line quoted at the end of the line just above a SIGABRT at i
        (cgo_notes.py), as context; a line a report before holds is not looked at."""
        k = i - 1
        if k >= 0 and not self.consumed[k]:
            note = quoted_note(self.stream.texts[k])
            if note is not None:
                self.context, self.context_at = [note], [k]

    def cgo_notes_cut(self, i: int) -> None:
        """The rest of runtime/cgo's notes of threads that failed at once, just
        above a SIGABRT at i, as context: fatalf writes `runtime/cgo: `, the
        message and the newline apart, so n threads' writes can make one line of n
        prefixes and a message, then the other n-1 messages on lines of their own
        (go24484: `runtime/cgo: runtime/cgo: pthread_create failed: …`, then
        `pthread_create failed: …`). Taken only where exactly those lines lie
        between the note and the SIGABRT."""
        k, threads = self.context_at[-1], cgo_writers(self.context[-1])
        rest = range(k + 1, i)
        if (threads > 1 and len(rest) == threads - 1
                and not any(self.consumed[j] for j in rest)
                and all(self.stream.texts[j] for j in rest)):
            self.context.extend(self.stream.texts[j] for j in rest)
            self.context_at.extend(rest)

    def end_frames(self) -> None:
        if self.pending is not None:
            self.diagnose(f"frame {self.pending.func} has no file line", self.pending_at)
            if self.report is not None:
                self.report.complete = False
                self.report.incomplete_reason = "a frame without its file line"
            self.pending = None
        self.frames = None

    def close(self) -> None:
        self.end_frames()
        r = self.report
        if r is None:
            return
        self.g = None
        self.relaying, self.thread = False, None
        if self.alone:
            self.set_apart(r)
            return
        if self.held is not None:
            self.held += self.used
        if self.used or self.ran:
            runs = _union(self.used, self.ran)
            consumed = self.consumed
            for a, b in zip(runs[::2], runs[1::2], strict=True):
                consumed[a : b + 1] = b"\x01" * (b + 1 - a)
            numbers = self.stream.numbers
            if self.reopened:
                r.lines = _merged(r.lines, self.spans(runs))
            elif len(runs) == 2 and isinstance(numbers, array):
                # a prefixed log's stream: the lines' numbers, spans made when read
                kept = numbers[runs[0] : runs[1] + 1]
                more = self.piece_lines(runs)  # (the other lines of texts joined from several)
                if more:
                    kept = array(kept.typecode, sorted(set(kept).union(more)))
                r.lines = LineSpans(kept)
            else:
                r.lines = self.spans(runs)
        if r.kind is ReportKind.RACE and r.race is not None:
            r.message = _race_message(r.race)
        if r.kind is ReportKind.GOROUTINE_DUMP and _panicking(r):
            r.kind, r.message = ReportKind.PANIC, ""
            r.complete, r.incomplete_reason = False, PANIC_LEFT_OUT
        if r.threads:
            _fill_unavailable(r)
        if r.complete and r.kind in STACKED_KINDS:
            if not r.goroutines:
                why = self.stream.stacks_missing
                if why is not None:
                    r.complete, r.incomplete_reason = False, why
                    r.mentions = list(self.stream.mentions)
            elif self.stream.stacks_uncertain is not None:
                r.complete, r.incomplete_reason = False, self.stream.stacks_uncertain
        if not self.reopened:
            if r.kind is ReportKind.TEST_FAILURE:
                self.split = split_by_test(r, lambda: next(self.ids), self.test_lines)
                self.result.reports.extend(self.split)
            else:
                self.result.reports.append(r)
            if self.refuted is not None and self.refuted(self.result.reports, self.awaiting):
                raise _Refuted
        self.report = None
        self.used, self.ran = [], []
        self.state = "idle"
        self.reopened = False
        self.observed = False

    def set_apart(self, r: Report) -> None:
        """A relayed thread's section read as a report of its own: no crash,
        so its lines stay noise, and the diagnostic says what they are."""
        spans = self.spans(iter(_union(self.used, self.ran)))
        ms = [r.signal.m if r.signal is not None else None, *(t.m for t in r.threads)]
        named = ", ".join("?" if m is None else str(m) for m in ms)
        self.result.diagnostics.append(Diagnostic(RELAY_ALONE.format(m=named), spans,
                                                  severity="info"))
        self.report, self.used, self.ran, self.state, self.alone = None, [], [], "idle", False

    def diagnose(self, message: str, i: int) -> None:
        n = self.number(i)  # (and every other input line its text was made of)
        self.result.diagnostics.append(Diagnostic(message, _merged([(n, n)], _spans(
            self.piece_lines([i, i])))))

    def new_goroutine(self, g: Goroutine, i: int) -> None:
        self.end_frames()
        if self.report is None and not self.signal_above(i):
            self.open(ReportKind.GOROUTINE_DUMP, "goroutine dump", i)  # uses line i
        else:
            self.use(i)
        assert self.report is not None
        (self.thread or self.report).goroutines.append(g)
        self.g = g
        self.frames = g.frames
        self.state = "stack"

    # -------------------------------------------------------------- run

    def run(self) -> ParseResult:
        # Parsing a big dump allocates millions of objects and makes no cycles:
        # the cyclic GC would rescan them over and over (a third of the time).
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._run()
        finally:
            if gc_was_enabled:
                gc.enable()
        races_of_tests(self.result.reports)
        return self.result

    def _run(self) -> None:
        texts = self.stream.texts
        n = len(texts)
        by_first = _BY_FIRST  # _match, inlined
        new_frame = object.__new__
        # The texts joined, for the bulk searches, a chunk at a time (line_chunks.py;
        # a stream of one chunk is joined once, shared with the stages before),
        # made when one is first needed (a dump read from its first line to its
        # last needs none).
        joined: str | None = None
        chunk_k, chunk_stop, chunk_end = -1, 0, 0  # the chunk's index, own part's end, lines
        firsts: list[int] = []
        skip_alone = _IDLE_SKIP_ALONE
        header_leads: frozenset[str] = frozenset()
        header_match = _HDR_RX.fullmatch
        call_close = _CALL_SHAPE.close if _CALL_SHAPE is not None else ""  # (leads need it)
        call_open = _CALL_SHAPE.open if _CALL_SHAPE is not None else ""  # ("": not inlined)
        call_excluded = _CALL_SHAPE.excluded if _CALL_SHAPE is not None else ()
        # (the frame scan's own loop tests two at most, padded with the opener, which
        # the text after the last opener cannot hold)
        excluded_pair = ((*call_excluded, call_open, call_open)[:2]
                         if call_open and len(call_excluded) <= 2 else None)
        # Where a line begins in `joined` is counted on from the last line whose
        # start a bulk search found (C-speed sums of the lengths between), not
        # read from a list of every line's end: an int a line, made and let go,
        # for a stream of reports one after another that is searched once a report.
        known_line = known_at = 0
        ran = self.ran
        # a log repeats its frame lines (goroutines parked alike, a crash loop's
        # every crash): a text's reading is kept, a few thousand texts at a time
        # a call line's function name: read as one?
        call_names: dict[str, str | None] = {}
        self.call_names = call_names
        # whole call lines too, while they repeat (a crash loop prints the same
        # arguments each time: 8 services' crash loops read 0.45 s faster); a
        # dump's arguments print pointers that never repeat: then none are kept
        call_lines: dict[str, tuple | None] | None = {}
        call_hits = 0
        call_room = _CALL_LINES_TRIAL  # (a dump is told from a crash loop by then)
        file_lines: dict[str, tuple | None] = {}
        cut_rows = self.stream.cut  # (rows a pane cut: Stream.cut)
        lines_read: dict[str, re.Match[str] | None] = {}  # the other lines' classification
        # headers' readings by their own regex, while they repeat (8 services'
        # crash loops: 105 000 headers, a few hundred distinct)
        headers_read: dict[str, re.Match[str] | None] | None = {}
        header_hits = 0
        skip_here = _IDLE_SKIP.match  # at this line's start
        skip_next = _IDLE_NEXT.search  # at a later line's start: after its newline
        next_search = 0  # no bulk search before this line: the last one found it
        scanned_to = -1  # the line the last frame scan stopped at: no frame begins there
        i = 0
        while i < n:
            if (i >= next_search and self.report is None and self.frames is None
                    and not self.tests_at and not self.context):
                if skip_alone is not None and skip_alone(texts[i]) is not None:
                    j = i  # (told by the line alone: no joined text is made for it)
                else:
                    if joined is None or not (firsts[chunk_k] <= i < chunk_end):
                        if joined is None and _IDLE_REACH is None:
                            firsts, joined = [0, n], self.stream.joined()  # (searched whole)
                            chunk_k, chunk_stop, chunk_end = 0, len(joined), n
                        else:
                            if not firsts:
                                laid = self.stream.layout()
                                firsts = ([0, n] if self.stream.small_joined() is not None
                                          else laid.firsts)
                            chunk_k = bisect_right(firsts, i) - 1
                            chunk = (line_chunks.whole_chunk(self.stream.joined())
                                     if len(firsts) == 2 else
                                     line_chunks.chunk_at(texts, _IDLE_REACH, laid, chunk_k))
                            joined, chunk_stop = chunk.text, chunk.stop
                            chunk_end = firsts[chunk_k + 1]
                            known_line, known_at = chunk.line0, 0
                    if i >= known_line:
                        at = known_at + sum(map(len, texts[known_line:i])) + i - known_line
                    else:
                        at = known_at - sum(map(len, texts[i:known_line])) - (known_line - i)
                    if skip_here(joined, at) is not None:
                        j, known_line, known_at = i, i, at
                    else:
                        hit = skip_next(joined, at)
                        while ((hit is None or hit.start() >= chunk_stop)
                               and chunk_k + 2 < len(firsts)):
                            # none in this chunk's own lines: on in the next one's,
                            # from the newline before its first line
                            chunk_k += 1
                            chunk = line_chunks.chunk_at(texts, _IDLE_REACH, laid, chunk_k)
                            joined, chunk_stop = chunk.text, chunk.stop
                            chunk_end = firsts[chunk_k + 1]
                            at = chunk.start
                            known_line, known_at = chunk.line0, 0
                            hit = skip_next(joined, at)
                        if hit is None or hit.start() >= chunk_stop:
                            break  # nothing below can open a report: the rest is noise
                        j = known_line + joined.count("\n", known_at, hit.start() + 1)
                        known_line, known_at = j, hit.start() + 1
                next_search = j + 1
                if j - 1 > i:
                    i = j - 1  # the line before too: a headerless frame's call line
            text = texts[i]
            if len(text) > MAX_LINE:
                head = _long_opener(text)
                self.step(i, head.lastgroup if head is not None else None, head, text)
                if head is not None:
                    self.diagnose(LONG_OPENER, i)
                ran = self.ran
                i += 1
                continue
            f = self.pending
            if f is not None:
                where = file_lines.get(text, _UNREAD)
                if where is _UNREAD:
                    where = _read_file_line(text, file_lines)
                if where is not None:
                    f.file, f.line, f.offset, fp, sp, pc, _ = where
                    if fp is not None:
                        f.fp, f.sp, f.pc = fp, sp, pc
                    self.pending = None
                    if cut_rows and i in cut_rows:
                        self.cut_file(f, where)
                    if ran and ran[-1] == i - 1:  # (_add_run, inlined: a line a goroutine)
                        ran[-1] = i
                    else:
                        ran += (i, i)
                    i += 1
                    continue
                if cut_rows and i in cut_rows and text[:1] == "\t":
                    self.cut_file(f, None, text[1:])
                    self.pending = None
                    _add_run(ran, i, i)
                    i += 1
                    continue
            frames = self.frames
            # (a run's file lines are read whole: not where a pane cut rows)
            if frames is not None and f is None and i != scanned_to and not cut_rows:
                # A run of whole frames (a call line, then its file line, repeated),
                # each line read by its kind's regex, a text read before taken as read
                before = len(frames)
                names: list[str] = []  # (their functions and file lines, for Goroutine._read)
                inline = call_lines is None and excluded_pair is not None
                if inline:
                    # The dump's own loop: call lines read inline, none kept whole (their
                    # arguments do not repeat): the loop below without its tests of which
                    # reading to take, a frame 0.1 us sooner (a fifth of what reading it
                    # costs beside making its Frame)
                    add_frame, add_name = frames.append, names.append
                    excluded_a, excluded_b = excluded_pair
                    # (fewer bytecodes a frame than the loop below, each ~60 instructions
                    # in this Python: an empty line ends the run by its IndexError, not a
                    # slice; a reading looked up without a default, None being rare: a
                    # dump's 228 000 frames, the parse 7 % fewer instructions)
                    try:
                        for k in range(i, n - 1, 2):
                            line = texts[k]
                            if line[-1] != call_close:
                                break
                            name, opened, args = line.rpartition(call_open)
                            if not opened:
                                break
                            args = args[:-1]
                            if excluded_a in args or excluded_b in args:
                                break
                            func = call_names.get(name)
                            if func is None:
                                if name in call_names:  # (read before: no call)
                                    break
                                call = _read_call_line(line, call_names)
                                if call is None:
                                    break
                                func = call[0]
                            where = file_lines.get(texts[k + 1])
                            if where is None:
                                if texts[k + 1] in file_lines:
                                    break
                                where = _read_file_line(texts[k + 1], file_lines)
                                if where is None:
                                    break
                            fr = new_frame(Frame)  # (as below)
                            fr.func = func
                            fr.args = args or None
                            fr.file, fr.line, fr.offset, fr.fp, fr.sp, fr.pc, seen = where
                            fr.inlined = args == "..."
                            fr.package = fr.module = fr.version = fr.origin = None
                            add_frame(fr)
                            add_name(func)
                            add_name(seen)
                    except IndexError:
                        if texts[k]:  # (only an empty line ends the run so)
                            raise
                k = n if inline else i  # (this loop: while whole call lines are kept)
                while k + 1 < n:
                    if call_lines is None and call_open:  # (_read_call_line, inlined)
                        line = texts[k]
                        # (the line cut at its last `(` in one call: str.rfind and
                        # str.endswith parse a tuple of arguments each, 3.11 and 3.12)
                        if line[-1:] != call_close:
                            break
                        name, opened, args = line.rpartition(call_open)
                        if not opened:
                            break
                        args = args[:-1]
                        for c in call_excluded:  # (a loop: any(map(…)) costs 10 % more)
                            if c in args:
                                break
                        else:
                            c = None
                        if c is not None:
                            break
                        func = call_names.get(name, _UNREAD)
                        if func is None:
                            break
                        if func is _UNREAD:
                            call = _read_call_line(line, call_names)
                            if call is None:
                                break
                            func = call[0]
                        args = args or None
                    else:
                        call = call_lines.get(texts[k], _UNREAD)
                        if call is _UNREAD:
                            call = call_lines[texts[k]] = _read_call_line(texts[k], call_names)
                            if len(call_lines) >= call_room:
                                if call_hits < call_room:
                                    call_lines = None
                                elif call_room == _KEPT_READINGS:
                                    call_lines, call_hits = {}, 0
                                call_room = _KEPT_READINGS
                        else:
                            call_hits += 1
                        if call is None:
                            break
                        func, args = call
                    where = file_lines.get(texts[k + 1], _UNREAD)
                    if where is _UNREAD:
                        where = _read_file_line(texts[k + 1], file_lines)
                    if where is None:
                        break
                    # a Frame made as Frame(...) would make it (_FRAME_FIELDS), its fields
                    # stored here: a call of the class costs a third more, per frame
                    fr = new_frame(Frame)
                    fr.func = func
                    fr.args = args
                    fr.file, fr.line, fr.offset, fr.fp, fr.sp, fr.pc, seen = where
                    fr.inlined = args == "..."
                    fr.package = fr.module = fr.version = fr.origin = None
                    frames.append(fr)
                    names.append(func)
                    names.append(seen)
                    k += 2
                count = 2 * (len(frames) - before)
                scanned_to = i + count
                if count:
                    g = self.g
                    if g is not None and frames is g.frames:
                        # what the goroutine's frames were read from, while all were so
                        read = g._read
                        if read is None and not before:
                            g._read = tuple(names)
                        elif read is not None and len(read) == 2 * before:
                            g._read = read + tuple(names)
                    if ran and ran[-1] == i - 1:  # (_add_run, inlined: a run a goroutine)
                        ran[-1] = i + count - 1
                    else:
                        ran += (i, i + count - 1)
                    i += count
                    continue
            if frames is not None:
                call = _UNREAD if call_lines is None else call_lines.get(text, _UNREAD)
                if call is _UNREAD:
                    # (a line that ends otherwise, a dump's every `created by`, is told
                    # here without the call)
                    call = (None if call_open and text[-1:] != call_close
                            else _read_call_line(text, call_names))
                    if call_lines is not None:
                        call_lines[text] = call
                if call is not None:
                    if f is not None:
                        self.end_frames_keep(i)
                    func, args = call
                    f = _new_call_frame(func, args, args == "...")
                    frames.append(f)
                    self.pending = f
                    self.pending_at = i
                    _add_run(ran, i, i)
                    i += 1
                    continue
            if (f is None and text[:1] in header_leads and text[-1:] != call_close
                    and self.report is not None and self.state != "registers"):
                if headers_read is None:
                    m = header_match(text)
                else:
                    m = headers_read.get(text, _UNREAD)
                    if m is _UNREAD:
                        m = headers_read[text] = header_match(text)
                        if len(headers_read) >= _KEPT_HEADERS:
                            headers_read = {} if header_hits >= _KEPT_HEADERS else None
                            header_hits = 0
                    else:
                        header_hits += 1
                if m is not None:  # (what the inline reading below does with a header)
                    self.raw_message = False
                    g = _goroutine(m, _HDR_OWN_FIELDS)
                    (self.thread or self.report).goroutines.append(g)
                    self.g, self.frames, self.state = g, g.frames, "stack"
                    if ran and ran[-1] == i - 1:  # (_add_run, inlined)
                        ran[-1] = i
                    else:
                        ran += (i, i)
                    i += 1
                    continue
            m = lines_read.get(text, _UNREAD)
            if m is _UNREAD:  # (a Match is read again as it was: it holds its text)
                m = by_first[min(ord(text[0]), _ANY_FIRST) if text else _ANY_FIRST](text)
                if len(lines_read) >= _KEPT_READINGS:
                    lines_read.clear()
                lines_read[text] = m
            kind = m.lastgroup if m is not None else None
            if (f is None and self.report is not None and kind in _STACK_KINDS
                    and self.state != "registers"):
                # the lines around stacks, read here as step() reads them: a
                # dump is mostly these, and a call per line costs a third more
                self.raw_message = False
                if kind == "goroutine_header":
                    header_leads = _header_leads()  # (known once a header is read)
                    g = _goroutine(m)
                    (self.thread or self.report).goroutines.append(g)
                    self.g, self.frames, self.state = g, g.frames, "stack"
                    _add_run(ran, i, i)
                    i += 1
                    continue
                if kind == "blank":
                    self.frames = None
                    if self.state in ("stack", "header"):
                        self.state = "between"
                    if ran and ran[-1] == i - 1:  # (_add_run, inlined)
                        ran[-1] = i
                    else:
                        ran += (i, i)
                    i += 1
                    continue
                g = self.g
                if g is not None and frames is not None:  # created_by
                    func, parent = m.group(_CREATED_FUNC, _CREATED_PARENT)
                    f = _new_named_frame(intern(func))
                    cb = new_frame(CreatedBy)  # (as CreatedBy(f, parent) makes it)
                    cb.frame, cb.goroutine = f, int(parent) if parent else None
                    if g.ancestors:
                        g.ancestors[-1].created_by = cb
                    else:
                        g.created_by = cb
                    # its file line follows; no frame comes after it (no scan)
                    self.frames = None
                    self.pending, self.pending_at = f, i
                    if ran and ran[-1] == i - 1:  # (_add_run, inlined: a line a goroutine)
                        ran[-1] = i
                    else:
                        ran += (i, i)
                    i += 1
                    continue
            self.step(i, kind, m, text)
            ran = self.ran  # a report may have opened or closed
            i += 1
        self.close()
        self.flush_orphans()
        self.result.noise = self.spans(
            run for m in re.finditer(rb"\x00+", self.consumed) for run in (m.start(), m.end() - 1)
        )

    def end_frames_keep(self, i: int) -> None:
        """A call line followed another call line: the first lost its file line."""
        frames = self.frames
        self.end_frames()
        self.frames = frames

    def flush_orphans(self) -> None:
        # "--- FAIL" / "runtime:" lines that opened no report stay noise, unless
        # the log ends inside the failed test's output (cut_in_test_output).
        # (or a big log's window ends before it: go test's FAIL line was not read,
        # or read in a later window, which says the tests had ended: verdict_later)
        unread = self.stream.unread_after
        later = self.stream.verdict_later
        if self.tests and (later or unread is not None or self.cut_in_test_output()):
            at = self.tests_at[-1]
            r = self.open(ReportKind.TEST_FAILURE, f"test failed: {', '.join(self.tests)}", at,
                          tests_end=len(self.stream.texts))
            self.used.pop()  # (its `--- FAIL` lines are the tests')
            if later and r.test_package is None:
                r.test_package = self.stream.verdict_package  # (plain, -v: test_reports)
            if not later:
                r.complete, r.incomplete_reason = False, unread or CUT_IN_TEST_OUTPUT
            elif not {f.test for f in r.failed_tests if f.log} <= tests_begun(self.stream.texts):
                # (a test that logged more than the sieve holds: its first records let go)
                r.complete, r.incomplete_reason = False, TEST_HEAD_UNREAD
            self.close()
        self.tests, self.tests_at, self.context, self.context_at = [], [], [], []
        self.summary_package = None

    def cut_in_test_output(self) -> bool:
        """The stream ends inside the last failed test's output, before the FAIL
        that `go test` prints after it (a paste of a `--- FAIL` block, a log cut
        short): every line after its `--- FAIL:` line is indented deeper, as
        testing indents the test's log, or blank."""
        texts = self.stream.texts
        head = texts[self.tests_at[-1]]
        indent = " " * (len(head) - len(head.lstrip(" ")) + 4)
        return all(t.startswith(indent) or not t.strip()
                   for t in itertools.islice(texts, self.tests_at[-1] + 1, None))

    def step(self, i: int, kind: str | None, m, text: str) -> None:
        if i <= self.page_to:
            self.use(i)  # (its value, whatever its lines look like, and its closing line)
            return
        if self.quoted is not None:
            if text.startswith(self.quoted):
                text = text[len(self.quoted):]
                f = self.pending
                where = _read_file_line(text, {}) if f is not None else None
                if where is not None:  # (the loop in _run reads a frame's file line so)
                    f.file, f.line, f.offset, fp, sp, pc, _ = where
                    if fp is not None:
                        f.fp, f.sp, f.pc = fp, sp, pc
                    self.pending = None
                    self.use(i)
                    return
                m = _match(text)
                kind = m.lastgroup if m is not None else None
            elif text.strip():
                self.quoted = None
        r = self.report
        state = self.state
        g = _F
        if kind == "bare_value" and (r is not None or not self.crash_below_value(i)):
            kind, m = None, None  # (a runtime error's words, as any log line's)

        if kind is None:
            if r is None and self.tests and self.test_log_panic(i, text):
                return
            if r is not None and self.gccgo_frame(i, text):
                return
            if r is not None and r.failed_tests and self.fuzz_input(i, text):
                return
            if r is not None and self.cut_at_end(i, text):
                return
            if self.observed and self.caller(i, text):
                return
            if r is not None and (self.g is self.unwound is not None or (
                    state == "header" and r.context and _UNWIND_NOTE.match(r.context[-1])
            )) and _UNWIND_DUMP.match(text):
                self.use(i)
                return
            if r is not None and state == "header" and _INSTRUCTION_BYTES.match(text):
                r.context.append(text)
                self.use(i)
                return
            if r is not None and state == "header" and self.raw_message and text:
                # Before Go 1.23 a multi-line panic value is printed raw.
                r.message += "\n" + text
                if r.chain:
                    r.chain[-1].message = r.message if len(r.chain) == 1 else r.chain[-1].message
                self.use(i)
                return
            if r is not None:
                self.close()
            return

        self.raw_message = False
        if kind == "blank":
            if r is None:
                if self.summary_package is not None:
                    # gotestsum ends a failed test's output with a blank line: its
                    # `=== FAIL:` names no report after it
                    self.tests, self.tests_at, self.summary_package = [], [], None
                return
            self.end_frames()
            if state in ("stack", "header"):
                self.state = "between"
            self.use(i)
            return

        if state == "registers" and kind in ("goroutine_header", "frame_call"):
            self.close()  # after a signal's registers: another dump's stacks
            r, state = None, "idle"

        if kind == "goroutine_header":
            self.new_goroutine(_goroutine(m), i)
            return

        if kind == "frame_file":  # a file line with no call before it
            if self.observed and self.caller(i, text):
                return
            if self.frames is not None and self.frames:
                self.diagnose("a file line without its call line", i)
            self.noise_or_close(i)
            return

        if kind == "frame_call":
            # A call line outside any goroutine: frames without a header
            # (a truncated paste) make a headerless goroutine of a dump.
            nxt = self.peek_kind(i + 1)
            in_stack = r is not None and state == "stack" and self.frames is not None
            if nxt != "frame_file" and not in_stack:
                self.noise_or_close(i)
                return
            if self.pending is not None:
                self.end_frames_keep(i)  # (the call before lost its file line)
            # In a stack, a call with no file line below it (a paste cut there) is
            # the stack's, its frame cut short, as the loop in _run reads it; in a
            # stack a test's log quotes it comes here (dcrdex#1766's last line).
            if r is not None and state == "header":
                self.headerless_goroutine(r)
            elif r is None or state != "stack" or self.frames is None:
                # (frames is None right after a `created by` pair: a goroutine ended)
                self.new_goroutine(Goroutine(id=0, state="unknown"), i)
                self.used.pop()
                if r is None:  # no opener, no header: the log or paste began inside it
                    assert self.report is not None
                    self.report.complete = False
                    self.report.incomplete_reason = HEADLESS
            # m is the combined regex's match: its groups are numbered apart from _CALL_RX's
            fields = g["frame_call"]
            args = m.group(fields["args"])
            f = Frame(m.group(fields["func"]), args, inlined=args == "...")
            assert self.frames is not None
            self.frames.append(f)
            self.pending, self.pending_at = f, i
            self.use(i)
            return

        if kind == "created_by":
            if self.g is not None and self.g is self.unwound:
                self.frames = self.g.frames  # (after the hex dump's blank line)
            if self.g is None or self.frames is None:
                self.noise_or_close(i)
                return
            self.end_frames()
            fields = g["created_by"]
            f = Frame(m.group(fields["func"]))
            parent = m.group(fields["parent"])
            cb = CreatedBy(f, int(parent) if parent else None)
            if self.g.ancestors:
                self.g.ancestors[-1].created_by = cb
            else:
                self.g.created_by = cb
            # The file line that follows belongs to the created-by frame; no
            # frame comes after it (the scanner need not look).
            self.frames = None
            self.pending, self.pending_at = f, i
            self.use(i)
            return

        if kind in ("frames_elided", "additional_frames_elided"):
            if self.g is None:
                self.noise_or_close(i)
                return
            self.end_frames()
            if kind == "additional_frames_elided":
                if self.g.ancestors:
                    self.g.ancestors[-1].elided = True
                else:
                    self.g.elided = True
            else:
                self.g.elided_at = len(self.g.frames)
                self.g.elided_count = int(m.group(g["frames_elided"]["elided"]))
            self.frames = self.g.ancestors[-1].frames if self.g.ancestors else self.g.frames
            self.use(i)
            return

        if kind == "ancestor_header":
            if self.g is None:
                self.noise_or_close(i)
                return
            self.end_frames()
            a = Ancestor(int(m.group(g["ancestor_header"]["ancestor"])))
            self.g.ancestors.append(a)
            self.frames = a.frames
            self.state = "stack"
            self.use(i)
            return

        if kind == "stack_unavailable":
            if self.g is None:
                self.noise_or_close(i)
                return
            self.g.unavailable = True
            self.use(i)
            return

        if kind == "panic":
            fields = g["panic"]
            msg = m.group(fields["message"]) or ""
            ann = _annotation(m.group(fields["annotation"]))
            if r is not None and state == "header" and r.chain and r.chain[-1].annotation:
                # After a Goexit link Go prints the next panic without a tab.
                r.chain.append(PanicLink(msg, ann))
                self.use(i)
                return
            r = self.open(ReportKind.PANIC, msg, i)
            r.chain.append(PanicLink(msg, ann))
            if msg.startswith(LOCATED) and self.tinygo_location(i):
                return
            chi = self.chi_frames(i)
            if chi is not None:  # (chi's own line, a paste's repair took its space off)
                self.chi_stack(r, *chi)
                return
            if msg.startswith(_LOGRUS_ENTRY):
                self.logrus_record_above(r, i)
            raw = read_raw_chain(self.stream.texts, i, self.peek_kind)
            if raw is not None and not raw.lines_only:
                # (empty or tab-led lines among its lines, which the run loop reads
                # as a stack's blank or a Go 1.23 value's line; a later link's raw
                # lines): the chain read whole here, its lines the report's
                r.chain[:] = [PanicLink(value, ann) for value, ann in raw.links]
                r.message = r.chain[0].message
                self.page_to = raw.end - 1
            else:
                self.raw_message = raw is not None
            return

        if kind == "chained_panic":
            if r is None or state != "header" or not r.chain:
                self.noise_or_close(i)
                return
            fields = g["chained_panic"]
            r.chain.append(PanicLink(m.group(fields["message"]) or "",
                                     _annotation(m.group(fields["annotation"]))))
            self.use(i)
            return

        if kind in ("running_tests", "running_test"):
            if r is None or state != "header":
                self.noise_or_close(i)
                return
            if kind == "running_test":
                r.tests.append(m.group(g["running_test"]["test"]))
            self.use(i)
            return

        if kind == "indented":
            if self.observed and self.caller(i, text):
                return  # (a caller list led by tabs: Gitea 1.14's)
            if self.note_at == i - 1 and self.note_goes_on(i, text):
                return
            if r is not None and state == "header" and r.chain:
                # Go 1.23+ indents the continuation lines of a multi-line panic value.
                cont = text[1:]
                link = r.chain[-1]
                if cont.endswith(_ANNOTATIONS) and link.annotation is None:
                    # printed after the whole value: on its last line (`\t [recovered]`
                    # alone when the value ended with a newline)
                    cont, _, ann = cont.rpartition(" [")
                    link.annotation = ann[:-1]
                # (an empty last line is the value's own final newline: not its text,
                # as a raw value's before Go 1.23 is not)
                if cont or (link.annotation is None and self.peek_kind(i + 1) == "indented"):
                    link.message += "\n" + cont
                if len(r.chain) == 1:
                    r.message = r.chain[0].message
                self.use(i)
                return
            if r is not None and self.pending is not None and self.cut_at_end(i, text):
                return  # (a frame's file line the log ends inside)
            if r is not None and self.gccgo_frame(i, text):
                return
            self.noise_or_close(i)
            return

        if kind == "goroutine_profile":
            self.noise_or_close(i)
            n = self.number(i)
            self.result.diagnostics.append(Diagnostic(PROFILE_NOTE, [(n, n)], severity="info"))
            return

        if kind == "http_panic":
            fields = g["http_panic"]
            if m.group(fields["atlantis_panic"]) is not None:
                self.atlantis_comment(i)
                return
            if m.group(fields["gin_recovery"]) is not None:
                self.gin_recovery(i)
                return
            value = m.group(fields["chi_value"])
            if value is not None:
                chi = self.chi_frames(i)
                if chi is None:
                    self.noise_or_close(i)  # (no chi stack below: any log's words)
                    return
                r = self.open(ReportKind.PANIC, value, i)
                r.chain.append(PanicLink(value, None))
                self.chi_stack(r, *chi)
                return
            gitea = m.group(fields["gitea_value"])
            if gitea is not None and not (i + 1 < len(self.stream.texts) and (
                    gitea_caller_follows(self.stream.texts[i + 1])
                    or self.peek_kind(i + 1) == "goroutine_header")):
                # `PANIC: ` with no Gitea stack below, nor negroni's (debug.Stack()'s
                # goroutine right below the value): any log's word
                self.noise_or_close(i)
                return
            echo = m.group(fields["echo_value"])
            zap = m.group(fields["zap_panic"]) or m.group(fields["klog_panic"])
            if zap is not None:  # (escaped as JSON, or Go's %q, escape a string)
                echo = _json_string(zap)
            zap_stack = ((zap is not None or m.group(fields["zap_record"]) is not None)
                         and self.zap_stack_below(i))
            if m.group(fields["zap_record"]) is not None and not zap_stack:
                self.noise_or_close(i)  # (no zap stack below: the value is lost, any log's words)
                return
            if echo is not None and not zap_stack and self.peek_kind(i + 1) != "goroutine_header":
                self.noise_or_close(i)  # (no stack below: any log's words)
                return
            beego = m.group(fields["beego_value"])
            if beego is None:  # (beego's first logger's, its words in brackets)
                beego = m.group(fields["beego_listed"])
            if beego is not None and not (i + 1 < len(self.stream.texts)
                                          and read_caller(self.stream.texts[i + 1])):
                self.noise_or_close(i)  # (no caller below: any log's words)
                return
            msg = (m.group(fields["message"]) or m.group(fields["recovered"])
                   or _observed(m.group(fields["observed"])) or gitea or echo
                   or (beego or "").rstrip() or "")
            r = self.open(ReportKind.PANIC, msg, i)
            r.http_remote = m.group(fields["remote"])
            self.observed = (m.group(fields["observed"]) is not None or gitea is not None
                             or beego is not None)
            r.chain.append(PanicLink(msg, _annotation(m.group(fields["annotation"]))))
            if beego is not None:
                self.beego_above(r, i)
            if zap_stack:
                if zap is None:
                    r.complete, r.incomplete_reason = False, ZAP_VALUE_CUT
                self.headerless_goroutine(r)
            return

        if kind == "bare_value":  # (crash_below_value said a crash follows)
            r = self.open(ReportKind.PANIC, text, i)
            r.chain.append(PanicLink(text, None))
            r.complete = False
            r.incomplete_reason = VALUE_FIRST
            self.observed = True  # (a caller list may follow)
            return

        if kind == "tea_panic":
            end = self.tea_page(i) if m.group(g["tea_panic"]["tea_caught"]) else None
            if end is None:
                self.noise_or_close(i)  # (not the page: a log's words)
                return
            msg = "\n".join(self.stream.texts[i + 2 : end - 1])
            r = self.open(ReportKind.PANIC, msg, i)
            r.chain.append(PanicLink(msg, None))
            self.page_to = end
            return

        if kind == "fatal_error":
            msg = m.group(g["fatal_error"]["text"]) or ""
            if r is not None and state == "header" and (
                    r.kind is ReportKind.PANIC
                    or (r.kind is ReportKind.FATAL_ERROR and r.signal is None
                        and _signal_below(self.stream.texts, i))):
                # "panic: …" then "fatal error: panic while printing panic value" etc.;
                # a fatal error's second throw before its stack, the signal of a fault
                # while it printed right below (runtime/panic.go prints `fatal error:`
                # again, `panic during panic`, then the signal), is the same crash.
                # (Two writers' `fatal error: concurrent map writes`, each printed
                # once, with no signal, stay two reports, as each process's output
                # read alone gives them: the corpus's truth.)
                r.context.append(text)
                self.use(i)
                return
            self.open(ReportKind.FATAL_ERROR, msg, i)
            return

        if kind in ("runtime_note", "fault_address"):
            if (r is None or state != "header") and beginthread_errno(text) is not None:
                # runtime/cgo on Windows, refused a thread, prints this line and calls
                # abort(): no fatal error and no traceback follow (cgo_notes.py)
                self.open(ReportKind.FATAL_ERROR, text, i).context.append(text)
                return
            if (r is not None and self.g is not None and state in ("stack", "between")
                    and _UNWIND_NOTE.match(text)):
                # the goroutine goes on: its stack's hex dump, then its `created by`
                self.end_frames()
                self.unwound, self.frames = self.g, self.g.frames
                self.use(i)
                return
            if r is not None and (state == "header" or (
                    state == "between" and not r.goroutines and _UNWIND_NOTE.match(text))):
                # (after a Windows exception's blank line: its crashed goroutine's unwinding)
                r.context.append(text)
                self.state = "header"
                self.use(i)
                self.note_at = i
                return
            if r is not None:
                self.close()
            self.context.append(text)
            self.context_at.append(i)
            self.note_at = i
            return

        if kind == "signal":
            if r is None or state != "header":
                self.noise_or_close(i)
                return
            r.signal = _signal(m)
            if r.kind is ReportKind.PANIC:
                _end_signal_value(r)
            self.use(i)
            return

        if kind == "sigdump":
            fields = g["sigdump"]
            sig = Signal(name=m.group(fields["signame"]), description=m.group(fields["sigdesc"]))
            if sig.name is None:  # Windows: `Exception <code> <access> <address> <pc>`
                sig = Signal(*(m.group(fields[k]) for k in (
                    "exception", "sigdesc", "exception_access", "exception_addr", "pc")))
            if r is not None and self.relaying:
                # the next thread's section of a GOTRACEBACK=crash dump: the same crash
                self.end_frames()
                self.relaying = False
                self.thread = Thread(m=None, signal=sig)
                r.threads.append(self.thread)
                self.state = "header"
                self.use(i)
                return
            if r is not None and r.kind in (ReportKind.PANIC, ReportKind.FATAL_ERROR) and (
                r.signal is None or r.signal.m is None
            ) and state in ("between", "stack", "header"):
                # GOTRACEBACK=crash: after the panic's stacks Go raises SIGABRT
                # and dumps again; the same crash, so the same report.
                self.end_frames()
                if r.signal is None:
                    r.signal = sig
                r.context.append(text)
                self.state = "header"
                self.use(i)
                return
            thread = self.relay_section_at(i, apart=True)
            if thread is not None:
                # One thread's section, relayed, with no `-----` just before it:
                # its crash's, when another process's whole reports came between
                # them (as processes that take turns between reports print).
                crash = next((a for a in reversed(self.awaiting) if not _printed(a, thread)),
                             None)
                if crash is not None:
                    self.reopen(crash, i)
                    self.thread = Thread(m=None, signal=sig)
                    crash.threads.append(self.thread)
                    return
            r = self.open(ReportKind.SIGNAL_DUMP, text, i)
            r.signal = sig
            self.alone = thread is not None  # read as a report, kept as noise (close())
            return

        if kind == "sigpc":
            if r is None or state != "header" or r.signal is None:
                self.noise_or_close(i)
                return
            fields = g["sigpc"]
            s = self.thread.signal if self.thread is not None else r.signal
            if s.pc is None:
                s.pc = m.group(fields["pc"])
            mm = m.group(fields["m"])  # absent before Go 1.4: "PC=0x43f349"
            s.m = int(mm) if mm and mm.isdigit() else None
            s.sigcode = m.group(fields["sigcode"])
            if self.thread is not None:
                self.thread.m = s.m
            if m.group(fields["addr"]) and s.addr is None:
                s.addr = m.group(fields["addr"])
            self.use(i)
            return

        if kind == "cgo_signal":
            if r is None:
                self.noise_or_close(i)
                return
            r.context.append(text)
            self.use(i)
            return

        if kind == "runtime_stack":
            if r is None:
                self.noise_or_close(i)
                return
            self.end_frames()
            sysg = Goroutine(id=-1, state="runtime stack", system=True)
            r.system_stacks.append(sysg)
            self.g, self.frames, self.state = sysg, sysg.frames, "stack"
            self.use(i)
            return

        if kind == "register":
            if r is None or r.signal is None or state not in ("between", "stack", "header",
                                                             "registers"):
                self.noise_or_close(i)
                return
            fields = g["register"]
            registers = self.thread.registers if self.thread is not None else r.registers
            registers[m.group(fields["register"])] = m.group(fields["register_value"])
            # the registers end a signal's section: no frame of it comes after them
            self.end_frames()
            self.g, self.state = None, "registers"
            self.use(i)
            return

        if kind == "relay_rule":
            if r is None or state != "registers":
                self.noise_or_close(i)  # a rule line in a log, as any other line
                return
            # GOTRACEBACK=crash: the line a thread prints after its registers
            # when it relays the signal to the process's next thread
            self.end_frames()
            self.use(i)
            if self.relay_follows(i):
                self.relaying = True
                return
            self.close()
            self.awaiting = [*self.awaiting[-(_AWAITED - 1):], r]
            return

        if kind in ("race_rule", "race_begin"):
            if kind == "race_rule":
                if r is not None and r.kind is ReportKind.RACE:
                    self.use(i)
                    self.close()
                    return
                if self.peek_kind(i + 1) == "race_begin":
                    self.close()
                    self.context_at.append(i)
                    self.context.append(text)
                    return
                self.noise_or_close(i)
                return
            # the "==================" line just before opens the report too
            rule_at = [j for j in self.context_at[-1:] if j == i - 1]
            self.context, self.context_at = [], []
            r = self.open(ReportKind.RACE, "DATA RACE", i)
            self.used.extend(rule_at)
            r.race = Race()
            return

        if kind in ("race_access", "race_created"):
            if r is None or r.kind is not ReportKind.RACE or r.race is None:
                self.noise_or_close(i)
                return
            self.end_frames()
            fields = g[kind]
            gid = m.group(fields["race_goroutine"])
            if kind == "race_access":
                acc = RaceAccess(m.group(fields["operation"]), m.group(fields["addr"]),
                                 int(gid) if gid else None)
                r.race.accesses.append(acc)
                self.frames = acc.frames
            else:
                cg = Goroutine(id=int(gid), state=m.group(fields["race_state"]))
                r.race.creators.append(cg)
                self.frames = cg.frames
            self.state = "stack"
            self.use(i)
            return

        if kind == "race_frame_call":
            if self.frames is None or r is None or r.kind is not ReportKind.RACE:
                self.noise_or_close(i)
                return
            if self.pending is not None:
                self.end_frames_keep(i)
            fields = g["race_frame_call"]
            f = Frame(m.group(fields["func"]), m.group(fields["args"]))
            self.frames.append(f)
            self.pending, self.pending_at = f, i
            self.use(i)
            return

        if kind == "race_frame_file":
            if self.pending is None or r is None or r.kind is not ReportKind.RACE:
                self.noise_or_close(i)
                return
            fields = g["race_frame_file"]
            f = self.pending
            f.file = m.group(fields["file"])
            f.line = int(m.group(fields["lineno"]))
            f.offset = m.group(fields["offset"])
            self.pending = None
            self.use(i)
            return

        if kind == "race_stack_lost":
            if self.frames or self.frames is None or r is None or r.kind is not ReportKind.RACE:
                self.noise_or_close(i)
                return
            self.use(i)  # the access's stack: none, as the detector says
            if r.race is not None and r.race.accesses and r.race.accesses[-1].frames is self.frames:
                r.race.accesses[-1].stack_lost = True
            return

        if kind == "race_summary":
            last = self.result.reports[-1] if self.result.reports else None
            if r is None and last is not None and last.kind is ReportKind.RACE:
                self.attach_late(last, i)
                return
            self.noise_or_close(i)
            return

        if kind == "test_fail":
            if r is not None and state != "header":
                self.close()
            self.tests.append(m.group(g["test_fail"]["test"]))
            self.tests_at.append(i)
            return

        if kind == "test_summary_fail":
            # gotestsum's summary: one failed test's output follows, up to a blank
            # line; a report in it is that test's (its package too), not the last one's
            if r is not None:
                self.close()
            fields = g["test_summary_fail"]
            test = m.group(fields["test"])
            self.tests, self.tests_at = ([test] if test else []), [i]
            self.summary_package = m.group(fields["package"])
            return

        if kind in ("test_package_fail", "test_killed", "test_fail_bare", "exit_status"):
            target = r
            if target is None and self.result.reports and self.last_report_near(i):
                target = self.result.reports[-1]
            if self.tests and target is None:
                # "--- FAIL: TestX" with no panic: a plain test failure.
                t = self.open(ReportKind.TEST_FAILURE, f"test failed: {', '.join(self.tests)}", i)
                target = r = t  # open: this line is used below, like any line of an open report
                self.used.pop()
            if target is None:
                return
            kin = self.split if self.split and target is self.split[-1] else [target]
            if kind == "test_package_fail":
                for t in kin:
                    t.test_package = m.group(g["test_package_fail"]["package"])
            elif kind == "exit_status":
                for t in kin:
                    t.exit_status = int(m.group(g["exit_status"]["status"]))
            elif kind == "test_killed":
                for t in kin:
                    t.test_killed = text.strip()
            if target is r:
                self.use(i)
                self.state = "between"
            else:
                self.attach_late(target, i)
            return

        if kind in ("cgo_file", "non_go_function"):
            if self.frames is None:
                self.noise_or_close(i)
                return
            if kind == "non_go_function":
                f = Frame("non-Go function", None)
                self.frames.append(f)
                self.use(i)
                return
            fields = g["cgo_file"]
            f = self.pending or Frame("non-Go function")
            if self.pending is None:
                self.frames.append(f)
            f.file = m.group(fields["cfile"])
            cl = m.group(fields["cline"])
            f.line = int(cl) if cl else None
            f.pc = m.group(fields["pc"])
            self.pending = None
            self.use(i)
            return

        self.noise_or_close(i)

    def cut_file(self, f: Frame, where: tuple | None, shown: str = "") -> None:
        """Frame f's file line, in a row a pane cut at its width (Stream.cut): read
        as far as it goes (`where`: the grammar read it whole, None: it did not;
        `shown`: the line's text after its tab), the values the cut may have taken
        marked (Frame.cut) and left None, what it left of the path kept
        (Frame.file_start: analysis reads where the code lies from it). The stack
        goes on below it."""
        if where is None or where[2] is None:
            # (no offset read: the line number may be cut short, `db.go:2` of `:26`)
            fields = ("line",) if where is not None else ("file", "line")
            f.line = None
            if where is None:
                f.file = None
                shown = shown.strip()
                if cut_path(shown):
                    f._file_start = shown
            f._cut = frozenset(fields)
            r = self.report
            if r is not None:
                r._cut_values = True

    def cut_at_end(self, i: int, text: str) -> bool:
        """The stream's last line, in a goroutine's stack (after its header or a whole
        frame), a frame's call line cut short (a paste's or a log's end: `pkg.F(0xc000,
        {0x`, `pkg/sub.`): the stack went on, so the report is incomplete; the frame is
        kept where the cut left its function's name whole (its `(` printed), with no
        file line. After a goroutine, the next one's header cut short (`goroutine 2
        gp=0xc000007340 m=`): more goroutines followed. After a call line, its file
        line cut (`\t/go/src/github.com/harl`: a path's start): the frame kept, its
        file and line cut (Frame.cut), the report incomplete."""
        r = self.report
        frames = self.frames
        if r is None or not _only_blank_after(self.stream.texts, i):
            return False
        if self.pending is not None:
            # (its file line cut: `\t/go/src/github.com/harl`, a path's start)
            if text[:1] != "\t" or not cut_path(text[1:]):
                return False
            self.cut_file(self.pending, None, text[1:])
            self.pending = None
            why = CUT_FILE_AT_END
        elif frames is not None:
            # (a goroutine's first call line cut too: right after its header,
            # `goroutine 18 gp=… [cleanup wait]:` then `runtime.gopark(0x0?, 0x0`)
            name = _cut_call(text)
            if name is None:
                return False
            if name:
                frames.append(Frame(name))
            why = CUT_AT_END
        elif self.g is not None and _CUT_HEADER.match(text) is not None:
            why = CUT_HEADER_AT_END  # (between goroutines: the next one's header cut)
        else:
            return False
        if not r.complete and r.incomplete_reason:  # (zap's record cut too, say)
            why = f"{r.incomplete_reason}; {why}"
        r.complete, r.incomplete_reason = False, why
        self.use(i)
        return True

    def chi_stack(self, r: Report, g: Goroutine, end: int) -> None:
        """Report r's stack as chi printed it (chi_frames): a goroutine with no
        header, its lines the report's, up to `end` (page_to)."""
        r.goroutines.append(g)
        self.page_to = end
        self.state = "between"

    def chi_frames(self, i: int) -> tuple[Goroutine, int] | None:
        """chi's pretty stack below its `panic:` line at i (traceback.lark, chi_*): a
        blank line, then the marked frame (` -> NAME`, ` ->   FILE:LINE`) and the others
        (a name, then its file line; a `created by` pair), blank lines between: the
        goroutine they make and the index of its last line; None where it is not."""
        texts = self.stream.texts
        (name_rx, name_f), (file_rx, file_f), (created_rx, created_f) = chi_lines()
        if i + 3 >= len(texts) or texts[i + 1].strip():
            return None
        first = name_rx.fullmatch(texts[i + 2])
        if first is None or "->" not in (first.group(name_f["chi_indent"]) or ""):
            return None
        g = Goroutine(id=0, state="unknown")
        end = None
        j = i + 2
        while j + 1 < len(texts):
            if not texts[j].strip():
                j += 1
                continue
            where = file_rx.fullmatch(texts[j + 1])
            if where is None:
                break
            created = created_rx.fullmatch(texts[j])
            named = name_rx.fullmatch(texts[j]) if created is None else None
            if created is None and named is None:
                break
            m, f = (created, created_f) if created is not None else (named, name_f)
            frame = Frame(intern(m.group(f["func"])), file=where.group(file_f["file"]),
                          line=int(where.group(file_f["lineno"])))
            if created is not None:
                parent = m.group(f["parent"])
                g.created_by = CreatedBy(frame, int(parent) if parent else None)
            else:
                g.frames.append(frame)
            end = j = j + 2
            if created is not None:
                break
        if end is None:
            return None
        g.bare_names = True
        return g, end - 1

    def zap_stack_below(self, i: int) -> bool:
        """zap's own stack right below the record at i (its first frame: a function's
        name alone, then its file line), not a goroutine's header."""
        texts = self.stream.texts
        return (i + 2 < len(texts) and gccgo_lines()[0].fullmatch(texts[i + 1]) is not None
                and self.peek_kind(i + 2) == "frame_file")

    def headerless_goroutine(self, r: Report) -> None:
        """A goroutine with no header of its own opened in report r's head: its
        frames follow (zap's stack below its record, a call line below a panic)."""
        g0 = Goroutine(id=0, state="unknown")
        (self.thread or r).goroutines.append(g0)
        self.g, self.frames, self.state = g0, g0.frames, "stack"

    def gccgo_frame(self, i: int, text: str) -> bool:
        """A gccgo frame in the open goroutine's stack: a bare name before its file
        line, or after an empty name (a blank line) an unknown caller's `\t:0`; or
        the goroutine's note that it is in C code, with no stack."""
        g = self.g
        if g is None or self.pending is not None:
            return False
        name, unknown, in_c = gccgo_lines()
        if self.frames is not None and not self.frames and in_c.fullmatch(text):
            g.unavailable = True
            self.use(i)
            return True
        if self.frames is not None:
            if name.fullmatch(text) is None or self.peek_kind(i + 1) != "frame_file":
                return False
            f = Frame(intern(text))
            g.bare_names = True
            self.frames.append(f)
            self.pending, self.pending_at = f, i
            self.use(i)
            return True
        m = unknown.fullmatch(text)
        if m is None or self.state != "between" or i == 0 or self.stream.texts[i - 1]:
            return False
        self.frames = g.ancestors[-1].frames if g.ancestors else g.frames
        self.frames.append(Frame("?", file="", line=int(m.group(2))))
        g.bare_names = True
        self.state = "stack"
        self.use(i)
        return True

    def fuzz_input(self, i: int, text: str) -> bool:
        """The lines below a fuzz target's panic that name the input it failed on
        (fuzz_input.py): the report's, its test's FailedTest.fuzz_input; go test's
        `FAIL` lines below them are then the report's too (it closed at them)."""
        if not text.startswith("    "):
            return False
        r = self.report
        assert r is not None
        texts = self.stream.texts
        if not text.strip():  # (testing's blank line before it, 4 spaces in)
            if i + 1 >= len(texts) or written_to(texts[i + 1]) is None:
                return False
        elif (written := written_to(text)) is not None:
            target = target_of(written[1])
            failed = next((f for f in r.failed_tests if f.test == target), None)
            if failed is None:
                return False
            failed.fuzz_input = written[1]
        elif not (any(f.fuzz_input for f in r.failed_tests) and is_rerun_hint(text)):
            return False
        self.end_frames()
        self.quoted = None
        self.state = "between"
        self.use(i)
        return True

    def test_log_panic(self, i: int, text: str) -> bool:
        """The fuzzing engine's report of a panic in a fuzz target (`go test -fuzz`):
        testing logs `panic: <value>` and debug.Stack()'s goroutine in the failed
        test's output (`testing.go:1356: panic: …`, the stack's lines indented 4
        more). Read as the panic, its stack taken from under the log line."""
        q = _TEST_LOG_PANIC.match(text)
        texts = self.stream.texts
        if q is None or i + 1 >= len(texts):
            return False
        indent = q.group(1) + "    "
        below = texts[i + 1]
        if not below.startswith(indent) or not _HDR_RX.fullmatch(below[len(indent):]):
            return False
        r = self.open(ReportKind.PANIC, q.group(2), i)
        r.chain.append(PanicLink(q.group(2), None))
        self.quoted = indent
        return True

    def beego_above(self, r: Report, i: int) -> None:
        """Beego's records just above its `Handler crashed with error` head at i:
        the request's URL (the report's context); and where its asynchronous
        logger (the default since Beego 1.6) wrote the caller list's first record
        before the head, between it and the URL, in the same second (beego#1783:
        `[router.go:861][C] …/asm_amd64.s:472` above `[router.go:855][C] Handler
        crashed …`), that caller, the list's first frame."""
        texts, consumed = self.stream.texts, self.consumed
        j = i - 1
        if j < 0 or consumed[j]:
            return
        first = None
        if j > 0 and not consumed[j - 1] and texts[j][:19] == texts[i][:19]:
            first = read_beego_caller(texts[j])
            if first is not None:
                j -= 1
        if not beego_request(texts[j]):
            return
        r.context.append(texts[j])  # (the request's URL, as context)
        self.use(j)
        if first is not None:
            self.g = Goroutine(id=0, state="unknown")
            self.g.frames.append(Frame("", file=first[0], line=first[1]))
            r.goroutines.append(self.g)
            self.state = "stack"
            self.use(j + 1)

    def caller(self, i: int, text: str) -> bool:
        """A line of the caller list HandleCrash logs after `Observed a panic`
        (callers.py): a frame of file and line alone, in a goroutine of its own."""
        where = read_caller(text)
        if where is None and self.caller_at == i - 1 and martini_source(text):
            self.use(i)  # Martini's: under a caller, its function and source line
            return True
        if where is None or self.report is None:
            return False
        g = self.g
        if g is not None and _list_again(g.frames, where):
            # a list ends at the goroutine's first function (runtime.goexit, in
            # runtime's assembly, below the callers it ran): the list's first
            # caller again after it begins another list, whose head was not
            # pasted (beego#1783)
            return False
        self.caller_at = i if text.endswith(")") else -2
        if g is None:
            g = self.g = Goroutine(id=0, state="unknown")
            self.report.goroutines.append(g)
            self.state = "stack"
        g.frames.append(Frame("", file=where[0], line=where[1]))
        self.use(i)
        return True

    def tinygo_location(self, i: int) -> bool:
        """TinyGo's tools' line saying where the runtime panic at line i stands
        (tinygo_location.py), right after it or, not read yet, right before it:
        its file and line a frame alone in a goroutine of its own, as a caller
        list's (a wrapper's name, or a file with no line, names no frame)."""
        texts = self.stream.texts
        for j in (i + 1, i - 1):
            if 0 <= j < len(texts) and not (j < i and self.consumed[j]):
                where = read_location(texts[j])
                if where is not None:
                    break
        else:
            return False
        file, line = where
        if line is not None and self.report is not None:
            g = Goroutine(id=0, state="unknown")
            g.frames.append(Frame("", file=file, line=line))
            self.report.goroutines.append(g)
        if j > i:
            self.page_to = j
        else:
            self.use(j)
        return True

    def noise_or_close(self, i: int) -> None:
        """A line that cannot continue the open report ends it and stays noise."""
        if self.report is not None:
            self.close()

    def relay_follows(self, i: int) -> bool:
        """Does the next thread's section of the open report's dump follow its
        `-----` at line i (after a blank line)? Anything else there (another
        process's dump, in a merged log) is not this report's."""
        j = i + 1
        if j < len(self.stream.texts) and not self.stream.texts[j]:
            j += 1  # (journald and pnpm drop empty lines)
        thread = self.relay_section_at(j)
        assert self.report is not None
        return thread is not None and not _printed(self.report, thread)

    def relay_section_at(self, j: int, apart: bool = False) -> str | None:
        """The thread (m, as printed; "" when not printed) whose relayed
        section begins at line j, if one does. A relayed thread prints its
        signal, `PC=… m=N`, the goroutine it ran (and the one it was running
        for, if any) and, with no blank line before them, its registers: it
        lists no other goroutines, as the crash's own section does."""
        if self.peek_kind(j) != "sigdump":
            return None
        pc = self.peek(j + 1)
        if pc is None or pc.lastgroup != "sigpc":
            return None
        m = pc.group(_F["sigpc"]["m"]) or ""
        return m if _relay_section(self.peek, j + 2, len(self.stream.texts), m or None,
                                   apart) else None

    def reopen(self, r: Report, i: int) -> None:
        """Read on into report r (awaiting its next thread's section) from line i."""
        self.close()
        self.awaiting.remove(r)
        self.report, self.used, self.ran, self.reopened = r, [i], [], True
        self.state = "header"

    def peek(self, i: int) -> re.Match[str] | None:
        texts = self.stream.texts
        if i >= len(texts) or len(texts[i]) > MAX_LINE:
            return None
        text = texts[i]
        if self.quoted is not None and text.startswith(self.quoted):
            text = text[len(self.quoted):]  # (a test's log quotes it: test_log_panic)
        return _match(text)

    def signal_above(self, i: int) -> bool:
        """A crash's `[signal …]` line just above the goroutine header at i, which no
        report holds: a paste that begins there, its `panic:` line left out (yorc#741,
        megacmd#61). Opens that crash's report, marked incomplete, and says so."""
        j = i - 1
        if j >= 0 and not self.stream.texts[j] and not self.consumed[j]:
            j -= 1  # (Go prints a blank line before the goroutine)
        m = self.peek(j) if j >= 0 and not self.consumed[j] else None
        if m is None or m.lastgroup != "signal":
            return False
        r = self.open(ReportKind.PANIC, "", j)
        r.signal = _signal(m)
        r.complete = False
        r.incomplete_reason = SIGNAL_FIRST
        self.used.extend(range(j + 1, i + 1))
        return True

    def logrus_record_above(self, r: Report, i: int) -> None:
        """logrus's Panic panics with its *Entry, which Go prints as a pointer
        (`panic: (*logrus.Entry) (0xc44ba0,0xc0000de540)`): the message is the
        record logrus wrote just before, at level panic (logrus#1010's JSON line).
        That record's `msg` is the report's message, and its line the report's."""
        j = i - 1
        if j < 0 or self.consumed[j]:
            return
        from .threads.records import parse_record  # (only for such a panic: orjson)

        record = parse_record(self.stream.texts[j], j)
        if record is None or record.level != "panic" or not record.msg.strip():
            return
        r.message = record.msg
        r.chain[0] = PanicLink(record.msg, r.chain[0].annotation)
        self.use(j)

    def crash_below_value(self, i: int) -> bool:
        """Whether what is printed right after a panic's value follows the line at i
        that holds a runtime error's text alone: the signal (a paste that lost the
        line's `panic: `, sampctl#108), a caller list with pcs (Atlantis's comment
        without its first line, atlantis#5601), or a goroutine header, right below
        or past Go's blank line (a program's recovery printing the value and then
        debug.PrintStack(), nyagos#224). Else the line is any log's words."""
        texts = self.stream.texts
        if i + 1 >= len(texts) or self.consumed[i + 1]:
            return False
        below = self.peek_kind(i + 1)
        if below == "blank" and i + 2 < len(texts) and not self.consumed[i + 2]:
            return self.peek_kind(i + 2) == "goroutine_header"
        return below in ("signal", "goroutine_header") or gitea_caller_follows(texts[i + 1])

    def atlantis_comment(self, i: int) -> None:
        """Atlantis's comment of a recovered panic from its first line at i
        (traceback.lark, ATLANTIS_PANIC): the value on the next line that is no
        blank nor the code block's fence, its caller list with pcs right below it
        (callers.py: recovery.Stack, Martini's); else the line is any text's."""
        texts = self.stream.texts
        j = i + 1
        while j < len(texts) and j <= i + 3 and texts[j].strip() in ("", "```"):
            j += 1
        if not (j + 1 < len(texts) and texts[j].strip()
                and gitea_caller_follows(texts[j + 1])):
            self.noise_or_close(i)
            return
        self.open_recovered(i, j)  # (the value's line, read whatever it looks like)

    def open_recovered(self, i: int, j: int) -> None:
        """A recovery middleware's panic from its head at i, its value the text of
        line j; the lines up to j are the report's, read whatever they look like."""
        msg = self.stream.texts[j].strip()
        self.open(ReportKind.PANIC, msg, i).chain.append(PanicLink(msg, None))
        self.observed = True
        self.page_to = j

    def gin_recovery(self, i: int) -> None:
        """Gin's log record of a recovered panic from its head at i (traceback.lark,
        GIN_RECOVERY): the value on the first line that a caller list with pcs follows
        (callers.py: Martini's), past the request's dump (its line, headers and empty
        line) in debug mode; else the line is any text's."""
        texts = self.stream.texts
        end = min(len(texts) - 1, i + 1 + _MAX_REQUEST_DUMP)
        j = i + 1
        while j < end and not (texts[j].strip() and gitea_caller_follows(texts[j + 1])):
            if self.consumed[j] or self.peek_kind(j) == "goroutine_header":
                j = end  # (another report's lines: no value of this one's)
                break
            j += 1
        if j >= end:
            self.noise_or_close(i)
            return
        self.open_recovered(i, j)  # (the request's dump and the value, whatever they look like)

    def tea_page(self, i: int) -> int | None:
        """Bubble Tea's panic page (traceback.lark, tea_panic) from its `Caught panic:`
        at line i: the index of its `Restoring terminal...` when an empty line, the
        value's lines and another empty line stand between them. The value is printed
        with %s, so its lines may read as any kind, except those the run loop reads
        itself in a report (a goroutine header would begin a stack)."""
        texts = self.stream.texts
        if i + 1 >= len(texts) or texts[i + 1]:
            return None
        for j in range(i + 2, min(i + 2 + _MAX_RAW_VALUE_LINES, len(texts) - 1)):
            if not texts[j] and j > i + 2:
                m = self.peek(j + 1)
                if (m is not None and m.lastgroup == "tea_panic"
                        and m.group(_TEA_RESTORING) is not None):
                    return j + 1
            if self.peek_kind(j) in _STACK_KINDS and texts[j]:
                return None
        return None

    def peek_kind(self, i: int) -> str | None:
        m = self.peek(i)
        kind = m.lastgroup if m is not None else None
        # (a runtime error's text alone is any text's words but where it opens a report:
        # a raw value's next line, say)
        return None if kind == "bare_value" else kind

    def last_report_near(self, i: int) -> bool:
        """True when only blank lines stand between the last report and line i."""
        last = self.result.reports[-1]
        if not last.lines:
            return False
        end = last.lines[-1][1]
        texts = self.stream.texts
        j = i - 1
        while j >= 0 and self.number(j) > end:
            if texts[j].strip():
                return False
            j -= 1
        return True

    def attach_late(self, report: Report, i: int) -> None:
        """Add line i to a report that was already closed (exit status, FAIL lines)."""
        self.consumed[i] = 1
        n = self.number(i)
        if isinstance(report.lines, LineSpans):
            report.lines = report.lines.spans()  # (a list again, to add a span to)
        spans = report.lines
        between = []
        j = i - 1
        while spans and j >= 0 and self.number(j) > spans[-1][1]:
            between.append(j)
            j -= 1
        if spans and not any(self.stream.texts[k].strip() for k in between):
            # only blank lines between: fold them into the report's last span
            for k in between:
                self.consumed[k] = 1
            spans[-1] = (spans[-1][0], n)
        else:  # a line between (a program's own output) stays noise
            spans.append((n, n))


# A relay section's lines between its `PC=` line and its first goroutine
# header (a blank, `signal arrived during cgo execution`), and its goroutines'
# lines before its registers, at most: two stacks of 100 frames and the rest.
_RELAY_HEAD = 4
_RELAY_BODY = 512
# Reports kept awaiting their next thread's section (processes crashing at once).
_AWAITED = 8
# Where the runtime's traceback stops (funcFlag_TOPFRAME): no frame comes after.
_STACK_TOPS = frozenset({"runtime.goexit", "runtime.mstart", "runtime.mcall",
                         "runtime.morestack", "runtime.rt0_go"})
_FRAME_STARTS = frozenset({"frame_call", "cgo_file", "non_go_function"})
# What a relay section's stacks are made of (no blank line among them).
_RELAY_STACK = frozenset({"frame_call", "frame_file", "created_by", "frames_elided",
                          "additional_frames_elided", "cgo_file", "non_go_function",
                          "stack_unavailable"})


# The values of the panics a signal raises (runtime/panic.go, sigpanic): the runtime's
# own, fixed texts, printed before the `[signal …]` line.
_SIGNAL_VALUES = tuple(f"runtime error: {v}" for v in (
    "invalid memory address or nil pointer dereference", "integer divide by zero",
    "integer overflow", "floating point error"))


def _end_signal_value(r: Report) -> None:
    """A signal's panic value with more text run on after it on its line (another
    writer's: a progress bar's next redraw, `…dereference-----]  7.57% …`): the value
    is the runtime's fixed text, and ends where that text does."""
    value = next((v for v in _SIGNAL_VALUES if r.message.startswith(v)), None)
    if value is None or len(r.message) == len(value):
        return
    for c in r.chain:
        if c.message == r.message:
            c.message = value
    r.message = value


def _printed(r: Report, thread: str) -> bool:
    """Has report r printed the section of thread m=`thread` already?"""
    return thread.isdigit() and int(thread) in {r.signal.m if r.signal else None,
                                                *(t.m for t in r.threads)}


def _fill_unavailable(r: Report) -> None:
    """Give a goroutine the dump printed as running elsewhere (`stack unavailable`)
    the frames that its thread's relayed section printed: the busy goroutine of
    a hung process is often the one to read, and only the relay shows it."""
    running = {g.id: (t.m, g) for t in r.threads for g in t.goroutines if g.id and g.frames}
    if not running:
        return
    for g in r.goroutines:
        if g.unavailable and not g.frames and g.id in running:
            m, printed = running[g.id]
            g.frames, g.stack_from_m = printed.frames, m
            g.elided, g.elided_at, g.elided_count = (printed.elided, printed.elided_at,
                                                     printed.elided_count)


def _merged(spans: list[Span], more: list[Span]) -> list[Span]:
    """Spans of a report read on after other lines: in order, touching ones joined."""
    out: list[Span] = []
    for a, b in sorted(spans + more):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def _relay_section(peek: Callable[[int], re.Match[str] | None], j: int, end: int,
                   m: str | None, apart: bool = False) -> bool:
    """Do the lines from j on (of `end`) read as a relayed thread's section
    after its `PC=… m=N` line: a blank line, a goroutine header (printing m=N
    if it prints an m), frames down to the stack's top, at most one more
    header, then registers. `apart`: with no `-----` before it, the blank line
    must be there too (a journal that drops empty lines makes any short dump
    look so)."""
    headers = 0
    blank = ended = False
    for k in range(j, min(end, j + _RELAY_HEAD + _RELAY_BODY)):
        got = peek(k)
        kind = got.lastgroup if got is not None else None
        if kind == "goroutine_header":
            headers += 1
            gm = got.group(_HDR["m"]) if got is not None else None
            if headers > 2 or (gm is not None and m is not None and gm != m) or (
                    apart and not blank):
                return False
            ended = False
        elif not headers:
            if k - j >= _RELAY_HEAD or kind not in ("blank", "cgo_signal", None):
                return False
            blank = blank or kind == "blank"
        elif kind == "register":
            return True
        elif kind not in _RELAY_STACK or (ended and kind in _FRAME_STARTS):
            return False  # a blank line (a dump that lists the others), or another's frame
        elif kind == "frame_call" and got is not None:
            ended = got.group(_F["frame_call"]["func"]) in _STACK_TOPS
    return False  # (a paste cut after its first goroutine is no thread's section)


# apimachinery's `Observed a panic: %#v (%v)`: the Go syntax of the value (a
# quoted string, a struct), then its text, which Go itself prints after `panic: `.
_QUOTED_VALUE = rx.compile(r'"(?:[^"\\]|\\.)*" \(')


def _signal_below(texts: Sequence[str], i: int) -> bool:
    """Whether the line after texts[i] is the runtime's signal line."""
    return i + 1 < len(texts) and texts[i + 1][:8] == "[signal " and \
        line_grammar().classify(texts[i + 1])[0] == "signal"


# runtime's assembly (runtime.goexit, runtime.call32…): a caller list holds no name
_RUNTIME_ASM = rx.compile(r"(?:^|/)runtime/asm_\w+\.s$")


def _list_again(frames: list[Frame], where: tuple[str, int]) -> bool:
    """Whether a caller at `where` begins a caller list anew: the list's last
    frame is runtime.goexit (runtime's assembly after a frame outside runtime)
    and `where` is the list's first caller (the deferred call's runtime.call32,
    in assembly too). (A nested panic's call32 follows a frame outside runtime
    in the list itself: beego#2733.)"""
    if len(frames) < 2 or frames[-1].func or (frames[0].file, frames[0].line) != where:
        return False
    last, before = frames[-1].file or "", frames[-2].file or ""
    return (_RUNTIME_ASM.search(last) is not None and _RUNTIME_ASM.search(where[0]) is not None
            and "/runtime/" not in before and not before.startswith("runtime/"))


def _json_string(escaped: str) -> str:
    """A JSON string's text from its escaped form (as it stood between its quotes)."""
    try:
        text = orjson.loads(f'"{escaped}"')
    except orjson.JSONDecodeError:
        return escaped
    return text if isinstance(text, str) else escaped


def _observed(text: str | None) -> str:
    if not text:
        return ""
    if not text.endswith(")"):
        return text  # a string panic: its text alone
    quoted = _QUOTED_VALUE.match(text)
    if quoted:
        return text[quoted.end():-1]
    struct = text.find("} (")  # (str.find: linear, where a regex with two .* is not)
    return text[struct + 3:-1] if struct > 0 else text


def _signal(m: re.Match[str]) -> Signal:
    """The signal a `[signal …]` line (traceback.lark's `signal`) says."""
    fields = _F["signal"]
    name, desc, code, addr, pc = (m.group(fields[k]) for k in
                                  ("signame", "sigdesc", "code", "addr", "pc"))
    # Windows prints its exception code (0xc0000005), Go <= 1.6 the signal's number
    name = name or m.group(fields["signum"])
    # gccgo 8 prints the address and pc in decimal: read as Go prints them elsewhere
    # (gccgo's C runtime no pc at all)
    addr = addr or hex(int(m.group(fields["decimal_addr"])))
    decimal_pc = m.group(fields["decimal_pc"])
    pc = pc or (hex(int(decimal_pc)) if decimal_pc else None)
    return Signal(name=name, description=desc, code=code, addr=addr, pc=pc)


def _annotation(text: str | None) -> str | None:
    if not text:
        return None
    return text.strip()[1:-1]


# Goroutine(id, state) without type.__call__ and __init__'s defaults (model.py);
# a Report too (a crash loop opens one every few lines: 32 507 in 60 MB of compose).
_new_goroutine = fast_constructor(Goroutine, "id", "state")
# Frames as Frame(func) and Frame(func, args, inlined=…) make them (the run loop
# makes one a `created by`, where the dataclass's __init__ cost 1 µs)
_new_named_frame = fast_constructor(Frame, "func")
_new_call_frame = fast_constructor(Frame, "func", "args", "inlined")
_new_report = fast_constructor(Report, "id", "kind", "message", "stream")

# The header's fields in one m.group() call (one C call, not eleven).
_HDR_FIELDS = tuple(_HDR[k] for k in ("goid", "state", "minutes", "locked", "gp", "m", "mp",
                                      "bubble", "durable", "leaked", "labels"))


# The header's own regex, tried first where only a header can be read (_header_leads)
_HDR_RX = _G.kind_regex("goroutine_header")
_HDR_OWN_FIELDS = tuple(_HDR_RX.groupindex[f"goroutine_header__{k}"] for k in (
    "goid", "state", "minutes", "locked", "gp", "m", "mp", "bubble", "durable", "leaked",
    "labels"))


@cache
def _header_leads() -> frozenset[str]:
    """The first characters of lines that, unless they end as a call line does,
    are goroutine headers if the header's own regex reads them: where the kinds
    the grammar tries before it are only `blank` (the empty line alone) and
    `frame_call` (a line ending in `)`: call_lines.py). A dump's every header is
    read with one short match, not the alternation for its first character."""
    firsts = _kinds_first_chars()
    header = firsts["goroutine_header"]
    order = _G.kinds_in_order
    if header is None or _CALL_SHAPE is None or _G.sources["blank"] != "(?P<blank>)":
        return frozenset()
    before = order[:order.index("goroutine_header")]
    return frozenset(chr(c) for c in header if {
        k for k in before if firsts[k] is None or c in firsts[k]} <= {"blank", "frame_call"})


def _goroutine(m, fields: tuple[int, ...] = _HDR_FIELDS) -> Goroutine:
    goid, state, minutes, locked, gp, mm, mp, bubble, durable, leaked, labels = m.group(
        *fields)
    g = _new_goroutine(int(goid), intern(state))
    # most headers print only id and state: the rest is set when printed (a
    # dataclass's keyword arguments cost more than the attributes left alone)
    if minutes:
        g.wait_minutes = int(minutes)
    if locked is not None:
        g.locked = True
    if gp is not None:
        g.gp, g.mp = gp, mp
        if mm and mm.isdigit():
            g.m = int(mm)
    if bubble:
        g.bubble = int(bubble)
    if durable is not None:
        g.durable = True
    if leaked is not None:
        g.leaked = True
    if labels:
        g.labels = _labels(labels)
    return g


def _labels(text: str) -> dict[str, str]:
    """pprof labels, read by lark: rare enough (Go 1.27 with labels set) to afford it."""
    import ast

    tree = _G.parse_rule("labels", text)
    out: dict[str, str] = {}
    for label in tree.children:
        key = value = ""
        for tok in label.children:
            if tok is None:
                continue
            s = str(tok)
            if s.startswith('"'):
                try:
                    s = ast.literal_eval(s)
                except (ValueError, SyntaxError):
                    s = s[1:-1]
            if tok.type == "LABEL_KEY":
                key = s
            else:
                value = s
        out[key] = value
    return out


# The runtime's own functions the race detector reports an access in (a map's
# `runtime.mapassign_fast64`, a slice copy's `runtime.slicecopy`): its caller made it.
_RUNTIME_FUNCS = ("runtime.", "runtime/internal/", "internal/runtime/")


def _race_message(race: Race) -> str:
    parts = []
    for a in race.accesses[:2]:
        own = next((f.func for f in a.frames if not f.func.startswith(_RUNTIME_FUNCS)), None)
        if not a.frames:
            # whose access it was, as the detector printed it, and that it lost its
            # stack where it printed so (none read else: a paste cut after the header)
            who = "main goroutine" if a.goroutine is None else f"goroutine {a.goroutine}"
            where = f"{who} [failed to restore the stack]" if a.stack_lost else who
        else:
            where = own or a.frames[0].func
        parts.append(f"{a.operation.lower()} by {where}")
    return "DATA RACE: " + " and ".join(parts) if parts else "DATA RACE"


def _add_run(ran: list[int], first: int, last: int) -> None:
    """Lines first..last used, in the runs (flat: first, last, …) a report keeps:
    joined to the last run where they follow it, as a report's lines mostly do."""
    if ran and ran[-1] == first - 1:
        ran[-1] = last
    else:
        ran += (first, last)


def _union(used: list[int], ran: list[int]) -> list[int]:
    """The runs (flat: first, last, …) of lines a report used: indices in any
    order, repeats allowed, and runs of them (first, last, …), in any order."""
    if not ran:
        if not used:
            return []
        used = sorted(used)
        a, b = used[0], used[-1]
        # most reports are one run of lines: told at C speed
        return [a, b] if b - a == len(used) - 1 == len(set(used)) - 1 else _runs(used)
    if len(ran) == 2:
        if not used:
            return ran[:]
        # one run and a few lines around it (an opener, messages, a trailer): one
        # run when they fill the gaps to it, as in most reports (told without a sort)
        a, b = ran
        lo, hi = min(used), max(used)
        outside = {u for u in used if u < a or u > b}
        if len(outside) == max(a - lo, 0) + max(hi - b, 0):
            return [min(lo, a), max(hi, b)]
    out: list[int] = []
    for a, b in sorted([*zip(ran[::2], ran[1::2], strict=True), *zip(used, used, strict=True)]):
        if out and a <= out[-1] + 1:
            if b > out[-1]:
                out[-1] = b
        else:
            out += (a, b)
    return out


def _runs(indices: list[int]) -> list[int]:
    """Runs of consecutive sorted indices (repeats allowed), flat: first, last, first, last, …"""
    if not indices:
        return []
    out = [indices[0]]
    prev = indices[0]
    for i in indices:
        if i > prev + 1:
            out += (prev, i)
        prev = i
    out.append(prev)
    return out


# Spans of the runs of consecutive numbers, in order (the model's, beside LineSpans).
_spans = spans_of
