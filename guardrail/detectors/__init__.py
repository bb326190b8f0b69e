"""Detectors, one module per signal family, registered here explicitly.

To add a detector: write a module with a `RULES` tuple and a `DETECTOR` object, then add
both below. `tests/detectors/test_registry.py` fails if a module is left out.
"""

from __future__ import annotations

from guardrail.detectors import lineage
from guardrail.detectors import records as record_rules
from guardrail.detectors.card import card_input, metadata, prose
from guardrail.detectors.card.card_detector import CardDetector
from guardrail.detectors.card.parsed_card import Card
from guardrail.findings import Evidence
from guardrail.rules import Rule

CARD_DETECTORS: tuple[CardDetector, ...] = (metadata.DETECTOR, prose.DETECTOR)

_ALL_RULES: tuple[Rule, ...] = (
    *card_input.RULES,
    *metadata.RULES,
    *prose.RULES,
    *lineage.RULES,
    *record_rules.RULES,
)

RULES: dict[str, Rule] = {r.rule_id: r for r in _ALL_RULES}


def card_evidence(card: Card, target: str) -> Evidence:
    """Run every card detector on `card` (its input findings come first)."""
    findings = list(card.issues)
    for detector in CARD_DETECTORS:
        findings.extend(detector.detect(card))
    return Evidence(target=target, findings=tuple(findings))


__all__ = ["CARD_DETECTORS", "RULES", "CardDetector", "Rule", "card_evidence"]
