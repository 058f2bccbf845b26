"""A Go process prints the marks of one release (demux/go_version.py), and
the write decoder can weigh a reading whose report pairs one release's message
with another release's goroutines (writes_decode.RELEASES, off: measured in
demux/writes.py's comment): checked on the captures of samples/, the corpus's
outputs and a real write merge.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest
from conftest import CORPUS_CASES

from stackdemux.demux import writes_decode
from stackdemux.demux.go_version import root_release
from stackdemux.demux.writes_decode import W_RELEASE, _releases, decode
from stackdemux.demux.writes_reading import reading

sys.path.insert(0, str(Path(__file__).parent / "corpus"))

from writes_pairing import exchanged, exchanges
from writes_significant import owned

SAMPLES = Path(__file__).parent.parent / "samples"


def _outputs() -> list[tuple[int, str]]:
    """(minor release, text) of every capture of samples/go1.* and every
    process output of the corpus, each printed by a known toolchain."""
    out = [(int(p.parent.name.split(".")[1]), p.read_text(encoding="utf-8", errors="replace"))
           for p in sorted(SAMPLES.glob("go1.*/*.txt"))]
    for truth in sorted(CORPUS_CASES.glob("*/truth.json")):
        for proc in json.loads(truth.read_text())["processes"]:
            path = truth.parent / proc["output"]
            raw = path.read_bytes() if path.exists() else gzip.decompress(
                (truth.parent / (proc["output"] + ".gz")).read_bytes())
            out.append((int(proc["version"].split(".")[1]), raw.decode("utf-8", "replace")))
    return out


def test_every_release_mark_of_a_line_allows_the_release_that_printed_it(monkeypatch):
    monkeypatch.setattr(writes_decode, "RELEASES", True)
    shown = {"root": 0, "function": 0, "annotation": 0}
    for release, text in _outputs():
        for line in text.splitlines():
            r = reading(line)
            if r is None:
                continue
            got = _releases(r.kind, r.func, r.root, line)
            if got is None:
                continue
            assert got[0] <= release <= got[1], (release, line)
            shown["root" if r.root else "function" if r.func else "annotation"] += 1
    # (measured: 12 420 GOROOTs, 875 functions, 28 annotations; Go 1.19 to 1.27)
    assert shown["root"] > 10_000 and shown["function"] > 500 and shown["annotation"] > 20


@pytest.mark.parametrize(("root", "minor"), [
    ("/opt/gobin/1.23.9/go/src", 23),
    ("/usr/lib/go-1.19/src", 19),
    ("/root/sdk/go1.22.0/src", 22),
    ("/opt/hostedtoolcache/go/1.23.4/x64/src", 23),
    ("/x/golang.org/toolchain@v0.0.1-go1.24.1.linux-arm64/src", 24),
    ("/usr/local/Cellar/go/1.22.6/libexec/src", 22),
    ("/usr/local/go/src", None),  # names none
    ("/opt/1.19/a/b/c/src", None),  # the release's element at most three before `src`
])
def test_a_goroot_names_its_release(root: str, minor: int | None):
    assert root_release(root) == minor


def test_a_message_heading_another_releases_goroutines_costs_the_model(monkeypatch):
    # gotest-writes-time: p0 (Go 1.27) panics `... account 7 [recovered,
    # repanicked]`, p2 (Go 1.23) `... account 9 [recovered]`; where both stand
    # at a line start in one report state, their rests exchanged read as well
    # line by line (+0.3: the writer switches once more), but p0's message
    # then heads goroutines whose files name Go 1.23, which cannot print it
    text, owners, _ = owned("gotest-writes-time")
    held = [o if isinstance(o, int) else -1 for o in owners]
    monkeypatch.setattr(writes_decode, "RELEASES", False)
    truth = decode(text, owners=held)
    after = next(x for x in exchanges(text, truth, per_pair=8) if {x.a, x.b} == {0, 2}
                 and x.at > text.index("[recovered, repanicked]"))
    assert decode(text, owners=exchanged(held, after)).cost - truth.cost < 1.0
    monkeypatch.setattr(writes_decode, "RELEASES", True)
    assert decode(text, owners=held).cost == truth.cost  # the truth obeys the rule
    assert decode(text, owners=exchanged(held, after)).cost - truth.cost >= W_RELEASE
