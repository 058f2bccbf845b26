"""One process's traceback with another writer's lines between its frames.

A Go program crashes while a build tool, a test runner or a chatty service
writes to the same log, whole line by whole line: one report opener and no
goroutine id twice, so nothing asks for separation, and the parser ended a
goroutine at every foreign line (a deadlock's 6 goroutines read as 8-10
reports, none of them right). A line that is no traceback line standing
between a goroutine's frames (after a call line or `created by`, before a
frame, after a header) sends the log to the separator, which keeps the
process's one stream and sets the other lines aside as noise.

The merges are built here from real captures (samples/, and the corpus's real
build-tool output in tests/corpus/noise/), so which lines are the traceback's is
known.
"""

from __future__ import annotations

import random
import re

import pytest
from conftest import ROOT, SAMPLES

from stackdemux import analyze_many
from stackdemux.api import Options, split_streams
from stackdemux.demux.foreign import (
    _STARTS,
    WHOLE_SEARCHED,
    WINDOWS_SEARCHED,
    _windows,
    frames_apart,
)
from stackdemux.demux.go_version import INDENTING, indents_values
from stackdemux.ingest import ingest

NOISE = ROOT / "tests" / "corpus" / "noise"
CRASHES = ["go1.27/deadlock.txt", "go1.21/panic_in_goroutine.txt", "go1.19/nested_panic.txt",
           "go1.27/http_panic.txt", "go1.25/test_panic.txt", "go1.27/concurrent_map_writes.txt",
           # gccgo prints a frame's name bare: a call line only in a log that proves gccgo's
           "gccgo12/gccgo_deadlock.txt", "gccgo12/gccgo_bolt.txt",
           # GOTRACEBACK=crash: goroutine 33 printed twice, `stack unavailable`
           # and then whole by the thread running it, after `-----`
           "go1.27/sigquit_crash_busy.txt",
           # the race detector's reports: read between their two rules
           "go1.19/race_run.txt", "go1.27/test_race.txt"]
TOOLS = ["make-gcc.log", "go-build-x.log", "npm.log", "pytest.log"]


def _reading(text: str) -> list[tuple]:
    """Each report as the corpus scores it, and its chain of panics (a nested
    panic's `\tpanic: second` line is a report's as much as its frames are)."""
    analysis = analyze_many([ingest(text, "build.log")])
    return [(r.kind, r.message, [(p.message, p.annotation) for p in r.chain],
             [(g.id, g.state, [(f.func, f.file, f.line) for f in g.frames])
              for g in r.goroutines]) for r in analysis.reports]


def _among(crash: list[str], tool: list[str], seed: int) -> tuple[list[str], set[int]]:
    """The crash's lines in order, runs of 1-4 of the tool's lines before 30 % of
    them; and the 0-based indexes of the tool's lines."""
    rng = random.Random(seed)
    k = rng.randrange(len(tool))
    out: list[str] = []
    foreign: set[int] = set()
    for line in crash:
        if rng.random() < 0.3:
            for _ in range(rng.randint(1, 4)):
                foreign.add(len(out))
                out.append(tool[k % len(tool)])
                k += 1
        out.append(line)
    return out, foreign


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("crash", CRASHES)
def test_a_crash_among_a_tool_s_lines_reads_as_it_reads_alone(crash, tool):
    lines = (SAMPLES / crash).read_text(encoding="utf-8").splitlines()
    alone = _reading("\n".join(lines) + "\n")
    noise = (NOISE / tool).read_text(encoding="utf-8", errors="replace").splitlines()
    exact = sum(_reading("\n".join(_among(lines, noise, seed)[0]) + "\n") == alone
                for seed in range(1, 11))
    # A floor, as the corpus's (measured 7-10 of 10, gccgo's 7-10; 0-1 and 0-5
    # before the separator took such logs). A tool's line right after the opener
    # of a string or an error value reads as the value's next line unless a line
    # set aside between the frames begins as it does, or the report shows Go 1.23
    # or later (which tabs a value's later lines), one after the last frame as
    # the process's own: nothing else tells them apart; and one that lands only
    # there, or beside a frame whose neighbours it leaves intact, asks for no
    # separation.
    assert exact >= 5, exact


