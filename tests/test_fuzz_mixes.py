"""Fuzzing the mixes the other campaigns do not make (fuzz24): several real
processes in one log, each behind a prefix style of its own, and the containers
a collector or logger cuts a line into, cut where they are weakest.

* styled: 2 to 5 real samples, each behind its own collector's prefix (one
  prefix a process, or its key changing line to line), their lines dealt in
  an order that keeps each process's, or merged by writes that land inside
  another process's prefix (a write-level cut between `svc-1  ` and `| `);
* cri: CRI log files' `P` records (containerd's partial lines) cut inside a
  UTF-8 character, the panic's value holding text of 2, 3 and 4 bytes a
  character (a real paste's CJK and Cyrillic, attacker text);
* test2json: a real `go test -json` log's output re-cut into events of any
  size (a traceback line split across events, as test2json does past its
  buffer), records of another package between, and lines that are no JSON
  (a record cut short, a bad escape, an `Output` that is no string);
* escaped: a real dump logged in one record (logrus's `msg="Recovered from
  panic: …\\ngoroutine 1 …"`, a JSON logger's `"msg":"…"`, as the real pastes
  argo#1253 and traefik#6297 show it) cut short, mostly inside an escape;
* pasted: a real dump with attacker text in its panic's value and its file
  paths (workflow commands, `</testcase>`, `<script>`, `](javascript:`),
  then drawn in a k9s pane or behind a GitHub Actions log view's gutter.

Whatever the input, the promises: no exception of ours, every input line in
exactly one stream or the noise (test_conservation), each output inert for its
system; and the CLI's `split -o DIR` writes the same: its streams' files, its
noise and its prefixes hold every character of the input's lines once
(checked where no repair rewrites text), with exit 0 or 2, never 3.

And two invariances, of real captures: a go test -json log whose output
events are cut again anywhere, and a CRI log whose lines are cut into `P`
records (at ASCII), read as the log uncut.

`python tests/fuzz_modules.py SEED SECONDS OUT mixes` runs this family longer.
"""

from __future__ import annotations

import itertools
import json
import random
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from stackdemux.api import analyze
from stackdemux.cli import main
from stackdemux.demux import demultiplex_detail
from stackdemux.ingest import InputError, ingest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_conservation import JSON_LAYERS
from test_fuzz import (
    PREFIXES,
    keeps_the_promises,
    outputs_are_valid_for_their_systems,
    seeded,
)
from test_fuzz_logfmt import go_quote
from test_fuzz_panes_loggers import paned

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT / "samples" / "wild"

POOL = [f.read_bytes() for f in sorted(ROOT.glob("samples/go1.*/*.txt"))
        if f.stat().st_size < 12_000]
# real pastes whose text is not ASCII (a journal's CJK month, Windows' middle dot)
UNICODE = [(WILD / n).read_bytes() for n in (
    "kubeadm1486_journald_cjk_month_kubelet_callers_go112.txt",
    "go10300_windows_exception_cp1251_middle_dot.txt")]
TEST2JSON = [(ROOT / "tests" / "data" / "wrapped" / n).read_bytes() for n in (
    "test2json-go1.27.3.jsonl", "test2json-go1.21.13.jsonl")]
# a panic's value of 1- to 4-byte characters (Cyrillic, CJK, an emoji)
WIDE_TEXT = ["значение", "世界の終わり", "🙂🔥", "é", "\u00a0", "ü" * 40]


def _lines(d: bytes) -> list[bytes]:
    ls = d.split(b"\n")
    return ls[:-1] if ls and ls[-1] == b"" else ls


def _deal(r: random.Random, processes: list[list[bytes]]) -> list[bytes]:
    """The processes' lines in one order that keeps each process's (runs of a
    few lines each: a pipe's reader takes what is there)."""
    queues = [list(p) for p in processes if p]
    out: list[bytes] = []
    while queues:
        q = r.choice(queues)
        for _ in range(min(len(q), r.choice([1, 1, 2, 5]))):
            out.append(q.pop(0))
        queues = [q for q in queues if q]
    return out


# ---------------------------------------------------------------- styled ---


