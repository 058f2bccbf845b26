"""The typed data model every stage reads and writes.

ingest → demux → parse → analyse → render: each stage is a pure function from
one of these types to the next. Nothing here knows how it was produced.

Line numbers are 1-based and inclusive, always about the *input* the user
gave (not about a stream after demultiplexing), so that every report can say
where in the log it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .line_chunks import Layout


class ReportKind(str, Enum):
    """What kind of Go output a report is, by the header that opened it."""

    PANIC = "panic"
    FATAL_ERROR = "fatal error"
    SIGNAL_DUMP = "signal dump"  # SIGQUIT: quit / SIGABRT: abort without a panic before it
    GOROUTINE_DUMP = "goroutine dump"  # goroutines with no header (runtime.Stack, pprof debug=2)
    RACE = "race"  # WARNING: DATA RACE
    TEST_FAILURE = "test failure"  # --- FAIL: TestX without a panic

    @property
    def is_crash(self) -> bool:
        """Whether the output says something failed: a goroutine dump alone is
        printed on purpose (pprof, runtime.Stack, debug.PrintStack)."""
        return self is not ReportKind.GOROUTINE_DUMP


# A run of input lines, both ends inclusive, 1-based.
Span = tuple[int, int]


def fast_constructor(cls: type, *positional: str) -> Callable[..., object]:
    """A constructor of dataclass `cls` taking the fields `positional`, in that
    order, every other field at its default: what `cls(*args)` makes, without
    type.__call__ and __init__'s handling of defaults (a Goroutine: 5.3k -> 3.7k
    instructions; the parser makes one per goroutine header). Written from the
    class's own fields, in their order, so the instance is the one __init__ makes."""
    from dataclasses import MISSING, fields

    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has a __post_init__ to run")
    env: dict[str, object] = {"_new": object.__new__, "_cls": cls}
    body = [f"def new({', '.join(positional)}):", "    o = _new(_cls)"]
    for f in fields(cls):
        if f.name in positional:
            value = f.name
        elif f.default_factory in (list, dict):
            value = "[]" if f.default_factory is list else "{}"
        elif f.default_factory is not MISSING:
            env[f"_make_{f.name}"] = f.default_factory
            value = f"_make_{f.name}()"
        elif f.default is not MISSING:
            env[f"_default_{f.name}"] = f.default
            value = f"_default_{f.name}"
        else:
            raise TypeError(f"{cls.__name__}.{f.name} has no default: pass it")
        body.append(f"    o.{f.name} = {value}")
    body.append("    return o")
    exec("\n".join(body), env)  # (made of the dataclass's field names)
    return env["new"]  # type: ignore[return-value]


def spans_of(numbers: Sequence[int]) -> list[Span]:
    """Spans of the runs of consecutive numbers, in order."""
    if not numbers:
        return []
    spans: list[Span] = []
    add = spans.append
    runs = iter(numbers)
    start = prev = next(runs)
    for n in runs:
        if n != prev + 1:
            add((start, prev))  # (a line of its own: one int object for both ends)
            start = n
        prev = n
    add((start, prev))
    return spans


class LineSpans(Sequence[Span]):
    """A report's input lines as spans, held as the ascending numbers they span.

    A report read from a prefixed log's stream (its lines an array of input
    line numbers) spans as many runs as lines when the processes' lines
    alternate: a tuple and an int a line, 90 MB for 60 MB of compose crashes,
    which only a renderer reads through. The numbers are kept (an array's slice,
    4 bytes a line) and the spans made each time they are read: it reads as
    the list of spans it stands for, and equals it.
    """

    __slots__ = ("numbers",)

    def __init__(self, numbers: Sequence[int]) -> None:
        self.numbers = numbers  # the input lines, ascending

    def spans(self) -> list[Span]:
        return spans_of(self.numbers)

    def __getitem__(self, i):  # type: ignore[override]
        numbers = self.numbers
        if i == 0 and numbers:  # the first span, read alone (a report's first line)
            run = iter(numbers)
            start = end = next(run)
            for n in run:
                if n != end + 1:
                    break
                end = n
            return (start, end)
        if i == -1 and numbers:  # the last span, read alone (a report's last line)
            run = reversed(numbers)
            start = end = next(run)
            for n in run:
                if n != start - 1:
                    break
                start = n
            return (start, end)
        return self.spans()[i]

    def __len__(self) -> int:
        return len(self.spans())

    def __bool__(self) -> bool:
        return len(self.numbers) > 0

    def __iter__(self):
        return iter(self.spans())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LineSpans):
            return self.spans() == other.spans()
        if isinstance(other, Sequence) and not isinstance(other, str):
            return self.spans() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __add__(self, other: Sequence[Span]) -> list[Span]:
        return self.spans() + list(other)

    def __radd__(self, other: Sequence[Span]) -> list[Span]:
        return list(other) + self.spans()

    def __repr__(self) -> str:
        return repr(self.spans())


