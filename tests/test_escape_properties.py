"""A log written by an attacker: whatever it holds, every output format stays inert.

Real logs (samples from real Go toolchains, a real `docker compose` log, a real
`npm-run-all --print-label` capture, a real `go test -json` stream) have one of
the places a log's text reaches a report replaced by a hostile string: a panic
message, a function name, a file path, a goroutine state, pprof labels, a
compose service name, a runner's label, a `--prefix` key, a test name, the
`Test` and `Package` of test2json events, a remote address and a `runtime:`
note quoted as a hint's facts, an input's file name. The whole pipeline reads
it, every renderer writes it, and each output is read back by the target
system's own rules (test_escape_checks.py): the Actions runner's command
parsing, a terminal's controls, GitHub's Markdown (cmark-gfm), html.parser,
expat, JSON; `split` writes nothing outside its directory.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_escape_checks import (
    character_problems,
    github_problems,
    html_problems,
    json_document,
    markdown_problems,
    runner_commands,
    sarif_link_problems,
    strings,
    terminal_problems,
    xml_root,
)

from stackdemux import analyze_many
from stackdemux.api import Options
from stackdemux.cli import main
from stackdemux.ingest import ingest
from stackdemux.render import RenderOptions, render
from stackdemux.render.failures import failure_views, said_by_failures
from stackdemux.render.view import ci_views, group_views, sightings

ROOT = Path(__file__).resolve().parent.parent
GO = ROOT / "samples" / "go1.27"

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])

# Pieces of attacks on each output's target system; hypothesis strings them
# together with arbitrary characters between.
FRAGMENTS = [
    # GitHub Actions workflow commands, current and legacy, and their escapes
    "::", "::add-mask::", "::stop-commands::", "::error file=x,line=1::", "##[", "##[add-mask]",
    "##[stop-commands]", "]", "%0A", "%0D", "%25", "%3A", "%2C", ",", "=",
    # terminal: CSI, OSC 8 links and titles, C1, carriage return, backspace, bidi, invisibles
    "\x1b[2J", "\x1b[1A", "\x1b]8;;https://evil.example\x1b\\", "\x1b]0;owned\x07", "\x9b31m",
    "\x9d0;t\x9c", "\x1bc", "\r", "\b", "\x7f", "\x00", "\x85", "\u202e", "\u2066", "\u200f",
    "\u2028", "\ufeff", "\U000e0041", "\u200b", "\u00ad",
    # HTML and XML
    "<script>alert(1)</script>", "<img src=x onerror=alert(2)>", '"', "'", "&amp;", "<!--",
    "-->", "]]>", "</pre>", "</details>", "<details>", "\ufffe", "\ufdd0", "\ud800",
    'javascript:alert(1)', "<a href=javascript:x>",
    # Markdown: links, images, autolinks, mentions, references, code spans, tables, headings
    "[x](https://evil.example)", "![p](https://evil.example/p.png)", "<https://evil.example>",
    "https://evil.example", "www.evil.example", "WWW.evil.example", "x@evil.example",
    "@octocat", "#1", "GH-1", "o/r#2", "`", "``", "````", "~~~", "|", "\\|", "\\", "# h",
    "\n# h\n", "\n---\n", "\n", "\n\n", "*", "_", "- [ ] ", "[^1]", "[ref]: https://e.x",
    "\t", "    ",
]

CANARY = "Zq9"  # one token that marks the hostile text in an output (not in any sample)


# Every fragment at once: each place is tried with it whatever hypothesis draws.
SINK = CANARY + "".join(FRAGMENTS)


@st.composite
def hostile(draw, newlines: bool = True) -> str:
    fragment = st.sampled_from(FRAGMENTS)
    pieces = draw(st.lists(st.one_of(fragment, fragment, st.text(max_size=3)),
                           min_size=1, max_size=10))
    text = CANARY + "".join(pieces)
    return text if newlines else text.replace("\n", " ").replace("\r", " ")


def _read(name: str) -> str:
    return (GO / name).read_text(encoding="utf-8")


def _replace(text: str, old: str, new: str, count: int = -1) -> str:
    assert old in text, old  # the sample still has the place
    return text.replace(old, new, count)


# Each place: how a real log is changed to carry `h` there.
PLACES = {
    "panic message": lambda h: _replace(_read("panic_string.txt"), "panic: boom", "panic: " + h),
    "multi-line message": lambda h: _replace(_read("panic_multiline.txt"), "line2", h),
    # a later panic's value of several lines (Go 1.23+ tabs them: kept in the value)
    "chained multi-line value": lambda h: _replace(
        (ROOT / "tests" / "data" / "chain_value_lines" / "recovered-go1.27.3.txt")
        .read_text(encoding="utf-8"), "field a: required", h.replace("\n", "\n\t")),
    "function name": lambda h: _replace(_read("panic_string.txt"), "main.init.0.func1",
                                        "main." + h.replace("\n", "")),
    "file path": lambda h: _replace(_read("nil_pointer.txt"), "/app/main.go",
                                    "/app/" + h.replace("\n", "") + "/main.go"),
    # a -trimpath build's file name, relative: SARIF names it by a relative reference
    "trimpath file path": lambda h: _replace(
        _read("skopeo_trimpath.txt"), "go.etcd.io/bbolt@v1.4.3/cursor.go",
        "go.etcd.io/bbolt@v1.4.3/" + h.replace("\n", "") + "/cursor.go"),
    "goroutine state": lambda h: _replace(_read("deadlock.txt"), "[sync.Mutex.Lock]",
                                          "[" + h.replace("\n", "") + "]"),
    "labels": lambda h: _replace(_read("labels_godebug.txt"), "request_id: abc123",
                                 "request_id: " + h.replace("\n", "")),
    "test name": lambda h: _replace(_read("test_timeout.txt"), "TestHang",
                                    "TestHang" + h.replace("\n", "")),
    "remote address": lambda h: _replace(_read("http_panic.txt"), "127.0.0.1:59886",
                                         h.replace("\n", "") + ":1"),
    "runtime note": lambda h: _replace(_read("bad_pointer_in_heap.txt"),
                                       "runtime: found in object", "runtime: " + h.replace(
                                           "\n", "")),
    "compose service": lambda h: _replace(
        (ROOT / "samples" / "interleaved" / "compose-bbolt.log").read_text(encoding="utf-8"),
        "hub-1   ", h.replace("\n", "").replace("|", "")[:40]),
    "runner label": lambda h: _replace(
        (ROOT / "tests" / "data" / "runners" / "run-p.log").read_text(encoding="utf-8"),
        "[api         ]", "[" + h.replace("\n", "").replace("]", "") + "]"),
    # a plain test failure's log and name (render/failures.py: an annotation, a JUnit
    # case, a SARIF result and an issue each, the log's text in them)
    "failed test's log": lambda h: _replace(_read("test_fail_plain.txt"),
                                            "Add(1, 2) = 4, want 3", h.replace("\n", " ")),
    "failed test's log lines": lambda h: _replace(_read("test_fail_plain.txt"), "        got:",
                                                  "        " + h.replace("\n", "\n        ")),
    "failed test's name": lambda h: _replace(_read("test_fail_plain.txt"), "TestHello",
                                             "TestHello" + "".join(h.split())),
    "test2json": lambda h: "".join(
        _test2json_line(line, h)
        for line in (ROOT / "tests" / "data" / "wrapped" / "test2json-go1.27.3.jsonl")
        .read_text(encoding="utf-8").splitlines(keepends=True)),
}


def _test2json_line(line: str, h: str) -> str:
    event = json.loads(line)
    if event.get("Test"):
        event["Test"] += h
    event["Package"] = event["Package"] + h
    return json.dumps(event) + "\n"


def _analysis(place: str, h: str, name: str = "build.log", prefix: str | None = None):
    text = PLACES[place](h)
    # surrogates cannot come out of a file; a str input's are replaced the same way
    return analyze_many([ingest(text, name), ingest(_read("nil_map.txt"), "other.log")],
                        Options(prefix=prefix))


def assert_inert(analysis) -> None:
    """Every format, read back by its target system's rules."""
    views = group_views(analysis)
    seen = sightings(analysis)  # (a hostile prefix can leave a crash unread: a warning)
    # (the CI formats say a plain test failure's group by its failed tests: failures.py,
    # and a crash group whose reports' own ids differ by an entry per id: ci_views)
    shown = (len([v for v in ci_views(analysis) if not said_by_failures(v)])
             + len(failure_views(analysis)))
    for verbose in (False, True):
        options = RenderOptions(verbose=verbose, color=verbose)
        text = render(analysis, "text", options)
        assert not terminal_problems(text, color=verbose), terminal_problems(text, color=verbose)

        # (a checkout at /app: the samples' frames are in it, so annotations name
        # their files, log text in a property)
        github = render(analysis, "github", RenderOptions(verbose=verbose,
                                                          repo_root="/app" if verbose else None))
        found = github_problems(github, shown, unread=len(seen))
        assert not found, found

        md = render(analysis, "markdown", RenderOptions(verbose=verbose))
        # a stack, and the other goroutines' buckets: each a collapsible block
        # (of the groups that fit GitHub's 1 MiB, the rest said in a note)
        fit = _fitting(md, views)
        details = sum((v.goroutine is not None) + any(
            v.goroutine is None or v.goroutine.id not in b.ids for b in v.buckets)
            for v in fit)
        details += bool(views and analysis.diagnostics)  # (how the log was read, collapsed)
        found = markdown_problems(md, sections=len(fit), details=details)
        assert not found, found

        page = render(analysis, "html", RenderOptions(verbose=verbose))
        assert not html_problems(page), html_problems(page)

    root = xml_root(render(analysis, "junit", RenderOptions(verbose=True)))
    assert len(root.findall(".//testcase")) == max(shown + len(seen), 1)

    sarif = json_document(render(analysis, "sarif", RenderOptions(repo_root="/app")))
    for result in sarif["runs"][0]["results"]:
        texts = [result["message"]["text"]] + [s["message"]["text"]
                                               for s in result.get("stacks", [])]
        for t in texts:
            assert not sarif_link_problems(t), sarif_link_problems(t)
    for rule in sarif["runs"][0]["tool"]["driver"]["rules"]:
        assert not sarif_link_problems(rule["shortDescription"]["text"])
    for uri, base in _artifacts(sarif):
        # a file URI, or a relative reference to a base the run names: no other
        # scheme, no authority, nothing a viewer resolves outside its roots
        if base is None:
            assert uri.startswith("file:///") and "/../" not in uri, uri
        else:
            assert base in sarif["runs"][0]["originalUriBaseIds"], base
            head = uri.split("/", 1)[0]
            assert not uri.startswith("/") and ":" not in head and head != "..", uri
    codequality = render(analysis, "codequality", RenderOptions(repo_root="/app"))
    for s in strings(sarif) + strings(json_document(codequality)):
        assert not character_problems(s), s  # (values a viewer shows)
    json_document(render(analysis, "json"))
    for fmt in ("markdown", "html", "junit", "sarif", "codequality", "json"):
        # (a report printed in a CI job, or tee'd to $GITHUB_STEP_SUMMARY)
        out = render(analysis, fmt, RenderOptions(verbose=True))
        assert not runner_commands(out, strict=False), (fmt, runner_commands(out, strict=False))


