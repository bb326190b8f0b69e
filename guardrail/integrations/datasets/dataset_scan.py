"""`scan_dataset`: scan the records of an in-memory `datasets` object and decide a verdict.

`scan_dataset` reads a `Dataset` through its Arrow table (formatted as Arrow on a copy
of the object, so the caller's dataset, its format and its fingerprint never change),
fully when small and as a seeded sample of contiguous windows otherwise.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from guardrail.config import GuardrailConfig
from guardrail.findings import Evidence, Report
from guardrail.scan.progress import Progress
from guardrail.scan.scanner import RecordScanner

__all__ = ["dataset_config_name", "dataset_name", "dataset_records_evidence", "scan_dataset"]

BATCH_ROWS = 10_000
_WINDOWS = 20


def scan_dataset(dataset: Any, config: GuardrailConfig | None = None, *, target: str | None = None) -> Report:
    """Scan the records of an in-memory dataset and decide a verdict.

    Args:
        dataset: A `datasets.Dataset`, `DatasetDict`, `IterableDataset` or
            `IterableDatasetDict`. Map-style data is scanned fully when it is at most
            `config.full_scan_max_bytes`, else sampled (seeded, spread over every split);
            iterable data is scanned from its first `config.sample_rows` rows (split evenly).
        config: The policy and sampling settings; defaults apply when omitted.
        target: The name to report; defaults to the dataset's builder name or "dataset".

    Returns:
        A `Report` with one target, as `guardrail.check` returns.

    Raises:
        TypeError: if `dataset` is not one of the supported types.
    """
    from guardrail.policy import decide

    config = config or GuardrailConfig()
    name = target or dataset_name(dataset)
    evidence = dataset_records_evidence(dataset, config, target=name)
    return Report(targets=(decide(evidence, config),), fail_open=config.fail_open)


def dataset_records_evidence(
    dataset: Any, config: GuardrailConfig, *, target: str, progress: bool = False
) -> Evidence:
    """The record evidence `scan_dataset` decides on, for callers that merge evidence first."""
    import datasets

    scanner = RecordScanner(config)
    if isinstance(dataset, (datasets.DatasetDict, datasets.IterableDatasetDict)):
        splits = list(dataset.items())
    elif isinstance(dataset, (datasets.Dataset, datasets.IterableDataset)):
        splits = [(str(dataset.split) if dataset.split is not None else None, dataset)]
    else:
        raise TypeError(
            f"scan_dataset expects a datasets Dataset/DatasetDict/IterableDataset, got {type(dataset)}"
        )
    config_name = dataset_config_name(dataset)
    streams = [(s, d) for s, d in splits if isinstance(d, datasets.IterableDataset)]
    tables = [(s, d) for s, d in splits if isinstance(d, datasets.Dataset)]
    total_bytes = sum(d.data.nbytes for _, d in tables)
    sample = bool(streams) or total_bytes > config.full_scan_max_bytes
    rows_total = sum(d.num_rows for _, d in tables) if not streams else None
    with Progress(progress, f"guardrail: scanning {target}", rows_total) as bar:
        for split, ds in tables:
            share = ds.data.nbytes / max(total_bytes, 1)
            budget = (
                None
                if total_bytes <= config.full_scan_max_bytes
                else max(100, int(config.sample_rows * share))
            )
            _scan_table(scanner, ds, split, config_name, budget, config.seed, bar)
        for split, ds in streams:
            _scan_stream(scanner, ds, split, config_name, max(100, config.sample_rows // len(streams)), bar)
    if streams:
        scanner.add_note(
            f"streamed data: scanned the first rows of each split (up to {config.sample_rows:,} in all)"
        )
    return scanner.evidence(target, mode="sample" if sample else "full", rows_total=rows_total)


def _scan_table(
    scanner: RecordScanner,
    ds: Any,
    split: str | None,
    config_name: str | None,
    budget: int | None,
    seed: int,
    bar: Progress,
) -> None:
    arrow = ds.with_format("arrow")  # a new object: the caller's format and fingerprint stay as they were
    n = len(arrow)
    if budget is None or budget >= n:
        windows = [(0, n)]
    else:
        rng = np.random.default_rng([seed, n])
        size = max(1, budget // _WINDOWS)
        starts = np.sort(rng.choice(max(1, n - size + 1), min(_WINDOWS, max(1, n // size)), replace=False))
        windows = [(int(s), min(n, int(s) + size)) for s in starts]
    for start, stop in windows:
        for lo in range(start, stop, BATCH_ROWS):
            hi = min(stop, lo + BATCH_ROWS)
            scanner.scan_batch(arrow[lo:hi], split=split, config_name=config_name, row_offset=lo)
            bar.update(hi - lo)


def _scan_stream(
    scanner: RecordScanner, ds: Any, split: str | None, config_name: str | None, rows: int, bar: Progress
) -> None:
    seen = 0
    for batch in ds.take(rows).iter(batch_size=min(rows, 1000)):
        scanner.scan_batch(dict(batch), split=split, config_name=config_name, row_offset=seen)
        n = len(next(iter(batch.values()))) if batch else 0
        seen += n
        bar.update(n)


def dataset_name(dataset: Any) -> str:
    """The name a report gives an in-memory dataset: its dataset or builder name, else "dataset"."""
    info = getattr(dataset, "info", None)
    if info is None and hasattr(dataset, "values"):
        first = next(iter(dataset.values()), None)
        info = getattr(first, "info", None)
    return getattr(info, "dataset_name", None) or getattr(info, "builder_name", None) or "dataset"


def dataset_config_name(dataset: Any) -> str | None:
    """The dataset's config name, or None for the default config."""
    info = getattr(dataset, "info", None)
    if info is None and hasattr(dataset, "values"):
        first = next(iter(dataset.values()), None)
        info = getattr(first, "info", None)
    name = getattr(info, "config_name", None)
    return name if name and name != "default" else None
