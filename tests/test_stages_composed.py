"""The stages composed by hand, as the package docstring offers them (ingest,
demultiplex, parse, analyse), give what stackdemux.analyze gives."""

from __future__ import annotations

import pytest
from conftest import SAMPLES

import stackdemux
from stackdemux.analyse import analyse
from stackdemux.demux import demultiplex
from stackdemux.ingest import ingest
from stackdemux.model import Analysis
from stackdemux.parse import parse_stream, report_ids
from stackdemux.render import RENDERERS, render

COMPOSE = SAMPLES / "interleaved" / "compose-bbolt.log"


def _groups(groups) -> list[tuple]:
    return [(g.title, g.count, g.fingerprint, g.culprit.func if g.culprit else None)
            for g in groups]


def test_streams_parsed_with_one_id_sequence_analyse_as_the_whole_pipeline_does():
    streams, _noise = demultiplex(ingest(COMPOSE.read_bytes(), COMPOSE.name))
    ids = report_ids()
    reports = [r for s in streams for r in parse_stream(s, ids).reports]
    groups, buckets = analyse(reports)
    whole = stackdemux.analyze(COMPOSE)
    assert _groups(groups) == _groups(whole.groups)
    assert sorted(buckets) == sorted(r.id for r in whole.reports)


def test_streams_parsed_each_with_its_own_ids_are_refused_in_words():
    # each parse_stream numbers its reports from r1: three streams, three r1s
    streams, _noise = demultiplex(ingest(COMPOSE.read_bytes(), COMPOSE.name))
    reports = [r for s in streams for r in parse_stream(s).reports]
    with pytest.raises(ValueError, match=r"two reports have the id 'r1'.*report_ids"):
        analyse(reports)


def test_an_analysis_composed_by_hand_renders_as_the_pipelines_does():
    streams, noise = demultiplex(ingest(COMPOSE.read_bytes(), COMPOSE.name))
    ids = report_ids()
    reports = [r for s in streams for r in parse_stream(s, ids).reports]
    groups, _buckets = analyse(reports)
    composed = Analysis(reports=reports, groups=groups, streams=streams, noise=noise)
    whole = stackdemux.analyze(COMPOSE)
    for fmt in ("text", "markdown"):
        assert render(composed, fmt) == render(whole, fmt), fmt
    # (html, json, github, junit and sarif name the input, or a fresh token;
    # codequality points at the report in the input where no frame is in the checkout)
    for fmt in RENDERERS:
        assert render(composed, fmt)
