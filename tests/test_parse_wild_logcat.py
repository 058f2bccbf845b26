"""Go crashes on Android, as logcat showed them (samples/wild/).

gomobile sends a Go program's stderr to the system log under the tag `Go`, one
record a line; logcat prints each record behind its priority, tag and process
id, in the format of the tool that shows it (grammars/prefixes.lark, `logcat`).
The process id is the stream's key.
"""

from __future__ import annotations

from conftest import ROOT

from stackdemux import analyze
from stackdemux.demux.prefixes_styles import compiled_styles, grammar, match_prefix, record_header
from stackdemux.model import ReportKind

WILD = ROOT / "samples" / "wild"
BRIEF = WILD / "go10759_logcat_brief_e_go.txt"  # adb logcat -v brief
STUDIO_2015 = WILD / "go12020_android_studio_logcat_small_colon.txt"
STUDIO_2024 = WILD / "go66989_android_studio_logcat_columns.txt"
THREADTIME = WILD / "geth16072_logcat_threadtime_386.txt"  # adb logcat -v threadtime


def _label(a, report) -> str | None:
    return next(s.label for s in a.streams if s.id == report.stream)


def test_brief_format_the_panic_is_read_behind_priority_tag_and_pid():
    a = analyze(BRIEF)
    [r] = a.reports
    assert (r.kind, r.message) == (ReportKind.PANIC, "runtime error: index out of range")
    assert _label(a, r) == "3609"
    [g] = r.goroutines
    assert (g.id, len(g.frames)) == (10, 5)
    assert (g.frames[0].file.rsplit("/", 1)[-1], g.frames[0].line) == ("gl.go", 1650)


def test_other_processes_lines_are_their_own_streams():
    # ActivityManager (pid 740) and the status bar (889) logged between; the GL
    # driver's warning is the crashing app's own (pid 3609, another tag)
    labels = {s.label for s in analyze(BRIEF).streams}
    assert {"3609", "740", "889"} <= labels


def test_android_studio_2024_columns_are_one_prefix():
    a = analyze(STUDIO_2024)
    [r] = a.reports
    assert _label(a, r) == "18524" and a.noise == []
    [g] = r.goroutines
    assert [f.func for f in g.frames] == ["os/signal.signal_recv", "os/signal.loop",
                                          "runtime.goexit"]
    assert g.frames[0].pc == "0x74616801b0" and g.created_by.frame.line == 151


def test_android_studio_2015_small_colon_prefix_is_read():
    # `08-05 12:05:18.894    7661-7661/? E/Go﹕ panic: unknown ref 42`
    a = analyze(STUDIO_2015)
    r = a.reports[0]
    assert (r.kind, r.message, _label(a, r)) == (ReportKind.PANIC, "unknown ref 42", "7661")


def test_each_format_s_prefix_and_key():
    logcat = compiled_styles()["logcat"]
    cases = [
        ("E/Go      ( 3609): ", "3609"),
        ("W/Adreno-ES20( 3609): ", "3609"),
        ("08-05 12:05:18.899    7661-7661/? E/Go\ufe55 ", "7661"),
        ("2024-04-23 16:00:02.051 18524-0     Go                      com.nimispace.app"
         "                    E  ", "18524"),
        ("02-12 15:07:44.362  2674     0 E Go      : ", "2674"),
    ]
    for prefix, key in cases:
        assert match_prefix(prefix + "main.main()", logcat) == (len(prefix), key, 0), prefix


def test_words_with_a_slash_and_parentheses_are_no_logcat_prefix():
    logcat = compiled_styles()["logcat"]
    for line in ("I/O error (5): disk full", "a/b (c): d", "E/Go ( x): panic",
                 "2024-04-23 16:00:02.051 some text", "02-12 15:07:44.362 took 2674 ms: ok"):
        assert match_prefix(line, logcat) is None, line


def test_android_studio_2015_record_headers_give_the_goroutine_headers_back():
    # `… E/Go﹕ [ 08-05 12:05:18.894  7661: 7661 E/Go       ]` where Go printed an
    # empty line, then `    goroutine 17 [running, locked to thread]:` with no prefix:
    # the goroutine header is the next line of process 7661, the header line its blank
    a = analyze(STUDIO_2015)
    [r] = a.reports
    assert r.lines == [(1, 13)] and a.noise == []
    assert [(g.id, g.state) for g in r.goroutines] == [(17, "running"), (18, "semacquire")]
    assert r.goroutines[0].frames[0].func == "golang.org/x/mobile/bind/seq.(*Ref).Get"
    [stream] = a.streams
    assert stream.label == "7661"
    assert stream.texts[1:3] == ["", "goroutine 17 [running, locked to thread]:"]


