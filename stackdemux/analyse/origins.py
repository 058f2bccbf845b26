"""Where each frame's code comes from, read from the traceback text alone.

A frame says `pkg/path.(*T).Method` and `/some/dir/file.go:123`. From those two
strings we recover the package import path, the module (and its version when
the path carries one), and the origin:

- `stdlib`: GOROOT, wherever Go was installed (`/usr/local/go/src/runtime/…`,
  `/opt/hostedtoolcache/go/1.21.13/x64/src/…`, a pip `site-packages/go/src/…`).
- `modcache`: `…/pkg/mod/go.etcd.io/bbolt@v1.4.3/cursor.go` (module + version).
- `vendor`: module vendoring, `…/vendor/github.com/containers/image/v5/copy/copy.go`.
- `gopath-vendor`: GOPATH-era vendoring, `…/vendor/src/github.com/…` files, or
  `github.com/containers/podman/vendor/go.etcd.io/bbolt.(*Cursor).search` names.
- `trimpath`: `-trimpath` builds, `github.com/x/y@v1.2.3/file.go`.
- `main`: the main module (package `main`, `command-line-arguments`, and the
  module those frames' directories belong to).
- `gopath`: a GOPATH checkout of a package that is not the main module's, its
  directory `<GOPATH>/src/<import path>` (`/go/src/github.com/boltdb/bolt/…` in the
  golang image, whose GOPATH is `/go`; `~/go/src/…`): a build in GOPATH mode, before
  modules, which records no version; the module is the import path's repository by
  Go's conventions.
- `unknown`: a module outside all of the above (a directory that does not spell
  the package's import path, `/src/internal/…` of a Docker build).

`assign_origins` fills Frame.package/module/version/origin *in place*: the model
has the fields, the frames are the report's own, and copying millions of frames
would double the memory of a large dump for nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

from stackdemux.model import INFERRED_FIELDS, Frame, Goroutine, Report

from .. import rx
from ..symbols import import_path

# First elements of the standard library's import paths (Go 1.19 … 1.27).
# `vendor/…` is GOROOT's own vendored golang.org/x code.
STDLIB_ROOTS = frozenset(
    [
        "archive", "arena", "bufio", "builtin", "bytes", "cmp", "compress", "container",
        "context", "crypto", "database", "debug", "embed", "encoding", "errors", "expvar",
        "flag", "fmt", "go", "hash", "html", "image", "index", "internal", "io", "iter",
        "log", "maps", "math", "mime", "net", "os", "path", "plugin", "reflect", "regexp",
        "runtime", "slices", "sort", "strconv", "strings", "structs", "sync", "syscall",
        "testing", "text", "time", "unicode", "unique", "unsafe", "vendor", "weak"
    ]
)

# Hosts whose module paths have a fixed number of elements.
_HOST_ELEMENTS = {
    "github.com": 3,
    "gitlab.com": 3,
    "bitbucket.org": 3,
    "codeberg.org": 3,
    "gitea.com": 3,
    "git.sr.ht": 3,
    "golang.org": 3,  # golang.org/x/net
    "launchpad.net": 2,
}
_MAJOR = rx.compile(r"v[2-9]\d*|v1\d+")  # a /vN major version suffix (N ≥ 2)
_GOPKG_IN = rx.compile(r".*\.v\d+$")


@dataclass(slots=True)
class ModuleMap:
    """Modules the user told us about (`--modules go.mod|vendor/modules.txt`)."""

    versions: dict[str, str | None] = field(default_factory=dict)  # module path → version
    main: str | None = None  # the `module` line of a go.mod

    def longest(self, package: str) -> str | None:
        """The longest known module path that is `package` or a parent of it."""
        path = package
        while True:
            if path in self.versions:
                return path
            cut = path.rfind("/")
            if cut < 0:
                return None
            path = path[:cut]


class ModulesError(ValueError):
    """A --modules file that cannot be read."""


def load_modules(path: str | Path) -> ModuleMap:
    """Read a `go.mod` (module, require, replace) or a `vendor/modules.txt`."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise ModulesError(f"{path}: cannot read: {error.strerror or error}") from None
    modules = ModuleMap()
    in_block = None
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].strip()
        if raw.startswith("# "):  # modules.txt: "# path version [=> replacement [version]]"
            words = raw[2:].split()
            if words:
                version = words[1] if len(words) > 1 and words[1] != "=>" else None
                modules.versions[words[0]] = version
            continue
        if not line or raw.startswith("#"):
            continue
        if in_block:
            if line == ")":
                in_block = None
                continue
            words = [in_block, *line.split()]
        else:
            words = line.split()
            if len(words) >= 2 and words[1] == "(":
                in_block = words[0]
                continue
        if words[0] == "module" and len(words) >= 2:
            modules.main = words[1].strip('"')
            modules.versions.setdefault(modules.main, None)
        elif words[0] == "require" and len(words) >= 2:
            modules.versions[words[1].strip('"')] = words[2] if len(words) > 2 else None
        elif words[0] == "replace" and "=>" in words:
            arrow = words.index("=>")
            if arrow >= 2:
                modules.versions.setdefault(words[1].strip('"'), None)
    if modules.main is None and not modules.versions:
        # a binary, a go.sum or any other file given by mistake names no module:
        # read as one, it would quietly map no frame
        raise ModulesError(f"{path}: no module, require or '# module' line: "
                           "not a go.mod or a vendor/modules.txt")
    return modules


