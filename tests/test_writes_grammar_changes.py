"""A change to grammars/traceback.lark changes the write layer only as it should (issue 3).

The write layer derives what it knows from the line grammar: its character
automaton (writes_dfa) from the compiled classifier's regex, the words the
runtime writes alone (writes_tokens.grammar_words) from the grammar's string
literals. Two ways a grammar author used to break it without touching it: a
regex's literal characters taken for such a word (LOGSTAMP's `.go:` made every
test log line `x_test.go:12: ` start a traceback line in write-level merges),
and a long bounded repeat unrolled into a state per count (`{1,1024}`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from stackdemux.demux.writes_dfa import LineAutomaton, line_automaton
from stackdemux.grammar import LineGrammar, grammar_text, line_grammar

ROOT = Path(__file__).resolve().parent.parent
REAL = grammar_text("traceback.lark")
GO_TEST_WRITES = ["gotest-writes-time", "gotest-writes-shuffle"]

# LOGSTAMP as the grammar has it: the log package's date and time, then its caller's file
_LOGSTAMP = next((ln for ln in REAL.splitlines() if ln.startswith("LOGSTAMP: /")), "")
# the file alone, with no date (`server.go:3215: http: panic serving …`, a real paste
# helper "wild2" wants to read), its `.go:` a plain literal of the regex
FILE_ONLY = ("LOGSTAMP: /(?:[0-9]{4}\\/[0-9]{2}\\/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}"
             "(?:\\.[0-9]+)? )?(?:[\\w.\\/@+-]+\\.go:[0-9]+: )?/")
# a log line behind its caller's file alone (the grammar reads net/http's own server.go so)
PASTED = "handlers.go:88: http: panic serving 10.0.0.7:51234: runtime error: index out of range"


def _with(logstamp: str) -> str:
    assert _LOGSTAMP, "LOGSTAMP is no longer one line of grammars/traceback.lark"
    return REAL.replace(_LOGSTAMP, logstamp)


def test_a_long_bounded_repeat_adds_no_state_to_the_automaton():
    # LOGSTAMP's path once read `{1,1024}`: 1 024 states more, and the splicer's
    # automaton of the same regex took a line-level merge from 86 to 204 MB
    assert "[\\w.\\/@+-]+\\.go" in _LOGSTAMP
    bounded = _with(_LOGSTAMP.replace("[\\w.\\/@+-]+\\.go", "[\\w.\\/@+-]{1,1024}\\.go"))
    assert LineAutomaton(LineGrammar(bounded).source).size == line_automaton().size
    # and KLOGSTAMP's `{1,255}` costs none either
    assert "{1,255}" in REAL
    unbounded = REAL.replace("{1,255}", "+")
    assert LineAutomaton(LineGrammar(unbounded).source).size == line_automaton().size


def test_the_automaton_still_reads_what_a_long_bounded_repeat_spells():
    # read as unbounded, it accepts more than the regex, never less
    a = line_automaton()
    line = "E0623 15:24:30.674204       1 " + "d/" * 200 + "runtime.go:78] Observed a panic: boom"
    assert line_grammar().match(line) is None  # the path is over KLOGSTAMP's 255
    s = a.start
    for ch in line:
        s = a.step(s, ch)
    assert a.accepting[s]


# What the write layer makes of a case, as JSON: the pipeline's streams (their
# lines and the input pieces each came from) and noise, the decoder's reading,
# its words, and how the grammar reads a pasted log line.
_READ = """
import json, sys
from stackdemux.api import load
from stackdemux.demux import demultiplex_detail
from stackdemux.demux.writes_decode import decode
from stackdemux.demux.writes_tokens import grammar_words
from stackdemux.grammar import line_grammar

out = {"words": grammar_words().pattern, "pasted": line_grammar().fields(sys.argv[1])[0]}
for path in sys.argv[2:]:
    data = open(path, "rb").read()
    d = demultiplex_detail(load(data, "<corpus>"), id_prefix="s")
    text = data.decode()
    got = decode(text)
    out[path] = {
        "streams": [[s.texts, sorted(s.pieces.items()) if s.pieces else None]
                    for s in d.streams],
        "noise": d.noise,
        "decoded": [got.processes, got.noise],
    }
print(json.dumps(out))
"""


def _reading(root: Path) -> dict:
    inputs = [str(ROOT / "tests/corpus/cases" / c / "input.log") for c in GO_TEST_WRITES]
    env = dict(os.environ, PYTHONPATH=str(root))
    proc = subprocess.run([sys.executable, "-c", _READ, PASTED, *inputs], cwd=root, env=env,
                          capture_output=True, text=True, check=True, timeout=600)
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def file_only_checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's package beside a grammar with a file-only LOGSTAMP."""
    root = tmp_path_factory.mktemp("file_only")
    shutil.copytree(ROOT / "stackdemux", root / "stackdemux",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "grammars", root / "grammars")
    (root / "grammars" / "traceback.lark").write_text(_with(FILE_ONLY), encoding="utf-8")
    return root


def test_go_test_output_mixed_by_writes_reads_the_same_with_a_file_only_log_stamp(
        file_only_checkout: Path):
    with_file_only = _reading(file_only_checkout)
    as_is = _reading(ROOT)
    # the grammar did change: the pasted line reads as net/http's panic only with it
    assert (with_file_only.pop("pasted"), as_is.pop("pasted")) == ("http_panic", None)
    # every `x_test.go:12: ` log line of go test's output is one write, as before
    assert with_file_only == as_is
