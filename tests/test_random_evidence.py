"""Evidence that decides where a line goes in random line order, each rule
checked against the real output it was measured on (the samples and the
corpus's clean process outputs) and then on the separator's scores.

In random line order a line's stream is decided long before the lines that
would confirm it arrive: a rule that misjudges the truth's line by a few
points loses the truth from the beam (tests/corpus/beam_truth.py --gaps).
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from functools import cache
from itertools import pairwise
from pathlib import Path

from conftest import evidence_of as ev

from stackdemux.api import Options, analyze
from stackdemux.demux.automaton import automaton
from stackdemux.demux.beam import Beam
from stackdemux.demux.evidence import Evidence, evidence, goroot
from stackdemux.demux.heads import (
    go_minor,
    heads_fit,
    message_numbers,
    read_body,
    read_head,
    rematch_heads,
)
from stackdemux.demux.hypothesis import (
    SPLIT,
    Call,
    Hypothesis,
    _enclosing,
    _nested,
    body,
    code,
    file_name,
    site_func,
    source,
)
from stackdemux.demux.scores import (
    _RUNTIME_THROWS,
    _WAITS,
    _WRAPPER,
    AT_ENTRY,
    DEADLOCK_LEAD,
    ENTRY_CALLED,
    FAULT_ALIGN,
    GOID_BATCH,
    INTERNAL_CALLER,
    LEAD_MID_BATCH,
    OFF_ENTRY,
    OTHER_CALLEE,
    PARKED,
    UNWAITED,
    WRAPPER_BEFORE,
    WRAPPERS_SINCE,
    _runtime,
    _starts,
    batch_after,
    call_score,
    called,
    callee_name,
    calls_out,
    fault_entry,
    file_score,
    in_main,
    inlined_into,
    internal_callee,
    lead_listed,
    named,
    next_id,
    program_line,
    same_callee,
    score,
    seen_at,
    standard,
    waits_in,
)
from stackdemux.demux.track import REGISTER_ORDER, Track, binary_of_file, package_of
from stackdemux.grammar import line_grammar
from stackdemux.model import Report
from tests.corpus.beam_truth import merged
from tests.corpus.beam_truth import outputs as case_outputs

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "corpus" / "cases"


@cache
def reports() -> tuple[Report, ...]:
    """Every report of the samples and of the corpus's clean outputs, each
    output read once (the lines-arrival cases hold every group's outputs)."""
    return tuple(r for t in _outputs()
                 for r in analyze(t, Options(analyse=False, demux=False)).reports)


def case_lines(case: str, output: str) -> list[str]:
    return (CASES / case / output).read_text().splitlines()


def stream(*lines: str) -> Track:
    """A stream that printed these real lines, in order (frames as pairs)."""
    t = Track(stack=automaton().start, order=0)
    i = 0
    while i < len(lines):
        e = ev(lines[i])
        t.learn(e, i)
        if e.kind in ("frame_call", "created_by"):
            f = ev(lines[i + 1])
            t.learn(f, i + 1)
            t.learn_frame(e, f)
            i += 1
        i += 1
    return t


def test_a_panics_first_goroutine_is_the_running_one() -> None:
    panics = [r for r in reports() if r.kind == "panic" and r.goroutines]
    assert len(panics) > 200 and all(r.goroutines[0].state == "running" for r in panics)
    # mixed-lines-random: process 4's parked pool worker offered itself as
    # the first goroutine of process 0's panic, waiting for its stacks
    mine = stream(case_lines("mixed-lines-random", "p0.out")[0])
    own = ev(case_lines("mixed-lines-random", "p0.out")[2])
    other = ev("goroutine 18 [sync.Mutex.Lock]:")
    assert own.state == "running" and score(mine, own) > score(mine, other) + 5.0


def test_the_runtimes_hidden_goroutines_lie_between_goroutine_1_and_the_programs() -> None:
    after_main = [b.id - a.id for r in reports() for a, b in zip(r.goroutines[1:], r.goroutines[2:],
                                                                 strict=False) if a.id == 1]
    assert len(after_main) > 40 and max(after_main) <= 32
    assert all(next_id(d, after_main=True) >= 0.0 for d in after_main)
    # mixed-lines-random, process 4: the crashing goroutine 5, goroutine 1,
    # then the pool's workers from 18 (sent to other processes' streams)
    lines = case_lines("mixed-lines-random", "p4.out")
    to_18 = lines.index("goroutine 18 [sync.Mutex.Lock]:")
    to_19 = next(i for i, s in enumerate(lines) if s.startswith("goroutine 19 "))
    after_1 = score(stream(*lines[:to_18 - 1]), ev(lines[to_18]))
    # past the program's first goroutine ids count again: 17 ahead is far
    after_18 = score(stream(*lines[:to_19 - 1]), ev("goroutine 35 [select]:"))
    assert after_1 >= 0.0 and after_1 > after_18 + 2.0




def _id_steps() -> list[tuple[int, int, int]]:
    """(id, next id, the report's first goroutine's id) after a dump's first
    two goroutines, goroutine 1's successor aside (the hidden runtime's)."""
    return [(a.id, b.id, r.goroutines[0].id) for r in reports()
            for a, b in pairwise(r.goroutines[1:]) if a.id != 1]


def test_the_first_goroutine_is_skipped_where_the_others_are_listed() -> None:
    # runtime/traceback.go (tracebackothers) prints the crashing goroutine
    # first and skips it in allg order: ids that step over one step over it
    steps = _id_steps()
    over_it = sum(1 for a, b, lead in steps if b - a == 2 and a < lead < b)
    over_another = sum(1 for a, b, lead in steps if b - a == 2 and not a < lead < b)
    assert over_it >= 5 and over_it > 3 * over_another
    # mixed-lines-random, process 3: goroutine 7 (crashing), 1, 6, 8, 9;
    # with 5 first instead (process 4's, a near tie) 6 -> 8 is a gap
    lines = case_lines("mixed-lines-random", "p3.out")
    to_8 = next(i for i, s in enumerate(lines) if s.startswith("goroutine 8 "))
    own = stream(*lines[:to_8 - 1])
    other = stream(*[s.replace("goroutine 7 ", "goroutine 5 ") for s in lines[:to_8 - 1]])
    header = ev(lines[to_8])
    assert score(own, header) - score(other, header) == next_id(1) - next_id(2) > 5.0


def test_a_gap_between_ids_is_a_batchs_rest_not_a_few() -> None:
    # a goroutine's id comes from its P's batch of 16 (runtime/proc.go,
    # _GoidCacheBatch): a gap of 13 to 17 is common, one of 2 to 12 rare
    gaps = [b - a - (a < lead < b) for a, b, lead in _id_steps()]
    small = sum(1 for d in gaps if 2 <= d <= 12)
    batch = sum(1 for d in gaps if 13 <= d <= 17)
    assert gaps.count(1) > 10 * batch and batch > 4 * small
    assert next_id(1) > next_id(13) == next_id(17) > next_id(2) == next_id(12)
    assert next_id(17) > next_id(30) > next_id(100)
    # but the batches are aligned on 16k+1: a gap lands on the next batch's
    # first id most often, whatever its size (13 -> 17 as often as 4 -> 17)
    lands = [(b - a, b == batch_after(a)) for a, b, lead in _id_steps()
             if b - a - (a < lead < b) > 1]
    assert sum(1 for _, on in lands if on) > 4 * sum(1 for _, on in lands if not on)
    assert all(on for d, on in lands if d <= 12)
    assert next_id(1) > next_id(4, batch_first=True) == next_id(16, batch_first=True) > next_id(16)
    # Go 1.19's goroutine_wrappers lists 12, 13, then 17 [runnable]
    wrappers = (ROOT / "samples" / "go1.19" / "goroutine_wrappers.txt").read_text().splitlines()
    to_17 = wrappers.index(next(s for s in wrappers if s.startswith("goroutine 17 ")))
    listed = stream(*wrappers[:to_17 - 1])
    assert listed.last_gid == 13 and batch_after(13) == 17
    assert score(listed, ev(wrappers[to_17])) > next_id(4) + 4.0


def test_a_first_goroutine_past_its_listing_is_the_next_id_or_a_batchs_first() -> None:
    # ids come in batches of 16 aligned on 16k+1 (runtime/proc.go,
    # _GoidCacheBatch): a gap lands on a batch's first id far more often
    # than mid-batch, and a first goroutine listed past the others follows
    # the last one, or lies on a new batch, but rarely mid-batch
    gaps = [b - (a < lead < b) for a, b, lead in _id_steps() if b - a - (a < lead < b) > 1]
    on_batch = sum(1 for b in gaps if b % GOID_BATCH == 1)
    assert on_batch > 4 * (len(gaps) - on_batch) and len(gaps) > 50
    past: Counter[str] = Counter()
    for r in reports():
        listed = [g.id for g in r.goroutines[1:] if g.id]
        lead = r.goroutines[0].id if r.goroutines else 0
        if lead > 1 and listed and 1 < max(listed) < lead:
            past["next" if lead == max(listed) + 1 else
                 "batch" if lead % GOID_BATCH == 1 else "mid-batch"] += 1
    assert past["next"] >= 25 and past["mid-batch"] <= 2 and past["batch"] <= 2
    # skopeo's copy 1 lists 9 (crashing), 1, 6, 7, 8; with copy 2's crashing
    # header (21) instead, ids 17 to 20 were handed out and never listed
    copy = (ROOT / "samples" / "go1.21" / "skopeo_vendor_parallel_1.txt").read_text().splitlines()
    own = stream(*copy)
    swapped = stream(*[s.replace("goroutine 9 ", "goroutine 21 ") for s in copy])
    assert (own.lead_gid, own.last_gid, swapped.lead_gid) == (9, 8, 21)
    assert lead_listed(own) == 0.0 and lead_listed(swapped) == LEAD_MID_BATCH < -2.5
    # a stream's next opener ends its report, and its listing is weighed then
    opener = ev("panic: invalid page type: 6432: 10")
    assert score(own, opener) - score(swapped, opener) == -LEAD_MID_BATCH
    # bolt-lines-random, process 1: 17 (crashing) after 1, 6, 7, 8 begins a batch
    bolt = stream(*case_lines("bolt-lines-random", "p1.out"))
    assert (bolt.lead_gid, bolt.last_gid) == (17, 8) and lead_listed(bolt) == 0.0


def test_one_go_statement_starts_one_function() -> None:
    seen: dict[tuple, str] = {}
    checked = 0
    for r in reports():
        entries: dict[tuple, str] = {}
        for g in r.goroutines:
            entry = g.frames[-1].func if g.frames else None
            if (g.created_by is None or entry is None or g.state == "runnable"
                    or entry == "runtime.goexit" or "wrap" in entry.rsplit(".", 1)[-1]):
                continue
            pc = (g.created_by.frame.file, g.created_by.frame.line, g.created_by.frame.offset)
            if pc in entries:
                assert entries[pc] == entry, (pc, entries[pc], entry)
                checked += 1
            entries[pc] = entry
        seen.update(entries)
    assert checked > 100
    # bolt-lines-random, process 1: its workers are started at main.go:335
    # +0x105 in main.(*pool).worker; a `created by` of that go statement does
    # not end a goroutine that sat in sync.(*Cond).Wait
    lines = case_lines("bolt-lines-random", "p1.out")
    start = lines.index("goroutine 6 [sync.Cond.Wait]:")
    beam = Beam()
    h = beam.beam[0]
    created, at = ev(lines[start + 9]), ev(lines[start + 10])
    assert created.kind == "created_by" and at.file is not None
    worker = stream(*lines[start:start + 9])
    cond = stream(*lines[start:start + 5])
    assert worker.callee == "main.(*pool).worker" and cond.callee == "sync.(*Cond).Wait"
    call = Call(1000, "CREATED_BY", created, -1)
    h.entries = h.entries.set((at.file, at.line, at.offset), "main.(*pool).worker")
    right = beam.frame_score(worker, call, at, 0.0, None, "main.(*pool).worker")
    wrong = beam.frame_score(cond, call, at, 0.0, None, "main.(*pool).worker")
    assert right > wrong + 4.0



def test_a_goroutines_entry_is_called_only_by_what_starts_it() -> None:
    """GOTRACEBACK=system prints below a goroutine's entry what lower levels
    hide: runtime.goexit and, since Go 1.22, its creator's go-statement
    wrapper (`G.gowrap1`). That is no caller (ENTRY_CALLED)."""
    callers: dict[str, set[str]] = {}
    entries: set[str] = set()
    for r in reports():
        for g in r.goroutines:
            names = [f.func for f in g.frames]
            for callee, caller in pairwise(names):
                callers.setdefault(callee, set()).add(caller)
            if g.created_by is not None and names:
                entries.add(names[-1])
    seen = {f: callers[f] for f in entries if f in callers}
    started = [f for f, v in seen.items() if all(map(_starts, v))]
    assert len(started) > 10  # (seen called by runtime.goexit alone, or a gowrap)
    # twelve-lines-random: Go 1.24's process 9 (GOTRACEBACK=system) shows
    # main.startIdle.gowrap1 calling the pool's worker; process 3's worker
    # (the same release, GOTRACEBACK=all) ends at `created by main.startIdle`
    p3 = case_lines("twelve-lines-random", "p3.out")
    p9 = case_lines("twelve-lines-random", "p9.out")
    assert p9[p9.index("main.(*pool).worker(0x0?, 0x0?)") + 2] == "main.startIdle.gowrap1()"
    created = p3.index("created by main.startIdle in goroutine 1")
    header = max(i for i in range(created) if p3[i].startswith("goroutine "))
    worker = stream(*p3[header:created])
    call = ev(p3[created])
    assert worker.callee == "main.(*pool).worker"
    for above in ("main.startIdle.gowrap1", "runtime.goexit"):
        assert called(worker, call, frozenset({above})) is None
    # (a closure is printed at every level: it calls the entry)
    assert called(worker, call, frozenset({"main.startIdle.func1"})) is False
    assert (call_score(worker, call, None) - call_score(worker, call, False)
            == -ENTRY_CALLED > 4.0)


def test_a_go_statement_is_printed_at_one_pc_by_one_process() -> None:
    """One go statement of a program is one instruction in its binary: every
    `created by` line of one output naming it prints one pc offset."""
    repeated = 0
    for text in _outputs():
        pcs: dict[tuple, str | None] = {}
        for r in analyze(text, Options(analyse=False, demux=False)).reports:
            for g in r.goroutines:
                c = g.created_by
                if c is None or c.frame.file is None or goroot(c.frame.file) is not None:
                    continue
                key = (c.frame.func, c.frame.file, c.frame.line)
                if key in pcs:
                    assert pcs[key] == c.frame.offset, (key, pcs[key], c.frame.offset)
                    repeated += 1
                pcs[key] = c.frame.offset
    assert repeated > 150
    # mixed-lines-random: processes 2 (Go 1.24) and 4 (Go 1.26) start their
    # pools' workers at main.go:335, at +0xf5 and +0xf4; the remerged draws
    # swapped their workers' `created by` lines between the two streams
    p2, p4 = case_lines("mixed-lines-random", "p2.out"), case_lines("mixed-lines-random", "p4.out")
    go = "created by main.startIdle in goroutine 1"
    created = p4.index(go)
    header = max(i for i in range(created) if p4[i].startswith("goroutine "))
    workers = stream(*p4[header:created + 2])
    own, other = ev(p4[created + 1]), ev(p2[p2.index(go) + 1])
    assert (own.line, own.offset, other.line, other.offset) == ("335", "0xf4", "335", "0xf5")
    call = ev(p4[created])
    assert file_score(workers, call, own) > file_score(workers, call, other) + 6.0
    # a go statement is apart from its function's frames at that line
    before = stream(*p4[header:created])
    assert file_score(before, call, other) == file_score(before, call, own)


def test_a_go_statements_wrapper_is_named_gowrap_since_go_1_22() -> None:
    """Go 1.22 named the functions a go or defer statement wraps its call in
    `F.gowrapN` and `F.deferwrapN` (`F.funcN` before)."""
    minors = []
    for text in _outputs():
        roots = {goroot(s.strip().rsplit(":", 1)[0]) for s in text.splitlines()
                 if s.startswith("\t")}
        named = {m for r in roots if r and (m := go_minor(r)) is not None}
        wrappers = [s for s in text.splitlines() if _WRAPPER.search(s.split("(", 1)[0])]
        if named and wrappers:
            minors += [min(named)] * len(wrappers)
    assert len(minors) > 200 and min(minors) >= WRAPPERS_SINCE
    # crash-lines-random: Go 1.19's runtime.gcenable.func2() and Go 1.23's
    # runtime.gcenable.gowrap2() are one function, and the remerged draws
    # swapped their file lines; a Go 1.19 stream takes no gowrap, in
    # GOROOT's files or in the program's
    p1 = case_lines("crash-lines-random", "p1.out")
    at = p1.index("runtime.gcenable.func2()")
    header = max(i for i in range(at) if p1[i].startswith("goroutine "))
    old = stream(*p1[header:at])
    file, program = ev(p1[at + 1]), ev("\t/work/main/tests/corpus/programs/main.go:259 +0x2a")
    own, wrapped = ev(p1[at]), ev("runtime.gcenable.gowrap2()")
    assert file_score(old, own, file) - file_score(old, wrapped, file) == -WRAPPER_BEFORE
    assert file_score(old, ev("main.concurrentMapWrites.gowrap2()"), program) == file_score(
        old, ev("main.concurrentMapWrites.func2()"), program) + WRAPPER_BEFORE


def test_a_parked_goroutine_prints_no_panic_frame() -> None:
    goroutines = [g for r in reports() for g in r.goroutines]
    with_panic = [g for g in goroutines if any(f.func in ("panic", "runtime.gopanic")
                                               for f in g.frames)]
    assert len(with_panic) > 40 and all(g.state == "running" for g in with_panic)
    assert sum(g.state != "running" for g in goroutines) > 1000
    # mixed-lines-random: process 1's recovered panic continued process 3's
    # goroutine 1, parked in sync.(*WaitGroup).Wait
    p3 = case_lines("mixed-lines-random", "p3.out")
    start = p3.index("goroutine 1 [sync.WaitGroup.Wait]:")
    parked = stream(*p3[start:start + 7])
    p1 = case_lines("mixed-lines-random", "p1.out")
    start = p1.index("goroutine 1 [running]:")
    running = stream(*p1[start:start + 3])
    panic = ev(p1[start + 3])
    assert panic.func == "panic"
    assert call_score(running, panic, None) > call_score(parked, panic, None) + 4.0


def test_a_runtime_hook_is_called_by_its_own_package() -> None:
    hooks = [(a.func, b.func) for r in reports() for g in r.goroutines
             for a, b in zip(g.frames, g.frames[1:], strict=False) if ".runtime_" in a.func]
    assert len(hooks) > 150
    assert all(package_of(caller) == package_of(hook) for hook, caller in hooks)
    # mixed-lines-random: process 2's main.nilDeref taken for the caller of
    # process 4's internal/sync.runtime_SemacquireMutex
    p4 = case_lines("mixed-lines-random", "p4.out")
    start = p4.index("goroutine 18 [sync.Mutex.Lock]:")
    parked = stream(*p4[start:start + 3])
    assert parked.callee == "internal/sync.runtime_SemacquireMutex"
    own, other = ev(p4[start + 3]), ev("main.nilDeref()")
    assert call_score(parked, own, None) > call_score(parked, other, None) + 5.0


def test_builds_of_one_program_name_its_files_alike() -> None:
    """A -trimpath build (example.com/fleet/main.go) and another
    (/work/…/programs/main.go) of one source put a line in one function."""
    at: dict[tuple[str, str], set[str]] = {}
    for p in ("p0.out", "p1.out", "p3.out", "p4.out"):  # two builds of each kind
        for r in analyze((CASES / "mixed-lines-random" / p).read_bytes(),
                         Options(analyse=False, demux=False)).reports:
            for g in r.goroutines:
                for f in g.frames:
                    if f.file.endswith("/main.go"):
                        key = (file_name(f.file), str(f.line))
                        at.setdefault(key, set()).add(site_func(f.func))
    assert len(at) > 10 and all(len(funcs) == 1 for funcs in at.values())
    # process 0's main.mustLoad, then process 3's closure at that line of the other build
    h = Hypothesis()
    h.note_site("example.com/fleet/main.go", "187", "main.mustLoad")
    there = ev("\t/work/main/tests/corpus/programs/main.go:187 +0x36")
    assert code(h, ev("main.mustLoad({0xc000098000?, 0x4a24e9?})"), there) > 0
    assert code(h, ev("main.concurrentMapWrites.func1(0x0)"), there) < 0
    # a toolchain's files are its version's: another version's runtime/proc.go is another file
    assert source("/opt/gobin/1.27.3/go/src/runtime/proc.go") != \
        source("/opt/gobin/1.24.11/go/src/runtime/proc.go")


def test_a_goroutine_parks_below_the_runtimes_frames_where_its_header_says() -> None:
    """GOTRACEBACK=system prints runtime.gopark and kin above the function a
    goroutine parked in; that one fits the wait reason as a first frame does."""
    below = [(g.state, next(f.func for f in g.frames if not _runtime(f.func)))
             for r in reports() for g in r.goroutines
             if g.state and g.frames and _runtime(g.frames[0].func)
             and any(not _runtime(f.func) for f in g.frames)]
    assert len(below) > 300 and all(waits_in(state, func) >= 0 for state, func in below)
    # sigquit-lines-random: two SIGQUIT dumps' goroutines 8 swapped their stacks
    p0 = case_lines("sigquit-lines-random", "p0.out")
    start = p0.index(next(s for s in p0 if s.startswith("goroutine 8 ")))
    asleep = stream(*p0[start:start + 3])
    assert asleep.state == "sleep" and asleep.callee == "runtime.gopark"
    own, other = ev(p0[start + 3]), ev("internal/sync.runtime_SemacquireMutex(0x0?, 0x0?, 0x0?)")
    assert own.func == "time.Sleep"
    assert call_score(asleep, own, None) > call_score(asleep, other, None) + 4.0


def test_a_toolchains_file_is_named_for_its_functions() -> None:
    frames = {(f.func, f.file) for r in reports() for g in r.goroutines for f in g.frames
              if goroot(f.file) is not None}
    hits = sum(named(func, file) > 0 for func, file in frames)
    funcs, files = [f for f, _ in frames], [f for _, f in frames]
    others = [(a, b) for a in funcs[:120] for b in files[:120] if (a, b) not in frames]
    other_hits = sum(named(a, b) > 0 for a, b in others)
    assert hits / len(frames) > 5 * other_hits / len(others)  # measured: 36 % against 5 %
    # mixed-lines-random: process 3's time.Sleep and process 1's panic(…)
    # waited at once; each took the other's file line
    sleep, panic = ev("time.Sleep(0x2e1b894c)"), ev("panic({0x4a1780?, 0xc0000a2000?})")
    at_time, at_panic = ev("\truntime/time.go:363 +0x165"), ev("\truntime/panic.go:770 +0x132")
    assert named(sleep.func, at_time.file) + named(panic.func, at_panic.file) > \
        named(sleep.func, at_panic.file) + named(panic.func, at_time.file) + 4.0
    assert named("main.mustLoad", "/work/main/tests/corpus/programs/main.go") == 0.0


def test_a_programs_source_line_calls_what_it_was_seen_calling_in_every_build() -> None:
    """Builds by other toolchains print other pcs for one source line, not
    other callees: a frame at a package's line (package main's aside) follows
    the function it was seen calling (a runtime function counting as none)."""
    seen: dict[tuple[str, str], set[str]] = {}
    same = other = 0
    for r in reports():
        for g in r.goroutines:
            for k, f in enumerate(g.frames):
                line = program_line(ev(f"\t{f.file}:{f.line}"))
                if line is None or in_main(f.func):
                    continue
                callee = callee_name(g.frames[k - 1].func if k else None)
                known = seen.setdefault(line, set())
                if known:
                    same, other = same + (callee in known), other + (callee not in known)
                known.add(callee)
    assert same > 400 and other < same / 200  # measured: 405 and 0
    # gotest-lines-random: process 0 showed ledger.go:14 calling panic; process
    # 1's inlined Withdraw there is the first frame of its goroutine 8, not
    # the caller of process 3's sync.(*WaitGroup).Wait
    lines = case_lines("gotest-lines-random", "p0.out")
    at = lines.index(next(s for s in lines if s.startswith("example.com/fleet/ledger.(*Account)")))
    assert ev(lines[at - 2]).func == "panic"
    h = Hypothesis()
    h.calls = h.calls.set(program_line(ev(lines[at + 1])), frozenset({callee_name("panic")}))
    p1 = case_lines("gotest-lines-random", "p1.out")
    start = p1.index("goroutine 8 [running]:")
    call, file = ev(p1[start + 1]), ev(p1[start + 2])
    first = stream(p1[start])
    p3 = case_lines("gotest-lines-random", "p3.out")
    at = p3.index("goroutine 1 [semacquire]:")
    parked = stream(*p3[at:at + 5])
    assert parked.callee == "sync.(*WaitGroup).Wait"
    beam = Beam()
    below = h.calls.get(program_line(file))
    assert below is not None
    own = beam.frame_score(first, Call(1000, "FRAME_CALL", call, -1), file, 0.0, None, below)
    other = beam.frame_score(parked, Call(1000, "FRAME_CALL", call, -1), file, 0.0, None, below)
    assert own > other + 4.0
    # without what the line was seen calling the two are closer
    own0 = beam.frame_score(first, Call(1000, "FRAME_CALL", call, -1), file, 0.0, None, None)
    other0 = beam.frame_score(parked, Call(1000, "FRAME_CALL", call, -1), file, 0.0, None, None)
    assert own - other > own0 - other0 + 4.0


def test_a_call_into_the_runtime_shows_whichever_of_its_functions_it_stopped_in() -> None:
    """One call instruction calls one function (OTHER_CALLEE), but a call
    into the runtime prints the runtime function its goroutine stopped in,
    those between inlined or hidden."""
    callees: list[set[str]] = []
    for r in reports():
        seen: dict[tuple, set[str]] = {}
        for g in r.goroutines:
            for k, f in enumerate(g.frames):
                if k and f.offset is not None and not (f.file or "").endswith(".s"):
                    seen.setdefault((f.file, f.line, f.offset), set()).add(g.frames[k - 1].func)
        callees.extend(c for c in seen.values() if len(c) > 1)
    runtime = [c for c in callees if all(_runtime(f) for f in c)]
    # measured: `m[k] = v` at main.go:257 +0x8c, above maps.fatal and above
    # (*Map).putSlotSmallFast64 in one process; 17 pcs seen calling two others
    assert {"internal/runtime/maps.fatal",
            "internal/runtime/maps.(*Map).putSlotSmallFast64"} in runtime
    # (the others are indirect calls: testing.tRunner's `fn(t)` runs a test and
    # testing.runTests.func1 at one pc, one such pair per test binary's samples)
    assert len(runtime) < 5 and len(callees) - len(runtime) < 25
    assert same_callee("internal/runtime/maps.fatal",
                       "internal/runtime/maps.(*Map).putSlotSmallFast64") == 0.0
    assert same_callee("internal/runtime/maps.fatal", "main.panicRecoveredRepanic") == OTHER_CALLEE
    # mixed-lines-random: process 3's goroutine 9 goes on at that pc after
    # putSlotSmallFast64; with process 1's panicRecoveredRepanic frame
    # wedged between them it scored a point more (both paid OTHER_CALLEE)
    p3 = case_lines("mixed-lines-random", "p3.out")
    at = p3.index("goroutine 9 [runnable]:")
    own = stream(*p3[at:at + 3])
    wedged = stream(*p3[at:at + 3], "main.panicRecoveredRepanic()",
                    "\texample.com/fleet/main.go:218 +0x2f")
    call, file = ev(p3[at + 3]), ev(p3[at + 4])
    assert file.offset == "0x8c" and own.callee.endswith("putSlotSmallFast64")
    beam, seen_calling = Beam(), "internal/runtime/maps.fatal"
    mine = beam.frame_score(own, Call(1000, "FRAME_CALL", call, -1), file, 0.0, None, seen_calling)
    theirs = beam.frame_score(wedged, Call(1000, "FRAME_CALL", call, -1), file, 0.0, None,
                              seen_calling)
    assert mine > theirs + 4.0


def _outputs() -> list[str]:
    """The samples' and the corpus's clean outputs, each once."""
    texts: dict[bytes, None] = {}
    for f in sorted(ROOT.glob("samples/go1.*/*.txt")):
        texts[f.read_bytes()] = None
    for f in sorted(CASES.glob("*-lines-arrival/p*.out*")):
        raw = f.read_bytes()
        texts[gzip.decompress(raw) if f.suffix == ".gz" else raw] = None
    return [t.decode("utf-8", "replace") for t in texts]


def _programs_code(text: str) -> bool:
    """Does an output print code of package main (a program's, not main.main)?"""
    return any(s.startswith("main.") and not s.startswith("main.main(")
               for s in text.splitlines())


def test_a_test_file_or_a_go_test_failure_is_a_test_binarys() -> None:
    """Go builds a _test.go file into a test binary alone, and `go test`
    prints `FAIL\\tpkg\\t…` and `FAIL` after a test binary failed: neither
    shows with a program's code (package main's, main.main aside)."""
    outputs = _outputs()
    tested = [t for t in outputs if "_test.go:" in t]
    failed = [t for t in outputs if any(s.startswith("FAIL") for s in t.splitlines())]
    assert len(tested) >= 20 and len(failed) >= 20
    assert not any(_programs_code(t) for t in tested + failed)
    # gotest-lines-random: process 1's test goroutine shows no testing frame,
    # only its _test.go file; process 3 is a program's deadlock
    p1 = case_lines("gotest-lines-random", "p1.out")
    start = p1.index("goroutine 8 [running]:")
    test = stream(*p1[start:start + 7])
    assert not any(s.startswith("testing.") for s in p1)
    assert binary_of_file(p1[start + 6].split(":")[0].strip()) == 1 and test.binary == 1
    p3 = case_lines("gotest-lines-random", "p3.out")
    start = p3.index("goroutine 7 [chan send]:")
    program = stream(*p3[p3.index("goroutine 1 [semacquire]:"):start - 1])
    assert program.binary == -1
    alien = ev(p3[start + 1])  # main.deadlock.func1()
    assert call_score(test, alien, None) < call_score(program, alien, None) - 15.0
    # the go command's lines after process 1's test binary failed
    fail = ev(next(s for s in p1 if s.startswith("FAIL\t")))
    assert fail.kind == "test_package_fail"
    assert score(program, fail) < score(test, fail) - 15.0


def _head_and_body(case: str, output: str):
    """The head and the body heads.py reads from one clean output."""
    texts = case_lines(case, output)
    kinds = {}
    for i, s in enumerate(texts):
        m = line_grammar().match(s) if s else None
        kinds[i] = m.lastgroup if m is not None and m.lastgroup else "noise"
    lines = [i for i in kinds if kinds[i] not in ("noise", "blank")]
    return read_head(lines, kinds, texts), read_body(lines, kinds, texts)


def test_a_repanic_names_its_toolchain_go_1_25_or_before() -> None:
    """Since Go 1.25 a panic recovered and raised again with its value prints
    `[recovered, repanicked]`; before, `[recovered]` and the value again."""
    version = re.compile(r"[/-]1\.([0-9]+)(?:\.[0-9]+)*/")
    seen = {True: set(), False: set()}
    for text in _outputs():
        lines = text.splitlines()
        minors = {go_minor(m.group(0)) for m in version.finditer(text)}
        for i, s in enumerate(lines[:-1]):
            if s.startswith("panic: ") and s.endswith(" [recovered, repanicked]"):
                seen[True] |= minors
            elif s.startswith("panic: ") and s.endswith(" [recovered]") and \
                    lines[i + 1] == "\tpanic: " + s[len("panic: "):-len(" [recovered]")]:
                seen[False] |= minors
    assert seen[True] and min(seen[True]) >= 25
    assert seen[False] and max(seen[False]) < 25
    # gotest-lines-random: two go tests' recovered panics, Go 1.27 and Go 1.23
    new_head, new_body = _head_and_body("gotest-lines-random", "p0.out")
    old_head, old_body = _head_and_body("gotest-lines-random", "p2.out")
    assert (new_head.since_125, new_body.minor, old_head.since_125, old_body.minor) == \
        (1, 27, -1, 23)
    right = heads_fit(new_head, new_body) + heads_fit(old_head, old_body)
    swapped = heads_fit(new_head, old_body) + heads_fit(old_head, new_body)
    assert right > swapped + 10.0


def test_a_number_its_message_says_is_passed_by_a_reports_first_frames() -> None:
    """bbolt's `panic: invalid page type: 6432: 10` is raised in
    `(*Cursor).search(…, 0x1920)`: a number (16 or more) of a report's message
    shows among its first goroutine's first frames' arguments at times, among
    another report's (whose message differs) almost never."""
    hexes = re.compile(r"0x[0-9a-fA-F]+")
    told = [(r.message, message_numbers(r.message or ""),
             {int(w, 16) for f in r.goroutines[0].frames[:6] for w in hexes.findall(f.args or "")})
            for r in reports() if r.goroutines]
    said = [(m, n, a) for m, n, a in told if n]
    own = sum(1 for _, n, a in said if n & a)
    pairs = other = 0
    for m, n, _ in said:
        for m2, _, a2 in told:
            if m2 != m:
                pairs += 1
                other += bool(n & a2)
    assert len(said) >= 50 and own >= 4
    assert pairs > 10000 and other <= 0.0005 * pairs
    # bolt-lines-random: two copies' `invalid page type` heads, 6432 and 6404
    a_head, a_body = _head_and_body("bolt-lines-random", "p0.out")
    b_head, b_body = _head_and_body("bolt-lines-random", "p1.out")
    right = heads_fit(a_head, a_body) + heads_fit(b_head, b_body)
    swapped = heads_fit(a_head, b_body) + heads_fit(b_head, a_body)
    assert right > swapped + 5.0


def test_a_go_tests_failure_line_comes_before_the_panic_that_failed_it() -> None:
    """`--- FAIL: TestX (…)` is printed by the test's deferred call, before the
    panic goes on to print: no such line follows its report's opener (but a
    race report's, which its `=====` rule closes). One that does in a
    separated stream is another process's, and goes to the next opener's."""
    openers = {"panic", "fatal_error", "http_panic", "race_rule", "sigdump"}
    before = after_race = 0
    for text in _outputs():
        opened = None
        for s in text.splitlines():
            m = line_grammar().match(s) if s else None
            k = m.lastgroup if m is not None else None
            if k in openers:
                opened = k
            elif k in ("goroutine_header", "runtime_stack"):
                opened = None
            elif k == "test_fail":
                assert opened in (None, "race_rule"), s
                before += opened is None
                after_race += opened == "race_rule"
    assert before >= 10 and after_race >= 1
    # gotest-lines-random merged again (beam_truth.py --remerge, draw 30): the
    # beam gave p0's and p2's heads (Go 1.27's `[recovered, repanicked]`, Go
    # 1.23's `[recovered]`) to each other's stacks, and p1's `--- FAIL:
    # TestBalanceMismatch` to p0's head, after its panic, before p2's stacks
    texts, owners = merged(case_outputs("gotest-lines-random"), 30)
    kinds = {}
    for i, s in enumerate(texts):
        m = line_grammar().match(s) if s else None
        kinds[i] = m.lastgroup if m is not None and m.lastgroup else "noise"
    truth = {i: owners[i] for i in kinds if kinds[i] not in ("noise", "blank")}
    stray = texts.index("--- FAIL: TestBalanceMismatch (2.05s)")
    p0_panic = next(i for i, s in enumerate(texts) if s.startswith("panic: ") and owners[i] == 0)
    p0_stacks = texts.index("goroutine 18 [running]:")
    p2_stacks = texts.index("goroutine 6 [running]:")
    assert p0_panic < p0_stacks < stray < p2_stacks
    heads = {i for i in truth if i < p2_stacks and truth[i] in (0, 2)
             and kinds[i] in ("panic", "chained_panic", "test_fail")}
    owner = {i: 2 - o if i in heads else o for i, o in truth.items()}
    owner[stray] = 2
    rematch_heads(owner, kinds, texts)
    assert owner == truth


def _read(line: str) -> Evidence | None:
    """What a line says, if it is a traceback line."""
    m = line_grammar().match(line) if line else None
    return evidence(m.lastgroup, m) if m is not None and m.lastgroup else None


def test_the_main_goroutine_was_created_by_no_go_statement() -> None:
    """Goroutine 1 runs main.main, started by the runtime: its stack never
    ends with a `created by` line, every other goroutine's may."""
    created = 0
    for text in _outputs():
        gid = None
        for s in text.splitlines():
            e = _read(s)
            if e is not None and e.kind == "goroutine_header":
                gid = e.gid
            elif e is not None and e.kind == "created_by":
                assert gid != 1, s
                created += 1
    assert created >= 1000
    # crash-lines-random merged again (beam_truth.py --remerge, draws 9, 13,
    # 30): p2's `created by main.boltCorrupt` went to p0's goroutine 1, the
    # nil dereference it crashed in
    p0, p2 = case_lines("crash-lines-random", "p0.out"), case_lines("crash-lines-random", "p2.out")
    crashed, entry = p0.index("main.nilDeref()"), p2.index("main.boltCorrupt.func1()")
    main, worker = stream(*p0[crashed - 9:crashed + 2]), stream(*p2[entry - 15:entry + 2])
    assert (main.last_gid, worker.last_gid) == (1, 5)
    made = ev(p2[entry + 4])
    assert made.kind == "created_by"
    assert call_score(main, made, None) < call_score(worker, made, None) - 5.0


def test_the_runtime_inlines_only_its_own_code() -> None:
    """Inlined frames (`f(...)`, a file line without offset) come before the
    frame they were inlined into; a frame of the runtime inlines only the
    runtime's and the internal packages' code, never a program's."""
    runtimes = 0
    for text in _outputs():
        inlined: list[str] = []
        for call, file in pairwise(text.splitlines()):
            c, f = _read(call), _read(file)
            if c is not None and c.kind == "goroutine_header":
                inlined = []
            if c is None or f is None or c.kind != "frame_call" or f.kind != "frame_file" \
                    or c.func is None:
                continue
            if c.inlined and f.offset is None:
                inlined.append(c.func)
                continue
            if _runtime(c.func):
                assert all(g.startswith(("runtime.", "runtime/", "internal/")) for g in inlined)
                runtimes += len(inlined)
            inlined = []
    assert runtimes >= 300
    # crash-lines-random merged again (beam_truth.py --remerge, draws 6, 12,
    # 24): p2's inlined bbolt closure went between p0's panic and the
    # runtime.panicmem(...) inlined into its runtime.sigpanic
    p0, p2 = case_lines("crash-lines-random", "p0.out"), case_lines("crash-lines-random", "p2.out")
    at = p0.index("runtime.panicmem(...)")
    head, panicmem = p0[at - 3:at], p0[at:at + 2]
    closure = p2[p2.index("main.(*Store).Lookup.func1(...)"):][:2]
    sigpanic = [ev(s) for s in p0[p0.index("runtime.sigpanic()"):][:2]]
    own, alien = stream(*head, *panicmem), stream(*head, *closure, *panicmem)
    assert file_score(alien, *sigpanic) < file_score(own, *sigpanic) - 5.0


def test_a_closure_lies_in_its_functions_file() -> None:
    """`F.func1` (`F.gowrap2`, `F.func1.1`) is defined in F's body: its frames
    name F's file, whichever toolchain built it."""
    same = 0
    for text in _outputs():
        homes: dict[str, set[str]] = {}
        frames = []
        for call, file in pairwise(text.splitlines()):
            c, f = _read(call), _read(file)
            if c is None or f is None or f.kind != "frame_file" or c.func is None or not f.file:
                continue
            homes.setdefault(c.func, set()).add(file_name(f.file))
            if c.kind == "frame_call":
                frames.append((c.func, file_name(f.file)))
        for func, name in frames:
            outer = next((g for g in _enclosing(func) if g in homes), None)
            if outer is not None:
                assert name in homes[outer], (func, name, outer)
                same += 1
    assert same >= 800
    # crash-lines-random merged again (beam_truth.py --remerge, draw 3): Go
    # 1.19's runtime.gcenable.func2() took Go 1.27's mfinal.go line of
    # runtime.runFinalizers(), whose call line took mgc.go's
    p1 = case_lines("crash-lines-random", "p1.out")
    h = Hypothesis()
    h.homes = h.homes.set("runtime.gcenable", "mgc.go")  # `created by runtime.gcenable`
    func2 = ev(p1[p1.index("runtime.gcenable.func2()")])
    mgc = ev(p1[p1.index("runtime.gcenable.func2()") + 1])
    p0 = case_lines("crash-lines-random", "p0.out")
    mfinal = ev(p0[p0.index("runtime.runFinalizers()") + 1])
    assert code(h, func2, mfinal) < code(h, func2, mgc) - 4.0


def test_a_signals_section_goes_on_with_the_goroutine_its_thread_ran() -> None:
    """`PC=0x… m=N sigcode=…` is followed by the goroutine thread N ran: its
    header prints `m=N` and its first frame (GOTRACEBACK=system and up)
    `pc=` that PC, but where the signal struck C code (runtime.cgocall)."""
    threads = pcs = struck_c = 0
    for text in _outputs():
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if not line.startswith("PC="):
                continue
            sig = ev(line)
            j = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("goroutine ")),
                     None)
            if j is None or j + 2 >= len(lines):
                continue
            header, call, file = ev(lines[j]), lines[j + 1], ev(lines[j + 2])
            if header.m is not None:
                assert header.m == sig.m, (line, lines[j])
                threads += 1
            if file.kind == "frame_file" and file.pc is not None:
                if file.pc == sig.pc:
                    pcs += 1
                else:
                    assert call.startswith("runtime.cgocall("), (line, call)
                    struck_c += 1
    assert threads >= 20 and pcs >= 30 and struck_c <= 8
    # sigquit-lines-random, remerged (seeds 12, 13): four SIGQUIT dumps'
    # `goroutine 0 … [idle]` stacks each went under another's PC=
    own, other = case_lines("sigquit-lines-random", "p3.out"), \
        case_lines("sigquit-lines-random", "p0.out")
    mine = stream(*own[1:3], own[4])  # SIGQUIT, PC=, goroutine 0's header
    call = ev(own[5])
    right = file_score(mine, call, ev(own[6]))
    wrong = file_score(mine, call, ev(other[6]))
    assert right > wrong + 5.0
    # GOTRACEBACK=crash relays the signal to each thread: m=1's section
    # goes on with m=1's g0, not with another thread's
    at = own.index("PC=0x478523 m=1 sigcode=0")
    relayed = stream(*own[at - 2:at + 1])
    assert score(relayed, ev(own[at + 2])) > score(relayed, ev(own[at + 46])) + 4.0


