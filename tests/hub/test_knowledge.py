"""The knowledge base file: every entry justified, names unique, lookups exact."""

from __future__ import annotations

import pytest

from guardrail.config import KnownDataset
from guardrail.knowledge import known_x_datasets
from guardrail.knowledge.x_datasets import (
    KnowledgeBase,
    KnownXDataset,
    alias_problem,
    packaged_knowledge_base,
    validate_aliases,
)

KB = packaged_knowledge_base()


def test_every_entry_names_its_evidence_and_public_source() -> None:
    assert KB.version and len(KB.entries) >= 150
    for entry in KB.entries:
        assert entry.names and entry.evidence.endswith(".") and len(entry.source) > 10, entry
        assert set(entry.kind.split("+")) <= {"card", "paper", "benchmark-docs", "dpi"}, entry
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


def test_every_alias_is_distinctive_and_no_name_or_alias_is_listed_twice() -> None:
    keys: list[str] = []
    for entry in KB.entries:
        for alias in entry.aliases:
            assert alias_problem(alias) is None, (entry.name, alias)
        keys.extend({n.lower() for n in (*entry.names, *entry.aliases)})
    assert len(keys) == len(set(keys)), [k for k in set(keys) if keys.count(k) > 1]


@pytest.mark.parametrize(
    ("alias", "distinctive"),
    [
        ("SemEval-2017 Task 4", True),
        ("TweetEval", True),
        ("tweet_eval", True),
        ("OLID", True),
        ("Tweebank-NER", True),
        ("Affect in Tweets", True),
        ("Latent Hatred", True),
        ("emotion", False),
        ("Sentiment", False),
        ("tweets", False),
        ("NEWS", False),
        ("Hate Speech", False),
        ("hate-speech", False),
        ("Paloma", False),
        ("2017", False),
        ("MINT", False),  # an acronym that spells a word
        ("TTC", False),  # three letters alone could name anything
        ("HashSet", False),  # CamelCase, but an identifier of code
        ("IPM NEL", True),
    ],
)
def test_ordinary_words_are_refused_as_aliases(alias: str, distinctive: bool) -> None:
    assert (alias_problem(alias) is None) is distinctive


def test_the_loader_refuses_an_ordinary_alias() -> None:
    entry = KnownXDataset(names=("acme/chirps",), evidence="x.", source="y", aliases=("emotion",), line=7)
    with pytest.raises(
        ValueError, match=r"x_datasets.toml:7: alias 'emotion' of acme/chirps is an ordinary word"
    ):
        validate_aliases([entry])


def test_names_and_aliases_are_found_as_whole_tokens_in_text() -> None:
    kb = KnowledgeBase(
        "t",
        (
            KnownXDataset(
                names=("acme/chirps", "chirp_corpus"), evidence=".", source=".", aliases=("ChirpBench-2",)
            ),
            KnownXDataset(names=("acme/olid",), evidence=".", source=".", aliases=("OLID",)),
        ),
    )
    found = lambda text: [(e.name, m) for e, m in kb.named_in(text)]  # noqa: E731
    assert found("derived from chirp-corpus and acme/chirps") == [("acme/chirps", "chirp-corpus")]
    assert found("the chirpbench 2 tasks") == [("acme/chirps", "chirpbench 2")]
    assert found("chirp_corpusx, a chirp corpus, someone/chirp_corpus and solid ground") == []
    # Inside an identifier a name is a token: the template `my_chirp_corpus_v2` is built from it.
    assert found("my_chirp_corpus_v2") == [("acme/chirps", "chirp_corpus")]
    assert found("OLID, the offensive set") == [("acme/olid", "OLID")]
    assert found("olid in lower case is not the acronym") == []


def test_search_finds_names_aliases_and_evidence() -> None:
    assert any(e.name == "cardiffnlp/tweet_eval" for e in KB.search("TWEET_EVAL"))
    assert KB.search("") == list(KB.entries)
    assert KB.search("no-such-dataset-zzz") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("we use the SemEval-2017 Task 4 data", "maxmoynan/SemEval2017-Task4aEnglish"),
        ("the semeval2017 task4 test set", "maxmoynan/SemEval2017-Task4aEnglish"),
        ("derived from TweetEval", "cardiffnlp/tweet_eval"),
        ("a tweet_eval template", "cardiffnlp/tweet_eval"),
        ("the sentiment140k crawl", None),
        ("a tweet eval of ours", None),
    ],
)
def test_packaged_names_are_found_however_the_separators_are_written(text: str, name: str | None) -> None:
    assert [e.name for e, _ in KB.named_in(text)] == ([name] if name else [])
