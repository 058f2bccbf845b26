"""`stackdemux threads --since/--until` on the registry sample: a window with its
ends the wrong way round is said, not shown as 0 threads; a bound given with
its zone (the API takes a datetime too) reads as the records' UTC times do."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from stackdemux.threads import ThreadsError, thread_log
from stackdemux.threads.cli import threads_command

LOG = Path(__file__).resolve().parent.parent / "samples" / "threads" / "registry.log"


def test_a_window_that_ends_before_it_starts_is_a_usage_error():
    result = CliRunner().invoke(threads_command, [str(LOG), "--since", "2026-11-25T19:22:50Z",
                                                  "--until", "2026-11-25T19:22:49Z"])
    assert result.exit_code == 2
    assert result.output == ("stackdemux: error: --since 2026-11-25T19:22:50Z is after --until "
                             "2026-11-25T19:22:49Z: no time is both\n")


def test_a_bad_bound_names_its_flag():
    with pytest.raises(ThreadsError, match=r"^--until 'yesterday': not a time"):
        thread_log(LOG, until="yesterday")


def test_a_bound_with_a_zone_reads_as_the_same_instant_in_utc():
    # (an aware datetime failed: "can't compare offset-naive and offset-aware datetimes")
    utc = thread_log(LOG, since="2026-11-25T19:22:49Z")
    plus_one = datetime(2026, 11, 25, 20, 22, 49, tzinfo=timezone(timedelta(hours=1)))
    aware = thread_log(LOG, since=plus_one)
    assert [t.id for t in aware.threads] == [t.id for t in utc.threads]
    assert 0 < len(utc.threads) < thread_log(LOG).total_threads
