"""Prefixes of process runners: Procfile runners and docker swarm services.

foreman and honcho print `08:23:09 web.1  | ` before each line of a process,
goreman aligns the names right (`08:23:09    web | `), and `docker service
logs` names a task `service.slot.taskid@node` before compose's bar. Each name
is a stream key: two crashing processes come apart by it.
"""

from __future__ import annotations

import random

import pytest
from conftest import sample_path
from lark.exceptions import LarkError

from stackdemux.api import analyze
from stackdemux.demux import prefixes
from stackdemux.parse import parse_text

RUNNERS = {
    "foreman": lambda name: f"08:23:09 {name:<8} | ",
    "goreman": lambda name: f"08:23:09 {name:>8} | ",
    "swarm": lambda name: f"{name}.1.9sx5p8d2a0whq8jk4b3tc1vn2@node-1    | ",
}


def merged(style: str, seed: int = 3) -> tuple[str, dict[str, str]]:
    """Two real crashes, their lines dealt at random behind the runner's prefix."""
    texts = {"api": sample_path("nil_pointer").read_text(),
             "worker": sample_path("http_panic").read_text()}
    rng = random.Random(seed)
    queues = {k: v.rstrip("\n").split("\n") for k, v in texts.items()}
    out = []
    while any(queues.values()):
        name = rng.choice([k for k, q in queues.items() if q])
        out.append(RUNNERS[style](name) + queues[name].pop(0))
    return "\n".join(out) + "\n", texts


@pytest.mark.parametrize("style", sorted(RUNNERS))
def test_each_runner_name_is_a_process(style):
    log, texts = merged(style)
    analysis = analyze(log.encode())
    got = {s.label.split(".")[0]: [(r.kind, r.message, len(r.goroutines))
                                   for r in analysis.reports if r.stream == s.id]
           for s in analysis.streams if s.label}
    want = {k: [(r.kind, r.message, len(r.goroutines)) for r in parse_text(t).reports]
            for k, t in texts.items()}
    assert got == want


@pytest.mark.parametrize("style", sorted(RUNNERS))
def test_runner_prefixes_are_read_the_same_by_the_grammar_and_its_derived_regex(style):
    lark = prefixes.grammar()
    styles = prefixes.compiled_styles()
    rule = "compose" if style == "swarm" else "procfile"
    log, _ = merged(style)
    for line in log.splitlines():
        end, key, _ = prefixes.match_prefix(line, styles[rule])
        assert line[:end].strip().rstrip("|").strip().endswith(key)
        lark.parse(line[:end], start=rule)
        if line[end:end + 1] not in ("", " "):
            with pytest.raises(LarkError):
                lark.parse(line[:end + 1], start=rule)


def test_a_compilers_source_snippet_is_no_runner():
    # gcc and rustc print `    1 | int warn(int x) …` under a diagnostic
    assert prefixes.match_prefix("    1 | int warn(int x) { return x; }",
                                 prefixes.compiled_styles()["procfile"]) is None
