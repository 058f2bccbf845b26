"""Fatal errors of the runtime's limits and of sync, as people pasted them
(samples/wild/): thread exhaustion (a `runtime stack:` and no goroutine), and
unlocks of unlocked mutexes, one of them double-spaced and wrapped inside its
fp/sp/pc words by the paste."""

from __future__ import annotations

from conftest import ROOT

from stackdemux import analyze
from stackdemux.demux.paste import repair
from stackdemux.model import ReportKind

WILD = ROOT / "samples" / "wild"
GOWRK = WILD / "gowrk28_windows_thread_exhaustion_sysmon_go110.txt"
TIFLOW = WILD / "tiflow2786_thread_exhaustion_schedule_uniq_counts_go116.txt"
SOCKETIO = WILD / "socketio604_sync_throw_blank_before_file_lines_wrapped_sp.txt"
GO67792 = WILD / "go67792_sync_fatal_swallows_panic_zsh_prompt_go123.txt"


def test_thread_exhaustion_shows_the_scheduler_s_stack_and_no_goroutine():
    [r] = analyze(GOWRK).reports
    assert (r.kind, r.message) == (ReportKind.FATAL_ERROR, "thread exhaustion")
    assert r.context == ["runtime: program exceeds 10000-thread limit"]
    [stack] = r.system_stacks
    assert [f.func for f in stack.frames][-3:] == [
        "runtime.sysmon", "runtime.mstart1", "runtime.mstart"]
    assert stack.frames[0].file == "D:/Go/src/runtime/panic.go" and r.goroutines == []


def test_a_count_of_goroutines_by_state_after_it_is_no_goroutine():
    # `  16876 [chan receive]`: uniq -c's count, then a wait reason in brackets
    a = analyze(TIFLOW)
    [r] = a.reports
    assert r.goroutines == [] and [f.func for f in r.system_stacks[0].frames][-2:] == [
        "runtime.goexit0", "runtime.mcall"]
    last = len(TIFLOW.read_text().splitlines())
    assert a.noise[-1] == (24, last)


def test_its_hint_says_what_the_limit_counts():
    [group] = analyze(GOWRK).groups
    [hint] = group.hints
    assert hint.rule == "thread-exhaustion" and "system call" in hint.explanation


def test_an_empty_line_between_a_call_line_and_its_file_line_is_the_paste_s():
    text = SOCKETIO.read_text().splitlines()
    got = repair(text)
    assert sorted(got.dropped) == [7, 10, 13] and all(not text[n - 1] for n in got.dropped)
    a = analyze(SOCKETIO)
    [r] = a.reports
    assert r.complete and [f.line for f in r.goroutines[0].frames] == [
        992, 978, 220, 214, 33, 436, 43]


def test_a_file_line_wrapped_inside_its_sp_word_is_joined_again():
    # cut at 134 columns, the paste's width, after `sp=` and after `sp`
    [r] = analyze(SOCKETIO).reports
    frames = r.goroutines[0].frames
    assert (frames[4].sp, frames[4].pc) == ("0xc0019779b0", "0xcf339a")
    assert (frames[6].sp, frames[6].pc) == ("0xc001977a10", "0xcf3245")


def test_an_empty_line_after_a_call_line_before_anything_else_is_kept():
    text = SOCKETIO.read_text().splitlines()
    # the call line of sync.throw, an empty line, then the fatal error's own first line
    lines = [text[5], "", text[0]]
    assert repair(lines).lines == lines


def test_a_fatal_error_of_sync_during_a_panic_blames_the_code_below_the_panic():
    [r] = analyze(GO67792).reports
    assert (r.kind, r.message, r.signal.name) == (
        ReportKind.FATAL_ERROR, "sync: unlock of unlocked mutex", "SIGSEGV")
    [group] = analyze(GO67792).groups
    assert (group.culprit.func, group.culprit.line) == ("main.main", 11)
    assert r.exit_status == 2
