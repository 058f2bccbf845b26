"""Paste repair: real crash output, damaged the way pastes damage it, comes back whole.

Every test damages real samples (samples/, the peer conformance crashes)
programmatically and checks the repaired text equals the original, with each
repaired line knowing the input lines it came from.
"""

from __future__ import annotations

import html
import json
import random
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_conformance_panicparse import PASTE_DAMAGE

from stackdemux.demux.paste import _STRONG_KINDS, kind, may_be_joined, repair

ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE = Path("/work/shared/conformance")
NOISE = ROOT / "tests" / "corpus" / "noise"  # real build-tool output


def read_lines(path: Path) -> list[str]:
    lines = path.read_text(errors="replace").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


LOGGED_FLAT = {"stack_logged_flat"}


def clean_inputs() -> dict[str, list[str]]:
    out = {}
    for f in sorted(ROOT.glob("samples/go*/*.txt")) + sorted(CONFORMANCE.glob("*/*.txt")):
        if f.stem in LOGGED_FLAT:
            continue  # damaged by the program's own logger (tests/test_demux_paste_flat.py)
        out[f"{f.parent.name}/{f.name}"] = read_lines(f)
    for f in sorted((CONFORMANCE / "panicparse").glob("*.json")):
        if f.stem in PASTE_DAMAGE:
            continue  # copies whose tabs became spaces: damaged, by panicparse's own account
        out[f"panicparse/{f.name}"] = json.loads(f.read_text())["input"].split("\n")
    return out


CLEAN = clean_inputs()
# Crash outputs to damage: the real runs (not the peers' hand-made parser inputs).
CRASHES = {k: v for k, v in CLEAN.items()
           if (k.startswith("go1.") or k.startswith("panicparse-crashes/"))
           and any(kind(x) == "goroutine_header" for x in v)}


def assert_provenance(damaged, got):
    """Each repaired line names input lines; together with the dropped ones, all of them."""
    assert len(got.lines) == len(got.origins)
    seen = {n for origin in got.origins for n in origin} | set(got.dropped)
    assert seen == set(range(1, len(damaged) + 1))
    firsts = [origin[0] for origin in got.origins]
    assert firsts == sorted(firsts)


def assert_repaired(original, damaged, repair_name=None):
    got = repair(damaged)
    assert_provenance(damaged, got)
    assert got.lines == original
    if repair_name is not None and damaged != original:
        assert repair_name in got.applied, got.applied
    return got


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean_output_passes_through_unchanged(name):
    got = repair(CLEAN[name])
    assert got.lines == CLEAN[name]
    assert got.applied == {}
    assert got.origins == [(i,) for i in range(1, len(CLEAN[name]) + 1)]


# ---------------------------------------------------------------- damages ---


def is_file_line(line):
    return kind(line) == "frame_file"


