"""A hint's facts are facts of the report it explains: read from that report's
text, not from another crash the text also shows. Each case is a real paste
of samples/wild/ or a real sample."""

from __future__ import annotations

from pathlib import Path

from stackdemux.analyse.hints import earlier_panic
from stackdemux.api import analyze_many

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
WILD = SAMPLES / "wild"


def _hints(path: Path) -> dict[str, list[str]]:
    analysis = analyze_many([str(path)])
    return {h.rule: h.details for g in analysis.groups for h in g.hints}


def test_a_fatal_error_thrown_during_a_panic_does_not_take_the_panic_s_signal_as_its_own():
    # golang/go#67792: a deferred Unlock of an unlocked mutex ran while a nil
    # dereference panicked. Go prints the panic's `[signal SIGSEGV … addr=0x18]`
    # under `fatal error: sync: unlock of unlocked mutex`, and not the panic's
    # message. The unlock hint listed `addr=0x18 is near zero: a field read
    # through a nil pointer` as a fact of the unlock.
    details = _hints(WILD / "go67792_sync_fatal_swallows_panic_zsh_prompt_go123.txt")[
        "unlock-of-unlocked-mutex"]
    assert details[0] == "main.main at /private/tmp/x.go:11"
    assert details[1].startswith("thrown while a panic ran: sync.(*Mutex).Unlock, a deferred "
                                 "call, was run by the `panic(…)` below it on the stack")
    assert details[2] == ("that panic's signal, not this error's: SIGSEGV code=0x2 addr=0x18 "
                          "pc=0x1001c3ed8, in main.main at /private/tmp/x.go:11")
    assert details[3] == ("that panic's addr=0x18 is near zero: the field at offset 0x18 of a "
                          "nil pointer was read or written")
    assert "SIGSEGV code=0x2 addr=0x18 pc=0x1001c3ed8" not in details  # not as the error's own


def test_a_crash_raised_by_its_signal_keeps_the_signal_as_its_own():
    # the same signal facts where the signal is the crash's: a nil dereference's
    # panic, a fault the runtime turned into `fatal error: fault`, a cgo crash
    nil_deref = _hints(SAMPLES / "go1.27" / "nil_pointer.txt")["nil-pointer"]
    assert nil_deref[1].startswith("SIGSEGV code=0x1 addr=0x")
    assert nil_deref[2].endswith("is near zero: the field at offset 0x8 of a nil pointer was "
                                 "read or written")  # (Linux's SIGSEGV says not which)
    cgo = _hints(SAMPLES / "go1.27" / "cgo_segv.txt")["cgo-signal"]
    assert any(d.startswith("SIGSEGV ") for d in cgo)
    assert not any("that panic" in d for d in [*nil_deref, *cgo])


def test_only_the_swallowing_fatal_error_is_read_as_another_panic_s_signal():
    # every sample and paste whose report prints a signal: the one whose
    # signal is an earlier panic's is go67792's
    paths = sorted(SAMPLES.glob("go1.*/*.txt")) + sorted(WILD.glob("*.txt"))
    swallowed = []
    for path in paths:
        for report in analyze_many([str(path)]).reports:
            if earlier_panic(report) is not None:
                swallowed.append(path.name)
    assert swallowed == ["go67792_sync_fatal_swallows_panic_zsh_prompt_go123.txt"]


def test_a_fault_at_pc_zero_is_a_jump_to_address_zero_not_a_field_read():
    # `addr=0x0 pc=0x0`: the instruction address itself faulted (a riscv64
    # runtime's bad return pc; C called through a null function pointer on
    # Windows, where code=0x8 says the access was an execution): the hint said
    # `a field read through a nil pointer`
    for paste in ("go51835_riscv64_gctrace_unexpected_return_pc.txt",
                  "gosciter312_windows_exception_no_blank_delve.txt",
                  "go11710_windows_exception_registers_go15.txt"):
        details = _hints(WILD / paste)["cgo-signal"]
        assert details[-1].startswith("pc=0x0 is the faulting address: execution jumped to "
                                      "address 0"), paste
        assert not any("field" in d for d in details), paste


def test_windows_says_whether_the_access_near_zero_was_a_read():
    # Exception 0xc0000005's first word after the code (code=0x0) is a read
    details = _hints(WILD / "jnigi73_windows_exception_cgo.txt")["cgo-signal"]
    assert details[-1] == "addr=0x0 is near zero: the field at offset 0x0 of a nil pointer was read"


