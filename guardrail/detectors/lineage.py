"""Lineage and knowledge-base rules: inherited X content and datasets known to hold it.

The rules are data; the resolution (Hub, cache, knowledge base, depth, cycles) lives in
`guardrail.sources.lineage_resolver`. GR106 in `detectors.card.metadata` stays as the name-only
fallback for entries that cannot be resolved (`extended|other-tweet-datasets` names no dataset at all).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from guardrail.detectors.card.parsed_card import Card, MetaField
from guardrail.findings import Family, Finding, Location, Severity
from guardrail.knowledge.x_datasets import KnownXDataset
from guardrail.rules import Rule

PARENT = Rule(
    "GR301",
    "lineage-parent-x",
    Severity.HIGH,
    Family.LINEAGE,
    "A dataset this one is derived from (source_datasets) holds X content.",
    "Derived data inherits the restriction on X content. The finding's chain runs from the target "
    "up to the dataset with the evidence; `medium` when only some configs of the parent hold X content.",
)
KNOWN = Rule(
    "GR302",
    "knowledge-base-x",
    Severity.HIGH,
    Family.KNOWLEDGE,
    "The dataset is listed in the knowledge base of datasets known to hold X content.",
    "guardrail/knowledge/x_datasets.toml (or a `known-x-datasets` entry of the configuration) lists "
    "this dataset with public evidence; the finding names the configs when only some hold X content.",
)
UNRESOLVED = Rule(
    "GR303",
    "lineage-unresolved",
    Severity.LOW,
    Family.LINEAGE,
    "A source dataset could not be resolved, so its provenance was not checked.",
    "The parent is not in the knowledge base and its card could not be read (not cached, offline, "
    "missing, gated or unreachable). Check it with `guardrail check NAME`, or set GR303 to `high` "
    "to block on unverified lineage.",
)
RULES = (PARENT, KNOWN, UNRESOLVED)

# Placeholders the Hub's card template uses instead of a dataset name.
_NOT_A_NAME = {"original", "extended", "other", "modified", "none", "unknown", "n/a", ""}
_HUB_NAME = re.compile(r"^(?:[A-Za-z0-9][\w.-]{0,95}/)?[A-Za-z0-9][\w.-]{0,95}$")


def source_name(value: str) -> str | None:
    """The dataset a `source_datasets` entry names, or None for placeholders.

    `extended|squad` -> `squad`; `original`, `extended|other-foo` -> None.
    """
    for part in value.split("|"):
        name = part.strip()
        if name.lower() in _NOT_A_NAME or name.lower().startswith("other-"):
            continue
        return name
    return None


def source_entries(card: Card) -> Iterator[tuple[MetaField, str | None]]:
    """Each `source_datasets` scalar with the dataset it names (None: placeholder or not an ID)."""
    for f in card.fields_under("source_datasets"):
        if f.path == "source_datasets" and f.value == "source_datasets":
            continue  # the parser's entry for the key of a list, not a value
        name = source_name(f.value)
        yield f, name if name is None or _HUB_NAME.match(name) else None


def knowledge_finding(
    entry: KnownXDataset, subject: str, config: str | None = None, *, version: str = ""
) -> Finding | None:
    """The GR302 finding for `subject` if `entry` covers `config` (None: the whole dataset)."""
    if not entry.covers(config):
        return None
    where = f"{entry.path}" + (f" (v{version})" if version and entry.kind != "user" else "")
    scope = f" (configs {', '.join(entry.configs)})" if entry.configs else ""
    return KNOWN.finding(
        f"`{subject}` is listed in the knowledge base of datasets holding X content{scope}; "
        f"source: {entry.source}.",
        Location(path=entry.path, line=entry.line, key=f"{entry.name}"),
        f"{entry.kind}: {entry.evidence} [{where}]",
        configs=entry.configs,
    )
