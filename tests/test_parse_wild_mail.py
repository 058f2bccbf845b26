"""Crashes in the text of other documents (samples/wild/): a mail as its list's
archive stores it, a JUnit report's XML, Markdown's inline code, a log line that
a paste broke. Each is undone where the text proves it, and left alone elsewhere."""

from __future__ import annotations

from conftest import ROOT

from stackdemux import analyze
from stackdemux.demux.paste import repair
from stackdemux.grammar import line_grammar
from stackdemux.model import ReportKind

WILD = ROOT / "samples" / "wild"
MAIL = WILD / "kasandev_mail_quoted_printable_rewrapped_quotes.txt"
JUNIT = WILD / "rulesgo4280_junit_xml_escaped_panic.txt"
BACKTICKS = WILD / "gogram289_stack_overflow_inline_code_backticks.txt"
JIRALERT = WILD / "jiralert4_quote_split_log_date_http_panic_go19.txt"
GUTTER = WILD / "matrixone18007_gha_view_gutter_race_clean_lines.txt"


def test_a_quoted_mail_s_rewrapped_lines_are_joined_back():
    # `>> > …Timeouts(0xc000332e0=` / `0,` / `>> 0x0, …)`: a quoted-printable soft
    # break, then the rest the mail client moved to a line with fewer quote levels
    a = analyze(MAIL)
    [r] = a.reports
    assert (r.kind, r.message) == (ReportKind.PANIC, "bad slowdown 0")
    [g] = r.goroutines
    assert [(f.func.rsplit("/", 1)[-1], f.line) for f in g.frames] == [
        ("targets.(*Target).Timeouts", 682), ("csource.Write", 97), ("main.main", 101)]
    assert g.frames[0].args == "0xc000332e00, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0"
    # a path cut after its slash where a link began is joined with no space
    assert g.frames[0].file == ("/home/jin/syzkaller_space/gopath/src/"
                                "github.com/google/syzkaller/sys/targets/targets.go")
    # the mail's own prose, wrapped so too (lines 10-11), is no traceback line: apart
    assert any(s <= 10 and e >= 11 for s, e in a.noise)
    assert r.lines[0][0] == 12


def test_a_line_after_a_quote_that_is_go_s_as_it_stands_is_not_joined_to_it():
    # npm prints `> app@1.0.0 build`; a race report's frame file line, indented
    # by spaces, written right after it by another process, is no rewrap
    npm = "> webapp@1.0.0 build"
    frame = "      /opt/gobin/1.27.3/go/src/testing/testing.go:2195 +0x21c"
    assert repair([npm, frame]).lines == [npm, frame]


def test_quoted_printable_is_undone_only_where_the_text_shows_it_twice():
    line = "x" * 75 + "="  # one line of 76 characters ending in `=`: no proof
    assert repair([line, "rest"]).lines == [line, "rest"]
    got = repair(["fp=3D0x1 " + "y" * 66 + "=", "z", "a" * 75 + "=", "b"])
    assert got.lines == ["fp=0x1 " + "y" * 66 + "z", "a" * 75 + "b"]
    # soft breaks alone join lines, but decode nothing: `=18` is no escape there
    text = "PC=0x46ed21 m=0 sigcode=18446744073709551610"
    got = repair(["x" * 75 + "=", "y", "a" * 75 + "=", "b", text])
    assert got.lines == ["x" * 75 + "y", "a" * 75 + "b", text]


def test_a_junit_report_s_escaped_output_is_read_as_lines():
    # `<error …>=== RUN   TestPanic&#xA;--- FAIL: …&#xA;panic: …&#xA;&#x9;panic: …`
    a = analyze(JUNIT)
    [r] = a.reports
    assert (r.kind, r.message) == (
        ReportKind.PANIC, "runtime error: invalid memory address or nil pointer dereference")
    assert [c.annotation for c in r.chain] == ["recovered", None]
    assert r.tests == ["TestPanic"] and r.signal.name == "SIGSEGV" and r.signal.addr == "0x20"


def test_xml_text_with_no_traceback_line_in_it_is_left_alone():
    line = '<failure message="x">expected 1&#xA;got 2</failure>'
    assert repair([line]).lines == [line]


def test_inline_code_opened_before_a_runtime_note_is_markdown_s():
    # `` `runtime: goroutine stack exceeds … `` … `` fatal error: stack overflow` ``
    [r] = analyze(BACKTICKS).reports
    assert (r.kind, r.message, r.lines) == (ReportKind.FATAL_ERROR, "stack overflow", [(1, 3)])
    assert r.context[0] == "runtime: goroutine stack exceeds 1000000000-byte limit"


def test_a_log_line_of_the_time_alone_and_a_space_before_it_opens_an_http_panic():
    # `> 2018/04/12`, an empty line, then ` 09:09:51 http: panic serving …`: the log
    # package prints the time alone with log.Ltime and no log.Ldate
    [r] = analyze(JIRALERT).reports
    assert (r.kind, r.http_remote) == (ReportKind.PANIC, "127.0.0.1:46502")
    assert r.lines == [(3, 20)]
    classify = line_grammar().classify
    assert classify("09:09:51 http: panic serving 10.0.0.1:5: boom")[0] == "http_panic"
    assert classify("09:09 http: panic serving 10.0.0.1:5: boom")[0] is None


def test_a_gutter_is_taken_off_where_the_lines_behind_it_show_no_other_damage():
    # ` 13043 2024-08-09T01:45:13.2083163Z ==================`: GitHub's log view
    a = analyze(GUTTER)
    [r] = a.reports
    assert r.kind is ReportKind.RACE and r.lines == [(1, 11)] and a.noise == []
    assert r.race.accesses[0].frames[0].line == 59


def test_an_escape_that_stands_for_a_line_break_breaks_the_line():
    # an HTML-escaped page's `&#xA;` inside a line (a mutated real paste, as the fuzzer
    # made it): the line is cut there, for no stream's text may hold a line break
    # (the stream's joined text is counted by them: an IndexError in the foreign-line
    # search before)
    text = (WILD / "geth14422_logcat_tag_only_prefix_arm_go18.txt").read_text()
    line = "E/Go: \t/home/travis/build/ethereum/go-ethereum/go/src/runtime/malloc.go"
    text = text.replace(line, line.replace("E/Go: ", "E/G&#xA;o: "))
    a = analyze(text)
    assert a.reports and all("\n" not in t for s in a.streams for t in s.texts)
    assert repair(["a &amp; b&#10;c &lt;d&gt;"]).lines == ["a & b", "c <d>"]