def split_function(name: str) -> tuple[str, str]:
    """`github.com/a/b.(*T).M` → (`github.com/a/b`, `(*T).M`).

    The package path ends at the first dot after the last slash; the linker
    escapes dots of that last element as %2e (`gopkg.in/yaml%2ev3.Unmarshal`; symbols.py).
    """
    slash = name.rfind("/")
    dot = name.find(".", slash + 1)
    if dot < 0:
        return name, ""
    package = name[:dot]
    if "%" in package:
        package = import_path(package)
    elif "_" in package and _GCCGO_ENCODED.fullmatch(package):
        package = _GCCGO_ESCAPE.sub(_gccgo_char, package)
    return package, name[dot + 1 :]


# gccgo 11+ prints a package path as its symbols encode it (gofrontend's names.cc,
# seen in gccgo 12's output): `go.etcd.io/bbolt` as `go_0etcd_0io_1bbolt`, `_` as
# `__`, `-` as `_x2d`. Read only a name made of nothing else, with a `.` or `/` in it.
_GCCGO_ENCODED = rx.compile(r"(?=\w*_[01])(?:[A-Za-z0-9]|__|_[01]|_x[0-9a-f]{2}"
                            r"|_u[0-9a-f]{4}|_U[0-9a-f]{8})+")
_GCCGO_ESCAPE = rx.compile(r"__|_[01]|_x([0-9a-f]{2})|_u([0-9a-f]{4})|_U([0-9a-f]{8})")


def _gccgo_char(m: re.Match[str]) -> str:
    code = m.group(1) or m.group(2) or m.group(3)
    return chr(int(code, 16)) if code else {"__": "_", "_0": ".", "_1": "/"}[m.group()]


def decode_case(path: str) -> str:
    """Undo the module cache's case encoding: `!burnt!sushi` → `BurntSushi`."""
    if "!" not in path:
        return path
    return re.sub(r"!([a-z])", lambda m: m.group(1).upper(), path)


def module_of(package: str, modules: ModuleMap | None = None) -> str:
    """The module a package path belongs to, by Go's path conventions."""
    if modules is not None:
        known = modules.longest(package)
        if known:
            return known
    elements = package.split("/")
    host = elements[0]
    if host == "gopkg.in":  # gopkg.in/yaml.v3, gopkg.in/user/pkg.v1
        for i in range(1, min(3, len(elements))):
            if _GOPKG_IN.match(elements[i]):
                return "/".join(elements[: i + 1])
        return "/".join(elements[:2])
    if "." not in host:  # stdlib or a GOPATH-era dotless path: no module knowable
        return host
    n = _HOST_ELEMENTS.get(host, 2)
    if len(elements) > n and _MAJOR.fullmatch(elements[n]):
        n += 1
    return "/".join(elements[:n])


def is_stdlib_package(package: str) -> bool:
    first = package.split("/", 1)[0]
    return first in STDLIB_ROOTS


@dataclass(slots=True)
class Origin:
    package: str | None  # None: a file alone (a caller list's) that does not tell it
    module: str | None
    version: str | None
    origin: str


def _modcache(file: str, at: int) -> tuple[str, str] | None:
    """(module, version) of a module cache file, `at` the index just after `/pkg/mod/`."""
    rest = file[at:]
    sign = rest.find("@")
    if sign < 0:
        return None
    end = rest.find("/", sign)
    version = rest[sign + 1 : end if end >= 0 else len(rest)]
    return decode_case(rest[:sign]), decode_case(version)


def _named_cache(file: str, package: str) -> tuple[str, str] | None:
    """(module, version) of a module cache file whose cache is not `…/pkg/mod`
    (GOMODCACHE set elsewhere, as a CI job that caches it in its workspace does:
    `/home/runner/work/app/app/.gomodcache/example.com/ring@v0.2.0/ring.go`): a
    directory `<module>@<version>` whose module is the frame's package or a parent
    of it, as the go command lays modules out in any cache."""
    if not _absolute(file):
        return None  # (-trimpath's `module@version/file.go`: _trimmed)
    sign = file.find("@v")
    while sign >= 0:
        end = file.find("/", sign)
        if end < 0:
            return None
        if not file[sign + 2 : sign + 3].isdigit():  # `v1.2.3`, `v0.0.0-2024…`
            sign = file.find("@v", end)
            continue
        # the module: the last n, n-1, … elements before `@` (n: the package's)
        # that are the package's path or a parent of it
        elements = decode_case(file[:sign]).split("/")[-(package.count("/") + 1):]
        for cut in range(len(elements)):
            prefix = "/".join(elements[cut:])
            if prefix and (package == prefix or package.startswith(prefix + "/")):
                return prefix, decode_case(file[sign + 1 : end])
        sign = file.find("@v", end)
    return None


