"""A crash's output shown as Go comments (a blog's `go` fence, a source file's
comment): each line led by `//`, stripped where the run of comment lines holds a
crash's opener (demux/paste.py, `comment leaders`). Real paste: kaindy7633's blog."""

from __future__ import annotations

from pathlib import Path

from stackdemux import analyze
from stackdemux.model import ReportKind

PASTE = (Path(__file__).resolve().parent.parent / "samples" / "wild"
         / "kaindy153_blog_output_as_go_comments.txt")


def test_a_crash_shown_as_go_comments_reads_as_the_crash():
    a = analyze(PASTE)
    [r] = a.reports
    assert (r.kind, r.message) == (ReportKind.PANIC, "oh! B panicked")
    [g] = r.goroutines
    assert [f.func for f in g.frames] == ["main.b"] and g.created_by is not None
    assert (g.frames[0].file, g.frames[0].line) == ("/tmp/sandbox388039916/main.go", 23)


def test_comment_lines_holding_no_crash_are_left_as_written():
    # the program's own prints, commented, with no opener among them: any comment
    lines = PASTE.read_text().splitlines()[:3]
    a = analyze("\n".join(lines) + "\n")
    assert a.reports == [] and a.noise == [(1, 3)]
