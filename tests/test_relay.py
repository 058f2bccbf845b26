"""GOTRACEBACK=crash: one crash is one report, its other threads' sections attached.

After printing a crash from its signal handler, the Go runtime relays the signal
to every other thread (M) of the process (runtime/signal_unix.go, sighandler):
each prints `-----`, a blank line, `SIGQUIT: quit`, `PC=… m=N sigcode=…`, its
goroutine (`goroutine 0 … [idle]:`, its g0, when in the scheduler) and its
registers. The corpus's sigquit cases hold a real one: process idle-4 (p3.out,
Go 1.25, GOTRACEBACK=crash) beside three processes of the same program at other
levels (p0–p2), merged every way the corpus merges.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import (
    CORPUS_CASES,
    ROOT,
    assert_every_line_placed_once,
    numbers,
    only_report,
    parse_file,
    sample_path,
    sample_versions,
)
from jsonschema import Draft202012Validator

from stackdemux.api import analyze
from stackdemux.ingest import ingest
from stackdemux.model import ReportKind
from stackdemux.parse import RELAY_ALONE, parse_source
from stackdemux.render import render
from stackdemux.render.options import RenderOptions

SIGQUIT_CASES = sorted(d.name for d in CORPUS_CASES.iterdir() if d.name.startswith("sigquit-"))


def crash_output(case: str) -> Path:
    """The GOTRACEBACK=crash process's own clean output in a sigquit case."""
    d = CORPUS_CASES / case
    truth = json.loads((d / "truth.json").read_text())
    (p,) = [p for p in truth["processes"] if p["traceback"] == "crash"]
    return d / p["output"]


@pytest.mark.parametrize("case", SIGQUIT_CASES)
def test_a_crash_dump_is_one_report_with_its_threads(case: str):
    lines, result = parse_file(crash_output(case))
    r = only_report(result)
    assert r.kind is ReportKind.SIGNAL_DUMP and r.message == "SIGQUIT: quit"
    assert r.signal is not None and r.signal.m == 0
    assert len(r.goroutines) == 11 and r.goroutines[0].id == 0  # the crash's own dump
    assert [t.m for t in r.threads] == [1, 2, 3]
    for t in r.threads:
        assert t.signal.name == "SIGQUIT" and t.signal.m == t.m and t.signal.pc
        (g,) = t.goroutines
        assert (g.id, g.state, g.m) == (0, "idle", t.m)
        assert g.frames[-1].func in ("runtime.mstart", "runtime.mcall")
        assert set(t.registers) >= {"rax", "rip", "rsp", "gs"}
    # its own registers stay the crash's
    assert r.registers["rip"] == r.signal.pc
    # `where` covers the whole dump, `-----` lines too; only the program's `ready` is noise
    assert r.lines == [(2, len(lines))]
    assert [lines[n - 1] for n in numbers(result.noise)] == ["ready"]
    assert_every_line_placed_once(len(lines), result)


def test_the_crash_keeps_the_fingerprint_of_the_same_crash_at_other_levels():
    """idle-1..3 run the same program with GOTRACEBACK default, system and all
    (Go 1.27, 1.23, 1.19): one group each, the fingerprint of idle-4's."""
    d = CORPUS_CASES / "sigquit-lines-arrival"
    prints = {}
    for name in ("p0.out", "p1.out", "p2.out", "p3.out"):
        a = analyze(d / name)
        assert len(a.reports) == 1 and len(a.groups) == 1, name
        prints[name] = a.groups[0].fingerprint
    assert len(set(prints.values())) == 1, prints


def test_samples_crash_and_default_share_their_fingerprint():
    """samples/ holds the same nil dereference at GOTRACEBACK=crash and at the default."""
    from conftest import manifest, sample_path

    versions = sorted({e["go"].rsplit(".", 1)[0] for e in manifest()
                       if e["scenario"] == "traceback_crash"})
    assert versions
    for go in versions:
        crash = analyze(sample_path("traceback_crash", go))
        default = analyze(sample_path("traceback_default", go))
        assert [g.fingerprint for g in crash.groups] == [g.fingerprint for g in default.groups], go


