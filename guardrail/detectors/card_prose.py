"""Card prose (placeholder, replaced below)."""

from __future__ import annotations

from collections.abc import Iterator

from guardrail.card import Card
from guardrail.findings import Finding
from guardrail.rules import Rule

RULES: tuple[Rule, ...] = ()


class CardProseDetector:
    rules = RULES

    def detect(self, card: Card) -> Iterator[Finding]:
        return iter(())


DETECTOR = CardProseDetector()
