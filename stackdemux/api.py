"""The pipeline as one call: ingest → demux → parse → analyse.

    from stackdemux import analyze
    analysis = analyze("build.log")          # a path
    analysis = analyze(b"panic: boom\\n...")   # bytes, or str text

This module and the CLI are the only places that know every stage.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import IO, Protocol

from .ingest import InputError, ingest, path_name, read_path
from .model import Analysis, Diagnostic, Source, Span, Stream
from .parse import ParseResult, parse_stream, report_ids
from .progress import NoProgress

# What analyze() reads: a path, bytes, log text, an open file, or a Source.
LogInput = str | bytes | os.PathLike[str] | IO[bytes] | IO[str] | Source


class ProgressSink(Protocol):
    def update(self, stage: str, fraction: float | None = None) -> None: ...


class OptionsError(ValueError, TypeError):
    """An Options field given what it cannot take (`Options(modules=5)`, a prefix
    that is no regex): one error naming the field, raised where the Options are
    made, not deep in the run that first reads the field. Both a ValueError and a
    TypeError, so that either `except` catches it."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field} {problem}")
        self.field = field  # the Options field (the CLI names its flag instead)
        self.problem = problem  # what is wrong with its value, after the field's name


@dataclass(slots=True)
class Options:
    """What a user can choose about the pipeline (the CLI's flags).

    Every field is checked when the Options are made (and when `analyze`'s
    keywords replace some): a wrong type or value raises OptionsError."""

    demux: bool = True
    prefix: str | None = None  # a user regex with a named group `key`
    modules: str | os.PathLike[str] | None = None  # go.mod or vendor/modules.txt
    rules: str | os.PathLike[str] | None = None  # a team's hints rules (TOML)
    threshold: float = 90.0  # title similarity (0–100) at which groups merge
    analyse: bool = True
    # What the demultiplexer parses on the way is kept for the parse; a caller
    # that only splits (`stackdemux split`) holds less without it.
    keep_parse: bool = True

    def __post_init__(self) -> None:
        # (checked here, not where each is used: a threshold only matters once two
        # groups' titles are compared, so `threshold="90"` or 900 passed unseen;
        # `modules=5` failed in the analysis with "'int' object has no attribute
        # 'main'"; `demux="no"` demultiplexed)
        for name in ("demux", "analyse", "keep_parse"):
            value = getattr(self, name)
            if not isinstance(value, bool):
                raise OptionsError(name, f"must be True or False, not {value!r}")
        t = self.threshold
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0 <= t <= 100:
            raise OptionsError("threshold", f"must be a number from 0 to 100, not {t!r}")
        for name in ("modules", "rules"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, (str, os.PathLike)):
                raise OptionsError(name, f"must be a path (a str or os.PathLike) or None, "
                                         f"not {type(value).__name__} {value!r:.40}")
            if value is not None and not os.fspath(value):
                raise OptionsError(name, "is an empty path: give a file, or None")
        if self.prefix is not None:
            _check_prefix(self.prefix)


def _check_prefix(prefix: object) -> None:
    """The user's prefix is a regex with a group `key`: read as the demultiplexer
    will read it, and said as the CLI says it, without the flag's dashes."""
    if not isinstance(prefix, str):
        raise OptionsError("prefix", f"must be a regex (a str) or None, not "
                                     f"{type(prefix).__name__} {prefix!r:.40}")
    from .demux.prefixes_styles import PrefixError, user_style

    try:
        user_style(prefix)
    except PrefixError as e:
        said = str(e)
        raise OptionsError("prefix", said.removeprefix("--prefix ")) from None


_OPTION_NAMES = tuple(Options.__dataclass_fields__)


