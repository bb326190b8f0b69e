"""Card prose: provenance blocks, mentions warn, false friends stay silent."""

from __future__ import annotations

import pytest
from card_text import detect, section

from guardrail.detectors.card.prose import DETECTOR
from guardrail.findings import Finding, Severity


def prose(body: str, meta: str = "license: mit\n") -> list[Finding]:
    return detect(DETECTOR, body, meta)


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


# Sentences that name the platform or its posts without saying the data came from X, by kind.
NOT_PROVENANCE = [
    # negations and exclusions
    ("Dataset Summary", "The corpus contains no Twitter data; all texts are forum posts."),
    ("Dataset Summary", "We collected forum threads, excluding tweets and other microblog posts."),
    ("Dataset Summary", "Comments were gathered without X data of any kind."),
    ("Dataset Summary", "Twitter data was removed before release; the rest are news comments."),
    ("Dataset Summary", "Tweets were filtered out; the corpus holds blog posts collected in 2021."),
    # related work and rejected alternatives
    (
        "Curation Rationale",
        "Previous studies used Twitter datasets collected with hashtags, which are noisy.",
    ),
    (
        "Curation Rationale",
        "We reviewed several tweet corpora but they differed too much from spoken dialogue.",
    ),
    (
        "Curation Rationale",
        "To overcome the limitations of Twitter datasets, we collected headlines from newspapers.",
    ),
    (
        "Curation Rationale",
        "Unlike tweets, which reply to other tweets, the headlines we obtained stand alone.",
    ),
    ("Curation Rationale", "This new corpus has advantages over the existing Twitter datasets."),
    # other platforms' posts called tweets: the platform named in the sentence decides
    ("Dataset Summary", "We crawled Weibo tweets about the floods and their reposts."),
    ("Dataset Summary", "Posts and retweets were collected through the Weibo API."),
    ("Dataset Summary", "The set holds 40,000 StockTwits tweets labelled bullish or bearish."),
    ("Dataset Summary", "Mastodon tweets (toots) were sampled from 30 instances."),
    # the letter X, and likenesses
    ("Dataset Summary", "The X axis shows the number of epochs."),
    ("Dataset Summary", "Images of X-ray scans and their reports."),
    ("Dataset Summary", "For each input X, the model predicts a label Y."),
    ("Dataset Summary", "Prices of product X and product Y over time."),
    ("Dataset Summary", "Inputs are drawn from X."),
    ("Dataset Summary", "Models trained on X, evaluated on Y, with labels collected by hand."),
    ("Dataset Summary", "Samples from X and labels from Y were collected."),
    ("Dataset Summary", "Column X handles missing values; X users can set it to zero."),
    ("Dataset Summary", "Birdwatch observations of 300 species were collected by volunteers."),
    (
        "Dataset Summary",
        "Weibo is commonly referred to as the Chinese Twitter; posts were collected from Weibo.",
    ),
    # related work in one clause, own data in the next
    ("Dataset Summary", "Previous studies used Twitter datasets; we collected Reddit comments instead."),
    # models and embeddings named after the platform
    ("Dataset Summary", "We collected Reddit comments and labelled them with the Twitter-RoBERTa model."),
    ("Dataset Summary", "Reviews were gathered from shops and embedded with GloVe Twitter vectors."),
    # words that only look like the platform, and the platform as a topic of other texts
    ("Dataset Summary", "Recordings of birds twittering were collected in forests."),
    ("Dataset Summary", "The corpus includes the Bambi word twitterpated."),
    ("Dataset Summary", "News articles about X Corp were collected from Reuters."),
]


@pytest.mark.parametrize(("heading", "text"), NOT_PROVENANCE)
def test_sentences_that_are_not_provenance_do_not_block(heading: str, text: str) -> None:
    assert not [f for f in prose(section(heading, text)) if f.severity is Severity.HIGH]