def test_the_tool_s_lines_go_to_the_noise_and_every_line_is_kept():
    lines = (SAMPLES / "go1.27/deadlock.txt").read_text(encoding="utf-8").splitlines()
    noise = (NOISE / "make-gcc.log").read_text(encoding="utf-8").splitlines()
    mixed, foreign = _among(lines, noise, 3)
    streams, spans = split_streams(ingest("\n".join(mixed) + "\n", "build.log"), Options())
    (stream,) = streams
    noise_lines = {n - 1 for a, b in spans for n in range(a, b + 1)}
    own = {n - 1 for n in stream.numbers}
    assert own | noise_lines == set(range(len(mixed))) and not own & noise_lines
    assert foreign <= noise_lines
    assert [t for t in stream.texts if t] == [t for t in lines if t]


def test_no_clean_capture_looks_broken():
    # every real Go output of the samples and the corpus: none has a line
    # between its frames, so none pays the separator
    outputs = [*SAMPLES.glob("go1.*/*.txt"), *SAMPLES.glob("gccgo12/*.txt"),
               *(ROOT / "tests" / "corpus" / "cases").glob("*-lines-arrival/p*.out")]
    assert len(outputs) > 300
    texts = {p: p.read_text(errors="replace") for p in outputs}
    broken = [p.name for p, text in texts.items() if frames_apart(text, text.splitlines())]
    assert broken == []


