"""A first hour with the reports: what a developer reading a crash, and a CI
engineer reading a job's annotations, must find in each format. Each case is
a real capture (samples/go1.*, samples/wild, samples/interleaved)."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from test_escape_properties import CANARY, FRAGMENTS, SINK, assert_inert

from stackdemux.api import analyze_many
from stackdemux.ingest import ingest
from stackdemux.render import RenderOptions, render

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
PEOPLE = ["text", "markdown", "html"]
CI = ["github", "junit", "sarif"]


def _render(names: str | list[str], fmt: str, **options: object) -> str:
    names = [names] if isinstance(names, str) else names
    analysis = analyze_many([str(SAMPLES / n) for n in names])
    out = render(analysis, fmt, RenderOptions(**options))  # type: ignore[arg-type]
    if fmt == "sarif":  # (SARIF's text escapes brackets: they make links)
        return out.replace("\\\\[", "[").replace("\\\\]", "]")
    return html.unescape(out) if fmt in ("html", "junit") else out


def _lines(text: str) -> list[str]:
    return [ln.rstrip() for ln in text.splitlines()]


# --- a panic raised while another was being recovered -------------------------

# How each format says a chain of panics
PANICS = {"text": "    panics    ", "markdown": "**Panics**", "html": "<dt>panics</dt>",
          "github": "%0Apanics: ", "junit": "\npanics: ", "sarif": "\\npanics: "}

def test_the_panic_that_ended_the_program_is_said_under_the_first_one() -> None:
    # `panic: first [recovered]` then `\tpanic: second`: the program died of the
    # second, which only a goroutine's deferred function shows; the title names
    # the first
    lines = _lines(_render("go1.27/recover_then_panic.txt", "text"))
    at = lines.index("    panics    first [recovered]")
    assert lines[at + 1] == "              → second"


@pytest.mark.parametrize("fmt", PEOPLE + CI)
def test_every_format_lists_each_panic_of_a_chain_in_the_order_go_printed_it(fmt: str) -> None:
    out = _render("go1.21/panic_chain3.txt", fmt)
    links = ["first", "second [recovered]", "third: second"]
    places = [out.find(link, out.find("panic")) for link in links]
    assert -1 not in places and places == sorted(places), places


def test_a_nested_panic_of_a_pasted_bbolt_crash_is_said() -> None:
    # bbolt panicked again in the rollback a deferred function ran: the
    # freelist's panic, recovered by the program and panicked again
    lines = _lines(_render("wild/bolthold_nested_recovered.txt", "text"))
    at = lines.index("    panics    invalid page type: 0: 4")
    assert lines[at + 1 : at + 3] == [
        "              → invalid freelist page: 0, page type is meta [recovered]",
        "              → invalid freelist page: 0, page type is meta",
    ]
    annotation = _render("wild/bolthold_nested_recovered.txt", "github").splitlines()[0]
    assert ("%0Apanics: invalid page type: 0: 4%0A  → invalid freelist page: 0, page type is "
            "meta [recovered]%0A") in annotation


@pytest.mark.parametrize("name", ["go1.27/repanic_same_value.txt", "go1.19/test_panic.txt",
                                  "wild/cert_utils_zap_recovered_pkg_mod.txt"])
@pytest.mark.parametrize("fmt", PEOPLE + CI)
def test_a_value_panicked_again_as_it_was_is_no_chain_to_list(name: str, fmt: str) -> None:
    # `[recovered, repanicked]`, or `[recovered]` then the same message: the
    # title says all of it
    out = _render(name, fmt)
    assert PANICS[fmt] not in out


# --- which go test failed -----------------------------------------------------

@pytest.mark.parametrize(("name", "said"), [
    ("go1.27/test_panic.txt", "TestPanics in example.com/gotests/store"),
    ("go1.27/test_timeout.txt", "TestHang in example.com/gotests/store"),
    ("go1.21/test_panic_subtest.txt", "TestSub/case_b in example.com/gotests/store"),
])
def test_a_test_binary_s_crash_names_the_test_and_its_package(name: str, said: str) -> None:
    assert f"    test      {said}" in _lines(_render(name, "text"))
    assert f"**Test:** `{said}`" in _render(name, "markdown")
    assert f"<dt>test</dt><dd><code>{said}</code></dd>" in _render(name, "html")
    assert f"%0Atest: {said}%0A" in _render(name, "github").splitlines()[0]
    assert f"\ntest: {said}\n" in _render(name, "junit")
    assert f"\\ntest: {said}\\n" in _render(name, "sarif")
    assert f"; test: {said}" in _render(name, "codequality")


def test_a_crash_outside_go_test_names_no_test() -> None:
    for fmt in PEOPLE + CI:
        out = _render("interleaved/compose-bbolt.log", fmt)
        assert "test:" not in out.lower().replace("<dt>test</dt>", "test:")


# --- the culprit, its module's version, and the program's own frame -----------

def test_a_package_named_by_its_major_version_keeps_its_name() -> None:
    # k8s.io/klog/v2's package is klog: `v2.(*loggingT)` names none
    name = "wild/compose8599_no_blank_between_goroutines.txt"
    text = _render(name, "text")
    assert "klog/v2.(*loggingT).flushDaemon" in text
    assert " v2.(*loggingT)" not in text
    # (a goroutine dump: nothing crashed, its goroutine waits there)
    assert ("| *waits in* `klog/v2.(*loggingT).flushDaemon` `klog.go:1164` |"
            in _render(name, "markdown"))
    assert ('<td><span class="muted">waits in</span> '
            "<code>klog/v2.(*loggingT).flushDaemon</code></td>") in _render(name, "html")


def test_markdown_and_html_say_the_culprit_with_its_module_version() -> None:
    # (a goroutine dump, whose frame is where its goroutine waits: test_render_dump_label)
    name = "wild/compose8599_no_blank_between_goroutines.txt"
    assert ("**Waits in:** `k8s.io/klog/v2.(*loggingT).flushDaemon` at "
            "`k8s.io/klog/v2@v2.8.0/klog.go:1164`") in _render(name, "markdown")
    assert ("<dt>waits in</dt><dd><code class=\"ours\">k8s.io/klog/v2.(*loggingT).flushDaemon"
            "</code> <code>k8s.io/klog/v2@v2.8.0/klog.go:1164</code></dd>") in _render(name, "html")
    name = "go1.27/nil_pointer.txt"  # a crash's
    assert "**Culprit:** `main.readVal` at `/app/main.go:" in _render(name, "markdown")
    assert "<dt>culprit</dt><dd><code class=\"ours\">main.readVal</code>" in _render(name, "html")


@pytest.mark.parametrize(("fmt", "said"), [
    ("text", "    our code  main.(*Store).Lookup.func1"),
    ("markdown", "**Our code:** `main.(*Store).Lookup.func1` at "
                 "`/work/main/tests/corpus/programs/main.go:81`"),
    ("html", "<dt>our code</dt><dd><code class=\"ours\">main.(*Store).Lookup.func1</code> "
             "<code>/work/main/tests/corpus/programs/main.go:81</code></dd>"),
])
def test_every_format_for_people_says_where_the_program_s_own_code_called_in(
        fmt: str, said: str) -> None:
    # the culprit is bbolt's cursor: the reader's own code is the line to open
    assert said in _render("interleaved/compose-bbolt.log", fmt)


@pytest.mark.parametrize("fmt", PEOPLE + CI)
def test_a_hint_does_not_repeat_the_culprit_as_its_fact(fmt: str) -> None:
    # the bbolt hint's fact was `go.etcd.io/bbolt.(*Cursor).search at …/cursor.go:48`,
    # the culprit's own words, printed just under the culprit
    out = _render("interleaved/compose-bbolt.log", fmt)
    assert "Corrupted bolt database file" in out
    assert out.count("go.etcd.io/bbolt.(*Cursor).search at") <= 1


def test_a_hint_keeps_the_facts_the_culprit_does_not_say() -> None:
    out = _render("wild/atomizer3_go_test_deadlock_windows_paths.txt", "github")
    assert "%0A· 1 × [chan receive] testing.(*T).Run at c:/go/src/testing/testing.go:917" in out


def test_a_culprit_whose_file_line_was_not_printed_is_named_without_a_question_mark() -> None:
    # a test2json paste lost the frame's file line (`partial` says so)
    name = "wild/gotestsum99_test2json_go114.txt"
    assert ("    culprit   gotest.tools/v3/internal/assert.ArgsFromComparisonCall"
            in _lines(_render(name, "text")))
    assert "| `assert.ArgsFromComparisonCall` |" in _render(name, "markdown")


def test_html_says_the_other_threads_of_a_gotraceback_crash_dump() -> None:
    assert ("<dt>threads</dt><dd>4 more threads (m=1, 2, 3, 4): m=4 ran goroutine 33 "
            "[running]</dd>") in _render("go1.27/sigquit_crash_busy.txt", "html")


# --- counts and names a person reads ------------------------------------------

@pytest.mark.parametrize("fmt", [*PEOPLE, "github"])
def test_one_other_goroutine_is_one(fmt: str) -> None:
    out = _render("go1.19/concurrent_map_read_write.txt", fmt)
    assert "1 other goroutine in 1 bucket" in out
    assert "1 other goroutines" not in out and "1 buckets" not in out


def test_a_log_of_one_line_is_one_line() -> None:
    first = (SAMPLES / "wild/vic1197_coredumpctl_info_no_go_traceback.txt").read_bytes()
    line = first.splitlines(keepends=True)[0]
    analysis = analyze_many([ingest(line, "one.log")])
    for fmt in ("text", "markdown"):
        assert "found in 1 line." in render(analysis, fmt, RenderOptions())
    assert "one.log · 1 line · 1 stream</p>" in render(analysis, "html", RenderOptions())


def test_logs_read_one_stream_each_are_named_by_their_files_not_by_stream_ids() -> None:
    # (wide: at 80 columns how much of a path fits depends on where the repo lies)
    lines = _lines(_render(["go1.27/recover_then_panic.txt", "go1.27/test_panic.txt",
                            "interleaved/compose-bbolt.log"], "text", width=1000))
    wheres = [ln for ln in lines if ln.startswith("    where ")]
    assert sum(ln.startswith("    where     lines /") for ln in wheres) == 2
    assert any("recover_then_panic.txt:1–14" in ln for ln in lines)
    assert any("go1.27/test_panic.txt:1–20" in ln for ln in lines)
    # the compose log was taken apart by its prefixes: its streams are named
    assert any("2 streams (boltd-2, boltd-1)" in ln for ln in wheres)
    assert not any("(s1)" in ln or "(s2.1)" in ln for ln in wheres)


# --- the first screen ---------------------------------------------------------

def test_a_log_of_many_crashes_begins_with_one_line_for_each() -> None:
    # three processes crashed in a syslog: the first group's hint and stack fill
    # the screen, and the two others were below it
    lines = _lines(_render("interleaved/syslog-crashes.log", "text"))
    assert lines[:4] == [
        "3 reports in 3 groups:",
        "  1) ×1  panic: runtime error: invalid memory address or nil pointer dereference",
        "  2) ×1  fatal error: concurrent map writes",
        "  3) ×1  panic: invalid page type: <N>: <N>",
    ]
    assert lines[5].startswith("1) panic: runtime error: invalid memory address")


def test_the_index_fits_a_narrow_terminal() -> None:
    lines = _lines(_render("interleaved/five-services-lines.log", "text", width=60))
    assert lines[2] == "  2) ×1  panic: job {<N> default}: retries exhausted after…"
    assert all(len(ln) <= 60 for ln in lines)


def test_two_groups_need_no_index() -> None:
    lines = _lines(_render("interleaved/compose-bbolt.log", "text"))
    assert lines[:3] == ["3 reports in 2 groups", "",
                         "1) panic: invalid page type: <N>: <N>"
                         "                                         ×2"]


def test_a_goroutine_dump_alone_is_no_crash_in_the_github_log_group_either() -> None:
    # pprof's debug=2 dump: a `::notice`, and the log group says no crash group
    lines = _render("go1.27/pprof_debug2.txt", "github").splitlines()
    assert lines[0].startswith("::notice ")
    assert "::group::stackdemux: 1 report in 1 group" in lines
    assert ("::group::stackdemux: 3 reports in 2 groups"
            in _render("interleaved/compose-bbolt.log", "github").splitlines())


# --- what an attacker writes reaches the new lines inert ----------------------

def _hostile(name: str, old: str, new: str) -> str:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new)


@pytest.mark.parametrize("sink", [SINK, SINK.replace("\n", "")])
@pytest.mark.parametrize(("name", "old", "new"), [
    ("go1.27/recover_then_panic.txt", "\tpanic: second", "\tpanic: {}"),  # a chain's link
    ("go1.27/recover_then_panic.txt", "panic: first [", "panic: {} ["),  # a title in the index
    ("go1.27/test_panic.txt", "--- FAIL: TestPanics", "--- FAIL: TestPanics{}"),  # a test name
])
def test_a_hostile_panic_of_a_chain_or_test_name_leaves_every_format_inert(
        sink: str, name: str, old: str, new: str) -> None:
    if "FAIL" in old:  # (a test's name is one word of printable characters: go test
        # writes a subtest's spaces as `_` and quotes what is not printable)
        # (and the grammar reads no `(` in one: its duration follows in parentheses)
        sink = CANARY + "".join(f for f in FRAGMENTS
                                if f.isprintable() and f.split() == [f] and "(" not in f)
    hostile = _hostile(name, old, new.format(sink))
    # three groups: the text report's index holds each title too
    analysis = analyze_many([ingest(hostile, "build.log"),
                             ingest((SAMPLES / "go1.27/nil_map.txt").read_bytes(), "a.log"),
                             ingest((SAMPLES / "go1.27/nil_pointer.txt").read_bytes(), "b.log")])
    assert CANARY in render(analysis, "markdown", RenderOptions())
    assert_inert(analysis)


def test_a_multi_line_panic_value_is_shown_in_its_lines() -> None:
    # (its lines were joined by `\n`, two characters a reader had to undo)
    lines = _lines(_render("go1.27/panic_multiline_error.txt", "text"))
    at = lines.index("    message   validation failed:")
    assert lines[at + 1 : at + 3] == ["                field a: required",
                                      "                field b: too long"]
    assert "\\n" not in "\n".join(lines)


def test_ginkgo_s_advice_in_a_panic_value_reads_as_its_lines() -> None:
    # a value that begins with a line break: its first line is its first words
    lines = _lines(_render("wild/kubernetes7464_ginkgo_fail_in_goroutine_value_lines_go14.txt",
                           "text"))
    at = lines.index("    message   Your test failed.")
    assert lines[at + 1] == ("              Ginkgo panics to prevent subsequent assertions "
                             "from running.")
