"""The shipped rules' tables are kept on disk once read (grammar.cached_compile,
by a hash of rules.toml's text): a run reads them without importing a TOML
parser, and gets the rules that reading the TOML gives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from stackdemux.analyse.hints import parse_rules, shipped_rules

ROOT = Path(__file__).resolve().parent.parent


def test_the_kept_rules_are_those_the_toml_reads_as():
    text = (ROOT / "stackdemux" / "analyse" / "rules.toml").read_text(encoding="utf-8")
    assert shipped_rules() == tuple(parse_rules(text, "rules.toml"))


def test_a_run_with_the_rules_kept_imports_no_toml_parser(tmp_path):
    code = ("import sys; from stackdemux.analyse.hints import shipped_rules; "
            "assert shipped_rules(); print('tomllib' in sys.modules or 'tomli' in sys.modules)")
    env = {"XDG_CACHE_HOME": str(tmp_path), "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    first, second = (subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True,
                                    capture_output=True, text=True).stdout.split()
                     for _ in range(2))
    assert first == ["True"] and second == ["False"]  # (read, then kept)
