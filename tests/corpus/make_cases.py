#!/usr/bin/env python3
"""Build the interleaving corpus: run real Go programs at once, merge their output.

Usage (needs the Go toolchains under /opt/gobin and /usr/lib/go-1.19, strace,
gcc, make, npm; not run by the test suite):

    python tests/corpus/make_cases.py noise          # regenerate noise/ from real tools
    python tests/corpus/make_cases.py cases [--group G] [--seed N]
    python tests/corpus/make_cases.py truth          # recompute truth reports from clean outputs

Every case directory `cases/<case>/` holds:
  input.log[.gz]    the merged log a user would see
  p<i>.out[.gz]     process i's clean output: exactly the bytes it wrote
  truth.json[.gz]   mode, processes (command, Go version, GOTRACEBACK), the byte
                    ownership of the input as runs [owner, length] (owner: process
                    index, "prefix", "paste" or "noise"), and each process's
                    reports parsed from its clean output (when the parser exists).

Modes, each a different way real collectors and people mix output:
  chunks-fast / chunks-slow   read() chunks of separate pipes, as they arrive
  writes-time / writes-shuffle  write() by write() on one descriptor (strace)
  lines-arrival / lines-random  whole lines, arrival order / random order
  prefix-<style>              whole lines under a collector's per-line prefix
  paste                       a line-merged log pasted somewhere and garbled
  noise                       line-merged among real build-log noise and decoys
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import resource
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"
CASES = HERE / "cases"
NOISE = HERE / "noise"
BUILD = Path(os.environ.get("CORPUS_BUILD", "/tmp/stackdemux-corpus"))

TOOLCHAINS = {
    "1.19": "/usr/lib/go-1.19/bin/go",
    "1.21": "/opt/gobin/1.21.13/go/bin/go",
    "1.22": "/opt/gobin/1.22.10/go/bin/go",
    "1.23": "/opt/gobin/1.23.9/go/bin/go",
    "1.24": "/opt/gobin/1.24.11/go/bin/go",
    "1.25": "/opt/gobin/1.25.5/go/bin/go",
    "1.26": "/opt/gobin/1.26.6/go/bin/go",
    "1.27": "/opt/gobin/1.27.3/go/bin/go",
}
# Versions built with -trimpath, so that module-relative file paths appear too.
TRIMPATH = {"1.22", "1.25"}
GOENV = {"GOTOOLCHAIN": "local", "GOFLAGS": "-mod=vendor", "GOPROXY": "off", "GOWORK": "off"}
GZIP_ABOVE = 64 * 1024


@dataclass
class Proc:
    name: str  # the stream's name, used by prefix styles (compose service, pod, …)
    scenario: str  # a fleet scenario, or "gotest"
    version: str
    size: int = 3
    seed: int = 1
    traceback: str = ""  # GOTRACEBACK; "" leaves the default
    sigquit: bool = False  # the harness sends SIGQUIT once the process says "ready"
    tests: str = ""  # `go test -run` pattern for scenario "gotest"


# ------------------------------------------------------------------ groups ---
# Each group runs at once; every mode below makes cases out of the same group.

GROUPS: dict[str, list[Proc]] = {
    "bolt": [
        Proc("boltd-1", "bolt", "1.27", size=2, seed=3),
        Proc("boltd-2", "bolt", "1.19", size=3, seed=4, traceback="all"),
        Proc("hub-1", "hub", "1.23", size=3, seed=5, traceback="all"),
    ],
    "mixed": [
        Proc("config-1", "error", "1.21", size=2, seed=2),
        Proc("api-1", "repanic", "1.22", size=1, seed=3),
        Proc("web-1", "nil", "1.24", size=2, seed=1, traceback="all"),
        Proc("cache-1", "maps", "1.25"),
        Proc("jobs-1", "small", "1.26", size=4, seed=6, traceback="all"),
    ],
    "sigquit": [
        Proc("idle-1", "hang", "1.27", size=4, seed=1, sigquit=True),
        Proc("idle-2", "hang", "1.23", size=3, seed=2, sigquit=True, traceback="system"),
        Proc("idle-3", "hang", "1.19", size=2, seed=3, sigquit=True, traceback="all"),
        Proc("idle-4", "hang", "1.25", size=5, seed=4, sigquit=True, traceback="crash"),
    ],
    "gotest": [
        Proc("ledger-1", "gotest", "1.27", seed=7, tests="TestTransferPanics"),
        Proc("ledger-2", "gotest", "1.19", seed=8,
             tests="TestBalanceMismatch|TestTransferInGoroutine"),
        Proc("ledger-3", "gotest", "1.23", seed=9, tests="TestPanicGoroutine|TestTransferPanics"),
        Proc("locks-1", "deadlock", "1.21", size=2, seed=1),
    ],
    "twelve": [
        Proc("n01", "bolt", "1.21", size=1, seed=1),
        Proc("n02", "hub", "1.22", size=2, seed=2, traceback="all"),
        Proc("n03", "error", "1.23", size=1, seed=3),
        Proc("n04", "repanic", "1.24", size=2, seed=4, traceback="all"),
        Proc("n05", "nil", "1.25", size=1, seed=5),
        Proc("n06", "maps", "1.26"),
        Proc("n07", "deadlock", "1.27", size=3, seed=7),
        Proc("n08", "small", "1.19", size=5, seed=8, traceback="all"),
        Proc("n09", "many", "1.27", size=20, seed=9, traceback="all"),
        Proc("n10", "hang", "1.24", size=3, seed=10, sigquit=True),
        Proc("n11", "small", "1.23", size=1, seed=11),
        Proc("n12", "gotest", "1.25", seed=12, tests="TestTransferInGoroutine"),
    ],
    "crash": [
        Proc("proxy-1", "nil", "1.27", size=2, seed=2, traceback="crash"),
        Proc("index-1", "maps", "1.19", traceback="system"),
        Proc("store-1", "bolt", "1.23", size=2, seed=6, traceback="system"),
    ],
    "big": [
        Proc("pool-1", "many", "1.27", size=5000, seed=1, traceback="all"),
        Proc("hub-2", "hub", "1.25", size=3, seed=2, traceback="all"),
    ],
}

PREFIX_STYLES = ["compose", "kubectl", "cri", "gha", "syslog", "buildkit", "parallel", "partial"]
PASTE_DAMAGES = ["gutter-glued", "gutter-collapsed", "spaces-punct", "lost-tabs", "joined",
                 "frame-one-line", "wrap80", "nbsp", "html", "quote", "crlf"]
# The big group makes only a few cases, to keep the committed corpus small.
BIG_MODES = {"chunks-fast", "writes-time", "lines-random", "prefix-compose"}


# ------------------------------------------------------------------- build ---

def gobin(version: str) -> Path:
    """Build the fleet binary with one toolchain (cached under BUILD)."""
    out = BUILD / version / "fleet"
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [TOOLCHAINS[version], "build", "-o", str(out)]
    if version in TRIMPATH:
        cmd.append("-trimpath")
    subprocess.run([*cmd, "."], cwd=PROGRAMS, env={**os.environ, **GOENV}, check=True)
    return out


def command(p: Proc) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, **GOENV, "FLEET_SEED": str(p.seed)}
    env.pop("GOTRACEBACK", None)
    if p.traceback:
        env["GOTRACEBACK"] = p.traceback
    if p.scenario == "gotest":
        argv = [TOOLCHAINS[p.version], "test", "-v", "-vet=off", "-count=1", "-run", p.tests]
        if p.version in TRIMPATH:
            argv.append("-trimpath")
        return [*argv, "./ledger"], env
    return [str(gobin(p.version)), p.scenario, str(p.size), str(p.seed)], env


def _child_setup() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # GOTRACEBACK=crash aborts


# ----------------------------------------------------------------- capture ---

@dataclass
class Capture:
    outputs: list[bytes]
    chunks: list[tuple[float, int, bytes]]  # (time read, process, bytes), in read order
    writes: list[list[tuple[float, bytes]]] | None = None  # per process, from strace
    exits: list[int] = field(default_factory=list)


STRACE = ["strace", "-f", "-qq", "-e", "trace=write", "-xx", "-s", "65536", "-ttt", "-o"]


def _tracee(pid: int) -> int:
    """The traced program's pid under `strace -o FILE prog`: strace's child."""
    for _ in range(100):
        try:
            kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return pid
        if kids:
            return int(kids[0])
        time.sleep(0.01)
    return pid


def run_group(procs: list[Proc], reader: str, trace: bool, rng: random.Random,
              workdir: Path) -> Capture:
    """Start every process at once, each on its own pipe, and read them all."""
    sel = selectors.DefaultSelector()
    # Every process waits for this moment to crash (FLEET_AT), so outputs overlap.
    margin = 0.8 + (2.5 if any(p.scenario == "gotest" for p in procs) else 0)
    at_ns = time.time_ns() + int(margin * (2 if trace else 1) * 1e9)
    popen: list[subprocess.Popen[bytes]] = []
    traces: list[Path] = []
    for i, p in enumerate(procs):
        argv, env = command(p)
        env["FLEET_AT"] = str(at_ns)
        if trace:
            traces.append(workdir / f"strace.{i}")
            argv = [*STRACE, str(traces[-1]), *argv]
        popen.append(subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, env=env, cwd=PROGRAMS,
                                      preexec_fn=_child_setup))
    for i, pp in enumerate(popen):
        assert pp.stdout is not None
        sel.register(pp.stdout.fileno(), selectors.EVENT_READ, i)
    outputs = [bytearray() for _ in procs]
    chunks: list[tuple[float, int, bytes]] = []
    quit_sent = [not p.sigquit for p in procs]
    start = time.monotonic()
    open_fds = len(procs)
    while open_fds:
        for key, _ in sel.select(timeout=0.05):
            i = key.data
            size = 65536 if reader == "fast" else rng.randint(64, 1024)
            data = os.read(key.fd, size)
            if not data:
                sel.unregister(key.fd)
                open_fds -= 1
                continue
            chunks.append((time.monotonic(), i, data))
            outputs[i] += data
        elapsed = time.monotonic() - start
        for i in range(len(procs)):
            ready = b"ready\n" in outputs[i] and time.time_ns() >= at_ns
            if not quit_sent[i] and (ready or elapsed > 15):
                target = _tracee(popen[i].pid) if trace else popen[i].pid
                os.kill(target, signal.SIGQUIT)
                quit_sent[i] = True
        if elapsed > 120:
            for pp in popen:
                pp.kill()
        if reader == "slow":
            time.sleep(rng.uniform(0.002, 0.03))
    exits = [pp.wait() for pp in popen]
    cap = Capture([bytes(o) for o in outputs], chunks, exits=exits)
    if trace:
        cap.writes = [_writes(t.read_text(), cap.outputs[i]) for i, t in enumerate(traces)]
    return cap


_WRITE = re.compile(r'^\d+ +(\d+\.\d+) write\(([12]), "((?:\\x[0-9a-f]{2})*)"(\.\.\.)?, (\d+)')


def _writes(trace: str, output: bytes) -> list[tuple[float, bytes]]:
    """The write() calls, in order, whose bytes make up `output`.

    Writes to fds 1 and 2 of every traced pid are candidates; writes that are
    not the next bytes of the output (a compiler's stderr read by `go test`,
    say) are skipped, and what is kept must add up to the output exactly.
    """
    calls = []
    for line in trace.splitlines():
        m = _WRITE.match(line)
        if m:
            data = bytes.fromhex(m.group(3).replace("\\x", ""))
            calls.append((float(m.group(1)), data))
    calls.sort(key=lambda c: c[0])
    kept, pos = [], 0
    for ts, data in calls:
        if data and output.startswith(data, pos):
            kept.append((ts, data))
            pos += len(data)
    if pos != len(output):
        raise RuntimeError(f"strace writes cover {pos} of {len(output)} bytes")
    return kept


# ------------------------------------------------------------------ merges ---

class Merged:
    """A merged log and who wrote each of its bytes (runs of [owner, length])."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.runs: list[list] = []

    def add(self, owner: int | str, data: bytes) -> None:
        if not data:
            return
        self.parts.append(data)
        if self.runs and self.runs[-1][0] == owner:
            self.runs[-1][1] += len(data)
        else:
            self.runs.append([owner, len(data)])

    def data(self) -> bytes:
        return b"".join(self.parts)


