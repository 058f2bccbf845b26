"""Titles, groups and fingerprints: the same crash is one group with one
fingerprint, across processes, files, build layouts and Go versions."""

import copy
from dataclasses import replace
from pathlib import Path

import pytest

from stackdemux.analyse import analyse
from stackdemux.analyse.fingerprint import normalise_function
from stackdemux.analyse.groups import group
from stackdemux.analyse.normalise import normalise, title
from stackdemux.parse import parse_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def sample(name: str, version: str = "1.21") -> Path:
    path = SAMPLES / f"go{version}" / f"{name}.txt"
    if not path.exists():
        pytest.skip(f"sample {path.relative_to(ROOT)} not generated yet")
    return path


def reports(*paths: Path, prefix: str = "r"):
    out = []
    for n, path in enumerate(paths):
        for i, report in enumerate(parse_text(path.read_bytes()).reports):
            report.id = f"{prefix}{n}.{i}"
            report.stream = f"s{n}"
            out.append(report)
    return out


# ------------------------------------------------------------------ titles ---

@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("invalid page type: 6432: 10", "invalid page type: <N>: <N>"),
        ("runtime error: index out of range [5] with length 3",
         "runtime error: index out of range [<N>] with length <N>"),
        ("runtime error: slice bounds out of range [:7] with capacity 3",
         "runtime error: slice bounds out of range [:<N>] with capacity <N>"),
        ("test timed out after 10m0s", "test timed out after <DUR>"),
        ("load config: open /nonexistent/config.yaml: no such file or directory",
         "load config: open <PATH>: no such file or directory"),
        ("(*main.point) 0xc000012345", "(*main.point) <ADDR>"),
        ('key "user-42" not found', "key <STR> not found"),
        ("container 3f2504e0-4f89-11d3-9a0c-0305e82c3301 died",
         "container <UUID> died"),
        ("layer sha256:0123456789abcdef0123456789abcdef01234567 missing",
         "layer sha256:<ID> missing"),
        ("dial tcp 10.0.0.7:5432: connection refused", "dial tcp <IP>: connection refused"),
        ("+3.140000e+000", "<N>"),  # panic(3.14) before Go 1.27
        ("-1 is negative", "<N> is negative"),
        ("line1\n\tline2", "line1 line2"),
        # words with digits, versions and URLs are not variables
        ("int64 overflow in func1 of v1.2.3", "int64 overflow in func1 of v1.2.3"),
        ("GET http://example.com/a/b failed", "GET http://example.com/a/b failed"),
    ],
)
def test_normalise_replaces_variable_parts(message, expected):
    assert normalise(message) == expected


def test_pathological_messages_are_cut_not_backtracked():
    hostile = '\\"' * 200_000  # unterminated escaped quotes: quadratic for a naive regex
    assert normalise(hostile).endswith("…")


def test_title_is_prefixed_by_the_report_kind():
    report = reports(sample("skopeo_vendor"))[0]
    assert title(report) == "panic: invalid page type: <N>: <N>"
    assert title(reports(sample("deadlock", "1.27"))[0]) == (
        "fatal error: all goroutines are asleep - deadlock!")
    assert title(reports(sample("sigquit", "1.27"))[0]) == "SIGQUIT: quit"
    # a message that already names its kind is not prefixed twice
    race = reports(sample("race_run", "1.27"))[0]
    assert title(race).startswith("DATA RACE: ")
    # nor one that is only the kind: a dump with no header before its goroutines
    dump = sample("sigquit", "1.27").read_text()
    headerless = parse_text(dump[dump.index("\ngoroutine ") + 1:]).reports[0]
    assert title(headerless) == "goroutine dump"
    # a message that only begins with the kind's word keeps the kind before it
    assert title(replace(report, message="panic in handler")) == "panic: panic in handler"


# ------------------------------------------------------------------ groups ---

def test_three_processes_of_the_same_crash_are_one_group():
    rs = reports(*(sample(f"skopeo_vendor_parallel_{n}") for n in (1, 2, 3)))
    groups = group(rs)
    assert len(groups) == 1
    only = groups[0]
    assert (only.id, only.count, only.title) == ("g1", 3, "panic: invalid page type: <N>: <N>")
    assert only.streams == ["s0", "s1", "s2"]
    assert only.messages == {"invalid page type: 6432: 10": 3}
    assert only.similarity is None  # exact titles, nothing fuzzy


