"""The sieve: a big log is read block by block and only the windows around its
tracebacks become lines; an analysis of the windows reads like one of the whole log."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from stackdemux import sieve as sieve_module
from stackdemux.api import Options, analyze_many, load
from stackdemux.cli import main
from stackdemux.ingest import InputError, ingest
from stackdemux.sieve import AFTER, BEFORE, MAX_KEPT, Sieve, read_source

ROOT = Path(__file__).resolve().parent.parent
NOISE = ROOT / "tests/corpus/noise"
MANIFEST = json.loads((ROOT / "samples/manifest.json").read_text(encoding="utf-8"))
# One capture of every scenario (the newest Go), plus the interleaved logs.
SAMPLES = sorted({e["scenario"]: ROOT / "samples" / e["file"] for e in
                  sorted(MANIFEST, key=lambda e: [int(x) for x in re.findall(r"\d+", e["go"])])
                  }.values())
SAMPLES += sorted((ROOT / "samples/interleaved").glob("*.log"))


def build_noise() -> bytes:
    """Real build output, including grep lines that quote `goroutine 1 [` and `panic:`."""
    return b"".join(p.read_bytes() for p in sorted(NOISE.glob("*.log")) if p.name != "decoys.log")


def padded(sample: Path, times: int = 1) -> bytes:
    data = sample.read_bytes()
    if not data.endswith(b"\n"):
        data += b"\n"
    noise = build_noise()
    return noise * times + data + noise * times


def report_keys(analysis) -> list[tuple]:
    return [(r.kind, r.message, r.lines, r.stream, r.complete,
             [(g.id, g.state, [(f.func, f.file, f.line) for f in g.frames], g.input_lines)
              for g in r.goroutines]) for r in analysis.reports]


def sieved(tmp_path: Path, data: bytes, **kwargs) -> object:
    path = tmp_path / "build.log"
    path.write_bytes(data)
    source = read_source(str(path), "build.log", minimum=0, **kwargs)
    assert hasattr(source, "capture"), "a log of `minimum` bytes or more is sieved"
    return source


def whole(data: bytes):
    return analyze_many([ingest(data, "build.log")], Options(analyse=False))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_sieved_log_reads_like_the_whole_log(tmp_path: Path, sample: Path):
    data = padded(sample)
    got = analyze_many([sieved(tmp_path, data)], Options(analyse=False))
    assert report_keys(got) == report_keys(whole(data))
    assert got.total_lines == data.count(b"\n")


def test_every_line_is_in_one_stream_or_the_noise(tmp_path: Path):
    data = b"".join(padded(ROOT / "samples" / e["file"]) for e in MANIFEST[:4])
    got = analyze_many([sieved(tmp_path, data)], Options(analyse=False))
    total = data.count(b"\n")
    in_streams = [n for s in got.streams for n in s.numbers]
    covered = set(in_streams)
    # a line repaired from pieces of input lines (a splice, a paste join) names them all
    covered.update(n for s in got.streams for ps in s.pieces.values() for n, _, _ in ps)
    for a, b in got.noise:
        covered.update(range(a, b + 1))
    assert covered == set(range(1, total + 1))
    assert len(got.reports) >= 4


def test_only_the_windows_around_tracebacks_are_kept(tmp_path: Path):
    sample = ROOT / "samples/go1.27/nil_map.txt"
    crash_lines = sample.read_bytes().count(b"\n")
    source = sieved(tmp_path, padded(sample, times=20))
    capture = source.capture
    assert len(source.lines) <= crash_lines + BEFORE + AFTER + 2
    assert capture.total_lines > 20 * len(source.lines)


def test_the_windows_bytes_are_let_go_once_decoded_and_each_line_keeps_its_number(
        tmp_path: Path):
    """The capture's lines are the windows' bytes: decoded, only how many each
    segment holds stays (a 50 MB log's windows were held twice, as bytes beside
    their text). Each kept line is still the input's line at its number."""
    data = b"".join(padded(ROOT / "samples" / e["file"]) for e in MANIFEST[:3])
    source = sieved(tmp_path, data)
    capture = source.capture
    assert capture.taken and all(line == b"" for s in capture.segments for line in s.lines)
    assert capture.kept_lines == len(source.lines) < data.count(b"\n")
    to_input = capture.line_map()
    lines = data.decode().split("\n")
    assert all(lines[to_input(n) - 1] == text for n, text in enumerate(source.lines, 1))
    with pytest.raises(ValueError, match="taken"):
        capture.to_bytes()


