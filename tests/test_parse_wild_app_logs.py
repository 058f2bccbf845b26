"""Go crashes inside another program's own log (samples/wild/, sources in its index.json).

An app that runs a Go program writes that program's output into its own log, each line
behind the app's logger's prefix: Kodi's log for a video add-on's Go daemon (`23:43:27
T:123145351651328  NOTICE: `, the time, the thread and the level), a Tauri app's log for
its Go backend (`[2023-07-20][08:49:56][ERROR][app] `, tauri-plugin-log's date, time,
level and target). Each is a prefix style (grammars/prefixes.lark, `kodi` and `tauri`),
its key the thread or the target.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from stackdemux import analyze
from stackdemux.demux.prefixes import detect
from stackdemux.demux.prefixes_styles import compiled_styles, match_prefix

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT / "samples" / "wild"
KODI = WILD / "quasar564_kodi_log_addon_prefix_go17.txt"
TAURI = WILD / "sgapp44_tauri_log_prefix_bazel_paths_arm64.txt"


def test_kodi_s_thread_is_the_stream_and_the_add_on_s_tag_a_label_behind_it() -> None:
    a = analyze(KODI)
    (r,) = a.reports
    assert r.message == "runtime error: invalid memory address or nil pointer dereference"
    assert r.signal is not None and r.signal.name == "SIGSEGV"
    (g,) = r.goroutines
    assert (g.id, [f.func for f in g.frames][1:]) == (274, [
        "github.com/scakemyer/quasar/bittorrent.(*BTPlayer).CheckAvailableSpace",
        "github.com/scakemyer/quasar/bittorrent.(*BTPlayer).onStateChanged"])
    label = {s.id: s.label for s in a.streams}[r.stream]
    assert label == "123145351651328 plugin.video.quasar"
    # the reporter's lines before the fence are no Kodi line
    assert a.noise[0] == (1, 5)


# Kodi's lines as other pastes show them (steeve/plugin.video.pulsar#109 and #216): with the
# uptime after the time (some versions), another thread's level right-aligned in 7 columns
@pytest.mark.parametrize(("line", "thread", "text"), [
    ("18:23:39 T:139857783400192  NOTICE: [plugin.video.pulsar] pulsard: starting pulsard",
     "139857783400192", "[plugin.video.pulsar] pulsard: starting pulsard"),
    ("15:08:10 364.814453 T:1587278832  NOTICE: [plugin.video.pulsar]     /Users/steeve/projects/go"
     "/src/github.com/steeve/pulsar/cache/cache.go:114 +0x4c4", "1587278832",
     "[plugin.video.pulsar]     /Users/steeve/projects/go/src/github.com/steeve/pulsar/cache/"
     "cache.go:114 +0x4c4"),
    ("20:54:25 T:4444   DEBUG: ------ Window Init (DialogBusy.xml) ------", "4444",
     "------ Window Init (DialogBusy.xml) ------"),
])
def test_a_kodi_line_s_prefix_is_its_time_thread_and_level(line: str, thread: str,
                                                           text: str) -> None:
    got = match_prefix(line, compiled_styles()["kodi"])
    assert got is not None and (got[1], line[got[0]:]) == (thread, text)


@pytest.mark.parametrize("line", [
    "23:43:27 T:123145351651328 NOTICE: x",  # a level not right-aligned as Kodi writes it
    "23:43:27 T:12  panic: x",  # no level
    "23:43:27 T:ab  NOTICE: x",  # a thread is a number
])
def test_a_time_and_a_thread_alone_are_no_kodi_prefix(line: str) -> None:
    assert match_prefix(line, compiled_styles()["kodi"]) is None


def test_the_tauri_target_is_the_stream_and_the_app_s_own_lines_stay_noise() -> None:
    a = analyze(TAURI)
    (r,) = a.reports
    assert r.message == ("(bug) frontend configuration server failed to start after 5m0s, "
                         "this may indicate the DB is inaccessible")
    assert {s.id: s.label for s in a.streams}[r.stream] == "app"
    assert sorted(s.label for s in a.streams if s.label) == ["app", "app::common"]
    (g,) = r.goroutines
    assert (g.id, g.frames[0].file, g.frames[0].line) == (299, "internal/conf/store.go", 175)
    assert not r.complete  # the last frame has no file line: the excerpt ends there
    # the lone backtick, the app's own lines about its backend: not the crash
    assert a.noise[0] == (1, 4)


@pytest.mark.parametrize("line", [
    "[2023-07-20][08:49:56] [ERROR][app] x",  # tauri-plugin-log writes no space there
    "[2023-07-20][08:49:56][NOTICE][app] x",  # a level the log crate has not
    "[2023-07-20][08:49:56][ERROR][app]x",
])
def test_lines_not_as_tauri_plugin_log_writes_them_are_no_tauri_prefix(line: str) -> None:
    assert match_prefix(line, compiled_styles()["tauri"]) is None


SAMPLES = sorted((ROOT / "samples").glob("go1.2*/*.txt"))


@pytest.mark.parametrize(("style", "prefix", "keys"), [
    ("kodi", "18:23:39 T:{}  NOTICE: ", ["139857783400192", "139857775007488"]),
    ("tauri", "[2023-07-20][08:49:56][ERROR][{}] ", ["app", "app::backend"]),
])
def test_two_processes_behind_the_style_are_told_apart_by_its_key(style: str, prefix: str,
                                                                   keys: list[str]) -> None:
    # real crashes, each behind one key's prefix, their lines merged in random order
    rng = random.Random(3)
    crashes = [p.read_text(encoding="utf-8").splitlines() for p in rng.sample(SAMPLES, 2)]
    prefixed = [[prefix.format(k) + line for line in lines]
                for k, lines in zip(keys, crashes, strict=True)]
    merged, pos = [], [0, 0]
    while any(pos[i] < len(prefixed[i]) for i in (0, 1)):
        i = rng.choice([i for i in (0, 1) if pos[i] < len(prefixed[i])])
        merged.append(prefixed[i][pos[i]])
        pos[i] += 1
    assert [s.name for s in detect(merged)] == [style]
    a = analyze("\n".join(merged) + "\n")
    by_label = {s.label: s.id for s in a.streams}
    alone = [analyze("\n".join(c) + "\n").reports for c in crashes]
    for k, reports in zip(keys, alone, strict=True):
        assert reports, "each crash alone reads as one or more reports"
        got = [r for r in a.reports if r.stream == by_label[k]]
        assert [(r.kind, r.message) for r in got] == [(r.kind, r.message) for r in reports]
