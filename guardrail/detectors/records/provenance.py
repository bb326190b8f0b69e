"""Provenance in the records themselves: fields naming X, platform labels, post IDs.

A `source`/`platform`/`url`/`meta.*` value naming X says outright where a record came
from. Bare 18–19 digit IDs look like X post IDs, but Discord and others use the same
snowflake shape, so they only ever support other evidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from guardrail.detectors.records import record_patterns as kn
from guardrail.detectors.records.value_signal import Tally, ValueSignal, rows_of
from guardrail.findings import Family, Severity
from guardrail.rules import Rule

PROVENANCE = Rule(
    "GR410",
    "record-provenance-x",
    Severity.HIGH,
    Family.RECORDS,
    "Per-record provenance names X/Twitter (a source, platform, url, licence or meta field, or a label value).",
    "Fields such as source, platform, url, license or meta.* whose values name X; whole values that "
    "tag post IDs with the platform (`1178…_twitter`) or mark deleted posts (`TWEET_NOT_FOUND`). "
    "A bare `twitter` value in an ordinary column is medium.",
)
SNOWFLAKES = Rule(
    "GR411",
    "record-snowflake-ids",
    Severity.MEDIUM,
    Family.RECORDS,
    "A column holds bare 18–19 digit snowflake IDs, the shape of X post IDs (supporting evidence only).",
    "Discord and others use the same ID shape, so this is at most medium and needs corroboration.",
)
RULES = (PROVENANCE, SNOWFLAKES)


def _field_judge(t: Tally) -> Severity | None:
    return Severity.HIGH if t.matched else None


def _label_judge(t: Tally) -> Severity | None:
    if t.strong:
        return Severity.HIGH
    return Severity.MEDIUM if t.matched else None


def snowflake_judge(t: Tally) -> Severity | None:
    if t.share() >= 0.25:
        return Severity.MEDIUM
    return Severity.LOW if t.share() >= 0.05 else None


_STRONG_LABEL = re.compile(kn.strong_label_value(), re.IGNORECASE)


def _refine_label(values: Sequence[str]) -> list[int]:
    return [2 if _STRONG_LABEL.search(v) else 1 for v in values]


SIGNALS = (
    ValueSignal(
        "provenance-field",
        PROVENANCE,
        kn.provenance_value(),
        _field_judge,
        lambda t: f"A provenance field names X/Twitter in {rows_of(t)}.",
        provenance_only=True,
    ),
    ValueSignal(
        "label-value",
        PROVENANCE,
        kn.label_value(),
        _label_judge,
        lambda t: (
            f"Values that label records as X posts in {rows_of(t)}"
            + (f" ({t.strong:,} tagged post IDs or deleted-post placeholders)." if t.strong else ".")
        ),
        refine=_refine_label,
        scalar_only=True,
    ),
    ValueSignal(
        "snowflake-id",
        SNOWFLAKES,
        kn.SNOWFLAKE,
        snowflake_judge,
        lambda t: f"Bare 18–19 digit IDs (the shape of X post IDs, also Discord's) in {rows_of(t)}.",
        scalar_only=True,
    ),
)
