"""Parquet is read by row group and only in the columns that can hold text; findings stay the same."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from guardrail.config import GuardrailConfig
from guardrail.readers.file_scan import DataFile, scan_files
from guardrail.readers.parquet import projection, row_group_batches
from guardrail.scan.scanner import RecordScanner


def _table(n: int = 3000) -> pa.Table:
    text = [f"row {i} about the weather" for i in range(n)]
    text[1234] = "RT @bob: look https://x.com/bob/status/123456789"
    return pa.table(
        {
            "text": text,
            "retweeted": [i % 2 == 0 for i in range(n)],  # a tweet field name on a bool column
            "favorite_count": pa.array(range(n), pa.int32()),
            "score": [i / 7 for i in range(n)],
            "empty": pa.array([None] * n, pa.float64()),  # null everywhere: a finding
            "when": [dt.datetime(2020, 1, 1)] * n,
            "id": pa.array([1227261586521382913 + i for i in range(n)], pa.int64()),
            "blob": [b"hxxp://twitter.com/a/status/1" if i == 7 else b"\x00" for i in range(n)],
            "meta": [{"lang": "en", "n": i} for i in range(n)],
        }
    )


def _findings(ev: object) -> list[tuple[object, ...]]:
    return sorted(
        (f.rule_id, f.severity.value, f.location.row, f.location.column, f.evidence, f.matched, f.scanned)
        for f in ev.findings  # type: ignore[attr-defined]
    )


def test_only_text_capable_columns_are_read(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(_table(), path, row_group_size=500)
    columns, unread = projection(pq.ParquetFile(path))
    assert columns == ["text", "id", "blob", "meta"]
    assert unread == {"retweeted": True, "favorite_count": True, "score": True, "empty": False, "when": True}


def test_projected_scan_reports_what_a_full_read_reports(tmp_path: Path) -> None:
    table = _table()
    path = tmp_path / "t.parquet"
    pq.write_table(table, path, row_group_size=500)
    full = RecordScanner()
    offset = 0
    for batch in pq.read_table(path).to_batches(max_chunksize=500):
        full.scan_batch(batch, row_offset=offset, path="t.parquet")
        offset += batch.num_rows
    expected = full.evidence("t")
    got = scan_files([DataFile(path, "t.parquet")], GuardrailConfig(), target="t")
    assert _findings(got) == _findings(expected)
    assert got.scan is not None and got.scan.rows_scanned == table.num_rows
    rules = {f.rule_id for f in got.findings}
    assert {"GR401", "GR405", "GR424", "GR423"} <= rules  # status link, tweet fields, null column, binary


def test_row_groups_come_back_in_file_order(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"i": pa.array(range(10_000), pa.int64())}), path, row_group_size=300)
    got = [b.column(0).to_pylist() for b in row_group_batches(str(path), ["i"], ahead=3)]
    assert [v for chunk in got for v in chunk] == list(range(10_000))
