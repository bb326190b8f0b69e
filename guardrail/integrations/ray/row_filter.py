"""Filtering mode: drop rows with X evidence from a Ray dataset, and log every one of them.

Two passes over the data, on purpose. The first (run before `filter_dataset` returns)
finds the rows and writes the exclusion log on the driver, in dataset order, with file and
row numbers; the second is the lazy dataset you get back, which drops the same rows
because the per-row decision depends on the row alone. So no row can be dropped without
being in the log, and the log exists before any filtered row is consumed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from guardrail.config import GuardrailConfig
from guardrail.integrations.ray.tasks import path_runs
from guardrail.scan.row_hits import DEFAULT_DROP_RULES, row_hits

logger = logging.getLogger("guardrail")
_HITS = "guardrail_exclusions"


@dataclass(frozen=True)
class ExclusionSummary:
    """What `filter_dataset` dropped.

    Args:
        log: The JSON-lines exclusion log, one line per dropped row.
        rows_scanned: Rows looked at.
        rows_dropped: Rows with X evidence (all in the log).
        by_rule: Dropped rows per rule ID (a row can count for several rules).
    """

    log: Path
    rows_scanned: int
    rows_dropped: int
    by_rule: dict[str, int] = field(default_factory=dict)


def _split_path(
    batch: pa.Table, path_column: str | None
) -> tuple[pa.Table, list[tuple[str | None, int, int]]]:
    if path_column is None:
        return batch, [(None, 0, batch.num_rows)]
    return batch.drop_columns([path_column]), path_runs(batch.column(path_column))


def find_exclusions(
    batch: pa.Table,
    *,
    config: GuardrailConfig,
    rules: frozenset[str],
    path_column: str | None,
    display: Callable[[str], str] | None,
) -> pa.Table:
    """Ray task: the batch's rows with evidence, numbered per file within the batch."""
    data, runs = _split_path(batch, path_column)
    hits = row_hits(data, config, rules)
    seen: dict[str | None, int] = {}
    out_runs, out_hits = [], []
    for path, start, length in runs:
        shown = display(path) if display is not None and path is not None else path
        offset = seen.get(shown, 0)
        for row in range(start, start + length):
            if row in hits:
                out_hits.append([shown, offset + row - start, [e.to_dict() for e in hits[row]]])
        seen[shown] = offset + length
        out_runs.append([shown, length])
    return pa.table({_HITS: [json.dumps({"runs": out_runs, "hits": out_hits})]})


def drop_rows(
    batch: pa.Table, *, config: GuardrailConfig, rules: frozenset[str], path_column: str | None
) -> pa.Table:
    """Ray task: the batch without its rows that have evidence (the path column is kept)."""
    data, _ = _split_path(batch, path_column)
    hits = row_hits(data, config, rules)
    if not hits:
        return batch
    keep = np.ones(batch.num_rows, dtype=bool)
    keep[list(hits)] = False
    return batch.filter(pa.array(keep))


def filter_dataset(
    dataset: Any,
    exclusion_log: str | Path,
    config: GuardrailConfig | None = None,
    *,
    rules: Iterable[str] = DEFAULT_DROP_RULES,
    path_column: str | None = None,
    display: Callable[[str], str] | None = None,
    split: str | None = None,
    batch_size: int | None = None,
) -> tuple[Any, ExclusionSummary]:
    """Drop rows with X evidence from a Ray dataset, writing why to `exclusion_log` first.

    Each log line is a JSON object: `path` (source file, or null without `path_column`),
    `row` (within that file, else within the dataset), `split`, `rules` and `evidence`
    (rule ID, column and matched text per rule).

    Args:
        dataset: The `ray.data.Dataset` to filter.
        exclusion_log: Where to write the JSON-lines log (overwritten).
        config: The configuration the scanner uses.
        rules: Rule IDs whose row-level evidence drops a row (default: every value rule but
            GR404 profile links and GR411 bare snowflake IDs).
        path_column: Column holding each row's source file (see `scan_dataset`).
        display: Maps a source path to the path written in the log.
        split: Split name written in the log.
        batch_size: Rows per task batch; `None` uses whole Ray blocks.

    Returns:
        The filtered dataset (lazy; same columns) and a summary of what was dropped.
    """
    from guardrail.integrations.ray.distributed_scan import ordered, require_ray

    require_ray()
    config = config or GuardrailConfig()
    wanted = frozenset(rules)
    found = dataset.map_batches(
        find_exclusions,
        batch_format="pyarrow",
        batch_size=batch_size,
        fn_kwargs={"config": config, "rules": wanted, "path_column": path_column, "display": display},
    )
    log = Path(exclusion_log)
    seen: dict[str | None, int] = {}
    dropped = 0
    by_rule: dict[str, int] = {}
    with ordered(dataset, found), log.open("w", encoding="utf-8") as out:
        for batch in found.iter_batches(batch_format="pyarrow", batch_size=None):
            for blob in batch.column(_HITS).to_pylist():
                part = json.loads(blob)
                for path, row, evidence in part["hits"]:
                    rule_ids = sorted({e["rule_id"] for e in evidence})
                    line = {
                        "path": path,
                        "row": seen.get(path, 0) + row,
                        "split": split,
                        "rules": rule_ids,
                        "evidence": evidence,
                    }
                    out.write(json.dumps(line, ensure_ascii=False) + "\n")
                    dropped += 1
                    for r in rule_ids:
                        by_rule[r] = by_rule.get(r, 0) + 1
                for path, n in part["runs"]:
                    seen[path] = seen.get(path, 0) + n
    summary = ExclusionSummary(log, sum(seen.values()), dropped, dict(sorted(by_rule.items())))
    if dropped:
        logger.warning(
            "guardrail: dropping %d of %d rows with X evidence (%s); reasons in %s",
            dropped,
            summary.rows_scanned,
            ", ".join(f"{r}: {n}" for r, n in summary.by_rule.items()),
            log,
        )
    kept = dataset.map_batches(
        drop_rows,
        batch_format="pyarrow",
        batch_size=batch_size,
        fn_kwargs={"config": config, "rules": wanted, "path_column": path_column},
    )
    return kept, summary
