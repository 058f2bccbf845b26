"""SARIF names a file outside the checkout by a file URI a viewer opens: a Windows
build's `C:/Users/…` is `file:///C:/Users/…` (RFC 8089's drive form, which
pathlib's `as_uri` writes), its colon as printed; `file:///C%3A/…` is another URI
(a reserved character encoded), which no viewer maps to the drive's file. Each
case is a real paste of a Windows build."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath, PureWindowsPath

from stackdemux.api import analyze_many
from stackdemux.render import RenderOptions, render

WILD = Path(__file__).resolve().parent.parent / "samples" / "wild"


def _sarif(name: str, **options: object) -> dict:
    analysis = analyze_many([str(WILD / name)])
    return json.loads(render(analysis, "sarif", RenderOptions(**options)))  # type: ignore[arg-type]


def _uris(doc: dict) -> list[str]:
    result = doc["runs"][0]["results"][0]
    locations = [result["locations"][0]] + [
        frame["location"] for stack in result.get("stacks", []) for frame in stack["frames"]]
    return [loc["physicalLocation"]["artifactLocation"]["uri"] for loc in locations]


def test_a_windows_build_path_is_the_drive_s_file_uri() -> None:
    # go test's deadlock on a Windows desktop: register.go:27 under C:/Users/benja/go/src
    uris = _uris(_sarif("atomizer3_go_test_deadlock_windows_paths.txt"))
    culprit = "C:/Users/benja/go/src/github.com/benjivesterby/atomizer/registration/register.go"
    assert uris[0] == PureWindowsPath(culprit).as_uri() == "file:///" + culprit
    # the Go installation's frames as Go printed them, `c:/go/src/…`
    assert {uri[:11] for uri in uris} == {"file:///C:/", "file:///c:/"}
    assert not any("%3A" in uri for uri in uris)


def test_an_azure_agent_s_stack_names_its_drive_in_every_frame() -> None:
    # gotestsum on an Azure Pipelines agent: D:/a/_work/1/s is the checkout there
    uris = _uris(_sarif("azuredev3437_gotestsum_fail_windows_agent_map_read_write.txt"))
    assert uris[0] == ("file:///D:/a/_work/1/s/cli/azd/pkg/devcentersdk/developer_client.go")
    assert len(uris) == 6 and all(uri.startswith("file:///D:/a/_work/1/s/cli/azd/") for uri in uris)


def test_a_windows_checkout_as_the_source_root_is_its_drive_s_uri() -> None:
    # %SRCROOT%, the base the checkout's relative URIs resolve against: a Windows
    # runner's GITHUB_WORKSPACE is written with backslashes
    doc = _sarif("azuredev3437_gotestsum_fail_windows_agent_map_read_write.txt",
                 repo_root="D:\\a\\_work\\1\\s")
    root = doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root == PureWindowsPath("D:\\a\\_work\\1\\s").as_uri() + "/" == "file:///D:/a/_work/1/s/"


def test_a_posix_path_is_as_pathlib_writes_it() -> None:
    # a Unix build (GOPATH checkout)
    uris = _uris(_sarif("astilectron50_race_fence_glued_go18.txt"))
    helper = ("/home/asticode/projects/go/src/github.com/asticode/go-astilectron/"
              "helper_test.go")
    assert uris[0] == PurePosixPath(helper).as_uri()
