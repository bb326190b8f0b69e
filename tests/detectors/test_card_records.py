"""Records shown inside a card are judged as records, by the record scanner's own rules."""

from __future__ import annotations

import pytest

from guardrail.findings import Family, Finding, Severity
from guardrail.readers.card_examples import documented_fields, example_blocks, example_findings, parse_block
from guardrail.readers.card_parser import parse_card
from guardrail.sources.card_findings import card_findings


def records(body: str, meta: str = "license: mit\n") -> list[Finding]:
    return list(example_findings(parse_card(f"---\n{meta}---\n{body}", "README.md")))


def instances(block: str, fence: str = "```json") -> str:
    return f"# Dataset Card for Example\n\n## Data Instances\n\nAn example:\n\n{fence}\n{block}\n```\n"


def rules(hits: list[Finding]) -> dict[str, str]:
    return {f.rule_id: f.severity.value for f in hits}


PLACEHOLDER_ROWS = (
    '[{"text": "@USER you are right about that", "label": 1},\n {"text": "@USER @USER no way", "label": 0}]'
)


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (PLACEHOLDER_ROWS, {"GR407": "high"}),
        (
            '{"text": "RT @newsdesk: polls close at 8", "label": 2}\n{"text": "RT @ana_b: same here", "label": 0}',
            {"GR408": "high"},
        ),
        (
            '{"text": "look https://twitter.com/someone/status/1234567890123456789", "label": 1}',
            {"GR401": "high"},
        ),
        (
            '{"id_str": "1", "full_text": "hello", "retweet_count": 3, "user": {"screen_name": "a"}}',
            {"GR405": "high"},
        ),
        ('{"doc": "a short post", "meta": {"source": "twitter"}}', {"GR410": "high"}),
    ],
)
def test_json_examples_are_scanned_as_records(block: str, expected: dict[str, str]) -> None:
    hits = records(instances(block))
    assert {k: v for k, v in rules(hits).items() if k in expected} == expected, hits
    first = hits[0]
    assert first.family is Family.RECORDS
    assert first.location.path == "README.md" and first.location.section == "Data Instances"
    assert first.location.line == 11  # the first line inside the fence
    assert first.message.startswith("Example records shown in the card")


@pytest.mark.parametrize(
    "block",
    [
        "{'text': '@USER that was fast', 'label': 1}\n",  # Python repr
        "text,label\n@USER that was fast,1\n@USER ok then,0\n",  # CSV
        "text\tlabel\n@USER that was fast\t1\n@USER ok then\t0\n",  # TSV
        '{\n  "text": "@USER that was fast", ...\n  "label": 1\n}',  # JSON with an ellipsis
    ],
)
def test_other_example_formats_parse_to_records(block: str) -> None:
    hits = records(instances(block, fence="```"))
    assert "GR407" in rules(hits), hits


def test_indented_blocks_count_and_prose_does_not() -> None:
    body = (
        "# Card\n\n## Data Instances\n\n"
        '    {"text": "@USER this one", "label": 1}\n'
        '    {"text": "@USER and that", "label": 0}\n\n'
        "Plain prose mentioning @USER placeholders is not a record.\n"
    )
    blocks = list(example_blocks(parse_card(f"---\nlicense: mit\n---\n{body}", "README.md")))
    assert len(blocks) == 1 and blocks[0].line == 8
    assert rules(records(body)) == {"GR407": "high"}


def test_blocks_outside_example_sections_are_not_records() -> None:
    body = "# Card\n\n## Usage\n\n```python\nprint('@USER @USER RT @someone: hi')\n```\n"
    assert records(body) == []


def test_clean_examples_pass() -> None:
    block = '[{"premise": "A man plays guitar.", "hypothesis": "A person makes music.", "label": 0}]'
    assert records(instances(block)) == []


def test_a_broken_example_never_breaks_the_check() -> None:
    assert parse_block('{"text": "unterminated') == [{"text": '{"text": "unterminated'}]
    assert records(instances("{" * 5000)) == []


