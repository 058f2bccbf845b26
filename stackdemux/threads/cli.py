"""`stackdemux threads LOG`: the click command (the lead's cli.py registers it)."""

from __future__ import annotations

import click

from ..cli import _errors
from ..ingest import stdin_buffer
from ..render.sanitize import clean, inert_line
from . import ThreadsError, iter_threads, thread_log
from .render import render_json, render_markdown, render_text, thread_json_line, thread_text


@click.command("threads")
@click.argument("log", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--key", metavar="NAME", help="Correlation key (default: detected, e.g. "
              "http.request.id, request_id, trace_id).")
@click.option("--link", metavar="NAME", help="Chain threads sharing this key into stories "
              "(e.g. vars.uuid).")
@click.option("--errors", "errors_only", is_flag=True,
              help="Only threads that ended in an error: a 5xx, a panic, an error without status.")
@click.option("--grep", metavar="REGEX", help="Only threads with a line matching REGEX.")
@click.option("--since", metavar="TIME", help="Only threads active at or after TIME (RFC 3339).")
@click.option("--until", metavar="TIME", help="Only threads active at or before TIME (RFC 3339).")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "markdown"]),
              default="text", show_default=True,
              help="Output format (-f as in `stackdemux -f json`).")
@click.option("--summary", is_flag=True, help="Bounded memory for huge logs: per-thread "
              "summaries without records, printed as threads finish (json: one per line).")
def threads_command(log: str, key: str | None, link: str | None, errors_only: bool,
                    grep: str | None, since: str | None, until: str | None, fmt: str,
                    summary: bool) -> None:
    """Thread a Go service's interleaved log by request (logfmt, JSON, klog, log lines)."""
    # stdin as bytes: decoded as a file is (invalid UTF-8 replaced), gzip read too
    # The report command's exit codes: 2 for a bad input or option (ThreadsError is
    # an InputError), 3 in one line for a bug of ours, never a traceback.
    with _errors():
        source = stdin_buffer() if log == "-" else log
        if summary:
            if fmt == "markdown":
                raise ThreadsError("--summary prints text or json lines, not markdown")
            head, threads = iter_threads(source, key, link, errors_only, grep, since, until)
            for t in threads:
                click.echo(thread_json_line(t) if fmt == "json" else "\n".join(thread_text(t)))
            for d in head.diagnostics:  # (no key found, a cut gzip): said, not dropped
                # (a key or file name read from the log: cleaned, as every report is)
                click.echo(inert_line(clean(f"stackdemux: {d.severity}: {d.message}")),
                           err=True)
            return
        result = thread_log(source, key, link, errors_only, grep, since, until)
        render = {"text": render_text, "json": render_json, "markdown": render_markdown}[fmt]
        click.echo(render(result), nl=False)