def _fitting(md: str, views: list) -> list:
    """The groups whose sections a Markdown summary holds: all, or those before
    its note that the rest would pass GitHub's 1 MiB (none if even its table did)."""
    if md.endswith("\n*Summary truncated to fit GitHub's 1 MiB limit.*\n"):
        return []
    cut = re.search(r"^\*(\d+) more groups? not shown: the summary would exceed", md, re.M)
    return views[:len(views) - int(cut.group(1))] if cut else views


def _artifacts(sarif: dict) -> list[tuple[str, str | None]]:
    """Every result's locations' and stack frames' (uri, uriBaseId)."""
    found = []
    for result in sarif["runs"][0]["results"]:
        locations = [*result["locations"], *(
            f["location"] for stack in result.get("stacks", []) for f in stack["frames"])]
        for loc in locations:
            artifact = loc.get("physicalLocation", {}).get("artifactLocation")
            if artifact is not None:
                found.append((artifact["uri"], artifact.get("uriBaseId")))
    return found


@pytest.mark.parametrize("place", sorted(PLACES))
def test_a_hostile_string_anywhere_leaves_every_format_inert(place):
    @SETTINGS
    @given(h=hostile())
    @example(h=SINK)
    @example(h=SINK.replace("\n", ""))
    def check(h):
        assert_inert(_analysis(place, h))

    check()


