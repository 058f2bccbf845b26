"""Demultiplex a log into the streams of the processes that wrote it.

Order of work: wrapped logs (JSON records) → per-line prefixes → for each
resulting stream, the structural separation of line-interleaved tracebacks
(interleave.py), with mid-line splices cut apart and joined back (splice.py).

A log holding one process's traceback takes a fast path: one bulk regex
search (derived from the line grammar) counts report openers and goroutine
ids; when nothing repeats, the log is one stream and nothing else runs. A
stream that begins with a report's first line is read by the parser first
(one_stream.py), whose reading, kept for the parse, proves that too.

Conservation: every input line ends in exactly one stream, or in the noise,
or (for a spliced line) each of its pieces ends in exactly one stream; a
stripped prefix is recorded by the pieces' start columns.
"""

from __future__ import annotations

import gc
import itertools
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from .. import line_chunks, rx
from ..firstchars import first_chars
from ..grammar import grammar_text, line_grammar
from ..model import Diagnostic, Source, Span, Stream
from ..parse import _spans
from .cut_lines import rejoin_cut_lines
from .noise_lines import Noise, NoiseLines
from .overwritten import read_after_carriage_returns
from .write_records import rejoin_write_records

__all__ = ["Demuxed", "demultiplex", "demultiplex_detail", "needs_separation"]


@dataclass(slots=True)
class Demuxed:
    streams: list[Stream]
    noise: list[Span]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    layers: list[str] = field(default_factory=list)  # what was undone: "test2json", "compose", ...
    cut: list[int] = field(default_factory=list)  # input lines of rows a pane cut (Stream.cut)


def demultiplex(source: Source, user_prefix: str | None = None,
                id_prefix: str = "s") -> tuple[list[Stream], list[Span]]:
    """Streams (ids `{id_prefix}{n}`) and the noise spans of lines no stream claims."""
    d = demultiplex_detail(source, user_prefix, id_prefix)
    return d.streams, d.noise


def demultiplex_detail(source: Source, user_prefix: str | None = None,
                       id_prefix: str = "s", keep_parse: bool = True) -> Demuxed:
    """`keep_parse`: what the parser read of a stream on the way (sequential.py)
    stays on it for the parse; a caller that only splits passes False and holds
    one stream's reading at a time instead of all of them."""
    from .budget import one_budget
    from .prefixes_strip import no_cyclic_gc

    # Demultiplexing a log that is all tracebacks allocates millions of objects
    # (texts, the parser's readings kept) and makes no cycles: the cyclic GC,
    # left on by a library caller, rescanned them over and over (60 MB of compose
    # crashes: 8.7 s of CPU with it, 5.5 s without). api.analyze runs so too.
    caller_gc = gc.isenabled()
    with no_cyclic_gc(), one_budget():  # (one work budget for the log's beams)
        out = _demultiplex(source, user_prefix, id_prefix, keep_parse)
        if caller_gc:
            # What it made lives on (streams, readings kept for the parse): moved
            # to the oldest generation as they are (two list splices), where
            # re-enabling the GC would have traversed them all as young at the
            # caller's next allocation (60 MB of compose crashes: 1 s of CPU)
            gc.freeze()
            gc.unfreeze()
        return out


def _demultiplex(source: Source, user_prefix: str | None, id_prefix: str,
                 keep_parse: bool) -> Demuxed:
    lines = source.lines
    out = Demuxed([], [])
    noise_numbers = NoiseLines()  # (held as runs: most of a long log is noise)
    # No line of the source holds a CR: told at memchr speed from its text while
    # at hand (a stream of a log longer than a chunk does not keep it)
    no_cr = source._text is not None and "\r" not in source._text
    base = _outer_streams(source, user_prefix, out, noise_numbers)
    from .prefixes import PROCESS_KEYS

    keyed = any(name in PROCESS_KEYS for name in out.layers)
    streams: list[Stream] = []
    for stream in base:
        stream, records = rejoin_write_records(stream, lines)
        if records is not None:
            out.diagnostics.append(records)
        if "bracket" in out.layers:  # concurrently ends a line its read cut
            stream, cut = rejoin_cut_lines(stream, lines)
            if cut is not None:
                out.diagnostics.append(cut)
        if not (no_cr and stream.texts is lines):  # (its texts the source's lines)
            stream, overwritten = read_after_carriage_returns(stream)
            if overwritten is not None:
                out.diagnostics.append(overwritten)
        stream = _repair_paste(stream, noise_numbers, out)
        one_process = keyed and stream.label is not None
        got = _separate_stream(stream, noise_numbers, out.diagnostics, one_process, keep_parse)
        if not keep_parse:
            for s in got:
                s._parsed = None
        streams.extend(got)
    for n, s in enumerate(streams, 1):
        s.id = f"{id_prefix}{n}"
    if out.cut:
        _mark_cut_rows(streams, out.cut)
    out.streams = streams
    out.noise = noise_numbers.spans()
    for d in out.diagnostics:
        if d.message == ORPHANS:
            d.lines.sort()  # (each region's orphans were added in turn)
    return out



