"""Logs whose every line is a JSON record carrying the program's output in a field.

- `go test -json` (test2json): `Package` names the stream (the package's test
  binary, one process: its events' texts in order are its -v output; read per
  `Test`, a failure was cut from its package's FAIL lines and from the subtests
  that failed with it), `Output` is the text. test2json cuts long lines into
  several events: texts are joined per stream until their `\\n`.
- docker's json-file driver: `{"log": "…\\n", "stream": "stderr", "time": "…"}`,
  lines longer than 16 KiB split over several records (only the last ends in `\\n`).
- the systemd journal as `journalctl -o json` prints it: one record per line of
  output, `MESSAGE` its text (an array of bytes when it is not UTF-8), keyed
  like a syslog prefix by `_HOSTNAME SYSLOG_IDENTIFIER[_PID]`; a line longer
  than journald's LineMax goes on in the next record (`_LINE_BREAK=line-max`).
- JSON-lines loggers that carry output in `msg` / `message` / `log` / `output`:
  a whole dump escaped into one record comes back as its lines, and so does a
  stack logged in a field of its own (`stack`, `stacktrace`, `error`), after them.
- an Elasticsearch (OpenSearch) search response, as `curl …/_search` prints it
  on one line: `{"took":…,"hits":{…,"hits":[{"_index":…,"_source":{…}},…]}}`,
  each hit's `_source` a record of the collector's (fluentd's `message`), in
  the order the response lists them.

Each recovered text line records the input line of the record it started in;
texts joined from several records list those records in `pieces` (whole input
lines: a record's text is decoded from it, not a column range of it).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import orjson

from ..model import Report, Stream

# Records looked at to decide whether a log is wrapped, and the share that must be JSON
# (a service logging JSON still writes its crash raw to stderr: those lines are kept).
SNIFF_RECORDS = 20
SNIFF_SHARE = 0.5
SNIFF_MIN = 2
# ... and the share of those records that must be of one kind: most, not all (another
# tool's JSON object among `go test -json`'s events is one record without output).
SNIFF_KIND_SHARE = 0.8

TEXT_FIELDS = ("msg", "message", "log", "output", "Output", "MESSAGE")


@dataclass(slots=True)
class Unwrapped:
    """Streams recovered from a wrapped log, and the lines that carried no output."""

    format: str  # "test2json" | "docker-json" | "journald-json" | "json-lines"
    streams: list[Stream]
    records_without_text: list[int] = field(default_factory=list)  # input line numbers
    # journal records whose MESSAGE journalctl printed as null (a field over
    # 4096 bytes, unless --all): text the log no longer holds
    omitted: list[int] = field(default_factory=list)
    not_json: list[int] = field(default_factory=list)  # lines between records (kept as a stream)


def _record(line: str) -> dict | None:
    s = line.strip()
    if not (s.startswith("{") and s.endswith("}")):
        return None
    try:
        obj = orjson.loads(s)
    except orjson.JSONDecodeError:
        return None
    return obj if isinstance(obj, dict) else None


def _records(line: str) -> list[dict] | None:
    """The records a line holds: its JSON object, or a search response's hits."""
    rec = _record(line)
    if rec is None:
        return None
    hits = _search_hits(rec)
    return [rec] if hits is None else hits


def _search_hits(rec: dict) -> list[dict] | None:
    """The documents of an Elasticsearch search response's hits (`hits.hits[]._source`,
    the shape of its `_search` API), or None when `rec` is no such response."""
    outer = rec.get("hits")
    inner = outer.get("hits") if isinstance(outer, dict) else None
    if not isinstance(inner, list) or not inner:
        return None
    docs = [h.get("_source") if isinstance(h, dict) else None for h in inner]
    return docs if all(isinstance(d, dict) for d in docs) else None


def sniff(lines: Sequence[str]) -> str | None:
    """The wrapper format of a log, from its first non-empty lines, or None."""
    records = []
    seen = 0
    for line in lines:
        if not line.strip():
            continue
        seen += 1
        recs = _records(line)
        if recs is not None:
            records.extend(recs[:SNIFF_RECORDS])
        if seen >= SNIFF_RECORDS:
            break
    if len(records) < SNIFF_MIN or len(records) < SNIFF_SHARE * seen:
        return None
    def most(of_kind: Callable[[dict], bool]) -> bool:
        return sum(1 for r in records if of_kind(r)) >= SNIFF_KIND_SHARE * len(records)

    if most(lambda r: "Action" in r):
        return "test2json"
    if most(lambda r: isinstance(r.get("log"), str) and "stream" in r):
        return "docker-json"
    if most(lambda r: "MESSAGE" in r and "__REALTIME_TIMESTAMP" in r):
        return "journald-json"
    if most(lambda r: any(isinstance(r.get(f), str) for f in TEXT_FIELDS)):
        return "json-lines"
    return None