def styled(r: random.Random, pool: list[bytes]) -> bytes:
    """2 to 5 real samples, each behind a collector's prefix of its own style,
    dealt line by line, or merged by writes cut inside the prefixes."""
    picks = [r.choice(pool) for _ in range(r.randint(2, 5))]
    styles = r.sample(PREFIXES, len(picks))
    processes: list[list[tuple[bytes, bytes]]] = []
    for d, style in zip(picks, styles, strict=True):
        fixed = style(r).encode() if r.random() < 0.7 else None
        processes.append([(fixed if fixed is not None else style(r).encode(), x)
                          for x in _lines(d)])
    if r.random() < 0.5:
        return b"\n".join(p + x for p, x in _deal(r, processes)) + b"\n"  # type: ignore[arg-type]
    return _written_into_prefixes(r, processes)


def _written_into_prefixes(r: random.Random, processes: list[list[tuple[bytes, bytes]]]
                           ) -> bytes:
    """Each process's prefixed lines as one stream of bytes, the streams merged
    by writes that end mostly inside a prefix: another process's write lands
    between `svc-1 ` and ` | `, between a time's seconds and its `Z`."""
    streams: list[tuple[bytes, list[int]]] = []
    for lines in processes:
        data, cuts, at = b"", [], 0
        for p, x in lines:
            if len(p) > 1:
                cuts.append(at + r.randrange(1, len(p)))
            data += p + x + b"\n"
            at = len(data)
        streams.append((data, cuts))
    pos = [0] * len(streams)
    out = []
    while any(pos[i] < len(s) for i, (s, _) in enumerate(streams)):
        i = r.choice([i for i, (s, _) in enumerate(streams) if pos[i] < len(s)])
        s, cuts = streams[i]
        ahead = [c for c in cuts if c > pos[i]]
        end = r.choice(ahead[:3]) if ahead and r.random() < 0.8 else len(s)
        if end == len(s) and r.random() < 0.5:
            end = min(len(s), pos[i] + r.randint(1, 200))
        out.append(s[pos[i]:end])
        pos[i] = end
    return b"".join(out)


# ------------------------------------------------------------------- cri ---


def _wide_panic(r: random.Random, d: bytes) -> bytes:
    """Text of many bytes a character put in the panic's value (or any line)."""
    ls = _lines(d)
    at = [i for i, x in enumerate(ls) if x.startswith(b"panic: ")] or [r.randrange(len(ls) or 1)]
    i = r.choice(at)
    if ls:
        k = r.randrange(len(ls[i]) + 1)
        ls[i] = ls[i][:k] + "".join(r.sample(WIDE_TEXT, 3)).encode() + ls[i][k:]
    return b"\n".join(ls) + b"\n"


def cri(r: random.Random, pool: list[bytes]) -> bytes:
    """A CRI log file (containerd): `TIME STREAM P|F text`, a long line cut into
    `P` records and ended by an `F`; here cut mostly inside a character of more
    than one byte. One or two containers' files, or stdout and stderr."""
    d = r.choice(UNICODE) if r.random() < 0.3 else _wide_panic(r, r.choice(pool))
    out = []
    for x in _lines(d):
        inside = [k for k in range(1, len(x)) if 0x80 <= x[k] < 0xC0]  # a continuation byte
        cuts = sorted(set(r.sample(inside, min(len(inside), r.randint(1, 4)))
                          + ([r.randrange(1, len(x))] if len(x) > 1 and r.random() < 0.3
                             else [])))
        bounds = [0, *cuts, len(x)]
        stream = r.choice([b"stderr", b"stdout"]) if r.random() < 0.1 else b"stderr"
        for a, b in itertools.pairwise(bounds):
            out.append(b"2026-11-26T09:13:10.%09dZ %s %s %s" % (
                r.randrange(10**9), stream, b"F" if b == len(x) else b"P", x[a:b]))
    if r.random() < 0.3:  # a record cut short by the copy, and the file goes on
        i = r.randrange(len(out))
        out[i] = out[i][:r.randrange(len(out[i]) + 1)]
    return b"\n".join(out) + b"\n"


# ------------------------------------------------------------- test2json ---

# lines a -json log holds that are no record, or records no reader expects
BROKEN_RECORDS = [
    b'{"Action":"output","Package":"p","Test":"T","Output":"goroutine 1 [run',
    b'{"Action":"output","Output":"\\x41\\n"}',
    b'{"Action":"output","Output":"\\ud800\\n"}',
    b'{"Action":"output","Package":"p","Output":17}',
    b'{"Action":"output","Package":"p","Output":null}',
    b'{"Action":"output","Package":"p","Output":["panic: x\\n"]}',
    b'{"Action":"output","Package":"p","Test":"T","Output":"\\u00',
    b'["Action","output"]', b"null", b'"panic: boom\\n"', b"{", b"}", b"{}",
    b"go: downloading example.com/x v1.0.0",
]


