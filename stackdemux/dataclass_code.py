"""Dataclasses' generated methods compiled once per machine, in the command's
own process.

`@dataclass` writes a class's `__init__`, `__repr__` and `__eq__` as Python
source and compiles each with `exec`: a run of the command makes some 45
dataclasses, 160 functions, which Python's parser and compiler took ~100 M
instructions of a run's start-up of ~420 M (a small log's run is mostly its
start-up). The source is a pure function of the class's fields, and the code
compiled from it of the source (and this Python): it is kept in rx.py's
cache, keyed by the source, and `exec` runs the code from there.

`install` gives the dataclasses module an `exec` of its own (a module global,
found before the builtin), for the command's process alone (entry.py): a
program that imports stackdemux keeps dataclasses as it was.
"""

from __future__ import annotations

import builtins
from typing import Any

from . import rx

# The key's first name in rx's cache.
KEY = "dataclass code"


def install() -> None:
    """Dataclasses made from now on in this process take their methods' code
    from the cache. Left alone when the module already has an `exec` (ours, or
    another's). (rx is imported first, with this module: a dataclass made while
    it is imported would find it half made.)"""
    import dataclasses

    if "exec" not in vars(dataclasses):
        dataclasses.exec = _exec  # type: ignore[attr-defined]


def _exec(source: Any, globals: dict[str, Any] | None = None,
          locals: dict[str, Any] | None = None) -> None:
    """builtins.exec, a source text's code read from the cache when known."""
    if type(source) is str:
        # compiled as exec compiles a text called from dataclasses, which has no
        # `from __future__` (this module's `annotations` must not reach it)
        text = source
        source = rx.kept((KEY, text),
                         lambda: compile(text, "<string>", "exec", dont_inherit=True))
    builtins.exec(source, globals, locals)
