"""Each record rule on small hand-written values: (rows, expected rule -> severity)."""

from __future__ import annotations

import pytest
from record_helpers import FILLER, by_rule, scan_values

ARTICLE = " ".join(["The council met on Tuesday to discuss the budget and the new bridge."] * 12)

CASES = [
    # posts: post-sized rows with status URLs / t.co / placeholders are high
    (
        "status urls",
        ["look https://twitter.com/jane_doe/status/1234567890123 wow", *FILLER[:9]],
        {"GR401": "high"},
    ),
    ("x.com status", ["x.com/someone/status/99999999 ok", *FILLER[:9]], {"GR401": "high"}),
    ("mobile status", ["see mobile.twitter.com/a/status/123456 now", *FILLER[:9]], {"GR401": "high"}),
    ("nitter mirror", ["via nitter.example.org/bob/status/123456789", *FILLER[:9]], {"GR401": "high"}),
    ("fxtwitter", ["https://fxtwitter.com/bob/status/123456789", *FILLER[:9]], {"GR401": "high"}),
    ("t.co", ["so true https://t.co/AbCdEf1234", *FILLER[:9]], {"GR402": "high"}),
    ("mentions", ["@USER you are right", "@USER no way", *FILLER[:8]], {"GR407": "high"}),
    ("anonymized", ["@anonymized_account brawo", "@anonymized_account tak", *FILLER[:8]], {"GR407": "high"}),
    ("retweets", ["RT @newsdesk: breaking story", "RT @bob: lol", *FILLER[:8]], {"GR408": "high"}),
    (
        "embed credits",
        [f"Great game tonight #{i} Jane Doe (@janedoe) June 2, 2014" for i in range(4)] + FILLER[:6],
        {"GR409": "high"},
    ),
    (
        "tweet json",
        ['{"id_str": "1", "retweet_count": 3, "user": {"screen_name": "a"}}', *FILLER[:9]],
        {"GR406": "high"},
    ),
    ("v2 json", ['{"edit_history_tweet_ids": ["1"], "text": "hi"}', *FILLER[:9]], {"GR406": "high"}),
    ("tagged id", ["1178610029273976833_twitter", *FILLER[:9]], {"GR410": "high"}),
    ("rehydration placeholder", ["TWEET_NOT_FOUND", *FILLER[:9]], {"GR410": "high"}),
    # one retweet with a post link among many rows is still a post
    (
        "rare certain post",
        ["RT @bob: look https://x.com/bob/status/123456789", *FILLER * 5],
        {"GR401": "high", "GR408": "high"},
    ),
    # a sentence of a news story quoting an embedded post is not
    (
        "sentence-split embed",
        ["Read this https://t.co/AbCdEf12 pic.twitter.com/XyZ — Jo (@jo) May 3, 2021", *FILLER * 5],
        {"GR402": "medium", "GR403": "medium", "GR409": "medium"},
    ),
    # weak or supporting evidence
    ("bare label", ["twitter", *FILLER[:39]], {"GR410": "medium"}),
    ("snowflake column", ["1227261586521382913", "1227435952961937413", "abc", "def"], {"GR411": "medium"}),
    ("few snowflakes", ["1227261586521382913", *FILLER[:39]], {}),
    ("chat placeholder", ["<user> hi", "<user> is now known as <user>", *FILLER[:8]], {"GR407": "medium"}),
    (
        "profile link",
        [f"{ARTICLE} follow https://twitter.com/janedoe for more", *FILLER[:9]],
        {"GR404": "low"},
    ),
    # a news article embedding one post is weak, never high
    (
        "news embed",
        [
            f"{ARTICLE} #Burundi pic.twitter.com/YjSYnf — SOS Media (@SOSMedia) April 27, 2020 {ARTICLE}",
            *FILLER,
        ],
        {"GR403": "low", "GR409": "low"},
    ),
    (
        "status in article",
        [f"{ARTICLE} as she wrote at twitter.com/jd/status/12345 today {ARTICLE}", *FILLER],
        {"GR401": "low"},
    ),
    # false friends
    ("clean", FILLER, {}),
    ("email", ["mail bob@user.com or box.com/files", "microsoft.com/about", *FILLER[:8]], {}),
    ("x.com lookalike", ["visit fedex.com and netflix.com", *FILLER[:9]], {}),
    ("ruby ivar", [f"{ARTICLE} def show; @user.name; end {ARTICLE}", *FILLER[:9]], {}),
]


