"""Conservation: demultiplexing loses nothing and invents nothing.

Every input line ends in exactly one place: whole in one stream, whole in the
noise, or cut into pieces (a mid-line splice, a stripped prefix) whose column
ranges tile the line after its prefix, each piece in exactly one stream text.
Checked on every real sample, on hypothesis-generated interleavings of real
samples, and (tests/test_corpus.py, next to the scorer that reads the same
demultiplexing) on every corpus case.
"""

from __future__ import annotations

import gzip
import itertools
import random
from collections import Counter
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackdemux.demux import Demuxed, demultiplex_detail
from stackdemux.ingest import ingest
from stackdemux.model import Source

ROOT = Path(__file__).resolve().parent.parent

CONFORMANCE = Path("/work/shared/conformance")


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def sample_files() -> list[Path]:
    files = sorted(ROOT.glob("samples/go*/*.txt")) + sorted(ROOT.glob("tests/data/wrapped/*.jsonl"))
    files += sorted(p for p in ROOT.glob("tests/data/lossless/*") if p.is_file())
    files += sorted(p for p in CONFORMANCE.rglob("*") if p.is_file() and p.suffix in (".txt", ""))
    return files


# Wrappers whose records carry the program's output in a JSON field
# (demux/wrapped.py): a record's text, not its line, is what must be kept.
JSON_LAYERS = {"test2json": "Output", "docker-json": "log", "journald-json": "MESSAGE",
               "json-lines": None}
# The fields a JSON-lines logger writes its text in, first found first.
LOG_FIELDS = ("msg", "message", "log", "output", "Output", "MESSAGE")


def record_text(line: str, layer: str) -> str:
    """What a record says the program printed, as the wrapper documents it: the
    field's text (the journal's array of bytes decoded), ended by a newline
    unless the record continues in the next (test2json and docker cut lines
    without one; the journal marks a cut with `_LINE_BREAK=line-max`; a
    JSON-lines logger writes whole lines). A line that is no record is its own
    text; a record with no text says nothing ("")."""
    try:
        rec = orjson.loads(line)
    except orjson.JSONDecodeError:
        rec = None
    if not isinstance(rec, dict):
        return line + "\n" if line.strip() else ""
    hits = (rec.get("hits") or {}).get("hits") if isinstance(rec.get("hits"), dict) else None
    if layer == "json-lines" and isinstance(hits, list) and hits:
        # an Elasticsearch search response: its hits' documents, each a record
        return "".join(record_text(orjson.dumps(h["_source"]).decode(), layer) for h in hits)
    field = JSON_LAYERS[layer]
    names = (field,) if field else LOG_FIELDS
    # (only the journal gives a text as an array of its bytes; any other list, or
    # one of no bytes, `"Output":["panic: x\n"]`, says nothing)
    kinds = str | list if layer == "journald-json" else str
    text = next((rec[f] for f in names if isinstance(rec.get(f), kinds)), None)
    if isinstance(text, list):
        try:
            text = bytes(text).decode("utf-8", "replace")
        except (TypeError, ValueError):
            text = None
    if text is None:
        return ""
    if layer == "journald-json" and rec.get("_LINE_BREAK") != "line-max":
        return text + "\n"  # a record is a line: an empty one too
    if layer == "json-lines" and not text.endswith("\n"):
        return text + "\n"
    return text


def record_lines(text: str) -> list[str]:
    """The lines a record's text holds: the last one open when no newline ends it."""
    if not text:
        return []
    parts = text.split("\n")
    if text.endswith("\n"):
        parts.pop()
    return parts


