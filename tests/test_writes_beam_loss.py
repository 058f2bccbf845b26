"""Where the write decoder's beam loses the truth (issue 3): what
tests/corpus/writes_beam_loss.py measures with.

The truth is the reading held to who wrote every byte (truth.json); its path
through the beam is that reading's state at each place one of its writes
ends, not the held beam's cheapest hypothesis there, which may put a piece
to the noise while it is ahead and die later (what writes_vocabulary.py's
`fell_out` followed). The figures are in stackdemux/demux/writes.py's comment.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "corpus"))

import writes_beam_loss as L
from writes_significant import owned

from stackdemux.demux.writes_decode import decode


def test_the_truths_path_is_the_held_readings_own_not_the_held_beams_cheapest() -> None:
    text, owners, outs = owned("bolt-writes-time")
    held_owners = [o if isinstance(o, int) else -1 for o in owners]
    held = decode(text, owners=held_owners)
    path = L.truth_path(text, held, held_owners)
    tracer = L.Widths(path)
    with tracer:
        decode(text, owners=held_owners)
    on = L.on_path(path, tracer)
    # the held beam keeps the truth wherever one of its writes ends, to the last
    assert max(on) == max(tracer.kept_sigs)
    assert len(on) > 0.8 * len(tracer.kept_sigs)
    # at the end each process has ended its last line where its output does
    assert sorted(last for _, last in path[len(text)]) == sorted(
        max(j for j, o in enumerate(owners) if o == k and text[j] == "\n")
        for k in range(len(outs)))
    # but the held beam's cheapest is off the truth's path at some places:
    # there it had given a piece of a message to the noise (`panic:  page type`)
    cheapest_off = [p for p in on if min(tracer.offered[p])[1] != path[p]]
    assert cheapest_off


def _offer(cost: float, sig: str, future: str, place: str) -> tuple:
    return (cost, (sig,), (future,), (place,))


def test_why_the_truth_is_not_kept() -> None:
    offered = [_offer(1.0, "a", "f1", "p1"), _offer(1.5, "b", "f2", "p1"),
               _offer(2.0, "c", "f1", "p2"), _offer(2.5, "t", "f3", "p1"),
               _offer(3.0, "d", "f4", "p2"), _offer(4.0, "u", "f5", "p3")]
    # two cheaper readings stand at the truth's place: the cap per place
    assert L.why(offered, ("t",), beam=8, per_place=2) == ("place", 3, 1.5)
    # another past reached the same future, cheaper: it was kept instead
    assert L.why(offered, ("c",), beam=8, per_place=2)[0] == "future"
    # more than the beam's width of cheaper futures kept before it
    assert L.why(offered, ("u",), beam=3, per_place=2) == ("width", 5, 3.0)
    # no hypothesis offered holds it: it was lost at an earlier place
    assert L.why(offered, ("z",), beam=8, per_place=2) == ("absent", 0, 0.0)


def test_arguments_held_are_each_call_lines_parenthesised_part_by_its_writer() -> None:
    text, owners, outs = owned("bolt-writes-shuffle")
    held = L.argument_owners(owners, outs)
    for k, out in enumerate(outs):
        mine = "".join(text[j] for j, o in enumerate(held) if o == k)
        calls = [line.text for line in L.lines_of(out) if line.text.endswith(")")
                 and not line.text.startswith(("\t", "goroutine "))]
        # `main.(*Hub).Shutdown(0xc000010180, 0x0?)` holds `(0xc000010180, 0x0?)`:
        # the runtime prints no bracket inside arguments but their own `(...)`
        assert mine == "".join(c[c.rindex("("):] for c in calls)
