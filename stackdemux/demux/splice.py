"""Cut lines spliced mid-way apart, and join the fragments back to whole lines.

A collector reading several pipes writes whole read() chunks one after the
other; a chunk that ends mid-line leaves its process's line unterminated, and
the next chunk (another process's) continues on the same input line:

    main.(*Hub).acceptLoop(0xc000084000shutdown timeout: 56 of 60
    \t/app/main.go:61goroutine 7 [running]:

That process's line is finished later, where its next chunk starts, by a
fragment that is itself no whole line (`0xc000084000)`).

One pass over the stream: a text that the line grammar reads whole stays
whole, unless what it names (function, file) was never seen in an intact
line while a split reads as two known lines. Any other text is tried at a
bounded number of cut points: the part after the cut must be a whole line,
or complete a fragment left open earlier (the fragment plus it is a whole
line); the part before the cut is left open, waiting for its completion.
Candidates are scored by the grammar's reading and by the values seen intact
elsewhere in the log (files and functions repeat in every traceback).

Provenance: every text made of fragments lists its input columns in
`Stream.pieces`; a fragment never completed stays a text of its own, and is
reported as a Diagnostic with its line number.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..grammar import line_grammar
from ..model import Diagnostic, Stream

__all__ = ["Spliced", "unsplice"]

Piece = tuple[int, int, int]  # (input line, start column, end column)

# A line longer than this is never cut: no traceback line is, and the work per
# line stays bounded.
MAX_SPLICED = 4096
# Fragments left open at once (one per process, in practice): the oldest is given up.
MAX_OPEN = 16
# Kinds whose text is free: a splice inside them reads as one valid line, so a
# whole line of these kinds is suspicious when it holds another kind's start.
_LENIENT = frozenset({"panic", "chained_panic", "fatal_error", "indented", "runtime_note"})
_FILE_KINDS = frozenset({"frame_file", "race_frame_file", "cgo_file"})
# Where another process's line may start inside a lenient line.
_STARTS = re.compile(r"goroutine \d+ \[|panic: |fatal error: |created by |\t/|\t[A-Z]:/"
                     r"|\[signal |SIG[A-Z]+: ")

_G = line_grammar()
_match = _G.match
_FUNC = {k: v.fields.get("func") for k, v in _G.kinds.items()}
_FILE = {k: v.fields.get("file") for k, v in _G.kinds.items()}


@dataclass(slots=True)
class Spliced:
    stream: Stream
    cut: int  # input texts cut apart
    joined: int  # whole lines rejoined from fragments
    diagnostics: list[Diagnostic]


@dataclass(slots=True)
class _Fragment:
    text: str
    pieces: list[Piece]
    at: int  # output position reserved for it
    tail_at: int | None = None  # where the rest of its input line went as a line of its own


# Go prints call arguments as words of hex (`0x1f?`), `...`, `_`, and braces around
# a struct's words: `{0x4a6a1c?, 0x4881?}`, `{}`. The grammar's ARGS takes any
# text without parentheses; a spliced call line shows in its words.
_ARG_WORD = re.compile(r"\{*(?:0x[0-9a-f]+\??|\.\.\.|_)?\}*")
_FP, _SP = _G.kinds["frame_file"].fields.get("fp"), _G.kinds["frame_file"].fields.get("sp")
_ARGS = _G.kinds["frame_call"].fields.get("args")
# A frame's fp and sp are one frame apart: a frame of a megabyte is already rare.
_MAX_FRAME = 1 << 20


def _plausible(m: re.Match[str]) -> bool:
    """The values in a reading are ones Go prints: a spliced line often reads
    as a valid line whose words are two processes' values run together."""
    kind = m.lastgroup
    if kind == "frame_call" and _ARGS is not None:
        args = m.group(_ARGS)
        if args:
            if args.count("{") != args.count("}"):
                return False
            return all(_ARG_WORD.fullmatch(w) for w in args.split(", "))
    elif kind == "frame_file" and _FP is not None and _SP is not None:
        fp, sp = m.group(_FP), m.group(_SP)
        if fp and sp:
            d = int(fp, 16) - int(sp, 16)
            return 0 <= d < _MAX_FRAME
    return True


def _fields(m: re.Match[str]) -> tuple[str | None, str | None]:
    kind = m.lastgroup
    fg, fl = _FUNC.get(kind), _FILE.get(kind)
    return (m.group(fg) if fg else None), (m.group(fl) if fl else None)


def _dir(file: str) -> str:
    return file.rpartition("/")[0]


def _pkg(func: str) -> str:
    path, _, last = func.rpartition("/")
    return f"{path}/{last.partition('.')[0]}" if path else last.partition(".")[0]


