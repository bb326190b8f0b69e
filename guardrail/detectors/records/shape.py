"""The shape of tweet objects: in the schema (columns, nested fields) or as JSON in text.

API v1.1 objects are recognised by three or more of their distinctive field names
(`id_str`, `user.screen_name`, `retweet_count`...); v2 objects by `edit_history_tweet_ids`,
`referenced_tweets`, or `author_id` together with `conversation_id`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from guardrail.detectors.records import record_patterns as kn
from guardrail.detectors.records.value_signal import Tally, ValueSignal, rows_of
from guardrail.findings import Family, Severity
from guardrail.rules import Rule

SCHEMA = Rule(
    "GR405",
    "record-tweet-schema",
    Severity.HIGH,
    Family.RECORDS,
    "The records' columns or nested fields have the shape of tweet objects, or a column is named for tweets.",
    "Three or more distinctive API v1.1 field names, a v2 marker, or a column such as `tweet`/`tweet_id` "
    "is high; one or two v1.1 names, or a column merely mentioning Twitter, is medium.",
)
JSON_TEXT = Rule(
    "GR406",
    "record-tweet-json",
    Severity.HIGH,
    Family.RECORDS,
    "Text values hold tweet-object JSON (API v1.1 or v2).",
    "A value with three or more distinctive tweet-object keys, or a v2 marker, is a serialised post.",
)
RULES = (SCHEMA, JSON_TEXT)

_WORD_SPLIT = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|[^A-Za-z0-9]+")
_KEY = re.compile(kn.tweet_json_key())
_TWEETISH = re.compile(r"tweet|twitter", re.IGNORECASE)


def tweet_object_strength(names: Iterable[str]) -> tuple[int, list[str]]:
    """2 if `names` are a tweet object's fields, 1 if they hint at one, 0 otherwise."""
    rk = kn.record_knowledge()
    names = set(names)
    v1 = sorted(names & rk.v1_fields)
    v2 = sorted(names & rk.v2_fields)
    if len(v1) >= 3 or names & rk.v2_markers or rk.v2_pair <= names:
        return 2, v1 + v2
    return (1, v1 + v2) if v1 else (0, [])


def _snake(name: str) -> str:
    return "_".join(p.lower() for p in _WORD_SPLIT.split(name) if p)


@dataclass(frozen=True)
class SchemaHit:
    severity: Severity
    column: str
    message: str
    evidence: str


def inspect_schema(paths: Sequence[str]) -> list[SchemaHit]:
    """Judge the field paths of a schema (`user.screen_name`, `entities.urls.url`...)."""
    hits: list[SchemaHit] = []
    leaf_names = [p.rsplit(".", 1)[-1] for p in paths]
    strength, names = tweet_object_strength(leaf_names)
    if strength:
        where = next(p for p in paths if p.rsplit(".", 1)[-1] in names)
        hits.append(
            SchemaHit(
                Severity.HIGH if strength == 2 else Severity.MEDIUM,
                where,
                f"Fields have the shape of tweet objects: {', '.join(names[:6])}.",
                ", ".join(names),
            )
        )
    words = kn.record_knowledge().column_words
    for path in paths:
        name = _snake(path.rsplit(".", 1)[-1])
        if not _TWEETISH.search(name):
            continue
        named_for_posts = any(name == w or name.endswith("_" + w) for w in words)
        hits.append(
            SchemaHit(
                Severity.HIGH if named_for_posts else Severity.MEDIUM,
                path,
                f"Column `{path}` is named for {'tweets' if named_for_posts else 'Twitter'}.",
                path,
            )
        )
        break
    return hits


def _refine_json(values: Sequence[str]) -> list[int]:
    out = []
    for value in values:
        strength, _ = tweet_object_strength(m.group(0).split('"')[1] for m in _KEY.finditer(value))
        out.append(strength if strength == 2 else (1 if len(set(_KEY.findall(value))) >= 2 else 0))
    return out


def _json_judge(t: Tally) -> Severity | None:
    if t.strong:
        return Severity.HIGH
    return Severity.LOW if t.matched else None


SIGNALS = (
    ValueSignal(
        "tweet-json",
        JSON_TEXT,
        kn.tweet_json_key(),
        _json_judge,
        lambda t: f"Tweet-object JSON in {rows_of(t)} ({t.strong:,} with a full tweet-object shape).",
        refine=_refine_json,
    ),
)
