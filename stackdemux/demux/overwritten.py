"""Lines a terminal overwrote: text before a carriage return.

A program that draws a progress line (`Copying blob 42%`, redrawn after a
`\\r`) and then crashes leaves the runtime's first line glued after it:
`Copying blob 42%\\rpanic: …`. A terminal shows the panic; the log holds both.
Where the text after a line's last carriage return is a line of the traceback
grammar and the whole line is not, the line is read from there, and what the
terminal overwrote is kept aside like a collector's prefix (its length in
`prefix_lengths`), so that no byte is lost.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import repeat

from ..grammar import MAX_LINE, line_grammar
from ..model import Diagnostic, Stream
from ..parse import _spans

# Kinds that say nothing on their own: a text after a carriage return that is
# one of these is no sign that a traceback line was overwritten.
_WEAK = frozenset({"blank", "indented"})

OVERWRITTEN = "read after a carriage return: the text a terminal overwrote is set aside"


def read_after_carriage_returns(stream: Stream) -> tuple[Stream, Diagnostic | None]:
    """`stream` with each overwritten traceback line read after its last `\\r`."""
    # (looked for line by line at C speed: the lines are not joined for it)
    if not any(map(str.__contains__, stream.texts, repeat("\r"))):
        return stream, None
    match = line_grammar().match
    texts = list(stream.texts)
    lengths = list(stream.prefix_lengths) if stream.prefix_lengths else [0] * len(texts)
    read: list[int] = []
    for i, text in enumerate(texts):
        cut = text.rfind("\r")
        if cut < 0 or i in stream.pieces or len(text) - cut - 1 > MAX_LINE:
            continue
        # (a progress line redrawn for long grows past MAX_LINE: no line of the
        # grammar then, and only what follows its last `\r` is read)
        whole = match(text) if len(text) <= MAX_LINE else None
        if whole is not None and whole.lastgroup not in _WEAK:
            continue  # (a message that holds a carriage return: the runtime's own line)
        rest = match(text[cut + 1:])
        if rest is None or rest.lastgroup in _WEAK:
            continue
        texts[i] = text[cut + 1:]
        lengths[i] += cut + 1
        read.append(stream.numbers[i])
    if not read:
        return stream, None
    out = replace(stream, texts=texts, prefix_lengths=lengths, _joined=None, _parsed=None,
                  _layout=None)
    return out, Diagnostic(OVERWRITTEN, _spans(read), severity="info")
