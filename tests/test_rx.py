"""Regexes compiled once per machine (stackdemux/rx.py): the code re's compiler
makes of a pattern is kept on disk, and a pattern found there is handed to the
engine without being parsed or compiled again. The Pattern must be the one
re.compile makes (CPython's Patterns are equal when their pattern, flags and
code are), and a cache that is missing, damaged or another engine's must cost
only the compile time."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

from stackdemux import rx
from stackdemux.firstchars import first_chars
from stackdemux.grammar import line_grammar
from stackdemux.parse import _FILE_RX, _IDLE_NEXT, _IDLE_SKIP
from stackdemux.sre import parser


def patterns() -> list[tuple[str | bytes, int]]:
    """The grammar's classifier and kinds (the longest patterns a run compiles),
    with flags, a bytes pattern and named groups among the rest."""
    g = line_grammar()
    return [(g.source, 0), *((s, 0) for s in g.sources.values()),
            (_IDLE_SKIP.pattern, 0), (_IDLE_NEXT.pattern, 0),
            (r"^(?P<key>\w+)=(?P<value>.*)$", re.M), (rb" \+0x[0-9a-f]{1,16}[g-zA-Z]", 0),
            (r"(?i)panic: (.*)", 0)]


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """rx as in a process that has read no cache yet, its cache under tmp_path."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(rx, "_known", None)
    monkeypatch.setattr(rx, "_used", set())
    monkeypatch.setattr(rx, "_read_as", {})
    monkeypatch.setattr(rx, "_new", True)  # (no atexit writer from a test)
    calls = []
    parse = parser.parse
    monkeypatch.setattr(parser, "parse", lambda *a: calls.append(a) or parse(*a))

    def restart() -> None:  # the next process
        rx._known, rx._used, rx._read_as = None, set(), {}
        calls.clear()

    return calls, restart


def test_a_pattern_is_compiled_once_per_machine_and_is_the_one_re_compiles(fresh):
    calls, restart = fresh
    made = [rx.compile(p, f) for p, f in patterns()]
    assert len(calls) == len(made)  # (none known yet: each parsed)
    rx._save()
    restart()
    again = [rx.compile(p, f) for p, f in patterns()]
    assert calls == []  # read from the cache: nothing parsed
    for (p, f), a, b in zip(patterns(), made, again, strict=True):
        assert a == b == re.compile(p, f)
        assert (b.groups, b.groupindex, b.flags) == (re.compile(p, f).groups,
                                                     re.compile(p, f).groupindex,
                                                     re.compile(p, f).flags)


def test_the_classifier_read_from_the_cache_reads_every_line_of_a_dump_as_re_s(fresh):
    _, restart = fresh
    source = line_grammar().source
    rx.compile(source)
    rx._save()
    restart()
    cached, plain = rx.compile(source).fullmatch, re.compile(source).fullmatch
    dump = (Path(__file__).parent.parent / "samples" / "go1.27" / "sigquit.txt").read_text()
    for line in dump.splitlines():
        a, b = cached(line), plain(line)
        assert (a and (a.lastgroup, a.groups())) == (b and (b.lastgroup, b.groups()))
    assert re.compile(_FILE_RX.pattern) == _FILE_RX  # (the parser's own, made through rx)


@pytest.mark.parametrize("damage", [b"", b"not marshal", b"\xfb\x00\x00"])
def test_a_damaged_cache_costs_only_the_compile(fresh, damage):
    calls, _ = fresh
    rx._file().parent.mkdir(parents=True, exist_ok=True)
    rx._file().write_bytes(damage)
    assert [rx.compile(p, f) for p, f in patterns()] == [re.compile(p, f) for p, f in patterns()]
    assert len(calls) == len(patterns())


