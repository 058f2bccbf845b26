"""How a caller may get `analyze` and `analyze_many` wrong, and what they are told:
one log where a list of logs is read, or the reverse, said as such rather than
read as something else."""

from __future__ import annotations

import pytest
from conftest import sample_path

import stackdemux

NIL_MAP = sample_path("nil_map")


@pytest.mark.parametrize("one", [str(NIL_MAP), NIL_MAP, NIL_MAP.read_bytes(),
                                 NIL_MAP.read_text()])
def test_one_log_given_to_analyze_many_is_said_to_be_one(one: object):
    # (a path was read as the sequence of its characters: "s: no such file")
    with pytest.raises(TypeError) as e:
        stackdemux.analyze_many(one)  # type: ignore[arg-type]
    assert str(e.value) == (f"analyze_many reads a list of logs, not one {type(one).__name__}: "
                            "analyze_many([log, ...]), or analyze(log)")


def test_a_list_given_to_analyze_is_pointed_to_analyze_many():
    with pytest.raises(stackdemux.InputError) as e:
        stackdemux.analyze([str(NIL_MAP)])  # type: ignore[arg-type]
    assert str(e.value).endswith("or an open file (several logs: analyze_many)")


def test_analyze_many_reads_any_iterable_of_logs():
    alone = stackdemux.analyze(NIL_MAP)
    many = stackdemux.analyze_many(iter([NIL_MAP, str(NIL_MAP)]))
    assert many.sources == [str(NIL_MAP)] * 2
    assert [g.fingerprint for g in many.groups] == [g.fingerprint for g in alone.groups]
    assert many.groups[0].count == 2