def test_different_crashes_are_different_groups_largest_first():
    rs = reports(sample("nil_map"), sample("skopeo_vendor"), sample("skopeo_modcache"),
                 sample("nil_pointer"))
    groups = group(rs)
    assert [g.count for g in groups] == [2, 1, 1]
    assert groups[0].title.startswith("panic: invalid page type")
    assert [g.id for g in groups] == ["g1", "g2", "g3"]
    assert groups[1].title == "panic: assignment to entry in nil map"  # first seen of the ties


def test_titles_the_normaliser_left_apart_merge_by_similarity():
    rs = reports(sample("panic_nested_call"), sample("panic_in_goroutine"))
    # one panic site (main.doPanic), the user's name is a variable the normaliser can't know
    assert {title(r) for r in rs} == {"panic: boom (request <N>, alice)",
                                      "panic: boom (request <N>, bob)"}
    (merged,) = group(rs, threshold=85)
    assert merged.count == 2
    assert merged.messages == {"boom (request 42, alice)": 1, "boom (request 7, bob)": 1}
    assert merged.similarity == pytest.approx(87.1, abs=0.1)


def test_fuzzy_merging_respects_the_threshold():
    rs = reports(sample("panic_nested_call"), sample("panic_in_goroutine"))
    assert len(group(rs)) == 2  # 87 % alike: below the default 90


def test_never_merges_crashes_at_different_sites():
    a, b = reports(sample("skopeo_vendor"), sample("skopeo_vendor"))
    # the same message raised from another function is another bug
    b.goroutines[0].frames = b.goroutines[0].frames[3:]
    assert title(a) == title(b)
    groups = group([a, b], threshold=0)
    assert len(groups) == 2


def test_reports_without_stack_join_their_title_group():
    a, b = reports(sample("skopeo_vendor"), sample("skopeo_vendor"))
    b.goroutines = []  # cut off after the panic line
    groups = group([a, b])
    assert len(groups) == 1 and groups[0].count == 2


def test_grouping_scales_with_distinct_titles_not_reports():
    base = reports(sample("skopeo_vendor"), sample("nil_map"), sample("panic_nested_call"))
    many = []
    for i in range(3000):
        r = copy.copy(base[i % 3])
        r.id = f"x{i}"
        r.message = r.message.replace("6432", str(i)).replace("42", str(i))
        many.append(r)
    groups = group(many)
    assert sorted(g.count for g in groups) == [1000, 1000, 1000]
    assert sum(len(g.messages) for g in groups) > 2000


# ------------------------------------------------------------ fingerprints ---

@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("main.init.4.func2.1", "main.init.func.func"),
        ("main.startBackground.gowrap1", "main.startBackground.func"),
        ("main.startBackground.func1", "main.startBackground.func"),
        ("main.run.deferwrap2", "main.run.func"),
        ("main.walk-range1", "main.walk-range"),
        ("pkg.Map[...].Get", "pkg.Map.Get"),
        ("github.com/x/app/vendor/go.etcd.io/bbolt.(*Cursor).search",
         "go.etcd.io/bbolt.(*Cursor).search"),
    ],
)
def test_function_names_lose_build_dependent_parts(name, normalised):
    assert normalise_function(name) == normalised


def fingerprints(*paths: Path) -> set[str]:
    groups, _ = analyse(reports(*paths))
    return {g.fingerprint for g in groups}


def test_fingerprint_is_the_same_across_build_layouts_and_processes():
    layouts = ["skopeo_vendor", "skopeo_modcache", "skopeo_gopath", "skopeo_trimpath",
               "skopeo_vendor_default", "skopeo_vendor_parallel_1", "skopeo_vendor_parallel_2"]
    found = set()
    for name in layouts:
        found |= fingerprints(sample(name))
    assert len(found) == 1
    (fp,) = found
    assert len(fp) == 16 and int(fp, 16) >= 0


