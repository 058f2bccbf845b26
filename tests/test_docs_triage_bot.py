"""docs/triage-bot.md's JSON recipe runs as written, in bash with jq, on the real
`go test ./...` log it names, and prints what the page shows."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs/triage-bot.md").read_text()
LOG = ROOT / "tests/data/ci_workspace/go-test.log"


def _section(title: str) -> list[str]:
    part = PAGE.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^```\w*\n(.*?)^```", part, re.M | re.S)


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
def test_the_json_recipe_prints_each_crash_once_as_the_page_shows(tmp_path):
    command, shown = _section("From the JSON, in any language")
    assert command.startswith("stackdemux -f json build.log | jq ")
    (tmp_path / "build.log").write_bytes(LOG.read_bytes())
    (tmp_path / "stackdemux").write_text(f"#!/bin/sh\nexec {sys.executable} -m stackdemux \"$@\"\n")
    (tmp_path / "stackdemux").chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                       os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(["bash", "-eo", "pipefail", "-c", command], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=True)
    assert done.stdout == shown
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    assert [row[3] for row in rows] == ["TestLast", "TestCompile", "TestWait"]
