"""A run reads the patterns that cost most to compile from rx.py's cache.

re's compiler is Python: a pattern built from a grammar (the prefix styles, all
of them in one, the demultiplexer's anchor), one with a class of most of
Unicode (the XML 1.0 characters), the title normaliser's and the rules' cost
~20 ms a run to compile, a tenth of a small log's run. With the cache warm,
none of them reaches re's compiler, nor re's parser to tell what characters a
match of a line kind can begin with (rx.derived).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "go1.27" / "deadlock.txt"

# One run of the command in this process, then the patterns parsed during it
# (re's parser: re.compile's first step, and rx.py's for a pattern it does not
# know) and the patterns the test asks about, as JSON.
PROBE = """
import json, sys
from stackdemux.sre import parser
parsed = []
real = parser.parse
parser.parse = lambda p, flags=0, *rest: parsed.append(p) or real(p, flags, *rest)
from stackdemux.cli import main
try:
    main(["--format", "sarif", sys.argv[1]])
except SystemExit:
    pass
from stackdemux.analyse.hints import shipped_rules
from stackdemux.analyse.normalise import _TOKEN
from stackdemux.demux import _anchor_regex
from stackdemux.demux.prefixes_detect import _any_style
from stackdemux.demux.prefixes_styles import compiled_styles
from stackdemux.render.sanitize import _XML_INVALID
from stackdemux.grammar import line_grammar
from stackdemux.parse import _IDLE_LEADS
costly = [_TOKEN, _anchor_regex(), _any_style(), _XML_INVALID,
          *(s.regex for s in compiled_styles().values()),
          *(p for rule in shipped_rules() for table in rule.match
            for ps in table.values() for p in ps)]
# patterns whose structure a run reads (the characters a match begins with:
# firstchars.py), not compiled as they are
read = [*line_grammar().sources.values(), _IDLE_LEADS]
print(json.dumps({"parsed": [p for p in parsed if isinstance(p, str)],
                  "costly": [p.pattern for p in costly], "read": read}))
"""


def run(cache: Path) -> dict[str, list[str]]:
    env = {"PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(cache), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", PROBE, str(SAMPLE)], env=env, cwd=ROOT,
                         capture_output=True, text=True, check=True, timeout=120).stdout
    return json.loads(out.splitlines()[-1])


def test_with_the_cache_warm_the_costly_patterns_are_not_compiled_again(tmp_path: Path):
    first = run(tmp_path)  # (a cache of none: each is compiled, and kept)
    assert len(first["costly"]) > 60 and set(first["costly"]) <= set(first["parsed"])
    second = run(tmp_path)
    assert second["costly"] == first["costly"]
    assert not set(second["costly"]) & set(second["parsed"])


def test_with_the_cache_warm_no_line_kind_is_parsed_for_its_first_characters(tmp_path: Path):
    # (rx.derived: 42 kinds and the parser's leads, ~10 ms a run, a tenth of a small log's)
    first = run(tmp_path)
    assert len(first["read"]) > 40 and set(first["read"]) <= set(first["parsed"])
    second = run(tmp_path)
    assert not set(second["read"]) & set(second["parsed"])
