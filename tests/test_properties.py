"""Properties: whatever the input, the parser never raises, and every input line is in
exactly one place: one report's lines or the noise."""

from __future__ import annotations

from conftest import SAMPLES, assert_every_line_placed_once, manifest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackdemux.ingest import ingest
from stackdemux.parse import parse_source

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FILES = sorted({e["file"] for e in manifest()})[:200]
LINES = sorted({ln for f in FILES[::6] for ln in (SAMPLES / f).read_text(errors="replace")
                .split("\n")})


def placed(text: str) -> None:
    source = ingest(text)
    assert_every_line_placed_once(len(source.lines), parse_source(source))


@SETTINGS
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=2000))
def test_random_text_never_raises_and_loses_no_line(text):
    placed(text)


@SETTINGS
@given(st.lists(st.sampled_from(LINES or [""]), max_size=80))
def test_real_lines_in_any_order_never_raise_and_lose_no_line(lines):
    placed("\n".join(lines))


@SETTINGS
@given(st.sampled_from(FILES or ["-"]), st.data())
def test_truncated_and_spliced_samples_lose_no_line(name, data):
    if name == "-":
        return
    text = (SAMPLES / name).read_text(errors="replace")
    other = (SAMPLES / data.draw(st.sampled_from(FILES))).read_text(errors="replace")
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(0, len(other)))
    placed(text[:a])
    placed(text[:a] + other[b:])
    placed(other[:b] + "\n" + text[a:])
