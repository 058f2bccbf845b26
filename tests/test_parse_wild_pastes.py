"""Paste damage found in recent real pastes (samples/wild/), undone where the
damage is certain and left alone elsewhere."""

from __future__ import annotations

from conftest import ROOT

from stackdemux import analyze
from stackdemux.model import ReportKind

WILD = ROOT / "samples" / "wild"
GITHOUND = WILD / "githound73_backtick_deadlock.txt"
FYNE = WILD / "fyne4868_windows_locked_trailing_spaces.txt"
OKTA = WILD / "verifyokta1_inline_code_http_panic_go111.txt"
TKN = WILD / "tektoncli1650_tkn_step_labels_padded_observed_panic.txt"
NOMAD = WILD / "nomad25820_vim_journal_records_glued_no_host.txt"


def test_a_backtick_opening_inline_code_before_the_first_line_is_markdown_s():
    # `` `fatal error: all goroutines are asleep - deadlock! `` (the paste was put
    # in single backticks): the report opens at its first line
    [r] = analyze(GITHOUND).reports
    assert r.kind is ReportKind.FATAL_ERROR
    assert r.message == "all goroutines are asleep - deadlock!"
    assert r.lines[0][0] == 1 and r.goroutines[0].wait_minutes == 1


def test_a_backtick_before_other_text_is_left_as_it_is():
    text = GITHOUND.read_text().replace("`fatal error: all goroutines are asleep",
                                        "`fatal: all goroutines are asleep")
    [r] = analyze(text).reports
    assert r.kind is ReportKind.GOROUTINE_DUMP


def test_inline_code_around_a_whole_stack_opens_and_closes_with_it():
    # `` `2019/01/20 12:05:31 http: panic serving … `` down to `` … +0x2f5` ``: the report
    # opens at net/http's line, and its last frame keeps its file line
    [r] = analyze(OKTA).reports
    assert (r.kind, r.message, r.http_remote) == (
        ReportKind.PANIC, "assignment to entry in nil map", "[::1]:53366")
    assert r.lines == [(2, 15)] and r.complete
    [g] = r.goroutines
    assert g.created_by.frame.file.endswith("/net/http/server.go")
    assert g.created_by.frame.line == 2851
    # a backtick closing text that reads as no line of Go's stays
    text = OKTA.read_text().replace("+0x2f5`", "+0x2f5 and more`")
    [r] = analyze(text).reports
    assert not r.complete


def test_spaces_after_a_file_line_are_the_terminal_s_not_the_runtime_s():
    # `…/window.go:931 +0x13 fp=… pc=0x7ff6c8f281d3      ` under its call line: the
    # goroutine goes on below it instead of ending at a frame with no file line
    [r] = analyze(FYNE).reports
    [g] = r.goroutines
    assert (g.id, g.state, g.locked) == (1, "syscall", True)
    poll = next(f for f in g.frames if f.func.endswith("glfw.PollEvents"))
    assert (poll.line, poll.pc) == (931, "0x7ff6c8f281d3")
    assert g.frames[-1].func.endswith("(*gLDriver).runGL") and r.complete


def test_rows_a_terminal_padded_to_its_width_end_where_their_text_ends():
    # `goroutine 224 [running]:` and 28 spaces, a call line and 36: the header opens
    # the observed panic's goroutine, where padded it was read as the log's
    [r] = analyze(TKN).reports
    assert (r.kind, r.message) == (ReportKind.PANIC, "send on closed channel")
    [g] = r.goroutines
    assert (g.id, g.state) == (224, "running")
    assert [(f.func.rsplit(".", 1)[-1], f.line) for f in g.frames] == [
        ("logPanic", 74), ("HandleCrash", 48)]


def test_records_run_on_inside_a_line_are_cut_at_the_stream_s_own_prefix():
    # `…pc=0x21d1d15]May 06 23:56:59 nomad[3795872]: goroutine 1022 [running]:`: the
    # goroutine's header, and its frames glued two to a line, are records of their own
    from stackdemux.demux import demultiplex_detail
    from stackdemux.ingest import ingest

    d = demultiplex_detail(ingest(NOMAD.read_bytes()))
    [s] = [s for s in d.streams if s.label == "nomad[3795872]"]
    assert s.texts[:3] == [
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x10 pc=0x21d1d15]",
        "goroutine 1022 [running]:",
        "github.com/hashicorp/nomad/client/allocrunner.(*observer).stop(...)"]
    # each piece names its input line: the header is line 2's, the frames line 3's
    assert [p[0][0] for p in (s.pieces[1], s.pieces[2])] == [2, 3]
    [r] = analyze(NOMAD).reports
    [g] = r.goroutines
    assert (g.id, [f.line for f in g.frames]) == (1022, [73, 256])


