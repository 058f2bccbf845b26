"""What every renderer says about a group, computed once from the model.

Renderers differ in syntax, not in content: the order of groups, which
goroutine crashed, which frame is the culprit and how a call chain reads are
decided here, so that the terminal, the HTML page and a GitHub annotation
never disagree.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .. import rx
from ..analyse.chains import watchdog_test
from ..model import (
    Analysis,
    Bucket,
    ChainSegment,
    Diagnostic,
    Frame,
    Goroutine,
    Group,
    Hint,
    Race,
    Report,
    ReportKind,
)
from ..symbols import shown_func
from ..unread import UNREAD_CODE
from .sanitize import flat

# The runtime's own panic and signal machinery: never the culprit.
_MACHINERY_PACKAGES = frozenset(
    {"runtime", "runtime/debug", "runtime/internal/atomic", "internal/runtime"}
)


def func_package(func: str) -> str:
    """`github.com/x/y/pkg.(*T).M` → `github.com/x/y/pkg`; `main.main` → `main`."""
    slash = func.rfind("/")
    dot = func.find(".", slash + 1)
    return func if dot < 0 else func[:dot]


def frame_package(frame: Frame) -> str:
    return frame.package or func_package(frame.func)


# A module's major version ending an import path (`k8s.io/klog/v2`): no package's name.
_MAJOR = rx.compile(r"v[0-9]+")


def short_func(func: str) -> str:
    """The function without its package path: `bbolt.(*Cursor).search`; a
    package named by its module's major version keeps its name before it,
    `klog/v2.(*loggingT).flushDaemon` (alone, `v2.` names no package); its path as
    imported, `pb.v1.New` for the linker's `pb%2ev1.New` (symbols.py)."""
    func = shown_func(func)
    slash = func.rfind("/")
    if slash < 0:
        return func
    head = func[slash + 1 :]
    dot = head.find(".")
    if _MAJOR.fullmatch(head if dot < 0 else head[:dot]):
        return func[func.rfind("/", 0, slash) + 1 :]
    return head


def is_runtime(frame: Frame) -> bool:
    """A frame of the Go runtime (dimmed: rarely where a bug is)."""
    if frame.origin is not None and frame.origin != "stdlib":
        return False
    if frame.func == "panic":  # runtime.gopanic, as Go prints it since 1.21 and before 1.8
        return True
    pkg = frame_package(frame)
    return pkg in _MACHINERY_PACKAGES or pkg.startswith(("runtime/", "internal/runtime/"))


def is_ours(frame: Frame) -> bool:
    """A frame of the program being debugged (highlighted)."""
    if frame.origin is not None:
        return frame.origin == "main"
    return frame_package(frame) == "main" or frame.func.startswith("main.")


def location(frame: Frame | None) -> str:
    if frame is None or not frame.file:
        return ""
    return f"{frame.file}:{frame.line}" if frame.line is not None else frame.file


# Functions a program calls to print stacks (runtime.Stack prints no frame of its own)
_PRINTERS = ("runtime/debug.Stack", "runtime/debug.PrintStack", "runtime/pprof.")
# The runtime's panic: gopanic, printed `panic` since Go 1.21; `runtime.panic` in
# Go <= 1.2's C runtime
_PANICS = frozenset(("panic", "runtime.gopanic", "runtime.panic"))


def culprit_label(view: GroupView) -> str:
    """What the frame a group names (its culprit) is called: `culprit` where
    something crashed. Where nothing did, no code is to blame, and the word says
    what the frame is: `dumped by` for the code that printed a dump of itself
    (debug.Stack, pprof); else where the goroutine shown stood when the stacks
    were printed, `runs in`, `waits in` (its state), `seen in` (its header was
    not read). So for a goroutine dump; for a SIGQUIT (a person or a supervisor
    asked for the dump), unless go test's watchdog sent it and the running test
    is named: that test hung; and for a signal that arrived on a thread running none
    of the program's code (a `kill -ABRT`: the goroutine shown is the program's
    first, not the signal's). A stack that holds a panic (debug.Stack or
    runtime.Stack logged from a recover) names the frame that panicked, where the
    program lived on: `panic in` (firestack231's logger; `culprit` before)."""
    report = view.report
    if report is None:
        return "culprit"
    g = view.goroutine
    if report.kind is ReportKind.SIGNAL_DUMP:
        signal = report.signal
        if g is not None and g is watchdog_test(report):
            return "culprit"  # go test's watchdog asked for the dump: the test hung
        if (signal is None or signal.name != "SIGQUIT") and (
                g is None or g is report.crashing or report.crashing is None):
            return "culprit"
    elif report.kind.is_crash:
        return "culprit"
    frames = g.frames if g is not None else []
    if any(f.func in _PANICS for f in frames):
        return "panic in"
    if any(f.func.startswith(_PRINTERS) for f in frames):
        return "dumped by"
    state = g.state if g is not None else ""
    if state.startswith("running"):
        return "runs in"
    return "waits in" if state and state != "unknown" else "seen in"