def interleave(seqs: list[list], rng: random.Random) -> list[tuple[int, object]]:
    """A random interleaving that keeps each sequence's own order."""
    pos = [0] * len(seqs)
    bag = [i for i, s in enumerate(seqs) for _ in s]
    rng.shuffle(bag)
    out = []
    for i in bag:
        out.append((i, seqs[i][pos[i]]))
        pos[i] += 1
    return out


def split_lines(data: bytes) -> list[bytes]:
    """Lines with their LF (the last one may lack it)."""
    return data.splitlines(keepends=True)


def arrival_lines(cap: Capture) -> list[tuple[int, bytes]]:
    """Whole lines as a line-buffering collector emits them: when their LF arrives."""
    pending = [b""] * len(cap.outputs)
    out: list[tuple[int, bytes]] = []
    for _, i, data in cap.chunks:
        buf = pending[i] + data
        *whole, rest = buf.split(b"\n")
        out.extend((i, ln + b"\n") for ln in whole)
        pending[i] = rest
    out.extend((i, rest) for i, rest in enumerate(pending) if rest)
    return out


def random_lines(cap: Capture, rng: random.Random) -> list[tuple[int, bytes]]:
    return interleave([split_lines(o) for o in cap.outputs], rng)  # type: ignore[return-value]


