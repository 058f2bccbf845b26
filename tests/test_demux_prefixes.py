"""Prefixed logs: detect the collector's per-line prefix, strip it, and key streams by it.

The logs are built from real Go crash output (samples/, the peer conformance
crashes) by prefixing each line the way the collector does, then interleaving
several processes line by line.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark.exceptions import LarkError

from stackdemux.demux import prefixes, prefixes_strip
from stackdemux.demux.prefixes import (
    JOIN_NEXT,
    JOIN_PREVIOUS,
    PrefixError,
    detect,
    sample_lines,
    split_prefixed,
    to_streams,
)

ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE = Path("/work/shared/conformance")


def real_samples() -> dict[str, list[str]]:
    files = sorted(ROOT.glob("samples/go*/*.txt")) + sorted(
        (CONFORMANCE / "panicparse-crashes").glob("*.txt"))
    out = {}
    for f in files:
        lines = f.read_text(encoding="utf-8", errors="replace").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) >= 3:
            out[f"{f.parent.name}/{f.name}"] = lines
    return out


SAMPLES = real_samples()


def pick(n: int, seed: int = 1) -> list[list[str]]:
    rng = random.Random(seed)
    names = sorted(SAMPLES)
    return [SAMPLES[name] for name in rng.sample(names, n)]


# How each collector prefixes a line (from the tools' documented output formats).
def compose(key: str, width: int = 10, color: bool = True):
    def f(line: str) -> str:
        bar = f"{key:<{width}} |"
        return f"\x1b[36m{bar}\x1b[0m {line}" if color else f"{bar} {line}"
    return f


def kubectl(key: str):
    return lambda line: f"{key} {line}"


def cri(key: str):
    return lambda line: f"2026-01-02T03:04:05.123456789Z {key} F {line}"


def gitlab(key: str):
    return lambda line: f"2026-01-02T03:04:05.123456Z {key} {line}"


def github(_key: str):
    return lambda line: f"2026-01-02T03:04:05.1234567Z {line}"


def syslog(key: str):
    return lambda line: f"Apr  6 11:46:38 {key}: {line}"


def buildkit(key: str):
    return lambda line: f"{key} 3.456 {line}"


def parallel(key: str):
    return lambda line: f"{key}\t{line}"


STYLE_KEYS = {
    "compose": (compose, ["skopeo-1", "skopeo-2", "registry-1"]),
    "kubectl": (kubectl, ["[pod/api-7d9f/app]", "[pod/api-7d9f/sidecar]", "[pod/worker-0/app]"]),
    "cri": (cri, ["stderr", "stdout"]),
    "gitlab": (gitlab, ["00E", "00O", "01E"]),
    "syslog": (syslog, ["node1 crasher[4242]", "node1 crasher[4243]", "node2 agent[17]"]),
    "buildkit": (buildkit, ["#12", "#14", "#15"]),
    "parallel": (parallel, ["./crashers nil_map", "./crashers panic_int", "3"]),
}


def interleave(streams: list[list[str]], seed: int = 7) -> tuple[list[str], list[int]]:
    """Whole-line interleaving in random order; returns lines and which stream wrote each."""
    rng = random.Random(seed)
    pos = [0] * len(streams)
    lines, owner = [], []
    while True:
        live = [i for i, s in enumerate(streams) if pos[i] < len(s)]
        if not live:
            return lines, owner
        i = rng.choice(live)
        lines.append(streams[i][pos[i]])
        owner.append(i)
        pos[i] += 1


def stream_by_label(streams, label):
    [s] = [s for s in streams if s.label == label]
    return s


# ---------------------------------------------------------------- styles ---


@pytest.mark.parametrize("style", sorted(STYLE_KEYS))
def test_each_style_is_detected_and_its_keys_separate_the_processes(style):
    make, keys = STYLE_KEYS[style]
    outputs = pick(len(keys), seed=len(style))
    prefixed = [[make(k)(ln) for ln in out] for k, out in zip(keys, outputs, strict=True)]
    log, _ = interleave(prefixed)

    styles = detect(log)
    assert [s.name for s in styles] == [style]

    streams = to_streams(log)
    assert sorted(s.label for s in streams) == sorted(keys)
    for key, out in zip(keys, outputs, strict=True):
        assert list(stream_by_label(streams, key).texts) == out


def test_github_timestamps_are_stripped_but_make_no_stream_key():
    out = pick(1)[0]
    log = [github("")(ln) for ln in out]
    assert [s.name for s in detect(log)] == ["github"]
    [stream] = to_streams(log)
    assert stream.label is None
    assert list(stream.texts) == out


def test_compose_without_colours_too():
    a, b = pick(2, seed=3)
    log, _ = interleave([[compose("web_1", 8, color=False)(x) for x in a],
                         [compose("db_1", 8, color=False)(x) for x in b]])
    streams = to_streams(log)
    assert list(stream_by_label(streams, "web_1").texts) == a
    assert list(stream_by_label(streams, "db_1").texts) == b


def test_only_some_processes_prefixed_the_rest_stay_one_unkeyed_stream():
    a, b, c = pick(3, seed=11)
    log, owner = interleave([[kubectl("[pod/api-0/app]")(x) for x in a], b, c])
    assert [s.name for s in detect(log)] == ["kubectl"]
    streams = to_streams(log)
    assert list(stream_by_label(streams, "[pod/api-0/app]").texts) == a
    rest = stream_by_label(streams, None)
    assert list(rest.texts) == [ln for ln, o in zip(log, owner, strict=True) if o != 0]


def test_stacked_prefixes_compose_inside_github_actions_timestamps():
    a, b = pick(2, seed=5)
    log, _ = interleave([[github("")(compose("api-1")(x)) for x in a],
                         [github("")(compose("api-2")(x)) for x in b]])
    styles = detect(log)
    assert [(s.name, s.layer) for s in styles] == [("github", 0), ("compose", 1)]
    streams = to_streams(log)
    assert list(stream_by_label(streams, "api-1").texts) == a
    assert list(stream_by_label(streams, "api-2").texts) == b


def test_clean_go_output_carries_no_prefix():
    for name, lines in SAMPLES.items():
        assert detect(lines) == [], name
    for f in sorted((CONFORMANCE / "gostackparse").glob("*.txt")):
        assert detect(f.read_text().split("\n")) == [], f.name


# ----------------------------------------------------------------- joins ---


def test_cri_partial_lines_are_joined_into_the_line_the_runtime_split():
    out = max(SAMPLES.values(), key=lambda ls: max(map(len, ls)))
    log, origin = [], []
    for n, line in enumerate(out):
        # The runtime cuts lines longer than its buffer; cut every one at 16 chars here.
        chunks = [line[i:i + 16] for i in range(0, len(line), 16)] or [""]
        for j, chunk in enumerate(chunks):
            tag = "F" if j == len(chunks) - 1 else "P"
            log.append(f"2026-01-02T03:04:05.000000001Z stderr {tag} {chunk}")
            origin.append(n)
    split = split_prefixed(log, detect(log))
    assert JOIN_NEXT in split.joins
    [stream] = to_streams(log, split)
    assert list(stream.texts) == out
    # Each joined text says which columns of which input lines made it; a line
    # that was never cut is its input line after the prefix.
    joined = [i for i, line in enumerate(out) if len(line) > 16]
    assert sorted(stream.pieces) == joined
    for i, text in enumerate(stream.texts):
        pieces = stream.pieces.get(i, [(stream.numbers[i], stream.prefix_lengths[i],
                                        len(log[stream.numbers[i] - 1]))])
        assert "".join(log[ln - 1][a:b] for ln, a, b in pieces) == text
        assert [origin[ln - 1] for ln, _, _ in pieces] == [i] * len(pieces)
        assert pieces[0][1] == stream.prefix_lengths[i]


def test_gitlab_continuation_lines_join_the_previous_line_of_their_stream():
    a, b = pick(2, seed=9)
    def lines_of(key, out):
        res = []
        for line in out:
            head, tail = line[:20], line[20:]
            res.append(f"2026-01-02T03:04:05.123456Z {key} {head}")
            if tail:
                res.append(f"2026-01-02T03:04:05.123456Z {key}+ {tail}")
        return res
    # Interleave by whole runner lines: a continuation always follows its own stream's line.
    log, _ = interleave([lines_of("00O", a), lines_of("00E", b)])
    split = split_prefixed(log, detect(log))
    assert JOIN_PREVIOUS in split.joins
    streams = to_streams(log, split)
    assert list(stream_by_label(streams, "00O").texts) == a
    assert list(stream_by_label(streams, "00E").texts) == b


# ----------------------------------------------------------- user prefix ---


def test_user_prefix_regex_names_the_key():
    a, b = pick(2, seed=13)
    log, _ = interleave([[f"<worker 1> {x}" for x in a], [f"<worker 2> {x}" for x in b]])
    streams = to_streams(log, user_regex=r"<(?P<key>worker \d+)> ")
    assert list(stream_by_label(streams, "worker 1").texts) == a
    assert list(stream_by_label(streams, "worker 2").texts) == b


@pytest.mark.parametrize("regex, says", [(r"<(\w+)> ", "(?P<key>"),
                                         (r"<(?P<key>\w+ ", "not a valid")])
def test_user_prefix_regex_errors_say_what_is_wrong(regex, says):
    with pytest.raises(PrefixError, match=re.escape(says)):
        split_prefixed(["x"], [], regex)


# ------------------------------------------------------------ the grammar ---


def _lark_key(tree, style):
    for sub in tree.iter_subtrees():
        if sub.data == f"{style}_key":
            return "".join(tok for tok in sub.scan_values(lambda v: isinstance(v, str)))
    return None


def prefixed_sample_lines():
    a = pick(1, seed=2)[0]
    for style, (make, keys) in STYLE_KEYS.items():
        for key in keys:
            for line in a[:6]:
                yield style, make(key)(line)
    for line in a[:6]:
        yield "github", github("")(line)
        yield "cri", f"2026-01-02T03:04:05.1Z stdout P {line}"
        yield "gitlab", f"2026-01-02T03:04:05.123456Z 00O+ {line}"
        yield "syslog", f"Apr 16 01:02:03 host kernel: {line}"
        yield "syslog", f"2026-01-02T03:04:05.123456+00:00 node-1 dockerd[812]: {line}"
        yield "compose", f"api-1  |{line}"


def test_derived_regexes_agree_with_the_grammar_on_every_sample_prefix():
    lark = prefixes.grammar()
    styles = prefixes.compiled_styles()
    for style, line in prefixed_sample_lines():
        hit = prefixes.match_prefix(line, styles[style])
        assert hit is not None, (style, line)
        end, key, _ = hit
        tree = lark.parse(line[:end], start=style)
        assert _lark_key(tree, style) == key, (style, line)
        # The derived matcher takes the longest prefix: lark must reject one char more
        # whenever that char could not belong to the prefix.
        if line[end:end + 1] not in ("", " ", "\x1b"):
            with pytest.raises(LarkError):
                lark.parse(line[:end + 1], start=style)


def test_grammar_rejects_what_the_derived_regexes_reject():
    lark = prefixes.grammar()
    styles = prefixes.compiled_styles()
    race = (CONFORMANCE / "panicparse-crashes/race.txt").read_text().split("\n")
    lines = SAMPLES[sorted(SAMPLES)[0]] + race
    for line in lines:
        assert all(prefixes.match_prefix(line, s) is None for s in styles.values()), line
        # every candidate prefix ends at a separator
        for end in {m.end() for m in re.finditer(r"[ \t|:]", line[:60])}:
            with pytest.raises(LarkError):
                lark.parse(line[:end], start="prefix")


# ---------------------------------------------------------- conservation ---


def assert_conserved(log, streams):
    """Every input line is in exactly one stream text, whole (after the prefix that
    `prefix_lengths` records) or as a piece of a joined text; prefixes add up."""
    seen = []
    for s in streams:
        assert len(s.numbers) == len(s.texts)
        assert len(s.prefix_lengths) in (0, len(s.texts))
        for i, (number, text) in enumerate(zip(s.numbers, s.texts, strict=True)):
            pieces = s.pieces.get(i)
            if pieces is None:
                stripped = s.prefix_lengths[i] if s.prefix_lengths else 0
                assert log[number - 1][stripped:] == text
                seen.append(number)
                continue
            assert pieces[0][0] == number
            assert "".join(log[ln - 1][a:b] for ln, a, b in pieces) == text
            for ln, _start, end in pieces:
                assert end == len(log[ln - 1])  # only a prefix was stripped
                seen.append(ln)
    assert sorted(seen) == list(range(1, len(log) + 1))


@pytest.mark.parametrize("style", sorted(STYLE_KEYS))
def test_every_line_is_accounted_for(style):
    make, keys = STYLE_KEYS[style]
    outputs = pick(len(keys) + 1, seed=21)
    prefixed = [[make(k)(x) for x in out] for k, out in zip(keys, outputs[:-1], strict=True)]
    log, _ = interleave([*prefixed, outputs[-1]])
    assert_conserved(log, to_streams(log))


PREFIXERS = [make(k) for make, keys in STYLE_KEYS.values() for k in keys] + [github("")]
ALL_LINES = [ln for lines in SAMPLES.values() for ln in lines]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(ALL_LINES) - 1),
                          st.integers(-1, len(PREFIXERS) - 1),
                          st.integers(0, len(PREFIXERS) - 1)),
                min_size=1, max_size=80),
       st.sampled_from(["", "\x1b[0m", "\r", "#011", "\t", "|", " | "]))
def test_random_prefixes_on_real_lines_never_raise_and_never_lose_a_line(choices, junk):
    log = []
    for line_no, outer, inner in choices:
        line = ALL_LINES[line_no]
        if outer >= 0:
            line = PREFIXERS[outer](PREFIXERS[inner](line) if inner % 3 == 0 else line + junk)
        log.append(line)
    streams = to_streams(log)
    assert_conserved(log, streams)


# ------------------------------------------------------------ bulk paths ---


def split_line_by_line(log, styles, user_regex=None):
    """The reference: split_prefixed forced onto its line-by-line path."""
    saved = prefixes_strip._strip_bulk
    prefixes_strip._strip_bulk = lambda bulk, lines, interned: None
    try:
        return split_prefixed(log, styles, user_regex)
    finally:
        prefixes_strip._strip_bulk = saved


def assert_same_split(a, b):
    assert a.keys == b.keys
    assert list(a.lengths) == list(b.lengths)
    assert a.texts == b.texts
    assert a.joins == b.joins


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(ALL_LINES) - 1),
                          st.integers(-1, len(PREFIXERS) - 1),
                          st.integers(0, len(PREFIXERS) - 1)),
                min_size=1, max_size=80),
       st.sampled_from(["", "\x1b[0m", "\r", "#011", "\t", "|", " | "]))
def test_bulk_stripping_equals_stripping_line_by_line(choices, junk):
    log = []
    for line_no, outer, inner in choices:
        line = ALL_LINES[line_no]
        if outer >= 0:
            line = PREFIXERS[outer](PREFIXERS[inner](line) if inner % 3 == 0 else line + junk)
        log.append(line)
    styles = detect(log)
    assert_same_split(split_prefixed(log, styles), split_line_by_line(log, styles))


def test_stacked_styles_and_joins_in_bulk_equal_line_by_line():
    a, b = pick(2, seed=17)
    log, _ = interleave([[github("")(compose("api-1")(x)) for x in a],
                         [cri("stderr")(x) for x in b]])
    log += [f"2026-01-02T03:04:05.1Z stdout P {x}" for x in a[:5]]
    styles = detect(log)
    assert_same_split(split_prefixed(log, styles), split_line_by_line(log, styles))


def test_a_user_regex_matching_across_lines_is_read_line_by_line():
    # `\s+` may swallow the line end after a line holding only a key: the bulk
    # form sees one match too few and that chunk is stripped line by line.
    log = ["zero x", "alpha", "beta  goroutine 1 [running]:", "gamma\tmain.main()", "delta"]
    regex = r"(?P<key>[a-z]+)\s+"
    got = split_prefixed(log, [], regex)
    assert_same_split(got, split_line_by_line(log, [], regex))
    assert got.keys == ["zero", None, "beta", "gamma", None]
    assert got.texts == ["x", "alpha", "goroutine 1 [running]:", "main.main()", "delta"]


def test_a_user_regex_anchored_at_the_line_start_works_in_bulk():
    log = ["<a> x", "<b> y", "z"]
    assert to_streams(log, user_regex=r"^<(?P<key>\w)> ")[0].texts == ["x"]


def test_many_streams_are_grouped_like_few():
    """More keys than a log usually has (one syslog key per pid)."""
    outputs = pick(6, seed=23)
    keyed = [[syslog(f"node1 worker[{pid}]")(x) for x in outputs[pid % 6]] for pid in range(60)]
    log, _ = interleave(keyed)
    streams = to_streams(log)
    assert len(streams) == 60
    for s in streams:
        pid = int(s.label.split("[")[1].rstrip("]"))
        assert list(s.texts) == outputs[pid % 6]
    assert_conserved(log, streams)


def test_prefixed_lines_carry_a_prefix_length_not_a_piece():
    a, b = pick(2, seed=29)
    log, _ = interleave([[kubectl("[pod/a/app]")(x) for x in a], b])
    streams = to_streams(log)
    prefixed = stream_by_label(streams, "[pod/a/app]")
    assert prefixed.pieces == {}
    assert list(prefixed.prefix_lengths) == [len("[pod/a/app] ")] * len(a)
    assert stream_by_label(streams, None).prefix_lengths == ()  # nothing was stripped


# ------------------------------------------------------------- detection ---


def test_detection_reads_a_sample_of_head_stride_and_tail():
    lines = [str(i) for i in range(100_000)]
    got = sample_lines(lines, 2000)
    assert len(got) == 2000
    assert got[:1000] == lines[:1000] and got[-250:] == lines[-250:]
    middle = [int(x) for x in got[1000:-250]]
    assert middle == sorted(middle) and middle[-1] - middle[0] > 90_000
    assert sample_lines(lines[:1500], 2000) == lines[:1500]


def test_a_collector_that_starts_late_in_a_long_log_is_detected():
    """A build log whose last part is a compose run: its head carries no prefix."""
    plain = [x for lines in SAMPLES.values() for x in lines]
    a, b = sorted(SAMPLES.values(), key=len)[-2:]  # two of the longest crashes, 1185 lines
    tail, _ = interleave([[compose("api-1")(x) for x in a], [compose("db-1")(x) for x in b]])
    log = (plain * (1 + 50_000 // len(plain)))[:50_000] + tail
    assert [s.name for s in detect(log)] == ["compose"]
    streams = to_streams(log)
    assert list(stream_by_label(streams, "api-1").texts) == a


def test_derived_regexes_capture_only_the_role_sub_rules():
    """Bulk stripping reads every capture as a role: terminals capture nothing, and a
    rule named once in a style is one group (its whole text)."""
    for name, style in prefixes.compiled_styles().items():
        roles = len(style.key_groups) + len(style.partial_groups) + len(style.continued_groups)
        assert style.regex.groups == roles, name
        assert len(style.key_groups) <= 1, name