class _Vocabulary:
    """Functions and files printed in intact lines: what a good join reproduces.
    A function or file is often printed once per log (one process's own code),
    so its package or directory seen elsewhere is evidence too, if weaker."""

    def __init__(self) -> None:
        self.funcs: Counter[str] = Counter()
        self.files: Counter[str] = Counter()
        self.pkgs: Counter[str] = Counter()
        self.dirs: Counter[str] = Counter()

    def learn(self, m: re.Match[str]) -> None:
        func, file = _fields(m)
        if func:
            self.funcs[func] += 1
            self.pkgs[_pkg(func)] += 1
        if file:
            self.files[file] += 1
            self.dirs[_dir(file)] += 1

    def quality(self, m: re.Match[str], own: int = 0) -> tuple[float, int]:
        """How much a reading looks like a real line, and how many names in it
        were never seen intact: known names score, unknown ones cost.
        `own`: times the reading itself was counted (a whole line learns itself)."""
        func, file = _fields(m)
        q = 0.5 if m.lastgroup in _LENIENT else 1.0
        unknown = 0
        for name, seen, parts, part in ((func, self.funcs, self.pkgs, _pkg),
                                        (file, self.files, self.dirs, _dir)):
            if name is None:
                continue
            if seen[name] > own:
                q += 2.0
            elif parts[part(name)] > own and " " not in name:
                pass  # a new name in a known package or directory
            else:
                q -= 2.0
                unknown += 1
        if not _plausible(m):
            q -= 3.0
            unknown += 1
        return q, unknown


def _valid(text: str) -> re.Match[str] | None:
    if not text or len(text) > MAX_SPLICED:
        return None
    m = _match(text)
    if m is None or m.lastgroup == "blank":
        return None
    if m.lastgroup == "frame_call":
        func = m.group(_FUNC["frame_call"]) or ""
        if "." not in func and func != "panic":  # Go 1.21+ prints runtime.gopanic as `panic`
            return None
    return m


def unsplice(stream: Stream) -> Spliced | None:
    """The stream with spliced texts cut apart and rejoined; None when nothing changed."""
    texts = stream.texts
    vocab = _Vocabulary()
    matches: list[re.Match[str] | None] = []
    for t in texts:
        m = _valid(t)
        matches.append(m)
        if m is not None:
            vocab.learn(m)

    out_texts: list[str | None] = []
    out_pieces: list[list[Piece] | None] = []  # None: the input text, unchanged
    out_src: list[int] = []  # the stream index an unchanged text came from
    open_: list[_Fragment] = []
    cut = joined = 0
    diagnostics: list[Diagnostic] = []

    def emit(text: str | None, pieces: list[Piece] | None, src: int) -> int:
        out_texts.append(text)
        out_pieces.append(pieces)
        out_src.append(src)
        return len(out_texts) - 1

    def place(frag: _Fragment, text: str, pieces: list[Piece]) -> None:
        out_texts[frag.at] = text
        out_pieces[frag.at] = pieces

    def give_up(frag: _Fragment) -> None:
        nonlocal cut
        if frag.tail_at is not None:
            # Nothing completed the head: the cut had no evidence (a log line that
            # mentions `panic: ` is no splice). The line goes back together whole.
            tail = out_texts[frag.tail_at] or ""
            tail_pieces = out_pieces[frag.tail_at] or []
            place(frag, frag.text + tail, frag.pieces + tail_pieces)
            out_texts[frag.tail_at] = None
            out_pieces[frag.tail_at] = None
            out_src[frag.tail_at] = -1
            cut -= 1
            return
        place(frag, frag.text, frag.pieces)
        diagnostics.append(Diagnostic(
            "a fragment of a line cut mid-way (a collector's read() chunk) whose rest "
            "was not found", sorted({(n, n) for n, _, _ in frag.pieces})))

    for i, t in enumerate(texts):
        m = matches[i]
        if i in stream.pieces or len(t) > MAX_SPLICED or not t:
            emit(t, None, i)
            continue
        lenient_start = None
        strict = True
        if m is not None:
            whole, unknown = vocab.quality(m, own=1)
            if m.lastgroup in _LENIENT:
                # Inside its free text: `\tpanic: second` holds no other line.
                groups = _G.kinds[m.lastgroup].fields.values()
                free = min((m.start(g) for g in groups if m.start(g) >= 0), default=len(t))
                hit = _STARTS.search(t, free + 1)
                lenient_start = hit.start() if hit else None
                # Free text reads anything: a head followed by another process's
                # output (`\t/usr/lib/go-1.19 pc=0x497045`) is cut where the rest
                # completes an open head into a line with known names.
                doubtful = lenient_start is not None or bool(open_)
            else:
                # A line naming what no intact line names, or printing values Go
                # never prints together, may be two processes' pieces.
                doubtful = bool(unknown) and bool(open_)
            if not doubtful:
                emit(t, None, i)
                continue
        else:
            whole = float("-inf")
            strict = False
        best = _best_cut(t, open_, vocab, strict=strict, start=lenient_start,
                         lenient=m is not None and m.lastgroup in _LENIENT,
                         indented=m is not None and m.lastgroup == "indented")
        if best is None or best[0] <= whole:
            if m is not None:
                emit(t, None, i)
            else:  # a head with no cut found: perhaps a line's start, finished later
                at = emit(None, None, i)
                open_.append(_Fragment(t, _cols(stream, i, 0, len(t)), at))
            if len(open_) > MAX_OPEN:
                give_up(open_.pop(0))
            continue
        _, c, f = best
        tail_pieces = _cols(stream, i, c, len(t))
        if c > 0:
            cut += 1
            # The head stays open until a later fragment completes it.
            at = emit(None, None, i)
            head = _Fragment(t[:c], _cols(stream, i, 0, c), at)
        else:
            head = None
        if f is not None:
            frag = open_.pop(f)
            place(frag, frag.text + t[c:], frag.pieces + tail_pieces)
            joined += 1
        else:
            tail_at = emit(t[c:], tail_pieces, i)
            if head is not None:
                head.tail_at = tail_at
        if head is not None:
            open_.append(head)
            if len(open_) > MAX_OPEN:
                give_up(open_.pop(0))
    for frag in open_:
        give_up(frag)
    if not joined:
        return None  # cuts whose heads nothing completes are no evidence of chunks

    numbers: list[int] = []
    new_texts: list[str] = []
    pieces: dict[int, list[Piece]] = {}
    lengths: list[int] = []
    plen = stream.prefix_lengths
    for text, ps, src in zip(out_texts, out_pieces, out_src, strict=True):
        j = len(new_texts)
        if ps is None:
            if text is None:
                continue  # the tail of a cut undone: it went back into its line
            new_texts.append(text)
            numbers.append(stream.numbers[src])
            lengths.append(plen[src] if plen else 0)
            if src in stream.pieces:
                pieces[j] = stream.pieces[src]
            continue
        new_texts.append(text if text is not None else "")
        numbers.append(ps[0][0])
        lengths.append(0)
        pieces[j] = ps
    out = Stream(id=stream.id, label=stream.label, numbers=numbers, texts=new_texts,
                 pieces=pieces, prefix_lengths=lengths if any(lengths) else ())
    return Spliced(out, cut, joined, diagnostics)


