"""Paths for people and for CI: shortened for reading, mapped into the checkout for annotations.

Shortening works on the text alone. Mapping a build path into the repository
(`in_repo`) is the one place a renderer looks at the disk, and only with
`os.path.exists` under the repository root.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator

from .. import rx
from ..model import Frame

_MODCACHE = "/pkg/mod/"
# A module's directory in any module cache, `<module>@v<version>/`: the go command
# lays modules out so under GOMODCACHE whatever its name (`.gomodcache/` in a CI
# job's workspace, cached there between runs), where `/pkg/mod/` is GOPATH's.
_MODULE_DIR = rx.compile(r"[^/@]@v[0-9][^/]*/")




def _unescape_module(path: str) -> str:
    """The module cache writes capitals as `!x` (case-insensitive file systems)."""
    if "!" not in path:
        return path
    out, upper = [], False
    for ch in path:
        if ch == "!":
            upper = True
            continue
        out.append(ch.upper() if upper else ch)
        upper = False
    return "".join(out)


def _goroot_src(path: str, stdlib: bool = False) -> int:
    """Index just after `…/src/` when `path` is a file of a Go installation, else -1.

    The standard library's first path element has no dot (`net/http`, not
    `github.com/...`). When the analysis said the frame is the standard library
    that is enough; otherwise the GOROOT must look like one: a last component
    `go`, `golang`, `go-1.19` or `go1.23.9`, or a hosted tool cache `…/go/1.21.13/x64`.
    """
    i = path.rfind("/src/")
    while i >= 0:
        # (read in place, not sliced: a path of thousands of `/src/` was
        # copied whole at each, quadratic: 64 KB took 0.05 s, a megabyte 13 s)
        head = i + 5
        slash = path.find("/", head)
        last = path.rfind("/", 0, i)
        before = path.rfind("/", 0, last) if last >= 0 else -1
        if (
            slash >= 0
            and path.find(".", head, slash) < 0
            and not (slash - head == 5 and path.startswith("libgo", head))  # gccgo's library,
            and (  # in GCC's tree: shown as printed
                stdlib
                or path[last + 1 : i] in ("go", "golang")
                or path.startswith(("go-", "go1"), last + 1, i)
                or (before >= 0 and path[path.rfind("/", 0, before) + 1 : before] == "go")
            )
        ):
            return i + 5
        i = path.rfind("/src/", 0, i)
    return -1


def short_path(path: str, frame: Frame | None = None, repo_root: str | None = None) -> str:
    """`$GOROOT/src/net/http/server.go`, `go.etcd.io/bbolt@v1.4.3/cursor.go`,
    `…/vendor/go.etcd.io/bbolt/cursor.go`, or repo-relative; else as printed."""
    norm = path.replace("\\", "/")
    i = norm.rfind(_MODCACHE)
    if i >= 0 and "@" in norm[i:]:
        return _unescape_module(norm[i + len(_MODCACHE) :])
    module = frame.module if frame is not None and frame.origin == "modcache" else None
    if module:  # a module cache of another name: from the module's directory on
        named = _unescape_module(norm)
        j = named.rfind("/" + module + "@")
        if j >= 0:
            return named[j + 1 :]
    if repo_root:
        root = repo_root.replace("\\", "/").rstrip("/") + "/"
        if norm.startswith(root):
            return norm[len(root) :]
    origin = frame.origin if frame is not None else None
    if origin in (None, "stdlib"):
        j = _goroot_src(norm, stdlib=origin == "stdlib")
        if j >= 0:
            return "$GOROOT/src/" + norm[j:]
    k = norm.rfind("/vendor/")
    if k >= 0 and origin in (None, "vendor"):
        return "…" + norm[k:]
    return path


def outside_path(path: str) -> str:
    """A path outside the checkout as a CI format may name it: slashes, and no
    `..` (a log is free to print `/app/../../etc/passwd` or `../../x.go`, which
    a viewer joining it to its own root would follow out of that root)."""
    norm = path.replace("\\", "/")
    if ".." not in norm.split("/") and "//" not in norm and "/./" not in norm:
        return norm
    absolute = norm.startswith("/")
    parts = [p for p in posixpath.normpath(norm).split("/") if p not in ("", ".", "..")]
    return ("/" if absolute else "") + "/".join(parts)


def fit_path(path: str, budget: int) -> str:
    """Cut the middle of a path that does not fit, keeping its last components."""
    if len(path) <= budget or budget < 12:
        return path
    parts = path.split("/")
    kept = parts[-1]
    for part in reversed(parts[:-1]):
        if len(part) + len(kept) + 3 > budget:
            break
        kept = part + "/" + kept
    return "…/" + kept


def in_repo(path: str | None, repo_root: str | None, *, min_components: int = 2) -> str | None:
    """The repository-relative path of a build path, or None when it is not in the checkout.

    The rule, in order:
    1. a path under `repo_root` is made relative to it;
    2. otherwise the longest suffix of the path's components (at least
       `min_components` of them, so a bare `main.go` does not match any
       `main.go`) that exists as a file under `repo_root` wins: a binary built
       in `/builddir/src/github.com/x/y` maps `…/github.com/x/y/cmd/y/main.go`
       to `cmd/y/main.go` in a checkout of x/y.
    Paths in a module cache (even one in the checkout's directory, as a CI job
    that caches GOMODCACHE there has) or a Go installation never map: they are
    not the project's code, and not in its repository.
    """
    if not path or not repo_root:
        return None
    norm = path.replace("\\", "/")
    if _MODULE_DIR.search(norm):  # (a module cache in the workspace is not the repository;
        return None               # a checkout's own `pkg/mod/` directory is)
    root = os.path.abspath(repo_root)
    root_slash = root.replace("\\", "/").rstrip("/") + "/"
    if norm.startswith(root_slash):
        rel = norm[len(root_slash) :]
        return rel if rel and ".." not in rel.split("/") else None
    if _MODCACHE in norm or _goroot_src(norm) >= 0:
        return None
    parts = [p for p in norm.split("/") if p and p not in (".", "..")]
    if parts and parts[0].endswith(":"):  # a Windows drive letter
        parts = parts[1:]
    least = min(min_components, len(parts))
    for start, rel in tails(parts, root):
        if len(parts) - start < least:
            break
        if os.path.isfile(os.path.join(root, rel)):
            return rel
    return None


def tails(parts: list[str], root: str) -> Iterator[tuple[int, str]]:
    """(start, `parts[start:]` joined by `/`) for each start, the longest tail
    first, of the tails that may name a file under `root`: a longer path than the
    system takes names none (stat refuses it), so a log's path of thousands of
    components costs what its last PATH_MAX characters do. Each tail joined
    anew (posixpath.join of each) was quadratic: a frame's file of 4 000
    components took 24 s of CPU in a SARIF report with --repo-root."""
    joined = "/".join(parts)
    room = _path_max(root) - len(root) - 1  # (characters: never more than its bytes)
    at = 0
    for start, part in enumerate(parts):
        if len(joined) - at < room:
            yield start, joined[at:]
        at += len(part) + 1


def _path_max(root: str) -> int:
    """The longest path the system takes under `root`, with its final NUL."""
    for where in (root, "/"):  # (a root that is not there: the system's)
        try:
            return os.pathconf(where, "PC_PATH_MAX")
        except (AttributeError, OSError, ValueError):
            continue
    return 1 << 15  # (Windows' long paths; a system that does not say)