# ------------------------------------------------------------ outer layers ---


def _outer_streams(source: Source, user_prefix: str | None, out: Demuxed,
                   noise: Noise) -> list[Stream]:
    """Undo wrappers and prefixes: the streams their keys name (a wrapper's
    records that carry no output are noise)."""
    lines = source.lines
    # the text the lines were split from, which only a stream of them all uses:
    # taken from the source, and not held while wrappers or prefixes are undone
    text, source._text = source._text, None
    try:
        from .wrapped import sniff, unwrap_detail
    except ImportError:  # pragma: no cover - the module is being written alongside
        unwrap_detail = None  # type: ignore[assignment]
    if unwrap_detail is not None and user_prefix is None and sniff(lines) is not None:
        text = None
        got = unwrap_detail(lines)
        if got is not None and got.streams:
            out.layers.append(got.format)
            noise.extend(got.records_without_text)
            if got.omitted:
                out.diagnostics.append(Diagnostic(OMITTED_BY_JOURNALCTL, _spans(got.omitted)))
            return got.streams

    from .prefixes import detect, split_prefixed, to_streams

    styles = detect(lines)
    if styles or user_prefix is not None:
        text = None
        split = split_prefixed(lines, styles, user_prefix)
        out.layers.extend(s.name for s in styles)
        if user_prefix is not None:
            out.layers.insert(0, "user")
        from .pasted import rejoin_record_texts, rejoin_unprefixed_opener

        streams = to_streams(lines, split)
        if any(s.name == "logcat" for s in styles):
            from .prefixes_styles import record_header

            streams = rejoin_record_texts(streams, lines, record_header("logcat_record"))
        return rejoin_unprefixed_opener(streams)
    stream = Stream(id="s1", numbers=range(1, len(lines) + 1), texts=lines)
    if text is not None:
        stream.take_joined(text)
    return [stream]


def _repair_paste(stream: Stream, noise: Noise, out: Demuxed) -> Stream:
    """Undo paste damage (pasted.py), when the stream shows some: a bulk check first."""
    from .pasted import undo_paste

    layer = undo_paste(stream)
    if layer is None:
        return stream
    from .writes import looks_write_interleaved

    if _openers_run_together(stream) and looks_write_interleaved(
            stream.texts, stream.small_joined(), stream.layout()):
        # processes' writes mixed inside lines (`panic: panic: …`, which no
        # paste shows) leave spaces and punctuation where no paste put them
        return stream
    noise.extend(layer.dropped)
    out.diagnostics.append(layer.diagnostic())
    cut = layer.cut_diagnostic()
    if cut is not None:
        out.diagnostics.append(cut)
        out.cut.extend(layer.cut)
    if "paste" not in out.layers:
        out.layers.append("paste")
    return layer.stream


def _mark_cut_rows(streams: list[Stream], cut: list[int]) -> None:
    """Each stream's texts that are rows a pane cut (Stream.cut), told by their
    input lines, once the streams are final (every stage after the paste
    layer may slice or reorder them); a stream the parser read on the way is
    read again, knowing them."""
    rows = set(cut)
    for s in streams:
        if s.unplaced:
            continue
        mine = frozenset(i for i, n in enumerate(s.numbers) if n in rows)
        if mine:
            s.cut = mine
            s._parsed = None


# ------------------------------------------------------------- fast path ---


