"""AWS Lambda's answer to a Go handler's panic: an error JSON, not a traceback.

aws-lambda-go recovers a handler's panic and returns messages.InvokeResponse_Error,
which encoding/json writes `{"errorMessage": …, "errorType": …, "stackTrace": [{"path":
…, "line": N, "label": …}, …]}` (lambda/panic.go): the message is the panic value as
`%v` prints it, the type is the value's type without its package (`errorString`,
`boundsError`), the frames come from runtime.CallersFrames, innermost first, starting
with the deferred function that recovered (then `gopanic`). Its formatFrame keeps the
file's last (slashes in the function's name + 2) elements, which are the package's
import path (a module's `@version` in it) and the file name, and of the function's name
what follows its package. People meet it on one line (CloudWatch, the file `aws lambda
invoke` writes) and pretty-printed (the Lambda console, `sam local invoke`), often cut.

Read as what it is: a panic with one goroutine whose frames are the stackTrace's, each
named as Go names it, `<package path>.<label>` (a main package's functions are named by
their directory then: formatFrame keeps one directory, and nothing says it was `main`).
The lines' shapes are grammars/records.lark's `lambda_error` and `lambda_pretty`; only
lines no traceback holds are looked at (parse.parse_stream), found by a bulk search of
the key `"errorMessage"`, so a log without one costs a join and a search per noise run.
Each line is read once: an object read is skipped whole, an error JSON nested in
another JSON object with it is not read. A one-line record may follow other text on
its line: aws-lambda-go's reportFailure logs it with `log.Printf` (the log package's
time before it), a viewer's copy may put a time and request id there; the record then
runs to the line's end (whole, or cut with its stack trace open). A log over the
sieve's size (sieve.py) keeps a window around each line that opens one (opens_record).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from functools import cache

import orjson

from .model import Frame, Goroutine, PanicLink, Report, ReportKind, Span, Stream, spans_of

KEY = '"errorMessage"'
OPENING = "{" + KEY + ":"  # a one-line record's start, wherever its line has it
CUT = "the error JSON ends before its stack trace does (cut short)"
_TERMINALS = {"LAMBDA_MESSAGE", "LAMBDA_TYPE", "LAMBDA_PATH", "LAMBDA_LINE", "LAMBDA_LABEL",
              "LAMBDA_BRACKET", "LAMBDA_KEY", "LAMBDA_COLON", "LAMBDA_VALUE"}
_RULES = ("lambda_head", "lambda_frame", "lambda_pretty")


@cache
def _shapes() -> tuple[list[re.Pattern[str]], list[dict[str, int]]]:
    """The regexes of records.lark's rules _RULES, and each one's field → group map."""
    from .grammar import COMPILER_VERSION, cached_compile, compile_rule, grammar_text

    text = grammar_text("records.lark")
    compiled = cached_compile("lambda_error", text + COMPILER_VERSION, lambda: [
        compile_rule(text, r, "records.lark", _TERMINALS) for r in _RULES])
    return [re.compile(source) for source, _ in compiled], [fields for _, fields in compiled]


def read_noise(stream: Stream, noise: list[Span], ids: Iterator[str]) -> list[Report]:
    """The error JSONs among a stream's noise lines, as reports (noise: input line spans)."""
    numbers, texts = stream.numbers, stream.texts
    reports: list[Report] = []
    for first, last in noise:
        i, j = bisect_left(numbers, first), bisect_right(numbers, last)
        run = "\n".join(texts[i:j])  # (C speed: most runs hold no error JSON)
        at = run.find(KEY)
        if at < 0:
            continue
        k, counted = i, 0
        while at >= 0:
            k += run.count("\n", counted, at)
            counted = at
            got = _read_at(texts, i, j, k)
            if got is None:  # (a line is read once, whichever of its keys found it)
                nl = run.find("\n", at)
                at = -1 if nl < 0 else run.find(KEY, nl + 1)
                continue
            start, end, obj, closed = got
            report = _report(obj, closed, stream, [numbers[n] for n in range(start, end + 1)],
                             ids)
            if report is not None:
                reports.append(report)
            # on after the object, a report or not: an object in it that holds the key
            # too is left unread (objects nested in objects would be read again and again)
            # (an object that ended before the key's line, a value in it not JSON: past the key)
            counted = max(counted, at + len(KEY))
            while k <= end:
                nl = run.find("\n", counted)
                counted = len(run) if nl < 0 else nl + 1
                k += 1
            at = run.find(KEY, counted)
    return reports


