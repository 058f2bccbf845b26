"""The beam over assignments: the evidence it weighs, the state it shares,
and real corpus logs it must put back together.

Line-interleaved logs are real Go output (samples/, the corpus) merged line
by line; the answer is each process's output parsed on its own.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from conftest import evidence_of as ev

from stackdemux.demux.automaton import automaton
from stackdemux.demux.beam import Beam, separate, silence
from stackdemux.demux.evidence import evidence
from stackdemux.demux.hypothesis import Hypothesis, code, file_name, site_func
from stackdemux.demux.persistent import PMap, PSet
from stackdemux.demux.scores import MISFIT, first_frame, fit, pair_score, score
from stackdemux.demux.splice import unsplice
from stackdemux.demux.track import Track
from stackdemux.grammar import line_grammar
from stackdemux.model import Stream
from tests.corpus.beam_truth import TruthBeam, lines_and_owners
from tests.corpus.beam_truth import run as replay
from tests.corpus.beam_truth import wrong as misplaced
from tests.test_demux_interleave import alone, lines_of, merge_lines, report_keys
from tests.test_demux_splice_chunks import SLOW, truth_cuts

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "corpus" / "cases"


# ------------------------------------------------------ shared state ---


def test_a_persistent_set_never_changes_under_another_hypothesis() -> None:
    a = PSet[int]()
    b = a.add(17)
    c = b.update(range(100))  # past the small part: merged into a new base
    assert 17 not in a and 17 in b and 17 in c and 99 in c and 99 not in b
    assert len(c) == 100 and b.add(17) is b


def test_a_persistent_map_never_changes_under_another_hypothesis() -> None:
    a = PMap[str, str]()
    b = a.set("main", "/src/app/")
    c = b.set("main", "example.com/app/")
    for i in range(50):
        c = c.set(f"pkg{i}", "/x/")
    assert a.get("main") is None and b["main"] == "/src/app/"
    assert c["main"] == "example.com/app/" and "pkg49" in c


def test_a_cloned_track_shares_nothing_it_can_change() -> None:
    t = Track(stack=automaton().start, order=0)
    u = t.clone()
    u.learn(ev("goroutine 7 [running]:"), 3)
    assert 7 in u.gids and 7 not in t.gids and t.goroutines == 0


# ----------------------------------------------------------- evidence ---


def test_an_inlined_call_goes_with_a_file_line_without_pc_offset() -> None:
    t = Track(stack=automaton().start, order=0)
    inlined = ev("go.etcd.io/bbolt.(*DB).View(...)")
    called = ev("go.etcd.io/bbolt.(*Cursor).search(0xc00006ce10, {0xc00006ce08?}, 0x1904)")
    no_pc = ev("\t/work/app/vendor/go.etcd.io/bbolt/cursor.go:12")
    pc = ev("\t/work/app/vendor/go.etcd.io/bbolt/cursor.go:48 +0x199")
    assert pair_score(t, inlined, no_pc, {}) > pair_score(t, inlined, pc, {})
    assert pair_score(t, called, pc, {}) > pair_score(t, called, no_pc, {})


def test_a_trimpath_build_prints_one_toolchain_too() -> None:
    """`-trimpath` prints the standard library as `runtime/sema.go`: a root of
    its own, which a stream that printed a GOROOT cannot take."""
    assert ev("\truntime/sema.go:77 +0x25").root == ""
    t = Track(stack=automaton().start, order=0)
    t.learn(ev("\t/usr/lib/go-1.19/src/runtime/proc.go:363 +0xd6"), 0)
    call = ev("sync.runtime_SemacquireMutex(0x0?, 0x0?, 0x0?)")
    assert pair_score(t, call, ev("\truntime/sema.go:77 +0x25"), {}) == float("-inf")


def test_one_package_lives_in_one_directory_of_one_build() -> None:
    """The same package main printed from two trees is two processes."""
    t = Track(stack=automaton().start, order=0)
    t.learn_frame(ev("main.small.func1.1()"), ev("\texample.com/fleet/main.go:364 +0x1d"))
    call = ev("main.small.func1()")
    same = ev("\texample.com/fleet/main.go:366 +0x108")
    other = ev("\t/work/main/tests/corpus/programs/main.go:366 +0x108")
    assert pair_score(t, call, same, {}) - pair_score(t, call, other, {}) >= 10


def test_a_frames_two_lines_name_one_package() -> None:
    """Go prints a function of import path P from a directory ending in /P;
    the runtime implements linknamed functions of other std packages; package
    main never lies in a GOROOT."""
    go = "/opt/gobin/1.23.9/go/src/"
    fits = [("testing.tRunner.func1.2", go + "testing/testing.go"),
            ("go.etcd.io/bbolt.(*Cursor).search", "/app/vendor/go.etcd.io/bbolt/cursor.go"),
            ("example.com/fleet/ledger.Transfer", "/work/programs/ledger/ledger.go"),
            ("time.Sleep", go + "runtime/time.go"),
            ("internal/runtime/maps.fatal", go + "runtime/panic.go"),
            ("runtime.mapassign_faststr", go + "internal/runtime/maps/runtime_faststr_swiss.go"),
            ("main.main", "example.com/fleet/main.go")]
    misfits = [("main.main", go + "testing/testing.go"),
               ("runtime.main", "/usr/lib/go-1.19/src/sync/waitgroup.go"),
               ("internal/runtime/maps.fatal", "example.com/fleet/main.go"),
               ("go.etcd.io/bbolt.(*Cursor).seek", go + "runtime/time.go")]
    assert all(fit(f, file) >= 0 for f, file in fits)
    assert all(fit(f, file) == MISFIT for f, file in misfits)


def test_a_linknamed_function_fits_the_runtime_file_that_implements_it() -> None:
    """twelve-lines-random: `sync.runtime_SemacquireWaitGroup(…)` and another
    process's `runtime.mcall()` both wait when `runtime/sema.go:114` comes;
    the sync function is the one implemented there, as surely as the
    runtime's own are."""
    sema = "/opt/gobin/1.27.3/go/src/runtime/sema.go"
    assert fit("sync.runtime_SemacquireWaitGroup", sema) == fit("runtime.mcall", sema) > 0
    assert fit("time.Sleep", "/opt/gobin/1.27.3/go/src/runtime/time.go") > 0
    assert fit("sync.(*WaitGroup).Wait", sema) < fit("sync.runtime_SemacquireWaitGroup", sema)