@pytest.mark.parametrize("place", sorted(PLACES))
def test_the_hostile_string_reaches_the_reports(place):
    # Otherwise the test above could pass on outputs that never held it: the
    # model holds it, and the Markdown report, which shows every place, too.
    analysis = _analysis(place, CANARY + "x")
    for fmt in ("json", "markdown"):
        assert CANARY in render(analysis, fmt, RenderOptions(verbose=True)), (place, fmt)


@SETTINGS
@given(key=hostile(newlines=False))
@example(key=SINK.replace("\n", "").replace("|", ""))
def test_a_prefix_regex_key_is_log_text_too(key):
    lines = _read("panic_string.txt").splitlines()
    log = "".join(f"{key}| {ln}\n" for ln in lines)
    assert_inert(analyze_many([ingest(log, "k.log")], Options(prefix=r"^(?P<key>[^|]*)\| ")))


@SETTINGS
@given(name=hostile(newlines=False))
@example(name=SINK.replace("\n", ""))
def test_an_input_file_name_is_untrusted_text(name):
    # (a log holding bytes that are not UTF-8 is said of, by its name, in a diagnostic)
    name = name.replace("\ud800", "")  # (a str from a file system: see the test below)
    data = _read("panic_string.txt").encode() + b"\xff\xfe bad\n"
    analysis = analyze_many([ingest(data, name), ingest(_read("nil_map.txt"), name + "2")])
    assert any(CANARY in d.message for d in analysis.diagnostics)
    assert_inert(analysis)


