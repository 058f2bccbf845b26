"""gccgo 12's tracebacks as this machine's gccgo printed them (samples/gccgo12/: the
corpus's fleet program built with `go build -compiler gccgo`, samples/generate.py).

What a person reads in them, and the model must too: every goroutine and every frame
(a bare name, then its file line with no offset), the crash's package as its path
(gccgo 11+ prints `go.etcd.io/bbolt` as its symbols encode it, `go_0etcd_0io_1bbolt`),
the culprit, and libgo's own files shown as printed (they are GCC's tree, no GOROOT).
"""

from __future__ import annotations

import re

import pytest
from conftest import SAMPLES, manifest

from stackdemux import analyze
from stackdemux.analyse.origins import split_function
from stackdemux.model import ReportKind
from stackdemux.render import RenderOptions, render

GCCGO = sorted(e["file"] for e in manifest() if e["file"].startswith("gccgo"))
# A frame: a bare name, or `created by …`, then its tab-indented file line.
_FRAME = re.compile(r"^(?!created by )(\S+)\n\t(\S+):(\d+)$", re.M)


def test_the_gccgo_samples_are_gccgo_s():
    assert len(GCCGO) >= 10
    assert {e["go"] for e in manifest() if e["file"] in GCCGO} == {"gccgo 12.2.0"}


@pytest.mark.parametrize("rel", GCCGO)
def test_every_frame_gccgo_printed_is_read_with_its_file_and_line(rel):
    text = (SAMPLES / rel).read_text()
    a = analyze(SAMPLES / rel)
    printed = [(m[1], m[2], int(m[3])) for m in _FRAME.finditer(text)]
    read = [(f.func, f.file, f.line) for r in a.reports for g in r.goroutines for f in g.frames]
    assert read == printed
    # a plain capture: nothing repaired, nothing left unread
    assert a.diagnostics == []
    assert all(g.bare_names for r in a.reports for g in r.goroutines if g.frames)


def test_an_encoded_package_path_is_read_as_the_path():
    bolt = analyze(SAMPLES / "gccgo12/gccgo_bolt.txt")
    [group] = bolt.groups
    assert group.culprit.func == "go_0etcd_0io_1bbolt.Cursor.search"  # as printed
    assert (group.culprit.package, group.culprit.origin) == ("go.etcd.io/bbolt", "vendor")
    assert [h.rule for h in group.hints] == ["bbolt-corrupt"]


@pytest.mark.parametrize(("func", "package"), [
    ("go_0etcd_0io_1bbolt.Cursor.search", "go.etcd.io/bbolt"),
    # module example.com/my_mod-x.v2, package sub_pkg, built with gccgo 12 here
    ("example_0com_1my__mod_x2dx_0v2_1sub__pkg.Boom__now", "example.com/my_mod-x.v2/sub_pkg"),
    # what no encoding made stays as printed
    ("sync.runtime__Semacquire", "sync"),
    ("runtime.dopanic_m", "runtime"),
    ("engine._Cfunc_DBUnlockFile", "engine"),
])
def test_gccgo_s_package_encoding_is_undone_only_where_it_encoded(func, package):
    assert split_function(func)[0] == package


def test_a_goroutine_s_start_in_libgo_is_no_step_of_the_crash_s_chain():
    [group] = analyze(SAMPLES / "gccgo12/gccgo_maps.txt").groups
    assert group.culprit.func == "main.concurrentMapWrites..func1"
    assert "runtime.kickoff" not in [f.func for s in group.chain for f in s.frames]
    assert [h.rule for h in group.hints] == ["concurrent-map-access"]


