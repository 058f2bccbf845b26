"""gccgo's tracebacks, as real programs built with it printed them (samples/wild/).

libgo's printtrace prints a frame as the function's name alone, then its file line
with no offset; a caller it cannot name as an empty name and `\\t:0`. A bare name is
any log word, so it is no kind of line of its own (grammars/traceback.lark): the
parser reads one only inside a goroutine's stack, right before its file line.
"""

from __future__ import annotations

import json

from conftest import ROOT

from stackdemux import analyze
from stackdemux.model import ReportKind
from stackdemux.parse import parse_text

WILD = ROOT / "samples" / "wild"
COCKROACH = WILD / "gccgo_unexpected_signal.txt"  # gccgo 8, tabs lost in the paste
PAGE_SIZE = WILD / "gccgo_scone_bad_page_size.txt"  # gccgo 10.2
SIGABRT = WILD / "gccgo_scone_sigabrt_c_code.txt"


def test_bare_names_before_their_file_lines_are_the_goroutine_s_frames():
    [r] = analyze(COCKROACH).reports
    assert r.kind is ReportKind.FATAL_ERROR
    [g] = r.goroutines
    assert [f.func for f in g.frames] == [
        "runtime.dopanic", "runtime.throw", "runtime.sigpanic", "runtime.sighandler",
        "runtime.sigtrampgo", "runtime.sigtramp", "?", "?", "?",
        "engine._Cfunc_DBUnlockFile", "engine.$nested85", "engine.unlockFile",
        "engine.$nested86"]
    sigtramp = g.frames[5]
    assert (sigtramp.args, sigtramp.file, sigtramp.line) == (
        None, "../../../src/libgo/runtime/go-signal.c", 86)


def test_an_unknown_caller_is_a_frame_the_culprit_passes_over():
    a = analyze(COCKROACH)
    unknown = a.reports[0].goroutines[0].frames[6]
    assert (unknown.func, unknown.file, unknown.line) == ("?", "", 0)
    assert a.groups[0].culprit.func == "engine._Cfunc_DBUnlockFile"


def test_gccgo_8_s_signal_line_in_decimal_is_the_report_s_signal():
    [r] = analyze(COCKROACH).reports
    assert (r.signal.name, r.signal.code, r.signal.addr, r.signal.pc) == (
        "SIGSEGV", "1", "0x8", hex(43850201))


def test_a_runtime_stack_of_bare_names_ends_with_its_unknown_caller():
    # `main` is libgo's C entry point (go-main.c): a bare word, read because a
    # file line follows it inside the stack
    [r] = analyze(PAGE_SIZE).reports
    [stack] = r.system_stacks
    assert [f.func for f in stack.frames] == [
        "runtime.dopanic_m", "runtime.fatalthrow", "runtime.throw", "runtime.mallocinit",
        "runtime.schedinit", "main", "?"]
    assert r.lines == [(2, 19)]  # SGX's log lines after it stay out


def test_a_goroutine_in_c_code_has_no_stack_and_the_dump_goes_on():
    [r] = analyze(SIGABRT).reports
    assert r.kind is ReportKind.SIGNAL_DUMP and r.signal.name == "SIGABRT"
    by_id = {g.id: g for g in r.goroutines}
    assert sorted(by_id) == [1, 33, 34, 35, 1834]
    assert by_id[33].unavailable and by_id[33].created_by.frame.func == "signal.Notify..func1"
    assert [f.func for f in by_id[35].frames] == ["time.Sleep", "main.loadConfig..func1"]


def test_a_bare_word_without_its_file_line_ends_the_stack_as_any_log_line():
    # the real dump with its first frame's file line taken out: `runtime.dopanic`
    # is then a log word after a goroutine header, and the report ends there
    lines = COCKROACH.read_text().splitlines()
    assert lines[4] == "runtime.dopanic" and lines[5].strip().endswith("panic.go:892")
    cut = "\n".join(lines[:5] + lines[6:]) + "\n"
    first = parse_text(cut).reports[0]
    assert first.goroutines[0].frames == [] and first.lines == [(1, 4)]


def test_a_bare_word_outside_a_stack_is_noise():
    # the same names with no goroutine header above them: no report reads them
    lines = COCKROACH.read_text().splitlines()
    stack_only = "\n".join(line for line in lines[4:16] if not line.startswith(" ")) + "\n"
    got = parse_text(stack_only)
    assert got.reports == []


def test_gccgo_s_frames_render_as_it_printed_them_its_names_alone():
    # no `()` after a name gccgo printed bare, in text and Markdown alike; a gc
    # goroutine's frames keep theirs
    from stackdemux.render import RenderOptions, render

    for fmt in ("text", "markdown"):
        out = render(analyze(COCKROACH), fmt, RenderOptions(color=False, width=200))
        assert "engine._Cfunc_DBUnlockFile\n" in out and "runtime.dopanic\n" in out
        assert "_Cfunc_DBUnlockFile()" not in out and "?()" not in out
    assert analyze(COCKROACH).reports[0].goroutines[0].bare_names
    gc = render(analyze(WILD / "grmon_sigsegv.txt"), "text", RenderOptions(color=False))
    assert "main.main()" in gc


def test_a_runtime_stack_of_bare_names_says_so_in_json():
    from stackdemux.render import RenderOptions, render

    [r] = analyze(PAGE_SIZE).reports
    assert r.system_stacks[0].bare_names
    out = json.loads(render(analyze(PAGE_SIZE), "json", RenderOptions()))
    assert out["reports"][0]["system_stacks"][0]["bare_names"] is True


GOOTSTRAP = WILD / "gootstrap2_gccgo5_method_name_encoding_prompt_rune.txt"


def test_the_c_runtime_s_signal_line_has_no_pc_and_is_the_panic_s_signal():
    # libgo's runtime_dopanic, before the runtime was Go: `[signal %x code=%p addr=%p]`
    result = parse_text(GOOTSTRAP.read_text(encoding="utf-8"))
    [r] = result.reports
    assert r.signal is not None
    assert (r.signal.name, r.signal.code, r.signal.addr, r.signal.pc) == ("0xb", "0x1", "0x18",
                                                                          None)
    assert r.lines == [(3, 24)] and result.noise == [(1, 2)]
    [g] = r.goroutines
    assert [f.func for f in g.frames[:2]] == ["main.Parse.N18_main.GitIgnoreFile",
                                              "main.createFile.N13_main.gootFile"]
    assert all(f.offset is None for f in g.frames)
