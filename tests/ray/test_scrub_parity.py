"""`guardrail.scrub` on one machine drops exactly the rows Ray's `filter_dataset` drops."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import datasets
import pyarrow as pa
import pytest

import guardrail
from guardrail.config import GuardrailConfig

pytestmark = pytest.mark.xdist_group("ray")

CLEAN = "Tomatoes like full sun and a deep weekly watering in the summer."
# One row per kind of row-level evidence, plus two kinds that are left in by default.
PLANTED = {
    4: {"text": "so true https://t.co/AbC123xyz"},
    9: {"text": "RT @user: look https://twitter.com/gardenfan/status/1456789012345678901"},
    15: {"text": "@USER i cannot believe this happened"},
    23: {"text": "photo https://pic.twitter.com/abcDEF1234 of the beds"},
    31: {"source": "twitter"},
    38: {"text": "follow me at https://twitter.com/gardenfan for more"},  # GR404: kept
    44: {"text": "ticket 1456789012345678901"},  # a bare snowflake ID in text: kept
    52: {"text": "—Ann Allot (@allotment_ann) June 2, 2014"},
}
ROWS = 64


def table() -> pa.Table:
    rows = [{"text": f"{CLEAN} ({i})", "source": "web", "n": i} for i in range(ROWS)]
    for i, change in PLANTED.items():
        rows[i].update(change)
    return pa.Table.from_pylist(rows)


def decisions(log: Path) -> list[tuple[int, list[str], list[dict[str, Any]]]]:
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    return [(e["row"], e["rules"], e["evidence"]) for e in lines]


def test_scrub_and_filter_dataset_drop_the_same_rows(ray_local: Any, tmp_path: Path) -> None:
    from guardrail.integrations.ray import filter_dataset

    config = GuardrailConfig()
    ray_log, local_log = tmp_path / "ray.jsonl", tmp_path / "local.jsonl"
    kept_ray, ray_summary = filter_dataset(ray_local.data.from_arrow(table()), ray_log, config, batch_size=16)
    kept_local, local_summary = guardrail.scrub(
        datasets.Dataset(table()), exclusion_log=local_log, config=config, batch_size=10
    )

    assert decisions(local_log) == decisions(ray_log)
    assert local_summary.rows_dropped == ray_summary.rows_dropped >= 6
    assert local_summary.by_rule == ray_summary.by_rule
    assert sorted(kept_local["n"]) == sorted(kept_ray.to_pandas()["n"].tolist())
    assert {38, 44} <= set(kept_local["n"])  # the default rules leave these in, in both engines
