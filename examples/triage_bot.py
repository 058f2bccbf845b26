"""A crash-triage bot on stackdemux's public API: which crash is new, which recurs.

Each CI run hands the bot its logs; the bot keeps a small JSON database of the
crashes it has seen, one record per fingerprint (the same bug has the same
fingerprint across processes, log positions and Go versions), and says for every
crash of this run whether it is new or recurs, how often, since when, with a
representative report: the first one it saw. It files each report by its own
fingerprint (`Report.fingerprint`), and names it by its own title and culprit
(`Report.title`, `Report.culprit`), none of which depends on what else the logs
held, so it reads a run's logs as one analysis.

    python examples/triage_bot.py --db crashes.json --run "$CI_RUN_ID" build.log...

It prints one line per crash of the run, new ones first, and with `--new-only`
exits 1 when a crash never seen before was found (fail the job on a new crash,
not on a known flaky one). Goroutine dumps (pprof, runtime.Stack) are no crash:
they are not recorded. Each record keeps the fingerprint scheme its id was made
by (`Analysis.fingerprint_scheme`): after an upgrade of stackdemux that changed
the rules, until a crash is filed under the new scheme, the bot says that the
known crashes were filed under another, and may read as new once.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import stackdemux

TOP_FRAMES = 5  # of the crashing goroutine, in a representative report


@dataclass
class Crash:
    """One bug, as seen over the runs: the record the database keeps per fingerprint."""

    fingerprint: str
    title: str
    culprit: str | None  # "func at file:line", None when no frame could be blamed
    first_seen: str  # the run names
    last_seen: str
    runs: int = 0  # how many runs showed it
    reports: int = 0  # how many reports of it, over all those runs
    example: dict[str, object] = field(default_factory=dict)  # the first report seen
    scheme: int | None = None  # the fingerprint scheme its id was made by (None: not said)


@dataclass
class Verdict:
    """What this run says about one crash."""

    status: str  # "new" or "recurs"
    crash: Crash
    count: int  # its reports in this run


def where(frame: stackdemux.Frame | None) -> str | None:
    """`func at file:line`; the place alone where the log printed no function (a
    caller list: `func` is empty), the function alone where it printed no file."""
    if frame is None:
        return None
    place = f"{frame.file}:{frame.line}" if frame.file else None
    if not frame.func:
        return place
    return f"{frame.func} at {place}" if place else frame.func


def example(report: stackdemux.Report, group: stackdemux.Group) -> dict[str, object]:
    """A representative report of the crash: where it is in which log, the go
    test that failed with it, its message and the top of its crashing goroutine's
    stack."""
    crashing = report.crashing
    return {
        "source": report.source,
        "lines": [list(span) for span in report.lines],  # 1-based, inclusive
        "tests": list(report.tests),  # `--- FAIL: TestX` (empty outside go test)
        "test_package": report.test_package,  # `FAIL\tpkg`
        "kind": report.kind.value,
        "message": report.message,
        "complete": report.complete,
        "goroutine": None if crashing is None else f"{crashing.id} [{crashing.state}]",
        "frames": [] if crashing is None else [
            where(f) for f in crashing.frames[:TOP_FRAMES]],
        "hints": [h.title for h in group.hints],
    }


def triage(db: dict[str, Crash], run: str,
           analyses: list[stackdemux.Analysis]) -> list[Verdict]:
    """Record the run's crashes in `db` (fingerprint → Crash) and say what each is.

    Crashes are told apart by each report's own fingerprint (`Report.fingerprint`),
    not by its group's: a group whose reports differ (two routes to one culprit,
    titles merged by similarity) takes one member's fingerprint, so a crash read
    with another in one analysis would be filed under the other's. A report's own
    is the same whatever else the logs held, so the logs may be read as one
    analysis (`analyze_many`) or each alone."""
    counts: dict[str, int] = {}
    firsts: dict[str, tuple[stackdemux.Report, stackdemux.Group]] = {}
    schemes: dict[str, int] = {}  # the rules that made each id
    for analysis in analyses:
        for group in analysis.groups:
            for rid in group.reports:
                report = analysis.report(rid)
                if not report.kind.is_crash:
                    continue  # a goroutine dump printed on purpose
                fp = report.fingerprint
                assert fp is not None  # (the analysis sets every report's)
                counts[fp] = counts.get(fp, 0) + 1
                schemes[fp] = analysis.fingerprint_scheme
                # shown by a report its group is read from: the group's hints
                # are then that crash's own (its title and culprit are in any case)
                if fp not in firsts or (fp == group.fingerprint
                                        and firsts[fp][1].fingerprint != fp):
                    firsts[fp] = (report, group)
    verdicts = []
    for fingerprint, count in counts.items():
        crash = db.get(fingerprint)
        status = "recurs" if crash is not None else "new"
        if crash is None:
            report, group = firsts[fingerprint]
            crash = db[fingerprint] = Crash(
                fingerprint=fingerprint,
                title=report.title or f"{report.kind.value}: {report.message}",
                culprit=where(report.culprit), first_seen=run, last_seen=run,
                example=example(report, group), scheme=schemes[fingerprint])
        crash.last_seen = run
        crash.scheme = schemes[fingerprint]  # (its id is the same under these rules)
        crash.runs += 1
        crash.reports += count
        verdicts.append(Verdict(status, crash, count))
    verdicts.sort(key=lambda v: (v.status != "new", -v.count))
    return verdicts


def upgraded(db: dict[str, Crash], scheme: int) -> str | None:
    """Said when no record was filed under `scheme` yet, though some were under
    another: stackdemux changed its rules since, and a known crash whose id
    changed reads as new once (a record whose crash recurs takes the new scheme)."""
    if not db or any(crash.scheme == scheme for crash in db.values()):
        return None
    old = sorted({str(crash.scheme) if crash.scheme else "unknown" for crash in db.values()})
    return (f"the {len(db)} known crashes were filed under fingerprint scheme "
            f"{', '.join(old)}; this stackdemux makes {scheme}: a known crash may read "
            "as new once (docs/triage-bot.md)")


def load_db(path: Path) -> dict[str, Crash]:
    if not path.exists():
        return {}
    return {fp: Crash(**record) for fp, record in json.loads(path.read_text()).items()}


def save_db(db: dict[str, Crash], path: Path) -> None:
    path.write_text(json.dumps({fp: asdict(c) for fp, c in sorted(db.items())}, indent=1) + "\n")


def say(v: Verdict) -> str:
    c = v.crash
    seen = ("first seen in this run" if v.status == "new" else
            f"{c.runs} runs, {c.reports} reports since {c.first_seen}")
    culprit = f" — {c.culprit}" if c.culprit else ""
    return f"{v.status.upper():7}{c.fingerprint}  ×{v.count}  {c.title}{culprit}  ({seen})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("logs", nargs="+", type=Path, help="this run's logs")
    parser.add_argument("--db", type=Path, required=True, help="the crash database (JSON)")
    parser.add_argument("--run", required=True, help="this run's name (a CI run id)")
    parser.add_argument("--new-only", action="store_true",
                        help="exit 1 when a crash never seen before was found")
    args = parser.parse_args(argv)
    db = load_db(args.db)
    try:
        # one analysis of all the logs: each report's own fingerprint is the same
        # whatever else it holds (a log read alone: the same ids)
        analyses = [stackdemux.analyze_many(args.logs)]
    except stackdemux.InputError as e:  # a missing file, binary data: said in one line
        print(f"triage_bot: {e}", file=sys.stderr)
        return 2
    note = upgraded(db, analyses[0].fingerprint_scheme)
    if note:
        print(f"triage_bot: {note}", file=sys.stderr)
    verdicts = triage(db, args.run, analyses)
    save_db(db, args.db)
    for v in verdicts:
        print(say(v))
    return 1 if args.new_only and any(v.status == "new" for v in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
