"""Everything a card says, as findings: the card detectors plus the records the card shows.

The card detectors (`guardrail.detectors`) judge metadata and prose; sample records and
documented fields are read out of the card (`guardrail.readers.card_examples`) and judged by
the scan engine. Every source that reads a card (card files, folders, Hub datasets, lineage
parents) uses this, so a card is judged the same way on every path.
"""

from __future__ import annotations

from guardrail.detectors import card_evidence
from guardrail.detectors.card.known_sources import CardSourcesDetector
from guardrail.detectors.card.parsed_card import Card
from guardrail.findings import Evidence
from guardrail.knowledge.x_datasets import KnowledgeBase
from guardrail.readers.card_examples import example_findings


def card_findings(card: Card, target: str, knowledge: KnowledgeBase | None = None) -> Evidence:
    """The card detectors' evidence for `card`, plus its example records' findings.

    Args:
        knowledge: The run's knowledge base; its `known-x-datasets` entries from the
            configuration are looked for in the card too (the detectors know the packaged ones).
    """
    evidence = card_evidence(card, target)
    own = tuple(e for e in knowledge.entries if e.kind == "user") if knowledge is not None else ()
    users = (
        tuple(CardSourcesDetector(KnowledgeBase(knowledge.version, own)).detect(card))
        if knowledge and own
        else ()
    )
    return Evidence(
        target=target,
        findings=evidence.findings + users + example_findings(card),
        problems=evidence.problems,
        notes=evidence.notes,
    )