@dataclass(slots=True)
class Source:
    """One input after ingest: its lines, without terminators, decoded.

    Lines are kept as plain strings in a list (not one object each): a 100 MB
    dump has millions of them and the hot path works on them in bulk.
    """

    name: str  # file name, or "<stdin>"
    lines: list[str]
    size: int  # bytes read
    line_offsets: list[int] | None = None  # byte offset of each line; None: not computed
    crlf: bool = False  # some lines ended in CR LF (the CR is not in the text)
    decode_errors: int = 0  # lines that held bytes that are not UTF-8 (replaced by U+FFFD)
    nul_bytes: int = 0  # NUL bytes seen (kept in the text)
    cut_gzip: bool = False  # a gzip file that ends early: read as far as it goes
    # The text the lines were split from, when it is them joined by newlines (no
    # CR taken off): the stream of all the lines takes it as its joined text
    # (Stream.joined) and lets it go here, where joining a 22 MB dump's lines
    # again cost 10-18 ms. None: not kept.
    _text: str | None = field(default=None, repr=False, compare=False)


# Frame and Goroutine keep an instance dict (no slots): orjson writes a
# dataclass from its __dict__ in one pass but reads a slotted one attribute by
# attribute, 3.4× slower, and a dump has hundreds of thousands of frames.
@dataclass
class Frame:
    """One call in a stack: `pkg.Func(args)` followed by `\\t/path/file.go:123 +0x4a`.

    As printed: `func` (the function, without its arguments; "" where the log
    printed a place with no function: a caller list, TinyGo's location), `args`,
    `file`, `line`, `offset` (`0x4a`), `fp`, `sp`, `pc` (GOTRACEBACK=system),
    `inlined` (its arguments printed as `(...)`). Read by the analysis: `package`,
    `module`, `version` (the module's, where the path says it) and `origin`, where
    the code comes from: "stdlib", "main", "vendor", "modcache", "gopath-vendor",
    "gopath", "trimpath" or "unknown".
    """

    # the function name without its arguments; "" when none was printed (a caller
    # list, file and line alone: callers.py)
    func: str
    args: str | None = None  # the argument text as printed, without parentheses
    file: str | None = None
    line: int | None = None
    offset: str | None = None  # the "+0x4a" pc offset, as printed ("0x4a")
    fp: str | None = None  # fp=/sp=/pc= words printed with GOTRACEBACK=system and up
    sp: str | None = None
    pc: str | None = None
    inlined: bool = False  # printed with "(...)": the call was inlined
    # Filled in by analysis (issue 4): where the code comes from.
    package: str | None = None
    module: str | None = None
    version: str | None = None
    # "stdlib" | "main" | "vendor" | "modcache" | "gopath-vendor" | "gopath" | "trimpath"
    # | "unknown"
    origin: str | None = None

    # The fields another reading of the log reads otherwise (Report.unsure; a
    # created_by's frame names its creator's id as "goroutine"): a class
    # attribute, set on the few frames that have any (no JSON field: orjson
    # leaves `_` attributes out; render/json.py writes them where set).
    _unsure = frozenset()
    # The fields a cut took (`file`, `line`: a terminal program's pane cut the file
    # line at its width, or the log ends inside it; parse.cut_file): left None, the
    # frame kept. A class attribute as _unsure (JSON: render/json.py writes `cut`).
    _cut = frozenset()
    # Where its file was cut: the path as far as the cut left it (`/go/src/…/vendor/
    # github.com/rs/zerolog/log.`), which may still say where the code lies (a
    # vendor tree, a module cache); None: not cut, or nothing of it shown.
    _file_start = None
    # The fields of module/version/origin that analysis read without a whole file
    # line (a cut one's: from the path's start, the package's other frames or the
    # function's package): analyse/origins.place_cut. JSON: `inferred`.
    _inferred = frozenset()

    @property
    def unsure(self) -> frozenset[str]:
        return self._unsure

    @property
    def cut(self) -> frozenset[str]:
        """The fields of its file line a cut took (None in the frame); empty: none."""
        return self._cut

    @property
    def file_start(self) -> str | None:
        """What a cut left of its file's path (Frame.cut holds `file`), or None."""
        return self._file_start

    @property
    def inferred(self) -> frozenset[str]:
        """Its fields of where the code comes from read without a whole file line."""
        return self._inferred


