"""A file one run keeps for the next (the compiled grammars, rx.py's patterns).

Its bytes are sealed with their CRC-32, so that a file cut short, damaged on
disk, or written by hand reads as no file at all: what it held is worked out
again and the file written anew. Unsealed, a damaged grammar file that still
read as JSON broke every later run (KeyError, re.error or TypeError from the
grammar's loader: an internal error, exit 3) or, worse, read lines by a
pattern nobody compiled; a damaged rx file handed the regex engine, or
dataclass_code's `exec`, code that no compiler wrote (fuzz23).

A file is written whole beside its place and moved there (os.replace), so a
run that reads it while another writes it sees the old file or the new one.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

# (part of each cache's key or name: a file another version sealed otherwise,
# or did not seal, is never read as this one's)
FORMAT = "crc32"


def read(path: Path) -> bytes | None:
    """The bytes `write` kept at `path`, or None: no file, unreadable, or damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    payload = data[4:]
    if len(data) < 4 or int.from_bytes(data[:4], "big") != zlib.crc32(payload):
        return None
    return payload


def write(path: Path, payload: bytes) -> None:
    """`payload` sealed at `path`, atomically. Raises OSError (a read-only home)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(zlib.crc32(payload).to_bytes(4, "big") + payload)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)  # (a full disk: no half file left behind)
        raise
