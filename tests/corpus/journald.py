#!/usr/bin/env python3
"""Corpus cases read back from the systemd journal: `journalctl -o short-*`.

A service's crash is most often read with journalctl. Each process of a
corpus group runs at once (make_cases.py's FLEET_AT) with its output piped
into its own `systemd-cat -t NAME` stream, as a unit's stdout is; then the
journal is printed in each `short*` output format of journalctl, and as JSON
(`-o json`, a record per line). What the
journal does to a traceback is real and is kept: it drops empty lines (no
blank between goroutines) and, outside `--all`, prints a tab as 8 spaces
(every frame's file line). The processes' clean outputs are what they wrote,
read on the way to systemd-cat.

Usage (needs the corpus toolchains, systemd-journald and systemd-cat; not
run by the test suite; starts journald when none is running):
    python tests/corpus/journald.py [--group bolt --group crash]
Writes cases/<group>-prefix-journald-<format>/ like make_cases.py.
"""

from __future__ import annotations

import argparse
import os
import re
import selectors
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_cases as mc  # noqa: E402

# The journal formats, each once over the two groups (one capture per group).
FORMATS = {
    "bolt": ["short", "short-iso", "short-precise", "short-monotonic", "json"],
    "crash": ["short-iso-precise", "short-full", "short-unix", "json"],
}
JOURNALD = "/lib/systemd/systemd-journald"
SOCKET = Path("/run/systemd/journal/stdout")


def _listening() -> bool:
    """journald takes stream connections (a socket file can outlive its journald)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        try:
            s.connect(str(SOCKET))
        except OSError:
            return False
    return True


def ensure_journald() -> subprocess.Popen[bytes] | None:
    """A journald to log to: the machine's, or one started here (a container)."""
    if _listening():
        return None
    proc = subprocess.Popen([JOURNALD], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if _listening():
            return proc
        time.sleep(0.05)
    raise SystemExit("systemd-journald did not start")


def capture(procs: list[mc.Proc]) -> tuple[list[bytes], list[int], list[int]]:
    """Run the group at once, each process's output forwarded to its own
    systemd-cat as it comes; return the outputs, exit codes and the pids the
    journal files them under (systemd-cat's)."""
    at_ns = time.time_ns() + int(0.8e9)
    cats = [subprocess.Popen(["systemd-cat", "-t", p.name], stdin=subprocess.PIPE)
            for p in procs]
    runs = []
    for p in procs:
        argv, env = mc.command(p)
        env["FLEET_AT"] = str(at_ns)
        runs.append(subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, cwd=mc.PROGRAMS,
                                     preexec_fn=mc._child_setup))
    sel = selectors.DefaultSelector()
    for i, r in enumerate(runs):
        assert r.stdout is not None
        sel.register(r.stdout, selectors.EVENT_READ, i)
    outputs = [bytearray() for _ in procs]
    sigquit_sent = [False] * len(procs)
    open_ = len(runs)
    while open_:
        for key, _ in sel.select(timeout=10):
            i = key.data
            chunk = os.read(key.fileobj.fileno(), 65536)  # type: ignore[arg-type]
            if not chunk:
                sel.unregister(key.fileobj)
                open_ -= 1
                continue
            outputs[i] += chunk
            cat_in = cats[i].stdin
            assert cat_in is not None
            cat_in.write(chunk)
            cat_in.flush()
            if procs[i].sigquit and not sigquit_sent[i] and b"ready" in outputs[i]:
                runs[i].send_signal(mc.signal.SIGQUIT)
                sigquit_sent[i] = True
    exits = [r.wait() for r in runs]
    for c in cats:
        assert c.stdin is not None
        c.stdin.close()
        c.wait()
    return [bytes(o) for o in outputs], exits, [c.pid for c in cats]


def journal(fmt: str, pids: list[int]) -> bytes:
    time.sleep(0.5)  # journald files what it has read
    matches = [f"_PID={pid}" for pid in pids]
    return subprocess.run(["journalctl", "--no-pager", "-o", fmt, *matches],
                          check=True, capture_output=True).stdout


# A record's text in `-o json`: a string, or an array of bytes when not UTF-8.
_MESSAGE = re.compile(rb'"MESSAGE":("(?:[^"\\]|\\.)*"|\[[0-9,]*\])')
_PID = re.compile(rb'"_PID":"([0-9]+)"')


def owned_json(data: bytes, pids: list[int]) -> mc.Merged:
    """Each record's MESSAGE value is its process's, the rest the journal's."""
    who = {str(pid).encode(): i for i, pid in enumerate(pids)}
    m = mc.Merged()
    for line in data.splitlines(keepends=True):
        text, pid = _MESSAGE.search(line), _PID.search(line)
        if text is None or pid is None or pid.group(1) not in who:
            m.add("noise", line)
            continue
        m.add("prefix", line[:text.start(1)])
        m.add(who[pid.group(1)], line[text.start(1):text.end(1)])
        m.add("prefix", line[text.end(1):])
    return m


def owned(data: bytes, procs: list[mc.Proc], pids: list[int]) -> mc.Merged:
    """Each line's prefix (up to `name[pid]: `) is the collector's; its text
    and newline are the process's."""
    who = {f"{p.name}[{pid}]: ".encode(): i
           for i, (p, pid) in enumerate(zip(procs, pids, strict=True))}
    key = re.compile(b"|".join(re.escape(k) for k in who))
    m = mc.Merged()
    for line in data.splitlines(keepends=True):
        hit = key.search(line)
        if hit is None:  # "-- Boot …" / "-- No entries --" lines journalctl adds
            m.add("noise", line)
            continue
        m.add("prefix", line[:hit.end()])
        m.add(who[hit.group()], line[hit.end():])
    return m


def make(group: str) -> None:
    procs = mc.GROUPS[group]
    for v in {p.version for p in procs}:
        mc.gobin(v)
    outputs, exits, pids = capture(procs)
    cap = mc.Capture(outputs=outputs, chunks=[], exits=exits)
    for fmt in FORMATS[group]:
        data = journal(fmt, pids)
        merged = owned_json(data, pids) if fmt == "json" else owned(data, procs, pids)
        mc.save_case(f"{group}-prefix-journald-{fmt}", group, "prefix-journald", procs, cap,
                     merged, {"style": f"journald -o {fmt}", "verbatim": False})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--group", action="append", choices=sorted(FORMATS))
    args = ap.parse_args()
    started = ensure_journald()
    try:
        for group in args.group or list(FORMATS):
            make(group)
    finally:
        if started is not None:
            started.terminate()


if __name__ == "__main__":
    main()