def test_a_thread_dumps_its_registers_in_one_order() -> None:
    """The runtime dumps a thread's registers in one order (amd64: rax, rbx,
    …, gs; Windows leaves out rdx): a register line goes to the stream that
    dumped the one before it, never to one that dumped past it."""
    dumps: list[list[int]] = []
    texts = _outputs() + [f.read_text() for f in sorted(ROOT.glob("samples/wild/*.txt"))]
    for text in texts:
        run: list[int] = []
        for line in [*text.splitlines(), ""]:
            m = line_grammar().match(line.strip()) if line.strip() else None
            if m is not None and m.lastgroup == "register":
                run.append(REGISTER_ORDER[ev(line.strip()).register])
            elif run:
                dumps.append(run)
                run = []
    assert len(dumps) >= 30
    assert all(a < b for d in dumps for a, b in pairwise(d))
    skipped = sum(1 for d in dumps for a, b in pairwise(d) if b > a + 1)
    assert sum(len(d) for d in dumps) > 500 and skipped <= 2
    # sigquit-lines-random, remerged (seeds 2, 3): four SIGQUIT dumps'
    # registers went to each other's streams
    lines = [s for s in case_lines("sigquit-lines-random", "p3.out")
             if (m := line_grammar().match(s)) is not None and m.lastgroup not in (None, "blank")]
    rax = lines.index("rax    0xca")
    rdx = ev(lines[rax + 3])
    after_rcx = stream(*lines[:rax + 3])
    # (Windows's order: rcx, then rdi)
    after_rdi = stream(*lines[:rax + 3], lines[rax + 4])
    assert rdx.register == "rdx" and after_rdi.registers == after_rcx.registers | {"rdi"}
    assert score(after_rcx, rdx) > score(after_rdi, rdx) + 10.0 > float("-inf")


