"""A prefixed region of a long log: a CI job's build output, then `docker compose up`
(or `kubectl logs --prefix`) output holding the crash, then more build output.

The prefixed lines are a small minority of the log, so no share of a sample of
the whole log proves the style: detection must find it where it holds, around
the tracebacks behind the prefix, and still find nothing in ordinary logs.
The logs are built from committed files only: a real compose capture
(samples/interleaved/compose-bbolt.log) and real build output (tests/corpus/noise).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from test_conservation import check_conservation

import stackdemux
from stackdemux.demux.prefixes import detect, to_streams
from stackdemux.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
NOISE = ROOT / "tests" / "corpus" / "noise"
COMPOSE = ROOT / "samples" / "interleaved" / "compose-bbolt.log"


def build_output() -> str:
    """Every real build log of the corpus but the decoys, concatenated."""
    return "".join(f.read_text() for f in sorted(NOISE.glob("*.log")) if f.name != "decoys.log")


def padded(middle: str, times: int = 3) -> str:
    return build_output() * times + middle + build_output() * times


def lines_of(text: str) -> list[str]:
    return ingest(text).lines


def messages(analysis) -> list[str]:
    return sorted(r.message for r in analysis.reports)


def test_a_compose_run_between_build_output_is_detected():
    log = lines_of(padded(COMPOSE.read_text()))
    assert len(lines_of(COMPOSE.read_text())) * 20 < len(log)  # the prefixed lines: under 5 %
    assert [s.name for s in detect(log)] == ["compose"]


def test_its_crashes_are_found_as_in_the_compose_log_alone():
    alone = stackdemux.analyze(COMPOSE.read_text())
    assert len(alone.reports) == 3
    assert "invalid page type: 6432: 10" in messages(alone)
    assert messages(stackdemux.analyze(padded(COMPOSE.read_text()))) == messages(alone)


def test_the_build_output_stays_one_unprefixed_stream_in_its_order():
    compose = lines_of(COMPOSE.read_text())
    build = lines_of(build_output() * 3)
    log = build + compose + build
    streams = to_streams(log)
    [plain] = [s for s in streams if s.label is None]
    assert list(plain.texts) == build + build
    assert list(plain.numbers) == [*range(1, len(build) + 1),
                                   *range(len(build) + len(compose) + 1, len(log) + 1)]
    keyed = {s.label: list(s.texts) for s in streams if s.label is not None}
    assert keyed == {s.label: list(s.texts) for s in to_streams(compose)}
    check_conservation(ingest(padded(COMPOSE.read_text())))


def test_a_region_inside_github_actions_timestamps_is_the_inner_layer():
    """`docker compose up` in a GitHub Actions job: every line carries the runner's
    timestamp, only the compose run's lines carry the service prefix after it."""
    stamp = "2026-01-02T03:04:05.1234567Z "
    log = [stamp + x for x in lines_of(padded(COMPOSE.read_text()))]
    assert [(s.name, s.layer) for s in detect(log)] == [("github", 0), ("compose", 1)]
    assert messages(stackdemux.analyze("\n".join(log) + "\n")) == messages(
        stackdemux.analyze(COMPOSE.read_text()))


def test_one_short_crash_behind_a_prefix_is_enough():
    """One service's 19 lines: its panic, one goroutine and a few frames."""
    boltd = [x for x in lines_of(COMPOSE.read_text()) if "boltd-1 " in x[:20]]
    assert len(boltd) < 20
    log = "\n".join(boltd) + "\n"
    assert [s.name for s in detect(lines_of(padded(log)))] == ["compose"]
    assert messages(stackdemux.analyze(padded(log))) == messages(stackdemux.analyze(log))


def as_kubectl(compose_log: str) -> str:
    """The same capture as `kubectl logs --prefix` shows it: `[pod/NAME/app] ` per line,
    in the same order."""
    lines = lines_of(compose_log)
    out = list(lines)
    for s in to_streams(lines):
        for number, text in zip(s.numbers, s.texts, strict=True):
            out[number - 1] = f"[pod/{s.label.lower()}/app] {text}"
    return "\n".join(out) + "\n"


def test_a_kubectl_run_between_build_output_is_detected():
    kubectl = as_kubectl(COMPOSE.read_text())
    assert [s.name for s in detect(lines_of(padded(kubectl)))] == ["kubectl"]
    assert messages(stackdemux.analyze(padded(kubectl))) == messages(
        stackdemux.analyze(COMPOSE.read_text()))


def test_a_region_far_into_a_long_log_is_detected():
    """Far more build output than a sample of the head, tail and stride reaches:
    over 100,000 lines, the compose run in the middle."""
    log = lines_of(padded(COMPOSE.read_text(), times=100))
    assert len(log) > 100_000
    assert [s.name for s in detect(log)] == ["compose"]


@pytest.mark.parametrize("name", sorted(p.name for p in NOISE.glob("*.log")))
def test_build_output_around_unprefixed_crashes_carries_no_prefix(name):
    """Real tracebacks at the line start (whole-line interleaving, no collector prefix)
    amid build output, pytest output and slog lines that mention panics and goroutines."""
    crashes = (ROOT / "samples" / "interleaved" / "five-services-lines.log").read_text()
    noise = (NOISE / name).read_text() * 20
    assert detect(lines_of(noise + crashes + noise + build_output())) == []


def test_indented_tracebacks_are_no_prefix():
    """A traceback quoted with indentation (a test's log, a markdown code block)."""
    crash = COMPOSE.read_text()
    plain = [x for s in to_streams(lines_of(crash)) for x in s.texts]
    log = lines_of(build_output()) + ["    " + x for x in plain] + ["\t" + x for x in plain]
    assert detect(log) == []


class CountingLines(Sequence[str]):
    """A log that counts the lines detection reads from it."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.read = 0

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, index):
        got = self.lines[index]
        self.read += len(got) if isinstance(index, slice) else 1
        return got


def test_detection_reads_a_bounded_number_of_lines_of_any_log():
    small = CountingLines(lines_of(padded(COMPOSE.read_text(), times=200)))
    big = CountingLines(lines_of(padded(COMPOSE.read_text(), times=900)))
    assert len(big) > 1_000_000
    detect(small)
    detect(big)
    assert big.read <= small.read * 1.2