def test_a_goroutine_parks_in_the_runtime_never_in_code_it_calls() -> None:
    """`time.Sleep`, `sync.runtime_SemacquireMutex` call only into the runtime:
    such a frame never follows a frame of the program."""
    t = Track(stack=automaton().start, order=0)
    t.learn(ev("goroutine 5 [running]:"), 0)
    t.learn_frame(ev("go.etcd.io/bbolt.(*DB).View(...)"),
                  ev("\t/work/main/tests/corpus/programs/main.go:44 +0x179"))
    sleep = ev("time.Sleep(0x34630b8a000)")
    assert pair_score(t, sleep, ev("\t/opt/gobin/1.23.9/go/src/runtime/time.go:300 +0xf2"),
                      {}) == float("-inf")
    t = Track(stack=automaton().start, order=0)
    t.learn(ev("goroutine 19 [sleep]:"), 0)
    t.learn_frame(ev("runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)"),
                  ev("\t/opt/gobin/1.23.9/go/src/runtime/proc.go:424 +0xce"))
    assert pair_score(t, sleep, ev("\t/opt/gobin/1.23.9/go/src/runtime/time.go:300 +0xf2"),
                      {}) > float("-inf")


def test_a_panic_after_another_process_recovered_one_opens_its_own_report() -> None:
    """`panic: … [recovered, repanicked]` of one `go test` binary, then the
    next line `panic: …` of another: a lost tab is rarer than a merge."""
    d = CASES / "gotest-lines-random"
    a = (d / "p0.out").read_text().split("\n")[:-1]
    b = (d / "p1.out").read_text().split("\n")[:-1]
    cut = next(i for i, line in enumerate(a) if line.startswith("panic:")) + 1
    rest = merge_lines([a[cut:], b], random.Random(3), run=1)
    text = "\n".join(a[:cut]) + "\n" + rest
    assert text.split("\n")[cut - 1].endswith("[recovered, repanicked]")
    want = [k[:2] for p in ("p0.out", "p1.out")
            for k in report_keys((d / p).read_text(), demux=False)]
    assert sorted(k[:2] for k in report_keys(text)) == sorted(want)  # no goroutine dump left over


