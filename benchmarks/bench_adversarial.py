#!/usr/bin/env python3
"""Pathological inputs: does the whole analysis stay linear on a log an attacker wrote?

    python benchmarks/bench_adversarial.py [--scale 1.0] [--only NAME,...] [--list]
                                           [--timeout 60]

Each input is built at two sizes, n and 4n, and analysed as the CLI reads a
file (`api.analyze_many` on a temporary file). Both sizes run in a child forked
from this one process (so each peak memory is its own): it prints CPU seconds,
MB/s, the growth of time from n to 4n (about 4 = linear; 16 = quadratic) and of
peak memory. A line is flagged `!!` when time grows more than 6-fold, when
memory grows more than 6-fold by more than 64 MB, when the input is read at
under 0.05 MB/s, or when a run overruns --timeout.

Time that grows more than 6-fold is confirmed before it is flagged: n, 2n and
4n are each run CONFIRM_RUNS times more and the least CPU time of each size
kept (a run on a shared machine only ever takes longer than its work: the same
lines-panics measured x3.6 to x6.6 from one run to the next, linear by
instruction counts), and the growth must hold in the upper half too, 2n to 4n
over sqrt(6) (a step where a stage starts between n and 2n, as the separator
does for prefixed-control-bytes past ~6 000 lines, is a threshold, not
growth). Such a row says `(min of k: x.. ; 2n->4n x..)`.

The inputs (synthetic on purpose: they are what no Go program prints):
  * long-*   one line of one traceback token repeated (hex runs, slashes,
             brackets, `goroutine 1 [`, `created by `, prefixes, escapes, ...);
  * lines-*  many short lines of one line kind alone, or the kinds shuffled;
  * wrapped-* / prefixed-* / pasted-* a real dump (samples/go1.25) repeated
             behind test2json / docker json-file / journal JSON records, compose
             or timestamp prefixes, or damaged as pastes are (CRLF, hard wraps,
             lost tabs, run-on lines, HTML escapes, a mail's quoted-printable
             and rewrapped quoting, a JUnit element's character references, a
             console's padded rows);
  * bytes-*  binary, invalid UTF-8, NUL bytes, a truncated gzip, one huge line;
  * lines cut into records by collectors (CRI's P/F, GitLab's +, docker's and
             test2json's records without a newline, the journal's line-max),
             prefixes of many styles mixed or with control bytes in them (what
             the fuzz campaign mangles; read() chunk merges: bench_demux.py);
  * real shapes at scale (fuzz22): loggers' records each holding an escaped
             stack, a dump quoted in replies (`> `, deeper and deeper), a dump
             in k9s's pane, one test's output as test2json events of a byte
             each, a decoy logged again and again before a dump's goroutines
             with their blank lines lost.
`--scale` multiplies every n (0.25 for a quick look).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import itertools
import json
import os
import random
import re
import resource
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stackdemux.api import analyze_many  # noqa: E402
from stackdemux.heap import release_free_pages  # noqa: E402
from stackdemux.ingest import InputError  # noqa: E402

DUMP = (ROOT / "samples" / "go1.25" / "panic_in_goroutine.txt").read_text()
BIG_DUMP = (ROOT / "samples" / "go1.25" / "sigquit.txt").read_text()
_WRITE = re.compile(r'write\([12], "((?:\\x[0-9a-f]{2})*)", \d+\) += \d+')  # strace -xx
DEADLOCKS = [(ROOT / "samples" / v / "deadlock.txt").read_text() for v in ("go1.27", "go1.21")]
MB = 1e6
FLAG_GROWTH = 6.0
CONFIRM_RUNS = 2  # more runs of each size before time growth is flagged
FLAG_MBPS = 0.05
FLAG_MEMORY_MB = 64  # memory growth below this is noise (allocator arenas, caches)
FLAG_BYTES_PER_BYTE = 8  # a str and its bytes are 2; held copies of every piece are more


@dataclass(frozen=True)
class Case:
    name: str
    n: int                          # the small size, in the generator's unit
    build: Callable[[int], bytes]   # n -> the log's bytes


def _rng(n: int) -> random.Random:
    return random.Random(n)  # the same input for the same size, run after run


def _hexa(r: random.Random) -> str:
    return f"0x{r.getrandbits(40):x}"


def _in_dump(body: str) -> bytes:
    """One long line inside a goroutine's stack, where every repair looks."""
    return ("panic: boom\n\ngoroutine 1 [running]:\n" + body
            + "\nmain.main()\n\t/app/main.go:5 +0x1d\n").encode()