def _trimmed(file: str) -> tuple[str, str] | None:
    """(module, version) of a -trimpath file name `github.com/x/y@v1.2.3/file.go`."""
    sign = file.find("@")
    if sign < 0 or _absolute(file):
        return None
    end = file.find("/", sign)
    return decode_case(file[:sign]), decode_case(file[sign + 1 : end if end >= 0 else len(file)])


@dataclass(slots=True)
class MainModule:
    """What we learn about the main module from one report's frames."""

    path: str | None = None  # module path, when some frame's package path reveals it
    roots: set[str] = field(default_factory=set)  # directories it was built from
    # GOROOTs' source directories, the import paths of the standard library below
    # them (`/usr/local/go/src`; Go <= 1.4's `/usr/lib/golang/src/pkg`), read from the
    # runtime's files of the frames printed with no function (a caller list, callers.py)
    goroots: set[str] = field(default_factory=set)


def _absolute(file: str) -> bool:
    """A path from the root: `/…`, or Windows' `C:/…` (Go prints `/` there too)."""
    return file.startswith("/") or (len(file) > 2 and file[1] == ":" and file[2] == "/"
                                    and file[0].isascii() and file[0].isalpha())


def _dir(file: str) -> str:
    cut = file.rfind("/")
    return file[:cut] if cut >= 0 else ""


def _align(package: str, directory: str) -> tuple[str, str] | None:
    """Strip the path elements a package path and its directory end with alike:
    (`github.com/a/b/v2/cmd/x`, `/src/b/cmd/x`) → (`github.com/a/b/v2`, `/src/b`)."""
    pkg = package.split("/")
    dirs = directory.split("/")
    n = 0
    while n < len(pkg) and n < len(dirs) - 1 and pkg[-1 - n] == dirs[-1 - n]:
        n += 1
    if n == 0:
        return None
    return "/".join(pkg[: len(pkg) - n]), "/".join(dirs[: len(dirs) - n])


def learn_main(frames: Iterable[Frame], modules: ModuleMap | None = None) -> MainModule:
    """Infer the main module: the directories of package main / command-line-arguments
    frames, plus the module of any non-stdlib, non-vendored frame built from those
    directories (its package path minus the directory elements they share)."""
    main = MainModule(path=modules.main if modules else None)
    mains: list[str] = []
    others: list[tuple[str, str]] = []
    vendoring: set[str] = set()
    for frame in frames:
        file = frame.file
        if not frame.func:
            if file and (at := file.rfind(_GOROOT_RUNTIME)) >= 0:
                main.goroots.add(file[:at + len("/src")])
            elif file and (at := file.rfind(_GOROOT_RUNTIME_C)) >= 0:
                main.goroots.add(file[:at + len("/src/pkg")])
            elif file and _absolute(file) and (at := file.find("/vendor/")) > 0:
                # the vendor tree lies in the root of the module built (Go reads no
                # other's): the files beside it are the main module's (Gitea's
                # /source/vendor/… and /source/models/…)
                main.roots.add(file[:at])
            continue
        package = split_function(frame.func)[0]
        if file and not _absolute(file) and "@" not in file and package == "main":
            mains.append(_dir(file))  # -trimpath: the directory is the import path
            continue
        if "/vendor/" in package:
            vendoring.add(package[: package.rfind("/vendor/")])
            continue
        if not file or not _absolute(file) or "/vendor/" in file or "/pkg/mod/" in file:
            continue
        if package in ("main", "command-line-arguments") or (
            file.endswith("_test.go") and not is_stdlib_package(package)
        ):
            # a test binary runs no package main of the user's: the package under
            # test, whose _test.go files only its checkout holds, is their code
            mains.append(_dir(file))
        elif not is_stdlib_package(package):
            others.append((package, _dir(file)))
    for directory in mains:
        main.roots.add(directory)
        if main.path is None:
            main.path = _main_from_directory(directory)
    for project in vendoring:
        # GOPATH vendoring: github.com/x/app/vendor/… names the project that vendors.
        if main.path is None and any(d.endswith("/" + project) or ("/" + project + "/") in d
                                     for d in mains):
            main.path = project
    for package, directory in others:
        aligned = _align(package, directory)
        if aligned is None:
            continue
        prefix, root = aligned
        # A directory named like a module element (…/src/skopeo/cmd/skopeo) may
        # swallow part of the module path: never go shorter than Go's convention.
        conventional = module_of(package, modules)
        if len(prefix) < len(conventional):
            prefix = conventional
            root = directory[: len(directory) - (len(package) - len(prefix))].rstrip("/")
        if any(d == root or d.startswith(root + "/") for d in mains) or (
                main.path in (None, prefix) and _CI_WORKSPACE.fullmatch(root)):
            main.path = main.path or prefix
            main.roots.add(root)
    return main


# A file of the runtime's package in a GOROOT, as a caller list prints it; until Go 1.4
# GOROOT's packages lay in src/pkg/ and its runtime was largely C (`…/src/pkg/runtime/panic.c`).
_GOROOT_RUNTIME = "/src/runtime/"
_GOROOT_RUNTIME_C = "/src/pkg/runtime/"