def test_a_reports_type_shows_in_its_first_frame() -> None:
    auto = automaton()
    for opener, right, wrong in [
        ("fatal error: concurrent map writes", "runtime.fatal({0x4a6a1c?, 0x4881ef?})",
         "panic({0x4a2e80?, 0xc000084290?})"),
        ("panic: runtime error: invalid memory address or nil pointer dereference",
         "panic({0x4a2e80?, 0xc000084290?})", "internal/runtime/maps.fatal({0x4d2f1b?})"),
    ]:
        t = Track(stack=auto.start, order=0)
        t.learn(ev(opener), 0)
        t.learn(ev("goroutine 21 [running]:"), 1)
        assert first_frame(t, ev(right)) > 0 > first_frame(t, ev(wrong))


def test_a_chained_panic_line_follows_only_a_recovered_panic() -> None:
    """`\tpanic: …` continues a `panic: … [recovered]` of the same process,
    never a fatal error printed by another one just before it."""
    auto = automaton()
    fatal = Track(stack=auto.start, order=0)
    fatal.learn(ev("fatal error: concurrent map writes"), 0)
    recovered = Track(stack=auto.start, order=1)
    recovered.learn(ev("panic: runtime error: index out of range [5] with length 0 [recovered]"), 1)
    chained = ev("\tpanic: handler 5: runtime error: index out of range [5] with length 0")
    assert score(fatal, chained) == float("-inf") < score(recovered, chained)


def test_only_a_faults_report_prints_where_it_faulted() -> None:
    """`[signal SIGSEGV …]` follows a nil dereference's panic (mixed-lines-random:
    two panics open at once), never a panic(err) of the program; and a fault's
    report prints it before its first goroutine."""
    auto = automaton()
    fault = Track(stack=auto.start, order=0)
    fault.learn(ev("panic: runtime error: invalid memory address or nil pointer dereference"), 0)
    custom = Track(stack=auto.start, order=1)
    custom.learn(ev('panic: loading /etc/fleet/node-2.yaml: config: bad value for "listen_addr"'
                    " on line 2"), 1)
    signal = ev("[signal SIGSEGV: segmentation violation code=0x1 addr=0x10 pc=0x49afd6]")
    assert score(fault, signal) - score(custom, signal) >= 10
    header = ev("goroutine 1 [running]:")
    assert score(custom, header) > score(fault, header)


def test_only_a_signal_handlers_report_dumps_registers() -> None:
    """The runtime prints registers from its signal handler alone, after
    `SIGQUIT: quit` and `PC=…`: the first register line after a fatal error's
    stacks is the SIGQUIT dump's (twelve-lines-random: `rax` cut a fatal
    error's goroutine list, and its last goroutines made a report of their own)."""
    auto = automaton()
    fatal = Track(stack=auto.start, order=0)
    fatal.learn(ev("fatal error: concurrent map writes"), 0)
    fatal.learn(ev("goroutine 21 [running]:"), 1)
    dump = Track(stack=auto.start, order=1)
    dump.learn(ev("SIGQUIT: quit"), 2)
    dump.learn(ev("PC=0x471bc1 m=0 sigcode=0"), 3)
    dump.learn(ev("goroutine 0 gp=0x574c20 m=0 mp=0x5758c0 [idle]:"), 4)
    register = ev("rax    0xca")
    assert score(dump, register) - score(fatal, register) >= 5


