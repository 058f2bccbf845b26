"""The record grammar: the derived hot-path matcher reads lines as lark's own parser does."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Token, Tree
from lark.exceptions import LarkError

from stackdemux.threads.grammar import lark_parser, record_grammar
from stackdemux.threads.prefix import detect_styles, strip
from stackdemux.threads.records import parse_record, to_seconds

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "threads"

# Real lines quoted from public logs (Kubernetes components, zap, dapr, kube-vip).
PUBLIC = [
    "I0120 17:55:33.965082       1 leaderelection.go:250] attempting to acquire leader lease "
    "k8s-controller-system/3601af7f.example.com...",
    "E1229 11:20:11.721301       1 leaderelection.go:321] error retrieving resource lock "
    "kube-system/kube-controller-manager: Get \"https://172.18.0.3:6443/api/v1/namespaces\"",
    '{"level":"info","ts":1687590014.564478,"logger":"setup","msg":"starting manager"}',
    '{"instance":"dapr-operator-0000000000-abcd","level":"info","msg":"starting webhooks",'
    '"scope":"dapr.operator","time":"2023-05-25T12:51:13.267369255Z","type":"log","ver":"1.10.4"}',
    'time="2024-03-14T21:38:34Z" level=info msg="Beginning cluster membership, namespace '
    '[kube-system], lock name [plndr-cp-lock], id [ha-demo]"',
]


def _registry_texts() -> list[str]:
    lines = (SAMPLES / "registry.log").read_text().splitlines()
    texts, _ = strip(lines, detect_styles(lines))
    return texts


def _sample_lines() -> list[str]:
    texts = _registry_texts()
    # Every line kind of the registry log, plus every line of the stdlib logger samples.
    picked = texts[:40] + [t for t in texts if "panic" in t or "status=500" in t]
    for name in ("formats.text.log", "formats.json.log", "formats.log.log"):
        picked += (SAMPLES / name).read_text().splitlines()
    return picked + PUBLIC


def _lark_reading(text: str) -> tuple[str | None, list[tuple[str, str]]]:
    """lark's parse: the format, and for logfmt every (key, raw value)."""
    try:
        tree = lark_parser().parse(text, start="line")
    except LarkError:
        return None, []
    kind = tree.children[0]
    assert isinstance(kind, Tree)
    pairs = []
    for p in kind.find_data("pair"):
        toks = [c for c in p.children if isinstance(c, Token)]
        key = next(str(t) for t in toks if t.type == "KEY")
        value = next((str(t) for t in toks if t.type in ("QUOTED", "BARE")), "")
        pairs.append((key, value))
    return str(kind.data), pairs


@pytest.mark.parametrize("text", _sample_lines())
def test_derived_matcher_agrees_with_lark(text: str) -> None:
    g = record_grammar()
    m = g.line.fullmatch(text)
    kind, pairs = _lark_reading(text)
    assert (m.lastgroup if m else None) == kind
    if kind == "logfmt":
        assert [(k, q or b) for _, k, q, b in g.pair.findall(text)] == pairs
    record = parse_record(text, 1)
    assert (record.format if record else None) == kind


def test_registry_log_is_all_records_but_the_panic() -> None:
    texts = _registry_texts()
    kinds = [parse_record(t, i + 1) for i, t in enumerate(texts)]
    not_records = [t for t, r in zip(texts, kinds, strict=True) if r is None]
    assert not_records, "the sample holds a goroutine stack"
    assert all(t.startswith(("goroutine ", "\t", "net/http", "panic(", "main.", "created by"))
               for t in not_records)


def test_logrus_quoting_is_undone() -> None:
    text = next(t for t in _registry_texts() if 's3aws.Writer(' in t)
    r = parse_record(text, 7)
    assert r is not None and r.format == "logfmt" and r.level == "debug"
    assert r.msg.startswith('s3aws.Writer("/docker/registry/v2/repositories/')
    assert r.fields["trace.func"] == "registry/storage/driver/base.(*Base).Writer"
    assert to_seconds(r.fields["trace.duration"]) > 0


def test_formats_and_their_fields() -> None:
    klog = parse_record(PUBLIC[1], 1)
    assert klog is not None and klog.format == "klog" and klog.level == "error"
    assert klog.fields["caller"] == "leaderelection.go:321"
    zap = parse_record(PUBLIC[2], 2)
    assert zap is not None and zap.format == "json" and zap.msg == "starting manager"
    assert zap.time is not None and zap.time.year == 2023
    slog_json = parse_record((SAMPLES / "formats.json.log").read_text().splitlines()[1], 3)
    assert slog_json is not None and slog_json.fields["http.method"] == "POST"  # group flattened
    assert to_seconds(slog_json.fields["duration"]) == pytest.approx(0.0012)  # int nanoseconds
    slog_text = parse_record((SAMPLES / "formats.text.log").read_text().splitlines()[5], 4)
    assert slog_text is not None and slog_text.level == "error"
    assert slog_text.fields["error"] == 's3aws: Path not found: "/_uploads/7d1f/data"'
    std = parse_record((SAMPLES / "formats.log.log").read_text().splitlines()[1], 5)
    assert std is not None and std.format == "stdlog" and std.fields["caller"] == "main.go:39"
    assert std.msg.startswith("http: panic serving 127.0.0.1:50312")


@pytest.mark.parametrize("text,seconds", [
    ("2.251034567s", 2.251034567), ("812µs", 812e-6), ("1h2m3.5s", 3723.5), ("58.3ms", 0.0583),
    ("-1.5s", -1.5), ("soon", None), ("", None)])
def test_go_durations(text: str, seconds: float | None) -> None:
    got = to_seconds(text)
    assert got == (pytest.approx(seconds) if seconds is not None else None)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab =""\\{}[]:.0123456789IE/\t\x1bµ')), max_size=80))
def test_random_lines_never_raise_and_agree_on_being_records(text: str) -> None:
    r = parse_record(text, 1)
    m = record_grammar().line.fullmatch(text)
    # A record is always a line of the grammar, of the format the grammar says.
    assert r is None or (m is not None and r.format == m.lastgroup)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab= "\\{}]:.019IE/')), max_size=40))
def test_random_lines_read_alike_by_lark_and_the_derived_matcher(text: str) -> None:
    m = record_grammar().line.fullmatch(text)
    kind, _ = _lark_reading(text)
    assert (m.lastgroup if m else None) == kind