def test_a_signals_section_shows_first_the_goroutine_its_thread_ran() -> None:
    """After `PC=… m=N` comes the goroutine thread N ran: its g0 (idle), one
    in a syscall or running, never a parked one."""
    states = []
    for text in _outputs():
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("PC="):
                j = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("goroutine ")),
                         None)
                if j is not None:
                    states.append(ev(lines[j]).state)
    assert len(states) >= 30 and set(states) <= {"idle", "syscall", "running"}
    # sigquit-lines-random, remerged (seed 21): a relayed SIGQUIT section
    # opened a stream for another process's parked goroutine
    own = case_lines("sigquit-lines-random", "p3.out")
    other = case_lines("sigquit-lines-random", "p2.out")
    parked = next(s for s in other if s.startswith("goroutine ") and "Cond.Wait" in s)
    dump = stream(*own[1:3])  # SIGQUIT, PC=
    assert score(dump, ev(own[4])) > score(dump, ev(parked)) + 3.0


def test_a_goroutines_header_prints_its_thread_since_go_1_22() -> None:
    """Since Go 1.22 a header prints `gp=… m=…` where the frames print
    `fp= sp=` (GOTRACEBACK=system and up); before, never."""
    checked = 0
    for text in _outputs():
        lines = text.splitlines()
        minors = {ev(s).minor for s in lines if s.startswith("\t/") and " +0x" in s} - {None}
        if len(minors) != 1:
            continue
        (minor,) = minors
        for i, line in enumerate(lines[:-2]):
            if line.startswith("goroutine ") and lines[i + 2].startswith("\t"):
                framed = " fp=" in lines[i + 2]
                assert ev(line).machine == (framed and minor >= 22), (minor, line)
                checked += 1
    assert checked > 1000
    # sigquit-lines-random, remerged (seed 8): Go 1.19's frames went under
    # a Go 1.23 process's `goroutine 0 gp=… [idle]`
    old, new = case_lines("sigquit-lines-random", "p2.out"), \
        case_lines("sigquit-lines-random", "p1.out")
    assert ev(old[6]).minor == 19 and ev(new[6]).minor == 23
    plain, machine = stream(*old[1:3], old[4]), stream(*new[1:3], new[4])
    call = ev(old[5])
    assert file_score(plain, call, ev(old[6])) > file_score(machine, call, ev(old[6])) + 10.0
    # and a Go 1.23 frame printing fp= under a header with no gp=
    call = ev(new[5])
    assert file_score(machine, call, ev(new[6])) > file_score(plain, call, ev(new[6])) + 10.0


