"""Per-line log prefixes (compose, kubectl, CRI, CI runners, syslog, ...) → stream keys.

The syntax lives in grammars/prefixes.lark. Parsing millions of lines with lark
would be far too slow, so each style's rule is turned into one anchored regex
once, by grammar.py's rule compiler (the one the line grammar uses): the grammar
stays the single source of truth (a test checks both agree). The hot path runs
each layer's regexes once over many lines joined (re.split) and splits the
results with C-level passes (slices, map): no Python work per line but one
append per line and stream.

Prefixes stack (a compose prefix inside a GitHub Actions timestamp): detection
peels them layer by layer, outermost first. A collector's output may be a small
region of a long log (build output, then `docker compose up` with the crash):
detection also reads the lines around goroutine headers found behind a prefix.

The parts, one concept each: prefixes_styles.py (the grammar's styles as
regexes, matching one line), prefixes_detect.py (which styles a log carries,
layer by layer) with prefixes_regions.py (the regions around goroutine
headers behind a prefix), prefixes_strip.py (stripping every line in bulk)
and prefixes_streams.py (one stream per key, partial lines joined). This
module holds their public names.
"""

from __future__ import annotations

from .prefixes_detect import MAX_LAYERS, SAMPLE_LINES, detect, sample_lines
from .prefixes_streams import to_streams
from .prefixes_strip import PrefixSplit, split_prefixed
from .prefixes_styles import (
    JOIN_NEXT,
    JOIN_NONE,
    JOIN_PREVIOUS,
    PROCESS_KEYS,
    PrefixError,
    PrefixStyle,
    compiled_styles,
    grammar,
    match_prefix,
    user_style,
)

__all__ = ["JOIN_NEXT", "JOIN_NONE", "JOIN_PREVIOUS", "MAX_LAYERS", "PROCESS_KEYS", "SAMPLE_LINES",
           "PrefixError", "PrefixSplit", "PrefixStyle", "compiled_styles", "detect", "grammar",
           "match_prefix", "sample_lines", "split_prefixed", "to_streams", "user_style"]
