"""Baseline files: today's findings recorded by fingerprint, so CI fails only on new ones.

The workflow detect-secrets users know: `--write-baseline FILE` records every finding of a
run; `--baseline FILE` reports those as known (suppressed, counted) and fails on the rest,
and lists entries that no longer occur so the file can be pruned. Could-not-check problems
are never baselined: what was not read cannot be accepted as known.

Pure functions of text and reports; the CLI owns the files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from guardrail.errors import ConfigError
from guardrail.findings import BaselineEntry, Finding, Report

FORMAT = "guardrail-baseline/v1"


def _entry(target: str, finding: Finding) -> BaselineEntry:
    return BaselineEntry(
        fingerprint=finding.fingerprint,
        rule_id=finding.rule_id,
        target=target,
        location=str(finding.location),
        evidence=finding.evidence,
    )


def entries_of(report: Report) -> dict[str, BaselineEntry]:
    """Every finding of `report`, active or suppressed as known, keyed by fingerprint."""
    out: dict[str, BaselineEntry] = {}
    for t in report.targets:
        for f in t.findings:
            out.setdefault(f.fingerprint, _entry(t.target, f))
        for s in t.suppressed:
            if s.by == "baseline" and isinstance(s.item, Finding):
                out.setdefault(s.item.fingerprint, _entry(t.target, s.item))
    return out


def dump(entries: Mapping[str, BaselineEntry], guardrail_version: str) -> str:
    """The baseline file's text, sorted so that re-writing it gives a minimal diff."""
    doc = {
        "format": FORMAT,
        "guardrail_version": guardrail_version,
        "results": [entries[fp].to_dict() for fp in sorted(entries)],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def load(text: str, where: str) -> dict[str, BaselineEntry]:
    """Parse a baseline file.

    Raises:
        ConfigError: naming `where` and what is wrong, if it is not a guardrail baseline.
    """
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{where}: not a guardrail baseline: invalid JSON at line {exc.lineno}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("results"), list):
        raise ConfigError(f'{where}: not a guardrail baseline (expected "format": "{FORMAT}" and results)')
    out: dict[str, BaselineEntry] = {}
    for i, raw in enumerate(doc["results"]):
        fields = ("fingerprint", "rule_id", "target", "location", "evidence")
        if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in fields):
            raise ConfigError(f"{where}: results[{i}]: expected strings {', '.join(fields)}")
        out[raw["fingerprint"]] = BaselineEntry(*(raw[k] for k in fields))
    return out


def stale(report: Report, baseline: Mapping[str, BaselineEntry]) -> tuple[BaselineEntry, ...]:
    """Entries for targets of this run that no finding matched any more (fixed, or gone).

    Entries of targets this run did not check (pre-commit passes only changed files) are
    not stale: nothing was learnt about them.
    """
    checked = {t.target for t in report.targets}
    seen = {f.fingerprint for t in report.targets for f in t.findings}
    seen |= {s.item.fingerprint for t in report.targets for s in t.suppressed if isinstance(s.item, Finding)}
    return tuple(e for fp, e in sorted(baseline.items()) if fp not in seen and e.target in checked)
