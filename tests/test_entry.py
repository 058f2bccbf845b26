"""The command as its own process starts and ends it (stackdemux/entry.py).

Ctrl-C while the modules are still imported exits 130 with one line, as
Ctrl-C during a run does; a run that ended leaves at once (os._exit), with
everything it wrote flushed and the exit functions run, and a run that failed
leaves as Python leaves.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from stackdemux import entry
from stackdemux.cli import main as command

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "go1.27" / "nil_map.txt"

# Imported by Python at startup from PYTHONPATH: the import of click (the first
# of cli.py's) sends the process SIGINT, as a Ctrl-C at that moment would; the
# interpreter raises KeyboardInterrupt there, inside the import.
CTRL_C_IN_IMPORTS = """
import os, signal, sys

class _CtrlC:
    def find_spec(self, name, path=None, target=None):
        if name == "click":
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, _CtrlC())
"""


def as_in_a_terminal() -> None:
    """SIGINT as a terminal's foreground command has it. A suite started in the
    background (`pytest &` in a script) inherits SIGINT ignored, and Python then
    installs no KeyboardInterrupt handler: a Ctrl-C could not reach the command."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def command_with(tmp_path: Path, *args: str, site: str = "") -> subprocess.CompletedProcess:
    (tmp_path / "sitecustomize.py").write_text(site)
    env = {"PYTHONPATH": f"{tmp_path}:{ROOT}", "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "stackdemux", *args], env=env, cwd=tmp_path,
                          capture_output=True, timeout=120, check=False,
                          preexec_fn=as_in_a_terminal)


def test_ctrl_c_while_the_modules_are_imported_exits_130_in_one_line(tmp_path: Path):
    proc = command_with(tmp_path, str(SAMPLE), site=CTRL_C_IN_IMPORTS)
    assert (proc.returncode, proc.stderr, proc.stdout) == (130, b"stackdemux: interrupted\n", b"")


def test_the_package_imports_nothing_of_the_pipeline_before_the_entry_runs():
    code = ("import sys, stackdemux.entry; "
            "print(sorted(m for m in sys.modules if m.startswith(('stackdemux.', 'click'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True, env={"PYTHONPATH": str(ROOT)}).stdout
    assert out.strip() == "['stackdemux.entry']"


def test_the_installed_command_is_the_entry():
    text = (ROOT / "pyproject.toml").read_text()
    assert 'stackdemux = "stackdemux.entry:main"' in text


def test_ctrl_c_during_a_run_exits_130_in_one_line(monkeypatch: pytest.MonkeyPatch):
    import stackdemux.cli as cli

    def ctrl_c(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "analyze_many", ctrl_c)
    result = CliRunner().invoke(command, [str(SAMPLE)])
    assert (result.exit_code, result.stderr) == (130, "stackdemux: interrupted\n")


class _Left(Exception):
    """os._exit, as the tests below see it (it would end pytest)."""


@pytest.fixture
def exits(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """What entry.leave did: ('exit funcs', 'os._exit', code) in order."""
    done: list[object] = []

    def left(code: int) -> None:
        done.extend(("os._exit", code))
        raise _Left

    import atexit

    monkeypatch.setattr(entry.os, "_exit", left)
    monkeypatch.setattr(atexit, "_run_exitfuncs", lambda: done.append("exit funcs"))
    return done


def test_a_run_that_ended_leaves_at_once_its_report_written(
        exits: list[object], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    monkeypatch.setattr(sys, "argv", ["stackdemux", "--format", "json", str(SAMPLE)])
    with pytest.raises(_Left):
        entry.main()
    assert exits == ["exit funcs", "os._exit", 0]
    assert json.loads(capsys.readouterr().out)["reports"][0]["message"] == \
        "assignment to entry in nil map"


def test_crashes_found_with_fail_on_crash_leave_at_once_with_1(
        exits: list[object], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sys, "argv", ["stackdemux", "--fail-on-crash", str(SAMPLE)])
    with pytest.raises(_Left):
        entry.main()
    assert exits == ["exit funcs", "os._exit", 1]


def test_a_failed_run_leaves_as_python_does(exits: list[object],
                                            monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sys, "argv", ["stackdemux", str(ROOT / "no-such.log")])
    with pytest.raises(SystemExit) as left:
        entry.main()
    assert (left.value.code, exits) == (2, [])


def test_a_flush_that_fails_leaves_as_python_does(exits: list[object],
                                                  monkeypatch: pytest.MonkeyPatch):
    class Gone:
        def flush(self) -> None:
            raise BrokenPipeError

    monkeypatch.setattr(sys, "stdout", Gone())
    with pytest.raises(SystemExit) as left:
        entry.leave(0)
    assert (left.value.code, exits) == (0, [])


def test_a_thread_still_running_is_waited_for_as_python_does(exits: list[object]):
    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    try:
        with pytest.raises(SystemExit):
            entry.leave(0)
    finally:
        release.set()
        worker.join()
    assert exits == []


def test_a_run_as_a_process_writes_what_it_writes_in_process(tmp_path: Path):
    by_process = command_with(tmp_path, "--format", "json", str(SAMPLE))
    in_process = CliRunner().invoke(command, ["--format", "json", str(SAMPLE)])
    assert by_process.returncode == in_process.exit_code == 0
    assert by_process.stdout == in_process.stdout_bytes


def test_split_as_a_process_writes_every_file_whole(tmp_path: Path):
    log = ROOT / "samples" / "interleaved" / "five-services-lines.log"
    proc = command_with(tmp_path, "split", str(log), "-o", str(tmp_path / "by_process"))
    CliRunner().invoke(command, ["split", str(log), "-o", str(tmp_path / "in_process")])
    assert proc.returncode == 0
    files = sorted(p.name for p in (tmp_path / "in_process").iterdir())
    assert sorted(p.name for p in (tmp_path / "by_process").iterdir()) == files
    for name in files:
        assert (tmp_path / "by_process" / name).read_bytes() == \
            (tmp_path / "in_process" / name).read_bytes()


def test_the_exit_functions_run_the_regex_cache_is_written(tmp_path: Path):
    assert command_with(tmp_path, str(SAMPLE)).returncode == 0
    assert any((tmp_path / "cache" / "stackdemux").glob("rx-*"))
