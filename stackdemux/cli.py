"""The command line: click commands, the only place besides api.py that knows every stage.

Exit codes: 0 the input was read (crashes found or not); 1 crashes were found
and --fail-on-crash was given; 2 usage or input error; 3 a bug in stackdemux
(said in one line, never a Python traceback).
"""

from __future__ import annotations

import errno
import gc
import itertools
import os
import re
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from . import __version__, rx
from .api import Options, OptionsError, analyze_many
from .ingest import InputError, ingest, path_name, read_path
from .model import Analysis, Source
from .progress import Progress

FORMATS = ["text", "json", "markdown", "html", "github", "junit", "sarif", "codequality"]

EXIT_OK, EXIT_CRASHES, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3

# lark's Earley parser on one long line costs time and memory far beyond linear
# (a 4 000-digit frame file line: 2.5 s, 230 MB; 8 000: 5.4 s, 810 MB; a 64 KiB
# one: minutes and 9 GB): `grammar --lark` reads no longer line.
LARK_MAX_LINE = 4096


# Subcommands imported only when named, so `stackdemux FILE` starts fast.
_LAZY = {
    "threads": ("stackdemux.threads.cli", "threads_command"),
}


class _DefaultGroup(click.Group):
    """`stackdemux FILE…` runs the `report` command; other words name subcommands."""

    default_command = "report"

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*self.commands, *_LAZY])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in _LAZY:
            import importlib

            module, attr = _LAZY[name]
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        known = args and (args[0] in self.commands or args[0] in _LAZY
                          or args[0] in ("-h", "--help", "--version"))
        if not known:
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "[OPTIONS] [FILE]... | COMMAND [ARGS]...")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """`stackdemux --help` lists the options of `stackdemux [OPTIONS] [FILE]...`
        (the report command's), as the README does, then --version and the commands:
        a first reader looks for -f and --fail-on-crash here, not under `report`."""
        report = self.commands[self.default_command]
        sub = click.Context(report, info_name=self.default_command, parent=ctx)
        records = [rv for p in report.get_params(sub)
                   if isinstance(p, click.Option) and "--help" not in p.opts
                   and (rv := p.get_help_record(sub)) is not None]
        records += [rv for p in self.get_params(ctx) if (rv := p.get_help_record(ctx)) is not None]
        with formatter.section("Options"):
            formatter.write_dl(records)
        self.format_commands(ctx, formatter)

    # A usage error is raised as the group reads its own options, or as a
    # subcommand reads its arguments (inside the group's invoke).
    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        with _one_line():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _one_line():
            return super().invoke(ctx)


class _UsageLine(click.UsageError):
    """A usage error said in one line on stderr, as every other error is: click
    says it in three (the usage, a hint, the error), which a CI log or a script
    reading stderr takes for three errors."""

    def show(self, file: Any = None) -> None:
        message = " ".join(self.message.split()).rstrip(".")  # (a message may wrap)
        hint = f" (see '{_help_path(self.ctx)} --help')" if self.ctx is not None else ""
        click.echo(_said(f"stackdemux: error: {message}{hint}"), err=True)


def _help_path(ctx: click.Context) -> str:
    """The command whose --help a usage error points at: `stackdemux`, not
    `stackdemux report`, for the command a user runs without naming it (the
    top help lists its options; the user never typed `report`)."""
    parent = ctx.parent
    if parent is not None and getattr(parent.command, "default_command", None) == ctx.info_name:
        return parent.command_path
    return ctx.command_path


