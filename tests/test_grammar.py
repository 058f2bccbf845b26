"""grammars/traceback.lark is read two ways: lark's Earley parse (the authoritative
reading) and the compiled one-regex classifier (the hot path). They agree on the kind
and the fields of every distinct real line, and on lines generated from the shapes."""

from __future__ import annotations

import json
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES, manifest, shared_files
from hypothesis import given, settings
from hypothesis import strategies as st

from stackdemux.grammar import grammar_path, line_grammar

PER_KIND = 40  # lark's Earley parse costs ~5 ms a line: sample each kind, keep it fast


def real_lines() -> list[str]:
    texts = [(SAMPLES / e["file"]).read_text(errors="replace") for e in manifest()]
    texts += [p.read_text(errors="replace") for p in shared_files("gostackparse", "*.txt")]
    texts += [p.read_text(errors="replace") for p in shared_files("panicparse-crashes", "*.txt")]
    texts += [json.loads(p.read_text())["input"] for p in shared_files("panicparse", "*.json")]
    texts += [p.read_text(errors="replace") for p in sorted((SAMPLES / "wild").glob("*.txt"))]
    # GOTRACEBACK=crash's relay to the other threads (`-----`): no sample shows it yet
    texts += [(ROOT / "tests/corpus/cases/sigquit-lines-arrival/p3.out").read_text()]
    seen: set[str] = set()
    by_kind: dict[str | None, list[str]] = defaultdict(list)
    g = line_grammar()
    for text in texts:
        for line in text.split("\n"):
            line = line.removesuffix("\r")
            if line in seen or len(line) > 500:
                continue
            seen.add(line)
            kind, _ = g.fields(line)
            if len(by_kind[kind]) < PER_KIND:
                by_kind[kind].append(line)
    return [ln for lines in by_kind.values() for ln in lines]


LINES = real_lines()


def test_every_kind_of_line_occurs_in_the_real_data():
    g = line_grammar()
    seen = {g.fields(ln)[0] for ln in LINES}
    # kinds no sample shows yet (see the report): these may be missing, nothing else
    # no capture shows a cgo symbolizer's C frames yet (see samples/README.md)
    assert set(g.kinds_in_order) - seen <= {"cgo_file", "non_go_function"}


@pytest.mark.parametrize("line, fields", [
    # Windows prints its exception code; Go <= 1.6 the signal's number (samples/wild)
    ("[signal 0xc0000005 code=0x0 addr=0x20 pc=0x9a92c7]",
     {"signum": "0xc0000005", "code": "0x0", "addr": "0x20", "pc": "0x9a92c7"}),
    ("[signal 0xb code=0x1 addr=0x1 pc=0x8048f30]", {"signum": "0xb", "pc": "0x8048f30"}),
    ("[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x49a76a]",
     {"signame": "SIGSEGV", "sigdesc": "segmentation violation", "signum": None}),
    # Go 1.4-1.6 print no sigcode after the thread
    ("PC=0x501dd42 m=3", {"pc": "0x501dd42", "m": "3", "sigcode": None}),
])
def test_signal_lines_of_every_platform_and_version(line, fields):
    g = line_grammar()
    kind, got = g.fields(line)
    assert kind == ("signal" if line.startswith("[") else "sigpc")
    assert {k: got.get(k) for k in fields} == fields
    assert g.fields(line) == g.parse(line)


@pytest.mark.parametrize("line", LINES, ids=lambda s: s[:40])
def test_compiled_classifier_agrees_with_lark(line):
    g = line_grammar()
    assert g.fields(line) == g.parse(line)


HEX = st.integers(0, 2**48).map(hex)
WORD = st.from_regex(r"[a-z][a-zA-Z0-9_]{0,8}", fullmatch=True)
FUNC = st.builds(lambda p, r, f: f"{p}.{r}{f}", st.from_regex(r"[a-z]{1,6}(/[a-z]{1,6}){0,2}",
                 fullmatch=True), st.sampled_from(["", "(*T).", "T."]), WORD)
SHAPES = st.one_of(
    st.builds(lambda i, s, w, lk: f"goroutine {i} [{s}{w}{lk}]:", st.integers(0, 10**6),
              st.sampled_from(["running", "chan receive", "select (no cases)", "sleep",
                               "sync.Mutex.Lock", "IO wait", "GC worker (idle)"]),
              st.sampled_from(["", ", 5 minutes", ", 1 minutes"]),
              st.sampled_from(["", ", locked to thread"])),
    st.builds(lambda f, a: f"{f}({a})", FUNC,
              st.lists(st.one_of(HEX, HEX.map(lambda h: h + "?"), st.just("{...}"),
                                 st.just("...")), max_size=10).map(", ".join)),
    st.builds(lambda p, n, o: f"\t/{p}.go:{n}{o}", WORD, st.integers(0, 10**5),
              st.one_of(st.just(""), HEX.map(lambda h: " +" + h))),
    st.builds(lambda f, n: f"created by {f}{n}", FUNC,
              st.one_of(st.just(""), st.integers(1, 999).map(lambda i: f" in goroutine {i}"))),
    st.builds(lambda s, c, a, p: f"[signal {s}: segmentation violation code={c} addr={a} pc={p}]",
              st.sampled_from(["SIGSEGV", "SIGBUS"]), HEX, HEX, HEX),
    st.builds(lambda n: f"...{n} frames elided...", st.integers(1, 10**4)),
    st.builds(lambda m: f"panic: {m}", st.text(st.characters(min_codepoint=32, max_codepoint=126),
                                               min_size=1, max_size=40)),
)


@settings(max_examples=60, deadline=None)
@given(SHAPES)
def test_generated_lines_read_the_same_both_ways(line):
    g = line_grammar()
    kind, fields = g.fields(line)
    assert kind is not None
    assert (kind, fields) == g.parse(line)


def test_the_grammar_is_found_from_the_checkout():
    assert grammar_path("traceback.lark").read_text() == (ROOT / "grammars" /
                                                          "traceback.lark").read_text()


def test_the_wheel_ships_the_grammars(tmp_path: Path):
    """hatch's force-include puts grammars/ inside the package: build a wheel and look."""
    pytest.importorskip("hatchling", reason="hatchling (the build backend) not installed")
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
                          capture_output=True, timeout=120, check=False)
    if proc.returncode != 0:
        pytest.skip("cannot build a wheel here (offline, or hatchling missing)")
    (wheel,) = tmp_path.glob("stackdemux-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "stackdemux/grammars/traceback.lark" in names


def test_no_terminal_matches_a_line_break():
    """The parser runs the grammar's frame rules over runs of lines joined by
    newlines: a terminal that crossed a line break would glue lines together."""
    import re

    from stackdemux.grammar import grammar_text, load_rules

    _, patterns = load_rules(grammar_text("traceback.lark"), "traceback.lark")
    probes = ["a\nb", "0x1\n0x2", "/a\n/b.go", "x\n", "\nx", "1\n2", '"a\nb"', "a,\nb"]
    crossing = {name: p for name, p in patterns.items()
                if any(re.fullmatch(p, probe) for probe in probes)}
    assert crossing == {}


def test_the_line_grammar_is_built_once_per_process():
    # every stage asks for it per line; built again each time, a log of
    # tracebacks took three times as long (a decorator once slipped off it)
    from stackdemux.grammar import line_grammar

    assert line_grammar() is line_grammar()
