"""The paste layer (pasted.py): when to repair, and how repaired lines map back
to input columns. Real input: the corpus's pasted cases and samples/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import sample_path

from stackdemux.api import analyze
from stackdemux.demux import pasted
from stackdemux.demux.pasted import undo_paste
from stackdemux.ingest import ingest
from stackdemux.model import Stream
from stackdemux.parse import parse_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "go1.27" / "sigquit.txt"


def _stream(lines: list[str]) -> Stream:
    return Stream("s1", numbers=range(1, len(lines) + 1), texts=lines)


def test_a_numbered_gutter_before_quoting_is_taken_off_as_a_prefix():
    # What an issue viewer copies: `12> goroutine 1 [running]:`.
    clean = ingest(SAMPLE.read_bytes()).lines
    pasted = [f"{n}> {t}" for n, t in enumerate(clean, 1)]
    layer = undo_paste(_stream(pasted))
    assert layer is not None
    s = layer.stream
    assert s.texts == clean
    assert "numbered gutter" in layer.applied
    # every text still names its input columns, after the gutter: a text the
    # repair rewrote (its `> ` taken off) is claimed by its columns
    for j, t in enumerate(s.texts):
        n = s.numbers[j]
        gutter = len(str(n))
        if j in s.pieces:
            assert s.pieces[j] == [(n, gutter, len(pasted[n - 1]))]
            assert pasted[n - 1][gutter:].endswith(t)
        else:
            assert pasted[n - 1][s.prefix_lengths[j]:] == t


def test_numbers_that_do_not_count_up_are_no_gutter():
    clean = ingest(SAMPLE.read_bytes()).lines
    pasted = [f"{7 * n}> {t}" for n, t in enumerate(clean, 1)]
    layer = undo_paste(_stream(pasted))
    assert layer is None or "numbered gutter" not in layer.applied


def test_a_dump_pasted_as_an_indented_block_reads_as_the_dump():
    # Markdown and Stack Overflow code blocks are indented by four spaces, mail
    # by two or a tab; the prose around the block stays as it is.
    text = sample_path("skopeo_vendor", "1.21").read_text()
    want = [(r.kind, r.message, [[(f.func, f.file, f.line) for f in g.frames]
                                 for g in r.goroutines]) for r in parse_text(text).reports]
    for indent in ("    ", "  ", "\t"):
        block = "\n".join(indent + line if line else line for line in text.split("\n"))
        pasted = f"The copy crashed:\n\n{block}\n\nAny idea?\n"
        analysis = analyze(pasted.encode())
        got = [(r.kind, r.message, [[(f.func, f.file, f.line) for f in g.frames]
                                    for g in r.goroutines]) for r in analysis.reports]
        assert got == want, repr(indent)
        assert any(d.message.startswith("repaired paste damage: indented block")
                   for d in analysis.diagnostics)


def test_a_dump_coloured_line_by_line_reads_as_the_dump():
    # a log copied from a terminal, or a tool that colours stderr red
    text = sample_path("skopeo_vendor", "1.21").read_text()
    want = [(r.kind, r.message, [len(g.frames) for g in r.goroutines])
            for r in parse_text(text).reports]
    for start, end in (("\x1b[31m", "\x1b[0m"), ("\x1b[0;1;31m", "\x1b[m")):
        coloured = "".join(f"{start}{line}{end}\n" for line in text.splitlines())
        analysis = analyze(coloured.encode())
        assert [(r.kind, r.message, [len(g.frames) for g in r.goroutines])
                for r in analysis.reports] == want
        assert any(d.message.startswith("repaired paste damage: colour codes")
                   for d in analysis.diagnostics)


def test_a_collectors_coloured_prefix_is_no_damage():
    analysis = analyze((ROOT / "samples/interleaved/compose-bbolt.log").read_bytes())
    assert not any("colour codes" in d.message for d in analysis.diagnostics)


def test_the_indented_block_repair_is_looked_for_at_line_starts_only():
    # Searched anywhere, `( +)` was retried at every space of a run: a file line
    # padded with 40 000 spaces took 15 s, 70 000 a minute (found by fuzzing).
    from stackdemux.demux.paste import _STEPS

    gate = {name: g for name, _, g in _STEPS}["indented block"]
    assert gate("    panic: boom") and gate("x\n  goroutine 1 [running]:")
    assert not gate("x    panic: boom") and not gate("\t/app/main.go:103 +0x45" + " " * 50)


def test_the_glued_panic_repair_is_looked_for_once_a_line(monkeypatch: pytest.MonkeyPatch):
    # One pattern went from each glued `panic: ` to its line's end and back: a
    # line of a megabyte of them (and a CR, a paste sign) took minutes (found by
    # fuzzing). Each line is now read once, from its first glued panic on.
    from stackdemux.demux import paste

    gate = {name: g for name, _, g in paste._STEPS}["glued panics"]
    signal = "\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a0f1c]\n"
    header = "\n\ngoroutine 1 [running]:\n"
    assert gate("2.98 KiB/s 00m22spanic: runtime error: invalid memory address" + signal)
    assert gate("2019/08/22 20:23:28 testee: panic: boom" + header)
    assert gate("x\n" + "panic: " * 3 + "boom" + header)  # the second glued to the first
    assert not gate("panic: boom" + signal)  # at its line's start: not glued
    assert not gate("00m22spanic: boom\nmain.main()" + signal)  # not the line above
    searched: list[int] = []
    glued = paste._GLUED_PANIC

    class Counted:
        def search(self, text: str, pos: int) -> re.Match[str] | None:
            searched.append(pos)
            return glued.search(text, pos)

    monkeypatch.setattr(paste, "_GLUED_PANIC", Counted())
    assert not gate(("x" + "panic: " * 1000 + "\n") * 3 + "end")
    assert len(searched) == 4, "each line once, and the rest of the text"


def test_spaces_around_punctuation_are_found_from_the_start_of_their_run():
    # (a run no punctuation follows is not retried space by space: linear)
    from stackdemux.demux.paste import _PUNCT_SPACES

    text = "copy /copy .go :1337" + " " * 30 + "x"
    assert [m.start() for m in _PUNCT_SPACES.finditer(text)] == [4, 10, 14]


CASES = ROOT / "tests" / "corpus" / "cases"


def test_a_file_lines_rest_a_read_cut_off_its_head_is_no_paste_damage():
    # go test's output read by a slow reader: a chunk ended inside
    # `\t/usr/lib/go-1.19/src/testing/testing.go:1632 +0x230`, and the line's rest
    # `sting/testing.go:1632 +0x230` starts an input line of its own. Its path ends
    # `…/testing/testing.go`, printed whole nearby, cut inside an element: no paste
    # leaves that (a lost tab leaves the path whole); splice.py joins it back
    text = (CASES / "gotest-chunks-slow" / "input.log").read_text()
    assert "\nsting/testing.go:1632 +0x230\n" in text
    assert not pasted.looks_pasted(text.split("\n"), text)
    assert undo_paste(_stream(text.split("\n"))) is None


def test_file_lines_that_lost_their_tabs_still_read_as_a_paste():
    text = (CASES / "bolt-paste-html+lost-tabs" / "input.log").read_text()
    lines = text.split("\n")
    assert pasted.looks_pasted(lines, text)
    layer = undo_paste(_stream(lines))
    assert layer is not None and "lost tabs" in layer.diagnostic().message
