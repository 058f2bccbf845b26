"""A caller list's files beside the vendor tree are the main module's.

A caller list (callers.py) prints files alone, so no package names its frames;
but a module's vendor tree lies in the root of the module that was built, as Go
reads no other module's: Gitea's `/source/vendor/github.com/go-chi/chi/mux.go`
says its build's module root is `/source`, and `/source/models/user.go` is
Gitea's own code. The chain then reads `main`, not `?`.
"""

from __future__ import annotations

from pathlib import Path

import stackdemux
from stackdemux.analyse import format_chain

WILD = Path(__file__).resolve().parents[1] / "samples" / "wild"


def test_gitea_files_beside_its_vendor_tree_are_the_main_modules():
    analysis = stackdemux.analyze(WILD / "gitea15558_log_prefix_tabbed_pc_callers_vendor.txt")
    [group] = analysis.groups
    frames = {f.file: f for f in analysis.reports[0].goroutines[0].frames}
    user = frames["/source/models/user.go"]
    assert (user.package, user.module, user.version, user.origin) == (None, None, None, "main")
    chi = frames["/source/vendor/github.com/go-chi/chi/mux.go"]
    assert (chi.module, chi.origin) == ("github.com/go-chi/chi", "vendor")
    assert group.culprit is user and group.main_frame is user
    labels = [(s.module, s.origin) for s in group.chain]
    assert ("?", "unknown") not in labels
    assert labels[-1] == ("main", "main") and labels[1] == ("main", "main")
    assert format_chain(group).endswith(
        "→ main route.go:53 → commit.go:362 → user.go:1465: panic: runtime error: "
        "invalid memory address or nil pointer dereference")


def test_a_gopath_projects_vendor_tree_leaves_the_vendored_packages_theirs():
    # knative/serving#3258: GOPATH vendoring under the project's checkout
    analysis = stackdemux.analyze(
        WILD / "knative3258_prow_bootstrap_stamp_observed_panic_go112.txt")
    origins = {(f.module, f.origin) for f in analysis.reports[0].goroutines[0].frames}
    assert origins == {("k8s.io/apimachinery", "vendor"), (None, "stdlib")}


def test_a_caller_list_with_no_vendor_tree_names_no_module_root_but_its_own_files():
    # Gitea 1.24's snap build (/build/gitea/parts/gitea/build/…): nothing in the text
    # says where its module's root is, so no package is made up; but a dependency's
    # file would lie in a module cache, a vendor tree or a GOPATH checkout: these are
    # the module built's (analyse/origins.py)
    analysis = stackdemux.analyze(WILD / "gitea35095_panic_page_pc_caller_list_snap_goroot.txt")
    frames = analysis.reports[0].goroutines[0].frames
    commit_info = next(f for f in frames if f.file.endswith("/modules/git/commit_info.go"))
    assert (commit_info.package, commit_info.module, commit_info.origin) == (None, None, "main")
