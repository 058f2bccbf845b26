"""A failed go test's own output: what its t.Error, t.Fatal and t.Log printed.

`go test` prints a failed test's log under its `--- FAIL: TestX (0.00s)` line,
each entry `file.go:12: message` 4 spaces deeper than that line (a subtest's
`--- FAIL` is itself 4 spaces deeper than its parent's), a message's further
lines 4 spaces deeper again. With -v (and in test2json's events) the log is
printed as it is written, before its test's `--- FAIL` line, 4 spaces in at
every depth, after a `=== RUN` (`=== CONT`, `=== NAME`) line naming the test.
The line shapes are traceback.lark's `test_log`, `test_progress`,
`test_verdict` and `test_fail`; none but the last is a kind of line (any log
may hold `x.go:12: text`), so they are read only around `--- FAIL` lines.

The entries are the failure's data (model.FailedTest): they locate a plain
test failure, which prints no stack, at its test file's line for the CI
formats. They enter no title and no fingerprint. t.Log's and t.Error's entries
print alike; `go test -json` of Go 1.27 (of the toolchains here: 1.24.11,
1.25.5 and 1.26.6 do not) types an error's events `"OutputType":"error"` (its
further lines `error-continue`), which the stream carries (Stream.errors) and
each entry then says (LogEntry.error).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import cache

from . import rx
from .fuzz_input import corpus_file, is_rerun_hint, target_of, written_to
from .model import FailedTest, LogEntry

# A -v log read back from a failed test's first `--- FAIL` line goes at most this
# far up (a package's whole -v output precedes its failures): lines past it are
# not looked at, which keeps a log of many failures linear.
MAX_LINES_ABOVE = 20_000

_TERMINALS = {"TEST_LOG_INDENT", "TEST_LOG_FILE", "TEST_LOG_TEXT", "TEST_PROGRESS",
              "TEST_VERDICT"}


@cache
def _rules() -> dict[str, tuple[re.Pattern[str], dict[str, int]]]:
    """The test_log, test_progress, test_verdict and test_fail shapes, each with its
    fields' group numbers, compiled from the grammar once per machine."""
    from .grammar import COMPILER_VERSION, cached_compile, compile_rule, grammar_text

    text = grammar_text("traceback.lark")
    rules = ("test_log", "test_progress", "test_verdict", "test_fail")
    compiled = cached_compile("test_output", text + COMPILER_VERSION,
                              lambda: [compile_rule(text, r, keep_terminals=_TERMINALS)
                                       for r in rules])
    return {r: (rx.compile(source), fields)
            for r, (source, fields) in zip(rules, compiled, strict=True)}


# The lines after which no test's output goes on: a package's verdict (`ok  \tpkg`,
# `FAIL\tpkg`, `PASS`, `FAIL`) ends the -v output read upwards.
_PACKAGE_END = rx.compile(r"(?:ok  |FAIL\t|PASS$|FAIL$)")


def tests_begun(texts: Sequence[str]) -> set[str]:
    """The tests whose `=== RUN` line is among `texts` (-v, -json): where a failed
    test's is not, its output was not read from its start."""
    progress, fields = _rules()["test_progress"]
    return {m.group(fields["test"]) for t in texts if t.startswith("=== RUN")
            for m in [progress.fullmatch(t)] if m is not None}


