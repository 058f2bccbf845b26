"""Where TinyGo's tools say a runtime panic stands.

TinyGo's runtime prints a runtime error with its address (`panic: runtime error at
0x00027c4d: alloc in interrupt`), and no stack; its tools (`tinygo run`, `tinygo
test`, `tinygo flash -monitor`) look the address up in the program's debug
information and print where it stands on a line of their own, `[tinygo: panic at
FILE:LINE:COLUMN]` (grammars/records.lark, tinygo_location): after the panic's
line, or before it where the tool's output and the program's interleave (`tinygo
test`). No kind of traceback line: read only next to such a panic's line (parse.py).
"""

from __future__ import annotations

import re
from functools import cache

# The message of the runtime's panics that TinyGo's tools locate (runtimePanicAt).
LOCATED = "runtime error at 0x"


@cache
def _location() -> tuple[re.Pattern[str], dict[str, int]]:
    from .grammar import COMPILER_VERSION, cached_compile, compile_rule, grammar_text

    text = grammar_text("records.lark")
    source, fields = cached_compile("tinygo_location", text + COMPILER_VERSION,
                                    lambda: compile_rule(text, "tinygo_location", "records.lark",
                                                         {"TINYGO_INDENT", "TINYGO_FILE",
                                                          "TINYGO_LINE", "TINYGO_COLUMN"}))
    return re.compile(source), fields


def read_location(text: str) -> tuple[str, int | None] | None:
    """(file, line) of TinyGo's location line (line None where it names none: a
    file alone, `<Go interface method>`), or None if `text` is not one."""
    regex, fields = _location()
    m = regex.fullmatch(text)
    if m is None:
        return None
    line = m.group(fields["tinygo_line"])
    return m.group(fields["tinygo_file"]), int(line) if line is not None else None
