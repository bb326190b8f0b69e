"""Output formats. Each is a pure function `Report -> str`; the caller owns files and stdout."""

from __future__ import annotations

from collections.abc import Callable

from guardrail.findings import Report
from guardrail.reporters.json import format_json
from guardrail.reporters.markdown import format_markdown
from guardrail.reporters.sarif import format_sarif
from guardrail.reporters.text import format_text

Formatter = Callable[[Report], str]

FORMATS: dict[str, Formatter] = {
    "text": format_text,
    "json": format_json,
    "sarif": format_sarif,
    "markdown": format_markdown,
}


def render(fmt: str, report: Report, *, color: bool = False, quiet: bool = False) -> str:
    """`report` in format `fmt`. `color` and `quiet` shape the text report only: machine
    formats are always complete documents."""
    if fmt == "text":
        return format_text(report, color=color, quiet=quiet)
    return FORMATS[fmt](report)


__all__ = ["FORMATS", "Formatter", "format_json", "format_markdown", "format_sarif", "format_text", "render"]
