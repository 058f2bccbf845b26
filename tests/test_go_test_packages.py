"""`go test -json -p 4 ./...`: packages tested at once, their events interleaved.

go test runs up to -p test binaries at once and, since Go 1.20 or so (Go 1.19's go
command here writes each package's events whole), writes each one's test2json events
as they come: one package's lines fall between another's (Go 1.27.3: 16 switches of
package in 725 events). Real captures (tests/data/gotest_packages, make.sh): five of
samples/programs/gotests' packages (calc, greet, names: plain failures; chatty:
parallel subtests that log; suite: a panic in a subtest). Each package's failures
read from the interleaved log are those its own events read alone give: their
package, tests, logs and ids; nothing of another package's.
"""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest

import stackdemux

DATA = Path(__file__).resolve().parent / "data" / "gotest_packages"
LOGS = sorted(DATA.glob("go*-json-p4.txt"))
PACKAGES = ["calc", "chatty", "greet", "names", "suite"]


def read(path: Path) -> dict[str, list[tuple]]:
    """The reports by package: kind, title, id, tests and each failed test's log."""
    out: dict[str, list[tuple]] = {}
    for r in stackdemux.analyze(path).reports:
        out.setdefault(r.test_package, []).append(
            (r.kind, r.title, r.fingerprint, r.tests, r.complete,
             [(f.test, [(e.file, e.line, e.text) for e in f.log]) for f in r.failed_tests]))
    return out


@pytest.mark.parametrize("path", LOGS, ids=lambda p: p.name)
def test_the_packages_events_interleave(path):
    packages = [json.loads(line)["Package"] for line in path.read_text().splitlines()]
    switches = sum(a != b for a, b in pairwise(packages))
    if path.name.startswith("go1.19"):  # (its go command writes a package's events whole)
        assert switches == len(PACKAGES) - 1
    else:
        assert switches > len(PACKAGES)  # (not one package after another)


@pytest.mark.parametrize("path", LOGS, ids=lambda p: p.name)
def test_each_package_reads_as_its_own_events_alone(path, tmp_path):
    together = read(path)
    assert sorted(together) == [f"example.com/gotests/{p}" for p in PACKAGES]
    lines = path.read_text().splitlines(keepends=True)
    for package in PACKAGES:
        alone = tmp_path / f"{package}.json"
        alone.write_text("".join(x for x in lines
                                 if json.loads(x)["Package"] == f"example.com/gotests/{package}"))
        assert together[f"example.com/gotests/{package}"] == read(alone)[
            f"example.com/gotests/{package}"], package


@pytest.mark.parametrize("path", LOGS, ids=lambda p: p.name)
def test_the_failures_keep_the_ids_of_the_packages_tested_one_by_one(path):
    # calc's failures as `go test -json ./calc ./greet` read them (gotest_forms)
    v = path.name.split("-")[0]
    forms = stackdemux.analyze(path.parent.parent / "gotest_forms" / f"{v}-json.txt").reports
    ids = {r.title: r.fingerprint for r in stackdemux.analyze(path).reports}
    assert forms and all(ids[r.title] == r.fingerprint for r in forms)