@pytest.mark.parametrize(
    "fields",
    [
        "- `text`: the post\n- `tweet_hashtags`: hashtags used in the post",
        "| Field | Type |\n| --- | --- |\n| `query_id` | string |\n| `retweet_doc_id` | string |",
        "- **quoted_status_id** (int): the quoted post\n- **label**: 0 or 1",
        "* in_reply_to_status_id: the post this one answers",
    ],
)
def test_documented_tweet_object_fields_block(fields: str) -> None:
    hits = records(f"# Card\n\n## Data Fields\n\n{fields}\n")
    assert rules(hits) == {"GR405": "high"}, hits
    assert hits[0].location.section == "Data Fields" and hits[0].location.line is not None
    assert hits[0].message.startswith("A field the card documents")


def test_documented_fields_are_read_from_lists_and_tables_only_under_field_headings() -> None:
    card = parse_card(
        "---\nlicense: mit\n---\n# Card\n\n## Summary\n\n- tweet_id: not a field list\n\n"
        "## Data Fields\n\n- `doc_id`: id\n| `tweet_id` | str |\n",
        "README.md",
    )
    assert [f.text for f in documented_fields(card)] == ["doc_id", "tweet_id"]


@pytest.mark.parametrize("name", ["in_reply_to_id", "twitter_handle", "tweety_score"])
def test_weaker_field_names_do_not_block(name: str) -> None:
    # Mastodon and mail use `in_reply_to_id`; a handle column or a look-alike word is no post.
    hits = records(f"# Card\n\n## Data Fields\n\n- `{name}`: something\n")
    assert not [f for f in hits if f.severity is Severity.HIGH]


def test_a_card_about_another_platform_only_warns_on_tweet_vocabulary() -> None:
    body = (
        "# Weibo reposts\n\nPosts collected from Sina Weibo. Each Weibo post keeps its reposts.\n\n"
        "## Data Fields\n\n- `retweet_count`: how often the post was reposted on Weibo\n"
    )
    hits = records(body)
    assert rules(hits) == {"GR405": "medium"}


def test_the_card_only_path_runs_example_records() -> None:
    card = parse_card(f"---\nlicense: mit\n---\n{instances(PLACEHOLDER_ROWS)}", "README.md")
    assert "GR407" in {f.rule_id for f in card_findings(card, "README.md").findings}


def test_sample_ids_and_weak_markers_alone_do_not_warn() -> None:
    # An 18-19 digit ID in one example, or a `<user>` placeholder of a chat log, says little.
    assert records(instances('{"question_id": 1762238357686640028, "question": "who wrote it?"}')) == []
    assert records(instances('{"speaker": "<user>", "text": "how do I mount a drive"}')) == []


def test_sample_ids_count_next_to_stronger_record_evidence() -> None:
    block = '{"id": 1762238357686640028, "text": "@USER same here"}\n{"id": 1762238357686640029, "text": "@USER yes"}'
    assert rules(records(instances(block))) == {"GR407": "high", "GR411": "medium"}


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ('{"text": "@USER I love this phone!", "label": 1}', {"GR407": "high"}),
        ('{"text": "@user thanks for the great show", "label": 2}', {"GR407": "high"}),
        ('{"text": "RT @ana_b: polls close at 8", "label": 0}', {"GR408": "high"}),
        # not every shown example carries it: a data file's share rules decide, as before
        (
            '{"text": "@USER I love this phone!", "label": 1}\n{"text": "great phone", "label": 1}',
            {"GR407": "medium"},
        ),
    ],
)
def test_a_post_convention_in_every_shown_example_blocks_even_in_one(
    block: str, expected: dict[str, str]
) -> None:
    assert rules(records(instances(block))) == expected


def test_a_post_convention_in_one_example_of_a_card_about_another_platform_only_warns() -> None:
    body = "Posts collected from Mastodon instances.\n\n" + instances('{"text": "@USER I love this phone!"}')
    assert rules(records(body)) == {"GR407": "medium"}
