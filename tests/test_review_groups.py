"""A triage bot files a crash once: a group's fingerprint, title and shown stack
do not depend on the order its reports came in, nor on one cut off before its stack."""

from pathlib import Path

import pytest

from stackdemux import analyze
from stackdemux.api import Options
from stackdemux.render import RenderOptions, render

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
NESTED = SAMPLES / "go1.27" / "panic_nested_call.txt"
GOROUTINE = SAMPLES / "go1.27" / "panic_in_goroutine.txt"
BOLT = SAMPLES / "go1.21" / "skopeo_vendor_parallel_2.txt"


def bolt_cut_after_its_message() -> bytes:
    # the log of another process, begun (kubectl logs --tail) after its stack was lost:
    # "panic: invalid page type: 6432: 10" and a blank line
    text = (SAMPLES / "go1.21" / "skopeo_vendor_parallel_1.txt").read_bytes()
    return b"\n".join(text.split(b"\n")[:2]) + b"\n"


def groups(*inputs, **options):
    analysis = analyze_all(inputs, **options)
    return [(g.title, g.fingerprint, g.count) for g in analysis.groups]


def analyze_all(inputs, **options):
    from stackdemux.api import analyze_many

    return analyze_many(list(inputs), Options(**options))


def test_a_group_merged_by_similarity_has_one_title_and_fingerprint_in_any_order():
    # "boom (request 42, alice)" from nested calls, "boom (request 7, bob)" from a
    # goroutine: one crash site, titles 87 % alike, merged at --threshold 85
    ab = groups(NESTED, GOROUTINE, threshold=85)
    ba = groups(GOROUTINE, NESTED, threshold=85)
    assert len(ab) == 1 and ab[0][2] == 2
    assert ab == ba


def test_the_group_fingerprint_is_one_of_its_members_own():
    (merged,) = groups(NESTED, GOROUTINE, threshold=85)
    alone = {groups(p)[0][:2] for p in (NESTED, GOROUTINE)}
    assert merged[:2] in alone


def test_a_report_cut_before_its_stack_does_not_change_the_group():
    cut = bolt_cut_after_its_message()
    whole = analyze(BOLT).groups[0]
    for order in ((cut, BOLT), (BOLT, cut)):
        (g,) = analyze_all(order).groups
        assert g.count == 2
        assert g.fingerprint == whole.fingerprint
        assert g.culprit is not None and g.culprit.func == "go.etcd.io/bbolt.(*Cursor).search"


def test_the_stack_shown_is_the_one_the_culprit_was_read_from():
    analysis = analyze_all((bolt_cut_after_its_message(), BOLT))
    text = render(analysis, "text", RenderOptions(width=100))
    assert "0 goroutines" not in text
    assert "panic · 5 goroutines" in text
    assert "▸ go.etcd.io/bbolt.(*Cursor).search(" in text


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_several_inputs_say_whose_line_numbers_they_are(fmt):
    analysis = analyze_all((NESTED, SAMPLES / "go1.27" / "nil_map.txt"))
    out = render(analysis, fmt, RenderOptions(width=200))
    assert "panic_nested_call.txt:1–" in out.replace("\\", "")
    assert "nil_map.txt:1–" in out.replace("\\", "")
    assert "2 inputs" not in out  # each group is in one of them


@pytest.mark.parametrize(
    "message",
    [
        "lease expired at 2026-11-26T08:00:00Z",
        "lease expired at 2026-11-26T08:00:00.123456+01:00",
        "lease expired at 2026-11-26 08:00:00.123456789 +0000 UTC m=+0.001234",
    ],
)
def test_the_same_panic_at_another_time_has_the_same_title(message):
    # Go prints a time.Time as RFC 3339 (Format) or with its zone and monotonic
    # clock (String): the crash is the same at 08:00 and at 17:42
    from stackdemux.analyse.normalise import normalise

    later = message.replace("08:00:00", "17:42:13").replace("26", "27")
    assert normalise(message) == normalise(later) == "lease expired at <TIME>"


@pytest.mark.parametrize(
    ("message", "other"),
    [
        # docker's short container id, a git short commit: 12 and 7 hex digits
        ("container 3f2504e0a1b2 exited", "container 9c0d7e1f2a3b exited"),
        ("checkout: commit 8b7e6d5 not found", "checkout: commit 1a2b3c4 not found"),
    ],
)
def test_the_same_panic_about_another_short_id_has_the_same_title(message, other):
    from stackdemux.analyse.normalise import normalise

    assert normalise(message) == normalise(other)
    assert "<ID>" in normalise(message)


@pytest.mark.parametrize("word", ["deadbeef", "facade", "e2e", "int64", "func1", "v1.2.3"])
def test_words_are_not_taken_for_ids(word):
    from stackdemux.analyse.normalise import normalise

    assert normalise(f"{word} failed") == f"{word} failed"


def test_the_json_of_a_merged_group_is_the_same_under_any_hash_seed():
    import os
    import subprocess
    import sys

    def run(seed: str) -> bytes:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        cmd = [sys.executable, "-m", "stackdemux", "-f", "json", "--threshold", "85",
               str(GOROUTINE), str(NESTED)]
        return subprocess.run(cmd, env=env, capture_output=True, check=True).stdout

    assert run("0") == run("1") == run("4242")