def _cols(stream: Stream, i: int, a: int, b: int) -> list[Piece]:
    shift = stream.prefix_lengths[i] if stream.prefix_lengths else 0
    return [(stream.numbers[i], a + shift, b + shift)]


# Cut points tried per line at most.
_MAX_CUTS = 512


def _best_cut(t: str, open_: list[_Fragment], vocab: _Vocabulary, strict: bool = False,
              start: int | None = None,
              lenient: bool = False, indented: bool = False,
              ) -> tuple[float, int, int | None] | None:
    """(score, cut column, open fragment completed or None) of the best reading
    of t as [head left open] + [a whole line, or the rest of an open fragment].
    `strict`: t reads whole already; only readings with every name known count.
    `lenient`: t reads whole as free text; only a completion with a known name,
    or a whole line starting where `start` shows another line's start, counts.
    `start`: where another line's start shows inside a lenient line (a bonus)."""
    best: tuple[float, int, int | None] | None = None

    def consider(m: re.Match[str], bonus: float, c: int, f: int | None) -> None:
        nonlocal best
        sc, unknown = vocab.quality(m)
        if unknown:
            # A reading naming what no intact line names is no evidence against
            # a line that reads whole; a line that reads as nothing may still
            # take it (a name printed once), without a completion's bonus.
            if strict or lenient:
                return
            bonus = 0.0
        if m.lastgroup == "indented":
            return  # reads anything after a tab: no evidence of a line
        if lenient and c != start:
            if f is None:
                return
            # A message with an open head's rest inside: the text before the
            # cut must be no line of its own (a panic's message stays whole).
            if not indented:
                h = _valid(t[:c])
                if h is not None and h.lastgroup != "indented":
                    return
        sc += bonus
        if c == start:
            sc += 2.0
        if best is None or sc > best[0]:
            best = (sc, c, f)

    # Oldest first: a collector reading its pipes in turn resumes the process
    # it left longest ago, and ties keep the first.
    for c in range(0, min(len(t), _MAX_CUTS)):
        tail = t[c:]
        if c > 0:
            m = _valid(tail)
            if m is not None:
                # A whole line after the cut; the head before it should be no whole line.
                h = _valid(t[:c])
                consider(m, -0.5 if h is not None and h.lastgroup not in _LENIENT else 0.0,
                         c, None)
        for f, frag in enumerate(open_):
            m = _valid(frag.text + tail)
            if m is not None:
                consider(m, 1.0, c, f)  # completing an open fragment
    return best