def test_one_binary_prints_its_paths_one_way() -> None:
    """A -trimpath build prints `example.com/fleet/main.go`, another build of
    the same program `/work/…/main.go` (mixed-lines-random: both crash at once)."""
    t = Track(stack=automaton().start, order=0)
    t.learn(ev("	runtime/panic.go:1046 +0x18"), 0)
    call = ev("main.concurrentMapWrites.func1(0x1)")
    trimmed = ev("	example.com/fleet/main.go:257 +0x8c")
    absolute = ev("	/work/main/tests/corpus/programs/main.go:363 +0x69")
    assert pair_score(t, call, trimmed, {}) - pair_score(t, call, absolute, {}) >= 10


def test_a_recovered_panic_is_followed_by_its_chained_panic_and_nothing_else() -> None:
    """`panic: … [recovered]` prints `\tpanic: …` next; Go 1.25's one-line
    `[recovered, repanicked]` prints none (gotest-lines-random, p0)."""
    auto = automaton()
    recovered = Track(stack=auto.start, order=0)
    recovered.learn(ev("panic: runtime error: index out of range [6] with length 0 [recovered]"), 0)
    repanicked = Track(stack=auto.start, order=1)
    repanicked.learn(ev("panic: ledger: negative balance -42 for account 7 "
                        "[recovered, repanicked]"), 0)
    header = ev("goroutine 18 [running]:")
    assert score(recovered, header) < score(repanicked, header) - 10


def test_a_goroutines_first_frame_shows_what_it_waits_for() -> None:
    """bolt-lines-random: `goroutine 6 [sync.Cond.Wait]` of one process and
    `goroutine 6 [sync.Mutex.Lock]` of another wait at the same time; each
    header's wait reason names the runtime function its first frame shows."""
    auto = automaton()
    sema = ev("\t/usr/lib/go-1.19/src/runtime/sema.go:517 +0x14d")
    cond, mutex = (ev("sync.runtime_notifyListWait(0xc000024050, 0x0)"),
                   ev("sync.runtime_SemacquireMutex(0xc00001c0cc?, 0x0?, 0x1?)"))
    for header, right, wrong in (("goroutine 6 [sync.Cond.Wait]:", cond, mutex),
                                 ("goroutine 6 [sync.Mutex.Lock]:", mutex, cond),
                                 ("goroutine 7 [chan receive]:", ev("main.parkOnChan(0x0?)"),
                                  ev("time.Sleep(0x34630b8a000)"))):
        t = Track(stack=auto.start, order=0)
        t.learn(ev(header), 0)
        assert pair_score(t, right, sema, {}) - pair_score(t, wrong, sema, {}) >= 6


def _first_frame_scores(headers: tuple[str, ...], call, file) -> dict[str, float]:
    """How well a frame (call and file line) begins the stack of each goroutine header."""
    auto = automaton()
    scores = {}
    for header in headers:
        t = Track(stack=auto.start, order=0)
        t.learn(ev(header), 0)
        scores[header] = pair_score(t, call, file, {})
    return scores


def test_a_running_goroutine_is_parked_in_no_function() -> None:
    """gotest-lines-random: the panic's `goroutine 8 [running]` waits for its
    first frame while the deadlock's `goroutine 6 [sync.Mutex.Lock]` prints
    `sync.runtime_SemacquireMutex(…)`: a running goroutine's first frame is
    the code that runs (668 running goroutines in the samples and the
    corpus, none parked), so the frame is the parked goroutine's."""
    auto = automaton()
    call = ev("sync.runtime_SemacquireMutex(0x0?, 0x0?, 0x0?)")
    sema = ev("\t/opt/gobin/1.21.13/go/src/runtime/sema.go:77 +0x25")
    scores = _first_frame_scores(("goroutine 8 [running]:", "goroutine 6 [sync.Mutex.Lock]:"),
                                 call, sema)
    assert scores["goroutine 8 [running]:"] <= scores["goroutine 6 [sync.Mutex.Lock]:"] - 6
    running = Track(stack=auto.start, order=0)
    running.learn(ev("goroutine 8 [running]:"), 0)
    own = ev("example.com/fleet/ledger.(*Account).Withdraw(...)")
    assert pair_score(running, own, ev("\t/work/main/tests/corpus/programs/ledger/ledger.go:14"),
                      {}) == 0