def load(source: str | bytes | os.PathLike[str] | IO[bytes] | IO[str],
         name: str | None = None, *, sieve: bool = True) -> Source:
    """Ingest a path, bytes, text or an open file. A str holding a line break is
    log text; any other str is a path (or - for stdin): a mistyped path is an
    error, never an empty log. Pass one line of text as bytes, or end it with a
    newline. An open file (binary or text, anything with `read()`: a download's
    body, `gzip.open(...)`) is read whole, and named by its `name`.

    A path (or stdin) of sieve.SIEVE_MIN bytes or more is sieved: only the
    windows around its tracebacks become lines, the rest is counted as noise
    (pass sieve=False to have every line in `lines`)."""
    if not isinstance(source, (str, bytes, bytearray, memoryview, os.PathLike)) and callable(
            getattr(source, "read", None)):
        given = getattr(source, "name", None)
        data = source.read()
        if not isinstance(data, (str, bytes)):
            raise InputError(f"{type(source).__name__}.read() gave no text or bytes")
        return ingest(data, name or (given if isinstance(given, str) else "<file>"))
    if source == "":  # (not the current directory: an unset variable, most likely)
        raise InputError("an empty path: pass log text with a newline, or bytes")
    if isinstance(source, os.PathLike) or (isinstance(source, str) and "\n" not in source):
        path = os.fspath(source)
        name = name or path_name(path)
        if sieve:
            from .sieve import read_source

            return read_source(path, name)
        return ingest(read_path(path), name)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return ingest(bytes(source), name or "<bytes>")
    if isinstance(source, str):
        return ingest(source, name or "<text>")
    several = " (several logs: analyze_many)" if isinstance(source, (list, tuple)) else ""
    raise InputError(f"cannot read a log from {type(source).__name__} {source!r:.40}: pass a "
                     f"path, bytes, log text (a str with a newline) or an open file{several}")


def split_streams(source: Source, options: Options,
                  index: int = 0) -> tuple[list[Stream], list[Span]]:
    """Demultiplex a source into streams; lines claimed by none are returned as noise."""
    streams, noise, _ = split_streams_detail(source, options, index)
    return streams, noise


def split_streams_detail(source: Source, options: Options, index: int = 0
                         ) -> tuple[list[Stream], list[Span], list[Diagnostic]]:
    """split_streams, and what the demultiplexer could not place."""
    streams, noise, diagnostics = _split_detail(source, options, index)
    # An empty log is no process's output: it had one stream of 0 lines, which
    # `split` wrote as an empty s1.log (no other input leaves a stream empty)
    streams = [s for s in streams if len(s.texts)]
    if options.demux and options.prefix is not None and not _prefixed(source, options.prefix):
        # (a prefix that fits no line is not used: the log is read as without it,
        # which the user, who gave it, would not know)
        diagnostics.append(Diagnostic(
            f"{source.name}: --prefix {options.prefix!r} matched no line at its start: "
            "the log was read without it"))
    return streams, noise, diagnostics


def _prefixed(source: Source, regex: str) -> bool:
    """Whether --prefix matches some line as the demultiplexer reads it (at the
    line start, and not empty)."""
    match = re.compile(regex).match
    return any(m is not None and m.end() for m in map(match, source.lines))


def _split_detail(source: Source, options: Options, index: int = 0
                  ) -> tuple[list[Stream], list[Span], list[Diagnostic]]:
    prefix = f"s{index + 1}." if index else "s"
    capture = getattr(source, "capture", None)
    if options.demux and capture is not None:
        return _split_windows(source, options, prefix)
    if options.demux:
        from .demux import demultiplex_detail
        from .demux.prefixes import PrefixError

        try:
            d = demultiplex_detail(source, user_prefix=options.prefix, id_prefix=prefix,
                                   keep_parse=options.keep_parse)
        except PrefixError as e:
            raise InputError(str(e)) from None  # (it names --prefix)
        return d.streams, d.noise, d.diagnostics
    text, source._text = source._text, None  # (its lines joined: see Source)
    stream = Stream(id=f"{prefix}1", numbers=range(1, len(source.lines) + 1), texts=source.lines)
    if text is not None:
        stream.take_joined(text)
    return [stream], [], []


# Why a report at a big log's window's end may be cut short (Stream.unread_after).
WINDOW_END = ("the log was read in windows around its tracebacks (a big log): the lines "
              "after this window were not read")


