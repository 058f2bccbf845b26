"""Every stackdemux command of docs/ci.md's jobs and of README's "In CI" runs as
written, in bash as the CI runners run it, on a real `go test` crash standing in
for `go test ./...`, and gives what the page says it gives."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples/go1.27/test_panic.txt"  # a real `go test` that panics
GO_TEST = "go test ./..."


def _blocks(markdown: str) -> list[tuple[str, str]]:
    """The fenced code blocks of Markdown text: (language, text)."""
    return re.findall(r"^```(\w*)\n(.*?)^```", markdown, re.M | re.S)


def _commands(text: str) -> list[str]:
    """The shell commands of a YAML job (`run:` values, `script:` items) or a
    shell block that call stackdemux or write the log it reads."""
    found = []
    for line in text.splitlines():
        line = line.strip()
        m = re.match(r"(?:- )?run: (.*)|- (.*)|([^#-].*)", line)
        command = next((g for g in m.groups() if g), "") if m and line else ""
        command = re.sub(r"\s+#.*", "", command)
        if re.search(r"(^|[/ ])stackdemux |^go test |^set -o", command):
            found.append(command)
    return found


def _documented() -> list:
    names = iter(["github-actions", "gitlab-ci", "any-ci"])  # (the page's sections, in order)
    jobs = [pytest.param(name, _commands(text), id=f"docs/ci.md:{name}")
            for (lang, text) in _blocks((ROOT / "docs/ci.md").read_text())
            if lang in ("yaml", "sh")
            for name in [next(names)]]
    in_ci = (ROOT / "README.md").read_text().split("### In CI", 1)[1]
    (first, *_) = [text for lang, text in _blocks(in_ci) if lang == "sh"]
    readme_job = pytest.param("README.md:in-ci", _commands(first), id="README.md:in-ci")
    return [*jobs, readme_job]


JOBS = _documented()


def test_every_job_of_the_page_is_read():
    jobs = [job.values for job in JOBS]
    assert len(jobs) == 4, jobs  # GitHub Actions, GitLab CI, any CI, README's
    assert all(commands for _, commands in jobs), jobs


@pytest.fixture()
def ci(tmp_path: Path) -> dict[str, str]:
    """A runner's environment: `stackdemux` on the PATH (this checkout's), a step
    summary file, and the checkout as the workspace: the tested program's
    source, where the runner checked it out (the sample was built in /src/gotests)."""
    (tmp_path / "store").mkdir()
    (tmp_path / "store/store.go").write_bytes(
        (ROOT / "samples/programs/gotests/store/store.go").read_bytes())
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "stackdemux"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m stackdemux "$@"\n')
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(ROOT), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
           "GITHUB_WORKSPACE": str(tmp_path), "CI_PROJECT_DIR": str(tmp_path)}
    env.pop("NO_COLOR", None)
    env.pop("FORCE_COLOR", None)
    return env


def _run(job: list[str], cwd: Path, env: dict[str, str]) -> list[subprocess.CompletedProcess]:
    done = []
    for command in job:
        command = command.replace(GO_TEST, f'cat "{SAMPLE}"')
        command = command.replace("/opt/stackdemux/bin/stackdemux", "stackdemux")
        # (GitHub's `shell: bash` is `bash -eo pipefail`; GitLab's script lines
        # run in one shell after `set -o pipefail`)
        done.append(subprocess.run(["bash", "-eo", "pipefail", "-c", command], cwd=cwd,
                                   env=env, capture_output=True, timeout=120))
    return done


@pytest.mark.parametrize(("name", "job"), JOBS)
def test_each_documented_command_runs_and_gives_what_the_page_says(name, job, ci, tmp_path):
    log = SAMPLE.read_bytes()
    for command, result in zip(job, _run(job, tmp_path, ci), strict=True):
        fails = "--fail-on-crash" in command  # (exit 1: the crash was found)
        assert result.returncode == (1 if fails else 0), (command, result.stderr)
        if "--tee" in command:
            assert result.stdout == log, command  # the log passes through unchanged
            assert b"assignment to entry in nil map" in result.stderr  # the report, after it
            if "-f github" in command:
                # at the culprit's line in the checkout (store.go:16, the nil map write)
                assert re.search(rb"^::error file=store/store.go,line=16,title=", result.stderr,
                                 re.M), result.stderr[:300]
        if "tee build.log" in command:
            assert (tmp_path / "build.log").read_bytes() == log
    written = {p.name for p in tmp_path.iterdir()}
    if "stackdemux.sarif" in written:
        sarif = json.loads((tmp_path / "stackdemux.sarif").read_text())
        assert sarif["runs"][0]["results"][0]["partialFingerprints"]
    for junit in written & {"stackdemux-junit.xml", "crashes.xml"}:
        assert ET.parse(tmp_path / junit).getroot().iter("failure")
    if "gl-code-quality-report.json" in written:
        (issue,) = json.loads((tmp_path / "gl-code-quality-report.json").read_text())
        assert issue["fingerprint"] and issue["location"]["path"]
    if "crashes.html" in written:
        assert (tmp_path / "crashes.html").read_text().startswith("<!DOCTYPE html>")
    if "summary.md" in written:
        assert "| " in (tmp_path / "summary.md").read_text()
