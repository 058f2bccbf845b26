"""Web frameworks' recovery, as people pasted their log records (samples/wild/).
Gin's: its head (`[Recovery] 2024/02/25 - 14:00:46 panic recovered:`, after the log
package's time), in debug mode the request's dump, the value on a line of its own, then
Martini's caller list with pcs (grammars/traceback.lark, GIN_RECOVERY). Beego's: each
line a record behind its logger's time and level, `Handler crashed with error ` and the
value, then each caller's `file:line` (BEEGO_LOG, BEEGO_PANIC; stackdemux/callers.py).
The record is the report's, head to last caller; the value is its message, whatever it
reads like."""

from __future__ import annotations

from conftest import ROOT

from stackdemux import analyze
from stackdemux.model import ReportKind

WILD = ROOT / "samples" / "wild"
SISH = WILD / "sish19_gin_recovery_request_dump_abort_handler.txt"
XIAOZHI = WILD / "xiaozhi260_gin_access_line_recovery_request_dump_gorm_nil.txt"
DISTRIBYTED = WILD / "distribyted278_gin_recovery_release_mode_source_lines_spaces.txt"
AURORA = WILD / "aurora168_gin_recovery_head_cut_to_its_last_words.txt"


def test_the_request_s_dump_stands_between_the_head_and_the_value():
    a = analyze(SISH)
    [r] = a.reports
    assert (r.kind, r.message, r.complete) == (ReportKind.PANIC, "net/http: abort Handler", True)
    assert r.lines == [(1, 28)] and a.noise == []
    [g] = r.goroutines
    assert [(f.file.rsplit("/", 1)[-1], f.line) for f in g.frames[:3]] == [
        ("reverseproxy.go", 309), ("utils.go", 48), ("http.go", 113)]


def test_the_access_line_before_the_record_is_no_part_of_it():
    a = analyze(XIAOZHI)
    [r] = a.reports
    assert r.message == "runtime error: invalid memory address or nil pointer dereference"
    assert r.lines == [(2, 26)] and a.noise == [(1, 1)]
    assert len(r.goroutines[0].frames) == 16


def test_in_release_mode_the_value_follows_the_head():
    [r] = analyze(DISTRIBYTED).reports
    assert r.lines == [(1, 18)] and r.complete
    assert r.goroutines[0].frames[2].file.endswith("anacrolix/torrent@v1.54.0/webrtc.go")


def test_the_head_s_last_words_alone_open_it_too():
    [r] = analyze(AURORA).reports
    assert r.lines == [(2, 21)] and r.complete


def test_a_head_with_no_caller_list_below_is_any_log_s_words():
    # the record cut before its stack: the head, the request and the value say
    # nothing Go printed
    lines = SISH.read_text().splitlines()
    a = analyze("\n".join(lines[:14]) + "\n")  # (line 15: the first caller)
    assert a.reports == [] and a.noise == [(1, 14)]


BEEGO = WILD / "beego2733_recovery_records_caller_lists_nested_panic_go18.txt"
BEEGO_WINDOWS = WILD / "beego879_recovery_records_millis_windows_paths.txt"


def test_beego_s_records_each_behind_its_logger_s_time_are_one_report():
    # (traceback.lark BEEGO_LOG, BEEGO_PANIC; the request's URL, the record before the
    # head, is the report's context: beego_request)
    a = analyze(BEEGO)
    [r] = a.reports
    assert (r.kind, r.complete) == (ReportKind.PANIC, True)
    assert r.message == "runtime error: invalid memory address or nil pointer dereference"
    assert r.lines == [(1, 10)] and a.noise == []
    assert r.context == ["2017/06/21 16:22:27 [C] [asm_amd64.s:514] the request url is  /hotword"]
    [g] = r.goroutines
    assert [f.file for f in g.frames[:2]] == ["/home/allen.mh/local/go/src/runtime/asm_amd64.s",
                                              "/home/allen.mh/local/go/src/runtime/panic.go"]


def test_beego_s_millisecond_time_and_windows_drives():
    [r] = analyze(BEEGO_WINDOWS).reports
    assert r.message == "runtime error: index out of range"
    assert [(f.file, f.line) for f in r.goroutines[0].frames[-2:]] == [
        ("D:/go/api/src/antbiz/model/im_config.go", 20),
        ("D:/go/api/src/antbiz/model/opRecord.go", 28)]


def test_beego_s_head_with_no_caller_below_is_any_log_s_words():
    lines = BEEGO.read_text().splitlines()
    a = analyze("\n".join(lines[:2]) + "\n")
    assert a.reports == [] and a.noise == [(1, 2)]


NEGRONI = WILD / "negroni251_panic_value_then_debug_stack_inline_code.txt"


