"""Markers that tweet corpora leave in text: anonymised mentions, retweets, embed credits.

Each is judged by how many post-sized records carry it, never by a single hit: `@USER`
in one sentence means little, in a fifth of short records it means a tweet corpus.
"""

from __future__ import annotations

from guardrail.detectors.records import record_patterns as kn
from guardrail.detectors.records.value_signal import Tally, ValueSignal, post_share_judge, rows_message
from guardrail.findings import Family, Severity
from guardrail.rules import Rule

PLACEHOLDERS = Rule(
    "GR407",
    "record-anonymised-mentions",
    Severity.HIGH,
    Family.RECORDS,
    "Records carry the mention placeholders of anonymised tweet corpora (@USER, @anonymized_account).",
    "High when a good share of post-sized records carry `@user`-style placeholders; bracket "
    "forms such as `<user>` are used by chat and forum corpora too and stay medium at most.",
)
RETWEETS = Rule(
    "GR408",
    "record-retweet-marker",
    Severity.HIGH,
    Family.RECORDS,
    "Records start with retweet markers (`RT @handle:`).",
    "Only X writes `RT @handle:` in front of a re-posted post; judged by share of records.",
)
EMBEDS = Rule(
    "GR409",
    "record-post-embed-credit",
    Severity.HIGH,
    Family.RECORDS,
    "Records end with the credit line of an embedded X post (`— Name (@handle) June 2, 2014`).",
    "Text copied from an embedded post keeps its credit line. Many short records with it are "
    "posts; one in a news article is a citation.",
)
RULES = (PLACEHOLDERS, RETWEETS, EMBEDS)


def _generic_placeholder_judge(t: Tally) -> Severity | None:
    if t.matched >= 2 and t.share() >= 0.05:
        return Severity.MEDIUM
    return Severity.LOW if t.matched else None


SIGNALS = (
    ValueSignal(
        "mention-placeholder",
        PLACEHOLDERS,
        kn.placeholder(mentions_only=True),
        post_share_judge(high_min=2, high_share=0.05, medium_share=0.05),
        rows_message("Anonymised @-mention placeholders"),
    ),
    ValueSignal(
        "generic-placeholder",
        PLACEHOLDERS,
        kn.placeholder(mentions_only=False),
        _generic_placeholder_judge,
        rows_message("User placeholders such as <user>/[USER]"),
        excludes=("mention-placeholder",),
    ),
    ValueSignal(
        "retweet-marker",
        RETWEETS,
        kn.record_knowledge().retweet_marker,
        post_share_judge(high_min=2, high_share=0.05, medium_share=0.05),
        rows_message("Retweet markers `RT @handle:`"),
    ),
    ValueSignal(
        "embed-credit",
        EMBEDS,
        kn.record_knowledge().embed_attribution,
        post_share_judge(high_min=3, high_share=0.10, medium_share=0.10, medium_post_min=1),
        rows_message("Credit lines of embedded X posts"),
    ),
)
