"""Fuzzing how the CI formats show plain test failures (render/failures.py) on
real `go test` output of every release (tests/data/gotest_forms: plain, -v,
-json; gotest_names), mangled: hostile text in a test's name, its log and its
package, entries' lines cut, lost or repeated, the log's paths made long,
numbers longer than Go prints. Rendered against a real checkout of the tested
module (its go.mod and test files), each format:

* no exception of ours;
* output valid for its system, and inert (test_fuzz.check_output: no control
  bytes, JSON and XML parse, every GitHub command one of ours);
* a failed test's annotation points at a file the checkout holds, or nowhere;
  never at a path out of it.

A longer run (fuzz21, seed 2101, 4 min at load ~10: the same mutations, one to
three of them): 5 600 inputs, 13 434 failed tests mapped into the checkout,
nothing found, none over 2 s of CPU.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from stackdemux.api import analyze
from stackdemux.ingest import InputError
from stackdemux.render import RENDERERS, RenderOptions, render
from stackdemux.render.failures import failure_file, failure_views

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_fuzz import HOSTILE, check_output, cut, huge_number, repeated, seeded, windows

ROOT = Path(__file__).resolve().parent.parent
# (and go test's flags: -count=3, -failfast, -run by a name with a space or a `/`,
# fuzz targets failing and their reruns, -json -p 4's packages at once)
CAPTURES = sorted(p for name in ("forms", "names", "flags", "fuzz", "packages")
                  for p in (ROOT / "tests/data").glob(f"gotest_{name}/go*.txt"))
POOL = [p.read_bytes() for p in CAPTURES]
# What the captures name: their tests and files, under example.com/gotests
NAMES = [b"TestAdd", b"TestSub", b"TestReport", b"TestNested", b"TestHello", b"TestGreetings",
         b"case_2", b"outer", b"inner", b"Ann", b"Bob", b"TestKeys", b"TestTrim", b"with_space",
         b"unix/path", b"FuzzUpper", b"FuzzRecord", b"TestParallel"]
FILES = ["calc/calc_test.go", "greet/greet_test.go", "suite/suite_test.go",
         "fuzzed/fuzzed_test.go", "chatty/chatty_test.go", "names/names_test.go"]


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("checkout")
    (root / "go.mod").write_text("module example.com/gotests\n")
    for f in FILES:
        (root / f).parent.mkdir(exist_ok=True)
        (root / f).write_text("package " + f.split("/")[0] + "\n")
    return root


def _hostile(r: random.Random) -> bytes:
    return b"".join(r.choice(HOSTILE) for _ in range(r.randint(1, 3)))


def hostile_names(r: random.Random, d: bytes) -> bytes:
    """A test's name with hostile text after it, everywhere it is printed (in
    a -json record, JSON-escaped as test2json writes it)."""
    name = r.choice(NAMES)
    evil = _hostile(r).replace(b" ", b"_")  # (testing writes a name's spaces as _)
    quoted = json.dumps(evil.decode("utf-8", "replace"))[1:-1].encode()
    ls = d.split(b"\n")
    return b"\n".join(x.replace(name, name + (quoted if x.startswith(b"{") else evil))
                      for x in ls)


def hostile_entries(r: random.Random, d: bytes) -> bytes:
    """Hostile text in log entries' messages (`calc_test.go:11: <text>`)."""
    ls = d.split(b"\n")
    spots = [i for i, x in enumerate(ls) if b"_test.go:" in x]
    for i in r.sample(spots, min(len(spots), r.randint(1, 4))):
        evil = _hostile(r)
        if ls[i].startswith(b"{"):
            evil = json.dumps(evil.decode("utf-8", "replace"))[1:-1].encode()
        ls[i] = ls[i].replace(b": ", b": " + evil, 1)
    return b"\n".join(ls)


def hostile_package(r: random.Random, d: bytes) -> bytes:
    """The package's path made hostile or long: `../..`, thousands of elements."""
    new = r.choice([b"example.com/gotests/../../../etc", b"example.com/" + b"x/" * 3000 + b"calc",
                    b"/abs/path/calc", b"example.com/gotests/calc" + _hostile(r).replace(b" ", b""),
                    b"..", b""])
    old = r.choice([b"example.com/gotests/calc", b"example.com/gotests/greet"])
    return d.replace(old, json.dumps(new.decode("utf-8", "replace"))[1:-1].encode())


def long_files(r: random.Random, d: bytes) -> bytes:
    """An entry's file given as a path (a helper's log may print one): long, or out."""
    path = r.choice([b"../../../etc/passwd_test.go", b"/" + b"y/" * 2000 + b"calc/calc_test.go",
                     b"calc/calc_test.go", b"C:\\\\w\\\\calc\\\\calc_test.go"])
    return d.replace(b"calc_test.go:", path + b":", r.randint(1, 3))


MUTATIONS = [hostile_names, hostile_entries, hostile_package, long_files, huge_number,
             repeated, windows, cut]


@seeded(POOL, 40)
def test_mangled_real_test_failures_render_inert_and_point_into_the_checkout(
        checkout: Path, index: int, seed: int):
    r = random.Random(seed)
    data = POOL[index]
    for _ in range(r.randint(1, 3)):
        data = r.choice(MUTATIONS)(r, data)
    try:
        analysis = analyze(data)
    except InputError:
        return
    options = RenderOptions(verbose=True, repo_root=str(checkout))
    for fmt in RENDERERS:
        check_output(fmt, render(analysis, fmt, options))
    held = {str(p.relative_to(checkout)).replace("\\", "/") for p in checkout.rglob("*")}
    for failure in failure_views(analysis):
        where = failure_file(failure, str(checkout))
        assert where is None or (where[0] in held and where[1] >= 0), where