@cache
def _anchor_regex() -> re.Pattern[str]:
    """Report openers and goroutine headers at line starts, as one bulk regex.

    Built from the leading literal of each opening kind in traceback.lark, so
    that a grammar change moves the anchors with it. Hits are only counted
    here; each is re-read by the full classifier when separation runs.
    (Worked out once per machine: rx.derived.)
    """
    return rx.compile(rx.derived(_anchor_source, grammar_text("traceback.lark"),
                                 "stackdemux.firstchars"))


def _anchor_source(text: str) -> str:
    """_anchor_regex's pattern, of the grammar's text."""
    alts = []
    for kind in ("panic", "fatal_error", "sigdump", "race_begin", "http_panic"):
        lead = _leading(text, kind)
        if lead:
            alts.append(lead)
    gor = _leading(text, "goroutine_header")
    # led by the newline before each line (the text is searched with one
    # prepended), so re scans for it at memchr speed instead of trying `^` everywhere;
    # then one class test of the next character turns most lines away
    body = rf"(?:{gor}([0-9]+)|(?:{'|'.join(alts)}))"
    first = first_chars(body)
    return "\n" + (f"(?={first})" if first else "") + body


def _leading(grammar: str, rule: str) -> str | None:
    """The regex of a rule's first symbol: a literal, a group of literals, or a
    terminal's pattern; after an optional first terminal (`http_panic: [LOGSTAMP]
    ("http: …" | "http2: …")`)."""
    group = rf"\((?:\s*{_LITERAL}\s*\|?)+\)"
    m = re.search(rf"^{rule}:\s*(?:\[([A-Z_]+)\]\s*)?({_LITERAL}|[A-Z_]+|{group})", grammar, re.M)
    if m is None:
        return None
    lead = _symbol(grammar, m.group(2))
    if m.group(1) is None or lead is None:
        return lead
    optional = _symbol(grammar, m.group(1))
    # two alternatives, not `(?:stamp)?`: an optional group before a literal is tried at
    # every line, and costs the bulk search a third more
    # (the stamp grouped: its own alternatives must not stand alone as openers)
    return None if optional is None else f"{lead}|(?:{optional}){lead}"


_LITERAL = r'"(?:[^"\\]|\\.)*"'


def _symbol(grammar: str, sym: str) -> str | None:
    if sym.startswith('"'):
        return re.escape(sym[1:-1].encode().decode("unicode_escape"))
    if sym.startswith("("):
        literals = re.findall(_LITERAL, sym)
        return "(?:" + "|".join(_symbol(grammar, lit) or "" for lit in literals) + ")"
    t = re.search(rf"^{sym}:\s*(/(?:[^/\\]|\\.)*/|\"[^\"]*\")\s*$", grammar, re.M)
    if t is None:
        return None
    body = t.group(1)
    return body[1:-1] if body.startswith("/") else re.escape(body[1:-1])


def needs_separation(texts: Sequence[str], text: str | None = None,
                     where: line_chunks.Layout | None = None) -> bool:
    """True when the lines may hold more than one process's traceback: a
    goroutine id printed twice, or more than one report opener with stacks
    to share out (openers alone, `panic: …` lines that no goroutine follows,
    are each a report of their own however they are assigned). `text`: the
    lines joined, when at hand; else they are searched a chunk at a time
    (line_chunks.py; `where`: their chunks' layout, when at hand)."""
    openers = 0
    seen: set[str] = set()
    anchor = _anchor_regex()
    first = anchor.match("\n" + texts[0]) if texts else None  # the only line with no newline before
    found = (m for _, m in line_chunks.finditer(anchor, texts, text, where))
    for m in itertools.chain((first,) if first else (), found):
        gid = m.group(1)
        if gid is None:
            openers += 1
        elif gid in seen or openers > 1:
            return True
        else:
            seen.add(gid)
    if openers > 1 and not seen:
        # no goroutine header: frames of headerless stacks are all that could be shared
        return bool(texts) and (texts[0].startswith("\t") or line_chunks.search(
            _frame_file_regex(), texts, text, where) is not None)
    return openers > 1


@cache
def _frame_file_regex() -> re.Pattern[str]:
    """A frame's file line anywhere but the first line (the grammar's own rule)."""
    return re.compile("\n" + line_grammar().kind_regex("frame_file").pattern)


