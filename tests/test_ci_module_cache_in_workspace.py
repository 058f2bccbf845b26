"""A CI job's `go test ./...` whose module cache lies in the checkout's directory.

A job that caches GOMODCACHE between runs often keeps it in its workspace
(`$GITHUB_WORKSPACE/.gomodcache`). The go command lays modules out there as under
`~/go/pkg/mod`, `<module>@<version>/`, so a dependency's frame is
`/home/runner/work/app/app/.gomodcache/example.com/ring@v0.2.0/ring.go`: under the
checkout's path, but no file of the repository. An annotation there points nowhere
(GitHub and GitLab resolve paths in the repository), and the frame is a dependency's,
not the main module's. `tests/data/ci_workspace/go-test.log` is a real run
(`make.sh`, Go 1.27.3, checked out where GitHub Actions checks out).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from render_model import analyse_file

from stackdemux.render import RenderOptions, render
from stackdemux.render.paths import in_repo

LOG = Path(__file__).resolve().parent / "data" / "ci_workspace" / "go-test.log"
WORKSPACE = "/home/runner/work/app/app"  # as printed in the log; need not exist here
CACHED = f"{WORKSPACE}/.gomodcache/example.com/ring@v0.2.0/ring.go"
DIVIDE = "panic: runtime error: integer divide by zero"


@pytest.fixture(scope="module")
def analysis():
    return analyse_file(LOG)


def _group(analysis, title):
    (group,) = [g for g in analysis.groups if g.title == title]
    return group


def _checkout(root: Path) -> Path:
    """The repository as checked out (with the cache the job left beside it)."""
    for rel in ("go.mod", "window/window.go", "window/window_test.go", "parse/parse.go",
                "parse/parse_test.go", "hang/hang.go", "hang/hang_test.go",
                ".gomodcache/example.com/ring@v0.2.0/ring.go"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("")
    return root


def test_a_dependency_in_a_module_cache_of_another_name_is_the_module_caches(analysis):
    (report,) = [r for r in analysis.reports if r.message.startswith("runtime error: integer")]
    frames = {f.func: f for f in report.goroutines[0].frames}
    dependency = frames["example.com/ring.(*Ring).At"]
    assert (dependency.origin, dependency.module, dependency.version) == (
        "modcache", "example.com/ring", "v0.2.0")
    ours = frames["github.com/acme/app/window.Last"]
    assert (ours.origin, ours.module) == ("main", "github.com/acme/app")


def test_the_culprit_stays_the_dependency_and_our_caller_is_named(analysis):
    group = _group(analysis, DIVIDE)
    assert group.culprit.func == "example.com/ring.(*Ring).At"
    assert group.main_frame.func == "github.com/acme/app/window.Last"
    text = render(analysis, "text", RenderOptions(repo_root=WORKSPACE, width=100))
    assert "culprit   example.com/ring.(*Ring).At  example.com/ring@v0.2.0/ring.go:8" in text
    assert "our code  github.com/acme/app/window.Last  window/window.go:5" in text
    assert ".gomodcache" not in text


@pytest.mark.parametrize("root", ["workspace", "elsewhere"])
def test_no_ci_format_points_into_the_module_cache(analysis, tmp_path, root):
    # the log's own workspace path (mapped by prefix), or a checkout at another
    # place holding the same files and the cache (mapped by the paths' suffixes)
    repo_root = WORKSPACE if root == "workspace" else str(_checkout(tmp_path))
    options = RenderOptions(repo_root=repo_root)

    github = render(analysis, "github", options).splitlines()
    errors = sorted(line.split("::", 2)[1] for line in github if line.startswith("::error"))
    assert errors == [
        "error file=hang/hang.go,line=8,title=panic%3A test timed out after <DUR>",
        "error file=parse/parse.go,line=5,title=panic%3A regexp%3A Compile(<STR>)%3A error "
        "parsing regexp%3A missing closing )%3A <STR>",
        "error file=window/window.go,line=5,title=panic%3A runtime error%3A integer divide "
        "by zero",
    ]

    (issue,) = [i for i in json.loads(render(analysis, "codequality", options))
                if i["description"].startswith(DIVIDE)]
    assert issue["location"] == {"path": "window/window.go", "lines": {"begin": 5}}

    sarif = json.loads(render(analysis, "sarif", options))
    (result,) = [r for r in sarif["runs"][0]["results"] if r["message"]["text"].startswith(DIVIDE)]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "window/window.go", "uriBaseId": "%SRCROOT%"}
    for stack in result["stacks"]:
        for frame in stack["frames"]:  # the cache's file keeps its absolute URI
            uri = frame["location"]["physicalLocation"]["artifactLocation"]["uri"]
            assert ".gomodcache" not in uri or uri.startswith("file:///home/runner/")

    junit = render(analysis, "junit", options)
    assert 'file=".gomodcache' not in junit and 'file="window/window.go"' in junit


def test_in_repo_refuses_any_module_caches_layout_under_the_checkout(tmp_path):
    _checkout(tmp_path)
    assert in_repo(CACHED, WORKSPACE) is None
    assert in_repo(CACHED, str(tmp_path)) is None
    assert in_repo(f"{tmp_path}/.gomodcache/example.com/ring@v0.2.0/ring.go",
                   str(tmp_path)) is None
    # the checkout's own files still map, by prefix and by suffix
    assert in_repo(f"{WORKSPACE}/window/window.go", WORKSPACE) == "window/window.go"
    assert in_repo("/builddir/app/window/window.go", str(tmp_path)) == "window/window.go"
    # a directory named with an @ that is no module version is the checkout's, and
    # so is its own package `pkg/mod` (only a module cache's `module@version/` is not)
    assert in_repo(f"{WORKSPACE}/docs/me@home/x.go", WORKSPACE) == "docs/me@home/x.go"
    assert in_repo(f"{WORKSPACE}/pkg/mod/mod.go", WORKSPACE) == "pkg/mod/mod.go"
