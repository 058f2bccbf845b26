"""Tee mode: the build log passes through byte for byte, as it arrives; only crashes are kept."""

from __future__ import annotations

import io
import json
import os
import random
import select
import subprocess
import sys
import textwrap
from pathlib import Path

from render_model import analyse_file

from stackdemux.analyse import analyse
from stackdemux.ingest import ingest
from stackdemux.model import Analysis, Stream
from stackdemux.parse import parse_source
from stackdemux.tee import Capture, Tee, grammar_keep

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [
    ROOT / "samples/go1.27/skopeo_vendor.txt",
    ROOT / "samples/go1.27/nil_map.txt",
    Path("/work/shared/conformance/panicparse-crashes/goroutine_100.txt"),
]

TEE_SCRIPT = textwrap.dedent("""
    import json, sys
    from stackdemux.tee import Tee, grammar_keep
    capture = Tee(sys.stdout.buffer, grammar_keep()).run(sys.stdin.buffer)
    with open(sys.argv[1], "wb") as f:
        f.write(capture.to_bytes())
    with open(sys.argv[2], "w") as f:
        json.dump({"segments": [[s.first, len(s.lines)] for s in capture.segments],
                   "total_lines": capture.total_lines, "total_bytes": capture.total_bytes}, f)
""")


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


def analysis_of(data: bytes) -> Analysis:
    source = ingest(data, "log")
    parsed = parse_source(source)
    groups, _ = analyse(parsed.reports)
    return Analysis(
        reports=parsed.reports,
        streams=[Stream(id="s1")],
        groups=groups,
        noise=parsed.noise,
        diagnostics=parsed.diagnostics,
        total_lines=len(source.lines),
    )


def test_passthrough_is_byte_identical_and_memory_holds_only_the_crashes(tmp_path):
    data, _ = long_log()
    kept, meta = tmp_path / "kept.log", tmp_path / "meta.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", TEE_SCRIPT, str(kept), str(meta)],
        input=data,
        capture_output=True,
        env=env,
        check=True,
    )
    assert proc.stdout == data
    info = json.loads(meta.read_text())
    assert info["total_bytes"] == len(data)
    assert info["total_lines"] == data.count(b"\n") + 1
    sample_lines = sum(len(p.read_bytes().splitlines()) for p in SAMPLES)
    kept_lines = sum(n for _, n in info["segments"])
    assert sample_lines <= kept_lines <= sample_lines + len(SAMPLES) * 2 * 16 + 64
    assert kept_lines < info["total_lines"] / 20


def test_the_capture_analyses_like_the_whole_log():
    data, _ = long_log(seed=11, noise_lines=20_000)
    tee = Tee(io.BytesIO(), grammar_keep())
    for i in range(0, len(data), 4096):  # chunks cut lines anywhere
        tee.feed(data[i : i + 4096])
    capture = tee.close()
    whole = analysis_of(data)
    small = capture.remap(analysis_of(capture.to_bytes()))
    assert [r.message for r in small.reports] == [r.message for r in whole.reports]
    assert [r.lines for r in small.reports] == [r.lines for r in whole.reports]
    assert [len(r.goroutines) for r in small.reports] == [len(r.goroutines) for r in whole.reports]
    assert [g.title for g in small.groups] == [g.title for g in whole.groups]
    first = small.reports[0].goroutines[0]
    assert first.input_lines == whole.reports[0].goroutines[0].input_lines
    assert small.total_lines == whole.total_lines


def test_output_flows_while_input_is_still_open():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    script = (
        "import sys; from stackdemux.tee import Tee; "
        "Tee(sys.stdout.buffer, lambda s: False).run(sys.stdin.buffer)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
    )
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


def test_a_huge_line_is_passed_through_whole_but_kept_cut():
    out = io.BytesIO()
    tee = Tee(out, lambda s: s.startswith("panic"), max_line=1000)
    big = b"panic: " + b"x" * 5000
    for i in range(0, len(big), 700):
        tee.feed(big[i : i + 700])
    tee.feed(b"\ngoroutine 1 [running]:\n")
    capture = tee.close()
    assert out.getvalue() == big + b"\ngoroutine 1 [running]:\n"
    assert capture.truncated_lines == 1
    assert len(capture.segments[0].lines[0]) == 1000
    assert capture.total_lines == 2


def test_context_before_a_kept_line_survives_a_skipped_chunk():
    # "main.main()" is only context until its file line arrives in the next chunk.
    tee = Tee(io.BytesIO(), lambda s: s.startswith("\t/"), context=2)
    tee.feed(b"noise 1\nnoise 2\nnoise 3\nmain.main()\n")
    tee.feed(b"\t/src/main.go:5 +0x1d\n")
    capture = tee.close()
    assert [(s.first, s.lines) for s in capture.segments] == [
        (3, [b"noise 3", b"main.main()", b"\t/src/main.go:5 +0x1d"])
    ]


def test_line_map_follows_segments():
    from stackdemux.tee import Segment

    capture = Capture([Segment(5, [b"a", b"b"]), Segment(100, [b"c"])], 120, 0)
    assert capture.to_bytes() == b"a\nb\n\nc\n"
    to = capture.line_map()
    assert [to(n) for n in (1, 2, 3, 4)] == [5, 6, 7, 100]


def test_a_sample_alone_round_trips(tmp_path):
    # Sanity: the capture of a pure crash is the crash itself.
    sample = SAMPLES[0]
    tee = Tee(io.BytesIO(), grammar_keep())
    capture = tee.run(io.BytesIO(sample.read_bytes()))
    assert capture.to_bytes() == sample.read_bytes()
    assert (
        analyse_file(sample).reports[0].message
        == analysis_of(capture.to_bytes()).reports[0].message
    )
