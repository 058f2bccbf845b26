"""The splicer's search state: open fragments, their cut variants, hypotheses.

A fragment is the start of a line whose rest comes in a later read() chunk
(splice.py tells the model). Where exactly its cut was is not a hypothesis
of its own: the fragment keeps its few best cut places as variants, and its
own rest, found later, picks one. A hypothesis is a set of open fragments
with the decisions taken so far (a shared linked list, so that the beam's
many hypotheses share their past); `prune` keeps the beam a narrow band.
Scores are in units of one known name in a reading (splice_score.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Fragment", "Hypothesis", "Key", "Log", "Marks", "Piece", "Variant", "best_variants",
           "given_up", "names_open", "prune"]

Piece = tuple[int, int, int]  # (stream index while searching / input line after, start, end)
Key = tuple[int, int]  # where a text goes: (stream index, column its first piece starts at)

# Scores, in units of one known name in a reading.
CUT = 1.0  # a chunk boundary inside a line: rarer than none
OPEN = 1.0  # a fragment never finished: charged when opened, paid back when completed
UNFINISHED = 4.0  # ... and this more once given up
ORDER = 0.5  # per open fragment older than the one completed (pipes are read in turn)
TURN = 3.0  # a line that cannot follow the line before it in its chunk
STRANGER = 4.0  # a join whose two chunks show two toolchains
SURE_PIECE = 3  # chars of the shortest piece of a join that groups chunks
SURE_QUALITY = 2.0  # a join's reading at least this good (a name printed exactly)
CONTEXT = 8  # whole lines read around a cut for what its chunk shows of its process
BROKEN = 1.0  # a text that stays no line at all, where a reading could make it one
BEAM = 24  # hypotheses kept
MARGIN = 12.0  # hypotheses this far below the best are dropped
MAX_OPEN = 16  # open fragments per hypothesis
MAX_AGE = 3000  # lines a fragment waits for its rest at most
MAX_CUTS = 512  # cut points tried per line
VARIANTS = 4  # places kept for one fragment's cut
VARIANT_MARGIN = 1.5  # ... this far below the best place at most
TIED = 10  # places kept when that many read as well as the best (a cut in a hex number)


@dataclass(frozen=True, slots=True)
class Variant:
    """One place the cut that opened a fragment may be: the fragment's text up
    to there, and what that choice scored (the rest it left after it)."""

    cut: int
    delta: float
    kind: str | None  # kind of the rest's line
    chain: Log  # the decisions this choice stands for


@dataclass(frozen=True, slots=True)
class Fragment:
    """The start of a line whose rest comes in a later chunk. Where exactly the
    cut was is decided when the rest is found: each variant is kept until then."""

    line: int  # stream index of the line it starts
    text: str  # the whole input text it is a head of
    prev: str | None  # kind of the line before it in its chunk
    variants: tuple[Variant, ...]  # best first
    start: int = 0  # where in text it starts: past a line joined around it
    fresh: bool = False  # cut where another line starts (not where a rest ends)
    # pieces of later input lines it grew by (its process's next chunks, each
    # ended before its line did), and their text: past the head's own cut
    more: tuple[Piece, ...] = ()
    more_text: str = ""
    # what a hypothesis's state holds of it (its line, where it starts there,
    # how often it grew): made once, read for every candidate the beam ranks.
    # (Its start too: a head before a fresh line and one around a short chunk
    # of the same line are two fragments. Taken for one, the better shadowed
    # the other; a dead head given up where fragments are open
    # (splice_search._settle) then unshadowed a live one, and the first 200 KB
    # of big-writes-time read a dump's tail as unplaced pieces: 470 goroutines
    # -> 0)
    slot: tuple[int, int, int] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "slot", (self.line, self.start, len(self.more)))

    @property
    def best(self) -> float:
        return self.variants[0].delta

    @property
    def key(self) -> Key:
        return self.line, self.start

    def head(self, v: Variant) -> str:
        return self.text[self.start:v.cut] + self.more_text

    def pieces(self, v: Variant) -> tuple[Piece, ...]:
        return ((self.line, self.start, v.cut), *self.more)

    def sources(self) -> tuple[int, ...]:
        return (self.line, *(j for j, _, _ in self.more))


# What a chunk's whole lines show of their process: GOROOTs, path styles.
Marks = tuple[frozenset[str], frozenset[str]]

# Decisions, as shared linked lists: an entry is (key, text, pieces, finished), a
# chain is (entry, chain) or None, a log is (chain, log) or None.
Log = tuple | None


@dataclass(slots=True)
class Hypothesis:
    score: float  # decided readings, plus the best variant of each open fragment
    open: tuple[Fragment, ...]  # oldest first
    kind: str | None  # kind of the last line read in the current chunk
    log: Log = None
    cuts: int = 0
    joins: int = 0

    def state(self) -> tuple:
        return tuple([f.slot for f in self.open]), self.kind


def names_open(beam: list[Hypothesis]) -> bool:
    """Some hypothesis holds a fragment cut inside a call line's function name
    (`runtime.`, `r`): no tab before it, no parenthesis yet."""
    return any(not (head := f.head(f.variants[0])).startswith("\t") and "(" not in head
               for h in beam for f in h.open)


def given_up(f: Fragment) -> Log:
    """A fragment whose rest never came: its best variant's text stands alone."""
    v = f.variants[0]
    return (f.key, f.head(v), f.pieces(v), False), v.chain


def best_variants(vs: list[Variant]) -> tuple[Variant, ...]:
    """The places a fragment keeps, best first: the few best within
    VARIANT_MARGIN of the best, and places tied with the best (sorts vs)."""
    vs.sort(key=lambda v: -v.delta)
    if not vs:
        return ()
    top = vs[0].delta
    kept = [v for v in vs[:VARIANTS] if v.delta >= top - VARIANT_MARGIN]
    return (*kept, *(v for v in vs[VARIANTS:TIED] if v.delta == top))  # ties, as in rests()


def prune(cands: list[Hypothesis]) -> list[Hypothesis]:
    """The beam: the best hypothesis per state (the same open fragments, the
    same last kind), the BEAM best of those within MARGIN of the best."""
    best: dict[tuple, Hypothesis] = {}
    for h in cands:
        s = h.state()
        b = best.get(s)
        if b is None or h.score > b.score:
            best[s] = h
    # ranked as if each open fragment will be finished as likely as not (half
    # its OPEN paid back): a hypothesis that waits for its fragments' real rests
    # (mixed-chunks-slow: four open over 50 lines) would else lose its place to
    # ones that finished theirs early with rests that read no better than whole
    # lines. (The whole OPEN: the same on the chunks cases, but in
    # big-writes-time's region of writes, cut anywhere, one more fragment stays
    # open among its broken lines, and the separator then loses its dump.)
    # (each hypothesis's rank worked out once: a stable sort of (rank, place)
    # keeps ties in the order of the sort by rank alone)
    kept = list(best.values())
    ranks = [h.score + OPEN / 2 * len(h.open) for h in kept]
    order = sorted(range(len(kept)), key=ranks.__getitem__, reverse=True)
    top = ranks[order[0]] - MARGIN
    return [kept[k] for k in order[:BEAM] if ranks[k] >= top]
