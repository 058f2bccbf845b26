"""Crashes whose message alone does not say what to do, explained from real pastes.

Each rule's facts are read from the paste's own text: the GOROOT its frames name,
the package plugin.Open names, the bytes Go printed at a SIGILL's PC, the words of
Windows' exception record. A hint never enters a group's fingerprint: the same
crash groups alike whether a rule knows it or not."""

from __future__ import annotations

from pathlib import Path

import pytest

import stackdemux
import stackdemux.analyse as analyse_module
from stackdemux.analyse import analyse
from stackdemux.api import analyze_many
from stackdemux.parse import parse_text

WILD = Path(__file__).resolve().parent.parent / "samples" / "wild"


def _facts(name: str, rule: str) -> list[str]:
    analysis = stackdemux.analyze(next(WILD.glob(f"{name}_*.txt")))
    (hint,) = [h for g in analysis.groups for h in g.hints if h.rule == rule]
    return hint.details


def test_a_wasm_program_run_with_another_release_s_glue_names_the_glue_to_load():
    # Go 1.24's syscall reads fs.constants.O_DIRECTORY as it starts; the paste's
    # wasm_exec.js was Go 1.23's (richardlehane/siegfried#286)
    assert _facts("siegfried286", "wasm-exec-mismatch") == [
        "the frames name GOROOT /opt/hostedtoolcache/go/1.24.0/x64, Go 1.24's: load its "
        "lib/wasm/wasm_exec.js"]
    # Go 1.12's js.FuncOf asks for _makeFuncWrapper; a GOROOT naming no release
    # leaves both places (Windows' c:/go, Homebrew's libexec)
    assert _facts("gowasmexamples2", "wasm-exec-mismatch") == [
        "the frames name GOROOT c:/go: its wasm_exec.js is in lib/wasm (Go 1.24 on) or "
        "misc/wasm (before)"]
    assert _facts("mesh675", "wasm-exec-mismatch")[0].startswith(
        "the frames name GOROOT /usr/local/opt/go/libexec: ")


def test_an_undefined_value_in_the_program_s_own_code_is_no_glue_mismatch():
    # the same message from the program's code (not syscall's init) is the
    # program's own bug: only the init's read of the glue's constants is the glue's
    text = ("panic: syscall/js: call of Value.Int on undefined\n\n"
            "goroutine 1 [running]:\n"
            "syscall/js.Value.float({{}, 0x0, 0x0}, {0x812d7, 0x9})\n"
            "\t/usr/local/go/src/syscall/js/js.go:523 +0x10\n"
            "main.main()\n\t/app/main.go:12 +0x37\n")
    groups, _ = analyse(parse_text(text.encode()).reports)
    assert [g.title for g in groups] == ["panic: syscall/js: call of Value.Int on undefined"]
    assert [h.rule for g in groups for h in g.hints] == []


def test_a_plugin_built_by_another_go_release_is_told_apart_from_another_module_version():
    assert _facts("gotify6", "plugin-version-mismatch") == [
        "internal/goarch is in Go's standard library: the plugin and the program were built "
        "by different Go releases (or with other flags)"]


def test_an_illegal_instruction_quotes_the_bytes_go_printed_at_its_pc():
    assert _facts("operatorregistry1086", "illegal-instruction") == [
        "instruction bytes at pc=0x1175cd00: 0x1 0x0 0x1f 0xf4 0x10 0x0 0x5f 0xe9 0x10 0x0 "
        "0x49 0xf9 0x5 0x0 0x9 0xf4"]


def test_checkptr_blames_the_code_that_did_the_pointer_arithmetic_not_the_runtime():
    assert _facts("aegis31", "checkptr") == [
        "github.com/spaolacci/murmur3.Sum32WithSeed at "
        "external/com_github_spaolacci_murmur3/murmur32.go:129"]


def test_a_windows_access_violation_reads_the_exception_record_s_words():
    # `Exception 0xc0000005 0x0 0x0 0x7ffe280f4b3d`: a read of address 0 in a DLL
    assert _facts("dfs_windows", "windows-access-violation") == [
        "the thread tried to read address 0x0 at pc=0x7ffe280f4b3d",
        "addr=0x0 is near zero: the field at offset 0x0 of a nil pointer was read",
        "the runtime found no Go function at pc=0x7ffe280f4b3d (`runtime: unknown pc`): the "
        "instruction is in code outside Go (C code, a DLL) or is no code at all"]
    # `Exception 0xc0000005 0x8 0xc0002c44b0 0xc0002c44b0`: execution of its own address
    assert _facts("go76614", "windows-access-violation")[:2] == [
        "the thread tried to execute address 0xc0002c44b0 (the faulting instruction's own "
        "address)",
        "execution jumped to 0xc0002c44b0, where there is no code to run: a call through a "
        "corrupted function value or return address"]


def test_a_crash_in_cgo_s_c_code_keeps_its_signal_facts_in_the_cgo_hint_alone():
    # golang/go#11710: `signal arrived during cgo execution`; cgo-signal's facts say
    # the jump to address 0, the Windows hint only reads the record's words
    analysis = stackdemux.analyze(next(WILD.glob("go11710_*.txt")))
    hints = {h.rule: h.details for g in analysis.groups for h in g.hints}
    assert hints["windows-access-violation"] == [
        "the thread tried to execute address 0x0 (the faulting instruction's own address)"]
    assert any(d.startswith("pc=0x0 is the faulting address") for d in hints["cgo-signal"])


def test_tinygo_s_alloc_in_interrupt_names_the_allocation_tinygo_located():
    assert _facts("tinygo3673", "tinygo-alloc-in-interrupt") == [
        "/home/ayke/src/tinygo/bluetooth/adapter_sd.go:74"]


@pytest.mark.parametrize("name", ["gowasmexamples2", "gotify6", "operatorregistry1086", "aegis31",
                                  "dfs_windows", "go76614", "tinygo3673"])
def test_a_hint_does_not_change_how_crashes_group(name, monkeypatch):
    path = str(next(WILD.glob(f"{name}_*.txt")))
    hinted = analyze_many([path])
    monkeypatch.setattr(analyse_module, "shipped_rules", lambda: ())  # no rule at all
    bare = analyze_many([path])
    assert [h.rule for g in hinted.groups for h in g.hints]
    assert [h.rule for g in bare.groups for h in g.hints] == []
    assert [g.fingerprint for g in hinted.groups] == [g.fingerprint for g in bare.groups]
