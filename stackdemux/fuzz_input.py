"""The input a fuzz target failed on (native fuzzing, `go test -fuzz`, Go 1.18+).

When the fuzzer finds an input its target fails on, testing prints the failure
(its log, a panic's stack), then, at the target's depth (4 spaces in), the
file it wrote the input to and how to run it again (traceback.lark's
`test_fuzz_input` and `test_fuzz_rerun`; none is a kind of line: they are read
only below a failed test's `--- FAIL`, as its log is):

    Failing input written to testdata/fuzz/FuzzUpper/172ac9c6d327d563
    To re-run:
    go test -run=FuzzUpper/172ac9c6d327d563

Plain `go test` then runs every file of `testdata/fuzz/FuzzX/` as the subtest
`FuzzX/<file>` (testing/fuzz.go reads its corpus from there; f.Add's seeds are
`FuzzX/seed#N`): a failure of such a subtest is of that input. Either way the
failure names the file (FailedTest.fuzz_input), which a person opens, and both
are one failure of the target (analyse/normalise.go_test_name).
"""

from __future__ import annotations

import re
from functools import cache

from . import rx

# testing's corpus of a target, relative to its package (testing/fuzz.go: corpusDir)
CORPUS_DIR = "testdata/fuzz/"
_TERMINALS = {"TEST_LOG_INDENT", "FUZZ_INPUT_WRITTEN", "FUZZ_INPUT", "FUZZ_RERUN"}
# a fuzz target's subtest that runs one file of its corpus (not f.Add's `seed#N`)
_CORPUS_SUBTEST = rx.compile(r"(Fuzz[^/]*)/([^/]+)")


@cache
def _rules() -> tuple[tuple[re.Pattern[str], dict[str, int]], re.Pattern[str]]:
    """test_fuzz_input with its fields' groups, and test_fuzz_rerun, from the grammar."""
    from .grammar import COMPILER_VERSION, cached_compile, compile_rule, grammar_text

    text = grammar_text("traceback.lark")
    rules = ("test_fuzz_input", "test_fuzz_rerun")
    compiled = cached_compile("fuzz_input", text + COMPILER_VERSION,
                              lambda: [compile_rule(text, r, keep_terminals=_TERMINALS)
                                       for r in rules])
    (written, fields), (rerun, _) = compiled
    return (rx.compile(written), fields), rx.compile(rerun)


def written_to(text: str) -> tuple[int, str] | None:
    """(depth, file) of a `Failing input written to FILE` line: the depth of the
    test it is said at (its indentation less 4, as a log entry's), the file
    relative to the package; None for any other line."""
    (written, fields), _ = _rules()
    m = written.fullmatch(text)
    if m is None:
        return None
    return len(m.group(fields["test_log_indent"])) - 4, m.group(fields["fuzz_input"])


def is_rerun_hint(text: str) -> bool:
    """Whether `text` is the `To re-run:` line below it, or the command after that."""
    return _rules()[1].fullmatch(text) is not None


def target_of(path: str) -> str:
    """The fuzz target a corpus file is of: `testdata/fuzz/FuzzUpper/172a…` → `FuzzUpper`."""
    return path[len(CORPUS_DIR):].split("/", 1)[0]


def corpus_file(test: str) -> str | None:
    """The corpus file that plain `go test` ran as the subtest `test`
    (`FuzzUpper/172ac9c6d327d563` → `testdata/fuzz/FuzzUpper/172ac9c6d327d563`);
    None for a seed (`FuzzUpper/seed#0`) and any other test."""
    m = _CORPUS_SUBTEST.fullmatch(test)
    if m is None or m.group(2).startswith("seed#"):
        return None
    return CORPUS_DIR + test
