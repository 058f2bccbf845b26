"""Sieve a big log: keep windows of lines around tracebacks, only count the rest.

A 1 GB build log with a few crashes in it is almost all text that no
traceback line can be. Splitting it into millions of str lines (and holding
them) costs seconds and gigabytes; the sieve reads the log block by block
and looks for seeds with bulk searches at C speed:

* a line that starts the way a report, goroutine header or frame file line
  starts (the parser's own idle search: the leads of traceback.lark's kinds),
  which the line classifier then confirms;
* a goroutine header anywhere in a line (a prefixed log: `app-1  | goroutine
  7 [running]:`), and a `.go:N +0x` frame position anywhere in a line, or
  run into the next frame's name (a stack a logger flattened onto one line);
* a `panic:` or `fatal error:` line behind a prefix of a known collector style
  (a crash printed without goroutines has nothing else to find it by);
* the line that opens an AWS Lambda error JSON (lambda_error.py: a panic with no
  traceback line), whose window runs over the longest object aws-lambda-go writes;
* in a log of JSON records (`go test -json`'s test2json events, docker's
  json-file: demux/wrapped.py, told by its first lines), a record whose text holds
  such a line: its text is escaped inside the record, where no search above finds
  it, so the records holding a needle (`goroutine `, ` +0x`, `panic: `, `--- FAIL`
  …) are decoded and their text's lines confirmed as a plain line's; and in a
  `go test -json` log each failed test's records are kept whole, held while it
  ran (sieve_tests.py), where its window held the 16 lines before its `--- FAIL`.

The lines holding a needle (`goroutine `, ` +0x` …) are found by memchr of the
byte rarest in this log among the needle's own and those its line needs
besides (anchored.py): a multi-byte `bytes.find` pass costs ~0.7 ns a byte,
memchr ~0.1.

Around each seed it keeps `before` lines (the call line of a headerless
frame, a test's log lines) and `after` lines (exit status, a race summary,
a register dump), so a window runs on as long as seeds keep coming:
a goroutine dump is one window. Everything else is counted (for line
numbers) and becomes noise. The windows go through the whole pipeline as one
small log, and `Capture.remap` gives every line number back in the input's
numbering, so a report reads the same as without the sieve.

Memory is bounded by one block plus the windows, never by the log.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from itertools import accumulate
from typing import BinaryIO

from . import rx
from .anchored import NeedleLines
from .firstchars import required_chars
from .model import Source
from .sieve_records import RecordOpenings
from .sieve_tests import FailedRecords, RunningTests, logged
from .sieve_verbose import VerboseTests
from .tee import Capture, Segment

# Logs at least this big are sieved (the CLI and api.load on a path or stdin).
SIEVE_MIN = 32 << 20
# ... unless their first SIEVE_MIN bytes are thick with tracebacks (a frame file
# line every few lines, as in a compose log of crashing services or a big
# dump) and the file is no bigger than this: the windows would hold all of it,
# and the sieve costs more than reading it whole (60 MB of compose crashes:
# 1.2-1.5 s of CPU sieved, 0.33 s read whole).
DENSE_WHOLE_MAX = 256 << 20
# ... and a frame file line every this many bytes or thicker (60 MB of compose
# crashes: one every ~600 bytes)
_DENSE_BYTES = 4096
BLOCK = 1 << 20
BEFORE = 16
AFTER = 64
# A line longer than this cannot be a traceback line (grammar.MAX_LINE is far
# smaller); beyond it, the sieve keeps its first MAX_KEPT bytes only.
MAX_KEPT = 1 << 20
_VERDICTS_MAX = 1 << 16  # remembered line verdicts: build output repeats itself
# A goroutine header or frame file line behind a prefix is short; a longer rest
# of line is not tried (the header regex costs ~0.3 µs a character on a long
# near-header, which a hostile log could repeat a billion times).
_MAX_BEHIND = 512
# An offset run into the next frame's name: a stack flattened onto one line.
_FLAT_OFFSET = rx.compile(rb" \+0x[0-9a-f]{1,16}[g-zA-Z]")
# What seeds a window anywhere in a line (Sieve._behind_prefix's `how`): a
# goroutine header, a frame position, a race report, and a crash's first line
# behind a collector's prefix: the only seed of a report printed without
# goroutines (GOTRACEBACK=none, a bare message).
# (Needles searched together share a search: anchored.py.)
_NEEDLES = (((b"goroutine ",), 1), ((b" +0x",), 2), ((b"WARNING: DATA RACE",), 0),
            ((b"panic: ", b"fatal error: "), 3))
# What a JSON record's escaped text must hold for the record to be decoded and its
# text's lines confirmed (Sieve._in_records): a traceback's lines, go test's failures
# and its verdict on a package that failed (`FAIL\tpkg`, its tab escaped: it says
# the failed tests of a window far above it ended: demux/wrapped.mark_verdicts_later).
_RECORD_NEEDLES = ((b"goroutine ",), (b" +0x",), (b"panic: ", b"fatal error: "),
                   (b"WARNING: DATA RACE",), (b"--- FAIL", b"FAIL\\t"), (b"SIGQUIT", b"SIGABRT"))
# An AWS Lambda error JSON (lambda_error.py; its lines found by sieve_records.py)
# pretty-printed is 5 lines a frame, and aws-lambda-go keeps 32 frames at most (its
# defaultErrorFrameCount): the lines after its first that the object can take.
RECORD_AFTER = 5 * 32 + 5


def _idle_regexes() -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """The parser's bulk search for where a report can begin, over bytes."""
    from .parse import _IDLE_NEXT, _IDLE_SKIP

    return re.compile(_IDLE_SKIP.pattern.encode()), re.compile(_IDLE_NEXT.pattern.encode())