def test_the_runtime_calls_a_programs_code_only_where_it_starts_it() -> None:
    """A runtime function's frame below another function's: the runtime
    calls the program's code only to start a goroutine or main.main."""
    callers: dict[str, int] = {}
    below_runtime = 0
    for r in reports():
        for g in r.goroutines:
            for above, below in pairwise(g.frames):
                if _runtime(below.func):
                    below_runtime += 1
                    if not _runtime(above.func) and above.func not in ("panic", "runtime.gopanic"):
                        callers[below.func] = callers.get(below.func, 0) + 1
    assert below_runtime > 2000 and sum(callers.values()) > 350  # measured: 2298 and 381
    assert set(callers) == {"runtime.goexit", "runtime.main"}
    assert not any(calls_out(f, "main.main") for f in callers)
    # mixed-lines-random: process 3's internal/runtime/maps.(*Map).putSlotSmallFast64
    # went below process 1's main.handle, above its main.panicRecoveredRepanic
    own = case_lines("mixed-lines-random", "p1.out")
    maps = case_lines("mixed-lines-random", "p3.out")
    t = stream(*own[3:10])
    assert t.callee == "main.handle"
    mine, other = ev(own[10]), ev(maps[41])
    assert other.func == "internal/runtime/maps.(*Map).putSlotSmallFast64"
    assert call_score(t, mine, None) > call_score(t, other, None) + 6.0

