"""Concrete messages → titles: the variable parts replaced by placeholders.

`panic: invalid page type: 6432: 10` and `panic: invalid page type: 17: 4`
are the same crash; their title is `panic: invalid page type: <N>: <N>`.

One compiled alternation scans the message once. Every branch starts at a
distinct kind of character and its repeats cannot overlap one another, so the
scan is linear in the message length whatever an attacker wrote into the log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from stackdemux import rx
from stackdemux.cgo_notes import refused_thread
from stackdemux.model import Report, ReportKind

_UNIT = r"(?:ns|us|µs|μs|ms|s|m|h)"
_TOKEN = rx.compile(
    "|".join(
        (
            # Go's %q: backslash escapes, no raw newline inside.
            # Bounded, so that a line of unterminated quotes stays linear.
            r'(?P<str>"(?:[^"\\\n]|\\.){0,256}"|`[^`\n]{0,256}`)',
            # RFC 3339 and Go's time.Time.String(): `2026-11-26T08:00:00.5Z`,
            # `2026-11-26 08:00:00.5 +0000 UTC m=+0.001` (fixed-width fields: linear).
            r"(?P<time>\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?"
            r"(?:Z|[+-]\d\d:?\d\d)?(?: [+-]\d{4}(?: [A-Z]{2,5})?)?(?: m=[+-]\d+\.\d+)?)",
            r"(?P<uuid>\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b)",
            r"(?P<addr>\b0[xX][0-9a-fA-F]+\b)",
            # IPv4 with an optional port. (IPv6 "[::1]" reads like Go's "[::7]" slice bounds.)
            r"(?P<ip>\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?::\d+)?\b)",
            # 1h2m3.5s, 300ms: Go's time.Duration.String().
            rf"(?P<dur>\b\d+(?:\.\d+)?{_UNIT}(?:\d+(?:\.\d+)?{_UNIT})*\b)",
            # Absolute paths, not the path part of a URL (preceded by '/' or a host: a
            # URL's `://` puts a '/' before its path's, and its first '/' has none
            # after it); Windows' too (C:\Users\RUNNER~1\AppData\Local\Temp\TestSave1234567\001:
            # the random tail t.TempDir and os.MkdirTemp give a name changes on every
            # run). A path right after a key's ':' is one: fmt's %v of a map or %+v of
            # a struct (`spec_path:/var/folders/…/T/TestX3378785822/outside/spec.md`).
            # (one branch, two look-behinds: a ':' before it only after a key's last
            # character; a branch of its own cost a third more CPU in the scan)
            r"(?P<path>(?<![\w./~-])(?<![^\w\]]:)"
            r"(?:/(?:[\w.@+~-]+/)*|[A-Za-z]:[\\/](?:[\w.@+~-]+[\\/])*)[\w.@+~-]+)",
            # Long hex or digit runs: container ids, digests, hashes; and short ones
            # that mix digits and letters: a docker id (3f2504e0a1b2), a git commit
            # (8b7e6d5). The look-aheads read one word at a word start: linear.
            r"(?P<id>\b[0-9a-fA-F]{16,}\b"
            r"|\b(?=[0-9a-f]{0,14}[0-9])(?=[0-9a-f]{0,14}[a-f])[0-9a-f]{7,15}\b)",
            # Not inside words (int64, func1) nor versions (v1.2.3).
            # A sign is part of the number: Go ≤ 1.26 prints panic(3.14) as +3.140000e+000.
            r"(?P<num>(?<![\w.])[-+]?\d+(?:\.\d+)*(?:[eE][-+]?\d+)?(?!\w))",
        )
    )
)

_PLACEHOLDER = {
    "str": "<STR>",
    "time": "<TIME>",
    "uuid": "<UUID>",
    "addr": "<ADDR>",
    "ip": "<IP>",
    "dur": "<DUR>",
    "path": "<PATH>",
    "id": "<ID>",
    "num": "<N>",
}

_SPACE = rx.compile(r"\s+")

# A title longer than this says nothing more; the concrete message is kept whole
# elsewhere (Group.messages). Cutting here also caps the regex work per message.
MAX_MESSAGE = 4096


def _replace(match: re.Match[str]) -> str:
    return _PLACEHOLDER[match.lastgroup or "num"]


# A crash loop's reports say the same few messages: each is normalised once.
@lru_cache(maxsize=4096)
def normalise(message: str) -> str:
    """The message with numbers, times, addresses, ids, durations, quoted values and paths
    replaced by placeholders, and runs of white space (newlines too) made one space."""
    cut = len(message) > MAX_MESSAGE
    text = _SPACE.sub(" ", _TOKEN.sub(_replace, message[:MAX_MESSAGE])).strip()
    return text + " …" if cut else text


# The word Go printed before the message, for the kinds whose message lacks it.
_PREFIX = {
    ReportKind.PANIC: "panic: ",
    ReportKind.FATAL_ERROR: "fatal error: ",
    ReportKind.RACE: "data race: ",
    # (the parser's message says it already, `test failed: TestX`: said once, not
    # `test failure: test failed: TestX`; FINGERPRINT_SCHEME 3)
    ReportKind.TEST_FAILURE: "test failed: ",
    ReportKind.GOROUTINE_DUMP: "goroutine dump: ",
    ReportKind.SIGNAL_DUMP: "",  # the message is the signal line itself: "SIGQUIT: quit"
}


_FAILED = _PREFIX[ReportKind.TEST_FAILURE]

# The parts of a go test's name that its run chose, not its author: a time
# (`time.Now().String()`, its spaces written `_` by testing), a UUID
# (`uuid.NewString()`) and a run of 16 hex digits or more (`rand.Int()`,
# `time.Now().UnixNano()`, a fuzz corpus entry's hash), each a whole word (`_`
# parts words: testing writes a space so). Every other number is the author's
# (`size-10`, `#01`, `AES-128`, `max=2147483648` in Go's own tests): it tells
# a table's cases apart, so it stays (FINGERPRINT_SCHEME 9). Each branch starts
# at a word's start and its repeats cannot overlap: linear.
_RUN_VALUE = rx.compile(
    r"(?<![0-9A-Za-z])(?:"
    r"(?P<time>\d{4}-\d\d-\d\d[T _]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?"
    r"(?:[ _][+-]\d{4}(?:[ _][A-Z]{2,5})?)?(?:[ _]m=[+-]\d+\.\d+)?)"
    r"|(?P<uuid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
    r"|(?P<id>[0-9a-fA-F]{16,})"
    r")(?![0-9A-Za-z])")


# A fuzz target's subtest that ran an input the fuzzer found and wrote to its corpus,
# named by the file (`FuzzUpper/172ac9c6d327d563`: sha256's first 16 hex digits, all
# 64 in Go 1.19; fuzz_input.py), is the failure `go test -fuzz` said as the target's
# (`--- FAIL: FuzzUpper`): one id, the input's file in FailedTest.fuzz_input
# (FINGERPRINT_SCHEME 12). A seed (`FuzzUpper/seed#0`) or a file its author named stays.
_FUZZ_FOUND = rx.compile(r"(Fuzz[^/]*)/[0-9a-f]{16,}")


def go_test_name(name: str) -> str:
    """A go test's name as a title says it: as testing printed it, less what its
    run chose (_RUN_VALUE): `TestSizes/size-10` stays, `TestIDs/<UUID>`; a fuzz
    target's found input its target's (`FuzzUpper/172ac9c6d327d563`: `FuzzUpper`)."""
    found = _FUZZ_FOUND.fullmatch(name)
    if found is not None:
        name = found.group(1)
    cut = len(name) > MAX_MESSAGE
    text = _RUN_VALUE.sub(_replace, name[:MAX_MESSAGE])
    return text + " …" if cut else text


def failed_test_title(tests: Iterable[str], package: str | None) -> str:
    """`test failed: TestSub/case_2 in example.com/gotests/calc`: a failed go
    test's title, which its id is hashed from: its report's (JSON, the Python
    API) and the CI formats' entry for the test (render/failures.py) alike."""
    # parallel tests end in any order: the same failures name their tests in one
    # order, or a run's fingerprint would change with its scheduling (a report
    # names one test since FINGERPRINT_SCHEME 7; Go's names have no ", ": it
    # prints a space as "_")
    body = _FAILED + ", ".join(sorted(dict.fromkeys(go_test_name(t) for t in tests)))
    # a test is named by its package too: TestNew failing in two packages is two
    # failures (FINGERPRINT_SCHEME 7); the path is a name, not normalised
    return f"{body} in {package}" if package else body


