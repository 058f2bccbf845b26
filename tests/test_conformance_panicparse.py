"""Peer conformance: maruel/panicparse's 35 synthetic scan cases (TestScanSnapshotSynthetic)
and the 22 crashes of its `cmd/panic` generator, run with Go 1.27.

A synthetic case gives `want_goroutines` (ID, State, SleepMin/Max, Locked, Stack.Calls,
Stack.Elided, CreatedBy), the text before the dump that panicparse passes through
(`want_prefix_passthrough`) and the text after it that it leaves unconsumed
(`want_suffix_unconsumed`). In stackdemux terms: the prefix is our noise before the
first report plus the report's own header (a `panic:` line is part of a report here,
not passed through); the suffix is our noise after the last report.

Representation differences, normalised here and nowhere else:
  * panicparse unescapes the linker's `%2e` in function names (`gopkg.in/yaml%2ev2`);
    stackdemux keeps the name as Go printed it.
  * panicparse prints small argument words in decimal (`0x4` → `4`); arguments are
    compared by value.
  * panicparse models "stack unavailable" as one frame with path `<unavailable>`;
    stackdemux as `Goroutine.unavailable` with no frames.
  * a race's accesses are goroutines in panicparse (RaceWrite, RaceAddr); in
    stackdemux they are `Report.race.accesses`, their creators `race.creators`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import assert_every_line_placed_once, numbers, shared_files

from stackdemux.api import analyze
from stackdemux.ingest import ingest
from stackdemux.model import Frame, Goroutine, ReportKind
from stackdemux.parse import ParseResult, parse_source

SYNTHETIC = shared_files("panicparse", "*.json")
CRASHES = shared_files("panicparse-crashes", "*.txt")

# Cases where panicparse stops with an error that stackdemux does not have: its golden
# encodes that limit (see test_where_panicparse_gives_up_stackdemux_reads_on).
PEER_LIMITS = {
    "07-LineErr": "failed to parse int on line: …stack.go:12345678901234567890",
    "08-CreatedErr": "failed to parse int on line: …testing.go:123456789012345678901 +0xa8b",
    "09-ValueErr": "failed to parse int on line: …recurseType(123456789012345678901)",
    "11-MaxNestingDepthExceededErr": "nested aggregate-typed arguments exceeded depth limit",
    "12-UnmatchedOpeningCurlyBracketErr": "unmatched opening curly bracket",
    "13-UnmatchedClosingCurlyBracketErr": "unmatched closing curly bracket",
}
# Copies whose tabs became spaces, or a dump indented as a whole: panicparse reads them;
# stackdemux's parser reads Go's own output and leaves paste repair to the demultiplexer
# (stackdemux/demux/paste.py), so they are read through both.
PASTE_DAMAGE = {
    "03-long_main_stdlib_third": "file line ' ??:0 +0x6d' indented by a space",
    "14-InconsistentIndent": "whole dump indented by two spaces",
    "26-CCode": "file lines indented by eight spaces",
    "27-WithCarriageReturn": "file line ' ??:0 +0x6d' indented by a space",
    "28-WithCarriageReturn1.18Inaccurate": "file line ' ??:0 +0x6d' indented by a space",
    "29-Indented": "whole dump indented by two spaces, file lines by eight",
}


def load(path: Path) -> tuple[dict, list[str], ParseResult]:
    case = json.loads(path.read_text(encoding="utf-8"))
    source = ingest(case["input"])
    return case, source.lines, parse_source(source)


class NamedPointer:
    """panicparse's `#1`: with NameArguments it names a pointer value that repeats
    across goroutines instead of printing it; any number stands for it."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (int, NamedPointer))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return self.name


def value(word: str) -> object:
    word = word.strip().rstrip("?")
    if word.startswith("#"):
        return NamedPointer(word)
    try:
        return int(word, 0)
    except ValueError:
        return word


def args(text: str | None) -> list[object]:
    return [value(w) for w in text.split(", ")] if text else []


def call(f: Frame) -> tuple:
    return (f.func.replace("%2e", "."), args(f.args), f.file or "", f.line or 0)