def culprit_words(frame: Frame) -> str:
    """A culprit as every CI format names it (and a hint's facts name a frame):
    `pkg.F at /build/path/file.go:12`; the function alone where no file line was
    printed, the place alone where no function was (a caller list: callers.py)."""
    where = location(frame)
    if not frame.func:
        return where or "?"
    func = shown_func(frame.func)
    return f"{func} at {where}" if where else func


def no_source_file(name: str) -> bool:
    """Go's words for a frame with no source file, where a file's name stands:
    `??` (no line table: a cgo call's C side, Go ≤ 1.5) and `<autogenerated>` (a
    wrapper the compiler made). No directory holds them, and no URI names them."""
    return name == "??" or (name.startswith("<") and name.endswith(">"))


def module_file(frame: Frame) -> str:
    """A frame's file relative to its module root when knowable, else its base name.

    `github.com/containers/skopeo/cmd/skopeo` in module `github.com/containers/skopeo`
    gives `cmd/skopeo/copy.go`; a module cache path gives what follows `@version/`;
    Go's `??` and `<autogenerated>` are said as printed, in no package's directory.
    """
    if not frame.file:
        return "?"
    path = frame.file.replace("\\", "/")
    base = path.rsplit("/", 1)[-1]
    if no_source_file(base):
        return base
    if frame.version and f"@{frame.version}/" in path:
        return path.split(f"@{frame.version}/", 1)[1]
    pkg = frame_package(frame)
    if frame.module and pkg.startswith(frame.module + "/"):
        return f"{pkg[len(frame.module) + 1 :]}/{base}"
    return base


def frame_where(frame: Frame) -> str:
    line = f":{frame.line}" if frame.line is not None else ""
    return module_file(frame) + line


def threads_summary(report: Report | None) -> str | None:
    """`3 more threads (m=1, 2, 3), idle in the runtime`: the other threads'
    sections of a GOTRACEBACK=crash dump, said briefly (they are no crash)."""
    if report is None or not report.threads:
        return None
    n = len(report.threads)
    ms = ", ".join("?" if t.m is None else str(t.m) for t in report.threads)
    head = f"{n} more thread{'s' if n != 1 else ''} (m={ms})"
    # a thread's goroutine 0 is its g0: the M was in the scheduler, a syscall or sysmon
    busy = [(t, g) for t in report.threads for g in t.goroutines if g.id != 0]
    if not busy:
        return head + ", idle in the runtime"
    ran = "; ".join(f"m={'?' if t.m is None else t.m} ran goroutine {g.id} [{g.state}]"
                    for t, g in busy[:3])
    return head + ": " + ran + ("; …" if len(busy) > 3 else "")


def unsure_said(view: GroupView) -> str | None:
    """`lines 8–10, 14: another reading …`: the lines of the group's reports
    that the write-level merge's reading could not place with certainty
    (Report.unsure_lines), None when it placed them all."""
    spans = [s for r in view.reports for s in r.unsure_lines]
    if not spans:
        return None
    shown = ", ".join(f"{a}–{b}" if a != b else str(a) for a, b in spans[:4])
    more = f", +{len(spans) - 4}" if len(spans) > 4 else ""
    several = len(spans) > 1 or spans[0][0] != spans[0][1]
    return (f"line{'s' if several else ''} {shown}{more}: another reading of the "
            "processes' interleaved writes is about as likely there")


def panics_said(report: Report | None) -> list[str]:
    """`first [recovered]`, `second`: a report's panics as Go printed them, where
    a later one says another thing than the first (a deferred function panicked
    anew, or recovered and panicked with another value): the title names the
    first panic, the program died of the last. A value panicked again as it was
    (`[recovered]` then the same message, Go 1.23's `[recovered, repanicked]`)
    says nothing the title does not: none then."""
    if report is None or len(report.chain) < 2:
        return []
    first = report.chain[0].message
    if all(link.message == first for link in report.chain[1:]):
        return []
    return [link.message + (f" [{link.annotation}]" if link.annotation else "")
            for link in report.chain]


