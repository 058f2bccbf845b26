"""Lines an author put where they cut a traceback short, in pages that show
one: the Go blog's `(stacks elided for clarity)` where a goroutine's frames
stood, Go by Example's `...` after a goroutine's header. Go prints neither (its
own cuts read `...N frames elided...` and `...additional frames elided...`):
each is set aside as another writer's line, and the goroutine goes on."""

from __future__ import annotations

from conftest import ROOT, SAMPLES

from stackdemux import analyze, analyze_many
from stackdemux.demux.foreign import frames_apart
from stackdemux.ingest import ingest
from stackdemux.model import ReportKind

WILD = ROOT / "samples" / "wild"
BLOG = WILD / "goblog_testing_time_synctest_deadlock_stacks_elided_go125.txt"
GOBYEXAMPLE = WILD / "gobyexampleit_panic_author_ellipsis_after_header_redacted_path.txt"


def _number(path, text: str) -> int:
    return path.read_text().split("\n").index(text) + 1


def test_a_note_where_a_goroutine_s_frames_stood_is_set_aside_and_the_report_goes_on():
    a = analyze(BLOG)
    [r] = a.reports
    assert r.kind is ReportKind.PANIC
    assert [(g.id, g.state, len(g.frames)) for g in r.goroutines] == [
        (7, "running", 0), (10, "sleep", 2)]
    note = _number(BLOG, "(stacks elided for clarity)")
    assert a.noise == [(note, note)]


def test_an_ellipsis_after_a_header_is_set_aside_and_the_frames_after_it_are_the_goroutine_s():
    a = analyze(GOBYEXAMPLE)
    [r] = a.reports
    [g] = r.goroutines
    assert (g.id, [(f.func, f.file, f.line) for f in g.frames]) == (
        1, [("main.main", "/.../panic.go", 21)])
    cut = _number(GOBYEXAMPLE, "...")
    assert any(x <= cut <= y for x, y in a.noise)


def test_go_s_own_cuts_stay_the_goroutine_s():
    # (a Go 1.21+ stack overflow's `...N frames elided...`)
    for name in ("go1.27/stack_overflow.txt", "go1.21/stack_overflow_mutual.txt"):
        text = (SAMPLES / name).read_text()
        assert "frames elided..." in text, name
        assert not frames_apart(text, text.split("\n")), name
        [r] = analyze_many([ingest(text, name)]).reports
        assert any(g.elided_count or g.elided for g in r.goroutines), name


def test_a_note_between_goroutines_of_a_clean_dump_is_its_only_foreign_line():
    # (the note alone makes the blog's dump one to separate; without it, none)
    text = BLOG.read_text()
    assert frames_apart(text, text.split("\n"))
    text = text.replace("(stacks elided for clarity)\n", "")
    assert not frames_apart(text, text.split("\n"))