def their_call(c: dict) -> tuple:
    return (c["Func"], args(c["Args"]), c["RemoteSrcPath"], c["Line"])


def their_goroutine(w: dict) -> dict:
    stack = [their_call(c) for c in w["Stack"] or []]
    unavailable = [c[2] for c in stack] == ["<unavailable>"]
    return {
        "id": w["ID"], "state": w["State"], "sleep": (w["SleepMin"], w["SleepMax"]),
        "locked": w["Locked"], "elided": w["StackElided"], "unavailable": unavailable,
        "stack": [] if unavailable else stack,
        "created_by": [their_call(c)[::2] for c in w["CreatedBy"] or []],
    }


def our_goroutine(g: Goroutine) -> dict:
    cb = g.created_by
    return {
        "id": g.id, "state": g.state, "sleep": (g.wait_minutes or 0, g.wait_minutes or 0),
        "locked": g.locked, "elided": g.elided, "unavailable": g.unavailable,
        "stack": [call(f) for f in g.frames],
        "created_by": [call(cb.frame)[::2]] if cb else [],
    }


def our_goroutines(result: ParseResult) -> list[dict]:
    return [our_goroutine(g) for r in result.reports for g in r.goroutines]


def prefix_lines(case: dict) -> int:
    return case["want_prefix_passthrough"].count("\n") + (
        1 if case["want_prefix_passthrough"] and not case["want_prefix_passthrough"].endswith("\n")
        else 0)


def suffix_lines(case: dict, lines: list[str]) -> list[int]:
    text = case["want_suffix_unconsumed"]
    k = len(text.rstrip("\n").split("\n")) if text else 0
    return list(range(len(lines) - k + 1, len(lines) + 1))


def ordinary(paths: list[Path]) -> list[Path]:
    return [p for p in paths if p.stem not in PEER_LIMITS and p.stem not in PASTE_DAMAGE
            and "Race" not in p.stem and p.stem != "15-OrderErr"]


@pytest.mark.parametrize("path", ordinary(SYNTHETIC), ids=lambda p: p.stem)
def test_goroutines_match(path):
    case, lines, result = load(path)
    want = [their_goroutine(w) for w in case["want_goroutines"] or []]
    assert our_goroutines(result) == want
    assert_every_line_placed_once(len(lines), result)


@pytest.mark.parametrize("path", ordinary(SYNTHETIC), ids=lambda p: p.stem)
def test_prefix_is_noise_or_the_report_header(path):
    case, lines, result = load(path)
    k = prefix_lines(case)
    if not result.reports:
        # no dump: panicparse passes everything through, stackdemux keeps it all as noise
        assert numbers(result.noise) == list(range(1, len(lines) + 1))
        return
    first = result.reports[0]
    start = numbers(first.lines)[0]
    header = [n for n in numbers(first.lines) if n <= k]
    assert [n for n in numbers(result.noise) if n < start] + header == list(range(1, k + 1))
    for n in header:  # what stackdemux keeps in the report is its message and signal lines
        assert lines[n - 1] == "" or lines[n - 1].startswith(("panic: ", "SIG", "PC="))


@pytest.mark.parametrize("path", ordinary(SYNTHETIC), ids=lambda p: p.stem)
def test_suffix_is_noise_after_the_report(path):
    case, lines, result = load(path)
    suffix = suffix_lines(case, lines)
    noise = set(numbers(result.noise))
    if path.stem == "24-Created":
        # Golden leaves 'exit status 2' unconsumed: stackdemux reads it as the crashed
        # process's exit status, part of the report.
        assert suffix == [len(lines)] and lines[-1] == "exit status 2"
        assert result.reports[0].exit_status == 2 and len(lines) in numbers(result.reports[0].lines)
        return
    assert [n for n in suffix if n not in noise] == []


