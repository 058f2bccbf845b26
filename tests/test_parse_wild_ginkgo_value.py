"""A raw panic value (before Go 1.23) may hold empty lines of its own: Ginkgo's
failure message, panicked outside its recover, has several. Go prints an empty
line of its own only before the goroutine header, so an empty line alone between
two of the value's lines is the value's, and the value is read whole."""

from __future__ import annotations

from conftest import ROOT

from stackdemux import analyze
from stackdemux.model import ReportKind
from stackdemux.parse import parse_text

K8S = ROOT / "samples/wild/kubernetes7464_ginkgo_fail_in_goroutine_value_lines_go14.txt"
GINKGO = ("\nYour test failed.\nGinkgo panics to prevent subsequent assertions from running.\n"
          "Normally Ginkgo rescues this panic so you shouldn't see it.\n\n"
          "But, if you make an assertion in a goroutine, Ginkgo can't capture the panic.\n"
          "To circumvent this, you should call\n\n        defer GinkgoRecover()\n\n"
          "at the top of the goroutine that caused this panic.")


def test_the_value_s_empty_lines_are_its_own():
    a = analyze(K8S)
    [r] = a.reports
    assert (r.kind, r.message, len(r.goroutines)) == (ReportKind.PANIC, GINKGO, 1)
    assert [link.message for link in r.chain] == [GINKGO]
    lines = K8S.read_text().split("\n")
    empty = [n for n in range(5, 15) if not lines[n - 1]]
    assert empty == [8, 11, 13]  # (input line numbers)
    assert all(any(a <= n <= b for a, b in r.lines) for n in empty)


def test_the_parser_reads_it_whole_up_to_go_s_blank_line():
    lines = K8S.read_text().split("\n")
    assert lines[14:16] == ["", ""]  # the value's own final newline, then Go's
    del lines[14]
    [r] = parse_text("\n".join(lines[3:])).reports
    assert r.message == GINKGO


def test_two_empty_lines_together_end_what_the_parser_reads_as_a_value():
    # (Go prints one of its own, the value's last newline another: more text after
    # both is no value's)
    lines = K8S.read_text().split("\n")
    lines[7:8] = ["", ""]
    [r, *_] = parse_text("\n".join(lines[3:])).reports
    assert r.message == ""
