"""chi's Recoverer middleware prints a recovered panic as a page of its own
(go-chi/chi middleware/recoverer.go, PrintPrettyStack): ` panic: ` and the value,
then the frames debug.Stack() printed below `panic(…)`, each function's name alone
(no arguments) over its file and line (no offset), the frame that panicked marked
` -> `, no goroutine header (traceback.lark's CHI_PANIC and chi_* rules)."""

from __future__ import annotations

from pathlib import Path

from stackdemux.api import analyze_many
from stackdemux.model import ReportKind
from stackdemux.parse import parse_text

CHI = (Path(__file__).resolve().parent.parent / "samples" / "wild"
       / "chi633_recoverer_pretty_stack_arrows_go116.txt")


def _check(report) -> None:
    assert (report.kind, report.message) == (ReportKind.PANIC, "foo")
    (g,) = report.goroutines
    assert [(f.func, f.file, f.line) for f in g.frames[:2]] == [
        ("github.com/go-chi/chi/v5/middleware.TestRecoverer.func1",
         "/home/jraspass/chi/middleware/recoverer_test.go", 15),
        ("net/http.HandlerFunc.ServeHTTP", "/usr/lib/go/src/net/http/server.go", 2069)]
    assert len(g.frames) == 9 and g.bare_names
    assert g.created_by is not None
    assert (g.created_by.frame.func, g.created_by.frame.line) == ("net/http.(*Server).Serve", 3013)


def test_chi_s_page_as_printed_is_the_panic_and_its_stack() -> None:
    # go-chi/chi#633, as chi prints it: ` panic: foo` led by a space, which no `panic:`
    # line is, then the marked frame and the rest (every line the report's)
    (report,) = parse_text(CHI.read_text(encoding="utf-8")).reports
    _check(report)
    assert report.lines == [(1, 23)]


def test_chi_s_page_after_a_paste_s_repair_reads_alike() -> None:
    # the demultiplexer's paste repair takes the space off every line (and turns the
    # file lines' indent into a tab): `panic: foo` is then Go's own line
    (report,) = analyze_many([str(CHI)]).reports
    _check(report)
    assert report.culprit is not None
    assert report.culprit.func == "github.com/go-chi/chi/v5/middleware.TestRecoverer.func1"


def test_chi_s_words_with_no_stack_below_open_nothing() -> None:
    # the page's first line alone, then its blank line and a line of no frame
    head = CHI.read_text(encoding="utf-8").splitlines()[0]
    assert parse_text(f"{head}\n \nserver started\n").reports == []
