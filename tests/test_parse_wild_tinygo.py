"""TinyGo's runtime panics, as its tools print them.

Its runtime prints a runtime error with its address and no stack (`panic:
runtime error at 0x00027c4d: alloc in interrupt`, runtimePanicAt); its tools
(`tinygo run`, `tinygo test`, `tinygo flash -monitor`) look the address up in the
program's debug information and print where it stands on a line of their own,
`[tinygo: panic at FILE:LINE:COLUMN]`, after the panic's line or before it. Read
as a caller list's frame: the file and line alone, in a goroutine of its own."""

from __future__ import annotations

from conftest import ROOT

from stackdemux import analyze
from stackdemux.parse import parse_text
from stackdemux.tinygo_location import read_location

WILD = ROOT / "samples" / "wild"
MONITOR = WILD / "tinygo3673_flash_monitor_location_line_column.txt"
STDLIB = WILD / "tinygosite_stdlib_test_location_before_panic.txt"
RUN = WILD / "tinygo4816_run_location_after_panic_file_without_line.txt"
PICO = WILD / "cyw43439_22_tinygo_monitor_quoted_pico_w.txt"
# (the same page as STDLIB, its archive/tar section: a method called through an
# interface, which the debug information names no file for)
INTERFACE = ("[tinygo: panic at <Go interface method>]\n"
             "panic: runtime error at 0x000000000026eb43: nil pointer dereference\n"
             "FAIL\tarchive/tar\t0.169s\n")


def _frames(r) -> list[tuple[str, int]]:
    return [(f.file, f.line) for g in r.goroutines for f in g.frames]


def test_the_monitor_s_location_after_the_panic_is_its_frame():
    [r] = analyze(MONITOR).reports
    assert r.message == "runtime error at 0x00027c4d: alloc in interrupt"
    assert _frames(r) == [("/home/ayke/src/tinygo/bluetooth/adapter_sd.go", 74)]
    assert r.lines == [(7, 8)]


def test_the_test_tool_s_location_before_the_panic_is_its_frame():
    [r] = analyze(STDLIB).reports
    assert _frames(r) == [
        ("/home/ron/Development/tinygo/tinygo-122/src/internal/bytealg/bytealg.go", 304)]
    assert r.lines == [(8, 10)]  # (its FAIL line too)


def test_a_location_with_no_line_is_the_report_s_line_and_no_frame():
    [r] = analyze(RUN).reports
    assert r.goroutines == [] and r.lines == [(5, 6)]
    [r] = parse_text(INTERFACE).reports
    assert r.goroutines == [] and r.lines == [(1, 3)]


def test_a_location_is_read_only_next_to_a_located_panic():
    # (a panic the runtime raises without an address names no place)
    text = RUN.read_text().replace("runtime error at 0x000000000021261d: ", "")
    [r] = parse_text(text).reports
    assert r.lines == [(5, 5)]
    assert read_location("panic: runtime error at 0x10006709: nil pointer dereference") is None


def test_a_quote_block_holding_a_crash_among_prose_is_unquoted():
    # two lines quoted among four: too few for the whole paste's quoting
    [r] = analyze(PICO).reports
    assert r.message == "runtime error at 0x10006709: nil pointer dereference"
    assert r.lines == [(6, 6)]


def test_a_quote_block_holding_no_crash_stays_quoted():
    text = PICO.read_text().replace("> panic: runtime error", "> runtime error")
    assert parse_text(text).reports == []


def test_the_location_s_regex_reads_as_lark_reads_the_grammar():
    from lark import Lark

    from stackdemux.grammar import grammar_text

    lark = Lark(grammar_text("records.lark"), start="tinygo_location", parser="earley",
                lexer="dynamic_complete")  # (as stackdemux.grammar reads its grammars)
    lines = [t for p in (MONITOR, STDLIB, RUN) for t in p.read_text().split("\n")
             if "[tinygo: panic at " in t] + [INTERFACE.split("\n")[0]]
    assert len(lines) == 4
    for line in lines:
        tokens = {t.type: str(t) for t in lark.parse(line).scan_values(lambda v: v is not None)}
        assert read_location(line) == (tokens["TINYGO_FILE"],
                                       int(tokens["TINYGO_LINE"]) if "TINYGO_LINE" in tokens
                                       else None), line
