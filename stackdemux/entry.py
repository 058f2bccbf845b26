"""The `stackdemux` command as a process of its own starts and ends it.

`[project.scripts]` and `python -m stackdemux` call `main` here, never cli.main
directly: what follows is for a process that ends with the run, not for a
test's CliRunner or a program that imports the CLI.

- Ctrl-C while click and the pipeline's modules are imported (a run's first
  ~0.1 s, before anything is read) exits 130 with one line on stderr, as Ctrl-C
  later in a run does, not with a Python traceback: this module imports nothing
  before it can catch it, and the package's `__init__` imports its API lazily.
- A run that ended (exit 0, or 1 for --fail-on-crash) leaves with os._exit once
  stdout and stderr are flushed and the exit functions ran (rx.py's cache):
  Python would free the analysis object by object and collect at exit (some
  40 ms of the 20 000-goroutine dump's 0.8 s), which the OS does at once.
  Every file a run writes is closed when its command returns (-o, split's);
  where a flush fails (`| head` went away) or a thread still runs, Python's
  own exit is taken, and says what it said before.
"""

from __future__ import annotations

import os
import sys

INTERRUPTED = 130  # (128 + SIGINT, as a shell reports a command Ctrl-C stopped)


def main() -> None:
    import gc  # (built in: nothing is read from disk)

    # Importing the command makes some 100 000 objects and no garbage: the cyclic
    # GC, left on, went through them again and again as they were made (a small
    # log's run: 14 M instructions of 530 M). Kept out of its way, then set apart
    # where it does not look (gc.freeze), as a forked server does.
    gc.disable()
    try:
        from .dataclass_code import install

        install()  # (before the modules whose dataclasses it makes faster)
        from .cli import main as command
    except KeyboardInterrupt:
        interrupted()
    gc.freeze()
    gc.enable()
    try:
        command()  # (click's standalone mode ends every run with SystemExit)
    except SystemExit as done:
        leave(done.code)
    leave(0)


def interrupted() -> None:
    """Exit 130, said in one line."""
    if sys.stderr is not None:  # (`2>&-`)
        try:
            sys.stderr.write("stackdemux: interrupted\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
    sys.exit(INTERRUPTED)


def leave(code: object) -> None:
    """End the process with `code`: at once after a run that ended (0 or 1),
    else as Python ends it."""
    code = 0 if code is None else code
    if code not in (0, 1) or _threads_running():
        sys.exit(code)
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):  # (Python's exit flushes again, and says why it fails)
        sys.exit(code)
    import atexit

    atexit._run_exitfuncs()  # (what the process registered: rx.py's cache, logging's)
    os._exit(1 if code == 1 else 0)


def _threads_running() -> bool:
    """A thread other than the main one that Python's exit would wait for."""
    threading = sys.modules.get("threading")
    if threading is None:
        return False
    main_thread = threading.main_thread()
    return any(t is not main_thread and not t.daemon and t.is_alive()
               for t in threading.enumerate())