def test_a_thread_section_alone_is_no_crash():
    """Thread m=2's section cut out of the dump: no `-----` and no crash before
    it, so no report; its lines stay noise and a diagnostic says what they are.
    With the sections after it (`-----`, m=3), one diagnostic names both."""
    lines = crash_output("sigquit-lines-arrival").read_text().splitlines()
    at = lines.index("PC=0x478521 m=2 sigcode=0") - 1
    end = next(i for i in range(at, len(lines)) if lines[i] == "-----") - 1
    section = lines[at:end]
    assert section[0] == "SIGQUIT: quit" and section[-1].startswith("gs ")
    result = parse_source(ingest("\n".join(section) + "\n"))
    assert result.reports == []
    (d,) = result.diagnostics
    assert d.message == RELAY_ALONE.format(m="2") and d.severity == "info"
    assert numbers(result.noise) == list(range(1, len(section) + 1))
    rest = lines[at:]
    result = parse_source(ingest("\n".join(rest) + "\n"))
    assert result.reports == []
    (d,) = result.diagnostics
    assert d.message == RELAY_ALONE.format(m="2, 3")
    assert numbers(d.lines) == list(range(1, len(rest) + 1))


def test_a_rule_line_elsewhere_stays_noise():
    """`-----` only continues a report after a signal's registers: before a
    panic, or after a panic's goroutines, it is a line of the log."""
    text = Path(CORPUS_CASES / "crash-lines-arrival" / "p0.out").read_text()
    assert "-----" not in text
    ruled = "-----\n" + text.replace("\n\ngoroutine ", "\n-----\ngoroutine ", 1) + "-----\n"
    before, after = parse_source(ingest(text)), parse_source(ingest(ruled))
    lines = ruled.splitlines()
    rules = [n for n, t in enumerate(lines, 1) if t == "-----"]
    assert all(n in numbers(after.noise) for n in rules)
    # the rule inside cut the report where a log line would: as before, a line no report reads
    assert [r.message for r in after.reports][:1] == [before.reports[0].message]


def test_another_process_after_the_rule_is_not_a_thread():
    """In arrival order (sigquit-lines-arrival) idle-4's `-----` after thread
    m=1 is followed by idle-3's whole dump (m=0) and idle-2's, then its thread
    m=2: read as one stream, each process's dump is its own report and idle-4's
    takes its threads across the others' lines."""
    lines, result = parse_file(CORPUS_CASES / "sigquit-lines-arrival" / "input.log")
    assert [len(r.goroutines) for r in result.reports[:4]] == [10, 11, 8, 9]
    crash = result.reports[1]
    assert [t.m for t in crash.threads] == [1, 2, 3]
    assert crash.lines == [(189, 436), (714, 802)]
    assert lines[435] == "-----" and lines[757] == "-----"
    assert all(not r.threads for i, r in enumerate(result.reports) if i != 1)
    # idle-2's last frames came after thread m=3's registers: no frame of a
    # thread's section, they are left out of it (a headerless rest, as before)
    (rest,) = result.reports[4:]
    assert rest.kind is ReportKind.GOROUTINE_DUMP and not rest.complete
    assert rest.lines[0][0] == 803 and lines[802].startswith("main.(*pool).worker(")


def test_json_keeps_the_threads():
    a = analyze(crash_output("sigquit-prefix-compose"))
    doc = json.loads(render(a, "json", RenderOptions()))
    (report,) = doc["reports"]
    assert [t["m"] for t in report["threads"]] == [1, 2, 3]
    thread = report["threads"][0]
    assert thread["signal"]["name"] == "SIGQUIT" and thread["signal"]["m"] == 1
    assert thread["goroutines"][0]["id"] == 0 and thread["goroutines"][0]["frames"]
    assert thread["registers"]["rip"] == thread["signal"]["pc"]
    # the threads' goroutines are not the crash's
    assert [g["id"] for g in report["goroutines"]].count(0) == 1
    schema = json.loads((ROOT / "schema" / "stackdemux.schema.json").read_text())
    Draft202012Validator(schema).validate(doc)


def test_text_and_markdown_name_the_threads_briefly():
    a = analyze(crash_output("sigquit-prefix-compose"))
    text = render(a, "text", RenderOptions(color=False))
    assert text.startswith("1 report in 1 group")
    assert "threads   3 more threads (m=1, 2, 3), idle in the runtime" in text
    assert "thread m=1" not in text  # their stacks with -v only
    verbose = render(a, "text", RenderOptions(color=False, verbose=True))
    assert "thread m=3" in verbose
    md = render(a, "markdown", RenderOptions())
    assert "*3 more threads \\(m=1, 2, 3\\), idle in the runtime*" in md