class CreatedBy:
    """`created by pkg.F in goroutine N` with the file line that follows it.

    A plain class rather than a dataclass on purpose: the JSON contract flattens
    it to {"func", "file", "line", "goroutine"}, and orjson hands a non-dataclass
    to the renderer's hook while it writes dataclasses (all frames) at C speed.
    """

    __slots__ = ("frame", "goroutine")

    def __init__(self, frame: Frame, goroutine: int | None = None) -> None:
        self.frame = frame
        self.goroutine = goroutine  # the creator's id: printed since Go 1.21

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, CreatedBy) and self.frame == other.frame
                and self.goroutine == other.goroutine)

    def __hash__(self) -> int:
        return hash((self.frame.func, self.frame.file, self.frame.line, self.goroutine))

    def __repr__(self) -> str:
        return f"CreatedBy(frame={self.frame!r}, goroutine={self.goroutine!r})"


@dataclass(slots=True)
class Ancestor:
    """`[originating from goroutine N]:` blocks, printed with GODEBUG=tracebackancestors=N."""

    id: int
    frames: list[Frame] = field(default_factory=list)
    elided: bool = False
    created_by: CreatedBy | None = None


@dataclass
class Goroutine:
    id: int
    state: str  # "running", "chan receive", "select (no cases)", ... as printed
    wait_minutes: int | None = None
    locked: bool = False  # ", locked to thread"
    labels: dict[str, str] = field(default_factory=dict)  # pprof labels (Go 1.27)
    gp: str | None = None  # "goroutine N gp=0x… m=N mp=0x… [state]:" (Go 1.23+, GOTRACEBACK=system)
    m: int | None = None
    mp: str | None = None
    bubble: int | None = None  # ", synctest bubble N"
    durable: bool = False  # "(durable)" after the wait reason (synctest)
    leaked: bool = False  # "(leaked)" (goroutine leak detection)
    frames: list[Frame] = field(default_factory=list)  # innermost (crash site) first
    elided: bool = False  # "...additional frames elided..." at the end
    elided_at: int | None = None  # index in frames where "...N frames elided..." sits
    elided_count: int | None = None  # N of that line
    created_by: CreatedBy | None = None
    ancestors: list[Ancestor] = field(default_factory=list)
    unavailable: bool = False  # "goroutine running on other thread; stack unavailable"
    # GOTRACEBACK=crash: the thread (m) whose relayed section printed the frames
    # of a goroutine that was running there, and so unavailable in the dump
    stack_from_m: int | None = None
    system: bool = False  # a "runtime stack:" block (no goroutine header of its own)
    bare_names: bool = False  # gccgo printed its frames as names alone, with no "(args)"
    input_lines: Span | None = None
    # What the parser read its frames from when it read them all as runs of
    # whole frames: each frame's function and its file line's text, the text the
    # parser kept for that line (one str for all the lines that repeat it, so
    # goroutines alike are told by identity, not by content), or None: not so,
    # or made otherwise. Not in the JSON (orjson leaves out a dataclass's `_`
    # fields). Analysis tells goroutines on one call path by them (a file line's
    # text holds its file and line: analyse/buckets.py), then lets them go.
    # Whoever changes the frames sets it to None.
    _read: tuple[str, ...] | None = field(default=None, repr=False, compare=False)
    # Its header's fields another reading reads otherwise (as Frame._unsure)
    _unsure = frozenset()

    @property
    def unsure(self) -> frozenset[str]:
        return self._unsure


@dataclass(slots=True)
class PanicLink:
    """One panic of a chain: `panic: a [recovered]` then `\\tpanic: b`."""

    message: str
    annotation: str | None = None  # "recovered" | "recovered, repanicked" | None
    goexit: bool = False  # "[recovered]" from runtime.Goexit?


@dataclass(slots=True)
class Signal:
    """`[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x49a76a]`
    or `SIGQUIT: quit` + `PC=0x… m=0 sigcode=0`."""

    name: str
    description: str | None = None
    code: str | None = None
    addr: str | None = None
    pc: str | None = None
    m: int | None = None
    sigcode: str | None = None


