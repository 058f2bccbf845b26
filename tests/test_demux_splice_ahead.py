"""A fragment nothing can finish is given up where it is cut, not MAX_AGE lines
later: ordinary log lines that hold a lead inside (a decoy's `2026/11/25
19:21:32 panic: false, …`, pytest's `=====… short test summary info =====`)
no longer keep the splicer's search expanding every line after them.

Real lines: tests/corpus/noise (decoys.log, pytest.log), the slog sample
(samples/threads/formats.text.log) and a real frame file line of a sample,
cut where a read() may cut it.
"""

from __future__ import annotations

from pathlib import Path

from stackdemux.demux import splice_search
from stackdemux.demux.splice import unsplice
from stackdemux.demux.splice_ahead import Ahead, holds_needle, holds_rest_path, needles
from stackdemux.demux.splice_fragments import MAX_AGE
from stackdemux.demux.splice_joins import joins
from stackdemux.demux.splice_score import narrow, read_all
from stackdemux.grammar import line_grammar
from stackdemux.model import Stream

ROOT = Path(__file__).resolve().parent.parent
NOISE = ROOT / "tests" / "corpus" / "noise"


def stream(lines: list[str]) -> Stream:
    return Stream("s1", numbers=range(1, len(lines) + 1), texts=lines)


def ordinary() -> list[str]:
    """Real log lines of tools and services, decoys among them (one in ~20)."""
    plain = [t for f in ("go-build-x.log", "npm.log", "pip.log", "make-gcc.log")
             for t in (NOISE / f).read_text().splitlines()]
    slog = (ROOT / "samples/threads/formats.text.log").read_text().splitlines()
    odd = ((NOISE / "decoys.log").read_text().splitlines()
           + (NOISE / "pytest.log").read_text().splitlines() + slog)
    out = []
    for k, t in enumerate(odd):
        out += [*plain[k * 20 % len(plain):][:20], t]
    return out


def expansions(lines: list[str], monkeypatch) -> int:
    """Lines the search read under every hypothesis (splice_search._expand)."""
    seen: list[int] = []
    expand = splice_search.Search._expand

    def counted(self, beam, i, t, kind, whole):
        seen.append(i)
        return expand(self, beam, i, t, kind, whole)

    monkeypatch.setattr(splice_search.Search, "_expand", counted)
    assert unsplice(stream(lines)) is None  # no line of these is cut: nothing joined
    return len(seen)


def test_ordinary_lines_with_leads_inside_do_not_keep_the_search_expanding(monkeypatch):
    lines = ordinary() * 4
    m = line_grammar().match
    with_lead = sum(1 for t in lines if t and (r := m(t)) is None
                    and splice_search.inner_start(t, r))
    assert with_lead >= 100  # the decoys, pytest's rules, slog's recovered panics
    # each line read under every hypothesis is one that holds a lead itself (or,
    # while a fragment that may still be finished waits, a few after it); before,
    # the heads cut out of them waited MAX_AGE lines each: all but ~10 % of the lines
    got = expansions(lines, monkeypatch)
    assert got <= 2 * with_lead < len(lines) // 2


def frame_file_cut() -> tuple[str, str]:
    """A real frame file line cut as a read() may cut it: its head and its rest."""
    line = next(t for t in (ROOT / "samples/go1.23/nil_map.txt").read_text().splitlines()
                if t.startswith("\t") and ".go:" in t)
    return line[:9], line[9:]


def ahead_of(lines: list[str]) -> Ahead:
    s = stream(lines)
    matches = read_all(s.texts, s.pieces)
    return Ahead(s.texts, matches, s.pieces, lambda m: True)