@pytest.mark.parametrize(
    "text",
    [
        "Unlike previous studies, our corpus contains 20,000 tweets collected in 2022.",
        "To overcome the limitations of existing Twitter datasets, we collected 50,000 tweets by hand.",
        # a false friend beside real provenance
        "We collected tweets and labelled them with the Twitter-RoBERTa model.",
        "The texts were collected with the Twitter API; GloVe Twitter vectors embed them.",
        "We scraped posts from Twitter; news articles about X Corp were added for context.",
        "Texts are tweets from the GloVe Twitter corpus.",
    ],
)
def test_related_work_or_a_false_friend_still_blocks_beside_our_data(text: str) -> None:
    assert [f.rule_id for f in prose(section("Dataset Summary", text))] == ["GR201"]


def test_a_card_about_another_platform_warns_at_most_on_bare_tweets() -> None:
    body = (
        "# Fediverse accounts\n\n## Dataset Summary\n\nAccounts sampled from Mastodon instances across the "
        "fediverse. Mastodon users were labelled as bots or humans.\n\n"
        "## Data Fields\n\n- `posts`: statistics on up to 20 tweets from each account\n"
    )
    assert not [f for f in prose(body) if f.severity is Severity.HIGH]


def test_a_card_naming_both_platforms_keeps_the_x_evidence() -> None:
    body = section("Dataset Summary", "Rumours from Weibo and 5,000 tweets collected from Twitter.")
    assert [f.rule_id for f in prose(body)] == ["GR201"]


@pytest.mark.parametrize(
    "text",
    [
        "Public posts from X about the 2024 election, with replies.",
        "Conversations sampled from X (formerly Twitter) in March.",
        "The data was scraped from X by miners of a decentralised network.",
        "Notes written by contributors to Community Notes, with their ratings.",
        "All records were retrieved with the X API v2 recent search endpoint.",
        "Each row is one X post with its like and repost counts.",
        "Audio transcripts of X Spaces hosted by 200 accounts in 2024.",
        "Chats with Grok conversations on X, exported by users.",
        "Links point to x.com posts collected by the authors.",
    ],
)
def test_x_named_as_x_in_context_blocks(text: str) -> None:
    assert [f.rule_id for f in prose(section("Dataset Summary", text))] == ["GR201"]


def test_a_source_rejected_in_the_next_sentence_is_not_provenance() -> None:
    text = (
        "We considered public Twitter conversations as a source. However, they differ too much from "
        "spoken meetings, so we recorded 300 meetings instead."
    )
    assert not [f for f in prose(section("Curation Rationale", text)) if f.severity is Severity.HIGH]


@pytest.mark.parametrize(
    "text",
    [
        "We examined 12,000 tweets about vaccines. Each one was labelled by three annotators.",
        "We examined 12,000 tweets about vaccines. However, 200 were dropped as duplicates.",
        "We reviewed 5,000 tweets by hand. It is not possible to release their text.",
    ],
)
def test_a_reviewed_source_that_is_kept_still_blocks(text: str) -> None:
    assert [f.rule_id for f in prose(section("Dataset Summary", text))] == ["GR201"]


def test_a_block_names_its_cue() -> None:
    (hit,) = prose(section("Dataset Summary", "The data was collected with the Twitter API in 2020."))
    assert "cue: 'Twitter' with 'collected'" in hit.message
    (hit,) = prose("# Affect in Tweets\n\nText.\n")
    assert "cue: the title names 'Tweets'" in hit.message


def test_a_paragraph_without_full_stops_is_judged_in_bounded_pieces() -> None:
    from guardrail.detectors.card.prose import MAX_SENTENCE_CHARS, _bounded

    words = " ".join(f"word{i}" for i in range(3000)) + " " + "x" * 5000
    pieces = list(_bounded(words))
    assert all(0 < len(p) <= MAX_SENTENCE_CHARS for p in pieces)
    assert "".join(p.replace(" ", "") for p in pieces) == words.replace(" ", "")
    filler = "the garden notes go on " * 400
    found = prose(
        section("Dataset Summary", f"{filler} we collected 5,000 tweets with the Twitter API {filler}")
    )
    assert [f.rule_id for f in found] == ["GR201"]
