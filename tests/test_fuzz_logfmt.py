"""Fuzzing the logfmt repair (demux/paste_logfmt.py): a stack a logger wrote one
line a record, each line a Go-quoted value, as the three loggers of the real
pastes write it (convox's `trace=%q`, dockerd's `msg=%q` of a plugin's stderr,
fluentd's `pattern not match: "…"`), then mangled: escapes broken or cut,
attacker text and huge numbers inside the values, records lost or repeated.

Whatever the records: no exception of ours, every input line in one stream or
the noise, every output inert; unmangled, they read as the traceback itself.
"""

from __future__ import annotations

import random
import re
import sys
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stackdemux.api import analyze
from stackdemux.demux import paste_logfmt
from stackdemux.demux.paste_logfmt import quoted_values, unquote
from stackdemux.grammar import compile_rule, grammar_text
from stackdemux.ingest import ingest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_fuzz import (
    HOSTILE,
    cut,
    huge_number,
    keeps_the_promises,
    lines_run,
    outputs_are_valid_for_their_systems,
    repeated,
    seeded,
    windows,
)

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT / "samples" / "wild"
CONVOX = WILD / "convox2537_logfmt_trace_records_lines_lost.txt"

# ------------------------------------------------------------ found defects ---


class _Scanned:
    """A pattern that counts the characters its matches read (a work counter)."""

    def __init__(self, pattern):  # type: ignore[no-untyped-def]
        self.pattern, self.read = pattern, 0

    def match(self, text: str, pos: int = 0):  # type: ignore[no-untyped-def]
        m = self.pattern.match(text, pos)
        self.read += (m.end() if m else pos) - pos
        return m


def test_a_record_s_last_quoted_string_is_found_reading_each_character_once(monkeypatch):
    # A line of `\"` after one quote: every quote in it is escaped, so no string
    # closes. Each was searched again as a string's opening, to the line's end:
    # 40 KB took 5 s in analyze() beside the convox paste, a megabyte hours.
    scanned = _Scanned(paste_logfmt._OPENED)
    monkeypatch.setattr(paste_logfmt, "_OPENED", scanned)
    line = 'x "' + '\\"' * 50_000
    assert quoted_values(line) == []
    assert scanned.read <= len(line)
    # ... and the strings are still paired left to right, the last one taken
    assert quoted_values('x "a \\" b" "c"') == [("x \"a \\\" b\" ", '"c"')]
    assert quoted_values('pattern not match: "a \\"b\\" c"') == [
        ("pattern not match: ", '"a \\"b\\" c"')]


def test_a_convox_paste_with_a_line_of_escaped_quotes_reads_as_without_it():
    base = CONVOX.read_bytes()
    hostile = b'2018-03-09T17:53:53Z x "' + b'\\"' * 20_000 + b"\n"
    want = [(r.message, len(r.goroutines)) for r in analyze(base).reports]
    assert [(r.message, len(r.goroutines)) for r in analyze(base + hostile).reports] == want
    keeps_the_promises(base + hostile)


@cache
def _grammar_pair() -> tuple[re.Pattern[str], dict[str, int]]:
    source, fields = compile_rule(grammar_text("records.lark"), "pair", "records.lark")
    return re.compile(source), fields


def _grammar_pairs(text: str) -> list[tuple[str, str | None]]:
    """records.lark's `pair` as compiled, sought left to right: the whole words."""
    pair, fields = _grammar_pair()
    return [(m.group(fields["key"]), m.group(fields["quoted"])) for m in pair.finditer(text)
            if (not m.start() or text[m.start() - 1].isspace())
            and (m.end() == len(text) or text[m.end()].isspace())]


