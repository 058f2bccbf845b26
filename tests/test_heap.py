"""A big log's read gives the heap's free pages back before the demux grows (heap.py)."""

from __future__ import annotations

import sys

import pytest
from conftest import sample_path

from stackdemux import heap


def test_a_read_of_a_few_mb_leaves_the_heap_alone_a_big_one_trims_it(monkeypatch):
    calls: list[int] = []
    monkeypatch.setattr(heap, "_malloc_trim", lambda: calls.append)
    heap.give_back(heap.GIVE_BACK_MIN - 1)
    assert calls == []
    heap.give_back(heap.GIVE_BACK_MIN)
    assert calls == [0]


def test_without_glibc_nothing_is_done(monkeypatch):
    monkeypatch.setattr(heap, "_malloc_trim", lambda: None)
    heap.give_back(1 << 30)  # (no error)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_glibc_s_malloc_trim_is_found_here():
    heap._malloc_trim.cache_clear()
    assert heap._malloc_trim() is not None


def test_a_sieved_log_is_read_then_the_heap_given_back(monkeypatch, tmp_path):
    """The sieve's path (read_source of a log of SIEVE_MIN bytes or more) trims once
    its windows are decoded, with the bytes the log held."""
    from stackdemux.sieve import read_source

    given: list[int] = []
    monkeypatch.setattr(heap, "give_back", given.append)
    dump = sample_path("nil_pointer").read_bytes()
    log = tmp_path / "big.log"
    log.write_bytes(b"building step\n" * 4000 + dump)
    source = read_source(str(log), "big.log", minimum=1 << 14)
    assert hasattr(source, "capture") and given == [log.stat().st_size]
