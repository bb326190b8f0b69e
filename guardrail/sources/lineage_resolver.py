"""Follow `source_datasets` upstream: knowledge base first, then the parent's own card.

Each parent is resolved once per run (`CheckContext.lineage_cache`), to a depth of
`lineage-depth`, stopping at cycles. A parent's evidence is decided by the same policy as
a target (so an allowlisted parent does not taint its children), and a parent that blocks
makes the child block with a chain `child → parent → grandparent: evidence`.

Where cards come from: for Hub targets the parent's card is read from the Hub (bounded
timeout) or the cache; for local card files and folders only from the local HF cache and
the knowledge base, never the network — a local check must stay fast, deterministic and
private in CI and pre-commit hooks. Parents that cannot be resolved are reported (GR303).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from guardrail.detectors import card_evidence
from guardrail.detectors.card.parsed_card import Card
from guardrail.detectors.lineage import PARENT, UNRESOLVED, knowledge_finding, source_entries
from guardrail.errors import HubAccessError, InputError
from guardrail.findings import Evidence, Finding, Location, Problem, Severity, Verdict
from guardrail.knowledge.x_datasets import normalise_name
from guardrail.policy import decide
from guardrail.readers.card_parser import read_card
from guardrail.readers.hub.ref import parse_ref

if TYPE_CHECKING:
    from guardrail.sources.context import CheckContext

GR106 = "GR106"


def hub_card_path(repo_id: str) -> str:
    """How a Hub card is shown in locations: openable with `huggingface_hub.HfFileSystem`."""
    return f"hf://datasets/{repo_id}/README.md"


DEPTH_NOTE = "deeper than lineage-depth"


@dataclass
class Lineage:
    """Resolves the parents of one card.

    Args:
        ctx: The run's context (config, lineage cache, Hub client).
        network: Whether parents may be read from the Hub (False: cache and knowledge base only).
    """

    ctx: CheckContext
    network: bool
    notes: list[str] = field(default_factory=list)

    def evidence(
        self, card: Card, subject: str, stack: tuple[str, ...] = (), own: tuple[Finding, ...] = ()
    ) -> Evidence:
        """Lineage findings for `subject`, whose card is `card`, plus its card findings `own`.

        GR106 (a parent's name mentions tweets) is the fallback for parents lineage cannot
        resolve; for a parent it did resolve, the resolved evidence replaces the guess.
        """
        stack = (*stack, normalise_name(subject))
        findings: list[Finding] = []
        notes: list[str] = []
        resolved: set[str] = set()
        for f, name in source_entries(card):
            if name is None:
                continue
            loc = Location(path=card.path, line=f.line, key=f.path)
            key = normalise_name(name)
            if key in stack:
                cycle = " → ".join([*stack[stack.index(key) :], key])
                notes.append(f"lineage cycle {cycle}: not followed further")
                continue
            if len(stack) > self.ctx.config.lineage_depth:
                notes.append(
                    f"lineage: `{name}` is {DEPTH_NOTE}={self.ctx.config.lineage_depth}; not followed"
                )
                continue
            parent = self.parent(name, stack)
            inherited, note = self._inherit(parent, subject, name, loc, f.value)
            if not any(i.rule_id == UNRESOLVED.rule_id for i in inherited):
                resolved.add(key)
            findings.extend(inherited)
            notes.extend(n for n in (note, *parent.notes) if n and n.startswith("lineage"))
        kept = tuple(
            f for f in own if not (f.rule_id == GR106 and f.chain and normalise_name(f.chain[-1]) in resolved)
        )
        return Evidence(target=subject, findings=kept + tuple(findings), notes=tuple(dict.fromkeys(notes)))

    def parent(self, name: str, stack: tuple[str, ...]) -> Evidence:
        """Everything known about one parent dataset, computed once per run."""
        key = normalise_name(name)
        cached = self.ctx.lineage_cache.get(key)
        if cached is not None:
            return cached
        kb = self.ctx.knowledge_base()
        entry = kb.lookup(name)
        found = knowledge_finding(entry, name, version=kb.version) if entry is not None else None
        if found is not None and entry is not None and not entry.configs:
            # Listed as a whole: its card adds nothing that could clear it.
            result = Evidence(target=name, findings=(found,), resolved={"repo_id": name})
        else:
            result = self._from_card(name, stack)
            if found is not None:
                result = Evidence(
                    target=name,
                    findings=(found, *result.findings),
                    notes=result.notes,
                    resolved=result.resolved,
                )
        if not any(DEPTH_NOTE in n for n in result.notes):
            # A result cut short by lineage-depth is only right for this depth: a target that
            # reaches the same parent higher up must follow it further, so it is not cached.
            self.ctx.lineage_cache[key] = result
        return result

    def _from_card(self, name: str, stack: tuple[str, ...]) -> Evidence:
        ref = parse_ref(name)
        client = self.ctx.hub()
        try:
            card_file = client.card(ref) if self.network else client.cached_card(ref)
        except HubAccessError as exc:
            return Evidence(target=name, problems=(Problem(exc.code, str(exc), exc.hint),))
        if card_file is None:
            why = "not in the knowledge base, and its card is not in the local HF cache (local targets do not query the Hub)"
            return Evidence(target=name, problems=(Problem("lineage-unresolved", f"`{name}`: {why}"),))
        resolved = {"repo_id": ref.repo_id, **({"commit": card_file.commit} if card_file.commit else {})}
        if card_file.path is None:
            return Evidence(
                target=name,
                notes=(f"lineage: `{name}` has no dataset card; its own sources are unknown",),
                resolved=resolved,
            )
        try:
            card = read_card(Path(card_file.path), hub_card_path(ref.repo_id))
        except InputError as exc:
            return Evidence(target=name, problems=(Problem("unreadable-card", str(exc)),), resolved=resolved)
        upstream = self.evidence(card, name, stack, card_evidence(card, name).findings)
        return Evidence(
            target=name,
            findings=upstream.findings,
            notes=upstream.notes,
            resolved=resolved,
        )

    def _inherit(
        self, parent: Evidence, child: str, name: str, loc: Location, raw: str
    ) -> tuple[list[Finding], str | None]:
        report = decide(parent, self.ctx.config)
        strong = [f for f in report.findings if f.severity in (Severity.HIGH, Severity.MEDIUM)]
        if report.verdict is Verdict.BLOCK or strong:
            origin = report.findings[0]
            tail = origin.chain[1:] if origin.chain else ()
            chain = (child, name, *tail)
            evidence = (
                origin.evidence
                if origin.rule_id == PARENT.rule_id
                else f"{name}: {origin.rule_id} {origin.evidence}"
            )
            severity = Severity.HIGH if report.verdict is Verdict.BLOCK else Severity.MEDIUM
            partial = {c for f in strong for c in f.configs}
            if partial and report.verdict is Verdict.BLOCK and all(f.configs for f in strong):
                # Only some configs of the parent hold X content; the child may not use them.
                severity = Severity.MEDIUM
            basis = " (knowledge base)" if origin.rule_id == "GR302" else ""
            message = (
                f"Source dataset `{name}` holds X content{basis}: {' → '.join(chain[1:])}; "
                "derived data inherits the restriction."
            )
            return [PARENT.finding(message, loc, evidence, severity=severity, chain=chain)], None
        if report.problems:
            p = report.problems[0]
            finding = UNRESOLVED.finding(
                f"Source dataset `{name}` could not be resolved ({p.code}): {p.message}",
                loc,
                raw,
                chain=(child, name),
            )
            return [finding], None
        unresolved = [f for f in report.findings if f.rule_id == UNRESOLVED.rule_id]
        if unresolved:
            return [
                UNRESOLVED.finding(
                    f.message, loc, f.evidence, chain=(child, *f.chain) if f.chain else (child, name)
                )
                for f in unresolved
            ], None
        if report.suppressed:
            reason = report.suppressed[0].reason
            return [], f"lineage: evidence against `{name}` is suppressed by the allowlist ({reason})"
        return [], f"lineage: `{name}` resolved; no X evidence upstream"


def lineage_evidence(
    card: Card, subject: str, ctx: CheckContext, *, network: bool, own: tuple[Finding, ...] = ()
) -> Evidence:
    """Lineage of one card (the entry point for sources).

    Args:
        card: The parsed card whose `source_datasets` to follow.
        subject: How the card's dataset is named in chains (Hub ID or the target as given).
        ctx: The run's context; its lineage cache is shared across targets.
        network: Whether parents may be read from the Hub.
        own: The card's own findings; returned with GR106 dropped for resolved parents.

    Returns:
        Evidence with `own` findings, GR301/GR303 findings and lineage notes.
    """
    return Lineage(ctx, network).evidence(card, subject, own=own)
