"""examples/triage_bot.py, a triage bot written on the public API, run on the
shipped samples as nightly runs on each Go release: the same crash recurs under
one fingerprint across processes and Go versions (1.19-1.27), and what reads as
new is a crash never captured before, or one Go itself reworded."""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
from pathlib import Path

import pytest

import stackdemux

ROOT = Path(__file__).resolve().parent.parent
BOT_PATH = ROOT / "examples" / "triage_bot.py"
SPEC = importlib.util.spec_from_file_location("triage_bot", BOT_PATH)
assert SPEC is not None and SPEC.loader is not None
bot = importlib.util.module_from_spec(SPEC)
sys.modules["triage_bot"] = bot  # (its dataclasses look their module up)
SPEC.loader.exec_module(bot)

VERSIONS = ["go1.19", "go1.21", "go1.22", "go1.23", "go1.24", "go1.25", "go1.27"]
# Where Go itself printed the same crash otherwise: a cgo SIGSEGV is a `fatal
# error: unexpected signal` before Go 1.21; panic(nil) says `runtime error: ` in 1.27
REWORDED = {("cgo_segv", "go1.21"), ("panic_nil_godebug", "go1.27")}


def _scenario(path: str | Path) -> str:
    return Path(path).stem


def _nightly_runs(db: dict) -> dict[str, list[tuple[object, set[str]]]]:
    """Each release's samples as one run: its verdicts, each with the scenarios
    (sample names) whose crash it is."""
    runs = {}
    for version in VERSIONS:
        logs = sorted((ROOT / "samples" / version).glob("*.txt"))
        analyses = [stackdemux.analyze(p) for p in logs]
        scenarios: dict[str, set[str]] = {}
        for a in analyses:
            for g in a.groups:
                scenarios.setdefault(g.fingerprint, set()).add(_scenario(a.sources[0]))
        runs[version] = [(v, scenarios[v.crash.fingerprint])
                         for v in bot.triage(db, version, analyses)]
    return runs


@pytest.fixture(scope="module")
def nightly() -> tuple[dict, dict]:
    db: dict = {}
    return db, _nightly_runs(db)


def test_a_crash_reads_as_new_only_when_never_captured_before_or_reworded_by_go(nightly):
    _, runs = nightly
    captured: set[str] = set()
    reworded = set()
    for version in VERSIONS:
        for verdict, scenarios in runs[version]:
            if verdict.status == "new" and version != VERSIONS[0]:
                again = {s for s in scenarios if s in captured}
                assert again <= {s for s, v in REWORDED if v == version}, (version, again)
                reworded |= {(s, version) for s in again}
        captured |= {_scenario(p) for p in (ROOT / "samples" / version).glob("*.txt")}
    assert reworded == REWORDED


def test_a_known_crash_recurs_with_its_counts_and_first_and_last_run(nightly):
    db, runs = nightly
    # skopeo's bbolt panic: 5 layouts (vendor, module cache, GOPATH, -trimpath,
    # `go run`) and three parallel processes, Go 1.19 to 1.27, one crash
    (bolt,) = [c for c in db.values() if c.title == "panic: invalid page type: <N>: <N>"]
    assert (bolt.first_seen, bolt.last_seen, bolt.runs) == ("go1.19", "go1.27", 4)
    skopeo = sorted((ROOT / "samples").glob("go1.*/skopeo_*.txt"))
    assert bolt.reports == len(skopeo) == 20
    # (first seen built in GOPATH mode, which names the vendored package so)
    assert bolt.culprit.startswith("github.com/containers/skopeo/vendor/go.etcd.io/bbolt."
                                   "(*Cursor).search at /root/gopath/src/")
    assert bolt.example["source"] == str(ROOT / "samples/go1.19/skopeo_gopath.txt")
    assert bolt.example["hints"] == ["Corrupted containers/image blob-info cache",
                                     "Corrupted bolt database file"]
    (recurs,) = [v for v, _ in runs["go1.27"] if v.crash is bolt]
    assert (recurs.status, recurs.count) == ("recurs", 6)


def test_the_same_crash_in_three_processes_of_one_log_is_one_crash_counted_three_times(tmp_path):
    # three skopeo processes started at once, their outputs one after the other
    log = tmp_path / "parallel.log"
    log.write_bytes(b"".join(p.read_bytes() for p in sorted(
        (ROOT / "samples/go1.21").glob("skopeo_vendor_parallel_*.txt"))))
    (verdict,) = bot.triage({}, "r1", [stackdemux.analyze(log)])
    assert (verdict.status, verdict.count) == ("new", 3)
    assert verdict.crash.fingerprint == "145d63b7ab70b436"  # as each of them alone


def test_interleaved_processes_of_two_go_versions_are_one_crash():
    # docker compose: two bbolt daemons built with Go 1.27 and 1.19, interleaved
    db: dict = {}
    verdicts = bot.triage(db, "compose", [stackdemux.analyze(
        ROOT / "samples/interleaved/compose-bbolt.log")])
    assert [(v.crash.title, v.count) for v in verdicts] == [
        ("panic: invalid page type: <N>: <N>", 2),
        ("panic: shutdown timeout: <N> of <N> workers still running", 1)]


