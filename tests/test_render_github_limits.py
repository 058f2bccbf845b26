"""GitHub shows at most 10 error and 10 notice annotations per step, each kind
counted on its own (actions/toolkit's problem-matchers.md, "Limitations"). A
crash group is an `::error`, a goroutine dump a `::notice`: a dump never takes a
crash's place, and the one notice that says what was left unannotated counts
crashes and dumps apart. Real captures of Go 1.19-1.27."""

from __future__ import annotations

import re
from pathlib import Path

from stackdemux.api import analyze_many
from stackdemux.render import RenderOptions, render
from stackdemux.render.failures import failure_views, said_by_failures
from stackdemux.render.view import ci_views, group_views

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
# pprof, runtime.Stack, debug.PrintStack and a leak profile, printed on purpose
DUMPS = [SAMPLES / f"go{v}/{name}" for v, name in (
    ("1.19", "runtime_stack.txt"), ("1.21", "runtime_stack.txt"), ("1.27", "runtime_stack.txt"),
    ("1.21", "pprof_debug2.txt"), ("1.25", "pprof_debug2.txt"), ("1.27", "pprof_debug2.txt"),
    ("1.21", "debug_printstack.txt"), ("1.27", "debug_printstack.txt"),
    ("1.27", "goroutine_leak_profile.txt"))]


def _annotations(paths: list[Path], **options: object) -> tuple[list[str], list[str]]:
    out = render(analyze_many([str(p) for p in paths]), "github",
                 RenderOptions(stop_token="T", **options))  # type: ignore[arg-type]
    commands = [ln for ln in out.splitlines() if re.match(r"::(error|notice)[ :]", ln)]
    return ([c for c in commands if c.startswith("::error")],
            [c for c in commands if c.startswith("::notice")])


def test_a_frequent_dump_does_not_take_a_crash_s_place() -> None:
    # the dumps' groups are the most frequent, so they come first in the report;
    # with room for two errors, the nil dereference seen once is still annotated
    paths = [*DUMPS, SAMPLES / "go1.27/nil_pointer.txt"]
    views = group_views(analyze_many([str(p) for p in paths]))
    assert [v.is_crash for v in views] == [False, False, False, True]
    errors, notices = _annotations(paths, max_errors=2)
    assert len(errors) == 1 and "invalid memory address or nil pointer" in errors[0]
    # one dump (of the room for two notices) and the notice of what was left
    assert len(notices) == 2 and notices[0].startswith("::notice title=goroutine dump::")
    assert notices[1].endswith("::2 more goroutine dumps not annotated (GitHub shows at most "
                               "2 errors and 2 notices per step); see the log below")


def test_a_release_s_crashes_fill_the_ten_errors_and_its_dumps_are_notices() -> None:
    paths = sorted((SAMPLES / "go1.27").glob("*.txt"))
    analysis = analyze_many([str(p) for p in paths])
    # (plain test failures are annotated a failed test each, after the crashes, each
    # under the id a bot files its reports by: ci_views)
    views = [v for v in ci_views(analysis) if not said_by_failures(v)]
    failed = len(failure_views(analysis))
    crashes = sum(v.is_crash for v in views)
    dumps = len(views) - crashes
    assert crashes > 10 and 0 < dumps < 10 and failed > 0
    errors, notices = _annotations(paths)
    assert len(errors) == 10
    assert len(notices) == dumps + 1
    assert (f"::{crashes - 10} more crashes and {failed} more failed tests not annotated"
            in notices[-1])
    assert all(n.startswith("::notice title=goroutine dump::") for n in notices[:-1])


def test_within_the_limits_every_group_is_annotated_and_nothing_more_is_said() -> None:
    errors, notices = _annotations([*DUMPS, SAMPLES / "interleaved/compose-bbolt.log"])
    assert len(errors) == 2 and len(notices) == 3
    assert not any("not annotated" in n for n in notices)