def test_a_key_is_sought_from_the_start_of_a_word_alone():
    # The grammar's pair sought with finditer tried a key at every character,
    # reading up to 256 characters on for its `=`: a line holding a quote and a
    # word of a megabyte took ~3 s in analyze() (bench_adversarial
    # logfmt-long-word). The scan starts a key only where no key character
    # stands before it: one try a run of key characters, read once.
    scan = paste_logfmt._syntax()[0]
    word = "ab" * 2000 + "=v"
    assert [m.start() for m in scan.finditer(word)] == [0]
    assert all(scan.match(word, i) is None for i in range(1, len(word) - 2))
    # ... and reads the pairs the grammar's pair reads, a key past KEY's 256
    # characters too (the run's last 256 are a key, inside a word)
    for text in [word, "a" * 300 + '="x"', "a" * 256 + '="x" b=1', 'k=" a"b=c d="e"',
                 'x"a=" b=2 "', "a=b=c", 'a="\\" b="\" c=d"']:
        assert list(paste_logfmt._words(text)) == _grammar_pairs(text), text


_PAIR_PIECES = st.sampled_from(["a", "b", "=", '"', "\\", " ", "\t", "\n", "é", '\\"', '="',
                                "x" * 255, "y" * 256, "z" * 257])


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(_PAIR_PIECES, max_size=14).map("".join))
def test_the_scan_reads_the_pairs_the_grammar_reads(text: str):
    assert list(paste_logfmt._words(text)) == _grammar_pairs(text)


def _keyed_records(n: int) -> bytes:
    # n keys, each proven by a record whose value is a frame's file line, and
    # after each a record of other pairs (a candidate for dockerd's empty line)
    return "".join(f'level=error k{i}="\\t/a/b.go:{i + 1} +0x1"\nlevel=error\n'
                   for i in range(n)).encode()


def test_a_record_between_two_lines_is_checked_against_its_neighbour_s_key_alone():
    # Each record between two read as traceback lines was searched for every key
    # the log proved (`key=` in it): 8 000 keys of 16 000 records took 5.7 s.
    # Now the key the record before was read under: as much work a record
    # whatever the log's keys.
    from stackdemux.demux.paste import repair

    def work(n: int) -> int:
        source = ingest(_keyed_records(n))
        return lines_run({"_empty_record"}, lambda: repair(source.lines))

    small, big = work(200), work(800)
    assert big <= 4.4 * small, (small, big)


# ------------------------------------------------------------- the records ---


def go_quote(line: bytes) -> str:
    """strconv.Quote (fmt's %q) of a line's bytes: `"` and `\\` escaped, a
    control character by its letter or `\\xNN`, a byte that is no UTF-8 `\\xNN`,
    a rune that does not print `\\uNNNN` / `\\UNNNNNNNN`."""
    out = ['"']
    for ch in line.decode("utf-8", "surrogateescape"):
        c = ord(ch)
        if 0xDC80 <= c <= 0xDCFF:
            out.append(f"\\x{c - 0xDC00:02x}")
        elif ch in '"\\':
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        elif ch in _LETTERS:
            out.append("\\" + _LETTERS[ch])
        elif c < 0x20 or c == 0x7F:
            out.append(f"\\x{c:02x}")
        else:
            out.append(f"\\u{c:04x}" if c < 0x10000 else f"\\U{c:08x}")
    out.append('"')
    return "".join(out)


_LETTERS = dict(zip("\a\b\f\n\r\t\v", "abfnrtv", strict=True))

# What each real paste's logger writes around the value (samples/wild/).
LOGGERS = {
    "convox": lambda i, q: ("2018-03-09T17:53:53Z service/web:20180308185456/29ba273cc81b "
                            f"ns=kernel at=panic state=error id=2008019434 line={i} trace={q}"),
    "dockerd": lambda i, q: (f'dockerd[1957]: time="2021-01-19T19:12:{i % 60:02d}Z" level=error '
                             f"msg={q} plugin=5289ecdf1e9fa5e2efa88ef5d4cad637cf81b525e9304083"
                             "b3fd6d5d8df7384d"),
    "fluentd": lambda i, q: f"2016-02-23 23:44:{i % 60:02d} +0000 [warn]: pattern not match: {q}",
}


