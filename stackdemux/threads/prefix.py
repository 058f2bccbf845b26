"""The one place threads meets collector prefixes (syslog, journald, CRI, compose …).

The syntax and its matching belong to stackdemux.demux.prefixes (grammars/
prefixes.lark); this adapter only applies it chunk by chunk so a log can be
streamed: styles are detected on the first chunk, then every chunk is split.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..demux.prefixes import PrefixStyle, detect, split_prefixed


def detect_styles(lines: Sequence[str]) -> list[PrefixStyle]:
    return detect(lines)


def strip(lines: Sequence[str],
          styles: Sequence[PrefixStyle]) -> tuple[list[str], list[str | None]]:
    """Each line's text without its prefixes, and its prefix key (None: unprefixed)."""
    if not styles:
        return list(lines), [None] * len(lines)
    split = split_prefixed(lines, styles)
    return split.texts, split.keys