def json_events(r: random.Random, pool: list[bytes]) -> bytes:
    """A real `go test -json` log whose output events are cut again at any
    byte (a traceback's line split across events), records of another test or
    package between, and lines that are no record or not one a reader knows."""
    records = [json.loads(x) for x in _lines(r.choice(TEST2JSON))]
    if r.random() < 0.5:  # another real traceback, printed by a test that crashed
        extra = r.choice(pool).decode("utf-8", "replace")
        records += [{"Action": "output", "Package": "example.com/other", "Test": "TestOther",
                     "Output": x + "\n"} for x in extra.split("\n")]
    out = []
    for rec in records:
        text = rec.get("Output")
        if rec.get("Action") != "output" or not isinstance(text, str) or len(text) < 2 \
                or r.random() < 0.4:
            out.append(rec)
            continue
        k = sorted(r.sample(range(1, len(text)), min(len(text) - 1, r.randint(1, 3))))
        for a, b in zip([0, *k], [*k, len(text)], strict=True):
            out.append({**rec, "Output": text[a:b]})
    lines = [json.dumps(rec).encode() for rec in out]
    # another package's events between (go test -json -p N), in their own order
    lines = _deal(r, [lines, lines[: r.randrange(len(lines))][::7]]) if r.random() < 0.3 \
        else lines
    for _ in range(r.randint(0, 6)):
        lines.insert(r.randrange(len(lines) + 1), r.choice(BROKEN_RECORDS))
    return b"\n".join(lines) + b"\n"


# --------------------------------------------------------------- escaped ---


def escaped(r: random.Random, pool: list[bytes]) -> bytes:
    """A real dump logged in one record, its lines joined by escaped line
    breaks (logrus's text formatter quotes as %q; a JSON logger escapes as
    JSON), cut short inside the record, mostly inside an escape; the log goes
    on with the logger's next record."""
    d = r.choice(pool)
    text = d.decode("utf-8", "replace").rstrip("\n")
    if r.random() < 0.5:
        record = ('time="2019-03-11T09:02:17Z" level=error msg='
                  + go_quote(("Recovered from panic: " + text).encode()))
        if r.random() < 0.3:
            record = "traefik_1  | " + record  # behind compose's prefix (traefik#6297)
    else:
        record = json.dumps({"level": "error", "ts": 1552294937.123,
                             "msg": "Recovered from panic", "stack": text},
                            ensure_ascii=r.random() < 0.5)
    escapes = [i for i, ch in enumerate(record) if ch == "\\"]
    if escapes and r.random() < 0.8:
        i = r.choice(escapes)
        cut = i + r.randint(1, 5)  # after the backslash, inside `\u00`, `\x4`, ...
    else:
        cut = r.randrange(len(record) + 1)
    nxt = 'time="2019-03-11T09:02:18Z" level=info msg="Marking workflow completed"'
    before = r.choice(["", 'time="2019-03-11T09:02:17Z" level=info msg="Processing"\n'])
    return (before + record[:cut] + "\n" + nxt + "\n").encode("utf-8", "surrogatepass")


# ---------------------------------------------------------------- pasted ---

ATTACKS = ["::error::pwned", "::add-mask::x", "</testcase><testcase name=\"x\">",
           "<script>alert(1)</script>", "](javascript:alert(1))", "[x](javascript:alert(1))",
           "%0A::error::", "##[error]x", "]]>", "<!--", "\x1b]8;;https://evil.example\x1b\\"]


def attacked(r: random.Random, d: bytes) -> bytes:
    """Attacker text in the panic's value and in file paths (a directory of a
    module's path, a file's name): the places the reports show and link."""
    ls = _lines(d)
    for i, x in enumerate(ls):
        if x.startswith(b"panic: ") and r.random() < 0.8:
            ls[i] = b"panic: " + r.choice(ATTACKS).encode() + x[7:]
        elif x.startswith(b"\t/") and b".go:" in x and r.random() < 0.3:
            k = x.rfind(b"/", 0, x.find(b".go:"))
            ls[i] = x[:k + 1] + r.choice(ATTACKS).replace("\n", " ").encode() + x[k + 1:]
    return b"\n".join(ls) + b"\n"


