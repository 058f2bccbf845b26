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
    assert details[3].startswith("addr=0x18 is near zero: that panic began")
    assert "SIGSEGV code=0x2 addr=0x18 pc=0x1001c3ed8" not in details  # not as the error's own


def test_a_crash_raised_by_its_signal_keeps_the_signal_as_its_own():
    # the same signal facts where the signal is the crash's: a nil dereference's
    # panic, a fault the runtime turned into `fatal error: fault`, a cgo crash
    nil_deref = _hints(SAMPLES / "go1.27" / "nil_pointer.txt")["nil-pointer"]
    assert nil_deref[1].startswith("SIGSEGV code=0x1 addr=0x")
    assert nil_deref[2].endswith("is near zero: a field read through a nil pointer")
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
