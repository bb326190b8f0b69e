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


# Every rule ID the detectors define. The configuration validates `severity` keys against
# it, and sits below the detectors (it cannot import them); tests/detectors/test_registry.py
# keeps this set equal to `guardrail.detectors.RULES`, so a new rule is added here too.
RULE_IDS: frozenset[str] = frozenset(
    {
        *("GR001", "GR002", "GR003", "GR004"),
        *("GR101", "GR102", "GR103", "GR104", "GR105", "GR106"),
        *("GR201", "GR202", "GR203", "GR204"),
        *("GR301", "GR302", "GR303"),
        *("GR401", "GR402", "GR403", "GR404", "GR405", "GR406", "GR407", "GR408", "GR409", "GR410", "GR411"),
        *("GR420", "GR421", "GR422", "GR423", "GR424", "GR425"),
    }
)