class _one_line:
    """Turn click's usage errors into _UsageLine (exit code 2 as before)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type, exc, tb) -> bool:
        if isinstance(exc, click.UsageError) and not isinstance(exc, _UsageLine):
            # (the message as click formats it: the parameter named, a suggestion)
            raise _UsageLine(exc.format_message(), exc.ctx) from None
        return False


@click.group(cls=_DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="stackdemux")
def main() -> None:
    """Turn logs full of Go crashes into answers.

    stackdemux [OPTIONS] [FILE]... reads logs (stdin when none or -), puts
    interleaved tracebacks of concurrent processes back together, parses every
    Go crash and goroutine dump, groups them, and reports (the options below;
    `stackdemux report FILE` names this command, for a FILE named as another).

    The text report, for each group of like crashes (×N: how many; <N> in a
    title stands for a number, <ADDR> an address, so that they group):

    \b
      where      the streams (processes) and the lines of the log it is at
      kind       panic, fatal error, signal, race, goroutine dump…, its size
      threads    a GOTRACEBACK=crash dump's other threads
      partial    the log holds the report cut short, and why
      test       the go test that failed, in its package (tests: several)
      input      a fuzz target's failing input: its file, in the package
      failed     a failed test, and its log as testing printed it
      message    the panic value or the error, as printed
      signal     the signal the crash took, as printed (addr=: the address)
      panics     panics raised while one was recovered: the program died of
                 the last
      culprit    the frame to blame (runs in, waits in, seen in, dumped by,
                 panic in: nothing crashed, and what the frame shown was doing,
                 or where a panic that was recovered was raised)
      our code   your module's frame nearest to the culprit
      chain      the calls from the entry to the culprit, a step per module
                 (`(new goroutine)`: the step before started it)
      hint       what such a crash means, what to do, and the facts read
      ▸          the culprit (or the frame that runs in, waits in…), in the
                 stack of the goroutine shown

    Exit codes: 0 the input was read (crashes found or not); 1 crashes were
    found and --fail-on-crash was given; 2 a usage or input error, said in one
    line; 3 a bug in stackdemux, said in one line; 130 interrupted.
    """


def _a_number(ctx: click.Context, param: click.Parameter, value: float) -> float:
    # (FloatRange lets NaN through: no comparison with it is false)
    if value != value:
        raise click.BadParameter(f"{value} is not in the range 0<=x<=100")
    return value


def _pipeline_options(f: Any) -> Any:
    for option in reversed([
        click.option("--prefix", metavar="REGEX",
                     help="A regex matching each line's prefix, with a named group `key` "
                          "naming the stream."),
        click.option("--no-demux", is_flag=True,
                     help="Read each input as one process's output."),
        click.option("--modules", type=click.Path(dir_okay=False),
                     help="A go.mod or vendor/modules.txt: module boundaries for frames."),
        click.option("--rules", type=click.Path(dir_okay=False),
                     help="A TOML file of your own hints, tried before the shipped ones."),
        click.option("--threshold", type=click.FloatRange(0, 100), default=90.0,
                     show_default=True, callback=_a_number, metavar="N",
                     help="Title similarity (0-100) at which crash groups merge."),
    ]):
        f = option(f)
    return f


@main.command("report")
@click.argument("files", nargs=-1, type=click.Path(allow_dash=True))
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="text",
              show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="Write the report to a file instead of stdout.")
@click.option("-v", "--verbose", is_flag=True, help="Show every goroutine bucket.")
@click.option("--color/--no-color", default=None,
              help="Colour the terminal report (default: when stdout is a terminal; "
                   "NO_COLOR and FORCE_COLOR are honoured).")
@click.option("--full-paths", is_flag=True, help="Do not shorten paths.")
@click.option("--repo-root", type=click.Path(file_okay=False),
              help="The checked-out repository, to point annotations at files "
                   "(default: $GITHUB_WORKSPACE, then $CI_PROJECT_DIR).")
@click.option("--fail-on-crash", is_flag=True,
              help="Exit 1 when a crash is found: a panic, fatal error, signal, race or "
                   "failed test, or one seen behind a prefix but not read; a goroutine "
                   "dump alone (pprof, runtime.Stack) is none. Else 0; 2: a usage or "
                   "input error.")
@click.option("--tee", is_flag=True,
              help="Pass stdin through to stdout as it arrives; print the report at the end "
                   "(to stderr, or to --output).")
@click.option("--indent", is_flag=True, help="Indent the JSON report (-f json only).")
@_pipeline_options
def report_command(files: tuple[str, ...], fmt: str, output: str, verbose: bool,
                   color: bool | None, full_paths: bool, repo_root: str | None,
                   fail_on_crash: bool, tee: bool, indent: bool, prefix: str | None,
                   no_demux: bool, modules: str | None, rules: str | None,
                   threshold: float) -> None:
    """Analyse logs and report the crashes in them.

    `stackdemux --help` says what each word of the text report means.
    """
    if indent and fmt != "json":
        # (it was silently ignored: the user asked for something and got nothing;
        # said before stdin is read, so that --tee passes no log with the error)
        raise click.UsageError(f"--indent indents only -f json's report, not -f {fmt}'s")
    if color and fmt != "text":
        # (so was --color: only the terminal report has colours; --no-color is no
        # request, and a script may give it whatever the format)
        raise click.UsageError(f"--color colours only the text report, not -f {fmt}'s")
    with _errors():
        options = _options(demux=not no_demux, prefix=prefix, modules=modules, rules=rules,
                           threshold=threshold)
    if repo_root is not None and not os.path.isdir(repo_root):
        # (a mistyped checkout would silently point no annotation at a file found in it)
        from .render.sanitize import clean, inert_line

        click.echo(inert_line(clean(
            f"stackdemux: warning: --repo-root {repo_root}: no such directory: annotations "
            "point only at paths printed under it, no file is looked for")), err=True)
    # The run builds a large acyclic object graph: the cyclic GC would only
    # rescan it over and over (~10 % of a big dump's time).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        analysis = _report(files, fmt, output, verbose, color, full_paths, repo_root, tee,
                           indent, options)
    finally:
        if gc_was_enabled:
            gc.enable()
    if analysis.total_lines == 0 and sys.stderr is not None:
        # (a CI step that forgot the log's name reads an empty stdin, /dev/null: its
        # report said no crash, as a clean build's does)
        from .render.sanitize import clean, inert_line

        names = ", ".join(analysis.sources) or "<stdin>"
        click.echo(inert_line(clean(
            f"stackdemux: warning: {names}: empty, no log was read (give the log as FILE, "
            "or pipe the build's output in)")), err=True)
    if fail_on_crash and (any(r.kind.is_crash for r in analysis.reports) or _seen(analysis)):
        sys.exit(EXIT_CRASHES)


def _seen(analysis: Analysis) -> bool:
    """A crash seen behind a prefix but not read (unread.py) is a crash found:
    --fail-on-crash must not let the step pass over it."""
    from .unread import UNREAD_CODE

    return any(d.code == UNREAD_CODE for d in analysis.diagnostics)


def _report(files: tuple[str, ...], fmt: str, output: str, verbose: bool, color: bool | None,
            full_paths: bool, repo_root: str | None, tee: bool, indent: bool,
            options: Options) -> Analysis:
    with _errors():
        with Progress() as progress:
            # read one at a time: each input's lines are let go once it is analysed
            if not tee and files.count("-") > 1:  # (the second would read nothing)
                raise click.UsageError("- (stdin) is given twice: it can be read only once")
            if output != "-" and any(_same_file(f, output) for f in files if f != "-"):
                # (the log is read whole before the report is written over it)
                raise InputError(f"{output}: is also an input: the report would replace the "
                                 "log (give another -o FILE)")
            if "-" in (files or ("-",)):
                _say_stdin_is_read()
            if tee:
                _say_tee_has_no_stdout()
            sources = iter([_tee_stdin(files)]) if tee else (_read(f) for f in files or ("-",))
            analysis = analyze_many(sources, options, progress)  # maps kept lines back
            progress.update("writing the report")
            out_stream = sys.stderr if tee and output == "-" else None
            if tee and output == "-" and out_stream is None:
                # (`--tee 2>&-`: the report would have gone into the log on stdout)
                raise InputError("cannot write the report: stderr is closed (give -o FILE)")
            text = _render(analysis, fmt, verbose=verbose, color=color, full_paths=full_paths,
                           repo_root=repo_root, indent=indent, output=output,
                           stream=out_stream)
        _write(text, output, out_stream)
    return analysis


@main.command("split")
@click.argument("log", type=click.Path(allow_dash=True))
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              metavar="DIR",
              help="The directory to write one file per stream into, plus noise.txt.")
@click.option("--prefix", metavar="REGEX",
              help="A regex matching each line's prefix, with a named group `key`.")
def split_command(log: str, out_dir: str, prefix: str | None) -> None:
    """Write each process's output recovered from LOG to its own file.

    Every line of LOG ends up in exactly one file: a stream's (s1.log,
    s2.log, …; s1-hub-1.log where the log named it hub-1), or noise.txt (the
    lines read as no process's output). The prefixes
    stripped from lines (`hub-1  | `) go to prefixes.txt, each after its line
    number and a tab. DIR is made if missing; files an earlier split left in
    it are named on stderr and kept.
    """
    from .api import source_diagnostics, split_streams_detail
    from .demux.split import stream_file_name, stripped_prefixes, write_prefixes, write_split
    from .model import Analysis
    from .render.sanitize import clean, inert_line
    from .render.view import diagnostic_where

    with _errors():
        # A big log file is sieved: its noise is copied from the file again, line
        # by line. Stdin, a pipe or a FIFO (`split <(zcat x.gz)`) cannot be read
        # twice: it is read whole (sieved, its noise was lost: 0 lines written).
        options = _options(prefix=prefix, keep_parse=False)  # (a bad --prefix: before reading)
        source = _read(log, sieve=_rereadable(log))
        streams, noise, diagnostics = split_streams_detail(source, options)
        diagnostics += source_diagnostics(source)  # (a gzip cut short was not said)
        # (read off the lines the streams' numbers name, before they are mapped)
        prefixes = stripped_prefixes(streams, source.lines)
        capture = getattr(source, "capture", None)
        if capture is not None:  # back to the input's line numbers; its gaps are noise
            mapped = capture.remap(Analysis(streams=streams, noise=noise,
                                            diagnostics=diagnostics))
            noise = mapped.noise
            to = capture.line_map()
            prefixes = [(to(n), p) for n, p in prefixes]
        _refuse_writing_over(log, out_dir, [*map(stream_file_name, streams), "noise.txt",
                                            "prefixes.txt"])
        try:
            paths = write_split(streams, noise, source, out_dir, log_path=log)
            prefixes_path = write_prefixes(prefixes, out_dir) if prefixes else None
        except OSError as e:  # -o in a place that cannot be written: exit 2, not 3
            raise InputError(f"{out_dir}: cannot write: {e.strerror or e}") from None
        for s, p in zip(streams, paths, strict=False):
            # (a label is log text: a GNU parallel tag may hold any escape sequence,
            # or a workflow command for the CI runner printing this)
            label = f" ({s.label})" if s.label else ""
            click.echo(inert_line(clean(f"{p}: {_lines(len(s.texts))}{_held(s)}{label}")))
        click.echo(inert_line(clean(f"{paths[-1]}: "
                                    f"{_lines(sum(b - a + 1 for a, b in noise))} of noise")))
        if prefixes_path is not None:
            click.echo(inert_line(clean(f"{prefixes_path}: {_lines(len(prefixes))}: the "
                                        "prefixes stripped from the streams' lines")))
        stale = _stale_split_files(out_dir, [*paths, *filter(None, [prefixes_path])])
        if stale:  # (left as they are: split removes no file it did not write now)
            named = ", ".join(stale[:5]) + (f" and {len(stale) - 5} more" if len(stale) > 5
                                            else "")
            click.echo(inert_line(clean(
                f"stackdemux: warning: {out_dir} also holds {named}: an earlier split's, "
                "not this log's")), err=True)
        # A diagnostic's lines are named as the reports name them: the first few,
        # then how many more (one about a cut-up region can name thousands).
        shown = Analysis(streams=streams, noise=noise, diagnostics=diagnostics)
        for d in diagnostics:
            where = diagnostic_where(d, shown)  # (a repair that dropped no line names none)
            where = f"{where}: " if where else ""
            # (its message may quote the log: a file name, the source files named)
            click.echo(inert_line(clean(f"stackdemux: {d.severity}: {where}{d.message}")),
                       err=True)


@main.command("grammar")
@click.argument("lines", nargs=-1)
@click.option("--lark", "use_lark", is_flag=True,
              help="Read with lark's parser (the authoritative reading) instead of the "
                   "compiled classifier; a line over 4096 characters is left unread.")
def grammar_command(lines: tuple[str, ...], use_lark: bool) -> None:
    """Show how the traceback grammar reads each LINE (or each line of stdin)."""
    from .grammar import line_grammar

    with _errors():
        g = line_grammar()
        # stdin's lines as a log's are read: LF-ended, bad UTF-8 replaced, binary refused
        if not lines:
            _say_stdin_is_read()
        texts = list(lines) or ingest(read_path("-"), "<stdin>").lines
        for n, text in enumerate(texts, 1):
            if use_lark and len(text) > LARK_MAX_LINE:
                click.echo(f"unread\t{{'length': {len(text)}}}")
                click.echo(f"stackdemux: warning: line {n}: {len(text)} characters, over "
                           f"{LARK_MAX_LINE} for lark's Earley parser (without --lark the "
                           "classifier reads lines up to 64 KiB)", err=True)
                continue
            kind, fields = (g.parse if use_lark else g.fields)(text)
            # (repr escapes control characters, not a `##[` the CI runner obeys)
            click.echo(f"{kind or 'noise'}\t{_said(repr(fields))}")


def _options(**fields: Any) -> Options:
    """Options from the flags: a flag's value Options refuse (a --prefix that is no
    regex) is a usage error naming the flag."""
    try:
        return Options(**fields)
    except OptionsError as e:
        raise InputError(f"--{e.field.replace('_', '-')} {e.problem}") from None


def _read(path: str, sieve: bool = True) -> Source:
    """A command-line argument is always a path (or - for stdin), never log text.
    A big log is sieved (sieve.py): only the windows around tracebacks are read
    into lines."""
    name = path_name(path)
    _say_a_command_misspelt(path)
    if sieve:
        from .sieve import read_source

        return read_source(path, name)
    return ingest(read_path(path), name)


def _say_a_command_misspelt(path: str) -> None:
    """`stackdemux splitt LOG` read `splitt` as a log and said only `splitt: no
    such file`: a missing file named like a command says which command."""
    if path == "-" or os.sep in path or os.path.lexists(path):
        return
    import difflib

    commands = sorted([*main.commands, *_LAZY])
    close = difflib.get_close_matches(path, commands, n=1, cutoff=0.75)
    if close:
        raise InputError(f"{path}: no such file, nor a command: did you mean "
                         f"`stackdemux {close[0]}`?")


def _refuse_writing_over(log: str, out_dir: str, names: list[str]) -> None:
    """Split a file that is in its own output directory under a name split
    writes (`split out/s1.log -o out`, a log called noise.txt) and it was replaced
    by its own part, or a sieved log's noise read back from the new file."""
    if log == "-":
        return
    for name in names:
        if _same_file(os.path.join(out_dir, name), log):
            raise InputError(f"{log}: split would write over it ({out_dir}/{name} is this "
                             "log): give another -o DIR")