def read_failures(texts: Sequence[str], numbers: Sequence[int], fails: Sequence[int],
                  end: int, taken: Sequence[int],
                  lines_of: dict[str, list[int]] | None = None,
                  errors: frozenset[int] | None = None,
                  test_runs: Sequence[tuple[int, str | None]] | None = None
                  ) -> tuple[list[FailedTest], list[int]]:
    """The failed tests whose `--- FAIL` lines are at `fails` (indices into `texts`,
    ascending), with their logs, and the indices of the log's lines read (and, in
    `lines_of` when given, each test's: its `--- FAIL` line's and its log's).

    The lines looked at run from above the first `--- FAIL` (a -v log, read up to
    a package's verdict or a line `taken` by a report, a bytearray-like of 0/1)
    down to `end` (exclusive). A log line belongs to the test last named at the
    depth just above it: by its `--- FAIL`/`--- PASS` line, or (-v) its `=== RUN`.
    `numbers[i]` is the input line of `texts[i]`. `errors`: the indices of the
    texts go test -json typed as t.Error's or t.Fatal's (Stream.errors): each
    entry then says whether it is an error's or a t.Log's (LogEntry.error).
    `test_runs`: go test -json's Test of each text (Stream.test_runs): an entry is
    the test its event names (parallel tests' output interleaves line by line in Go
    1.20+'s events, with no `=== NAME` line to name it by)."""
    rules = _rules()
    log, log_f = rules["test_log"]
    progress, progress_f = rules["test_progress"]
    verdicts = (rules["test_fail"], rules["test_verdict"])
    if not fails:
        return [], []
    lo = fails[0]
    floor = max(0, lo - MAX_LINES_ABOVE)
    while lo > floor and not taken[lo - 1] and not _PACKAGE_END.match(texts[lo - 1]):
        lo -= 1
    fail_at = set(fails)
    run_starts = [a for a, _ in test_runs] if test_runs else []
    # -v (and test2json's events): a log cut above its test's `=== RUN` line (a big
    # log's window, a paste) has entries no line names the test of; they are the
    # test whose verdict ends them at their depth (testing prints a -v log as it
    # is written, then the verdict). Not so without -v, where the log follows its
    # `--- FAIL`: entries above one are an earlier test's.
    chatty = any(texts[k].startswith("=== ") for k in range(lo, end))
    unnamed: list[tuple[int, LogEntry, list[int]]] = []  # (depth, entry, lines)
    failures: dict[str, FailedTest] = {}
    logs: dict[str, list[tuple[LogEntry, list[int]]]] = {}
    named: dict[int, str] = {}  # a depth's indentation → the test last named there
    message: LogEntry | None = None
    parts: list[str] = []  # its text's lines (joined once it ends: a long diff stays linear)
    message_lines: list[int] = []
    deeper = ""  # a further line of `message` begins so
    # a fuzz target's failing input (fuzz_input.py): the file, the lines saying it
    inputs: dict[str, str] = {}
    input_lines: dict[str, list[int]] = {}
    said_input: list[str] = []  # the test whose input the last such line named

    def fuzz_line(i: int, text: str, named: dict[int, str]) -> None:
        written = written_to(text)
        if written is not None:
            test = named.get(written[0])
            if test is None or target_of(written[1]) != test:
                return
            inputs[test] = written[1]
            said_input[:] = [test]
        elif said_input and is_rerun_hint(text):
            test = said_input[0]
        else:
            return
        input_lines.setdefault(test, []).append(i)
    for i in range(lo, end):
        text = texts[i]
        if message is not None:
            if text.startswith(deeper) and not (taken[i] and i not in fail_at):
                parts.append(text[len(deeper):])
                message_lines.append(i)
                continue
            message.text = "\n".join(parts)
            message.input_lines = (message.input_lines[0], numbers[message_lines[-1]])
            message = None
        if taken[i] and i not in fail_at:
            continue
        body = text.lstrip(" ")
        if body.startswith("--- "):  # (each line tried only by the rules its start allows)
            for pattern, fields in verdicts:
                m = pattern.fullmatch(text)
                if m is None:
                    continue
                depth = len(text) - len(body)
                test = m.group(fields["test"])
                named = {k: v for k, v in named.items() if k < depth}
                named[depth] = test
                if unnamed:
                    for d, entry, lines in unnamed:
                        if d == depth:
                            logs.setdefault(test, []).append((entry, lines))
                    unnamed = []
                if i in fail_at:
                    if test not in failures:
                        failures[test] = FailedTest(test=test,
                                                    elapsed=m.group(fields["duration"]),
                                                    input_line=numbers[i],
                                                    fuzz_input=corpus_file(test))
                    if lines_of is not None:  # (each run's: go test -count=N)
                        lines_of.setdefault(test, []).append(i)
                break
        elif body.startswith("=== "):
            m = progress.fullmatch(text)
            if m is not None:
                named = {0: m.group(progress_f["test"])}
                unnamed = []
        elif len(body) != len(text):  # (an entry is indented)
            m = log.fullmatch(text)
            if m is None:
                if body.startswith(("Failing input ", "To re-run:", "go test -run=Fuzz")):
                    fuzz_line(i, text, named)
                continue
            depth = len(m.group(log_f["test_log_indent"])) - 4
            test = named.get(depth)
            if test_runs:
                k = bisect_right(run_starts, i) - 1
                if k >= 0 and test_runs[k][1]:
                    test = test_runs[k][1]  # (its event said whose it is)
                elif k >= 0 and test_runs[k][1] is None:
                    # the package's own output, no test's: go test -race's `race
                    # detected during execution of test` said again after the
                    # tests (Go 1.19-1.21's events), below the last one's verdict
                    continue
            if test is None and not chatty:
                continue
            said = m.group(log_f["test_log_text"])
            message = LogEntry(file=m.group(log_f["test_log_file"]),
                               line=int(m.group(log_f["lineno"])), text="",
                               input_lines=(numbers[i], numbers[i]),
                               error=None if errors is None else i in errors)
            parts = [said[1:] if said else ""]
            message_lines = [i]
            deeper = " " * (depth + 8)
            if test is None:
                unnamed.append((depth, message, message_lines))
            else:
                logs.setdefault(test, []).append((message, message_lines))
    if message is not None:
        message.text = "\n".join(parts)
        message.input_lines = (message.input_lines[0], numbers[message_lines[-1]])
    used: list[int] = []
    for test, path in inputs.items():
        failure = failures.get(test)
        if failure is not None:
            failure.fuzz_input = path
            used.extend(input_lines[test])
            if lines_of is not None:
                lines_of.setdefault(test, []).extend(input_lines[test])
    for test, failure in failures.items():
        for msg, lines in logs.get(test, ()):
            failure.log.append(msg)
            used.extend(lines)
            if lines_of is not None:
                lines_of.setdefault(test, []).extend(lines)
    used.sort()
    return list(failures.values()), used