# A GitHub Actions runner's workspace, where the workflow checks out its repository
# (GITHUB_WORKSPACE: `/home/runner/work/REPO/REPO`, `/Users/runner/work/…` on macOS,
# `D:/a/REPO/REPO` on Windows, `/__w/REPO/REPO` inside a job's container), or a
# directory below it (`actions/checkout`'s `path:`): the code the workflow built. Azure
# Pipelines checks its repository out in Build.SourcesDirectory, `s` in the agent's
# build directory (`D:/a/1/s`, `D:/a/_work/1/s` on Windows, `/home/vsts/work/1/s`).
_CI_WORKSPACE = rx.compile(r"(?:(?:/home/runner/work|/Users/runner/work|/__w|[A-Za-z]:/a)"
                           r"/([^/]+)/\1|(?:[A-Za-z]:/a(?:/_work)?|/home/vsts/work)/\d+/s)"
                           r"(?:/[^/]+)*")


def _main_from_directory(directory: str) -> str | None:
    """The module of a main package directory that spells its import path: a
    -trimpath build (`github.com/x/app/cmd/app`) or a GOPATH checkout
    (`/root/go/src/github.com/x/app/cmd/app`). None when it does not."""
    if _absolute(directory):
        cut = directory.rfind("/src/")
        if cut < 0:
            return None
        directory = directory[cut + len("/src/") :]
    first = directory.split("/", 1)[0]
    return module_of(directory) if "." in first else None


def package_of_file(file: str) -> str | None:
    """The import path of the package a file belongs to, where its path says it:
    vendored (`…/vendor/go.etcd.io/bbolt/cursor.go`), in the module cache
    (`…/pkg/mod/go.etcd.io/bbolt@v1.4.3/cursor.go`) or -trimpath'd with a
    version (`go.etcd.io/bbolt@v1.4.3/cursor.go`); None for any other file."""
    cut = file.rfind("/vendor/")
    if cut >= 0:
        rest = file[cut + len("/vendor/"):]
        rest = rest[len("src/"):] if rest.startswith("src/") else rest  # GOPATH vendoring
    else:
        at = file.find("/pkg/mod/")
        rest = file[at + len("/pkg/mod/"):] if at >= 0 else file
        if "@" not in rest or _absolute(rest):
            return None
        sign = rest.find("@")
        end = rest.find("/", sign)
        if end < 0:
            return None
        rest = decode_case(rest[:sign] + rest[end:])
    directory = rest.rpartition("/")[0]
    return directory or None


def frame_origin(
    func: str, file: str | None, main: MainModule | None = None, modules: ModuleMap | None = None
) -> Origin:
    """The origin of one frame from its function name and file path."""
    if not func:
        return _file_origin(file, main, modules)
    if func == "panic":  # runtime.gopanic, as Go 1.21+ prints it
        return Origin("runtime", None, None, "stdlib")
    if "." not in func and file and (package := _stdlib_directory(file)):
        # an assembly function local to its file (`racecallatomic` in runtime's
        # race_arm64.s) is printed with no package: its file's directory names it
        return Origin(package, None, None, "stdlib")
    package, _ = split_function(func)
    main_path = main.path if main else None
    # GOPATH-era vendoring leaves the vendoring package's path in the symbol.
    cut = package.rfind("/vendor/")
    if cut >= 0 and not package.startswith("vendor/"):
        real = package[cut + len("/vendor/") :]
        return Origin(real, module_of(real, modules), _version(real, modules), "gopath-vendor")
    if package in ("main", "command-line-arguments"):
        return Origin(package, main_path, None, "main")
    if file and not is_stdlib_package(package) and (cut := file.find(_LIBGO)) >= 0:
        # gccgo's standard library, GCC's libgo/go/<import path>/, where gccgo before
        # 11 named a package by its last element (`signal.Notify..func1` of os/signal);
        # (`sync.runtime_Semacquire` in libgo/go/runtime/sema.go is sync's, as named)
        directory = _dir(file[cut + len(_LIBGO):])
        if is_stdlib_package(directory):
            return Origin(directory, None, None, "stdlib")
    if file:
        at = file.find("/pkg/mod/")
        if at >= 0:
            found = _modcache(file, at + len("/pkg/mod/"))
            if found:
                module, version = found
                if module == "golang.org/toolchain":  # GOTOOLCHAIN downloads GOROOT here
                    return Origin(package, None, _toolchain(version), "stdlib")
                return Origin(package, module, version, "modcache")
        if is_stdlib_package(package):
            return Origin(package, None, None, "stdlib")
        found = _named_cache(file, package)
        if found:
            return Origin(package, found[0], found[1], "modcache")
        if "/vendor/src/" in file:
            return Origin(package, module_of(package, modules), _version(package, modules),
                          "gopath-vendor")
        if "/vendor/" in file:
            return Origin(package, module_of(package, modules), _version(package, modules),
                          "vendor")
        trimmed = _trimmed(file)
        if trimmed:
            return Origin(package, trimmed[0], trimmed[1], "trimpath")
    elif is_stdlib_package(package):
        return Origin(package, None, None, "stdlib")
    module = module_of(package, modules)
    if main_path and (package == main_path or package.startswith(main_path + "/")):
        return Origin(package, main_path, None, "main")
    if file and main and main.roots and _absolute(file):
        directory = _dir(file)
        if _under_main(directory, package, main.roots):
            return Origin(package, main_path or module, None, "main")
    if (file and not _absolute(file) and "@" not in file and "." in func
            and not file.startswith(_BAZEL_EXTERNAL)):
        # -trimpath prints the main module's files as module/path/file.go (a C
        # function's relative file is a C library's: gccgo's `epoll_wait` at
        # ../sysdeps/unix/sysv/linux/epoll_wait.c, libgo's runtime_mstart); Bazel's
        # rules_go prints its workspace's files so too, but a dependency's under
        # `external/REPO/` (`external/com_github_spaolacci_murmur3/murmur32.go`)
        if _dependency(module, main_path):
            return Origin(package, module, None, "trimpath")
        return Origin(package, module, None, "main")
    if file and _absolute(file) and _gopath_checkout(_dir(file), package):
        return Origin(package, module, _version(package, modules), "gopath")
    return Origin(package, module, _version(package, modules), "unknown")


