"""What the write layer takes for one write() (issue 3): words, whole lines.

The runtime prints a traceback line as one write() per print argument, and
the fixed pieces of text among them (`goroutine `, `created by `, ` in
goroutine `) are the grammar's string literals. The write layer takes those
for writes of their own (writes_tokens.grammar_words): a write may end before
and after one, and a write holding one further in is two writes glued. A
terminal's regex spells a value printed whole (a test's log line
`x_test.go:12: msg` is one write): its literal characters are no such words.

The lines a library formats whole (testing's `--- FAIL: `, cmd/go's
`FAIL\t<pkg>`, net/http's log line) are one write each, their newline with
them: no write ends inside one (writes_dfa.WHOLE_LINE_KINDS).

Checked here against the corpus's strace'd writes (tests/corpus/cases/*-writes-*:
truth.json says who wrote every byte, so wherever the owner changes, one
write ended and another began).
"""

from __future__ import annotations

import gzip
import json
import re
from functools import cache
from pathlib import Path

from stackdemux.demux.writes_dfa import WHOLE_LINE_KINDS
from stackdemux.demux.writes_tokens import grammar_words
from stackdemux.grammar import grammar_text, line_grammar, string_literals

CASES = Path(__file__).parent / "corpus" / "cases"
WRITE_CASES = sorted(d.name for d in CASES.iterdir() if "-writes-" in d.name)


def _read(path: Path) -> bytes:
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.suffix == ".gz" else raw


@cache
def _owned(name: str) -> tuple[str, list[object]]:
    """A write-level case's text and the process that wrote each character."""
    d = CASES / name
    truth_file = d / "truth.json" if (d / "truth.json").exists() else d / "truth.json.gz"
    truth = json.loads(_read(truth_file))
    raw = _read(d / truth["input"])
    by_byte = [o for o, n in truth["ownership"] for _ in range(n)]
    text = raw.decode()
    owners, at = [], 0
    for ch in text:
        owners.append(by_byte[at])
        at += len(ch.encode())
    return text, owners


def _seen(word: str) -> tuple[int, int, int]:
    """In every write-level case: how often `word` stands, how often another
    process's write ends right before it, how often one falls inside it."""
    seen = starts = cut = 0
    for name in WRITE_CASES:
        text, owners = _owned(name)
        for m in re.finditer(re.escape(word), text):
            a, b = m.start(), m.end()
            seen += 1
            starts += a > 0 and owners[a - 1] != owners[a]
            cut += any(owners[k] != owners[k + 1] for k in range(a, b - 1))
    return seen, starts, cut


def _words() -> list[str]:
    return [w for w in line_grammar().literals if grammar_words().fullmatch(w)]


def test_the_words_are_the_grammars_string_literals_and_no_regexs_characters():
    words = _words()
    assert {"goroutine ", "created by ", " in goroutine ", "panic: ", "fatal error: ",
            " [recovered]", " [recovered, repanicked]"} <= set(words)
    # literal characters inside terminals' regexes: LOGSTAMP's `.go`, `[Ww]rite`, `[Aa]tomic `
    for inside_a_value in (".go:", "rite", "tomic ", "Previous "):
        assert grammar_words().search(inside_a_value) is None, inside_a_value


def test_a_regex_holding_a_source_files_colon_adds_no_word():
    # the file-only log prefix helper "wild2" wants in LOGSTAMP, beside a literal
    text = ('start: [STAMP] "http: panic serving " REMOTE\n'
            'STAMP: /(?:[\\w.\\/@+-]+\\.go:[0-9]+: )/\n'
            'REMOTE: /[^\\s]+/\n'
            'M: /[0-9]+/ | "nil"\n'
            'start2: "x" M\n')
    assert string_literals(text) == ["http: panic serving ", "nil", "x"]
    # a terminal only declared, a literal with a flag (every grammar of grammars/ compiles)
    assert string_literals('start: "FAIL"i X\n%declare X\n') == ["FAIL"]


def test_no_other_process_writes_inside_a_word():
    # one print argument: another process's write falls before or after it, never
    # inside (`.go:` would fail: `main.go` and `:` are two writes, cut 64 times)
    cut = {w: got for w in _words() if (got := _seen(w))[2]}
    assert cut == {}


def test_a_word_seen_twice_starts_a_write_somewhere():
    # a print argument of its own: somewhere another process's write ends right
    # before it (measured: `goroutine ` 251 times of 10520, `panic: ` 45 of 50,
    # `FAIL` 15 of 22); the characters of a regex never do (`rite` of `[Ww]rite`:
    # 0 of 54, `.go:` 0 of 22392, `, repanicked]` 0 of 2)
    seen = {w: _seen(w) for w in _words()}
    checked = {w: got for w, got in seen.items() if got[0] >= 2}
    assert len(checked) >= 12  # the words the corpus's runtimes print
    assert {w: got for w, got in checked.items() if not got[1]} == {}


def test_the_real_grammar_has_the_literals_the_runtime_prints():
    # the grammar file itself: every word is text it quotes
    text = grammar_text("traceback.lark")
    for w in _words():
        assert json.dumps(w) in text, w


def _cut_lines() -> dict[str, tuple[int, int]]:
    """Per line kind, in each process's own output: its lines, and how many of
    them another process's write cut (a write of its ended inside the line)."""
    out: dict[str, tuple[int, int]] = {}
    for name in WRITE_CASES:
        d = CASES / name
        truth_file = d / "truth.json" if (d / "truth.json").exists() else d / "truth.json.gz"
        truth = json.loads(_read(truth_file))
        ends: dict[int, set[int]] = {}
        for owner, n in truth["ownership"]:
            if isinstance(owner, int):
                mine = ends.setdefault(owner, {0})
                mine.add(max(mine) + n)
        for i, p in enumerate(truth["processes"]):
            at = 0
            for line in _read(d / p["output"]).decode().split("\n"):
                kind = line_grammar().classify(line)[0] if line else "blank"
                size = len(line.encode())
                cut = any(k in ends[i] for k in range(at + 1, at + size + 1))
                lines, cuts = out.get(str(kind), (0, 0))
                out[str(kind)] = (lines + 1, cuts + cut)
                at += size + 1
    return out


def test_a_line_written_whole_is_never_cut_and_the_runtimes_lines_are():
    by_kind = _cut_lines()
    whole = {k: got for k, got in by_kind.items() if k in WHOLE_LINE_KINDS}
    # measured: `--- FAIL: ` 6 lines, `FAIL\t<pkg>` 8, `FAIL` 8, none cut
    assert sum(lines for lines, _ in whole.values()) >= 20
    assert {k: got for k, got in whole.items() if got[1]} == {}
    # the runtime's own lines are print pieces: cut (frame lines 1661 times of 23702)
    for kind in ("frame_file", "frame_call", "goroutine_header", "created_by", "panic"):
        assert by_kind[kind][1] > 0, kind
