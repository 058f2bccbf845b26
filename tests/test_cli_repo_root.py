"""`--repo-root DIR`: the checkout annotations point into. A mistyped one is said,
not silently taken (every annotation would lose its file)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from stackdemux.cli import main

LOG = Path(__file__).resolve().parent / "data" / "ci_workspace" / "go-test.log"


def _run(*args: str):
    return CliRunner().invoke(main, ["-f", "github", *args, str(LOG)])


def test_a_repo_root_that_is_no_directory_is_said_and_the_report_still_written(tmp_path):
    result = _run("--repo-root", str(tmp_path / "chekout"))
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        f"stackdemux: warning: --repo-root {tmp_path / 'chekout'}: no such directory: "
        "annotations point only at paths printed under it, no file is looked for")
    assert result.stdout.count("::error ") == 3
    assert "file=" not in result.stdout.split("::group::")[0]  # (no file found in it)


def test_a_checkout_holding_the_files_is_taken_silently(tmp_path):
    for rel in ("window/window.go", "parse/parse.go", "hang/hang.go"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    result = _run("--repo-root", str(tmp_path))
    assert result.exit_code == 0 and result.stderr == ""
    errors = [ln for ln in result.stdout.splitlines() if ln.startswith("::error ")]
    assert [ln.split(",", 1)[0] for ln in errors] == [
        "::error file=hang/hang.go", "::error file=parse/parse.go",
        "::error file=window/window.go"]


def test_the_log_s_own_workspace_maps_without_existing_here():
    # paths printed under the root map by their text alone: no warning is needed
    # where the directory exists, and where it does not the paths still map
    result = _run("--repo-root", "/home/runner/work/app/app")
    assert "no such directory" in result.stderr
    assert "::error file=window/window.go,line=5," in result.stdout
