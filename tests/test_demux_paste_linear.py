"""Paste repair stays linear in its input, whatever a line holds.

A log can be written by an attacker, or be a binary blob: a repair that tries
every cut of a long run, or keeps every tail of a long path, costs a line's
length squared. These specs count the work (classifier calls, stored tails)
rather than time it.
"""

from __future__ import annotations

import pytest

from stackdemux.demux import paste
from stackdemux.demux.paste import PrintedPaths, repair


@pytest.fixture
def classified(monkeypatch) -> list[str]:
    """Every text the paste repairs ask the line classifier about."""
    seen: list[str] = []
    real = paste.kind

    def counting(text: str) -> str | None:
        seen.append(text)
        return real(text)

    monkeypatch.setattr(paste, "kind", counting)
    return seen


@pytest.mark.parametrize("n", [1_000, 100_000])
def test_a_long_run_of_hex_letters_after_an_offset_is_tried_a_few_times(classified, n):
    # `+0xaaaa…main.g()`: the next line may start with hex letters, but no name
    # takes more of them than a pc has digits
    line = "\t/app/main.go:1 +0x" + "a" * n + "g main.g()"
    repair([line])
    assert len(classified) < 64


def test_a_path_too_long_or_deep_for_a_source_file_keeps_no_tails():
    deep = "/".join(["a"] * 500) + "/x.go"  # 1 003 characters, 500 elements
    long = "/" + "b" * 2000 + "/x.go"
    paths = PrintedPaths([(f"\t{deep}:1 +0x1", (1,)), (f"\t{long}:2 +0x2", (2,))])
    assert paths.tails == {}


def test_a_real_path_keeps_each_of_its_tails():
    path = "/root/go/pkg/mod/github.com/gin-gonic/gin@v1.11.0/context.go"
    paths = PrintedPaths([(f"\t{path}:185 +0x1", (1,))])
    assert set(paths.tails) == {path[i:] for i, c in enumerate(path) if c == "/"}