@dataclass(slots=True)
class Thread:
    """Another thread's section of a GOTRACEBACK=crash dump.

    After printing the crash, the thread that took the signal relays SIGQUIT
    to each other thread (M) of the process in turn; each prints `-----`, the
    signal, the goroutine it was running (its g0, `goroutine 0 … [idle]`, when
    in the scheduler), and its registers. Part of the crash's report, not a
    crash of its own.
    """

    m: int | None  # the thread's id, from its `PC=… m=N` line
    signal: Signal
    goroutines: list[Goroutine] = field(default_factory=list)
    registers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class RaceAccess:
    """One side of a data race: `Read at 0x… by goroutine 7:` + its frames."""

    operation: str  # "Read", "Write", "Previous write", "Previous read", ...
    address: str | None
    goroutine: int | None  # None: "by main goroutine" is goroutine 1 in effect
    frames: list[Frame] = field(default_factory=list)
    # the detector printed `[failed to restore the stack]`: it had lost the stack
    stack_lost: bool = False


@dataclass(slots=True)
class Race:
    accesses: list[RaceAccess] = field(default_factory=list)
    creators: list[Goroutine] = field(default_factory=list)  # "Goroutine 7 (running) created at:"


@dataclass(slots=True)
class LogEntry:
    """One entry of a failed go test's log, `calc_test.go:11: Add(1, 2) = 4, want 3`
    (t.Error, t.Fatal and t.Log print alike: only test2json's OutputType, from Go
    1.27 among the toolchains here, tells them apart)."""

    file: str  # as testing printed it: the file's base name (`calc_test.go`)
    line: int
    text: str  # the message, its further lines joined by "\n", their indentation off
    input_lines: Span  # the input lines it was read from (its first and last)
    # t.Error's or t.Fatal's (True) or t.Log's (False), as `go test -json`'s events
    # say (`"OutputType":"error"`); None where the output does not say
    error: bool | None = None


@dataclass(slots=True)
class FailedTest:
    """A go test that failed, `--- FAIL: TestSub/case_2 (0.00s)`, and its log: where a
    plain test failure (no crash, no stack) points (test_output.py)."""

    test: str  # `TestSub/case_2`
    elapsed: str | None = None  # `0.00s`, as printed
    input_line: int | None = None  # its `--- FAIL` line
    log: list[LogEntry] = field(default_factory=list)
    # a fuzz target's: the input file it failed on (fuzz_input.py), as testing names it,
    # relative to the package (`testdata/fuzz/FuzzUpper/172ac9c6d327d563`)
    fuzz_input: str | None = None


# The values a line's reading can leave undecided (Unsure.fields): a goroutine
# header's id and state, a call's function and arguments, a file line's file
# and line number, a `created by`'s creator id ("goroutine", as the JSON names it).
UNSURE_FIELDS = ("id", "state", "func", "args", "file", "line", "goroutine")
# The fields of where a frame's code comes from that analysis may read without a
# whole file line (Frame.inferred), in the JSON's order.
INFERRED_FIELDS = ("module", "version", "origin")


@dataclass(frozen=True, slots=True)
class Unsure:
    """Values of a report that the demultiplexer could not decide: another
    reading of the log, about as likely, reads them otherwise. Processes whose
    write() calls interleave in one pipe (`make -j`, `go test` workers) print
    their short values (a goroutine id, a line number, a state) as single
    writes, and two processes' can often be exchanged with every rule still
    holding (tests/corpus/writes_ambiguity.py)."""

    goroutine: int  # index in Report.goroutines
    frame: int | None  # index in that goroutine's frames; None: its header or its created_by
    fields: tuple[str, ...]  # of UNSURE_FIELDS
    created_by: bool = False  # the goroutine's `created by` line (and its file line)