def test_a_stray_file_line_is_noise_and_the_frames_after_it_are_kept():
    # Golden: goroutine 16 with no stack, 'expected a function after a goroutine
    # header', and the three lines after the header unconsumed. stackdemux agrees on
    # goroutine 16 and on the stray file line (noise), and still reads the whole frame
    # after it, as a headerless goroutine (frames of a paste whose header was lost).
    case, lines, result = load(shared_dir_case("15-OrderErr"))
    want = their_goroutine(case["want_goroutines"][0])
    panic, tail = result.reports
    assert our_goroutine(panic.goroutines[0]) == want
    stray, *rest = suffix_lines(case, lines)
    assert numbers(result.noise) == [stray]
    assert numbers(tail.lines) == rest
    assert tail.kind is ReportKind.GOROUTINE_DUMP
    assert [(f.func, f.file, f.line, f.fp, f.sp) for f in tail.goroutines[0].frames] == [
        ("runtime.switchtoM", "/goroot/src/runtime/asm_amd64.s", 198, "0xc20cfb80d8",
         "0xc20cfb80d0")]


def test_stack_unavailable_is_a_flag_not_a_frame():
    case, _, result = load(shared_dir_case("18-UnavailCreated"))
    g = result.reports[0].goroutines[0]
    assert g.unavailable and g.frames == []
    assert g.created_by.frame.func == "github.com/maruel/panicparse/stack.New"
    assert their_goroutine(case["want_goroutines"][0])["unavailable"]


def shared_dir_case(stem: str) -> Path:
    for p in SYNTHETIC:
        if p.stem == stem:
            return p
    pytest.skip("../shared/conformance/panicparse is absent")


@pytest.mark.parametrize("stem", sorted(PEER_LIMITS))
def test_where_panicparse_gives_up_stackdemux_reads_on(stem):
    # Golden: panicparse stops with want_err (quoted in PEER_LIMITS), keeps the call
    # but not its file (RemoteSrcPath "", Line 0) or its arguments, and leaves the
    # failing lines unconsumed. stackdemux has no nesting limit and reads arguments
    # as printed text. A line number of 20 digits or more is none Go prints (its
    # line numbers are int32; a number a report keeps fits JSON's 64-bit integers:
    # grammars/traceback.lark's INT): that file line is not read as the frame's, it
    # goes to the noise, and the report says its frame has no file line. Either
    # way every line is placed once and the reading goes on.
    case, lines, result = load(shared_dir_case(stem))
    assert PEER_LIMITS[stem].split("…")[0].rstrip() in case["want_err"]
    want = their_goroutine(case["want_goroutines"][0])
    ours = our_goroutine(result.reports[0].goroutines[0])
    assert ours["id"] == want["id"] and ours["state"] == want["state"]
    broken = next((lines[n - 1] for n in suffix_lines(case, lines)), "")
    if stem in ("07-LineErr", "08-CreatedErr"):
        n = lines.index(broken) + 1
        assert result.noise == [(n, n)]
        assert [d.lines for d in result.diagnostics] == [[(n - 1, n - 1)]]
        assert "has no file line" in result.diagnostics[0].message
        assert not result.reports[0].complete
        if stem == "08-CreatedErr":
            assert want["created_by"] == [("testing.RunTests", "")]
            assert ours["created_by"] == [("testing.RunTests", "")]
        else:
            assert want["stack"][0][2:] == ("", 0)
            assert result.reports[0].goroutines[0].frames[0].func == want["stack"][0][0]
    else:
        assert want["stack"][0][2:] == ("", 0)
        f = result.reports[0].goroutines[0].frames[0]
        assert f.func == want["stack"][0][0]
        assert f.file == "/gopath/src/github.com/maruel/panicparse/stack/stack.go"
        if stem == "09-ValueErr":  # the arguments panicparse choked on, as printed
            assert f.line == 9 and broken.endswith(f"({f.args})")
        assert result.diagnostics == [] and result.noise == []
    assert_every_line_placed_once(len(lines), result)


@pytest.mark.parametrize("stem", sorted(PASTE_DAMAGE))
def test_paste_damaged_dumps_read_as_panicparse_reads_them_once_repaired(stem):
    case = json.loads(shared_dir_case(stem).read_text(encoding="utf-8"))
    analysis = analyze(case["input"].encode())
    assert our_goroutines(analysis) == [their_goroutine(w) for w in case["want_goroutines"]]
    assert any(d.message.startswith("repaired paste damage") for d in analysis.diagnostics)