def merge_lines(lines: list[tuple[int, bytes]]) -> Merged:
    m = Merged()
    for i, ln in lines:
        m.add(i, ln)
    return m


def merge_chunks(cap: Capture) -> Merged:
    m = Merged()
    for _, i, data in cap.chunks:
        m.add(i, data)
    return m


def merge_writes(cap: Capture, order: str, rng: random.Random) -> Merged:
    assert cap.writes is not None
    if order == "time":
        seq = sorted(((ts, i, k, d) for i, ws in enumerate(cap.writes)
                      for k, (ts, d) in enumerate(ws)), key=lambda w: (w[0], w[1], w[2]))
        pairs = [(i, d) for _, i, _, d in seq]
    else:
        pairs = [(i, d) for i, (_, d) in interleave(cap.writes, rng)]  # type: ignore[arg-type,misc]
    m = Merged()
    for i, d in pairs:
        m.add(i, d)
    return m


# ---------------------------------------------------------------- prefixes ---

ANSI_COLOURS = [36, 33, 32, 35, 34, 31, 96, 93, 92, 95, 94, 91]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def prefixed(lines: list[tuple[int, bytes]], procs: list[Proc], style: str,
             rng: random.Random) -> Merged:
    """Whole lines under one collector's prefix; the prefix bytes are owned by "prefix"."""
    m = Merged()
    width = max(len(p.name) for p in procs)
    t0 = 1767323045.0 + rng.randint(0, 10**6)  # 2026-01-02, plus a bit
    pids = [rng.randint(1000, 60000) for _ in procs]
    steps = [rng.randint(3, 40) for _ in procs]
    tagged = {i for i in range(len(procs)) if i % 2 == 0}  # for "partial"
    for n, (i, ln) in enumerate(lines):
        t = t0 + n * 0.0007 + rng.random() * 0.0005
        body, nl = (ln[:-1], b"\n") if ln.endswith(b"\n") else (ln, b"")
        name = procs[i].name
        if style == "compose":
            colour = ANSI_COLOURS[i % len(ANSI_COLOURS)]
            m.add("prefix", f"\x1b[{colour}m{name.ljust(width)}  |\x1b[0m ".encode())
        elif style == "kubectl":
            m.add("prefix", f"[pod/{name}-7d9f8b6c4-x{i:02d}q/app] ".encode())
        elif style == "cri":
            stream = "stderr" if i % 3 else "stdout"
            pieces = [body]
            if len(body) > 60 and rng.random() < 0.3:  # the runtime split a long line
                cut = rng.randint(20, len(body) - 20)
                pieces = [body[:cut], body[cut:]]
            for k, piece in enumerate(pieces):
                last = k == len(pieces) - 1
                ts = _rfc3339(t + k * 1e-6, 9)
                m.add("prefix", f"{ts} {stream} {'F' if last else 'P'} ".encode())
                m.add(i, piece)
                m.add(i if last and nl else "prefix", b"\n")
            continue
        elif style == "gha":
            m.add("prefix", f"{_rfc3339(t, 7)} ".encode())
        elif style == "syslog":
            lt = time.gmtime(t)
            stamp = f"{MONTHS[lt.tm_mon - 1]} {lt.tm_mday:2d} {time.strftime('%H:%M:%S', lt)}"
            m.add("prefix", f"{stamp} node-a {name}[{pids[i]}]: ".encode())
        elif style == "buildkit":
            m.add("prefix", f"#{steps[i]} {n * 0.0031 + 0.412:.3f} ".encode())
        elif style == "parallel":
            m.add("prefix", f"{name}\t".encode())
        elif style == "partial" and i in tagged:
            m.add("prefix", f"[pod/{name}/app] ".encode())
        m.add(i, body)
        m.add(i, nl)
    return m