def check_conservation(source: Source, d: Demuxed | None = None) -> None:
    if d is None:
        d = demultiplex_detail(source)
    json_layer = next((x for x in d.layers if x in JSON_LAYERS), None)
    if json_layer is not None and "paste" not in d.layers:
        return check_records(source, d, json_layer)
    if json_layer is not None:
        return check_repaired_records(source, d, json_layer)
    lines = source.lines
    # a paste repair rewrites text: its columns are kept, not its text
    wrapped = "paste" in d.layers
    whole: dict[int, str] = {}  # line → where it went whole
    cols: dict[int, list[tuple[int, int, str]]] = {}
    for s in d.streams:
        assert len(s.numbers) == len(s.texts), s.id
        for j, text in enumerate(s.texts):
            where = f"{s.id}[{j}]"
            pieces = s.pieces.get(j)
            if not pieces:
                n = s.numbers[j]
                stripped = s.prefix_lengths[j] if s.prefix_lengths else 0  # a collector prefix
                assert text == lines[n - 1][stripped:] or wrapped, (where, text, lines[n - 1])
                assert n not in whole, f"line {n} in {whole[n]} and {where}"
                whole[n] = where
                continue
            if not wrapped:
                assert text == "".join(lines[n - 1][a:b] for n, a, b in pieces), where
            for n, a, b in pieces:
                cols.setdefault(n, []).append((a, b, where))
    for a, b in d.noise:
        for n in range(a, b + 1):
            assert n not in whole, f"line {n} in noise and in {whole.get(n)}"
            assert n not in cols, f"line {n} in noise and in pieces {cols.get(n)}"
            whole[n] = "noise"
    for n, parts in cols.items():
        assert n not in whole, f"line {n} whole in {whole.get(n)} and in pieces {parts}"
        if wrapped:
            continue
        parts.sort()
        end = parts[0][0]  # columns before the first piece: a stripped prefix
        for a, b, where in parts:
            assert a == end, f"line {n}: columns {end}..{a} lost or doubled before {where}"
            end = b
        assert end == len(lines[n - 1]), f"line {n}: columns {end}.. lost"
    missing = [n for n in range(1, len(lines) + 1) if n not in whole and n not in cols]
    assert not missing, f"lines in no stream and not noise: {missing[:10]}"


def check_repaired_records(source: Source, d: Demuxed, layer: str) -> None:
    """JSON records whose text a paste repair rewrote: the repair keeps columns
    of texts, which several texts of one record share, so only where each
    record went is checked: a record with text somewhere, one without none but
    the noise."""
    lines = source.lines
    placed: set[int] = set()
    for s in d.streams:
        assert len(s.numbers) == len(s.texts), s.id
        placed.update(s.numbers)
        placed.update(n for ps in s.pieces.values() for n, _, _ in ps)
    noise = {n for a, b in d.noise for n in range(a, b + 1)}
    for n in range(1, len(lines) + 1):
        if record_text(lines[n - 1], layer):
            assert n in placed or n in noise, f"record {n} in no stream and not noise"
        else:
            assert n not in placed and n in noise, f"record {n} has no text: noise only"


