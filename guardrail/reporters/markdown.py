"""A summary table for CI job summaries (GitHub's $GITHUB_STEP_SUMMARY)."""

from __future__ import annotations

from guardrail.findings import Report, Verdict
from guardrail.reporters.options import PLAIN, ReportOptions
from guardrail.reporters.printable import printable

_ICONS = {Verdict.BLOCK: "⛔", Verdict.ERROR: "❗", Verdict.WARN: "⚠️", Verdict.PASS: "✅"}


def _cell(text: str) -> str:
    # A newline would end the table row; other controls are escaped like the text report's.
    return printable(text.replace("\n", " ")).replace("|", "\\|")


def format_markdown(report: Report, options: ReportOptions = PLAIN) -> str:
    lines = [
        "## guardrail: X (Twitter) content check",
        "",
        "| Target | Verdict | Findings | Top evidence |",
        "| --- | --- | --- | --- |",
    ]
    for t in report.targets:
        top = t.findings[0] if t.findings else None
        evidence = (
            f"`{top.rule_id}` {_cell(top.message)} ({_cell(str(top.location))}): {_cell(top.evidence)}"
            if top
            else (_cell(t.problems[0].message) if t.problems else "")
        )
        target = _cell(t.target).replace("`", "'")  # the name sits in a code span
        lines.append(
            f"| `{target}` | {_ICONS[t.verdict]} {t.verdict.value} | {len(t.findings)} | {evidence} |"
        )
    lines.append("")
    lines.append(
        f"{len(report.blocked)} of {len(report.targets)} target(s) blocked; "
        f"{report.suppressed_count} finding(s) suppressed. guardrail {report.guardrail_version}."
    )
    return "\n".join(lines) + "\n"