def _split_windows(source: Source, options: Options, prefix: str
                   ) -> tuple[list[Stream], list[Span], list[Diagnostic]]:
    """A sieved log: its windows far apart are demultiplexed apart, as the
    demultiplexer does with the regions of a log it reads whole. Line numbers
    stay the sieved source's (capture.remap maps them to the input's)."""
    from .demux import REGION_GAP

    streams: list[Stream] = []
    noise: list[Span] = []
    diagnostics: list[Diagnostic] = []
    from .demux.wrapped import SNIFF_RECORDS, mark_verdicts_later, sniff

    capture = source.capture  # type: ignore[attr-defined]
    to_input = capture.line_map()
    # go test -json: every window apart (a package's stream cut by unread records
    # holds `=== RUN` lines of tests whose log is not there, which would name the
    # test of the next window's log lines)
    gap = 1 if sniff(source.lines[:2 * SNIFF_RECORDS]) == "test2json" else REGION_GAP
    for a, b in capture.regions(gap):
        region = Source(name=source.name, lines=source.lines[a:b], size=source.size)
        got, got_noise, got_diagnostics = _split_detail(region, options)
        unread = WINDOW_END if b and to_input(b) < capture.total_lines else None
        for s in got:
            s.unread_after = unread
            s.id = f"{prefix}{len(streams) + 1}"
            if a:  # (a region from the first line keeps its numbers, and what was parsed of it)
                s.numbers = [n + a for n in s.numbers]
                s.pieces = {i: [(n + a, c, d) for n, c, d in ps] for i, ps in s.pieces.items()}
            streams.append(s)
        noise.extend((x + a, y + a) for x, y in got_noise)
        for d in got_diagnostics:
            d.lines = [(x + a, y + a) for x, y in d.lines]
            diagnostics.append(d)
    if gap == 1:
        mark_verdicts_later(streams)
    else:
        from .test_reports import mark_package_verdicts_below

        mark_package_verdicts_below(streams)
    return streams, noise, diagnostics


def analyze(
    source: LogInput,
    options: Options | None = None,
    **kwargs: object,
) -> Analysis:
    """Read one log and return everything stackdemux knows about it.

    `source` is a path, bytes, log text (a str with a newline), an open file or
    a Source; keywords are Options' fields (`threshold=80`, `rules="hints.toml"`).
    Raises InputError (a message of one line for the user) for input that cannot
    be read as a log (a missing file, a directory, binary data) and OptionsError
    for an option of the wrong type or value, or a mistyped keyword. An empty log
    gives an Analysis with no stream and no report."""
    return analyze_many([source], options, **kwargs)


def analyze_many(
    sources: Iterable[LogInput],
    options: Options | None = None,
    progress: ProgressSink | None = None,
    **kwargs: object,
) -> Analysis:
    """Read several logs as one analysis: groups span all of them. Each report,
    diagnostic and span of noise names its input (`sources`, in order) and keeps
    that input's line numbers; a stream's id names it too (`s2.1`). Raises as
    `analyze` does."""
    if isinstance(sources, (str, bytes, bytearray, memoryview, os.PathLike, Source)) or callable(
            getattr(sources, "read", None)):
        # (one log was read as the sequence of its characters: "b: no such file")
        raise TypeError(f"analyze_many reads a list of logs, not one {type(sources).__name__}: "
                        "analyze_many([log, ...]), or analyze(log)")
    # options and keywords together: the keywords change those options (they
    # were silently dropped, `analyze(log, opts, threshold=50)` kept 90)
    if options is not None and not isinstance(options, Options):
        # `analyze(a, b)` for two logs: say so, not dataclasses.replace's TypeError
        raise TypeError(f"options must be stackdemux.Options, not {type(options).__name__} "
                        "(several logs: analyze_many([a, b]))")
    unknown = [k for k in kwargs if k not in _OPTION_NAMES]
    if unknown:  # (a typo, `thresold=80`: TypeError's "unexpected keyword" named no choice)
        raise OptionsError(unknown[0], f"is no option; Options' fields: {', '.join(_OPTION_NAMES)}")
    opts = replace(options, **kwargs) if options else Options(**kwargs)  # type: ignore[arg-type]
    # The run builds a large acyclic object graph: the cyclic GC would only
    # rescan it over and over (the 20 000-goroutine dump's analysis: 0.77 s
    # with it, 0.34 s without). The CLI runs so too.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _analyze_many(sources, opts, progress)
    finally:
        if was_enabled:
            # What it made lives on: moved to the oldest generation as it is (two
            # list splices), where the caller's next allocations would have had
            # the collector traverse it all as young (rendering the dump's JSON
            # next, with the collector on: 0.32-0.34 s, 0.21-0.22 s so)
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _analyze_many(sources: Iterable[LogInput], opts: Options,
                  progress: ProgressSink | None) -> Analysis:
    tell = progress or NoProgress()
    analysis = Analysis()
    ids = report_ids()
    for index, src in enumerate(sources):
        source = src if isinstance(src, Source) else load(src)
        part = _analyse_source(source, opts, index, ids, tell)
        analysis.reports.extend(part.reports)
        for d in part.diagnostics:  # its line numbers are this input's, as reports' are
            d.source = source.name
        analysis.diagnostics.extend(part.diagnostics)
        analysis.streams.extend(part.streams)
        analysis.noise.extend(part.noise)
        analysis.noise_sources.extend([source.name] * len(part.noise))
        analysis.sources.append(source.name)
        analysis.total_lines += part.total_lines
        # its lines are let go before the next input is read, and before the
        # analysis and the report (a log that is all tracebacks: 132 MB of 60 MB)
        del source, src, part
    if opts.analyse:
        tell.update("analysing")
        _analyse(analysis, opts)
    return analysis