def _rfc3339(t: float, digits: int) -> str:
    frac = f"{t % 1:.{digits}f}"[2:]
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{frac}Z"


# ------------------------------------------------------------------ pastes ---

def pasted(lines: list[tuple[int, bytes]], damages: list[str], rng: random.Random) -> Merged:
    """A line-merged log pasted into a chat/blog/issue, with its damage.

    Bytes a paste adds (gutters, joins, wraps, quotes) are owned by "paste";
    bytes it rewrites (nbsp, HTML escapes) stay with the process.
    """
    items: list[list[tuple[int | str, bytes]]] = [[(i, ln.rstrip(b"\n"))] for i, ln in lines]
    if "frame-one-line" in damages:  # a frame's file line pulled up onto its function line
        out: list[list[tuple[int | str, bytes]]] = []
        for it in items:
            o, text = it[0]
            if out and out[-1][-1][0] == o and text.startswith(b"\t") and b".go:" in text:
                out[-1].extend([("paste", b" "), (o, text[1:])])
                continue
            out.append(list(it))
        items = out
    if "joined" in damages:  # some lines joined to the next with a space
        out = []
        for it in items:
            if out and rng.random() < 0.06:
                out[-1].extend([("paste", b" "), *it])
            else:
                out.append(list(it))
        items = out
    if "lost-tabs" in damages:
        items = [[(o, t.replace(b"\t", b"")) for o, t in it] for it in items]
    if "spaces-punct" in damages:
        items = [[(o, _space_punct(t, rng) if isinstance(o, int) else t) for o, t in it]
                 for it in items]
    if "nbsp" in damages:
        items = [[(o, t.replace(b" ", "\u00a0".encode()) if rng.random() < 0.5 else t)
                  for o, t in it] for it in items]
    if "html" in damages:
        items = [[(o, t.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")
                   .replace(b'"', b"&quot;")) for o, t in it] for it in items]
    if "wrap80" in damages:
        items = [_wrap(it, 80) for it in items]
        items = [seg for wrapped in items for seg in wrapped]
    m = Merged()
    if "gutter-collapsed" in damages:
        m.add("paste", " ".join(str(n + 1) for n in range(len(items))).encode() + b"\n")
    eol = b"\r\n" if "crlf" in damages else b"\n"
    for n, it in enumerate(items):
        if "gutter-glued" in damages:
            m.add("paste", str(n + 1).encode())
        if "quote" in damages:
            m.add("paste", b"> ")
        for o, t in it:
            m.add(o, t)
        if eol == b"\r\n":
            m.add("paste", b"\r")
        last = it[-1][0]
        m.add(last if isinstance(last, int) else "paste", b"\n")
    return m