def test_a_goroutine_parked_in_the_programs_code_is_not_parked_at_a_line_that_calls() -> None:
    """The top frame of a goroutine parked in the program's code (`[chan
    receive]`, the runtime's frames hidden) is the line that blocked: no
    line (its path as printed) where a frame of any output calls another
    function than the top's own."""
    calling: dict[tuple[str, int], set[str]] = {}
    tops: set[tuple[tuple[str, int], str]] = set()
    for r in reports():
        for g in r.goroutines:
            for k, f in enumerate(g.frames):
                if f.file is None or program_line(ev(f"\t{f.file}:{f.line}")) is None:
                    continue
                callee = callee_name(g.frames[k - 1].func if k else None)
                if callee:
                    calling.setdefault((f.file, f.line), set()).add(callee)
                elif g.state in _WAITS:
                    tops.add(((f.file, f.line), f.func))
    # measured: 47 (437 goroutines) and 207; one top lies where its own closure is called
    assert len(tops) > 40 and len(calling) > 200
    assert not [t for t in tops if calling.get(t[0], set()) - {t[1]}]
    # bolt-lines-random: process 1's `goroutine 1 [chan receive]` lost its
    # main.boltCorrupt frame to another stream; main.main at main.go:44 on
    # top of it is where process 2's main.main was seen calling main.hubTimeout
    hub, bolt = case_lines("bolt-lines-random", "p2.out"), case_lines("bolt-lines-random", "p1.out")
    assert ev(hub[5]).func == "main.hubTimeout"
    assert (ev(hub[8]).file, ev(hub[8]).line) == (ev(bolt[24]).file, ev(bolt[24]).line)
    seen = frozenset({callee_name("main.hubTimeout")})
    parked, below = stream(bolt[20]), stream(*bolt[20:23])
    assert parked.state == "chan receive" and below.callee == "main.boltCorrupt"
    main = ev(bolt[23]).func
    assert seen_at(seen, parked, main) <= -6.0 and seen_at(seen, below, main) == 0.0
    # and the other way: a line seen blocking is no call site of another function
    blocked = frozenset({PARKED + "main.main"})
    assert seen_at(blocked, below, main) <= -6.0 and seen_at(blocked, parked, main) == 0.0
    beam = Beam()
    call = Call(1000, "FRAME_CALL", ev(bolt[23]), -1)
    at = ev(bolt[24])
    assert (beam.frame_score(parked, call, at, 0.0, None, None, seen)
            < beam.frame_score(parked, call, at, 0.0, None, None, None) - 6.0)


