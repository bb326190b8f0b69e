"""Card prose: provenance blocks, mentions warn, false friends stay silent."""

from __future__ import annotations

import pytest

from guardrail.detectors.card.prose import DETECTOR
from guardrail.findings import Finding, Severity
from guardrail.readers.card_parser import parse_card


def prose(body: str, meta: str = "license: mit\n") -> list[Finding]:
    return list(DETECTOR.detect(parse_card(f"---\n{meta}---\n{body}", "README.md")))


def section(title: str, text: str) -> str:
    return f"# Dataset Card for Example\n\n## {title}\n\n{text}\n"


@pytest.mark.parametrize(
    "text",
    [
        "The data was collected with the Twitter API between 2019 and 2020.",
        "Only tweet IDs are released; use a hydration tool to recover the text.",
        "The corpus holds posts from X (formerly Twitter) about elections.",
        "It contains 4,000 tweets written in Levantine Arabic.",
        "A dataset of annotated tweets for stance detection.",
        "The corpus consists of newswire texts, Twitter messages and traffic reports.",
        "We collected the data from Twitter and Gab.",
        "Este corpus contiene 5.000 tuits anotados.",
        "Корпус содержит твиты на русском языке.",
        "収集したツイートのデータセットです。",
        "Tweets were labelled by three annotators.",
        "Tweets mentioning the vaccine were gathered between March and May 2021.",
        "We release the tweet ids and labels only, as the platform's terms require.",
        "The social subset was scraped from Twitter with a public scraper.",
        "The data comprises replies to political accounts on X (formerly Twitter).",
        "Twitter users in Nairobi wrote the posts in Sheng.",
        "Der Datensatz enthält 3.000 Tweets über das Wetter.",
        "Veri seti 10.000 tweetten oluşmaktadır.",
        "Hinglish tweets with sentiment labels.",
        "Tweets manually annotated for sarcasm.",
    ],
)
def test_provenance_sentences_block(text: str) -> None:
    hits = prose(section("Dataset Summary", text))
    assert [f.rule_id for f in hits] == ["GR201"], hits
    assert hits[0].severity is Severity.HIGH
    assert hits[0].location.line == 8


def test_field_documented_as_a_tweet_blocks() -> None:
    hits = prose(section("Data Fields", "- `text`: the text of the tweet\n- `label`: 0 or 1"))
    assert [f.rule_id for f in hits] == ["GR201"]


def test_title_naming_tweets_blocks() -> None:
    hits = prose("# Dataset Card for Affect in Tweets\n\nSome text.\n")
    assert [f.rule_id for f in hits] == ["GR201"]


@pytest.mark.parametrize(
    "body",
    [
        section("Dataset Summary", "Chest X-ray images from three hospitals."),
        section("Dataset Summary", "Launch telemetry published by SpaceX and notes on xAI models."),
        section("Languages", "The texts are in Twi, Ewe and Ga."),
        section("Dataset Summary", "Reposts and comments collected from Weibo."),
        section("Dataset Curators", "Follow us on Twitter at @example_lab for updates."),
        section("Dataset Summary", "Follow us on Twitter for updates."),
        section("Dataset Summary", "Each summary is no longer than a tweet."),
        section("Dataset Summary", "In this 2017 Twitter thread, a researcher argued MNIST is overused."),
        section("Citation Information", "@inproceedings{x, title={Sentiment in tweets}}"),
        "# Card\n\n- **Point of Contact:** [Twitter](https://twitter.com/example)\n",
        section("Dataset Summary", "Product reviews from an online shop; see dropbox.com/x.zip."),
        section(
            "Dataset Summary", "Edited headlines from news sites; unlike Twitter data, they are proofread."
        ),
        section("Dataset Summary", "The corpus contains no tweets; all texts are parliamentary speeches."),
        section("Dataset Summary", "Messages from Telegram channels and Sina Weibo microblog reposts."),
        section("Dataset Summary", "Our team announced the release on Twitter last spring."),
        section("Dataset Summary", "The X axis of each plot shows time; the Y axis shows load."),
        section("Dataset Summary", "Answers are capped at 280 characters, the length of a tweet."),
        section("Discussion of Biases", "Models trained on Twitter data are known to inherit its biases."),
        section("Dataset Summary", "Tuition fees and course catalogues from 40 universities."),
        section("Dataset Summary", "News articles from Kirundi outlets, some of which embed tweets."),
        section(
            "Dataset Summary", "Fact-checks of claims, including claims first made in tweets by politicians."
        ),
    ],
)
def test_false_friends_do_not_block(body: str) -> None:
    assert not [f for f in prose(body) if f.severity is Severity.HIGH]


def test_incidental_mention_warns_low() -> None:
    hits = prose(section("Dataset Summary", "Questions about companies such as Twitter and their founders."))
    assert [(f.rule_id, f.severity) for f in hits] == [("GR202", Severity.MEDIUM)]


def test_prose_names_the_configs_it_describes() -> None:
    meta = "configs:\n- config_name: news\n- config_name: social\n"
    hits = prose(section("Source Data", "The social config holds 2,000 tweets collected in 2020."), meta)
    assert hits[0].rule_id == "GR201"
    assert hits[0].configs == ("social",)


def test_licence_section_naming_x_terms() -> None:
    hits = prose(section("Licensing Information", "Use is subject to the Twitter Terms of Service."))
    assert [f.rule_id for f in hits] == ["GR203"]


def test_status_links_are_reported() -> None:
    text = "Example: https://twitter.com/someone/status/1234567890123456789 and https://t.co/AbCdEf123"
    hits = prose(section("Data Instances", text))
    assert "GR204" in [f.rule_id for f in hits]