def _space_punct(text: bytes, rng: random.Random) -> bytes:
    """`/copy/copy.go:1337` → `/copy /copy .go :1337`, on about half the file lines."""
    m = re.match(rb"^(\t?.*)(/[^/ ]+)(\.go)(:\d+.*)$", text)
    if not m or rng.random() < 0.5:
        return text
    return m.group(1) + b" " + m.group(2) + b" " + m.group(3) + b" " + m.group(4)


def _wrap(it: list[tuple[int | str, bytes]], width: int) -> list[list[tuple[int | str, bytes]]]:
    """Hard-wrap one pasted line at `width` bytes; the break is the paste's."""
    rows: list[list[tuple[int | str, bytes]]] = [[]]
    col = 0
    for o, t in it:
        while t:
            room = width - col
            if room == 0:
                rows.append([])
                col, room = 0, width
            piece, t = t[:room], t[room:]
            rows[-1].append((o, piece))
            col += len(piece)
    return [r if r else [("paste", b"")] for r in rows]


# ------------------------------------------------------------------- noise ---

def noise_lines() -> list[bytes]:
    lines: list[bytes] = []
    for f in sorted(NOISE.glob("*.log")):
        lines.extend(split_lines(f.read_bytes()))
    return lines


def with_noise(lines: list[tuple[int, bytes]], rng: random.Random, share: float) -> Merged:
    """Whole process lines among runs of real build-log lines and decoys."""
    pool = noise_lines()
    decoys = split_lines((NOISE / "decoys.log").read_bytes())
    m = Merged()
    k = rng.randrange(len(pool))
    for i, ln in lines:
        if rng.random() < share:
            for _ in range(rng.randint(1, 12)):
                m.add("noise", pool[k % len(pool)])
                k += 1
            if rng.random() < 0.2:
                m.add("noise", rng.choice(decoys))
        m.add(i, ln)
    for d in decoys:  # every decoy at least once
        m.add("noise", d)
    return m