def test_one_analysis_of_all_samples_files_each_crash_under_the_id_it_has_alone():
    # Go 1.27's samples read as one analysis: 11 of the 88 files' groups take
    # another crash's fingerprint there (nil_pointer's with traceback_all's at
    # main.readVal); the bot files each by the report's own
    logs = sorted((ROOT / "samples/go1.27").glob("*.txt"))
    analysis = stackdemux.analyze_many(logs)
    together = bot.triage({}, "one", [analysis])
    apart = bot.triage({}, "each", [stackdemux.analyze(p) for p in logs])
    assert {v.crash.fingerprint: v.count for v in together} == {
        v.crash.fingerprint: v.count for v in apart}
    nil = stackdemux.analyze(ROOT / "samples/go1.27/nil_pointer.txt").groups[0].fingerprint
    assert any(v.crash.fingerprint == nil and v.count == 1 for v in together)
    # every crash is named by its own title and culprit (Report.title, .culprit),
    # as alone, also the 5 only merged into another crash's group here, whose
    # group's title or culprit (another report's) differ from their own
    said = {v.crash.fingerprint: (v.crash.title, v.crash.culprit) for v in apart}
    assert {v.crash.fingerprint: (v.crash.title, v.crash.culprit) for v in together} == said
    by_group = {v.crash.fingerprint: (g.title, bot.where(g.culprit))
                for g in analysis.groups for v in together
                if v.crash.fingerprint in {analysis.report(r).fingerprint for r in g.reports}}
    shown = sorted((v.crash.title, v.crash.culprit) for v in together
                   if (v.crash.title, v.crash.culprit) != by_group[v.crash.fingerprint])
    assert len(shown) == 5, shown  # (5 of the 68 crashes)
    otherwise = dict(shown)
    assert otherwise["fatal error: concurrent map read and map write"].startswith(
        "main.init.3.func3 at /app/main.go:281")  # (its group blames line 295)
    assert "panic: boom (request <N>, bob)" in otherwise  # (its group's: `…, busy)`)


def test_goroutine_dumps_are_no_crash_to_record():
    dumps = ["pprof_debug2", "debug_printstack", "goroutine_leak_profile"]
    analyses = [stackdemux.analyze(ROOT / f"samples/go1.27/{d}.txt") for d in dumps]
    assert all(a.groups for a in analyses)
    assert bot.triage({}, "r1", analyses) == []


def test_the_command_keeps_its_database_and_fails_only_on_a_new_crash(tmp_path, capsys):
    db = tmp_path / "crashes.json"
    logs = [str(ROOT / "samples/go1.27/nil_map.txt"), str(ROOT / "samples/go1.19/nil_map.txt")]
    assert bot.main(["--db", str(db), "--run", "42", "--new-only", *logs]) == 1
    first = capsys.readouterr().out.splitlines()
    assert len(first) == 1 and first[0].startswith("NEW    ") and "×2" in first[0]
    assert "panic: assignment to entry in nil map" in first[0]
    assert bot.main(["--db", str(db), "--run", "43", "--new-only", logs[0]]) == 0
    (again,) = capsys.readouterr().out.splitlines()
    assert again.startswith("RECURS ") and again.endswith("(2 runs, 3 reports since 42)")
    (record,) = json.loads(db.read_text()).values()
    assert (record["first_seen"], record["last_seen"], record["runs"]) == ("42", "43", 2)


def test_the_command_says_a_bad_log_in_one_line(tmp_path, capsys):
    assert bot.main(["--db", str(tmp_path / "db.json"), "--run", "1", "/nonexistent.log"]) == 2
    assert capsys.readouterr().err == (
        "triage_bot: /nonexistent.log: no such file\n")


def test_the_bot_uses_only_the_public_api():
    """It imports `stackdemux` alone and reads only names it exports."""
    tree = ast.parse(BOT_PATH.read_text())
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(isinstance(n, ast.ImportFrom) and (n.module or "").startswith("stackdemux")
                   for n in ast.walk(tree))
    assert "stackdemux" in imported and not any(m.startswith("stackdemux.") for m in imported)
    used = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
            and isinstance(n.value, ast.Name) and n.value.id == "stackdemux"}
    assert used and used <= set(stackdemux.__all__), used - set(stackdemux.__all__)


def test_a_go_test_crash_recurs_from_another_machine_and_go_release(tmp_path):
    # the same module's `go test ./...` on two machines: Go 1.27.3 in GitHub's
    # checkout with the module cache in it, Go 1.25.5 in /builddir with a GOPATH's:
    # other paths, goroutine ids, addresses and Go releases, the same three crashes
    data = ROOT / "tests/data/ci_workspace"
    first, second = data / "go-test.log", data / "go-test-go1.25.log"
    assert "/home/runner/work/app/app/" in first.read_text()
    assert "/home/runner/" not in second.read_text() and "/builddir/app/" in second.read_text()
    db: dict = {}
    news = bot.triage(db, "gha-1", [stackdemux.analyze(first)])
    assert [v.status for v in news] == ["new"] * 3
    again = bot.triage(db, "local-2", [stackdemux.analyze(second)])
    assert sorted((v.status, v.crash.fingerprint) for v in again) == sorted(
        ("recurs", v.crash.fingerprint) for v in news)
    # what a bot files an issue with: the failed test and its package, the culprit
    # (a dependency's, in the module cache), the message and the stack's top
    (divide,) = [v.crash for v in news if "divide by zero" in v.crash.title]
    assert divide.example["tests"] == ["TestLast"]
    assert divide.example["test_package"] == "github.com/acme/app/window"
    assert divide.culprit == ("example.com/ring.(*Ring).At at /home/runner/work/app/app/"
                              ".gomodcache/example.com/ring@v0.2.0/ring.go:8")
    (timeout,) = [v.crash for v in news if "timed out" in v.crash.title]
    assert timeout.example["tests"] == ["TestWait"]
    assert timeout.culprit == ("github.com/acme/app/hang.Wait at "
                               "/home/runner/work/app/app/hang/hang.go:8")
    assert divide.runs == timeout.runs == 2
