"""Findings about the data files themselves: what could not be read as records, and why.

None of these says the data is from X; they say what the scan could not fully see, so a
partial read never passes silently. Unparseable lines are still scanned as raw text.
"""

from __future__ import annotations

from guardrail.findings import Family, Severity
from guardrail.rules import Rule

EMPTY = Rule(
    "GR420",
    "records-empty",
    Severity.LOW,
    Family.INPUT,
    "A data file holds no records, so there was nothing to scan.",
)
MALFORMED = Rule(
    "GR421",
    "records-malformed",
    Severity.MEDIUM,
    Family.INPUT,
    "Some lines/rows could not be parsed (invalid or truncated JSON, ragged CSV); they were scanned as raw text.",
)
NOT_UTF8 = Rule(
    "GR422",
    "records-not-utf8",
    Severity.LOW,
    Family.INPUT,
    "A data file is not valid UTF-8; undecodable bytes were replaced before scanning.",
)
BINARY_COLUMN = Rule(
    "GR423",
    "records-binary-column",
    Severity.LOW,
    Family.INPUT,
    "A column holds binary values; only ASCII markers (URLs, placeholders) could be looked for in them.",
)
NULL_COLUMN = Rule(
    "GR424",
    "records-null-column",
    Severity.LOW,
    Family.INPUT,
    "A column is null in every scanned row, so it contributed nothing to the scan.",
)
HUGE_VALUE = Rule(
    "GR425",
    "records-huge-value",
    Severity.LOW,
    Family.INPUT,
    "A single value is unusually large (tens of MB); it was scanned, but is unlikely to be ordinary text.",
)
RULES = (EMPTY, MALFORMED, NOT_UTF8, BINARY_COLUMN, NULL_COLUMN, HUGE_VALUE)