@dataclass(slots=True)
class Report:
    """One crash report or goroutine dump, as one process printed it.

    What it is: `id` (`r1`, …: Group.reports and Analysis.report name it), `kind`
    (a ReportKind; `kind.is_crash` is false for a goroutine dump alone), `message`
    (the panic value, the fatal error, the signal line), `chain` (every panic, the
    first first), `context`, `signal`, `goroutines` (the crashing one first:
    `crashing`), `system_stacks`, `registers`, `threads` (a GOTRACEBACK=crash
    dump's other threads), `race`, the go test that failed (`tests`,
    `test_package`, `failed_tests` with their logs, `test_killed`: go test's
    watchdog's line), `exit_status`, `http_remote`,
    `buckets` (its goroutines of one call path, filled by the analysis) and
    `mentions`.

    Where it is: `source` (its input's name), `stream` (the process's stream id),
    `lines` (1-based inclusive spans of that input's lines); `complete` false,
    with `incomplete_reason`, where the log holds it cut short.

    For a bot, filled by the analysis: `fingerprint`, `title` and `culprit` (a
    Frame, or None: no frame to blame) are the report's own, those its group
    would have were it the only report read, the same whatever else the log
    held: file each crash by its `fingerprint` (docs/triage-bot.md).
    """

    id: str
    kind: ReportKind
    message: str  # the first panic's value / the fatal error text / the signal line
    chain: list[PanicLink] = field(default_factory=list)  # every panic, first printed first
    # "runtime: …" / "unexpected fault address" lines printed before the message
    context: list[str] = field(default_factory=list)
    signal: Signal | None = None
    goroutines: list[Goroutine] = field(default_factory=list)
    system_stacks: list[Goroutine] = field(default_factory=list)  # "runtime stack:" blocks
    registers: dict[str, str] = field(default_factory=dict)  # "rax    0x…" dump
    # GOTRACEBACK=crash: the other threads' sections after the crash's own, in order
    threads: list[Thread] = field(default_factory=list)
    race: Race | None = None
    tests: list[str] = field(default_factory=list)  # "--- FAIL: TestX" / "running tests:" names
    test_package: str | None = None  # "FAIL\tpkg\t0.01s"
    # The failed tests read with their logs (`--- FAIL` and the `file.go:12: …` lines
    # under it, or above it with -v): each plain failure's place in the test's file.
    failed_tests: list[FailedTest] = field(default_factory=list)
    exit_status: int | None = None  # "exit status 2"
    # go test's watchdog killed the test binary: "*** Test killed with quit: ran too long (1m1s)."
    test_killed: str | None = None
    http_remote: str | None = None  # "http: panic serving <addr>: …"
    stream: str = "s1"
    source: str | None = None  # the input (file name) it was read from
    complete: bool = True
    incomplete_reason: str | None = None
    # input lines it was read from (spans; LineSpans: kept as the lines' numbers)
    lines: list[Span] | LineSpans = field(default_factory=list)
    buckets: list[Bucket] = field(default_factory=list)  # filled by analysis
    # Source files (outside GOROOT) named by the unplaced pieces its goroutines
    # are lost among, when they could not be read: the code its process (or one
    # it crashed with) ran, not its stack.
    mentions: list[str] = field(default_factory=list)
    # Filled by analysis: the fingerprint its group would have were it read
    # alone, so a bot can dedupe per report whatever else the log held.
    fingerprint: str | None = None
    # Filled by analysis, as the fingerprint: the title and culprit its group
    # would have were it read alone (a merged member's differ from its group's).
    title: str | None = None
    culprit: Frame | None = None
    # The values it could not decide (`unsure`); not a field of the JSON's
    # dataclass: render/json.py writes them into their goroutines and frames.
    _unsure: list[Unsure] = field(default_factory=list, repr=False, compare=False)
    # Some frame's values were cut (Frame.cut): render/json.py writes its frames' `cut`.
    _cut_values: bool = field(default=False, repr=False, compare=False)
    # The input lines (spans) of its text that another reading of the log reads
    # otherwise (`unsure_lines`): a field of the JSON only where there are some.
    _unsure_lines: list[Span] = field(default_factory=list, repr=False, compare=False)

    @property
    def unsure(self) -> list[Unsure]:
        """The values another reading of the log reads otherwise (write-level
        merges); empty when every value was decided."""
        return self._unsure

    @property
    def unsure_lines(self) -> list[Span]:
        """The input lines (spans) of its text that the write-level merge's
        reading could not place with certainty: another reading of the log,
        about as likely, gives them (or values in them) to another process or
        reads them otherwise, its message's line and any line of no goroutine
        too; empty when every line was placed with certainty."""
        return self._unsure_lines

    def unsure_of(self, goroutine: int, frame: int | None = None,
                  created_by: bool = False) -> frozenset[str]:
        """The fields unsure in one goroutine's header (frame None), frame or
        created_by."""
        return frozenset(f for u in self._unsure
                         if u.goroutine == goroutine and u.frame == frame
                         and u.created_by == created_by for f in u.fields)

    @property
    def crashing(self) -> Goroutine | None:
        """The goroutine that crashed: the first one printed with a stack (Go prints
        it first); the first one at all when none has one, None when none was read."""
        for g in self.goroutines:
            if g.frames or g.unavailable:
                return g
        return self.goroutines[0] if self.goroutines else None


