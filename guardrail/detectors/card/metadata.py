"""Card YAML metadata: licence fields, gated prompts, tags, names, configs, columns, lineage.

Metadata is terse, so a platform word in the right field is strong evidence. Each rule
looks at its own keys and reports the YAML key path and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from guardrail.detectors.card.parsed_card import Card, MetaField
from guardrail.detectors.card.prose import other_platform_only
from guardrail.detectors.patterns import (
    identifier_pattern,
    licence_pattern,
    mention_pattern,
    strip_negated,
    x_url_pattern,
)
from guardrail.findings import Family, Finding, Location, Severity
from guardrail.rules import Rule

LICENCE = Rule(
    "GR101",
    "card-licence-x-terms",
    Severity.HIGH,
    Family.CARD_METADATA,
    "A licence field of the card names X/Twitter terms.",
    "license, license_name, license_link or license_details refers to X (Twitter) terms, "
    "which forbid training foundation or frontier models on X content.",
)
GATED = Rule(
    "GR102",
    "card-gated-x-terms",
    Severity.HIGH,
    Family.CARD_METADATA,
    "The card's access-gating prompt refers to X/Twitter.",
    "extra_gated_* fields ask users to accept X (Twitter) terms before downloading.",
)
DESCRIPTIVE = Rule(
    "GR103",
    "card-metadata-x-name",
    Severity.HIGH,
    Family.CARD_METADATA,
    "The card's name, tags or task metadata say the data is from X/Twitter.",
    "pretty_name, tags, task_ids, task_categories or paperswithcode_id name tweets or Twitter.",
)
CONFIGS = Rule(
    "GR104",
    "card-config-x",
    Severity.HIGH,
    Family.CARD_METADATA,
    "A dataset config or data file path of the card names X/Twitter.",
    "configs[].config_name or data_files paths name tweets or Twitter; the finding names the configs.",
)
COLUMNS = Rule(
    "GR105",
    "card-column-x",
    Severity.HIGH,
    Family.CARD_METADATA,
    "The card declares a column for tweets.",
    "dataset_info features or train-eval-index col_mapping declare a column such as `tweet`.",
)
SOURCES = Rule(
    "GR106",
    "card-source-datasets-x",
    Severity.HIGH,
    Family.LINEAGE,
    "source_datasets names a dataset of tweets.",
    "A dataset derived from X content inherits the restriction.",
)
RULES = (LICENCE, GATED, DESCRIPTIVE, CONFIGS, COLUMNS, SOURCES)

_LICENCE_KEYS = ("license", "license_name", "license_link", "license_details", "licenses")
_DESCRIPTIVE_KEYS = ("pretty_name", "tags", "task_ids", "task_categories", "paperswithcode_id")
_IGNORED_SOURCES = {"original", "extended", "other"}
# Keys that old cards wrote per config (`language: {it_twittiro: [it]}`): their mapping keys are
# config names. Elsewhere a mapping's keys are tags, gated-form questions and the like.
_PER_CONFIG_KEYS = frozenset(
    {
        "annotations_creators", "language_creators", "language", "languages", "licenses", "license",
        "multilinguality", "size_categories", "source_datasets", "task_categories", "task_ids",
        "paperswithcode_id", "pretty_name",
    }
)  # fmt: skip


def _loc(card: Card, f: MetaField) -> Location:
    return Location(path=card.path, line=f.line, key=f.path)


def _mentions(value: str) -> bool:
    value = strip_negated(value)
    return bool(mention_pattern().search(value) or x_url_pattern().search(value))


def _names_x(value: str) -> bool:
    """A metadata value or key names tweets/Twitter, negations aside (`-no-twitter`, `excluding tweets`)."""
    value = strip_negated(value)
    return bool(
        identifier_pattern().search(value) or mention_pattern().search(value) or x_url_pattern().search(value)
    )


_TASK_LISTS = ("task_ids", "task_categories")


def _copied_task_id(card: Card, f: MetaField) -> bool:
    """A tweet task in a shared task list that the card itself never claims.

    Members of a benchmark collection often copy one task-id list naming every sibling's
    task. When the list is long and neither the card's name, title, configs nor prose name
    tweets, the tweet task is a sibling's, not this dataset's.
    """
    if f.top_key not in _TASK_LISTS:
        return False
    siblings = [g for g in card.fields if g.top_key == f.top_key and g.path != g.top_key]
    if len(siblings) < 3:
        return False
    own = [g.value for g in card.fields if g.top_key in ("pretty_name", "configs", "dataset_info")]
    title = next((ln for ln in card.body.split("\n") if ln.startswith("# ")), "")
    return not any(_names_x(v) for v in (*own, title)) and not mention_pattern().search(
        strip_negated(card.body)
    )


def _config_of(card: Card, f: MetaField) -> str | None:
    # configs[3].data_files[0].path -> the config_name of configs[3]
    if not f.path.startswith("configs["):
        return None
    prefix = f.path.split("]", 1)[0] + "]"
    return next((g.value for g in card.fields if g.path == f"{prefix}.config_name"), None)


class CardMetadataDetector:
    rules = RULES

    def detect(self, card: Card) -> Iterator[Finding]:
        for f in card.fields_under(*_LICENCE_KEYS):
            if licence_pattern().search(f.value) or _mentions(f.value):
                yield LICENCE.finding(f"`{f.path}` refers to X/Twitter terms.", _loc(card, f), f.value)
        gated: set[str] = set()
        for f in card.fields:
            # Gated-form questions are mapping keys (`extra_gated_fields: {"I accept X's terms": checkbox}`).
            text = f"{f.path} {f.value}"
            if (
                f.top_key.startswith("extra_gated")
                and f.path not in gated  # a question and its answer type: one finding
                and (_mentions(text) or licence_pattern().search(text))
            ):
                gated.add(f.path)
                yield GATED.finding(
                    f"`{f.top_key}` asks users to accept X/Twitter terms.", _loc(card, f), text
                )
        other = other_platform_only(card)
        for finding in self._names(card):
            if other and finding.severity is Severity.HIGH:
                # The card is about another platform whose posts it calls tweets.
                finding = finding.with_severity(Severity.MEDIUM)
            yield finding

    def _names(self, card: Card) -> Iterator[Finding]:
        for f in card.fields_under(*_DESCRIPTIVE_KEYS):
            # `tags: {twitter: true}`: in a mapping the keys are the tags.
            key = f.path.split(".", 1)[1] if f.path.count(".") == 1 else ""
            keyed = bool(key) and isinstance(card.metadata.get(f.top_key), dict) and _names_x(key)
            if _names_x(f.value) or keyed:
                copied = _copied_task_id(card, f)
                yield DESCRIPTIVE.finding(
                    f"`{f.path}` names tweets or Twitter"
                    + (
                        "; it is one of a shared task list the card's own name and prose never claim"
                        " (copied collection metadata?)."
                        if copied
                        else "."
                    ),
                    _loc(card, f),
                    f.value,
                    severity=Severity.MEDIUM if copied else None,
                )
        yield from self._configs(card)
        yield from self._columns(card)
        for f in card.fields_under("source_datasets"):
            name = f.value.split("|", 1)[-1].strip()
            if name.lower() in _IGNORED_SOURCES:
                continue
            if identifier_pattern().search(strip_negated(name)):
                yield SOURCES.finding(
                    f"`{f.path}` names `{name}`, a dataset of tweets: derived data inherits the restriction.",
                    _loc(card, f),
                    f.value,
                    chain=(card.path, name),
                )

    def _configs(self, card: Card) -> Iterator[Finding]:
        hits: dict[str, MetaField] = {}
        for f in card.fields_under("configs", "dataset_info"):
            # `configs: [name, ...]` (legacy) or `configs: [{config_name: ..., data_files: ...}]`.
            is_name = f.path.endswith(".config_name") or re.fullmatch(r"configs\[\d+\]", f.path) is not None
            is_file = ".data_files" in f.path and not f.path.endswith(".split")
            if (is_name or is_file) and identifier_pattern().search(strip_negated(f.value)):
                config = f.value if is_name else (_config_of(card, f) or "?")
                hits.setdefault(config, f)
        for f in card.fields:
            # Legacy per-config metadata: `language: {it_twittiro: [it]}` keys are config names.
            parts = f.path.split(".")
            per_config = len(parts) == 2 and parts[0] in _PER_CONFIG_KEYS
            name = parts[-1].split("[", 1)[0]  # `language.it_twittiro[0]`: the config is it_twittiro
            if (
                per_config
                and isinstance(card.metadata.get(parts[0]), dict)
                and identifier_pattern().search(strip_negated(name))
            ):
                hits.setdefault(name, f)
        for config, f in hits.items():
            yield CONFIGS.finding(
                f"Config `{config}` is named for tweets/Twitter (`{f.path}`).",
                _loc(card, f),
                f.value,
                configs=(config,) if config != "?" else (),
            )

    def _columns(self, card: Card) -> Iterator[Finding]:
        seen: set[str] = set()
        for f in card.fields_under("dataset_info", "train-eval-index"):
            column = None
            if f.path.startswith("dataset_info") and f.path.endswith(".name") and ".features" in f.path:
                column = f.value
            elif ".col_mapping." in f.path:
                column = f.path.rsplit(".", 1)[-1]
            if column and identifier_pattern().search(strip_negated(column)) and column not in seen:
                seen.add(column)
                yield COLUMNS.finding(f"The card declares a column `{column}`.", _loc(card, f), column)


DETECTOR = CardMetadataDetector()
