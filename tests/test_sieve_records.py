"""Where an AWS Lambda error JSON may open in a big log's block (sieve_records.py): found
by memchr of `{`, or by the key's own search where `{` is common; the same lines either
way. Real pastes (samples/wild/, sources in its index.json) and real build output."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackdemux.lambda_error import opens_record
from stackdemux.sieve_records import RecordOpenings

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT / "samples/wild"
PRETTY = (WILD / "cfngo17_lambda_error_json_stacktrace.txt").read_bytes()
ONE_LINE = (WILD / "ddlambda165_lambda_error_json_one_line.txt").read_bytes()
# a log of JSON records: `{` on every line (ftl1587's, a real service's log)
RECORDS = b"".join(line + b"\n" for line in (WILD / "ftl1587_json_logs_http2_panic_serving_hermit"
                                                     ".txt").read_bytes().splitlines()
                   if line.startswith(b"{"))
NOISE = b"".join(p.read_bytes() for p in sorted((ROOT / "tests/corpus/noise").glob("*.log"))
                 if p.name != "decoys.log")


def _lines(block: bytes, finder: RecordOpenings | None = None) -> list[bytes]:
    """The lines found that open an error JSON, as the sieve confirms them."""
    finder = finder or RecordOpenings()
    found = [block[a:b if b >= 0 else len(block)] for a, b, _ in finder.lines(block)]
    return [line for line in found if opens_record(line.decode())]


def _key_lines(block: bytes) -> list[bytes]:
    return [line for line in block.split(b"\n") if b'"errorMessage"' in line]


@pytest.mark.parametrize("paste", [PRETTY, ONE_LINE], ids=["pretty", "one-line"])
def test_the_line_holding_the_key_is_found_among_build_output(paste: bytes) -> None:
    block = NOISE * 20 + paste + NOISE * 20
    finder = RecordOpenings()
    assert _lines(block, finder) == _key_lines(block)
    assert finder.plain_blocks == 0, "`{` is rare in build output: memchr of it"


def test_a_crlf_log_and_blanks_after_the_brace_are_read_alike() -> None:
    crlf = (NOISE * 4 + PRETTY).replace(b"\n", b"\r\n").replace(b"{\r\n", b"{  \r\n")
    assert [line.rstrip(b"\r") for line in _lines(crlf)] == _key_lines(crlf.replace(b"\r", b""))


def test_a_brace_ending_the_block_is_given_unconfirmed() -> None:
    head = PRETTY[:PRETTY.index(b"{\n") + 2]  # the block ends after the `{` line
    *_, (start, end, confirm) = RecordOpenings().lines(NOISE * 20 + head)
    assert not confirm and (NOISE * 20 + head)[start:end] == b"{"


def test_where_braces_are_common_the_key_is_searched_and_the_same_lines_found() -> None:
    block = RECORDS * 2000 + ONE_LINE + RECORDS * 2000 + PRETTY + RECORDS * 2000
    finder = RecordOpenings()
    assert _lines(block, finder) == _key_lines(block)
    assert finder.plain_blocks == 1, "past the cost of the plain search: the key's search"
    # the next blocks too, without trying `{` first
    assert _lines(RECORDS * 100 + ONE_LINE, finder) == _key_lines(ONE_LINE)
    assert finder.plain_blocks == 2


def test_a_block_of_braces_costs_no_more_than_the_plain_search() -> None:
    # every byte a `{` none of which opens a record: counted, the key's own search takes
    # over within the budget (a hit in Python is worth _HIT bytes of the plain search)
    from stackdemux import sieve_records

    braces = (b"{x" * 100 + b"\n") * 5000 + ONE_LINE  # (each `{` two bytes)
    finder = RecordOpenings()
    steps = [0]
    real = sieve_records.RecordOpenings._plain

    def counted(self, block: bytes, pos: int):
        steps[0] = pos
        return real(self, block, pos)

    finder._plain = counted.__get__(finder)
    assert _lines(braces, finder) == _key_lines(ONE_LINE)
    assert finder.plain_blocks == 1
    # the switch came after len(block) // _HIT hits, on their line
    assert steps[0] <= 2 * (len(braces) // sieve_records._HIT) + 202
