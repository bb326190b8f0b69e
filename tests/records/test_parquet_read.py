"""Parquet is read by row group and only in the columns that can hold text; findings stay the same."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from guardrail.config import GuardrailConfig
from guardrail.readers import file_bounds as bounds
from guardrail.readers import parquet
from guardrail.readers.file_scan import DataFile, scan_files
from guardrail.readers.format_readers import parquet_batches
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


LINK = "https://x.com/someone/status/1234567890123456789"


def _bomb(path: Path, rows: int, size: int, *, nested: bool = False) -> None:
    """One long value repeated: a few KB of dictionary-encoded file that decodes to rows x size."""
    values = ["x" * size] * rows + [LINK]
    column = pa.array([[v] for v in values]) if nested else pa.array(values)
    pq.write_table(pa.table({"text": column}), path, compression="zstd")


@pytest.mark.parametrize("nested", [False, True])
def test_dictionary_bomb_is_refused_before_it_is_decoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nested: bool
) -> None:
    monkeypatch.setattr(bounds, "MAX_PARQUET_CHUNK_BYTES", 8 << 20)
    path = tmp_path / "bomb.parquet"
    _bomb(path, 200, 100_000, nested=nested)  # 20 MB decoded
    assert path.stat().st_size < 10_000
    md = pq.ParquetFile(path).metadata
    assert md.row_group(0).column(0).total_uncompressed_size < 8 << 20  # the metadata check lets it by
    got = scan_files([DataFile(path, "bomb.parquet")], GuardrailConfig(), target="t")
    assert [p.code for p in got.problems] == ["decompression-limit"]
    assert ("column text[]" if nested else "column text ") in got.problems[0].message
    sampled = parquet_batches(str(path), sample_rows=50, seed=0, columns=["text"])
    with pytest.raises(bounds.LimitExceeded) as refused:
        next(iter(sampled))
    assert refused.value.code == "decompression-limit"


def test_amplified_row_group_is_scanned_a_slice_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parquet, "DECODE_AHEAD_BYTES", 4 << 20)
    monkeypatch.setattr(parquet, "SLICE_BYTES", 1 << 20)
    path = tmp_path / "bomb.parquet"
    _bomb(path, 300, 100_000)  # 30 MB decoded, under the cap: scanned, never all at once
    before = pa.total_allocated_bytes()
    peak, rows = 0, 0
    for batch in row_group_batches(str(path), ["text"], ahead=1):
        assert batch.nbytes < 2 << 20 and batch.schema.field("text").type == pa.string()
        peak = max(peak, pa.total_allocated_bytes() - before)
        rows += batch.num_rows
        del batch
    assert rows == 301 and peak < 6 << 20
    got = scan_files([DataFile(path, "bomb.parquet")], GuardrailConfig(), target="t")
    assert not got.problems
    assert [(f.rule_id, f.location.row) for f in got.findings] == [("GR401", 300)]


def test_dictionary_encoded_columns_read_as_a_plain_read_gives_them(tmp_path: Path) -> None:
    n = 4000
    table = pa.table(
        {
            "lang": [["en", "fr", None][i % 3] for i in range(n)],
            "text": [LINK if i == 2345 else f"post {i % 50}" for i in range(n)],
            "urls": [[LINK] if i == 17 else ["https://example.com/a", "b"] for i in range(n)],
            "user": [{"name": f"u{i % 7}", "tags": ["a", None]} for i in range(n)],
            "kv": pa.array(
                [[("k", "v" if i % 2 else None)] for i in range(n)], pa.map_(pa.string(), pa.string())
            ),
            "big": pa.array([f"long {i % 3}" for i in range(n)], pa.large_string()),
            "cat": pa.array([f"c{i % 4}" for i in range(n)]).dictionary_encode(),  # an Arrow dictionary
        }
    )
    path = tmp_path / "d.parquet"
    pq.write_table(table, path, row_group_size=1000)
    assert "RLE_DICTIONARY" in pq.ParquetFile(path).metadata.row_group(0).column(1).encodings
    plain = pq.ParquetFile(path)
    expected = [b for g in range(plain.num_row_groups) for b in plain.read_row_group(g).to_batches()]
    got = list(row_group_batches(str(path), table.schema.names, ahead=2))
    assert len(got) == len(expected)
    for a, b in zip(got, expected, strict=True):
        assert a.equals(b) and a.schema == b.schema
        # Flat text is laid out as a plain read lays it out (the scan counts its bytes).
        assert [a[c].nbytes for c in ("lang", "text", "big")] == [
            b[c].nbytes for c in ("lang", "text", "big")
        ]
    full = RecordScanner()
    offset = 0
    for batch in expected:
        full.scan_batch(batch, row_offset=offset, path="d.parquet")
        offset += batch.num_rows
    scanned = scan_files([DataFile(path, "d.parquet")], GuardrailConfig(), target="t")
    assert _findings(scanned) == _findings(full.evidence("t"))
    assert ("GR401", 17) in {(f.rule_id, f.location.row) for f in scanned.findings}  # the first of two


def test_a_fixed_size_binary_dictionary_bomb_is_refused_by_its_width(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Fixed-length values are not read as dictionaries, but decode to rows x width exactly.
    monkeypatch.setattr(bounds, "MAX_PARQUET_CHUNK_BYTES", 8 << 20)
    width, rows = 64 * 1024, 200  # 12.5 MiB decoded, a few KB on disk
    column = pa.DictionaryArray.from_arrays(
        pa.array([0] * rows, pa.int32()), pa.array([b"a" * width], pa.binary(width))
    )
    path = tmp_path / "flba.parquet"
    pq.write_table(pa.table({"f": column}), path, dictionary_pagesize_limit=4 * width)
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).total_uncompressed_size < 8 << 20
    got = scan_files([DataFile(path, "flba.parquet")], GuardrailConfig(), target="t")
    assert [p.code for p in got.problems] == ["decompression-limit"]
    assert "column f decodes to 12 MiB" in got.problems[0].message
