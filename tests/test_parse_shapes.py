"""One spec per traceback shape, each on a real capture from samples/."""

from __future__ import annotations

from conftest import numbers, only_report, parse_sample

from stackdemux.model import ReportKind


def test_multi_line_panic_value_is_raw_before_go_1_23_and_tab_indented_since():
    for go in ("1.21", "1.27"):
        _, result = parse_sample("panic_multiline", go)
        r = only_report(result)
        assert r.message.startswith("line1\n") and "\n\t" not in r.message
        assert len(r.message.split("\n")) >= 2 and r.goroutines[0].frames


def test_recovered_chain_and_repanicked_annotation_on_go_1_25_plus():
    _, result = parse_sample("recover_then_panic", "1.27")
    r = only_report(result)
    assert r.chain[0].annotation == "recovered"
    assert len(r.chain) == 2 and r.message == r.chain[0].message
    _, result = parse_sample("repanic_same_value", "1.27")
    assert only_report(result).chain[0].annotation == "recovered, repanicked"


def test_test_timeout_lists_running_tests():
    _, result = parse_sample("test_timeout", "1.27")
    r = only_report(result)
    assert r.kind is ReportKind.PANIC and r.message == "test timed out after 2s"
    assert r.tests == ["TestHang"]
    assert any(f.file == "_testmain.go" for g in r.goroutines for f in g.frames)


def test_fatal_error_keeps_runtime_context_and_runtime_stack():
    _, result = parse_sample("stack_overflow", "1.27")
    r = only_report(result)
    assert r.kind is ReportKind.FATAL_ERROR and r.message == "stack overflow"
    assert r.context[0].startswith("runtime: goroutine stack exceeds")
    assert r.system_stacks and r.system_stacks[0].frames[0].func == "runtime.throw"
    g = r.goroutines[0]
    assert g.elided_count and g.elided_at is not None  # "...N frames elided..." mid-stack


def test_signal_line_fields_and_fault_address():
    _, result = parse_sample("fault", "1.27")
    r = only_report(result)
    assert r.context[0].startswith("unexpected fault address 0x")
    s = r.signal
    assert (s.name, s.description, s.code) == ("SIGSEGV", "segmentation violation", "0x1")
    assert s.addr.startswith("0x") and s.pc.startswith("0x")


def test_sigquit_dump_with_pc_m_sigcode_registers_and_goroutine_0():
    _, result = parse_sample("sigquit_minutes", "1.27")
    r = only_report(result)
    assert r.kind is ReportKind.SIGNAL_DUMP and r.signal.name == "SIGQUIT"
    assert r.signal.m == 0 and r.signal.sigcode == "0" and r.signal.pc.startswith("0x")
    assert "rip" in r.registers and r.registers["rip"].startswith("0x")
    assert any(g.id == 0 and g.state == "idle" and g.gp for g in r.goroutines)
    assert any(g.wait_minutes == 1 for g in r.goroutines)
    assert any(g.locked for g in r.goroutines)


def test_sigabrt_dump():
    _, result = parse_sample("sigabrt", "1.27")
    r = only_report(result)
    assert r.kind is ReportKind.SIGNAL_DUMP and r.message == "SIGABRT: abort"


def test_gotraceback_system_headers_and_fp_sp_pc():
    _, result = parse_sample("traceback_system", "1.27")
    r = only_report(result)
    g = r.goroutines[0]
    assert g.gp.startswith("0x") and g.m == 0 and g.mp.startswith("0x")
    f = g.frames[0]
    assert f.fp.startswith("0x") and f.sp.startswith("0x") and f.pc.startswith("0x")
    assert any(x.m is None and x.gp for x in r.goroutines)  # "m=nil"


def test_http_panic_serving():
    _, result = parse_sample("http_panic", "1.27")
    r = result.reports[0]
    assert r.kind is ReportKind.PANIC and r.message == "boom (request 500, /crash)"
    assert r.http_remote.startswith("127.0.0.1:")
    assert any(f.func.startswith("net/http.(*conn).serve") for f in r.goroutines[0].frames)