# Modules a program is built with, never as: aws-lambda-go recovers a Lambda
# handler's panic and writes the error record its frames are read from
# (lambda_error.py), whose paths of a GOPATH or vendored build carry no version
# (`github.com/aws/aws-lambda-go/lambda/function.go`).
_KNOWN_DEPENDENCIES = frozenset(("github.com/aws/aws-lambda-go",))


def _dependency(module: str, main_path: str | None) -> bool:
    """Whether a module whose file a path relative to no root names (read as
    -trimpath's main module's) is a dependency: one of another owner than the
    main module's where that is known (`github.com/aws/…` beside the main module
    `github.com/me/app`), else a module no program is (_KNOWN_DEPENDENCIES).
    Its version is not in the text (a module cache's or -trimpath's would be)."""
    if main_path is None or not _hosted(main_path):
        # `.` when main's files are printed as ./main.go: no owner to compare with
        return module in _KNOWN_DEPENDENCIES
    return _hosted(module) and _owner(module) != _owner(main_path)


def _hosted(path: str) -> bool:
    """Whether a module path starts with a host (`github.com/…`), not a local
    directory (`.`, `./cmd`, `../lib`) or a name alone (`common`)."""
    first = path.split("/", 1)[0]
    return "." in first and not first.startswith(".")


def _owner(module: str) -> str:
    """The module path without its last element (and /vN): `github.com/aws` of
    `github.com/aws/aws-lambda-go`, the host of `example.com/mod`."""
    path = module_of(module)
    return path.rsplit("/", 1)[0] if "/" in path else path


def _gopath_checkout(directory: str, package: str) -> bool:
    """`directory` is `<GOPATH>/src/<package>`: the path spells the import path, one
    that starts with a host (`go-fuzz-dep` in go-fuzz's copy of a GOROOT is no
    checkout), below a `src` (a test's external package `x_test` lies in x's own
    directory)."""
    return ("." in package.split("/", 1)[0]
            and directory.endswith("/src/" + package.removesuffix("_test")))


def _file_origin(file: str | None, main: MainModule | None, modules: ModuleMap | None
                 ) -> Origin:
    """The origin of a frame printed as its file alone (a caller list, callers.py):
    the standard library's under a GOROOT the list's runtime files show, a module
    cache's, a vendor tree's or a -trimpath module's as their paths say; a GOPATH
    checkout's package as its path spells it; no package where the path tells none."""
    if not file:
        return Origin(None, None, None, "unknown")
    for root in main.goroots if main is not None else ():
        if file.startswith(root + "/"):
            return Origin(_dir(file[len(root) + 1:]) or None, None, None, "stdlib")
    package = package_of_file(file)
    at = file.find("/pkg/mod/")
    found = _modcache(file, at + len("/pkg/mod/")) if at >= 0 else None
    if found is not None:
        module, version = found
        if module == "golang.org/toolchain":
            return Origin(_stdlib_directory(file), None, _toolchain(version), "stdlib")
        return Origin(package, module, version, "modcache")
    if "/vendor/" in file and package is not None:
        origin = "gopath-vendor" if "/vendor/src/" in file else "vendor"
        return Origin(package, module_of(package, modules), _version(package, modules), origin)
    trimmed = _trimmed(file)
    if trimmed is not None:
        return Origin(package, trimmed[0], trimmed[1], "trimpath")
    stdlib = _stdlib_directory(file)
    if stdlib is not None and not _absolute(file):  # -trimpath's GOROOT: runtime/…
        return Origin(stdlib, None, None, "stdlib")
    if main is not None and any(file.startswith(root + "/") for root in main.roots):
        # the main module's (a GOPATH checkout's root spells its import path)
        package = _gopath_package(file)
        if package is not None:
            return Origin(package, module_of(package, modules), None, "main")
        return Origin(None, None, None, "main")
    if not _absolute(file) and not file.startswith(_BAZEL_EXTERNAL) and "/" in file:
        package = _dir(file)  # -trimpath's main module: module/path/file.go
        return Origin(package, module_of(package, modules), None, "main")
    package = _gopath_package(file)
    if package is not None:  # a GOPATH checkout: …/src/github.com/x/y/…
        return Origin(package, module_of(package, modules), _version(package, modules),
                      "gopath")
    if _absolute(file) and _stdlib_directory(file) is None:
        # A dependency's file lies where the go command put it: the module cache,
        # a vendor tree, a GOPATH checkout (all read above); a file from the root
        # anywhere else is of the module built (a snap's parts/gitea/build/…, a
        # checkout outside GOPATH), or a local `replace`'s: the program's own code.
        return Origin(None, None, None, "main")
    return Origin(None, None, None, "unknown")


