"""A js/wasm Go program's crash, copied from a browser's console (samples/wild/).

wasm_exec.js writes the program's stderr with console.error; the console shows
each message with the script and line that logged it, and copying the console
puts that before every line (grammars/prefixes.lark, `jsconsole`).
"""

from __future__ import annotations

from conftest import ROOT

from stackdemux import analyze
from stackdemux.demux.prefixes_styles import compiled_styles, match_prefix
from stackdemux.model import ReportKind

WASM = ROOT / "samples" / "wild" / "go38574_wasm_exec_console_prefix.txt"


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