def _deep_in(mixed: list[str], tool: list[str], size: int) -> list[str]:
    """The mixed lines in the middle of `size` characters of the tool's output."""
    half = tool * (size // 2 // sum(len(t) + 1 for t in tool) + 1)
    return half + mixed + half


BIG_CRASHES = ["go1.27/deadlock.txt", "go1.21/panic_in_goroutine.txt",
               "gccgo12/gccgo_deadlock.txt"]


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("crash", BIG_CRASHES)
def test_a_crash_deep_in_a_big_tool_log_reads_as_it_reads_in_a_small_one(crash, tool):
    # A real CI log is 1-100 MB with the crash somewhere inside: past
    # WHOLE_SEARCHED only the windows around frame file lines and goroutine
    # headers are searched, and the same lines are found.
    lines = (SAMPLES / crash).read_text(encoding="utf-8").splitlines()
    noise = (NOISE / tool).read_text(encoding="utf-8", errors="replace").splitlines()
    for seed in (1, 2):
        mixed, _ = _among(lines, noise, seed)
        big = _deep_in(mixed, noise, 2 * WHOLE_SEARCHED)
        assert len("\n".join(big)) > WHOLE_SEARCHED
        assert _reading("\n".join(big) + "\n") == _reading("\n".join(mixed) + "\n")


def test_a_big_log_is_searched_only_around_its_tracebacks():
    # work counted: the characters searched are the traceback's and a few
    # lines around each of its anchors, not the log's 8 MB
    lines = (SAMPLES / "go1.27/deadlock.txt").read_text(encoding="utf-8").splitlines()
    noise = (NOISE / "make-gcc.log").read_text(encoding="utf-8").splitlines()
    mixed, _ = _among(lines, noise, 1)
    text = "\n" + "\n".join(_deep_in(mixed, noise, 8 * WHOLE_SEARCHED))
    searched = sum(b - a for a, b in _windows(text, len(text)))
    assert 0 < searched < 2 * len("\n".join(mixed))
    assert frames_apart(text[1:], text[1:].split("\n"))


def _big_dump() -> str:
    import gzip

    data = (ROOT / "benchmarks/data/goroutines-20k.go1.27.txt.gz").read_bytes()
    return gzip.decompress(data).decode()


def test_a_big_dump_is_searched_only_so_far():
    # work counted: one process's 21 MB dump of 20k goroutines is one window, whose
    # anchors (every other line) are read only as far as WINDOWS_SEARCHED
    text = "\n" + _big_dump()
    windows = list(_windows(text, WINDOWS_SEARCHED))
    assert len(text) > 16 * WINDOWS_SEARCHED
    assert WINDOWS_SEARCHED <= sum(b - a for a, b in windows) < WINDOWS_SEARCHED + 4096


def test_the_search_tries_a_clean_dump_nowhere():
    # work counted: `_apart` is tried only where a line no frame's is follows a
    # file line or a header, another such line after it; the 20k dump has none
    # (its opener's blank line and header follow a line of its head, no frame's)
    text = _big_dump()
    assert sum(1 for start in _STARTS for _ in start.finditer(text)) == 0
    assert not frames_apart(text, text.split("\n"))


def test_a_tool_s_lines_in_a_big_dump_go_to_the_separator_with_their_goroutines_only(
        monkeypatch):
    # A tool's lines inside the 20k dump: the separator is given the goroutines
    # around them, not the dump's 536k lines (12 s of its beam search), and the
    # dump reads as it reads alone.
    import stackdemux.demux as demux

    lines = _big_dump().split("\n")
    at = next(i for i in range(5000, len(lines)) if lines[i].startswith("\t"))
    tool = _noise_lines("make-gcc.log")[:2]
    mixed = [*lines[:at + 1], *tool, *lines[at + 1:]]
    assert len("\n".join(mixed[:at])) < WINDOWS_SEARCHED
    given: list[int] = []
    separate = demux._separate_region
    monkeypatch.setattr(demux, "_separate_region",
                        lambda stream, *a, **k: given.append(len(stream.texts))
                        or separate(stream, *a, **k))
    streams, spans = split_streams(ingest("\n".join(mixed), "dump.log"), Options())
    assert given and max(given) < 200
    assert [n - 1 for a, b in spans for n in range(a, b + 1)] == [at + 1, at + 2]
    (stream,) = streams  # (the dump's own lines, in order: it reads as it reads alone)
    assert stream.texts == lines[:-1] and lines[-1] == ""


def test_the_tool_s_lines_around_a_crash_in_a_big_log_stay_as_they_were():
    # only the traceback's region goes to the separator: every line is kept,
    # and the build output before and after the crash is not read as noise
    lines = (SAMPLES / "go1.27/deadlock.txt").read_text(encoding="utf-8").splitlines()
    noise = (NOISE / "npm.log").read_text(encoding="utf-8").splitlines()
    mixed, foreign = _among(lines, noise, 3)
    big = _deep_in(mixed, noise, 2 * WHOLE_SEARCHED)
    before = (len(big) - len(mixed)) // 2  # (the tool lines before the crash)
    streams, spans = split_streams(ingest("\n".join(big) + "\n", "build.log"), Options())
    (stream,) = streams
    noise_lines = {n - 1 for a, b in spans for n in range(a, b + 1)}
    assert {i + before for i in foreign if mixed[i]} <= noise_lines  # (a blank is anyone's)
    assert min(noise_lines) >= before and max(noise_lines) < before + len(mixed)
    assert len(stream.numbers) + len(noise_lines) == len(big)


# Where Go prints nothing between a report's opener and its first goroutine: after
# the head's blank line (right before the header), after a caught signal's line, after
# a fatal error's or a runtime error's one-line message (foreign_head.py): each
# inserted there, two of a tool's lines are set aside.
HEADS = [("go1.21/panic_in_goroutine.txt", 2), ("go1.21/nil_pointer.txt", 2),
         ("go1.21/nil_pointer.txt", 3), ("go1.27/deadlock.txt", 1), ("go1.27/deadlock.txt", 2),
         ("go1.27/nil_map.txt", 1), ("go1.27/nil_map.txt", 2), ("gccgo12/gccgo_nil.txt", 3),
         ("gccgo12/gccgo_nil.txt", 4)]


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize(("crash", "at"), HEADS)
def test_a_tool_s_lines_before_the_first_goroutine_are_set_aside(crash, at, tool):
    lines = (SAMPLES / crash).read_text(encoding="utf-8").splitlines()
    assert lines[at].startswith("goroutine ") or lines[at + 1].startswith("goroutine ")
    noise = [t for t in (NOISE / tool).read_text(encoding="utf-8").splitlines() if t.strip()]
    for k in (0, 5, 10):
        mixed = lines[:at] + noise[k:k + 2] + lines[at:]
        assert frames_apart("\n".join(mixed), mixed)
        assert _reading("\n".join(mixed) + "\n") == _reading("\n".join(lines) + "\n")


MULTILINE = sorted(p.relative_to(SAMPLES).as_posix()
                   for p in SAMPLES.glob("go1.*/panic_multiline*"))


@pytest.mark.parametrize("crash", MULTILINE)
def test_a_panic_value_s_own_lines_are_never_set_aside(crash):
    # A value may run over lines (raw before Go 1.23): a line right after `panic: …`
    # is the value's, however the separator reads the rest. (Before foreign_head.py,
    # a tool line between frames lost them in 197 of these 360 merges.) A tool's line
    # among them is read as the value's too: nothing tells them apart.
    lines = (SAMPLES / crash).read_text(encoding="utf-8").splitlines()
    (report,) = analyze_many([ingest("\n".join(lines) + "\n", "build.log")]).reports
    assert "\n" in report.message
    for tool in TOOLS:
        noise = (NOISE / tool).read_text(encoding="utf-8", errors="replace").splitlines()
        for seed in range(1, 11):
            mixed, _ = _among(lines, noise, seed)
            got = analyze_many([ingest("\n".join(mixed) + "\n", "build.log")]).reports
            assert all(part in got[0].message for part in report.message.split("\n"))


def test_the_chain_of_panics_is_kept_among_a_tool_s_lines():
    # `\tpanic: second` is Go's own line in the head: the separator once set it aside
    lines = (SAMPLES / "go1.19/nested_panic.txt").read_text(encoding="utf-8").splitlines()
    (alone,) = analyze_many([ingest("\n".join(lines) + "\n", "build.log")]).reports
    noise = (NOISE / "make-gcc.log").read_text(encoding="utf-8").splitlines()
    kept = 0
    for seed in range(1, 11):
        got = analyze_many([ingest("\n".join(_among(lines, noise, seed)[0]) + "\n",
                                   "build.log")]).reports
        kept += ([link.message.split("\n")[0] for link in got[0].chain]
                 == [link.message for link in alone.chain])
    assert kept == 10, kept  # (9 before a blank line before a link went; 0 before that)


def test_a_tool_s_line_after_the_last_link_is_taken_no_more_often_than_after_a_lone_panic():
    # Before Go 1.23 the last link's value runs on raw, as a lone panic's does
    # (tests/data/chain_value_lines/nested-*): a tool's line between it and Go's blank
    # line reads as the value's where nothing (its shape among the tool's other
    # lines) tells it apart. Measured on 50 merges: 5 for the chain, 11 for the
    # same crash with one link (0 for the chain when a later link's lines were never read)
    lines = (SAMPLES / "go1.19/nested_panic.txt").read_text(encoding="utf-8").splitlines()
    lone = [t for t in lines if t != "\tpanic: second"]
    noise = (NOISE / "make-gcc.log").read_text(encoding="utf-8").splitlines()

    def taken(crash: list[str]) -> int:
        n = 0
        for seed in range(1, 51):
            merged = "\n".join(_among(crash, noise, seed)[0]) + "\n"
            [report] = analyze_many([ingest(merged, "build.log")]).reports
            n += any("\n" in link.message for link in report.chain)
        return n

    assert taken(lines) <= taken(lone)


@pytest.mark.parametrize("tool", TOOLS)
def test_a_tool_s_line_after_a_c_frame_is_set_aside(tool):
    # gccgo's libc frames (and a cgo call's) print C files: `./nptl/pthread_kill.c:44`
    lines = (SAMPLES / "gccgo12/gccgo_cgo_abort.txt").read_text(encoding="utf-8").splitlines()
    at = lines.index("\t../sysdeps/posix/raise.c:26") + 1
    # (a line of words: one word alone, `WORK=/tmp/go-build…`, is shaped as gccgo's call)
    noise = [t for t in (NOISE / tool).read_text(encoding="utf-8").splitlines() if " " in t]
    mixed = lines[:at] + noise[:1] + lines[at:]
    assert frames_apart("\n".join(mixed), mixed)
    assert _reading("\n".join(mixed) + "\n") == _reading("\n".join(lines) + "\n")


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("run", [2, 3, 4])
def test_a_run_of_a_tool_s_lines_between_two_frames_is_found(tool, run):
    lines = (SAMPLES / "go1.27/deadlock.txt").read_text(encoding="utf-8").splitlines()
    at = lines.index("\t/app/main.go:260 +0x18c") + 1  # (before `main.main()`)
    noise = [t for t in (NOISE / tool).read_text(encoding="utf-8").splitlines() if " " in t]
    mixed = lines[:at] + noise[:run] + lines[at:]
    assert frames_apart("\n".join(mixed), mixed)
    assert _reading("\n".join(mixed) + "\n") == _reading("\n".join(lines) + "\n")


def _noise_lines(tool: str, blank: bool = False) -> list[str]:
    """The tool's lines, its blank lines too when asked (npm's and pytest's output has them)."""
    lines = (NOISE / tool).read_text(encoding="utf-8", errors="replace").splitlines()
    return [t for t in lines if blank or t.strip()]


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("where", ["call", "header"])
def test_a_run_of_a_tool_s_lines_around_a_call_line_or_after_a_header_is_found(tool, where):
    # A call line with the tool's lines on both sides (before it, and between it
    # and its file line), and several of them between a goroutine's header and its
    # first frame; blank lines among them (npm's, pytest's), never blank lines
    # alone (a journal that doubles every line puts one between any two).
    lines = (SAMPLES / "go1.27/deadlock.txt").read_text(encoding="utf-8").splitlines()
    noise = _noise_lines(tool, blank=True)
    for k in range(0, len(noise) - 4, 3):
        run = noise[k:k + 4]
        if not any(t.strip() for t in run[:2]) or not any(t.strip() for t in run[2:]):
            continue
        if where == "call":
            at = lines.index("main.main()")  # (after `\t/app/main.go:260 +0x18c`)
            mixed = lines[:at] + run[:2] + lines[at:at + 1] + run[2:] + lines[at + 1:]
        else:
            at = lines.index("goroutine 1 [chan receive]:") + 1
            mixed = lines[:at] + run + lines[at:]
        assert frames_apart("\n".join(mixed), mixed), run
        assert _reading("\n".join(mixed) + "\n") == _reading("\n".join(lines) + "\n"), run


def test_blank_lines_alone_between_frames_send_nothing_to_the_separator():
    # a journal's double spacing (samples/wild balena175): a blank after every line
    lines = (SAMPLES / "go1.27/deadlock.txt").read_text(encoding="utf-8").splitlines()
    doubled = [x for line in lines for x in (line, "")]
    assert not frames_apart("\n".join(doubled), doubled)


def _leading_word(text: str) -> str:
    return text[:len(text) - len(text.lstrip())] + text.split()[0]


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("crash", ["go1.21/panic_in_goroutine.txt", "gccgo12/gccgo_bolt.txt",
                                   "gccgo12/gccgo_error.txt"])
def test_a_tool_s_line_after_the_panic_line_is_set_aside_when_its_kin_stand_between_frames(
        crash, tool):
    # Right after `panic: VALUE` a raw value may run on (before Go 1.23, and
    # gccgo's): a tool's line there reads as the value's next line. A line that
    # begins as lines set aside between the frames do (`    at …`, `cc …`, `E …`,
    # `mkdir …`) is the same writer's: a value's own lines are its unique text.
    lines = (SAMPLES / crash).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("panic: ") and lines[1] == ""
    file_lines = [i for i, t in enumerate(lines) if t.startswith("\t")]
    noise = _noise_lines(tool)
    kin = [(a, b) for i, a in enumerate(noise) for b in noise[i + 1:]
           if _leading_word(a) == _leading_word(b)]
    assert kin
    for first, second in kin[:3]:
        at = file_lines[0] + 1  # (the line after the first frame's file line)
        mixed = [lines[0], first, *lines[1:at], second, *lines[at:]]
        _, spans = split_streams(ingest("\n".join(mixed) + "\n", "build.log"), Options())
        noise_lines = {n - 1 for a, b in spans for n in range(a, b + 1)}
        assert {1, at + 1} <= noise_lines, (first, second)
        assert _reading("\n".join(mixed) + "\n") == _reading("\n".join(lines) + "\n")


@pytest.mark.parametrize("tool", TOOLS)
def test_a_value_s_own_lines_stay_when_the_tool_s_lines_begin_otherwise(tool):
    # the evidence is the other writer's lines alone: a value line whose first
    # word no line set aside shares is the value's, among any tool's lines
    lines = (SAMPLES / "go1.21/panic_multiline_error.txt").read_text(encoding="utf-8").splitlines()
    (alone,) = analyze_many([ingest("\n".join(lines) + "\n", "build.log")]).reports
    value = alone.message.split("\n")
    at = lines.index("main.main()")
    noise = _noise_lines(tool)
    for k in range(0, len(noise) - 2, 2):
        mixed = lines[:at] + noise[k:k + 2] + lines[at:]
        (got,) = analyze_many([ingest("\n".join(mixed) + "\n", "build.log")]).reports
        assert got.message.split("\n") == value


@pytest.mark.parametrize("tool", ["npm.log", "pytest.log"])
def test_a_tool_s_blank_line_before_a_chained_panic_is_set_aside(tool):
    # Go prints a chain's links one after another (`panic: first` / `\tpanic:
    # second`): a blank line between them is another writer's (npm's, pytest's
    # output has them), which would end the report before its chain and goroutine
    lines = (SAMPLES / "go1.19/nested_panic.txt").read_text(encoding="utf-8").splitlines()
    assert lines[1] == "\tpanic: second" and lines[2] == ""
    noise = _noise_lines(tool)
    at = lines.index("main.main()")
    for k in range(0, len(noise) - 3, 3):
        mixed = [lines[0], noise[k], "", noise[k + 1], *lines[1:at], noise[k + 2], *lines[at:]]
        assert _reading("\n".join(mixed) + "\n") == _reading("\n".join(lines) + "\n")


def test_a_race_report_is_read_between_its_rules_only():
    report = (SAMPLES / "go1.27/race_run.txt").read_text(encoding="utf-8")
    assert not frames_apart(report)
    lines = report.splitlines()
    inside = lines.index("Previous write at 0x00c0000180e8 by main goroutine:")
    tool = "cc -Wall -O2   -c -o warn.o warn.c"
    assert frames_apart("\n".join([*lines[:inside], tool, *lines[inside:]]) + "\n")
    # after its closing rule, the lines are no longer the report's: the race
    # runtime's summary and the exit status, and whatever runs next
    closed = lines.index("==================", 1)
    assert not frames_apart("\n".join([*lines[: closed + 1], tool, *lines[closed + 1:]]) + "\n")


def test_the_release_a_traceback_shows_is_its_own():
    # go_version.py's marks (a GOROOT naming its release, functions only later
    # releases have): on every capture of samples/ they read the capture's own
    # toolchain, or nothing; on the wild pastes that state their release, never
    # another side of 1.23 than it
    import json

    shown = {}
    for path in sorted(SAMPLES.glob("go1.*/*.txt")):
        release = int(path.parent.name.split(".")[1])
        got = indents_values("\n" + path.read_text(encoding="utf-8", errors="replace"))
        assert got in (None, release >= INDENTING), path
        shown[got] = shown.get(got, 0) + 1
    assert shown[True] > 90 and shown[False] > 60  # (measured 97 and 68 of 370)
    wild = SAMPLES / "wild"
    for entry in json.loads((wild / "index.json").read_text(encoding="utf-8")):
        stated = re.match(r"1\.(\d+)", entry["go"] or "")  # (`1.22+ (386)`, `1.12rc1`)
        if stated is None:
            continue
        minor = int(stated.group(1))
        got = indents_values("\n" + (wild / entry["file"]).read_text(errors="replace"))
        assert got in (None, minor >= INDENTING), entry["file"]


@pytest.mark.parametrize(("line", "shown"), [
    ("\t/opt/gobin/1.23.9/go/src/runtime/panic.go:770 +0x124", True),
    ("\t/usr/lib/go-1.19/src/runtime/panic.go:884 +0x213", False),
    ("\t/root/sdk/go1.22.0/src/net/http/server.go:2166 +0x29", False),
    ("\t/x/golang.org/toolchain@v0.0.1-go1.24.1.linux-arm64/src/sync/once.go:76 +0xb4", True),
    # the release's element at most three before `src/`, a standard package after it
    ("\t/opt/1.19/a/b/c/src/runtime/panic.go:884 +0x213", None),
    ("\t/home/u/go1.19/src/github.com/a/b.go:1 +0x1", None),
    # a file's line after the package: none, or only before it
    ("\t/usr/lib/go-1.19/src/runtime/panic.go", None),
    ("\t/x.go:1 /usr/lib/go-1.19/src/runtime/", None),
    # a tab leads a frame's file line
    ("/usr/lib/go-1.19/src/runtime/panic.go:884 +0x213", None),
    # each line's first element that names a release, whatever follows it
    ("\t/usr/lib/go-1.19/src/runtime/a.go:1 /opt/1.23.9/src/os/b.go:2", False),
    # a minor release of thousands of digits (int() refuses over 4 300) is a later one
    ("\t/1." + "7" * 5000 + "/src/runtime/a.go:1", True),
])
def test_a_frame_s_goroot_shows_its_release(line: str, shown: bool | None):
    assert indents_values("panic: boom\n" + line + "\n") is shown


def test_a_long_file_line_of_goroot_elements_shows_the_first_one():
    # (each element that names a release was read to the line's end and back:
    # quadratic in the line, 0.3 s at 64 KB; bench_adversarial long-goroot-elements)
    line = "\t" + "/1.2/src/runtime/a.go:" * 3000
    assert indents_values("\n" + line) is None  # (no `.go:N`: no digit after a colon)
    assert indents_values("\n" + line + "1") is False
    assert indents_values("\n" + line.replace("1.2", "1.24", 1) + "1") is True


def _spread(lines: list[str], n: int = 5) -> list[str]:
    """n of the lines, spread over them."""
    return lines[::max(1, len(lines) // n)][:n]


# Captures whose frames show their release (a GOROOT naming it) and whose value
# is a string or an error: Go 1.23 and later tab a value's later lines.
SHOWN_LATER = ["go1.23/negative_waitgroup.txt", "go1.25/negative_waitgroup.txt",
               "go1.27/negative_waitgroup.txt", "go1.27/labels.txt"]


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("crash", SHOWN_LATER)
def test_a_tool_s_line_after_the_panic_line_of_go_1_23_or_later_is_set_aside(crash, tool):
    # Right after `panic: VALUE` a line no tab begins is no part of the value
    # where the report shows Go 1.23 or later: any tool line, alone, whatever it
    # begins with (before, it read as the value's next line: 10 of 40 merges each)
    lines = (SAMPLES / crash).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("panic: ") and lines[1] == ""
    assert indents_values("\n".join(lines)) is True
    noise = _noise_lines(tool)
    for line in _spread(noise):
        mixed = [lines[0], line, *lines[1:]]
        assert _reading("\n".join(mixed) + "\n") == _reading("\n".join(lines) + "\n"), line


@pytest.mark.parametrize("tool", TOOLS)
def test_a_tool_s_line_after_the_panic_line_of_go_1_21_reads_as_the_value_s(tool):
    # The same crash printed by Go 1.21, which prints a value's later lines raw:
    # a line alone right after `panic:`, that nothing else in the log begins as,
    # may be the value's own, and is read as it
    lines = (SAMPLES / "go1.21/negative_waitgroup.txt").read_text(encoding="utf-8").splitlines()
    assert indents_values("\n".join(lines)) is False
    noise = _noise_lines(tool)
    mixed = [lines[0], noise[0], *lines[1:]]
    (report,) = analyze_many([ingest("\n".join(mixed) + "\n", "build.log")]).reports
    assert report.message.split("\n")[1:] == [noise[0].strip()]


# Values the runtime formats itself (runtime/error.go printpanicval): a number, a
# bool, nil, a named number, a struct's type and address; and a failed type
# assertion's message (TypeAssertionError): one line in every release.
PRINTED_WHOLE = [f"go1.{v}/{name}.txt" for v in (19, 21, 27)
                 for name in ("panic_int", "panic_bool", "panic_float", "panic_named_int",
                              "panic_nil", "panic_struct", "panic_struct_ptr",
                              "type_assertion")]


@pytest.mark.parametrize("crash", PRINTED_WHOLE)
def test_a_tool_s_line_after_a_value_the_runtime_prints_whole_is_set_aside(crash):
    lines = (SAMPLES / crash).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("panic: ") and lines[1] == ""
    alone = _reading("\n".join(lines) + "\n")
    for tool in TOOLS:
        noise = _noise_lines(tool)
        for k in (0, 7):
            mixed = [lines[0], noise[k], noise[k + 1], *lines[1:]]
            assert _reading("\n".join(mixed) + "\n") == alone, (tool, noise[k])


@pytest.mark.parametrize("tool", TOOLS)
def test_a_tool_s_line_after_a_value_s_final_newline_is_set_aside(tool):
    # Go 1.21's testing panics with a logged line, newline and all: `panic: Log in
    # goroutine after … completed: late`, a blank line (the value's own last
    # one), Go's blank line. A line between the two is the other writer's: the
    # parser reads no raw value after a blank line
    lines = (SAMPLES / "go1.21/test_log_after.txt").read_text(encoding="utf-8").splitlines()
    at = next(i for i, t in enumerate(lines) if t.startswith("panic: "))
    assert lines[at + 1:at + 3] == ["", ""]
    alone = _reading("\n".join(lines) + "\n")
    noise = _noise_lines(tool)
    for line in _spread(noise):
        mixed = [*lines[:at + 2], line, *lines[at + 2:]]
        assert _reading("\n".join(mixed) + "\n") == alone, line


@pytest.mark.parametrize("tool", TOOLS)
def test_a_blank_line_before_a_chained_panic_of_go_1_25_is_set_aside(tool):
    # Go 1.25's chain of three (`panic: first` / `\tpanic: second [recovered]` /
    # `\tpanic: third: second`), its GOROOT showing its release: a tool's line and
    # a blank line after the opener are both set aside, and the chain is kept
    lines = (SAMPLES / "go1.25/panic_chain3.txt").read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("\tpanic: ")
    alone = _reading("\n".join(lines) + "\n")
    noise = _noise_lines(tool)
    for line in _spread(noise):
        mixed = [lines[0], line, "", *lines[1:]]
        assert _reading("\n".join(mixed) + "\n") == alone, line


@pytest.mark.parametrize("crash", ["go1.27/deadlock.txt", "go1.21/panic_in_goroutine.txt",
                                   "go1.19/nested_panic.txt", "go1.27/http_panic.txt"])
def test_a_tool_s_blank_line_inside_a_goroutine_is_set_aside(crash):
    # npm's and pytest's output hold blank lines; Go prints one only before a
    # goroutine header. One after a header, between two frames, or between a
    # call line and its file line ended the goroutine there (the parser read a
    # goroutine without frames and a second one: 37 of the every-sample merges'
    # misses, after a header alone)
    assert "" in _noise_lines("npm.log", blank=True)
    lines = (SAMPLES / crash).read_text(encoding="utf-8").splitlines()
    alone = _reading("\n".join(lines) + "\n")
    header = next(i for i, t in enumerate(lines) if t.startswith("goroutine "))
    places = {"after a header": header + 1, "between frames": header + 3,
              "between a call and its file line": header + 2}
    for where, at in places.items():
        assert lines[at].startswith("\t") == (where == "between a call and its file line")
        mixed = [*lines[:at], "", *lines[at:]]
        assert frames_apart("\n".join(mixed), mixed), where
        _, spans = split_streams(ingest("\n".join(mixed) + "\n", "build.log"), Options())
        assert [n - 1 for a, b in spans for n in range(a, b + 1)] == [at], where
        assert _reading("\n".join(mixed) + "\n") == alone, where