def _read_at(texts, lo: int, hi: int, k: int) -> tuple[int, int, dict, bool] | None:
    """The object whose `errorMessage` line k holds: (first, last line, the object, whether
    it closed), within lines lo..hi-1; None when no error JSON begins there."""
    (head, frame, pretty), (hf, ff, fields) = _shapes()
    s = texts[k].strip()
    if head.match(s) is not None:
        return k, k, *_one_line(s, head, frame, hf, ff)
    lead = s.find(OPENING)
    if lead > 0 and head.match(s, lead) is not None:
        got = _after_lead(s[lead:], head, frame, hf, ff)
        return None if got is None else (k, k, *got)
    m = pretty.fullmatch(s)
    if m is None or m.group(fields["lambda_key"]) != KEY or k == lo or texts[k - 1].strip() != "{":
        return None
    root: dict = {}
    stack: list[dict | list] = [root]
    last = k - 1
    for n in range(k, hi):
        m = pretty.fullmatch(texts[n].strip())
        if m is None:
            break
        top = stack[-1]
        bracket = m.group(fields["lambda_bracket"])
        if bracket is not None:
            if bracket[0] in "]}":
                stack.pop()
                if not stack:
                    return k - 1, n, root, True
            elif isinstance(top, list):  # an element opening
                top.append({} if bracket == "{" else [])
                stack.append(top[-1])
            else:
                break
            last = n
            continue
        if not isinstance(top, dict):
            break
        key = _decoded(m.group(fields["lambda_key"]))
        value = m.group(fields["lambda_value"])
        if key is _BAD:
            break
        if value in ("[", "{"):
            top[key] = [] if value == "[" else {}
            stack.append(top[key])
        elif (decoded := _decoded(value)) is _BAD:
            break
        else:
            top[key] = decoded
        last = n
    return k - 1, last, root, False


def _one_line(s: str, head: re.Pattern[str], frame: re.Pattern[str], hf: dict[str, int],
              ff: dict[str, int]) -> tuple[dict, bool]:
    """A record on one line, and whether it is whole: a cut one is read up to its last
    whole frame."""
    obj = _whole(s)
    if obj is not None:
        return obj, True
    return _cut(s, head, frame, hf, ff)[0], False


def _whole(s: str) -> dict | None:
    """The object s holds whole, or None (cut, or not an object)."""
    try:
        obj = orjson.loads(s)
    except orjson.JSONDecodeError:
        return None
    return obj if isinstance(obj, dict) else None


def _cut(s: str, head: re.Pattern[str], frame: re.Pattern[str], hf: dict[str, int],
         ff: dict[str, int]) -> tuple[dict, int]:
    """A cut record's head and whole frames, and where they end in s."""
    m = head.match(s)
    assert m is not None
    trace: list[dict] = []
    got = {"errorMessage": _decoded(m.group(hf["lambda_message"])), "stackTrace": trace}
    at = m.end()
    while (f := frame.match(s, at)) is not None:
        entry = {"path": _decoded(f.group(ff["lambda_path"])),
                 "line": int(f.group(ff["lambda_line"])),
                 "label": _decoded(f.group(ff["lambda_label"]))}
        if _BAD in entry.values():
            break
        trace.append(entry)
        at = f.end()
    return got, at


def _after_lead(s: str, head: re.Pattern[str], frame: re.Pattern[str], hf: dict[str, int],
                ff: dict[str, int]) -> tuple[dict, bool] | None:
    """A record after other text on its line (the log package's time, as aws-lambda-go's
    reportFailure logs it; a log viewer's time and request id): the rest of the line is
    the record, whole, or cut with its stack trace still open. None for an object that
    ends before its line does (one nested in another JSON: a field of a log record)."""
    obj = _whole(s)
    if obj is not None:
        return obj, True
    got, end = _cut(s, head, frame, hf, ff)
    return None if "]" in s[end:] else (got, False)


def opens_record(line: str) -> bool:
    """Whether a line may open an error JSON (the sieve's test for a window: sieve.py): a
    one-line record's head, or the pretty form's `"errorMessage": …` member, each after
    anything (a lead, a prefix, an indent: the parse decides what it is)."""
    (head, _, pretty), (_, _, fields) = _shapes()
    lead = line.find(OPENING)
    if lead >= 0:
        return head.match(line, lead) is not None
    at = line.find(KEY)
    m = pretty.fullmatch(line[at:].rstrip()) if at >= 0 else None
    return m is not None and m.group(fields["lambda_key"]) == KEY


_BAD = object()  # a value orjson would not decode (an escape JSON has not: `\q`)


def _decoded(text: str) -> object:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return _BAD


def _report(obj: dict, closed: bool, stream: Stream, lines: list[int],
            ids: Iterator[str]) -> Report | None:
    """A panic report of an error JSON that holds a stack trace; None for any other JSON
    (a handler's returned error has none: aws-lambda-go omits it)."""
    message, trace = obj.get("errorMessage"), obj.get("stackTrace")
    if not isinstance(message, str) or not isinstance(trace, list):
        return None
    frames = [f for f in map(_frame, trace) if f is not None]
    if not frames:
        return None
    g = Goroutine(id=0, state="unknown", frames=frames, input_lines=(lines[0], lines[-1]))
    return Report(id=next(ids), kind=ReportKind.PANIC, message=message,
                  chain=[PanicLink(message=message)], goroutines=[g], stream=stream.id,
                  complete=closed, incomplete_reason=None if closed else CUT,
                  lines=spans_of(lines))


def _frame(entry: object) -> Frame | None:
    if not isinstance(entry, dict):
        return None
    path, line, label = entry.get("path"), entry.get("line"), entry.get("label")
    if not isinstance(path, str) or not isinstance(label, str) or not label:
        return None
    directory = path.rpartition("/")[0]
    # a module's version is in its directory, never in a function's name
    package = "/".join(part.partition("@")[0] for part in directory.split("/"))
    return Frame(func=f"{package}.{label}" if package else label, file=path,
                 line=line if isinstance(line, int) else None)
