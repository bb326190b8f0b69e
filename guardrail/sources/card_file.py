"""A single dataset card file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from guardrail.detectors import card_evidence
from guardrail.errors import InputError
from guardrail.findings import Evidence, Problem
from guardrail.readers.card_parser import read_card

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
    evidence = card_evidence(card, target)
    findings, notes = evidence.findings, evidence.notes
    if ctx is not None:
        from guardrail.sources.lineage_resolver import lineage_evidence

        lineage = lineage_evidence(card, display, ctx, network=False, own=findings)
        findings, notes = lineage.findings, notes + lineage.notes
    return Evidence(target=target, findings=findings, notes=notes, resolved={"path": str(path)})


@dataclass(frozen=True)
class CardFileSource:
    target: str
    path: Path

    def gather(self, ctx: CheckContext) -> Evidence:
        return card_file_evidence(self.target, self.path, self.target, ctx)
