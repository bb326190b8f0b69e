"""Cards written for the detector tests: one heading and its text, run through a detector."""

from __future__ import annotations

from guardrail.detectors.card.card_detector import CardDetector
from guardrail.findings import Finding
from guardrail.readers.card_parser import parse_card


def section(title: str, text: str) -> str:
    """A card body with one `## title` section holding `text` (the text starts on line 8)."""
    return f"# Dataset Card for Example\n\n## {title}\n\n{text}\n"


def detect(detector: CardDetector, body: str, meta: str = "license: mit\n") -> list[Finding]:
    """`detector`'s findings on a card with front matter `meta` and `body`."""
    return list(detector.detect(parse_card(f"---\n{meta}---\n{body}", "README.md")))
