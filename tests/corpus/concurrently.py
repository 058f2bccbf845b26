#!/usr/bin/env python3
"""Corpus cases run under the npm tool `concurrently`: `[name] text`.

`concurrently "go run ./api" "go run ./worker" "vite"` is how many projects
start their services in development and in CI: it runs every command at once,
each on its own pipe, and prints each line behind a bracketed label, the
command's name (`-n`), its index (the default), padded to the widest
(`--pad-prefix`) and coloured (`-c`). A corpus group's real Go processes are
run under the real tool; who wrote each line is the label concurrently put
before it, and its own closing line (`… exited with code 2`) is noise.

Usage (needs the corpus toolchains and `npm install concurrently` in
CONCURRENTLY_DIR, default /tmp/stackdemux-npm; not run by the test suite):
    python tests/corpus/concurrently.py [--group mixed]
Writes cases/<group>-prefix-concurrently-<variant>/ like make_cases.py.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_cases as mc  # noqa: E402

TOOL = Path(os.environ.get("CONCURRENTLY_DIR", "/tmp/stackdemux-npm")) / "node_modules/.bin"

# concurrently's arguments, one case each: the label is the name, the index, or
# the name padded and coloured as on a terminal.
VARIANTS = {
    "names": ["--names", "{names}"],
    "index": [],
    "colour-pad": ["--names", "{names}", "--pad-prefix", "-c", "blue,green,magenta,cyan,yellow"],
}
_ANSI = re.compile(rb"\x1b\[[0-9;]*m")
# what the shell says of a command that died of a signal (GOTRACEBACK=crash aborts)
_SHELL = {b"Aborted", b"Aborted (core dumped)"}
_EXITED = re.compile(rb" exited with code (-?[0-9]+|SIG[A-Z]+)$")


def shell_command(p: mc.Proc, at_ns: int, out: Path) -> str:
    """The process's command line for concurrently's shell, its environment inline,
    stderr on stdout's pipe. The truth the labelled log is read against: a Go
    program's own write() calls (strace, which leaves its pipe to concurrently);
    `go test`'s output, which the go command relays, through `tee`."""
    argv, env = mc.command(p)
    env["FLEET_AT"] = str(at_ns)
    changed = [f"{k}={v}" for k, v in sorted(env.items()) if os.environ.get(k) != v]
    unset = ["-u", "GOTRACEBACK"] if "GOTRACEBACK" not in env else []
    if p.scenario == "gotest":
        return f"{shlex.join(['env', *unset, *changed, *argv])} 2>&1 | tee {shlex.quote(str(out))}"
    return f"{shlex.join(['env', *unset, *changed, *mc.STRACE, str(out) + '.trace', *argv])} 2>&1"


def written(out: Path) -> bytes:
    """What the process wrote: tee's copy, or its write() calls to stdout and stderr."""
    if out.exists():
        return out.read_bytes()
    calls = []
    for line in Path(str(out) + ".trace").read_text().splitlines():
        m = mc._WRITE.match(line)
        if m:
            calls.append((float(m.group(1)), bytes.fromhex(m.group(3).replace("\\x", ""))))
    return b"".join(data for _, data in sorted(calls, key=lambda c: c[0]))


def run(procs: list[mc.Proc], args: list[str], tmp: Path) -> tuple[bytes, list[bytes]]:
    # every process waits for this moment to crash (FLEET_AT), so outputs overlap
    margin = 1.6 + (2.5 if any(p.scenario == "gotest" for p in procs) else 0)
    at_ns = time.time_ns() + int(margin * 1e9)
    names = ",".join(p.name for p in procs)
    outs = [tmp / f"p{i}.out" for i in range(len(procs))]
    argv = [str(TOOL / "concurrently"), *(a.replace("{names}", names) for a in args),
            *(shell_command(p, at_ns, o) for p, o in zip(procs, outs, strict=True))]
    env = {**os.environ, "FORCE_COLOR": "1" if "-c" in args else "0"}
    r = subprocess.run(argv, capture_output=True, cwd=mc.PROGRAMS, env=env,
                       preexec_fn=mc._child_setup, timeout=300)
    assert not r.stderr, r.stderr[:500]
    return r.stdout, [written(o) for o in outs]


def owned(out: bytes, outputs: list[bytes], procs: list[mc.Proc],
          named: bool) -> mc.Merged:
    """Who wrote each byte: the label before each line names its process. When a
    process's read ends inside a line and another process prints, concurrently
    ends the line (its own newline, a collector's byte) and labels the rest anew."""
    labels = [p.name if named else str(i) for i, p in enumerate(procs)]
    width = max(map(len, labels))
    at = [0] * len(procs)  # how far each process's own output is accounted for
    m = mc.Merged()
    for line in out.splitlines(keepends=True):
        plain = _ANSI.sub(b"", line)
        label = plain[1:plain.index(b"]")].rstrip(b" ").decode()
        i = labels.index(label)
        if not plain[1 + width:].startswith(b"] ") and not plain[1 + len(label):].startswith(b"] "):
            raise AssertionError(f"unexpected label in {line!r}")
        # the bracket, a colour reset after it when coloured, a space
        close = line.index(b"]") + 1
        reset = _ANSI.match(line, close)
        cut = (reset.end() if reset is not None else close) + 1
        m.add("prefix", line[:cut])
        body, nl = (line[cut:-1], b"\n") if line.endswith(b"\n") else (line[cut:], b"")
        own = outputs[i]
        if own.startswith(body, at[i]):
            at[i] += len(body)
            m.add(i, body)
        elif _EXITED.search(_ANSI.sub(b"", body)) or body in _SHELL:
            m.add("noise", body)  # concurrently's or the shell's own line
        else:
            raise AssertionError(f"{label}: {body[:80]!r} is not its output at {at[i]}")
        if nl and own.startswith(b"\n", at[i]):
            at[i] += 1
            m.add(i, nl)
        else:
            m.add("prefix", nl)  # concurrently ended a line the process had not
    assert at == [len(o) for o in outputs], "output not all in the log"
    return m


def make(group: str) -> None:
    procs = mc.GROUPS[group]
    assert not any(p.sigquit for p in procs), "concurrently sends no SIGQUIT"
    for v in {p.version for p in procs}:
        mc.gobin(v)
    for name, args in VARIANTS.items():
        with tempfile.TemporaryDirectory() as tmp:
            out, outputs = run(procs, args, Path(tmp))
        merged = owned(out, outputs, procs, named="--names" in args)
        cap = mc.Capture(outputs, [])
        mc.save_case(f"{group}-prefix-concurrently-{name}", group, "prefix-concurrently", procs,
                     cap, merged, {"style": " ".join(["concurrently", *args])})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--group", action="append",
                    choices=sorted(g for g, ps in mc.GROUPS.items()
                                   if not any(p.sigquit for p in ps)))
    args = ap.parse_args()
    for group in args.group or ["mixed"]:
        make(group)


if __name__ == "__main__":
    main()