def _gopath_package(file: str) -> str | None:
    """The package of a file in a GOPATH checkout, its directory after `/src/`
    where that starts with a host (`…/src/github.com/x/y/f.go`); else None."""
    cut = file.rfind("/src/")
    package = _dir(file[cut + len("/src/"):]) if cut >= 0 else ""
    return package if "." in package.split("/", 1)[0] else None


# Where GCC's sources keep gccgo's standard library (`../../../src/libgo/go/os/signal/`).
_LIBGO = "libgo/go/"
# Where Bazel's rules_go puts a dependency's files (its repository, by name).
_BAZEL_EXTERNAL = "external/"


def _stdlib_directory(file: str) -> str | None:
    """The standard library package a GOROOT file is in (`…/src/runtime/race_arm64.s`,
    -trimpath'd `runtime/race_arm64.s`), or None."""
    if "/pkg/mod/" in file or "/vendor/" in file:
        return None
    at = file.rfind("/src/")
    rest = file[at + len("/src/"):] if at >= 0 else file
    if at < 0 and _absolute(file):
        return None
    directory = rest.rpartition("/")[0]
    return directory if directory and is_stdlib_package(directory) else None


def _under_main(directory: str, package: str, roots: set[str]) -> bool:
    """`directory` lies in one of the main module's directories. A GOPATH below
    a main package's directory (`~/dev/test.go` beside `~/dev/go/src/go.etcd.io/bbolt`,
    the directory spelling the package after `/src/`) holds other modules' checkouts:
    only a root inside that `src` claims them."""
    tail = "/src/" + package
    gopath_src = directory[: -len(package) - 1] if directory.endswith(tail) else None
    return any((directory == r or directory.startswith(r + "/"))
               and (gopath_src is None or r.startswith(gopath_src + "/"))
               for r in roots)


def _toolchain(version: str) -> str:
    """The Go release of a GOTOOLCHAIN download, `go1.24.1` of the module version
    `v0.0.1-go1.24.1.linux-arm64` (the release, then `.GOOS-GOARCH`)."""
    release = version.split("-", 1)[-1]
    head, _, platform = release.rpartition(".")
    return head if head and "-" in platform else release


def _version(package: str, modules: ModuleMap | None) -> str | None:
    if modules is None:
        return None
    known = modules.longest(package)
    return modules.versions.get(known) if known else None


def _goroutines(report: Report, firsts: set[int] | None = None,
                goroutines: list[Goroutine] | None = None) -> Iterator[Goroutine]:
    """The report's goroutines of every kind; of report.goroutines, with
    `firsts`, only those (by id) and the ones with ancestors, or `goroutines`."""
    if goroutines is not None:
        yield from goroutines
    elif firsts is None:
        yield from report.goroutines
    else:
        yield from (g for g in report.goroutines if id(g) in firsts or g.ancestors)
    yield from report.system_stacks
    for thread in report.threads:  # GOTRACEBACK=crash: the other threads' sections
        yield from thread.goroutines
    if report.race is not None:
        yield from report.race.creators


_FUNC, _FILE = attrgetter("func"), attrgetter("file")
_FUNC_FILE = attrgetter("func", "file")
# Distinct reports whose origins are kept for the reports that repeat them.
_LEARNED = 1024


def _frames(report: Report, firsts: set[int] | None = None,
            goroutines: list[Goroutine] | None = None) -> list[Frame]:
    """Every frame of the report, in the order the parser made them; with
    `firsts` (ids of goroutines, each the first on its call path of the
    report's goroutines), those of the report's other goroutines are left out
    unless they have ancestors: their functions and files, in order, are their
    path's first goroutine's (buckets.call_paths); with `goroutines`, of
    report.goroutines only those."""
    frames: list[Frame] = []
    add = frames.extend
    for g in _goroutines(report, firsts, goroutines):
        add(g.frames)
        if g.created_by is not None:
            frames.append(g.created_by.frame)
        for ancestor in g.ancestors:
            add(ancestor.frames)
            if ancestor.created_by is not None:
                frames.append(ancestor.created_by.frame)
    if report.race is not None:
        for access in report.race.accesses:
            add(access.frames)
    return frames


