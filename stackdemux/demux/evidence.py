"""What one traceback line says about the process that printed it.

Values the runtime printed (addresses and their arenas, goroutine ids), the
toolchain's paths (GOROOT, -trimpath or absolute), a frame's function, file
and pc offset, a header's wait reason, a report's type: read once per line
with the grammar-derived regexes, then weighed against each stream
(scores.py) and each report's stacks (heads.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import rx
from ..grammar import line_grammar

_F = {k: v.fields for k, v in line_grammar().kinds.items()}


# Kinds that open a report: a new one is a new process unless the stream it
# would join has printed only what comes before an opener (`runtime:` notes,
# `--- FAIL` lines) or chains it (a recovered panic).
OPENERS = frozenset({"panic", "fatal_error", "http_panic", "race_rule", "sigdump"})
PRELUDE = frozenset({"runtime_note", "fault_address", "test_fail"})

_HEX = rx.compile(r"0x[0-9a-fA-F]+")
# A value this large is an address (heap, stack, text), not a length or a flag.
_MIN_ADDRESS = 0x10000
# Heap and stack addresses are above 4 GiB on 64-bit Go; their high bits name
# the arena a process mapped (0xc0… for Go ≤ 1.26, random per process since 1.27).
_RANGE_SHIFT = 32


@dataclass(slots=True)
class Evidence:
    """What one line says about the process that printed it."""

    kind: str
    values: tuple[str, ...] = ()  # exact address words
    # those of one process's memory (heap, stacks: above 4 GiB); an address
    # below lies in the binary's image (text, type descriptors, constants),
    # printed alike by every process of one binary
    owned: tuple[str, ...] = ()
    ranges: tuple[int, ...] = ()  # arenas of heap/stack addresses
    gid: int | None = None  # goroutine header id
    parent: int | None = None  # `created by … in goroutine N`
    func: str | None = None  # frame call / created by
    file: str | None = None
    line: str | None = None
    offset: str | None = None
    root: str | None = None  # GOROOT-like prefix of a standard library file
    rel: str | None = None  # the file's path without its GOROOT: the same in every toolchain
    minor: int | None = None  # N of the Go 1.N its GOROOT names (go_minor)
    trimmed: int = 0  # +1: a -trimpath build's path (`example.com/app/main.go`), -1: absolute
    fp: str | None = None  # frame pointer of a file line (GOTRACEBACK=system and up)
    sp: str | None = None
    state: str | None = None  # goroutine header's wait reason
    machine: bool = False  # goroutine header prints gp=/m= (GOTRACEBACK=system, Go 1.23+)
    asleep: bool = False  # `fatal error: all goroutines are asleep`: no goroutine runs
    abort: bool = False  # `SIGABRT: abort`: GOTRACEBACK=crash dumps again after a panic
    annotated: bool = False  # a panic `[recovered]`: another panic line follows
    recovered: bool = False  # `[recovered]` or `[recovered, repanicked]` (Go 1.25+, one line)
    signaled: bool = False  # a panic or fatal error raised by a signal: `[signal …` follows
    inlined: bool = False  # a call printed `(...)`: its file line has no +0x offset
    test: str | None = None  # `--- FAIL: TestX`: a test binary reports each test once
    # `PC=… m=N`: the thread that printed a signal's section; a goroutine
    # header's `m=N`: the thread running it
    m: int | None = None
    # `PC=0x…`, `[signal … pc=0x…]`: where the signal struck; a file line's
    # `pc=0x…` (GOTRACEBACK=system and up)
    pc: str | None = None
    register: str | None = None  # a register line's name (`rax`): printed once a section


def _addresses(text: str | None) -> tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...]]:
    """Address words, their arenas, and those of a process's own memory (Evidence.owned)."""
    if not text:
        return (), (), ()
    values = []
    ranges = []
    owned = []
    for word in _HEX.findall(text):
        v = int(word, 16)
        if v < _MIN_ADDRESS:
            continue
        values.append(word.lower())
        if v >> _RANGE_SHIFT:
            ranges.append(v >> _RANGE_SHIFT)
            owned.append(values[-1])
    return tuple(values), tuple(set(ranges)), tuple(owned)


_GO_MINOR = rx.compile(r"[/-]1\.([0-9]{1,3})(?:\.[0-9]+)*/")  # (no minor has 4 digits)


def go_minor(root: str) -> int | None:
    """N of the Go 1.N a GOROOT names (`/opt/gobin/1.27.3/go/src/`,
    `/usr/lib/go-1.19/src/`), if it names one (`/usr/local/go/src/`: none)."""
    m = _GO_MINOR.search(root)
    return int(m.group(1)) if m else None


_STD_DIRS = ("runtime/", "sync/", "net/", "os/", "internal/", "testing/", "syscall/",
             "time/", "io/", "reflect/", "fmt/", "context/", "encoding/", "crypto/")


