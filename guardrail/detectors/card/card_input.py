"""Card input rules (GR001–GR004): what kept a dataset card from being read in full.

None of these says the data is from X; they say what the check could not see, so an
unreadable card never passes silently. The card parser (`guardrail.readers.card_parser`)
raises them; they live here, with the other rules, so the registry lists every rule.
"""

from __future__ import annotations

from guardrail.findings import Family, Severity
from guardrail.rules import Rule

RULE_EMPTY = Rule(
    "GR001",
    "card-empty",
    Severity.LOW,
    Family.INPUT,
    "The dataset card is empty, so nothing in it could be checked.",
)
RULE_BAD_METADATA = Rule(
    "GR002",
    "card-metadata-unreadable",
    Severity.MEDIUM,
    Family.INPUT,
    "The card's YAML front matter could not be parsed; its metadata was not checked.",
)
RULE_ENCODING = Rule(
    "GR003",
    "card-not-utf8",
    Severity.LOW,
    Family.INPUT,
    "The card is not valid UTF-8; undecodable bytes were replaced before scanning.",
)
RULE_NO_METADATA = Rule(
    "GR004",
    "card-no-metadata",
    Severity.LOW,
    Family.INPUT,
    "The card has no YAML front matter, so licence, tags and lineage could not be checked.",
)
RULES = (RULE_EMPTY, RULE_BAD_METADATA, RULE_ENCODING, RULE_NO_METADATA)
