"""A single dataset card file."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from guardrail.detectors.card.parsed_card import Card
from guardrail.errors import InputError
from guardrail.findings import Evidence, Finding, Problem
from guardrail.readers.card_parser import read_card
from guardrail.sources.card_findings import card_findings

if TYPE_CHECKING:
    from guardrail.sources.context import CheckContext


def card_file_evidence(target: str, path: Path, display: str, ctx: CheckContext | None = None) -> Evidence:
    """Evidence from one card file; an unreadable card is a problem, never a pass.

    With `ctx`, `source_datasets` are followed through the knowledge base and the local HF
    cache (never the network: see `guardrail.sources.lineage_resolver`).
    """
    try:
        card = read_card(path, display)
    except InputError as exc:
        return Evidence(
            target=target,
            problems=(
                Problem(
                    "unreadable-card", str(exc), "fix or replace the card, or allowlist it with a reason"
                ),
            ),
            resolved={"path": str(path)},
        )
    evidence = card_findings(card, target, ctx.knowledge_base() if ctx is not None else None)
    findings, notes = evidence.findings, evidence.notes
    if ctx is not None:
        from guardrail.sources.lineage_resolver import lineage_evidence

        lineage = lineage_evidence(card, display, ctx, network=False, own=findings)
        findings, notes = lineage.findings + _known_self(card, path, ctx), notes + lineage.notes
    return Evidence(
        target=target,
        findings=findings,
        problems=evidence.problems,
        notes=notes,
        resolved={"path": str(path)},
    )


def _known_self(card: Card, path: Path, ctx: CheckContext) -> tuple[Finding, ...]:
    """A local copy of a known X dataset: the card states its Hub ID, and the ID is listed."""
    from guardrail.detectors.lineage import knowledge_finding, stated_hub_ids

    kb = ctx.knowledge_base()
    for name, where in stated_hub_ids(card, path.resolve().parent.name):
        entry = kb.lookup(name)
        finding = knowledge_finding(entry, name, version=kb.version) if entry is not None else None
        if finding is not None:
            message = f"The card states it is `{name}` ({where}). {finding.message}"
            return (dataclasses.replace(finding, message=message),)
    return ()


@dataclass(frozen=True)
class CardFileSource:
    target: str
    path: Path

    def gather(self, ctx: CheckContext) -> Evidence:
        return card_file_evidence(self.target, self.path, self.target, ctx)
