"""A crash that names a test's temporary directory is the same crash on every run.

Go's t.TempDir() is os.MkdirTemp(GOTMPDIR, <the test's name without symbols>) plus a
numbered subdirectory (testing.go: `%s%c%03d`), and os.MkdirTemp / os.CreateTemp put a
random decimal (a uint32, os/tempfile.go nextRandom) at the end of the name or at its
last `*`: /tmp/TestSave2635073237/001/db on Linux, C:\\Users\\RUNNER~1\\AppData\\Local\\Temp\\
TestSave…\\001\\db on Windows. The title keeps neither the random part nor the machine's
user and temp root, so the fingerprint does not change between runs or runners; the test
itself is still told apart by the stack (its function is in the fingerprint's route).
"""

from pathlib import Path

import pytest

import stackdemux
from stackdemux.analyse.normalise import normalise

DATA = Path(__file__).parent / "data" / "tempdir"


def test_two_runs_of_a_test_naming_its_temp_dir_share_title_and_fingerprint():
    # real runs (make.sh): /tmp/TestSave2635073237/001/db, then /tmp/TestSave3649707867/001/db
    runs = [stackdemux.analyze(DATA / f"save-run{i}-go1.27.3.txt") for i in (1, 2)]
    messages = [run.reports[0].message for run in runs]
    assert messages[0] != messages[1]
    assert all("/tmp/TestSave" in m and "/001/db" in m for m in messages)
    [first], [second] = (run.groups for run in runs)
    assert first.title == second.title == "panic: open <PATH>: no such file or directory"
    assert first.fingerprint == second.fingerprint


# Real Windows messages, as pasted (each pair: one crash, two runs or two machines).
WINDOWS_SAME_CRASH = [
    # nspcc-dev/neo-go#2736, GitHub's windows runner, two tests (go test on Go 1.19)
    (
        r"testing.go:1097: TempDir RemoveAll cleanup: remove C:\Users\RUNNER~1\AppData\Local"
        r"\Temp\TestRunWithState1718476904\001\000002.ldb: The process cannot access the file"
        " because it is being used by another process.",
        r"testing.go:1097: TempDir RemoveAll cleanup: remove C:\Users\RUNNER~1\AppData\Local"
        r"\Temp\TestEvents4234531837\001\000002.ldb: The process cannot access the file"
        " because it is being used by another process.",
    ),
    # open-telemetry/opentelemetry-collector-contrib#24888 (subtests: the '/' dropped)
    # beside golang/go#65545 (Go's builder: user gopher, a session's Temp\1)
    (
        r"testing.go:1097: TempDir RemoveAll cleanup: remove C:\Users\RUNNER~1\AppData\Local"
        r"\Temp\TestFinderTimestamp_Sorting2067807901\001: The process cannot access the file"
        " because it is being used by another process.",
        r"testing.go:1097: TempDir RemoveAll cleanup: remove C:\Users\gopher\AppData\Local"
        r"\Temp\1\TestServer2537943436\001: The process cannot access the file because it is"
        " being used by another process.",
    ),
]