def records(d: bytes, logger: str) -> bytes:
    """The sample's lines, each a record of `logger` holding it quoted."""
    lines = d.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    write = LOGGERS[logger]
    return "\n".join(write(i, go_quote(x)) for i, x in enumerate(lines)).encode() + b"\n"


def _reading(data: bytes) -> list:
    return [(r.kind, r.message, [(g.id, g.state, [(f.func, f.file, f.line) for f in g.frames])
                                 for g in r.goroutines]) for r in analyze(data).reports]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.binary(max_size=40) | st.text(max_size=20).map(lambda t: t.encode("utf-8",
                                                                           "surrogatepass")))
def test_what_strconv_quote_writes_unquotes_to_the_bytes_it_quoted(data: bytes):
    # every escape it writes (\xNN of a byte that is no UTF-8, \uNNNN, \UNNNNNNNN,
    # a control character's letter) read back; the bytes shown as ingest shows them
    assert unquote(go_quote(data)) == data.decode("utf-8", "replace")


@pytest.mark.parametrize("logger", sorted(LOGGERS))
@pytest.mark.parametrize("sample", ["go1.27/nil_pointer.txt", "go1.19/skopeo_vendor.txt",
                                    "go1.23/deadlock.txt", "go1.21/http_panic.txt"])
def test_a_real_traceback_logged_a_line_a_record_reads_as_itself(sample: str, logger: str):
    d = (ROOT / "samples" / sample).read_bytes()
    assert _reading(records(d, logger)) == _reading(d)


# ------------------------------------------------------------- mutations ---


def broken_escapes(r: random.Random, d: bytes) -> bytes:
    """Escapes cut, unknown or out of range where a value holds one: `\\x4`,
    `\\q`, `\\U00110000` (past Unicode), `\\ud800` (a surrogate), `\\777`, a
    backslash at a value's end, a quote unescaped."""
    text = d.decode("utf-8", "surrogateescape")
    spots = [i for i, ch in enumerate(text) if ch in '\\"']
    for i in sorted(r.sample(spots, min(len(spots), r.randint(1, 12))), reverse=True):
        bad = r.choice(["\\x4", "\\q", "\\U00110000", "\\ud800", "\\777", "\\", '"', "\\x",
                        "\\u12", "\\" * r.randint(2, 7), '\\"' * r.randint(1, 400)])
        text = text[:i] + bad + text[i + r.randint(0, 2):]
    return text.encode("utf-8", "surrogateescape")


def hostile_values(r: random.Random, d: bytes) -> bytes:
    """Attacker text Go-quoted inside the values, as a logger writes it."""
    ls = d.split(b"\n")
    for _ in range(r.randint(1, 6)):
        i = r.randrange(len(ls))
        q = go_quote(b"".join(r.choice(HOSTILE) for _ in range(r.randint(1, 3))))[1:-1]
        k = ls[i].rfind(b'"') if b'"' in ls[i] else len(ls[i])
        ls[i] = ls[i][:k] + q.encode("utf-8", "surrogatepass") + ls[i][k:]
    return b"\n".join(ls)


RECORD_MUTATIONS = [broken_escapes, hostile_values, huge_number, cut, windows, repeated]


def mangled_records(r: random.Random, d: bytes) -> bytes:
    data = records(d, r.choice(sorted(LOGGERS)))
    for _ in range(r.randint(1, 3)):
        data = r.choice(RECORD_MUTATIONS)(r, data)
    return data


POOL = [f.read_bytes() for f in sorted(ROOT.glob("samples/go*/*.txt")) if f.stat().st_size < 20_000]


@seeded(POOL, 8)
def test_mangled_records_of_a_real_traceback_keep_every_promise(index: int, seed: int):
    r = random.Random(seed)
    analysis = keeps_the_promises(mangled_records(r, POOL[index]))
    if analysis is not None:
        outputs_are_valid_for_their_systems(analysis)