def title(report: Report) -> str:
    """The report's kind and normalised message: `panic: invalid page type: <N>: <N>`."""
    prefix = _PREFIX.get(report.kind, f"{report.kind.value}: ")
    note = refused_thread(report) if report.context else None
    if note is not None:
        # why the OS refused a thread (runtime/cgo's before abort(), the runtime's before
        # `fatal error: newosproc`): the crash a person reads, not SIGABRT or newosproc
        return normalise(note)
    if report.kind is ReportKind.SIGNAL_DUMP and report.message.startswith("Exception "):
        # Windows names the crash by its exception's code (0xc0000005: an access
        # violation) as a signal's name does: kept whole, unlike the address and pc
        code, _, rest = report.message[len("Exception "):].partition(" ")
        return f"Exception {code} {normalise(rest)}".rstrip()
    message = report.message or ""
    if report.kind is ReportKind.TEST_FAILURE and message.startswith(_FAILED):
        # a test's name is a name, not a message: its numbers tell tests apart
        names = message[len(_FAILED):].strip()
        if names:
            return failed_test_title(names.split(", "), report.test_package)
    body = normalise(message)
    if report.kind is ReportKind.TEST_FAILURE and report.test_package and body:
        return f"{body} in {report.test_package}"
    if not body:
        return prefix.rstrip(": ")
    # the message already says it: "DATA RACE: …", or is only the kind: a
    # headerless dump's "goroutine dump"
    said = body.lower()
    if prefix and (said.startswith(prefix.lower().rstrip()) or said == prefix.lower().rstrip(": ")):
        return body
    return prefix + body
