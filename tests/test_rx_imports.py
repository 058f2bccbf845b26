"""Every pattern a module compiles as it is imported goes through rx.py's cache.

re's compiler is Python: the ~200 patterns stackdemux's modules compile at
import (the paste repairs' 56, the pasted readings' 30, the write readings',
the foreign lines', the record grammar's) cost ~40 ms of a small log's run when
compiled by `re.compile`, and ~1 ms read from rx.py's cache. A module that adds
one with plain `re.compile` pays that again on every run; this test names it.

Patterns built at run time from the user's input (`--prefix REGEX`, a prefix
style seen in the log) or per call stay on `re` and its in-memory cache: none of
them is compiled at import. The exceptions are named below.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Where stackdemux's code may call re.compile as a module is imported, and why.
EXEMPT = {
    # Deriving the grammar's regexes from the lark files, once per machine (its
    # result is kept by grammar.cached_compile, and only it is read on a run):
    # a rule's regex and the line classifier are compiled there to read their
    # group numbers.
    "grammar.py:compile_rule",
    "grammar.py:compile_line_grammar",
}

# Imports every module of the package with re.compile and rx.compile counted,
# with no cache yet (the grammar is derived as on a first run), then prints in
# which function stackdemux's code called re.compile itself (rx.py falls back
# to it for a pattern its cache cannot hold; sre.py is re's own parser) and how
# many patterns went through rx.compile.
PROBE = """
import importlib, json, os, pkgutil, re, sys
plain, through_rx = [], []
# the package's own files, by place: a checkout's path (or its .venv's) may
# hold "/stackdemux/" too
PACKAGE = os.path.join(os.environ["PYTHONPATH"], "stackdemux", "")
real = re.compile
def counted(pattern, flags=0):
    caller = sys._getframe(1).f_code.co_filename
    if caller.startswith(PACKAGE) and not caller.endswith(("/rx.py", "/sre.py")):
        plain.append(caller[len(PACKAGE):] + ":" + sys._getframe(1).f_code.co_name)
    return real(pattern, flags)
re.compile = counted
import stackdemux
from stackdemux import rx
cached = rx.compile
rx.compile = lambda pattern, flags=0: through_rx.append(pattern) or cached(pattern, flags)
names = [m.name for m in pkgutil.walk_packages(stackdemux.__path__, "stackdemux.")
         if m.name != "stackdemux.__main__"]  # (__main__ runs the command)
for name in names:
    importlib.import_module(name)
print(json.dumps({"modules": len(names), "plain": plain, "through_rx": len(through_rx)}))
"""


def test_importing_every_module_compiles_no_pattern_with_plain_re_compile(tmp_path: Path):
    env = {"PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=120).stdout
    seen = json.loads(out.splitlines()[-1])
    assert seen["modules"] > 100  # (the whole package was imported)
    assert seen["through_rx"] > 150  # (the paste, write and foreign readings' among them)
    assert set(seen["plain"]) - EXEMPT == set()
