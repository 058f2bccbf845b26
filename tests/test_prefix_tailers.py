"""Log tailers that follow many processes at once and put a stream before each line.

stern (`stern QUERY`: the logs of many Kubernetes pods) puts the pod and the
container, coloured on a terminal, the namespace first with several; its default
template, from stern's cmd/cmd.go:

    {{color .PodColor .PodName}} {{color .ContainerColor .ContainerName}} {{.Message}}

`aws logs tail GROUP` (CloudWatch Logs, awscli's customizations/logs/tail.py, the
default `--format detailed`) puts the event's time, `isoformat(timespec=
"microseconds")`, and its log stream, green and cyan on a terminal, and strips each
event's trailing blanks.

Neither runs here (they need a cluster, an AWS account), so their logs are made
from the corpus's `kubectl logs --prefix` cases, whose lines are the same
processes' output under `[pod/NAME/app] `: read behind either prefix, they must
give the same reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stackdemux import analyze
from stackdemux.demux.prefixes_detect import detect

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests/corpus/cases"
KUBECTL = sorted(p.parent.name for p in CASES.glob("*-prefix-kubectl/input.log"))
PREFIX = re.compile(rb"^\[pod/([^/\]]+)/([^\]]+)\] ", re.M)
COLOURS = [b"\x1b[96m", b"\x1b[92m", b"\x1b[93m", b"\x1b[95m", b"\x1b[94m", b"\x1b[91m"]


def as_stern(log: bytes, *, colour: bool, namespace: bytes | None = None) -> bytes:
    pods: dict[bytes, bytes] = {}

    def prefix(m: re.Match[bytes]) -> bytes:
        pod, container = m.group(1), m.group(2)
        c = pods.setdefault(pod, COLOURS[len(pods) % len(COLOURS)]) if colour else b""
        reset, cc = (b"\x1b[0m", b"\x1b[32m") if colour else (b"", b"")
        ns = c + namespace + reset + b" " if namespace else b""
        return ns + c + pod + reset + b" " + cc + container + reset + b" "

    return PREFIX.sub(prefix, log)


def as_aws_logs_tail(log: bytes, *, colour: bool) -> bytes:
    streams: dict[bytes, bytes] = {}
    out = []
    for n, line in enumerate(log.split(b"\n")[:-1]):
        m = PREFIX.match(line)
        assert m is not None
        # an ECS task's stream: prefix/container/task id
        task = 0x5F3C1B2A0D6E4C7A9B8E1F2D3C4B5A69 + 7919 * len(streams)
        stream = streams.setdefault(m.group(1), b"ecs/%s/%032x" % (m.group(2), task))
        micro = n * 731
        ts = b"2026-01-02T03:04:%02d.%06d+00:00" % ((5 + micro // 10**6) % 60, micro % 10**6)
        if colour:
            ts, stream = b"\x1b[32m" + ts + b"\x1b[0m", b"\x1b[36m" + stream + b"\x1b[0m"
        out.append((ts + b" " + stream + b" " + line[m.end():]).rstrip() + b"\n")
    return b"".join(out)


def reports(log: bytes) -> list[tuple]:
    a = analyze(log)
    return [(r.message, len(r.goroutines), [len(g.frames) for g in r.goroutines], r.complete)
            for r in a.reports]


@pytest.mark.parametrize("case", KUBECTL)
@pytest.mark.parametrize("colour, namespace", [(True, None), (False, None), (True, b"prod")],
                         ids=["colour", "plain", "namespaces"])
def test_a_stern_log_reads_as_the_same_processes_behind_kubectl(case, colour, namespace):
    kubectl = (CASES / case / "input.log").read_bytes()
    stern = as_stern(kubectl, colour=colour, namespace=namespace)
    assert stern != kubectl and b"[pod/" not in stern
    assert reports(stern) == reports(kubectl)


@pytest.mark.parametrize("case", KUBECTL)
@pytest.mark.parametrize("colour", [True, False], ids=["colour", "plain"])
def test_an_aws_logs_tail_log_reads_as_the_same_processes_behind_kubectl(case, colour):
    kubectl = (CASES / case / "input.log").read_bytes()
    tailed = as_aws_logs_tail(kubectl, colour=colour)
    assert b"[pod/" not in tailed
    assert reports(tailed) == reports(kubectl)
    streams = {s.label for s in analyze(tailed).streams}
    assert len(streams) == len({m.group(1) for m in PREFIX.finditer(kubectl)})
    assert all(label.startswith("ecs/app/") for label in streams)


def test_each_pod_and_container_is_a_stream_named_without_its_colours():
    kubectl = (CASES / "bolt-prefix-kubectl" / "input.log").read_bytes()
    got = analyze(as_stern(kubectl, colour=True))
    want = sorted({m.group(1).decode() + " app" for m in PREFIX.finditer(kubectl)})
    assert sorted(s.label for s in got.streams) == want


def styles(path: Path) -> list[str]:
    lines = path.read_text(errors="replace").splitlines()
    return [s.name for s in detect(lines)]


def test_no_log_of_other_tools_reads_as_stern_or_aws_logs():
    # two words, the first with a dash, begin many lines of prose and build
    # output, and a time then a word many an application's own lines: these
    # prefixes are proved only by most lines, names repeating
    samples = ROOT / "samples"
    logs = [*sorted(CASES.glob("*/input.log")), *sorted(samples.glob("*/*.log")),
            *sorted(samples.glob("*/*.txt")), *sorted((ROOT / "tests/corpus/noise").glob("*"))]
    assert len(logs) > 450
    # (but a paste of stern's own output: go-vela/community#564)
    own = samples / "wild/vela564_stern_pod_container_prefix.txt"
    assert styles(own) == ["stern"]
    logs.remove(own)
    assert [p for p in logs if {"stern", "awslogs"} & set(styles(p))] == []


def test_an_application_logging_its_own_times_and_levels_is_no_aws_stream():
    lines = [f"2026-01-02T03:04:{i % 60:02d}.{i:06d}+00:00 {lvl} request {i} served"
             for i, lvl in zip(range(300), ["INFO", "WARNING", "ERROR", "DEBUG"] * 75,
                                   strict=True)]
    assert "awslogs" not in [s.name for s in detect(lines)]


def test_prose_with_dashed_words_is_no_stern_prefix():
    prose = "\n".join(f"the build-step {i} failed because of re-runs" if i % 2 else
                      f"see long-standing issue {i} for work-arounds" for i in range(200))
    assert "stern" not in [s.name for s in detect(prose.splitlines())]