@pytest.mark.parametrize("go", sample_versions("sigquit_crash_busy"))
def test_a_goroutine_busy_on_another_thread_gets_the_stack_its_thread_printed(go: str):
    # Two goroutines spin in user code; SIGQUIT lands on one's thread, so the
    # dump prints the other as running elsewhere, stack unavailable, and only
    # that thread's relayed section shows where it spins.
    _, result = parse_file(sample_path("sigquit_crash_busy", go))
    r = only_report(result)
    (busy,) = [g for g in r.goroutines if g.unavailable]
    (section,) = [t for t in r.threads if any(g.id == busy.id for g in t.goroutines)]
    assert busy.stack_from_m == section.m == section.signal.m
    assert busy.frames[0].func == "main.spin"
    assert busy.frames == section.goroutines[0].frames
    assert busy.created_by is not None  # kept from the dump itself
    # every other goroutine keeps what the dump printed
    assert all(g.stack_from_m is None for g in r.goroutines if g is not busy)


def test_the_busy_goroutines_stack_reads_in_text_and_json():
    a = analyze(sample_path("sigquit_crash_busy"))
    text = render(a, "text", RenderOptions(color=False, verbose=True))
    assert "(no frames)" not in text
    assert "running on thread m=4: its stack as that thread printed it\n      main.spin(" in text
    doc = json.loads(render(a, "json", RenderOptions()))
    (busy,) = [g for g in doc["reports"][0]["goroutines"] if g["unavailable"]]
    assert busy["stack_from_m"] == 4 and busy["frames"][0]["func"] == "main.spin"
    schema = json.loads((ROOT / "schema" / "stackdemux.schema.json").read_text())
    Draft202012Validator(schema).validate(doc)


def test_a_stack_unavailable_without_a_relay_stays_unavailable():
    _, result = parse_file(sample_path("running_other_thread"))
    (busy,) = [g for g in only_report(result).goroutines if g.unavailable]
    assert busy.frames == [] and busy.stack_from_m is None


# Line-level merges of the sigquit group, prefixed or not (write-level merges
# cut lines apart: a thread's section is not read whole there).
MERGED = [c for c in SIGQUIT_CASES if "-writes-" not in c]


def read_maybe_gz(path: Path) -> str:
    raw = path.read_bytes()
    return (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode()


def stacks(report) -> list[list[tuple]]:
    """Each thread's goroutines' frames, as (func, file, line)."""
    return [[(f.func, f.file, f.line) for g in t.goroutines for f in g.frames]
            for t in report.threads]


@pytest.mark.parametrize("case", MERGED)
def test_the_threads_stay_with_their_crash_in_a_merged_log(case: str):
    """Demultiplexed, idle-4's dump is one report again with its three threads,
    each with its whole stack, and every `-----` line of the log is among its
    lines (in its stream)."""
    d = CORPUS_CASES / case
    truth = json.loads((d / "truth.json").read_text())
    text = read_maybe_gz(d / truth["input"])
    a = analyze(text.encode())
    (crash,) = [r for r in a.reports if r.threads]
    assert [t.m for t in crash.threads] == [1, 2, 3]
    clean = only_report(parse_file(crash_output(case))[1])
    assert stacks(crash) == stacks(clean)
    rules = [n for n, t in enumerate(text.splitlines(), 1) if t.endswith("-----")]
    assert len(rules) == 3 and set(rules) <= set(numbers(crash.lines))
    assert not [r for r in a.reports if r.message == "SIGQUIT: quit" and len(r.goroutines) == 1]


@pytest.mark.parametrize("case", [c for c in SIGQUIT_CASES if "-writes-" in c])
def test_a_write_level_merge_opens_one_report_a_process(case: str):
    """Merged write by write, the relayed threads' `SIGQUIT: quit` writes (each
    after its process's `\\n-----\\n\\n` write) open no report: four processes,
    four reports."""
    d = CORPUS_CASES / case
    truth = json.loads((d / "truth.json").read_text())
    a = analyze(read_maybe_gz(d / truth["input"]).encode())
    assert [r.message for r in a.reports] == ["SIGQUIT: quit"] * len(truth["processes"])
