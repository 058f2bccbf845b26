"""aws-lambda-go's frames in a Lambda error record are a dependency's.

aws-lambda-go recovers a handler's panic and writes the error record whose
`stackTrace` stackdemux reads (lambda_error.py); its formatFrame keeps of each
file the import path and the name, so a module cache's file keeps its `@version`
(`github.com/aws/aws-lambda-go@v1.17.0/lambda/function.go`) and a GOPATH or
vendored build's none (`github.com/aws/aws-lambda-go/lambda/function.go`), which
reads as a -trimpath main module's path. The library that wrote the record is
no program's main module: its module path is known, its version is not.
"""

from __future__ import annotations

from pathlib import Path

import stackdemux

WILD = Path(__file__).resolve().parents[1] / "samples" / "wild"


def _origins(name: str) -> dict[str, tuple]:
    analysis = stackdemux.analyze(WILD / name)
    [report] = analysis.reports
    return {f.func: (f.module, f.version, f.origin) for f in report.goroutines[0].frames}


def test_aws_lambda_go_without_a_version_is_a_dependency_of_unknown_version():
    origins = _origins("cfngo17_lambda_error_json_stacktrace.txt")
    lambda_go = ("github.com/aws/aws-lambda-go", None, "trimpath")
    assert origins["github.com/aws/aws-lambda-go/lambda.(*Function).Invoke.func1"] == lambda_go
    assert origins["github.com/aws/aws-lambda-go/lambda.NewHandler.func1"] == lambda_go
    # the handler's module, which nothing in the text tells from the main module, stays it
    handler = "github.com/aws-cloudformation/aws-cloudformation-rpdk-go-plugin"
    assert origins[f"{handler}/cfn.(*Wrapper).HandleLambdaEvent"] == (handler, None, "main")


def test_the_chain_enters_through_the_library_not_the_main_module():
    analysis = stackdemux.analyze(WILD / "cfngo17_lambda_error_json_stacktrace.txt")
    [group] = analysis.groups
    assert (group.chain[0].module, group.chain[0].origin) == (
        "github.com/aws/aws-lambda-go", "trimpath")
    assert group.main_frame is not None
    assert group.main_frame.func.endswith("cfn.(*Wrapper).HandleLambdaEvent")


def test_a_module_caches_aws_lambda_go_keeps_its_version():
    origins = _origins("raygun4go28_lambda_error_json_module_versions.txt")
    assert origins["github.com/aws/aws-lambda-go/lambda.(*Function).Invoke.func1"] == (
        "github.com/aws/aws-lambda-go", "v1.17.0", "trimpath")
    origins = _origins("ddlambda165_lambda_error_json_one_line.txt")
    assert origins["github.com/aws/aws-lambda-go/lambda.lambdaPanicResponse"] == (
        "github.com/aws/aws-lambda-go", "v1.46.0", "trimpath")
    assert origins["common.handle"] == ("common", None, "main")


def test_a_main_module_printed_as_a_directory_has_no_owner_to_compare_with():
    # neo-go built with -trimpath from its checkout prints main.main at ./main.go
    # and its own packages by module path: they are the main module's, not another
    # owner's (`.` is no module path)
    origins = _origins("neogo4080_waitgroup_wait_state_go125_trimpath.txt")
    assert origins["github.com/nspcc-dev/neo-go/cli/util.auditBin"] == (
        "github.com/nspcc-dev/neo-go", None, "main")
    assert origins["github.com/urfave/cli/v2.(*Command).Run"] == (
        "github.com/urfave/cli/v2", "v2.27.7", "trimpath")
