"""Frame origins: package, module, version and where the code came from, read
from the function name and file path alone (no disk access)."""

from pathlib import Path

import pytest

from stackdemux.analyse.origins import (
    assign_origins,
    decode_case,
    frame_origin,
    load_modules,
    module_of,
    package_of_file,
    split_function,
)
from stackdemux.parse import parse_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CONFORMANCE = ROOT.parent / "shared" / "conformance"


def sample(name: str, version: str = "1.21") -> Path:
    path = SAMPLES / f"go{version}" / f"{name}.txt"
    if not path.exists():
        pytest.skip(f"sample {path.relative_to(ROOT)} not generated yet")
    return path


def analysed(path: Path, modules=None):
    reports = parse_text(path.read_bytes()).reports
    assign_origins(reports, modules)
    return reports


def crash_frames(path: Path, modules=None):
    return analysed(path, modules)[0].goroutines[0].frames


@pytest.mark.parametrize(
    ("name", "package", "func"),
    [
        ("github.com/a/b.(*T).M", "github.com/a/b", "(*T).M"),
        ("main.main", "main", "main"),
        ("main.init.4.func2.1", "main", "init.4.func2.1"),
        ("net/http.(*conn).serve.func1", "net/http", "(*conn).serve.func1"),
        ("gopkg.in/yaml%2ev3.(*decoder).unmarshal", "gopkg.in/yaml.v3", "(*decoder).unmarshal"),
        ("go.etcd.io/bbolt.(*Cursor).search", "go.etcd.io/bbolt", "(*Cursor).search"),
        ("runtime.goexit", "runtime", "goexit"),
    ],
)
def test_function_names_split_at_the_first_dot_after_the_last_slash(name, package, func):
    assert split_function(name) == (package, func)


@pytest.mark.parametrize(
    ("package", "module"),
    [
        ("github.com/containers/image/v5/copy", "github.com/containers/image/v5"),
        ("github.com/containers/image/copy", "github.com/containers/image"),
        ("github.com/maruel/panicparse/v2/stack", "github.com/maruel/panicparse/v2"),
        ("go.etcd.io/bbolt", "go.etcd.io/bbolt"),
        ("go.etcd.io/bbolt/internal/common", "go.etcd.io/bbolt"),
        ("golang.org/x/net/http2", "golang.org/x/net"),
        ("gopkg.in/yaml.v3", "gopkg.in/yaml.v3"),
        ("gopkg.in/src-d/go-git.v4/plumbing", "gopkg.in/src-d/go-git.v4"),
        ("k8s.io/client-go/v2/rest", "k8s.io/client-go/v2"),
    ],
)
def test_module_boundaries_follow_go_path_conventions(package, module):
    assert module_of(package) == module


def test_module_cache_case_encoding_is_undone():
    assert decode_case("github.com/!burnt!sushi/toml") == "github.com/BurntSushi/toml"
    origin = frame_origin(
        "github.com/BurntSushi/toml.(*decoder).unify",
        "/root/go/pkg/mod/github.com/!burnt!sushi/toml@v1.3.2/decode.go",
    )
    assert (origin.module, origin.version, origin.origin) == (
        "github.com/BurntSushi/toml", "v1.3.2", "modcache")


@pytest.mark.parametrize(
    "goroot",
    [
        "/usr/local/go",
        "/usr/lib/go-1.19",
        "/opt/hostedtoolcache/go/1.21.13/x64",
        "/root/sdk/go1.23.9",
        "/opt/gobin/1.21.13/go",
        "/tmp/gov/lib/python3.11/site-packages/go",
        "C:/Program Files/Go",
    ],
)
def test_goroot_is_recognised_wherever_go_is_installed(goroot):
    for func, rel in [
        ("runtime.gopark", "src/runtime/proc.go"),
        ("time.Sleep", "src/runtime/time.go"),  # linknamed: package time, file in runtime
        ("net/http.(*conn).serve", "src/net/http/server.go"),
        ("vendor/golang.org/x/net/http2/hpack.(*Decoder).Write",
         "src/vendor/golang.org/x/net/http2/hpack/hpack.go"),
    ]:
        origin = frame_origin(func, f"{goroot}/{rel}")
        assert origin.origin == "stdlib", (func, goroot)
        assert origin.module is None


def test_module_cache_frames_name_module_and_version():
    frames = crash_frames(sample("skopeo_modcache"))
    search = frames[0]
    assert (search.package, search.module, search.version, search.origin) == (
        "go.etcd.io/bbolt", "go.etcd.io/bbolt", "v1.4.3", "modcache")
    copier = next(f for f in frames if "copyLayer" in f.func)
    assert (copier.package, copier.module, copier.version) == (
        "github.com/containers/image/v5/copy", "github.com/containers/image/v5", "v5.30.0")


def test_module_vendoring_gives_module_but_no_version_without_modules_txt():
    frames = crash_frames(sample("skopeo_vendor"))
    assert {f.origin for f in frames} == {"vendor"}
    assert frames[0].module == "go.etcd.io/bbolt" and frames[0].version is None
    copier = next(f for f in frames if "copyLayer" in f.func)
    assert copier.module == "github.com/containers/image/v5"


