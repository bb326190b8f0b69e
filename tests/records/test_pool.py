"""A scan spread over worker processes gives the report a serial scan gives."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from guardrail.config import GuardrailConfig
from guardrail.findings import Evidence
from guardrail.readers import file_scan, pool
from guardrail.readers.file_scan import DataFile, scan_files

FILLER = [f"an ordinary line {i} about the markets and the weather" for i in range(4000)]


def _files(tmp: Path) -> list[DataFile]:
    rows = [{"text": t, "n": i} for i, t in enumerate(FILLER)]
    rows[2500]["text"] = "so true https://t.co/AbCdEf1234"  # in a later range: its row must shift
    rows[3900]["text"] = "RT @bob: x.com/bob/status/1234567"
    lines = [json.dumps(r) for r in rows]
    lines[1200] = '{"text": "cut sho'  # malformed, in a later range than the first
    lines[3000] = '{"text": "also bad'
    (tmp / "a.jsonl").write_text("\n".join(lines) + "\n")
    texts = list(FILLER)
    texts[1777] = "see https://twitter.com/jd/status/99999999"
    pq.write_table(
        pa.table({"text": texts, "n": list(range(len(texts)))}), tmp / "b.parquet", row_group_size=500
    )
    (tmp / "c.txt").write_text("\n".join([*FILLER[:50], "wow https://t.co/Zz12345678"]) + "\n")
    (tmp / "d.jsonl").write_text("")
    return [DataFile(tmp / n, n, "train") for n in ("a.jsonl", "b.parquet", "c.txt", "d.jsonl")]


def _view(ev: Evidence) -> tuple[object, ...]:
    assert ev.scan is not None
    return (
        sorted(
            (
                f.rule_id,
                f.severity.value,
                f.location.path,
                f.location.row,
                f.location.line,
                f.message,
                f.matched,
            )
            for f in ev.findings
        ),
        ev.scan.rows_scanned,
        [p.message for p in ev.problems],
    )


def test_pooled_scan_equals_serial_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _files(tmp_path)
    serial = scan_files(files, GuardrailConfig(), target="t", parallel=False)
    monkeypatch.setattr(pool, "MIN_BYTES", 0)
    monkeypatch.setattr(pool, "MIN_RANGE_BYTES", 20_000)
    monkeypatch.setattr(pool, "workers", lambda: 3)
    units = pool.plan(files, 3, file_scan._splittable)
    assert sum(1 for _, f, _ in units if f.display == "a.jsonl") == 3  # the line file is cut in three
    assert sum(1 for _, f, _ in units if f.display == "b.parquet") == 1  # its row groups go to threads
    pooled = scan_files(files, GuardrailConfig(), target="t")
    assert _view(pooled) == _view(serial)
    rules = {(f.rule_id, f.location.path) for f in pooled.findings}
    assert {("GR402", "a.jsonl"), ("GR421", "a.jsonl"), ("GR401", "a.jsonl"), ("GR420", "d.jsonl")} <= rules
    [bad] = [f for f in pooled.findings if f.rule_id == "GR421"]
    assert bad.location.line == 1201 and "2 line(s)" in bad.message
    [link] = [f for f in pooled.findings if f.rule_id == "GR402" and f.location.path == "a.jsonl"]
    assert link.location.row == 2499  # one malformed line above it is not a row
