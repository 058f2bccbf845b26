"""Small persistent sets and maps: hypotheses of the beam share what they know.

A hypothesis that takes a line copies only the one stream it changes, and
that stream's sets are shared with its parent: `add` returns a new object and
never changes the old one. Each holds a frozen base and a small extra part;
the extra part is merged into the base when it grows past an eighth of it,
so an add costs O(1) amortised and a look-up two hash probes.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_EMPTY: frozenset = frozenset()
_ABSENT = object()  # a key no map holds


def _merge_at(base_size: int) -> int:
    return max(16, base_size >> 3)


class PSet(Generic[K]):
    __slots__ = ("base", "extra")

    def __init__(self, base: frozenset = _EMPTY, extra: frozenset = _EMPTY) -> None:
        self.base = base
        self.extra = extra

    def __contains__(self, x: object) -> bool:
        return x in self.extra or x in self.base

    def __len__(self) -> int:
        return len(self.base) + len(self.extra)

    def __bool__(self) -> bool:
        return bool(self.base) or bool(self.extra)

    def __iter__(self):  # type: ignore[no-untyped-def]
        yield from self.base
        yield from self.extra

    def count(self, xs: Iterable[K]) -> int:
        """How many of xs (repeats counted) it holds."""
        base, extra = self.base, self.extra
        return len([x for x in xs if x in extra or x in base])

    def add(self, x: K) -> PSet[K]:
        if x in self:
            return self
        return self.update((x,))

    def update(self, xs: Iterable[K]) -> PSet[K]:
        base, extra = self.base, self.extra
        new = [x for x in xs if x not in extra and x not in base]
        if not new:
            return self
        extra = self.extra.union(new)
        if len(extra) > _merge_at(len(self.base)):
            return PSet(self.base | extra)
        return PSet(self.base, extra)


class PMap(Generic[K, V]):
    __slots__ = ("base", "extra")

    def __init__(self, base: dict | None = None, extra: dict | None = None) -> None:
        self.base: dict = base if base is not None else {}
        self.extra: dict = extra if extra is not None else {}

    def __contains__(self, k: object) -> bool:
        return k in self.extra or k in self.base

    def __getitem__(self, k: K) -> V:
        if k in self.extra:
            return self.extra[k]
        return self.base[k]

    def get(self, k: K, default: V | None = None) -> V | None:
        extra = self.extra
        if k in extra:
            return extra[k]
        return self.base.get(k, default)

    def set(self, k: K, v: V) -> PMap[K, V]:
        old = self.get(k, _ABSENT)
        if old is not _ABSENT and old == v:
            return self
        extra = dict(self.extra)
        extra[k] = v
        if len(extra) > _merge_at(len(self.base)):
            base = dict(self.base)
            base.update(extra)
            return PMap(base)
        return PMap(self.base, extra)
