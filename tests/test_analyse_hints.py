"""Hints: every shipped rule fires on a real crash of its kind, and only there;
a team's own rules file is read, and a wrong one is refused with a clear error."""

from pathlib import Path

import pytest

from stackdemux.analyse import analyse
from stackdemux.analyse.hints import RulesError, load_rules, parse_rules, shipped_rules
from stackdemux.api import analyze_many
from stackdemux.parse import parse_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CRASHES = ROOT.parent / "shared" / "conformance" / "panicparse-crashes"
VERSIONS = ("1.27", "1.25", "1.23", "1.21", "1.19")

# rule id → scenarios of samples/generate.py that are that crash
CASES = {
    "bbolt-corrupt": ["skopeo_vendor", "skopeo_modcache", "skopeo_gopath", "skopeo_trimpath"],
    "containers-blob-info-cache": ["skopeo_vendor", "skopeo_modcache", "skopeo_gopath",
                                   "skopeo_trimpath"],
    "concurrent-map-access": ["concurrent_map_writes", "concurrent_map_read_write",
                              "concurrent_map_iteration_write"],
    "deadlock": ["deadlock"],
    "synctest-deadlock": ["synctest_deadlock"],
    "send-on-closed-channel": ["send_closed_channel"],
    "close-of-closed-channel": ["close_closed_channel"],
    "close-of-nil-channel": ["close_nil_channel"],
    "nil-map-write": ["nil_map"],
    "nil-pointer": ["nil_pointer", "traceback_default"],
    "index-out-of-range": ["index_out_of_range", "slice_bounds"],
    "divide-by-zero": ["divide_by_zero"],
    "stack-overflow": ["stack_overflow", "stack_overflow_mutual"],
    "out-of-memory": ["out_of_memory"],
    "test-timeout": ["test_timeout"],
    "log-after-test": ["test_log_after"],
    "http-handler-panic": ["http_panic"],
    "unlock-of-unlocked-mutex": ["unlock_unlocked_mutex", "runlock_unlocked_rwmutex"],
    "negative-waitgroup": ["negative_waitgroup"],
    "cgo-signal": ["cgo_segv", "cgo_abort"],
    "heap-corruption": ["bad_pointer_in_heap"],
    "data-race": ["race_run", "test_race"],
    "sigquit-dump": ["sigquit", "sigquit_minutes", "sigquit_system", "test_killed_quit"],
}


def find(scenario: str) -> Path | None:
    for version in VERSIONS:
        path = SAMPLES / f"go{version}" / f"{scenario}.txt"
        if path.exists():
            return path
    return None


def fired(path: Path) -> dict[str, list[str]]:
    groups, _ = analyse(parse_text(path.read_bytes()).reports)
    return {h.rule: h.details for g in groups for h in g.hints}


# rule id → real crashes that only a paste shows (samples/wild/): no program here
# can make them (a C library's signal handler, another OS), or none does yet (a
# program blocking 10 000 threads in system calls)
WILD_CASES = {
    "signal-stack": ["nixosfacter216_sigaction_without_onstack_gp.txt"],
    "cgo-thread-create": ["tour416_pthread_create_playground_sigabrt.txt",
                          "bosun1309_pthread_create_after_log_lines_spaces.txt",
                          "bytebase3096_pthread_create_eperm_docker_run.txt",
                          "containerd3019_kubectl_event_runc_pthread_create_sigabrt.txt"],
    "thread-create": ["wsl320_newosproc_errno22_wsl1_go16.txt",
                      "wandbox306_newosproc_eagain_ulimit_go114.txt"],
    "thread-exhaustion": ["gowrk28_windows_thread_exhaustion_sysmon_go110.txt",
                          "karing248_android_200_thread_limit_cut_mid_pc.txt",
                          "tiflow2786_thread_exhaustion_schedule_uniq_counts_go116.txt"],
    "wasm-exec-mismatch": ["gowasmexamples2_firefox_console_source_windows_goroot.txt",
                           "mesh675_firefox_console_source_after_each_line.txt",
                           "siegfried286_wasm_exit_code_go124.txt"],
    "plugin-version-mismatch": ["gotify6_plugin_goarch_stack_before_restart.txt"],
    "illegal-instruction": ["operatorregistry1086_ppc64le_sigill_instruction_bytes.txt"],
    "checkptr": ["aegis31_bazel_checkptr_external.txt"],
    "windows-access-violation": ["dfs_windows_console_padded_rows_exception_cgo.txt",
                                 "go76614_windows_unknown_pc_gp_go125.txt"],
    "tinygo-alloc-in-interrupt": ["tinygo3673_flash_monitor_location_line_column.txt"],
}


