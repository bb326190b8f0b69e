"""Ray Data: scan and filter corpora larger than one machine with the same detectors and policy.

Public API (Ray is an optional extra: `pip install 'guardrail[ray]'`; without it every entry
point raises `RayNotInstalledError`):

- `scan_dataset`, `dataset_evidence`, `scan_huggingface`: scan a `ray.data.Dataset`;
- `scan_files`: scan data files, one Ray task per file (what `guardrail check --engine ray` runs);
- `filter_dataset`: drop rows with X evidence and log why;
- `read_json`, `read_parquet`, `display_relative_to`: readers and path display that keep rows numbered per file.

Modules: `distributed_scan` (scans), `row_filter` (filtering), `tasks` and `partials` (what runs
on the workers and how their results merge), `ray_engine` (`--engine ray`).
"""

from guardrail.integrations.ray.distributed_scan import (
    INSTALL_HINT,
    RayNotInstalledError,
    dataset_evidence,
    display_relative_to,
    read_json,
    read_parquet,
    require_ray,
    scan_dataset,
    scan_files,
    scan_huggingface,
)
from guardrail.integrations.ray.row_filter import ExclusionSummary, filter_dataset

__all__ = [
    "INSTALL_HINT",
    "ExclusionSummary",
    "RayNotInstalledError",
    "dataset_evidence",
    "display_relative_to",
    "filter_dataset",
    "read_json",
    "read_parquet",
    "require_ray",
    "scan_dataset",
    "scan_files",
    "scan_huggingface",
]
