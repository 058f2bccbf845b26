"""Which texts one process's read() chunks hold, as the splicer's cuts show it.

Between two cuts the input is one read() chunk, one process's bytes; a line
rejoined from two chunks makes them one process's. The separator takes these
groups as evidence (beam.py) where lines alone cannot tell the processes.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from heapq import merge
from itertools import pairwise

from .kind_order import may_follow
from .splice_fragments import Piece

__all__ = ["chunk_groups"]

# Lines a process's output does not go on with inside one read() chunk as a
# rule: where a process's output starts (its first lines are often written,
# and read, one by one) or a test runner's line.
_STARTS = frozenset({"panic", "fatal_error", "sigdump", "race_begin", "http_panic",
                     "running_tests", "running_test", "test_fail", "test_fail_bare",
                     "test_package_fail", "test_killed", "exit_status"})


def chunk_groups(spans: Sequence[Sequence[Piece]], kinds: Sequence[str | None],
                 roots: Sequence[str | None], sure: Sequence[bool]) -> list[list[int]]:
    """Texts that one process's read() chunks hold, as far as the cuts show it.

    Between two cuts the input is one chunk, one process's bytes: a chunk ends
    where a line is cut, where a head's line break is another's, or where a
    rest starts an input line. A text made of pieces of two chunks joins them
    into one process's. A chunk may also end at a line break unseen; it is
    assumed to where the lines do not go on as one process's would (kind
    order), around lines no grammar reads or read doubtfully, and before the
    lines a process's output starts with. Only sure joins join chunks, and
    none whose chunks show two toolchains' runtime files: one wrong join would
    make two processes one.

    `spans`: each text's pieces ((input text, start, end), input order within
    a text); `kinds`: each text's line kind (blank; None: no traceback line,
    or one that may be two processes' pieces); `roots`: the GOROOT each text's
    runtime file shows (splice_score.marks); `sure`: the joins to follow.
    Register lines, blank and unread ones are in no group."""
    # (the chunk of each text's first piece in an array, the chunks of its
    # other pieces apart, toolchains only where shown: a list and a set per
    # text made this the splicer's peak, 97 -> 148 MB for 82 542 texts)
    n = len(spans)
    first_chunk = array("l", [0]) * n
    more: dict[int, list[int]] = {}  # text → the chunks of its later pieces
    chunk = 0
    prev: tuple[int, bool] | None = None  # the last piece's text, and whether it ended it
    line, col = -1, 0
    for i, _, j, first, last in _in_input_order(spans):
        col = col + 1 if i == line else 0
        line = i
        if prev is not None and (col or not first or not prev[1]
                                 or _unseen_end(kinds[prev[0]], kinds[j])):
            chunk += 1
        if first:
            first_chunk[j] = chunk
        else:
            more.setdefault(j, []).append(chunk)
        prev = j, last
    # union of chunks, refused where two toolchains would meet
    parent = array("l", range(chunk + 1))
    toolchains: dict[int, set[str]] = {}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for j in range(n):
        if j not in more and (root := roots[j]):
            toolchains.setdefault(first_chunk[j], set()).add(root)
    for j, cs in more.items():
        if not sure[j]:
            continue
        for c in cs:
            a, b = find(first_chunk[j]), find(c)
            ta, tb = toolchains.get(a), toolchains.get(b)
            if a != b and not (ta and tb and ta.isdisjoint(tb)):
                parent[b] = a
                if tb:
                    toolchains.setdefault(a, set()).update(tb)
    members: dict[int, list[int]] = {}
    for j in range(n):
        if kinds[j] not in _UNGROUPED:
            members.setdefault(find(first_chunk[j]), []).append(j)
    return [g for g in members.values() if len(g) > 1]


def _in_input_order(spans: Sequence[Sequence[Piece]]
                    ) -> Iterator[tuple[int, int, int, bool, bool]]:
    """(input text, start, text, first, last) of every piece, in input order.
    The texts come in the order of their first pieces (the splicer's rebuild):
    those are read off as they come, merged with the few later pieces of
    joined texts, sorted; else every piece is sorted."""
    later = sorted((i, a, j, False, k == len(ps) - 1)
                   for j, ps in enumerate(spans) for k, (i, a, _) in enumerate(ps) if k)
    firsts = ((ps[0][0], ps[0][1], j, True, len(ps) == 1) for j, ps in enumerate(spans))
    if all(a[:2] < b[:2] for a, b in pairwise(ps[0] for ps in spans)):
        return merge(firsts, later)
    return iter(sorted([*firsts, *later]))


# Lines a separator may place by other means than their chunk: a register dump
# reads alike in every process (its lines go where its report's separator puts them).
_UNGROUPED = frozenset({None, "blank", "register"})


def _unseen_end(before: str | None, after: str | None) -> bool:
    """A read() chunk assumed to end between two whole lines."""
    if before is None or after is None or after in _STARTS:
        return True
    if before == "blank" or after == "blank":
        return False
    return not may_follow(before, after)