@pytest.mark.parametrize(("name", "rows", "expected"), CASES, ids=[c[0] for c in CASES])
def test_value_rules(name: str, rows: list[str], expected: dict[str, str]) -> None:
    assert by_rule(scan_values(rows)) == expected


EVASIONS = [
    "twitter[.]com/jd/status/1234567",
    "twitter(.)com/jd/status/1234567",
    "TWITTER.COM/jd/status/1234567",
    "twitter\u200b.com/jd/status/1234567",
    "twitter\u2024com/jd/status/1234567",
    "twitter\uff0ecom/jd/status/1234567",
    "twitter\u3002com/jd/status/1234567",
    "twitter%2Ecom%2Fjd%2Fstatus%2F1234567",
    "hxxps://twitter[dot]com/jd/status/1234567",
    "ｔｗｉｔｔｅｒ.com/jd/status/1234567",
]


# Post URLs in every form X has served them, short ids included (the first post is 20).
POST_URL_FORMS = [
    "https://twitter.com/jack/status/20",
    "https://twitter.com/a/status/123",
    "https://twitter.com/statuses/1234567890123456789",
    "https://twitter.com/#!/jd/status/123456789",
    "https://mobile.twitter.com/i/web/status/1234567",
]


@pytest.mark.parametrize("value", EVASIONS + [f"so true {url}" for url in POST_URL_FORMS])
def test_post_urls_in_every_form_and_disguise_are_post_urls(value: str) -> None:
    assert by_rule(scan_values([value, *FILLER[:9]])) == {"GR401": "high"}


def test_finding_carries_location_span_and_counts() -> None:
    rows = [*FILLER[:5], "wow https://t.co/AbCdEf1234", *FILLER[5:10]]
    [f] = scan_values(rows, row_offset=100)
    assert (f.location.split, f.location.row, f.location.column) == ("train", 105, "text")
    assert f.evidence == "https://t.co/AbCdEf1234"
    assert (f.matched, f.scanned) == (1, 11)


def test_shares_are_judged_per_config() -> None:
    import pyarrow as pa

    from guardrail.scan.scanner import RecordScanner

    scanner = RecordScanner()
    scanner.scan_batch(pa.table({"text": FILLER * 50}), config_name="news")
    scanner.scan_batch(pa.table({"text": ["ok https://t.co/AbCdEf1234"] * 5}), config_name="tweets")
    [f] = [f for f in scanner.findings() if f.rule_id == "GR402"]
    assert f.severity.value == "high" and f.configs == ("tweets",) and f.scanned == 5


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("read https://t.co/a", {"GR402": "high"}),  # an explicit scheme: any t.co path
        ("read http://t.co/abc", {"GR402": "high"}),
        ("read t.co/abc here", {"GR404": "low"}),  # bare and short: an X host, not a short link
        ("read t.co/AbCdEf1234", {"GR402": "high"}),
    ],
)
def test_short_links_with_a_scheme_count_at_any_length(value: str, expected: dict[str, str]) -> None:
    assert by_rule(scan_values([value, *FILLER[:9]])) == expected


@pytest.mark.parametrize("padding", [" " * 600, "\n" * 600, "\u3000" * 600, " \n\t" * 200])
def test_padding_a_post_with_whitespace_keeps_it_post_sized(padding: str) -> None:
    rows = [
        f"RT @bob: great game https://x.com/someone/status/1234567890123456789 {i}{padding}"
        for i in range(20)
    ]
    findings = scan_values(rows)
    assert by_rule(findings)["GR401"] == "high"
    status = next(f for f in findings if f.rule_id == "GR401")
    assert "20 post-sized" in status.message