def test_grep_lines_quoting_tracebacks_open_no_window():
    """The corpus noise greps the Go programs: `log.Println("panic: …, goroutine 1 [")`."""
    s = Sieve()
    s.feed(build_noise() * 3)
    assert s.close().segments == []


def test_a_prefixed_crash_behind_unprefixed_noise_is_found(tmp_path: Path):
    sample = ROOT / "samples/interleaved/compose-bbolt.log"
    got = analyze_many([sieved(tmp_path, padded(sample, times=3))], Options(analyse=False))
    alone = whole(sample.read_bytes())
    assert sorted(r.message for r in got.reports) == sorted(r.message for r in alone.reports)
    assert any("invalid page type" in r.message for r in got.reports)


@pytest.mark.parametrize("block", [1, 7, 4096, 1 << 20])
def test_blocks_cut_anywhere_keep_the_same_windows(block: int):
    data = padded(ROOT / "samples/go1.27/deadlock.txt", times=2)
    reference = Sieve()
    reference.feed(data)
    expected = [(s.first, s.lines) for s in reference.close().segments]
    s = Sieve()
    for i in range(0, len(data), block):
        s.feed(data[i:i + block])
    got = s.close()
    assert [(seg.first, seg.lines) for seg in got.segments] == expected
    assert got.total_lines == data.count(b"\n")
    assert got.total_bytes == len(data)


def test_a_huge_line_is_counted_and_kept_cut():
    s = Sieve()
    s.feed(b"goroutine 1 [running]:\n" + b"x" * (MAX_KEPT * 3) + b"\nmain.main()\n")
    capture = s.close()
    assert capture.total_lines == 3
    assert capture.truncated_lines == 1
    kept = [line for seg in capture.segments for line in seg.lines]
    assert len(kept[1]) == MAX_KEPT


