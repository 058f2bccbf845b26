"""README's "From Python" block runs as written on the shipped main sample, and
says what a triage bot would: each crash once, goroutine dumps left out."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import stackdemux

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples/interleaved/compose-bbolt.log"


def _python_block() -> str:
    section = (ROOT / "README.md").read_text().split("### From Python", 1)[1]
    return re.search(r"^```python\n(.*?)^```", section, re.M | re.S).group(1)


def _run(log: Path) -> str:
    code = _python_block().replace('"build.log"', repr(str(log)))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    return out.getvalue()


def test_the_block_reads_a_path_it_is_given():
    assert '"build.log"' in _python_block()


def test_each_crash_of_the_compose_sample_is_said_once():
    lines = _run(SAMPLE).splitlines()
    news = [line for line in lines if line.startswith("new crash: ")]
    assert len(news) == 2, lines  # the two bbolt daemons as one, and the hub's timeout
    assert any("invalid page type: <N>: <N>" in line for line in news), news
    assert any(line.startswith("  hint: ") for line in lines), lines


def test_a_goroutine_dump_alone_is_no_new_crash():
    dump = ROOT / "samples/go1.27/pprof_debug2.txt"  # pprof's goroutine?debug=2: printed on purpose
    analysis = stackdemux.analyze(str(dump))
    assert [g.title for g in analysis.groups] == ["goroutine dump"]
    assert "new crash" not in _run(dump)
