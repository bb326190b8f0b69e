"""SARIF 2.1.0 for code scanning: one rule per detector rule, results at card lines."""

from __future__ import annotations

import json
from pathlib import Path

from guardrail.findings import Finding, Report, Severity
from guardrail.reporters.options import PLAIN, ReportOptions

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}


def _uri(path: str) -> str:
    p = Path(path)
    return p.as_posix() if not p.is_absolute() else p.as_uri()


def _location(f: Finding, target: str) -> dict[str, object]:
    loc = f.location
    if loc.path and not (loc.path == target and "/" in target and not Path(target).exists()):
        physical: dict[str, object] = {"artifactLocation": {"uri": _uri(loc.path)}}
        if loc.line:
            physical["region"] = {"startLine": loc.line}
        out: dict[str, object] = {"physicalLocation": physical}
    else:
        out = {}
    logical = str(loc)
    out["logicalLocations"] = [{"fullyQualifiedName": f"{target}: {logical}", "kind": "resource"}]
    return out


def format_sarif(report: Report, options: ReportOptions = PLAIN) -> str:
    from guardrail.detectors import RULES

    rule_ids = sorted(RULES)
    index = {rid: i for i, rid in enumerate(rule_ids)}
    rules = [
        {
            "id": r.rule_id,
            "name": r.name,
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": r.help or r.summary},
            "help": {"text": r.help or r.summary},
            "defaultConfiguration": {"level": _LEVELS[r.severity]},
            "properties": {"family": r.family.value, "tags": ["x-content", r.family.value]},
        }
        for r in (RULES[rid] for rid in rule_ids)
    ]
    results = []
    notifications = []
    for t in report.targets:
        for f in t.findings:
            results.append(
                {
                    "ruleId": f.rule_id,
                    "ruleIndex": index.get(f.rule_id, -1),
                    "level": _LEVELS[f.severity],
                    "message": {
                        "text": f"{f.message} Evidence: {f.evidence} (target {t.target}, verdict {t.verdict.value})"
                    },
                    "locations": [_location(f, t.target)],
                    "partialFingerprints": {"guardrailFingerprint/v1": f.fingerprint},
                }
            )
        for p in t.problems:
            notifications.append(
                {
                    "level": "error",
                    "message": {
                        "text": f"{t.target}: could not check ({p.code}): {p.message} {p.hint}".strip()
                    },
                }
            )
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "guardrail",
                        "version": report.guardrail_version,
                        "informationUri": "https://github.com/guardrail-dev/guardrail",
                        "rules": rules,
                    }
                },
                "invocations": [
                    {"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}
                ],
                "results": results,
                "properties": {"suppressedCount": report.suppressed_count},
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
