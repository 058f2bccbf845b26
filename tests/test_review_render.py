"""What a reader of the reports is told: counts that match what is shown, and files
that CI can link."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from stackdemux import analyze
from stackdemux.render import RenderOptions, render

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def text(name: str, version: str = "1.27") -> str:
    return render(analyze(SAMPLES / f"go{version}" / f"{name}.txt"), "text", RenderOptions())


def test_a_race_counts_its_accesses_not_zero_goroutines():
    out = text("race_run")
    assert "kind      race · 2 accesses" in out
    # what is shown under it: each access as the detector printed it
    assert "    Read at 0x00c0000180e8 by goroutine 7:" in out
    assert "0 goroutines" not in out


def test_a_report_without_a_stack_says_so():
    # GOTRACEBACK=none: the panic and signal lines, no goroutine
    assert "kind      panic · no stack printed" in text("traceback_none")
    assert "kind      test failure · reported by the test, no panic" in text("test_race")


@pytest.mark.parametrize("form", ["plain", "verbose", "json"])
def test_a_test_that_failed_by_t_errorf_says_what_it_is_not_what_is_missing(form):
    # a plain t.Errorf failure prints its log and no stack: that is the whole of
    # it, not a stack the log lost (it said `no stack printed`), in every format
    # for people
    log = SAMPLES.parent / f"tests/data/gotest_forms/go1.27.3-{form}.txt"
    analysis = analyze(log)
    for fmt, said in (("text", "kind      test failure · reported by the test, no panic"),
                      ("markdown", "· test failure · reported by the test, no panic ·"),
                      ("html", "<dd>test failure · reported by the test, no panic</dd>")):
        out = render(analysis, fmt, RenderOptions())
        assert out.count(said) == len(analysis.reports) == 7
        assert "no stack" not in out


def test_a_test_failure_cut_short_says_no_panic_was_read():
    # a real capture's first failure, the paste ending inside its log: a panic may
    # have followed
    log = SAMPLES.parent / "tests/data/gotest_forms/go1.27.3-plain.txt"
    cut = "".join(log.read_text().splitlines(keepends=True)[:2])
    out = render(analyze(cut), "text", RenderOptions())
    assert "kind      test failure · no panic read" in out


def test_a_stack_printed_but_not_read_is_not_said_to_be_missing():
    # two processes' write()s mixed inside lines: the stacks were printed, and
    # the report says why it could not read them (it said "no stack printed")
    case = SAMPLES.parent / "tests/corpus/cases/bolt-writes-time/input.log"
    out = render(analyze(case), "text", RenderOptions())
    assert "kind      panic · no stack read" in out
    assert "no stack printed" not in out
    assert "its goroutines could not be read" in out


def test_junit_points_at_the_checkout_as_the_other_ci_formats_do(tmp_path):
    # skopeo built in /builddir/build/BUILD/skopeo-1.14.0; its checkout vendors bbolt
    cursor = tmp_path / "vendor" / "go.etcd.io" / "bbolt" / "cursor.go"
    cursor.parent.mkdir(parents=True)
    cursor.touch()
    analysis = analyze(SAMPLES / "go1.21" / "skopeo_vendor.txt")
    options = RenderOptions(repo_root=str(tmp_path))
    (case,) = ET.fromstring(render(analysis, "junit", options)).iter("testcase")
    assert case.get("file") == "vendor/go.etcd.io/bbolt/cursor.go"
    assert "file=vendor/go.etcd.io/bbolt/cursor.go," in render(analysis, "github", options)
    # outside the checkout the annotation names no file, and JUnit none either (it
    # named the build path, /builddir/…/cursor.go, which GitLab links to nothing)
    outside = ET.fromstring(render(analysis, "junit", RenderOptions()))
    assert next(outside.iter("testcase")).get("file") is None
    assert "file=" not in render(analysis, "github", RenderOptions())


def unescaped_brackets(text: str) -> list[int]:
    """Where a SARIF viewer would see a `[` or `]` of an embedded link (§3.11.6):
    a backslash escapes the character after it."""
    found, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in "[]":
            found.append(i)
        i += 1
    return found


def test_sarif_messages_embed_no_link_from_the_log():
    # a real panic whose message holds a link, and a backslash meant to cancel our escape
    real = (SAMPLES / "go1.27" / "panic_string.txt").read_bytes()
    message = rb"see [the fix](https://e.vil/x) or \[here](https://e.vil/y)"
    analysis = analyze(real.replace(b"panic: boom", b"panic: " + message, 1))
    doc = json.loads(render(analysis, "sarif", RenderOptions()))
    run = doc["runs"][0]
    texts = [r["message"]["text"] for r in run["results"]]
    texts += [s["message"]["text"] for r in run["results"] for s in r.get("stacks", [])]
    texts += [rule["shortDescription"]["text"] for rule in run["tool"]["driver"]["rules"]]
    assert any("the fix" in t for t in texts)
    for t in texts:
        assert unescaped_brackets(t) == [], t


@pytest.mark.parametrize("version", ["1.19", "1.21", "1.27"])
def test_a_go_test_panic_names_the_package_under_test_as_our_code(version):
    # `go test` builds no package main of the user's: the package under test is theirs
    path = SAMPLES / f"go{version}" / "test_panic.txt"
    (g,) = analyze(path).groups
    assert g.culprit.func == "example.com/gotests/store.(*Store).Put"
    assert (g.culprit.origin, g.culprit.module) == ("main", "example.com/gotests")
    assert g.main_frame is g.culprit
    assert g.chain[-1].module == "example.com/gotests" and g.chain[-1].origin == "main"


@pytest.mark.parametrize("version", ["1.19", "1.21", "1.27"])
def test_a_test_timeout_points_at_the_test_that_hangs_not_the_alarm(version):
    # `go test -timeout 2s`: testing's alarm goroutine panics; TestHang waits forever in
    # Store.WaitForever (Go 1.19 names no running test: the stacks alone decide)
    analysis = analyze(SAMPLES / f"go{version}" / "test_timeout.txt")
    (g,) = analysis.groups
    waits = ("example.com/gotests/store.(*Store).WaitForever", 31)
    assert (g.culprit.func, g.culprit.line) == waits
    assert g.hints and g.hints[0].title == "Test timed out"
    out = render(analysis, "text", RenderOptions(width=100))
    stack = out[out.index("    goroutine "):]
    assert stack.startswith("    goroutine ") and "[chan receive]:" in stack.split("\n")[0]
    assert "▸ example.com/gotests/store.(*Store).WaitForever(" in stack
    assert "startAlarm" not in stack.split("+ ")[0]


def test_a_test_timeout_has_one_fingerprint_in_every_go_version():
    found = {analyze(SAMPLES / f"go{v}" / "test_timeout.txt").groups[0].fingerprint
             for v in ("1.19", "1.21", "1.27")}
    assert len(found) == 1


def test_a_signal_dump_shows_the_goroutine_its_culprit_is_in():
    # SIGQUIT landed on goroutine 0 (the scheduler, runtime only): the culprit is read
    # from the program's goroutine 1, and that is the stack shown under it
    out = text("sigquit")
    stack = out[out.index("    goroutine "):]
    assert stack.startswith("    goroutine 1 [chan receive]:")
    assert "▸ main.init.5.func1()" in stack


@pytest.mark.parametrize("name", ["traceback_none", "test_race", "test_panic", "nil_map"])
def test_every_sarif_result_has_a_location(name):
    # GitHub code scanning refuses the whole upload when one result has none
    # ("locationFromSarifResult: expected at least one location")
    path = SAMPLES / "go1.27" / f"{name}.txt"
    doc = json.loads(render(analyze(path), "sarif", RenderOptions()))
    results = doc["runs"][0]["results"]
    assert results
    for r in results:
        (loc,) = r["locations"]
        assert loc["physicalLocation"]["artifactLocation"]["uri"]
        assert loc["physicalLocation"]["region"]["startLine"] >= 1


def test_a_group_with_no_frame_is_located_at_its_report_in_the_log():
    # GOTRACEBACK=none prints the panic and signal lines only
    analysis = analyze(SAMPLES / "go1.27" / "traceback_none.txt")
    doc = json.loads(render(analysis, "sarif", RenderOptions()))
    (loc,) = doc["runs"][0]["results"][0]["locations"]
    physical = loc["physicalLocation"]
    assert physical["artifactLocation"]["uri"].endswith("/samples/go1.27/traceback_none.txt")
    assert physical["region"] == {"startLine": 1}


def test_codequality_points_a_frameless_group_at_the_input_it_came_from():
    # two inputs: the crash is in the second, which has no frame (GOTRACEBACK=none)
    from stackdemux.api import analyze_many

    crash = SAMPLES / "go1.27" / "traceback_none.txt"
    analysis = analyze_many([b"build started\nok\n", crash])
    (issue,) = json.loads(render(analysis, "codequality", RenderOptions()))
    assert issue["location"] == {"path": str(crash), "lines": {"begin": 1}}


def test_sarif_points_where_the_github_annotation_points(tmp_path):
    # the checkout holds skopeo's own code, not the vendored bbolt the panic is raised in:
    # the alert lands on skopeo's call (cmd/skopeo/main.go:25), not outside the repository
    main = tmp_path / "cmd" / "skopeo" / "main.go"
    main.parent.mkdir(parents=True)
    main.touch()
    analysis = analyze(SAMPLES / "go1.21" / "skopeo_vendor.txt")
    options = RenderOptions(repo_root=str(tmp_path))
    (loc,) = json.loads(render(analysis, "sarif", options))["runs"][0]["results"][0]["locations"]
    physical = loc["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "cmd/skopeo/main.go", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 25}
    assert "file=cmd/skopeo/main.go,line=25," in render(analysis, "github", options)


def test_markdown_keeps_a_hint_s_code_spans_as_code():
    # rules.toml writes commands as `code`; escaped, the backticks showed as \`…\`
    out = render(analyze(SAMPLES / "interleaved" / "compose-bbolt.log"), "markdown",
                 RenderOptions())
    assert "`bbolt check FILE` confirms the damage" in out
    assert "\\`" not in out


def test_a_team_s_hint_cannot_break_out_of_its_code_span(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text(
        "[[rule]]\nid = 'x'\ntitle = 'T'\nmatch = { message = ['nil map'] }\n"
        "explanation = 'run `a`` <img src=x onerror=alert(1)> ``b` then'\nremedy = 'r'\n")
    out = render(analyze(SAMPLES / "go1.27" / "nil_map.txt", rules=str(rules)), "markdown",
                 RenderOptions())
    line = next(ln for ln in out.splitlines() if ln.startswith("> **T**"))
    assert "<img" not in line.replace("`<img", "")  # only inside a code span


def test_markdown_lists_a_hint_s_facts_as_the_terminal_does():
    # the facts a hint reads from the log (here where the GC found the bad pointer)
    # were in the text report only; in Markdown they are code spans, inert
    analysis = analyze(SAMPLES / "go1.27" / "bad_pointer_in_heap.txt")
    (hint,) = [h for g in analysis.groups for h in g.hints if h.rule == "heap-corruption"]
    out = render(analysis, "markdown", RenderOptions())
    for fact in hint.details:
        assert f"> - `{fact}`" in out
    text = render(analysis, "text", RenderOptions(color=False))
    assert "· runtime: found in object at *(0x" in text