# ------------------------------------------------------------ separation ---


# Tracebacks more than this many lines of ordinary output apart are separated
# apart: the interleaver closes a stream after far less silence anyway.
REGION_GAP = 2000
# Characters of a one-process-looking log searched for openers written together.
WRITES_CHECKED = 4 << 20
_REGION_MARGIN = 64


def _separate_stream(stream: Stream, noise: Noise, diagnostics: list[Diagnostic],
                     one_process: bool = False, read_first: bool = False) -> list[Stream]:
    """Separate the traceback regions of a long log one by one.

    The separator's and the splicer's work grows with every line they see, so a
    200 MB build log holding a crash every few MB must not go through them
    whole: only the regions around traceback lines do; the ordinary lines
    between regions are noise, as the separator would have found them.
    `read_first`: the parse may read the stream here, its reading kept for the
    parse stage (one_stream.py: one process's traceback is proven so)."""
    texts = stream.texts
    if read_first and not one_process:
        from .one_stream import reads_as_one

        if reads_as_one(stream) and not _openers_written_together(stream):
            return [stream]
    if not needs_separation(texts, stream.small_joined(), stream.layout()):
        # one opener at a line start, no goroutine id twice: one process's
        # output, unless processes' writes ran together (`panic: panic: fatal
        # error: …`: openers with nothing between them, which build output
        # quoting `panic:` never has) among mostly broken lines
        if one_process:
            return [stream]
        if _openers_written_together(stream):
            return _separate_region(stream, noise, diagnostics, one_process)
        # one process's traceback with another writer's lines between its frames
        # (a build tool, a service that logs on): the separator sets them aside,
        # where the parser would end the goroutine at each one
        from .foreign import without_foreign_lines

        return [without_foreign_lines(stream, noise, diagnostics)]
    if one_process:
        # a container's crashes, one after another (sequential.py): its stream
        # stays whole, ordinary lines and all, and no region is looked for
        from .sequential import reports_follow_one_another

        if reports_follow_one_another(stream):
            return [stream]
    regions = _traceback_regions(stream)
    covered = sum(b - a for a, b in regions)
    if covered * 2 > len(texts):
        return _whole_or_separated(stream, noise, diagnostics, one_process)
    stream._joined = None  # (each region joins its own lines: see _separate_region)
    out: list[Stream] = []
    last = 0
    for a, b in regions:
        for i in range(last, a):
            noise.extend(_input_lines(stream, i))
        out.extend(_whole_or_separated(_slice(stream, a, b), noise, diagnostics, one_process))
        last = b
    for i in range(last, len(texts)):
        noise.extend(_input_lines(stream, i))
    return out


def _openers_written_together(stream: Stream) -> bool:
    """Processes' writes ran together (`panic: panic: fatal error: …`: openers with
    nothing between them, which build output quoting `panic:` never has) among
    mostly broken lines; looked for in a log up to WRITES_CHECKED characters."""
    if stream.layout().size > WRITES_CHECKED:
        return False
    text = stream.small_joined() or stream.joined()  # (WRITES_CHECKED at most)
    # (imported only here: the write layer takes 60-120 ms to import, which
    # one process's log, or one too big to check, need not pay)
    from .writes import looks_write_interleaved, openers_run_together

    return openers_run_together(text) and looks_write_interleaved(stream.texts, text)


def _openers_run_together(stream: Stream) -> bool:
    """writes.openers_run_together over the stream's text, a chunk at a time
    where it is longer than one: two openers run together stand on one line."""
    from .writes import openers_run_together
    from .writes_gate import _opener_regex

    text = stream.small_joined()
    how = line_chunks.reach(_opener_regex())
    if text is None and (how is None or how.newlines):
        text = stream.joined()  # (openers that read past a line's end: not seen so far)
    return any(openers_run_together(chunk.text) for chunk in line_chunks.chunks(
        stream.texts, how or line_chunks.Reach(0, 0), text, stream.layout()))


