#!/usr/bin/env python3
"""Where the write decoder first reads a decidable report wrong, and why.
A developer tool, not a test.

    python tests/corpus/writes_decidable.py [--beam W] [--held] [--no-tails] [CASE ...]

writes_ambiguity.py finds the reports of the write merges that no exchange of
same-shaped pieces can make otherwise under the hard rules (the decidable
ones: the ceiling of what a decoder can read with certainty). This reads each
case with the decoder, free (writes_decode.decode, as the pipeline would with
MAX_DECODE on), and held to who wrote every byte (the model's truth), and per
decidable report prints:

  first     the first of the report's scored lines (header, call, file,
            created by, the panic's) that the free reading gets wrong, in the
            merge's order: the truth's line, the line the reading's matched
            process holds there (difflib's alignment of the two line lists),
            whether its values are marked unsure, and the writes around it
            with their writers
  why       `model` where the free reading costs less than the truth held to
            its writers (the cost prefers a wrong reading: no search finds the
            truth), `search` where the truth costs less (the beam lost it);
            with --held, the reading held to the truth up to that line's
            first character and free after it: whether it then reads the line
            right (`upstream`: the line was lost by an earlier choice) or not
            (`here`: the model or the beam goes wrong at the line itself)
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the repo, when run as a script
sys.path.insert(0, str(HERE))

from writes_ambiguity import Search, pieces_of, read_line, report_of, reports_in, scored  # noqa: E402
from writes_beam_loss import show  # noqa: E402
from writes_significant import SMALL, owned  # noqa: E402
from writes_vocabulary import placed  # noqa: E402

# The line kinds whose values score.py compares.
SCORED_KINDS = frozenset({"goroutine_header", "frame_call", "frame_file", "created_by",
                          "panic", "fatal_error", "chained_panic"})


def decidable(text: str, owners: list[object], outs: list[str],
              tails: bool = True) -> list[tuple[int, int]]:
    """The reports (process, report) no valid exchange changes (with `tails`,
    nor an exchange of two processes' writes from a place on)."""
    s = Search(pieces_of(text, owners, outs), frozenset({"call line", "program source"}))
    alts = s.run(40)
    last = dict(reports_in(outs))
    amb = {(k, min(r, last.get(k, 0))) for a in alts for k, r in scored(a, s.judge)}
    if tails:
        for a, la, b, lb in s.tails():
            for k, at in ((a, la), (b, lb)):
                amb.update((k, r) for r in range(report_of(s.judge.lines[k], at),
                                                 last.get(k, 0) + 1))
    return [r for r in reports_in(outs) if r not in amb]


def texts_of(text: str, got) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [["".join(text[a:b] for a, b in segs) for segs in p] for p in got.processes]


def matched(want: list[str], have: list[list[str]]) -> int | None:
    """The read process sharing most lines with a truth process's lines."""
    best = max(range(len(have)), default=None,
               key=lambda j: sum(b.size for b in difflib.SequenceMatcher(
                   None, want, have[j], autojunk=False).get_matching_blocks()))
    return best


def aligned(want: list[str], have: list[str]) -> dict[int, int]:
    """Truth line -> read line, where difflib's alignment pairs them equal."""
    got = {}
    for blk in difflib.SequenceMatcher(None, want, have, autojunk=False).get_matching_blocks():
        for i in range(blk.size):
            got[blk.a + i] = blk.b + i
    return got


def first_wrong(case: str, got, text: str, owners: list[object], outs: list[str],  # type: ignore[no-untyped-def]
                reports: list[tuple[int, int]]) -> dict[tuple[int, int], tuple]:
    """Per report: (merge offset, truth line index, truth line, read line,
    unsure fields) of its first wrong scored line in merge order, or None."""
    have = texts_of(text, got)
    out: dict[tuple[int, int], tuple] = {}
    for k, r in reports:
        want = outs[k].split("\n")[:-1]
        lines = [read_line(t) for t in want]
        j = matched(want, have)
        pairs = aligned(want, have[j]) if j is not None else {}
        at = placed(owners, k)
        starts = [0]
        for t in want[:-1]:
            starts.append(starts[-1] + len(t) + 1)
        wrong = []
        for i, ln in enumerate(lines):
            if ln.kind not in SCORED_KINDS or report_of(lines, i) != r or i in pairs:
                continue
            wrong.append((at[starts[i]], i))
        if not wrong:
            out[(k, r)] = None  # type: ignore[assignment]
            continue
        pos, i = min(wrong)
        # the read line standing where the truth's is: the one after the last aligned before it
        before = [b for a, b in pairs.items() if a < i]
        near = (max(before) + 1) if before else 0
        read = have[j][near] if j is not None and near < len(have[j]) else None
        marks = got.unsure.get((j, near), frozenset()) if j is not None else frozenset()
        out[(k, r)] = (pos, i, want[i], read, marks, len(wrong))
    return out


def main() -> None:
    from stackdemux.demux.writes_decode import UNSURE_MARGIN, decode

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cases", nargs="*")
    ap.add_argument("--beam", type=int, default=64)
    ap.add_argument("--no-tails", dest="tails", action="store_false",
                    help="the reports decidable without the tail exchanges (as before writes20)")
    ap.add_argument("--pairing", action="store_true",
                    help="also the free reading after writes_pairing.repair_pairing: its "
                         "processes' rests exchanged where the model prices that cheaper")
    ap.add_argument("--held", action="store_true",
                    help="also read held to the truth up to each first wrong line")
    args = ap.parse_args()
    for case in args.cases or SMALL:
        text, owners, outs = owned(case)
        reports = decidable(text, owners, outs, args.tails)
        held_owners = [o if isinstance(o, int) else -1 for o in owners]
        t0 = time.process_time()
        got = decode(text, args.beam, margin=UNSURE_MARGIN)
        dt = time.process_time() - t0
        truth = decode(text, args.beam, owners=held_owners)
        why = "model" if got.cost < truth.cost else "search"
        print(f"{case}: {len(reports)} of {len(reports_in(outs))} reports decidable; free cost "
              f"{got.cost:.1f}, truth's {truth.cost:.1f} ({why}); {dt:.1f} s CPU")
        readings = [("free", got)]
        if args.pairing:
            from writes_pairing import owners_of, repair_pairing

            t0 = time.process_time()
            before = decode(text, args.beam, owners=owners_of(got, len(text)))
            fixed, made = repair_pairing(text, got, args.beam)
            print(f"  pairing: held to the free reading {before.cost:.1f}, repaired "
                  f"{fixed.cost:.1f} by {len(made)} exchanges "
                  f"({', '.join(f'p{x.a}/p{x.b} at {x.at}' for x in made) or 'none'}); "
                  f"{time.process_time() - t0:.1f} s CPU")
            readings = [("free", before), ("repaired", fixed)]
        for name, reading in readings:
            print(f"  {name}: {right_lines(text, reading, outs)} of "
                  f"{sum(o.count(chr(10)) for o in outs)} lines read right"
                  + _go_test_right(text, reading, outs))
            _print_first(case, reading, text, owners, outs, reports, held_owners, args)


def right_lines(text: str, got, outs: list[str],  # type: ignore[no-untyped-def]
                only: Callable[[str], object] | None = None) -> int:
    """Lines of the truth's outputs that a reading's matched process holds
    (difflib); `only`: of the lines it says yes to."""
    have = texts_of(text, got)
    total = 0
    for o in outs:
        want = o.split("\n")[:-1]
        j = matched(want, have)
        if j is not None:
            total += sum(1 for i in aligned(want, have[j]) if only is None or only(want[i]))
    return total


def _go_test_right(text: str, got, outs: list[str]) -> str:  # type: ignore[no-untyped-def]
    """`; go test lines: R of N` (a process's go test lines its matched read
    process holds), or nothing where no process printed one."""
    total = sum(1 for o in outs for t in o.split("\n") if GO_TEST_LINE.match(t))
    if not total:
        return ""
    return f"; go test lines: {right_lines(text, got, outs, GO_TEST_LINE.match)} of {total}"


# go test's own lines and cmd/go's verdicts (`=== RUN`, `--- FAIL:`, a test's
# log line, `FAIL\tpkg\t0.01s`, `FAIL`)
GO_TEST_LINE = re.compile(r"=== |--- |    \S+_test\.go:\d+:|FAIL(?:\t|$)|ok  \t|PASS$")


def _print_first(case, got, text, owners, outs, reports, held_owners, args) -> None:  # type: ignore[no-untyped-def]
    from stackdemux.demux.writes_decode import decode

    for (k, r), w in first_wrong(case, got, text, owners, outs, reports).items():
        if w is None:
            print(f"  p{k} report {r}: every scored line read right")
            continue
        pos, i, want, read, marks, n = w
        print(f"  p{k} report {r}: {n} scored lines wrong; first at character {pos}, "
              f"line {i}: {want!r} read {read!r}"
              + (f" (unsure: {', '.join(sorted(marks))})" if marks else " (not marked)"))
        print(f"    {show(text, owners, pos)}")
        if args.held:
            prefix = [o if q < pos else -1 for q, o in enumerate(held_owners)]
            part = decode(text, args.beam, owners=None if not any(
                o >= 0 for o in prefix) else prefix)
            again = first_wrong(case, part, text, owners, outs, [(k, r)])[(k, r)]
            fixed = again is None or again[0] > pos
            print(f"    held to character {pos}, then free: "
                  + ("reads it right (upstream)" if fixed else
                     f"still wrong: {again[3]!r} (here)"))


if __name__ == "__main__":
    main()
