"""Where the CI formats point when the culprit is a dependency's code.

The same module's `go test ./...` (tests/data/ci_workspace/make.sh), its dependency
example.com/ring in the module cache (Go 1.27.3, go-test.log) and vendored by
`go mod vendor` (Go 1.26.6 in /src/app, go-test-vendor-go1.26.log): the divide by zero
is the dependency's, called from the main module's window/window.go:5. A vendored file
is in the checkout's directory, but the project does not edit it and a job may vendor
by itself (nothing of vendor/ committed): every CI format points at the main module's
caller, as for the module cache's copy, and names the culprit in its text. Where no
frame of the main module is in the checkout, the vendored file is pointed at.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from render_model import analyse_file

from stackdemux.render import RenderOptions, render

DATA = Path(__file__).resolve().parent / "data" / "ci_workspace"
VENDORED = DATA / "go-test-vendor-go1.26.log"
CACHED = DATA / "go-test.log"
DIVIDE = "panic: runtime error: integer divide by zero"


@pytest.fixture(scope="module")
def vendored():
    return analyse_file(VENDORED)


def _checkout(root: Path, files: tuple[str, ...]) -> str:
    for rel in files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("")
    return str(root)


def _pointed_at(analysis, repo_root: str) -> dict[str, tuple[str | None, int | None]]:
    """Where each format locates the divide by zero: (path, line)."""
    options = RenderOptions(repo_root=repo_root)
    (line,) = [ln for ln in render(analysis, "github", options).splitlines()
               if ln.startswith("::error ") and "divide by zero" in ln]
    props = dict(p.split("=", 1) for p in line.split("::")[1].split(" ", 1)[1].split(","))
    (issue,) = [i for i in json.loads(render(analysis, "codequality", options))
                if i["description"].startswith(DIVIDE)]
    sarif = json.loads(render(analysis, "sarif", options))
    (result,) = [r for r in sarif["runs"][0]["results"] if r["message"]["text"].startswith(DIVIDE)]
    physical = result["locations"][0]["physicalLocation"]
    junit = render(analysis, "junit", options)
    (case,) = [c for c in junit.split("<testcase ")[1:] if "divide by zero" in c.split(">")[0]]
    return {
        "github": (props.get("file"), int(props["line"]) if "line" in props else None),
        "codequality": (issue["location"]["path"], issue["location"]["lines"]["begin"]),
        "sarif": (physical["artifactLocation"]["uri"], physical["region"]["startLine"]),
        "junit": (case.split('file="', 1)[1].split('"', 1)[0], None),
    }


def test_the_vendored_dependency_is_the_culprit_and_the_main_module_calls_it(vendored):
    (group,) = [g for g in vendored.groups if g.title == DIVIDE]
    assert (group.culprit.func, group.culprit.origin) == ("example.com/ring.(*Ring).At", "vendor")
    assert group.culprit.file == "/src/app/vendor/example.com/ring/ring.go"
    assert (group.main_frame.func, group.main_frame.line) == ("github.com/acme/app/window.Last", 5)


@pytest.mark.parametrize("root", ["build path", "checkout"])
def test_every_ci_format_points_at_the_callers_line_not_into_vendor(vendored, tmp_path, root):
    repo_root = "/src/app" if root == "build path" else _checkout(
        tmp_path, ("vendor/example.com/ring/ring.go", "window/window.go"))
    where = _pointed_at(vendored, repo_root)
    assert where == {"github": ("window/window.go", 5), "codequality": ("window/window.go", 5),
                     "sarif": ("window/window.go", 5), "junit": ("window/window.go", None)}


def test_with_no_caller_of_ours_in_the_checkout_the_vendored_file_is_pointed_at(vendored,
                                                                                 tmp_path):
    where = _pointed_at(vendored, _checkout(tmp_path, ("vendor/example.com/ring/ring.go",)))
    assert where["github"] == where["codequality"] == where["sarif"] == (
        "vendor/example.com/ring/ring.go", 8)


def test_a_culprit_in_the_main_module_is_pointed_at_itself(vendored):
    line = next(ln for ln in render(vendored, "github", RenderOptions(repo_root="/src/app"))
                .splitlines() if ln.startswith("::error ") and "regexp" in ln)
    assert line.startswith("::error file=parse/parse.go,line=5,")  # parse.Compile's own


def test_vendored_or_cached_it_is_one_crash_pointed_at_one_place(vendored, tmp_path):
    cached = analyse_file(CACHED)
    assert ({g.title: g.fingerprint for g in vendored.groups}
            == {g.title: g.fingerprint for g in cached.groups})
    checkout = _checkout(tmp_path, ("vendor/example.com/ring/ring.go", "window/window.go"))
    assert _pointed_at(vendored, checkout) == _pointed_at(cached, checkout)
