"""`datasets`: a guarded `load_dataset`, and record scans of in-memory datasets.

Public API:

- `load_dataset`: a drop-in for `datasets.load_dataset` that refuses X data (`loader`);
- `scan_dataset`: scan a `Dataset`/`DatasetDict`/`IterableDataset` and decide (`dataset_scan`).

`streaming` guards iterable datasets batch by batch; `provenance_channel` is the note the loader
leaves in `Dataset.info` for `GuardrailCallback`. `datasets` itself is imported only when used.
"""

from guardrail.integrations.datasets.dataset_scan import scan_dataset
from guardrail.integrations.datasets.loader import load_dataset

__all__ = ["load_dataset", "scan_dataset"]
