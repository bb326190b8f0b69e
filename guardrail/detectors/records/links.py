"""Links to X inside values: post URLs, t.co short links, media hosts, and any other X host.

A post URL or t.co link in a post-sized value means the record was copied from X; the
same link inside a long article is a citation, which is much weaker evidence.
"""

from __future__ import annotations

from guardrail.detectors.records import record_patterns as kn
from guardrail.detectors.records.value_signal import Tally, ValueSignal, post_share_judge, rows_message
from guardrail.findings import Family, Severity
from guardrail.rules import Rule

STATUS_URL = Rule(
    "GR401",
    "record-x-status-url",
    Severity.HIGH,
    Family.RECORDS,
    "Records link to individual X posts (twitter.com/x.com status URLs or a front-end of X).",
    "Status URLs on twitter.com, x.com (also www./mobile./m.) and front-ends such as nitter, "
    "xcancel, fxtwitter, vxtwitter, fixupx. High when post-sized records carry them; a few "
    "links inside long articles are low.",
)
SHORT_LINK = Rule(
    "GR402",
    "record-x-short-link",
    Severity.HIGH,
    Family.RECORDS,
    "Records hold t.co short links, which X writes into every post.",
    "X rewrites every link in a post to t.co, so post-sized records with t.co links are posts.",
)
MEDIA_LINK = Rule(
    "GR403",
    "record-x-media-link",
    Severity.MEDIUM,
    Family.RECORDS,
    "Records link to media hosted by X (pic.twitter.com, *.twimg.com).",
    "One media link in a news article is weak evidence; many post-sized records with them are posts.",
)
X_LINK = Rule(
    "GR404",
    "record-x-link",
    Severity.LOW,
    Family.RECORDS,
    "Records link to X pages other than posts (profiles, share buttons, front-end pages).",
    "Informational: a link to an X profile or share button does not make a record a post.",
)
RULES = (STATUS_URL, SHORT_LINK, MEDIA_LINK, X_LINK)


def _x_link_judge(t: Tally) -> Severity | None:
    if t.post_like >= 3 and t.share(t.post_like) >= 0.2:
        return Severity.MEDIUM
    return Severity.LOW if t.matched else None


SIGNALS = (
    ValueSignal(
        "status-url",
        STATUS_URL,
        kn.status_url(),
        post_share_judge(high_min=1, high_share=0.02, medium_share=0.05),
        rows_message("Links to X posts"),
    ),
    ValueSignal(
        "short-link",
        SHORT_LINK,
        kn.short_link(),
        post_share_judge(high_min=1, high_share=0.02, medium_share=0.05),
        rows_message("t.co short links"),
    ),
    ValueSignal(
        "media-link",
        MEDIA_LINK,
        kn.media_link(),
        post_share_judge(high_min=3, high_share=0.10, medium_share=0.10, medium_post_min=1),
        rows_message("Links to X media"),
    ),
    ValueSignal(
        "x-link",
        X_LINK,
        kn.any_x_host(),
        _x_link_judge,
        rows_message("Links to X pages"),
        excludes=("status-url", "short-link", "media-link"),
    ),
)
