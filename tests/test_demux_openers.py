"""Every line that opens a report counts as one when deciding whether a log
holds more than one process (demux/__init__.py's bulk anchors, derived from
traceback.lark).

`http: panic serving …` (net/http logs a recovered panic, one goroutine's
stack after it, the server living on) was not among them: a server's recovered
panic and another process's crash, interleaved, read as one process.
"""

from __future__ import annotations

import random

import pytest
from conftest import SAMPLES, sample_path

from stackdemux.api import analyze
from stackdemux.demux import needs_separation
from stackdemux.parse import parse_text


def deal(names: tuple[str, ...], seed: int, burst: int) -> str:
    """Real Go 1.27 samples, their lines dealt in runs of 1..burst, each
    process's order kept."""
    queues = [sample_path(name, "1.27").read_text().splitlines() for name in names]
    rng = random.Random(seed)
    out: list[str] = []
    while any(queues):
        q = rng.choice([q for q in queues if q])
        n = rng.randint(1, burst)
        out.extend(q[:n])
        del q[:n]
    return "\n".join(out) + "\n"


def merged(seed: int, burst: int) -> str:
    """A crash and a server's recovered panic, dealt."""
    return deal(("nil_pointer", "http_panic"), seed, burst)


def test_an_http_panic_line_is_an_opener_among_others():
    text = merged(0, 6)
    assert needs_separation(text.splitlines(), text)


@pytest.mark.parametrize("burst", [1, 6])
def test_a_servers_recovered_panic_and_a_crash_come_apart(burst):
    right = 0
    for seed in range(10):
        reports = analyze(merged(seed, burst).encode()).reports
        right += sorted((r.message, len(r.goroutines)) for r in reports) == [
            ("boom (request 500, /crash)", 1),
            ("runtime error: invalid memory address or nil pointer dereference", 1)]
    assert right >= 9  # (measured: 10/10 at both; 0/10 and 5/10 before)


def test_a_servers_recovered_panic_holds_one_goroutine():
    # net/http logs it with runtime.Stack(buf, false): the serving goroutine's
    # stack alone. With a crash and a deadlock dump (real Go 1.27 samples) dealt
    # in runs of up to 6 lines, or line by line:
    names = ("nil_pointer", "http_panic", "deadlock")
    want = sorted((r.message, len(r.goroutines)) for name in names
                  for r in parse_text(sample_path(name, "1.27").read_bytes()).reports)
    for burst in (1, 6):
        right = 0
        for seed in range(20):
            got = analyze(deal(names, seed, burst).encode()).reports
            right += sorted((r.message, len(r.goroutines)) for r in got) == want
        assert right >= 12, burst  # (measured 13/20 and 14/20; 7/20 and 6/20 before)


def test_a_log_packages_time_stamp_alone_opens_no_report():
    # log.Panicf logs its message (`2022/12/17 15:45:48 Page expected…`) and then
    # panics with it: one process. The stamp may lead `http: panic serving`, and
    # was read as an opener of its own (its alternatives ungrouped), so two log
    # lines before any crash asked for separation.
    paste = SAMPLES / "wild" / "bbolt358_log_panicf_arm64.txt"
    lines = paste.read_text().splitlines()
    assert lines[1].startswith("2022/12/17 15:45:48 ") and lines[2].startswith("panic: ")
    assert not needs_separation(lines)
    assert not needs_separation([lines[1], *lines])  # (the log line twice)
    served = sample_path("http_panic", "1.27").read_text().splitlines()
    assert served[0].startswith("2026/11/25 19:31:05 http: panic serving ")
    assert needs_separation([*served, *lines[2:]])  # (a stamped opener stays one)
