"""The machine-readable contract (design.md §5): one JSON document."""

from __future__ import annotations

import json

from guardrail.findings import Report
from guardrail.reporters.options import PLAIN, ReportOptions
from guardrail.reporters.printable import json_safe


def format_json(report: Report, options: ReportOptions = PLAIN) -> str:
    return json_safe(json.dumps(report.to_dict(), indent=2, ensure_ascii=False)) + "\n"
