"""The OS refusing a process a thread, as the real pastes show it.

Go's runtime, starting a thread itself (a program without cgo; clone on Linux,
CreateThread on Windows), prints `runtime: failed to create new OS thread (have
N already; errno=E)` and throws `newosproc` (`runtime.newosproc` on Windows);
runtime/cgo prints `runtime/cgo: pthread_create failed: …` and aborts. Either
way no Go code crashed: the line is the crash, which goroutine needed the thread
is chance (no culprit; the fingerprint hashes the title alone), and the hint
reads the error number as the OS that gave it means it."""

from __future__ import annotations

from pathlib import Path

import pytest

import stackdemux
from stackdemux.analyse.fingerprint import fingerprint

WILD = Path(__file__).resolve().parent.parent / "samples" / "wild"
REFUSED = "runtime: failed to create new OS thread (have <N> already; errno=<N>)"


def _one(name: str) -> tuple[stackdemux.Analysis, stackdemux.Group]:
    analysis = stackdemux.analyze(next(WILD.glob(f"{name}_*.txt")))
    (group,) = analysis.groups
    return analysis, group


def _facts(group: stackdemux.Group, rule: str) -> list[str]:
    (hint,) = [h for h in group.hints if h.rule == rule]
    return hint.details


@pytest.mark.parametrize("name, message", [
    ("db1000n221", "runtime.newosproc"),  # Windows
    ("wsl320", "newosproc"),  # WSL 1
    ("wandbox306", "newosproc"),  # a sandbox's process limit
])
def test_the_runtime_refused_a_thread_is_titled_by_its_own_line_and_blames_no_frame(
        name, message):
    analysis, group = _one(name)
    (report,) = analysis.reports
    assert (report.kind.value, report.message) == ("fatal error", message)
    assert report.context[0].startswith("runtime: failed to create new OS thread (have ")
    assert group.title == report.title == REFUSED
    assert group.culprit is None and group.chain == []
    # one crash wherever it happened: the title alone, as runtime/cgo's refusals
    assert group.fingerprint == fingerprint(REFUSED, [])


def test_windows_error_numbers_are_read_as_windows_means_them():
    _, group = _one("db1000n221")
    assert _facts(group, "thread-create") == [
        "the runtime had 962 threads already",
        "errno=8 (windows: ERROR_NOT_ENOUGH_MEMORY: no memory (or, in a 32-bit process, "
        "address space) for the thread's stack)"]


def test_linux_error_numbers_and_the_runtimes_advice_are_said():
    _, group = _one("wandbox306")
    assert _facts(group, "thread-create") == [
        "the runtime had 5 threads already",
        "errno=11 (linux: EAGAIN: a limit on threads or processes, or no memory for a "
        "thread's stack)",
        "may need to increase max user processes (ulimit -u)"]
    for name in ("wsl320", "gosu93"):  # WSL 1 (Go 1.6's os1_linux.go); qemu in buildkit
        _, group = _one(name)
        assert _facts(group, "thread-create")[1] == (
            "errno=22 (linux: EINVAL: clone's arguments refused (reported under emulation "
            "layers))")


def test_an_error_number_whose_system_the_text_does_not_show_is_said_alone():
    # docker4drupal476: compose cut the php container's crash after `runtime stack:`
    _, group = _one("docker4drupal476")
    assert group.title == REFUSED
    assert _facts(group, "thread-create") == ["the runtime had 2 threads already", "errno=22"]


def test_a_second_threads_note_left_on_its_own_line_is_the_reports_not_noise():
    # go24484: two threads' fatalf writes interleaved: `runtime/cgo: runtime/cgo:
    # pthread_create failed: …`, then the first thread's message alone
    analysis, group = _one("go24484")
    (report,) = analysis.reports
    assert analysis.noise == []
    assert report.context == [
        "runtime/cgo: runtime/cgo: pthread_create failed: Resource temporarily unavailable",
        "pthread_create failed: Resource temporarily unavailable"]
    assert report.lines == [(1, 23)]
    assert group.title == "runtime/cgo: pthread_create failed: Resource temporarily unavailable"
    assert ("2 threads failed to start at once: runtime/cgo's lines of them are interleaved"
            in _facts(group, "cgo-thread-create"))


def test_a_single_threads_note_says_nothing_of_threads_failing_at_once():
    _, group = _one("tour416")
    assert not any("at once" in fact for fact in _facts(group, "cgo-thread-create"))


def test_a_windows_cgo_program_s_line_alone_is_the_report_of_its_refused_thread():
    # golang/go#52572: runtime/cgo on Windows prints the C library's errno from
    # _beginthread and calls abort(): no fatal error, no traceback (the line was noise)
    analysis, group = _one("go52572")
    (report,) = analysis.reports
    assert (report.kind.value, report.message) == (
        "fatal error", "runtime: failed to create new OS thread (22)")
    assert group.title == report.title == "runtime: failed to create new OS thread (<N>)"
    assert group.culprit is None and group.chain == []
    assert group.fingerprint == fingerprint(group.title, [])
    assert [h.rule for h in group.hints] == ["thread-create"]
    assert _facts(group, "thread-create")[0] == (
        "errno=22 (the C library's _beginthread: EINVAL: the thread's arguments or stack "
        "size refused)")


def test_the_line_quoted_inside_another_line_or_a_test_s_log_opens_no_report():
    # golang/go#22575: a test's error quotes the child's output, escapes and all;
    # golang/go#50834: a test's log holds the child's output, indented by testing
    quoted = ("--- FAIL: TestWindowsStackMemoryCgo (0.03s)\n"
              "\tcrash_cgo_test.go:460: Failed to read stack usage: strconv.Atoi: parsing "
              "\"59678\\r\\nThis application has requested the Runtime to terminate it in an "
              "unusual way.\\nPlease contact the application's support team for more "
              "information.\\r\\nruntime: failed to create new OS thread (12)\\r\\n\": "
              "invalid syntax\nFAIL\nFAIL\truntime\t19.962s\n")
    indented = ("--- FAIL: TestCgoCrashHandler (0.02s)\n"
                "    crash_test.go:160: output:\n"
                "        main: recovered done\n"
                "        new-thread: recovered done\n"
                "        second-new-thread: recovered done\n"
                "        main-again: recovered done\n"
                "        \n"
                "        This application has requested the Runtime to terminate it in an "
                "unusual way.\n"
                "        Please contact the application's support team for more information.\n"
                "        runtime: failed to create new OS thread (13)\n"
                "        \n"
                "        \n"
                "        wanted:\n"
                "        main: recovered done\n"
                "        new-thread: recovered done\n"
                "        second-new-thread: recovered done\n"
                "        main-again: recovered done\n"
                "FAIL\n"
                "FAIL\truntime\t44.919s\n")
    for text in (quoted, indented):
        (report,) = stackdemux.analyze(text).reports
        assert report.kind.value == "test failure", report
