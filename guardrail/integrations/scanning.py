"""Adapters from `datasets` objects and decoded text to the record scanner (`guardrail.records`).

Every call into the record-scanning API goes through this module, so the integrations share one
idea of what "scan these rows" means and the contract with `guardrail.records` lives in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from guardrail.findings import Evidence

if TYPE_CHECKING:
    import pyarrow as pa

    from guardrail.config import GuardrailConfig


def dataset_evidence(dataset: Any, config: GuardrailConfig, target: str) -> Evidence:
    """Record evidence for a `Dataset` or `DatasetDict` (full scan or sample, as configured)."""
    from guardrail.records.api import dataset_records_evidence

    return dataset_records_evidence(dataset, config, target=target)


class BatchScanner:
    """Scan a stream batch by batch and keep the evidence so far (picklable, for workers).

    Args:
        config: The policy; also sets sampling limits for the underlying scanner.
        target: Name the evidence is reported under.
        split: Split name for locations.
        config_name: Dataset config name for locations.
    """

    def __init__(
        self,
        config: GuardrailConfig,
        target: str,
        *,
        split: str | None = None,
        config_name: str | None = None,
    ) -> None:
        self.config = config
        self.target = target
        self.split = split
        self.config_name = config_name
        self.rows = 0
        self._scanner: Any = None

    def __getstate__(self) -> dict[str, Any]:
        # The scanner may hold compiled patterns; each worker builds its own.
        state = dict(self.__dict__)
        state["_scanner"] = None
        return state

    def scan(self, batch: pa.RecordBatch | pa.Table) -> Evidence:
        """Scan one batch (rows numbered after the previous batches) and return all evidence so far."""
        if self._scanner is None:
            from guardrail.records.api import RecordScanner

            self._scanner = RecordScanner(self.config)
        self._scanner.scan_batch(batch, split=self.split, config_name=self.config_name, row_offset=self.rows)
        self.rows += batch.num_rows
        return self.evidence()

    def evidence(self) -> Evidence:
        if self._scanner is None:
            return Evidence(target=self.target)
        evidence: Evidence = self._scanner.evidence(self.target)
        return evidence


def texts_batch(texts: Sequence[str], column: str = "text") -> pa.RecordBatch:
    """A one-column record batch of decoded text, for scanning tokenised data."""
    import pyarrow as pa

    return pa.record_batch({column: pa.array(list(texts), type=pa.string())})