def _analyse_source(source: Source, opts: Options, index: int, ids: Iterator[str],
                    tell: ProgressSink) -> Analysis:
    """Demultiplex and parse one source: its reports, streams and noise."""
    from .demux.wrapped import name_tests
    from .test_reports import parents_with_their_failures

    tell.update(f"demultiplexing {source.name}")
    streams, noise, diagnostics = split_streams_detail(source, opts, index)
    part = Analysis(streams=streams, diagnostics=diagnostics, total_lines=len(source.lines))
    results: list[ParseResult] = []
    total = sum(len(s.texts) for s in streams) or 1
    done = 0
    for s in streams:
        tell.update(f"parsing {source.name}", done / total)
        if not s.unplaced:
            results.append(parse_stream(s, ids))
        done += len(s.texts)
    for r in results:
        for report in r.reports:
            report.source = source.name
        part.reports.extend(r.reports)
        part.diagnostics.extend(r.diagnostics)
        noise.extend(r.noise)
    # `go test -json`: a panicking test prints no `--- FAIL` of its own; its events say which
    name_tests(part.reports, source.lines, streams)
    parents_with_their_failures(part.reports)
    part.noise = _merge(noise)
    if not part.reports:
        # (a crash behind a prefix no style reads: `No Go crash found` would be wrong)
        from .unread import unread_crashes

        part.diagnostics.extend(unread_crashes(source.lines, opts.demux))
    part.diagnostics.extend(source_diagnostics(source))
    capture = getattr(source, "capture", None)
    if capture is not None:  # a sieved or teed log: back to the input's line numbers
        capture.remap(part)
        if capture.kept_lines < capture.total_lines:
            from .sieve import SIEVE_MIN

            # (--tee sieves stdin whatever its size: a log of 30 lines is no big log)
            how = "a big log, read" if source.size >= SIEVE_MIN else "read as it passed through,"
            part.diagnostics.append(Diagnostic(
                f"{source.name}: {how} in windows around its tracebacks: "
                f"{capture.kept_lines} of {capture.total_lines} lines; the rest is noise",
                severity="info"))
    return part


def source_diagnostics(source: Source) -> list[Diagnostic]:
    """What reading the input itself changed or lost: bytes replaced, a gzip cut
    short (`stackdemux split` says them too)."""
    out = []
    if source.decode_errors or source.nul_bytes:  # README: "replaced and counted"
        said = []
        if source.decode_errors:
            said.append(f"{source.decode_errors} line{'s' if source.decode_errors != 1 else ''}"
                        " held bytes that are not UTF-8 (shown as U+FFFD)")
        if source.nul_bytes:
            said.append(f"{source.nul_bytes} NUL byte{'s' if source.nul_bytes != 1 else ''}")
        out.append(Diagnostic(f"{source.name}: " + "; ".join(said), severity="info"))
    if source.cut_gzip:
        out.append(Diagnostic(
            f"{source.name}: the gzip file ends early (cut off, or copied while written): "
            "read as far as it goes"))
    return out


def _analyse(analysis: Analysis, opts: Options) -> None:
    from .analyse import ModulesError, RulesError, analyse

    try:
        groups, buckets = analyse(analysis.reports, modules=opts.modules, rules=opts.rules,
                                  threshold=opts.threshold, as_parsed=True)
    except (RulesError, ModulesError) as e:
        raise InputError(str(e)) from None
    analysis.groups = groups
    for report in analysis.reports:
        report.buckets = buckets.get(report.id, [])


def _merge(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out
