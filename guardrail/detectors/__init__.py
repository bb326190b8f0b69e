"""Detectors, one module per signal family, registered here explicitly.

To add a detector: write a module with a `RULES` tuple and a `DETECTOR` object, then add
both below. `tests/detectors/test_registry.py` fails if a module is left out.
"""

from __future__ import annotations

from guardrail.detectors import lineage
from guardrail.detectors import records as record_rules
from guardrail.detectors.card import card_input, known_sources, metadata, prose
from guardrail.detectors.card.card_detector import CardDetector
from guardrail.detectors.card.parsed_card import Card
from guardrail.findings import Evidence, Problem, internal_error
from guardrail.rules import Rule

CARD_DETECTORS: tuple[CardDetector, ...] = (metadata.DETECTOR, prose.DETECTOR, known_sources.DETECTOR)

_ALL_RULES: tuple[Rule, ...] = (
    *card_input.RULES,
    *metadata.RULES,
    *prose.RULES,
    *known_sources.RULES,
    *lineage.RULES,
    *record_rules.RULES,
)

RULES: dict[str, Rule] = {r.rule_id: r for r in _ALL_RULES}


def card_evidence(card: Card, target: str) -> Evidence:
    """Run every card detector on `card`, each on its own (its input findings come first).

    A detector that fails becomes an `internal-error` problem (which blocks under every
    configuration), and the other detectors' findings still stand.
    """
    findings = list(card.issues)
    problems: list[Problem] = []
    for detector in CARD_DETECTORS:
        try:
            findings.extend(detector.detect(card))
        except Exception as exc:
            problems.append(internal_error(f"{target} ({type(detector).__name__})", exc))
    return Evidence(target=target, findings=tuple(findings), problems=(*card.problems, *problems))


__all__ = ["CARD_DETECTORS", "RULES", "CardDetector", "Rule", "card_evidence"]
