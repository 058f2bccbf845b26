"""Regexes compiled once per machine, not once per run.

`re.compile` parses and compiles a pattern in Python (re's parser and
compiler), then hands the code it made, a list of ints, to the C engine. The
grammar's classifier alone, thousands of characters of alternatives, takes
~5 ms so, and a run of the command compiles ~300 patterns: some 40 ms of
CPU, a third of a small log's whole run. That code depends only on the
pattern, its flags and the Python that made it, so `compile` keeps it on disk
beside the grammar's cache (grammar.cached_compile), one file per Python,
and hands a pattern found there straight to the engine (~4 µs).

A pattern not yet known is compiled as `re` compiles it, and the file is
written once, as the process exits. The file holds each pattern's code as the
bytes marshal wrote, read into ints only for the patterns a run uses: a cache
that other runs filled (up to MOST patterns; 1 078, 2.6 MB, on a machine that
ran the tests) was read whole each run, 86 M instructions of a run's start-up
of 450 M, where its keys and bytes cost ~3 M.

A derived value of ZIP_AT bytes or more is kept compressed (zlib, led by a
zero byte, which never leads what marshal writes: its first byte is a type
code, a printable character): a join automaton (splice_joins.py) is ~45 KB as
marshal writes it, ~8 KB so; the file held 8 MB where every checkout on the
machine (the lead's, its helpers') left its own 12-18. A run reads the file
whole and checks its seal (kept_file.py), so its size is start-up time; but
what a run reads costs more to decompress (~13 instructions a byte) than to
seal and read as it is: patterns' code of 4 KB or more compressed too made the
file 0.9 MB, not 1.5, a small log's run 1.8 M instructions faster and the 2 MB
unprefixed merge's (46 values, 1 MB, decompressed) 13.5 M slower. The file
is bounded (MOST entries, MOST_BYTES bytes): a process that writes it puts
the entries it used last, and drops the entries first in the file (the least
recently written or used) while it holds more. Anything unexpected (no cache, a
file another Python wrote, an engine that rejects the code) falls back to
`re.compile`: the Pattern is the same either way.

What the hot path reads of a grammar-derived pattern's structure (the
characters a match can begin with: firstchars.py) is a pure function of the
pattern's text too, worked out with re's parser: `derived` keeps it in the
same file, under the source of the modules that work it out.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import atexit
import hashlib
import marshal
import os
import re
import sys
import zlib  # (imported by kept_file for its seal anyway)
from collections.abc import Callable
from pathlib import Path
from typing import Any, AnyStr, TypeVar

from . import kept_file
from .sre import compiler, parser

__all__ = ["REFUSED", "compile", "derived", "kept"]

T = TypeVar("T")

# Bump when what is kept for a pattern changes.
FORMAT = "4"
# A cache holding more entries or bytes than this (a team's rules edited again
# and again; many checkouts of stackdemux) is written without the entries least
# recently written or used, first in the file.
MOST = 2048
MOST_BYTES = 4 << 20
# A derived value whose marshal bytes are this long or longer is kept
# compressed (the join automata: 5 times smaller); a shorter one as it is.
ZIP_AT = 4096
# What leads a compressed value in the file (never a type code of marshal's).
_ZIPPED = b"\0"

Entry = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]
# A key's value as read from the file, marshal's bytes (compressed: led by
# _ZIPPED), until first used; then what they hold (an Entry, or a derived value:
# never bytes itself).
_known: dict[tuple[str | bytes, int], Entry | bytes] | None = None
_ABSENT = object()
# The bytes a value used was read from (written back as they were: not
# compressed again by each process that writes the file).
_read_as: dict[tuple[str | bytes, int], bytes] = {}
_used: set[tuple[str | bytes, int]] = set()
_new = False


# What re.compile raises for a pattern it refuses: besides re.error, a repeat count
# past 2**32 - 1 (`a{99999999999}`) is an OverflowError and groups nested past the
# recursion limit a RecursionError. A user's pattern (--prefix, --grep, a rule's
# match) is refused by all three, each said in one line.
REFUSED = (re.error, OverflowError, RecursionError)


def compile(pattern: AnyStr, flags: int | re.RegexFlag = 0) -> re.Pattern[AnyStr]:
    """re.compile(pattern, flags), its code read from the disk cache when known."""
    key = (pattern, int(flags))
    entry = _value(key)
    if entry is not _ABSENT:
        try:
            made = _sre.compile(pattern, *entry)
        except Exception:  # (a code this engine rejects: compiled again below)
            pass
        else:
            _used.add(key)
            return made
    try:
        entry, made = _compiled(pattern, int(flags))
    except Exception:
        return re.compile(pattern, flags)
    _learn(key, entry)
    return made


def _compiled(pattern: AnyStr, flags: int) -> tuple[Entry, Any]:
    """What re's compiler hands the engine for `pattern` (as re._compiler.compile)."""
    parsed = parser.parse(pattern, flags)
    code = [int(c) for c in compiler._code(parsed, flags)]  # (named constants are ints)
    state = parsed.state
    groupindex = dict(state.groupdict)
    indexgroup: list[str | None] = [None] * state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    entry: Entry = (int(flags | state.flags), code, state.groups - 1, groupindex,
                    tuple(indexgroup))
    return entry, _sre.compile(pattern, *entry)


# A derived value's key: ("derived", function, its modules' sources' digest, pattern).
_DERIVED = "derived"
_digests: dict[tuple[str, ...], str] = {}


