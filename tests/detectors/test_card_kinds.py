"""Whole cards, written for these tests, for each kind of evidence: the verdict and its explanation.

Every block must name the rule, where it is (line, key or section) and the cue it matched.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from guardrail.config import GuardrailConfig
from guardrail.engine import check
from guardrail.findings import Severity

COMMUNITY_NOTES = """---
license: cc-by-4.0
task_categories: [text-classification]
---
# Helpful notes

## Dataset Summary

Notes written by contributors to Community Notes, with the ratings other contributors gave them,
downloaded from the program's public data page in May 2025.
"""

POSTS_FROM_X = """---
license: other
---
# Election chatter 2024

## Dataset Description

Public posts from X about the 2024 election campaign.

## Data Fields

- `text`: the post
- `tweet_hashtags`: hashtags in the post
- `likes`: like count
"""

MICROBLOG_RETRIEVAL = """---
license: apache-2.0
task_categories: [text-retrieval]
---
# Microblog retrieval collection

## Dataset Structure

| field | description |
| --- | --- |
| `query_id` | topic identifier |
| `retweet_doc_id` | identifier of the judged document |
| `relevance` | graded judgement |
"""

NEGATED = """---
license: mit
configs:
- config_name: web-no-twitter
---
# Forum mix

## Dataset Summary

Threads from public forums. The corpus contains no Twitter data: X posts were removed in 2024.
"""

RELATED_WORK = """---
license: mit
---
# Dialogue summaries

## Curation Rationale

We reviewed existing corpora of tweets and chat logs, but they differed too much from meeting dialogue.
Previous studies used Twitter datasets for summarisation. We recorded 300 meetings instead.
"""

WEIBO = """---
license: cc-by-4.0
---
# Flood reports

## Dataset Summary

Weibo tweets about the 2021 floods were crawled with the Weibo API, with their retweets.
Each Weibo post keeps its reposts; all data comes from Sina Weibo.

## Data Fields

- `retweet_count`: reposts on Weibo
"""

COPIED_COLLECTION = """---
license: cc-by-4.0
pretty_name: Budget forecasts
task_ids:
- natural-language-inference
- sentiment-classification
- tweet-topic-classification
- multi-class-classification
---
# Budget forecasts

Monthly marketing budgets and sales of 40 shops.
"""


def verdict(tmp_path: Path, text: str) -> tuple[str, list[tuple[str, str, str]]]:
    card = tmp_path / "README.md"
    card.write_text(text, encoding="utf-8")
    report = check([str(card)], GuardrailConfig()).targets[0]
    return report.verdict.value, [(f.rule_id, f.severity.value, str(f.location)) for f in report.findings]


@pytest.mark.parametrize(
    ("text", "rule"),
    [(COMMUNITY_NOTES, "GR201"), (POSTS_FROM_X, "GR405"), (MICROBLOG_RETRIEVAL, "GR405")],
)
def test_positive_kinds_block_and_say_why(tmp_path: Path, text: str, rule: str) -> None:
    card = tmp_path / "README.md"
    card.write_text(text, encoding="utf-8")
    report = check([str(card)], GuardrailConfig()).targets[0]
    assert report.verdict.value == "block"
    high = [f for f in report.findings if f.severity is Severity.HIGH]
    assert rule in {f.rule_id for f in high}
    for f in high:
        assert f.location.line is not None and (f.location.key or f.location.section or f.location.column)
        assert f.evidence and f.message


@pytest.mark.parametrize("text", [NEGATED, RELATED_WORK, WEIBO, COPIED_COLLECTION])
def test_lookalike_kinds_never_block(tmp_path: Path, text: str) -> None:
    got, findings = verdict(tmp_path, text)
    assert got in ("pass", "warn"), findings