def test_every_shipped_rule_has_a_case():
    assert {r.id for r in shipped_rules()} == set(CASES) | set(WILD_CASES)


@pytest.mark.parametrize(("rule", "paste"),
                         [(r, p) for r, pastes in WILD_CASES.items() for p in pastes])
def test_rule_fires_on_its_pasted_crash_and_no_other_rule_does(rule, paste):
    # (read as the command reads a paste: a browser console's or an indented paste's
    # lines are only a traceback once the paste reader has taken them apart)
    analysis = analyze_many([str(SAMPLES / "wild" / paste)])
    assert {h.rule for g in analysis.groups for h in g.hints} == {rule}


@pytest.mark.parametrize(("rule", "scenario"),
                         [(r, s) for r, scenarios in CASES.items() for s in scenarios])
def test_rule_fires_on_its_real_crash(rule, scenario):
    path = find(scenario)
    if path is None:
        pytest.skip(f"sample {scenario} not generated yet")
    hints = fired(path)
    assert rule in hints, (path, hints)
    wants_details = next(r for r in shipped_rules() if r.id == rule).details
    if wants_details and wants_details != "http-remote":
        assert hints[rule], f"{rule} computed no details on {path}"


@pytest.mark.parametrize("scenario", sorted({s for ss in CASES.values() for s in ss}))
def test_no_rule_fires_on_another_rules_crash(scenario):
    path = find(scenario)
    if path is None:
        pytest.skip(f"sample {scenario} not generated yet")
    expected = {rule for rule, scenarios in CASES.items() if scenario in scenarios}
    assert set(fired(path)) <= expected


def test_plain_panics_get_no_hint():
    for scenario in ("panic_string", "panic_error", "panic_struct"):
        path = find(scenario)
        if path is not None:
            assert fired(path) == {}


def test_deadlock_shows_the_blocked_goroutines():
    path = CRASHES / "asleep.txt"
    if not path.exists():
        pytest.skip("shared/conformance not beside the repository")
    details = fired(path)["deadlock"]
    assert details and all(" × [" in line for line in details)
    report = parse_text(path.read_bytes()).reports[0]
    assert sum(int(line.split(" ×", 1)[0]) for line in details) == len(report.goroutines)


def test_nil_pointer_shows_the_faulting_frame_and_address():
    path = find("nil_pointer")
    if path is None:
        pytest.skip("sample nil_pointer not generated yet")
    details = fired(path)["nil-pointer"]
    assert details[0].startswith("main.readVal at ")
    assert any(line.startswith("SIGSEGV") and "addr=0x8" in line for line in details)


def test_heap_corruption_quotes_where_the_gc_found_the_pointer():
    groups, _ = analyse(parse_text(find("bad_pointer_in_heap").read_bytes()).reports)
    (hint,) = [h for g in groups for h in g.hints if h.rule == "heap-corruption"]
    assert hint.details[0].startswith("runtime: pointer 0x")
    assert "to unallocated span" in hint.details[0]
    assert hint.details[1].startswith("runtime: found in object at *(0x")


def test_stack_overflow_shows_the_recursion():
    path = find("stack_overflow")
    if path is None:
        pytest.skip("sample stack_overflow not generated yet")
    details = fired(path)["stack-overflow"]
    assert details[0].startswith("main.recurse at ")


def test_a_team_rules_file_comes_first(tmp_path):
    path = find("nil_map") or pytest.skip("sample nil_map not generated yet")
    team = tmp_path / "team.toml"
    team.write_text(
        "[[rule]]\n"
        'id = "our-config-map"\n'
        'title = "Config map not initialised"\n'
        "match = { message = ['nil map'], function = ['^main\\.'] }\n"
        'explanation = "Our loader forgets make()."\n'
        'remedy = "Call config.Init first."\n',
        encoding="utf-8",
    )
    groups, _ = analyse(parse_text(path.read_bytes()).reports, rules=team)
    assert [h.rule for h in groups[0].hints] == ["our-config-map", "nil-map-write"]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("[[rule]\n", "not valid TOML"),
        ('[[rule]]\nid = "x"\ntitle = "t"\nexplanation = "e"\n', "missing remedy"),
        ('[[rule]]\nid = "x"\ntitle = "t"\nexplanation = "e"\nremedy = "r"\n', "needs a match"),
        ('[[rule]]\nid = "x"\ntitle = "t"\nexplanation = "e"\nremedy = "r"\n'
         "match = { message = '(' }\n", "bad regular expression"),
        ('[[rule]]\nid = "x"\ntitle = "t"\nexplanation = "e"\nremedy = "r"\n'
         "match = { colour = 'red' }\n", "unknown match keys colour"),
        ('[[rule]]\nid = "x"\ntitle = "t"\nexplanation = "e"\nremedy = "r"\n'
         "match = { message = 'x' }\ndetails = 'everything'\n", "details must be one of"),
    ],
)
def test_a_wrong_rules_file_is_refused_with_the_reason(text, error):
    with pytest.raises(RulesError, match=error):
        parse_rules(text, "team.toml")