def _whole_or_separated(stream: Stream, noise: Noise, diagnostics: list[Diagnostic],
                        one_process: bool) -> list[Stream]:
    """A region whose reports follow one another whole is one stream: a service's
    log file of crash after crash, test binaries run one after another, or
    processes that took turns only between whole reports. The separator, which
    weighs every line against every open stream, is for the rest; on a 1 MB
    crash loop it took 14 s and left 374 lines of chained panics unplaced."""
    write_mixed = not one_process and _writes_gate(stream)
    if not one_process and not write_mixed:
        from .sequential import reports_follow_one_another

        if reports_follow_one_another(stream):
            return [stream]
    return _separate_region(stream, noise, diagnostics, one_process, write_mixed)


def _writes_gate(stream: Stream) -> bool:
    """Whether `_separate_region` hands this region to the write layer."""
    from . import writes

    return not writes.LINE_LEVEL.get() and writes.looks_write_interleaved(
        stream.texts, stream.small_joined(), stream.layout())


def _traceback_regions(stream: Stream) -> list[tuple[int, int]]:
    """[start, end) index runs around lines that may belong to a traceback (the
    parser's bulk search for how report, goroutine and file lines start),
    merged across gaps of ordinary lines shorter than REGION_GAP."""
    from ..grammar import MAX_LINE, line_grammar
    from ..parse import idle_leads

    match = line_grammar().match
    texts = stream.texts

    def is_traceback_line(i: int) -> bool:
        # a lead is only how a kind starts ("FAIL", "Found "): the whole line decides
        t = texts[i]
        return len(t) <= MAX_LINE and (m := match(t)) is not None and m.lastgroup != "blank"

    n = len(texts)
    leads = idle_leads(stream)  # lines a traceback kind may start
    # Two traceback lines this close are one region. Of the leads within reach
    # of a region's last line only the furthest that is a traceback line moves
    # it on: they are tried from the far end, so that a dense dump costs one
    # classification every REGION_GAP lines, not one a line.
    reach = 2 * _REGION_MARGIN + 1 + REGION_GAP
    regions: list[tuple[int, int]] = []
    i = 0
    while i < len(leads):
        first = leads[i]
        i += 1
        if not is_traceback_line(first):
            continue
        last = first
        while True:
            k = bisect_right(leads, last + reach) - 1
            while k >= i and not is_traceback_line(leads[k]):
                k -= 1
            if k < i:
                break
            last, i = leads[k], k + 1
        regions.append((max(0, first - _REGION_MARGIN), min(n, last + _REGION_MARGIN + 1)))
    return regions


def _slice(stream: Stream, a: int, b: int) -> Stream:
    sub = Stream(id="", label=stream.label, numbers=list(stream.numbers[a:b]),
                 texts=list(stream.texts[a:b]),
                 pieces={i - a: p for i, p in stream.pieces.items() if a <= i < b})
    if stream.prefix_lengths:
        sub.prefix_lengths = list(stream.prefix_lengths[a:b])
    return sub


def _without_other_writers(stream: Stream, set_aside: list[int], noise: Noise) -> Stream:
    """One process's stream, where the separator set some lines aside: those no
    traceback kind reads, and blank lines, go to the noise (another writer's,
    between the frames of a dump that asked for separation: a goroutine printed
    twice by GOTRACEBACK=crash, say); traceback lines stay for the parser to read
    where they stand (a lone `panic: …` is a report of its own: GOTRACEBACK=none
    prints no stack)."""
    from ..grammar import MAX_LINE, line_grammar

    match, texts, pieces = line_grammar().match, stream.texts, stream.pieces
    other = {i for i in set_aside if i not in pieces
             and (len(t := texts[i]) > MAX_LINE or (m := match(t)) is None
                  or m.lastgroup == "blank")}
    if not other:
        return stream
    noise.extend(stream.numbers[i] for i in sorted(other))
    keep = [i for i in range(len(texts)) if i not in other]
    out = Stream(id=stream.id, label=stream.label, numbers=[stream.numbers[i] for i in keep],
                 texts=[texts[i] for i in keep],
                 pieces={k: pieces[i] for k, i in enumerate(keep) if i in pieces})
    if stream.prefix_lengths:
        out.prefix_lengths = [stream.prefix_lengths[i] for i in keep]
    return out


