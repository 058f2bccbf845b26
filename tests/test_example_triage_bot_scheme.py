"""examples/triage_bot.py keeps the fingerprint scheme each id was made by, says so
when stackdemux's rules changed since its database was filled, and names a
culprit the log printed no function for by its place."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import stackdemux

ROOT = Path(__file__).resolve().parent.parent
BOT_PATH = ROOT / "examples" / "triage_bot.py"
SPEC = importlib.util.spec_from_file_location("triage_bot", BOT_PATH)
assert SPEC is not None and SPEC.loader is not None
bot = sys.modules.get("triage_bot") or importlib.util.module_from_spec(SPEC)
if "triage_bot" not in sys.modules:
    sys.modules["triage_bot"] = bot  # (its dataclasses look their module up)
    SPEC.loader.exec_module(bot)

NIL_MAP = str(ROOT / "samples/go1.27/nil_map.txt")
WILD = ROOT / "samples" / "wild"


def test_each_record_keeps_the_scheme_its_id_was_made_by(tmp_path, capsys):
    db = tmp_path / "crashes.json"
    assert bot.main(["--db", str(db), "--run", "1", NIL_MAP]) == 0
    (record,) = json.loads(db.read_text()).values()
    assert record["scheme"] == stackdemux.FINGERPRINT_SCHEME
    assert capsys.readouterr().err == ""


def test_a_database_of_other_rules_is_said_until_a_crash_is_filed_under_these(tmp_path, capsys):
    db = tmp_path / "crashes.json"
    bot.main(["--db", str(db), "--run", "1", NIL_MAP])
    records = json.loads(db.read_text())
    for record in records.values():
        del record["scheme"]  # as a bot before schemes wrote it
    db.write_text(json.dumps(records))
    capsys.readouterr()
    bot.main(["--db", str(db), "--run", "2", NIL_MAP])
    err = capsys.readouterr().err
    assert err.startswith("triage_bot: the 1 known crashes were filed under fingerprint "
                          f"scheme unknown; this stackdemux makes {stackdemux.FINGERPRINT_SCHEME}")
    assert len(err.splitlines()) == 1
    # it recurred under its id: the id holds under these rules, and is filed so
    (record,) = json.loads(db.read_text()).values()
    assert record["scheme"] == stackdemux.FINGERPRINT_SCHEME
    bot.main(["--db", str(db), "--run", "3", NIL_MAP])
    assert capsys.readouterr().err == ""


def test_a_culprit_the_log_names_no_function_for_is_named_by_its_place(tmp_path, capsys):
    # HandleCrash's caller list (before Kubernetes 1.15): file and line alone
    log = WILD / "autopilot_tutorial_klog_callers_string_go113.txt"
    db = tmp_path / "crashes.json"
    bot.main(["--db", str(db), "--run", "1", str(log)])
    culprits = {r["culprit"] for r in json.loads(db.read_text()).values()}
    place = ("/Users/ilackarms/workspace/goprojects/autorouter/pkg/workers/initializing/"
             "worker.go:20")
    assert place in culprits
    assert not any(c and c.startswith(" at ") for c in culprits)
    assert " —  at " not in capsys.readouterr().out
