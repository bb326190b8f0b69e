"""The Ray engine gives the local engine's findings, on one local 2-CPU Ray for the module.

Ray is started once (loopback only, no dashboard, temp dir under pytest's), because each
start costs seconds; the tests are few and each runs in about a second once it is up.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from guardrail.cli import main
from guardrail.config import GuardrailConfig
from guardrail.integrations.ray.partials import Partial, merge_in_order
from guardrail.readers.file_scan import DataFile, scan_files
from guardrail.scan.scanner import RecordScanner

# One xdist worker runs every Ray test, so `make test` starts one local Ray, not one per worker.
pytestmark = pytest.mark.xdist_group("ray")

CLEAN = "Tomatoes like full sun and a deep weekly watering in the summer."
# (file index, row) -> text: X evidence at known places, first in the second file.
PLANTED = {
    (1, 5): "so true https://t.co/AbC123xyz",
    (1, 40): "RT @user: look https://twitter.com/gardenfan/status/1456789012345678901",
    (2, 0): "@USER i cannot believe this happened",
    (2, 77): "read https://x.com/plot/status/1789012345678901234 now",
}
ROWS = 120


def _write_corpus(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(3):
        path = folder / f"part-{i}.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for row in range(ROWS):
                f.write(json.dumps({"text": PLANTED.get((i, row), f"{CLEAN} ({row})"), "n": row}) + "\n")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    _write_corpus(root / "data")
    # A parquet file with the evidence in a nested provenance field, and a card.
    meta = [{"source": "twitter" if i == 3 else "web"} for i in range(10)]
    pq.write_table(pa.table({"text": [CLEAN] * 10, "meta": meta}), root / "data" / "extra.parquet")
    (root / "README.md").write_text("---\nlicense: cc-by-4.0\n---\n# Garden notes\n", encoding="utf-8")
    return root


def _key(findings: Any) -> list[tuple[Any, ...]]:
    # Sorted: the scanner lists findings in first-seen order, which depends on batch
    # boundaries even locally; the policy's report order is (severity, rule ID).
    return sorted(
        (f.rule_id, f.severity.value, str(f.location), f.matched, f.scanned, f.evidence, f.message)
        for f in findings
    )


def test_partials_merge_like_one_scanner() -> None:
    """Pure merge: three batches scanned apart and merged in order == one scanner over all."""
    texts = [f"{CLEAN} {i}" for i in range(30)]
    texts[4], texts[17], texts[25] = PLANTED[(1, 5)], PLANTED[(1, 40)], PLANTED[(1, 5)]
    table = pa.table({"text": texts})
    whole = RecordScanner()
    whole.scan_batch(table, path="f.jsonl")
    parts = []
    for lo, hi in ((0, 10), (10, 20), (20, 30)):
        s = RecordScanner()
        s.scan_batch(table.slice(lo, hi - lo), path="f.jsonl", row_offset=0)
        parts.append(Partial.loads(Partial(s, (("f.jsonl", hi - lo),)).dumps()))
    merged = merge_in_order(RecordScanner(), parts)
    assert _key(merged.findings()) == _key(whole.findings())
    assert merged.evidence("t").scan == whole.evidence("t").scan


def test_missing_ray_says_how_to_install(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    code = main(["check", "--engine", "ray", str(corpus / "data" / "part-1.jsonl")])
    err = capsys.readouterr().err
    assert code == 2
    assert "pip install 'x-content-guardrail[ray]'" in err


@pytest.mark.slow
@pytest.mark.parametrize("target", ["", "data/part-1.jsonl"], ids=["folder", "data-file"])
def test_cli_engine_ray_matches_local(
    ray_local: Any,
    corpus: Path,
    target: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(corpus)
    arg = target or "."
    outputs = []
    for engine in ("local", "ray"):
        code = main(["check", "--format", "json", "--engine", engine, arg])
        outputs.append((code, json.loads(capsys.readouterr().out)))
    (local_code, local), (ray_code, on_ray) = outputs
    assert ray_code == local_code == 1
    assert on_ray == local  # same verdicts, findings (rule, counts, file and row), notes and scan
    rules = {f["rule_id"] for f in on_ray["targets"][0]["findings"]}
    assert {"GR401", "GR402"} <= rules


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_dataset_scan_matches_local_on_multi_file_corpus(
    ray_local: Any, corpus: Path, tmp_path: Path, fmt: str
) -> None:
    from guardrail.integrations import ray as gray

    files = sorted((corpus / "data").glob("*.jsonl"))
    if fmt == "parquet":  # the same rows, in small row groups
        converted = []
        for p in files:
            rows = [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines()]
            out = tmp_path / "data" / f"{p.stem}.parquet"
            out.parent.mkdir(exist_ok=True)
            pq.write_table(pa.Table.from_pylist(rows), out, row_group_size=25)
            converted.append(out)
        files = converted
    config = GuardrailConfig()
    local = scan_files([DataFile(p, f"data/{p.name}") for p in files], config, target="data")
    # Small batches so files straddle batches and tasks; rows must still be per file.
    read = gray.read_json if fmt == "jsonl" else gray.read_parquet
    ds = read([str(p) for p in files], override_num_blocks=4)
    show = gray.display_relative_to(files[0].parent, "data")
    on_ray = gray.dataset_evidence(ds, config, target="data", path_column="path", display=show, batch_size=37)
    assert _key(on_ray.findings) == _key(local.findings)
    assert on_ray.scan is not None and on_ray.scan.rows_scanned == 3 * ROWS
    where = {(f.rule_id, f.location.path, f.location.row) for f in on_ray.findings}
    assert ("GR402", f"data/part-1.{fmt}", 5) in where
    assert ("GR401", f"data/part-1.{fmt}", 40) in where


@pytest.mark.slow
def test_huggingface_dataset_matches_local(ray_local: Any) -> None:
    import datasets

    from guardrail.integrations.datasets.dataset_scan import scan_dataset
    from guardrail.integrations.ray import scan_huggingface

    texts = [f"{CLEAN} {i}" for i in range(50)]
    texts[7], texts[31] = PLANTED[(2, 0)], PLANTED[(1, 40)]
    dd = datasets.DatasetDict(
        {
            "train": datasets.Dataset.from_dict({"text": texts}),
            "test": datasets.Dataset.from_dict({"text": texts[:20]}),
        }
    )
    local = scan_dataset(dd, target="garden").targets[0]
    on_ray = scan_huggingface(dd, target="garden").targets[0]
    assert on_ray.verdict == local.verdict
    assert _key(on_ray.findings) == _key(local.findings)


@pytest.mark.slow
def test_filter_drops_rows_and_logs_why(ray_local: Any, corpus: Path, tmp_path: Path) -> None:
    from guardrail.integrations import ray as gray

    files = sorted((corpus / "data").glob("*.jsonl"))
    ds = gray.read_json([str(p) for p in files], override_num_blocks=3)
    log = tmp_path / "excluded.jsonl"
    show = gray.display_relative_to(corpus / "data", "data")
    kept, summary = gray.filter_dataset(ds, log, path_column="path", display=show, batch_size=50)

    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(e["path"], e["row"]) for e in lines] == [(f"data/part-{i}.jsonl", r) for i, r in sorted(PLANTED)]
    by_place = {(e["path"], e["row"]): e for e in lines}
    assert by_place[("data/part-1.jsonl", 5)]["rules"] == ["GR402"]
    assert by_place[("data/part-1.jsonl", 40)]["evidence"][0] == {
        "rule_id": "GR401",
        "column": "text",
        "evidence": "https://twitter.com/gardenfan/status/1456789012345678901",
    }
    assert {"GR407", "GR408"} <= set(by_place[("data/part-1.jsonl", 40)]["rules"])
    assert summary.rows_dropped == len(PLANTED) and summary.rows_scanned == 3 * ROWS

    remaining = kept.to_pandas()
    assert len(remaining) == 3 * ROWS - len(PLANTED)
    assert not set(PLANTED.values()) & set(remaining["text"])
    assert "path" in remaining.columns  # the caller's columns are left as they were