def test_negroni_s_value_with_its_goroutine_right_below_is_a_panic():
    # `PANIC: ` and the value, then debug.Stack() (negroni's recovery.go); Markdown's
    # inline code backtick before it is the page's
    a = analyze(NEGRONI)
    [r] = a.reports
    assert (r.kind, r.message) == (
        ReportKind.PANIC, "runtime error: invalid memory address or nil pointer dereference")
    assert r.lines == [(1, 12)] and [g.id for g in r.goroutines] == [338]


def test_a_panic_word_and_no_stack_below_is_any_log_s_words():
    lines = NEGRONI.read_text().splitlines()
    a = analyze("\n".join(lines[:1] + lines[2:]) + "\n")  # (the header taken out)
    # (the frames, headless, are a dump's: the value's line is no panic of theirs)
    assert [(r.kind, r.lines) for r in a.reports] == [(ReportKind.GOROUTINE_DUMP, [(2, 11)])]
    assert a.noise == [(1, 1)]


BEEGO_2014 = WILD / "beego879_recovery_records_file_space_line_go13.txt"


def test_beego_1_2_s_callers_are_a_file_a_space_and_a_line():
    # its logger wrote `%v %v `: `c:/go/src/pkg/runtime/panic.c 248 ` (callers.py)
    a = analyze(BEEGO_2014)
    [r] = a.reports
    assert (r.message, r.lines) == ("runtime error: index out of range", [(2, 10)])
    assert [(f.file, f.line) for f in r.goroutines[0].frames[2:4]] == [
        ("c:/go/src/pkg/runtime/panic.c", 466),
        ("f:/git/golang/src/github.com/astaxie/beego/router.go", 757)]


BEEGO_ASYNC = WILD / "beego1783_async_logger_caller_before_head_go16.txt"


def test_beego_s_asynchronous_logger_s_first_caller_above_the_head_is_the_list_s_first():
    # Beego 1.6's logger, asynchronous, wrote the first caller's record between the
    # request's URL and the head, in the same second: it is the list's first frame
    a = analyze(BEEGO_ASYNC)
    [r] = a.reports
    assert r.lines[0] == (1, 8)
    assert r.context == ["2016/03/11 18:08:32 [router.go:854][C] the request url is  /"]
    frames = r.goroutines[0].frames
    assert [(f.file, f.line) for f in frames[:2]] == [
        ("/usr/local/go/src/runtime/asm_amd64.s", 472), ("/usr/local/go/src/runtime/panic.go", 426)]


def test_a_caller_list_ends_at_runtime_goexit():
    # beego#1783 pasted a second list of the same callers with no head of its own:
    # the first ends at runtime.goexit (asm_amd64.s:1998, below net/http's callers),
    # which no caller follows, so the second is not the first report's
    a = analyze(BEEGO_ASYNC)
    [r] = a.reports
    frames = r.goroutines[0].frames
    assert len(frames) == 6
    assert (frames[-1].file, frames[-1].line) == ("/usr/local/go/src/runtime/asm_amd64.s", 1998)
    assert a.noise == [(9, 14)]


def test_a_caller_record_above_a_head_with_no_url_above_it_is_not_taken():
    # with no request's record above, nothing says the record is this list's: a
    # previous crash's last caller stays where it was read
    lines = BEEGO_ASYNC.read_text().splitlines()
    a = analyze("\n".join(lines[1:]) + "\n")
    [r] = a.reports
    assert r.context == [] and r.goroutines[0].frames[0].file.endswith("panic.go")
    assert a.noise == [(1, 1)]


BEEGO_2013 = WILD / "beego89_recovery_bracketed_records_file_space_line_go11.txt"


def test_beego_s_first_logger_s_records_are_lists_in_brackets():
    # 2013: `[C] [Handler crashed with error …]`, each caller `[C] [file line]`
    # (traceback.lark BEEGO_LISTING_LOG, BEEGO_LISTED; caller_line's LISTED_FILE)
    a = analyze(BEEGO_2013)
    [r] = a.reports
    assert (r.message, r.lines, a.noise) == (
        "runtime error: assignment to entry in nil map", [(1, 11)], [])
    assert [(f.file, f.line) for f in r.goroutines[0].frames[3:5]] == [
        ("/usr/local/go/src/pkg/runtime/panic.c", 229),
        ("/usr/local/go/src/pkg/runtime/panic.c", 487)]


def test_a_bracketed_head_with_no_bracketed_caller_below_is_any_log_s_words():
    head = BEEGO_2013.read_text().splitlines()[0]
    a = analyze(head + "\n")
    assert a.reports == [] and a.noise == [(1, 1)]