@dataclass(slots=True)
class Stream:
    """The output of one process (or one prefixed source) recovered from the log.

    `numbers[i]` is the input line that `texts[i]` came from (1-based). A text
    may be a piece of an input line (a mid-line splice) or several pieces
    joined; `pieces` then says which columns of which input lines made it.
    """

    id: str
    label: str | None = None  # the prefix key, e.g. "skopeo-1" or "[pod/x/c]"; None when unprefixed
    numbers: Sequence[int] = ()
    texts: Sequence[str] = ()
    # i → [(input line, start column, end column)] for texts made of pieces
    pieces: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict)
    # chars of collector prefix stripped before texts[i] (empty: none)
    prefix_lengths: Sequence[int] = ()
    # Pieces of cut lines that no process's output could take: kept as a stream
    # so that every byte is somewhere, never parsed (they would make up reports).
    unplaced: bool = False
    # Why a report read from it may lack its goroutines, when the demultiplexer
    # knows some of this process's output is among such unplaced pieces (its
    # writes mixed with another process's inside lines); None: nothing known lost.
    stacks_missing: str | None = None
    # Why the goroutines read from it may not all be its process's, or not all
    # there: it was read next to such unplaced pieces. None: nothing known.
    stacks_uncertain: str | None = None
    mentions: list[str] = field(default_factory=list)  # files those pieces name (Report.mentions)
    # i -> the fields of texts[i] another reading of a write-level merge reads
    # otherwise (demux/writes_decode.py): the parse makes them Report.unsure
    unsure: dict[int, frozenset[str]] = field(default_factory=dict)
    # the indices of the texts that are rows a terminal program's pane cut at its
    # width (demux/paste_panel.py): the parser reads a frame's file line there as
    # cut (Frame.cut), its values lost, not as the stack's end
    cut: frozenset[int] = frozenset()
    # go test -json (Go 1.27+): the indices of the texts its events typed as t.Error's
    # or t.Fatal's output (`"OutputType":"error"` or `"error-continue"`); None where
    # the log does not say (plain, -v, older Go's events)
    errors: frozenset[int] | None = None
    # go test -json: where the test whose output its texts are changes, (index of
    # the first text, the event's `Test`, None for the package's own), in order;
    # None where the log does not say (plain, -v). Parallel tests' output
    # interleaves line by line in Go 1.20+'s events with no `=== NAME` between
    test_runs: list[tuple[int, str | None]] | None = None
    # The log goes on past this stream's last line, unread (a big log's window,
    # sieve.py): why, for a report it cuts short; None: nothing known unread.
    unread_after: str | None = None
    # A big go test -json log read in windows: go test's verdict on this stream's
    # package (`FAIL\tpkg`) was read in a later window. The failed tests whose
    # `--- FAIL` lines end the stream ended before it, none of their output unread
    # (the sieve keeps a failed test's records whole: sieve_tests.py).
    verdict_later: bool = False
    # ... and a big plain or -v log read in windows: the package that verdict named
    # (its lines name none; api._split_windows), for the failed tests ending the stream
    verdict_package: str | None = None
    _joined: str | None = field(default=None, repr=False, compare=False)
    # What the parser read of it, when the demultiplexer had it read already
    # (demux/sequential.py): parse.parse_stream takes it instead of reading again.
    _parsed: object | None = field(default=None, repr=False, compare=False)
    # Where its chunks begin, once worked out (line_chunks.Layout)
    _layout: Layout | None = field(default=None, repr=False, compare=False)

    def joined(self) -> str:
        """The texts joined by newlines, made once: every stage that searches a
        stream in bulk shares it. Only for a stream known to be small (a region,
        a report's lines): the bulk searches of a whole log read it a chunk at a
        time (line_chunks.py, Stream.small_joined)."""
        if self._joined is None:
            self._joined = "\n".join(self.texts)
        return self._joined

    def small_joined(self) -> str | None:
        """The texts joined, made once and shared, when they are one chunk
        (line_chunks.CHUNK characters or fewer); None for a longer stream, whose
        joined text would grow with the log: it is searched a chunk at a time."""
        if self._joined is None and not self.layout().whole:
            return None
        return self.joined()

    def take_joined(self, text: str) -> None:
        """Its texts' joined text, at hand (the source's): where its chunks begin
        is read off it, and it is kept when it is one chunk (a longer one would
        be held as long as the stream, growing with the log)."""
        from .line_chunks import layout_of_text

        self._layout = layout_of_text(text, len(self.texts))
        if self._layout.whole:
            self._joined = text

    def layout(self) -> Layout:
        """Where its chunks begin, and its size (line_chunks.layout), worked out
        once: every stage that searches it in bulk shares them."""
        if self._layout is None:
            from .line_chunks import layout, layout_of_text

            self._layout = (layout(self.texts) if self._joined is None
                            else layout_of_text(self._joined, len(self.texts)))
        return self._layout


