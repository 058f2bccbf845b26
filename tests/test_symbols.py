"""A package path as the linker spells it in a function's symbol name (`%2e` for a
dot of its last element: cmd/internal/objabi.PathToPrefix), which Go's tracebacks
print: the JSON and the fingerprints keep the symbol, the reports for people show
the path as it is imported (stackdemux/symbols.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stackdemux.api import analyze_many
from stackdemux.render import RenderOptions, render
from stackdemux.symbols import import_path, shown_func

WILD = Path(__file__).resolve().parent.parent / "samples" / "wild"
LEETCODE = WILD / "vscodego2842_debug_console_headless_escaped_package_dot.txt"
MCUMGR = WILD / "mcumgr23_progress_bar_glued_panic.txt"


def test_the_path_is_read_back_as_imported() -> None:
    assert shown_func("gitee.com/luchuanbing/leetcode/0010%2eisMatch.myFn") == (
        "gitee.com/luchuanbing/leetcode/0010.isMatch.myFn")
    assert shown_func("gopkg.in/yaml%2ev2.(*decoder).unmarshal") == (
        "gopkg.in/yaml.v2.(*decoder).unmarshal")
    # only the package path: a method's name holds no escape of the linker's
    assert shown_func("main.main") == "main.main"
    # PathToPrefix's other escapes: `%` itself, a space, UTF-8 bytes one by one
    assert import_path("example.com/a%25b/c%20d") == "example.com/a%b/c d"
    assert import_path("example.com/%e4%b8%ad%e6%96%87") == "example.com/中文"


def test_the_json_keeps_the_symbol_and_names_the_package_as_imported() -> None:
    out = render(analyze_many([str(LEETCODE)]), "json", RenderOptions(color=False))
    culprit = json.loads(out)["groups"][0]["culprit"]
    assert culprit["func"] == "gitee.com/luchuanbing/leetcode/0010%2eisMatch.myFn"
    assert culprit["package"] == "gitee.com/luchuanbing/leetcode/0010.isMatch"


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "github", "junit"])
@pytest.mark.parametrize(("path", "func"), [
    (LEETCODE, "gitee.com/luchuanbing/leetcode/0010.isMatch.myFn"),
    (MCUMGR, "pb.v1.escapeAwareRuneCountInString"),
])
def test_people_read_the_function_s_path_as_imported(fmt: str, path: Path, func: str) -> None:
    out = render(analyze_many([str(path)]), fmt, RenderOptions(color=False, width=200))
    assert func in out
    assert "%2e" not in out