# What split names its files: s2.log, s2.1.log, s1-hub-1.log, noise.txt, prefixes.txt
_SPLIT_FILE = rx.compile(r"s\d+(?:\.\d+)?(?:-.*)?\.log|noise\.txt|prefixes\.txt", re.S)


def _stale_split_files(out_dir: str, written: list[Path]) -> list[str]:
    """Files named as split names its files, in the directory it just wrote to,
    that it did not write now: split a log of five processes and then one of
    one into the same directory, and `s*.log` still found the five (s2-s5 from
    the first)."""
    now = {p.name for p in written}
    try:
        names = sorted(os.listdir(out_dir))
    except OSError:
        return []
    return [n for n in names if n not in now and _SPLIT_FILE.fullmatch(n)]


def _say_stdin_is_read() -> None:
    """`stackdemux` typed alone at a terminal waited for a log on stdin without
    a word, as if it hung: it says what it waits for."""
    stdin = sys.stdin
    if stdin is not None and stdin.isatty() and sys.stderr is not None:
        click.echo("stackdemux: reading a log from stdin: paste it, then Ctrl-D "
                   "(stackdemux --help for more)", err=True)


def _say_tee_has_no_stdout() -> None:
    """`--tee >&-`: the log was passed to no one, without a word (the step's log
    lost it, the report alone came out). It is still analysed: said, not refused."""
    if sys.stdout is None and sys.stderr is not None:
        click.echo("stackdemux: warning: stdout is closed: --tee passes the log to no one "
                   "(only the report is written)", err=True)


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # (one is not there: nothing to write over)
        return False