def test_a_stack_cut_after_the_runtime_s_panic_has_no_faulting_frame():
    # the journal kept `panic(0x16dd280, …)` and its file line, not the frames
    # below it: the hint named `panic at …/runtime/panic.go:500` as the faulting
    # frame, where the nil-pointer remedy says to look
    details = _hints(WILD / "moby32809_journald_crash_loop_syslog_tab.txt")["nil-pointer"]
    assert details == ["the stack read ends in the runtime's panic (panic at "
                       "/usr/local/go/src/runtime/panic.go:500): the frame that panicked, "
                       "below it, is not in the text"]
    # cut after runtime.sigpanic, the runtime's own frames under the panic
    details = _hints(WILD / "moby33584_rsyslog_rfc3339_no_pid_go17.txt")["nil-pointer"]
    assert details[0].startswith("the stack read ends in the runtime's panic (runtime.sigpanic "
                                 "at /usr/lib/golang/src/runtime/sigpanic_unix.go:24)")


def test_a_stack_overflow_shown_by_the_runtime_s_stack_alone_says_its_frames_are_not_there():
    # Go 1.2 printed the runtime's stack (morestack, newstack) and no goroutine:
    # the remedy said `the repeating frames below`, and none is below
    analysis = analyze_many([str(WILD / "bosun7_go12_stack_overflow.txt")])
    [hint] = analysis.groups[0].hints
    assert hint.details == ["no stack of the goroutine that overflowed was read, only the "
                            "runtime's: its repeating frames are not in the text"]
    assert "below" not in hint.remedy


def test_memory_refused_as_the_runtime_started_is_not_the_program_s_use_of_memory():
    # runtime.mallocinit, from schedinit: no goroutine had run; the remedy's
    # heap profile and GOMEMLIMIT cannot apply, and the hint now says so
    details = _hints(WILD / "nps1180_arm_cannot_allocate_schedinit_go115.txt")["out-of-memory"]
    assert details == ["refused as the runtime started (runtime.mallocinit on its stack): no Go "
                       "code had run yet, so no allocation of the program's asked for it"]
    # Windows names the size it asked for in the runtime's line above the error
    details = _hints(WILD / "goresym51_windows_virtualalloc_oom_go122.txt")["out-of-memory"]
    assert details == ["runtime: VirtualAlloc of 299704320 bytes failed with errno=1455"]


def test_an_unlock_of_an_unlocked_mutex_printed_as_a_panic_is_not_called_a_fatal_error():
    # Go 1.5 panicked (`panic: sync: unlock of unlocked mutex`); the explanation
    # said `This is a fatal error, not a recoverable panic`
    analysis = analyze_many([str(WILD / "peerflix16_go15_mutex_unlock_panic_banner_alpine.txt")])
    [hint] = analysis.groups[0].hints
    assert analysis.reports[0].kind.value == "panic"
    assert "This is a fatal error" not in hint.explanation
    assert "Go 1.7 and earlier panicked" in hint.explanation


def test_no_hint_of_any_paste_names_the_runtime_s_panic_as_a_crash_site():
    for path in sorted(WILD.glob("*.txt")):
        for rule, details in _hints(path).items():
            assert not any(d.startswith(("panic at ", "runtime.gopanic at ")) for d in details), (
                path.name, rule)


def test_the_thread_limit_hit_is_said_as_the_runtime_printed_it():
    # an Android app's limit is 200, not the default 10 000 the explanation names
    details = _hints(WILD / "karing248_android_200_thread_limit_cut_mid_pc.txt")[
        "thread-exhaustion"]
    assert details == ["runtime: program exceeds 200-thread limit"]


def test_a_bad_pointer_found_by_a_stack_copy_is_not_said_to_be_the_gc_s_find():
    # `invalid pointer found on stack` under runtime.copystack (newstack,
    # morestack): the hint said the garbage collector found it on its own stack
    analysis = analyze_many([str(WILD / "uniffi83_bad_pointer_copystack_gp_go123.txt")])
    [hint] = analysis.groups[0].hints
    runtime_stack = [f.func for f in analysis.reports[0].system_stacks[0].frames]
    assert "runtime.copystack" in runtime_stack
    assert "a stack copy as a goroutine's stack grew" in hint.explanation
    assert "stack is the GC's" not in hint.explanation and "GC found" not in hint.title


def test_a_fault_far_from_zero_is_not_said_to_be_a_nil_pointer_s():
    # debug.SetPanicOnFault, then a read of memory just unmapped: Go's message
    # says `invalid memory address or nil pointer dereference`, its addr= is
    # 0x7fdb5de02000; the hint spoke of a pointer that was nil, and only of that
    for version in ("1.21", "1.27"):
        path = SAMPLES / f"go{version}" / "fault_panic.txt"
        analysis = analyze_many([str(path)])
        [hint] = analysis.groups[0].hints
        addr = analysis.reports[0].signal.addr
        assert int(addr, 16) >= 0x1000
        assert hint.details[-1].startswith(f"addr={addr} is far from zero: no nil pointer's "
                                           "field but memory that is not mapped")
        assert "far from zero is no nil pointer" in hint.explanation
    # a nil pointer's own small addr= gets no such fact
    assert not any("far from zero" in d
                   for d in _hints(SAMPLES / "go1.27" / "nil_pointer.txt")["nil-pointer"])