def test_a_long_format_header_is_read_whole_with_its_process_id():
    header = record_header("logcat_record")
    for line, key in (("[ 08-05 12:05:18.894  7661: 7661 E/Go       ]", "7661"),
                      ("[ 08-05 12:05:18.899 17661:17663 I/ActivityManager ]", "17661")):
        assert match_prefix(line, header) == (len(line), key, 0), line
        assert grammar().parse(line, start="logcat_record")
    for line in ("[ 08-05 12:05:18.894  7661: 7661 E/Go       ] panic: x",  # text after it
                 "[ 08-05 12:05:18.894 ] E/Go", "[ 7661: 7661 E/Go ]"):
        assert match_prefix(line, header) is None, line


def test_threadtime_format_the_stack_is_read_behind_time_pid_tid_priority_and_tag():
    # `02-12 15:07:44.362  2674     0 E Go      : `: pid and tid padded to 5, the tag to 8
    a = analyze(THREADTIME)
    [r] = a.reports
    assert _label(a, r) == "2674" and a.noise == [(1, 1)]  # the fence
    [g] = r.goroutines
    assert [f.func for f in g.frames] == [
        "bufio.(*Reader).ReadSlice", "bufio.(*Reader).ReadLine",
        "golang.org/x/mobile/internal/mobileinit.lineLog", "runtime.goexit"]
    assert g.frames[0].pc == "0x8f54339d"
    assert g.created_by.frame.func == "golang.org/x/mobile/internal/mobileinit.init.0"
    # the same columns with another separator before the text are no logcat line
    line = THREADTIME.read_text().splitlines()[1].replace("Go      : ", "Go      | ")
    assert match_prefix(line, compiled_styles()["logcat"]) is None


TAG_ONLY = WILD / "geth14422_logcat_tag_only_prefix_arm_go18.txt"  # Android Studio, columns off
UNKNOWN_PRIORITY = WILD / "go12008_logcat_unknown_priority_logd_dropped.txt"


def test_the_priority_and_tag_alone_are_a_prefix_that_names_no_stream():
    # `E/Go: \t/home/travis/…/panic.go:596 +0x78`: Android Studio's logcat with its
    # date, process and package columns turned off (`adb logcat -v tag` pads the tag)
    a = analyze(TAG_ONLY)
    [r] = a.reports
    assert (r.kind, r.message) == (ReportKind.FATAL_ERROR, "heapBitsForSpan: base out of range")
    [stack] = r.system_stacks
    assert [f.func for f in stack.frames][:2] == ["runtime.throw", "runtime.heapBitsForSpan"]
    assert stack.frames[1].line == 377
    assert [s.label for s in a.streams] == [None] and a.noise == [(1, 1)]  # the fence
    tag = compiled_styles()["logcat_tag"]
    for prefix in ("E/Go: ", "E/Go      : ", "W/go/Seq: "):
        assert match_prefix(prefix + "main.main()", tag) == (len(prefix), None, 0), prefix


def test_a_few_lines_of_prose_that_look_like_a_tag_are_not_stripped():
    # `I/O: …` reads as a priority and a tag: the style must cover most of a log's lines
    log = "\n".join(["starting", "I/O: disk slow", "reading", "I/O: retry", "work",
                     "I/O: ok", "done", "panic: boom", "", "goroutine 1 [running]:",
                     "main.main()", "\t/app/main.go:5 +0x1d", "exit status 2"])
    a = analyze(log)
    assert [s.label for s in a.streams] == [None]
    assert [r.message for r in a.reports] == ["boom"]
    assert a.streams[0].texts[1] == "I/O: disk slow"


def test_logcat_s_question_mark_for_an_unknown_priority_is_a_priority():
    # `?/o       (26732): fatal error: fault`: Go wrote its records in a format logd no
    # longer read; logcat prints `?` for a priority it does not know
    a = analyze(UNKNOWN_PRIORITY)
    assert "26732" in [s.label for s in a.streams]
    assert a.reports[0].kind is ReportKind.FATAL_ERROR and a.reports[0].message == "fault"