@dataclass(slots=True)
class Diagnostic:
    """What the reader should know about how the input was read: lines the tool
    could not place (said instead of dropped), repairs, a log read only in part.
    `severity` is "warning" or "info" (the schema allows "error" too)."""

    message: str
    lines: list[Span] = field(default_factory=list)
    severity: str = "warning"
    source: str | None = None  # the input its lines are about (api.analyze_many sets it)
    # What kind of diagnostic it is, for a program, where one reads it: stable
    # whatever the wording of `message` ("unread-crash": unread.py). None: none.
    code: str | None = None
    # The log text it is about, for a program (an unread crash's opener), that
    # `message` quotes among its words: read from here, not parsed out of them.
    subject: str | None = None


# ---------------------------------------------------------------- analysis ---


@dataclass(slots=True)
class Bucket:
    """Goroutines of one report with the same call path (func, file, line per frame)."""

    signature: str
    count: int
    ids: list[int]
    states: list[str]
    wait_minutes: tuple[int, int] | None  # (min, max), None when none printed
    goroutine: Goroutine  # a representative: the first of the bucket


@dataclass(slots=True)
class Hint:
    rule: str
    title: str
    explanation: str
    remedy: str
    details: list[str] = field(default_factory=list)  # e.g. the blocked goroutines


@dataclass(slots=True)
class ChainSegment:
    """Consecutive frames of one module in a call chain, entry first."""

    module: str
    origin: str
    frames: list[Frame]
    via_goroutine: bool = False  # reached through `created by` (a new goroutine starts here)


@dataclass(slots=True)
class Group:
    """Reports of the same crash (or goroutine dumps alike), across processes and
    inputs: `id` is its own (`g1`, …), `reports` its reports' ids
    (Analysis.report), `count` how many.

    `title` is the crash's first line with what differs between reports put as
    placeholders (`<N>`, `<ADDR>`, …), `messages` each value as printed with its
    count, `streams` the streams its reports are in, `similarity` the lowest title
    similarity that merged a report in (None: all alike). `culprit` is the frame to
    blame, `main_frame` the main module's frame nearest it, `chain` the calls from
    the entry to the culprit a module a step (ChainSegment), `hints` the known
    crashes it matches (Hint: `title`, `explanation`, `remedy`, `details`).
    `fingerprint` and all of these are read from its `representative` report (an
    id): a group's fingerprint can depend on what else the analysis held, each
    report's own (Report.fingerprint) does not; `hints_of` holds the hints of
    each other own id among its reports.
    """

    id: str
    title: str
    reports: list[str]
    messages: dict[str, int] = field(default_factory=dict)  # concrete message → count
    streams: list[str] = field(default_factory=list)
    # Set by analysis; None only on a group it did not make (render/view.py's
    # groups of a hand-built Analysis, which then hash their own).
    fingerprint: str | None = None
    similarity: float | None = None  # lowest title similarity that merged a report in
    culprit: Frame | None = None
    main_frame: Frame | None = None  # first frame in the main module
    chain: list[ChainSegment] = field(default_factory=list)
    hints: list[Hint] = field(default_factory=list)
    # The report (id) its title, chain, hints and fingerprint are read from.
    representative: str | None = None
    # The hints of each other own id of its reports (Report.fingerprint → hints, as
    # its first report read alone matches them: render/view.ci_views files each apart)
    hints_of: dict[str, list[Hint]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.reports)


