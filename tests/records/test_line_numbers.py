"""Record findings in line-based files name the file line (1-based) of their row (0-based)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from guardrail.config import GuardrailConfig
from guardrail.engine import check

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
