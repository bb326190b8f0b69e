"""Output formats. Each is a pure function `(Report, ReportOptions) -> str`; the caller owns files and stdout.

To add a format: write a module with a `format_<name>(report, options=PLAIN) -> str` function and
add it to `FORMATS`; the CLI's `--format` and `--report` pick it up.
"""

from __future__ import annotations

from collections.abc import Callable

from guardrail.findings import Report
from guardrail.reporters.json import format_json
from guardrail.reporters.markdown import format_markdown
from guardrail.reporters.options import PLAIN, ReportOptions
from guardrail.reporters.sarif import format_sarif
from guardrail.reporters.text import format_text

Formatter = Callable[[Report, ReportOptions], str]

FORMATS: dict[str, Formatter] = {
    "text": format_text,
    "json": format_json,
    "sarif": format_sarif,
    "markdown": format_markdown,
}

__all__ = [
    "FORMATS",
    "PLAIN",
    "Formatter",
    "ReportOptions",
    "format_json",
    "format_markdown",
    "format_sarif",
    "format_text",
]