def generate_noise() -> None:
    """Run real tools here and keep their output as noise/*.log."""
    NOISE.mkdir(exist_ok=True)
    go = TOOLCHAINS["1.27"]
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        env = {**os.environ, **GOENV, "GOCACHE": str(t / "cache")}
        r = subprocess.run([go, "build", "-x", "-o", os.devnull, "."], cwd=PROGRAMS, env=env,
                           capture_output=True)
        _keep("go-build-x.log", r.stderr, 500)
        (t / "ok.c").write_text("int ok(void) { return 1; }\n")
        (t / "warn.c").write_text("int warn(int x) { int unused; return x; }\n")
        (t / "broken.c").write_text('#include "missing.h"\nint broken(void) { return 0; }\n')
        (t / "Makefile").write_text(
            "CFLAGS=-Wall -O2\nall: ok.o warn.o broken.o\n\tar rcs libx.a $^\n")
        r = subprocess.run(["make", "-k"], cwd=t, capture_output=True)
        _keep("make-gcc.log", r.stdout + r.stderr, 200)
        (t / "package.json").write_text(json.dumps(
            {"name": "webapp", "version": "1.0.0", "scripts": {"build": "node build.js"}}))
        (t / "build.js").write_text(
            "console.log('building 12 modules');\n"
            "function compile(m) { throw new Error('cannot resolve ' + m); }\n"
            "compile('./src/panic-handler.js');\n")
        r = subprocess.run(["npm", "run", "build", "--no-update-notifier"], cwd=t,
                           capture_output=True, env={**os.environ, "npm_config_cache": str(t)})
        _keep("npm.log", r.stdout + r.stderr, 200)
        (t / "test_app.py").write_text(
            "def test_panic_goroutine():\n    assert 'goroutine' in 'goroutine 1'\n\n"
            "def test_fails():\n    assert {'panic': 1} == {'panic': 2}\n")
        r = subprocess.run([sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider",
                            "test_app.py"], cwd=t, capture_output=True)
        _keep("pytest.log", r.stdout, 200)
        r = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--no-index",
                            "lark", "nonexistent-pkg-xyz"], capture_output=True)
        _keep("pip.log", r.stdout + r.stderr, 100)
        r = subprocess.run(["grep", "-rn", "-e", "panic(", "-e", "goroutine", "--include=*.go",
                            "."], cwd=PROGRAMS, capture_output=True)
        _keep("grep.log", r.stdout, 200)
        r = subprocess.run([go, "test", "-v", "-count=1", "-run", "TestPanicGoroutine",
                            "./ledger"], cwd=PROGRAMS, env=env, capture_output=True)
        _keep("go-test-pass.log", r.stdout + r.stderr, 50)
        r = subprocess.run([go, "run", "./decoys"], cwd=PROGRAMS, env=env, capture_output=True)
        (NOISE / "decoys.log").write_bytes(r.stdout + (NOISE / "go-test-pass.log").read_bytes())


def _keep(name: str, data: bytes, max_lines: int) -> None:
    lines = split_lines(data)[:max_lines]
    if lines and not lines[-1].endswith(b"\n"):
        lines[-1] += b"\n"
    (NOISE / name).write_bytes(b"".join(lines))
    print(f"noise/{name}: {len(lines)} lines")


# ------------------------------------------------------------------- cases ---

def _write(path: Path, data: bytes) -> str:
    """Write data, gzipped when large; return the file name used."""
    if len(data) > GZIP_ABOVE:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(data, 9, mtime=0))
    else:
        path.write_bytes(data)
    return path.name


