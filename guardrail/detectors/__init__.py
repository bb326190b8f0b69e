"""Detectors, one module per signal family, registered here explicitly.

To add a detector: write a module with a `RULES` tuple and a `DETECTOR` object, then add
both below. `tests/detectors/test_registry.py` fails if a module is left out.
"""

from __future__ import annotations

from guardrail import card
from guardrail.detectors import card_metadata, card_prose, lineage
from guardrail.detectors import records as record_rules
from guardrail.detectors.base import CardDetector, Rule

CARD_DETECTORS: tuple[CardDetector, ...] = (card_metadata.DETECTOR, card_prose.DETECTOR)

_ALL_RULES: tuple[Rule, ...] = (
    *card.RULES,
    *card_metadata.RULES,
    *card_prose.RULES,
    *lineage.RULES,
    *record_rules.RULES,
)

RULES: dict[str, Rule] = {r.rule_id: r for r in _ALL_RULES}

__all__ = ["CARD_DETECTORS", "RULES", "CardDetector", "Rule"]