# Which rules made the fingerprints (the analyse stage's: a title's normalisation in
# analyse/normalise.py, the culprit's choice in analyse/chains.py, the route hashed
# in analyse/fingerprint.py, a group's pick in analyse/groups.py). Bumped whenever
# any fingerprint of any input changes, so that a bot keeping fingerprints across
# upgrades knows when its ids stop matching. tests/fingerprints.json records the
# fingerprints of every sample and wild paste under the number that made them: its
# test fails on a change made without a bump (tests/fingerprint_table.py rewrites
# the table after one). 2: a paste that begins at its crash's `[signal …]` line is
# a panic cut short, no longer a goroutine dump (its title `panic`). 3: a test
# failure's title says it once, `test failed: TestX` (was `test failure: test
# failed: TestX`). 4: a panic's value alone on its line, its `panic: ` lost, is that
# panic's message when the signal, a caller list with pcs or a goroutine follows
# (the report was titled `panic`, with no message). 5: a pointer receiver a page's
# Markdown wrote as `(_T)` is read as Go printed it, `(*T)` (function names change);
# and an absolute path right after a key's ':' (fmt's `key:/tmp/…`) is `<PATH>` in
# a title (no recorded input has one). 6: a failed go test's title names its tests
# in one order, sorted, not in the order they ended (parallel tests end in any
# order, so the same failures had another id every run). 7: a report is one failed
# go test (test_reports.py), not a package's failures (plain, -v) nor each test's
# events apart (-json), and its title names its package (`test failed: TestX in
# pkg`): the forms read as the same ids, and a failure keeps its id whatever else
# failed with it. 8: a logger's frames that panicked for their caller (zap's,
# logrus's: loggers.py) are no culprit, as log.Panic's are not (cert-utils#115's
# was zapcore's CheckedEntry.Write); and a goroutine `[running]` with a logger's
# Panic on top and no `panic:` line is a panic, incomplete, not a goroutine dump
# (downloadbot#60). 9: a failed go test's name in its title keeps its numbers
# (`TestBlocks/size-10` and `size-20`, `TestX/#00` and `#01` were one id as
# `size-<N>`, `#<N>`), less what its run chose (a time, a UUID, 16 hex digits or
# more: analyse/normalise.go_test_name), and the CI formats file a failed test under
# that report's id (they hashed its package and name apart). 10: a stack that the
# log or paste ends inside a frame's call line keeps that frame where its function's
# name is whole (`pkg.F(0xc000, {0x`: parse.CUT_AT_END), so its route, and where it
# stands below `panic` its culprit, hold it (Kong/kong-operator#3054, whose culprit
# it is, open-component-model#1067, traefik#6297). 11: chi's Recoverer page (` panic: `,
# then ` -> ` and its frames' names and file lines) is read as the panic's stack (it
# read as `panic: foo` with no stack; go-chi/chi#633, recorded so an hour before).
# 12: a fuzz target's subtest that runs an input the fuzzer wrote to its corpus
# (`FuzzUpper/172ac9c6d327d563`, plain `go test` after `go test -fuzz`) is titled as
# its target, `test failed: FuzzUpper in pkg`: the failure the fuzzer found and its
# rerun are one id (analyse/normalise.go_test_name); the input's file is said apart
# (FailedTest.fuzz_input). 13: a frame whose file line a terminal program's pane cut at
# its width (k9s's log view), or the log ends inside, is kept (its file and line cut:
# Frame.cut), where the stack ended there: its route holds the frames below it
# (SREGym#506's main.main, read now).
FINGERPRINT_SCHEME = 13


@dataclass(slots=True)
class Analysis:
    """Everything stackdemux knows about the logs of one run: `analyze` reads
    one, `analyze_many` several (named in `sources`, in order; each report,
    diagnostic and span of noise says which it is about, and its line numbers
    are that input's own).

    `reports` (Report: each crash or dump, in the order read), `groups` (Group:
    reports of one crash, the most frequent first, then the first read), `streams` (Stream: the
    processes the log was taken apart into), `noise` (spans of lines read as no
    process's, each span's input in `noise_sources` where there are several),
    `diagnostics` (Diagnostic: what was repaired or could not be read),
    `total_lines` (lines read), `fingerprint_scheme` (the rules that made the
    fingerprints: fingerprints of one scheme are comparable; FINGERPRINT_SCHEME).
    `report(id)` looks a report up, `buckets` maps each report's id to its buckets.
    """

    reports: list[Report] = field(default_factory=list)
    streams: list[Stream] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    noise: list[Span] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # input names, in order
    noise_sources: list[str] = field(default_factory=list)  # noise[i]'s input name
    total_lines: int = 0
    fingerprint_scheme: int = FINGERPRINT_SCHEME  # the rules its fingerprints are made by
    # report id → position in `reports`, built on the first lookup (report())
    _report_index: dict[str, int] | None = field(default=None, repr=False, compare=False)

    @property
    def buckets(self) -> dict[str, list[Bucket]]:
        """Report id → its goroutine buckets."""
        return {r.id: r.buckets for r in self.reports}

    def report(self, report_id: str) -> Report:
        """The report with id `report_id` (a Group names its reports by id);
        KeyError when there is none. An index built once serves every lookup (a
        search per lookup made a bot's pass over 5 000 reports quadratic); it
        is rebuilt when it no longer matches `reports` (changed since)."""
        reports = self.reports
        index = self._report_index
        if index is not None:
            at = index.get(report_id)
            if at is not None and at < len(reports) and reports[at].id == report_id:
                return reports[at]
        # first lookup, or a miss: reports may have been added or renamed since
        index = self._report_index = index_reports(reports)
        at = index.get(report_id)
        if at is None:
            raise KeyError(report_id)
        return reports[at]


def index_reports(reports: list[Report]) -> dict[str, int]:
    """Report id → position of the first report of that id."""
    index: dict[str, int] = {}
    for i, r in enumerate(reports):
        index.setdefault(r.id, i)
    return index