# Said once for the whole log, naming each orphan line: one diagnostic an orphan
# (17 640 in a mangled 4 MB merge) pushed every crash out of the Markdown
# summary's 1 MiB.
ORPHANS = ("a traceback line that fits no process's output here (its stream is missing "
           "the lines before it)")


def _separate_region(stream: Stream, noise: Noise, diagnostics: list[Diagnostic],
                     one_process: bool = False, write_mixed: bool | None = None,
                     foreign: bool = False) -> list[Stream]:
    """The processes' streams of one region; `one_process`: the region's lines
    carry a prefix that names one container or process (compose, kubectl,
    syslog's prog[pid]), whose crashes follow one another; `write_mixed`: the
    write layer's gate, when the caller has asked it already; `foreign`: one
    process's traceback with other lines between its frames, which one stream
    and the noise are kept for."""
    texts = stream.texts
    # --- write()-level interleaving (demux/writes.py): lines cut anywhere by
    # processes sharing one descriptor go to the write layer instead: each
    # report's first line read from its writes, beside what the decoder (a
    # small region) or this line-level path reads credibly
    from . import writes

    if write_mixed is None:
        write_mixed = not one_process and _writes_gate(stream)
    if write_mixed:
        decoded = writes.separate_region(stream, _separate_region, noise, diagnostics)
        if decoded is not None:
            _name_unplaced_writes(decoded, diagnostics)
            return decoded
    # --- end of the write-level gate
    if not foreign and not needs_separation(texts, stream.small_joined(), stream.layout()):
        return [stream]
    # The separator and the splicer search no joined text: it is let go while
    # they hold their own state (a 12 MB log of 8 services: 24 MB of its lines
    # joined as 2-byte characters, at the peak); the parse joins a stream kept
    # whole again.
    stream._joined = None
    # What the gates before joined a chunk at a time (line_chunks.py: 8 MB a
    # chunk of a log with a character past U+00FF) glibc keeps in its heap once
    # freed, and the splicer's and the separator's objects (in pymalloc's arenas,
    # mapped apart) grew on top of it: a 12 MB log of 8 services peaked at 58.8 MB
    # so, 53.2 with the free pages given back (0.4 ms; heap.py)
    from ..heap import give_back

    give_back(stream.layout().size)
    from .interleave import separate
    from .splice import unsplice

    if one_process:  # crash after crash of one container, restarted
        from .sequential import reports_follow_one_another

        if reports_follow_one_another(stream):
            return [stream]
    # lines cut mid-way by a collector's read() chunks; not in a stream a process
    # prefix keys: its collector put a prefix before each of the process's own
    # lines, so no other process's chunk runs on inside one (the keyed stream of
    # a dump dealt to 4 compose prefixes spent 1.7-2.3 s each in the search)
    spliced = None if one_process else unsplice(stream)
    if spliced is not None:
        stream, texts = spliced.stream, spliced.stream.texts
        diagnostics.extend(spliced.diagnostics)
    sep = separate(texts, spliced.groups if spliced is not None else ())
    if len(sep.tracks) <= 1 and not (foreign and sep.tracks and sep.noise):
        if sep.tracks and sep.noise:
            return [_without_other_writers(stream, sep.noise, noise)]
        return [stream]
    numbers, pieces = stream.numbers, stream.pieces
    out = []
    for track in sep.tracks:
        sub = Stream(id="", label=stream.label)
        sub.numbers = [numbers[i] for i in track]
        sub.texts = [texts[i] for i in track]
        sub.pieces = {j: pieces[i] for j, i in enumerate(track) if i in pieces}
        if stream.prefix_lengths:  # stripped collector prefixes (gha, cri) follow their lines
            sub.prefix_lengths = [stream.prefix_lengths[i] for i in track]
        out.append(sub)
    # (only lines of pieces can be whole lines claimed by columns, or stray: the
    # noise is most of a long log's lines, not joined to the orphans in a list)
    cut = [i for i in itertools.chain(sep.noise, sep.orphans) if i in pieces] if pieces else []
    whole = whole_lines(stream, cut)
    stray = [i for i in cut if i not in whole]
    if stray:  # fragments of cut lines: noise holds whole lines only, so a stream of their own
        stray.sort()
        out.append(Stream(id="", label=stream.label, numbers=[numbers[i] for i in stray],
                          texts=[texts[i] for i in stray],
                          pieces={j: pieces[i] for j, i in enumerate(stray)}, unplaced=True))
    noise.extend(numbers[i] for i in sep.noise if i not in pieces or i in whole)
    orphans: list[Span] = []
    for i in sep.orphans:
        lines = _input_lines(stream, i)
        if i not in pieces or i in whole:
            noise.extend(lines)
        orphans += [(n, n) for n in lines]
    if orphans:
        said = next((d for d in diagnostics if d.message == ORPHANS), None)
        if said is None:
            diagnostics.append(Diagnostic(ORPHANS, orphans))
        else:
            said.lines += orphans
    if sep.narrowed_at is not None:  # (budget.py: a log written to be slow, or garbage)
        diagnostics.append(Diagnostic(
            "too many traceback-shaped lines to weigh every reading: from here on each line "
            "was weighed against a few streams only", [(numbers[sep.narrowed_at], numbers[-1])]))
    return out