@pytest.mark.parametrize(("rel", "kind", "culprit"), [
    ("gccgo12/gccgo_nil.txt", ReportKind.PANIC, "main.Session.Greeting"),
    ("gccgo12/gccgo_system.txt", ReportKind.PANIC, "main.Session.Greeting"),
    ("gccgo12/gccgo_repanic.txt", ReportKind.PANIC, "main.handle"),
    ("gccgo12/gccgo_crash.txt", ReportKind.PANIC, "main.mustLoad"),
    ("gccgo12/gccgo_deadlock.txt", ReportKind.FATAL_ERROR, "main.deadlock"),
    ("gccgo12/gccgo_small_all.txt", ReportKind.PANIC, "main.small..func1"),
])
def test_the_culprit_is_the_program_s_frame_below_libgo_s_machinery(rel, kind, culprit):
    a = analyze(SAMPLES / rel)
    assert [r.kind for r in a.reports] == [kind]
    assert [g.culprit.func for g in a.groups] == [culprit]


def test_a_sigquit_dump_reads_every_goroutine_the_scheduler_s_too():
    [r] = analyze(SAMPLES / "gccgo12/gccgo_sigquit.txt").reports
    assert (r.kind, r.message) == (ReportKind.SIGNAL_DUMP, "SIGQUIT: quit")
    idle = r.goroutines[0]
    assert (idle.id, idle.state) == (0, "idle")
    assert [f.func for f in idle.frames] == ["epoll_wait", "runtime_mstart"]
    assert len(r.goroutines) == 14


def test_libgo_s_files_render_as_gccgo_printed_them():
    out = render(analyze(SAMPLES / "gccgo12/gccgo_maps.txt"), "text",
                 RenderOptions(color=False, verbose=True, width=200))
    assert "../../../src/libgo/go/runtime/panic.go:1204" in out
    assert "$GOROOT" not in out
    assert "runtime.dopanic__m\n" in out and "runtime.dopanic__m()" not in out


def test_c_code_called_through_cgo_shows_its_own_frames_and_cgo_s():
    # gccgo prints the C function and cgo's prolog among the Go frames (gc shows
    # runtime.cgocall instead); the culprit is the Go side's call, as in gc's reading
    a = analyze(SAMPLES / "gccgo12/gccgo_cgo_segv.txt")
    [r] = a.reports
    frames = [(f.func, f.file, f.line) for f in r.goroutines[0].frames]
    assert frames[4:7] == [
        ("read_config", "/src/cgocrash/main.go", 12),
        ("_cgo_d978780e29fd_Cfunc_read_config", "/tmp/go-build/cgo-gcc-prolog", 56),
        ("main._Cfunc_read_config", "/tmp/go-build/b001/_cgo_gotypes.go", 36)]
    assert (r.goroutines[0].state, r.signal.name) == ("syscall", "SIGSEGV")
    [group] = a.groups
    assert group.culprit.func == "main._Cfunc_read_config"
    assert [h.rule for h in group.hints] == ["cgo-signal"]


def test_an_abort_in_c_code_reads_with_its_signal_code_and_registers():
    [r] = analyze(SAMPLES / "gccgo12/gccgo_cgo_abort.txt").reports
    assert (r.kind, r.signal.name, r.signal.sigcode) == (
        ReportKind.SIGNAL_DUMP, "SIGABRT", "18446744073709551610")
    assert [f.func for f in r.goroutines[0].frames][:4] == [
        "__pthread_kill_implementation", "__GI_raise", "__GI_abort", "give_up"]
    assert r.registers["rip"] == r.signal.pc and len(r.registers) == 21


def test_c_library_frames_are_not_the_program_s_its_own_c_function_is():
    # glibc's and libgo's C files, printed relative to where they were built, are no
    # -trimpath'd file of the main module; the cgo preamble's C function lies in main.go
    [r] = analyze(SAMPLES / "gccgo12/gccgo_cgo_abort.txt").reports
    origins = {f.func: f.origin for f in r.goroutines[0].frames}
    assert [origins[f] for f in ("__pthread_kill_implementation", "__GI_raise", "__GI_abort")] \
        == ["unknown"] * 3
    assert (origins["give_up"], origins["main.main"]) == ("main", "main")
    [r] = analyze(SAMPLES / "gccgo12/gccgo_sigquit.txt").reports
    idle = r.goroutines[0].frames  # epoll_wait (glibc), runtime_mstart (libgo's proc.c)
    assert [f.origin for f in idle] == ["unknown", "unknown"]
