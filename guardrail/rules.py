"""Rule metadata: the stable ID, name, severity and family every finding refers to."""

from __future__ import annotations

from dataclasses import dataclass

from guardrail.findings import Family, Finding, Location, Severity, shorten


@dataclass(frozen=True)
class Rule:
    """A stable rule: users, allowlists, severity overrides and SARIF refer to `rule_id`.

    Never renumber a rule; retire it and add a new ID instead.
    """

    rule_id: str
    name: str
    severity: Severity
    family: Family
    summary: str
    help: str = ""

    def finding(
        self,
        message: str,
        location: Location,
        evidence: str,
        *,
        severity: Severity | None = None,
        configs: tuple[str, ...] = (),
        matched: int | None = None,
        scanned: int | None = None,
        chain: tuple[str, ...] = (),
    ) -> Finding:
        return Finding(
            rule_id=self.rule_id,
            severity=severity or self.severity,
            message=message,
            location=location,
            evidence=shorten(evidence),
            family=self.family,
            configs=configs,
            matched=matched,
            scanned=scanned,
            chain=chain,
        )
