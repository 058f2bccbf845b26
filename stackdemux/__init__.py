"""stackdemux: turn garbled logs full of Go crashes into answers.

    >>> import stackdemux
    >>> analysis = stackdemux.analyze("build.log")  # a path, bytes, or log text
    >>> for report in analysis.reports:
    ...     if report.kind.is_crash:  # (a goroutine dump alone was printed on purpose)
    ...         print(report.fingerprint, report.title)

Each crash is filed by its own `fingerprint`, the same whatever else the log held;
`analysis.groups` hold the reports of one crash with its culprit, call chain and
hints. help(stackdemux.Report) says what each field holds, docs/triage-bot.md how a
bot keeps crashes across runs. The stages are importable on their own: ingest, demux,
parse, analyse, render.
"""

from __future__ import annotations

__version__ = "0.1.0"

TYPE_CHECKING = False  # (as typing's: importing typing takes longer than the rest)
if TYPE_CHECKING:
    from typing import Any

    from .api import Options, OptionsError, analyze, analyze_many
    from .ingest import InputError
    from .model import (
        FINGERPRINT_SCHEME,
        Analysis,
        Ancestor,
        Bucket,
        ChainSegment,
        CreatedBy,
        Diagnostic,
        Frame,
        Goroutine,
        Group,
        Hint,
        PanicLink,
        Race,
        RaceAccess,
        Report,
        ReportKind,
        Signal,
        Source,
        Stream,
        Unsure,
    )

# The API is imported when first named (`stackdemux.analyze`, `from stackdemux
# import Frame`), not with the package: the command's entry point (entry.py) is
# imported through it, and can say a Ctrl-C in one line only once it runs.
_HOME = {
    **dict.fromkeys(("Options", "OptionsError", "analyze", "analyze_many"), "api"),
    "InputError": "ingest",
    **dict.fromkeys(("FINGERPRINT_SCHEME", "Analysis", "Ancestor", "Bucket", "ChainSegment",
                     "CreatedBy", "Diagnostic", "Frame", "Goroutine", "Group", "Hint", "PanicLink",
                     "Race", "RaceAccess", "Report", "ReportKind", "Signal", "Source", "Stream",
                     "Unsure"),
                    "model"),
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # (asked once)
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})


__all__ = [
    "FINGERPRINT_SCHEME",
    "Analysis",
    "Ancestor",
    "Bucket",
    "ChainSegment",
    "CreatedBy",
    "Diagnostic",
    "Frame",
    "Goroutine",
    "Group",
    "Hint",
    "InputError",
    "Options",
    "OptionsError",
    "PanicLink",
    "Race",
    "RaceAccess",
    "Report",
    "ReportKind",
    "Signal",
    "Source",
    "Stream",
    "Unsure",
    "__version__",
    "analyze",
    "analyze_many",
]
