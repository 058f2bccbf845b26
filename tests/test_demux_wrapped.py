"""Wrapped logs: JSON records carrying a program's output come back as plain streams.

test2json captures are real `go test -json` runs of tests/data/wrapped/gotest,
journal captures real `journalctl -o json` of tests/data/wrapped/journald run
under systemd-cat (regenerate both with tests/data/wrapped/make.sh); docker
json-file and JSON-lines logs wrap real crash output the way those writers do.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stackdemux.demux.wrapped import sniff, unwrap, unwrap_detail

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests/data/wrapped"
CONFORMANCE = Path("/work/shared/conformance")
VERSIONS = ["1.21.13", "1.27.3"]


def read_lines(path: Path) -> list[str]:
    lines = path.read_text(errors="replace").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# `go test -json`'s own captures (test2json): wrapped, unlike every other sample
TEST2JSON_SAMPLES = sorted(ROOT.glob("samples/go*/test_fail_json.txt"))


def real_samples() -> dict[str, list[str]]:
    files = sorted(ROOT.glob("samples/go*/*.txt")) + sorted(
        (CONFORMANCE / "panicparse-crashes").glob("*.txt"))
    return {f"{f.parent.name}/{f.name}": read_lines(f) for f in files
            if f not in TEST2JSON_SAMPLES}


SAMPLES = real_samples()
PACKAGE = "example.com/wrapped"
LONG_PANIC = "panic: handler failed for request alice: " + "x" * 20000


def frame_funcs(lines):
    """Function names of the frames after the first goroutine header (args dropped)."""
    out, inside = [], False
    for ln in lines:
        if ln.startswith("goroutine "):
            inside = True
        elif inside and ln and not ln.startswith("\t") and not ln.startswith("FAIL"):
            out.append(re.sub(r"\([^()]*\)$", "", ln.removeprefix("created by ").split(" in ")[0]))
    return out


def assert_conserved(lines, got):
    seen = list(got.records_without_text)
    for s in got.streams:
        assert len(s.numbers) == len(s.texts)
        for i, number in enumerate(s.numbers):
            pieces = s.pieces.get(i)
            seen.extend([number] if pieces is None else [p[0] for p in pieces])
            if pieces is not None:
                assert pieces[0][0] == number
    # A record can hold several lines (one number, many texts): count each input line once.
    assert sorted(set(seen)) == list(range(1, len(lines) + 1))


# ---------------------------------------------------------------- test2json ---


@pytest.mark.parametrize("version", VERSIONS)
def test_go_test_json_is_split_by_package(version):
    # A package's events are its test binary's output (one process), in the order
    # it wrote them: its stream reads as its -v output does. Each test's events read
    # apart were cut from their package's FAIL lines (every failure looked cut short)
    # and from the subtests that failed with them.
    lines = read_lines(DATA / f"test2json-go{version}.jsonl")
    assert sniff(lines) == "test2json"
    streams = {s.label: s for s in unwrap(lines)}
    assert list(streams) == [PACKAGE]
    texts = list(streams[PACKAGE].texts)
    # The panic ends the process before the paused parallel tests resume.
    assert "=== PAUSE TestParallelA" in texts and "=== CONT  TestParallelA" not in texts
    assert "    crash_test.go:25: all good" in texts
    assert any(t.startswith(f"FAIL\t{PACKAGE}\t") for t in texts)


@pytest.mark.parametrize("version", VERSIONS)
def test_a_panic_line_test2json_split_over_events_is_joined(version):
    lines = read_lines(DATA / f"test2json-go{version}.jsonl")
    got = unwrap_detail(lines)
    [package] = got.streams
    texts = list(package.texts)
    # The testing runner re-panics: "[recovered]" (Go 1.21), "[recovered, repanicked]" (1.23+).
    [i] = [i for i, t in enumerate(texts) if t.startswith("panic: ")]
    joined = re.sub(r" \[recovered(, repanicked)?\]$", "", texts[i])
    assert joined == LONG_PANIC, f"{len(joined)} chars: {joined[:60]!r}…{joined[-30:]!r}"
    assert len(package.pieces[i]) > 1  # it really came in several events
    # The same frames as the plain `go test` run of the same program with that Go.
    plain = read_lines(DATA / f"plain-go{version}.txt")
    assert frame_funcs(texts) == frame_funcs(plain)
    assert frame_funcs(texts)[-1] == "testing.(*T).Run"


@pytest.mark.parametrize("version", VERSIONS)
def test_every_test2json_record_is_accounted_for(version):
    lines = read_lines(DATA / f"test2json-go{version}.jsonl")
    got = unwrap_detail(lines)
    assert_conserved(lines, got)
    # The records without output are test2json's own events (run, pass, fail, ...).
    for n in got.records_without_text:
        assert orjson.loads(lines[n - 1])["Action"] != "output"


@pytest.mark.parametrize("version", VERSIONS)
def test_another_tools_json_among_the_events_leaves_the_log_test2json(version):
    """One JSON object of another kind among `go test -json`'s first events (an empty
    object, a logger's record) is a record without output: the test's panic is still
    read (fuzz24: one `{}` made the whole log read as no crash)."""
    lines = read_lines(DATA / f"test2json-go{version}.jsonl")
    mixed = [*lines[:5], "{}", '{"level":"info","msg":"cache warmed"}', *lines[5:]]
    assert sniff(mixed) == "test2json"
    got = unwrap_detail(mixed)
    assert_conserved(mixed, got)
    assert {6, 7} <= set(got.records_without_text)
    [package] = got.streams
    assert any(t.startswith("panic: ") for t in package.texts)


def test_a_log_mostly_of_other_json_is_not_test2json():
    """Most records must be events: a few with an `Action` among a logger's do not
    make its log test2json."""
    records = [orjson.dumps({"level": "info", "msg": f"step {i}"}).decode() for i in range(16)]
    records[3:5] = [orjson.dumps({"Action": "run", "Test": f"T{i}"}).decode() for i in range(2)]
    assert sniff(records) == "json-lines"


# ---------------------------------------------------------- docker json-file ---


def docker_json(streams: dict[str, list[str]], seed: int = 3, limit: int = 16 * 1024) -> list[str]:
    """json-file records as dockerd writes them: one per line, lines over 16 KiB split."""
    rng = random.Random(seed)
    records = {name: [] for name in streams}
    for name, lines in streams.items():
        for line in lines:
            text = line + "\n"
            for k in range(0, len(text), limit):
                records[name].append(text[k:k + limit])
    out, pos = [], dict.fromkeys(streams, 0)
    while any(pos[n] < len(records[n]) for n in streams):
        name = rng.choice([n for n in streams if pos[n] < len(records[n])])
        log = records[name][pos[name]]
        pos[name] += 1
        out.append(orjson.dumps({"log": log, "stream": name,
                                 "time": "2026-01-02T03:04:05.123456789Z"}).decode())
    return out


def test_docker_json_file_logs_are_split_by_stream_and_long_lines_joined():
    stderr = read_lines(DATA / "plain-go1.27.3.txt")  # holds a 20 KB panic line
    stdout = SAMPLES["go1.27/skopeo_vendor.txt"] if "go1.27/skopeo_vendor.txt" in SAMPLES else \
        SAMPLES[sorted(SAMPLES)[0]]
    lines = docker_json({"stderr": stderr, "stdout": stdout})
    assert sniff(lines) == "docker-json"
    got = unwrap_detail(lines)
    streams = {s.label: s for s in got.streams}
    assert list(streams["stderr"].texts) == stderr
    assert list(streams["stdout"].texts) == stdout
    assert_conserved(lines, got)


# ---------------------------------------------------------------- JSON lines ---


@pytest.mark.parametrize("field", ["msg", "message", "log", "output"])
def test_a_whole_dump_escaped_in_one_logger_record_comes_back_as_lines(field):
    dump = SAMPLES[sorted(SAMPLES)[5]]
    lines = [
        orjson.dumps({"level": "info", "time": "2026-01-02T03:04:05Z", field: "starting"}).decode(),
        orjson.dumps({"level": "error", "time": "2026-01-02T03:04:06Z",
                      field: "\n".join(dump)}).decode(),
        "not json: a line the shell printed",
        orjson.dumps({"level": "info", field: "exiting"}).decode(),
    ]
    got = unwrap_detail(lines)
    assert got.format == "json-lines"
    [records, raw] = got.streams
    assert list(records.texts) == ["starting", *dump, "exiting"]
    assert list(records.numbers) == [1] + [2] * len(dump) + [4]
    assert list(raw.texts) == ["not json: a line the shell printed"] and raw.label is None
    assert got.not_json == [3]
    assert_conserved(lines, got)


# ---------------------------------------------------------------- journal ---


def test_the_journals_json_is_read_as_the_process_printed_it():
    # `journalctl -o json --all`: each record one line of output, keyed like a
    # syslog prefix; a line that is not UTF-8 comes as an array of bytes, and
    # one longer than journald's LineMax (48 KiB) goes on in the next record.
    lines = read_lines(DATA / "journald-all-go1.27.3.jsonl")
    got = unwrap_detail(lines)
    assert got is not None and got.format == "journald-json"
    (stream,) = got.streams
    assert re.fullmatch(r"vm stackdemux-journald-\d+\[\d+\]", stream.label)
    texts = list(stream.texts)
    assert texts[0] == "loading cache \ufffd\ufffd from disk"
    assert texts[1] == "panic: corrupt entry: " + "ab" * 25000
    assert stream.pieces[1] == [(2, 0, len(lines[1])), (3, 0, len(lines[2]))]
    assert texts[2:4] == ["goroutine 1 [running]:", "main.main()"]
    assert texts[4].startswith("\t/") and texts[4].endswith("/journald/main.go:16 +0x8c")
    assert_conserved(lines, got)


def test_a_line_journalctl_left_out_of_its_json_is_said_missing():
    # Without --all, journalctl prints a field over 4096 bytes as null: the
    # panic's first line is not in the log, and a warning says how to get it.
    from stackdemux.api import analyze
    from stackdemux.demux import OMITTED_BY_JOURNALCTL

    data = (DATA / "journald-go1.27.3.jsonl").read_bytes()
    got = unwrap_detail(read_lines(DATA / "journald-go1.27.3.jsonl"))
    assert got is not None and got.omitted == [2]
    analysis = analyze(data)
    assert [d.lines for d in analysis.diagnostics if d.message == OMITTED_BY_JOURNALCTL] == [
        [(2, 2)]]
    assert [g.id for r in analysis.reports for g in r.goroutines] == [1]


@pytest.mark.parametrize("path", TEST2JSON_SAMPLES, ids=lambda p: p.parent.name)
def test_go_test_json_captures_are_test2json_each_package_a_stream(path):
    got = unwrap_detail(read_lines(path))
    assert got is not None and got.format == "test2json"
    assert [s.label for s in got.streams] == ["example.com/gotests/calc",
                                              "example.com/gotests/greet"]


def test_plain_logs_are_not_wrapped():
    for name, lines in SAMPLES.items():
        assert unwrap(lines) is None, name
    assert unwrap([]) is None
    assert unwrap(['{"a": 1}', '{"b": 2}']) is None  # JSON, but no output field


ALL_LINES = [ln for lines in SAMPLES.values() for ln in lines]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(
    st.integers(0, len(ALL_LINES) - 1).map(lambda i: ALL_LINES[i]),
    st.tuples(st.sampled_from(["Output", "log", "msg"]), st.integers(0, len(ALL_LINES) - 1),
              st.booleans(), st.sampled_from([None, "stderr", "TestX"])).map(
        lambda t: orjson.dumps({t[0]: ALL_LINES[t[1]] + ("\n" if t[2] else ""),
                                "Action": "output", "stream": t[3], "Test": t[3]}).decode()),
    st.text(max_size=30).map(lambda s: "{" + s),
), min_size=1, max_size=60))
def test_random_records_mixed_with_real_lines_never_raise_and_never_lose_a_line(lines):
    got = unwrap_detail(lines)
    if got is not None:
        assert_conserved(lines, got)


@pytest.mark.parametrize("field", ["stack", "stacktrace", "error"])
def test_a_stack_logged_in_a_field_of_its_own_follows_the_records_message(field):
    # `logger.Error("recovered", "stack", string(debug.Stack()))`: the message
    # in msg, the stack beside it, escaped into the same record
    dump = (ROOT / "samples" / "go1.27" / "debug_printstack.txt").read_text().splitlines()
    lines = [
        orjson.dumps({"level": "info", "msg": "starting"}).decode(),
        orjson.dumps({"level": "error", "msg": "recovered", "request": "GET /",
                      field: "\n".join(dump) + "\n"}).decode(),
        orjson.dumps({"level": "info", "msg": "a value with\na newline", "n": 3}).decode(),
    ]
    got = unwrap_detail(lines)
    assert got.format == "json-lines"
    [records] = got.streams
    assert list(records.texts) == ["starting", "recovered", *dump, "a value with", "a newline"]
    assert list(records.numbers) == [1, 2] + [2] * len(dump) + [3, 3]
    assert_conserved(lines, got)