def test_a_stream_s_key_in_its_text_but_in_no_prefix_cuts_nothing():
    # (a program may print its own name and pid: only a whole prefix of the
    # stream's style, with its time, is a record's)
    from stackdemux.demux.pasted import _glued_records
    from stackdemux.model import Stream

    texts = ["nomad[3795872]: started", "pid file says nomad[3795872]: ok"]
    s = Stream(id="s1", label="nomad[3795872]", numbers=[1, 2], texts=texts,
               prefix_lengths=[32, 32])
    assert _glued_records(s) is None


def test_mentions_of_the_key_in_no_prefix_are_looked_at_a_bounded_number_of_times(monkeypatch):
    # (a program that prints its own name and pid on every line: the search for
    # glued records gives up, its work bounded whatever the log's length)
    from stackdemux.demux import pasted
    from stackdemux.model import Stream

    calls = []
    real = pasted._record_at
    monkeypatch.setattr(pasted, "_record_at", lambda *a: calls.append(1) or real(*a))
    texts = ["pid file says nomad[3795872]: ok " * 10] * 1000
    s = Stream(id="s1", label="nomad[3795872]", numbers=range(1, 1001), texts=texts,
               prefix_lengths=[32] * 1000)
    assert pasted._glued_records(s) is None
    assert len(calls) == pasted._MAX_MISSES
    # and a glued record after them is still cut when found before the misses run out
    calls.clear()
    glued = NOMAD.read_text().splitlines()[1].split(": ", 1)[1]
    s = Stream(id="s1", label="nomad[3795872]", numbers=[1], texts=[glued], prefix_lengths=[32])
    assert pasted._glued_records(s).texts == [
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x10 pc=0x21d1d15]",
        "goroutine 1022 [running]:"]
    assert len(calls) == 1


MOBY33584 = WILD / "moby33584_rsyslog_rfc3339_no_pid_go17.txt"


def test_go_1_7_s_file_lines_with_fp_and_sp_get_their_lost_tab_back():
    # `/usr/lib/golang/src/runtime/panic.go:500 +0x1a1 fp=0xc4204cd510 sp=0xc4204cd480`
    # behind rsyslog's prefix, its tab lost: Go printed no `pc=` before 1.8
    a = analyze(MOBY33584)
    [r] = a.reports
    [g] = r.goroutines
    assert [(f.func, f.line, f.fp) for f in g.frames] == [
        ("panic", 500, "0xc4204cd510"), ("runtime.panicmem", 62, "0xc4204cd540"),
        ("runtime.sigpanic", 24, "0xc4204cd598")]
    assert r.complete and a.noise == []


LLMD592 = WILD / "llmd592_synctest_deadlock_one_line.txt"


def test_a_closing_fence_after_a_line_of_a_usual_width_is_no_wrapped_piece_of_it():
    # `panic: deadlock: main bubble goroutine has exited but blocked goroutines remain`
    # is 79 characters; the fence below it is the page's, on a line of its own
    a = analyze(LLMD592)
    [r] = a.reports
    assert r.message == "deadlock: main bubble goroutine has exited but blocked goroutines remain"
    assert r.lines == [(2, 2)] and a.noise == [(1, 1), (3, 3)]


MEGACMD = WILD / "megacmd61_word_wrapped_rows_padded_go12.txt"


def test_rows_wrapped_on_spaces_and_padded_give_their_space_back():
    # `mega.go:909` + 118 spaces + `+0xb11`: the console wrapped at 80 columns on a
    # space and padded the row; the next row's own space is the line's
    [r] = analyze(MEGACMD).reports
    g16, g1 = r.goroutines
    assert [(f.line, f.offset) for f in g16.frames] == [(266, "0xb6"), (909, "0xb11")]
    assert g16.created_by.frame.func == "github.com/t3rm1n4l/go-mega.(*Mega).UploadFile"
    [f] = g1.frames
    assert f.args == "0xc21000f640, 0xc2102d40e0, 0x19, 0xc2103b3000, 0xc2102d4152, ..."
    assert (f.line, f.offset) == (939, "0x1f54")
    # whole to its cut; it begins at its signal, its `panic:` line not copied
    assert not r.complete and "signal" in r.incomplete_reason
