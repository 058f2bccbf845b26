"""A SARIF alert whose culprit is outside the checkout (a tool's binary built
elsewhere: skopeo's bbolt panic, built in /builddir; nothing of it is in the
repository the job checked out).

GitHub code scanning shows such an alert with no code (the file is in no commit).
Its location stays the culprit's build path, not the crash's line in the log:
code scanning tells alerts of two runs apart by their rule and their file path
("the filepath has to be consistent across the runs", GitHub's SARIF reference),
and a crash's line in a log moves from run to run where its build path and line
do not. So that the alert still says where to read the traceback, its message
names the log and the lines the crash is at, as the GitHub annotation and JUnit's
failure do.
"""

from __future__ import annotations

import json
from pathlib import Path

import stackdemux
from stackdemux.ingest import ingest
from stackdemux.render import RenderOptions, render

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "go1.27" / "skopeo_vendor.txt"
CULPRIT = ("file:///builddir/build/BUILD/skopeo-1.14.0/vendor/go.etcd.io/bbolt/cursor.go", 29)


def _result(log: bytes, checkout: Path, name: str = "build.log") -> dict:
    analysis = stackdemux.analyze(ingest(log, name))
    sarif = json.loads(render(analysis, "sarif", RenderOptions(repo_root=str(checkout))))
    (result,) = sarif["runs"][0]["results"]
    return result


def _location(result: dict) -> tuple[str, int]:
    physical = result["locations"][0]["physicalLocation"]
    return physical["artifactLocation"]["uri"], physical["region"]["startLine"]


def test_the_alert_is_at_the_culprits_build_path_and_its_message_names_the_log(tmp_path):
    result = _result(SAMPLE.read_bytes(), tmp_path)
    assert _location(result) == CULPRIT
    lines = result["message"]["text"].splitlines()
    assert lines[0] == "panic: invalid page type: <N>: <N>"
    assert lines[1] == "1× in build.log: lines 1–69"
    assert lines[2] == ("culprit: go.etcd.io/bbolt.(*Cursor).search at "
                        "/builddir/build/BUILD/skopeo-1.14.0/vendor/go.etcd.io/bbolt/cursor.go:29")


def test_the_same_crash_later_in_the_log_is_the_same_alert_at_the_same_place(tmp_path):
    # a build's own output before the crash: the next run's log holds more of it
    before = b"".join(b"ok  \texample.com/app/pkg%d\t0.01s\n" % i for i in range(40))
    first = _result(SAMPLE.read_bytes(), tmp_path)
    later = _result(before + SAMPLE.read_bytes(), tmp_path)
    assert _location(later) == _location(first) == CULPRIT
    assert later["ruleId"] == first["ruleId"]
    assert later["partialFingerprints"] == first["partialFingerprints"]
    assert later["message"]["text"].splitlines()[1] == "1× in build.log: lines 41–109"


def test_a_log_read_from_stdin_is_named_as_such(tmp_path):
    result = _result(SAMPLE.read_bytes(), tmp_path, name="<stdin>")
    assert result["message"]["text"].splitlines()[1] == "1× in <stdin>: lines 1–69"


def test_several_logs_name_each_crash_by_its_own_log(tmp_path):
    analysis = stackdemux.analyze_many([ingest(SAMPLE.read_bytes(), "a.log"),
                                        ingest(SAMPLE.read_bytes(), "b.log")])
    sarif = json.loads(render(analysis, "sarif", RenderOptions(repo_root=str(tmp_path))))
    (result,) = sarif["runs"][0]["results"]
    assert result["message"]["text"].splitlines()[1] == "2× in lines a.log:1–69, b.log:1–69"
