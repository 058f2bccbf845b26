"""The fingerprints of every sample and wild paste, and the scheme that made them.

tests/fingerprints.json holds, for each input under samples/ (the Go toolchains'
captures, the wild pastes, the interleaved and threads logs) and each real capture
under tests/data (a directory a make.sh made with the toolchains: go test's
failures in every form, a build's and a CI job's logs), the fingerprint of
each report and each group it reads as alone, and `scheme`: the
model.FINGERPRINT_SCHEME they were made by. tests/test_report_fingerprint_scheme.py
fails when a fingerprint differs from the table, so a change of the rules shows,
and this script rewrites the table only with the scheme bumped:

    PYTHONPATH=. python tests/fingerprint_table.py          # after a bump, or new inputs
    PYTHONPATH=. python tests/fingerprint_table.py --check  # what changed, rewriting nothing

With the scheme unchanged it adds new inputs, drops removed ones and records the
fingerprints of inputs that read as no report before (a gap closed: they had none
a bot could hold), and refuses
(exit 1, naming them) where an input's fingerprints changed: bump
FINGERPRINT_SCHEME in stackdemux/model.py, then run it again.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "tests" / "fingerprints.json"


def inputs() -> list[Path]:
    samples = ROOT / "samples"
    return sorted([*(p for p in (*samples.rglob("*.txt"), *samples.rglob("*.log"))
                     if "programs" not in p.relative_to(samples).parts),
                   *captures()])


def captures() -> list[Path]:
    """The real captures under tests/data: the logs each directory's make.sh made
    (go test's in every form: gotest_names, gotest_forms …), not the Go sources
    beside them (`save_test.go.txt`)."""
    data = ROOT / "tests" / "data"
    return sorted(p for d in data.iterdir() if (d / "make.sh").is_file()
                  for p in d.iterdir()
                  if p.suffix in (".txt", ".log", ".jsonl") and not p.name.endswith(".go.txt"))


def fingerprints(path: Path) -> dict[str, list[str | None]]:
    """Each report's own fingerprint and each group's, the input read alone."""
    import stackdemux

    analysis = stackdemux.analyze(path)
    return {"reports": [r.fingerprint for r in analysis.reports],
            "groups": [g.fingerprint for g in analysis.groups]}


def measure() -> dict[str, dict[str, list[str | None]]]:
    return {p.relative_to(ROOT).as_posix(): fingerprints(p) for p in inputs()}


def load() -> dict:
    return json.loads(TABLE.read_text(encoding="utf-8"))


def changed(table: dict, now: dict) -> list[str]:
    """The inputs in both whose fingerprints differ, but those newly read."""
    return sorted(k for k in table["inputs"].keys() & now.keys()
                  if table["inputs"][k] != now[k] and not _was_unread(table["inputs"][k]))


def newly_read(table: dict, now: dict) -> list[str]:
    """The inputs that read as no report and now read as some (a gap closed): they
    had no fingerprint a bot could hold, so none of theirs changed."""
    return sorted(k for k in table["inputs"].keys() & now.keys()
                  if _was_unread(table["inputs"][k]) and now[k] != table["inputs"][k])


def _was_unread(entry: dict) -> bool:
    return not entry["reports"] and not entry["groups"]


def write(scheme: int, now: dict) -> None:
    # one input a line: two branches that add inputs merge without conflict
    lines = [f"  {json.dumps(k)}: {json.dumps(v, separators=(', ', ': '))}"
             for k, v in sorted(now.items())]
    body = ",\n".join(lines)
    TABLE.write_text(f'{{"scheme": {scheme}, "inputs": {{\n{body}\n}}}}\n', encoding="utf-8")


def main(argv: list[str]) -> int:
    from stackdemux.model import FINGERPRINT_SCHEME as scheme

    now = measure()
    table = load() if TABLE.exists() else {"scheme": scheme, "inputs": {}}
    moved = changed(table, now)
    added = sorted(now.keys() - table["inputs"].keys())
    removed = sorted(table["inputs"].keys() - now.keys())
    read = newly_read(table, now)
    for name, items in (("changed", moved), ("newly read", read), ("new", added),
                        ("removed", removed)):
        for item in items:
            print(f"{name}: {item}")
    if "--check" in argv:
        return 1 if moved or read or added or removed or table["scheme"] != scheme else 0
    if table["scheme"] > scheme:
        print(f"FINGERPRINT_SCHEME {scheme} is below the table's {table['scheme']}")
        return 1
    if moved and table["scheme"] == scheme:
        print(f"{len(moved)} inputs' fingerprints changed under scheme {scheme}: "
              "bump FINGERPRINT_SCHEME (stackdemux/model.py) and say which changed (README)")
        return 1
    write(scheme, now)
    print(f"{TABLE}: {len(now)} inputs, scheme {scheme}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