def check_records(source: Source, d: Demuxed, layer: str) -> None:
    """Conservation of a log of JSON records, exact: each record's text, cut
    into its lines, is given out once, whatever number of texts it became.
    A text is one line of a record (its number), or lines joined across records
    (`pieces` list the records, each a whole input line): the open end of the
    first record, the records between whole, the start of the last. The noise
    holds a record's lines that no stream took, or the records with no text."""
    lines = source.lines
    # record → (chars set aside before it, text given): a text read after a
    # carriage return keeps what the terminal overwrote as a prefix (overwritten.py)
    given: dict[int, list[tuple[int, str]]] = {}
    taken: dict[int, set[int]] = {}  # record → indices of its lines joined into texts
    # record → columns of the pieces the write layer cut its lines into: a
    # record's text (its lines and newlines) in the order the region held them
    cut: dict[int, list[tuple[int, int, str]]] = {}
    for s in d.streams:
        assert len(s.numbers) == len(s.texts), s.id
        for j, text in enumerate(s.texts):
            where = f"{s.id}[{j}]"
            pieces = s.pieces.get(j)
            if not pieces:
                aside = s.prefix_lengths[j] if s.prefix_lengths else 0
                given.setdefault(s.numbers[j], []).append((aside, text))
                continue
            if any(a != 0 or b != len(lines[n - 1]) for n, a, b in pieces):
                for n, a, b in pieces:
                    cut.setdefault(n, []).append((a, b, where))
                continue
            records = [n for n, _, _ in pieces]
            assert len(set(records)) == len(records), (where, pieces)
            parts = [record_lines(record_text(lines[n - 1], layer)) or [""] for n in records]
            first, last = records[0], records[-1]
            joined = parts[0][-1] + "".join(p[0] for p in parts[1:])
            assert text == joined, (where, text, joined)
            for n, p in zip(records[1:-1], parts[1:-1], strict=True):
                assert len(p) == 1, f"record {n} joined whole in {where} holds lines {p}"
            # the first record's open end, the last's start: one line when one
            # record (a whole line whose line break another text took)
            ends = ((first, len(parts[0]) - 1), (last, 0))[:1 if first == last else 2]
            for n, k in ends:
                assert k not in taken.get(n, ()), f"record {n}: its line {k} joined twice"
                taken.setdefault(n, set()).add(k)
            for n in records[1:-1]:
                taken.setdefault(n, set()).add(0)
    noise = {n for a, b in d.noise for n in range(a, b + 1)}
    for n in range(1, len(lines) + 1):
        text = record_text(lines[n - 1], layer)
        parts = record_lines(text)
        left = Counter(p for k, p in enumerate(parts) if k not in taken.get(n, ()))
        for aside, t in given.get(n, ()):
            # the record's line it is: all of it after the chars set aside
            line = t if not aside and t in left else next(
                (p for p in left if len(p) == aside + len(t) and p[aside:] == t), None)
            assert line is not None, f"record {n}: {t!r} given but not its own or given twice"
            left[line] -= 1
            if not left[line]:
                del left[line]
        lost = list(left.elements())
        if n in cut:  # the lines left are in pieces: each column once, all of them
            pieces = sorted(cut[n])
            for (_, b, where), (a, _, other) in itertools.pairwise(pieces):
                assert b <= a, f"record {n}: columns {a}..{b} in {where} and {other}"
            width = sum(b - a for a, b, _ in pieces)
            assert width == sum(map(len, lost)), f"record {n}: {width} chars in pieces of {lost}"
            lost = []
        if lost or not parts:
            assert n in noise, f"record {n}: its lines {lost} in no stream and not noise"
        else:
            assert n not in noise, f"record {n} given out whole and in the noise too"


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_real_sample_is_conserved(path: Path) -> None:
    check_conservation(ingest(_read(path), path.name))


def _sample_lines() -> list[list[str]]:
    out = []
    for f in sorted(ROOT.glob("samples/go*/*.txt")):
        lines = f.read_text(encoding="utf-8", errors="replace").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if lines:
            out.append(lines)
    return out


SAMPLES = _sample_lines()


def merge(logs: list[list[str]], seed: int, cut: bool) -> list[str]:
    """Interleave logs keeping each one's order; with `cut`, some lines are
    split mid-way and their halves land apart (a slow pipe reader)."""
    rng = random.Random(seed)
    queues = [list(lines) for lines in logs]
    out: list[str] = []
    carry = ""
    while any(queues):
        q = rng.choice([q for q in queues if q])
        line = q.pop(0)
        if cut and len(line) > 4 and rng.random() < 0.1:
            k = rng.randrange(1, len(line))
            out.append(carry + line[:k])
            carry = ""
            q.insert(0, line[k:])
            continue
        out.append(carry + line)
        carry = ""
    if carry:
        out.append(carry)
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, len(SAMPLES) - 1), min_size=2, max_size=5),
       st.integers(0, 2**32), st.booleans())
def test_interleavings_of_real_samples_are_conserved(picks: list[int], seed: int,
                                                      cut: bool) -> None:
    lines = merge([SAMPLES[i] for i in picks], seed, cut)
    check_conservation(ingest("\n".join(lines) + "\n"))