def test_main_main_runs_in_the_main_goroutine_alone() -> None:
    """gotest-lines-random: the deadlock's goroutine 1 ends in `main.main()`
    while a test's `goroutine 18 [running]` waits for its first frame:
    runtime.main calls main.main on goroutine 1 only, so the frame is goroutine 1's.
    (Weighed as a first frame of goroutines alike but for their ids: a
    `[semacquire]` goroutine's first frame is sync.runtime_Semacquire, waits_in.)"""
    call, file = ev("main.main()"), ev("\t/work/main/tests/corpus/programs/main.go:44 +0x18f")
    scores = _first_frame_scores(("goroutine 1 [running]:", "goroutine 18 [running]:"),
                                 call, file)
    assert scores["goroutine 18 [running]:"] <= scores["goroutine 1 [running]:"] - 20


def test_a_test_binary_runs_no_code_of_package_main() -> None:
    """gotest-lines-random: a `go test` process (its goroutine in
    testing.tRunner) and a program's deadlock print at once; a test binary's
    package main is the generated main.main alone, so `main.deadlock.func1()`
    is the program's, and testing's frames are never the program's."""
    auto = automaton()

    def stream(call: str, file: str) -> Track:
        t = Track(stack=auto.start, order=0)
        t.learn(ev("goroutine 6 [running]:"), 0)
        t.learn_frame(ev(call), ev(file))
        return t

    test = stream("testing.tRunner.func1.2({0x52d220, 0xc00010a000})",
                  "\t/opt/gobin/1.23.9/go/src/testing/testing.go:1632 +0x230")
    program = stream("main.deadlock()", "\t/work/main/tests/corpus/programs/main.go:278 +0xde")
    closure = ev("main.deadlock.func1()")
    main_go = ev("\t/work/main/tests/corpus/programs/main.go:270 +0x38")
    assert pair_score(test, closure, main_go, {}) <= pair_score(program, closure, main_go, {}) - 20
    runner = ev("testing.tRunner(0xc000084680, 0x5643f8)")
    testing_go = ev("\t/opt/gobin/1.23.9/go/src/testing/testing.go:1690 +0xf4")
    assert pair_score(program, runner, testing_go, {}) <= pair_score(test, runner, testing_go,
                                                                     {}) - 20


def test_a_stream_silent_far_past_its_pace_is_done() -> None:
    """In random line order a process prints a line with odds 1/pace: a
    stream that printed 40 lines in 100 takes its next line at its pace at
    little or no cost, and one silent for 300 lines since is all but done."""
    t = Track(stack=automaton().start, order=0, first=0, last=100, taken=40)
    assert silence(t, 101) == 0.0 and silence(t, 105) > -1.0
    assert silence(t, 400) < -20


@pytest.mark.parametrize("random_order", [True, False])
def test_in_random_line_order_a_file_line_completes_only_a_call_it_fits(random_order) -> None:
    """bolt-lines-random's p1 and p2: `main.(*Store).Lookup(…)` waits, then
    p2's `sync.runtime_SemacquireMutex(…)`; p1's GOROOT file line comes. A
    frame of package main printed from a GOROOT is none (MISFIT): in random
    line order, where lines are whole, that pairing is not tried at all; in a
    merge of read() chunks a splice may have cut a name, and it is."""
    from stackdemux.demux.burst import RANDOM_LLR

    beam = Beam()
    beam.merge.llr = RANDOM_LLR + 1 if random_order else -RANDOM_LLR - 1
    lines = ["panic: invalid page type: 6404: 10", "goroutine 17 [running]:",
             "main.(*Store).Lookup(0x0?, {0xc00006cf80?, 0x0?}, 0x4a9998?)",
             "sync.runtime_SemacquireMutex(0x0?, 0x0?, 0x0?)"]
    for i, line in enumerate(lines):
        beam.line(i, ev(line), hash(line))
    h = beam.beam[0]
    file = ev("\t/usr/lib/go-1.19/src/runtime/sema.go:77 +0x25")
    calls = {h.floats[m[3]].index for m in beam.pair_moves(h, 4, file, "FRAME_FILE")}
    assert 3 in calls and (2 in calls) is not random_order


