"""A container restarted in a loop prints crash after crash behind one prefix.

Its stream repeats goroutine ids from report to report, yet holds one process
at a time: the parser's reading of it stands, and the separator (which weighs
every line against every open report) is not needed. A prefix that names a
container can still hide several processes (`make -j` inside it): then the
reading shows it, and the separator runs as before.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

import stackdemux
from stackdemux.demux import demultiplex_detail, interleave
from stackdemux.demux.sequential import reports_follow_one_another
from stackdemux.ingest import ingest
from stackdemux.model import Stream
from stackdemux.parse import HEADLESS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "corpus"))
import score  # noqa: E402
from test_conservation import check_conservation  # noqa: E402

SAMPLES = ROOT / "samples" / "go1.27"


def lines(name: str) -> list[str]:
    return ingest((SAMPLES / name).read_bytes()).lines


def stream_of(texts: list[str]) -> Stream:
    return Stream(id="s1", numbers=range(1, len(texts) + 1), texts=texts)


def compose(services: dict[str, list[str]]) -> str:
    """The services' lines behind their compose prefixes, taking turns line by line."""
    out: list[str] = []
    queues = {name: list(texts) for name, texts in services.items()}
    while any(queues.values()):
        for name, q in queues.items():
            if q:
                out.append(f"{name:<6}| {q.pop(0)}")
    return "\n".join(out) + "\n"


def keys(analysis) -> list[tuple]:
    return sorted((r.kind.value, r.message, [(g.id, [(f.func, f.file, f.line) for f in g.frames])
                                             for g in r.goroutines]) for r in analysis.reports)


RESTARTS = ["nil_map.txt", "deadlock.txt", "panic_chain3.txt"]


def test_a_restarted_containers_crashes_are_read_whole(monkeypatch: pytest.MonkeyPatch):
    api = [x for name in RESTARTS for x in lines(name)]
    log = compose({"api-1": api, "db-1": lines("concurrent_map_writes.txt")})

    def no_separator(texts):
        raise AssertionError("the separator ran on a stream of whole reports")

    monkeypatch.setattr(interleave, "separate", no_separator)
    got = stackdemux.analyze(log)
    alone = [stackdemux.analyze((SAMPLES / n).read_text()) for n in
             [*RESTARTS, "concurrent_map_writes.txt"]]
    assert keys(got) == sorted(k for a in alone for k in keys(a))
    db = {r.stream for r in got.reports if "concurrent map writes" in r.message}
    api = {r.stream for r in got.reports} - db
    assert len(db) == 1 and len(api) == 1, "one stream per service, its crashes in order"
    # the demultiplexer's reading is the one reported: with the analysis's ids
    assert sorted(r.id for r in got.reports) == [f"r{i}" for i in range(1, 5)]
    assert {r.stream for r in got.reports} == {s.id for s in got.streams}