def _rereadable(path: str) -> bool:
    """Whether `path` is a regular file, which can be read a second time."""
    try:
        return path != "-" and stat.S_ISREG(os.stat(path).st_mode)
    except OSError:  # (reading it says why it cannot be read)
        return False


def _lines(n: int) -> str:
    return f"{n} line" if n == 1 else f"{n} lines"


def _held(stream) -> str:
    """How many input lines a stream's lines hold, when that is another number: a
    line a repair joined from several (a paste's hard wrap, a collector's cut line)
    holds them all, and every input line is in one file."""
    if not stream.pieces:
        return ""
    numbers = stream.numbers
    lines = set(numbers)
    for ps in stream.pieces.values():
        lines.update(n for n, _, _ in ps)
    return f" (holding {len(lines)} input lines)" if len(lines) != len(stream.texts) else ""


def _tee_stdin(files: tuple[str, ...]):
    if files and files != ("-",):
        raise click.UsageError("--tee reads stdin; give no FILE")
    from .tee import tee_stdin

    return tee_stdin()


def _render(analysis, fmt: str, *, verbose: bool, color: bool | None, full_paths: bool,
            repo_root: str | None, indent: bool, output: str, stream: Any) -> str | Iterator[bytes]:
    if fmt == "json":
        from .render.json import iter_json_bytes

        # bytes, written as they are: a big dump's JSON is hundreds of MB, and
        # decoding it only to encode it again cost a third of the writing; in
        # pieces, so that the whole document is never held
        return itertools.chain(iter_json_bytes(analysis, indent=indent), (b"\n",))
    from .render import RenderOptions, color_wanted, render
    from .render.options import terminal_width

    target = stream if stream is not None else sys.stdout
    use_color = output == "-" and color_wanted(target, color, os.environ)
    width = terminal_width(target, os.environ) if output == "-" else 80
    opts = RenderOptions.from_env(os.environ, color=use_color, verbose=verbose,
                                  full_paths=full_paths, repo_root=repo_root, width=width)
    text = render(analysis, fmt, opts)
    return text if text.endswith("\n") or not text else text + "\n"


