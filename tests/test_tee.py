"""Tee mode: the build log passes through byte for byte, as it arrives; only crashes are kept."""

from __future__ import annotations

import json
import os
import random
import select
import subprocess
import sys
import textwrap
from pathlib import Path

from stackdemux.tee import Capture, Segment

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [
    ROOT / "samples/go1.27/skopeo_vendor.txt",
    ROOT / "samples/go1.27/nil_map.txt",
    Path("/work/shared/conformance/panicparse-crashes/goroutine_100.txt"),
]
SAMPLES = [p for p in SAMPLES if p.is_file()]  # (the conformance suite is beside the repo)
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

# What `--tee` keeps, as the CLI reads it: tee_stdin() on this process's stdin.
KEPT_SCRIPT = textwrap.dedent("""
    import json, sys
    from stackdemux.tee import tee_stdin
    source = tee_stdin()
    capture = source.capture
    with open(sys.argv[1], "w") as f:
        json.dump({"kept_lines": capture.kept_lines, "lines": len(source.lines),
                   "total_lines": capture.total_lines, "total_bytes": capture.total_bytes}, f)
""")


def stackdemux(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "stackdemux", *args], input=stdin,
                          capture_output=True, env=ENV, timeout=300)


def build_noise(rng: random.Random, n: int) -> list[bytes]:
    """Lines like a C/Go build prints: compiler commands, progress, warnings, blank lines."""
    shapes = [
        b"[ %d%%] Building CXX object src/CMakeFiles/core.dir/file%d.cc.o",
        b"gcc -O2 -Wall -c lib/unit%d.c -o build/unit%d.o",
        b"lib/unit%d.c:%d: warning: unused variable 'x'",
        b"go: downloading example.com/mod%d v1.%d.0",
        b"",
        b"\x1b[32mok\x1b[0m step %d of %d \xff\xfe (not UTF-8)",
    ]
    out = []
    for i in range(n):
        shape = rng.choice(shapes)
        out.append(shape % (i % 100, i) if b"%" in shape else shape)
    return out


def long_log(seed: int = 7, noise_lines: int = 60_000) -> tuple[bytes, list[int]]:
    rng = random.Random(seed)
    lines = build_noise(rng, noise_lines)
    starts = [(k + 1) * noise_lines // (len(SAMPLES) + 1) for k in range(len(SAMPLES))]
    out: list[bytes] = []
    prev = 0
    for at, sample in zip(starts, SAMPLES, strict=True):
        out += lines[prev:at]
        out += sample.read_bytes().rstrip(b"\n").split(b"\n")
        prev = at
    out += lines[prev:]
    return b"\r\n".join(out[:10]) + b"\n" + b"\n".join(out[10:]) + b"\x00 no newline at end", starts


def reports(doc: dict) -> list[tuple]:
    return [(r["message"], r["lines"], len(r["goroutines"])) for r in doc["reports"]]


def test_passthrough_is_byte_identical_and_memory_holds_only_the_crashes(tmp_path):
    data, _ = long_log()
    meta = tmp_path / "meta.json"
    proc = subprocess.run([sys.executable, "-c", KEPT_SCRIPT, str(meta)], input=data,
                          capture_output=True, env=ENV, check=True)
    assert proc.stdout == data
    info = json.loads(meta.read_text())
    assert info["total_bytes"] == len(data)
    assert info["total_lines"] == data.count(b"\n") + 1
    sample_lines = sum(len(p.read_bytes().splitlines()) for p in SAMPLES)
    assert sample_lines <= info["kept_lines"] == info["lines"]
    assert info["kept_lines"] < info["total_lines"] / 20


def test_the_teed_report_is_the_report_of_the_whole_log(tmp_path):
    data, _ = long_log(seed=11, noise_lines=20_000)
    log = tmp_path / "build.log"
    log.write_bytes(data)
    teed = stackdemux("--tee", "-f", "json", stdin=data)
    assert teed.returncode == 0, teed.stderr[-2000:]
    assert teed.stdout == data
    whole = json.loads(stackdemux("-f", "json", "--no-color", str(log), stdin=b"").stdout)
    got = json.loads(teed.stderr)
    assert reports(got) == reports(whole)
    assert len(got["reports"]) == len(SAMPLES)
    assert [g["title"] for g in got["groups"]] == [g["title"] for g in whole["groups"]]
    assert got["reports"][0]["goroutines"][0] == whole["reports"][0]["goroutines"][0]


def test_output_flows_while_input_is_still_open():
    proc = subprocess.Popen([sys.executable, "-m", "stackdemux", "--tee"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=ENV)
    try:
        proc.stdin.write(b"building...\npartial line without newline")
        proc.stdin.flush()
        want = b"building...\npartial line without newline"
        got = b""
        while len(got) < len(want):
            ready, _, _ = select.select([proc.stdout], [], [], 30)
            assert ready, "the tee held the output back"
            got += os.read(proc.stdout.fileno(), 4096)
        assert got == want
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


def test_a_huge_line_is_passed_through_whole_and_the_crash_after_it_found():
    big = b"panic: " + b"x" * (3 << 20) + b"\n"
    crash = SAMPLES[1].read_bytes()
    teed = stackdemux("--tee", "-f", "json", stdin=big + crash)
    assert teed.stdout == big + crash
    got = json.loads(teed.stderr)
    assert [r["message"] for r in got["reports"]][-1] == "assignment to entry in nil map"


def test_line_map_follows_segments():
    capture = Capture([Segment(5, [b"a", b"b"]), Segment(100, [b"c"])], 120, 0)
    assert capture.to_bytes() == b"a\nb\nc\n"
    to = capture.line_map()
    assert [to(n) for n in (1, 2, 3)] == [5, 6, 100]


def test_a_sample_alone_reads_as_without_the_tee(tmp_path):
    sample = SAMPLES[0]
    teed = stackdemux("--tee", "-f", "json", stdin=sample.read_bytes())
    assert teed.stdout == sample.read_bytes()
    plain = json.loads(stackdemux("-f", "json", str(sample), stdin=b"").stdout)
    assert reports(json.loads(teed.stderr)) == reports(plain)
