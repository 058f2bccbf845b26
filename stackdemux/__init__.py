"""stackdemux: turn garbled logs full of Go crashes into answers.

    >>> import stackdemux
    >>> analysis = stackdemux.analyze("build.log")
    >>> for group in analysis.groups:
    ...     print(group.count, group.title, group.fingerprint)

The stages are importable on their own: ingest, demux, parse, analyse, render.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import Options, OptionsError, analyze, analyze_many
from .ingest import InputError
from .model import (
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
)

__all__ = [
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
    "__version__",
    "analyze",
    "analyze_many",
]