def gutter(r: random.Random, d: bytes) -> bytes:
    """A GitHub Actions log view copied: each line after its number (right
    aligned) and the runner's time (matrixone#18007, milvus's real pastes)."""
    first = r.randint(1, 700_000)
    width = len(str(first + d.count(b"\n")))
    stamp = r.random() < 0.7
    return b"".join(
        b" %*d %s%s\n" % (width, first + i,
                          b"2024-08-09T01:45:13.%07dZ " % (2083163 + i * 421) if stamp else b"", x)
        for i, x in enumerate(_lines(d)))


def pasted(r: random.Random, pool: list[bytes]) -> bytes:
    d = attacked(r, r.choice(pool))
    if r.random() < 0.5:
        return paned(r, d, hostile=r.random() < 0.5)
    return gutter(r, d)


KINDS = {"styled": styled, "cri": cri, "test2json": json_events, "escaped": escaped,
         "pasted": pasted}


def mixed(r: random.Random, pool: list[bytes] = POOL) -> tuple[str, bytes]:
    kind = r.choice(sorted(KINDS))
    return kind, KINDS[kind](r, pool)


# ------------------------------------------------------------ found defects ---


def test_a_culprit_whose_line_number_a_pane_cut_is_pointed_at_by_its_file_in_sarif():
    # (found by this campaign, 6e10096af1: a real chain of panics in a k9s pane
    # whose rows end right after a frame's line number, which may go on past
    # the border, so it is read as unknown): the SARIF result's location named
    # the file with no region, and code scanning takes no location without a
    # line; now its first line, as the code quality issue points
    from test_render_sarif_github import github_problems

    from stackdemux.render import RenderOptions, render

    d = (ROOT / "samples" / "go1.27" / "panic_chain3.txt").read_bytes()
    analysis = analyze(paned(random.Random(0), d, width=20, hostile=False, cut=False))
    sarif = json.loads(render(analysis, "sarif", RenderOptions(repo_root="/app")))
    located = [r["locations"][0]["physicalLocation"] for r in sarif["runs"][0]["results"]]
    assert {"artifactLocation": {"uri": "main.go", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 1}} in located
    assert github_problems(sarif) == []


def test_a_logged_dump_cut_inside_its_record_reads_the_same_when_the_next_record_follows():
    # (found by this campaign's `escaped` kind: traefik-kop#15's logrus record of a
    # whole dump, cut inside an escape, then the logger's next record, argo#1253's
    # `Marking workflow completed`): the record was taken for one a viewer wrapped,
    # to be joined with the lines after it, but its next line is a record of its
    # own: nothing was read (no crash found), or, cut earlier, a goroutine dump
    # with no panic. Cut so, it reads as where the log ends after it
    lines = (WILD / "traefikkop15_logrus_stack_label_escaped_dump_template_nil.txt"
             ).read_text().split("\n")
    record = lines[1] + lines[2]  # (the paste wrapped it at 1 000 columns)
    after = (WILD / "argo1253_logrus_escaped_dump_wrapped_at_1000_columns_go110.txt"
             ).read_text().split("\n")[1]
    escapes = [i for i, ch in enumerate(record) if ch == "\\"]
    for cut in [escapes[k] + d for k in (5, 20, -3) for d in (0, 1, 2)] + [len(record) - 1]:
        alone = reading((record[:cut] + "\n").encode())
        assert alone and alone[0][3], cut
        assert reading((record[:cut] + "\n" + after + "\n").encode()) == alone, cut


# ------------------------------------------------------------ invariances ---


def reading(data: bytes) -> list:
    return [(r.kind, r.message, r.complete, [(g.id, [(f.func, f.file, f.line) for f in g.frames])
                                             for g in r.goroutines])
            for r in analyze(data).reports]


def recut_events(r: random.Random, data: bytes) -> bytes:
    """A go test -json log's output events each cut in up to four at any character."""
    out = []
    for rec in map(json.loads, _lines(data)):
        text = rec.get("Output")
        if rec.get("Action") != "output" or not isinstance(text, str) or len(text) < 2:
            out.append(rec)
            continue
        k = sorted(r.sample(range(1, len(text)), min(len(text) - 1, r.randint(1, 3))))
        out += [{**rec, "Output": text[a:b]} for a, b in itertools.pairwise([0, *k, len(text)])]
    return b"\n".join(json.dumps(rec).encode() for rec in out) + b"\n"


