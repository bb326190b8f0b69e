"""Which rows of a batch carry X evidence, and what it is: for dropping rows, not judging data.

The dataset verdict is judged on shares over all rows; filtering acts on single rows, so it
asks the scanner's own leaf matching (same prefilter, normalisation, patterns, refinements
and exclusions) which rows each signal matched, then pulls a short span per row with the
signal's pattern. Nothing here imports Ray.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from guardrail.config import GuardrailConfig
from guardrail.detectors.records import VALUE_SIGNALS
from guardrail.findings import shorten
from guardrail.scan import arrays
from guardrail.scan.columns import Leaf, leaves
from guardrail.scan.normalise import normalise
from guardrail.scan.scanner import RecordScanner

# Row-level evidence worth dropping a row for. Left out by default: GR404 (a link to an X
# profile or share button does not make a record a post) and GR411 (bare 18-19 digit IDs:
# Discord and other snowflake IDs look the same, and an int64 ID column would drop every row).
DEFAULT_DROP_RULES = frozenset(s.rule.rule_id for s in VALUE_SIGNALS) - {"GR404", "GR411"}
_SIGNALS = {s.key: s for s in VALUE_SIGNALS}


@dataclass(frozen=True)
class RowEvidence:
    """One signal's evidence in one row."""

    rule_id: str
    column: str | None
    evidence: str

    def to_dict(self) -> dict[str, str | None]:
        return {"rule_id": self.rule_id, "column": self.column, "evidence": self.evidence}


def _one_batch(batch: pa.RecordBatch | pa.Table) -> pa.RecordBatch:
    if isinstance(batch, pa.RecordBatch):
        return batch
    return batch.combine_chunks().to_batches()[0]


def _span_in_leaf(leaf: Leaf, rows: np.ndarray, key: str) -> dict[int, str]:
    """For each of `rows`, the first match of signal `key` among the row's values in `leaf`."""
    owners = np.arange(len(leaf.values)) if leaf.rows is None else leaf.rows
    positions = np.flatnonzero(np.isin(owners, rows))
    values = leaf.values.take(arrays.indices(positions))
    if leaf.kind == "integer":
        found = [None if v is None else str(v) for v in values.to_pylist()]
    else:
        if leaf.kind == "binary":
            values = arrays.strings(
                [None if v is None else v.decode("utf-8", "replace") for v in values.to_pylist()]
            )
        pattern = _SIGNALS[key].pattern
        extracted = pc.extract_regex(normalise(values), pattern=f"(?i)(?P<m>{pattern})")
        found = [None if m is None else m["m"] for m in extracted.to_pylist()]
    out: dict[int, str] = {}
    for pos, span in zip(positions.tolist(), found, strict=True):
        row = int(owners[pos])
        if span and row not in out:
            out[row] = shorten(span.strip())
    return out


def row_hits(
    batch: pa.RecordBatch | pa.Table, config: GuardrailConfig, rules: Iterable[str] = DEFAULT_DROP_RULES
) -> dict[int, tuple[RowEvidence, ...]]:
    """Rows of `batch` with X evidence from any of `rules`, each with what was found where.

    Args:
        batch: The rows to look at.
        config: The configuration the scanner uses.
        rules: Rule IDs that count (default `DEFAULT_DROP_RULES`).

    Returns:
        Batch row index -> evidence, one entry per matching signal; rows without evidence
        are absent.
    """
    wanted = frozenset(rules)
    rb = _one_batch(batch)
    found: dict[int, dict[str, RowEvidence]] = {}
    probe = RecordScanner(config)  # throwaway: its input findings (binary/huge values) go nowhere
    for leaf in leaves(rb):
        # One leaf at a time through the scanner's own matching, so each hit keeps its column.
        for key, rows in probe.leaf_matches(leaf).items():
            rule_id = _SIGNALS[key].rule.rule_id
            if rule_id not in wanted:
                continue
            spans = _span_in_leaf(leaf, rows, key)
            for row in rows.tolist():
                # One entry per rule and row: the first column (in schema order) that showed it.
                found.setdefault(row, {}).setdefault(
                    rule_id, RowEvidence(rule_id, leaf.path, spans.get(row, ""))
                )
    return {row: tuple(found[row].values()) for row in sorted(found)}