_LIBGO = "/libgo/go/"


def goroot(file: str) -> str | None:
    """The GOROOT of a standard library file: `/usr/lib/go-1.19/src/` of
    `/usr/lib/go-1.19/src/runtime/sema.go`; "" for a -trimpath build's
    `runtime/sema.go`. Different toolchains, different roots."""
    if file.startswith(_STD_DIRS):
        return ""
    j = file.rfind(_LIBGO)  # gccgo's: `../../../src/libgo/go/` (its C runtime's files: none)
    if j >= 0 and file.startswith(_STD_DIRS, j + len(_LIBGO)):
        return file[: j + len(_LIBGO)]
    i = file.rfind("/src/")
    if i < 0:
        return None
    rest = file[i + 5:]
    if rest.startswith(_STD_DIRS):
        return file[: i + 5]
    return None


# What the runtime says of a fault it turned into a panic (sigpanic) or a
# throw: only these reports print `[signal SIGSEGV: … pc=…]` after their
# message, and every one of them does.
_SIGNAL_PANICS = tuple(f"runtime error: {m}" for m in (
    "invalid memory address or nil pointer dereference", "integer divide by zero",
    "integer overflow", "floating point error", "unexpected signal"))
_SIGNAL_THROWS = ("unexpected signal", "fault", "signal arrived during cgo execution")


def _trimmed(file: str) -> int:
    """+1 for a path a -trimpath build prints (`runtime/sema.go`,
    `example.com/app/main.go`), -1 for an absolute one; 0: neither
    (`<autogenerated>`, `?`). One binary prints one style."""
    if file.startswith("/") or file[1:3] in (":/", ":\\"):
        return -1
    if file[:1].isalnum() and "/" in file:
        return 1
    return 0


def evidence(kind: str, m: re.Match[str]) -> Evidence:
    ev = Evidence(kind)
    f = _F[kind]
    if kind == "frame_call":
        ev.func = m.group(f["func"])
        args = m.group(f["args"])
        ev.inlined = args == "..."
        ev.values, ev.ranges, ev.owned = _addresses(args)
    elif kind == "frame_file":
        ev.file = m.group(f["file"])
        ev.line = m.group(f["lineno"])
        ev.offset = m.group(f["offset"])
        ev.root = goroot(ev.file)
        ev.rel = ev.file[len(ev.root):] if ev.root is not None else ev.file
        ev.minor = go_minor(ev.root) if ev.root else None
        ev.trimmed = _trimmed(ev.file)
        fp = m.group(f["fp"])
        if fp is not None:
            ev.fp, ev.sp = fp.lower(), m.group(f["sp"]).lower()
            pc = m.group(f["pc"])
            ev.pc = pc.lower() if pc else None
            # pc= too: the signal line names the crashing frame's pc
            ev.values, ev.ranges, ev.owned = _addresses(f"{fp} {ev.sp} {m.group(f['pc']) or ''}")
    elif kind == "goroutine_header":
        ev.gid = int(m.group(f["goid"]))
        ev.state = m.group(f["state"])
        gp = m.group(f["gp"])
        if gp:
            ev.machine = True
            thread = m.group(f["m"])
            ev.m = int(thread) if thread and thread.isdigit() else None
            ev.values, ev.ranges, ev.owned = _addresses(f"{gp} {m.group(f['mp']) or ''}")
    elif kind == "created_by":
        ev.func = m.group(f["func"])
        p = m.group(f["parent"])
        ev.parent = int(p) if p else None
    elif kind == "test_fail":
        ev.test = m.group(f["test"])
    elif kind == "sigdump":
        ev.abort = m.group(0).startswith("SIGABRT")
    elif kind == "fatal_error":
        text = m.group(f["text"]) or ""
        ev.asleep = "goroutines are asleep" in text
        ev.signaled = text.startswith(_SIGNAL_THROWS)
    elif kind in ("panic", "chained_panic", "http_panic"):
        annotation = m.group(f["annotation"])
        ev.annotated = annotation == " [recovered]"
        ev.recovered = annotation is not None
        ev.signaled = (m.group(f["message"]) or "").startswith(_SIGNAL_PANICS)
    elif kind == "register":
        ev.register = m.group(f["register"])
    elif kind in ("signal", "sigpc", "fault_address", "race_access"):
        ev.values, ev.ranges, ev.owned = _addresses(m.group(0))
        if kind == "sigpc":
            thread = m.group(f["m"])
            ev.m = int(thread) if thread and thread.isdigit() else None
            ev.pc = m.group(f["pc"]).lower()
        elif kind == "signal" and (pc := m.group(f["pc"])):
            ev.pc = pc.lower()  # where the report's first goroutine faulted
    return ev