def test_the_runtimes_throw_is_called_by_the_runtime_alone() -> None:
    """runtime.throw and runtime.fatal are unexported and no compiled call
    reaches them: the frame below one is the runtime's (a std package's
    linknamed `sync.fatal`, `internal/runtime/maps.fatal` prints its own name)."""
    callers = [below.func for r in reports() for g in r.goroutines
               for above, below in pairwise(g.frames) if above.func in _RUNTIME_THROWS]
    assert len(callers) >= 10  # measured: 11 (42 in all the corpus's cases' outputs)
    assert all(_runtime(f) for f in callers)
    # crash-lines-random merged again (draw 2): the Go 1.19 fatal error's
    # runtime.fatal call line took the Go 1.23 panic's panic.go file line,
    # and bbolt's (*Cursor).search was taken for its caller
    go119 = case_lines("crash-lines-random", "p1.out")
    go123 = case_lines("crash-lines-random", "p2.out")
    fatal = go119.index("runtime.fatal({0x4a6a1c?, 0x4881ef?})")
    t = stream(go123[2], go119[fatal], go123[4])
    assert t.callee == "runtime.fatal"
    own, other = ev(go119[fatal + 2]), ev(go123[5])
    assert own.func == "runtime.mapassign_fast64"
    assert other.func == "go.etcd.io/bbolt.(*Cursor).search"
    assert call_score(t, other, None) < call_score(t, own, None) - 3.5