def save_case(name: str, group: str, mode: str, procs: list[Proc], cap: Capture,
              merged: Merged, extra: dict | None = None) -> None:
    d = CASES / name
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    data = merged.data()
    assert sum(n for _, n in merged.runs) == len(data)
    truth = {
        "case": name,
        "group": group,
        "mode": mode,
        "input": _write(d / "input.log", data),
        "verbatim": mode.split("-")[0] not in ("paste",),
        "processes": [
            {**asdict(p), "go": TOOLCHAINS[p.version], "exit": cap.exits[i] if cap.exits else None,
             "output": _write(d / f"p{i}.out", cap.outputs[i])}
            for i, p in enumerate(procs)
        ],
        "ownership": merged.runs,
        **(extra or {}),
    }
    truth["truth_reports"] = truth_reports_for(d, truth)
    text = json.dumps(truth, indent=None, separators=(",", ":")).encode()
    _write(d / "truth.json", text)
    print(f"{name}: {len(data)} bytes, {len(procs)} processes, {len(merged.runs)} runs")


def truth_reports_for(d: Path, truth: dict) -> list | None:
    """Each process's reports, parsed from its clean output (None: no parser yet)."""
    try:
        sys.path.insert(0, str(HERE.parent.parent))
        from tests.corpus.score import process_reports
    except ImportError:
        return None
    return process_reports(d, truth)


def make_group(group: str, seed: int) -> None:
    procs = GROUPS[group]
    for v in {p.version for p in procs}:
        gobin(v)
    rng = random.Random(f"{group}/{seed}")
    want = BIG_MODES if group == "big" else None

    def wanted(mode: str) -> bool:
        return want is None or mode in want

    with tempfile.TemporaryDirectory() as tmp:
        fast = run_group(procs, "fast", False, rng, Path(tmp))
        arrival = arrival_lines(fast)
        if wanted("chunks-fast"):
            save_case(f"{group}-chunks-fast", group, "chunks-fast", procs, fast, merge_chunks(fast))
        if wanted("lines-arrival"):
            save_case(f"{group}-lines-arrival", group, "lines-arrival", procs, fast,
                      merge_lines(arrival))
        if wanted("lines-random"):
            save_case(f"{group}-lines-random", group, "lines-random", procs, fast,
                      merge_lines(random_lines(fast, rng)))
        for style in PREFIX_STYLES:
            if wanted(f"prefix-{style}"):
                save_case(f"{group}-prefix-{style}", group, f"prefix-{style}", procs, fast,
                          prefixed(arrival, procs, style, rng), {"style": style})
        if wanted("paste"):
            k = sorted(GROUPS).index(group)
            for n in range(2):
                damages = [PASTE_DAMAGES[(2 * k + n) % len(PASTE_DAMAGES)]]
                if n == 1:
                    damages.append(PASTE_DAMAGES[(3 * k + 5) % len(PASTE_DAMAGES)])
                damages = sorted(set(damages))
                save_case(f"{group}-paste-{'+'.join(damages)}", group, "paste", procs, fast,
                          pasted(arrival, damages, rng), {"damages": damages})
        if wanted("noise"):
            save_case(f"{group}-noise", group, "noise", procs, fast,
                      with_noise(arrival, rng, 0.3))
        if wanted("chunks-slow"):
            slow = run_group(procs, "slow", False, rng, Path(tmp))
            save_case(f"{group}-chunks-slow", group, "chunks-slow", procs, slow,
                      merge_chunks(slow))
        if wanted("writes-time") or wanted("writes-shuffle"):
            traced = run_group(procs, "fast", True, rng, Path(tmp))
            if wanted("writes-time"):
                save_case(f"{group}-writes-time", group, "writes-time", procs, traced,
                          merge_writes(traced, "time", rng))
            if wanted("writes-shuffle"):
                save_case(f"{group}-writes-shuffle", group, "writes-shuffle", procs, traced,
                          merge_writes(traced, "shuffle", rng))


def retruth() -> None:
    for f in sorted(CASES.glob("*/truth.json*")):
        raw = f.read_bytes()
        truth = json.loads(gzip.decompress(raw) if f.suffix == ".gz" else raw)
        truth["truth_reports"] = truth_reports_for(f.parent, truth)
        text = json.dumps(truth, separators=(",", ":")).encode()
        f.unlink()
        _write(f.parent / "truth.json", text)
        print(f"{f.parent.name}: truth {'recomputed' if truth['truth_reports'] else 'missing'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("what", choices=["noise", "cases", "truth"])
    ap.add_argument("--group", action="append", choices=sorted(GROUPS))
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.what == "noise":
        generate_noise()
    elif args.what == "truth":
        retruth()
    else:
        for g in args.group or list(GROUPS):
            make_group(g, args.seed)


if __name__ == "__main__":
    main()
