"""Memory a stage freed, given back to the system before the next one grows.

glibc's malloc keeps freed memory in its heap, and after a big buffer is
freed it raises its mmap threshold (up to 32 MiB: the sieve's first read is
that size), so the buffers of a few MiB that follow come from the heap too,
and what they leave between objects that live on stays there. Reading a 50 MB
log of 8 services left 102 MB resident for 7 MB of lines and counts (35 MB of
it free in glibc's heap, 32 MB of pymalloc arenas holding 6.5); the demux then
built its 80 MB on top of that. `malloc_trim(0)` hands the free pages back.
Elsewhere (no glibc: musl, macOS, Windows) nothing is done.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

# A read smaller than this leaves too little to give back to be worth a pass
# over the heap (a few ms for a heap of ~100 MB).
GIVE_BACK_MIN = 8 << 20


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        import ctypes

        trim = ctypes.CDLL(None).malloc_trim
    except (ImportError, OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim  # type: ignore[no-any-return]


def give_back(read_bytes: int) -> None:
    """After reading `read_bytes` of a log: the heap's free pages to the system."""
    if read_bytes < GIVE_BACK_MIN:
        return
    release_free_pages()


def release_free_pages() -> None:
    """The heap's free pages to the system, however few (a pass over the heap)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