def test_modules_txt_gives_vendored_versions():
    modules = load_modules(SAMPLES / "programs/skopeo/vendor/modules.txt")
    frames = crash_frames(sample("skopeo_vendor"), modules)
    assert frames[0].version == "v1.4.3"
    copier = next(f for f in frames if "copyLayer" in f.func)
    assert copier.version == "v5.30.0"


def test_go_mod_names_the_main_module():
    modules = load_modules(SAMPLES / "programs/skopeo/go.mod")
    assert modules.main == "github.com/containers/skopeo"
    assert modules.versions["go.etcd.io/bbolt"] == "v1.4.3"
    report = analysed(sample("skopeo_vendor"), modules)[0]
    main_frames = [f for g in report.goroutines for f in g.frames if f.func.startswith("main.")]
    assert main_frames
    assert {(f.origin, f.module) for f in main_frames} == {("main", "github.com/containers/skopeo")}


def test_a_file_that_names_no_module_is_an_error_not_an_empty_map():
    """`--modules go.sum` (or a binary) given by mistake would map no frame and
    say nothing."""
    from stackdemux.analyse.origins import ModulesError

    with pytest.raises(ModulesError, match=r"not a go\.mod"):
        load_modules(SAMPLES / "go1.27" / "nil_map.txt")


def test_gopath_vendoring_in_function_names():
    frames = crash_frames(sample("skopeo_gopath"))
    search = frames[0]
    assert search.func.startswith("github.com/containers/skopeo/vendor/")
    assert (search.package, search.module, search.origin) == (
        "go.etcd.io/bbolt", "go.etcd.io/bbolt", "gopath-vendor")


def test_gopath_vendoring_names_the_vendoring_project_as_main_module():
    report = analysed(sample("skopeo_gopath"))[0]
    main = [f for g in report.goroutines for f in g.frames if f.func == "main.main"]
    assert main and main[0].module == "github.com/containers/skopeo"


def test_gopath_vendor_src_directories():
    origin = frame_origin("github.com/pkg/errors.New",
                          "/build/app/vendor/src/github.com/pkg/errors/errors.go")
    assert (origin.module, origin.origin) == ("github.com/pkg/errors", "gopath-vendor")


def test_trimpath_builds():
    report = analysed(sample("skopeo_trimpath"))[0]
    frames = report.goroutines[0].frames
    assert (frames[0].module, frames[0].version, frames[0].origin) == (
        "go.etcd.io/bbolt", "v1.4.3", "trimpath")
    waiting = next(g for g in report.goroutines if g.state == "semacquire")
    assert waiting.frames[0].file == "runtime/sema.go"
    assert waiting.frames[0].origin == "stdlib"
    main = next(f for f in waiting.frames if f.func == "main.main")
    assert (main.module, main.origin) == ("github.com/containers/skopeo", "main")


def test_stdlib_frames_in_a_real_dump_are_stdlib():
    report = analysed(sample("skopeo_vendor"))[0]
    stdlib = [f for g in report.goroutines for f in g.frames if f.file.startswith("/opt/gobin/")]
    assert stdlib and all(f.origin == "stdlib" for f in stdlib)


def test_main_module_inferred_from_a_package_built_beside_main():
    # panicparse's generator: module github.com/maruel/panicparse/v2 checked out in
    # /tmp/anchors/src/panicparse; its internal package sits beside package main.
    path = CONFORMANCE / "panicparse-crashes" / "stdlib_and_other.txt"
    if not path.exists():
        pytest.skip("shared/conformance not beside the repository")
    frames = analysed(path)[0].goroutines[0].frames
    internal = next(f for f in frames if "/internal." in f.func)
    assert (internal.module, internal.origin) == ("github.com/maruel/panicparse/v2", "main")
    main = next(f for f in frames if f.func == "main.main")
    assert (main.module, main.origin) == ("github.com/maruel/panicparse/v2", "main")
    fields = next(f for f in frames if f.func.startswith("strings."))
    assert fields.origin == "stdlib"  # GOROOT in a pip site-packages/go


def test_command_line_arguments_is_the_main_module():
    origin = frame_origin("command-line-arguments.TestPanics", "/src/app/x_test.go")
    assert origin.origin == "main"


@pytest.mark.parametrize(("file", "package"), [
    ("/src/app/vendor/go.etcd.io/bbolt/cursor.go", "go.etcd.io/bbolt"),
    ("/root/go/pkg/mod/go.etcd.io/bbolt@v1.4.3/cursor.go", "go.etcd.io/bbolt"),
    ("/root/go/pkg/mod/github.com/!burnt!sushi/toml@v1.2.0/decode.go",
     "github.com/BurntSushi/toml"),
    ("go.etcd.io/bbolt@v1.4.3/cursor.go", "go.etcd.io/bbolt"),
    ("/go/src/github.com/x/app/vendor/src/github.com/y/z/a.go", "github.com/y/z"),
    ("/home/u/app/main.go", None),  # the path alone does not say the package
    ("example.com/fleet/main.go", None),
])
def test_a_files_path_names_its_package_where_it_can(file, package):
    assert package_of_file(file) == package


