"""A goroutine the runtime could not unwind, as real crashes printed it (samples/wild/).

When a goroutine's pc is in C code or in no function, the traceback prints
`runtime: unknown pc 0x…` (Go 1.18+: `runtime: g 5: unknown pc 0x…`) or
`runtime: unexpected return pc for F called from 0x…`, then the stack's bounds
(`stack: frame={sp:…, fp:…} stack=[…,…)`) and a hex dump of it, and goes on with
the goroutine's `created by` (runtime/traceback.go, tracebackHexdump).
"""

from __future__ import annotations

from conftest import ROOT

from stackdemux import analyze
from stackdemux.model import ReportKind

WILD = ROOT / "samples" / "wild"
WASMER = WILD / "wasmergo98_sigabrt_unknown_pc.txt"  # printed twice, blank lines between
GO52963 = WILD / "go52963_test_log_child_sigsegv.txt"  # `runtime: g 0: unknown pc`


def test_the_goroutine_goes_on_past_its_unknown_pc_to_its_created_by():
    a = analyze(WASMER)
    [r] = a.reports
    assert (r.kind, r.message) == (ReportKind.SIGNAL_DUMP, "SIGABRT: abort")
    [g] = r.goroutines
    assert (g.id, g.frames) == (405, [])
    assert g.created_by.frame.func.endswith("grpc.(*Server).serveStreams.func1")
    assert g.created_by.frame.line == 715
    # the notes and the stack's bounds are the report's; the reporter's `....` are not
    assert r.lines == [(1, 12)] and a.noise == [(13, 14)]


def _child_output() -> str:
    """The child's crash the test quoted, as the child printed it: the test log's
    `crash_cgo_test.go:611: ` before its first line, and testing's 12 spaces before
    the others, taken off."""
    lines = GO52963.read_text().splitlines()[3:]
    return "\n".join([lines[0].split(": ", 1)[1], *(ln[12:] for ln in lines[1:])]) + "\n"


def test_go_1_18_s_note_names_the_goroutine():
    # `goroutine 0 [idle]:`, `runtime: g 0: unknown pc 0x3fe45b3c1a`, `stack: frame={…}`
    a = analyze(_child_output())
    [r] = a.reports
    assert (r.kind, r.message) == (ReportKind.SIGNAL_DUMP, "SIGSEGV: segmentation violation")
    [g] = r.goroutines
    assert (g.id, g.state, g.frames) == (0, "idle", [])
    assert r.lines == [(1, 6)] and a.noise == []


def test_a_crash_a_test_s_log_quotes_is_the_test_s_output():
    # the same lines under `--- FAIL: TestSegv/Segv`, indented as testing indents a
    # message's later lines: the child's, not a goroutine of the test binary; the
    # paste ends before go test's FAIL line
    a = analyze(GO52963)
    [r] = a.reports
    assert (r.kind, r.tests, r.goroutines) == (ReportKind.TEST_FAILURE,
                                               ["TestSegv", "TestSegv/Segv"], [])
    assert not r.complete and "before go test's FAIL line" in r.incomplete_reason
    # the log is the failed subtest's, each entry with its further lines (the child's
    # dump, 4 spaces deeper than the entry): no line is noise
    assert r.lines == [(1, 9)] and a.noise == []
    parent, child = r.failed_tests
    assert (parent.test, parent.log) == ("TestSegv", [])
    assert [(e.file, e.line, e.input_lines) for e in child.log] == [
        ("testenv.go", 460, (3, 3)), ("crash_cgo_test.go", 611, (4, 9))]
    assert child.log[1].text.splitlines()[:2] == ["SIGSEGV: segmentation violation",
                                                  "PC=0x3fe45b3c1a m=3 sigcode=0"]


def test_an_unknown_pc_note_outside_a_goroutine_is_the_report_s_context():
    # before any goroutine (a `runtime:` line in a report's header) nothing changes
    text = ("fatal error: unexpected signal during runtime execution\n"
            "runtime: unknown pc 0x7f23653747bb\n")
    [r] = analyze(text).reports
    assert r.context == ["runtime: unknown pc 0x7f23653747bb"]


SIGILL = WILD / "operatorregistry1086_ppc64le_sigill_instruction_bytes.txt"


def test_a_sigill_s_instruction_bytes_are_the_report_s_and_its_goroutine_follows():
    # `PC=0x1175cd00 m=0 sigcode=1`, then `instruction bytes: 0x1 0x0 0x1f …` (the
    # runtime prints the bytes at the pc for SIGILL and SIGFPE), then goroutine 0
    a = analyze(SIGILL)
    [r] = a.reports
    assert (r.kind, r.message, r.signal.pc) == (
        ReportKind.SIGNAL_DUMP, "SIGILL: illegal instruction", "0x1175cd00")
    assert r.context == ["instruction bytes: 0x1 0x0 0x1f 0xf4 0x10 0x0 0x5f 0xe9 0x10 0x0 "
                         "0x49 0xf9 0x5 0x0 0x9 0xf4"]
    [g] = r.goroutines
    assert (g.id, g.state, g.frames) == (0, "idle", [])
    assert r.lines == [(3, 24)] and a.noise == [(1, 2)]  # the fence and the command


ONSTACK = WILD / "nixosfacter216_sigaction_without_onstack_gp.txt"


def test_the_runtime_s_lines_before_a_throw_with_no_prefix_are_its_context():
    # `signal 17 received but handler not on signal stack` and the stacks' bounds,
    # printed by sigNotOnStack before `fatal error: non-Go code set up signal handler …`
    a = analyze(ONSTACK)
    [r] = a.reports
    assert r.kind is ReportKind.FATAL_ERROR
    assert r.context == [
        "signal 17 received but handler not on signal stack",
        "mp.gsignal stack [0xc000006000 0xc00000e000], mp.g0 stack [0x7ffc2e1f2000 "
        "0x7ffc2e9f0280], sp=0xc0001867b0"]
    assert r.lines == [(2, 22)] and a.noise == [(1, 1)]  # the fence
    # only just before a fatal error: apart from one, the lines are no report's
    text = ONSTACK.read_text().replace("fatal error:", "exit:", 1)
    a = analyze(text)
    assert all(not r.context for r in a.reports) and a.noise == [(1, 6)]


MINIO = WILD / "minio19822_journal_tag_traceback_did_not_unwind_go121.txt"


def test_a_note_s_tab_led_detail_is_the_report_s_with_its_note():
    # runtime/traceback.go prints `runtime: g N: frame.sp=… top=…`, then the stack's
    # bounds on a tab-led line, then throws; the journal wrote the tab as 8 spaces
    a = analyze(MINIO)
    [r] = a.reports
    assert (r.kind, r.message) == (ReportKind.FATAL_ERROR, "traceback did not unwind completely")
    assert r.context == ["runtime: g16194507552: frame.sp=0xc003ea7ca8 top=0xc003eadfe0",
                         "\tstack=[0xc003e9e000-0xc003eae000"]
    assert r.lines == [(2, 9)] and a.noise == [(1, 1)]  # (line 1: the Markdown fence)

