"""The small interface every card detector implements."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

from guardrail.findings import Finding
from guardrail.rules import Rule

if TYPE_CHECKING:
    from guardrail.detectors.card.parsed_card import Card

__all__ = ["CardDetector", "Rule"]


class CardDetector(Protocol):
    """Reads a parsed dataset card and yields findings."""

    @property
    def rules(self) -> tuple[Rule, ...]: ...

    def detect(self, card: Card) -> Iterator[Finding]: ...
