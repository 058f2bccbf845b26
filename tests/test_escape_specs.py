"""The holes a security review of the renderers found, each on a real log's shape.

1. The GitHub Actions runner obeys `##[name]data` anywhere in a line (its legacy
   command form, actions/runner ActionCommand.TryParse), not only `::name::` at
   a line's start: no report printed in a job may hold one, in any format.
2. A line of text in a JUnit or HTML report could start with `::` (a panic
   message's second line).
3. Characters Unicode calls default-ignorable (zero-width, tag characters,
   variation selectors) passed through, hiding text from a reader, and from a
   culture-sensitive search: `#\\u200b#[` is `##[` to the runner.
4. Markdown prose could hold `#123` or `GH-123`: GitHub links it to an issue
   and tells that issue it was mentioned.
5. An escape sequence never terminated (an OSC hyperlink or title) was removed
   with the rest of its line: a log could hide what followed it.
6. `stackdemux split` printed a diagnostic's text (the log's file names) raw,
   and the CLI an error naming a file raw.
7. The `grammar` debugging command echoed a line's fields with `##[` in them:
   repr escapes control characters, not a workflow command.
8. `stackdemux split -o DIR` wrote through a symbolic link left in DIR under a
   stream's file name (a shared directory: `s1.log -> ~/.bashrc`).
9. GitLab's code quality and SARIF named a frame's file outside the checkout as
   printed, `..` and all: a viewer joining it to its root would leave the root.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from render_model import malicious_analysis
from test_escape_checks import markdown_problems, runner_commands, terminal_problems

from stackdemux import analyze_many
from stackdemux.cli import main
from stackdemux.ingest import ingest
from stackdemux.render import RENDERERS, RenderOptions, render
from stackdemux.render.view import group_views

GO = Path(__file__).resolve().parent.parent / "samples" / "go1.27"


def _panic(message: str, name: str = "build.log"):
    text = (GO / "panic_multiline.txt").read_text(encoding="utf-8")
    return analyze_many([ingest(text.replace("line1", message, 1), name)])


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_no_format_holds_a_legacy_workflow_command_from_the_log(fmt):
    analysis = _panic("##[set-output name=deploy;]true")
    out = render(analysis, fmt, RenderOptions(verbose=True))
    assert "deploy" in out
    acted = runner_commands(out, strict=fmt == "github")
    assert all(name in ("error", "notice", "group", "endgroup", "stop-commands", "resume")
               for name, _, _ in acted), acted


def test_json_and_xml_keep_the_value_exact_while_inert():
    analysis = _panic("##[add-mask]hunter2")
    doc = json.loads(render(analysis, "json"))
    assert doc["reports"][0]["message"].startswith("##[add-mask]hunter2")
    root = ET.fromstring(render(analysis, "junit").encode())
    assert root.find(".//failure").get("message").startswith("panic: ##[add-mask]hunter2")
    sarif = json.loads(render(analysis, "sarif"))  # (brackets escaped: §3.11.6 links)
    assert "##\\[add-mask\\]hunter2" in sarif["runs"][0]["results"][0]["message"]["text"]


def test_a_line_of_text_starting_a_workflow_command_is_inert_in_junit_and_html():
    # An Analysis is public API: one built by a program may hold a newline in
    # any field (here the skopeo crash, every field hostile). XML and HTML keep
    # the value: the `:` starting a line of it is a character reference.
    analysis = malicious_analysis()
    for fmt in ("junit", "html"):
        out = render(analysis, fmt, RenderOptions(verbose=True))
        assert not runner_commands(out, strict=False), fmt
    root = ET.fromstring(render(analysis, "junit", RenderOptions(verbose=True)).encode())
    assert "\n::add-mask::hunter2" in root.find(".//failure").text


def test_invisible_characters_are_shown_not_hidden():
    # U+E0041..: tag characters that spell hidden text; U+200B between # and #[
    analysis = _panic("ok\U000e0041\U000e0042 #\u200b#[add-mask]x")
    for fmt in ("text", "markdown", "html", "github"):
        out = render(analysis, fmt, RenderOptions())
        assert "\\U000e0041" in out, fmt  # (`\\ue0041` read as U+E004 and a 1)
        assert "\U000e0041" not in out and "\u200b#[" not in out, fmt
    text = render(analysis, "text", RenderOptions())
    assert not terminal_problems(text), terminal_problems(text)


def test_an_unterminated_escape_sequence_hides_nothing_after_it():
    analysis = _panic("\x1b]8;;https://evil.example the real cause")
    for fmt in ("text", "markdown", "html", "github", "junit"):
        out = render(analysis, fmt, RenderOptions())
        assert "the real cause" in out, fmt
        assert "\x1b" not in out, fmt
    assert not terminal_problems(render(analysis, "text", RenderOptions()))


def test_markdown_prose_references_no_issue():
    # two inputs: the report names each by its file name, in prose
    a = ingest((GO / "panic_string.txt").read_text(encoding="utf-8"), "crash#12 GH-3.log")
    b = ingest((GO / "nil_map.txt").read_text(encoding="utf-8"), "o/r#4.log")
    analysis = analyze_many([a, b])
    md = render(analysis, "markdown", RenderOptions())
    assert "crash" in md and "GH" in md
    views = group_views(analysis)
    assert not markdown_problems(md, sections=len(views),
                                 details=len(views) + bool(analysis.diagnostics))


def test_split_says_the_log_s_file_names_and_labels_inertly(tmp_path):
    lines = (GO / "panic_string.txt").read_text(encoding="utf-8").splitlines()
    log = tmp_path / "\x1b]0;owned\x07##[add-mask]y.log"
    # `--prefix`'s key names the stream; bytes that are not UTF-8 make a
    # diagnostic that names the file
    log.write_bytes("".join(f"##[add-mask]x\u202e| {ln}\n" for ln in lines).encode()
                    + b"\xff\n")
    result = CliRunner().invoke(main, ["split", str(log), "-o", str(tmp_path / "out"),
                                       "--prefix", r"^(?P<key>[^|]*)\| "])
    assert result.exit_code == 0, result.output
    assert "add-mask]x" in result.stdout and "add-mask]y" in result.stderr
    assert not terminal_problems(result.stdout), terminal_problems(result.stdout)
    assert not terminal_problems(result.stderr), terminal_problems(result.stderr)


def test_the_grammar_command_shows_a_line_s_fields_inertly():
    # a panic message read from stdin, as a developer pipes a suspect log line in
    line = "panic: ##[add-mask]hunter2 \x1b]0;owned\x07 #\u200b#[error]x"
    result = CliRunner().invoke(main, ["grammar"], input=line + "\n")
    assert result.exit_code == 0, result.output
    kind, fields = result.stdout.rstrip("\n").split("\t")  # (the tab is the command's own)
    assert kind == "panic" and "add-mask]hunter2" in fields
    assert not terminal_problems(fields), terminal_problems(fields)


def test_split_replaces_a_link_in_its_directory_and_writes_nothing_through_it(tmp_path):
    case = Path(__file__).parent / "corpus" / "cases" / "bolt-prefix-compose"
    out = tmp_path / "out"
    out.mkdir()
    first = CliRunner().invoke(main, ["split", str(case / "input.log"), "-o", str(out)])
    assert first.exit_code == 0, first.output
    names = sorted(p.name for p in out.iterdir())
    victim = tmp_path / "bashrc"
    victim.write_text("keep me\n")
    for name in names:  # every file split writes, a link in its place
        (out / name).unlink()
        (out / name).symlink_to(victim)
    again = CliRunner().invoke(main, ["split", str(case / "input.log"), "-o", str(out)])
    assert again.exit_code == 0, again.output
    assert victim.read_text() == "keep me\n"
    assert all(not (out / n).is_symlink() and (out / n).is_file() for n in names)
    outputs = sorted((case / f"p{i}.out").read_text() for i in range(3))
    assert sorted((out / n).read_text() for n in names
                  if n not in ("noise.txt", "prefixes.txt")) == outputs


@pytest.mark.parametrize("printed", ["/app/../../../etc/passwd", "../../../etc/passwd",
                                     "C:\\app\\..\\..\\secret.go"])
def test_ci_formats_name_a_file_outside_the_checkout_without_dot_dot(printed, tmp_path):
    text = (GO / "panic_string.txt").read_text(encoding="utf-8").replace("/app/main.go", printed)
    analysis = analyze_many([ingest(text, "../../build.log")])
    options = RenderOptions(repo_root=str(tmp_path))  # an empty checkout: nothing maps
    (issue,) = json.loads(render(analysis, "codequality", options))
    sarif = json.loads(render(analysis, "sarif", options))
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"]
            for result in sarif["runs"][0]["results"]
            for loc in [*result["locations"],
                        *(f["location"] for stack in result["stacks"] for f in stack["frames"])]]
    assert uris
    for path in uris:
        assert ".." not in path.replace("\\", "/").split("/"), path
        assert path.endswith(("passwd", "secret.go")), path
    # GitLab's path is the project's: a file outside it is said in the
    # description, and the issue points at the log, also without `..`
    assert issue["location"]["path"] == "build.log"


def test_an_error_naming_a_file_says_it_inertly(tmp_path):
    name = str(tmp_path / "\x1b]0;owned\x07##[add-mask]x.log")
    result = CliRunner().invoke(main, ["report", name])
    assert result.exit_code == 2
    assert "add-mask" in result.stderr
    assert not terminal_problems(result.stderr), terminal_problems(result.stderr)


def test_the_library_reads_a_file_whose_name_is_not_utf8_into_any_format(tmp_path):
    # api.load(path) as a triage bot calls it: the name's lone surrogates
    # (os.fsdecode of a byte that is not UTF-8) are shown as U+FFFD, as the CLI shows them
    import os

    from stackdemux.api import load

    raw = os.path.join(bytes(tmp_path), b"crash-\xff.log")
    with open(raw, "wb") as f:
        f.write(Path(__file__).parent.parent.joinpath("samples/go1.27/nil_map.txt").read_bytes())
    source = load(os.fsdecode(raw))
    assert source.name.endswith("crash-\ufffd.log")
    analysis = analyze_many([source])
    for fmt in ("json", "sarif", "codequality"):
        json.loads(render(analysis, fmt, RenderOptions()))
    ET.fromstring(render(analysis, "junit", RenderOptions()))