@settings(SETTINGS, max_examples=10)
@given(name=hostile(newlines=False))
@example(name=SINK.replace("\n", ""))
def test_a_file_name_of_any_bytes_is_read_and_reported(name, tmp_path_factory):
    # A Linux file name is bytes: one that is not UTF-8 reaches Python as lone
    # surrogates (surrogateescape), which no JSON or XML can hold.
    tmp = tmp_path_factory.mktemp("names")
    raw = name.replace("/", "\u2215").replace("\x00", "").encode("utf-8", "surrogatepass")
    paths = []
    for i, sample in enumerate(("panic_string.txt", "nil_map.txt")):
        path = os.path.join(bytes(tmp), raw[:200] + b"\xff" + str(i).encode())
        with open(path, "wb") as f:
            f.write((GO / sample).read_bytes())
        paths.append(os.fsdecode(path))
    for fmt in ("json", "sarif", "codequality", "text", "junit"):
        result = CliRunner().invoke(main, ["report", "-f", fmt, *paths])
        assert result.exit_code == 0, (fmt, result.output)
        if fmt == "text":
            assert not terminal_problems(result.stdout), terminal_problems(result.stdout)
        elif fmt == "junit":
            xml_root(result.stdout)
        else:
            json_document(result.stdout)


# --------------------------------------------------------------------- split ---


def _split(tmp_path: Path, log: str, *args: str):
    src = tmp_path / "in.log"
    src.write_text(log, encoding="utf-8", errors="surrogatepass")  # (bytes not UTF-8)
    out = tmp_path / "deep" / "out"
    result = CliRunner().invoke(main, ["split", str(src), "-o", str(out), *args])
    return out, result


def _written_outside(tmp_path: Path, out: Path) -> list[str]:
    allowed = {tmp_path / "in.log", tmp_path / "deep", out}
    return [str(p) for p in tmp_path.rglob("*")
            if p not in allowed and out not in p.parents]


@pytest.mark.parametrize("place", ["compose service", "runner label"])
def test_split_writes_only_inside_its_directory_whatever_the_labels(place, tmp_path_factory):
    @SETTINGS
    @given(h=st.one_of(hostile(newlines=False),
                       st.sampled_from(["../../etc/x", "/abs/x", "..", ".", "~", "a/../../b",
                                        "C:\\x", "\\\\srv\\share", "noise.txt", "s1.log",
                                        "-rf", "..\\..\\x", ".hidden", "CON", "a\x00b"])))
    @example(h=SINK.replace("\n", ""))
    def check(h):
        tmp = tmp_path_factory.mktemp("split")
        out, result = _split(tmp, PLACES[place](CANARY + h))
        assert result.exit_code == 0, result.output
        assert not _written_outside(tmp, out), _written_outside(tmp, out)
        names = sorted(os.listdir(out))
        assert "noise.txt" in names and all(not n.startswith(".") for n in names), names
        assert not terminal_problems(result.stdout), terminal_problems(result.stdout)
        assert not terminal_problems(result.stderr), terminal_problems(result.stderr)

    check()


@settings(max_examples=300, deadline=None, derandomize=True)
@given(label=st.one_of(st.none(), st.text(), hostile(),
                       st.sampled_from(["..", "../../etc/passwd", "/abs", "a/../../b", ".",
                                        "..\\..\\x", "C:\\x", "~", "-", "---", "\x00"])),
       index=st.integers(1, 40))
def test_a_stream_file_name_stays_a_name_in_its_directory(label, index):
    # (the pure rule under `split`: the label is log text, the id is ours)
    from stackdemux.demux.split import stream_file_name
    from stackdemux.model import Stream

    name = stream_file_name(Stream(id=f"s{index}", label=label))
    assert name.startswith(f"s{index}") and name.endswith(".log")
    assert name.isascii() and "/" not in name and "\\" not in name
    assert len(name) <= 80
    out = Path("/srv/out")
    assert (out / name).resolve().parent == out