# Scenarios whose output Go itself changed between versions: another message is another title.
GO_CHANGED_THE_MESSAGE = {
    # ≤ 1.20: "fatal error: unexpected signal during runtime execution"; 1.21+: "SIGSEGV: …"
    "cgo_segv",
    # 1.21: "panic called with nil argument"; 1.27: "runtime error: panic called with nil argument"
    "panic_nil_godebug",
}


def test_fingerprint_is_the_same_across_go_versions():
    by_scenario: dict[str, dict[str, set[str]]] = {}
    for path in sorted(SAMPLES.glob("go1.*/*.txt")):
        by_scenario.setdefault(path.stem, {})[path.parent.name] = fingerprints(path)
    compared = {name: found for name, found in by_scenario.items() if len(found) >= 2}
    if len(compared) < 10:
        pytest.skip("fewer than ten scenarios captured with two Go versions so far")
    # a sample may hold several crashes: compare each version's set of fingerprints
    differ = {name for name, found in compared.items()
              if len({frozenset(fps) for fps in found.values()}) > 1}
    assert differ <= GO_CHANGED_THE_MESSAGE, {
        n: compared[n] for n in differ}
    assert "stack_overflow" in compared  # 1.19 cuts deep stacks differently from 1.21+
    assert "goroutine_wrappers" in compared  # funcN vs gowrapN


def test_a_test_failure_keeps_its_fingerprint_whatever_order_parallel_tests_end_in():
    # 1.21's -v capture has TestGreetings/Bob's `--- FAIL` before Ann's; 1.27's, Ann's
    # first: the same failures, so the same ids (and the plain captures' too)
    def printed(path: Path) -> list[str]:
        lines = path.read_text().splitlines()
        return [line.strip() for line in lines if "--- FAIL: TestGreetings/" in line]

    old, new = SAMPLES / "go1.21/test_fail_verbose.txt", SAMPLES / "go1.27/test_fail_verbose.txt"
    assert printed(old) != printed(new) and sorted(printed(old)) == sorted(printed(new))
    plain = SAMPLES / "go1.19/test_fail_plain.txt"
    assert fingerprints(old) == fingerprints(new) == fingerprints(plain)


def test_fingerprint_changes_with_the_message_and_the_route():
    vendor = fingerprints(sample("skopeo_vendor"))
    assert fingerprints(sample("nil_map")) != vendor
    a, b = reports(sample("skopeo_vendor"), sample("skopeo_vendor"))
    b.goroutines[0].frames = b.goroutines[0].frames[3:]  # another crash site
    (fa,), (fb,) = ({g.fingerprint for g in analyse([r])[0]} for r in (a, b))
    assert fa != fb


def test_fingerprint_ignores_lines_arguments_and_ids():
    a, b = reports(sample("skopeo_vendor"), sample("skopeo_vendor"))
    g = b.goroutines[0]
    g.id += 100
    for f in g.frames:
        f.line = (f.line or 0) + 7
        f.args = "0xdeadbeef"
        f.offset = "0x1"
    assert analyse([a])[0][0].fingerprint == analyse([b])[0][0].fingerprint


def test_a_dumps_idle_threads_make_no_group_whatever_they_waited_on():
    """GOTRACEBACK=crash relays a SIGQUIT to every thread after `-----`; an idle
    thread shows where it happened to wait, a futex or the network poller. They
    are the dump's threads, not reports: the corpus's 17 runs of one such
    program (Go 1.25) make one group each, all with one fingerprint."""
    runs = sorted((ROOT / "tests" / "corpus" / "cases").glob("sigquit-*/p3.out"))
    assert len(runs) >= 10
    seen = set()
    for run in runs:
        parsed = parse_text(run.read_bytes()).reports
        groups, _ = analyse(parsed)
        assert len(parsed) == 1 and len(parsed[0].threads) >= 2 and len(groups) == 1
        seen.add(groups[0].fingerprint)
    assert len(seen) == 1


def test_a_dump_that_shows_the_program_keeps_its_crash_site():
    run = ROOT / "tests" / "corpus" / "cases" / "sigquit-lines-arrival" / "p3.out"
    dump = parse_text(run.read_bytes()).reports[0]
    [g], _ = analyse([dump])
    assert g.culprit is not None and g.culprit.func == "time.Sleep"
