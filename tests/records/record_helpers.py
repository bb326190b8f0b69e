"""Small helpers for record tests: scan a column of values and look at the findings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from guardrail.findings import Finding
from guardrail.scan.scanner import RecordScanner


def scan_values(values: Sequence[Any], column: str = "text", **kwargs: Any) -> list[Finding]:
    scanner = RecordScanner()
    scanner.scan_batch(pa.table({column: list(values)}), split="train", **kwargs)
    return [f for f in scanner.findings() if f.family.value == "records"]


def by_rule(findings: Sequence[Finding]) -> dict[str, str]:
    """rule_id -> highest severity among its findings."""
    out: dict[str, Finding] = {}
    for f in findings:
        if f.rule_id not in out or f.severity.rank > out[f.rule_id].severity.rank:
            out[f.rule_id] = f
    return {k: v.severity.value for k, v in out.items()}


FILLER = [f"An ordinary sentence number {i} about the weather and the markets." for i in range(40)]
