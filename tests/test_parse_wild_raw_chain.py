"""A chain of panics whose values run over lines, as Go before 1.23 prints it.

printpanics prints each link as `panic: `, the value raw, ` [recovered]` when a
deferred call recovered it (on a line of its own when the value ended with a
newline), and the next link after a tab. hm9000#10's paste shows it from Go 1.3
(a Ginkgo failure re-panicked by testing's tRunner, its message holding empty
lines and a tab-led line); tests/data/raw_chain/ holds the same shape printed by
Go 1.19, 1.21 and 1.22, and by Go 1.23, which tabs a value's later lines.
"""

from __future__ import annotations

from conftest import ROOT

from stackdemux import analyze
from stackdemux.grammar import line_grammar
from stackdemux.model import ReportKind
from stackdemux.parse import parse_text
from stackdemux.raw_chain import read_raw_chain

HM9000 = ROOT / "samples/wild/hm9000issue10_ginkgo_recovered_value_lines_go13_panic_c.txt"
GINKGO = ("\nYour test failed.\nGinkgo panics to prevent subsequent assertions from running.\n"
          "Normally Ginkgo rescues this panic so you shouldn't see it.\n\n"
          "But, if you make an assertion in a goroutine, Ginkgo can't capture the panic.\n"
          "To circumvent this, you should call\n\n\tdefer GinkgoRecover()\n\n"
          "at the top of the goroutine that caused this panic.")
CAPTURES = ROOT / "tests/data/raw_chain"
RAW = ["recovered-go1.19.8.txt", "recovered-go1.21.13.txt", "recovered-go1.22.10.txt"]
TABBED = "recovered-go1.23.9.txt"
VALUE = ("\nThe check failed.\nThe program panics to stop here.\n\n"
         "Call this at the top of the goroutine:\n\n\tdefer recoverHere()\n\nand try again.")


def _kinds(texts: list[str]):
    match = line_grammar().match

    def kind(j: int) -> str | None:
        m = match(texts[j])
        return m.lastgroup if m is not None else None
    return kind


def test_go_1_3_s_recovered_chain_reads_as_printed():
    [r] = analyze(HM9000).reports
    assert (r.kind, r.message, len(r.goroutines)) == (ReportKind.PANIC, GINKGO, 1)
    assert [(link.message, link.annotation) for link in r.chain] == [
        (GINKGO, "recovered"), (GINKGO, None)]
    # every line from the opener to the first frame is the report's: the value's
    # own empty and tab-led lines, ` [recovered]` alone, the re-panic's link
    assert r.lines == [(4, 29)]


def test_the_parser_reads_the_chain_whole_at_its_opener():
    lines = HM9000.read_text().split("\n")
    [r, *_] = parse_text("\n".join(lines[3:])).reports
    assert [(link.message, link.annotation) for link in r.chain] == [
        (GINKGO, "recovered"), (GINKGO, None)]
    assert len(r.goroutines) == 1


def test_go_1_19_to_1_22_print_the_chain_raw_and_it_reads_as_go_1_23_s():
    tabbed = analyze(CAPTURES / TABBED).reports
    for name in RAW:
        [r] = analyze(CAPTURES / name).reports
        assert [(link.message, link.annotation) for link in r.chain] == [
            (VALUE, "recovered"), (VALUE, None)], name
        assert r.message == VALUE
        assert ([(g.id, [f.func for f in g.frames]) for g in r.goroutines]
                == [(g.id, [f.func for f in g.frames]) for g in tabbed[0].goroutines])


def test_the_last_value_s_final_newline_and_go_s_blank_line_end_the_chain():
    texts = (CAPTURES / RAW[1]).read_text().split("\n")
    chain = read_raw_chain(texts, 0, _kinds(texts))
    assert chain is not None and texts[chain.end - 1 : chain.end + 2] == [
        "", "", "goroutine 1 [running]:"]
    del texts[chain.end - 1]  # (a paste that lost one, as hm9000#10's did)
    assert read_raw_chain(texts, 0, _kinds(texts)).end == chain.end - 1


def test_go_1_23_tabs_the_value_s_lines_and_reads_no_raw_chain():
    texts = (CAPTURES / TABBED).read_text().split("\n")
    assert texts[1] == "\tThe check failed."
    assert read_raw_chain(texts, 0, _kinds(texts)) is None


def test_a_recovered_link_is_never_the_last():
    # (so ` [recovered]` with no link after it is no annotation but the value's
    # text, as the line-by-line reading takes it)
    texts = (CAPTURES / RAW[1]).read_text().split("\n")
    cut = texts[:texts.index("\tpanic: ")] + texts[texts.index("goroutine 1 [running]:") - 1:]
    chain = read_raw_chain(cut, 0, _kinds(cut))
    assert chain is not None and chain.links == ((VALUE + "\n [recovered]", None),)


def test_a_tool_s_line_between_two_links_with_no_annotation_is_no_value_s():
    # Go 1.19's `panic: first` / `\tpanic: second` (no recover, one-line values) with
    # make's line between the links: a value's lines before the next link end with
    # its annotation, and no annotation is there
    nested = (ROOT / "samples/go1.19/nested_panic.txt").read_text().split("\n")
    tool = (ROOT / "tests/corpus/noise/make-gcc.log").read_text().split("\n")[0]
    texts = [nested[0], tool, *nested[1:]]
    assert read_raw_chain(texts, 0, _kinds(texts)) is None


def test_the_last_link_s_lines_are_its_value_as_a_lone_panic_s_are():
    # Go before 1.23 prints a nested panic's value raw after `\tpanic: ` (captures in
    # tests/data/chain_value_lines/nested-go1.19.8.txt): what stands between the last
    # link and Go's blank line is that value's, as after a lone `panic: ` (the
    # separator, not this reading, tells another writer's line there by its shape)
    nested = (ROOT / "tests/data/chain_value_lines/nested-go1.19.8.txt").read_text().split("\n")
    chain = read_raw_chain(nested, 0, _kinds(nested))
    assert chain is not None and chain.links == (
        ("first", None),
        ("cleanup failed:\n  close db: broken pipe\n  remove lock: permission denied", None))
    assert nested[chain.end + 1] == "goroutine 1 [running]:"