def signal_said(report: Report | None) -> str | None:
    """`SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0xdc773a`: the signal
    a report's crash took, as Go printed it. Its addr= says what a nil pointer's
    hint asks about (a small one: a field's offset), and a paste that begins at
    its `[signal …]` line has no other account of the crash."""
    sig = report.signal if report is not None else None
    if sig is None:
        return None
    words = [sig.name + (f": {sig.description}" if sig.description else "")]
    # (`[signal …]` says pc=, a signal dump's own line `PC=… m=0 sigcode=0`)
    pc = "PC" if sig.m is not None or sig.sigcode is not None else "pc"
    words += [f"{key}={value}" for key, value in (("code", sig.code), ("addr", sig.addr),
                                                  (pc, sig.pc), ("m", sig.m),
                                                  ("sigcode", sig.sigcode))
              if value is not None]
    return " ".join(words)


def report_tests(reports: list[Report]) -> list[str]:
    """The go tests the reports name: a `--- FAIL` line's, or those a timeout
    found running; a test whose subtest is named is said by it (`TestSub/case_b`,
    not `TestSub, TestSub/case_b`)."""
    names = list(dict.fromkeys(t for r in reports for t in r.tests))
    return [n for n in names if not any(m.startswith(n + "/") for m in names)]


def tests_said(reports: list[Report]) -> str | None:
    """`TestPut in example.com/gotests/store`: the go tests the reports name and
    their packages, so that a CI log's reader knows which test to run again."""
    names = report_tests(reports)
    if not names:
        return None
    packages = list(dict.fromkeys(r.test_package for r in reports if r.test_package))
    said = ", ".join(names[:6]) + (f", +{len(names) - 6}" if len(names) > 6 else "")
    if packages:
        said += " in " + ", ".join(packages[:3]) + (
            f", +{len(packages) - 3}" if len(packages) > 3 else "")
    return said


def fuzz_inputs(reports: list[Report]) -> list[str]:
    """The files of the inputs the reports' fuzz targets failed on (FailedTest.fuzz_input,
    relative to the test's package): what a person opens, or runs again by name."""
    return list(dict.fromkeys(f.fuzz_input for r in reports for f in r.failed_tests
                              if f.fuzz_input))


def tests_label(reports: list[Report]) -> str:
    return "tests" if len(report_tests(reports)) > 1 else "test"


def hint_facts(view: GroupView, hint: Hint) -> list[str]:
    """A hint's facts less the one that names the culprit in the culprit's own
    words (`pkg.F at /path:12`): every format says the culprit just above it."""
    culprit = view.culprit
    if culprit is None:
        return hint.details
    said = {culprit_words(culprit)}
    if culprit.func and not culprit.file:  # (as the hint's rule names a frame whose
        said.add(f"{culprit.func} at ?")   # file line the log lost: hints._at)
    if culprit.func != shown_func(culprit.func):  # (the facts name the symbol as printed)
        where = location(culprit)
        said.add(f"{culprit.func} at {where}" if where else culprit.func)
    return [fact for fact in hint.details if fact not in said]


# Origins of code the project does not write (analyse/origins.py): `vendor` and
# `gopath-vendor` copies, a module cache's, the Go installation's.
_DEPENDENCY = frozenset(("vendor", "gopath-vendor", "modcache", "stdlib"))


