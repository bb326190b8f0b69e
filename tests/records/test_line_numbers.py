"""Record findings in line-based files name the file line (1-based) of their row (0-based)."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guardrail.config import GuardrailConfig
from guardrail.engine import check
from guardrail.readers import line_numbers

LINK = "https://t.co/AbCdEf1234"


def _where(path: Path) -> list[tuple[int | None, int | None]]:
    report = check([str(path)], GuardrailConfig())
    return [(f.location.row, f.location.line) for t in report.targets for f in t.findings]


@pytest.mark.parametrize(
    ("name", "text", "row", "line"),
    [
        ("a.jsonl", '{"text": "a"}\n\n\n{"text": "b"}\n{"text": "' + LINK + '"}\n', 2, 5),
        ("a.txt", "a\n\nb " + LINK + "\n", 2, 3),
        ("a.csv", 'text,n\n"two\nlines",1\n\n"' + LINK + '",2\n', 1, 5),
        ("a.tsv", "text\tn\nplain\t1\n" + LINK + "\t2\n", 1, 3),
    ],
)
def test_the_finding_names_the_line_an_editor_shows(
    tmp_path: Path, name: str, text: str, row: int, line: int
) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert _where(path) == [(row, line)]
    assert text.splitlines()[line - 1].find(LINK) >= 0


def test_compressed_files_are_placed_too(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(gzip.compress(('{"text": "a"}\n' * 5 + '{"text": "' + LINK + '"}\n').encode()))
    assert _where(path) == [(5, 6)]


def test_parquet_rows_keep_their_row_and_no_line(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "a.parquet"
    pq.write_table(pa.table({"text": ["a", "b", LINK]}), path)
    assert _where(path) == [(2, None)]


def test_utf16_files_are_placed_on_their_decoded_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "a"}\n\n{"text": "' + LINK + '"}\n', encoding="utf-16")
    assert _where(path) == [(1, 3)]


def _reference(data: bytes, wanted: set[int]) -> dict[int, int]:
    """Line by line, as an editor and pyarrow see it: a row for every line that is not blank."""
    out, row = {}, 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.strip():
            if row in wanted:
                out[row] = number
            row += 1
    return out


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(
        st.sampled_from([b'{"a": 1}', b"", b"  ", b"\t\r", b' {"b": 2}', b"\x0c", b'{"c": "x y"}  ', b"\r"]),
        max_size=40,
    ),
    end=st.sampled_from([b"", b"\n"]),
    block=st.integers(1, 24),
    picks=st.sets(st.integers(0, 45), min_size=1, max_size=6),
    one_by_one=st.sampled_from([0, 10_000]),  # lines that open with whitespace: numpy or one by one
)
def test_rows_are_placed_on_the_lines_a_line_by_line_read_gives(
    lines: list[bytes], end: bytes, block: int, picks: set[int], one_by_one: int
) -> None:
    data = b"\n".join(lines) + end
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(line_numbers, "READ_BYTES", block)  # lines cut across blocks
        patch.setattr(line_numbers, "_FEW_ODD", one_by_one)
        got = line_numbers.row_lines(".jsonl", picks, lambda: io.BytesIO(data), len(data))
    assert got == _reference(data, picks)
