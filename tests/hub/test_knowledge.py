"""The knowledge base file: every entry justified, names unique, lookups exact."""

from __future__ import annotations

import pytest

from guardrail.config import KnownDataset
from guardrail.knowledge import known_x_datasets
from guardrail.knowledge.x_datasets import packaged_knowledge_base

KB = packaged_knowledge_base()


def test_every_entry_names_its_evidence_and_public_source() -> None:
    assert KB.version and KB.entries
    for entry in KB.entries:
        assert entry.names and entry.evidence.endswith(".") and len(entry.source) > 10, entry
        assert entry.kind in {"card", "paper", "card+paper", "benchmark-docs", "dpi"}, entry
        assert entry.share in {"all", "partial"}, entry
        assert entry.line is not None
        # Aggregate collections name the configs that hold X content.
        assert not entry.configs or entry.share == "partial", entry


def test_names_are_unique_across_entries() -> None:
    names = [n.lower() for e in KB.entries for n in e.names]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("name", "listed"),
    [
        ("tweet_eval", True),
        ("CardiffNLP/Tweet_Eval", True),
        ("cardiffnlp/tweet_eval@main", True),
        ("someone/tweet_eval", False),  # a fork is not matched by guess
        ("tweet", False),
        ("squad", False),
        ("twi_text_c3", False),  # Twi is a language, not Twitter
    ],
)
def test_lookup_is_exact_and_case_insensitive(name: str, listed: bool) -> None:
    assert (KB.lookup(name) is not None) is listed


def test_collections_list_only_their_tweet_configs() -> None:
    raft = KB.lookup("ought/raft")
    assert raft is not None and raft.covers("twitter_complaints") and not raft.covers("ade_corpus_v2")
    assert raft.covers(None)


def test_user_entries_extend_the_packaged_list() -> None:
    extra = (KnownDataset("acme/chirps", "Our scrape of X posts.", "internal audit 2025"),)
    kb = known_x_datasets().extended(extra, "guardrail.toml")
    entry = kb.lookup("acme/chirps")
    assert entry is not None and entry.kind == "user" and entry.path == "guardrail.toml"
    assert kb.lookup("tweet_eval") is not None
