"""Labels of the runners that start a project's services at once.

`concurrently` prints `[name] ` (or `[0] `, padded and coloured on request)
before each line of each command, npm-run-all's `run-p -l` a label padded to
the widest, Turborepo `api:start: `, pnpm `packages/api start: `, yarn 4
`[api]: `. Each label is a stream key.
concurrently reads each pipe as data arrives, so a read that ends inside a
line cuts it: the line ends there and its rest comes later behind the label
again. The Go runtime writes a traceback line in many small writes, so a crash
cuts many lines (tests/corpus/runners.py captures real runs, and who wrote
every byte).
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from conftest import corpus_case
from test_conservation import check_conservation

from stackdemux.api import Options, analyze, load, split_streams
from stackdemux.demux import demultiplex_detail
from stackdemux.demux.cut_lines import CUT_LINES
from stackdemux.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "interleaved" / "concurrently-crash.log"
SAMPLE_CASE = "crash-prefix-concurrently-colour-pad"  # the sample is its input
RUN_P = ROOT / "tests" / "data" / "runners" / "run-p.log"
CASES = [*(f"{group}-prefix-concurrently-{variant}"
           for group in ("mixed", "bolt", "crash", "gotest")
           for variant in ("names", "index", "colour-pad")),
         *(f"{group}-prefix-{runner}{variant}" for runner in ("turbo", "pnpm", "yarn")
           for group in ("mixed", "crash") for variant in ("", "-colour"))]


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
    labels = ([f"{n}:start" for n in names] if "turbo" in case
              else [f"packages/{n}" for n in names] if "pnpm" in case
              else [str(i) for i in range(len(names))] if "index" in case else names)
    by_label = {s.label: list(s.texts) for s in streams}
    # turbo's own lines about a task (`api#start:  WARNING …`) carry no label
    assert sorted(k for k in by_label if k is not None) == sorted(labels)
    for i, lines in own_lines(case).items():
        got = by_label[labels[i]]
        # what the runner, npm and the shell print of the process surround its
        # output in its stream (`cache bypass, force executing …`, `> api@1.0.0
        # start`, the command pnpm runs, yarn's `Process started`, `… exited
        # with code 2`, `Aborted`, `npm error …`, `Failed`); so does the
        # rest of a last line cut just before its newline (nothing tells it from
        # a blank line there)
        if "pnpm" in case:  # pnpm drops empty lines
            lines = [t for t in lines if t]
        first = got.index(lines[0])
        assert got[first:first + len(lines)] == lines
        assert all(t.startswith(("> ", "cache bypass", "env ")) or t in ("", "Process started")
                   for t in got[:first])
        assert all(" exited with code " in t or t.startswith(("npm error ", "Process exited "))
                   or t in ("Aborted", "Failed", "") for t in got[first + len(lines):])


def test_lines_cut_between_reads_are_joined_and_said() -> None:
    text, truth = corpus_case(SAMPLE_CASE)
    assert SAMPLE.read_text() == text
    source = load(SAMPLE)
    d = demultiplex_detail(source)
    said = [x for x in d.diagnostics if x.message.startswith(CUT_LINES)]
    assert said and all(x.severity == "info" for x in said)
    check_conservation(source, d)
    # the newlines concurrently put where its process had none
    data = text.encode()
    runner_newlines, at = set(), 0
    for owner, size in truth["ownership"]:
        if owner == "prefix":
            runner_newlines.update(data.count(b"\n", 0, i) + 1
                                   for i in range(at, at + size) if data[i] == 10)
        at += size
    assert len(runner_newlines) == 174
    # each joined text lists its pieces; a piece with text joins across such a
    # newline only (an empty rest may be the line's own newline, or a blank
    # line's: the text is the same either way)
    joins = [pair for s in d.streams for ps in s.pieces.values() for pair in pairwise(ps)]
    assert {a[0] for a, b in joins if b[1] < b[2]} <= runner_newlines
    assert len(joins) == sum(int(x.message.rsplit("×", 1)[1]) for x in said) >= 174


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


def test_one_label_alone_is_a_runner_when_it_stands_before_a_traceback() -> None:
    # concurrently where one command only printed: its label is still stripped
    lines = SAMPLE.read_text().splitlines(keepends=True)
    alone = "".join(ln for ln in lines if "[proxy-1]" in ln)
    analysis = analyze(alone.encode())
    assert [s.label for s in analysis.streams] == ["proxy-1"]
    assert [r.message for r in analysis.reports] == [
        "runtime error: invalid memory address or nil pointer dereference"]