def test_code_the_engine_rejects_is_compiled_again(fresh):
    calls, _ = fresh
    p = r"goroutine (\d+) \[([^\]]*)\]:"
    rx.compile(p)
    key = (p, 0)
    flags, code, groups, groupindex, indexgroup = rx._known[key]
    rx._known[key] = (flags, code[: len(code) // 2], groups, groupindex, indexgroup)
    expected = re.compile(p)
    calls.clear()
    assert rx.compile(p) == expected and len(calls) == 1


def test_a_derived_value_is_worked_out_once_per_machine_under_its_modules_source(
        fresh, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """rx.derived keeps a pure function of a pattern's text (firstchars.py's first
    characters) beside the compiled patterns; an edit to the module that works it
    out, or to one it names as used, works it out again."""
    _, restart = fresh
    module = tmp_path / "deriving.py"
    used = tmp_path / "used.py"
    module.write_text("# first version\n")
    used.write_text("# helper\n")
    monkeypatch.setitem(sys.modules, "deriving", types.SimpleNamespace(__file__=str(module)))
    monkeypatch.setitem(sys.modules, "used", types.SimpleNamespace(__file__=str(used)))
    monkeypatch.setattr(rx, "_digests", {})
    worked = []

    def lead(pattern: str) -> str | None:
        worked.append(pattern)
        return first_chars(pattern)

    lead.__module__ = "deriving"
    header = line_grammar().sources["goroutine_header"]

    assert rx.derived(lead, header, "used") == first_chars(header) == "[\\x67]"
    assert rx.derived(lead, header, "used") == "[\\x67]" and len(worked) == 1
    rx._save()
    restart()
    rx._digests.clear()
    assert rx.derived(lead, header, "used") == "[\\x67]" and len(worked) == 1  # (read)
    used.write_text("# helper, edited\n")
    rx._digests.clear()
    assert rx.derived(lead, header, "used") == "[\\x67]" and len(worked) == 2
    module.write_text("# second version\n")
    rx._digests.clear()
    assert rx.derived(lead, header, "used") == "[\\x67]" and len(worked) == 3


def test_only_the_patterns_a_run_uses_are_read_from_the_cache(fresh):
    """A cache other runs filled (up to rx.MOST patterns: 2.6 MB on a machine that
    ran the tests) is read for its keys; a pattern's code becomes ints only when a
    run compiles it, and a pattern read so is written back as it was."""
    _, restart = fresh
    made = {(p, f): rx.compile(p, f) for p, f in patterns()}
    rx._save()
    restart()
    (p, f), *rest = patterns()
    assert rx.compile(p, f) == made[p, f]
    assert not isinstance(rx._known[p, f], bytes)
    assert all(isinstance(rx._known[key], bytes) for key in rest)
    rx._learn(("a new one", 0), rx._compiled("a new one", 0)[0])
    rx._save()
    restart()
    assert [rx.compile(p, f) for p, f in patterns()] == list(made.values())
    assert rx.compile("a new one") == re.compile("a new one")


def test_a_long_derived_value_is_kept_compressed_and_read_back_as_it_was(fresh):
    """A join automaton (~45 KB as marshal writes it) is kept compressed; a
    pattern's code as it is (the grammar's classifier's ~50 KB, read by every
    run: decompressing costs more than its bytes do): each reads back as made."""
    import marshal

    from stackdemux.demux import splice_joins
    from stackdemux.demux.splice_score import narrow

    _, restart = fresh
    source, short = line_grammar().source, r"goroutine (\d+) \[([^\]]*)\]:"
    kind = narrow("g").pattern  # (what the splicer joins a goroutine header's head by)
    rx.compile(source)
    rx.compile(short)
    built = rx.derived(splice_joins._built, kind, "stackdemux.grammar", "stackdemux.sre")
    rx._save()
    restart()
    rx._cache()
    key = next(k for k in rx._known if k[:2] == ("derived", "_built"))
    assert rx._known[key][:1] == rx._ZIPPED
    assert len(rx._known[key]) * 4 < len(marshal.dumps(built))
    for pattern in (source, short):
        assert rx._known[pattern, 0] == marshal.dumps(rx._compiled(pattern, 0)[0])
    assert rx.derived(splice_joins._built, kind, "stackdemux.grammar",
                      "stackdemux.sre") == built == splice_joins._built(kind)
    assert rx.compile(source) == re.compile(source)
    assert rx.compile(short) == re.compile(short)


def test_the_cache_is_bounded_dropping_the_entries_least_recently_used(
        fresh, monkeypatch: pytest.MonkeyPatch):
    """Past MOST_BYTES the file loses the entries first in it: those written or
    used longest ago. A process's own entries are written last."""
    _, restart = fresh
    old = [f"old {n} (a+)+b" for n in range(8)]
    for p in old:
        rx.compile(p)
    rx._save()
    restart()
    rx.compile(old[0])  # used again: now among the most recent
    new = [f"new {n} [a-z]{{2,9}}" for n in range(8)]
    for p in new:
        rx.compile(p)

    def size(p: str) -> int:
        return rx._size((p, 0), rx._encoded((p, 0), rx._compiled(p, 0)[0]))

    kept = [old[6], old[7], old[0], *new]
    monkeypatch.setattr(rx, "MOST_BYTES", sum(map(size, kept)))
    rx._save()
    restart()
    assert list(rx._cache()) == [(p, 0) for p in kept]
    assert [rx.compile(p) for p in kept] == [re.compile(p) for p in kept]
