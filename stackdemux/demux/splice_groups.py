"""Which texts one process's read() chunks hold, as the splicer's cuts show it.

Between two cuts the input is one read() chunk, one process's bytes; a line
rejoined from two chunks makes them one process's. The separator takes these
groups as evidence (beam.py) where lines alone cannot tell the processes.
"""

from __future__ import annotations

from collections.abc import Sequence

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
    on_line: dict[int, list[tuple[int, int, bool, bool]]] = {}
    for j, ps in enumerate(spans):
        for k, (i, a, _) in enumerate(ps):
            on_line.setdefault(i, []).append((a, j, k == 0, k == len(ps) - 1))
    chunk = 0
    prev: tuple[int, bool] | None = None  # the last piece's text, and whether it ended it
    chunks_of: dict[int, list[int]] = {}
    for i in sorted(on_line):
        for col, (_, j, first, last) in enumerate(sorted(on_line[i])):
            if prev is not None and (col or not first or not prev[1]
                                     or _unseen_end(kinds[prev[0]], kinds[j])):
                chunk += 1
            chunks_of.setdefault(j, []).append(chunk)
            prev = j, last
    # union of chunks, refused where two toolchains would meet
    parent = list(range(chunk + 1))
    toolchains: list[set[str]] = [set() for _ in parent]

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for j, cs in chunks_of.items():
        if len(cs) == 1 and (root := roots[j]):
            toolchains[cs[0]].add(root)
    for j, cs in chunks_of.items():
        if not sure[j]:
            continue
        for c in cs[1:]:
            a, b = find(cs[0]), find(c)
            ta, tb = toolchains[a], toolchains[b]
            if a != b and not (ta and tb and ta.isdisjoint(tb)):
                parent[b] = a
                ta |= tb
    members: dict[int, list[int]] = {}
    for j in range(len(spans)):
        if kinds[j] not in _UNGROUPED:
            members.setdefault(find(chunks_of[j][0]), []).append(j)
    return [g for g in members.values() if len(g) > 1]


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