def _key_and_text(fmt: str, rec: dict) -> tuple[str | None, str | None]:
    if fmt == "test2json":
        text = rec.get("Output")
        if not isinstance(text, str):
            return None, None
        # Go 1.24+ reports build output as events with an ImportPath.
        pkg = rec.get("Package") or rec.get("ImportPath")
        key = str(pkg) if pkg else None
        return key, text
    if fmt == "docker-json":
        text = rec.get("log")
        return (str(rec.get("stream")) if rec.get("stream") else None), (
            text if isinstance(text, str) else None)
    if fmt == "journald-json":
        return _journal_key(rec), _journal_text(rec)
    field = next((f for f in TEXT_FIELDS if isinstance(rec.get(f), str)), None)
    text = rec[field] if field is not None else None
    # A stack a logger put beside the message (`"stack": string(debug.Stack())`,
    # zerolog's and slog's `stack`, a recovered panic's `error`): its lines follow
    # the message's, in the record's order.
    stacks = [v for k, v in rec.items() if k != field and isinstance(v, str) and _holds_stack(v)]
    if stacks:
        text = "\n".join(t.rstrip("\n") for t in ([text] if text is not None else []) + stacks)
    if text is None:
        return None, None
    # Loggers append no newline: one record is one or more whole lines.
    return None, text if text.endswith("\n") else text + "\n"


def _holds_stack(value: str) -> bool:
    """A field's text of several lines, one of them a frame's file line."""
    return "\n\t" in value and ".go:" in value


def _journal_key(rec: dict) -> str | None:
    """`host prog[pid]`, as journalctl's short formats print it before a line."""
    prog = rec.get("SYSLOG_IDENTIFIER") or rec.get("_COMM")
    pid = rec.get("_PID")
    head = " ".join(str(x) for x in (rec.get("_HOSTNAME"), prog) if x)
    return (f"{head}[{pid}]" if pid else head) or None


def _journal_text(rec: dict) -> str | None:
    message = rec.get("MESSAGE")
    if isinstance(message, list):  # not UTF-8: journald gives its bytes
        try:
            message = bytes(message).decode("utf-8", "replace")
        except (TypeError, ValueError):
            return None
    if not isinstance(message, str):
        return None
    # A line too long for one record goes on in the next one of its stream.
    return message if rec.get("_LINE_BREAK") == "line-max" else message + "\n"


def joined(parts: list[str]) -> str:
    """One text from the parts records carried of it."""
    return "".join(parts)


class _Builder:
    """Texts per key, joined until `\\n`, with the input lines they came from."""

    def __init__(self) -> None:
        self.order: dict[str | None, int] = {}
        self.numbers: list[array] = []
        self.texts: list[list[str]] = []
        self.pieces: list[dict[int, list[tuple[int, int, int]]]] = []
        self.open: dict[int, bool] = {}  # stream → its last text awaits its newline
        self.widths: dict[int, int] = {}  # input line → its length, for pieces of joined texts
        # stream → the parts of its open last text, joined once it ends: adding each
        # record's part to the text itself copied it whole every time (a 16 KiB docker
        # record after another: quadratic in the line's length)
        self.tails: dict[int, list[str]] = {}
        # stream → the texts its records typed as errors (test2json's OutputType), or
        # absent while none of its records was typed at all
        self.errors: dict[int, set[int]] = {}
        # stream → where the test its texts are output of changes (Stream.test_runs)
        self.test_runs: dict[int, list[tuple[int, str | None]]] = {}

    def stream(self, key: str | None) -> int:
        s = self.order.get(key)
        if s is None:
            s = self.order[key] = len(self.order)
            self.numbers.append(array("I"))
            self.texts.append([])
            self.pieces.append({})
        return s

    def add(self, key: str | None, text: str, number: int, width: int,
            typed: str | None = None, test: str | bool | None = False) -> None:
        """Add a record's text to its stream; `typed`: test2json's OutputType of it,
        `test` its Test (None: the package's own; False: the log names none)."""
        s = self.stream(key)
        if test is not False:
            runs = self.test_runs.setdefault(s, [])
            at = len(self.texts[s])  # the first text it begins (one it goes on with: not)
            if runs and runs[-1][0] == at:
                runs[-1] = (at, test)  # (the record before began none)
            elif not runs or runs[-1][1] != test:
                runs.append((at, test))
        if typed is not None:
            errors = self.errors.setdefault(s, set())
            if typed in ("error", "error-continue"):
                # each text it begins (a text an earlier record began keeps that one's type)
                begun = len(self.texts[s])
                parts = text.count("\n") + (not text.endswith("\n"))
                goes_on = bool(self.open.get(s) and self.texts[s])
                errors.update(range(begun, begun + parts - goes_on))
        self.widths[number] = width
        texts = self.texts[s]
        parts = text.split("\n")
        ends_line = parts[-1] == ""
        if ends_line:
            parts.pop()
        for j, part in enumerate(parts):
            if j == 0 and self.open.get(s) and texts:
                i = len(texts) - 1
                self.tails.setdefault(s, [texts[i]]).append(part)
                first = self.numbers[s][i]
                got = self.pieces[s].setdefault(i, [(first, 0, self.widths[first])])
                if got[-1][0] != number:
                    got.append((number, 0, width))
            else:
                self._close(s)
                texts.append(part)
                self.numbers[s].append(number)
        self.open[s] = not ends_line
        if ends_line:
            self._close(s)

    def _close(self, s: int) -> None:
        """Stream s's last text gets the parts added to it."""
        tail = self.tails.pop(s, None)
        if tail is not None:
            self.texts[s][-1] = joined(tail)

    def streams(self) -> list[Stream]:
        for s in list(self.tails):
            self._close(s)
        return [Stream(id=f"s{s + 1}", label=key, numbers=self.numbers[s], texts=self.texts[s],
                       pieces=self.pieces[s],
                       errors=frozenset(self.errors[s]) if s in self.errors else None,
                       test_runs=self.test_runs.get(s))
                for key, s in self.order.items()]


