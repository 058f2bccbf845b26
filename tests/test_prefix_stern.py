"""stern (`stern QUERY`: the logs of many Kubernetes pods at once) puts the pod and
the container before each line, coloured on a terminal; with several namespaces the
namespace first. Its default template, from stern's cmd/cmd.go:

    {{color .PodColor .PodName}} {{color .ContainerColor .ContainerName}} {{.Message}}

No stern runs here (it needs a cluster), so its logs are made from the corpus's
`kubectl logs --prefix` cases, whose lines are the same processes' output under
`[pod/NAME/app] `: read behind stern's prefix, they must give the same reports."""

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


def test_each_pod_and_container_is_a_stream_named_without_its_colours():
    kubectl = (CASES / "bolt-prefix-kubectl" / "input.log").read_bytes()
    got = analyze(as_stern(kubectl, colour=True))
    want = sorted({m.group(1).decode() + " app" for m in PREFIX.finditer(kubectl)})
    assert sorted(s.label for s in got.streams) == want


def styles(path: Path) -> list[str]:
    lines = path.read_text(errors="replace").splitlines()
    return [s.name for s in detect(lines)]


def test_no_log_without_stern_reads_as_stern():
    # two words, the first with a dash, begin many lines of prose and build
    # output: stern's prefix is proved only by most lines, names repeating
    samples = ROOT / "samples"
    logs = [*sorted(CASES.glob("*/input.log")), *sorted(samples.glob("*/*.log")),
            *sorted(samples.glob("*/*.txt")), *sorted((ROOT / "tests/corpus/noise").glob("*"))]
    assert len(logs) > 450
    assert [p for p in logs if "stern" in styles(p)] == []


def test_prose_with_dashed_words_is_no_stern_prefix():
    prose = "\n".join(f"the build-step {i} failed because of re-runs" if i % 2 else
                      f"see long-standing issue {i} for work-arounds" for i in range(200))
    assert "stern" not in [s.name for s in detect(prose.splitlines())]
