"""Where nothing crashed, no frame is a culprit: a goroutine dump (pprof,
debug.Stack, runtime.Stack, a recovered panic's stack), a SIGQUIT's dump and a
signal sent to an idle program (`kill -ABRT`) name the frame for what it is, in
every format; the JSON field keeps its name (the contract). Each case is a real capture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stackdemux.api import analyze_many
from stackdemux.render import RenderOptions, render
from stackdemux.render.view import culprit_label, group_views

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FORMATS = ["text", "markdown", "html", "github", "junit", "sarif", "codequality"]


def _label(name: str) -> tuple[str, str | None]:
    (view,) = group_views(analyze_many([str(SAMPLES / name)]))
    return culprit_label(view), view.culprit.func if view.culprit else None


@pytest.mark.parametrize(("name", "label", "func"), [
    # the program printed the dump: the code that called debug.PrintStack, or pprof's
    ("go1.27/debug_printstack.txt", "dumped by", "main.handleStack"),
    ("go1.21/pprof_debug2.txt", "dumped by", "runtime/pprof.writeGoroutineStacks"),
    ("go1.27/goroutine_leak_profile.txt", "dumped by", "runtime/pprof.writeGoroutineStacks"),
    # runtime.Stack prints no frame of its own: the goroutine ran where it called it
    ("go1.27/runtime_stack.txt", "runs in", "main.init.5.func4"),
    # SIGQUIT: where goroutine 1 waited, and where a busy one ran, when it came
    ("go1.27/sigquit.txt", "waits in", "main.init.5.func1"),
    ("go1.27/sigquit_crash_busy.txt", "runs in", "main.spin"),
    ("gccgo12/gccgo_sigquit.txt", "waits in", "time.Sleep"),
    # `kill -ABRT` of a program waiting: the signal landed on an idle thread
    ("go1.27/sigabrt.txt", "waits in", "main.init.5.func1"),
    # a pasted dump whose goroutines' headers were lost: their states unknown
    ("wild/balena175_journald_double_spaced_yocto_arm.txt", "seen in",
     "github.com/docker/docker/pkg/authorization.(*Middleware).WrapHandler.func1"),
    # a stack logged from a recover (debug.Stack; an app's logger's runtime.Stack):
    # the frame that panicked, and the program lived on
    ("go1.27/stack_logged_flat.txt", "panic in", "main.doPanic"),
    ("wild/firestack231_level_letter_before_goroutine_header_android.txt", "panic in",
     "github.com/celzero/firestack/intra/dnsx.(*resolver).reply.func2"),
])
def test_a_frame_where_nothing_crashed_is_named_for_what_it_is(
        name: str, label: str, func: str) -> None:
    assert _label(name) == (label, func)


@pytest.mark.parametrize(("name", "func"), [
    ("go1.27/cgo_abort.txt", "main._Cfunc_give_up"),  # C's abort(), called by the program
    ("go1.27/cgo_segv.txt", "main._Cfunc_read_config"),
    # Go 1.2's C runtime's `runtime.panic`, the paste cut above the panic line
    ("wild/megacmd61_word_wrapped_rows_padded_go12.txt", "github.com/t3rm1n4l/go-mega.func·005"),
    ("go1.27/nil_pointer.txt", "main.readVal"),
])
def test_a_crash_s_frame_stays_its_culprit(name: str, func: str) -> None:
    assert _label(name) == ("culprit", func)


# How each format says a dump's printer, and how it said a culprit
SAID = {"text": ("    dumped by main.handleStack", "    culprit "),
        "markdown": ("**Dumped by:** `main.handleStack`", "**Culprit:**"),
        "html": ("<dt>dumped by</dt>", "<dt>culprit</dt>"),
        "github": ("%0Adumped by: main.handleStack at /app/main.go:504", "culprit:"),
        "junit": ("\ndumped by: main.handleStack at /app/main.go:504", "culprit:"),
        "sarif": ("\\ndumped by: main.handleStack at /app/main.go:504", "culprit:"),
        "codequality": ("; dumped by: main.handleStack at /app/main.go:504", "culprit:")}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_says_who_dumped_the_stacks_and_calls_nothing_a_culprit(fmt: str) -> None:
    analysis = analyze_many([str(SAMPLES / "go1.27/debug_printstack.txt")])
    out = render(analysis, fmt, RenderOptions(width=100))
    said, not_said = SAID[fmt]
    assert said in out
    assert not_said not in out


def test_the_index_of_markdown_and_html_says_what_the_frame_is_beside_its_function() -> None:
    analysis = analyze_many([str(SAMPLES / "go1.27/sigquit.txt")])
    md = render(analysis, "markdown", RenderOptions())
    assert "| *waits in* `main.init.5.func1` `main.go:477` |" in md
    page = render(analysis, "html", RenderOptions())
    assert '<td><span class="muted">waits in</span> <code>main.init.5.func1</code></td>' in page


def test_the_json_contract_keeps_its_culprit_field() -> None:
    analysis = analyze_many([str(SAMPLES / "go1.27/debug_printstack.txt")])
    doc = json.loads(render(analysis, "json", RenderOptions()))
    assert doc["groups"][0]["culprit"]["func"] == "main.handleStack"
    assert doc["reports"][0]["culprit"]["func"] == "main.handleStack"


@pytest.mark.parametrize(("name", "shown"), [
    ("go1.27/sigquit.txt", "goroutine 1"),  # (waits in: nothing crashed)
    ("go1.27/sigquit_crash_busy.txt", "goroutine"),
    ("go1.27/sigabrt.txt", "goroutine 1"),
    ("go1.27/nil_pointer.txt", "the crashing goroutine"),
])
def test_markdown_and_html_call_no_goroutine_crashing_where_nothing_crashed(name, shown):
    analysis = analyze_many([str(SAMPLES / name)])
    md = render(analysis, "markdown", RenderOptions())
    page = render(analysis, "html", RenderOptions())
    said = md.split("<details><summary>Stack of ", 1)[1].split("</summary>", 1)[0]
    assert said.startswith(shown)
    assert ("crashing" in page) == (shown == "the crashing goroutine")


@pytest.mark.parametrize(("name", "said"), [
    ("go1.27/sigabrt.txt", "A Go program was stopped by this signal"),  # (no hint applies)
    ("go1.27/stack_logged_flat.txt", "A stack a Go program logged of a panic it recovered"),
    ("go1.27/pprof_debug2.txt", "A goroutine dump a Go program printed on purpose"),
    ("go1.27/panic_string.txt", "A Go program crashed with this message"),
])
def test_a_sarif_rule_s_help_says_what_the_alert_is(name, said):
    # `kill -ABRT` of a waiting program was helped as a crash: "the culprit frame …
    # the crashing goroutine's stack", under a result whose frame `waits in`
    sarif = json.loads(render(analyze_many([str(SAMPLES / name)]), "sarif", RenderOptions()))
    (rule,) = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert rule["help"]["text"].startswith(said)
    if said != "A Go program crashed with this message":
        assert "culprit" not in rule["help"]["text"] and "crashing" not in rule["help"]["text"]
