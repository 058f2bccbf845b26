"""Terraform prints each diagnostic between `╷` and `╵` with a rule down its left,
`│ ` (`│` alone before an empty line), red for an error on a terminal (terraform's
internal/command/format/diagnostic.go). A provider that returns its panic as an
error diagnostic puts a whole Go traceback behind that rule; off a terminal (a CI
job) the detail is not word-wrapped. No Terraform runs here: the diagnostics are
made by that rule around real crashes of the samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackdemux import analyze

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [ROOT / "samples/go1.27/nil_map.txt", ROOT / "samples/go1.21/http_panic.txt",
           ROOT / "samples/go1.23/cgo_segv.txt"]


def diagnostic(detail: str, *, colour: bool) -> str:
    red, reset = ("\x1b[31m", "\x1b[0m") if colour else ("", "")
    body = ["Error: Plugin did not respond", "", "  with snowflake_table.events,",
            '  on main.tf line 12, in resource "snowflake_table" "events":', "",
            *detail.rstrip("\n").split("\n")]
    lines = [f"{red}╷{reset}"]
    lines += [f"{red}│{reset} {ln}" if ln else f"{red}│{reset}" for ln in body]
    lines.append(f"{red}╵{reset}")
    return "\n".join(lines) + "\n"


def reports(text: str) -> list[tuple]:
    return [(r.message, [(g.id, len(g.frames)) for g in r.goroutines], r.complete)
            for r in analyze(text).reports]


@pytest.mark.parametrize("colour", [True, False], ids=["terminal", "ci"])
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_panic_in_a_terraform_diagnostic_reads_as_the_panic(sample: Path, colour: bool):
    crash = sample.read_text()
    log = ("Terraform will perform the following actions:\n\n" + diagnostic(crash, colour=colour)
           + "Releasing state lock. This may take a few moments...\n")
    assert reports(log) == reports(crash)
    assert reports(crash)
