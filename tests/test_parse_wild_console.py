"""A js/wasm Go program's crash, copied from a browser's console (samples/wild/).

wasm_exec.js writes the program's stderr with console.error; the console shows
each message with the script and line that logged it, and copying the console
puts that before every line (Chrome: grammars/prefixes.lark, `jsconsole`), or
the script, line and column after it (Firefox: demux/paste.py, `console sources`).
TinyGo's runtime prints a panic as one line and traps.
"""

from __future__ import annotations

from conftest import ROOT

from stackdemux import analyze
from stackdemux.demux.prefixes_styles import compiled_styles, match_prefix
from stackdemux.model import ReportKind

WILD = ROOT / "samples" / "wild"
WASM = WILD / "go38574_wasm_exec_console_prefix.txt"
MESH = WILD / "mesh675_firefox_console_source_after_each_line.txt"
WASM_EXAMPLES = WILD / "gowasmexamples2_firefox_console_source_windows_goroot.txt"
TINYGO = WILD / "tinygo296_wasm_panic_one_line_firefox_chromium.txt"


def test_the_console_s_source_location_is_stripped_and_the_dump_read():
    a = analyze(WASM)
    [r] = a.reports
    assert r.kind is ReportKind.GOROUTINE_DUMP and r.complete
    [g] = r.goroutines
    assert (g.id, g.state, len(g.frames)) == (61, "waiting", 7)
    assert (g.frames[0].func, g.frames[0].line, g.frames[0].offset) == (
        "syscall/js.Value.Call", 390, "0x3")
    # the empty line the console printed as `wasm_exec.js:50 ` alone is no one's
    assert a.noise == [(1, 1)] and [s.label for s in a.streams] == [None]


def test_a_script_and_line_then_a_space_is_the_prefix_and_names_no_stream():
    console = compiled_styles()["jsconsole"]
    assert match_prefix("wasm_exec.js:50 \tos/file.go:153 +0xf", console) == (16, None, 0)
    assert match_prefix("main.mjs:7 panic: boom", console) == (11, None, 0)
    for line in ("main.go:12 +0x1d", "app.js:12:5 error", "see wasm_exec.js:50 here"):
        assert match_prefix(line, console) is None, line


def test_firefox_s_source_column_after_each_line_is_the_console_s():
    # `goroutine 1 [running]: wasm_exec.js:97:29`; the empty line `<empty string> …`
    a = analyze(MESH)
    [r] = a.reports
    assert r.message.endswith("got undefined") and a.noise == []
    [g] = r.goroutines
    assert [(f.func, f.line) for f in g.frames[:3]] == [
        ("syscall/js.Value.Call", 299), ("syscall/js.FuncOf", 46), ("main.setGlobals", 43)]
    # the source column is the paste's, the input's lines are kept as they are
    assert a.reports[0].lines == [(1, 10)]


def test_an_empty_message_may_be_the_source_alone():
    # (this console printed an empty line as `wasm_exec.js:41:14`, no `<empty string>`)
    [r] = analyze(WASM_EXAMPLES).reports
    assert r.complete and r.message.endswith("got undefined")
    frames = r.goroutines[0].frames
    assert (frames[-1].func, frames[-1].file) == (
        "net/http.(*Client).Do", "c:/go/src/net/http/client.go")


def test_wasm_exec_s_column_goes_even_on_one_line_another_script_s_only_on_most():
    # TinyGo's one-line panic, the trap's line after it (`test.wasm:457:1`) is left as it is
    a = analyze(TINYGO)
    assert [(r.kind, r.message, r.goroutines) for r in a.reports] == [
        (ReportKind.PANIC, "(21:0x00010618)", [])] * 2
    assert len(a.groups) == 1
    # another script's column (a bundle that holds wasm_exec.js) goes where it
    # ends most lines, and stays where it ends a few
    from stackdemux.demux.paste import repair

    lines = MESH.read_text().splitlines()
    bundled = [t.replace("wasm_exec.js:97:29", "bundle.js:12:7") for t in lines]
    assert repair(bundled).lines[2] == "goroutine 1 [running]:"
    few = [t.replace(" bundle.js:12:7", "") for t in bundled[:-2]] + bundled[-2:]
    assert repair(few).lines[-1] == "main.main() bundle.js:12:7"
