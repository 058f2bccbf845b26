"""`stackdemux split LOG -o DIR`: each recovered stream to its own file, noise to one more."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..model import Source, Span, Stream

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def stream_file_name(stream: Stream) -> str:
    """`s2-hub-1.log`: the id, and the label made safe for a file name (a label
    comes from the log, which an attacker may write: no `/`, no `..`)."""
    if not stream.label:
        return f"{stream.id}.log"
    label = _UNSAFE.sub("_", stream.label).strip("._")[:60]
    return f"{stream.id}-{label}.log" if label else f"{stream.id}.log"


def write_split(streams: Sequence[Stream], noise: Sequence[Span], source: Source,
                out_dir: str | Path) -> list[Path]:
    """Write one file per stream (its texts, one per line) and `noise.txt` (the
    input lines no stream claimed, verbatim). Returns the paths written, noise last."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for s in streams:
        p = out / stream_file_name(s)
        p.write_text("".join(t + "\n" for t in s.texts), encoding="utf-8",
                     errors="surrogatepass")
        paths.append(p)
    p = out / "noise.txt"
    lines = source.lines
    p.write_text("".join(lines[n - 1] + "\n" for a, b in noise for n in range(a, b + 1)),
                 encoding="utf-8", errors="surrogatepass")
    paths.append(p)
    return paths