def test_an_assembly_function_printed_without_a_package_is_its_file_s():
    # `racecallatomic()` in GOROOT's runtime/race_arm64.s (samples/wild/flipt59369_…):
    # a file-local assembly symbol, printed with no package
    for file in ("/usr/local/go/src/runtime/race_arm64.s", "runtime/race_arm64.s"):
        o = frame_origin("racecallatomic", file)
        assert (o.package, o.origin) == ("runtime", "stdlib"), file
    # a dotless name elsewhere (gccgo's C runtime, a program's file) says nothing
    assert frame_origin("acquirep", "/src/gcc/libgo/runtime/proc.c").origin != "stdlib"
    assert frame_origin("x", "/home/u/go/pkg/mod/a.b/c@v1.0.0/src/runtime/x.s").origin != "stdlib"


def test_a_bazel_build_s_external_repository_is_no_file_of_the_main_module():
    # rules_go prints the workspace's files relative, as -trimpath does, and a
    # dependency's under its external repository (samples/wild/aegis31_…, TiDB's build)
    from stackdemux import analyze

    [report] = analyze(SAMPLES / "wild" / "aegis31_bazel_checkptr_external.txt").reports
    frames = {f.func: f for f in report.goroutines[0].frames}
    murmur = frames["github.com/spaolacci/murmur3.Sum32WithSeed"]
    assert murmur.file == "external/com_github_spaolacci_murmur3/murmur32.go"
    assert (murmur.module, murmur.origin) == ("github.com/spaolacci/murmur3", "unknown")
    # Bazel spells GOROOT as the word itself
    assert frames["runtime.checkptrArithmetic"].origin == "stdlib"
    # a relative file elsewhere is still the main module's, as -trimpath prints it
    origin = frame_origin("github.com/pingcap/tidb/util/topk.(*HeavyKeeper).Add",
                          "util/topk/heavykeeper.go")
    assert origin.origin == "main"


def test_a_github_actions_workspace_holds_the_main_module():
    # GITHUB_WORKSPACE is `…/work/REPO/REPO` (`/__w/REPO/REPO` in a job's container):
    # the repository the workflow built, where a package's directory ends as its
    # import path does (samples/wild/clusterdev197_…, matrixone3849_…)
    from stackdemux import analyze

    for name, func, module in (
        ("clusterdev197_gha_container_workspace_map_iteration.txt",
         "github.com/shalb/cluster.dev/pkg/project.(*UnitLinksT).ByLinkTypes",
         "github.com/shalb/cluster.dev"),
        # checked out into a subdirectory of the workspace (`…/matrixone/matrixone/head`)
        ("matrixone3849_race_previous_write_method_value_fm.txt",
         "github.com/matrixorigin/matrixone/pkg/frontend.(*RoutineManager).Handler",
         "github.com/matrixorigin/matrixone"),
    ):
        [report] = analyze(SAMPLES / "wild" / name).reports
        frames = [f for g in report.goroutines for f in g.frames]
        frames += [f for a in (report.race.accesses if report.race else ()) for f in a.frames]
        frame = next(f for f in frames if f.func == func)
        assert (frame.module, frame.origin) == (module, "main"), name
        dependency = [f for f in frames if f.origin == "modcache"]
        assert all(f.module != module for f in dependency)


def test_a_workspace_named_once_or_another_module_s_is_not_the_main_module():
    # `work/tool/pkg` is no `work/REPO/REPO`; `work/lib/other` holds a module whose
    # path does not end as the directories do
    reports = parse_text(
        "panic: x\n\ngoroutine 1 [running]:\n"
        "github.com/a/tool/pkg.F()\n\t/home/runner/work/tool/pkg/f.go:3 +0x1\n"
        "github.com/b/lib/x.G()\n\t/home/runner/work/lib/other/y/g.go:4 +0x1\n"
    ).reports
    assign_origins(reports)
    assert [f.origin for f in reports[0].goroutines[0].frames] == ["unknown", "unknown"]


@pytest.mark.parametrize("version", ["go1.19", "go1.21", "go1.23"])
def test_every_frame_of_an_ancestor_is_placed_its_created_by_too(version):
    # GODEBUG=tracebackancestors=N: each `[originating from goroutine N]:` block
    # ends in its own `created by`, whose frame was left with no package or origin
    import stackdemux

    analysis = stackdemux.analyze(SAMPLES / version / "ancestors.txt")
    ancestors = [a for r in analysis.reports for g in r.goroutines for a in g.ancestors]
    created = [a.created_by.frame for a in ancestors if a.created_by is not None]
    assert created
    for frame in created + [f for a in ancestors for f in a.frames]:
        assert frame.package is not None and frame.origin is not None, frame
