"""Findings + configuration in, a decision out: no network, no writes, no state between calls.

It reads only the clock (today, unless `today` is given) and the local filesystem to match
allowlist paths (resolved against the working directory and the config file's folder).

Rules of the decision, in order:
1. A rule turned `off` suppresses its findings; other overrides change their severity.
2. A matching, unexpired allowlist entry suppresses findings (and could-not-check
   problems) with its reason; an expired one suppresses nothing and is reported. A finding
   whose fingerprint is in the baseline is suppressed as known (problems never are).
3. Any `high` finding blocks. `medium` findings from two independent signal families
   (say, card prose and records) corroborate each other and block.
4. Otherwise a problem (something could not be checked) gives `error`; any remaining
   finding gives `warn`, promoted to `block` by `warnings-as-errors`; else `pass`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from guardrail.config import AllowEntry, GuardrailConfig
from guardrail.findings import (
    Evidence,
    Family,
    Finding,
    Problem,
    Severity,
    Suppressed,
    TargetReport,
    Verdict,
)

_INDEPENDENT = {Family.CARD_METADATA, Family.CARD_PROSE, Family.RECORDS, Family.LINEAGE, Family.KNOWLEDGE}


def _norm_path(p: str, base: Path | None) -> Path:
    path = Path(p).expanduser()
    if not path.is_absolute() and base is not None:
        path = base / path
    return Path(str(path.resolve()).rstrip("/"))


def _matches(entry: AllowEntry, evidence: Evidence, base: Path | None) -> bool:
    resolved = evidence.resolved
    if entry.dataset is not None:
        names = {evidence.target.split("@", 1)[0], resolved.get("repo_id", "")}
        if entry.dataset not in names:
            return False
    else:
        assert entry.path is not None
        wanted = _norm_path(entry.path, base)
        here = _norm_path(resolved.get("path", evidence.target), Path.cwd())
        if here != wanted and wanted not in here.parents:
            return False
    if entry.revision:
        have = resolved.get("commit") or resolved.get("revision") or ""
        if not (have == entry.revision or (len(entry.revision) >= 7 and have.startswith(entry.revision))):
            return False
    return True


def _promote(config: GuardrailConfig, findings: tuple[Finding, ...], evidence: Evidence) -> bool:
    wae = config.warnings_as_errors
    if isinstance(wae, bool):
        return wae
    wanted = set(wae)
    configs = {c for f in findings for c in f.configs}
    if evidence.resolved.get("config"):
        configs.add(evidence.resolved["config"])
    return bool(configs & wanted)


def decide(evidence: Evidence, config: GuardrailConfig, today: dt.date | None = None) -> TargetReport:
    """Apply the policy to the evidence gathered for one target."""
    today = today or dt.date.today()
    base = Path(config.source).parent if config.source and Path(config.source).exists() else None
    notes = list(evidence.notes)
    entries: list[AllowEntry] = []
    for entry in config.allow:
        if not _matches(entry, evidence, base):
            continue
        if entry.expired(today):
            notes.append(
                f"allowlist entry for {entry.subject} expired on {entry.expires} and no longer "
                f"suppresses anything (reason was: {entry.reason})"
            )
        else:
            entries.append(entry)

    kept: list[Finding] = []
    suppressed: list[Suppressed] = []
    for finding in evidence.findings:
        severity = config.severity_for(finding.rule_id, finding.severity)
        if severity is None:
            where = config.source or "the configuration"
            suppressed.append(
                Suppressed(finding, f"rule {finding.rule_id} is turned off in {where}", "severity")
            )
            continue
        finding = finding if severity is finding.severity else finding.with_severity(severity)
        match = next((e for e in entries if not e.rules or finding.rule_id in e.rules), None)
        if match is not None:
            suppressed.append(Suppressed(finding, match.reason, "allowlist"))
        elif finding.fingerprint in config.baseline:
            suppressed.append(Suppressed(finding, "known: recorded in the baseline", "baseline"))
        else:
            kept.append(finding)

    problems: list[Problem] = []
    for problem in evidence.problems:
        match = next((e for e in entries if not e.rules), None)
        if match is not None:
            suppressed.append(Suppressed(problem, match.reason, "allowlist"))
        else:
            problems.append(problem)

    findings = tuple(sorted(kept, key=lambda f: (-f.severity.rank, f.rule_id)))
    medium_families = {
        f.family for f in findings if f.severity is Severity.MEDIUM and f.family in _INDEPENDENT
    }
    if any(f.severity is Severity.HIGH for f in findings):
        verdict = Verdict.BLOCK
    elif len(medium_families) >= 2:
        verdict = Verdict.BLOCK
        notes.append(
            "blocked on corroboration: medium evidence from "
            + " and ".join(sorted(f.value for f in medium_families))
        )
    elif problems:
        verdict = Verdict.ERROR
    elif findings:
        verdict = Verdict.BLOCK if _promote(config, findings, evidence) else Verdict.WARN
        if verdict is Verdict.BLOCK:
            notes.append("warnings promoted to errors by warnings-as-errors")
    else:
        verdict = Verdict.PASS
    return TargetReport(
        target=evidence.target,
        verdict=verdict,
        findings=findings,
        suppressed=tuple(suppressed),
        problems=tuple(problems),
        notes=tuple(notes),
        scan=evidence.scan,
        resolved=dict(evidence.resolved),
    )