def _sites(text: str) -> set[tuple[str, int, str]]:
    """The (source file, line, function) of an output's frames and `created
    by` lines, as Hypothesis.note_site keeps them."""
    out = set()
    for call, file in pairwise(text.splitlines()):
        c, f = _read(call), _read(file)
        if (c is not None and f is not None and f.kind == "frame_file" and c.func
                and f.file and f.line and c.kind in ("frame_call", "created_by")):
            out.add((source(f.file), int(f.line), site_func(c.func)))
    return out


def test_a_line_lies_in_one_function_or_in_a_closure_and_its_function() -> None:
    """Two functions print at one line of an output only where one nests in
    the other: a one-line `go func() { … }()` prints its closure's frame and
    its `created by` line there."""
    nested = other = 0
    for text in _outputs():
        at: dict[tuple[str, int], set[str]] = {}
        for file, line, func in _sites(text):
            at.setdefault((file, line), set()).add(func)
        for funcs in at.values():
            if len(funcs) > 1:
                if all(_nested(a, b) for a in funcs for b in funcs):
                    nested += 1
                else:
                    other += 1
    assert nested > 300 and other <= 1  # measured: 344 and 1 (Go 1.21's sibling wrappers)
    # crash-lines-random: Go 1.19's runtime.gcenable.func1 and `created by
    # runtime.gcenable` at mgc.go:178; the truth paid another function's site
    go119 = case_lines("crash-lines-random", "p1.out")
    k = go119.index("created by runtime.gcenable")
    closure, created, at178 = ev(go119[k - 4]), ev(go119[k]), ev(go119[k + 1])
    assert closure.func == "runtime.gcenable.func1" and at178.line == "178"
    assert ev(go119[k - 3]).line == "178"
    h = Hypothesis()
    h.note_site(at178.file, "178", site_func(closure.func))
    assert code(h, created, at178) == 0.0
    # but a go statement's pc is no frame's: skopeo line by line (seed 43)
    # paired `created by copyLayers` with another process's copyLayers.func1 pc
    h.callees = h.callees.set((at178.file, at178.line, at178.offset), "")
    assert code(h, created, at178) <= -6.0
    h2 = Hypothesis()
    h2.note_site(at178.file, "178", "runtime.bgsweep")
    assert code(h2, created, at178) <= -6.0


def test_a_functions_body_is_one_run_of_lines_its_closures_in_it() -> None:
    """No site of an output lies inside another function's run of lines,
    a closure's lines counted in its function's (line 1 aside: the line the
    compiler gives the code it generates)."""
    inside = total = 0
    for text in _outputs():
        sites = {s for s in _sites(text) if s[1] != 1}
        spans: dict[tuple[str, str], tuple[int, int]] = {}
        for file, line, func in sites:
            for f in (func, *_enclosing(func)):
                a, b = spans.get((file, f), (line, line))
                spans[file, f] = (min(a, line), max(b, line))
        total += len(sites)
        inside += sum(1 for file, line, func in sites
                      if any(a < line < b and not _nested(func, f)
                             for (g, f), (a, b) in spans.items() if g == file))
    assert total > 4500 and inside <= 1  # measured: 4976 and 0
    # mixed-lines-random: two processes' call lines swapped gave main.handle
    # main.go:187-197 (its closure's line and its own) and main.panicError's
    # closure main.go:211, past main.handle's lines from panicError's 195
    h = Hypothesis()
    h.note_site("main.go", "187", "main.handle.func1")
    h.note_site("main.go", "197", "main.handle")
    h.note_site("main.go", "195", "main.panicError")
    assert body(h, "main.panicError.func1", "main.go", 211) == SPLIT
    assert body(h, "main.handle.func2", "main.go", 192) == 0.0
    h = Hypothesis()
    h.note_site("main.go", "187", "main.handle.func1")
    h.note_site("main.go", "197", "main.handle")
    assert body(h, "main.panicError", "main.go", 195) == SPLIT  # inside main.handle's run
    assert body(h, "main.panicError", "main.go", 199) == 0.0