@dataclass(slots=True)
class GroupView:
    """A group with the reports it names resolved and its crash site picked."""

    group: Group
    reports: list[Report]
    synthesized: bool = False  # made here because the analysis had no groups
    buckets: list[Bucket] = field(default_factory=list)  # of the report shown
    lead: Report | None = None  # the report shown (see _lead); None: the first
    holder: Goroutine | None = None  # its goroutine holding the group's culprit
    # A CI format's view of the reports of one own id in a group of several
    # (ci_views): the fingerprint of the group they were read in; None: a group whole
    group_fingerprint: str | None = None

    @property
    def report(self) -> Report | None:
        if self.lead is not None:
            return self.lead
        return self.reports[0] if self.reports else None

    @property
    def goroutine(self) -> Goroutine | None:
        """The goroutine the culprit was read from: the crashing one, a test's that hung
        (the alarm panicked), or for a race, the first access as a pseudo-goroutine;
        for a fatal error the runtime raised on its own stack with no goroutine
        printed (thread exhaustion, found by sysmon), that `runtime stack:`."""
        report = self.report
        if report is None:
            return None
        if self.holder is not None:
            return self.holder
        crashing = report.crashing
        if crashing is None and report.race is not None and report.race.accesses:
            access = report.race.accesses[0]
            return Goroutine(
                id=access.goroutine or 0, state=access.operation.lower(), frames=access.frames
            )
        if crashing is None and report.system_stacks:
            return report.system_stacks[0]
        return crashing

    @property
    def race(self) -> Race | None:
        """The data race whose accesses are the stacks shown: a race report's,
        which prints accesses, not goroutines."""
        report = self.report
        if (report is None or self.holder is not None or report.crashing is not None
                or report.race is None or not report.race.accesses):
            return None
        return report.race

    @property
    def culprit(self) -> Frame | None:
        """The group's culprit, else the deepest frame outside the runtime's panic
        machinery. A group the analysis made (it has a fingerprint) says none where
        the text lost the code to blame (chains.culprit_index): none is shown."""
        if self.group.culprit is not None or self.group.fingerprint:
            return self.group.culprit
        g = self.goroutine
        if g is None or g.system:
            return None  # (the runtime's own stack: no code of the program's to blame)
        for frame in g.frames:
            if not is_runtime(frame):
                return frame
        if any(f.func in ("panic", "runtime.gopanic") for f in g.frames):
            return None  # (the stack read ends in the runtime's panic: what panicked is not read)
        return g.frames[0] if g.frames else None

    @property
    def anchors(self) -> tuple[Frame | None, Frame | None]:
        """The frames a CI format points at, the first found in the checkout wins:
        the culprit, then the main module's first frame; the main module's first
        where the culprit is a dependency's code (vendored, the module cache's, the
        Go installation's), which the project does not edit and need not commit (a
        job may run `go mod vendor` itself): a crash in a dependency is shown in the
        code that called it, vendored or not."""
        culprit, ours = self.culprit, self.group.main_frame
        if culprit is not None and culprit.origin in _DEPENDENCY:
            return ours, culprit
        return culprit, ours

    @property
    def kind(self) -> str:
        report = self.report
        return report.kind.value if report is not None else "crash"

    @property
    def is_crash(self) -> bool:
        """False for a goroutine dump alone: it was printed on purpose, so CI
        formats show it as a note, not as an error or a failed test."""
        report = self.report
        return report.kind.is_crash if report is not None else True

    @property
    def fingerprint(self) -> str:
        """The analysis's fingerprint; without one, a hash of the title and culprit function."""
        if self.group.fingerprint:
            return self.group.fingerprint
        culprit = self.culprit
        basis = f"{self.group.title}\n{culprit.func if culprit else ''}"
        return hashlib.sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()[:16]

    @property
    def streams(self) -> list[str]:
        if self.group.streams:
            return self.group.streams
        return list(dict.fromkeys(r.stream for r in self.reports))

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Where in the input each report starts and ends."""
        out = []
        for r in self.reports:
            if r.lines:
                out.append((r.lines[0][0], r.lines[-1][1]))
        return out

    @property
    def incomplete(self) -> list[tuple[str, int]]:
        """Why reports of the group could not be completed, most common first."""
        counts: dict[str, int] = {}
        for r in self.reports:
            if not r.complete:
                reason = r.incomplete_reason or "cut short"
                counts[reason] = counts.get(reason, 0) + 1
        return sorted(counts.items(), key=lambda kv: -kv[1])

    @property
    def shown_messages(self) -> list[tuple[str, int]]:
        """The messages a report lists, most common first: all of them when they
        differ, the one when the title does not say it (a normalised title,
        `invalid page type: <N>: <N>`, hides the page a reader looks for),
        none when the title says it: ends with it, or is it and the failed go
        test's package (`test failed: TestAdd in example.com/calc`, whose message
        `test failed: TestAdd` was listed under it since such titles name it)."""
        messages = self.messages
        if len(messages) == 1:
            (message, _), = messages.items()
            title = self.group.title
            package = self.report.test_package if self.report is not None else None
            if title.endswith(message) or (package and title == f"{message} in {package}"):
                return []
        return sorted(messages.items(), key=lambda kv: -kv[1])

    @property
    def messages(self) -> dict[str, int]:
        if self.group.messages:
            return self.group.messages
        counts: dict[str, int] = {}
        for r in self.reports:
            counts[r.message] = counts.get(r.message, 0) + 1
        return counts


# Lines of a multi-line panic value shown (Go prints each on a line of its own)
MAX_VALUE_LINES = 12


def value_lines(message: str) -> list[str]:
    """A message as Go printed it, a line for each of its lines (`validation
    failed:`, `  field a: required`), at most MAX_VALUE_LINES, the last saying how
    many more there are: every format for people shows a multi-line value in its
    lines (one line with `\\n` between them is two characters a reader undoes).
    Plain text: each format makes the lines safe for its system."""
    lines = message.strip("\n").split("\n")
    if len(lines) > MAX_VALUE_LINES:
        more = len(lines) - MAX_VALUE_LINES + 1
        lines = [*lines[: MAX_VALUE_LINES - 1], f"… {more} more lines"]
    return lines


def reports_summary(views: list[GroupView]) -> str:
    """`3 reports in 2 groups`: reports, not crash reports, where a goroutine
    dump printed on purpose is one of them (it is no crash)."""
    total = sum(v.group.count for v in views)
    return (f"{total} report{'s' if total != 1 else ''} in {len(views)} "
            f"group{'s' if len(views) != 1 else ''}")


def no_crash(analysis: Analysis) -> str:
    """What a report that holds no group says first; where a crash was seen
    that could not be read (unread.py), that it was, not that none was."""
    n = analysis.total_lines
    lines = f"{n} line{'s' if n != 1 else ''}"
    seen = sum(d.code == UNREAD_CODE for d in analysis.diagnostics)
    if seen:
        some = "one was" if seen == 1 else "some were"
        return (f"No Go crash could be read in {lines}, but {some} seen behind a prefix "
                "stackdemux does not read: see the warning below.")
    return f"No Go crash or goroutine dump found in {lines}."


@dataclass(frozen=True, slots=True)
class Sighting:
    """A crash seen behind a prefix but not read (unread.py), as the CI formats
    say it: no report stands for it, so without it a CI job passed quietly."""

    message: str  # the warning's own words (log text in them: escape per system)
    source: str  # the log it is in
    line: int  # its `panic: ` / `fatal error: ` line
    # Of the log's file name and the opener's text: not of the prefix, which may
    # hold a time, nor of the directory, a runner's checkout (which differs by runner).
    fingerprint: str


def sightings(analysis: Analysis) -> list[Sighting]:
    """The analysis's unread crashes, in the order they were said: told by their
    diagnostic's code and fingerprinted by its subject, the opener's text (not
    by the message's words, which may be reworded)."""
    out = []
    for d in analysis.diagnostics:
        if d.code != UNREAD_CODE:
            continue
        source = d.source or (analysis.sources[0] if analysis.sources else "log")
        opener = d.subject or ""
        name = source.replace("\\", "/").rsplit("/", 1)[-1]
        digest = hashlib.sha256(f"unread\0{name}\0{opener}".encode(
            "utf-8", "surrogatepass")).hexdigest()[:16]
        out.append(Sighting(d.message, source, d.lines[0][0] if d.lines else 1, digest))
    return out


def other_goroutines(buckets: list[Bucket]) -> str:
    """`4 other goroutines in 3 buckets` (a bucket: goroutines of one stack and state)."""
    total = sum(b.count for b in buckets)
    return (f"{total} other goroutine{'s' if total != 1 else ''} in {len(buckets)} "
            f"bucket{'s' if len(buckets) != 1 else ''}")


def stack_title(view: GroupView) -> str:
    """What the one stack shown is: a dump's goroutine did not crash, nor did a
    SIGQUIT's (its frame `waits in`, `runs in`: culprit_label), which Markdown and
    HTML called `the crashing goroutine`."""
    if view.race is not None:
        return "the race's accesses"
    g = view.goroutine
    crashed = view.is_crash and culprit_label(view) == "culprit"
    if crashed or g is None or g.system or g.id == 0:
        return "the crashing goroutine" if crashed else "the goroutine shown"
    return f"goroutine {g.id}"


def size_summary(report: Report | None) -> str:
    """`5 goroutines`; a race report counts its accesses, not goroutines, and a
    fatal error the runtime raised on its own stack says so (GOTRACEBACK=none
    prints neither). A go test that failed with no panic (t.Error, t.Fatal, or
    testing's own `race detected`) prints no stack: it says what it is, where
    `no stack printed` read as if something were missing."""
    if report is not None and report.kind is ReportKind.TEST_FAILURE and not report.goroutines:
        # (cut short, a panic may have followed unread: said as not read)
        return "reported by the test, no panic" if report.complete else "no panic read"
    if report is not None and not report.goroutines and report.race is not None:
        n = len(report.race.accesses)
        return f"{n} access{'es' if n != 1 else ''}" if n else "no access read"
    n = len(report.goroutines) if report is not None else 0
    if n:
        return f"{n} goroutine{'s' if n != 1 else ''}"
    if report is not None and report.system_stacks:
        return "runtime stack only"  # (the runtime raised it on its own stack)
    # printed but unread (see `partial`), or never printed (GOTRACEBACK=none)
    return "no stack read" if report is not None and not report.complete else "no stack printed"


def _synthesize(reports: list[Report]) -> list[Group]:
    """One group per distinct message (the JSON contract's rule before grouping existed)."""
    by_message: dict[str, Group] = {}
    for r in reports:
        g = by_message.get(r.message)
        if g is None:
            title = f"{r.kind.value}: {r.message}" if r.message else r.kind.value
            g = by_message[r.message] = Group(id=f"g{len(by_message) + 1}", title=title, reports=[])
        g.reports.append(r.id)
    return list(by_message.values())


def group_views(analysis: Analysis) -> list[GroupView]:
    """Groups, most frequent first (ties keep the analysis's order)."""
    index = {r.id: r for r in analysis.reports}
    groups, synthesized = analysis.groups, False
    if not groups and analysis.reports:
        groups, synthesized = _synthesize(analysis.reports), True
    views = []
    for g in groups:
        reports = [index[rid] for rid in g.reports if rid in index]
        lead = _lead(g, reports)
        buckets = analysis.buckets.get(lead.id, []) if lead is not None else []
        views.append(GroupView(group=g, reports=reports, synthesized=synthesized,
                               buckets=buckets, lead=lead, holder=_holder(g, lead)))
    views.sort(key=lambda v: -v.group.count)
    return views


def ci_views(analysis: Analysis) -> list[GroupView]:
    """The crashes as the CI formats file them, each under the id a bot files its
    reports by (Report.fingerprint, docs/triage-bot.md): a group whose reports have
    one own id is its view; one whose reports differ (two routes to one culprit,
    titles merged by similarity: 5 of the 1 140 groups of the recorded inputs read
    alone, more over several logs) is a view per id, titled, blamed and chained as
    its reports read alone, its group's id beside (`group_fingerprint`); a goroutine
    dump's stays whole (no crash: a bot files none, a CI format notes it). A group's
    id is its representative's, which depends on what else the analysis read: filed
    under it, a crash's CI id changed from run to run as other crashes came and went,
    and differed from the bot's."""
    out: list[GroupView] = []
    for view in group_views(analysis):
        ids = list(dict.fromkeys(r.fingerprint for r in view.reports))
        if len(ids) < 2 or None in ids or view.synthesized or not view.is_crash:
            out.append(view)
            continue
        out.extend(_read_alone(view, [r for r in view.reports if r.fingerprint == fp], analysis)
                   for fp in ids)
    return out


def _read_alone(view: GroupView, reports: list[Report], analysis: Analysis) -> GroupView:
    """The view of `reports` (of one own id) of the group of `view`: its title,
    culprit, main frame and chain are theirs read alone (Report.title, culprit),
    its hints theirs (Group.hints_of: the group's are its representative's, and a
    rule can match one route to the culprit and not another)."""
    from dataclasses import replace

    from ..analyse.chains import fill_chain

    group = view.group
    shown = next((r for r in reports if r.goroutines), reports[0])
    messages: dict[str, int] = {}
    for r in reports:
        messages[r.message] = messages.get(r.message, 0) + 1
    own = shown.fingerprint
    part = replace(group, reports=[r.id for r in reports], title=shown.title or group.title,
                   messages=messages, streams=list(dict.fromkeys(r.stream for r in reports)),
                   fingerprint=own, representative=shown.id,
                   hints=group.hints if own == group.fingerprint else _own_hints(group, shown))
    fill_chain(part, shown)
    part.culprit = shown.culprit  # (as the report says it read alone: analyse._read_alone)
    lead = _lead(part, reports)
    return GroupView(group=part, reports=reports,
                     buckets=analysis.buckets.get(lead.id, []) if lead is not None else [],
                     lead=lead, holder=_holder(part, lead), group_fingerprint=group.fingerprint)


def _own_hints(group: Group, shown: Report) -> list[Hint]:
    """The hints of `shown`'s own id in `group`: as the analysis read them; a
    group it did not fill (built by hand) has them read here, by the shipped rules."""
    said = group.hints_of.get(shown.fingerprint or "")
    if said is not None:
        return said
    from dataclasses import replace

    from ..analyse.hints import hints

    return hints(replace(group, title=shown.title or group.title), shown)


def _lead(group: Group, reports: list[Report]) -> Report | None:
    """The report whose stack is shown: the one the group's culprit was read from,
    else the first with goroutines. The first in the log may have been cut off
    before its stack (a log begun by `kubectl logs --tail`): showing it would say
    `0 goroutines` under a culprit and a chain."""
    culprit = group.culprit
    if culprit is not None:
        for r in reports:
            stacks = [g.frames for g in r.goroutines]
            if r.race is not None:
                stacks += [a.frames for a in r.race.accesses]
            if any(f is culprit for frames in stacks for f in frames):
                return r
    return next((r for r in reports if r.goroutines),
                next((r for r in reports if r.system_stacks), reports[0] if reports else None))


def _holder(group: Group, report: Report | None) -> Goroutine | None:
    """The goroutine of `report` whose frames hold the group's culprit, if one does."""
    culprit = group.culprit
    if culprit is None or report is None:
        return None
    crashing = report.crashing
    if crashing is not None and any(f is culprit for f in crashing.frames):
        return crashing  # (the common case: no scan of a big dump's goroutines)
    return next((g for g in report.goroutines if any(f is culprit for f in g.frames)), None)


def stream_labels(analysis: Analysis, ids: list[str]) -> list[str]:
    """The streams' labels as people read them: a key a collector padded (a
    journal line whose host a paste blanked, `Apr 30 14:15:50      loki[3]: `)
    without its padding; the JSON keeps the key as it is."""
    labels = {s.id: (s.label or "").strip() for s in analysis.streams}
    return [labels.get(i) or i for i in ids]


def chain_steps(segments: list[ChainSegment], named: bool = False) -> list[str]:
    """One step per module segment, entry first: `module first.go:1 … last.go:9`.
    `named`: the last step ends with the function the chain ends in, as a person
    reads it (`… cursor.go:48 bbolt.(*Cursor).search`); the CI formats keep the
    bare steps."""
    steps = []
    for seg in segments:
        frames = seg.frames
        if not frames:
            continue
        where = _step_where(frames[0])
        # (said where the step before made the goroutine: a race access's stack
        # begins with its goroutine's entry, which no step before it made)
        if seg.via_goroutine and steps:
            where += " (new goroutine)"
        if len(frames) > 1:
            where += " … " + _step_where(frames[-1])
        # (`?` for a module none could name: said by the place alone)
        steps.append(where if seg.module == "?" else f"{seg.module} {where}")
    last = segments[-1].frames[-1] if segments and segments[-1].frames else None
    if named and steps and last is not None and last.func and last.file:
        steps[-1] += f" {short_func(last.func)}"
    return steps


def _step_where(frame: Frame) -> str:
    """A chain step's frame by its file and line; one whose file line the log
    lost (a paste, a logger's cut) by its function, never as `?`."""
    if not frame.file and frame.func:
        return short_func(frame.func)
    return frame_where(frame)


def ci_lines(view: GroupView, analysis: Analysis) -> list[str]:
    """What a CI format says of a group under its title, one fact a line, as
    plain text for the format to escape: where it was read, the culprit, the
    call chain, the hints and the fingerprint. JUnit's failure text and GitHub's
    annotation are these lines; SARIF and GitLab's code quality, which hold one
    message, say the same culprit and hints in these words."""
    lines = []
    found = found_in(view, analysis)
    if found:
        lines.append(found)
    lines.extend(said_lines(view))
    for i, step in enumerate(chain_steps(view.group.chain)):
        lines.append(("chain: " if i == 0 else "  → ") + step)
    for hint in view.group.hints:
        lines.extend(hint_lines(hint, hint_facts(view, hint)))
    lines.append(f"fingerprint: {view.fingerprint}")
    if view.group_fingerprint is not None:
        lines.append(f"group: {view.group_fingerprint} (one crash site with reports of "
                     "another id: each id is filed apart)")
    return lines


def found_in(view: GroupView, analysis: Analysis) -> str | None:
    """`2× in build.log: lines 60–118, 119–137`: which log and which of its lines
    hold the crash, the log named even when it is the only one. A CI format is
    read away from the log (a run's annotations, a test report, a code scanning
    alert that shows no code for a culprit outside the checkout): this line says
    where the traceback is to be read."""
    where = where_summary(view, analysis)
    if not where:
        return None
    if len(analysis.sources) == 1:  # (several: each span is named by its input already)
        where = f"{analysis.sources[0]}: {where}"
    return f"{view.group.count}× in {where}"


def said_lines(view: GroupView) -> list[str]:
    """Why reports are partial, the failed tests, the panics after the first and
    the culprit, as every CI format words them: `partial: 1 of 1: a frame without
    its file line`, `test: TestX in pkg`, `panics: a [recovered]`, `  → b`,
    `culprit: F at /path:12`. A panic whose value runs over lines is said on its
    line, as the title says one (`  → validation failed: field a: required`): one
    fact a line."""
    lines = [flat(f"partial: {c} of {len(view.reports)}: {reason}")
             for reason, c in view.incomplete[:2]]  # (as the terminal says it)
    tests = tests_said(view.reports)
    if tests:
        lines.append(f"{tests_label(view.reports)}: {tests}")
    for i, panic in enumerate(panics_said(view.report)):
        lines.append(("panics: " if i == 0 else "  → ") + flat(panic))
    culprit = view.culprit
    if culprit is not None:
        lines.append(f"{culprit_label(view)}: {culprit_words(culprit)}")
    return lines


# A hint's facts a CI format lists (the terminal's count: the rest are said as a number)
CI_FACTS = 8


def hint_lines(hint: Hint, facts: list[str] | None = None) -> list[str]:
    """A hint in a CI format: `hint: Title: explanation`, `remedy: …`, and the
    facts read from the report (`  · …`; `facts`: those hint_facts leaves), as
    the terminal lists them."""
    facts = hint.details if facts is None else facts
    lines = [hint_words(hint)]
    if hint.remedy:
        lines.append(flat(f"remedy: {hint.remedy}"))
    lines.extend(flat(f"  · {fact}") for fact in facts[:CI_FACTS])
    if len(facts) > CI_FACTS:
        lines.append(f"  · … {len(facts) - CI_FACTS} more")
    return lines


def hint_words(hint: Hint) -> str:
    """`hint: Title: explanation` on one line (a rule's prose may hold newlines)."""
    return flat(f"hint: {hint.title}: {hint.explanation}" if hint.explanation
                else f"hint: {hint.title}")


def where_summary(view: GroupView, analysis: Analysis) -> str:
    """`3 streams (a, b, c) · lines 12–80, 200–260` (`a.log:12–80` from several inputs)."""
    parts = []
    streams = view.streams
    if _taken_apart(streams, analysis):
        labels = stream_labels(analysis, streams)
        shown = ", ".join(labels[:4]) + (f", +{len(labels) - 4}" if len(labels) > 4 else "")
        parts.append(f"{len(labels)} stream{'s' if len(labels) != 1 else ''} ({shown})")
    spans = view.spans
    if len(analysis.sources) > 1:
        # Line numbers are each input's own: say whose, as grep -n does.
        names = [r.source or "?" for r in view.reports if r.lines]
        shown = ", ".join(f"{name}:{a}–{b}" if a != b else f"{name}:{a}"
                          for name, (a, b) in zip(names[:4], spans[:4], strict=True))
    elif spans:
        shown = ", ".join(f"{a}–{b}" if a != b else str(a) for a, b in spans[:4])
    if spans:
        more = f", +{len(spans) - 4}" if len(spans) > 4 else ""
        parts.append(
            f"line{'s' if spans[0][0] != spans[0][1] or len(spans) > 1 else ''} {shown}{more}"
        )
    return " · ".join(parts)


def _taken_apart(streams: list[str], analysis: Analysis) -> bool:
    """Whether the streams are worth naming: a prefix named one, or its input was
    taken apart into several. An input read as one stream (`s2.1`, the second
    input's only one) is that input, which the lines name."""
    several = len(analysis.sources) > 1

    def input_of(stream: str) -> str:  # (ids: `s3`, or `s2.3` of the second of several inputs)
        return stream.rsplit(".", 1)[0] if several else ""

    labels = {s.id: s.label for s in analysis.streams}
    per_input: dict[str, int] = {}
    for s in analysis.streams:
        per_input[input_of(s.id)] = per_input.get(input_of(s.id), 0) + 1
    return any(labels.get(i) or per_input.get(input_of(i), 0) > 1 for i in streams)


def diagnostic_where(d: Diagnostic, analysis: Analysis) -> str:
    """`lines 31, 41, 46, +20` (`… in a.log` from several inputs): the lines a
    diagnostic is about, as where_summary says a group's, so that every renderer
    names them and none names the lines of another input."""
    if not d.lines:
        return ""
    shown = ", ".join(f"{a}–{b}" if a != b else str(a) for a, b in d.lines[:3])
    more = f", +{len(d.lines) - 3}" if len(d.lines) > 3 else ""
    plural = "s" if len(d.lines) > 1 or d.lines[0][0] != d.lines[0][1] else ""
    whose = f" in {d.source}" if d.source and len(analysis.sources) > 1 else ""
    return f"line{plural} {shown}{more}{whose}"
