"""A caller list: a stack printed as `file:line` lines, with no function names.

k8s.io/apimachinery's HandleCrash, until Kubernetes 1.15, logged a recovered
panic as `Observed a panic: <value> (<text>)` (or `Observed a panic: <text>`
for a string) and then the panicking goroutine's callers, each as
runtime.Caller gives it, `%v:%v\\n` of its file and line (pkg/util/runtime's
logPanic and getCallers); its re-panic then printed Go's own traceback, which
a paste or a `kubectl logs` cut may have lost. The shape is traceback.lark's
`caller_line`; it is no kind of line (any log may hold a path and a number),
so it is read only after an `Observed a panic` line.

Gitea logs a recovered panic as `PANIC: <value>` and its own stack, a caller
list too, each line with its pc (`/source/models/user.go:1465 (0x1506c66)`).
Martini's and Macaron's recovery, where Gitea's came from, log the same after
their logger's label (`[Macaron] PANIC: …`), and under each caller its function
(no package) and source line, indented: `\tpanicstring: runtime·panic(err);`.

A frame read from it has no function: Frame.func is "" (the JSON contract
keeps `func` a string). Where it comes from is told by its file alone
(analyse/origins.py), and the culprit by its package (analyse/chains.py).
"""

from __future__ import annotations

import re
from functools import cache

from . import rx


@cache
def _caller_line() -> re.Pattern[str]:
    from .grammar import COMPILER_VERSION, cached_compile, compile_rule, grammar_text

    text = grammar_text("traceback.lark")
    source = cached_compile("callers", text + COMPILER_VERSION,
                            lambda: compile_rule(text, "caller_line", keep_terminals={
                                "CALLER_INDENT", "CALLER_FILE", "CALLER_PC", "BEEGO_LOG",
                                "BEEGO_LINE", "BEEGO_LISTING_LOG", "LISTED_FILE",
                                "LISTED_LINE"})[0])
    return re.compile(source)


def read_caller(text: str) -> tuple[str, int] | None:
    """(file, line) of a caller list's line, or None if `text` is not one."""
    m = _caller_line().fullmatch(text)
    if m is None:
        return None
    listed = m.group("caller_line__listed_file")  # (beego's of 2013: `[file line]`)
    if listed is not None:
        return listed, int(m.group("caller_line__listed_line"))
    file = m.group("caller_line__caller_file")  # (past a logger's time)
    spaced = m.group("caller_line__beego_line")  # (beego's `file line `)
    if spaced is not None:
        return file, int(spaced)
    text = text[m.end("caller_line__caller_file") + 1:].rstrip(" \t")
    if text.endswith(")"):  # Gitea's pc after it
        text = text[:text.rindex(" (")]
    return file, int(text)


def read_beego_caller(text: str) -> tuple[str, int] | None:
    """(file, line) of a caller's record as Beego's logger wrote it (its time and
    level before the caller: BEEGO_LOG), or None if `text` is not one."""
    m = _caller_line().fullmatch(text)
    if m is None or (m.group("caller_line__beego_log") is None
                     and m.group("caller_line__beego_listing_log") is None):
        return None
    return read_caller(text)


@cache
def _beego_request() -> re.Pattern[str]:
    from .grammar import COMPILER_VERSION, cached_compile, compile_rule, grammar_text

    text = grammar_text("traceback.lark")
    source = cached_compile("beego_request", text + COMPILER_VERSION,
                            lambda: compile_rule(text, "beego_request", keep_terminals={
                                "BEEGO_LOG", "BEEGO_URL"})[0])
    return re.compile(source)


def beego_request(text: str) -> bool:
    """Whether `text` is the record of the request's URL Beego's recovery logs just
    before `Handler crashed with error …` (traceback.lark, beego_request)."""
    return _beego_request().fullmatch(text) is not None


def gitea_caller_follows(text: str) -> bool:
    """Whether `text` is a caller list's line as Gitea prints it, with its pc."""
    return text.endswith(")") and read_caller(text) is not None


_MARTINI_SOURCE = rx.compile(r"[ \t]+[^\s:]+: \S.*")


def martini_source(text: str) -> bool:
    """Whether `text` is the function-and-source line Martini prints under a caller."""
    return _MARTINI_SOURCE.fullmatch(text) is not None
