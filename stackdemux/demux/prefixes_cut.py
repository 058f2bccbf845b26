"""A paste whose selection began inside its first line's prefix.

Copying a log from a viewer, people start the selection by hand: a GitHub
Actions log's first line may keep only the end of its timestamp
(`3.6367390Z panic: test timed out after 40m0s`, then
`2024-10-09T09:16:43.6370024Z \\trunning tests:` whole). That line is no
prefixed line to the styles, so its text keeps the stamp's tail and reads as no
traceback line.

The tail is the end of a prefix where it has the shape of the next line's
prefix's end: each digit a digit, every other character the same (a stamp's
`.`, `Z`, the space after it). It is taken off the first line of a prefixed
stream (after a Markdown fence or blank lines at most) when the next input line
is the stream's and prefixed, and what is left is a traceback line the whole
was not. Its columns are a prefix's, as the next line's are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..model import Stream

# A tail shorter than this says too little to be a prefix's (`0Z ` ends many words).
_MIN_TAIL = 4
# Texts looked at before the first one that can be the cut line: a fence, blank lines.
_HEAD = 4


def _same_shape(tail: str, end: str) -> bool:
    return all(a == b or (a.isdigit() and b.isdigit()) for a, b in zip(tail, end, strict=True))


def cut_prefix_tail(text: str, prefix: str, kind: Callable[[str], str | None]) -> int:
    """The length of the prefix's tail `text` begins with, 0 when none reads."""
    if kind(text) is not None:
        return 0
    for k in range(min(len(prefix) - 1, len(text)), _MIN_TAIL - 1, -1):
        if _same_shape(text[:k], prefix[-k:]) and kind(text[k:]) is not None:
            return k
    return 0


def strip_cut_prefixes(streams: list[Stream], lines: Sequence[str],
                       kind: Callable[[str], str | None], first_line: int = 1) -> list[Stream]:
    """Each prefixed stream with its first line's prefix tail taken off, where it has one."""
    out = []
    for s in streams:
        lengths = s.prefix_lengths
        i = _first_text(s)
        if (not lengths or i is None or i + 1 >= len(s.texts) or lengths[i] or not lengths[i + 1]
                or s.numbers[i + 1] != s.numbers[i] + 1 or i in s.pieces):
            out.append(s)
            continue
        prefix = lines[s.numbers[i + 1] - first_line][:lengths[i + 1]]
        k = cut_prefix_tail(s.texts[i], prefix, kind)
        if not k:
            out.append(s)
            continue
        texts = list(s.texts)
        texts[i] = texts[i][k:]
        new_lengths = list(lengths)
        new_lengths[i] = k
        out.append(Stream(id=s.id, label=s.label, numbers=s.numbers, texts=texts,
                          pieces=s.pieces, prefix_lengths=new_lengths))
    return out


def _first_text(s: Stream) -> int | None:
    """The first text that is not a Markdown fence or blank, among the stream's first."""
    for i, t in enumerate(s.texts[:_HEAD]):
        stripped = t.strip()
        if stripped and not stripped.startswith(("```", "~~~")):
            return i
    return None
