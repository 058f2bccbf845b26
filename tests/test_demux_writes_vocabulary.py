"""A vocabulary for the write decoder (issue 3): what a merge's processes
print that is known before their writes are read.

Every frame of the runtime and the standard library is a fixed (function,
file, line) of its Go release, learned from real captures (samples/go1.*, the
corpus's other groups' outputs), never from the processes being read; a frame
whose two lines stand whole in the merge is known from the merge itself.
tests/corpus/writes_vocabulary.py measures what that buys the decoder (the
figures are in stackdemux/demux/writes.py's comment); these pin what it
measures with.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "corpus"))

import writes_vocabulary as V
from writes_significant import owned

from stackdemux.demux import writes_repeats as R
from stackdemux.demux.writes_decode import decode

GO119_PROC = "/usr/lib/go-1.19/src/runtime/proc.go"
SCRIPT = Path(__file__).parent / "corpus" / "writes_vocabulary.py"


def test_the_runtimes_frames_are_learned_per_release_and_never_from_the_case_read(
        monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[str] = []
    add = V.Vocabulary.add_output
    monkeypatch.setattr(V.Vocabulary, "add_output",
                        lambda self, out: (read.append(out), add(self, out))[1])
    vocab = V.go_vocabulary("bolt-writes-time")
    _, _, outs = owned("bolt-writes-time")
    # a group's cases hold the same processes: none of their outputs is read
    assert read and not set(outs) & set(read)
    # Go 1.19 parks a goroutine at proc.go:363 (samples/go1.19); Go 1.23 elsewhere
    assert ("runtime.gopark", "runtime/proc.go", "363") in vocab.go["1.19"]
    assert ("runtime.gopark", "runtime/proc.go", "363") not in vocab.go["1.23"]
    # only files under a GOROOT: a program's own frames are no Go release's
    assert all(not tail.startswith("/") for frames in vocab.go.values() for _, tail, _ in frames)


def test_a_frame_is_its_call_lines_function_and_its_file_lines_place() -> None:
    out = ("goroutine 1 [semacquire]:\n"
           "sync.(*WaitGroup).Wait(0x2?)\n"
           f"\t{GO119_PROC.replace('runtime/proc.go', 'sync/waitgroup.go')}:139 +0x52\n"
           "created by main.concurrentMapWrites in goroutine 1\n"
           "\t/work/main/tests/corpus/programs/main.go:253 +0x45\n")
    lines = V.lines_of(out)
    assert [line.kind for line in lines] == ["other", "call", "file", "created", "file"]
    assert lines[1].frame == ("sync.(*WaitGroup).Wait", "sync/waitgroup.go", "139")
    assert lines[1].release == "1.19"
    assert lines[4].frame == ("main.concurrentMapWrites",
                              "/work/main/tests/corpus/programs/main.go", "253")
    assert lines[4].release is None


@pytest.mark.parametrize("case", ["gotest-writes-time", "gotest-writes-shuffle"])
def test_every_line_is_whole_in_the_merge_or_broken_and_the_vocabulary_names_broken_frames(
        case: str) -> None:
    cov = V.coverage(case)
    n = cov.lines
    assert n["whole"] + n["broken frame"] + n["broken other"] == n["lines"]
    assert 0 < n["go, any release"] <= n["broken frame"]
    assert max(n["go, any release"], n["region"]) <= n["go or region"] <= n["broken frame"]


def test_in_a_shuffled_merge_no_frame_stands_whole_to_learn_from() -> None:
    # strace's writes in random order: no call line and file line of one frame
    # both stand whole (in time order they do: gotest-writes-time's)
    assert V.coverage("gotest-writes-shuffle").lines["region"] == 0
    assert V.coverage("gotest-writes-time").lines["region"] > 0


def test_a_seeded_reading_has_seen_the_releases_frames() -> None:
    seen = V.seeded({("runtime.gopark", "runtime/proc.go", "363")}, set())
    assert seen.line("runtime.gopark", GO119_PROC, "363")[0] == -R.B_LINE
    # another process's digit glued behind the line number
    assert seen.line("runtime.gopark", GO119_PROC, "3631")[0] == R.W_LINE
    assert R.Seen().line("runtime.gopark", GO119_PROC, "363")[0] == 0.0


def test_a_name_known_whole_is_the_longest_that_starts_there() -> None:
    text = "runtime.goparkunlock(...)\n"
    ends = V.name_ends(text, {"runtime.gopark", "runtime.goparkunlock"})
    assert ends[0] == len("runtime.goparkunlock") and not any(ends[1:])


def test_a_process_read_with_its_names_known_reads_the_same() -> None:
    # a process's own output, alone: its names known whole change no line
    _, _, outs = owned("crash-writes-time")
    text = "\n".join(outs[1].split("\n")[:12]) + "\n"
    names = V.name_ends(text, {"runtime.fatal", "runtime.mapassign_fast64",
                               "/usr/lib/go-1.19/src/runtime/map_fast64.go"})
    free, named = decode(text), decode(text, names=names)
    assert named.processes == free.processes and not named.noise
    assert len(named.processes) == 1


def test_the_measurement_runs() -> None:
    got = subprocess.run([sys.executable, str(SCRIPT), "gotest-writes-time"],
                         capture_output=True, text=True, check=True, timeout=300)
    assert got.stdout.startswith("gotest-writes-time: 93 lines")
    assert "total:" in got.stdout
