#!/usr/bin/env python3
"""Corpus cases run under the tools that start a project's services at once.

`concurrently "go run ./api" "go run ./worker"` and a Turborepo `turbo run
start` are how many projects start their services in development and in CI:
each runs every command at once, each on its own pipe, and prints each line
behind the command's label:
  * concurrently (npm): `[name] `, its name (`-n`), its index (the default),
    padded to the widest (`--pad-prefix`) and coloured (`-c`);
  * turbo: `api:start: `, the package and its task, coloured;
  * pnpm (`pnpm -r --parallel run start`): `packages/api start: `, the
    package's directory and the script, coloured; it drops empty lines;
  * yarn 4 (`yarn workspaces foreach -A -pi -j unlimited -v run start`): `[api]: `, the
    workspace's name, coloured (on a terminal -vv, its default there, adds
    `Process started` lines).
A corpus group's real Go processes are run under the real tool. Who wrote each
byte: the label before a line names its process, and each piece of text is
checked against what the process wrote (its write() calls, recorded by
strace); what the tool itself prints (npm's `> api@1.0.0 start`, turbo's
summary, concurrently's `… exited with code 2`) is noise, and a newline the
tool put where the process had none (it cuts lines, see demux/cut_lines.py)
is the tool's, like its labels.

Usage (needs the corpus toolchains and, in RUNNERS_DIR (default /tmp/stackdemux-npm),
`npm install concurrently@9 turbo@2 pnpm@10 @yarnpkg/cli-dist@4`; not run by the test
suite):
    python tests/corpus/runners.py [--group mixed] [--runner concurrently|turbo|pnpm|yarn]
Writes cases/<group>-prefix-<runner>[-<variant>]/ like make_cases.py.
"""

from __future__ import annotations

import argparse
import json
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

TOOL = Path(os.environ.get("RUNNERS_DIR", "/tmp/stackdemux-npm")) / "node_modules/.bin"
YARN = TOOL.parent / "@yarnpkg/cli-dist/bin/yarn.js"  # yarn 4 ("berry")

# Each runner's cases: its arguments, and the label it puts before a line.
VARIANTS = {
    "concurrently": {
        "names": ["--names", "{names}"],
        "index": [],
        "colour-pad": ["--names", "{names}", "--pad-prefix", "-c",
                       "blue,green,magenta,cyan,yellow"],
    },
    "turbo": {"": [], "colour": ["--color"]},
    "pnpm": {"": [], "colour": ["--color"]},
    "yarn": {"": ["-v"], "colour": ["-vv"]},
}
_ANSI = rb"(?:\x1b\[[0-9;]*m)*"
LABELS = {
    "concurrently": re.compile(_ANSI + rb"\[(?P<label>[^\]\n]*?) *\]" + _ANSI + rb" "),
    "turbo": re.compile(_ANSI + rb"(?P<label>[a-z0-9@/._~-]+):start: " + _ANSI),
    "pnpm": re.compile(_ANSI + rb"packages/(?P<label>[a-z0-9._~-]+)" + _ANSI + rb" " + _ANSI
                       + rb"start" + _ANSI + rb"[:$] "),
    "yarn": re.compile(_ANSI + rb"\[(?P<label>[a-z0-9._~-]+)\]:" + _ANSI + rb" "),
}


