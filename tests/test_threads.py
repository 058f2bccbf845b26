"""`stackdemux threads` on the registry sample: the PATCH that lost the race with the
asynchronous multipart upload, found, explained and linked to the POST that created it."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from stackdemux.threads import ThreadsError, iter_threads, thread_log
from stackdemux.threads.cli import threads_command
from stackdemux.threads.render import render_json, render_markdown, render_text

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "threads"
LOG = SAMPLES / "registry.log"
LINES = LOG.read_text().splitlines()


@pytest.fixture(scope="module")
def errors():
    return thread_log(LOG, link="vars.uuid", errors_only=True)


@pytest.fixture(scope="module")
def everything():
    return thread_log(LOG)


def _failed_patches(result):
    return [t for t in result.threads if t.method == "PATCH" and t.status == 500]


def test_key_detection_picks_the_request_id_not_the_per_call_trace_id(everything) -> None:
    assert everything.key == "http.request.id" and everything.key_detected
    assert everything.key_candidates["trace.id"] == 0  # each trace.id is on one record only


def test_errors_finds_every_500_the_log_holds(errors) -> None:
    in_log = {re.search(r"http\.request\.id=(\S+)", ln).group(1)
              for ln in LINES if "http.response.status=500" in ln}
    assert {t.id for t in _failed_patches(errors)} == in_log
    assert in_log, "the sample reproduces the race"
    assert all(t.failed for t in errors.threads)


def test_the_500_thread_in_order_with_offsets(errors) -> None:
    for t in _failed_patches(errors):
        msgs = [r.msg for r in t.records]
        assert msgs[:3] == ["authorizing request", "authorized request",
                            "(*linkedBlobStore).Resume"]
        assert msgs[3].startswith("s3aws.GetContent(") and msgs[3].endswith('/startedat")')
        assert msgs[4].startswith("s3aws.Writer(") and msgs[4].endswith('/data", true)')
        assert msgs[5] == "response completed with error"
        lines = [r.line for r in t.records]
        assert lines == sorted(lines)
        offsets = [r.offset for r in t.records]
        assert offsets[0] == 0 and offsets == sorted(offsets)
        assert offsets[-1] == pytest.approx(t.duration)
        # Every record really is on its input line.
        assert all(t.id in LINES[r.line - 1] for r in t.records)


def test_the_slowest_step_is_the_writer_and_the_error_is_path_not_found(errors) -> None:
    for t in _failed_patches(errors):
        assert t.slowest is not None
        assert t.slowest.fields["trace.func"].endswith("(*Base).Writer")
        assert t.slowest_duration > 0.1  # the Writer waited for the upload to appear
        uuid = t.links[0]
        assert t.error == ("response completed with error: s3aws: Path not found: "
                           f"/docker/registry/v2/repositories/{t.records[0].fields['vars.name']}"
                           f"/_uploads/{uuid}/data")
        assert t.error_line == t.records[-1].line


def test_link_joins_the_patch_with_the_post_that_created_the_upload(errors) -> None:
    failed = {t.id for t in _failed_patches(errors)}
    stories = [s for s in errors.stories if failed & {t.id for t in s.threads}]
    assert len(stories) == len(failed)
    for s in stories:
        post, patch = s.threads[0], s.threads[-1]
        assert (post.method, post.status) == ("POST", 202)
        assert post.uri.endswith("/blobs/uploads/")
        assert patch.id in failed
        assert s.values == [patch.links[0]] == post.links
        gap = s.gaps[-1]
        assert gap.start_to_start == pytest.approx((patch.first - post.first).total_seconds())
        assert 0 < gap.start_to_start < patch.duration  # the PATCH came at once


def test_the_panic_goes_to_the_request_from_the_remote_address_it_names(errors) -> None:
    panicked = [t for t in errors.threads if t.panics]
    assert len(panicked) == 1
    t = panicked[0]
    p = t.panics[0]
    assert p.http_remote == t.remote
    assert "slice bounds out of range" in p.message
    assert t.method == "PUT" and t.uri.endswith("/manifests/v1.2") and t.status is None
    assert any(f.func == "main.(*App).putManifest" for f in p.crashing.frames)
    assert not errors.panics


def test_noise_keeps_unkeyed_lines_with_their_numbers(everything) -> None:
    noise_lines = [n for a, b in everything.noise for n in range(a, b + 1)]
    assert noise_lines and everything.noise_lines == len(noise_lines)
    for n in noise_lines:
        assert "http.request.id=" not in LINES[n - 1]
    # Every line is in exactly one place: a thread, a panic, or the noise.
    placed = {r.line for t in everything.threads for r in t.records}
    placed |= {n for t in everything.threads for p in t.panics for a, b in p.lines
               for n in range(a, b + 1)}
    assert placed.isdisjoint(noise_lines)
    assert placed | set(noise_lines) == set(range(1, len(LINES) + 1))


def test_grep_and_time_window(everything) -> None:
    patch = _failed_patches(thread_log(LOG, errors_only=True))[0]
    uuid = patch.links[0] if patch.links else patch.uri.split("/")[-1].split("?")[0]
    by_grep = thread_log(LOG, grep=re.escape(uuid))
    assert patch.id in {t.id for t in by_grep.threads}
    assert all(any(uuid in LINES[r.line - 1] for r in t.records) for t in by_grep.threads)
    window = thread_log(LOG, since=patch.first.isoformat() + "Z",
                        until=patch.first.isoformat() + "Z")
    assert patch.id in {t.id for t in window.threads}
    assert all(t.first <= patch.first <= t.last for t in window.threads)
    assert len(window.threads) < len(everything.threads)


def test_summary_mode_agrees_without_keeping_records() -> None:
    full = thread_log(LOG, errors_only=True)
    header, stream = iter_threads(LOG, errors_only=True)
    summaries = list(stream)
    assert [(t.id, t.status, t.slowest_duration, t.error) for t in summaries] == \
        [(t.id, t.status, t.slowest_duration, t.error) for t in full.threads]
    assert all(not t.records for t in summaries)
    assert header.key == "http.request.id" and header.total_lines == len(LINES)


def test_json_output(errors) -> None:
    doc = orjson.loads(render_json(errors))
    assert doc["key"] == "http.request.id"
    failed = [t for t in doc["threads"] if t["status"] == 500]
    assert {t["id"] for t in failed} == {t.id for t in _failed_patches(errors)}
    t = failed[0]
    assert next(r["offset"] for r in t["records"]) == 0
    assert t["slowest"]["msg"].startswith("s3aws.Writer(")
    assert any(t["id"] in s["threads"] for s in doc["stories"])


def test_markdown_and_text_outputs(errors) -> None:
    md = render_markdown(errors)
    text = render_text(errors)
    for t in _failed_patches(errors):
        assert t.id in text and t.id in md
    assert "slowest: s3aws.Writer(" in text
    assert "Path not found" in md and md.count("```") % 2 == 0


def test_cli(errors) -> None:
    out = CliRunner().invoke(threads_command, [str(LOG), "--errors", "--link", "vars.uuid"])
    assert out.exit_code == 0 and out.output == render_text(errors)
    bad = CliRunner().invoke(threads_command, [str(LOG), "--since", "yesterday"])
    # a bad option is a usage error: exit 2, as for the report command (1 means crashes found)
    assert bad.exit_code == 2 and "not a time" in bad.output and "Traceback" not in bad.output


def test_slog_json_threads_by_request_id() -> None:
    r = thread_log(SAMPLES / "formats.json.log", errors_only=True)
    assert r.key == "request_id"
    [t] = r.threads
    assert (t.id, t.method, t.status) == ("b2", "PATCH", 500)
    assert t.slowest_duration == pytest.approx(2.251)
    assert t.error == 'request failed: s3aws: Path not found: "/_uploads/7d1f/data"'


def test_escape_sequences_in_the_log_do_not_reach_the_terminal() -> None:
    evil = ('time="2026-03-09T06:02:11Z" level=error msg="\\x1b]0;pwned\\a\\x1b[2J" '
            'request_id=x status=500\ntime="2026-03-09T06:02:12Z" level=info msg=done request_id=x')
    text = render_text(thread_log(evil))
    assert "\x1b" not in text and "\a" not in text


def test_counts_are_said_in_the_singular_and_a_final_newline_opens_no_line() -> None:
    one = 'time="2026-03-09T06:02:11Z" level=error msg=failed request_id=x status=500\n'
    header = render_text(thread_log(one)).splitlines()
    assert header[0] == "<input>: 1 line, 1 record (logfmt 1)"
    assert header[2] == "noise: 1 line (1)"
    assert "among 1 record (" in header[3]
    two = one + one.replace("06:02:11", "06:02:12").replace("=500", "=200")
    assert "; 1 thread, 1 shown" in render_text(thread_log(two)).splitlines()[1]


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(ThreadsError, match="no such file"):
        thread_log(SAMPLES / "missing.log")
    with pytest.raises(ThreadsError, match="not a valid regular expression"):
        thread_log(LOG, grep="(")


ODD = ["", "goroutine 1 [running]:", "panic: x", "{", "{}", "a=", "I0101 00:00:00.000000 1 f:1]"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([*LINES[:60], *ODD]) | st.text(max_size=60), max_size=40))
def test_random_lines_never_raise(lines: list[str]) -> None:
    r = thread_log("\n".join(lines) + "\n", link="vars.uuid")
    render_text(r), render_json(r), render_markdown(r)


def test_summary_diagnostics_are_cleaned_as_every_report_is() -> None:
    # a key that carries a terminal's OSC 8 link and the Actions runner's
    # `##[command]`: --summary says it on stderr, inert for both
    key = "id\x1b]8;;http://evil.example\x07##[set-output name=x]"
    out = CliRunner().invoke(threads_command, [str(LOG), "--summary", "--key", key])
    assert out.exit_code == 0
    said = out.stderr
    assert "no record carries the key" in said
    assert "\x1b" not in said and "\x07" not in said and "##[" not in said