def unwrap_detail(lines: Sequence[str], first_line: int = 1) -> Unwrapped | None:
    """Unwrap a log of JSON records; None when it is not one."""
    fmt = sniff(lines)
    if fmt is None:
        return None
    b = _Builder()
    out = Unwrapped(format=fmt, streams=[])
    raw_key = "<not json>"
    for i, line in enumerate(lines):
        number = first_line + i
        recs = _records(line) if line.strip() else None
        if recs is None:
            if line.strip():
                out.not_json.append(number)
                b.add(raw_key, line + "\n", number, len(line))
            else:
                out.records_without_text.append(number)
            continue
        carried = False  # (a line whose records carry some text is in a stream)
        for rec in recs:
            key, text = _key_and_text(fmt, rec)
            if text is None or text == "":
                continue
            typed = rec.get("OutputType") if fmt == "test2json" else None
            test = rec.get("Test") if fmt == "test2json" else False
            b.add(key, text, number, len(line), typed if isinstance(typed, str) else None,
                  test if (isinstance(test, str) and test) or test is False else None)
            carried = True
        if not carried:
            out.records_without_text.append(number)
            if fmt == "journald-json" and recs[0].get("MESSAGE", "") is None:
                out.omitted.append(number)
    out.streams = b.streams()
    for s in out.streams:
        if s.label == raw_key:
            s.label = None
    return out


def unwrap(lines: Sequence[str], first_line: int = 1) -> list[Stream] | None:
    """The streams inside a wrapped log (test2json, docker json-file, the journal's
    JSON, JSON lines), or None."""
    got = unwrap_detail(lines, first_line)
    return None if got is None else got.streams


def name_tests(reports: Sequence[Report], lines: Sequence[str],
               streams: Sequence[Stream]) -> None:
    """In a `go test -json` log, a report's package is its stream's (the events'
    `Package`), and its test the `Test` of the event its first line came in
    (test2json names the test whose output it is; neither holds a space, testing
    writes a subtest's spaces as `_`). Only where the output named none (a panic
    in a goroutine of the test's prints no `--- FAIL` before it)."""
    if sniff(lines) != "test2json":
        return
    named = {s.id: s.label for s in streams if s.label}
    for r in reports:
        package = named.get(r.stream)
        if package is None:
            continue
        if r.test_package is None:
            r.test_package = package
        if not r.tests and r.lines:
            first = r.lines[0][0]
            rec = _record(lines[first - 1]) if 0 < first <= len(lines) else None
            test = rec.get("Test") if rec is not None else None
            if isinstance(test, str) and test:
                r.tests.append(test)


def mark_verdicts_later(streams: Sequence[Stream]) -> None:
    """A big go test -json log read in windows, each its streams (`streams`, in the
    log's order, each labelled by its package): mark those whose package's verdict
    (`FAIL\\tpkg`, go test's last line for a package that failed) a later window
    read (Stream.verdict_later). A failed test's window ends some lines after its
    `--- FAIL`, where its records end (the sieve keeps them whole), with its
    package's verdict far below: read there, it says nothing of the test was left
    unread, and its report is complete, as the whole log reads it."""
    from ..grammar import line_grammar

    classify = line_grammar().classify
    ended: set[str] = set()  # the packages whose verdict the windows below hold
    for s in reversed(streams):
        if s.label is None:
            continue
        s.verdict_later = s.label in ended
        if any(t.startswith("FAIL\t") and classify(t)[0] == "test_package_fail"
               for t in s.texts):
            ended.add(s.label)
