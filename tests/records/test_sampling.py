"""Above `full-scan-max-bytes` the scan samples: seeded, spread over every file, said in the report."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from guardrail.config import GuardrailConfig
from guardrail.readers.file_scan import DataFile, scan_files

SMALL = GuardrailConfig(full_scan_max_bytes=64 * 1024, sample_rows=2_000)


def _write_jsonl(path: Path, rows: int, post_every: int | None) -> None:
    with path.open("w") as f:
        for i in range(rows):
            text = f"row {i} of an ordinary file about gardening and tomatoes"
            if post_every and i % post_every == 0:
                text = f"@USER look https://t.co/AbCd{i:06d}"
            f.write(json.dumps({"text": text}) + "\n")


def _files(tmp_path: Path) -> list[DataFile]:
    _write_jsonl(tmp_path / "train.jsonl", 40_000, None)
    _write_jsonl(tmp_path / "test.jsonl", 20_000, 3)
    return [
        DataFile(tmp_path / "train.jsonl", "train.jsonl", "train"),
        DataFile(tmp_path / "test.jsonl", "test.jsonl", "test"),
    ]


def test_sample_mode_is_reported_and_reaches_every_split(tmp_path: Path) -> None:
    ev = scan_files(_files(tmp_path), SMALL, target="ds")
    assert ev.scan is not None and ev.scan.mode == "sample"
    assert 0 < ev.scan.rows_scanned < 60_000
    [f] = [f for f in ev.findings if f.rule_id == "GR402"]
    assert f.location.split == "test" and f.severity.value == "high"


def test_sample_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    files = _files(tmp_path)
    a = scan_files(files, SMALL, target="ds")
    b = scan_files(files, SMALL, target="ds")
    assert a.scan == b.scan
    assert [f.to_dict() for f in a.findings] == [f.to_dict() for f in b.findings]


def test_small_data_is_scanned_in_full(tmp_path: Path) -> None:
    files = _files(tmp_path)
    ev = scan_files(files, GuardrailConfig(), target="ds")
    assert ev.scan is not None and ev.scan.mode == "full" and ev.scan.rows_scanned == 60_000


def test_parquet_sample_keeps_exact_row_numbers(tmp_path: Path) -> None:
    texts = [f"plain row {i} " + "x" * 40 for i in range(50_000)]
    for i in range(0, 50_000, 7):
        texts[i] = f"RT @bob: row {i}"
    pq.write_table(pa.table({"text": texts}), tmp_path / "p.parquet", row_group_size=5_000)
    ev = scan_files([DataFile(tmp_path / "p.parquet", "p.parquet", "train")], SMALL, target="p")
    assert ev.scan is not None and ev.scan.mode == "sample"
    [f] = [f for f in ev.findings if f.rule_id == "GR408"]
    assert f.location.row is not None and texts[f.location.row].startswith("RT @bob:")


def test_sampled_csv_first_block_skips_the_header(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("text,id\nlook https://t.co/AbCdEf12,0\nplain,1\n", encoding="utf-8")
    ev = scan_files([DataFile(path, "a.csv")], GuardrailConfig(full_scan_max_bytes=10), target="a.csv")
    assert ev.scan is not None and ev.scan.mode == "sample" and ev.scan.rows_scanned == 2
    [f] = [f for f in ev.findings if f.rule_id == "GR402"]
    assert f.location.row == 0


def test_sampled_compressed_csv_reads_its_header_first(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "a.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("text,id\n" + "".join(f"see https://t.co/Ab{i:06d},{i}\n" for i in range(50_000)))
    config = GuardrailConfig(full_scan_max_bytes=10, sample_rows=1_000, seed=3)
    ev = scan_files([DataFile(path, "a.csv.gz")], config, target="a.csv.gz")
    assert ev.scan is not None and ev.scan.mode == "sample"
    [f] = [f for f in ev.findings if f.rule_id == "GR402"]
    # Had a sampled data line been taken for the header, the column would be named after it.
    assert f.location.column == "text"