# --- the checker itself: exact for records holding several lines ------------

JOURNAL_STACKS = ROOT / "tests/data/lossless/journald-multiline.jsonl"


def _journal_stacks() -> tuple[Source, Demuxed]:
    # two services logging a recovered panic's stack as one journal record
    # each (MESSAGE with newlines), then crashing line by line through systemd-cat
    source = ingest(JOURNAL_STACKS.read_bytes(), JOURNAL_STACKS.name)
    return source, demultiplex_detail(source)


def test_a_journal_record_of_many_lines_is_given_out_once_in_as_many_texts():
    source, d = _journal_stacks()
    assert d.layers == ["journald-json"]
    first = [t for t, n in zip(d.streams[0].texts, d.streams[0].numbers, strict=True) if n == 1]
    assert first[0] == "panic: runtime error: index out of range [3] with length 1"
    assert len(first) == 16 and first[2] == "goroutine 1 [running]:"
    check_conservation(source, d)


def test_a_line_of_a_record_lost_or_given_twice_is_caught():
    source, d = _journal_stacks()
    s = d.streams[0]
    numbers, texts = list(s.numbers), list(s.texts)
    s.numbers, s.texts = numbers[:3] + numbers[4:], texts[:3] + texts[4:]
    with pytest.raises(AssertionError, match=r"record 1: .* in no stream"):
        check_conservation(source, d)
    s.numbers, s.texts = [*numbers, 1], [*texts, texts[3]]
    with pytest.raises(AssertionError, match=r"record 1: .* given twice"):
        check_conservation(source, d)
    s.numbers, s.texts = numbers, [*texts[:3], "runtime/debug.Stack(0x0)", *texts[4:]]
    with pytest.raises(AssertionError, match="record 1"):
        check_conservation(source, d)


def test_a_text_of_one_whole_record_takes_its_line_once_and_only_once():
    # A record's line given out as a text of one piece (its line break another
    # text's): counted once; the same piece in a second text is caught.
    source, d = _journal_stacks()
    s = d.streams[0]
    k = next(j for j, n in enumerate(s.numbers) if n > 1 and n not in s.numbers[j + 1:]
             and s.numbers.count(n) == 1 and j not in s.pieces)
    n, width = s.numbers[k], len(source.lines[s.numbers[k] - 1])
    record = record_lines(record_text(source.lines[n - 1], "journald-json"))
    assert record == [s.texts[k]], "a record of one line"
    s.pieces[k] = [(n, 0, width)]
    check_conservation(source, d)
    s.numbers, s.texts = [*s.numbers, n], [*s.texts, s.texts[k]]
    s.pieces[len(s.texts) - 1] = [(n, 0, width)]
    with pytest.raises(AssertionError, match=f"record {n}: its line 0 joined twice"):
        check_conservation(source, d)


def test_a_record_whose_lines_all_went_out_is_not_noise_as_well():
    source, d = _journal_stacks()
    d.noise = [(1, 1)]
    with pytest.raises(AssertionError, match="record 1 given out whole and in the noise"):
        check_conservation(source, d)


def _journald_cases() -> list:
    import sys

    sys.path.insert(0, str(ROOT / "tests/corpus"))
    import score

    return score.load_cases(mode="prefix-journald")


JOURNALD_CASES = _journald_cases()


def test_every_journald_capture_of_the_corpus_is_checked():
    assert len(JOURNALD_CASES) == 9
    assert sum(c.name.endswith("-json") for c in JOURNALD_CASES) == 2


@pytest.mark.parametrize("case", JOURNALD_CASES, ids=lambda c: c.name)
def test_every_journald_corpus_case_is_conserved(case):
    source = ingest(case.input(), case.name)
    d = demultiplex_detail(source)
    if case.name.endswith("-json"):
        assert d.layers == ["journald-json"]  # each record's text checked, not only its line
    check_conservation(source, d)