def test_a_closure_is_inlined_into_its_own_function() -> None:
    """An inlined closure `F.func1(...)` is inlined where it is known: F, or a
    wrapper of it, is printed before the next frame that was not inlined."""
    closures = 0
    for r in reports():
        for g in r.goroutines:
            run: list[str] = []
            for f in g.frames:
                if f.inlined and f.offset is None:
                    run.append(f.func)
                    continue
                if any(_enclosing(c) for c in run):
                    assert inlined_into(tuple(run), f.func), (run, f.func)
                    closures += sum(1 for c in run if _enclosing(c))
                run = []
    assert closures >= 10  # measured: 12 (32 in all the corpus's cases' outputs)
    # crash-lines-random merged again (draw 6): bbolt's inlined
    # main.(*Store).Lookup.func1(...) went between the nil dereference's
    # main.nilDeref and its main.main
    bolt = case_lines("crash-lines-random", "p2.out")
    nil = case_lines("crash-lines-random", "p0.out")
    k = bolt.index("main.(*Store).Lookup.func1(...)")
    t = stream(*bolt[2:k + 2])
    assert t.inlined_run == ("main.(*Store).Lookup.func1",)
    view, main = ev(bolt[k + 2]), ev(nil[nil.index("main.main()")])
    assert call_score(t, main, None) <= call_score(t, view, None) - 3.5
    t = stream(*bolt[2:k + 4])  # (*DB).View(...) inlined too: Lookup's frame is due
    assert call_score(t, ev(bolt[k + 4]), None) > call_score(t, main, None) + 3.0


def test_a_goroutine_a_signal_struck_is_its_reports_first_and_the_report_the_signals() -> None:
    """runtime.sigpanic shows where a signal struck: that goroutine is its
    report's first, and the report's message names a fault (`[signal …`
    follows it)."""
    struck = 0
    for r in reports():
        for k, g in enumerate(r.goroutines):
            if any(f.func == "runtime.sigpanic" for f in g.frames):
                assert k == 0
                head = "panic" if r.kind == "panic" else "fatal error"
                assert ev(f"{head}: {r.message}").signaled
                struck += 1
    assert struck >= 15  # measured: 16 (21 with the wild pastes and gccgo's)
    # crash-lines-random merged again (draw 5): the Go 1.27 nil dereference's
    # stack went under the Go 1.19 `fatal error: concurrent map writes`
    nil = case_lines("crash-lines-random", "p0.out")
    maps = case_lines("crash-lines-random", "p1.out")
    k = nil.index("runtime.sigpanic()")
    own = stream(nil[1], nil[2], *nil[4:k])
    other = stream(maps[0], *nil[4:k])
    assert own.signaled and not other.signaled and other.report == "fatal_error"
    sigpanic = ev(nil[k])
    assert call_score(other, sigpanic, None) <= call_score(own, sigpanic, None) - 3.0


def test_a_deadlock_lists_goroutine_1_first() -> None:
    """`all goroutines are asleep` lists the goroutines in allg order, and
    the main goroutine, the first, cannot have returned."""
    leads = [r.goroutines[0].id for r in reports()
             if r.kind == "fatal error" and "goroutines are asleep" in r.message and r.goroutines]
    # measured: 7 (22 with the wild pastes and every case's outputs)
    assert len(leads) >= 7 and set(leads) == {1}
    # twelve-lines-random: a Go 1.27 pool's `goroutine 18 [sync.Cond.Wait]`
    # opened a Go 1.27 deadlock's stacks
    deadlock = stream(case_lines("twelve-lines-random", "p6.out")[0])
    own, other = ev("goroutine 1 [sync.WaitGroup.Wait]:"), ev("goroutine 18 [sync.Cond.Wait]:")
    assert score(deadlock, own) - score(deadlock, other) == -DEADLOCK_LEAD > 3.0


def test_a_goroutine_waiting_where_the_runtime_names_the_wait_shows_the_function_waiting() -> None:
    """`[sync.WaitGroup.Wait]`, `[sleep]`, `[sync.Mutex.Lock]`: the first
    frame outside the runtime's is the function that waits (gccgo names it
    with two underscores), never the program's own."""
    firsts = [(g.state, f.func) for r in reports() for g in r.goroutines
              if _WAITS.get(g.state)
              for f in g.frames[:next((k + 1 for k, f in enumerate(g.frames)
                                       if not _runtime(f.func)), 0)][-1:]
              if not _runtime(f.func)]
    assert len(firsts) > 200 and all(waits_in(state, func) > 0 for state, func in firsts)
    assert waits_in("sync.Cond.Wait", "sync.runtime__notifyListWait") > 0  # gccgo's name
    # a chunk's cut first frame says nothing
    assert waits_in("sync.Mutex.Lock", "macquireMutex") == 0.0
    # twelve-lines-random: a Go 1.27 deadlock's goroutine 1 took a -trimpath
    # program's main.(*Hub).Shutdown for its first frame
    deadlock = case_lines("twelve-lines-random", "p6.out")
    t = stream(deadlock[0], deadlock[2])
    own, other = ev(deadlock[3]), ev("main.(*Hub).Shutdown(0xc00009e000, 0x0?)")
    assert call_score(t, other, None) == UNWAITED
    assert call_score(t, own, None) > call_score(t, other, None) + 6.0


def test_only_the_standard_library_calls_its_internal_packages() -> None:
    """Go lets only the standard library import internal/sync, internal/poll,
    …: the frame below one of theirs is the standard library's (the
    compiler's own calls into internal/runtime/maps aside)."""
    callers = [(a.func, b.func) for r in reports() for g in r.goroutines
               for a, b in pairwise(g.frames) if internal_callee(a.func)]
    assert len(callers) > 200 and all(standard(caller) for _, caller in callers)
    assert not internal_callee("internal/runtime/maps.fatal")  # main's map code calls it
    assert not standard("main.small") and not standard("go.etcd.io/bbolt.(*DB).View")
    # twelve-lines-random: a Go 1.19 program's main.small went below a Go
    # 1.27 pool's inlined internal/sync.(*Mutex).Lock
    pool = case_lines("twelve-lines-random", "p8.out")
    start = pool.index("goroutine 20 [sync.Mutex.Lock]:")
    t = stream(*pool[start:start + 7])
    assert t.callee == "internal/sync.(*Mutex).Lock"
    own, other = ev(pool[start + 7]), ev("main.small()")
    assert call_score(t, own, None) - call_score(t, other, None) >= -INTERNAL_CALLER


def test_a_signals_pc_lies_in_its_reports_first_frame() -> None:
    """`[signal … pc=0x…]` names where the report's first goroutine faulted:
    its first physical frame's offset (no pc= printed) is pc minus the entry
    of a function, which gc aligns to 32 bytes on amd64."""
    entries = []
    for r in reports():
        if r.signal is None or r.signal.pc is None or not r.goroutines:
            continue
        frame = next((f for f in r.goroutines[0].frames if not f.inlined), None)
        if frame is not None and frame.offset and frame.pc is None \
                and frame.func != "runtime.cgocall":
            entries.append(int(r.signal.pc, 16) - int(frame.offset, 16))
    # measured: 4 (12 of 16 with the wild pastes and all cases: arm64, 32-bit arm, Go 1.6 not)
    assert len(entries) >= 4 and all(e % FAULT_ALIGN == 0 for e in entries)
    # mixed-lines-random: process 4's Go 1.26 main.main went under process
    # 2's Go 1.24 nil dereference, whose first frame went elsewhere
    nil = case_lines("mixed-lines-random", "p2.out")
    small = case_lines("mixed-lines-random", "p4.out")
    assert nil[2].startswith("[signal") and nil[5].startswith("main.(*Session).Greeting")
    t = stream(nil[1], nil[2], nil[4])
    mine, other = file_score(t, ev(nil[5]), ev(nil[6])), file_score(t, ev(small[11]), ev(small[12]))
    assert small[11] == "main.main()" and fault_entry("0x49afd6", "0x16") == AT_ENTRY
    assert mine - other == AT_ENTRY - OFF_ENTRY > 4.0
