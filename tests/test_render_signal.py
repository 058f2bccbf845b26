"""Every format for people says the signal a crash took, as Go printed it.

The signal line (`[signal SIGSEGV: segmentation violation code=0x1 addr=0x8
pc=0x6908e0]`) was in the JSON only: a nil pointer's hint asks for its addr= (a
small one is a field's offset), and a paste that begins at that line has no
other account of what happened (its title is the bare `panic`).
"""

from __future__ import annotations

import pytest
from conftest import SAMPLES

from stackdemux import analyze
from stackdemux.render import RenderOptions, render

NIL_POINTER = SAMPLES / "go1.27" / "nil_pointer.txt"
SIGNAL_FIRST = SAMPLES / "wild" / "yorc741_signal_first_file_lines_flush_left.txt"
SIGQUIT = SAMPLES / "go1.27" / "sigquit.txt"
NO_SIGNAL = SAMPLES / "go1.27" / "nil_map.txt"


def _out(path, fmt: str) -> str:
    return render(analyze(path), fmt, RenderOptions(color=False))


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_a_segmentation_fault_names_its_address(fmt: str) -> None:
    assert "SIGSEGV: segmentation violation code=0x1 addr=0x8 pc=0x6908e0" in _out(NIL_POINTER, fmt)


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_a_paste_that_begins_at_its_signal_says_the_signal(fmt: str) -> None:
    said = "SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0xdc773a"
    assert said in _out(SIGNAL_FIRST, fmt)


def test_a_sigquit_dump_says_its_pc_thread_and_sigcode() -> None:
    assert "signal    SIGQUIT: quit PC=0x40ee2e m=0 sigcode=0" in _out(SIGQUIT, "text")


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_a_crash_without_a_signal_has_no_signal_row(fmt: str) -> None:
    out = _out(NO_SIGNAL, fmt).lower()
    assert "signal    " not in out and "**signal:**" not in out and "<dt>signal</dt>" not in out


def test_the_text_row_is_labelled_and_explained_in_help() -> None:
    assert "\n    signal    SIGSEGV" in _out(NIL_POINTER, "text")
    from click.testing import CliRunner

    from stackdemux.cli import main
    assert "signal     the signal the crash took" in CliRunner().invoke(main, ["--help"]).output