DAMAGES = {
    "crlf": lambda ls: [x + "\r" for x in ls],
    "html escapes": lambda ls: [html.escape(x) for x in ls],
    "quoting": lambda ls: ["> " + x if x else ">" for x in ls],
    "syslog escapes": lambda ls: [x.replace("\t", "#011") for x in ls],
    "glued gutter": lambda ls: [f"{i}{x}" for i, x in enumerate(ls, start=1)],
    "lost tabs": lambda ls: [x.lstrip("\t") if is_file_line(x) else x for x in ls],
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
@pytest.mark.parametrize("name", sorted(CRASHES))
def test_a_damage_is_undone(damage, name):
    original = CRASHES[name]
    assert_repaired(original, DAMAGES[damage](original), damage)


@pytest.mark.parametrize("name", sorted(CRASHES)[::3])
def test_nested_quoting_and_nbsp_indentation(name):
    original = CRASHES[name]
    # A rich-text editor turns a file line's tab into non-breaking spaces.
    nbsp = [x.replace("\t", "\u00a0" * 4) if is_file_line(x) else x for x in original]
    damaged = [">> " + x if x else ">>" for x in nbsp]
    got = assert_repaired(original, damaged)
    assert {"quoting", "nbsp"} <= set(got.applied)


@pytest.mark.parametrize("name", sorted(CRASHES)[::2])
def test_a_gutter_collapsed_onto_one_line_is_dropped_and_said(name):
    original = CRASHES[name]
    gutter = " ".join(str(i) for i in range(1, len(original) + 1))
    got = assert_repaired(original, [gutter, *original], "collapsed gutter")
    assert got.dropped == [1]
    assert got.origins[0] == (2,)


@pytest.mark.parametrize("name", sorted(CRASHES))
def test_a_frame_on_one_line_is_split_in_two(name):
    original = CRASHES[name]
    damaged = []
    i = 0
    while i < len(original):
        if (i + 1 < len(original) and kind(original[i]) == "frame_call"
                and is_file_line(original[i + 1])):
            damaged.append(original[i] + " " + original[i + 1].lstrip("\t"))
            i += 2
        else:
            damaged.append(original[i])
            i += 1
    got = assert_repaired(original, damaged, "joined lines")
    assert len(got.origins) == len(original)


@pytest.mark.parametrize("seed", range(6))
def test_random_lines_joined_with_a_space_are_split(seed):
    rng = random.Random(seed)
    name = rng.choice(sorted(CRASHES))
    original = CRASHES[name]
    damaged = list(original)
    # Join a goroutine header, or a frame's call line, to the line before it.
    spots = [i for i in range(1, len(original))
             if kind(original[i]) in ("goroutine_header", "frame_call", "created_by")
             and kind(original[i - 1]) in ("frame_file", "frame_call", "goroutine_header")]
    for i in sorted(rng.sample(spots, min(3, len(spots))), reverse=True):
        damaged[i - 1:i + 1] = [damaged[i - 1] + " " + damaged[i]]
    assert_repaired(original, damaged, "joined lines" if spots else None)


def frames_on_one_line(lines, glue=" "):
    """Each frame's call and file line on one line, `glue` for the newline between."""
    out, i = [], 0
    while i < len(lines):
        if i + 1 < len(lines) and kind(lines[i]) == "frame_call" and is_file_line(lines[i + 1]):
            out.append(lines[i] + glue + lines[i + 1])
            i += 2
        else:
            out.append(lines[i])
            i += 1
    return out


@pytest.mark.parametrize("name", sorted(CRASHES)[::2])
def test_a_frame_joined_with_a_space_before_its_tab_is_split(name):
    """`call() \t/path.go:1 +0x…`: the newline became a space, the tab stayed."""
    original = CRASHES[name]
    damaged = frames_on_one_line(original, " ")  # the file line keeps its tab
    assert_repaired(original, damaged, "joined lines")


def blank_before_header(lines):
    return [i for i in range(len(lines) - 1)
            if lines[i] == "" and kind(lines[i + 1]) == "goroutine_header"]


@pytest.mark.parametrize("name", [k for k in sorted(CRASHES) if blank_before_header(CRASHES[k])])
def test_an_empty_line_joined_with_a_space_leaves_no_space(name):
    """A blank line joined to its neighbour leaves one space: before the goroutine
    header after it, or after the file line before it."""
    original = CRASHES[name]
    blanks = set(blank_before_header(original))
    damaged = [" " + x if i - 1 in blanks else x
               for i, x in enumerate(original) if i not in blanks]
    got = repair(damaged)
    assert_provenance(damaged, got)
    # The blank line itself is gone (it was only a newline): every other line comes back.
    assert got.lines == [x for i, x in enumerate(original) if i not in blanks]
    trailing = [x + " " if is_file_line(x) else x for x in original]
    assert_repaired(original, trailing, "spaces at the ends")


@pytest.mark.parametrize("name", sorted(CRASHES)[::3])
def test_a_glued_gutter_over_frames_on_one_line_is_taken_off(name):
    """Damage on damage: line numbers glued before lines that are themselves two
    lines joined; the gutter is seen through the join, then the join is split."""
    original = CRASHES[name]
    joined = frames_on_one_line(original, " ")
    damaged = DAMAGES["glued gutter"]([x.replace(" \t", " ") for x in joined])
    got = assert_repaired(original, damaged)
    assert {"glued gutter", "joined lines"} <= set(got.applied)


def deep_file_lines(lines):
    """File lines of absolute paths with four elements or more."""
    return [x for x in lines if is_file_line(x) and x.startswith("\t/")
            and x.split(":")[0].count("/") >= 4]


@pytest.mark.parametrize("name", [k for k in sorted(CRASHES) if deep_file_lines(CRASHES[k])])
def test_a_line_cut_by_a_read_is_not_taken_for_a_lost_tab(name):
    """A collector reading pipes by read() chunks glues the head of one line to the
    tail of another's file line (`runtime.forcegchelpe/corpus/main.go:257 +0x98`):
    that is a splice for splice.py, not a file line that lost its tab."""
    original = CRASHES[name]
    calls = [i for i, x in enumerate(original) if kind(x) == "frame_call" and len(x) > 12]
    files = deep_file_lines(original)
    rng = random.Random(name)
    damaged = list(original)
    spliced = set()
    for i in rng.sample(calls, min(3, len(calls))):
        path = rng.choice(files)
        cut = path.index("/", 2) - rng.randint(0, 2)  # in or after its first directory
        damaged[i] = original[i][:len(original[i]) // 2] + path[cut:]
        spliced.add(damaged[i])
    # A file line cut before its offset, then the end of another's file name.
    j = next(j for j, x in enumerate(original) if is_file_line(x) and " +0x" in x)
    head = original[j][:original[j].index(" +0x") + 1]
    other = rng.choice(files)
    damaged[j] = head + other[other.rindex(".", 0, other.index(":")):]
    spliced.add(damaged[j])
    got = repair(damaged)
    assert_provenance(damaged, got)
    assert spliced <= set(got.lines), spliced - set(got.lines)


def hard_wrap(lines, width=80):
    out = []
    for x in lines:
        out.extend([x[k:k + width] for k in range(0, len(x), width)] or [""])
    return out


def test_hard_wraps_at_80_columns_are_joined():
    """Most wrapped traceback lines come back whole (known misses: a wrap whose
    pieces each read as traceback lines of their own is left as it is)."""
    wrapped, whole = 0, 0
    for _name, original in sorted(CRASHES.items()):
        damaged = hard_wrap(original)
        if damaged == original:
            continue
        got = repair(damaged)
        assert_provenance(damaged, got)
        for line in original:
            if len(line) > 80 and kind(line) in ("frame_call", "frame_file", "goroutine_header"):
                wrapped += 1
                whole += line in got.lines
    assert wrapped > 10
    # Measured: 2879 of 3210 (90 %) on the samples of this commit.
    assert whole >= 0.85 * wrapped, f"{whole} of {wrapped} wrapped lines joined"


def test_a_whole_file_line_as_wide_as_the_log_takes_no_other_writer_s_line():
    # GOTRACEBACK=crash's file lines are all about as wide: the widest, seen twice,
    # reads as a paste's width; npm's next line would read as its wrapped tail (a
    # path `…amd64.s:575 +0x21 … pc=0x48efe1    at node:internal/…`, line 49)
    file = ("\t/opt/gobin/1.27.3/go/src/runtime/sys_linux_amd64.s:575 +0x21"
            " fp=0x1c5ed0467c98 sp=0x1c5ed0467c90 pc=0x48efe1")
    npm = "    at node:internal/main/run_main_module:28:49"
    lines = [file, npm, "runtime.futexsleep(0x1c5ed041d2c0?, 0xd0467d10?, 0x45cfe8?)", file]
    assert repair(lines).lines == lines


@pytest.mark.parametrize("name", sorted(CRASHES)[::2])
def test_spaces_around_punctuation_in_file_lines_are_removed(name):
    original = CRASHES[name]
    def spaced(x):
        if not is_file_line(x) or ".go:" not in x or "/" not in x:
            return x
        path, _, rest = x.rpartition(".go:")
        head, _, last = path.rpartition("/")
        return f"{head} /{last} .go :{rest}"
    got = assert_repaired(original, [spaced(x) for x in original])
    assert "spaces around punctuation" in got.applied


@pytest.mark.parametrize("style", ["logfmt", "json"])
def test_a_dump_escaped_inside_one_log_record_is_unescaped(style):
    original = CRASHES[sorted(CRASHES)[0]]
    text = "\n".join(original) + "\n"
    if style == "logfmt":
        record = f'time=2026-01-02T03:04:05Z level=error msg={json.dumps(text)} component=worker'
    else:
        record = orjson.dumps({"level": "error", "msg": text, "component": "worker"}).decode()
    damaged = ["starting worker", record, "worker exited"]
    got = repair(damaged)
    assert_provenance(damaged, got)
    assert got.lines[0] == "starting worker" and got.lines[-1] == "worker exited"
    inner = got.lines[2:2 + len(original)]
    assert inner == original
    assert got.origins[2:2 + len(original)] == [(2,)] * len(original)
    assert "escaped dump" in got.applied


def test_everything_at_once():
    original = next(v for _, v in sorted(CRASHES.items()) if any(html.escape(x) != x for x in v))
    damaged = DAMAGES["quoting"](DAMAGES["html escapes"](DAMAGES["crlf"](
        DAMAGES["lost tabs"](original))))
    got = assert_repaired(original, damaged)
    assert {"quoting", "html escapes", "crlf", "lost tabs"} <= set(got.applied)


ALL_LINES = [x for v in CRASHES.values() for x in v]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(ALL_LINES) - 1), st.integers(0, 9)),
                min_size=1, max_size=60))