def test_a_container_crashing_hours_apart_is_one_stream_with_its_log_lines():
    """Two crashes of one service with thousands of its ordinary log lines
    between them (twice REGION_GAP): one stream for the service, the
    ordinary lines in it as noise, not one stream per crash."""
    from stackdemux.demux import REGION_GAP

    build = (ROOT / "tests/corpus/noise/make-gcc.log").read_text().splitlines()
    chatter = (build * (2 * REGION_GAP // len(build) + 2))[:2 * REGION_GAP + 500]
    api = lines("nil_map.txt") + chatter + lines("deadlock.txt")
    log = compose({"api-1": api, "db-1": lines("concurrent_map_writes.txt")})
    got = demultiplex_detail(ingest(log))
    assert sorted(s.label for s in got.streams) == ["api-1", "db-1"]
    check_conservation(ingest(log), got)
    analysed = stackdemux.analyze(log)
    assert len(analysed.reports) == 3
    api_streams = {r.stream for r in analysed.reports if "map writes" not in r.message}
    assert len(api_streams) == 1, "both of api-1's crashes are in its one stream"


def test_a_stream_read_by_the_demultiplexer_is_not_read_again(monkeypatch: pytest.MonkeyPatch):
    from stackdemux import parse

    log = compose({"api-1": [x for name in RESTARTS for x in lines(name)]})
    runs: list[str] = []
    real = parse._Parser.run

    def counted(self):
        runs.append(self.stream.label)
        return real(self)

    monkeypatch.setattr(parse._Parser, "run", counted)
    got = stackdemux.analyze(log)
    assert len(got.reports) == 3
    assert runs == ["api-1"]


def test_an_unprefixed_crash_loop_is_read_whole(monkeypatch: pytest.MonkeyPatch):
    """A service's own log file, crash after crash with its start-up lines
    between (no prefix): every report as the sample reads alone, chained
    panics and all, with no word of unplaced lines. The separator took 14 s
    on 1 MB of this and left 374 chained-panic lines unplaced."""
    crashes = [*RESTARTS, "panic_chain3.txt", "concurrent_map_writes.txt"] * 6
    log = "".join(f"2026/11/26 06:{i:02d}:00 service starting, attempt {i}\n"
                  + (SAMPLES / name).read_text() for i, name in enumerate(crashes))

    def no_separator(texts, groups=()):
        raise AssertionError("the separator ran on a log of whole reports")

    monkeypatch.setattr(interleave, "separate", no_separator)
    got = stackdemux.analyze(log)
    alone = [stackdemux.analyze((SAMPLES / n).read_text()) for n in crashes]
    assert keys(got) == sorted(k for a in alone for k in keys(a))
    assert [r.chain for r in got.reports if r.message == "first"] == \
        [r.chain for a in alone for r in a.reports if r.message == "first"]
    assert not got.diagnostics
    assert len(got.streams) == 1


def test_two_toolchains_paths_in_one_report_are_two_processes():
    """One binary prints GOROOT files all -trimpath'd (`runtime/proc.go`) or all
    absolute: a report holding both was written by two processes taking turns
    at a goroutine (sigquit-lines-arrival, read whole, would lose two reports)."""
    dump = lines("sigquit.txt")
    trimmed = [t.replace("\t/opt/gobin/1.27.3/go/src/", "\t") for t in dump]
    assert trimmed != dump, "the sample prints absolute GOROOT paths"
    first_goroutine = next(i for i, t in enumerate(trimmed) if t.startswith("goroutine "))
    second = next(i for i, t in enumerate(trimmed) if i > first_goroutine + 1
                  and t.startswith("goroutine "))
    assert reports_follow_one_another(stream_of(trimmed))
    assert reports_follow_one_another(stream_of(dump))
    assert not reports_follow_one_another(stream_of(dump[:second] + trimmed[second:]))


def test_a_caller_that_only_splits_holds_no_reading():
    """`stackdemux split` parses nothing: what the check read of each service
    is let go as soon as that service's streams are settled, not held for a
    parse (on a 25 MB compose log: 286 -> 166 MB peak, the same files)."""
    log = ingest(compose({"api-1": [x for name in RESTARTS for x in lines(name)],
                          "db-1": lines("concurrent_map_writes.txt")}))
    kept = demultiplex_detail(log)  # the analysis's way: the reading kept for the parse
    # (api-1 restarted: its crashes were read to prove they follow one another)
    assert [s.label for s in kept.streams if s._parsed is not None] == ["api-1"]
    split = demultiplex_detail(log, keep_parse=False)
    assert [s.texts for s in split.streams] == [s.texts for s in kept.streams]
    assert all(s._parsed is None for s in split.streams)


@pytest.mark.parametrize("case", ["mixed-lines-arrival", "crash-lines-arrival",
                                  "gotest-lines-arrival"])
def test_processes_taking_turns_behind_one_prefix_are_still_separated(case: str):
    """A corpus case's processes, their lines in arrival order, all behind one
    compose prefix: the reports are the processes' own, exactly."""
    c = next(iter(score.load_cases(case=case)))
    text = c.input().decode()
    prefixed = "".join(f"app-1 | {line}\n" for line in text.splitlines())
    got = stackdemux.analyze(prefixed)
    assert sorted(map(repr, (score.report_key(r) for r in got.reports))) == \
        sorted(map(repr, score.truth_keys(c)))


def test_reports_one_after_another_pass():
    texts = [x for name in RESTARTS for x in lines(name)]
    assert reports_follow_one_another(stream_of(texts))


@pytest.mark.parametrize("case", ["mixed-lines-arrival", "twelve-lines-arrival",
                                  "crash-lines-random", "gotest-chunks-slow"])
def test_interleaved_processes_do_not_pass(case: str):
    c = next(iter(score.load_cases(case=case)))
    assert not reports_follow_one_another(stream_of(ingest(c.input()).lines))


def _cut_in_a_frame(texts: list[str]) -> list[str]:
    """The lines up to a frame's call line, without its file line."""
    return texts[:texts.index(next(t for t in texts if t.startswith("\t")))]


def test_a_report_cut_short_inside_the_stream_does_not_pass():
    cut = _cut_in_a_frame(lines("nil_map.txt"))
    assert not reports_follow_one_another(stream_of(lines("deadlock.txt") + cut
                                                    + lines("deadlock.txt")))


def test_a_log_that_begins_and_ends_inside_a_report_passes():
    """`kubectl logs --tail`, a rotated file, a log copied while the process
    still printed: the remains of a report before the first opener, and a
    last report that lacks only what would have followed the last line."""
    head = lines("concurrent_map_writes.txt")
    start = next(i for i, t in enumerate(head) if t.startswith("goroutine "))
    texts = head[start + 3:] + lines("deadlock.txt") + _cut_in_a_frame(lines("nil_map.txt"))
    assert reports_follow_one_another(stream_of(texts))
    header_cut = lines("deadlock.txt") + lines("nil_map.txt")[:3]
    assert header_cut[-1].startswith("goroutine ")
    assert reports_follow_one_another(stream_of(header_cut))


def test_two_processes_crashing_together_at_the_end_do_not_pass():
    a, b = lines("nil_map.txt"), lines("concurrent_map_writes.txt")
    together = [t for pair in zip(a, b, strict=False) for t in pair] + a[len(b):] + b[len(a):]
    assert not reports_follow_one_another(stream_of(lines("deadlock.txt") + together))
    assert not reports_follow_one_another(stream_of(lines("deadlock.txt") + together[:-3]))


def test_a_compose_log_cut_at_both_ends_is_read_without_the_separator(
        monkeypatch: pytest.MonkeyPatch):
    """A restarting service's log as `docker compose logs --tail` shows it: its
    whole reports read as in the full log, with no separator run."""
    api = [x for name in RESTARTS * 3 for x in lines(name)]
    full = compose({"api-1": api, "db-1": lines("concurrent_map_writes.txt") * 2})
    log_lines = full.splitlines()
    cut = "\n".join(log_lines[7:-5]) + "\n"

    def no_separator(texts):
        raise AssertionError("the separator ran on a stream of whole reports")

    monkeypatch.setattr(interleave, "separate", no_separator)
    got = stackdemux.analyze(cut)
    whole = stackdemux.analyze(full)
    assert len(got.streams) == 2
    # the cut reports are kept and say they are partial; no line is lost
    assert {r.incomplete_reason for r in got.reports if not r.complete} == {
        HEADLESS, "a frame without its file line"}
    source = ingest(cut)
    check_conservation(source, demultiplex_detail(source))

    def key(r) -> str:
        return repr((r.message, [(g.id, [(f.func, f.file, f.line) for f in g.frames])
                                 for g in r.goroutines]))

    # the remains of the first report read as a headerless dump, as the parser
    # reads any truncated stack; every other report is one of the full log's
    assert {r.message for r in got.reports} - {"goroutine dump"} <= \
        {r.message for r in whole.reports}
    same = Counter(map(key, got.reports)) & Counter(map(key, whole.reports))
    assert same.total() >= len(whole.reports) - 4  # each service's first and last, cut


def test_a_goroutine_printed_twice_in_one_report_does_not_pass():
    texts = lines("deadlock.txt")
    start = next(i for i, t in enumerate(texts) if t.startswith("goroutine "))
    end = texts.index("", start)
    doubled = texts[:end + 1] + texts[start:end + 1] + texts[end + 1:]
    assert not reports_follow_one_another(stream_of(doubled))


def test_two_threads_throwing_at_once_are_one_process():
    # Real Go 1.19 output (two goroutines writing one map, GOTRACEBACK=system):
    # both threads print `fatal error: …`, one after the other; the first prints
    # the dump, with the other's goroutine running elsewhere, stack unavailable;
    # then the other prints that goroutine's stack. One process, read whole.
    (case,) = score.load_cases(case="crash-prefix-journald-short-full")
    (i,) = [i for i, p in enumerate(case.truth["processes"]) if p["name"] == "index-1"]
    texts = ingest(case.output(i)).lines
    assert texts[:2] == ["fatal error: concurrent map writes"] * 2
    assert reports_follow_one_another(stream_of(texts))
    assert reports_follow_one_another(stream_of([t for t in texts if t]))  # as journald keeps it


def test_each_thread_s_g0_printed_with_no_frames_is_one_process_s():
    # Go 1.4-1.6's signal dump prints `goroutine 0 [idle]:` with no frames for a
    # thread's g0, twice on a 32-bit ARM board (firego#55): every M's g0 is
    # goroutine 0, so the id twice is one process's, and a g0 with no frames is no
    # report cut short; a goroutine of another id with no frames still is
    texts = ingest((ROOT / "samples" / "wild"
                    / "firego55_pthread_create_arm_m264_goroutine0_twice.txt").read_bytes()).lines
    assert texts[3:5] == ["goroutine 0 [idle]:"] * 2
    from stackdemux.demux.pasted import undo_paste

    texts = list(undo_paste(stream_of(texts)).stream.texts)  # (its file lines' tabs)
    assert reports_follow_one_another(stream_of(texts))
    [r] = stackdemux.analyze("\n".join(texts) + "\n").reports
    assert [g.id for g in r.goroutines] == [0, 0, 8]
    at = texts.index("goroutine 0 [idle]:")
    cut = [*texts[:at], "goroutine 7 [idle]:", *texts[at + 1:]]
    assert not reports_follow_one_another(stream_of(cut))


@pytest.mark.parametrize("case,stops", [
    ("mixed-lines-arrival", True), ("twelve-lines-arrival", True), ("crash-lines-random", True),
    ("gotest-chunks-slow", True), ("bolt-noise", True),
    # (cut into by nothing that a later report follows: read whole)
    ("sigquit-lines-arrival", False), ("mixed-prefix-compose", False)])
def test_the_reading_is_given_up_at_the_first_report_cut_into_with_the_same_answer(
        case: str, stops: bool, monkeypatch: pytest.MonkeyPatch):
    """The parser asks, as it reads each report, whether one with another after it
    is neither whole nor thrown at once with the next (and may not be read on
    into): the answer is no then, and the rest of the stream is not read. It is
    the answer the whole reading gives, in real merges that pass and that do not."""
    from stackdemux import parse
    from stackdemux.demux import sequential

    c = next(iter(score.load_cases(case=case)))
    texts = ingest(c.input()).lines
    streams = [stream_of(texts), stream_of([x for name in RESTARTS for x in lines(name)] + texts)]
    read = Counter()
    step = parse._Parser.step

    def counted(self, *args):
        read[self.refuted is None] += 1
        return step(self, *args)

    monkeypatch.setattr(parse._Parser, "step", counted)
    for s in streams:
        given_up = reports_follow_one_another(s)
        whole = stream_of(s.texts)
        with monkeypatch.context() as m:
            m.setattr(sequential, "read_and_keep_unless", lambda s, _: parse.read_and_keep(s))
            assert given_up == reports_follow_one_another(whole)
        assert not given_up or s._parsed is not None
    assert (read[False] < read[True]) is stops  # (the reading stopped short)