def _frames_read(report: Report, paths: Iterable[list[Goroutine]]) -> list[Frame]:
    """_frames(report, firsts of `paths`): where no goroutine has ancestors, those
    are the paths' first goroutines, in the paths' order, which is the report's
    (call_paths: by first appearance), read without a pass over every goroutine."""
    goroutines = report.goroutines
    if any(g.ancestors for g in goroutines):
        return _frames(report, {id(ms[0]) for ms in paths})
    return _frames(report, goroutines=[ms[0] for ms in paths])


def _fill(report: Report, found: dict[str, dict[str | None, tuple]]) -> None:
    """Every frame of the report its fields from `found`, visited as _frames gives
    them, in the order they lie in memory; frame by frame in loops of their own,
    not gathered into a list first (a dump's 248 000 frames: 4 ms)."""
    for g in _goroutines(report):
        for frame in g.frames:
            frame.package, frame.module, frame.version, frame.origin = \
                found[frame.func][frame.file]
        if g.created_by is not None:
            frame = g.created_by.frame
            frame.package, frame.module, frame.version, frame.origin = \
                found[frame.func][frame.file]
        for ancestor in g.ancestors:
            for frame in ancestor.frames:
                frame.package, frame.module, frame.version, frame.origin = \
                    found[frame.func][frame.file]
            if ancestor.created_by is not None:
                frame = ancestor.created_by.frame
                frame.package, frame.module, frame.version, frame.origin = \
                    found[frame.func][frame.file]
    if report.race is not None:
        for access in report.race.accesses:
            for frame in access.frames:
                frame.package, frame.module, frame.version, frame.origin = \
                    found[frame.func][frame.file]


def assign_origins(reports: Iterable[Report], modules: ModuleMap | None = None,
                   alike: dict[str, Iterable[list[Goroutine]]] | None = None) -> None:
    """Fill package/module/version/origin of every frame of every report, in place.

    Frames are many and repeat (a 20 000-goroutine dump has a few hundred
    distinct (func, file) pairs), so each distinct pair is worked out once.
    Frames are then visited in the order they were made, which is the order
    they lie in memory: visiting them pair by pair cost a third more.

    `alike` (report id → its goroutines by call path, buckets.call_paths):
    the pairs are gathered from the first goroutine of each path alone (a
    dump's 20 000 goroutines: 38 paths), the others' frames only filled.
    """
    # A crash loop prints the same crash again and again: reports with the same
    # pairs in the same order learn the same main module and find the same
    # origins (both read only each pair's function and file), worked out once
    # (on a 15 MB compose log of 7 653 reports: 7 653 times before).
    learned: dict[tuple[tuple[str, str | None], ...], dict[str, dict[str | None, tuple]]] = {}
    for report in reports:
        paths = alike.get(report.id) if alike is not None else None
        # (a goroutine on an earlier one's path holds no pair that one has not)
        read = _frames(report) if paths is None else _frames_read(report, paths)
        # one frame of each pair, pairs in order of first appearance (only its
        # function and file are read); by function, then file: a str caches
        # its hash, a (func, file) tuple would be hashed anew for every frame
        pairs: dict[str, dict[str | None, Frame]] = {}
        firsts: list[Frame] = []
        for frame in read:
            files = pairs.get(frame.func)
            if files is None:
                files = pairs[frame.func] = {}
            if frame.file not in files:
                files[frame.file] = frame
                firsts.append(frame)
        key = tuple(map(_FUNC_FILE, firsts))
        found = learned.get(key)
        if found is None:
            main = learn_main(firsts, modules)
            found = {}
            for func, files in pairs.items():
                found[func] = {file: _origin_fields(frame_origin(func, file, main, modules))
                               for file in files}
            _place_undirected(found)
            if len(learned) >= _LEARNED:
                learned.clear()
            learned[key] = found
        _fill(report, found)
        if report._cut_values:  # (a frame's file line cut: its origin read otherwise)
            place_cut(report, found, learn_main(firsts, modules), modules)


def _undirected(file: str | None) -> bool:
    """A file name that says nothing of where its code lives: generated code
    (`_cgo_gotypes.go`, `<autogenerated>`) or no line table (`??`)."""
    return file is not None and "/" not in file and "\\" not in file


def _place_undirected(found: dict[str, dict[str | None, tuple]]) -> None:
    """Frames whose file names no directory take the origin their package's
    other frames show (`robotgo._Cfunc_get_PID` at `_cgo_gotypes.go:540` is the
    module cache's robotgo when `robotgo.GetPid` is at `…/pkg/mod/…robotgo@v1…`);
    with none to go by, a package outside `main` is of unknown origin, not the
    main module (frame_origin reads a path without a directory as -trimpath's)."""
    placed: dict[str, tuple] = {}
    for files in found.values():
        for file, fields in files.items():
            if (file is not None and not _undirected(file) and fields[0] is not None
                    and fields[0] not in placed):
                placed[fields[0]] = fields
    for files in found.values():
        for file, fields in files.items():
            if not _undirected(file) or fields[3] in ("stdlib", "gopath-vendor"):
                continue
            package = fields[0]
            if package is None:
                continue  # (a caller list's file: no function, no package to go by)
            if package in placed:
                files[file] = (package, *placed[package][1:])
            elif package not in ("main", "command-line-arguments"):
                files[file] = (package, fields[1], fields[2], "unknown")
    # A frame whose file line was not printed (a paste cut inside it) is of the main
    # module where its module is, as the other frames of that module show.
    mains = {fields[1] for fields in placed.values() if fields[3] == "main" and fields[1]}
    for files in found.values():
        fields = files.get(None)
        if fields is not None and fields[3] == "unknown" and fields[1] in mains:
            files[None] = (fields[0], fields[1], None, "main")