def test_random_damage_never_raises_and_never_loses_a_line(picks):
    damaged = []
    for i, how in picks:
        x = ALL_LINES[i]
        damaged.append([x, x.lstrip("\t"), f"{i}{x}", "> " + x, html.escape(x), x + "\r",
                        x.replace("\t", "#011"), x.replace("/", " /"), x[:40], x + " " + x][how])
    got = repair(damaged)
    assert_provenance(damaged, got)


# ------------------------------------------------------------- clean input ---


@pytest.mark.parametrize("path", sorted(NOISE.glob("*.log")), ids=lambda p: p.name)
def test_real_build_output_passes_through_unchanged(path):
    lines = read_lines(path)
    got = repair(lines)
    assert got.lines == lines
    assert got.applied == {}


def test_a_path_without_offset_gets_a_tab_only_when_go_compiled_it():
    """An inlined frame's file line (`ledger.go:20`, no +0x) names a Go source; npm's
    `/tmp/x/build.js:2` reads like one that lost its tab but names none."""
    call = "example.com/fleet/ledger.Transfer(...)"
    inlined = "/work/main/tests/corpus/programs/ledger/ledger.go:20"
    assert repair([call, inlined]).lines == [call, "\t" + inlined]
    npm = ["building 12 modules", "/tmp/tmp02r5xfyi/build.js:2"]
    assert repair(npm).lines == npm


