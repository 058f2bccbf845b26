"""The Python API as a triage bot uses it: what it can be given, and
fingerprints that hold across separate runs of one binary."""

from __future__ import annotations

import collections
import gzip
import io
from pathlib import Path

import pytest

import stackdemux
from stackdemux import InputError, Options

ROOT = Path(__file__).resolve().parent.parent
NIL_MAP = ROOT / "samples/go1.27/nil_map.txt"
COMPOSE = ROOT / "samples/interleaved/compose-bbolt.log"
CASES = ROOT / "tests/corpus/cases"


def fingerprints(analysis) -> list[tuple[str, str, int]]:
    return [(g.fingerprint, g.title, g.count) for g in analysis.groups]


@pytest.mark.parametrize("opened", [
    lambda p: p.open("rb"),
    lambda p: p.open(encoding="utf-8"),
    lambda p: io.BytesIO(p.read_bytes()),
    lambda p: gzip.GzipFile(fileobj=io.BytesIO(gzip.compress(p.read_bytes()))),
], ids=["binary file", "text file", "BytesIO", "GzipFile"])
def test_an_open_file_is_read_like_its_path(opened):
    # a bot holds a download's body or an opened artifact, not a path
    with opened(COMPOSE) as f:
        got = stackdemux.analyze(f)
    assert fingerprints(got) == fingerprints(stackdemux.analyze(COMPOSE))
    assert len(got.streams) == 3


def test_an_open_file_is_named_by_its_name():
    with NIL_MAP.open("rb") as f:
        assert stackdemux.analyze(f).sources == [str(NIL_MAP)]


def test_an_empty_path_is_an_error_that_says_so():
    # (it read the current directory: ": is a directory, not a log file")
    with pytest.raises(InputError, match="an empty path"):
        stackdemux.analyze("")


def test_keywords_change_the_options_given_with_them():
    # they were dropped when an Options came too: analyse=True gave no groups
    got = stackdemux.analyze(NIL_MAP, Options(analyse=False), analyse=True)
    assert [g.title for g in got.groups] == ["panic: assignment to entry in nil map"]
    kept = Options(analyse=False)
    stackdemux.analyze(NIL_MAP, kept, analyse=True)
    assert kept.analyse is False  # the caller's Options is not changed


def test_two_logs_given_to_analyze_is_an_error_that_names_analyze_many():
    # (it raised dataclasses.replace's "should be called on dataclass instances")
    with pytest.raises(TypeError, match=r"analyze_many\(\[a, b\]\)"):
        stackdemux.analyze(NIL_MAP, COMPOSE)


def corpus_runs() -> dict[tuple[str, str], list[Path]]:
    """Each corpus program's separate runs: the p<N>.out files of its family's cases."""
    runs: dict[tuple[str, str], list[Path]] = collections.defaultdict(list)
    for out in sorted(CASES.glob("*/p*.out")):
        runs[(out.parent.name.split("-")[0], out.name)].append(out)
    return runs


# A SIGQUIT dump under GOTRACEBACK=crash prints each thread's stack; which
# runtime function an idle thread was in (futex or netpoll) is timing, and
# such a thread's report is a group of its own: a known limit of the grouping
# (analyse/groups.py, analyse/chains.py), reported, not fixed here.
_IDLE_THREADS = {("sigquit", "p3.out")}


@pytest.mark.parametrize("program", sorted(set(corpus_runs()) - _IDLE_THREADS), ids="/".join)
def test_separate_runs_of_one_binary_have_the_same_fingerprints(program):
    # goroutine ids, addresses, timings and wait times differ from run to run
    seen = {tuple(sorted({g.fingerprint for g in stackdemux.analyze(p).groups}))
            for p in corpus_runs()[program]}
    assert len(seen) == 1, seen