def _write(text: str | Iterator[bytes], output: str, stream: Any) -> None:
    if output == "-":
        out = stream or sys.stdout
        if out is None:  # (`stackdemux log >&-`: Python leaves sys.stdout None)
            raise InputError("cannot write the report: stdout is closed (give -o FILE)")
        if not isinstance(text, str):
            out.flush()
            for chunk in text:  # write() each: a wrapper may copy what write() gets
                out.buffer.write(chunk)
            out.buffer.flush()
            return
        out.write(text)
        out.flush()
        return
    try:
        if not isinstance(text, str):
            with open(output, "wb") as f:
                for chunk in text:
                    f.write(chunk)
        else:
            Path(output).write_text(text, encoding="utf-8")
    except OSError as e:
        raise InputError(f"{output}: cannot write: {e.strerror or e}") from None


def _said(message: str) -> str:
    """A one-line message for the terminal: it may name a file or quote the log,
    whose escapes and workflow commands must not act where it is printed."""
    from .render.sanitize import clean, inert_line

    return inert_line(clean(message))


_WRITE_ERRORS = frozenset((errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EBADF, errno.EFBIG))


class _errors:
    """Turn every failure into one line on stderr and an exit code."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is None or isinstance(exc, (click.exceptions.Exit, click.ClickException,
                                           SystemExit, click.Abort)):
            return False
        if isinstance(exc, InputError):
            click.echo(_said(f"stackdemux: error: {exc}"), err=True)
            sys.exit(EXIT_USAGE)
        if isinstance(exc, BrokenPipeError):
            # the reader went away (| head): not an error of ours
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_OK)
        if isinstance(exc, KeyboardInterrupt):
            from .entry import interrupted

            interrupted()  # (exit 130, said in one line)
        if isinstance(exc, OSError) and exc.errno in _WRITE_ERRORS:
            # the report's own output failed (a full disk, a closed descriptor): the
            # user's environment, not a bug of ours
            click.echo(f"stackdemux: error: cannot write the report: {exc.strerror or exc}",
                       err=True)
            sys.exit(EXIT_USAGE)
        if isinstance(exc, MemoryError):
            click.echo("stackdemux: error: out of memory reading the input", err=True)
            sys.exit(EXIT_USAGE)
        if os.environ.get("STACKDEMUX_DEBUG"):
            return False
        click.echo(_said(f"stackdemux: internal error: {type(exc).__name__}: {exc} "
                         "(a bug in stackdemux; set STACKDEMUX_DEBUG=1 for details)"), err=True)
        sys.exit(EXIT_BUG)


def run() -> None:
    main()


if __name__ == "__main__":  # pragma: no cover
    main()
