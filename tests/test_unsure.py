"""Values a write-level merge leaves undecided are said so (Report.unsure).

Processes crashing into one pipe print each short value (a goroutine id, a
state, a line number) as a write of its own, and two processes' values can
often be exchanged with every rule still holding (tests/corpus/
writes_ambiguity.py). The write decoder marks the values of its reading that
a reading it dropped, within its margin of cost, reads otherwise; the report
says so in its model, its JSON and its text.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

sys.path.insert(0, str(Path(__file__).parent / "corpus"))

import score

from stackdemux.analyse.fingerprint import route
from stackdemux.api import analyze
from stackdemux.demux.writes_decode import ALL_FIELDS, _differing
from stackdemux.model import Frame, Unsure
from stackdemux.parse import parse_text
from stackdemux.render.json import render_json
from stackdemux.render.markdown import render_markdown
from stackdemux.render.options import RenderOptions
from stackdemux.render.text import render_text

ROOT = Path(__file__).resolve().parent.parent
BIG = ROOT / "tests/corpus/cases/big-writes-time/input.log.gz"


@pytest.fixture(scope="module")
def big():  # type: ignore[no-untyped-def]
    return analyze(gzip.decompress(BIG.read_bytes()))


def test_two_readings_of_a_line_differ_in_the_fields_the_model_names() -> None:
    # a goroutine id and a line number exchanged (mixed-writes-time's `1` and `197`)
    assert _differing("goroutine 1 [running]:", "goroutine 197 [running]:") == {"id"}
    assert _differing("goroutine 7 [running]:", "goroutine 7 [sync.Mutex.Lock]:") == {"state"}
    assert _differing("\texample.com/fleet/main.go:147 +0xc5",
                      "\texample.com/fleet/main.go:345 +0xc5") == {"line"}
    assert _differing("main.handle.func1()", "main.nilDeref()") == {"func"}
    assert _differing("created by main.main in goroutine 1",
                      "created by main.main in goroutine 8") == {"goroutine"}
    # another kind of line: nothing of it is sure
    assert _differing("goroutine 1 [running]:", "main.main()") == ALL_FIELDS


def test_big_writes_times_exchangeable_line_number_is_marked(big) -> None:  # type: ignore[no-untyped-def]
    # The pool's `…/programs/main.go:345` and the fleet's `example.com/fleet/
    # main.go:147` stand in the mixed start as writes of their own; a reading
    # as cheap as the kept one (+0.0) gives the fleet the 345: the decoder
    # cannot tell them, and says so of the fleet's top frame. Both reports
    # still read exactly (the kept reading is the truth).
    marked = [r for r in big.reports if r.unsure]
    assert [(r.message, r.unsure) for r in marked] == [
        ("shutdown timeout: 58 of 60 workers still running",
         [Unsure(goroutine=0, frame=0, fields=("line",))])]
    frame = marked[0].goroutines[0].frames[0]
    assert (frame.func, frame.file, frame.line) == (
        "main.(*Hub).Shutdown", "example.com/fleet/main.go", 147)
    assert frame.unsure == {"line"} and not marked[0].goroutines[0].unsure
    assert all(not f.unsure for r in big.reports for g in r.goroutines for f in g.frames
               if f is not frame)


def test_the_json_names_unsure_values_where_they_stand(big) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(render_json(big))
    schema = json.loads((ROOT / "schema/stackdemux.schema.json").read_text())
    Draft202012Validator(schema).validate(doc)
    where = [(r["message"], g["id"], f["func"], f["unsure"])
             for r in doc["reports"] for g in r["goroutines"] for f in g["frames"]
             if "unsure" in f]
    assert where == [("shutdown timeout: 58 of 60 workers still running", 1,
                      "main.(*Hub).Shutdown", ["line"])]
    assert not any("unsure" in g for r in doc["reports"] for g in r["goroutines"])


def test_a_log_read_with_certainty_has_no_unsure_key() -> None:
    text = (ROOT / "samples/go1.27/nil_map.txt").read_text()
    r = parse_text(text).reports[0]
    assert not r.unsure and b'"unsure"' not in json.dumps(
        json.loads(render_json(analyze(text.encode())))).encode()


def test_the_text_puts_a_question_mark_after_an_unsure_value(big) -> None:  # type: ignore[no-untyped-def]
    for out in (render_text(big, RenderOptions()), render_markdown(big, RenderOptions())):
        assert "example.com/fleet/main.go:147?" in out
        assert "main.go:44?" not in out and "(*Hub).Shutdown?" not in out


def test_an_unsure_function_is_left_out_of_the_fingerprint() -> None:
    a, b = Frame("main.handle.func1"), Frame("main.nilDeref")
    b._unsure = frozenset({"func"})
    caller = Frame("main.main")
    assert route([a, caller], 0) == ["main.handle.func", "main.main"]
    assert route([b, caller], 0) == ["main.main"]


def test_the_scorer_counts_a_report_exact_but_at_its_marked_values() -> None:
    # a nil_map panic's reading with its top frame's line number wrong: not
    # exact; marked unsure, exact but at its marks, the mark right
    text = (ROOT / "samples/go1.27/nil_map.txt").read_text()
    truth = [score.report_key(r) for r in parse_text(text).reports]
    found = parse_text(text).reports
    frame = found[0].goroutines[0].frames[0]
    for marked in (False, True):
        frame.line = (frame.line or 0) + 1
        frame._unsure = frozenset({"line"}) if marked else frozenset()
        s = score.Score(reports=len(truth))
        score.marks(s, found, truth)
        assert (s.marked_exact, s.values_wrong, s.values_marked, s.marked_wrong) == (
            (int(marked), 1, int(marked), int(marked)))
        frame.line -= 1


def test_the_report_names_the_input_lines_it_could_not_place(big) -> None:  # type: ignore[no-untyped-def]
    # the fleet's top frame's file line is the one value marked; its pieces
    # stand on input lines 8-10 of the mixed start: those are the report's
    # unsure lines, in the JSON after its `lines`, and the dump's report has none
    by = {r.message: r for r in big.reports}
    fleet = by["shutdown timeout: 58 of 60 workers still running"]
    assert fleet.unsure_lines == [(8, 10)]
    assert not by["pool exhausted: 5000 workers parked (seed 1)"].unsure_lines
    doc = json.loads(render_json(big))
    Draft202012Validator(json.loads((ROOT / "schema/stackdemux.schema.json").read_text())
                         ).validate(doc)
    got = {r["message"]: r for r in doc["reports"]}
    fleet_doc = got["shutdown timeout: 58 of 60 workers still running"]
    assert fleet_doc["unsure_lines"] == [[8, 10]]
    keys = list(fleet_doc)
    assert keys[keys.index("lines") + 1] == "unsure_lines"
    assert "unsure_lines" not in got["pool exhausted: 5000 workers parked (seed 1)"]


def test_the_text_markdown_and_html_say_which_lines_are_unsure(big) -> None:  # type: ignore[no-untyped-def]
    from stackdemux.render.html import render_html

    text = render_text(big, RenderOptions())
    assert text.count("unsure    lines 8–10") == 1
    md = render_markdown(big, RenderOptions())
    assert md.count("*Unsure: lines 8–10") == 1 and "interleaved writes is about as likely" in md
    assert "<dt>unsure</dt><dd>lines 8–10: another reading of the" in render_html(
        big, RenderOptions())
    sure = analyze((ROOT / "samples/go1.27/nil_map.txt").read_bytes())
    assert "unsure" not in render_text(sure, RenderOptions())


def test_a_marked_line_of_no_goroutine_is_an_unsure_line() -> None:
    # a message and its `[signal ` line hold no goroutine's field: their marks
    # reach the report as its lines only (a real Go 1.27 nil dereference, read
    # as a decoded stream whose reading marked its message, signal and top frame)
    from stackdemux.model import Stream
    from stackdemux.parse import parse_stream

    texts = (ROOT / "samples/go1.27/nil_pointer.txt").read_text().splitlines()
    stream = Stream(id="s1", numbers=range(1, len(texts) + 1), texts=texts)
    stream.unsure = {0: ALL_FIELDS, 1: ALL_FIELDS, 5: frozenset({"line"})}
    r = parse_stream(stream).reports[0]
    assert r.unsure_lines == [(1, 2), (6, 6)]
    assert r.unsure == [Unsure(goroutine=0, frame=0, fields=("line",))]
    # a value marked where no report stands (the noise) marks no report's line
    stream = Stream(id="s1", numbers=range(1, len(texts) + 2), texts=["hello", *texts])
    stream.unsure = {0: ALL_FIELDS}
    assert not parse_stream(stream).reports[0].unsure_lines
