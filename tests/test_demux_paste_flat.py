"""A stack logged with its line breaks and tabs stripped reads as the stack it was.

samples/go*/stack_logged_flat.txt are real runs (Go 1.19, 1.21, 1.27): a
recovered panic logged on one logfmt line, `debug.Stack()` with `\\n` and `\\t`
dropped, as loggers that keep a record on one line do. samples/wild/
dify_flat_stack.txt is the same damage as a user pasted it from their logs.
"""

from __future__ import annotations

import pytest
from conftest import ROOT, SAMPLES, sample_path, sample_versions

from stackdemux.api import analyze
from stackdemux.demux.paste import repair
from stackdemux.demux.paste_flat import unflatten
from stackdemux.model import ReportKind


def only_goroutine(path):
    a = analyze(path)
    (report,) = a.reports
    (g,) = report.goroutines
    return report, g


@pytest.mark.parametrize("go", sample_versions("stack_logged_flat"))
def test_a_flattened_debug_stack_reads_as_its_goroutine(go: str):
    path = sample_path("stack_logged_flat", go)
    report, g = only_goroutine(path)
    assert report.kind is ReportKind.GOROUTINE_DUMP and g.state == "running"
    funcs = [f.func for f in g.frames]
    assert funcs[0] == "runtime/debug.Stack" and funcs[2] == "panic"
    assert funcs[3:5] == ["main.doPanic", "main.handleRequest"]
    assert [(f.file, f.line) for f in g.frames[3:5]] == [("/app/main.go", 74), ("/app/main.go", 77)]
    assert g.created_by is not None and g.created_by.frame.file == "/app/main.go"
    # read from the record's line alone; the next record is no part of it
    assert {span for span in report.lines} == {(1, 1)}


def test_before_go_1_21_created_by_ends_where_its_path_starts():
    # `created by main.init.10.func1/app/main.go:711`: no ` in goroutine N` to end it
    _, g = only_goroutine(sample_path("stack_logged_flat", "1.19"))
    assert g.created_by.frame.func == "main.init.10.func1"
    assert (g.created_by.frame.file, g.created_by.frame.line) == ("/app/main.go", 711)


def test_an_offset_keeps_its_hex_letters_unless_the_next_name_needs_them():
    # `+0x5emain.init…`: the `e` is the offset's (no `emain` package);
    # `+0x132bufio.(*Writer)…`: the `b` starts `bufio`, whose file is in src/bufio/
    flat = sample_path("stack_logged_flat", "1.27").read_text().splitlines()[0]
    lines = unflatten(flat)
    assert "\t/opt/gobin/1.27.3/go/src/runtime/debug/stack.go:26 +0x5e" in lines
    assert "main.init.10.func1.1.1()" in lines
    assert "\t/app/main.go:711 +0x7f" in lines  # then the record's closing quote
    assert lines[-1] == '"'
    pasted = (SAMPLES / "wild" / "dify_flat_stack.txt").read_text().splitlines()[0]
    lines = unflatten(pasted)
    assert "\t/usr/local/go/src/runtime/panic.go:783 +0x132" in lines
    assert "bufio.(*Writer).Flush(0xc00a744ec0)" in lines
    assert "\t/usr/local/go/src/net/http/server.go:1757 +0x13" in lines  # `+0x13github…`


def test_a_pasted_flat_stack_maps_its_modules():
    _, g = only_goroutine(SAMPLES / "wild" / "dify_flat_stack.txt")
    assert g.id == 10317701 and len(g.frames) == 6
    gin = g.frames[-1]
    assert gin.func == "github.com/gin-gonic/gin.(*responseWriter).Flush"
    assert (gin.origin, gin.module, gin.version) == ("modcache", "github.com/gin-gonic/gin",
                                                     "v1.11.0")
    assert [f.origin for f in g.frames[1:5]] == ["stdlib"] * 4


def test_every_byte_stays_on_the_lines_it_came_from():
    text = sample_path("stack_logged_flat", "1.27").read_text()
    lines = text.splitlines()
    got = repair(lines)
    assert got.applied == {"flattened stacks": 1}
    # the parts of line 1 are line 1 cut apart, plus the tabs a file line starts with
    parts = [t for t, o in zip(got.lines, got.origins, strict=True) if o == (1,)]
    assert "".join(p.removeprefix("\t") for p in parts) == lines[0]
    assert got.lines[-1] == lines[1]


@pytest.mark.parametrize("line", [
    # a message that names a call and a file is no stack
    'panic: open config()/etc/app.go:12 failed',
    # one call glued to a path: as often a line a read cut, spliced to another's path
    "main.main()/app/main.go:5 +0x1d",
    "sync.(*WaitGroup).W/gobin/1.27.3/go/src/sync/waitgroup.go:206 +0x85",
    # prose that happens to hold the glue
    "see f()/tmp/x.go:3 and g()/tmp/y.go:4 for details",
])
def test_what_is_no_flattened_stack_is_left_alone(line: str):
    assert unflatten(line) is None
    assert "flattened stacks" not in repair([line]).applied


def test_a_flat_stack_far_down_a_long_log_is_found(tmp_path):
    # past the head where the cheaper signs of a paste are looked for
    build = (ROOT / "tests" / "corpus" / "noise").glob("*")
    filler = "".join(p.read_text(errors="replace") for p in sorted(build) if p.is_file())
    filler = (filler * (1 + (2 << 20) // max(1, len(filler))))[: 2 << 20]
    filler = filler[: filler.rfind("\n") + 1]
    flat = sample_path("stack_logged_flat", "1.27").read_text()
    log = tmp_path / "service.log"
    log.write_text(filler + flat)
    _, g = only_goroutine(log)
    assert g.frames[3].func == "main.doPanic"