def cri_records(r: random.Random, d: bytes, cut: bool) -> bytes:
    """A process's lines in a CRI log file, some cut into `P` records (at ASCII)."""
    out = []
    for x in _lines(d):
        k = sorted(r.sample(range(1, len(x)), min(len(x) - 1, r.randint(1, 3)))) \
            if cut and len(x) > 1 and x.isascii() and r.random() < 0.5 else []
        for a, b in itertools.pairwise([0, *k, len(x)]):
            out.append(b"2026-11-26T09:13:10.%09dZ stderr %s %s" % (
                r.randrange(10**9), b"F" if b == len(x) else b"P", x[a:b]))
    return b"\n".join(out) + b"\n"


@pytest.mark.parametrize("log", TEST2JSON, ids=["go1.27.3", "go1.21.13"])
def test_a_go_test_json_log_whose_output_events_are_cut_anywhere_reads_as_itself(log: bytes):
    # (test2json passes on what a test wrote as it came: a line over several events)
    want = reading(log)
    assert want
    for seed in range(3):
        assert reading(recut_events(random.Random(seed), log)) == want, seed


def test_a_cri_log_whose_lines_are_cut_into_partial_records_reads_as_its_whole_lines():
    for i, d in enumerate(POOL[::25]):
        whole = reading(cri_records(random.Random(i), d, cut=False))
        assert reading(cri_records(random.Random(i), d, cut=True)) == whole, i


# -------------------------------------------------------------- promises ---


def split_keeps_every_character(data: bytes, tmp: Path) -> None:
    """`stackdemux split LOG -o DIR`: exit 0 or 2 (one line), never 3; then its
    files: noise.txt the noise's input lines verbatim, prefixes.txt each
    prefix the start of its line, and where the reading rewrote no text (no
    record's text decoded, no paste repaired), the streams' files, the noise
    and the prefixes hold every character of the input's lines once."""
    import shutil

    log = tmp / "mixed.log"
    log.write_bytes(data)
    out = tmp / "split"
    shutil.rmtree(out, ignore_errors=True)
    got = CliRunner().invoke(main, ["split", str(log), "-o", str(out)])
    assert got.exit_code in (0, 2), (got.exit_code, got.output[-300:], got.exception)
    if got.exit_code == 2:
        assert got.output.count("\n") <= 2 and "Traceback" not in got.output, got.output
        return
    lines = ingest(data).lines
    # (as bytes: read_text would take a CR in a line for a line's end)
    files = {p.name: p.read_bytes().decode("utf-8", "surrogatepass") for p in out.iterdir()}
    noise = files.pop("noise.txt")
    prefixes = files.pop("prefixes.txt", "")
    assert all(n.endswith(".log") for n in files), sorted(files)
    held = set(lines)
    assert all(x in held for x in noise.split("\n")[:-1]), "noise is input lines verbatim"
    stripped = Counter()
    for row in prefixes.split("\n")[:-1]:
        number, prefix = row.split("\t", 1)
        assert lines[int(number) - 1].startswith(prefix), (number, prefix)
        stripped.update(prefix)
    layers = demultiplex_detail(ingest(data)).layers
    if "paste" in layers or any(x in JSON_LAYERS for x in layers):
        return  # (a paste's repair, a record's decoding, rewrite text: test_conservation's)
    want = Counter("".join(lines))
    have = Counter("".join(files.values())) + Counter(noise) + stripped
    del have["\n"]
    assert have == want, (want - have, have - want)


def keeps_every_promise(data: bytes) -> None:
    analysis = keeps_the_promises(data)
    if analysis is not None:
        outputs_are_valid_for_their_systems(analysis)


@seeded(POOL, 6)
def test_mixes_of_real_processes_and_their_containers_keep_every_promise(
        tmp_path: Path, index: int, seed: int):
    r = random.Random(seed)
    _, data = mixed(r, POOL[index:] + POOL[:index])
    keeps_every_promise(data)
    split_keeps_every_character(data, tmp_path)


def test_each_kind_of_mix_is_read_and_split_keeping_every_promise(tmp_path: Path):
    r = random.Random(24)
    for kind in sorted(KINDS):
        for _ in range(2):
            data = KINDS[kind](r, POOL)
            try:
                ingest(data)
            except InputError as e:
                raise AssertionError(f"{kind}: a real log's mix refused: {e}") from e
            keeps_every_promise(data)
            split_keeps_every_character(data, tmp_path)
