"""A rest of an open fragment is not read after a head that nothing can finish.

A rest that starts inside an input line has another process's chunk before
it: a head of that process's line, which its next chunk must finish. Where no
later line can (splice_ahead.py) and the head reads as no whole line, the
reading would leave that line unfinished for good: the text is read otherwise.

The lines are real: bench_services' 8 services merged by read() chunks (seed 1,
12 MB), input lines 8156 and 11147. A dump's last line written a byte at a time
left a `p` before the log package's line (samples/threads/formats.log.log);
2 991 lines on, a logged line of tests/corpus/noise/decoys.log, whole, holds
`panic: foo"`. Read as `p` + `anic: foo"`, that was the search's one join:
the separator was handed chunk groups for the whole log, and two goroutines of
a `concurrent map writes` dump went to the report before it.
"""

from __future__ import annotations

from stackdemux.demux.splice_fragments import Fragment, Hypothesis, Log, Variant
from stackdemux.demux.splice_score import read_all
from stackdemux.demux.splice_search import Search
from stackdemux.model import Stream

DRIBBLED = "p2026/11/25 19:27:42.096461 main.go:39: http: panic serving 127.0.0.1:50312: boom"
LOGGED = 'time=2026-11-25T19:21:32.174Z level=INFO msg="recovered from panic: foo"'


def texts_of(log: Log) -> list[str]:
    out = []
    while log is not None:
        chain, log = log
        while chain is not None:
            entry, chain = chain
            out.append(entry[1])
    return out


def expand_after_open_p(texts: list[str]) -> list[Hypothesis]:
    """The hypotheses of texts[1] with the `p` cut off texts[0] open."""
    stream = Stream("s1", numbers=range(1, len(texts) + 1), texts=texts)
    search = Search(stream, read_all(texts, stream.pieces, None))
    p = Fragment(0, texts[0], None, (Variant(1, -2.0, None, None),), fresh=True)
    m = search.matches[1]
    kind = m.lastgroup if m is not None else None
    return search._expand([Hypothesis(0.0, (p,), None)], 1, texts[1], kind, 0.0)


def heads(h: Hypothesis) -> list[tuple[int, str]]:
    return [(f.line, f.head(f.variants[0])) for f in h.open]


def p_finished(h: Hypothesis) -> bool:
    return not any(f.line == 0 for f in h.open)


def test_a_rest_after_a_head_that_nothing_can_finish_is_not_read():
    hypotheses = expand_after_open_p([DRIBBLED, LOGGED])
    assert [] in [texts_of(h.log) for h in hypotheses]  # the line read whole
    assert not any(p_finished(h) for h in hypotheses)


def test_a_rest_after_a_head_a_later_line_may_finish_is_still_read():
    # a goroutine header cut before the rest, its own rest two lines on
    header = "goroutine 1 [running]:"
    hypotheses = expand_after_open_p([DRIBBLED, header[:17] + 'anic: foo"', header[17:]])
    assert [(1, "goroutine 1 [runn")] in [heads(h) for h in hypotheses if p_finished(h)]
    # and read so where nothing can finish the header's head
    hypotheses = expand_after_open_p([DRIBBLED, header[:17] + 'anic: foo"'])
    assert not any(p_finished(h) for h in hypotheses)