def test_a_go_statements_line_is_its_creators_and_its_wrappers() -> None:
    """Go 1.21+ prints `main.startIdle.gowrap1()` at main.go:335, the line that
    another process's `created by main.startIdle` names (twelve-lines-random):
    one line of one function, not two functions at one line."""
    h = Hypothesis()
    h.note_site("/work/main/tests/corpus/programs/main.go", "335", site_func("main.startIdle"))
    wrapper = ev("main.startIdle.gowrap1()")
    other = ev("main.boltCorrupt.func1()")
    file = ev("\t/work/main/tests/corpus/programs/main.go:335 +0x25")
    assert code(h, wrapper, file) > 0 > code(h, other, file)


def test_a_function_lives_in_one_file_whatever_path_a_build_prints() -> None:
    """twelve-lines-random: one process built with -trimpath prints main.main
    at `example.com/fleet/main.go:44`, another at `/work/…/main.go:44`: one
    file of one program, not a function in two files."""
    h = Hypothesis()
    h.homes = h.homes.set("main.main", file_name("/work/main/tests/corpus/programs/main.go"))
    call = ev("main.main()")
    assert code(h, call, ev("\texample.com/fleet/main.go:44 +0x18f")) > 0
    assert code(h, call, ev("\texample.com/fleet/ledger/ledger.go:20")) < 0


def test_a_function_is_one_run_of_lines_in_which_only_its_closures_nest() -> None:
    """twelve-lines-random: the pool's worker is known at main.go:316 and 324,
    parkOnChan at 284, startIdle at 335; main.go:257 (concurrentMapWrites.func1's
    line, in another process) lies past parkOnChan's line, so it is no line of
    the worker, whatever call edge the worker is known by; main.go:320, between
    the worker's own lines, may be, and so may 330; 340 lies past startIdle's.
    A closure's lines lie within its function's: past one, the function goes on."""
    main = "/work/main/tests/corpus/programs/main.go"
    h = Hypothesis()
    for line, func in (("316", "main.(*pool).worker"), ("324", "main.(*pool).worker"),
                       ("284", "main.parkOnChan"), ("335", "main.startIdle"),
                       ("338", "main.startIdle.func1")):
        h.note_site(main, line, site_func(func))
    worker = ev("main.(*pool).worker(0x0?, 0x0?)")
    assert code(h, worker, ev(f"\t{main}:257 +0x8c")) < 0
    assert code(h, worker, ev(f"\t{main}:320 +0x9a")) >= 0
    assert code(h, worker, ev(f"\t{main}:330 +0x9a")) >= 0
    assert code(h, worker, ev(f"\t{main}:340 +0x9a")) < 0
    assert code(h, ev("main.startIdle()"), ev(f"\t{main}:341 +0x1d")) >= 0


# ---------------------------------------------------------- the beam ---


def test_random_line_order_shows_in_the_first_file_lines() -> None:
    """Twelve processes in random line order: file lines seldom follow their
    call lines, so within the first ~30 lines the beam stops deciding
    goroutine headers by the line before them."""
    d = CASES / "twelve-lines-random"
    beam = Beam()
    g = line_grammar()
    lines = (d / "input.log").read_text().split("\n")
    for i, line in enumerate(lines[:30]):
        m = g.match(line) if line else None
        if m is not None and m.lastgroup != "blank":
            beam.line(i, evidence(m.lastgroup, m), hash(line))
    assert beam.merge.files < 24 and not beam.bursty()


@pytest.mark.parametrize("case", ["bolt-lines-random", "gotest-lines-random"])
def test_each_message_heads_the_stacks_it_speaks_of(case: str) -> None:
    """In random line order the openers come first and say nothing of which
    stacks follow them: once separated, heads are given to the stacks their
    messages fit (a `shutdown timeout` to `main.(*Hub).Shutdown`, a
    `[recovered, repanicked]` to stacks with a panic( frame, a plain panic to
    stacks without)."""
    d = CASES / case
    truth = json.loads((d / "truth.json").read_text())
    want = {(k[0], k[1]): k[2][0][2][0][0]
            for p in truth["processes"]
            for k in report_keys((d / p["output"]).read_text(), demux=False)}
    got = {(k[0], k[1]): k[2][0][2][0][0] if k[2] and k[2][0][2] else None
           for k in report_keys((d / truth["input"]).read_text())}
    # each message with the first frame of its first goroutine
    assert got == want


