"""Brackets before each line that are no runner's label.

A runner (concurrently, run-p -l, yarn 4) puts a command's label before each
of its lines: a few labels, each before many lines. A kernel console, or a Go
program logging to /dev/kmsg (a Go init, a container host's agent), shows each
line as dmesg prints it, behind the seconds since boot: `[61394.710399] `
(dmesg's format once a machine has been up 10 000 s, its `[%5lu.%06lu]` with
no padding left). The stamp differs on every line; it names no process.
"""

from __future__ import annotations

from pathlib import Path

from conftest import corpus_case
from test_conservation import check_conservation

from stackdemux.api import analyze
from stackdemux.demux import demultiplex_detail
from stackdemux.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
CRASH = ROOT / "samples" / "go1.25" / "nil_pointer.txt"


def _as_dmesg_prints(lines: list[str], boot_seconds: float = 61394.710399) -> str:
    return "".join(f"[{boot_seconds + i * 0.000013:.6f}] {t}\n" for i, t in enumerate(lines))


def test_a_stamp_on_every_line_names_no_stream_and_the_crash_reads_whole() -> None:
    lines = [f"eth0: link up, step {n}" for n in range(30)] + CRASH.read_text().splitlines()
    log = _as_dmesg_prints(lines)
    source = ingest(log)
    d = demultiplex_detail(source)
    check_conservation(source, d)
    assert [(s.label, len(s.texts)) for s in d.streams] == [(None, len(lines))]
    alone = analyze(CRASH.read_bytes()).reports
    got = analyze(log.encode()).reports
    assert [(r.message, len(r.goroutines)) for r in got] == [
        (r.message, len(r.goroutines)) for r in alone] and alone[0].goroutines


def _as_gh_run_view_prints(job: str, steps: dict[str, list[str]]) -> str:
    """`gh run view --log`: the job, the step, then the raw log line (GitHub's
    timestamp, then the text), tab-separated."""
    out, i = [], 0
    for step, lines in steps.items():
        for t in lines:
            out.append(f"{job}\t{step}\t2026-11-26T08:23:{i // 100 % 60:02d}.{i:07d}Z {t}\n")
            i += 1
    return "".join(out)


def test_a_log_of_gh_run_view_is_read_step_by_step() -> None:
    # GNU parallel's tag before a text holding tabs was taken for a table
    # (pprof debug=1's columns): the crash of a CI job fetched with
    # `gh run view --log` was not found at all
    setup = (ROOT / "tests" / "corpus" / "noise" / "go-build-x.log").read_text().splitlines()
    crash = CRASH.read_text().splitlines()
    log = _as_gh_run_view_prints("test (ubuntu-latest, 1.25)", {
        "Build": setup[:40], "Run go test ./...": [*crash, "FAIL\texample.com/app\t0.012s"]})
    source = ingest(log)
    d = demultiplex_detail(source)
    check_conservation(source, d)
    assert [s.label for s in d.streams] == ["test (ubuntu-latest, 1.25) Build",
                                            "test (ubuntu-latest, 1.25) Run go test ./..."]
    got = analyze(log.encode()).reports
    alone = analyze(CRASH.read_bytes()).reports
    assert [(r.message, len(r.goroutines)) for r in got] == [
        (r.message, len(r.goroutines)) for r in alone]


def test_pprof_columns_are_still_no_tags() -> None:
    # `#<TAB>0x67c810<TAB>runtime/pprof.writeRuntimeProfile+0xb0<TAB>…`: tagged
    # again by addresses, a few lines each
    for version in ("go1.21", "go1.27"):
        text = (ROOT / "samples" / version / "pprof_debug1.txt").read_text()
        assert demultiplex_detail(ingest(text)).layers == []


def test_a_compose_run_in_a_log_of_gh_run_view_is_read_through_four_layers() -> None:
    # job, step, GitHub's timestamp, then compose's `store-1  | `: three layers
    # were peeled at most, and every crash of the job was lost
    text, _ = corpus_case("mixed-prefix-compose")
    log = _as_gh_run_view_prints("test", {"Run docker compose up": text.splitlines()})
    d = demultiplex_detail(ingest(log))
    assert d.layers == ["parallel", "parallel", "github", "compose"]
    alone = analyze(text.encode()).reports
    assert len(alone) == 5 and sorted(r.message for r in analyze(log.encode()).reports) == sorted(
        r.message for r in alone)


def test_a_young_machines_padded_stamp_names_no_stream_either() -> None:
    # up less than 10 000 s, dmesg pads the seconds: `[   12.500000] `
    lines = CRASH.read_text().splitlines()
    log = "".join(f"[{12.5 + i * 0.000013:12.6f}] {t}\n" for i, t in enumerate(lines))
    assert log.startswith("[   12.500000] ")
    source = ingest(log)
    d = demultiplex_detail(source)
    check_conservation(source, d)
    assert [s.label for s in d.streams] == [None]
    got = analyze(log.encode()).reports
    alone = analyze(CRASH.read_bytes()).reports
    assert [(r.message, len(r.goroutines)) for r in got] == [
        (r.message, len(r.goroutines)) for r in alone]


def test_padded_log_levels_are_no_processes() -> None:
    # loggers pad the level to one width: `[INFO ] `, `[WARN ] `
    levels = "".join(f"[{lv:<5}] request {n} served\n"
                     for n in range(20) for lv in ("INFO", "WARN"))
    log = levels + CRASH.read_text()
    streams = demultiplex_detail(ingest(log)).streams
    assert [s.label for s in streams] == [None]