def whole_lines(stream: Stream, indexes: Sequence[int],
                shared: Counter[int] | None = None) -> set[int]:
    """Of `indexes`, the stream's lines that are each one input line whole though
    claimed by columns: a line a paste repair rewrote (a terminal's padding taken
    off), which no other line of the stream shares. The noise can take those, as
    it takes any line; not a part of a line split apart, nor lines joined, nor a
    read() chunk's fragment. `shared`: pieces_per_line(stream), if at hand."""
    pieces = stream.pieces
    asked = [i for i in indexes if len(pieces.get(i, ())) == 1
             and pieces[i][0][0] == stream.numbers[i]]
    if not asked:
        return set()
    if shared is None:
        shared = pieces_per_line(stream)
    return {i for i in asked if shared[stream.numbers[i]] == 1}


def pieces_per_line(stream: Stream) -> Counter[int]:
    """How many pieces of the stream's lines each input line gives."""
    return Counter(n for ps in stream.pieces.values() for n, _, _ in ps)


# Said of journal records printed without their text.
OMITTED_BY_JOURNALCTL = ("journal records whose text journalctl printed as null (a line over "
                         "4096 bytes): `journalctl --all -o json` prints it")


# Said of the write layer's pieces that no process's output took, and of the
# reports whose goroutines are among them.
UNPLACED_WRITES = ("pieces of lines that processes wrote at once, write() by write(), and "
                   "that could not be told apart: kept unparsed")
STACKS_IN_WRITES = ("its goroutines could not be read: its process's writes are mixed, "
                    "inside lines, with another process's")
STACKS_NEAR_WRITES = ("read next to writes mixed inside lines with another process's, "
                      "some of them unplaced: goroutines may be missing, or be the other "
                      "process's")


def _name_unplaced_writes(streams: list[Stream], diagnostics: list[Diagnostic]) -> None:
    """Never silently: the lines of the unplaced pieces are named, and the
    reports that may lack their stacks say so (parse.py reads `stacks_missing`)."""
    # every input line a piece came from, not only each text's first
    lines = sorted({n for s in streams if s.unplaced for i in range(len(s.texts))
                    for n in _input_lines(s, i)})
    if not lines:
        return
    from .mentions import describe, failed_tests, source_files

    # the files they name, whole in any mixture: the code the crashes ran through
    files = source_files(t for s in streams if s.unplaced for t in s.texts)
    named = f"; the source files they name: {describe(files)}" if files else ""
    # go test's lines, whole in any mixture: which tests failed, whichever process ran them
    tests, packages = failed_tests(t for s in streams if s.unplaced for t in s.texts)
    if tests:
        named += f"; the go tests that failed: {describe(tests)}"
    if packages:
        named += f"; the packages that failed: {describe(packages)}"
    diagnostics.append(Diagnostic(UNPLACED_WRITES + named, _spans(lines)))
    for s in streams:
        if not s.unplaced:
            s.stacks_missing = STACKS_IN_WRITES
            s.stacks_uncertain = STACKS_NEAR_WRITES
            s.mentions = [f for f, _ in files]


def _input_lines(stream: Stream, i: int) -> list[int]:
    p = stream.pieces.get(i)
    if p:
        return sorted({n for n, _, _ in p})
    return [stream.numbers[i]]