@pytest.mark.parametrize("stem", sorted(PASTE_DAMAGE))
def test_paste_damaged_dumps_lose_no_line(stem):
    _, lines, result = load(shared_dir_case(stem))
    assert_every_line_placed_once(len(lines), result)


def test_race_accesses_are_panicparse_race_goroutines():
    case, lines, result = load(shared_dir_case("30-Race"))
    race = result.reports[0]
    assert race.kind is ReportKind.RACE
    creators = {c.id: c for c in race.race.creators}
    ours = []
    for a in race.race.accesses:
        c = creators[a.goroutine]
        ours.append({"id": a.goroutine, "state": c.state, "write": "write" in a.operation.lower(),
                     "addr": int(a.address, 16), "stack": [call(f)[::2] for f in a.frames],
                     "created_by": [call(f)[::2] for f in c.frames]})
    theirs = [{"id": w["ID"], "state": w["State"], "write": w["RaceWrite"], "addr": w["RaceAddr"],
               "stack": [their_call(c)[::2] for c in w["Stack"]],
               "created_by": [their_call(c)[::2] for c in w["CreatedBy"]]}
              for w in case["want_goroutines"]]
    assert ours == theirs
    # the text before the race (a blank line, "GOTRACEBACK=all") is passed through
    assert numbers(result.noise) == list(range(1, prefix_lines(case) + 1))
    assert_every_line_placed_once(len(lines), result)


@pytest.mark.parametrize("stem", ["31-RaceHdr1Err", "32-RaceHdr2Err"])
def test_a_lone_race_rule_is_noise(stem):
    # 31's golden passes "==================" through. 32's golden consumes
    # "==================\n" and passes nothing through: that line vanishes from
    # panicparse's output. stackdemux keeps it as noise: nothing is lost.
    case, _, result = load(shared_dir_case(stem))
    assert result.reports == []
    assert numbers(result.noise) == [1]
    assert case["want_prefix_passthrough"] in ("==================", "")


@pytest.mark.parametrize("stem", ["33-RaceHdr3Err", "34-RaceHdr4Err"])
def test_a_race_header_cut_short_is_a_race_report_without_accesses(stem):
    # Golden: consumed, no goroutines, nothing passed through or left over.
    case, _, result = load(shared_dir_case(stem))
    assert case["want_goroutines"] is None and case["want_prefix_passthrough"] == ""
    (race,) = result.reports
    assert race.kind is ReportKind.RACE and race.race.accesses == []
    assert numbers(race.lines) == [1, 2] and result.noise == []


# ------------------------------------------------------------ panicparse-crashes


def expected_crash(lines: list[str]) -> tuple[str | None, int]:
    """The first `panic:`/`fatal error:` message and the number of goroutine headers."""
    message = None
    for t in lines:
        for head in ("panic: ", "fatal error: "):
            if message is None and t.startswith(head):
                message = t[len(head):].removesuffix(" [recovered]")
    count = sum(1 for t in lines if t.startswith("goroutine ") and t.endswith(":"))
    return message, count


@pytest.mark.parametrize("path", CRASHES, ids=lambda p: p.stem)
def test_every_go_127_crash_parses_whole(path):
    source = ingest(path.read_bytes())
    lines = source.lines
    result = parse_source(source)
    assert result.reports, "no report found"
    assert result.diagnostics == []
    assert_every_line_placed_once(len(lines), result)
    message, count = expected_crash(lines)
    crash = result.reports[0] if result.reports[0].kind is not ReportKind.RACE else None
    if path.stem == "race":
        assert result.reports[0].kind is ReportKind.RACE
        assert len(result.reports[0].race.accesses) == 2
    else:
        assert crash is not None
        assert crash.message.split("\n")[0] == message
    assert sum(len(r.goroutines) for r in result.reports) == count
    for r in result.reports:  # no line unplaced inside a report
        inside = set(range(numbers(r.lines)[0], numbers(r.lines)[-1] + 1))
        assert inside.isdisjoint(numbers(result.noise)), f"noise inside {r.id}"