def derived(fn: Callable[[str], T], pattern: str, *depends: str) -> T:
    """fn(pattern), read from the cache when known. `fn` must be a pure function
    of the pattern's text whose value marshal writes (str, bool, None, ints,
    frozensets, tuples); it is known again under the same source of fn's module
    and of the modules named in `depends` (what fn calls to work it out), and this
    Python's re (the file's name). A small log's run read 120 patterns' first
    characters with re's parser each time: ~10 ms, a tenth of the run."""
    modules = (fn.__module__, *depends)
    key = (_DERIVED, fn.__qualname__, _digest(modules), pattern)
    known = _value(key)  # type: ignore[arg-type]
    if known is not _ABSENT:
        _used.add(key)  # type: ignore[arg-type]
        return known  # type: ignore[return-value]
    value = fn(pattern)
    _learn(key, value)  # type: ignore[arg-type]
    return value


def kept(key: tuple[str, ...], make: Callable[[], T]) -> T:
    """make(), read from the cache when known under `key` (a tuple led by a name
    of its own). What make returns must be a pure function of the key and of
    this Python (the file's name), and a value marshal writes (code objects
    too): dataclass_code.py keeps the code of dataclasses' generated methods."""
    value = _value(key)  # type: ignore[arg-type]
    if value is not _ABSENT:
        _used.add(key)  # type: ignore[arg-type]
        return value  # type: ignore[no-any-return]
    value = make()
    _learn(key, value)  # type: ignore[arg-type]
    return value


def _digest(modules: tuple[str, ...]) -> str:
    """A digest of the modules' source files, read once a process (their code
    decides what `derived` keeps; a module with no file: its name, unknown)."""
    got = _digests.get(modules)
    if got is None:
        h = hashlib.sha256()
        for name in modules:
            path = getattr(sys.modules.get(name), "__file__", None)
            try:
                h.update(Path(path).read_bytes() if path else name.encode())
            except OSError:
                h.update(f"{name} {os.getpid()}".encode())  # (unread: never known again)
        got = _digests[modules] = h.hexdigest()[:20]
    return got


def _learn(key: tuple[str | bytes, int], entry: Entry) -> None:
    global _new
    known = _cache()
    known[key] = entry
    _read_as.pop(key, None)
    _used.add(key)
    if not _new:
        _new = True
        atexit.register(_save)


def _file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    engine = f"{sys.version} {_sre.MAGIC} {_sre.CODESIZE} {FORMAT} {kept_file.FORMAT}"
    return Path(base) / "stackdemux" / f"rx-{hashlib.sha256(engine.encode()).hexdigest()[:16]}"


def _cache() -> dict[tuple[str | bytes, int], Entry | bytes]:
    global _known
    if _known is None:
        loaded = _read(_file())
        _known = loaded if isinstance(loaded, dict) else {}
    return _known


def _read(path: Path) -> object:
    """The file's patterns as marshal wrote them, or None (absent, or damaged:
    kept_file's seal)."""
    data = kept_file.read(path)
    try:
        return None if data is None else marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None


def _value(key: tuple[str | bytes, int]) -> Any:
    """What the cache holds for key (its bytes read now, once), or _ABSENT;
    bytes that marshal (or zlib) cannot read are as absent."""
    known = _cache()
    value = known.get(key, _ABSENT)
    if type(value) is bytes:
        try:
            kept = value
            value = known[key] = (marshal.loads(kept) if kept[:1] != _ZIPPED
                                  else _unzipped(kept))
            _read_as[key] = kept
        except Exception:  # (zlib.error, marshal's ValueError, EOFError, TypeError)
            del known[key]
            return _ABSENT
    return value


def _unzipped(kept: bytes) -> Any:
    return marshal.loads(zlib.decompress(memoryview(kept)[1:]))


def _encoded(key: tuple, value: Any) -> bytes:
    raw = marshal.dumps(value)
    if len(raw) < ZIP_AT or key[0] != _DERIVED:
        return raw
    return _ZIPPED + zlib.compress(raw, 6)


def _size(key: tuple, kept: bytes) -> int:
    """About the bytes an entry takes in the file (its key's texts and its value)."""
    return len(kept) + sum(len(part) for part in key if isinstance(part, (str, bytes)))


def _save() -> None:
    """Write the patterns known, with those another process wrote since this one
    read the file (read again, merged), atomically: a half-written file is never read."""
    known = _cache()
    path = _file()
    on_disk = _read(path)
    # (in the order written or used: the file's entries as it holds them, then
    # those this process used; one it read but did not use, and that another
    # process dropped since, stays dropped)
    merged = dict(on_disk) if isinstance(on_disk, dict) else {}
    for k, v in known.items():
        if k in _used:
            merged.pop(k, None)
            merged[k] = v
    try:
        kept = {k: v if type(v) is bytes else _read_as.get(k) or _encoded(k, v)
                for k, v in merged.items()}
        total = sum(_size(k, v) for k, v in kept.items())
        if len(kept) > MOST or total > MOST_BYTES:
            for k in [k for k in kept if k not in _used]:  # the least recent first
                if len(kept) <= MOST and total <= MOST_BYTES:
                    break
                total -= _size(k, kept.pop(k))
        kept_file.write(path, marshal.dumps(kept))
    except (OSError, ValueError):
        pass  # a read-only home only costs the compile time