def _origin_fields(o) -> tuple:
    return (o.package, o.module, o.version, o.origin)


def place_cut(report: Report, found: dict[str, dict[str | None, tuple]],
              main: MainModule, modules: ModuleMap | None = None) -> None:
    """The frames of the report whose file a cut took (Frame.cut: a pane's width,
    the log's end) given where their code lies as far as the text tells it: the
    package's other frames, read from whole file lines, where any is printed; else
    what the cut left of the path (cut_origin); else the function alone (as
    before). The fields so read, where they say something, are the frame's
    `inferred`."""
    placed: dict[str, tuple] = {}
    for files in found.values():
        for file, fields in files.items():
            if file is not None and not _undirected(file) and fields[0] is not None:
                placed.setdefault(fields[0], fields)
    for frame in _frames(report):
        if "file" not in frame.cut or not frame.func:
            continue
        package = frame.package
        fields = placed.get(package) if package is not None else None
        if fields is not None and fields[3] != "stdlib":
            frame.module, frame.version, frame.origin = fields[1:]
        elif frame.origin != "stdlib" and package not in ("main", "command-line-arguments"):
            o = cut_origin(frame.func, frame.file_start, main, modules)
            if o is not None:
                frame.module, frame.version, frame.origin = o.module, o.version, o.origin
        frame._inferred = frozenset(
            name for name, value in zip(INFERRED_FIELDS,
                                        (frame.module, frame.version, frame.origin),
                                        strict=True)
            if value is not None and value != "unknown")


def cut_origin(func: str, start: str | None, main: MainModule | None = None,
               modules: ModuleMap | None = None) -> Origin | None:
    """The origin of a frame whose file line was cut, from what the cut left of
    the path (`start`: `/go/src/…/vendor/github.com/rs/zerolog/log.`) read by the
    rules a whole path is read by, where it goes far enough to tell them: a module
    cache's (`…/pkg/mod/`; its module and version where `module@version/` is
    whole), a vendor tree's (`…/vendor/` then the package's path, or as far as it
    goes), GOPATH vendoring's (`…/vendor/src/`), a -trimpath module's
    (`module@version/`), a GOPATH checkout's (`…/src/` then the package's path,
    its host at least). None where it does not tell (a path cut before any of
    these, `/home`): the function alone is read."""
    if not start:
        return None
    package = split_function(func)[0]
    at = start.find("/pkg/mod/")
    if at >= 0:
        rest = start[at + len("/pkg/mod/"):]
        sign = rest.find("@")
        if sign >= 0 and rest.find("/", sign) >= 0:  # (`module@version/` whole)
            found = _modcache(start, at + len("/pkg/mod/"))
            if found is not None:
                return Origin(package, found[0], found[1], "modcache")
        if _spells(decode_case(rest.split("@", 1)[0]), package):
            return Origin(package, module_of(package, modules), _version(package, modules),
                          "modcache")
        return None
    at = start.rfind("/vendor/")
    if at >= 0:
        rest = start[at + len("/vendor/"):]
        gopath = rest.startswith("src/")
        if _spells(rest[len("src/"):] if gopath else rest, package):
            return Origin(package, module_of(package, modules), _version(package, modules),
                          "gopath-vendor" if gopath else "vendor")
        return None
    if not _absolute(start):
        sign = start.find("@")
        if sign >= 0 and start.find("/", sign) >= 0 and _spells(start[:sign], package):
            trimmed = _trimmed(start)
            if trimmed is not None:
                return Origin(package, trimmed[0], trimmed[1], "trimpath")
        return None
    if main is not None and any(start.startswith(root + "/") for root in main.roots):
        return Origin(package, main.path or module_of(package, modules), None, "main")
    at = start.rfind("/src/")
    rest = start[at + len("/src/"):] if at >= 0 else ""
    if "/" in rest and "." in rest.split("/", 1)[0] and _spells(rest, package):
        return Origin(package, module_of(package, modules), _version(package, modules),
                      "gopath")
    return None


def _spells(shown: str, package: str) -> bool:
    """Whether a path's directories as far as a cut left them (`github.com/rs/zer`,
    `github.com/rs/zerolog/log.`) are the package's path: its start, or the
    package's directory and a file's name after it; something at least."""
    return bool(shown) and ((package + "/").startswith(shown)
                            or (shown.startswith(package + "/")
                                and "/" not in shown[len(package) + 1:]))