def test_the_burst_bonus_follows_the_log_not_a_hypothesis() -> None:
    """Whole outputs one after another make the line before a strong hint;
    random line order makes it none."""
    rels = ["go1.19/deadlock.txt", "go1.27/deadlock.txt"]
    for run, bursty in ((1000, True), (1, False)):
        text = merge_lines([lines_of(r) for r in rels], random.Random(5), run=run)
        beam = Beam()
        g = line_grammar()
        for i, line in enumerate(text.split("\n")):
            m = g.match(line) if line else None
            if m is not None and m.lastgroup != "blank":
                beam.line(i, evidence(m.lastgroup, m), hash(line))
        assert (beam.burst(beam.beam[0]) > 2.0) == bursty
        assert beam.bursty() == bursty  # and a goroutine header waits for its frame or not


def test_two_copies_of_one_output_come_apart_whichever_copy_takes_a_line() -> None:
    """Identical processes print identical lines: swapping two of them changes
    no report, and the beam keeps one of such hypotheses, not all. With no
    fp/sp printed, a frame's pc says which goroutine it continues: one call
    instruction calls one function (Hypothesis.callees)."""
    rel = "go1.27/deadlock.txt"
    text = merge_lines([lines_of(rel), lines_of(rel)], random.Random(2), run=1)
    assert report_keys(text) == sorted(alone(rel) * 2)


def test_every_line_ends_in_one_stream_or_the_noise() -> None:
    rels = ["go1.21/nil_pointer.txt", "go1.25/deadlock.txt", "go1.27/panic_in_goroutine.txt"]
    texts = merge_lines([lines_of(r) for r in rels], random.Random(9), run=1).split("\n")
    sep = separate(texts)
    owned = [i for t in sep.tracks for i in t] + [*sep.noise] + sep.orphans
    assert sorted(owned) == list(range(len(texts)))


def test_a_small_crash_merged_line_by_line_into_a_huge_dump_comes_apart() -> None:
    """A 5000-goroutine dump and a small crash in random line order: the small
    process prints a line every few hundred, and its stream waits at its pace."""
    d = CASES / "big-lines-random"
    truth = json.loads(_read(d / "truth.json.gz"))
    want = sorted(k for p in truth["processes"]
                  for k in report_keys(_read(d / p["output"]), demux=False))
    assert report_keys(_read(d / truth["input"])) == want


@pytest.mark.parametrize("case", ["crash-lines-random", "sigquit-lines-random"])
def test_processes_in_random_line_order_come_apart_by_evidence_alone(case: str) -> None:
    """Random line order: the line before says nothing (processes of unequal
    sizes make it the same process's a little more often than 1/n by
    chance, which is no evidence), and the runtime's own values decide."""
    d = CASES / case
    truth = json.loads(_read(d / "truth.json"))
    want = sorted(k for p in truth["processes"]
                  for k in report_keys(_read(d / p["output"]), demux=False))
    assert report_keys(_read(d / truth["input"])) == want


def test_heads_meet_their_stacks_in_a_long_log_of_many_reports() -> None:
    """bolt-lines-random 25 times over (75 reports, more than are matched at
    once): heads trade stacks only with reports printing at the same time, so
    the matching still runs, a run of overlapping reports at a time."""
    one = (CASES / "bolt-lines-random" / "input.log").read_text()
    keys = report_keys(one * 25)
    shutdown = [k for k in keys if k[1].startswith("shutdown timeout")]
    fits = [k for k in shutdown
            if k[2] and k[2][0][2] and k[2][0][2][0][0] == "main.(*Hub).Shutdown"]
    assert len(shutdown) == 25 and len(fits) >= 20  # the beam alone: by chance (0 measured)


