"""SARIF 2.1.0 for code scanning: one rule per detector rule, every result placed in a file.

GitHub code scanning shows a result only with a physical location and a `startLine`, so
every finding has one: the card or file line where known, else line 1 of the file with the
dataset row in a logical location and the result's properties. Could-not-check problems are
results too (level `error`, rule `could-not-check`): a run that read nothing must not look
clean in the code-scanning view.
"""

from __future__ import annotations

import json
from pathlib import Path

from guardrail._project import HOME_URL
from guardrail.findings import Finding, Problem, Report, Severity, TargetReport
from guardrail.reporters.options import PLAIN, ReportOptions
from guardrail.reporters.printable import json_safe

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}
PROBLEM_RULE: dict[str, object] = {
    "id": "could-not-check",
    "name": "could-not-check",
    "shortDescription": {"text": "A target could not be checked, so nothing can be said about it."},
    "fullDescription": {
        "text": "guardrail could not read the target (unreachable or gated Hub repo, unreadable file, "
        "a format it does not read, or a guardrail bug). It fails closed: the target blocks unless "
        "the configuration fails open."
    },
    "help": {"text": "Follow the 'To proceed' advice in the result message."},
    "defaultConfiguration": {"level": "error"},
    "properties": {"tags": ["x-content", "could-not-check"]},
}


def _uri(path: str) -> str:
    p = Path(path)
    return p.as_posix() if not p.is_absolute() else p.as_uri()


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def _physical(path: str, line: int | None) -> dict[str, object]:
    return {"artifactLocation": {"uri": _uri(path)}, "region": {"startLine": line or 1}}


def _finding_location(f: Finding, target: str) -> dict[str, object]:
    loc = f.location
    path = loc.path if loc.path else target
    return {
        "physicalLocation": _physical(path, loc.line),
        "logicalLocations": [{"fullyQualifiedName": f"{target}: {loc}", "kind": "resource"}],
    }


def _finding_result(f: Finding, t: TargetReport, index: dict[str, int]) -> dict[str, object]:
    loc = f.location
    props: dict[str, object] = {"target": t.target, "verdict": t.verdict.value, "family": f.family.value}
    props.update({k: v for k, v in loc.to_dict().items() if k in ("config", "split", "row", "column", "key")})
    return {
        "ruleId": f.rule_id,
        "ruleIndex": index.get(f.rule_id, -1),
        "level": _LEVELS[f.severity],
        "message": {
            "text": f"{_sentence(f.message)} Evidence: {_sentence(f.evidence)} "
            f"Verdict for {t.target}: {t.verdict.value}."
        },
        "locations": [_finding_location(f, t.target)],
        "partialFingerprints": {"guardrailFingerprint/v1": f.fingerprint},
        "properties": props,
    }


def _problem_result(p: Problem, t: TargetReport, index: int) -> dict[str, object]:
    text = f"Could not check {t.target} ({p.code}): {_sentence(p.message)}"
    if p.hint:
        text += f" To proceed: {_sentence(p.hint)}"
    path = t.resolved.get("path") or t.target
    return {
        "ruleId": PROBLEM_RULE["id"],
        "ruleIndex": index,
        "level": "error",
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": _physical(path if Path(path).exists() else t.target, None),
                "logicalLocations": [{"fullyQualifiedName": t.target, "kind": "resource"}],
            }
        ],
        "partialFingerprints": {"guardrailFingerprint/v1": f"problem:{t.target}:{p.code}"},
        "properties": {"target": t.target, "verdict": t.verdict.value, "code": p.code},
    }


def format_sarif(report: Report, options: ReportOptions = PLAIN) -> str:
    from guardrail.detectors import RULES

    rule_ids = sorted(RULES)
    index = {rid: i for i, rid in enumerate(rule_ids)}
    rules: list[dict[str, object]] = [
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
    rules.append(PROBLEM_RULE)
    results: list[dict[str, object]] = []
    notifications = []
    for t in report.targets:
        results.extend(_finding_result(f, t, index) for f in t.findings)
        for p in t.problems:
            results.append(_problem_result(p, t, len(rules) - 1))
            notifications.append({"level": "error", "message": results[-1]["message"]})
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "guardrail",
                        "version": report.guardrail_version,
                        "informationUri": HOME_URL,
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
    return json_safe(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"
