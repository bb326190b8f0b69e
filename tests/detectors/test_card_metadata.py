"""Card metadata rules: which YAML says X, and which does not."""

from __future__ import annotations

import pytest

from guardrail.detectors.card.metadata import DETECTOR
from guardrail.findings import Finding
from guardrail.readers.card_parser import parse_card


def findings(yaml_text: str) -> list[Finding]:
    return list(DETECTOR.detect(parse_card(f"---\n{yaml_text}---\n# Card\n", "README.md")))


@pytest.mark.parametrize(
    ("yaml_text", "rule", "key"),
    [
        ("license: other\nlicense_name: twitter-terms-of-service\n", "GR101", "license_name"),
        (
            "license: other\nlicense_link: https://developer.x.com/en/developer-terms/agreement\n",
            "GR101",
            "license_link",
        ),
        (
            "license_details: Content is subject to the Twitter Developer Policy.\n",
            "GR101",
            "license_details",
        ),
        (
            "extra_gated_prompt: You agree to the X Developer Agreement and Policy.\n",
            "GR102",
            "extra_gated_prompt",
        ),
        (
            "extra_gated_fields:\n  I will follow Twitter's terms: checkbox\n",
            "GR102",
            "extra_gated_fields.I will follow Twitter's terms",
        ),
        ("tags:\n- twitter\n- sentiment\n", "GR103", "tags[0]"),
        ("pretty_name: Multilingual Tweet Sentiment\n", "GR103", "pretty_name"),
        ("paperswithcode_id: tweetqa\n", "GR103", "paperswithcode_id"),
        ("configs:\n- config_name: news\n- config_name: it_twittiro\n", "GR104", "configs[1].config_name"),
        ("configs:\n- news\n- tweets_2019\n", "GR104", "configs[1]"),
        (
            "configs:\n- config_name: social\n  data_files:\n  - split: train\n    path: data/tweets-*.jsonl\n",
            "GR104",
            "configs[0].data_files[0].path",
        ),
        ("language:\n  news: [en]\n  tweets: [en]\n", "GR104", "language.tweets"),
        ("train-eval-index:\n- config: default\n  col_mapping:\n    tweet: text\n", "GR105", None),
        ("dataset_info:\n  features:\n  - name: tweet_text\n    dtype: string\n", "GR105", None),
        ("source_datasets:\n- extended|tweet_eval\n", "GR106", "source_datasets[0]"),
    ],
)
def test_x_metadata_is_found_with_its_key(yaml_text: str, rule: str, key: str | None) -> None:
    hits = [f for f in findings(yaml_text) if f.rule_id == rule]
    assert hits, f"{rule} did not fire on {yaml_text!r}"
    if key is not None:
        assert hits[0].location.key == key
    assert hits[0].location.line is not None and hits[0].location.line >= 2


@pytest.mark.parametrize(
    "yaml_text",
    [
        "license: cc-by-4.0\npretty_name: Chest X-ray images\n",
        "license: mit\ntags:\n- spacex\n- xai\n- x-ray\n",
        "pretty_name: Twi news corpus\nlanguage:\n- tw\n",
        "source_datasets:\n- original\n- extended|other-weibo\n",
        "license: apache-2.0\nlicense_link: https://www.apache.org/licenses/LICENSE-2.0\n",
        "configs:\n- config_name: default\n  data_files: data/*.parquet\n",
    ],
)
def test_false_friends_in_metadata_are_silent(yaml_text: str) -> None:
    assert findings(yaml_text) == []


def test_config_finding_names_the_config() -> None:
    (hit,) = [
        f for f in findings("configs:\n- config_name: news\n- config_name: tweets\n") if f.rule_id == "GR104"
    ]
    assert hit.configs == ("tweets",)
    assert hit.location.line == 4


@pytest.mark.parametrize(
    "yaml_text",
    [
        "configs:\n- config_name: mix-no-twitter\n",
        "configs:\n- config_name: web_without_tweets\n  data_files: web_without_tweets/*.jsonl\n",
        "pretty_name: Social comments (excluding tweets)\n",
        "tags:\n- no-twitter\n- forum\n",
    ],
)
def test_negated_platform_names_in_yaml_do_not_count(yaml_text: str) -> None:
    assert findings(yaml_text) == []


def test_a_tweet_task_copied_into_a_shared_task_list_only_warns() -> None:
    shared = (
        "task_ids:\n- natural-language-inference\n- sentiment-classification\n- tweet-topic-classification\n"
    )
    (hit,) = findings("pretty_name: Budget forecasts\n" + shared)
    assert hit.rule_id == "GR103" and hit.severity.value == "medium"
    assert "shared task list" in hit.message
    # The same list on a card whose own name says tweets is that card's own task.
    (hit,) = [
        f for f in findings("pretty_name: Tweet topics\n" + shared) if f.location.key.startswith("task_ids")
    ]
    assert hit.severity.value == "high"
    # A short list is the card's own.
    (hit,) = findings("task_ids:\n- tweet-topic-classification\n")
    assert hit.severity.value == "high"


def test_a_card_about_another_platform_warns_on_tweet_names() -> None:
    card = parse_card(
        "---\ntags:\n- tweets\n---\n# Weibo posts\n\nPosts collected from Sina Weibo; Weibo users wrote them.\n",
        "README.md",
    )
    (hit,) = DETECTOR.detect(card)
    assert hit.rule_id == "GR103" and hit.severity.value == "medium"


def test_legacy_per_config_keys_name_configs_but_other_mappings_do_not() -> None:
    legacy = findings("language:\n  it_twittiro:\n  - it\n  news:\n  - it\n")
    assert [(f.rule_id, f.configs) for f in legacy] == [("GR104", ("it_twittiro",))]
    tags = findings("tags:\n  twitter: true\n")
    assert [(f.rule_id, f.location.key) for f in tags] == [("GR103", "tags.twitter")]


def test_a_gated_question_gives_one_finding() -> None:
    gated = findings("extra_gated_fields:\n  I agree to the Twitter developer agreement: checkbox\n")
    assert [f.rule_id for f in gated] == ["GR102"]
