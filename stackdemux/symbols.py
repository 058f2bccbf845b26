"""Go's symbol names: a package path as the linker spells it in them.

The linker escapes, in the package path a function's symbol name begins with, the
dots of the path's last element and every byte an import path may hold but a
symbol may not (space, `%`, `"`, control and non-ASCII bytes) as `%xx`
(cmd/internal/objabi.PathToPrefix), so the end of the package path stays the first
dot after its last slash. Go's tracebacks print the symbol (every release from 1.19
to 1.27 prints `example.com/m/yaml%2ev2.(*T).Boom` for package example.com/m/yaml.v2),
and so does runtime.FuncForPC: the JSON keeps it and the fingerprints are made of it;
people read the path as they import it (`gopkg.in/yaml.v2`).
"""

from __future__ import annotations

import re

from . import rx

_ESCAPES = rx.compile(r"(?:%[0-9a-fA-F]{2})+")


def _bytes(m: re.Match[str]) -> str:
    return bytes.fromhex(m.group().replace("%", "")).decode("utf-8", "replace")


def import_path(package: str) -> str:
    """A package path as a symbol name spells it, as it is imported
    (objabi.PrefixToPath; non-ASCII bytes read as UTF-8)."""
    return _ESCAPES.sub(_bytes, package) if "%" in package else package


def shown_func(func: str) -> str:
    """A function's symbol name, its package path as it is imported:
    `gopkg.in/yaml%2ev2.Unmarshal` → `gopkg.in/yaml.v2.Unmarshal`."""
    if "%" not in func:
        return func
    dot = func.find(".", func.rfind("/") + 1)
    package = func if dot < 0 else func[:dot]
    return import_path(package) + func[len(package):]