def test_every_real_traceback_line_joined_after_text_is_a_join_candidate():
    """The cheap filter in front of the joined-lines repair keeps every line it could split:
    whatever real line of a strong kind follows text and a space."""
    seen = set()
    for lines in CLEAN.values():
        for line in lines:
            k = kind(line)
            if k in _STRONG_KINDS and not line.startswith(" "):
                seen.add(k)
                assert may_be_joined("main.main() " + line), (k, line)
                assert may_be_joined("some text  " + line), (k, line)
    assert {"goroutine_header", "frame_call", "frame_file", "created_by", "panic"} <= seen


def test_a_file_hole_before_a_report_is_read_past():
    """logrotate's copytruncate leaves a hole of NULs where the old file was when
    its writer keeps its offset: the crash written next starts on the hole's line.
    It reads as the clean crash; the hole's NULs are said, not read as text."""
    from stackdemux.api import analyze

    data = (ROOT / "samples" / "go1.27" / "nil_map.txt").read_bytes()
    clean, holed = analyze(data), analyze(bytes(5000) + data)
    assert [(r.kind, r.message, len(r.goroutines)) for r in holed.reports] == [
        (r.kind, r.message, len(r.goroutines)) for r in clean.reports]
    assert holed.reports[0].lines[0][0] == 1  # the hole's line is the report's first
    assert any("file hole" in d.message for d in holed.diagnostics)
    # NULs before a line that is no traceback line stay where they are
    assert repair(["\x00\x00make: done", "\x00panic: boom"]).lines == ["\x00\x00make: done",
                                                                     "panic: boom"]


def test_a_stack_escaped_first_in_a_records_field_is_unescaped():
    # `slog.Error("recovered", "stack", string(debug.Stack()))` with a logfmt
    # handler: the value starts with the goroutine header, no newline before it
    dump = (ROOT / "samples" / "go1.27" / "debug_printstack.txt").read_text()
    record = (f'time=2026-01-02T03:04:05Z level=ERROR msg="recovered from panic" '
              f'stack={json.dumps(dump)}')
    damaged = ["starting worker", record, "worker exited"]
    got = repair(damaged)
    assert_provenance(damaged, got)
    assert got.lines[2:-1] == dump.splitlines()
    assert got.lines[1] == 'time=2026-01-02T03:04:05Z level=ERROR msg="recovered from panic" stack='
    assert "escaped dump" in got.applied
    # a header quoted alone, with no escaped newline, is no escaped dump
    quoted = 'level=info msg="goroutine 7 [running]: is busy"'
    assert repair([quoted]).lines == [quoted]
