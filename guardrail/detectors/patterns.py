"""Regular expressions compiled from the knowledge files, shared by the detectors.

Every pattern here is RE2-compatible (no backreferences, no lookaround) so the record
scanner can hand the same source strings to pyarrow's RE2 engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from guardrail.knowledge import x_platform


def alternation(words: Iterable[str]) -> str:
    """Escaped alternatives, longest first so a longer word wins over its prefix."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def mention_pattern() -> re.Pattern[str]:
    """Any mention of the platform or of posts on it, in prose (case-insensitive).

    Latin-script words need a non-letter on both sides (so `Twi` and `SpaceX` never
    match); other scripts have no word spaces and match as substrings.
    """
    kb = x_platform()
    words = kb.platform_words + kb.post_words
    latin = tuple(w for w in words if w.isascii() or all(ord(c) < 0x250 for c in w))
    other = tuple(w for w in words if w not in latin)
    # "X" forms are matched case-sensitively and as whole tokens: `dropbox.com` ends in
    # "x.com" and "x api" is usually not the platform.
    forms = "|".join(kb.x_forms)
    return re.compile(
        rf"(?i:(?<![^\W\d_])(?:{alternation(kb.stems)})[^\W\d_]*|(?<![^\W\d_])(?:{alternation(latin)})(?![^\W\d_])"
        rf"|{alternation(other)})|(?<![\w.-])(?P<x>{forms})(?![\w-])"
    )


@cache
def platform_name_pattern() -> re.Pattern[str]:
    """The platform itself named (Twitter, an explicit X form), as opposed to a word for a post."""
    kb = x_platform()
    return re.compile(
        rf"(?i:(?<![^\W\d_])twitter)|(?<![\w.-])(?:{'|'.join(kb.x_forms)})(?![\w-])|(?i:twitter\.com)"
    )


@cache
def other_platform_pattern() -> re.Pattern[str]:
    """Another microblogging platform (Weibo, StockTwits, Mastodon, Bluesky...), case-insensitive."""
    return re.compile(rf"(?<![\w.])(?:{'|'.join(x_platform().other_platforms)})(?![\w])", re.IGNORECASE)


@cache
def negated_pattern() -> re.Pattern[str]:
    """The platform or its posts negated or excluded: `no Twitter`, `-no-twitter`, `excluding tweets`,
    `without X data`, `Twitter data was removed`. Matched spans are removed before judging."""
    kb = x_platform()
    before = "|".join(kb.negations_before)
    after = "|".join(kb.negations_after)
    target = r"(?:twitter|tweets?|retweets?|x(?=[\s_-]+(?:data|posts?|content))|x\.com)"
    return re.compile(
        rf"(?<![a-z])(?:{before})(?:[\s_-]+(?:the|any|all|of|from|[a-z]+ed))*[\s_-]+{target}"
        rf"(?:[\s_-]+(?:data|posts?|content|texts?|messages?|sources?|subsets?|corpora|datasets?))?(?![a-z])"
        rf"|(?<![a-z]){target}(?:[\s_-]+(?:data|posts?|content|texts?|messages?|sources?|subsets?))?\s+(?:{after})",
        re.IGNORECASE,
    )


def strip_negated(text: str) -> str:
    """`text` with negated or excluded mentions of the platform blanked out."""
    return negated_pattern().sub(" ", text) if negated_pattern().search(text) else text


@cache
def identifier_pattern() -> re.Pattern[str]:
    """Platform words inside identifiers (`tweet_eval`, `it_twittiro`, `TweetQA`)."""
    return re.compile(r"tweet|twitt|retweet|twitter", re.IGNORECASE)


@cache
def x_url_pattern() -> re.Pattern[str]:
    """A URL or bare host on any X domain (platform, shortener, media, mirrors)."""
    kb = x_platform()
    hosts = alternation(kb.all_domains)
    return re.compile(
        rf"(?:https?://)?(?:[a-z0-9-]+\.)*(?:{hosts})(?:/[^\s)\]>\"']*)?(?![\w.-])", re.IGNORECASE
    )


@cache
def status_url_pattern() -> re.Pattern[str]:
    """A link to one post: `twitter.com/<user>/status/<id>` and mirrors, or a t.co link."""
    kb = x_platform()
    hosts = alternation(kb.platform_domains + kb.mirror_domains)
    return re.compile(
        rf"(?:https?://)?(?:[a-z0-9-]+\.)*(?:{hosts})/(?:[\w]+|i/web)/status(?:es)?/\d+"
        rf"|(?:https?://)?t\.co/[A-Za-z0-9]{{6,}}",
        re.IGNORECASE,
    )


@cache
def licence_pattern() -> re.Pattern[str]:
    kb = x_platform()
    return re.compile(f"{alternation(kb.licence_names)}|{alternation(kb.licence_links)}", re.IGNORECASE)
