"""runtime/cgo's line above a SIGABRT is the crash a person reads.

A cgo program that cannot start an OS thread prints `runtime/cgo: pthread_create
failed: <strerror>` from C and abort()s; Go's dump says only `SIGABRT: abort`.
Every case here is a real paste (samples/wild/index.json says whose).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from stackdemux.analyse import analyse
from stackdemux.analyse.fingerprint import fingerprint
from stackdemux.api import analyze_many
from stackdemux.cgo_notes import abort_note, quoted_note
from stackdemux.grammar import line_grammar
from stackdemux.parse import parse_text

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT / "samples" / "wild"
EAGAIN = "runtime/cgo: pthread_create failed: Resource temporarily unavailable"
EPERM = "runtime/cgo: pthread_create failed: Operation not permitted"

# paste → the line a person reads as its crash
PASTES = {
    "tour416_pthread_create_playground_sigabrt.txt": EAGAIN,
    "bosun1309_pthread_create_after_log_lines_spaces.txt": EAGAIN,
    "mqmetric297_pthread_create_unknown_pc_go123.txt": EAGAIN,
    "podman11950_pthread_create_after_container_ids.txt": EAGAIN,
    "go24484_pthread_create_two_threads_writes_merged.txt": EAGAIN,
    "containerd3019_kubectl_event_runc_pthread_create_sigabrt.txt": EAGAIN,
    "moby20096_syslog_node_error_quotes_pthread_create.txt": EAGAIN,
    "bytebase3096_pthread_create_eperm_docker_run.txt": EPERM,
}


def read(file: str):
    analysis = analyze_many([str(WILD / file)])  # (as the command reads it: paste repair too)
    return analysis.reports, analysis.groups


@pytest.mark.parametrize(("file", "said"), PASTES.items())
def test_the_group_is_titled_by_runtime_cgos_line_and_the_report_keeps_its_sigabrt(file, said):
    reports, groups = read(file)
    (report,) = reports
    assert report.message == "SIGABRT: abort" and report.signal.name == "SIGABRT"
    assert abort_note(report.context) == said
    assert groups[0].title == said


@pytest.mark.parametrize("file", PASTES)
def test_no_goroutine_is_blamed_and_the_fingerprint_is_the_line_alone(file):
    # which goroutine needed the thread is chance (runtime.main in the playground,
    # a timer, a goroutine waiting for 1096 minutes): no culprit, no route hashed
    _, groups = read(file)
    (group,) = groups
    assert group.culprit is None and group.chain == []
    assert group.fingerprint == fingerprint(PASTES[file], [])


def test_one_limit_hit_by_different_programs_is_one_group_and_eperm_another():
    analysis = analyze_many([str(WILD / f) for f in PASTES])
    by_title = {g.title: g for g in analysis.groups}
    assert set(by_title) == {EAGAIN, EPERM}
    assert by_title[EAGAIN].count == 7 and by_title[EPERM].count == 1


def test_a_runtime_cgo_line_is_a_runtime_note_of_the_line_grammar():
    grammar = line_grammar()
    for line in (EAGAIN, "runtime/cgo: runtime/cgo: pthread_create failed: x"):
        assert grammar.classify(line)[0] == "runtime_note"
        assert grammar.parse(line) == grammar.fields(line)  # lark and the regex agree


def test_quoted_at_the_end_of_a_kubelet_event_the_line_is_read_whole_and_only_the_note_said():
    file = "containerd3019_kubectl_event_runc_pthread_create_sigabrt.txt"
    event = (WILD / file).read_text().splitlines()[1]
    assert quoted_note(event) == EAGAIN
    reports, _ = read(file)
    assert reports[0].context == [EAGAIN]
    assert reports[0].lines[0][0] == 2  # the event's line is the report's: every byte kept


def test_a_quoted_note_is_read_only_on_the_line_just_above_sigabrt():
    # a tool's line that quotes it elsewhere says nothing of a dump below
    lines = (WILD / "containerd3019_kubectl_event_runc_pthread_create_sigabrt.txt"
             ).read_text().splitlines()
    moved = "\n".join([lines[0], lines[1], "", *lines[2:]]) + "\n"
    (report,) = parse_text(moved.encode()).reports
    assert report.context == [] and report.message == "SIGABRT: abort"


def test_two_threads_writes_interleaved_read_as_one_note_and_the_tail_as_its_rest():
    # fatalf writes `runtime/cgo: `, the message and `\n` apart: thread B's whole line
    # fell between A's prefix and A's message, which is left alone on the next line
    parsed = parse_text((WILD / "go24484_pthread_create_two_threads_writes_merged.txt"
                         ).read_bytes())
    (report,) = parsed.reports
    assert report.context == [f"runtime/cgo: {EAGAIN}", EAGAIN.removeprefix("runtime/cgo: ")]
    assert parsed.noise == [] and report.lines == [(1, 23)]
    assert abort_note(report.context) == EAGAIN  # (the title's)


def test_a_line_between_a_single_note_and_sigabrt_is_not_taken():
    # one thread's note (one prefix) leaves no message behind: a line between is another's
    text = (WILD / "tour416_pthread_create_playground_sigabrt.txt").read_text().splitlines()
    at = next(i for i, line in enumerate(text) if line == "SIGABRT: abort")
    moved = "\n".join([*text[:at], "pthread_create failed: something else", *text[at:]])
    (report,) = parse_text((moved + "\n").encode()).reports
    assert not any(line.startswith("pthread_create") for line in report.context)


def test_a_sigabrt_without_runtime_cgos_line_keeps_its_title_and_its_culprit():
    path = ROOT / "samples" / "go1.21" / "cgo_abort.txt"  # C code's abort() in a cgo call
    reports = parse_text(path.read_bytes()).reports
    groups, _ = analyse(reports)
    assert groups[0].title == "SIGABRT: abort" and groups[0].culprit is not None
    assert "cgo-thread-create" not in {h.rule for h in groups[0].hints}


def _facts(file: str) -> list[str]:
    _, groups = read(file)
    (hint,) = [h for h in groups[0].hints if h.rule == "cgo-thread-create"]
    return hint.details


def test_the_hint_says_the_error_the_thread_number_and_the_goroutines_holding_threads():
    facts = _facts("bosun1309_pthread_create_after_log_lines_spaces.txt")
    assert facts[0].startswith("pthread_create said `Resource temporarily unavailable` (EAGAIN")
    assert "m=27" in facts[1] and "started 28 threads at least" in facts[1]
    # goroutine 17 [syscall, …, locked to thread] and 6 [syscall, …]; goroutine 1 in select
    assert facts[2] == ("the dump shows 3 goroutines, 2 of them in a system call or locked "
                        "to a thread")


def test_the_hint_tells_eperm_from_a_limit():
    facts = _facts("bytebase3096_pthread_create_eperm_docker_run.txt")
    assert "(EPERM: a sandbox (seccomp) refused the system call, no limit)" in facts[0]
    assert not any("m=" in f for f in facts)  # m=0: the main thread, no count to read
    assert facts[-1].startswith("the dump shows no goroutine of the program's")
