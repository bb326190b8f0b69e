"""Known X datasets named as a card's source block; named as related work or cited, they do not."""

from __future__ import annotations

import pytest
from card_text import detect, section

from guardrail.detectors.card.known_sources import DETECTOR
from guardrail.findings import Finding, Severity


def sources(body: str, meta: str = "license: mit\n") -> list[Finding]:
    return detect(DETECTOR, body, meta)


@pytest.mark.parametrize(
    "meta",
    [
        "configs:\n- config_name: tweet_eval_irony\n  data_files: irony/*.parquet\n",
        "configs:\n- config_name: default\n  data_files:\n  - split: train\n    path: sentiment140-sample/train.csv\n",
        "tags:\n- hate_speech_offensive\n",
        "source_datasets:\n- extended|cardiffnlp/tweet_eval-mirror\ntask_ids:\n- sentiment140\n",
        "language:\n  sentiment140: [en]\n  news: [en]\n",
    ],
)
def test_metadata_naming_a_known_dataset_blocks(meta: str) -> None:
    hits = sources("# Card\n\nSome text.\n", meta)
    assert hits and {f.rule_id for f in hits} == {"GR304"}, hits
    assert hits[0].severity is Severity.HIGH
    assert hits[0].location.key is not None
    assert "knowledge base" in hits[0].message and "Source:" in hits[0].message


@pytest.mark.parametrize(
    "text",
    [
        "The training split is derived from tweet_eval and relabelled by two annotators.",
        "We use the sentiment140 data, filtered to 10k balanced examples.",
        "Records were sampled from hate_speech_offensive and translated into Swahili.",
        "This is a copy of cardiffnlp/tweet_eval converted to parquet.",
    ],
)
def test_a_sentence_saying_the_data_was_taken_from_it_blocks(text: str) -> None:
    hits = sources(section("Source Data", text))
    assert [f.rule_id for f in hits] == ["GR304"], hits
    assert hits[0].location.line == 8 and hits[0].location.section == "Source Data"
    assert hits[0].evidence.startswith(text[:40])


def test_a_task_list_names_its_tasks() -> None:
    body = section("Tasks", "| task | size |\n| --- | --- |\n| squad_v2 | 1000 |\n| tweet_eval | 500 |")
    hits = sources(body)
    assert [f.rule_id for f in hits] == ["GR304"]
    assert "task list" in hits[0].message


@pytest.mark.parametrize(
    "body",
    [
        section("Dataset Summary", "Our models outperform earlier results on tweet_eval by 3 points."),
        section("Dataset Summary", "Unlike tweet_eval, this corpus holds parliamentary speeches."),
        section("Dataset Summary", "Headlines were collected from news sites, not from sentiment140."),
        section("Related Work", "Prior benchmarks such as tweet_eval used short texts."),
        section("Citation Information", "We use tweet_eval in our experiments (Barbieri et al.)."),
        section("Dataset Summary", "```bibtex\n@inproceedings{tweet_eval, title={TweetEval}}\n```"),
        section("Dataset Summary", "A benchmark for emotion classification in news text."),
        section("Dataset Summary", "We use the sentiment140k_news crawl of newspapers."),
    ],
)
def test_related_work_citations_and_lookalikes_do_not_count(body: str) -> None:
    assert sources(body) == []


def test_collections_count_only_with_their_x_configs() -> None:
    # Universal Dependencies holds tweets only in two Italian treebanks.
    assert sources(section("Source Data", "Derived from universal_dependencies (en_ewt).")) == []
    hits = sources(section("Source Data", "Derived from universal_dependencies (it_postwita)."))
    assert [f.rule_id for f in hits] == ["GR304"]
    assert "it_postwita" in hits[0].message


def test_autotrain_project_names_are_names_of_the_data() -> None:
    line = "This dataset has been automatically processed by AutoTrain for project {}."
    hits = sources(section("Dataset Description", line.format("chirp-tweet-sentiment")))
    assert [f.rule_id for f in hits] == ["GR304"] and "AutoTrain project" in hits[0].message
    hits = sources(section("Dataset Description", line.format("sentiment140-finetune")))
    assert [f.rule_id for f in hits] == ["GR304"] and "sentiment140" in hits[0].message
    assert sources(section("Dataset Description", line.format("movie-review-sentiment"))) == []


def test_each_known_dataset_is_reported_once() -> None:
    body = section("Source Data", "Derived from tweet_eval.\n\nWe use tweet_eval for the test split too.")
    assert len(sources(body, "tags:\n- tweet_eval\n")) == 1


def test_a_task_list_naming_a_collections_x_config_names_the_collection() -> None:
    body = section("Tasks", "- banking_77: intents\n- twitter_complaints: complaint or not\n")
    (hit,) = sources(body)
    assert hit.rule_id == "GR304" and "ought/raft" in hit.message and "twitter_complaints" in hit.message


def test_known_names_inside_template_identifiers_in_task_lists() -> None:
    body = section(
        "Tasks", "| template | rows |\n| --- | --- |\n| task195_sentiment140_classification | 500 |"
    )
    (hit,) = sources(body)
    assert hit.rule_id == "GR304" and "task195_sentiment140_classification" in hit.message


def test_a_source_mixed_with_other_corpora_still_counts() -> None:
    hits = sources(section("Source Data", "We combine tweet_eval with other corpora of short texts."))
    assert [f.rule_id for f in hits] == ["GR304"]


def test_a_copied_train_eval_index_is_not_a_source() -> None:
    meta = (
        "train-eval-index:\n- config: emotion\n  task: text-classification\n"
        "  dataset: tweet_eval\n  col_mapping:\n    text: text\n"
    )
    assert sources("# Sales figures\n\nMonthly sales of 40 shops.\n", meta) == []