@pytest.mark.parametrize(("one", "other"), WINDOWS_SAME_CRASH)
def test_windows_temp_dirs_normalise_alike(one, other):
    assert normalise(one) == normalise(other) == (
        "testing.go:<N>: TempDir RemoveAll cleanup: remove <PATH>: The process cannot access"
        " the file because it is being used by another process."
    )


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # JY8752/note-cli#8: a user name in 8.3 form, files below the counter directory
        (
            r"remove C:\Users\KD0A0~1.YOS\AppData\Local\Temp\TestCreateArticleFunc2554445602"
            r"\001\2023-09-09\2023-09-09.md: The process cannot access the file because it is"
            " being used by another process.",
            "remove <PATH>: The process cannot access the file because it is being used by"
            " another process.",
        ),
        # quickfeed/quickfeed#585: os.CreateTemp("...", "test.db") inside t.TempDir()
        (
            r"remove C:\Users\AppData\Local\Temp\TestSubmissionsAccess3275008097\001"
            r"\test.db873990541: The process cannot access the file",
            "remove <PATH>: The process cannot access the file",
        ),
        # constabulary/gb#356: ioutil.TempDir's name (Go 1.5), a path then more words
        (
            r"remove C:\Users\Chris\AppData\Local\Temp\gb-test-858042883\pkg\windows-amd64\a.a:"
            " The process cannot access the file",
            "remove <PATH>: The process cannot access the file",
        ),
        # Go's file names use '/' on Windows too: C:/Program Files/Go/src/runtime/panic.go
        # (gotranspile/cxgo#52); a space ends a path, as on Unix
        ("open C:/Program Files/Go/src/runtime/panic.go",
         "open <PATH> Files/Go/src/runtime/panic.go"),
        # a drive letter alone, a key:value and a URL are not paths
        (r"format C:\ failed", r"format C:\ failed"),
        ("mode a:b", "mode a:b"),
        ("GET http://example.com/a/b failed", "GET http://example.com/a/b failed"),
    ],
)
def test_windows_paths_are_one_placeholder(message, expected):
    assert normalise(message) == expected



# modu-ai/moai-adk's pasted `go test` output (a developer's Mac): fmt's %v of a
# map[string]string prints `key:value` with no space, so a t.TempDir path stands
# right after a key's ':'; the random tail of the test's directory (3378785822)
# is a new number on every run. (Two tests of one run: the keys and paths differ.)
MAP_LOGS = [
    "fail-open provenance=map[captured_at:2026-09-09T04:24:26.448681Z card_id:t1 git_commit: "
    "owner:lead spec_id:../../../outside spec_path:/var/folders/kt/nq2q81cn4gx3y41r7x47ggmr0000gn"
    "/T/TestTodoPickInFactoryProvenanceFailsOpenWithoutSpecOrGit3378785822/outside/spec.md "
    "spec_sha256: state:picked]",
    "linked-lane provenance=map[captured_at:2026-09-09T04:24:28.760086Z card_id:t1 git_commit:"
    "3cc317a0b152e1762b62eb468a5df135663ec8d5 owner:lane-1 spec_id:SPEC-LANE-001 spec_path:"
    "/private/var/folders/kt/nq2q81cn4gx3y41r7x47ggmr0000gn/T/TestTodoPickInFactoryCapturesLinked"
    "WorktreeSpecAndHEAD1697775946/001/.moai/specs/SPEC-LANE-001/spec.md spec_sha256:84307656ed68"
    "df5515adb78ef97fe650924f109895e5d0b8f98fcbc44ae37342 state:picked], want path=/private/var/"
    "folders/kt/nq2q81cn4gx3y41r7x47ggmr0000gn/T/TestTodoPickInFactoryCapturesLinkedWorktreeSpec"
    "AndHEAD1697775946/002/lane/.moai/specs/SPEC-LANE-001/spec.md commit=8b9932d79c42bcefd6060c49"
    "c3d49a57f50b78c9",
]


def test_a_path_right_after_a_key_s_colon_is_one_placeholder():
    first, second = (normalise(m) for m in MAP_LOGS)
    assert "spec_path:<PATH> spec_sha256: state:picked]" in first
    assert "spec_path:<PATH> spec_sha256:<ID> state:picked], want path=<PATH> commit=<ID>" in second
    # the temp dirs' random tails are gone: the next run's title is the same
    assert not any(tail in first + second for tail in ("3378785822", "1697775946", "/var/"))


@pytest.mark.parametrize("message", [
    # a URL's path after its scheme's `:` stays: `//` and its host come first
    "Get http://example.com/a/b: EOF",
    "dial unix:///run/containerd/containerd.sock: connect: no such file",
    "mode a:b",
])
def test_a_url_after_a_colon_is_no_path(message):
    assert "<PATH>" not in normalise(message)
