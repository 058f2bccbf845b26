"""One report per failed go test, whatever form the output took.

A package's plain or -v output (and its `go test -json` events, read as the
package's stream) prints all its failed tests before one `FAIL` line: read as
one report they made one id per package, and that id changed whenever another
test of the package began or stopped failing, while `-json` read apart gave one
per test. A failure is a test's: a bot that files issues must see the same id
for the same failed test in every run and every form. So a package's plain test
failure is split into one report per failed test that is a failure of its own
(it printed a log, or none of its subtests failed: render/failures.py shows the
same tests in the CI formats). A parent that failed only because a subtest did
goes with its least-named failed descendant (testing prints a parent's
`--- FAIL` after, or with -v before, its subtests': a name is the same in
either form). The package's own lines (`FAIL`, `FAIL\\tpkg`, `exit status 1`)
go with the last report, as a crash's do.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence

from .model import FailedTest, Report, ReportKind, Span, Stream, spans_of

FAILED = "test failed: "  # the message of a failed test with no panic (parse.py)


def own_failures(failed: Sequence[FailedTest]) -> list[FailedTest]:
    """The failed tests that are failures of their own: a log of their own, or no
    failed subtest among `failed` (the tests of one package)."""
    parents = {"/".join(parts[:k]) for parts in (f.test.split("/") for f in failed)
               for k in range(1, len(parts))}
    return [f for f in failed if f.log or f.test not in parents]


def owner(test: str, own: Sequence[str]) -> str:
    """The failure a folded parent's `--- FAIL` goes with: its least-named own
    failed descendant (it has one: a failed test none of whose descendants
    failed is a failure of its own)."""
    below = test + "/"
    return min(t for t in own if t.startswith(below))


def split_by_test(report: Report, new_id: Callable[[], str],
                  test_lines: Sequence[tuple[int, str]] = ()) -> list[Report]:
    """`report` (a plain test failure of one package, its lines final) as one
    report per failure of its own, in the order of their `--- FAIL` lines; the
    first keeps its id, the others take `new_id()`. A report whose failed tests
    were not read (a gotestsum summary's) is returned as it is. `test_lines`:
    (input line, failed test) of lines read as a test's besides its first `--- FAIL`
    and its log entries' (`go test -count=N`: each later run's `--- FAIL`, which
    went with the package's last failure)."""
    failed = report.failed_tests
    own = own_failures(failed)
    if not own:
        return [report]
    names = [f.test for f in own]
    index = {name: k for k, name in enumerate(names)}
    held: list[list[FailedTest]] = [[] for _ in own]
    marks: list[tuple[int, int, int]] = []  # (first, last, owner): input lines of each test
    for f in failed:
        k = index[f.test] if f.test in index else index[owner(f.test, names)]
        held[k].append(f)
        if f.input_line is not None:
            marks.append((f.input_line, f.input_line, k))
        marks.extend((e.input_lines[0], e.input_lines[1], k) for e in f.log)
    for n, test in test_lines:
        k = index[test] if test in index else index[owner(test, names)]
        marks.append((n, n, k))
    marks.sort()
    starts = [m[0] for m in marks]
    lines: list[list[int]] = [[] for _ in own]
    last = len(own) - 1
    for a, b in (report.lines.spans() if hasattr(report.lines, "spans") else report.lines):
        for n in range(a, b + 1):
            j = bisect_right(starts, n) - 1
            lines[marks[j][2] if j >= 0 and marks[j][1] >= n else last].append(n)
    out = []
    for k, f in enumerate(own):
        tests = sorted(held[k], key=lambda t: t.test)  # parents first: one order in every form
        out.append(Report(
            id=report.id if k == 0 else new_id(), kind=report.kind,
            message=FAILED + f.test, context=list(report.context),
            tests=[t.test for t in tests], test_package=report.test_package,
            failed_tests=tests, exit_status=report.exit_status, stream=report.stream,
            source=report.source, complete=report.complete,
            incomplete_reason=report.incomplete_reason, lines=_spans(lines[k])))
    return out


def _spans(numbers: list[int]) -> list[Span]:
    return spans_of(numbers) if numbers else []


def parents_with_their_failures(reports: Sequence[Report]) -> None:
    """A parent test that failed by its subtest alone goes with that subtest's
    report (its least-named own failure: owner), wherever its `--- FAIL` was read
    (one input's reports). The parser puts it there within a stream
    (parse.failed_before); a big log read in windows (api._split_windows) may read
    it in another window than its subtest's: go test -json prints a parent's
    verdict after its subtests', next to a later test's crash (bigjson's
    TestChatty, its case_00006's verdict 120 records above)."""
    own: dict[tuple[str | None, str], Report] = {}  # (package, test) → its report
    for r in reports:
        for f in own_failures(r.failed_tests):
            own.setdefault((r.test_package, f.test), r)
    if not own:
        return
    for r in reports:
        names = [f.test for f in r.failed_tests]
        for f in list(r.failed_tests):
            if f.log or any(t.startswith(f.test + "/") for t in names):
                continue
            below = [t for p, t in own if p == r.test_package and t.startswith(f.test + "/")]
            if not below:
                continue
            to = own[(r.test_package, owner(f.test, below))]
            if to is r or f.input_line is None:
                continue
            r.failed_tests.remove(f)
            if f.test in r.tests:
                r.tests.remove(f.test)
            to.failed_tests = sorted([*to.failed_tests, f], key=lambda t: t.test)
            to.tests = sorted({*to.tests, f.test})
            r.lines = _without_line(r.lines, f.input_line)
            to.lines = _with_line(to.lines, f.input_line)


def _with_line(lines: Sequence[Span], n: int) -> list[Span]:
    """Spans and line n, merged with the spans it touches."""
    out: list[Span] = []
    for a, b in sorted([*(lines.spans() if hasattr(lines, "spans") else lines),  # type: ignore[attr-defined]
                        (n, n)]):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _without_line(lines: Sequence[Span], n: int) -> list[Span]:
    """Spans less line n."""
    out: list[Span] = []
    for a, b in (lines.spans() if hasattr(lines, "spans") else lines):  # type: ignore[attr-defined]
        if a <= n <= b:
            out.extend(s for s in ((a, n - 1), (n + 1, b)) if s[0] <= s[1])
        else:
            out.append((a, b))
    return out


def mark_package_verdicts_below(streams: Sequence[Stream]) -> None:
    """A big plain or -v go test log read in windows (api._split_windows), each its
    streams (`streams`, in the log's order): mark each stream that a later window's
    `FAIL\tpkg` follows, for the same label, with that package (Stream.verdict_later,
    verdict_package). go test prints a package's output whole, then its verdict, so
    the first `FAIL\tpkg` below failed tests is theirs; the sieve keeps every such
    line of a -v log (sieve_verbose.VERDICT). A window of failed tests more than
    demux.REGION_GAP lines above it (benchmarks/bigjson -v of 6 000 subtests: the
    failed one's verdict 3 000 `--- PASS` lines above TestLate's panic) was read as
    cut short, with no package: another id than the whole log's reading."""
    from .grammar import line_grammar

    # (a -v log's only, from its first `=== RUN`: the sieve keeps every verdict there;
    # in plain output one may be in no window, and the next below another package's)
    first = next((k for k, s in enumerate(streams)
                  if any(t.startswith("=== RUN ") for t in s.texts)), None)
    if first is None:
        return
    classify = line_grammar().classify
    below: dict[str | None, str] = {}  # label → the package of the verdict nearest below
    for s in reversed(streams[first:]):
        package = below.get(s.label)
        if package is not None:
            s.verdict_later, s.verdict_package = True, package
        for t in reversed(s.texts):  # (the stream's first verdict is the one for those above)
            if t.startswith("FAIL\t"):
                kind, m = classify(t)
                if kind == "test_package_fail" and m is not None:
                    below[s.label] = m.group(line_grammar().kinds[kind].fields["package"])


# testing's own failure of a test the race detector saw a race in (`t.Errorf` in
# tRunner, at testing.go's line of its version): the race's report came before it
RACE_SEEN = "race detected during execution of test"


def races_of_tests(reports: Sequence[Report]) -> None:
    """Name the go test each data race ran in (go test -race), in one stream's
    reports in order: the race detector prints a race when it happens, in its
    test's output; testing fails that test when it ends, with RACE_SEEN in its
    log. Plain and -v output name no test in the race's lines (-json's events
    do: Report.tests read from them is kept), so a race with no test is the next
    failed test's whose log says RACE_SEEN, if no other test's failure came between."""
    waiting: list[Report] = []
    for r in reports:
        if r.kind is ReportKind.RACE:
            if not r.tests:
                waiting.append(r)
            continue
        if not r.failed_tests:
            continue
        raced = [f for f in r.failed_tests if any(e.text == RACE_SEEN for e in f.log)]
        if raced and waiting:
            for race in waiting:
                race.tests = [raced[-1].test]
                if race.test_package is None:
                    race.test_package = r.test_package
        waiting = []