def test_an_unreadable_rules_file_is_a_clear_error(tmp_path):
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(tmp_path / "missing.toml")


# ----------------------------------------------------- stacks that could not be read ---


def _unread(sample: Path):
    """The sample's crash as the write layer leaves it when processes' writes mix
    inside lines: its message read, its goroutines lost, the files they name kept."""
    from dataclasses import replace

    from stackdemux.demux.mentions import source_files

    (report,) = parse_text(sample.read_bytes()).reports
    files = [f for f, _ in source_files(sample.read_text().splitlines())]
    return replace(report, goroutines=[], complete=False, mentions=files)


def test_the_files_named_among_unread_stacks_still_find_the_hint():
    # skopeo's `invalid page type` whose stacks were lost among another
    # process's writes: the files still say containers/image's bolt cache and bbolt
    path = find("skopeo_vendor")
    if path is None:
        pytest.skip("sample skopeo_vendor not generated yet")
    report = _unread(path)
    groups, _ = analyse([report])
    hints = {h.rule: h.details for g in groups for h in g.hints}
    assert set(hints) == {"bbolt-corrupt", "containers-blob-info-cache"}
    for details in hints.values():
        assert details[0].startswith("matched on the files named among its unread stacks")
        assert "go.etcd.io/bbolt" in details[0]


def test_files_named_nearby_are_no_evidence_for_a_crash_with_its_own_stack():
    path = find("skopeo_vendor")
    if path is None:
        pytest.skip("sample skopeo_vendor not generated yet")
    (own,) = parse_text(find("nil_map").read_bytes()).reports
    own.mentions = _unread(path).mentions  # a stack of its own: that is what is matched
    groups, _ = analyse([own])
    assert {h.rule for g in groups for h in g.hints} == {"nil-map-write"}


def test_an_abort_in_c_code_is_a_crash_in_c_code_in_gccgo_s_dump_too():
    # gc says `signal arrived during cgo execution`; gccgo prints no such line, but its
    # goroutine's stack runs from the C frames that raised SIGABRT into the cgo call
    gccgo = SAMPLES / "gccgo12" / "gccgo_cgo_abort.txt"
    assert "cgo-signal" in fired(gccgo)
    # a SIGABRT whose goroutines show no cgo call (the SGX runtime's own abort, gccgo 10)
    # and one in Go code (sigabrt: kill -ABRT) are no crash in C code
    assert "cgo-signal" not in fired(SAMPLES / "wild" / "gccgo_scone_sigabrt_c_code.txt")
    path = find("sigabrt")
    assert path is not None and "cgo-signal" not in fired(path)


def test_a_rule_matches_when_any_of_its_match_tables_does():
    rules = parse_rules(
        '[[rule]]\nid = "x"\ntitle = "t"\nexplanation = "e"\nremedy = "r"\n'
        "match = [{ message = ['^boom$'] }, { message = ['nil map'], function = ['^main\\.'] }]\n")
    nil_map = parse_text((find("nil_map") or pytest.skip("no nil_map sample")).read_bytes())
    groups, _ = analyse(nil_map.reports, rules=rules)
    assert [h.rule for h in groups[0].hints][:1] == ["x"]
    with pytest.raises(RulesError, match="needs a match table"):
        parse_rules('[[rule]]\nid = "x"\ntitle = "t"\nexplanation = "e"\nremedy = "r"\n'
                    "match = []\n")


def test_a_hint_names_a_frame_whose_file_line_was_lost_by_its_function_alone():
    """gotestsum#99's test2json paste lost the faulting frame's file line: the hint's
    fact is the function, not `F at ?` (the renderers had hidden it; JSON had kept it)."""
    paste = ROOT / "samples" / "wild" / "gotestsum99_test2json_go114.txt"
    analysis = analyze_many([paste.read_bytes()])
    details = [d for g in analysis.groups for h in g.hints if h.rule == "index-out-of-range"
               for d in h.details]
    assert details == ["gotest.tools/v3/internal/assert.ArgsFromComparisonCall"]
    assert not any(d.endswith(" at ?") for g in analysis.groups for h in g.hints
                   for d in h.details)
