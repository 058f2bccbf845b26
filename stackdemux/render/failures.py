"""Plain go test failures as the CI formats show them: one entry per failed test,
at the line of its test file that its log names.

A test that fails without crashing (t.Error, t.Fatal) prints no stack, only its
log, `calc_test.go:11: Add(1, 2) = 4, want 3`, under (or, with -v, above) its
`--- FAIL` line (Report.failed_tests, test_output.py). Its report's group says
which tests failed but points nowhere: so every CI format shows each failed test
of such a report on its own (a GitHub annotation, a JUnit case, a SARIF result, a
code quality issue), at its log's file and line, in place of the group. A failed
test is shown when its log says something, or when none of its subtests failed
(a parent test that failed by its subtest alone is said by that subtest). In a
crash's report (a test that panicked after others failed) the tests that failed
before it with a log are shown so too; the test that crashed and its parents, and
the tests that failed there with no log, are the crash's.

Where it points: testing prints the file's base name alone; the file is looked
for in the package's directory in the checkout: the package's path less the
main module's (the checkout's go.mod), else the longest tail of the package's
path under which the checkout holds the file (a module in a subdirectory).
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from functools import cache

from .. import rx
from ..analyse.fingerprint import fingerprint
from ..analyse.normalise import failed_test_title
from ..model import Analysis, FailedTest, LogEntry, Report, ReportKind
from .paths import in_repo, tails
from .view import GroupView


@dataclass(frozen=True, slots=True)
class FailureView:
    """A failed test as the CI formats show it."""

    report: Report
    failed: FailedTest

    @property
    def package(self) -> str | None:
        return self.report.test_package

    @property
    def title(self) -> str:
        """`TestSub/case_2 failed`: log text (the test's name): escape it per system."""
        return f"{self.failed.test} failed"

    @property
    def entry(self) -> LogEntry | None:
        """The log entry it points at: its last error's where the log says which
        entries are errors (go test -json's OutputType: a t.Log after a t.Error is
        no failure), else the last (t.Fatal ends a test; a t.Log before a failure
        says what was being done), where its log has any."""
        log = self.failed.log
        errors = [e for e in log if e.error]
        return errors[-1] if errors else log[-1] if log else None

    @property
    def summary(self) -> str:
        """The message on one line: the entry's first line with words (testify's
        message begins on the line below, after `Error Trace:`), its blanks run
        together; the title where the log is empty."""
        entry = self.entry
        if entry is None:
            return self.title
        lines = [" ".join(ln.split()) for ln in entry.text.split("\n")]
        said = [ln for ln in lines if ln and not ln.startswith("Error Trace:")]
        return said[0] if said else self.title

    @property
    def log_lines(self) -> list[str]:
        """The log as testing printed it, a line a line, `file:line: text` and a
        message's further lines 4 spaces in (plain text: escape it per system)."""
        out = []
        for e in self.failed.log:
            first, *more = e.text.split("\n")
            out.append(f"{e.file}:{e.line}: {first}".rstrip(" "))
            out.extend(f"    {line}".rstrip(" ") for line in more)
        return out

    @property
    def tests_line(self) -> str:
        """`test: TestSub/case_2 in example.com/gotests/calc`, as ci_lines says a crash's test."""
        return f"test: {self.failed.test}" + (f" in {self.package}" if self.package else "")

    @property
    def ci_lines(self) -> list[str]:
        """What GitHub's annotation and JUnit's failure text say of it under its
        title, a line a fact (plain text: escape it per system): its log, its test
        and package, where it is in the log, its id (as view.ci_lines ends a
        crash's with its fingerprint)."""
        return [*self.log_lines, self.tests_line, self.found_in,
                f"fingerprint: {self.fingerprint}"]

    @property
    def found_in(self) -> str:
        """`in build.log: line 8`: which log and which of its lines, as a crash's
        `1× in build.log: lines 41–109` says (view.found_in). It said `line 8 of the
        log`, which of several logs (or of a job's artifacts) left to guess."""
        source = self.report.source
        return f"in {source}: line {self.log_line}" if source else (
            f"line {self.log_line} of the log")

    @property
    def fingerprint(self) -> str:
        """The failure's id: its report's fingerprint (`reports[].fingerprint` in
        the JSON), hashed from its title, `test failed: TestX in pkg`, the same in
        every run whatever values its message prints. One id space: a bot reading
        the JSON and a CI job reading SARIF or code quality file a failure alike
        (they hashed the package and name apart, another id)."""
        return fingerprint(failed_test_title([self.failed.test], self.package), [])

    @property
    def log_line(self) -> int:
        """Its line in the log: its entry's, else its `--- FAIL` line's, else its report's."""
        entry = self.entry
        if entry is not None:
            return entry.input_lines[0]
        if self.failed.input_line is not None:
            return self.failed.input_line
        return self.report.lines[0][0] if self.report.lines else 1


def failure_views(analysis: Analysis) -> list[FailureView]:
    """The failed tests every CI format shows on its own, in the log's order."""
    subtests: set[tuple[str | None, str]] = set()  # (package, parent) of each failed subtest
    for r in analysis.reports:
        for f in r.failed_tests:
            parts = f.test.split("/")
            subtests.update((r.test_package, "/".join(parts[:k])) for k in range(1, len(parts)))
    views = []
    for r in analysis.reports:
        crash = r.kind is not ReportKind.TEST_FAILURE
        crashed = _crashed(r) if crash else set()
        for f in r.failed_tests:
            if f.test in crashed or (not f.log and (crash or (r.test_package, f.test)
                                                    in subtests)):
                continue
            views.append(FailureView(r, f))
    return views


def _crashed(report: Report) -> set[str]:
    """The test a crash's report crashed in, and its parents: the crash says them
    (go test prints that test's `--- FAIL` last, just before the panic). The others
    are shown where their log says something (a test that failed with no word before
    a crash, as a blog's cut `--- FAIL: Test` above it, is the crash's to say)."""
    if not report.failed_tests:
        return set()
    parts = report.failed_tests[-1].test.split("/")
    return {"/".join(parts[:k]) for k in range(1, len(parts) + 1)}


def said_by_failures(view: GroupView) -> bool:
    """Whether a group is plain test failures whose failed tests failure_views shows
    (each shown, or said by its failed subtest): the CI formats show those instead."""
    return bool(view.reports) and all(
        r.kind is ReportKind.TEST_FAILURE and r.failed_tests for r in view.reports)


class FailureIndex:
    """The failed tests failure_views shows, by the report they are of: a report for
    people lists each group's, and a scan of every failed test for each group took
    time quadratic in them (a real `go test` of 3 000 failing subtests: 24 s of CPU
    for the text report, 40 s for Markdown; now well under a second)."""

    def __init__(self, analysis: Analysis) -> None:
        self._of: dict[str, list[tuple[int, FailureView]]] = {}
        for i, failure in enumerate(failure_views(analysis)):
            self._of.setdefault(failure.report.id, []).append((i, failure))

    def of(self, view: GroupView) -> list[FailureView]:
        """The group's failed tests, in the log's order (failure_views')."""
        found = [p for r in view.reports for p in self._of.get(r.id, ())]
        return [f for _, f in sorted(found, key=lambda p: p[0])]


def failed_at(view: GroupView, failures: FailureIndex) -> str | None:
    """`calc_test.go:11`: where a group of a failed go test with no crash failed, as
    its log names it (the entry the CI formats point at), for the index of the
    reports for people, whose culprit column was empty for such a group."""
    if view.culprit is not None or not said_by_failures(view):
        return None
    for failure in failures.of(view):
        entry = failure.entry
        if entry is not None:
            return f"{entry.file}:{entry.line}"
    return None


def failure_file(failure: FailureView, repo_root: str | None) -> tuple[str, int] | None:
    """The checkout's path of the file the failure's entry names, and its line; None
    where no checkout is known or it holds no such file."""
    entry = failure.entry
    if entry is None or not repo_root:
        return None
    name = entry.file.replace("\\", "/")
    if "/" in name:  # a path (a helper's log may print one): as crash frames are mapped
        rel = in_repo(name, repo_root)
        return (rel, entry.line) if rel is not None else None
    if name in ("", ".", ".."):
        return None
    package = [p for p in (failure.package or "").split("/") if p not in ("", ".", "..")]
    root = os.path.abspath(repo_root)
    for directory, module in _modules(root):  # the package's directory in its module's
        prefix = module.split("/")
        if package[:len(prefix)] == prefix:
            rel = posixpath.join(*directory, *package[len(prefix):], name)
            if os.path.isfile(os.path.join(root, rel)):
                return rel, entry.line
    for start, rel in tails([*package, name], root):  # the longest tail of the package's first
        if start == len(package):
            break
        if os.path.isfile(os.path.join(root, rel)):
            return rel, entry.line
    return None


_MODULE = rx.compile(r"module\s+\"?([^\s\"]+)\"?")


# How deep below the checkout's root a module's go.mod is looked for (a monorepo's
# `go/go.mod`, `services/api/go.mod`): a bounded look, not a walk of the checkout.
_MODULE_DEPTH = 2


@cache
def _modules(root: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    """The modules of the checkout: each go.mod's directory (path parts under the
    root) and the module path it declares, the root's first."""
    found = []
    level = [()]
    for _ in range(_MODULE_DEPTH + 1):
        below = []
        for parts in level:
            directory = os.path.join(root, *parts)
            module = _module_path(os.path.join(directory, "go.mod"))
            if module is not None:
                found.append((parts, module))
            try:
                with os.scandir(directory) as entries:
                    below += [(*parts, e.name) for e in entries
                              if e.is_dir(follow_symlinks=False) and not e.name.startswith(".")
                              and e.name not in ("vendor", "testdata", "node_modules")]
            except OSError:
                continue
        level = below
    return tuple(found)


def _module_path(gomod: str) -> str | None:
    """The module path a go.mod declares, or None."""
    try:
        with open(gomod, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = _MODULE.match(line.strip())
                if m is not None:
                    return m.group(1)
    except OSError:
        pass
    return None


def junit_time(failed: FailedTest) -> str:
    """The test's time as JUnit's `time` (seconds, a number), from testing's `0.01s`;
    "0" where it printed none or another unit."""
    elapsed = failed.elapsed or ""
    seconds = elapsed[:-1] if elapsed.endswith("s") and not elapsed.endswith(("ms", "us", "ns",
                                                                               "µs")) else ""
    return seconds if _SECONDS.fullmatch(seconds) else "0"


_SECONDS = rx.compile(r"[0-9]+(?:\.[0-9]+)?")