@pytest.mark.parametrize("case", ["mixed-lines-random", "twelve-lines-random"])
def test_the_evidence_ranks_the_true_assignment_above_what_the_beam_finds(case: str) -> None:
    """Issue 3's gap in random line order is the search, not the evidence: the
    processes' true assignment scores above the beam's best (mixed 334 vs 320,
    twelve 2077 vs 745 measured), which loses the truth among near-ties in its
    first few dozen lines. (bolt-lines-random no more: with up to 128
    hypotheses where few streams compete, the beam's reading scores 362.3, the
    truth's 361.8, one frame apart.)"""
    texts, owners = lines_and_owners(case)  # tests/corpus/beam_truth.py, the tool
    assert replay(TruthBeam(owners), texts).score > replay(Beam(), texts).score + 5


def test_a_report_opens_its_own_stream_right_after_another_process_prelude() -> None:
    """gotest-lines-random: the deadlock's `fatal error: …` comes right after
    another process's `--- FAIL: TestTransferPanics`, and `--- FAIL:
    TestBalanceMismatch` while other heads are open. In random line order the
    line before is another process's as often as not, so either may open a
    stream of its own: held to the truth, the beam places every line (it
    orphaned the deadlock's 27 lines when a prelude always took the opener)."""
    texts, owners = lines_and_owners("gotest-lines-random")
    assert misplaced(replay(TruthBeam(owners), texts), owners) == 0


def _read(path: Path) -> str:
    import gzip

    raw = path.read_bytes()
    return (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode()


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.glob("*-lines-arrival")))
def test_lines_merged_as_they_arrived_come_apart_exactly(case: str) -> None:
    d = CASES / case
    truth = json.loads((d / "truth.json").read_text())
    want = sorted(k for p in truth["processes"]
                  for k in report_keys((d / p["output"]).read_text(), demux=False))
    assert report_keys((d / truth["input"]).read_text()) == want


# ------------------------------------------------------ read() chunks ---


def test_a_chunk_group_stays_in_one_stream() -> None:
    # splice.chunk_groups: texts a collector's read() chunks show to be one
    # process's. Between two lines of a group the process printed nothing
    # else, a group shows one toolchain, and a call line waits for the file
    # line its own chunk prints next, however far (twelve-chunks-slow: a
    # `created by` line 33 lines before its file line; the pool process took a
    # go test's `FAIL` lines between two of its lines and lost its goroutine).
    # Of 128 groups over the slow reader's cases, one holds a line of
    # another process (a chunk ending unseen at a line break): it alone splits.
    split = 0
    for name in SLOW:
        lines, _, _ = truth_cuts(name)
        got = unsplice(Stream("s1", numbers=range(1, len(lines) + 1), texts=lines))
        assert got is not None
        sep = separate(got.stream.texts, got.groups)
        where = {i: k for k, t in enumerate(sep.tracks) for i in t}
        split += sum(len({where.get(i) for i in g}) > 1 for g in got.groups)
    assert split <= 1  # 4 in twelve-chunks-slow before


def test_nothing_but_its_caller_follows_main_main_and_nothing_but_created_by_goexit() -> None:
    """main.main is called by runtime.main alone (goroutine 1 was created by no
    one); runtime.goexit is a goroutine's outermost frame."""
    t = Track(stack=automaton().start, order=0)
    t.learn_frame(ev("main.main()"), ev("\t/app/main.go:49 +0x186"))
    never = pair_score(t, ev("main.handleRequest(0x0?)"), ev("\t/app/main.go:77 +0x94"), {})
    caller = pair_score(t, ev("runtime.main()"),
                        ev("\t/usr/lib/go/src/runtime/proc.go:283 +0x28b"), {})
    assert never == float("-inf") < caller
    t = Track(stack=automaton().start, order=0)
    t.learn_frame(ev("runtime.goexit({})"),
                  ev("\t/usr/lib/go/src/runtime/asm_amd64.s:1700 +0x1"))
    assert pair_score(t, ev("main.worker()"), ev("\t/app/main.go:12 +0x1d"), {}) == float("-inf")
