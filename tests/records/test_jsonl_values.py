"""JSON lines holding bare values (numbers, strings, lists) read as the line-by-line parse reads them."""

from __future__ import annotations

import subprocess
import sys
import time

import pyarrow as pa
import pytest

from guardrail.config import GuardrailConfig
from guardrail.readers import format_readers as readers
from guardrail.readers.textchunks import Chunk
from guardrail.scan.scanner import RecordScanner

CASES = {
    "numbers": b"1\n2\n3\n",
    "strings": b'"see https://t.co/AbCdEf1234"\n"plain"\n',
    "no final line end": b"1\n2",
    "lists": b"[1, 2]\n[3]\n",
    "mixed with objects and blanks": b'{"text": "a"}\n"x"\n\n"b"\n{"text": "c", "n": 1}\n',
    "bom": "\ufeff5\n6\n".encode(),
    "crlf": b"1\r\n2\r\n",
}


def _rows(chunk: Chunk, monkeypatch: pytest.MonkeyPatch | None = None) -> list[object]:
    rep = readers.Reporter(RecordScanner(GuardrailConfig()), "a.jsonl", sampled=False)
    batches, raw = readers._jsonl_slow(chunk, rep)
    assert raw == []
    return pa.Table.from_batches(batches).to_pylist() if batches else []


@pytest.mark.parametrize("data", CASES.values(), ids=CASES.keys())
def test_wrapped_values_parse_as_the_line_by_line_path(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    chunk = Chunk(data, 1)
    assert readers._jsonl_wrapped(chunk) is not None  # the fast path is taken
    fast = _rows(chunk)
    monkeypatch.setattr(readers, "_jsonl_wrapped", lambda chunk: None)
    slow = _rows(chunk)
    # Same rows, same values; a key absent from a row reads as None on both paths.
    assert fast == slow
    assert len(fast) == sum(1 for line in data.decode("utf-8-sig").splitlines() if line.strip())


def test_values_of_mixed_types_fall_back_to_the_same_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    chunk = Chunk(b'7\n"b"\n{"text": "c"}\n', 1)
    assert readers._jsonl_wrapped(chunk) is None  # pyarrow will not mix int and string
    rows = _rows(chunk)
    assert [r["text"] for r in rows] == [None, None, "c"] and len(rows) == 3


def test_a_bad_line_still_falls_back_to_line_by_line(monkeypatch: pytest.MonkeyPatch) -> None:
    chunk = Chunk(b"1\nnot json\n2\n", 1)
    assert readers._jsonl_wrapped(chunk) is None
    rep = readers.Reporter(RecordScanner(GuardrailConfig()), "a.jsonl", sampled=False)
    batches, raw = readers._jsonl_slow(chunk, rep)
    assert raw == ["not json"] and rep.malformed == 1
    assert pa.Table.from_batches(batches).to_pylist() == [{"value": 1}, {"value": 2}]


def test_millions_of_bare_values_parse_in_one_pass() -> None:
    # 1M lines: the line-by-line path took several seconds here; the wrapped parse well under one.
    chunk = Chunk(b"1\n" * 1_000_000, 1)
    start = time.perf_counter()
    batches = readers._jsonl_wrapped(chunk)
    assert batches is not None and sum(b.num_rows for b in batches) == 1_000_000
    assert time.perf_counter() - start < 30  # a bound against a hang, not a speed target


def test_a_field_that_turns_from_string_to_object_is_an_error_not_a_crash() -> None:
    # pyarrow 26 parsing these lines in blocks of 1 MB dies of a segmentation fault; guardrail
    # parses a chunk as one block, where they are an ArrowInvalid (then read line by line).
    code = (
        "import sys; from guardrail.readers.format_readers import _json_lines, PARSE_BLOCK_BYTES\n"
        "filler = b''.join(b'{\"t\": \"%d filler text\"}\\n' % i for i in range(100_000))\n"
        'data = filler + b\'{"a": "x"}\\n\' + filler + b\'{"a": {"b": 1}}\\n\'\n'
        "assert len(data) > 2 * PARSE_BLOCK_BYTES\n"
        "import pyarrow as pa\n"
        "try:\n    _json_lines(data)\nexcept pa.ArrowInvalid:\n    print('refused')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-500:]
    assert out.stdout.strip() == "refused"