def _repeat(token: str) -> Callable[[int], bytes]:
    return lambda n: _in_dump(token * max(1, n // len(token)))


LONG_TOKENS = {
    "hexrun": None,  # built below: a hex run between two frames
    "slashes": "a/", "parens": "()", "open-parens": "(", "goroutine": "goroutine 1 [",
    "panic": "panic: ", "brackets": "[", "colons": ":", "digits": "1", "words": "a ",
    "tabs": "\t", "goline": "x.go:1 ", "calls": "f(", "offsets": " +0x1",
    "fp-sp": " fp=0x1 sp=0x1", "created-by": "created by ", "in-goroutine": " in goroutine 1",
    "compose": "name-1  | ", "timestamp": "2026-01-02T03:04:05.1234567Z ", "ansi": "\x1b[31m",
    "gutter": "1 ", "escapes": "\\n\\t", "html": "&lt;", "quote": "> ", "dots": ".",
    "slash": "/", "signal": "[signal SIGSEGV: segmentation violation code=", "0x": "0x",
    "unknown-args": "0x1?, ", "elided": "...additional frames elided...",
    "glued-frame": "main.f(0x1)\t/a/b.go:1 +0x1d", "glued-header": "goroutine 7 [running]:",
    "file-of": "/app/m.go:12 +0x1d ", "nbsp": "\u00a0",
    # separators real logs print: GOTRACEBACK=crash's `-----`, pytest's `=====`
    "dashes": "-----", "equals": "=====",
}


def _long(name: str, token: str | None) -> Case:
    if token is None:
        return Case("long-hexrun", 20_000, lambda n: _in_dump(
            "main.f()/a/b.go:1 +0x" + "a" * n + "main.g()/a/b.go:2 +0x1"))
    return Case(f"long-{name}", 20_000, _repeat(token))


def _lines(name: str, line: Callable[[int, random.Random], str], n: int = 2000) -> Case:
    def build(k: int) -> bytes:
        r = _rng(k)
        return ("\n".join(line(i, r) for i in range(k)) + "\n").encode()
    return Case(f"lines-{name}", n, build)


LINE_KINDS: dict[str, Callable[[int, random.Random], str]] = {
    "calls": lambda i, r: f"main.f{i % 50}({_hexa(r)})",
    "files": lambda i, r: f"\t/app/x{i % 50}.go:{i % 900} +0x1d",
    "same-header": lambda i, r: "goroutine 1 [running]:",
    "headers": lambda i, r: f"goroutine {i} [running]:",
    "panics": lambda i, r: f"panic: boom {i}",
    "created-by": lambda i, r: f"created by main.f{i % 7} in goroutine {i}",
    "signals": lambda i, r: ("[signal SIGSEGV: segmentation violation "
                             f"code=0x1 addr=0x{i:x} pc=0x1]"),
    "registers": lambda i, r: f"r{i % 16}    {_hexa(r)}",
    "race": lambda i, r: ["==================", "WARNING: DATA RACE",
                          f"Read at {_hexa(r)} by goroutine {r.randint(1, 99)}:",
                          "  main.f()", f"      /app/m.go:{r.randint(1, 99)} +0x1"][i % 5],
    # a race report with another writer's line in it, over and over: each sends
    # its region to the separator (foreign.py reads a report between its rules)
    "race-tools": lambda i, r: ["WARNING: DATA RACE",
                                f"Read at {_hexa(r)} by goroutine {r.randint(1, 99)}:",
                                "  main.f()", f"cc -c x{i}.c",
                                f"      /app/m.go:{r.randint(1, 99)} +0x1"][i % 5],
    "frames": lambda i, r: (f"main.f{i % 13}({_hexa(r)}, {_hexa(r)})\n"
                            f"\t/app/m{i % 5}.go:{i % 300} +0x{i % 255:x}"),
    "relay": lambda i, r: f"-----\n\nSIGQUIT: quit\nPC={_hexa(r)} m={i} sigcode=0\n",
    "splices": lambda i, r: f"main.f({_hexa(r)}\t/app/m.go:{i} +0x1dgoroutine {i} [run",
    "blank": lambda i, r: "",  # (n lines of nothing)
    # apimachinery's caller lists (callers.py): a klog `Observed a panic`, then
    # bare file:line lines, read as frames only there
    "callers": lambda i, r: ("E0101 00:00:00.000000       1 runtime.go:69] Observed a panic: "
                             f"boom {i}" if i % 40 == 0 else f"/app/x{i % 50}.go:{i % 900}"),
}


def _shuffled(i: int, r: random.Random) -> str:
    """A line of a dump, of a kind picked at random: the beam's hardest input."""
    return r.choice([f"goroutine {i} [chan receive]:", f"main.g{i % 9}({_hexa(r)})",
                     f"\t/app/g.go:{i % 99} +0x2a",
                     f"created by main.h{i % 3} in goroutine {i % 17}",
                     f"\t/app/h.go:{i % 77} +0x3b", "", f"panic: x{i}"])


def _dumps(k: int, dump: str = DUMP) -> list[str]:
    """k lines of real dumps, one after another (the last one cut)."""
    lines = dump.splitlines()
    return [lines[i % len(lines)] for i in range(k)]


def _text(lines: list[str], end: str = "\n") -> bytes:
    return (end.join(lines) + end).encode()


def _test2json(k: int) -> bytes:
    return _text([json.dumps({"Time": "2026-01-02T03:04:05Z", "Action": "output",
                              "Package": f"example.com/p{i % 3}", "Test": f"TestX{i % 5}",
                              "Output": line + "\n"}) for i, line in enumerate(_dumps(k))])


def _docker(k: int) -> bytes:
    return _text([json.dumps({"log": line + "\n", "stream": "stderr",
                              "time": "2026-01-02T03:04:05.000000001Z"}) for line in _dumps(k)])


def _journal(k: int) -> bytes:
    return _text([json.dumps({"MESSAGE": line, "_HOSTNAME": "h", "SYSLOG_IDENTIFIER": "svc",
                              "_PID": str(100 + i % 4), "__REALTIME_TIMESTAMP": str(i)})
                  for i, line in enumerate(_dumps(k))])


def _docker_split(k: int) -> bytes:
    """One line over many docker records (none ends in a newline but the last)."""
    recs = [json.dumps({"log": "a" * 100, "stream": "stderr", "time": "t"}) for _ in range(k)]
    return _text([*recs, json.dumps({"log": "\n", "stream": "stderr", "time": "t"})])


def _json_dump_record(k: int) -> bytes:
    """A whole dump escaped into one JSON-lines record's `msg`."""
    return _text([json.dumps({"level": "error", "msg": "\n".join(_dumps(k))})] * 2)


def _dotted_words(k: int) -> bytes:
    """Two processes' deadlocks dealt line by line (so the separator runs) around
    a word of k dots, once before a space and once before a file line: the search
    for gccgo's signs (gccgo_calls.py) backtracked over every dot."""
    a, b = (DEADLOCKS[0].splitlines(), DEADLOCKS[1].splitlines())
    word = "a." * (k // 2)
    dealt = [line for pair in zip(a, b) for line in pair]  # noqa: B905 (the shorter ends it)
    return _text([*dealt[:10], word + " b", word + "/x", "\t/a/b.go:1", *dealt[10:]])


def _compose(k: int) -> bytes:
    """8 services crashing at once behind compose's prefixes, their lines taking turns."""
    lines = _dumps(k // 8 + 1, BIG_DUMP)
    return _text([f"svc-{i % 8}  | {lines[i // 8]}" for i in range(k)])


def _compose_dealt(k: int) -> bytes:
    """A dump's lines dealt to 8 prefixes in turn: every service holds a scrambled dump."""
    return _text([f"svc-{i % 8}  | {line}" for i, line in enumerate(_dumps(k, BIG_DUMP))])


def _timestamps(k: int) -> bytes:
    return _text([f"2026-01-02T03:04:05.{i:09d}Z {line}"
                  for i, line in enumerate(_dumps(k, BIG_DUMP))])


def _shuffled_prefixed(k: int) -> bytes:
    r = _rng(k)
    return _text([f"svc-{i % 8}  | {_shuffled(i, r)}" for i in range(k)])


def _crlf(k: int) -> bytes:
    return _text(_dumps(k, BIG_DUMP), "\r\n")


def _hard_wrapped(k: int) -> bytes:
    text = "\n".join(_dumps(k, BIG_DUMP))
    return _text([text[i:i + 80] for i in range(0, len(text), 80)])


def _lost_tabs(k: int) -> bytes:
    return _text([line.lstrip("\t") for line in _dumps(k, BIG_DUMP)])


def _run_on(k: int) -> bytes:
    return _text(["".join(_dumps(k, BIG_DUMP))])


def _html(k: int) -> bytes:
    return _text([line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                   .replace("\t", "&nbsp;" * 4) for line in _dumps(k, BIG_DUMP)])


def _gutter(k: int) -> bytes:
    return _text([f"{i + 1} {line}" for i, line in enumerate(_dumps(k, BIG_DUMP))])


def _quoted_printable(k: int) -> bytes:
    # quoted in a mail as its archive stores it: `=` escaped, lines cut at 76 by `=`
    out = []
    for line in _dumps(k, BIG_DUMP):
        enc = ("> " + line).replace("=", "=3D").replace("\t", "=09")
        while len(enc) > 76:
            out.append(enc[:75] + "=")
            enc = enc[75:]
        out.append(enc)
    return _text(out)


def _mail_rewrapped(k: int) -> bytes:
    # quoted three levels deep, each line over 72 columns wrapped again at a space,
    # its rest under one level less
    out = []
    for line in _dumps(k, BIG_DUMP):
        q = ">> > " + line
        cut = q.rfind(" ", 40, 72) if len(q) > 72 else -1
        out += [q[:cut], ">> " + q[cut + 1:]] if cut > 0 else [q]
    return _text(out)


def _padded_rows(k: int) -> bytes:
    # a console's copy: each line wrapped at 81 columns, each row padded with 45 spaces
    return _text([(" " * 45).join(line[i:i + 81] for i in range(0, len(line), 81))
                  for line in _dumps(k, BIG_DUMP)])


def _xml_element(k: int) -> bytes:
    # the dump as one JUnit element's text: newlines and tabs as character references
    text = "\n".join(_dumps(k, BIG_DUMP))
    text = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\n", "&#xA;").replace("\t", "&#x9;"))
    return _text(["<testsuite>", f'<failure message="x">{text}</failure>', "</testsuite>"])


def _binary(k: int) -> bytes:
    return _rng(k).randbytes(k)


def _invalid_utf8(k: int) -> bytes:
    r = _rng(k)
    return b"\n".join(line.encode() + bytes([0x80 | r.getrandbits(6), 0xff])
                      for line in _dumps(k, BIG_DUMP)) + b"\n"


def _nuls(k: int) -> bytes:
    return b"\n".join(line.encode().replace(b" ", b"\0") for line in _dumps(k, BIG_DUMP)) + b"\n"


def _truncated_gzip(k: int) -> bytes:
    data = gzip.compress(_text(_dumps(k, BIG_DUMP)))
    return data[: len(data) * 2 // 3]


def _huge_line(k: int) -> bytes:
    return DUMP.encode() + b"x" * k + b"\n" + DUMP.encode()


def _write_records(k: int) -> bytes:
    """k records of a collector that made each of the runtime's writes a record
    (demux/write_records.py): a real Go 1.27 crash's writes (strace), repeated."""
    trace = (ROOT / "tests" / "data" / "write_records" / "go127_nested_panic.trace").read_text()
    writes = [bytes.fromhex(m.group(1).replace("\\x", "")).decode()
              for m in map(_WRITE.match, trace.splitlines()) if m]
    records: list[str] = []
    for w in writes:  # a write's own final newline ends its record
        records += w[:-1].split("\n") if w.endswith("\n") else w.split("\n")
    return _text([records[i % len(records)] for i in range(k)])


def _lambda_errors(k: int) -> bytes:
    """Real Lambda error JSONs (lambda_error.py), pretty-printed and on one line, repeated."""
    pastes = [(ROOT / "samples" / "wild" / f).read_text() for f in (
        "cfngo17_lambda_error_json_stacktrace.txt", "ddlambda165_lambda_error_json_one_line.txt")]
    lines = [t for p in pastes for t in p.splitlines()]
    return _text([lines[i % len(lines)] for i in range(k)])


def _lambda_huge_value(k: int) -> bytes:
    """One real one-line Lambda error JSON whose message is k bytes long."""
    paste = (ROOT / "samples" / "wild" / "ddlambda165_lambda_error_json_one_line.txt").read_text()
    line = next(t for t in paste.splitlines() if t.startswith("{"))
    head = '{"errorMessage":"'
    return (head + "x" * k + line[line.index('",'):] + "\n").encode()


def _lambda_nested(k: int) -> bytes:
    """Objects each opening with the key and holding the next, none closed."""
    return ('{\n  "errorMessage": "x",\n  "more": [\n' * (k // 3)).encode()


def _keyed_records(k: int, keys: int, record: Callable[[int, str, bool], str]) -> bytes:
    """k lines of a dump as records of `keys` streams (line i the stream i % keys's),
    about half of them cut every 8-40 characters into several records (`record(key, text,
    last)`), the streams' records merged at random, each stream's in order."""
    r = _rng(k)
    queues: list[list[str]] = [[] for _ in range(keys)]
    for i, line in enumerate(_dumps(k, BIG_DUMP)):
        bounds = [0]
        while r.random() < 0.5 and bounds[-1] + 8 < len(line):
            bounds.append(min(bounds[-1] + r.randint(8, 40), len(line) - 1))
        bounds.append(len(line))
        for a, b in itertools.pairwise(bounds):
            queues[i % keys].append(record(i % keys, line[a:b], b == len(line)))
    out = []
    while any(queues):
        out.append(r.choice([q for q in queues if q]).pop(0))
    return _text(out)


def _cri_partial(k: int) -> bytes:
    """CRI log files: a line cut into `P` records before its `F`, stdout and stderr."""
    return _keyed_records(k, 2, lambda s, x, last: (
        f"2026-11-26T09:13:10.123456789Z {('stderr', 'stdout')[s]} {'F' if last else 'P'} {x}"))


def _gitlab_continued(k: int) -> bytes:
    """GitLab's runner with timestamps: `+` after the stream continues a line."""
    opened = [False] * 3

    def record(s: int, x: str, last: bool) -> str:
        plus, opened[s] = "+" if opened[s] else "", not last
        return f"2026-11-26T09:13:10.123456Z 0{s}E{plus} {x}"
    return _keyed_records(k, 3, record)


def _docker_split_streams(k: int) -> bytes:
    """docker json-file records of stdout and stderr, lines cut over records."""
    return _keyed_records(k, 2, lambda s, x, last: json.dumps({
        "log": x + ("\n" if last else ""), "stream": ("stderr", "stdout")[s],
        "time": "2026-01-02T03:04:05.000000001Z"}))


def _test2json_cut(k: int) -> bytes:
    """test2json events of three tests, lines cut over `Output`s without a newline."""
    return _keyed_records(k, 3, lambda s, x, last: json.dumps({
        "Action": "output", "Package": "example.com/p", "Test": f"TestX{s}",
        "Output": x + ("\n" if last else "")}))


def _journal_line_max(k: int) -> bytes:
    """Journal records of three processes, lines cut at `_LINE_BREAK=line-max`."""
    return _keyed_records(k, 3, lambda s, x, last: json.dumps({
        "MESSAGE": x, "_HOSTNAME": "h", "SYSLOG_IDENTIFIER": "svc", "_PID": str(100 + s),
        "__REALTIME_TIMESTAMP": "1", **({} if last else {"_LINE_BREAK": "line-max"})}))


# A line prefix of each of eleven styles (grammars/prefixes.lark's own examples)
_STYLES: list[Callable[[int], str]] = [
    lambda i: f"svc-{i % 3}  | ", lambda i: f"[pod/p{i % 3}/c] ",
    lambda i: f"Nov 26 09:13:10 host prog[{100 + i % 3}]: ",
    lambda i: f"#{i % 12} 1.{i % 999:03d} ",
    lambda i: "2026-11-26T09:13:10.123456789Z stderr F ", lambda i: f"job{i % 3}\t",
    lambda i: "remote: ", lambda i: f"E/Go      ({3600 + i % 3:5d}): ", lambda i: "+",
    lambda i: f"2019-05-30T22:30:09.243163+00:00 app[web.{i % 3}]: ", lambda i: "│ "]


def _mixed_styles(k: int) -> bytes:
    """A dump whose every line is behind a prefix of a style picked at random."""
    r = _rng(k)
    return _text([r.choice(_STYLES)(i) + line for i, line in enumerate(_dumps(k, BIG_DUMP))])


def _control_prefixes(k: int) -> bytes:
    """Compose's prefixes, each with a NUL, CR, ESC, a cut escape or a tab inside."""
    r = _rng(k)
    out = []
    for i, line in enumerate(_dumps(k, BIG_DUMP)):
        p = f"svc-{i % 4}  | "
        j = r.randrange(len(p) + 1)
        out.append(p[:j] + r.choice(["\0", "\r", "\x1b", "\x1b[", "\t"]) + p[j:] + line)
    return _text(out)


def _syslog_escapes(k: int) -> bytes:
    """rsyslog's lines: its prefix, and each tab written `#011`."""
    return _text([f"Nov 26 09:13:10 host app[{100 + i % 2}]: " + line.replace("\t", "#011")
                  for i, line in enumerate(_dumps(k, BIG_DUMP))])


def _glued_panics(k: int) -> bytes:
    """A frame's call line with k bytes of `panic: ` glued to it and a CR (a paste
    sign) among them: the glued-panic repair's gate went from each to the line's
    end and back (found by fuzzing: a megabyte, minutes)."""
    lines = (ROOT / "samples" / "go1.23" / "test_timeout.txt").read_text().split("\n")
    run = "panic: " * (k // 14)
    lines[27] += run + "p\rnic: " + run
    return "\n".join(lines).encode()


def _goroot_elements(k: int) -> bytes:
    """A frame's file line of k bytes of GOROOT-like path elements, in a report
    whose head holds a tool's line (so the release its frames show is asked,
    go_version.py): the one pattern went from each element to the line's end."""
    return ("panic: boom\nmake: *** [all] Error 2\n\ngoroutine 1 [running]:\nmain.main()\n\t"
            + "/1.2/src/runtime/a.go:" * (k // 22) + "\n").encode()


CONVOX = (ROOT / "samples" / "wild" / "convox2537_logfmt_trace_records_lines_lost.txt").read_bytes()


def _logfmt_escaped_quotes(k: int) -> bytes:
    """A real logfmt stack (convox's trace=%q records) and a record of k bytes of
    `\\"` after one quote: no string closes, and the last string of the record
    was sought from each quote to the line's end (fuzz20: 40 KB, 5 s)."""
    return CONVOX + b'2018-03-09T17:53:53Z x "' + b'\\"' * (k // 2) + b"\n"


def _logfmt_many_keys(k: int) -> bytes:
    """k bytes of records, each key proven by a frame's file line in its value and
    a record of other pairs after it: each such record was searched for every key
    (fuzz20: 8 000 keys, 5.7 s)."""
    out, size, i = [], 0, 0
    while size < k:
        out.append(f'level=error k{i}="\\t/a/b.go:{i + 1} +0x1"\nlevel=error\n')
        size, i = size + len(out[-1]), i + 1
    return "".join(out).encode()


def _logfmt_long_word(k: int) -> bytes:
    """A real logfmt stack (convox's trace=%q records) and a record holding a
    quote and one word of k bytes: each of its characters was tried as a key's
    start, read 256 characters on for the `=` (fuzz21: ~3 s a megabyte)."""
    return CONVOX + b'2018-03-09T17:53:53Z x " ' + b"ab" * (k // 2) + b"\n"


# samples/go1.27/ancestors.txt: a goroutine that starts itself again, each
# created by the one before (`created by main.init.6.func2.1 in goroutine 20`),
# with GODEBUG=tracebackancestors's `[originating from goroutine N]:` blocks
_ANCESTOR = ("[originating from goroutine {g}]:\nmain.init.6.func2.1(...)\n"
             "\t/app/main.go:556 +0xab\ncreated by main.init.6.func2.1\n\t/app/main.go:555 +0xab\n")


def _spawned(g: int, parent: int) -> str:
    return (f"goroutine {g} [chan receive]:\nmain.init.6.func2.1(0x1)\n\t/app/main.go:556 +0xb7\n"
            f"created by main.init.6.func2.1 in goroutine {parent}\n\t/app/main.go:555 +0xab\n\n")


_CHAIN_HEAD = ("panic: boom (request 0, ancestors)\n\ngoroutine 1 [chan receive]:\n"
               "main.init.6.func2()\n\t/app/main.go:559 +0x107\nmain.main()\n"
               "\t/app/main.go:49 +0x186\n\n")


def _created_by_chain(k: int, first: int = 19) -> bytes:
    """k goroutines, each created by the one before: a chain k deep."""
    return (_CHAIN_HEAD + "".join(_spawned(first + i, first + i - 1 if i else 1)
                                  for i in range(k))).encode()


def _ancestors_chain(k: int) -> bytes:
    """One goroutine with k `[originating from goroutine N]:` blocks below it."""
    return (_CHAIN_HEAD + _spawned(19 + k, 18 + k).rstrip("\n") + "\n"
            + "".join(_ANCESTOR.format(g=18 + k - i) for i in range(k)) + "\n").encode()


def _huge_ids_chain(k: int) -> bytes:
    """The chain with goroutine ids of 19 digits (Go's int64), each distinct."""
    return _created_by_chain(k, first=10**18)


def _decoys_before_blankless_dump(k: int) -> bytes:
    """Two real SIGQUIT dumps (k lines), a service's decoy line logged again and
    again (k / 2 times, 2 000 at most: within a fragment's reach of each other),
    then 4k lines of the dumps' goroutines with their blank lines lost, as
    pastes lose them (samples/wild/compose8599_no_blank_between_goroutines.txt):
    each decoy's head looked ahead over the whole run (splice_ahead.reach), the
    repeated head's shared scan paying nothing for it (fuzz22: 1 000 decoys
    before 16 000 such lines, minutes)."""
    dumps = [(ROOT / "samples" / v / "sigquit.txt").read_text().splitlines()
             for v in ("go1.25", "go1.27")]
    goroutines = [t for d in dumps for t in d[next(i for i, x in enumerate(d)
                                                   if x.startswith("goroutine ")):] if t
                  and not t.startswith(("-----", "SIGQUIT", "PC=", "goroutine 0 gp="))]
    decoy = next(t for t in (ROOT / "tests" / "corpus" / "noise" / "decoys.log").read_text()
                 .splitlines() if "panic: false" in t)
    return _text([*_cycled(dumps[0] + dumps[1], k), *[decoy] * min(k // 2, 2000),
                  *_cycled(goroutines, 4 * k)])


def _logger_records(k: int) -> bytes:
    """k bytes of real logger records each holding a whole escaped stack (traefik's
    logrus `msg="Stack: goroutine 51 [running]:\\n…"`, Echo's JSON `[PANIC
    RECOVER]` record, argo's logrus dump), one after another, their goroutine
    ids made distinct (a service that recovers from the same panic all day)."""
    records = [t for f in ("traefikkop15_logrus_stack_label_escaped_dump_template_nil.txt",
                           "panicwrap21_echo_recover_json_record_escaped_stack_cut.txt",
                           "argo1253_logrus_escaped_dump_wrapped_at_1000_columns_go110.txt")
               for t in (ROOT / "samples" / "wild" / f).read_text().splitlines()
               if "goroutine" in t]
    out, size, i = [], 0, 0
    while size < k:
        out.append(re.sub(r"goroutine \d+", f"goroutine {100 + i}", records[i % len(records)]))
        size, i = size + len(out[-1]) + 1, i + 1
    return _text(out)


def _quoted_replies(k: int) -> bytes:
    """k lines of a dump quoted in a reply, `> ` before each line, quoted again
    every 500 lines one level deeper (a thread of replies, each quoting the last)."""
    return _text([">" * (1 + i // 500 % 4) + " " + line
                  for i, line in enumerate(_dumps(k, BIG_DUMP))])


def _k9s_pane(k: int) -> bytes:
    """k lines of a dump as k9s's log pane shows them (SREGym#506): `│ `, the line
    cut at the pane's 81 columns and padded, ` │`; tabs as four spaces."""
    return _text([f"│ {line.replace(chr(9), '    ')[:81]:81} │" for line in _dumps(k, BIG_DUMP)])


def _test2json_bytes(k: int) -> bytes:
    """One test's output of a dump of k bytes, each byte its own `output` event
    (test2json passes on what the test wrote as it came: a test writing a byte at
    a time), among another test's whole-line events."""
    text = "\n".join(_dumps(k // 40 + 1, BIG_DUMP))[:k] + "\n"
    def event(test: str, output: str) -> str:  # (as test2json writes one: no spaces)
        return json.dumps({"Time": "2026-01-02T03:04:05.123456789Z", "Action": "output",
                           "Package": "example.com/p", "Test": test, "Output": output},
                          separators=(",", ":"))
    events = []
    for i, ch in enumerate(text):
        events.append(event("TestBytes", ch))
        if i % 400 == 0:
            events.append(event("TestLines", f"    x_test.go:{i}: ok\n"))
    return _text(events)


# The needles the bulk searches and the splicer's leads look for (demux's,
# firstchars'): every kind of traceback line's start, one after another.
_NEEDLES = ["goroutine 1 [running]:", "panic: ", "fatal error: ", " +0x1d", "created by ",
            "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1]",
            "--- FAIL: TestX (0.00s)", "main.main()", "\t/app/m.go:12", "runtime stack:",
            "WARNING: DATA RACE", " in goroutine 7", "[recovered]", "SIGQUIT: quit"]


def _needle_line(k: int, r: random.Random) -> str:
    out, size = [], 0
    while size < k:
        out.append(r.choice(_NEEDLES))
        size += len(out[-1])
    return "".join(out)


def _long_needles(k: int) -> bytes:
    """One line of k bytes of every needle, in random order, inside a real dump:
    each needle starts a candidate line (a splice's lead) over and over."""
    lines = BIG_DUMP.splitlines()
    return _text([*lines[:40], _needle_line(k, _rng(k)), *lines[40:]])


def _needle_rows(k: int) -> bytes:
    """k / 2 000 lines of 2 000 bytes of needles each, between a real dump's lines."""
    r = _rng(k)
    dump = _dumps(k // 2000 * 8, BIG_DUMP)
    return _text([x for i, line in enumerate(dump) for x in (
        [line, _needle_line(2000, r)] if i % 8 == 0 else [line])])


def _open_goroutines(k: int) -> bytes:
    """k lines of a real SIGQUIT dump's goroutines dealt line by line among 32
    of them at once (no prefix): every goroutine open while the others' lines
    come, as 32 processes dumping at once with no collector in between."""
    lines = BIG_DUMP.splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith("goroutine "))
    blocks: list[list[str]] = [[]]
    for x in lines[start:]:
        if not x:
            blocks.append([])
        else:
            blocks[-1].append(x)
    blocks = [b for b in blocks if b and b[0].startswith("goroutine ")]
    out: list[str] = []
    g = 0
    while len(out) < k:
        group = [[f"goroutine {1000 + g + j} [" + b[0].split(" [", 1)[1], *b[1:]]
                 for j, b in enumerate(blocks[(g + j) % len(blocks)] for j in range(32))]
        g += 32
        for row in itertools.zip_longest(*group):
            out += [x for x in row if x is not None]
    return _text(["panic: boom", "", *out[:k]])


def _many_prefixes(k: int) -> bytes:
    """A real dump's lines behind compose's prefixes of k / 4 services (each
    four lines): far more keys than the separator keeps streams open."""
    return _text([f"svc-{i // 4}  | {line}" for i, line in enumerate(_dumps(k, BIG_DUMP))])


def _many_prefixes_dealt(k: int) -> bytes:
    """As many keys, dealt: the line i is service i % (k / 4)'s."""
    keys = max(1, k // 4)
    return _text([f"svc-{i % keys}  | {line}" for i, line in enumerate(_dumps(k, BIG_DUMP))])


def _created_by_chains_dealt(k: int) -> bytes:
    """Two processes' created-by chains, k goroutines deep between them, their
    lines dealt one by one (no prefix): each goroutine's creator is the one
    before it in its own process (the two processes' ids apart)."""
    a = _created_by_chain(k // 2).decode().splitlines()
    b = _created_by_chain(k // 2, first=10**6).decode().splitlines()
    return _text([x for pair in itertools.zip_longest(a, b) for x in pair if x is not None])


def _cycled(lines: list[str], k: int) -> list[str]:
    return [lines[i % len(lines)] for i in range(k)]


def _huge_token_line(k: int) -> bytes:
    return DUMP.encode() + b"main.f(0x1, " * (k // 12) + b"\n" + DUMP.encode()


CASES: list[Case] = [
    *(_long(name, token) for name, token in LONG_TOKENS.items()),
    *(_lines(name, line) for name, line in LINE_KINDS.items()),
    _lines("shuffled", _shuffled, 1000),  # (the beam saturates: 64 streams open)
    Case("interleaved-dotted-words", 20_000, _dotted_words),
    Case("wrapped-test2json", 3000, _test2json),
    Case("wrapped-docker", 3000, _docker),
    Case("wrapped-docker-split", 3000, _docker_split),
    Case("wrapped-journal", 3000, _journal),
    Case("wrapped-json-msg", 3000, _json_dump_record),
    Case("prefixed-compose", 3000, _compose),
    # (6000: each service holds 750 lines, two dumps, so goroutine ids repeat and the
    # separator runs at both sizes; at 3000 it never ran at n, and x127 measured a
    # threshold, not growth)
    Case("prefixed-compose-dealt", 6000, _compose_dealt),
    Case("prefixed-timestamps", 3000, _timestamps),
    Case("prefixed-shuffled", 1000, _shuffled_prefixed),
    Case("pasted-crlf", 3000, _crlf),
    Case("pasted-hard-wrapped", 3000, _hard_wrapped),
    Case("pasted-lost-tabs", 3000, _lost_tabs),
    Case("pasted-run-on", 3000, _run_on),
    Case("pasted-html", 3000, _html),
    Case("pasted-gutter", 3000, _gutter),
    Case("pasted-quoted-printable", 3000, _quoted_printable),
    Case("pasted-mail-rewrapped", 3000, _mail_rewrapped),
    Case("pasted-xml-element", 3000, _xml_element),
    Case("pasted-padded-rows", 3000, _padded_rows),
    Case("pasted-write-records", 20_000, _write_records),
    Case("pasted-syslog-escapes", 3000, _syslog_escapes),
    Case("prefixed-cri-partial", 3000, _cri_partial),
    Case("prefixed-gitlab-continued", 3000, _gitlab_continued),
    Case("prefixed-mixed-styles", 3000, _mixed_styles),
    # (12 000, as compose-dealt: the separator's beam reads ~540 lines at 6 000 and
    # ~2 500 from 12 000 on, its budget spent (CPU 0.21/0.40/1.9/2.8/4.8 s at 3 000 to
    # 48 000, fuzz23); n = 6 000 measured that step, x4.9-6.6, not growth)
    Case("prefixed-control-bytes", 12_000, _control_prefixes),
    Case("wrapped-docker-split-streams", 3000, _docker_split_streams),
    Case("wrapped-test2json-cut", 3000, _test2json_cut),
    Case("wrapped-journal-line-max", 3000, _journal_line_max),
    Case("long-glued-panics", 20_000, _glued_panics),
    # (4n = 64 000: the release is read within 64 KB of a report's opener)
    Case("long-goroot-elements", 16_000, _goroot_elements),
    Case("lambda-errors", 20_000, _lambda_errors),
    Case("lambda-huge-value", 5_000_000, _lambda_huge_value),  # (4n under the sieve's 32 MB)
    Case("lambda-nested", 20_000, _lambda_nested),
    Case("bytes-binary", 200_000, _binary),
    Case("bytes-invalid-utf8", 3000, _invalid_utf8),
    Case("bytes-nul", 3000, _nuls),
    Case("bytes-truncated-gzip", 3000, _truncated_gzip),
    Case("bytes-huge-line", 25_000_000, _huge_line),  # 4n: a 100 MB line
    Case("bytes-huge-token-line", 200_000, _huge_token_line),
    Case("logfmt-escaped-quotes", 200_000, _logfmt_escaped_quotes),
    Case("logfmt-many-keys", 200_000, _logfmt_many_keys),
    Case("logfmt-long-word", 200_000, _logfmt_long_word),
    Case("chain-created-by", 3000, _created_by_chain),
    Case("chain-ancestors", 3000, _ancestors_chain),
    Case("chain-huge-ids", 3000, _huge_ids_chain),
    Case("interleaved-decoys-blankless", 1000, _decoys_before_blankless_dump),
    Case("wrapped-logger-records", 400_000, _logger_records),
    Case("pasted-quoted-replies", 3000, _quoted_replies),
    Case("pasted-k9s-pane", 3000, _k9s_pane),
    Case("wrapped-test2json-bytes", 20_000, _test2json_bytes),
    # (fuzz24) needles everywhere, many goroutines or keys open, chains dealt
    Case("long-needles", 50_000, _long_needles),
    Case("lines-needle-rows", 200_000, _needle_rows),
    Case("interleaved-open-goroutines", 3000, _open_goroutines),
    Case("prefixed-many-keys", 3000, _many_prefixes),
    Case("prefixed-many-keys-dealt", 3000, _many_prefixes_dealt),
    Case("interleaved-created-by-chains", 600, _created_by_chains_dealt),
]


@dataclass(frozen=True)
class Run:
    size: int       # bytes
    cpu: float      # seconds, None-like -1 on timeout
    memory: float   # peak RSS growth over the child's start, MB


def _measure(data: bytes, timeout: float) -> Run:
    """Analyse `data` from a file in a forked child: its CPU time and peak memory."""
    with tempfile.NamedTemporaryFile(prefix="linear_adv_", suffix=".log", delete=False) as f:
        f.write(data)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, report on the pipe, leave without cleanup
        os.close(read)
        # CPU seconds, as --timeout says: on a loaded machine a wall-clock alarm
        # cut runs of a third of it (the kernel's SIGXCPU ends the child: TIMEOUT)
        limit = int(timeout) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 1))
        signal.alarm(20 * limit)  # (and a run that hangs without using the CPU)
        # the parent's freed heap (inputs built and dropped before the fork) is
        # resident here too: a run that reuses it grows less than its work needs,
        # so the n run's growth depended on what the parent did before it
        release_free_pages()
        start_rss = _rss_mb()
        t = time.process_time()
        with contextlib.suppress(InputError):  # refused (binary data): quickly is all we ask
            analyze_many([f.name])
        cpu = time.process_time() - t
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        os.write(write, f"{cpu} {max(0.0, peak - start_rss)}".encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        answer = pipe.read()
    os.waitpid(pid, 0)
    os.unlink(f.name)
    if not answer:
        return Run(len(data), -1.0, 0.0)
    cpu, memory = map(float, answer.split())
    return Run(len(data), cpu, memory)


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1 << 20)


def _growth(small: Run, large: Run) -> float:
    return large.cpu / max(small.cpu, 1e-3)


def _grows(small: Run, large: Run) -> bool:
    # (a run under 0.2 s is mostly the fixed cost of an analysis: its growth says nothing)
    return large.cpu > 0.2 and _growth(small, large) > FLAG_GROWTH


def _least(runs: list[Run]) -> Run:
    """The run of least CPU time of several of one input, with their peak memory's least."""
    return Run(runs[0].size, min(r.cpu for r in runs), min(r.memory for r in runs))


def _confirmed(case: Case, n: int, small: Run, large: Run, timeout: float
               ) -> tuple[Run, Run, str, bool]:
    """Time growth measured again (CONFIRM_RUNS more runs of n, 2n and 4n, the least
    of each kept): whether it holds, n to 4n and 2n to 4n, and what the row says."""
    smalls, middles, larges = [small], [], [large]
    for _ in range(CONFIRM_RUNS):
        smalls.append(_measure(case.build(n), timeout))
        middles.append(_measure(case.build(2 * n), timeout))
        larges.append(_measure(case.build(4 * n), timeout))
    if any(r.cpu < 0 for r in smalls + middles + larges):
        return small, large, "  (again: TIMEOUT)", True
    small, middle, large = _least(smalls), _least(middles), _least(larges)
    upper = _growth(middle, large)
    holds = _grows(small, large) and upper > FLAG_GROWTH ** 0.5
    return small, large, (f"  (min of {CONFIRM_RUNS + 1}: x{_growth(small, large):.1f}; "
                          f"2n->4n x{upper:.1f})"), holds


def _row(case: Case, small: Run, large: Run, n: int = 0, timeout: float = 0.0
         ) -> tuple[str, bool]:
    """The case's line, and whether it is flagged (time growth confirmed when `n`)."""
    if small.cpu < 0 or large.cpu < 0:
        return f"{case.name:26s} {small.size / MB:8.3f} MB  TIMEOUT  !!", True
    grows, said = _grows(small, large), ""
    if grows and n:
        small, large, said, grows = _confirmed(case, n, small, large, timeout)
    growth = _growth(small, large)
    mbps = large.size / MB / max(large.cpu, 1e-6)
    mem_growth = large.memory / max(small.memory, 1.0)
    # (memory flags when it grows fast AND is many times the input: a read of 32 MiB
    # or more takes another path, 2 -> 3 bytes of memory a byte)
    slow = grows or (large.cpu > 0.2 and mbps < FLAG_MBPS)
    bloated = (mem_growth > FLAG_GROWTH and large.memory > FLAG_MEMORY_MB
               and large.memory > FLAG_BYTES_PER_BYTE * large.size / (1 << 20))
    flagged = slow or bloated
    return (f"{case.name:26s} {small.size / MB:8.3f} {large.size / MB:8.3f} MB "
            f"{small.cpu:7.3f} {large.cpu:7.3f} s  x{growth:5.1f}  {mbps:8.2f} MB/s  "
            f"mem {small.memory:6.1f} {large.memory:6.1f} MB x{mem_growth:4.1f}"
            + said + ("  !!" if flagged else "")), flagged


def _profile(case: Case, n: int) -> None:
    import cProfile
    import pstats

    data = case.build(n)
    print(f"== {case.name} at {len(data) / MB:.3f} MB", flush=True)
    profile = cProfile.Profile()
    profile.runcall(analyze_many, [data])
    pstats.Stats(profile).sort_stats("tottime").print_stats(25)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every n")
    ap.add_argument("--only", default="", help="comma-separated case names or name prefixes")
    ap.add_argument("--timeout", type=float, default=60.0, help="CPU seconds a run may take")
    ap.add_argument("--list", action="store_true", help="list the cases and stop")
    ap.add_argument("--profile", action="store_true",
                    help="cProfile each chosen case at 4n instead (top 25 functions by own time)")
    args = ap.parse_args()
    wanted = [w for w in args.only.split(",") if w]
    cases = [c for c in CASES
             if not wanted or any(c.name == w or c.name.startswith(w) for w in wanted)]
    if args.list:
        print("\n".join(c.name for c in cases))
        return 0
    if args.profile:
        for case in cases:
            _profile(case, 4 * max(1, int(case.n * args.scale)))
        return 0
    print(f"{'case':26s} {'n':>8s} {'4n':>8s}    {'cpu n':>7s} {'cpu 4n':>7s}   growth  "
          f"{'speed (4n)':>13s}  peak memory growth", flush=True)
    flagged = []
    started = time.time()
    analyze_many([DUMP.encode()])  # grammars compiled, caches filled once, before the forks
    for case in cases:
        n = max(1, int(case.n * args.scale))
        small = _measure(case.build(n), args.timeout)
        large = _measure(case.build(4 * n), args.timeout) if small.cpu >= 0 else Run(0, -1.0, 0.0)
        row, bad = _row(case, small, large, n, args.timeout)
        print(row, flush=True)
        if bad:
            flagged.append(case.name)
    print(f"\n{len(cases)} inputs in {time.time() - started:.0f} s; "
          f"flagged: {', '.join(flagged) or 'none'}")
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