def test_a_rest_within_reach_is_found_and_one_past_it_is_not():
    head, rest = frame_file_cut()
    auto = joins(head[0])
    state = auto.head(head)
    assert state != auto.dead
    # ordinary lines read as no line, none of whose ends completes the head
    fits = narrow(head[0]).fullmatch
    filler = [t for t in ordinary() if t and line_grammar().match(t) is None
              and not any(fits(head + t[c:]) for c in range(len(t)))]
    assert len(filler) > 40
    near = ["x", *filler[:40], rest, *filler[:40]]
    assert ahead_of(near).may_rest(auto, state, head, 0)
    # the search gives a fragment up at the first line past MAX_AGE it reads
    # as no line (after trying that line): a rest after that comes too late
    many = filler * (MAX_AGE // len(filler) + 2)
    far = ["x", *many[:MAX_AGE + 1], "", rest]
    assert not ahead_of(far).may_rest(auto, state, head, 0)
    # ... and the line it is given up at is still tried
    at = ["x", *many[:MAX_AGE], rest]
    assert ahead_of(at).may_rest(auto, state, head, 0)


def goroutines_without_blank_lines() -> list[str]:
    """Real SIGQUIT dumps' goroutines with their blank lines lost, as pastes lose
    them (samples/wild/compose8599_no_blank_between_goroutines.txt): every line
    read whole, none a line where the search gives a fragment up."""
    out = []
    for v in ("go1.25", "go1.27"):
        dump = (ROOT / f"samples/{v}/sigquit.txt").read_text().splitlines()
        first = next(k for k, t in enumerate(dump) if t.startswith("goroutine "))
        out += [t for t in dump[first:] if t and (m := line_grammar().match(t)) is not None
                and m.lastgroup not in ("panic", "runtime_note")]
    return out


def test_fragments_opened_before_a_long_run_of_whole_lines_read_the_run_once():
    decoy = next(t for t in (NOISE / "decoys.log").read_text().splitlines()
                 if "panic: false" in t)
    run = goroutines_without_blank_lines() * 4
    assert len(run) > 2000
    decoys = 500
    # (every decoy's reach begins in the run: MAX_AGE + 1 lines after it)
    lines = [decoy] * decoys + ["x"] * (MAX_AGE + 1 - decoys) + run + [decoy]
    ahead = ahead_of(lines)
    end = len(lines) - 1  # the decoy after the run: the first line given up at
    assert all(ahead.reach(i) == end for i in range(decoys))
    # each decoy's fragment is given up at the same line, past the run: the
    # run is read once, not once a decoy (500 times: 1.4M lines, seconds)
    assert ahead.read <= len(run) + decoys
    # a fragment opened later in the same stretch is given up there too; one
    # whose run begins with a blank line, at the blank line
    assert ahead.reach(decoys + 10) == end
    assert ahead_of([*lines[:MAX_AGE + 1], "", *run]).reach(0) == MAX_AGE + 1


def test_a_needle_counts_only_where_the_line_reads_on_from_it_to_its_end():
    # The decoy's log stamp, cut before `panic: `: a rest that completes it
    # passes one of its needles (`.go:`, `http: panic serving `, `[` ...), and
    # `[` shows in ~9 % of 8 services' lines. Looked at past the needle, most
    # of them read on as no line: the decoy's own `[running]: (see runbook)`,
    # pytest's `[100%]`, gcc's `[-Wunused-variable]`.
    head = ordinary_decoy_head()
    decoy = next(t for t in (NOISE / "decoys.log").read_text().splitlines()
                 if "panic: false" in t)
    auto = joins(head[0])
    state = auto.head(head)
    assert "[" in needles(auto, state)
    pytest_line = next(t for t in (NOISE / "pytest.log").read_text().splitlines()
                       if t.endswith("[100%]"))
    gcc_line = next(t for t in (NOISE / "make-gcc.log").read_text().splitlines()
                    if "[-W" in t)
    for t in (decoy, pytest_line, gcc_line):
        assert holds_needle(auto, state, t)
        assert not holds_rest_path(auto, state, t)
    # the log package's line with its file (Lshortfile) is a rest it may take
    logged = next(t for t in (ROOT / "samples/threads/formats.log.log").read_text().splitlines()
                  if "http: panic serving" in t)
    assert holds_rest_path(auto, state, logged[logged.index("main.go"):])


def test_no_line_whose_rest_completes_a_head_is_passed_over():
    # Never no where a rest reads: heads cut out of real lines (a log stamp,
    # a frame's file line, a call line, a goroutine header), against every
    # cut of real lines of tools, services and tracebacks.
    sample = (ROOT / "samples/go1.23/nil_map.txt").read_text().splitlines()
    heads = [ordinary_decoy_head(), frame_file_cut()[0],
             next(t for t in sample if t.startswith("main."))[:7],
             next(t for t in sample if t.startswith("goroutine "))[:12]]
    lines = list(dict.fromkeys([*ordinary(), *sample, *(
        ROOT / "samples/threads/formats.log.log").read_text().splitlines()]))
    said_no = 0
    for head in heads:
        auto = joins(head[0])
        state = auto.head(head)
        assert state != auto.dead
        fits = narrow(head[0]).fullmatch
        for t in lines:
            if not holds_rest_path(auto, state, t):
                said_no += 1
                assert not any(fits(head + t[c:]) for c in range(len(t))), (head, t)
    assert said_no > len(lines)  # (it does say no)


def ordinary_decoy_head() -> str:
    decoy = next(t for t in (NOISE / "decoys.log").read_text().splitlines()
                 if "panic: false" in t)
    return decoy[:decoy.index("panic: ")]