def test_a_regular_file_is_sieved_from_the_file_not_from_its_first_bytes_held(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The first SIEVE_MIN bytes, read to tell how to read the log, are read
    again a block at a time: held as one object, 32 MiB of them stayed beside
    the windows kept from them (a 50 MB log of 8 services). A byte order mark
    is skipped as when they were held."""
    handed: list[object] = []
    run = Sieve.run

    def spy(self, f, first=b"", block=sieve_module.BLOCK):
        handed.append(b"".join(first) if isinstance(first, list) else first)
        return run(self, f, first, block)

    monkeypatch.setattr(Sieve, "run", spy)
    data = padded(ROOT / "samples/go1.27/nil_pointer.txt")
    for mark in (b"", b"\xef\xbb\xbf"):
        source = sieved(tmp_path, mark + data)
        assert handed.pop() == b""
        assert report_keys(analyze_many([source], Options(analyse=False))) == report_keys(
            whole(data))
        assert source.capture.total_bytes == len(data)
        assert not source.lines[0].startswith("\ufeff")


def test_a_log_without_a_final_newline_keeps_its_last_line(tmp_path: Path):
    data = padded(ROOT / "samples/go1.27/nil_map.txt").rstrip(b"\n") + b"\npanic: last words"
    got = analyze_many([sieved(tmp_path, data)], Options(analyse=False))
    assert got.reports[-1].message == "last words"
    assert got.total_lines == data.count(b"\n") + 1


def test_crlf_and_gzip_are_read_as_without_the_sieve(tmp_path: Path):
    data = padded(ROOT / "samples/go1.27/nil_pointer.txt").replace(b"\n", b"\r\n")
    path = tmp_path / "build.log.gz"
    path.write_bytes(gzip.compress(data))
    source = read_source(str(path), "build.log.gz", minimum=0)
    got = analyze_many([source], Options(analyse=False))
    assert report_keys(got) == report_keys(whole(data))


def test_binary_data_is_refused(tmp_path: Path):
    path = tmp_path / "a.out"
    path.write_bytes(b"\x7fELF" + bytes(range(256)) * 64)
    with pytest.raises(InputError, match="ELF"):
        read_source(str(path), "a.out", minimum=0)


def test_a_small_log_is_read_whole(tmp_path: Path):
    path = tmp_path / "small.log"
    path.write_bytes(padded(ROOT / "samples/go1.27/nil_map.txt"))
    source = load(path)
    assert not hasattr(source, "capture")
    assert len(source.lines) == path.read_bytes().count(b"\n")


def test_split_loses_no_line_between_windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`split` writes every line to a file: the lines between a sieved log's windows
    are copied to noise.txt from the file (tests/test_split_sieved.py)."""
    monkeypatch.setattr(sieve_module, "SIEVE_MIN", 0)
    data = padded(ROOT / "samples/go1.27/nil_map.txt")
    log = tmp_path / "build.log"
    log.write_bytes(data)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["split", str(log), "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = sum(p.read_bytes().count(b"\n") for p in out.iterdir())
    assert written == data.count(b"\n")


def test_the_cli_sieves_a_big_log_and_cites_its_line_numbers(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sieve_module, "SIEVE_MIN", 1 << 16)
    data = padded(ROOT / "samples/go1.27/nil_map.txt", times=4)
    log = tmp_path / "build.log"
    log.write_bytes(data)
    result = CliRunner().invoke(main, [str(log), "-f", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert [[tuple(span) for span in r["lines"]] for r in doc["reports"]] == \
        [r.lines for r in whole(data).reports]
    said = [d for d in doc["diagnostics"] if d["severity"] == "info"]
    assert len(said) == 1 and "read in windows" in said[0]["message"]


def _prefixed(data: bytes, prefix: bytes) -> bytes:
    return b"".join(prefix + line for line in data.splitlines(keepends=True))


def test_a_race_report_behind_a_prefix_is_found(tmp_path: Path):
    """A race report has no goroutine header; its banner and frames seed the window."""
    sample = (ROOT / "samples/go1.27/race_run.txt").read_bytes()
    noise = build_noise()
    data = noise + _prefixed(sample, b"app-1  | ") + noise
    got = analyze_many([sieved(tmp_path, data)], Options(analyse=False))
    alone = whole(_prefixed(sample, b"app-1  | "))
    assert [(r.kind, r.message) for r in got.reports] == \
        [(r.kind, r.message) for r in alone.reports]
    assert got.reports and got.reports[0].race is not None


def test_a_window_runs_through_a_long_race_report(tmp_path: Path):
    """Race frames are indented by spaces (no idle lead): their `+0x` positions keep
    the window open past `after` lines."""
    sample = (ROOT / "samples/go1.27/race_run.txt").read_bytes()
    head, _, rest = sample.partition(b"Previous write")
    frame = b"  main.deep()\n      /src/racerun/main.go:30 +0x2e\n"
    long = head.replace(b"  main.main.func1()", frame * AFTER + b"  main.main.func1()") \
        + b"Previous write" + rest
    data = padded_bytes(long)
    got = analyze_many([sieved(tmp_path, data)], Options(analyse=False))
    assert report_keys(got) == report_keys(whole(data))


def padded_bytes(data: bytes) -> bytes:
    noise = build_noise()
    return noise + data + noise


@pytest.mark.parametrize("prefix", [b"app-1  | ", b"2026-01-02T03:04:05.1234567Z ",
                                    b"[pod/api-7f9c/api] "])
def test_a_crash_without_goroutines_behind_a_prefix_is_found(tmp_path: Path, prefix: bytes):
    """GOTRACEBACK=none prints the message and the signal only: no goroutine
    header or frame position to seed a window; the opener behind a collector's
    prefix does."""
    sample = (ROOT / "samples/go1.27/traceback_none.txt").read_bytes()
    noise = _prefixed(build_noise(), prefix.replace(b"app", b"web").replace(b"api", b"web"))
    data = noise + _prefixed(sample, prefix) + noise
    got = analyze_many([sieved(tmp_path, data)], Options(analyse=False))
    assert [(r.kind, r.message) for r in got.reports] == \
        [(r.kind, r.message) for r in whole(data).reports]
    assert [r.message for r in got.reports] == [
        "runtime error: invalid memory address or nil pointer dereference"]


def test_an_opener_quoted_after_text_that_is_no_prefix_opens_no_window():
    s = Sieve()
    s.feed(b'log.Println("panic: bad") // see goroutine dumps\n' * 1000
           + b"note: fatal error: all goroutines are asleep\n" * 1000)
    assert s.close().segments == []


DENSE = ["big-prefix-compose", "big-chunks-fast", "big-lines-random", "twelve-prefix-compose"]


@pytest.mark.parametrize("case", DENSE)
def test_a_block_thick_with_tracebacks_keeps_the_windows_of_every_seed(case: str):
    from stackdemux.sieve_parallel import windows

    d = ROOT / "tests/corpus/cases" / case
    gz = d / "input.log.gz"
    raw = gzip.decompress(gz.read_bytes()) if gz.exists() else (d / "input.log").read_bytes()
    block = raw[:raw.rindex(b"\n") + 1]  # whole lines, as the sieve hands a block on
    sieve = Sieve()
    every = sieve._every_seed_line(block)
    few = sieve._dense_seed_lines(block)
    assert few is not None, "a dump or a log of crashes takes the dense path"
    assert len(few) < len(every) / 4, "one seed a run, not every seed"
    assert set(few) <= set(every)
    total = block.count(b"\n")
    assert windows(few, total) == windows(every, total)


def test_a_gap_of_build_output_sends_a_block_to_every_seed():
    dump = (ROOT / "samples/go1.27/sigquit.txt").read_bytes() * 40
    noise = b"".join(b"ok  \texample.com/pkg%d\t0.%03ds\n" % (i, i) for i in range(400))
    block = dump + noise + dump
    assert block.count(b" +0x") * 8 > block.count(b"\n"), "frames enough to look thick"
    sieve = Sieve()
    assert sieve._dense_seed_lines(block) is None, "400 lines with no seed: two windows"
    sieve._thick = True
    assert sieve._seed_lines(block) == sieve._every_seed_line(block)


def test_a_log_thick_with_tracebacks_is_read_whole(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch):
    """A compose log of crashing services is all windows: reading it whole
    gives the same reports, without the sieve's cost."""
    monkeypatch.setattr(sieve_module, "SIEVE_MIN", 1 << 16)
    data = (ROOT / "samples/interleaved/compose-bbolt.log").read_bytes() * 8
    assert len(data) > 1 << 16
    log = tmp_path / "compose.log"
    log.write_bytes(data)
    read = load(log)
    assert not hasattr(read, "capture")
    monkeypatch.setattr(sieve_module, "DENSE_WHOLE_MAX", 0)  # no longer read whole
    sieved = load(log)
    assert hasattr(sieved, "capture")
    assert read.lines == sieved.lines
    key = [(r.message, r.lines) for r in whole(data).reports]
    got = analyze_many([sieved], Options(analyse=False)).reports
    assert [(r.message, r.lines) for r in got] == key


def test_one_huge_line_is_sieved_not_read_whole(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch):
    """A log with no frame in its first bytes is not thick with tracebacks,
    however few newlines it has: one huge line is sieved (memory of a block,
    its head kept), not read whole (3.4 bytes of memory a byte of it)."""
    monkeypatch.setattr(sieve_module, "SIEVE_MIN", 1 << 16)
    log = tmp_path / "one-line.log"
    log.write_bytes(b"x" * (MAX_KEPT * 2) + b"\n")
    read = load(log)
    assert hasattr(read, "capture"), "sieved"
    assert read.capture.total_bytes == MAX_KEPT * 2 + 1
    assert analyze_many([read], Options(analyse=False)).reports == []


def test_a_huge_line_between_two_dumps_is_sieved_and_both_dumps_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Frames thick among the first lines but thin among the first bytes (a
    dump, one huge line, a dump) make no dense log: sieved, not read whole."""
    monkeypatch.setattr(sieve_module, "SIEVE_MIN", 1 << 16)
    dump = (ROOT / "samples/go1.27/nil_map.txt").read_bytes()
    log = tmp_path / "huge-line.log"
    log.write_bytes(dump + b"x" * (MAX_KEPT * 2) + b"\n" + dump)
    read = load(log)
    assert hasattr(read, "capture"), "sieved"
    assert len(analyze_many([read], Options(analyse=False)).reports) == 2


# AWS Lambda's error JSON (lambda_error.py): a panic with no traceback line at all, real
# pastes (samples/wild/, sources in its index.json)
LAMBDA = [ROOT / "samples/wild" / name for name in (
    "cfngo17_lambda_error_json_stacktrace.txt", "raygun4go28_lambda_error_json_module_versions.txt",
    "ddlambda165_lambda_error_json_one_line.txt")]


@pytest.mark.parametrize("paste", LAMBDA, ids=lambda p: p.name.split("_")[0])
def test_a_lambda_error_json_in_a_big_log_is_read_as_in_the_paste(tmp_path: Path, paste: Path):
    """A log of SIEVE_MIN bytes or more around the paste (generated here): the sieve
    keeps a window around the error JSON, and the panic reads as in the paste alone."""
    noise = build_noise()
    half = noise * (sieve_module.SIEVE_MIN // len(noise) // 2 + 1)
    data = half + paste.read_bytes().rstrip(b"\n") + b"\n" + half
    assert len(data) >= sieve_module.SIEVE_MIN
    log = tmp_path / "function.log"
    log.write_bytes(data)
    source = load(log)
    assert hasattr(source, "capture"), "sieved"
    got = analyze_many([source], Options(analyse=False))
    (alone,) = whole(paste.read_bytes()).reports
    (report,) = got.reports
    offset = half.count(b"\n")
    assert report.lines == [(a + offset, b + offset) for a, b in alone.lines]
    assert (report.message, report.goroutines[0].frames, report.complete) == (
        alone.message, alone.goroutines[0].frames, alone.complete)


def _pretty_record(frames: int) -> bytes:
    """cfngo17's object closed, its stack trace `frames` long (its real frames over again:
    aws-lambda-go keeps 32 at most), pretty-printed as the paste is."""
    lines = LAMBDA[0].read_text(encoding="utf-8").splitlines()
    obj = json.loads("\n".join(lines[lines.index("{"):]) + "\n    }\n  ]\n}\n")
    trace = obj["stackTrace"]
    obj["stackTrace"] = [trace[i % len(trace)] for i in range(frames)]
    return json.dumps(obj, indent=2).encode() + b"\n"


@pytest.mark.parametrize("block", [4096, 1 << 20])
def test_the_window_of_a_pretty_error_json_holds_all_its_32_frames(tmp_path: Path, block: int):
    record = _pretty_record(32)
    data = padded_bytes(record)
    s = Sieve()
    for i in range(0, len(data), block):
        s.feed(data[i:i + block])
    kept = b"\n".join(line for seg in s.close().segments for line in seg.lines) + b"\n"
    assert record in kept
    (report,) = analyze_many([sieved(tmp_path, data)], Options(analyse=False)).reports
    assert report.complete and len(report.goroutines[0].frames) == 32


def test_a_lambda_error_json_in_a_block_thick_with_tracebacks_keeps_its_window():
    """The dense path takes one seed a run: an error JSON's window, which runs on past
    the block (the log goes on), is the one every seed makes."""
    from stackdemux.sieve_parallel import windows

    dump = (ROOT / "samples/go1.27/sigquit.txt").read_bytes()
    tail = b"".join(dump.splitlines(keepends=True)[:40])
    block = dump * 20 + _pretty_record(2) + tail
    sieve = Sieve()
    every = sieve._every_seed_line(block)
    few = sieve._dense_seed_lines(block)
    assert few is not None, "a block of dumps takes the dense path"
    total = block.count(b"\n") + 1000  # the block's lines and the next block's
    assert windows(few, total) == windows(every, total)
    assert windows(every, total)[-1][1] > block.count(b"\n") + AFTER, "past the block"