class Sieve:
    """Feed blocks of a log; `close()` returns the windows as a Capture."""

    def __init__(self, *, before: int = BEFORE, after: int = AFTER,
                 wrapped: str | None = None) -> None:
        from .grammar import line_grammar

        self.before = before
        self.after = after
        # the log's records' format (demux/wrapped.py's sniff of its head), or None
        self.wrapped = wrapped
        self._record_needles = ([NeedleLines(*n) for n in _RECORD_NEEDLES]
                                if wrapped is not None else [])
        # go test -json: each running test's records, kept whole when it fails; a
        # plain log (go test -v's, once a test runs in it): each running test's lines
        self._running: RunningTests | None = (
            RunningTests() if wrapped == "test2json" else VerboseTests() if wrapped is None
            else None)
        self._logged = VerboseTests.logged if wrapped is None else logged
        self.links: list[tuple[int, int]] = []  # (Capture.links)
        g = line_grammar()
        self._classify = g.classify
        self._at_start, self._after_newline = _idle_regexes()
        # a goroutine header or frame file line behind a prefix: the rest of the
        # line from the needle (the tab before a frame's position) is the whole kind
        header = g.kind_regex("goroutine_header")
        self._header = header.fullmatch
        self._position = g.kind_regex("frame_file").fullmatch
        # each needle's lines, found by memchr of a rare byte (anchored.py): a
        # header behind a prefix holds every character its regex requires too
        besides = bytes(sorted(required_chars(header.pattern)))
        self._needles = {needles: NeedleLines(*needles, besides=besides if how == 1 else b"")
                         for needles, how in _NEEDLES}
        self._openings = RecordOpenings()
        self._verdicts: dict[tuple[int, bytes], bool] = {}
        self._thick = False  # the last block's seeds were many: try _dense_seed_lines
        self.segments: list[Segment] = []
        self.line_no = 0  # lines completed so far
        self.total_bytes = 0
        self.truncated = 0
        self.seeds = 0
        self._partial = bytearray()  # the unfinished last line (its first MAX_KEPT bytes)
        self._partial_len = 0
        self._keep_until = 0  # lines with a number below this are kept (0-based)
        self._tail: list[bytes] = []  # the last `before` lines seen, for a seed just after
        self._tail_first = 0  # number (0-based) of _tail[0]

    # -------------------------------------------------------------- input --

    def feed(self, chunk: bytes) -> None:
        if not chunk:
            return
        self.total_bytes += len(chunk)
        last_nl = chunk.rfind(b"\n")
        if last_nl < 0:
            self._grow_partial(chunk)
            return
        at = self.total_bytes - len(chunk)  # where the chunk starts in the input
        if self._partial_len:
            head_end = chunk.find(b"\n")
            self._grow_partial(chunk[:head_end])
            first = bytes(self._partial)
            self._partial.clear()
            self._partial_len = 0
            self._block(first + b"\n", -1)
            if head_end < last_nl:
                self._block(chunk[head_end + 1:last_nl + 1], at + head_end + 1)
        else:
            self._block(chunk[:last_nl + 1], at)
        self._grow_partial(chunk[last_nl + 1:])

    def close(self) -> Capture:
        if self._partial_len:
            self._block(bytes(self._partial) + b"\n", -1)
            self._partial.clear()
            self._partial_len = 0
        return Capture(self.segments, self.line_no, self.total_bytes, self.truncated,
                       self.links)

    def run(self, f: BinaryIO, first: bytes | list[bytes] = b"", block: int = BLOCK) -> Capture:
        """`first`: the log's bytes already read, or a list holding them, which is
        emptied: they are let go once fed (SIEVE_MIN bytes, 32 MiB, held while
        the rest of a 50 MB log was sieved, beside the windows kept)."""
        if isinstance(first, list):
            first = first.pop() if first else b""
        # `first` may be SIEVE_MIN bytes: fed a block at a time like the rest, so
        # that a log thick with tracebacks takes the dense path from its 2nd MiB
        for at in range(0, len(first), block):
            self.feed(first[at:at + block])
        del first
        read = f.read
        while chunk := read(block):
            self.feed(chunk)
        return self.close()

    def _grow_partial(self, piece: bytes) -> None:
        room = MAX_KEPT + 1 - len(self._partial)  # one byte more: _append sees the cut
        if room > 0:
            self._partial += piece[:room]
        self._partial_len += len(piece)

    # -------------------------------------------------------------- blocks --

    def _block(self, block: bytes, at: int) -> None:
        """Whole lines, each ending in a newline; `at` is the block's offset in
        the input (-1: a long line's kept head)."""
        base = self.line_no
        count = block.count(b"\n")
        seeds = self._seed_lines(block)
        self.seeds += len(seeds)
        failed = self._running.block(block, base) if self._running is not None else None
        if not seeds and self._keep_until <= base:
            self._remember_tail(block, base, count)
            self.line_no += count
            if failed:
                self._keep_earlier(failed)
            return
        lines = block.split(b"\n")
        lines.pop()  # after the last newline: nothing
        keep: list[tuple[int, int]] = []  # [a, b) in 0-based input line numbers
        if self._keep_until > base:
            keep.append((base, min(self._keep_until, base + count)))
        for s in seeds:
            a, b = base + s - self.before, base + s + self.after + 1
            if keep and a <= keep[-1][1]:
                keep[-1] = (keep[-1][0], max(keep[-1][1], b))
            else:
                keep.append((a, b))
        for a, b in keep:
            if a < base:  # the window opens in lines already read: the tail holds them
                start = max(a, self._tail_first, self._kept_end())
                for n in range(start, base):
                    self._append(n, self._tail[n - self._tail_first])
                a = base
            start = max(a, self._kept_end())
            self._extend(start, lines[start - base:min(b, base + count) - base])
        self._keep_until = max(self._keep_until, keep[-1][1])
        if self.before:
            self._tail = (self._tail + lines if len(lines) < self.before else lines)[-self.before:]
        self._tail_first = base + count - len(self._tail)
        self.line_no += count
        if failed:
            self._keep_earlier(failed)

    def _seed_lines(self, block: bytes) -> list[int]:
        """0-based indices (in the block) of lines that seed the block's windows,
        in order: every seed, or, in a block thick with tracebacks, enough of
        them to make the same windows."""
        if self._thick:  # the block before was thick with seeds: this one may be too
            seeds = self._dense_seed_lines(block)
            if seeds is not None:
                return seeds
        seeds = self._every_seed_line(block)
        if len(block) >= 1 << 12:  # not the one line a read() cut in two
            self._thick = len(seeds) << 10 > len(block)  # a seed a KiB: a dozen lines or so
        return seeds

    def _dense_seed_lines(self, block: bytes) -> list[int] | None:
        """Seeds enough for the windows of a block that is all tracebacks, or None.

        Seeds less than before + after + 1 lines apart make one window, and a seed
        between two such seeds adds nothing to it. So in a block cut into runs of
        k = (before + after) // 2 lines, one seed per run does, when every run has
        one, with every seed of the first and the last runs (where the windows
        begin and end). A dump or a compose log of crashes is tens of thousands of
        seeds a block: each confirmed in Python took seconds per 50 MB."""
        k = (self.before + self.after) // 2
        count = block.count(b"\n")
        # a frame every few lines, or this is no block of tracebacks (C-speed count)
        if k < 8 or count < 4 * k or block.count(b" +0x") * 8 < count:
            return None
        ends = list(accumulate(map(len, block.split(b"\n"))))

        def offset(line: int) -> int:  # where a line of the block starts
            return ends[line - 1] + line if line else 0

        tail = (count // k - 1) * k  # the last run takes the lines left over too
        head_seeds = self._every_seed_line(block[:offset(k)])
        tail_seeds = [tail + s for s in self._every_seed_line(block[offset(tail):])]
        if not head_seeds or not tail_seeds or tail_seeds[0] >= tail + k:
            return None
        out = head_seeds
        for first in range(k, tail, k):
            run = block[offset(first):offset(first + k)]
            at = self._any_seed(run)
            if at is None:
                return None
            out.append(first + run.count(b"\n", 0, at))
        out += tail_seeds
        # an error JSON's window runs on past its seed's: every one is found (a run's
        # one seed may be another line)
        records = set(self._records(block))
        return sorted(set(out + self._lines_of(block, set(), records))) if records else out

    def _any_seed(self, run: bytes) -> int | None:
        """Where a line of whole lines `run` that seeds a window starts: the first
        traceback line at a line start, or behind a prefix the first frame
        position's line or goroutine header, or else the first of every seed."""
        if self._at_start.match(run) is not None and self._confirmed(run, 0, 0):
            return 0
        for m in self._after_newline.finditer(run):
            if self._confirmed(run, m.start() + 1, 0):
                return m.start() + 1
        for needles, how in (((b" +0x",), 2), ((b"goroutine ",), 1)):
            at = next(self._behind_prefix(run, needles, how), None)
            if at is not None:
                return at
        every = self._every_seed_line(run)
        if not every:
            return None
        line, at = every[0], 0
        for _ in range(line):
            at = run.index(b"\n", at) + 1
        return at

    def _every_seed_line(self, block: bytes) -> list[int]:
        """0-based indices (in the block) of every line that seeds a window, in order."""
        starts: set[int] = set()
        m = self._at_start.match(block)
        if m is not None:
            starts.add(0)
        for m in self._after_newline.finditer(block):
            starts.add(m.start() + 1)
        confirmed = {s for s in starts if self._confirmed(block, s, 0)}
        for needles, how in _NEEDLES:
            confirmed.update(self._behind_prefix(block, needles, how))
        if self._record_needles:
            confirmed.update(self._in_records(block))
        return self._lines_of(block, confirmed, set(self._records(block)))

    def _in_records(self, block: bytes) -> set[int]:
        """Starts of the JSON records (lines) whose text holds a line that seeds a
        window: a line of a record holding a needle is decoded, as the wrapped
        reader decodes it, and each line of its text confirmed as a plain line is."""
        from .demux.wrapped import _key_and_text, _records

        candidates: dict[int, int] = {}
        for finder in self._record_needles:
            for _needle, start, _i, end in finder.lines(block):
                candidates[start] = end
        seeds = set()
        for start, end in candidates.items():
            records = _records(block[start:end].decode("utf-8", "replace"))
            for rec in records or ():
                _, text = _key_and_text(self.wrapped, rec)
                if text and any(self._seeds_text(t) for t in text.split("\n")):
                    seeds.add(start)
                    break
        return seeds

    def _seeds_text(self, text: str) -> bool:
        """Whether a record's line of text is a traceback line, goroutine header or
        frame file line, as the plain searches confirm one at a line's start."""
        text = text.removesuffix("\r")
        if not text or len(text) > _MAX_BEHIND * 8:
            return False
        kind, _ = self._classify(text)
        return (kind is not None and kind != "blank") or self._position(text) is not None

    def _lines_of(self, block: bytes, starts: set[int], records: set[int]) -> list[int]:
        """The sorted line indices of line starts `starts` and `records` (which open
        error JSONs) in the block, and for each record the seeds that keep its window
        open over the whole object: one every `after` lines past it (they may lie past
        the block: the windows go on into the next)."""
        out = []
        line, pos = 0, 0
        for s in sorted(starts | records):
            line += block.count(b"\n", pos, s)
            pos = s
            out.append(line)
            if s in records:
                out.extend(range(line + self.after, line + RECORD_AFTER, self.after))
                out.append(line + RECORD_AFTER)
        return sorted(set(out)) if records else out

    def _behind_prefix(self, block: bytes, needles: tuple[bytes, ...], how: int
                       ) -> Iterator[int]:
        """Line starts of lines where one of `needles` begins a traceback line (how=0) or
        a goroutine header (1), or sits in a frame file line (2), after a prefix;
        or begins a traceback line after a prefix of a known style (3).
        A race report's frame file line (`      /src/x.go:16 +0x28`) starts with
        spaces no idle lead has, so it counts at the line's start too."""
        rfind = block.rfind
        for _needle, start, i, end in self._needles[needles].lines(block):
            at, least, kind = i, start + 1, how
            if how == 2:
                at = rfind(b"\t", start, i)
                if at < start:  # no tab: a race frame's indent, the whole rest a line
                    at, least, kind = rfind(b"      ", start, i), start, 0
            if how == 3:  # the opener must follow a prefix of a known style
                kind = 0
                if at - start > _MAX_BEHIND or not self._is_prefix(block[start:at]):
                    at = -1
            if at >= least and end - at <= _MAX_BEHIND and self._confirmed(block, at, kind):
                yield start
            elif how == 2 and _FLAT_OFFSET.match(block, i) and self._confirmed(block, start, 4):
                yield start  # a stack a logger flattened onto one line (demux/paste_flat.py)

    def _records(self, block: bytes) -> Iterator[int]:
        """Starts of the lines that open an AWS Lambda error JSON (a one-line record is
        long: no length limit, its regex is linear), and of a block's last line that `{`
        ends (the key's line, next, is unseen)."""
        for start, _end, confirm in self._openings.lines(block):
            if not confirm or self._confirmed(block, start, 5):
                yield start

    def _is_prefix(self, raw: bytes) -> bool:
        """Whether `raw` is one or more collector prefixes (grammars/prefixes.lark's
        styles, as the prefix layer strips them) and nothing else."""
        key = (3, raw)
        verdict = self._verdicts.get(key)
        if verdict is None:
            from .demux.prefixes import MAX_LAYERS, compiled_styles, match_prefix

            text = raw.decode("utf-8", "replace")
            pos, verdict = 0, False
            for _ in range(MAX_LAYERS):
                hits = (match_prefix(text[pos:], style) for style in compiled_styles().values())
                hit = next((h for h in hits if h is not None), None)
                if hit is None:
                    break
                pos += hit[0]
                if pos >= len(text):
                    verdict = pos == len(text)
                    break
            if len(self._verdicts) >= _VERDICTS_MAX:
                self._verdicts.clear()
            self._verdicts[key] = verdict
        return verdict

    def _confirmed(self, block: bytes, start: int, how: int) -> bool:
        """Whether the text from `start` to the end of its line is a traceback
        line (how=0), a goroutine header (1), a frame file line (2), a
        flattened stack (4) or the opening of an AWS Lambda error JSON (5)."""
        end = block.find(b"\n", start)
        raw = block[start:end]
        key = (how, raw)
        verdict = self._verdicts.get(key)
        if verdict is None:
            text = raw.decode("utf-8", "replace").removesuffix("\r")
            if how == 0:
                kind, _ = self._classify(text)
                verdict = kind is not None and kind != "blank"
            elif how == 4:
                from .demux.paste_flat import unflatten

                verdict = unflatten(text) is not None
            elif how == 5:
                from .lambda_error import opens_record

                verdict = opens_record(text)
            else:
                verdict = (self._header if how == 1 else self._position)(text) is not None
            if len(self._verdicts) >= _VERDICTS_MAX:
                self._verdicts.clear()
            self._verdicts[key] = verdict
        return verdict

    def _remember_tail(self, block: bytes, base: int, count: int) -> None:
        if not self.before:
            return
        start = len(block) - 1  # the final newline
        n = 0
        while n < self.before and start > 0:
            start = block.rfind(b"\n", 0, start)
            n += 1
            if start < 0:
                break
        lines = block[start + 1:-1].split(b"\n")
        if len(lines) < self.before and self._tail:
            lines = (self._tail + lines)[-self.before:]
        self._tail = lines
        self._tail_first = base + count - len(lines)

    # ------------------------------------------------------------- windows --

    def _kept_end(self) -> int:
        if not self.segments:
            return 0
        s = self.segments[-1]
        return s.first - 1 + len(s.lines)

    def _extend(self, n: int, lines: list[bytes]) -> None:
        """Keep input lines n, n+1, … (0-based): a window's lines in one step."""
        if not lines:
            return
        if max(map(len, lines)) > MAX_KEPT:
            for i, line in enumerate(lines):
                self._append(n + i, line)
            return
        self._append(n, lines[0])
        self.segments[-1].lines.extend(lines[1:])

    def _keep_earlier(self, failed: list[FailedRecords]) -> None:
        """Keep the lines of each failed test's records (sieve_tests.py: chunks of
        (first input line, 0-based; whole lines)) that no window kept: they lie
        before the windows' end, so among the segments, in order. Each test's are
        linked: one region to read (Capture.regions), as they were one test's."""
        tests = [f.chunks for f in failed]
        firsts = [s.first - 1 for s in self.segments]
        new: list[Segment] = []
        chunks = [c for test in tests for c in test]
        self.links.extend((test[0][0] + 1, test[-1][0] + test[-1][1].count(b"\n"))
                          for test in tests if self._logged(test))
        taken: set[int] = set()  # (a test's lines end with the line that names the next)
        for first, raw in chunks:
            for n, line in enumerate(raw.split(b"\n")[:-1], first):
                if n in taken:
                    continue
                taken.add(n)
                k = bisect_right(firsts, n) - 1
                if k >= 0 and n < firsts[k] + len(self.segments[k].lines):
                    continue  # (a window holds it)
                if len(line) > MAX_KEPT:
                    line = line[:MAX_KEPT]
                    self.truncated += 1
                if new and new[-1].first + len(new[-1].lines) == n + 1:
                    new[-1].lines.append(line)
                else:
                    new.append(Segment(first=n + 1, lines=[line]))
        if not new:
            return
        merged: list[Segment] = []  # (each maximal, as _append makes them)
        for seg in sorted([*self.segments, *new], key=lambda s: s.first):
            if merged and merged[-1].first + len(merged[-1].lines) == seg.first:
                merged[-1].lines.extend(seg.lines)
            else:
                merged.append(seg)
        self.segments = merged

    def _append(self, n: int, line: bytes) -> None:
        """Keep input line n (0-based); Segment numbers are 1-based like every line number."""
        if len(line) > MAX_KEPT:
            line = line[:MAX_KEPT]
            self.truncated += 1
        seg = self.segments[-1] if self.segments else None
        if seg is None or seg.first + len(seg.lines) != n + 1:
            seg = Segment(first=n + 1)
            self.segments.append(seg)
        seg.lines.append(line)


def sieve(f: BinaryIO, first: bytes | list[bytes] = b"", *, block: int = BLOCK,
          wrapped: str | None = None) -> Capture:
    """The windows of a log read from `f` (after `first`, its bytes already read,
    or a list holding them, emptied: see Sieve.run); `wrapped`: the format of
    its JSON records, if it is one of them."""
    return Sieve(wrapped=wrapped).run(f, first, block)


# The head of a big log its records' format is told by (demux/wrapped.py's sniff
# looks at 20 lines: docker's json-file lines run to 16 KiB).
_WRAPPED_HEAD = 1 << 19


def wrapped_format(first: bytes) -> str | None:
    """The format of a log's JSON records (`test2json`, `docker-json`, …), from its
    first whole lines, or None when it is no log of records."""
    from .demux.wrapped import sniff

    head = first[:_WRAPPED_HEAD]
    cut = head.rfind(b"\n") if len(first) > len(head) else len(head)
    lines = head[:max(cut, 0)].decode("utf-8", "replace").split("\n")
    return sniff(lines)


def _sieve(path: str, f: BinaryIO, first: list[bytes], wrapped: str | None = None,
           start: int = 0) -> Capture:
    """A regular file (not stdin, not gzip) on several cores where there are;
    anything else in one pass, in order. `start`: where the log's text starts
    in the file (after a byte order mark)."""
    import os
    import stat

    from .ingest import Gunzip
    from .sieve_parallel import jobs_for, sieve_file

    if path != "-" and not isinstance(f, Gunzip):
        st = os.fstat(f.fileno())
        if stat.S_ISREG(st.st_mode):
            # The first bytes are read again, a block at a time, from the page
            # cache: held as the one object they were read as, SIEVE_MIN bytes
            # (32 MiB) stayed beside the windows kept from them until the last
            # block of them was fed (a 50 MB log of 8 services: 77 MB traced at
            # the read's peak, 32 of them these). Feeding them cost a copy of
            # each block (a slice) as reading it again does.
            first.clear()
            jobs = jobs_for(st.st_size)
            if jobs > 1:
                return sieve_file(path, jobs, wrapped)
            f.seek(start)
            return sieve(f, wrapped=wrapped)
    return sieve(f, first, wrapped=wrapped)


def _dense(first: bytes, f: BinaryIO) -> bool:
    """A regular file of SIEVE_MIN to DENSE_WHOLE_MAX bytes whose first bytes
    are a frame file line every 8 lines or thicker (counted at C speed)."""
    import os
    import stat

    try:
        st = os.fstat(f.fileno())
    except (OSError, ValueError):
        return False
    frames = first.count(b" +0x")
    # Thick by lines and by bytes: a few frames around one huge line (or no
    # frame and no newline at all) are no dense log; a 100 MB line read whole
    # cost 3.4 bytes of memory a byte of it, sieved it costs a block.
    return (stat.S_ISREG(st.st_mode) and SIEVE_MIN <= st.st_size <= DENSE_WHOLE_MAX
            and frames * 8 >= first.count(b"\n") and frames * _DENSE_BYTES >= len(first))


def _read_whole(f: BinaryIO) -> bytes:
    """A regular file read whole, from its start, in one read: not the first
    bytes read already and the rest copied together (60 MB of compose crashes:
    65 ms and 60 MB more), nor into a buffer zeroed first. Its byte order mark
    is taken off, as it was off the first bytes."""
    from .ingest import UTF8_BOM

    f.seek(0)
    data = f.read()
    return data[len(UTF8_BOM):] if data.startswith(UTF8_BOM) else data


def read_source(path: str, name: str, *, minimum: int | None = None) -> Source:
    """A log file (or `-`, stdin) as a Source: read whole when smaller than
    `minimum` bytes, else sieved (a TeeSource whose `capture` maps its lines
    back to the input's numbers)."""
    from .heap import give_back
    from .ingest import (
        _GZIP_MAGIC,
        UTF8_BOM,
        Gunzip,
        InputError,
        _sniff_binary,
        decode_chunks,
        ingest,
        open_log,
        stdin_buffer,
        utf16_codec,
    )
    from .tee import TeeSource

    if minimum is None:
        minimum = SIEVE_MIN
    f: BinaryIO = stdin_buffer() if path == "-" else open_log(path)
    try:
        try:
            peek = getattr(f, "peek", None)
            gz = Gunzip(f, name) if peek is not None and peek(2)[:2] == _GZIP_MAGIC else None
            reader: BinaryIO = gz if gz is not None else f  # type: ignore[assignment]
            first = reader.read(max(minimum, BLOCK))
            if len(first) < minimum or utf16_codec(first):
                # (UTF-16 is read whole: the sieve's bulk searches are for bytes of UTF-8)
                whole = ingest(first + reader.read() if len(first) >= minimum else first, name)
                whole.cut_gzip = gz is not None and gz.cut
                del first
                give_back(whole.size)
                return whole
            start = len(UTF8_BOM) if first.startswith(UTF8_BOM) else 0
            first = first[start:] if start else first
            _sniff_binary(first[:BLOCK], name)
            if gz is None and path != "-" and _dense(first, f):
                del first
                whole = ingest(_read_whole(f), name)
                give_back(whole.size)
                return whole
            wrapped = wrapped_format(first)
            # (the first SIEVE_MIN bytes handed over, not held here: 32 MiB beside
            # the windows kept, at the read's peak)
            held = [first]
            del first
            capture = _sieve(path, reader, held, wrapped, start)
        except OSError as e:
            raise InputError(f"{name}: cannot read: {e}") from None
    finally:
        if path != "-":
            f.close()
    plain = decode_chunks(capture.take_chunks(), name)
    source = TeeSource(name=name, lines=plain.lines, size=capture.total_bytes, crlf=plain.crlf,
                       decode_errors=plain.decode_errors, nul_bytes=plain.nul_bytes,
                       cut_gzip=gz is not None and gz.cut)
    source.capture = capture
    give_back(capture.total_bytes)
    return source
