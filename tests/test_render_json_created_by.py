"""A goroutine's `created_by` in the JSON contract: the creator's frame
flattened, with the creator's goroutine id. Goroutines started by one `go`
statement say the same creator, which the renderer writes once and inserts
again (render/json.py `_hook`): each must still read as its own values say,
in compact JSON (pieces or whole) as in indented JSON."""

from __future__ import annotations

from pathlib import Path

import orjson
from conftest import sample_path

from stackdemux.api import analyze
from stackdemux.model import Analysis, CreatedBy
from stackdemux.render.json import iter_json_bytes, render_json_bytes

# gccgo 12's SIGQUIT dump of a program that started 300 goroutines in one loop
MANY = Path(__file__).resolve().parent.parent / "samples" / "gccgo12" / "gccgo_sigquit_many.txt"


def _said(document: dict) -> list[dict | None]:
    """Every created_by the document says: goroutines', then their ancestors'."""
    return [c for r in document["reports"] for g in r["goroutines"]
            for c in (g["created_by"], *(a["created_by"] for a in g["ancestors"]))]


def _made(analysis: Analysis) -> list[CreatedBy | None]:
    return [c for r in analysis.reports for g in r.goroutines
            for c in (g.created_by, *(a.created_by for a in g.ancestors))]


def _own(cb: CreatedBy | None) -> dict | None:
    if cb is None:
        return None
    f = cb.frame
    return {"func": f.func, "args": f.args, "file": f.file, "line": f.line, "offset": f.offset,
            "goroutine": cb.goroutine, "package": f.package, "module": f.module,
            "version": f.version, "origin": f.origin}


def test_goroutines_started_by_one_go_statement_each_say_their_creator():
    analysis = analyze(MANY)
    compact = orjson.loads(render_json_bytes(analysis))
    assert compact == orjson.loads(render_json_bytes(analysis, indent=True))
    said = _said(compact)
    assert said == [_own(c) for c in _made(analysis)]
    assert max(said.count(c) for c in said if c is not None) >= 300  # (one go statement's)


def test_one_creating_frame_in_several_goroutines_says_each_creator_id():
    """Go 1.27's ancestors: one `go` statement run by goroutines 19, 20 and 21,
    and in the ancestors' records with no id."""
    analysis = analyze(sample_path("ancestors", "1.27"))
    said = _said(orjson.loads(render_json_bytes(analysis)))
    assert said == [_own(c) for c in _made(analysis)]
    ids = {c["goroutine"] for c in said if c is not None and c["line"] == 555}
    assert ids == {None, 19, 20, 21}


def test_a_creator_repeated_with_another_value_is_written_with_its_own():
    """The same creating frame from another goroutine id, or filled otherwise
    by analysis, is no repeat: written for what it now says."""
    analysis = analyze(MANY)
    made = _made(analysis)
    first = _own(made[-1])
    alike = [i for i, c in enumerate(made) if _own(c) == first]
    a, b, c, d = alike[:4]
    made[b].goroutine = 7
    made[c].frame.module = "example.com/park"
    said = _said(orjson.loads(b"".join(iter_json_bytes(analysis, batch=1))))
    assert said == [_own(c) for c in made]
    assert said[b]["goroutine"] == 7 and said[c]["module"] == "example.com/park"
    assert said[a] == said[d] == first
