"""Labels in brackets: the npm runners that start a project's services at once.

`concurrently` prints `[name] ` (or `[0] `, padded and coloured on request)
before each line of each command, npm-run-all's `run-p -l` a label padded to
the widest. Each label is a stream key. concurrently reads each pipe as data
arrives, so a read that ends inside a line cuts it: the line ends there and its
rest comes later behind the label again. The Go runtime writes a traceback line
in many small writes, so a crash cuts many lines (tests/corpus/concurrently.py
captures real runs, and who wrote every byte).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import corpus_case
from test_conservation import check_conservation

from stackdemux.api import Options, analyze, load, split_streams
from stackdemux.demux import demultiplex_detail
from stackdemux.demux.cut_lines import CUT_LINES
from stackdemux.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "interleaved" / "concurrently-crash.log"  # crash-prefix-concurrently-names
RUN_P = ROOT / "tests" / "data" / "runners" / "run-p.log"
CASES = [f"{group}-prefix-concurrently-{variant}" for group in ("mixed", "bolt", "crash", "gotest")
         for variant in ("names", "index", "colour-pad")]


def own_lines(case: str) -> dict[int, list[str]]:
    """Each process's output lines, as it wrote them (the case's p<i>.out)."""
    _, truth = corpus_case(case)
    d = ROOT / "tests" / "corpus" / "cases" / case
    return {i: (d / p["output"]).read_text().split("\n")[:-1]
            for i, p in enumerate(truth["processes"])}


@pytest.mark.parametrize("case", CASES)
def test_each_command_is_one_stream_holding_exactly_its_output(case: str) -> None:
    text, truth = corpus_case(case)
    streams, _ = split_streams(ingest(text), Options())
    names = [p["name"] for p in truth["processes"]]
    labels = names if "index" not in case else [str(i) for i in range(len(names))]
    by_label = {s.label: list(s.texts) for s in streams}
    assert sorted(by_label) == sorted(labels)
    for i, lines in own_lines(case).items():
        got = by_label[labels[i]]
        # concurrently's own last line (`… exited with code 2`) and the shell's
        # `Aborted` follow the process's output in its stream; so does the rest
        # of a last line cut just before its newline (nothing tells it from a
        # blank line there)
        assert got[:len(lines)] == lines
        assert all(" exited with code " in t or t in ("Aborted", "") for t in got[len(lines):])


def test_lines_cut_between_reads_are_joined_and_said() -> None:
    source = load(SAMPLE)
    d = demultiplex_detail(source)
    said = [x for x in d.diagnostics if x.message.startswith(CUT_LINES)]
    assert said and all(x.severity == "info" for x in said)
    joined = sum(int(x.message.rsplit("×", 1)[1]) for x in said)
    # the capture: 218 lines concurrently ended before their process did
    assert joined == 218
    check_conservation(source, d)
    # a joined text lists its pieces: every input column after the label, once
    pieces = [p for s in d.streams for ps in s.pieces.values() for p in ps]
    assert len(pieces) == joined + sum(len(s.pieces) for s in d.streams)


def test_the_crashes_read_whole() -> None:
    analysis = analyze(SAMPLE.read_bytes())
    by_stream = {r.stream: r for r in analysis.reports}
    assert sorted(r.message for r in by_stream.values()) == [
        "concurrent map writes", "invalid page type: 6432: 10",
        "runtime error: invalid memory address or nil pointer dereference"]
    assert all(r.complete for r in analysis.reports)


def test_run_p_labels_padded_to_the_widest() -> None:
    analysis = analyze(RUN_P.read_bytes())
    streams = {s.id: s.label for s in analysis.streams}
    found = sorted((streams[r.stream], r.message) for r in analysis.reports)
    assert found == [("api", "runtime error: invalid memory address or nil pointer dereference"),
                     ("cache-worker", "concurrent map writes")]


def test_a_log_level_in_brackets_is_no_process() -> None:
    crash = (ROOT / "samples" / "go1.27" / "nil_pointer.txt").read_text()
    log = "".join(f"[{level}] step {n} done\n" for n in range(20)
                  for level in ("INFO", "WARN", "ERROR")) + crash
    streams, _ = split_streams(ingest(log), Options())
    assert [s.label for s in streams] == [None]


def test_a_go_signal_line_is_no_label() -> None:
    crash = (ROOT / "samples" / "go1.27" / "nil_pointer.txt").read_text()
    assert "\n[signal SIGSEGV" in crash
    analysis = analyze(crash.encode())
    assert [s.label for s in analysis.streams] == [None]
    assert analysis.reports[0].signal is not None
