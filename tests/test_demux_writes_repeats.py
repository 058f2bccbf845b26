"""What the write decoder's readings repeat (issue 3): the same function at the
same call site prints the same file and line in every process of a program,
and the same offset in every goroutine of one build. Frames from the corpus's
real outputs (tests/corpus/cases/bolt-writes-*: Go 1.19, 1.21 and 1.23
processes of one program).
"""

from __future__ import annotations

from conftest import corpus_case as _case

from stackdemux.demux import writes_decode
from stackdemux.demux import writes_repeats as R
from stackdemux.demux.persistent import PMap
from stackdemux.demux.writes_repeats import Seen, arg_words, source_tail

GO123 = "/opt/gobin/1.23.9/go/src/runtime/sema.go"
GO119 = "/usr/lib/go-1.19/src/runtime/sema.go"
MAIN = "/work/main/tests/corpus/programs/main.go"


def test_a_files_path_under_its_toolchain_is_the_same_in_every_process():
    assert source_tail(GO123) == source_tail(GO119) == "runtime/sema.go"
    assert source_tail(MAIN) == MAIN  # a program's own file: its path as printed
    assert source_tail("example.com/fleet/main.go") == "example.com/fleet/main.go"


def test_argument_words_count_a_struct_as_one():
    assert arg_words("0xc000064e10, {0xc000064e08?, 0x40bc3f?, 0x0?}, 0x1904") == 3
    assert arg_words("...") == 1
    assert arg_words("") == 0


def test_a_goroutine_parked_like_the_one_before_reads_cheaper_than_the_first():
    # goroutines 17, 18 and 19 of the Go 1.23 process wait on one mutex
    seen, sites = Seen(), PMap()
    first, seen, sites = seen.frame(sites, "main.(*Hub).waiter", MAIN, "139", "0x31")
    again, seen, sites = seen.frame(sites, "main.(*Hub).waiter", MAIN, "139", "0x31")
    assert first == 0.0
    assert again == -(R.B_LINE + R.B_OFFSET)


def test_another_process_digits_glued_behind_a_line_number_cost_more_than_the_line():
    # `:139` then another process's `48`: a line the function was never called at
    seen, sites = Seen(), PMap()
    _, seen, sites = seen.frame(sites, "main.(*Hub).waiter", MAIN, "139", "0x31")
    right, _, _ = seen.frame(sites, "main.(*Hub).waiter", MAIN, "139", "0x31")
    glued, _, _ = seen.frame(sites, "main.(*Hub).waiter", MAIN, "13948", "0x31")
    assert glued - right == R.W_LINE + R.B_LINE + R.B_OFFSET


def test_one_build_prints_one_offset_at_a_call_site_and_another_build_its_own():
    # main.main calls at main.go:44 in every process: +0x18f built by Go 1.21,
    # +0x179 by Go 1.23; a process holding both is two processes' file lines
    seen = Seen()
    _, seen, go121 = seen.frame(PMap(), "main.main", MAIN, "44", "0x18f")
    other, seen, _ = seen.frame(PMap(), "main.main", MAIN, "44", "0x179")
    assert other == -R.B_LINE  # the same line of the program, in another build
    mixed, _, _ = seen.frame(go121, "main.main", MAIN, "44", "0x179")
    assert mixed == R.W_OFFSET - R.B_LINE


def test_a_function_lives_in_one_file_whichever_toolchain_built_it():
    _, seen, _ = Seen().frame(PMap(), "sync.runtime_SemacquireMutex", GO123, "95", "0x25")
    same, _, _ = seen.frame(PMap(), "sync.runtime_SemacquireMutex", GO119, "95", "0x25")
    moved, _, _ = seen.frame(PMap(), "sync.runtime_SemacquireMutex", MAIN, "95", "0x25")
    assert same == -R.B_LINE
    assert moved == R.W_FILE


def test_a_call_prints_as_many_argument_words_everywhere():
    seen = Seen()
    first, seen = seen.call("sync.runtime_SemacquireMutex", 3)
    again, _ = seen.call("sync.runtime_SemacquireMutex", 3)
    dealt, _ = seen.call("sync.runtime_SemacquireMutex", 4)  # another's argument in it
    assert (first, again, dealt) == (0.0, -R.B_ARGS, R.W_ARGS)


def test_held_to_the_truth_a_shuffle_of_three_processes_reads_cheaper_for_its_repeats(
        monkeypatch):
    # bolt-writes-shuffle: what its writes repeat makes the truth's reading
    # cheaper (743 without, 638 with), so the search has it to find
    text, truth = _case("bolt-writes-shuffle")
    owners = [o for o, n in truth["ownership"] for _ in range(n)]
    monkeypatch.setattr(writes_decode, "REPEATS", False)
    without = writes_decode.decode(text, owners=owners).cost
    monkeypatch.setattr(writes_decode, "REPEATS", True)
    with_repeats = writes_decode.decode(text, owners=owners).cost
    assert with_repeats < without - 50


def test_a_frames_caller_that_called_its_function_before_reads_cheaper():
    # every waiter of the Go 1.23 process: waiter <- created by hubTimeout
    seen = Seen()
    first, seen = seen.edge("main.(*Hub).waiter", "created by main.hubTimeout")
    again, seen = seen.edge("main.(*Hub).waiter", "created by main.hubTimeout")
    other, _ = seen.edge("main.(*Hub).waiter", "created by main.startIdle")
    top, _ = seen.edge(None, "main.(*Hub).waiter")  # a goroutine's first frame: no callee
    assert (first, again, other, top) == (0.0, -R.B_EDGE, R.W_EDGE, 0.0)


def test_digits_dealt_to_a_line_number_pay_as_they_come():
    # `main.go:` + `335` of one process and `98` of another: `3598` can begin
    # no line startIdle was called at; `335` is one
    _, seen, _ = Seen().frame(PMap(), "main.startIdle", MAIN, "335", "0x105")
    assert seen.guess("main.startIdle", MAIN, "335") == -R.B_LINE
    assert seen.guess("main.startIdle", MAIN, "3598") == R.W_LINE
    assert seen.guess("main.hubTimeout", MAIN, "3598") == 0.0  # nothing known yet