def shell_command(p: mc.Proc, at_ns: int, out: Path) -> str:
    """The process's command line for a runner's shell, its environment inline,
    stderr on stdout's pipe. The truth the labelled log is read against: a Go
    program's own write() calls (strace, which leaves its pipe to the runner);
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


def run(runner: str, procs: list[mc.Proc], args: list[str], tmp: Path) -> tuple[bytes, list[bytes]]:
    # every process waits for this moment to crash (FLEET_AT), so outputs overlap
    margin = 1.6 + (2.5 if any(p.scenario == "gotest" for p in procs) else 0)
    margin += {"turbo": 4, "pnpm": 2}.get(runner, 0)  # the runner starts slower
    at_ns = time.time_ns() + int(margin * 1e9)
    outs = [tmp / f"p{i}.out" for i in range(len(procs))]
    commands = [shell_command(p, at_ns, o) for p, o in zip(procs, outs, strict=True)]
    colour = "-c" in args or "-vv" in args
    env = {**os.environ, "FORCE_COLOR": "1" if colour else "0", "YARN_ENABLE_TELEMETRY": "0",
           "TURBO_TELEMETRY_DISABLED": "1", "PATH": f"{TOOL}:{os.environ['PATH']}"}
    if runner == "concurrently":
        names = ",".join(p.name for p in procs)
        argv = [str(TOOL / "concurrently"), *(a.replace("{names}", names) for a in args),
                *commands]
        cwd = mc.PROGRAMS
    elif runner == "turbo":
        cwd = _workspace(tmp / "ws", procs, commands, "turbo")
        argv = [str(TOOL / "turbo"), "run", "start", "--continue", *args]
    elif runner == "pnpm":
        cwd = _workspace(tmp / "ws", procs, commands, "pnpm")
        argv = [str(TOOL / "pnpm"), "-r", "--parallel", "--no-bail", *args, "run", "start"]
    else:
        cwd = _workspace(tmp / "ws", procs, commands, "yarn")
        argv = ["node", str(YARN), "workspaces", "foreach", "-A", "-pi", "-j", "unlimited", *args,
                "run", "start"]
    # the runner's own warnings go to stderr, into the same terminal
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=cwd, env=env,
                       preexec_fn=mc._child_setup, timeout=300)
    return r.stdout, [written(o) for o in outs]


def _workspace(root: Path, procs: list[mc.Proc], commands: list[str], runner: str) -> Path:
    """A workspace with one package per process, its `start` script the command:
    npm's for turbo, pnpm's own for pnpm."""
    (root / "packages").mkdir(parents=True)
    for p, command in zip(procs, commands, strict=True):
        d = root / "packages" / p.name
        d.mkdir()
        (d / "package.json").write_text(json.dumps({
            "name": p.name, "version": "1.0.0", "scripts": {"start": command}}))
    if runner == "pnpm":
        (root / "package.json").write_text(json.dumps({"name": "fleet", "private": True}))
        (root / "pnpm-workspace.yaml").write_text('packages:\n  - "packages/*"\n')
        return root
    if runner == "yarn":
        (root / "package.json").write_text(json.dumps({"name": "fleet", "private": True,
                                                        "workspaces": ["packages/*"]}))
        (root / "yarn.lock").touch()
        subprocess.run(["node", str(YARN), "install"], cwd=root, check=True, capture_output=True,
                       env={**os.environ, "YARN_ENABLE_TELEMETRY": "0"})
        return root
    npm = subprocess.run(["npm", "--version"], capture_output=True, text=True, check=True)
    (root / "package.json").write_text(json.dumps({
        "name": "fleet", "private": True, "packageManager": f"npm@{npm.stdout.strip()}",
        "workspaces": ["packages/*"]}))
    (root / "turbo.json").write_text(json.dumps({"tasks": {"start": {"cache": False}}}))
    subprocess.run(["npm", "install", "--offline", "--no-audit", "--no-fund"], cwd=root,
                   check=True, capture_output=True)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


def owned(out: bytes, outputs: list[bytes], labels: list[str], label: re.Pattern[bytes]
          ) -> mc.Merged:
    """Who wrote each byte: the label before a line names its process, and each
    piece of text must be the next bytes that process wrote. When a read ends
    inside a line and another process prints, the runner ends the line (its own
    newline) and labels the rest anew."""
    at = [0] * len(outputs)  # how far each process's own output is accounted for
    m = mc.Merged()
    for line in out.splitlines(keepends=True):
        hit = label.match(line)
        if hit is None or hit["label"].decode() not in labels:
            m.add("noise", line)  # the runner's own line (a header, a summary)
            continue
        i = labels.index(hit["label"].decode())
        m.add("prefix", line[:hit.end()])
        body, nl = (line[hit.end():-1], b"\n") if line.endswith(b"\n") else (line[hit.end():], b"")
        own = outputs[i]
        while body and own.startswith(b"\n", at[i]) and not own.startswith(body, at[i]) and (
                at[i] == 0 or own[at[i] - 1:at[i]] == b"\n"):
            at[i] += 1  # an empty line the runner dropped (pnpm does)
        if body and own.startswith(body, at[i]):
            at[i] += len(body)
            m.add(i, body)
        elif not body and own.startswith(b"\n", at[i]):
            pass  # an empty line of the process's
        else:
            # the runner's or the shell's line under the label (`> api@1.0.0 start`,
            # `… exited with code 2`, `Aborted`), between the process's lines
            assert at[i] == 0 or own[at[i] - 1:at[i]] == b"\n" or at[i] == len(own), (
                f"{hit['label']!r}: {body[:80]!r} is not its output at {at[i]}")
            m.add("noise", body + nl)
            continue
        if nl and own.startswith(b"\n", at[i]):
            at[i] += 1
            m.add(i, nl)
        else:
            m.add("prefix", nl)  # the runner ended a line the process had not
    # the output is all in the log, but for the empty lines a runner dropped
    assert all(o[a:].strip(b"\n") == b"" for o, a in zip(outputs, at, strict=True)), \
        "output not all in the log"
    return m


def make(group: str, runner: str) -> None:
    procs = mc.GROUPS[group]
    assert not any(p.sigquit for p in procs), "the runners send no SIGQUIT"
    for v in {p.version for p in procs}:
        mc.gobin(v)
    for variant, args in VARIANTS[runner].items():
        with tempfile.TemporaryDirectory() as tmp:
            out, outputs = run(runner, procs, args, Path(tmp))
        labels = [str(i) if runner == "concurrently" and "--names" not in args else p.name
                  for i, p in enumerate(procs)]
        merged = owned(out, outputs, labels, LABELS[runner])
        name = f"{group}-prefix-{runner}" + (f"-{variant}" if variant else "")
        # pnpm drops empty lines: the log holds less than the processes wrote
        mc.save_case(name, group, f"prefix-{runner}", procs, mc.Capture(outputs, []), merged,
                     {"style": " ".join([runner, *args]), "verbatim": runner != "pnpm"})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--group", action="append",
                    choices=sorted(g for g, ps in mc.GROUPS.items()
                                   if not any(p.sigquit for p in ps)))
    ap.add_argument("--runner", action="append", choices=sorted(VARIANTS))
    args = ap.parse_args()
    for runner in args.runner or sorted(VARIANTS):
        for group in args.group or ["mixed"]:
            make(group, runner)


if __name__ == "__main__":
    main()
