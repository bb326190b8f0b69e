"""Human-readable report: verdict per target, then findings with location and evidence."""

from __future__ import annotations

from guardrail.findings import Report, TargetReport, Verdict
from guardrail.reporters.options import PLAIN, ReportOptions
from guardrail.reporters.printable import printable as _p

_COLORS = {
    Verdict.BLOCK: "\033[1;31m",
    Verdict.ERROR: "\033[1;35m",
    Verdict.WARN: "\033[1;33m",
    Verdict.PASS: "\033[1;32m",
}
_RESET = "\033[0m"


def _paint(text: str, verdict: Verdict, color: bool) -> str:
    return f"{_COLORS[verdict]}{text}{_RESET}" if color else text


def _indented(text: str, prefix: str) -> str:
    first, *rest = [line for line in text.splitlines() if line.strip()] or [""]
    return "\n".join([first, *(prefix + line.strip() for line in rest)])


def _target_lines(t: TargetReport, color: bool) -> list[str]:
    lines = [f"{_paint(t.verdict.value.upper(), t.verdict, color)}  {_p(t.target)}"]
    pins = ", ".join(
        f"{k} {_p(str(v))}" for k, v in t.resolved.items() if k in ("repo_id", "commit", "config")
    )
    if pins:
        lines.append(f"    checked: {pins}")
    if t.scan is not None:
        lines.append(f"    records: {_p(t.scan.describe())}")
    for f in t.findings:
        lines.append(f"    {f.rule_id} [{f.severity.value}] {_p(f.message)}")
        lines.append(f"        at {_p(str(f.location))}")
        if f.chain:
            lines.append(f"        lineage: {' → '.join(_p(c) for c in f.chain)}")
        if f.matched is not None and f.scanned is not None:
            lines.append(f"        rows: {f.matched:,} of {f.scanned:,} scanned")
        if f.configs:
            lines.append(f"        configs: {_p(', '.join(f.configs))}")
        lines.append(f"        evidence: {_p(f.evidence)}")
    for p in t.problems:
        # Library messages (huggingface_hub's 404 text) span lines: keep them inside the target.
        lines.append(
            _indented(f"    could not check ({p.code}): {_p(p.message, keep_newlines=True)}", "        ")
        )
        if p.hint:
            lines.append(_indented(f"        to proceed: {_p(p.hint, keep_newlines=True)}", "        "))
    for s in t.suppressed:
        item = s.item
        label = getattr(item, "rule_id", None) or getattr(item, "code", "")
        lines.append(f"    suppressed {label} by {_p(s.by)}: {_p(s.reason)}")
    lines.extend(f"    note: {_p(n)}" for n in t.notes)
    return lines


def format_text(report: Report, options: ReportOptions = PLAIN) -> str:
    """Render `report` for a terminal.

    `options.color` adds ANSI colours (the CLI decides from the terminal, NO_COLOR and
    FORCE_COLOR); `options.quiet` shows only the targets that did not pass, and nothing at all
    when every one did.
    """
    color, quiet = options.color, options.quiet
    lines: list[str] = []
    shown = [t for t in report.targets if not (quiet and t.verdict is Verdict.PASS)]
    if quiet and not shown and not report.stale_baseline:
        return ""
    for t in shown:
        lines.extend(_target_lines(t, color))
    for e in report.stale_baseline:
        lines.append(
            f"baseline entry no longer found: {e.rule_id} in {_p(e.target)} at {_p(str(e.location))} ({e.fingerprint})"
        )
    counts = {v: sum(1 for t in report.targets if t.verdict is v) for v in Verdict}
    summary = ", ".join(f"{n} {v.value}" for v, n in counts.items() if n)
    lines.append("")
    lines.append(
        f"guardrail {report.guardrail_version}: {len(report.targets)} target(s): {summary or 'none'}; "
        f"{report.suppressed_count} finding(s) suppressed"
    )
    if any(t.verdict is Verdict.BLOCK for t in report.targets):
        lines.append(
            "Blocked: X (Twitter) content may not be used to train or fine-tune foundation/frontier models "
            "(X Developer Agreement, June 2025). Remove it, or allowlist the dataset in [tool.guardrail] "
            "with a reason if your use is permitted."
        )
    unchecked = sum(1 for t in report.targets if t.verdict is Verdict.ERROR and not t.failed_internally)
    if unchecked:
        consequence = (
            "reported only (failing open)" if report.fail_open else "treated as blocked (failing closed)"
        )
        lines.append(
            f"{unchecked} target(s) could not be checked and are {consequence}; "
            "see 'to proceed' above for what to do."
        )
    failed = sum(1 for t in report.targets if t.verdict is Verdict.ERROR and t.failed_internally)
    if failed:
        lines.append(
            f"{failed} target(s) could not be checked because guardrail itself failed; they are "
            "treated as blocked under every configuration, fail-open included."
        )
    return "\n".join(lines) + "\n"
