"""The audit record a passing run leaves in its output_dir, and the model card section.

The record answers "what did this model train on, and who said it was fine?": every dataset
the callback saw, its fingerprint and revision, the verdicts, every suppressed finding with the
reason the configuration gave, the guardrail version and the time.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from guardrail._version import __version__
from guardrail.config import GuardrailConfig
from guardrail.findings import Report
from guardrail.integrations.transformers.training_data import DataSummary

AUDIT_FILE = "guardrail-audit.json"
CARD_FILE = "README.md"
_BEGIN = "<!-- guardrail:provenance:begin -->"
_END = "<!-- guardrail:provenance:end -->"


def build(
    report: Report,
    summaries: Sequence[DataSummary],
    config: GuardrailConfig,
    *,
    batches_checked: int = 0,
) -> dict[str, Any]:
    """The audit record as a JSON-ready dict."""
    by_target = {t.target: t for t in report.targets}
    datasets: list[dict[str, Any]] = []
    for s in summaries:
        entry: dict[str, Any] = {
            "role": s.role,
            "kind": s.kind,
            "fingerprint": s.fingerprint,
            "num_rows": s.num_rows,
            "checked": s.how,
            "sources": [],
        }
        for ev in s.evidence:
            decided = by_target.get(ev.target)
            if decided is None:
                continue
            item: dict[str, Any] = {
                "target": ev.target,
                "verdict": decided.verdict.value,
                "resolved": dict(decided.resolved),
                "findings": [f.to_dict() for f in decided.findings],
                "suppressed": [x.to_dict() for x in decided.suppressed],
                "notes": list(decided.notes),
            }
            if decided.scan is not None:
                item["scan"] = decided.scan.to_dict()
            entry["sources"].append(item)
        entry["loaded_with_guardrail"] = [
            {
                "target": p.target,
                "config": p.config,
                "revision": p.resolved.get("commit") or p.resolved.get("revision"),
                "fingerprints": dict(p.fingerprints),
                "splits": dict(p.splits),
                "loader_verdict": p.verdict,
                "checked_at": p.checked_at,
                "streaming": p.streaming,
            }
            for p in s.provenance
        ]
        datasets.append(entry)
    verdicts = sorted({t.verdict.value for t in report.targets})
    return {
        "guardrail_version": __version__,
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        # Failing open lets unchecked data through: the record must not call it a pass.
        "verdict": "error" if "error" in verdicts else "warn" if "warn" in verdicts else "pass",
        "config": {
            "source": config.source,
            "fail_open": config.fail_open,
            "warnings_as_errors": config.warnings_as_errors,
            "scan_records": config.scan_records,
            "sample_rows": config.sample_rows,
        },
        "datasets": datasets,
        "suppressed": [x.to_dict() for t in report.targets for x in t.suppressed],
        "streamed_batches_checked": batches_checked,
    }


def write(record: dict[str, Any], output_dir: str | Path) -> Path:
    """Write the record to `output_dir/guardrail-audit.json` and return the path."""
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / AUDIT_FILE
    path.write_text(json.dumps(record, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return path


def card_section(record: dict[str, Any]) -> str:
    """A short markdown section for the model card, between markers so it can be replaced."""
    lines = [
        _BEGIN,
        "## Training data provenance (guardrail)",
        "",
        f"Checked by guardrail {record['guardrail_version']} on {record['time']}: "
        + (
            "some training data could not be checked, and the run went ahead because the "
            "configuration fails open (verdict: error)."
            if record["verdict"] == "error"
            else "no content from X (formerly Twitter) was found in the training data "
            f"(verdict: {record['verdict']})."
        ),
        "",
    ]
    for d in record["datasets"]:
        sources = ", ".join(f"`{p['target']}`" for p in d["loaded_with_guardrail"]) or "not recorded"
        lines.append(
            f"- {d['role']} data ({d['kind']}, {d['num_rows'] or '?'} rows): {d['checked']}; sources: {sources}"
        )
    if record["suppressed"]:
        lines.append(
            f"- {len(record['suppressed'])} finding(s) suppressed by the configuration, each with a reason"
        )
    lines += ["", f"Full record: `{AUDIT_FILE}`.", _END]
    return "\n".join(lines)


def update_card(path: str | Path, record: dict[str, Any]) -> bool:
    """Add or replace the guardrail section in an existing model card; False if there is none."""
    card = Path(path)
    if card.is_dir():
        card = card / CARD_FILE
    if not card.is_file():
        return False
    text = card.read_text(encoding="utf-8")
    section = card_section(record)
    pattern = re.compile(re.escape(_BEGIN) + ".*?" + re.escape(_END), re.S)
    text = (
        pattern.sub(lambda _: section, text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + section + "\n"
    )
    card.write_text(text, encoding="utf-8")
    return True
