"""The machine-readable contract (design.md §5): one JSON document."""

from __future__ import annotations

import json

from guardrail.findings import Report


def format_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
