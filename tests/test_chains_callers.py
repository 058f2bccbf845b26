"""A caller list's chain names the program's own code `main`, not `?`.

A caller list (callers.py) prints files alone. A dependency's file lies where
the go command put it (the module cache, a vendor tree, a GOPATH checkout), the
standard library's under the GOROOT its runtime files show; a file from the
root anywhere else is of the module built, or of a local `replace`: the
program's own code, as the person reading the chain knows it."""

from __future__ import annotations

from pathlib import Path

import stackdemux
from stackdemux.analyse import format_chain

WILD = Path(__file__).resolve().parent.parent / "samples" / "wild"


def _group(name: str) -> stackdemux.Group:
    analysis = stackdemux.analyze(next(WILD.glob(f"{name}_*.txt")))
    return analysis.groups[0]


def test_gitea_built_in_a_snaps_part_directory_is_the_main_module():
    # /build/gitea/parts/gitea/build/modules/…: snapcraft's build of the part
    group = _group("gitea35095")
    assert [s.module for s in group.chain] == ["std", "main", "std", "main"]
    assert "?" not in format_chain(group)
    assert (group.culprit.file.endswith("/modules/git/commit_info.go")
            and group.culprit.origin == "main")
    assert group.main_frame is group.culprit


def test_a_checkout_outside_gopath_beside_the_module_cache_is_the_main_module():
    # autopilot: ~/workspace/goprojects/autorouter/… with ~/go/pkg/mod/… around it
    group = _group("autopilot")
    assert [s.module for s in group.chain] == [
        "k8s.io/apimachinery", "sigs.k8s.io/controller-runtime", "main"]
    assert [(f.file.rsplit("/", 1)[-1], f.origin) for f in group.chain[-1].frames] == [
        ("scheduler.go", "main"), ("worker.go", "main")]


def test_the_standard_library_and_dependencies_keep_their_origins():
    group = _group("gitea35095")
    assert {f.origin for s in group.chain if s.module == "std" for f in s.frames} == {"stdlib"}
    autopilot = _group("autopilot")
    assert {f.origin for s in autopilot.chain[:2] for f in s.frames} == {"modcache"}
