"""A dataset on the Hugging Face Hub: card, metadata, lineage, knowledge base, sampled records.

Order matters for honesty: metadata first (it pins the commit every later read uses), then
the card at that commit, so card, lineage and records describe the same state of the repo.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from guardrail.errors import HubAccessError, InputError
from guardrail.findings import Evidence, Problem
from guardrail.readers.hub.failures import OFFLINE_NO_RECORDS

if TYPE_CHECKING:
    from guardrail.detectors.card.parsed_card import Card
    from guardrail.readers.hub.client import RepoInfo
    from guardrail.readers.hub.ref import HubRef
    from guardrail.sources.context import CheckContext


@dataclass(frozen=True)
class HubSource:
    """A Hub dataset ID (`org/name`, legacy `name`, optionally `@revision`).

    Args:
        target: The target as given; echoed in the report.
        config: The dataset config that will be used, when known (the loader hook knows it):
            knowledge-base entries about other configs of a collection then do not apply.
    """

    target: str
    config: str | None = None

    def gather(self, ctx: CheckContext) -> Evidence:
        from guardrail.readers.hub.ref import parse_ref

        ref = parse_ref(self.target)
        client = ctx.hub()
        pins = {"repo_id": ref.repo_id, **({"revision": ref.revision} if ref.revision else {})}
        notes: list[str] = []
        try:
            info = client.info(ref)
            commit = info.commit if info is not None else None
            card_file = client.card(ref, commit)
        except HubAccessError as exc:
            return Evidence(
                target=self.target, problems=(Problem(exc.code, str(exc), exc.hint),), resolved=pins
            ).merge(self._knowledge(ref, ctx))
        problems: list[Problem] = []
        if info is None and ctx.config.scan_records:
            # The card alone passing says nothing of the records: X content often shows only there.
            problems.append(
                Problem(
                    OFFLINE_NO_RECORDS,
                    f"{self.target}: HF_HUB_OFFLINE is set: the cached card was checked, but Hub metadata "
                    "and the dataset's records could not be read",
                    "run the check with the Hub reachable to sample its records, or pass --no-records "
                    "(scan-records = false) to judge the card alone",
                )
            )
        elif info is None:
            notes.append("HF_HUB_OFFLINE is set: checked the cached card; Hub metadata not read")
        elif info.gated:
            notes.append(f"the dataset is gated on the Hub ({info.gated})")
        commit = commit or card_file.commit
        if commit:
            pins["commit"] = commit
        card = self._card(card_file.path, ref) if card_file.path else None
        evidence = Evidence(target=self.target, resolved=pins, notes=tuple(notes), problems=tuple(problems))
        if card is None and card_file.path is None:
            evidence = evidence.merge(
                Evidence(
                    target=self.target,
                    notes=("the repo has no dataset card (README.md); judged on metadata and records",),
                )
            )
        elif isinstance(card, Problem):
            evidence = evidence.merge(Evidence(target=self.target, problems=(card,)))
        else:
            assert card is not None
            evidence = evidence.merge(self._card_and_lineage(card, ref, ctx))
        evidence = evidence.merge(self._knowledge(ref, ctx))
        configs = self._configs(card if not isinstance(card, Problem) else None, info)
        if configs != (None,):
            pins = {**pins, "configs": ", ".join(str(c) for c in configs)}
            if len(configs) == 1:
                pins["config"] = str(configs[0])
        evidence = evidence.merge(Evidence(target=self.target, resolved=pins))
        if ctx.config.scan_records and info is not None:
            from guardrail.readers.hub.record_sample import scan_hub_records

            evidence = evidence.merge(scan_hub_records(ref, commit, configs, ctx.config, self.target))
        return evidence

    def _card(self, path: str, ref: HubRef) -> Card | Problem:
        from guardrail.readers.card_parser import read_card
        from guardrail.sources.lineage_resolver import hub_card_path

        try:
            return read_card(Path(path), hub_card_path(ref.repo_id))
        except InputError as exc:
            return Problem(
                "unreadable-card", str(exc), "fix the card on the Hub, or allowlist it with a reason"
            )

    def _card_and_lineage(self, card: Card, ref: HubRef, ctx: CheckContext) -> Evidence:
        from guardrail.sources.card_findings import card_findings
        from guardrail.sources.lineage_resolver import lineage_evidence

        own = card_findings(card, self.target, ctx.knowledge_base())
        lineage = lineage_evidence(card, ref.repo_id, ctx, network=True, own=own.findings)
        return Evidence(
            target=self.target,
            findings=lineage.findings,
            problems=own.problems,
            notes=own.notes + lineage.notes,
        )

    def _knowledge(self, ref: HubRef, ctx: CheckContext) -> Evidence:
        from guardrail.detectors.lineage import knowledge_finding

        kb = ctx.knowledge_base()
        entry = kb.lookup(ref.repo_id)
        if entry is None:
            return Evidence(target=self.target)
        finding = knowledge_finding(entry, ref.repo_id, self.config, version=kb.version)
        if finding is None:
            return Evidence(
                target=self.target,
                notes=(
                    f"knowledge base lists X content only in configs {', '.join(entry.configs)} "
                    f"of {ref.repo_id}; config {self.config} is not among them",
                ),
            )
        return Evidence(
            target=self.target,
            findings=(finding,),
            notes=("this verdict rests in part on guardrail's knowledge base (GR302)",),
        )

    def _configs(self, card: Card | None, info: RepoInfo | None) -> tuple[str | None, ...]:
        if self.config is not None:
            return (self.config,)
        names: list[str] = list(card.config_names) if card is not None else []
        if not names and info is not None:
            raw = info.card_data.get("configs") or []
            names = [c["config_name"] for c in raw if isinstance(c, dict) and "config_name" in c]
        return tuple(dict.fromkeys(names)) or (None,)
