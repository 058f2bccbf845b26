"""Mapping a log's paths into the checkout (render/paths.in_repo, render/failures.
failure_file) on paths an attacker wrote: thousands of components.

A frame's file (grammars/traceback.lark's FILE) and a test's package are as long
as the log makes them; each tail of their components was joined anew and looked
for under --repo-root, quadratic in the components: a frame's file of 4 000
components took 24 s of CPU in a SARIF report, a failed test's package of 8 000
(go test's `FAIL\tpkg`) 25 s in each CI format. Found by fuzz21.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stackdemux.api import analyze
from stackdemux.render import RenderOptions, render
from stackdemux.render.failures import failure_file, failure_views
from stackdemux.render.paths import _goroot_src, in_repo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_fuzz import lines_run

ROOT = Path(__file__).resolve().parent.parent
CRASH = (ROOT / "samples" / "go1.27" / "nil_pointer.txt").read_text()
FAILED = (ROOT / "samples" / "go1.21" / "test_fail_verbose.txt").read_text()
# Python lines the mapping runs: its own and the path joins it asks for
WORK = {"in_repo", "failure_file", "tails", "join"}


def _checkout(tmp: Path) -> Path:
    (tmp / "cmd" / "api").mkdir(parents=True)
    (tmp / "cmd" / "api" / "main.go").write_text("package main\n")
    (tmp / "greet").mkdir()
    (tmp / "greet" / "greet_test.go").write_text("package greet\n")
    (tmp / "go.mod").write_text("module example.com/gotests\n")
    return tmp


def test_a_frame_s_file_of_thousands_of_components_is_mapped_in_linear_work(tmp_path: Path):
    root = str(_checkout(tmp_path))

    def work(n: int) -> int:
        path = "/build" + "/x" * n + "/cmd/api/main.go"
        got: list[str | None] = []
        spent = lines_run(WORK, lambda: got.append(in_repo(path, root)))
        assert got == ["cmd/api/main.go"]  # the longest tail the checkout holds, as before
        return spent

    small, big = work(500), work(2000)
    assert big <= 4.4 * small, (small, big)


def test_a_path_longer_than_the_system_takes_maps_by_its_tails_that_fit(tmp_path: Path):
    root = str(_checkout(tmp_path))
    assert in_repo("/b" + "/" + "y" * 5000 + "/cmd/api/main.go", root) == "cmd/api/main.go"
    assert in_repo("/" + "/".join(["z" * 200] * 40), root) is None
    assert in_repo("/b/cmd/api/main.go", root) == "cmd/api/main.go"
    assert in_repo("main.go", root) is None  # (two components at least, as before)


def test_a_failed_test_s_package_of_thousands_of_components_is_mapped_in_linear_work(
        tmp_path: Path):
    root = str(_checkout(tmp_path))

    def work(n: int) -> int:
        text = FAILED.replace("example.com/gotests/greet", "evil.com" + "/q" * n + "/greet")
        views = [v for v in failure_views(analyze(text)) if v.package
                 and v.package.endswith("/greet")]
        assert views
        got: list = []
        spent = lines_run(WORK, lambda: got.extend(failure_file(v, root) for v in views))
        assert {g[0] for g in got if g} == {"greet/greet_test.go"}
        return spent

    small, big = work(500), work(2000)
    assert big <= 4.4 * small, (small, big)


@pytest.mark.parametrize("fmt", ["sarif", "github", "codequality", "junit"])
def test_every_ci_format_maps_a_long_path_as_it_maps_a_short_one(tmp_path: Path, fmt: str):
    root = str(_checkout(tmp_path))
    long = CRASH.replace("/app/main.go", "/app" + "/x" * 3000 + "/cmd/api/main.go")
    short = CRASH.replace("/app/main.go", "/app/cmd/api/main.go")
    got = render(analyze(long), fmt, RenderOptions(repo_root=root))
    want = render(analyze(short), fmt, RenderOptions(repo_root=root))
    assert "cmd/api/main.go" in want
    assert got.count("cmd/api/main.go") == want.count("cmd/api/main.go")


def _goroot_src_sliced(path: str, stdlib: bool = False) -> int:
    """paths._goroot_src as it read each `/src/`: slicing the path there (quadratic)."""
    i = path.rfind("/src/")
    while i >= 0:
        rest = path[i + 5:]
        head = rest.split("/", 1)[0]
        parts = path[:i].rsplit("/", 3)
        last = parts[-1]
        if ("." not in head and head != "libgo" and "/" in rest
                and (stdlib or last in ("go", "golang") or last.startswith(("go-", "go1"))
                     or (len(parts) >= 3 and parts[-3] == "go"))):
            return i + 5
        i = path.rfind("/src/", 0, i)
    return -1


_PIECES = st.sampled_from(["/", "/src/", "src", "go", "golang", "go-1.19", "go1.23", "libgo",
                           "a.b", "1.21.13", "x64", "net", "http", ".", "x.go"])


@settings(max_examples=2000, deadline=None, derandomize=True)
@given(st.lists(_PIECES, max_size=12).map("".join), st.booleans())
def test_a_goroot_is_found_where_it_was_read_in_place(path: str, stdlib: bool):
    assert _goroot_src(path, stdlib) == _goroot_src_sliced(path, stdlib)


class _Read(str):
    """A path that counts the characters read of it: searched (find, rfind) or copied."""

    read = 0

    def find(self, sub, start=0, end=None):  # type: ignore[no-untyped-def,override]
        stop = len(self) if end is None else end
        got = str.find(self, sub, start, stop)
        _Read.read += (got if got >= 0 else stop) - start
        return got

    def rfind(self, sub, start=0, end=None):  # type: ignore[no-untyped-def,override]
        stop = len(self) if end is None else end
        got = str.rfind(self, sub, start, stop)
        _Read.read += stop - (got if got >= 0 else start)
        return got

    def __getitem__(self, key):  # type: ignore[no-untyped-def,override]
        got = str.__getitem__(self, key)
        _Read.read += len(got)
        return got


def _src_work(find, n: int) -> int:  # type: ignore[no-untyped-def]
    _Read.read = 0
    assert find(_Read("/src/a.b" * n + "/x.go")) == -1
    return _Read.read


def test_a_path_of_thousands_of_src_elements_is_read_in_linear_work():
    # each `/src/` (none a GOROOT's: a dotted element after it) sliced the path
    # whole: 8 000 of them (64 KB) took 0.05 s, a megabyte's 13 s, a frame
    # (in_repo asks it of every frame's file, short_path of the standard library's)
    small, big = _src_work(_goroot_src, 500), _src_work(_goroot_src, 2000)
    assert big <= 4.4 * small, (small, big)
    # (the counter sees what the sliced reading copied)
    small, big = _src_work(_goroot_src_sliced, 500), _src_work(_goroot_src_sliced, 2000)
    assert big > 10 * small, (small, big)