def test_race_accesses_and_creators():
    _, result = parse_sample("race_run", "1.27")
    race = result.reports[0].race
    ops = [a.operation for a in race.accesses]
    assert ops[0] in ("Read", "Write") and ops[1].startswith("Previous ")
    assert all(a.frames and a.frames[0].file for a in race.accesses)
    assert race.creators and race.creators[0].frames[0].func == "main.main"


def test_go_test_failure_lines():
    lines, result = parse_sample("test_panic", "1.27")
    r = only_report(result)
    assert r.tests and r.test_package == "example.com/gotests/store"
    assert lines.index("FAIL") + 1 in numbers(r.lines) or "FAIL" not in lines


def test_go_run_exit_status():
    _, result = parse_sample("go_run_panic", "1.27")
    assert only_report(result).exit_status == 2


def test_labels_on_go_1_27():
    _, result = parse_sample("labels_godebug", "1.27")
    labelled = [g.labels for g in only_report(result).goroutines if g.labels]
    assert labelled and all(isinstance(v, str) for d in labelled for v in d.values())


def test_synctest_bubble_and_durable():
    _, result = parse_sample("synctest_deadlock", "1.27")
    gs = only_report(result).goroutines
    assert any(g.bubble is not None and g.durable for g in gs)


def test_leaked_goroutines():
    _, result = parse_sample("goroutine_leak_profile", "1.27")
    assert any(g.leaked and g.state == "chan receive" for g in only_report(result).goroutines)


def test_frame_decorations():
    _, result = parse_sample("frame_decorations", "1.27")
    frames = [f for g in only_report(result).goroutines for f in g.frames]
    args = [f.args or "" for f in frames]
    assert any("{...}" in a for a in args) and any("?" in a for a in args)
    assert any(a.endswith("...") and a != "..." for a in args)
    assert any(f.inlined for f in frames)


def test_created_by_with_and_without_in_goroutine():
    _, old = parse_sample("panic_in_goroutine", "1.19")
    _, new = parse_sample("panic_in_goroutine", "1.27")
    assert only_report(old).goroutines[0].created_by.goroutine is None
    assert only_report(new).goroutines[0].created_by.goroutine == 1


def test_gowrap_and_ancestors_and_unavailable():
    # go-statement wrappers (main.main.gowrap1) show with GOTRACEBACK=system
    _, result = parse_sample("goroutine_wrappers_system")
    assert any(".gowrap" in f.func for g in only_report(result).goroutines for f in g.frames)
    _, result = parse_sample("ancestors", "1.27")
    assert any(g.ancestors and g.ancestors[0].frames for g in only_report(result).goroutines)
    _, result = parse_sample("running_other_thread", "1.27")
    assert any(g.unavailable and not g.frames for g in only_report(result).goroutines)


def test_a_log_line_after_a_panic_line_is_not_part_of_its_value() -> None:
    """Before Go 1.23 a multi-line panic value continues raw, then a blank line and a
    goroutine header; ordinary log lines after a lone `panic: …` stay noise."""
    from stackdemux.parse import parse_text

    r = parse_text("panic: foo\nmake: *** [all] Error 1\nnext\n\nmore\n")
    assert r.reports[0].message == "foo"
    assert r.noise == [(2, 5)]


def test_frames_before_any_header_are_a_report_marked_incomplete():
    """A log or paste that begins inside a report: its frames are read (a
    headerless goroutine), and the report says it could not be completed."""
    from stackdemux.parse import HEADLESS, parse_text

    lines, _ = parse_sample("nil_map", "1.27")
    first_frame = next(i for i, t in enumerate(lines) if t.startswith("\t")) - 1
    r = only_report(parse_text("\n".join(lines[first_frame:]) + "\n"))
    assert r.kind is ReportKind.GOROUTINE_DUMP and r.goroutines[0].frames
    assert not r.complete and r.incomplete_reason == HEADLESS
    whole = only_report(parse_text("\n".join(lines) + "\n"))
    assert whole.complete and whole.incomplete_reason is None
